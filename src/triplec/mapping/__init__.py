"""triplec.mapping: find, test, locate and profile clusters in establishment registers (no Django).

    from triplec.mapping import PointRegister, screen_sectors, locate_footprints
    reg = PointRegister.from_frame(df, id_col="id", sector_col="naf", lon_col="lon", lat_col="lat")
    result = screen_sectors(reg, r_max=100, sims=999)      # result.table, result.curves

Names are loaded on first use, so that importing the package (and the ``triplec`` command line) does not
pay for numba, scipy and shapely until a computation needs them.
"""

from __future__ import annotations

from triplec.lazy_exports import lazy_exports

_EXPORTS = {
    "triplec.mapping.points": ["PointRegister", "RegisterError", "haversine_km"],
    "triplec.mapping.kd": ["KdCurve", "kd_curve"],
    "triplec.mapping.mstat": ["MCurve", "m_curve"],
    "triplec.mapping.mtest": ["m_test"],
    "triplec.mapping.envelopes": ["bh_qvalues", "dbmss_global_envelope", "do_global_band", "local_band"],
    "triplec.mapping.screen": ["ScreenResult", "kd_test", "screen_sectors"],
    "triplec.mapping.engines": ["DaskEngine", "LocalEngine", "make_engine"],
    "triplec.mapping.footprints": ["Footprint", "FootprintSet"],
    "triplec.mapping.locate": ["locate_footprints", "localised_sectors"],
    "triplec.mapping.profile": ["colocation_kd", "profile_footprint", "profile_footprints"],
    "triplec.mapping.trajectories": ["Trajectories", "compare_registers"],
    "triplec.mapping.sectors": ["CrosswalkError", "SectorCodeError", "apply_crosswalk", "load_crosswalk",
                                "load_uscm_crosswalk", "truncate_codes"],
    "triplec.mapping.regional": ["RegionalTable", "RegionalTableError", "coagglomeration", "eco_stars",
                                 "ellison_glaeser_gamma", "location_quotients", "maurel_sedillot_gamma",
                                 "regional_indices", "uscm_cluster_strength"],
    "triplec.mapping.report": ["write_report"],
    "triplec.mapping.pipeline": ["MapInputError", "MapOutputs", "run_map"],
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
