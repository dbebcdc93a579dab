"""Coordinates that do not stop a run but make it doubtful are reported (issue 8, item 14): many
establishments on identical points, and longitude and latitude the wrong way round."""

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from triplec.mapping.checks import coordinate_warnings, duplicate_points, swapped_axes
from triplec.mapping.cli_map import map_command
from triplec.mapping.pipeline import MapInputError, run_map

pytestmark = pytest.mark.nodb


def brazil(n=300, seed=0):
    """Establishments around São Paulo and Campinas (lon, lat)."""
    rng = np.random.default_rng(seed)
    lon = np.where(np.arange(n) % 2, rng.normal(-46.63, 0.08, n), rng.normal(-47.06, 0.06, n))
    lat = np.where(np.arange(n) % 2, rng.normal(-23.55, 0.08, n), rng.normal(-22.90, 0.06, n))
    return lon, lat


def test_many_identical_points_are_reported_and_a_few_are_not():
    lon, lat = brazil()
    assert duplicate_points(lon, lat) is None
    lon[:90], lat[:90] = -46.6333, -23.5505  # a third geocoded to the city's centre
    warning = duplicate_points(lon, lat)
    assert warning and "90 of 300 establishments share their exact coordinates" in warning
    assert "the busiest holds 90" in warning
    lon[:90] = np.random.default_rng(1).normal(-46.63, 0.08, 90)
    lon[:3], lat[:3] = -46.0, -23.0
    assert duplicate_points(lon, lat) is None


def test_swapped_lon_lat_is_reported_by_land_and_by_country():
    lon, lat = brazil()
    assert coordinate_warnings(lon, lat, lonlat=True) == []
    warning = swapped_axes(lat, lon)  # São Paulo's latitudes given as longitudes: the South Atlantic
    assert warning and "wrong way round" in warning and "100%" in warning
    by_country = swapped_axes(lat, lon, country="BR")
    assert by_country and "within BR" in by_country
    assert swapped_axes(lon, lat, country="BR") is None
    # Lyon the other way round lands in Somalia: on land, so nothing is said without a country ...
    lyon_lon, lyon_lat = np.full(50, 4.85) + np.linspace(0, 0.3, 50), np.full(50, 45.75)
    assert swapped_axes(lyon_lat, lyon_lon) is None
    # ... but it is outside France.
    assert "within FR" in swapped_axes(lyon_lat, lyon_lon, country="FR")


def frame():
    lon, lat = brazil(400)
    codes = np.where(np.arange(400) % 4 == 0, "A", "B")
    return pd.DataFrame({"id": [f"e{i}" for i in range(400)], "sector": codes, "lon": lon, "lat": lat})


def test_map_command_warns_on_the_console_and_in_the_report(tmp_path):
    df = frame().rename(columns={"lon": "lat", "lat": "lon"})  # the columns named the wrong way round
    src = tmp_path / "points.csv"
    df.to_csv(src, index=False)
    app = typer.Typer()
    app.command("map")(map_command)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["map", str(src), "--out", str(tmp_path / "out"), "--lon-col", "lon",
                                      "--lat-col", "lat", "--sims", "0", "--min-n", "30", "--r-max", "20"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Warning: Only 0% of the establishments fall on land" in " ".join(result.output.split())
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="warnings"' in report and "wrong way round" in report


def test_latitudes_beyond_90_that_fit_as_longitudes_say_swapped(tmp_path):
    df = frame()
    df.loc[:5, ["lon", "lat"]] = df.loc[:5, ["lat", "lon"]].to_numpy()
    df.loc[:5, "lat"] = -120.0
    with pytest.raises(MapInputError, match="look swapped"):
        run_map(df, tmp_path, lon_col="lon", lat_col="lat", sims=0)


def test_right_coordinates_give_no_warning(tmp_path):
    outputs = run_map(frame(), tmp_path, lon_col="lon", lat_col="lat", sims=0, r_max=20, country="BR")
    assert outputs.warnings == []
    assert 'id="warnings"' not in (tmp_path / "report.html").read_text(encoding="utf-8")
