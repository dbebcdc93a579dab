"""The demo data: the French IREP facilities (a mapping data set, not register rows) keep every facility,
coordinates land in France, and sector codes are valid NAF codes."""

import pytest

from triplec.registry.demo_france import french_register_frame


@pytest.mark.slow
def test_french_data_set_keeps_every_facility_in_france(db):
    frame = french_register_frame()
    mainland = frame.dropna(subset=["latitude"])
    assert len(frame) == 10167 and len(mainland) == 10052
    assert frame["national_id"].is_unique  # the data set's point ids
    # Lambert II étendu -> WGS84 puts mainland facilities inside metropolitan France.
    assert mainland["latitude"].between(41.3, 51.1).all() and mainland["longitude"].between(-5.2, 9.6).all()
    assert frame["sector_code"].str.fullmatch(r"\d{2}\.?\d{2}[A-Z]").all()
