"""The comparison group of an impact estimate: pure functions on DataFrames (no database).

Matching, in two steps, chosen so that a programme officer can say in one sentence why a firm is a
fair comparison ("same sector, state and size, and it was doing as well and growing as fast before"):

1. **Exact strata**: sector division (the first two digits of the firm's classification code, e.g.
   ISIC/CNAE 10 "food products"), territory at the state/region level, size band of the register.
   Support is offered by sector and territory, and markets differ by them: comparing a shoe maker in
   Rio Grande do Sul with one in Ceará would mix the programme with the region.
2. **Nearest neighbours on the pre-support outcome** within the stratum: its level in the last year
   before support (g-1) and its trend (g-1 minus g-2), both read in the same calendar years for the
   supported firm and the candidate. The two are put on one scale by dividing each by its pooled
   standard deviation (supported firms and every candidate before matching, the denominator of the
   standardised mean differences too), and the distance is Euclidean on that scale. With two figures
   per firm and strata of a few firms, a Mahalanobis covariance would be estimated from too little;
   standardised distance keeps the caliper readable: a candidate more than `caliper` standard
   deviations away is no match. The `neighbours` nearest within the caliper are taken, with
   replacement (a candidate may serve several supported firms; matching without replacement would
   make the order of matching decide the pairs). A supported firm with no candidate within the
   caliper, or without the two pre-support years, is dropped and listed.

Candidates are firms never supported by any instrument, so that another programme's effect does not
contaminate the comparison. The estimate then compares the supported firms with the distinct matched
firms (each once): the matching picks who is comparable; Callaway and Sant'Anna's estimator does
the comparison over time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FEATURES = ("level", "trend")
DEFAULT_NEIGHBOURS = 3
DEFAULT_CALIPER = 0.5

# Why a supported firm was dropped (English, translated on the page).
NO_PRE_YEARS = "no outcome in the two years before support"
NO_CANDIDATE = "no never-supported firm of the same sector, region and size with the pre-support years"
OUTSIDE_CALIPER = "no candidate within the caliper"


@dataclass(frozen=True)
class Matching:
    pairs: pd.DataFrame  # firm, control, distance: each supported firm's neighbours
    dropped: pd.DataFrame  # firm, reason
    balance: pd.DataFrame  # feature, treated_mean, before_mean, after_mean, smd_before, smd_after
    scale: dict  # feature -> pooled standard deviation

    @property
    def matched_firms(self) -> list:
        return sorted(self.pairs["firm"].unique().tolist())

    @property
    def controls(self) -> list:
        return sorted(self.pairs["control"].unique().tolist())


def stratum_sector(code: str) -> str:
    """The division of a sector code: its first two digits (ISIC 1071 and CNAE 10.71 -> 10)."""
    digits = "".join(ch for ch in str(code or "") if ch.isalnum())
    return digits[:2]


def pre_support(panel: pd.DataFrame, firm, year: int) -> tuple[float, float] | None:
    """(level, trend) of `firm` before a support starting in `year`; None without both years.
    `panel` is indexed by (firm, year) with an `outcome` column."""
    try:
        last = panel.at[(firm, year - 1), "outcome"]
        before = panel.at[(firm, year - 2), "outcome"]
    except KeyError:
        return None
    if pd.isna(last) or pd.isna(before):
        return None
    return float(last), float(last - before)


def _features_frame(panel: pd.DataFrame) -> pd.DataFrame:
    """(firm, year) -> level = outcome in year-1, trend = outcome(year-1) - outcome(year-2): the
    pre-support figures of support starting in `year`, for every firm and year of the panel."""
    y = panel["outcome"].unstack("year")
    years = sorted(y.columns)
    full = y.reindex(columns=range(years[0], years[-1] + 3)) if years else y
    level = full.shift(1, axis=1)
    trend = level - full.shift(2, axis=1)
    out = pd.DataFrame({"level": level.stack(future_stack=True), "trend": trend.stack(future_stack=True)})
    return out.dropna()


def _smd(treated: np.ndarray, control: np.ndarray, weights: np.ndarray, scale: float) -> float:
    if len(treated) == 0 or len(control) == 0 or not scale:
        return float("nan")
    return float((treated.mean() - np.average(control, weights=weights)) / scale)


def match(firms: pd.DataFrame, panel: pd.DataFrame, neighbours: int = DEFAULT_NEIGHBOURS,
          caliper: float = DEFAULT_CALIPER) -> Matching:
    """Match every supported firm of `firms` with never-supported ones.

    `firms`: index firm id; columns sector, region, size (the strata) and cohort (first year of
    support; 0 = never supported by anything). `panel`: long, columns firm, year, outcome.
    """
    if neighbours < 1:
        raise ValueError("neighbours must be at least 1")
    if not caliper > 0:
        raise ValueError("caliper must be positive")
    indexed = panel.set_index(["firm", "year"])[["outcome"]]
    features = _features_frame(indexed) if len(indexed) else pd.DataFrame(columns=list(FEATURES))
    strata = firms[["sector", "region", "size"]].astype(str).agg("|".join, axis=1)
    treated = firms.index[firms["cohort"] > 0]
    candidates = firms.index[firms["cohort"] == 0]
    dropped: list[dict] = []
    rows_t: list[tuple] = []  # (firm, cohort, level, trend)
    for firm in treated:
        g = int(firms.at[firm, "cohort"])
        if (firm, g) in features.index:
            rows_t.append((firm, g, *features.loc[(firm, g)].to_numpy()))
        else:
            dropped.append({"firm": firm, "reason": NO_PRE_YEARS})
    t_frame = pd.DataFrame(rows_t, columns=["firm", "cohort", *FEATURES])

    # before matching: every candidate with the pre-support years of each cohort, weighted so that a
    # cohort counts as often as it has supported firms
    cand_features = features[features.index.get_level_values(0).isin(candidates)]
    pool_rows, pool_weights = [], []
    for g, size in t_frame.groupby("cohort").size().items():
        at_g = cand_features[cand_features.index.get_level_values(1) == g]
        if len(at_g):
            pool_rows.append(at_g.to_numpy())
            pool_weights.append(np.full(len(at_g), size / len(at_g)))
    pool = np.vstack(pool_rows) if pool_rows else np.empty((0, len(FEATURES)))
    pool_w = np.concatenate(pool_weights) if pool_weights else np.empty(0)
    scale = {}
    for j, name in enumerate(FEATURES):
        t_var = float(t_frame[name].var(ddof=1)) if len(t_frame) > 1 else 0.0
        c_var = float(np.cov(pool[:, j], aweights=pool_w)) if len(pool) > 1 else 0.0
        scale[name] = float(np.sqrt((t_var + c_var) / 2))

    # candidates by (stratum, cohort year): one feature matrix each, so each supported firm's
    # distances are one vectorised step
    cand = cand_features.reset_index()
    cand["stratum"] = strata.reindex(cand["firm"]).to_numpy()
    groups = {key: (group["firm"].to_numpy(), group[list(FEATURES)].to_numpy())
              for key, group in cand.groupby(["stratum", "year"], sort=False)}
    units = np.array([scale[name] or 1.0 for name in FEATURES])
    pairs: list[dict] = []
    for row in t_frame.itertuples(index=False):
        found = groups.get((strata.at[row.firm], row.cohort))
        if found is None:
            dropped.append({"firm": row.firm, "reason": NO_CANDIDATE})
            continue
        ids, values = found
        target = np.array([getattr(row, name) for name in FEATURES])
        distance = np.sqrt((((values - target) / units) ** 2).sum(axis=1))
        order = [i for i in np.argsort(distance, kind="stable")[:neighbours] if distance[i] <= caliper]
        if not order:
            dropped.append({"firm": row.firm, "reason": OUTSIDE_CALIPER})
            continue
        pairs.extend({"firm": row.firm, "control": ids[i], "distance": float(distance[i]),
                      "level": values[i, 0], "trend": values[i, 1], "weight": 1 / len(order)} for i in order)
    pair_frame = pd.DataFrame(pairs, columns=["firm", "control", "distance", *FEATURES, "weight"])

    kept = t_frame[t_frame["firm"].isin(pair_frame["firm"])]
    balance = []
    for j, name in enumerate(FEATURES):
        balance.append({
            "feature": name, "treated_mean": float(t_frame[name].mean()) if len(t_frame) else float("nan"),
            "before_mean": float(np.average(pool[:, j], weights=pool_w)) if len(pool) else float("nan"),
            "after_mean": float(np.average(pair_frame[name], weights=pair_frame["weight"])) if len(pair_frame)
            else float("nan"),
            "smd_before": _smd(t_frame[name].to_numpy(), pool[:, j], pool_w, scale[name]),
            "smd_after": _smd(kept[name].to_numpy(), pair_frame[name].to_numpy(), pair_frame["weight"].to_numpy(),
                              scale[name])})
    return Matching(pairs=pair_frame[["firm", "control", "distance"]],
                    dropped=pd.DataFrame(dropped, columns=["firm", "reason"]),
                    balance=pd.DataFrame(balance), scale=scale)
