"""Trajectories: how sectors and footprints change between two registers of the same territory.

Clusters follow trajectories, not models (Humphrey & Schmitz 1995, s.2): they grow or shrink, firms
enter and leave, the average size and the differentiation by size change. Establishments are matched by
id (as text: 1, 1.0 and "1" are one id) across the two dates. For a set of establishments ``B`` (before) and ``A`` (after):

- ``stayers = B & A``; ``entries = A - B``; ``exits = B - A``; so ``n_after - n_before = entries - exits``;
- entries split into ``births`` (id absent from the earlier register), ``switch_in`` (id present with
  another sector) and, for footprints, ``relocations_in`` (same sector, outside the polygon before);
  exits split the same way into ``closures``, ``switch_out`` and ``relocations_out``;
- growth rates are ``(after - before) / before`` (NaN when ``before = 0``);
- size distribution (when both registers give employees): mean size, coefficient of variation
  ``CV = sd / mean`` (population standard deviation) and shares by EU size class
  (micro < 10, small 10-49, medium 50-249, large >= 250 employees; the bounds are configurable),
  computed on the establishments whose size is known; ``stayer_employment_change`` is the change of
  employment inside the stayers (growth of incumbents, as opposed to entry and exit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from triplec.mapping.footprints import Footprint, FootprintSet
from triplec.mapping.locate import SIZE_CLASS_BOUNDS
from triplec.mapping.points import PointRegister
from triplec.mapping.profile import inside_footprint


@dataclass
class Trajectories:
    """``by_sector``: one row a sector; ``by_footprint``: one row a footprint (None without footprints)."""

    by_sector: pd.DataFrame
    by_footprint: pd.DataFrame | None


def size_class_labels(bounds: Sequence[float] = SIZE_CLASS_BOUNDS) -> list[str]:
    """Labels of the classes cut at ``bounds``: e.g. (10, 50, 250) -> <10, 10-49, 50-249, >=250."""
    bounds = list(bounds)
    if not bounds or any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)) or bounds[0] <= 0:
        raise ValueError(f"size class bounds must be positive and increasing, got {bounds!r}")
    labels = [f"<{bounds[0]:g}"]
    labels += [f"{lo:g}-{hi - 1:g}" for lo, hi in zip(bounds, bounds[1:], strict=False)]
    labels.append(f">={bounds[-1]:g}")
    return labels


def size_profile(sizes: np.ndarray, bounds: Sequence[float] = SIZE_CLASS_BOUNDS) -> dict[str, float]:
    """Mean, coefficient of variation and size-class shares of the known sizes (NaN when none)."""
    sizes = np.asarray(sizes, float)
    sizes = sizes[np.isfinite(sizes)]
    labels = size_class_labels(bounds)
    if len(sizes) == 0:
        return {"mean_size": np.nan, "cv_size": np.nan, **{f"share_{lab}": np.nan for lab in labels}}
    mean = sizes.mean()
    cv = sizes.std() / mean if mean > 0 else np.nan
    classes = np.searchsorted(np.asarray(bounds, float), sizes, side="right")
    shares = np.bincount(classes, minlength=len(labels)) / len(sizes)
    return {"mean_size": mean, "cv_size": cv, **{f"share_{lab}": s for lab, s in zip(labels, shares, strict=True)}}


def _check_comparable(before: PointRegister, after: PointRegister) -> None:
    if before.geographic != after.geographic or before.unit != after.unit:
        raise ValueError(
            f"the two registers must share a coordinate system: before is "
            f"{'lon/lat' if before.geographic else before.unit}, after is "
            f"{'lon/lat' if after.geographic else after.unit}"
        )


def _flows(before_ids: set, after_ids: set, before_all: dict, after_all: dict, sector: str) -> dict[str, int]:
    """Entry/exit counts of one group; ``*_all`` map every id of each register to its sector."""
    entries = after_ids - before_ids
    exits = before_ids - after_ids
    births = sum(1 for i in entries if i not in before_all)
    switch_in = sum(1 for i in entries if i in before_all and before_all[i] != sector)
    closures = sum(1 for i in exits if i not in after_all)
    switch_out = sum(1 for i in exits if i in after_all and after_all[i] != sector)
    return {
        "entries": len(entries), "births": births, "switch_in": switch_in,
        "relocations_in": len(entries) - births - switch_in,
        "exits": len(exits), "closures": closures, "switch_out": switch_out,
        "relocations_out": len(exits) - closures - switch_out,
        "stayers": len(before_ids & after_ids),
    }


def _describe(before: pd.DataFrame, after: pd.DataFrame, weights: bool, bounds) -> dict:
    row: dict = {"n_before": len(before), "n_after": len(after)}
    row["count_change"] = row["n_after"] - row["n_before"]
    row["count_growth"] = row["count_change"] / row["n_before"] if row["n_before"] else np.nan
    if weights:
        emp_b, emp_a = before["weight"].sum(), after["weight"].sum()
        row.update(employment_before=emp_b, employment_after=emp_a,
                   employment_growth=(emp_a - emp_b) / emp_b if emp_b > 0 else np.nan)
        stay = before.merge(after, on="id", suffixes=("_b", "_a"))
        row["stayer_employment_change"] = stay["weight_a"].sum() - stay["weight_b"].sum()
        for tag, part in (("before", before), ("after", after)):
            row.update({f"{k}_{tag}": v for k, v in size_profile(part["weight"], bounds).items()})
        row["mean_size_change"] = row["mean_size_after"] - row["mean_size_before"]
        row["cv_size_change"] = row["cv_size_after"] - row["cv_size_before"]
    return row


def compare_registers(
    before: PointRegister,
    after: PointRegister,
    *,
    footprints: FootprintSet | Sequence[Footprint] | None = None,
    sectors: Sequence[str] | None = None,
    size_bounds: Sequence[float] = SIZE_CLASS_BOUNDS,
) -> Trajectories:
    """Compare two registers per sector and per footprint (see the module docstring).

    Parameters
    ----------
    before, after : PointRegister
        The two registers, with ids that follow an establishment from one date to the other.
    footprints : FootprintSet or list of Footprint, optional
        Usually those located on the earlier register; their polygons are applied to both dates (the
        same area of land), keeping the establishments of the footprint's sector.
    sectors : list of str, optional
        Sectors to compare (default: every sector of either register).
    size_bounds : sequence of float
        Upper bounds of the size classes, in employees (default: EU micro, small, medium).

    Returns
    -------
    Trajectories
        ``by_sector`` (one row a sector: ``n_before, n_after, count_change, count_growth``, entries split
        into ``births, switch_in``, exits into ``closures, switch_out``, ``stayers`` and, when both
        registers give employees, employment and size-distribution changes) and ``by_footprint`` (the
        same per footprint, with relocations in and out; None without footprints).

    References
    ----------
    Humphrey, J. & Schmitz, H. (1995). Principles for promoting clusters and networks of SMEs. UNIDO,
    section 2 (trajectories).

    Examples
    --------
    Establishment 3 closes, 4 switches from B to A, 5 (A) and 6 (B) are born:

    >>> from triplec.mapping import PointRegister
    >>> before = PointRegister.from_arrays([0, 1, 2, 3], [0, 0, 0, 0], ["A", "A", "A", "B"], ids=["1", "2", "3", "4"])
    >>> after = PointRegister.from_arrays([0, 1, 3, 5, 6], [0, 0, 0, 0, 0], ["A", "A", "A", "A", "B"],
    ...                                   ids=["1", "2", "4", "5", "6"])
    >>> changes = compare_registers(before, after).by_sector
    >>> changes[["sector", "n_before", "n_after", "births", "switch_in", "closures", "switch_out", "stayers"]]
      sector  n_before  n_after  births  switch_in  closures  switch_out  stayers
    0      A         3        4       1          1         1           0        2
    1      B         1        1       1          0         0           1        0
    """
    _check_comparable(before, after)
    size_class_labels(size_bounds)
    weights = before.has_weights and after.has_weights
    fb, fa = before.frame, after.frame
    before_all = dict(zip(fb["id"], fb["sector"], strict=True))
    after_all = dict(zip(fa["id"], fa["sector"], strict=True))
    chosen = sorted(set(fb["sector"]) | set(fa["sector"])) if sectors is None else [str(s) for s in sectors]

    rows = []
    for sector in chosen:
        b = fb[fb["sector"] == sector]
        a = fa[fa["sector"] == sector]
        row = {"sector": sector, **_describe(b, a, weights, size_bounds)}
        flows = _flows(set(b["id"]), set(a["id"]), before_all, after_all, sector)
        flows.pop("relocations_in")  # a sector has no inside/outside: movers are stayers
        flows.pop("relocations_out")
        rows.append({**row, **flows})
    by_sector = pd.DataFrame(rows)

    by_footprint = None
    if footprints is not None:
        frows = []
        for fp in footprints:
            b = fb[inside_footprint(before, fp) & (fb["sector"] == fp.sector).to_numpy()]
            a = fa[inside_footprint(after, fp) & (fa["sector"] == fp.sector).to_numpy()]
            row = {"footprint_id": fp.id, "sector": fp.sector, **_describe(b, a, weights, size_bounds)}
            frows.append({**row, **_flows(set(b["id"]), set(a["id"]), before_all, after_all, fp.sector)})
        by_footprint = pd.DataFrame(frows)
    return Trajectories(by_sector=by_sector, by_footprint=by_footprint)
