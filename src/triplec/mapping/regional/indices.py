"""All regional indices of a `RegionalTable` in one call: `regional_indices(table)`.

Result (`RegionalIndices`):
- `indices`: one row per region x sector cell (absent cells included as zeros), columns
  region, sector, emp, estab, lq, strong, then lq_estab, qualifying, significant, strong10,
  focus, eco_size, eco_specialisation, eco_focus, eco_stars;
- `sectors`: one row per sector, columns sector, eg_gamma, ms_gamma, eg_method, G, H, emp,
  estab, n_regions, eg_gamma_estab, ms_gamma_estab, n_strong;
- `methods`: what was computed how (measure of the LQ, Herfindahl method, strength rule).

The measure of `lq`, EG and MS is employment when the table has it, else establishments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from triplec.mapping.regional.concentration import (
    agglomeration_indices,
    coagglomeration,
    herfindahl_equal_size,
    herfindahl_regional_mean_size,
    location_quotients,
)
from triplec.mapping.regional.rules import eco_stars, uscm_cluster_strength
from triplec.mapping.regional.table import RegionalTable

__all__ = ["RegionalIndices", "main_measure", "regional_indices"]


@dataclass(frozen=True)
class RegionalIndices:
    """Output of `regional_indices`; see the module docstring for the columns."""

    indices: pd.DataFrame
    sectors: pd.DataFrame
    methods: dict = field(default_factory=dict)
    table: RegionalTable | None = None
    x: pd.Series | None = None

    def coagglomeration(self, pairs=None) -> pd.DataFrame:
        """EGK coagglomeration of sector pairs on the table's main measure (see
        `triplec.mapping.regional.concentration.coagglomeration`); `pairs` as there.

        >>> cells = pd.DataFrame({"region": ["N"] * 3 + ["S"] * 3, "sector": ["shoes", "leather", "wine"] * 2,
        ...                       "emp": [900, 300, 100, 100, 50, 900]})
        >>> result = regional_indices(RegionalTable.from_frame(cells, emp_col="emp"))
        >>> result.coagglomeration().round(3)
          sector_a sector_b  gamma_c
        0  leather    shoes    0.426
        1  leather     wine   -0.557
        2    shoes     wine   -0.636
        """
        if self.table is None:
            raise ValueError("no table attached to these indices")
        return coagglomeration(self.table.matrix(self.methods["measure"]), pairs=pairs, x=self.x)


def main_measure(table: RegionalTable) -> str:
    """The measure of the LQ, EG and MS: employment when the table has it, else establishments."""
    return "emp" if "emp" in table.measures else "estab"


def regional_indices(
    table: RegionalTable,
    *,
    x: pd.Series | None = None,
    herfindahl: pd.Series | None = None,
    herfindahl_method: str | None = None,
    eco_region_totals: pd.Series | None = None,
) -> RegionalIndices:
    """Location quotients, U.S. Cluster Mapping strength, ECO stars, and per-sector EG / MS gammas.

    - `x`: region weights of the aggregate for EG/MS (default: the table's region totals).
    - `herfindahl`: per-sector plant Herfindahl when known from elsewhere (method label 'given',
      or `herfindahl_method`); otherwise approximated from the table, see
      `triplec.mapping.regional.concentration` ("approx_regional_mean_size" with employment and
      counts, "counts_exact" with counts only, "approx_equal_size" if asked for).
    - `eco_region_totals`: total employment of each region for the ECO focus criterion when the
      table covers only part of the economy.

    Parameters
    ----------
    table : RegionalTable
        Region x sector employment and/or establishment counts.
    x, herfindahl, herfindahl_method, eco_region_totals : optional
        As above.

    Returns
    -------
    RegionalIndices
        ``indices`` (one row a region x sector cell: ``lq``, ``strong``, ``eco_stars``...), ``sectors``
        (one row a sector: ``eg_gamma``, ``ms_gamma``, ``n_strong``...) and ``methods`` (what was
        computed and how).

    References
    ----------
    Ellison, G. & Glaeser, E. L. (1997). Geographic concentration in U.S. manufacturing industries: a
    dartboard approach. Journal of Political Economy 105(5), 889-927.
    Maurel, F. & Sedillot, B. (1999). A measure of the geographic concentration in French manufacturing
    industries. Regional Science and Urban Economics 29(5), 575-604.
    Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related industries. Journal of
    Economic Geography 16(1), 1-38 (U.S. Cluster Mapping).
    European Cluster Observatory (2014). Methodology and findings report for a cluster mapping of
    related sectors (the stars).

    Examples
    --------
    >>> import pandas as pd
    >>> from triplec.mapping import RegionalTable
    >>> cells = pd.DataFrame({"region": ["N", "N", "S", "S"], "sector": ["shoes", "wine", "shoes", "wine"],
    ...                       "emp": [900, 100, 100, 900]})
    >>> result = regional_indices(RegionalTable.from_frame(cells, emp_col="emp"))
    >>> result.indices[["region", "sector", "lq"]]
      region sector   lq
    0      N  shoes  1.8
    1      N   wine  0.2
    2      S  shoes  0.2
    3      S   wine  1.8
    """
    measure = main_measure(table)
    main = table.matrix(measure)
    regions, sectors = main.index, main.columns
    lq = location_quotients(main)

    cells = pd.DataFrame({
        "region": np.repeat(regions.to_numpy(), len(sectors)),
        "sector": np.tile(sectors.to_numpy(), len(regions)),
    })
    for m in ("emp", "estab"):
        cells[m] = table.matrix(m).reindex(index=regions, columns=sectors).to_numpy().ravel() if m in table.measures else np.nan
    cells["lq"] = lq.to_numpy().ravel()
    has_estab = "estab" in table.measures and measure == "emp"
    cells["lq_estab"] = location_quotients(table.matrix("estab")).reindex(index=regions, columns=sectors).to_numpy().ravel() \
        if has_estab else np.nan

    strength = uscm_cluster_strength(cells, lq_col="lq", emp_col=measure,
                                     estab_col="estab" if has_estab else None)
    stars = eco_stars(cells, emp_col=measure, lq_col="lq", region_totals=eco_region_totals)
    cells = pd.concat([cells, strength, stars], axis=1)
    ordered = ["region", "sector", "emp", "estab", "lq", "strong", "lq_estab", "qualifying", "significant",
               "strong10", "focus", "eco_size", "eco_specialisation", "eco_focus", "eco_stars"]
    cells = cells[ordered]

    # plant Herfindahl and EG / MS
    if herfindahl is not None:
        h, h_method = herfindahl, herfindahl_method or "given"
    elif measure == "estab":
        h, h_method = herfindahl_equal_size(main), "counts_exact"
    elif herfindahl_method == "approx_equal_size" and "estab" in table.measures:
        h, h_method = herfindahl_equal_size(table.matrix("estab")), "approx_equal_size"
    elif "estab" in table.measures:
        h, h_method = herfindahl_regional_mean_size(main, table.matrix("estab")), "approx_regional_mean_size"
    else:
        h, h_method = pd.Series(np.nan, index=sectors), "unknown"
    agg = agglomeration_indices(main, h, method=h_method if h_method != "unknown" else "given", x=x).table
    agg["eg_method"] = h_method
    out = agg.rename(columns={"total": measure})
    if measure == "emp":
        out["estab"] = table.matrix("estab").sum(axis=0).reindex(sectors).to_numpy() if "estab" in table.measures else np.nan
        if "estab" in table.measures:
            counts = table.matrix("estab")
            by_count = agglomeration_indices(counts, herfindahl_equal_size(counts), method="counts_exact").table
            out["eg_gamma_estab"] = by_count["eg_gamma"].to_numpy()
            out["ms_gamma_estab"] = by_count["ms_gamma"].to_numpy()
        else:
            out["eg_gamma_estab"] = np.nan
            out["ms_gamma_estab"] = np.nan
    else:
        out["emp"] = np.nan
        out["eg_gamma_estab"] = out["eg_gamma"]
        out["ms_gamma_estab"] = out["ms_gamma"]
    out["n_strong"] = cells.groupby("sector")["strong"].sum().reindex(sectors).to_numpy()
    out = out[["sector", "eg_gamma", "ms_gamma", "eg_method", "G", "H", "emp", "estab", "n_regions",
               "eg_gamma_estab", "ms_gamma_estab", "n_strong"]]

    methods = {
        "measure": measure,
        "lq": f"LQ on {'employment' if measure == 'emp' else 'establishments'}, region and sector totals of the table",
        "eg_method": h_method,
        "strong": "U.S. Cluster Mapping strong-cluster rule (clustermapping/cmp cluster_calcs_reducer.js)"
                  + ("" if has_estab else "; on establishment counts, no employment condition" if measure == "estab"
                     else "; establishment condition left out: no establishment counts"),
        "eco_stars": "European Cluster Observatory size / specialisation (LQ >= 2) / focus, top 10%",
    }
    return RegionalIndices(indices=cells.reset_index(drop=True), sectors=out.reset_index(drop=True),
                           methods=methods, table=table, x=x)
