"""The demo data: the French register passes the ordinary import checks, coordinates land in France."""

import pytest

from triplec.registry.demo_france import french_register_frame


@pytest.mark.slow
def test_french_register_imports_cleanly(db):
    from triplec.registry.importing import validate_import

    frame = french_register_frame()
    mainland = frame.dropna(subset=["latitude"])
    assert len(frame) == 9404 and len(mainland) == 9306  # one row per valid SIRET (see demo_france)
    # Lambert II étendu -> WGS84 puts mainland facilities inside metropolitan France.
    assert mainland["latitude"].between(41.3, 51.1).all() and mainland["longitude"].between(-5.2, 9.6).all()
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    preview = validate_import(None, rows)
    assert preview.errors == [] and preview.create == len(frame)
