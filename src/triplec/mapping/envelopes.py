"""Confidence bands, localisation indices and Monte Carlo tests for Kd curves.

Every function takes the simulated curves as an array ``sims`` of shape ``(n_sims, n_r)`` (one row a
counterfactual curve) and, where needed, the observed curve ``obs`` of shape ``(n_r,)``.

- :func:`local_band`: pointwise quantiles ``alpha/2`` and ``1 - alpha/2`` (R's type 7), as dbmss
  ``KdEnvelope(Global = FALSE)`` does. A *local* band: it says nothing about the whole curve.
- :func:`do_global_band`: the Duranton & Overman (2005, s. 4) global bands: the same pointwise quantile
  level at every distance, chosen so that only ``alpha * 100%`` of the simulated curves cross the upper
  band anywhere on ``[0, r_max]`` (and, separately, ``alpha * 100%`` cross the lower band).
- :func:`dbmss_global_envelope`: the global envelope of dbmss ``KdEnvelope(Global = TRUE)``
  (``GlobalEnvelope``, after Duranton & Overman 2005 as implemented by Marcon): simulations holding the
  extreme value at any distance are dropped until ``(1 - alpha)`` of them are left; the envelope is their
  range, interpolated between the last two steps.
- :func:`localisation_indices`: Gamma (localisation) and Psi (dispersion) of Duranton & Overman (2005):
  ``Gamma = sum_r max(K(r) - Kbar(r), 0)``, ``Psi = sum_r max(Kunder(r) - K(r), 0)`` if ``Gamma = 0``
  (else 0), with the *global* DO band (``Kbar``, ``Kunder``). DO sum over 1-km steps; here the sum is
  the Riemann sum ``r_step * sum_r`` on the evaluated grid, which is DO's number when ``r_step = 1 km``
  and does not change with the grid.
- :func:`mc_pvalue`: Monte Carlo p-value of a global one-sided test of localisation with the statistic
  ``T = max_r (K(r) - mean_sims(r)) / sd_sims(r)`` (the studentised maximum excess, Myllymaki et al.
  2017): ``p = (1 + #{T_sim >= T_obs}) / (n_sims + 1)`` (Davison & Hinkley 1997, eq. 4.11).
- :func:`bh_qvalues`: Benjamini & Hochberg (1995) adjusted p-values (q-values) across sectors.

References: Duranton & Overman (2005), Review of Economic Studies 72, 1077-1106. Marcon, Traissac,
Puech & Lang (2015), dbmss, Journal of Statistical Software 67(3). Myllymaki, Mrkvicka, Grabarnik,
Seijo & Hahn (2017), Global envelope tests for spatial processes, JRSS B 79, 381-404.
"""

from __future__ import annotations

import numpy as np


