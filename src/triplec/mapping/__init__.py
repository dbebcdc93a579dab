"""triplec.mapping: find, test, locate and profile clusters in establishment registers (no Django)."""

from triplec.mapping.envelopes import (
    bh_qvalues,
    dbmss_global_envelope,
    do_global_band,
    local_band,
)
from triplec.mapping.kd import KdCurve, kd_curve
from triplec.mapping.points import PointRegister, RegisterError, haversine_km
from triplec.mapping.screen import ScreenResult, kd_test, screen_sectors

__all__ = [
    "KdCurve",
    "PointRegister",
    "RegisterError",
    "ScreenResult",
    "bh_qvalues",
    "dbmss_global_envelope",
    "do_global_band",
    "haversine_km",
    "kd_curve",
    "kd_test",
    "local_band",
    "screen_sectors",
]
