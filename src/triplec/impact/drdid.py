"""Sant'Anna and Zhao's (2020) doubly robust DiD for panel data ("dripw", R `DRDID::drdid_panel`):
inverse probability weights from a logit, an outcome regression on the comparison units, and the
estimator's influence function, which gives analytic standard errors and lets aggregations combine cells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DRDiD", "EstimationError", "dr_did_panel", "dr_did_panel_many", "logit", "propensity"]

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
    propensity scores if already fitted on the same units and covariates."""
    att, influence = dr_did_panel_many(delta_y[:, None], treated, x, ps)
    return DRDiD(att=float(att[0]), influence=influence[:, 0])


def dr_did_panel_many(delta_y: np.ndarray, treated: np.ndarray, x: np.ndarray,
                      ps: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The same for several outcome changes of the same units (columns of `delta_y`: the periods of a
    cohort compared with one base period), sharing the logit and the regressors' cross-products.
    Returns the ATTs (one per column) and the influence functions (units x columns)."""
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
    residual = delta_y - x @ coef  # units x columns

    w_treat = d
    w_cont = ps * (1 - d) / (1 - ps)
    att_treat = w_treat[:, None] * residual
    att_cont = w_cont[:, None] * residual
    eta_treat = att_treat.mean(axis=0) / w_treat.mean()
    eta_cont = att_cont.mean(axis=0) / w_cont.mean()

    # linear representations of the two first steps (OLS on comparison units, logit), applied to
    # the moments they enter: OLS rep . M = (1 - d) residual (x (X'X/n)^-1 M)
    xtx_inv = np.linalg.inv(xtx_c / n)
    ols_treat = ((1 - d)[:, None] * residual) * (x @ (xtx_inv @ (w_treat[:, None] * x).mean(axis=0)))[:, None]
    ols_cont = ((1 - d)[:, None] * residual) * (x @ (xtx_inv @ (w_cont[:, None] * x).mean(axis=0)))[:, None]
    hessian_ps = np.linalg.inv((x * (ps * (1 - ps))[:, None]).T @ x / n)
    ps_rep = ((d - ps)[:, None] * x) @ hessian_ps
    m2 = x.T @ (w_cont[:, None] * (residual - eta_cont[None, :])) / n  # covariates x columns

    inf_treat = (att_treat - w_treat[:, None] * eta_treat[None, :] - ols_treat) / w_treat.mean()
    inf_cont = (att_cont - w_cont[:, None] * eta_cont[None, :] + ps_rep @ m2 - ols_cont) / w_cont.mean()
    return eta_treat - eta_cont, inf_treat - inf_cont
