"""The report's files ship inside the library (importlib.resources), not borrowed from the web app."""

import inspect
from importlib import resources
from pathlib import Path

import pytest

from triplec.mapping import places, report, report_map

pytestmark = pytest.mark.nodb

ASSET_FILES = ["report.html", "report.css", "report.js", "web/places.js", "topojson-client/topojson-client.min.js",
               "world-atlas/countries-50m.json", "leaflet-1.9.4/leaflet.js", "leaflet-1.9.4/leaflet.css"]


@pytest.mark.parametrize("name", ASSET_FILES)
def test_every_report_asset_is_a_file_of_the_package(name):
    asset = resources.files("triplec.mapping").joinpath("report_assets", *name.split("/"))
    assert asset.is_file() and asset.read_bytes()


def test_report_modules_do_not_reach_into_the_web_app():
    for module in (report, report_map, places):
        source = inspect.getsource(module)
        assert "web/static" not in source and '"static"' not in source and "WEB_STATIC" not in source
    assert report_map.WORLD_ATLAS.is_file()
    assert Path(report_map.WORLD_ATLAS).parent.parent == Path(report.ASSETS) == places.PLACES_DIR.parent
    assert (places.PLACES_DIR / "countries.json").is_file()


def test_page_text_lives_in_files_not_in_the_module():
    source = inspect.getsource(report)
    assert "<!DOCTYPE html>" not in source and "box-sizing" not in source
    page = report.render_report(report_page_table(), None, title="Assets")
    css = resources.files("triplec.mapping").joinpath("report_assets", "report.css").read_text(encoding="utf-8")
    js = resources.files("triplec.mapping").joinpath("report_assets", "report.js").read_text(encoding="utf-8")
    assert css in page and js in page and "<title>Assets</title>" in page


def report_page_table():
    import pandas as pd

    return pd.DataFrame({"sector": ["10"], "n": [40], "employment": [float("nan")], "gamma": [0.01],
                         "psi": [0.0], "localised": [False], "p_value": [0.5], "q_value": [0.5],
                         "peak_distance": [float("nan")]})
