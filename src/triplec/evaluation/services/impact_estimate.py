"""One impact estimate from plain frames (no database): match the comparison group
(`comparison.match`), keep the years every kept firm reports, and run Callaway and Sant'Anna's
estimator (`triplec.impact`) on the supported firms against their matched firms. The result is a
JSON-ready dict that the run stores and its page, API and downloads show.

Confidence intervals are pointwise 95% (estimate ± 1.96 standard errors, analytic). Caveats are
keys (CAVEATS, always; and the conditional ones) that the page words in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from . import comparison

Z95 = 1.959963984540054
MIN_SUPPORTED = 3  # matched supported firms with a complete panel; fewer cannot say anything
MIN_COMPARISON = 3
SMALL_COHORT = 5  # a cohort of fewer firms gets a caveat
INCOMPLETE = "panel years missing within the estimation window"
LATE = "support starts after the last panel year"

# always said; the page has the words
CAVEATS = ("unobservables", "anticipation", "spillovers", "reported", "other_support")


class ImpactError(ValueError):
    """The estimate cannot be made from these firms (the message says why, in English)."""


def _ci(att: float, se: float) -> dict:
    finite = bool(np.isfinite(se))
    return {"att": float(att), "se": float(se) if finite else None,
            "lower": float(att - Z95 * se) if finite else None, "upper": float(att + Z95 * se) if finite else None}


def _window(panel: pd.DataFrame, firms: list, first: int, last: int) -> tuple[list, list]:
    """Firms with an outcome in every year first..last, and the others."""
    years = panel[panel["firm"].isin(firms) & panel["year"].between(first, last)].dropna(subset=["outcome"])
    counts = years.groupby("firm")["year"].nunique()
    complete = set(counts[counts == last - first + 1].index)
    return [f for f in firms if f in complete], [f for f in firms if f not in complete]


def estimate(firms: pd.DataFrame, panel: pd.DataFrame, *, control: str = "never",
             neighbours: int = comparison.DEFAULT_NEIGHBOURS, caliper: float = comparison.DEFAULT_CALIPER,
             progress: Callable[[int, int], None] | None = None) -> dict:
    """`firms` and `panel` as `comparison.match` takes them. `progress(done, total)` out of 100."""
    from triplec.impact import aggregate, att_gt

    def report(done: int) -> None:
        if progress is not None:
            progress(done, 100)

    report(2)
    panel = panel.dropna(subset=["outcome"])
    supported_total = int((firms["cohort"] > 0).sum())
    if supported_total == 0:
        raise ImpactError("no supported firm has panel years of this outcome")
    matching = comparison.match(firms, panel, neighbours=neighbours, caliper=caliper)
    report(20)
    dropped = matching.dropped.to_dict("records")
    treated = matching.matched_firms
    if not treated:
        raise ImpactError(f"none of the {supported_total} supported firm(s) has a match: "
                          + "; ".join(sorted({d['reason'] for d in dropped})))
    cohorts = firms.loc[treated, "cohort"].astype(int)
    first = int(cohorts.min()) - 2
    last = int(panel.loc[panel["firm"].isin(treated), "year"].max())
    late = [f for f in treated if cohorts[f] > last]
    dropped += [{"firm": f, "reason": LATE} for f in late]
    kept, incomplete = _window(panel, [f for f in treated if f not in late], first, last)
    dropped += [{"firm": f, "reason": INCOMPLETE} for f in incomplete]
    pairs = matching.pairs[matching.pairs["firm"].isin(kept)]
    controls, _ = _window(panel, sorted(pairs["control"].unique().tolist()), first, last)
    if len(kept) < MIN_SUPPORTED:
        raise ImpactError(f"too few supported firms to estimate: {len(kept)} matched with complete panel years "
                          f"{first}-{last} (at least {MIN_SUPPORTED} needed; {len(dropped)} dropped)")
    if control == "never" and len(controls) < MIN_COMPARISON:
        raise ImpactError(f"too few comparison firms: {len(controls)} with complete panel years {first}-{last} "
                          f"(at least {MIN_COMPARISON} needed)")

    units = [*kept, *controls]
    sample = panel[panel["firm"].isin(units) & panel["year"].between(first, last)].copy()
    sample["cohort"] = sample["firm"].map(lambda f: int(firms.at[f, "cohort"]) if f in kept else 0)

    def cells(done: int, total: int) -> None:
        report(20 + int(70 * done / total) if total else 90)

    effects = att_gt(sample, "firm", "year", "outcome", "cohort", control=control, progress=cells)
    aggregations = {}
    for kind in ("simple", "group", "dynamic", "calendar"):
        result = aggregate(effects, kind)
        aggregations[kind] = {**_ci(result.att, result.se),
                              "rows": [{"key": float(r.key), **_ci(r.att, r.se)} for r in result.table.itertuples()]}
    report(95)
    table = effects.table
    att_gt_rows = [{"cohort": int(r.cohort), "time": int(r.time), **_ci(r.att, r.se), "post": bool(r.post),
                    "n_treated": int(r.n_treated), "n_control": int(r.n_control)} for r in table.itertuples()]
    cohort_sizes = cohorts[kept].value_counts()
    caveats = list(CAVEATS)
    pretrend = None
    if effects.pretrend is not None:
        pretrend = {"statistic": effects.pretrend.statistic, "df": effects.pretrend.df,
                    "p_value": effects.pretrend.p_value, "smallest_cohort": effects.pretrend.smallest_cohort,
                    "reliable": effects.pretrend.reliable}
        if not effects.pretrend.reliable:
            caveats.insert(0, "pretrend_unreliable")
        elif effects.pretrend.p_value < 0.05:
            caveats.insert(0, "pretrend")
    else:
        caveats.insert(0, "no_pretrend_test")
    if (cohort_sizes < SMALL_COHORT).any():
        caveats.append("small_cohorts")
    if len(dropped) > 0.2 * supported_total:
        caveats.append("many_dropped")
    balance = [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in row.items()}
               for row in matching.balance.to_dict("records")]
    return {
        "years": [first, last], "control": control,
        "matching": {"neighbours": neighbours, "caliper": caliper, "scale": matching.scale},
        "att_gt": att_gt_rows, "aggregations": aggregations, "overall": _ci(aggregations["simple"]["att"],
                                                                             aggregations["simple"]["se"] or np.nan),
        "pretrend": pretrend,
        "samples": {"supported": len(kept), "comparison": len(controls), "dropped": len(dropped),
                    "supported_total": supported_total,
                    "cohorts": {str(int(g)): int(n) for g, n in sorted(cohort_sizes.items())}},
        "dropped": [{"firm": _plain(d["firm"]), "reason": d["reason"]} for d in dropped],
        "balance": balance, "caveats": caveats, "notes": [str(n) for n in effects.notes],
    }


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value