def local_band(sims: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise quantiles alpha/2 and 1 - alpha/2 of the simulated curves (type 7, as R).

    Parameters
    ----------
    sims : numpy.ndarray
        Simulated curves, shape ``(n_sims, n_r)``.
    alpha : float
        Level of the band at each distance.

    Returns
    -------
    lo, hi : numpy.ndarray
        The lower and upper band, shape ``(n_r,)``.

    References
    ----------
    Marcon, E., Traissac, S., Puech, F. & Lang, G. (2015). Tools to characterize point patterns: dbmss
    for R. Journal of Statistical Software 67(3) (``KdEnvelope(Global = FALSE)``).

    Examples
    --------
    A local band is crossed somewhere by many more than ``alpha`` of the curves (here 24 of 199):

    >>> sims = np.random.default_rng(0).normal(size=(199, 5))
    >>> lo, hi = local_band(sims, 0.05)
    >>> hi.round(2).tolist(), int((sims > hi).any(axis=1).sum())
    ([1.4, 1.77, 1.75, 1.86, 2.11], 24)
    """
    q = np.quantile(sims, [alpha / 2.0, 1.0 - alpha / 2.0], axis=0)
    return q[0], q[1]


def _quantile_sorted(sorted_sims: np.ndarray, p: float) -> np.ndarray:
    """Type-7 quantile at level p of every column of an already sorted (n, m) array."""
    n = sorted_sims.shape[0]
    pos = p * (n - 1)
    k = int(np.floor(pos))
    frac = pos - k
    if k >= n - 1:
        return sorted_sims[n - 1].copy()
    return sorted_sims[k] + frac * (sorted_sims[k + 1] - sorted_sims[k])


def do_global_band(sims: np.ndarray, alpha: float):
    """Duranton-Overman global bands: (lo, hi, p_lo, p_hi).

    ``p_hi`` is the smallest pointwise quantile level (type 7) such that at most ``alpha * n_sims`` of
    the simulations exceed the band ``hi(r) = Q_{p_hi}(r)`` at some distance; ``p_lo`` the largest level
    such that at most ``alpha * n_sims`` fall below ``lo(r) = Q_{p_lo}(r)`` somewhere.

    Exact, without search: with ``n`` simulations, ``Q_p(r)`` passes a simulated value whose tied block
    starts at 0-based rank ``a`` (ends at ``b``) at level ``a/(n-1)`` (``b/(n-1)``), so simulation ``s``
    is above the band at level ``p`` iff ``p < P_s = max_r a_s(r)/(n-1)``, and below it iff
    ``p > L_s = min_r b_s(r)/(n-1)``. Hence ``p_hi`` is the ``floor(alpha n)``-th largest ``P_s`` and
    ``p_lo`` the ``floor(alpha n)``-th smallest ``L_s``.

    Parameters
    ----------
    sims : numpy.ndarray
        Simulated curves, shape ``(n_sims, n_r)``.
    alpha : float
        Share of the simulated curves allowed to cross the upper band (and, separately, the lower).

    Returns
    -------
    lo, hi : numpy.ndarray
        The lower and upper global band, shape ``(n_r,)``.
    p_lo, p_hi : float
        Their pointwise quantile levels.

    References
    ----------
    Duranton, G. & Overman, H. G. (2005). Testing for localization using micro-geographic data. Review
    of Economic Studies 72(4), 1077-1106 (section 4).

    Examples
    --------
    With 199 curves and ``alpha = 0.05``, at most 9 may leave the upper band; here 5 do:

    >>> sims = np.random.default_rng(0).normal(size=(199, 5))
    >>> lo, hi, p_lo, p_hi = do_global_band(sims, 0.05)
    >>> hi.round(2).tolist(), round(p_lo, 3), round(p_hi, 3), int((sims > hi).any(axis=1).sum())
    ([1.95, 2.03, 2.39, 2.28, 2.47], 0.005, 0.995, 5)
    """
    n = sims.shape[0]
    t = np.ascontiguousarray(sims.T)  # one row per distance: sorting along contiguous rows is fast
    order = np.argsort(t, axis=1)
    st = np.take_along_axis(t, order, axis=1)
    pos = np.broadcast_to(np.arange(n), st.shape)
    # rank of the first / last element of each block of ties, in sorted order, then back in place
    starts = np.ones(st.shape, dtype=bool)
    starts[:, 1:] = st[:, 1:] != st[:, :-1]
    ends = np.ones(st.shape, dtype=bool)
    ends[:, :-1] = st[:, :-1] != st[:, 1:]
    first_sorted = np.maximum.accumulate(np.where(starts, pos, 0), axis=1)
    last_sorted = np.minimum.accumulate(np.where(ends, pos, n - 1)[:, ::-1], axis=1)[:, ::-1]
    first_t = np.empty(st.shape, dtype=np.int64)
    last_t = np.empty(st.shape, dtype=np.int64)
    np.put_along_axis(first_t, order, first_sorted, axis=1)
    np.put_along_axis(last_t, order, last_sorted, axis=1)
    first, last, s = first_t.T, last_t.T, st.T
    k = int(np.floor(alpha * n + 1e-9))
    p_up = np.sort(first.max(axis=1) / (n - 1))[::-1]
    p_down = np.sort(last.min(axis=1) / (n - 1))
    p_hi = float(p_up[k]) if k < n else 0.0
    p_lo = float(p_down[k]) if k < n else 1.0
    return _quantile_sorted(s, p_lo), _quantile_sorted(s, p_hi), p_lo, p_hi


def dbmss_global_envelope(sims: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """dbmss ``GlobalEnvelope`` (KdEnvelope with ``Global = TRUE``), ported line by line.

    Loop: while more than ``(1 - alpha) n_sims`` simulations are kept, drop every simulation that holds
    the minimum or the maximum at some distance (first index on ties, as R's ``which.min``). The
    envelope is the min/max of the kept ones, moved towards the previous step's min/max by
    ``(target - kept) / n_sims`` of the gap.

    Parameters
    ----------
    sims : numpy.ndarray
        Simulated curves, shape ``(n_sims, n_r)`` (NaN allowed).
    alpha : float
        Share of the simulated curves left outside the envelope.

    Returns
    -------
    lo, hi : numpy.ndarray
        The lower and upper envelope, shape ``(n_r,)``.

    Raises
    ------
    ValueError
        Fewer than two simulations would be left: more simulations are necessary.

    References
    ----------
    Marcon, E., Traissac, S., Puech, F. & Lang, G. (2015). Tools to characterize point patterns: dbmss
    for R. Journal of Statistical Software 67(3) (``GlobalEnvelope``, ``KdEnvelope(Global = TRUE)``).
    Duranton, G. & Overman, H. G. (2005). Review of Economic Studies 72(4), 1077-1106.

    Examples
    --------
    >>> sims = np.random.default_rng(0).normal(size=(199, 5))
    >>> lo, hi = dbmss_global_envelope(sims, 0.05)
    >>> lo.round(2).tolist(), hi.round(2).tolist()
    ([-2.51, -2.02, -2.52, -3.77, -2.4], [1.95, 2.03, 2.39, 2.28, 2.47])
    """
    nsim = sims.shape[0]
    target = (1.0 - alpha) * nsim
    kept = np.arange(nsim)
    present_min = np.nanmin(sims, axis=0)
    present_max = np.nanmax(sims, axis=0)
    previous_min, previous_max = present_min, present_max
    while len(kept) > target:
        previous_min, previous_max = present_min, present_max
        block = sims[kept]
        valid = ~np.all(np.isnan(block), axis=0)
        drop = np.union1d(np.nanargmin(block[:, valid], axis=0), np.nanargmax(block[:, valid], axis=0))
        kept = np.delete(kept, drop)
        if len(kept) < 2:
            raise ValueError("global envelope could not be calculated: more simulations are necessary")
        present_min = np.nanmin(sims[kept], axis=0)
        present_max = np.nanmax(sims[kept], axis=0)
    gap = (target - len(kept)) / nsim
    lo = present_min + (previous_min - present_min) * gap
    hi = present_max + (previous_max - present_max) * gap
    return lo, hi


def localisation_indices(obs: np.ndarray, lo: np.ndarray, hi: np.ndarray, r_step: float):
    """(Gamma, Psi, localised distances mask, dispersed distances mask) of Duranton & Overman (2005)."""
    above = obs > hi
    below = obs < lo
    gamma = float(np.sum(np.where(above, obs - hi, 0.0)) * r_step)
    psi = 0.0 if gamma > 0 else float(np.sum(np.where(below, lo - obs, 0.0)) * r_step)
    return gamma, psi, above, below


def studentised_excess(curves: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """``max_r (K(r) - mean(r)) / sd(r)`` per curve (rows); distances with sd = 0 are left out."""
    ok = sd > 0
    if not ok.any():
        return np.zeros(curves.shape[0] if curves.ndim == 2 else 1)
    z = (np.atleast_2d(curves)[:, ok] - mean[ok]) / sd[ok]
    return z.max(axis=1)


def mc_pvalue(obs: np.ndarray, sims: np.ndarray) -> float:
    """One-sided Monte Carlo p-value of localisation, ``(1 + #{T_sim >= T_obs}) / (n_sims + 1)``."""
    mean = sims.mean(axis=0)
    sd = sims.std(axis=0, ddof=1)
    t_obs = studentised_excess(obs[None, :], mean, sd)[0]
    t_sim = studentised_excess(sims, mean, sd)
    return float((1 + np.sum(t_sim >= t_obs)) / (len(t_sim) + 1))


def bh_qvalues(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) that leave NaN p-values NaN.

    :func:`scipy.stats.false_discovery_control` (method ``"bh"``) on the p-values that are not NaN:
    ``q_(i) = min_{j >= i} m p_(j) / j``, capped at 1, where ``m`` counts only those p-values.

    Parameters
    ----------
    p : array_like of float
        p-values in [0, 1]; NaN for a test that was not made.

    Returns
    -------
    numpy.ndarray
        q-values in the order of ``p``, NaN where ``p`` is NaN.

    References
    ----------
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a practical and powerful
    approach to multiple testing. Journal of the Royal Statistical Society B 57(1), 289-300.

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, float("nan"), 0.03]).round(3).tolist()
    [0.03, 0.04, nan, 0.04]
    """
    from scipy.stats import false_discovery_control

    p = np.asarray(p, dtype=float)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = false_discovery_control(p[ok], method="bh")
    return q


def peak_distance(r: np.ndarray, obs: np.ndarray, hi: np.ndarray) -> float:
    """Distance of strongest localisation: argmax of ``K(r) - Kbar(r)`` where positive, else NaN."""
    excess = obs - hi
    if not np.any(excess > 0):
        return float("nan")
    return float(r[int(np.nanargmax(excess))])
