"""The four aggregations of ATT(g,t) of Callaway and Sant'Anna (2021), as R `did::aggte`: simple
(cohort-size weighted post-period cells), group (per cohort), dynamic (per event time t - g) and
calendar (per period). Standard errors from the cells' influence functions, plus, where the weights
are estimated cohort shares, the influence function of those weights (R's `wif`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .attgt import GroupTimeEffects

__all__ = ["KINDS", "Aggregation", "aggregate", "aggregate_table"]

KINDS = ("simple", "group", "dynamic", "calendar")


@dataclass(frozen=True)
class Aggregation:
    kind: str
    att: float  # the overall figure
    se: float
    table: pd.DataFrame  # key (cohort, event time or period), att, se; empty for "simple"


class _Cells:
    """The cells' figures and the helpers every aggregation shares."""

    def __init__(self, effects: GroupTimeEffects):
        t = effects.table
        self.att = t["att"].to_numpy()
        self.group = t["cohort"].to_numpy()
        self.time = t["time"].to_numpy()
        self.inf = effects.influence
        self.n = effects.n_units
        self.unit_group = effects.cohort
        shares = effects.cohort_shares()
        self.pg = shares.reindex(self.group).to_numpy()

    def se(self, influence: np.ndarray) -> float:
        return float(np.sqrt(np.mean(influence ** 2) / self.n))

    def weights_influence(self, keep: np.ndarray) -> np.ndarray:
        """Influence of estimating the weights pg[keep] / sum(pg[keep]): units x len(keep)."""
        pg = self.pg[keep]
        indicator = (self.unit_group[:, None] == self.group[keep][None, :]).astype(float) - pg[None, :]
        total = pg.sum()
        return indicator / total - np.outer(indicator.sum(axis=1), pg / total ** 2)

    def combine(self, keep: np.ndarray, with_weights_influence: bool = True) -> tuple[float, np.ndarray]:
        """Cohort-share weighted mean of the cells `keep` and its influence function."""
        weights = self.pg[keep] / self.pg[keep].sum()
        influence = self.inf[:, keep] @ weights
        if with_weights_influence:
            influence = influence + self.weights_influence(keep) @ self.att[keep]
        return float(weights @ self.att[keep]), influence


def _mean(parts: list[tuple[float, np.ndarray]], weights: np.ndarray) -> tuple[float, np.ndarray]:
    att = np.array([a for a, _ in parts])
    influence = np.column_stack([f for _, f in parts]) @ weights
    return float(weights @ att), influence


def aggregate(effects: GroupTimeEffects, kind: str) -> Aggregation:
    """One aggregation of `effects`: "simple", "group", "dynamic" or "calendar"."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    c = _Cells(effects)
    post = c.group <= c.time
    if not post.any():
        raise ValueError("no post-period cells to aggregate")
    if kind == "simple":
        att, influence = c.combine(np.flatnonzero(post))
        return Aggregation(kind, att, c.se(influence), pd.DataFrame(columns=["key", "att", "se"]))

    if kind == "group":
        keys = np.unique(c.group)
        parts = [c.combine(np.flatnonzero((c.group == g) & post), with_weights_influence=False) for g in keys]
        pgg = np.array([np.mean(c.unit_group == g) for g in keys])
        overall_att, overall_inf = _mean(parts, pgg / pgg.sum())
        # the cohort weights are estimated too: add their influence, as for the simple average
        unit_in = (c.unit_group[:, None] == keys[None, :]).astype(float) - pgg[None, :]
        wif = unit_in / pgg.sum() - np.outer(unit_in.sum(axis=1), pgg / pgg.sum() ** 2)
        overall_inf = overall_inf + wif @ np.array([a for a, _ in parts])
    elif kind == "dynamic":
        event = c.time - c.group
        keys = np.unique(event)
        parts = [c.combine(np.flatnonzero(event == e)) for e in keys]
        after = keys >= 0
        overall_att, overall_inf = _mean([p for p, a in zip(parts, after, strict=True) if a],
                                         np.full(after.sum(), 1 / after.sum()))
    else:
        keys = np.unique(c.time[c.time >= c.group.min()])
        parts = [c.combine(np.flatnonzero((c.time == t) & post)) for t in keys]
        overall_att, overall_inf = _mean(parts, np.full(len(keys), 1 / len(keys)))
    table = pd.DataFrame({"key": keys, "att": [a for a, _ in parts], "se": [c.se(f) for _, f in parts]})
    return Aggregation(kind, overall_att, c.se(overall_inf), table)


def aggregate_table(effects: GroupTimeEffects) -> pd.DataFrame:
    """All four aggregations as one table: type, key (empty on each type's overall row), att, se."""
    rows = []
    for kind in KINDS:
        result = aggregate(effects, kind)
        rows.append({"type": kind, "key": None, "att": result.att, "se": result.se})
        rows.extend({"type": kind, "key": r.key, "att": r.att, "se": r.se} for r in result.table.itertuples())
    return pd.DataFrame(rows, columns=["type", "key", "att", "se"])
