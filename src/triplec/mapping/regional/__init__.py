"""Regional (region x sector table) half of `triplec.mapping`.

    from triplec.mapping.regional import RegionalTable, regional_indices
    table = RegionalTable.from_frame(df, region_col="state", sector_col="cluster", emp_col="emp", estab_col="estab")
    result = regional_indices(table)      # result.indices (region x sector), result.sectors (EG, MS)

Modules: `table` (RegionalTable and validation), `io` (CSV/Parquet readers), `suppression`
(fill suppressed cells of hierarchical tables), `concentration` (LQ, EG, MS, EGK), `rules`
(U.S. Cluster Mapping strong clusters, European Cluster Observatory stars), `indices` (all at once),
`series` (LQ and strong clusters over several years: emerging, declining, persistent).
"""

from triplec.mapping.regional.concentration import (
    H_METHODS,
    AgglomerationResult,
    agglomeration_indices,
    coagglomeration,
    ellison_glaeser_gamma,
    ellison_glaeser_plants,
    herfindahl_equal_size,
    herfindahl_from_size_classes,
    herfindahl_regional_mean_size,
    location_quotients,
    maurel_sedillot_gamma,
    plant_herfindahl,
    raw_concentration,
)
from triplec.mapping.regional.indices import RegionalIndices, regional_indices
from triplec.mapping.regional.io import TableFileError, read_table_file
from triplec.mapping.regional.rules import eco_stars, top_share_flags, uscm_cluster_strength
from triplec.mapping.regional.series import RegionalSeries, regional_series, tables_by_year
from triplec.mapping.regional.suppression import impute_suppressed_cells
from triplec.mapping.regional.table import RegionalTable, RegionalTableError

__all__ = [
    "H_METHODS",
    "AgglomerationResult",
    "RegionalIndices",
    "RegionalSeries",
    "RegionalTable",
    "RegionalTableError",
    "TableFileError",
    "agglomeration_indices",
    "coagglomeration",
    "eco_stars",
    "ellison_glaeser_gamma",
    "ellison_glaeser_plants",
    "herfindahl_equal_size",
    "herfindahl_from_size_classes",
    "herfindahl_regional_mean_size",
    "impute_suppressed_cells",
    "location_quotients",
    "maurel_sedillot_gamma",
    "plant_herfindahl",
    "raw_concentration",
    "read_table_file",
    "tables_by_year",
    "regional_indices",
    "regional_series",
    "top_share_flags",
    "uscm_cluster_strength",
]
