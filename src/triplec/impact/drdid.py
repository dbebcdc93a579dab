"""Sant'Anna and Zhao's (2020) doubly robust DiD for panel data ("dripw", R `DRDID::drdid_panel`):
inverse probability weights from a logit, an outcome regression on the comparison units, and the
estimator's influence function, which gives analytic standard errors and lets aggregations combine cells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DRDiD", "EstimationError", "dr_did_panel", "logit", "propensity"]

PS_CAP = 1 - 1e-6  # as DRDID: keeps comparison weights finite where the score is ~1


class EstimationError(ArithmeticError):
    """The cell cannot be estimated (collinear covariates, a logit that does not converge)."""


@dataclass(frozen=True)
class DRDiD:
    att: float
    influence: np.ndarray  # one value per unit of the cell, mean zero


def logit(x: np.ndarray, d: np.ndarray, max_iter: int = 50, tol: float = 1e-10) -> np.ndarray:
    """Maximum-likelihood logit coefficients (Newton-Raphson from zero, as R's glm starts)."""
    beta = np.zeros(x.shape[1])
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        hessian = (x * (p * (1 - p))[:, None]).T @ x
        try:
            step = np.linalg.solve(hessian, x.T @ (d - p))
        except np.linalg.LinAlgError as exc:
            raise EstimationError("the propensity-score covariates are collinear") from exc
        beta += step
        if np.max(np.abs(step)) < tol:
            return beta
    raise EstimationError("the propensity-score logit did not converge (perfect separation of supported "
                          "and comparison units by the covariates?)")


def propensity(x: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """Fitted propensity scores of the logit of `treated` on `x`, capped below 1."""
    return np.minimum(1.0 / (1.0 + np.exp(-(x @ logit(x, treated.astype(float))))), PS_CAP)


def dr_did_panel(delta_y: np.ndarray, treated: np.ndarray, x: np.ndarray, ps: np.ndarray | None = None) -> DRDiD:
    """ATT of one 2x2 comparison. `delta_y`: outcome change per unit; `treated`: 1 for the supported
    cohort, 0 for comparison units; `x`: covariates with an intercept column first; `ps`: the
    propensity scores if already fitted on the same units and covariates (cells sharing a base period)."""
    d = treated.astype(float)
    n = len(d)
    if ps is None:
        ps = propensity(x, treated)
    control = d == 0
    xc = x[control]
    try:
        xtx_c = xc.T @ xc
        coef = np.linalg.solve(xtx_c, xc.T @ delta_y[control])
    except np.linalg.LinAlgError as exc:
        raise EstimationError("the outcome-regression covariates are collinear among comparison units") from exc
    residual = delta_y - x @ coef

    w_treat = d
    w_cont = ps * (1 - d) / (1 - ps)
    att_treat = w_treat * residual
    att_cont = w_cont * residual
    eta_treat = att_treat.mean() / w_treat.mean()
    eta_cont = att_cont.mean() / w_cont.mean()

    # linear representations of the two first steps (OLS on comparison units, logit)
    wols_rep = ((1 - d) * residual)[:, None] * x @ np.linalg.inv(xtx_c / n)
    hessian_ps = np.linalg.inv((x * (ps * (1 - ps))[:, None]).T @ x / n)
    ps_rep = ((d - ps)[:, None] * x) @ hessian_ps

    inf_treat = (att_treat - w_treat * eta_treat - wols_rep @ (w_treat[:, None] * x).mean(axis=0)) / w_treat.mean()
    m2 = (w_cont * (residual - eta_cont))[:, None] * x
    inf_cont = (att_cont - w_cont * eta_cont + ps_rep @ m2.mean(axis=0)
                - wols_rep @ (w_cont[:, None] * x).mean(axis=0)) / w_cont.mean()
    return DRDiD(att=float(eta_treat - eta_cont), influence=inf_treat - inf_cont)
