"""`triplec map`: the command-line contract, on a small register with a planted cluster."""

import json

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from triplec.mapping.cli_map import map_command
from triplec.mapping.pipeline import CURVE_COLUMNS, SECTOR_COLUMNS

pytestmark = pytest.mark.nodb

app = typer.Typer()
app.command("map")(map_command)


@app.command("noop")
def _noop() -> None:  # a second command keeps "map" a named subcommand, as in the real app
    pass


runner = CliRunner()


def planted(seed=0, n_background=900):
    """Lon/lat register around Lyon: sector P planted in a 3 km-wide district, five background sectors."""
    rng = np.random.default_rng(seed)
    lon0, lat0 = 4.85, 45.75
    km_lon = 1 / (111.2 * np.cos(np.radians(lat0)))
    km_lat = 1 / 111.2
    rows = []
    for i in range(40):
        dx, dy = rng.normal(0, 1.5, 2)
        rows.append((f"p{i}", "P", lon0 + dx * km_lon, lat0 + dy * km_lat, int(rng.integers(5, 80)), "Lyon"))
    for i in range(n_background):
        dx, dy = rng.uniform(-100, 100, 2)
        rows.append((f"b{i}", "B" + str(i % 5), lon0 + dx * km_lon, lat0 + dy * km_lat,
                     int(rng.integers(1, 400)), "Rural"))
    return pd.DataFrame(rows, columns=["id", "code", "lon", "lat", "emp", "town"])


def run(args):
    return runner.invoke(app, ["map", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def lonlat_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lonlat")
    src = folder / "points.csv"
    planted().to_csv(src, index=False)
    out = folder / "out"
    result = run([src, "--out", out, "--sector-col", "code", "--lon-col", "lon", "--lat-col", "lat",
                  "--region-col", "town", "--r-max", 60, "--r-step", 2, "--sims", 199, "--alpha", 0.05,
                  "--seed", 7, "--min-n", 30])
    return result, out


def test_contract_files_and_columns(lonlat_run):
    result, out = lonlat_run
    assert result.exit_code == 0, result.output
    for name in ("sectors.csv", "sectors.parquet", "curves.csv", "footprints.geojson", "report.html"):
        assert (out / name).is_file(), name
    sectors = pd.read_csv(out / "sectors.csv", dtype={"sector": str})
    assert list(sectors.columns) == SECTOR_COLUMNS
    assert list(pd.read_parquet(out / "sectors.parquet").columns) == SECTOR_COLUMNS
    assert sorted(sectors["sector"]) == ["B0", "B1", "B2", "B3", "B4", "P"]
    curves = pd.read_csv(out / "curves.csv", dtype={"sector": str})
    assert list(curves.columns) == CURVE_COLUMNS
    assert len(curves) == 6 * len(np.arange(0, 61, 2))
    assert "Screened 6 sectors (199 simulations)" in result.output


def test_planted_sector_is_localised_and_located(lonlat_run):
    _, out = lonlat_run
    sectors = pd.read_csv(out / "sectors.csv", dtype={"sector": str}).set_index("sector")
    assert bool(sectors.loc["P", "localised"]) and sectors.loc["P", "q_value"] <= 0.05
    assert sectors.loc["P", "peak_distance"] <= 6
    geo = json.loads((out / "footprints.geojson").read_text())
    p_features = [f for f in geo["features"] if f["properties"]["sector"] == "P"]
    assert len(p_features) == 1
    props = p_features[0]["properties"]
    assert props["count"] >= 35 and all(e.startswith("p") for e in props["establishments"])
    assert props["regions"] == ["Lyon"]
    assert props["centroid_lon"] == pytest.approx(4.85, abs=0.02)
    assert props["centroid_lat"] == pytest.approx(45.75, abs=0.02)
    # background sectors are spread at random: no footprint
    assert {f["properties"]["sector"] for f in geo["features"]} == {"P"}
    detail = pd.read_csv(out / "sectors_detail.csv", dtype={"sector": str}).set_index("sector")
    assert detail.loc["P", "footprints"] == 1 and detail["footprints"].sum() == 1
    assert "bandwidth" in detail.columns and "global_do_hi" in pd.read_csv(out / "curves_detail.csv").columns
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('<figure class="plot"') == 6


def test_projected_parquet_weighted_with_crs(tmp_path):
    df = planted(seed=1)
    # Lambert II etendu metres of the lon/lat positions, through pyproj (the reverse of the report's transform)
    import pyproj

    to_l2e = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27572", always_xy=True)
    df["X"], df["Y"] = to_l2e.transform(df["lon"].to_numpy(), df["lat"].to_numpy())
    src = tmp_path / "points.parquet"
    df.drop(columns=["lon", "lat"]).to_parquet(src)
    out = tmp_path / "out"
    result = run([src, "--out", out, "--sector-col", "code", "--x-col", "X", "--y-col", "Y", "--unit", "m",
                  "--crs", "EPSG:27572", "--weight-col", "emp", "--r-max", 40, "--r-step", 2, "--sims", 19,
                  "--alpha", 0.1, "--seed", 3, "--no-fdr"])  # 19 simulations: q >= 6 * 0.05, too coarse for FDR
    assert result.exit_code == 0, result.output
    curves = pd.read_csv(out / "curves.csv")
    assert list(curves.columns) == CURVE_COLUMNS + ["kemp", "kemp_lo", "kemp_hi"]
    sectors = pd.read_csv(out / "sectors.csv", dtype={"sector": str}).set_index("sector")
    assert sectors.loc["P", "employment"] == df.loc[df.code == "P", "emp"].sum()
    geo = json.loads((out / "footprints.geojson").read_text())
    p = [f["properties"] for f in geo["features"] if f["properties"]["sector"] == "P"][0]
    assert p["employment"] == df.loc[df.id.isin(p["establishments"]), "emp"].sum()
    assert p["sme_share"] == pytest.approx((df.loc[df.id.isin(p["establishments"]), "emp"] < 250).mean())
    assert p["centroid_lon"] == pytest.approx(4.85, abs=0.03) and p["centroid_lat"] == pytest.approx(45.75, abs=0.03)
    ring = np.array(geo["features"][0]["geometry"]["coordinates"][0])
    assert (np.abs(ring[:, 0] - 4.85) < 0.5).all()  # lon/lat, not metres


def test_curves_only(tmp_path):
    src = tmp_path / "points.csv"
    planted().to_csv(src, index=False)
    out = tmp_path / "out"
    result = run([src, "--out", out, "--sector-col", "code", "--lon-col", "lon", "--lat-col", "lat",
                  "--r-max", 20, "--sims", 0])
    assert result.exit_code == 0, result.output
    curves = pd.read_csv(out / "curves.csv")
    assert curves["kd"].notna().all() and curves["lo"].isna().all() and curves["hi"].isna().all()
    sectors = pd.read_csv(out / "sectors.csv")
    assert sectors["p_value"].isna().all()
    assert json.loads((out / "footprints.geojson").read_text())["features"] == []
    assert "0 localised, 0 footprints" in result.output
    assert (out / "report.html").stat().st_size > 100_000


def test_no_sector_large_enough(tmp_path):
    src = tmp_path / "points.csv"
    planted(n_background=20).to_csv(src, index=False)
    result = run([src, "--out", tmp_path / "out", "--sector-col", "code", "--lon-col", "lon", "--lat-col", "lat",
                  "--sims", 19, "--alpha", 0.1, "--min-n", 100])
    assert result.exit_code == 0, result.output
    assert "No sector has at least 100 establishments" in result.output
    assert pd.read_csv(tmp_path / "out" / "sectors.csv").empty


@pytest.mark.parametrize(
    ("change", "extra", "message"),
    [
        (None, ["--sector-col", "naf"], "naf"),
        (None, ["--x-col", "lon"], "either --lon-col/--lat-col or --x-col/--y-col"),
        (lambda d: d.assign(id="same"), [], "duplicate ids"),
        (lambda d: d.assign(lat=d.lat.astype(object).where(d.index != 4, "north")), [], "row 5"),
        (lambda d: d.assign(lat=d.lat + 60), [], "out of range"),
        (None, ["--alpha", "1.5"], "--alpha"),
        (None, ["--sims", "5"], "too few"),
        (None, ["--crs", "EPSG:27572"], "--crs is for projected"),
        (None, ["--label-col", "nope"], "label column 'nope'"),
    ],
)
def test_bad_input_exits_with_a_clear_message(tmp_path, change, extra, message):
    df = planted(n_background=60)
    if change is not None:
        df = change(df)
    src = tmp_path / "points.csv"
    df.to_csv(src, index=False)
    args = [src, "--out", tmp_path / "out", "--sector-col", "code", "--lon-col", "lon", "--lat-col", "lat",
            "--sims", 19, "--alpha", 0.1]
    for i in range(0, len(extra), 2):
        if extra[i] in args:
            args[args.index(extra[i]) + 1] = extra[i + 1]
        else:
            args += extra[i:i + 2]
    result = run(args)
    assert result.exit_code == 2
    assert "Error:" in result.output and message in result.output, result.output


def test_bad_files(tmp_path):
    out = tmp_path / "out"
    missing = run([tmp_path / "nope.csv", "--out", out, "--lon-col", "a", "--lat-col", "b"])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    xlsx = tmp_path / "points.xlsx"
    xlsx.write_text("not a table")
    wrong = run([xlsx, "--out", out, "--lon-col", "a", "--lat-col", "b"])
    assert wrong.exit_code == 2 and "expected a .csv, .tsv or .parquet" in wrong.output
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 definitely not parquet")
    bad = run([broken, "--out", out, "--lon-col", "a", "--lat-col", "b"])
    assert bad.exit_code == 2 and "cannot read 'broken.parquet'" in bad.output
    unit = run([xlsx, "--out", out, "--x-col", "a", "--y-col", "b", "--unit", "miles"])
    assert unit.exit_code == 2 and "--unit must be km or m" in unit.output


@pytest.mark.slow
def test_dask_scheduler_gives_the_same_results(tmp_path):
    from distributed import LocalCluster

    src = tmp_path / "points.csv"
    planted(n_background=300).to_csv(src, index=False)
    common = ["--sector-col", "code", "--lon-col", "lon", "--lat-col", "lat", "--r-max", 20, "--sims", 19,
              "--alpha", 0.1, "--seed", 5]
    local = run([src, "--out", tmp_path / "local", *common])
    assert local.exit_code == 0, local.output
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        remote = run([src, "--out", tmp_path / "dask", *common, "--scheduler", cluster.scheduler_address])
    assert remote.exit_code == 0, remote.output
    for name in ("sectors.csv", "curves.csv"):
        a = pd.read_csv(tmp_path / "local" / name)
        b = pd.read_csv(tmp_path / "dask" / name)
        pd.testing.assert_frame_equal(a, b)
    assert json.loads((tmp_path / "local" / "footprints.geojson").read_text()) == \
        json.loads((tmp_path / "dask" / "footprints.geojson").read_text())


def test_colocation_checked_with_bivariate_kd(tmp_path):
    df = planted(n_background=600)
    rng = np.random.default_rng(3)
    suppliers = df[df.code == "P"].head(25).copy()  # suppliers next to the planted district
    suppliers["id"] = [f"s{i}" for i in range(25)]
    suppliers["code"] = "S"
    suppliers["lon"] += rng.normal(0, 0.003, 25)
    suppliers["lat"] += rng.normal(0, 0.003, 25)
    src = tmp_path / "points.csv"
    pd.concat([df, suppliers]).to_csv(src, index=False)
    out = tmp_path / "out"
    result = run([src, "--out", out, "--sector-col", "code", "--lon-col", "lon", "--lat-col", "lat",
                  "--r-max", 30, "--r-step", 2, "--sims", 199, "--min-n", 20, "--colocation-kd", 2])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "colocation_kd.csv", dtype={"footprint_sector": str, "sector": str})
    pair = table[(table.footprint_sector == "P") & (table.sector == "S")]
    assert len(pair) == 1 and bool(pair["kd_near"].iloc[0]) and pair["kd_p_value"].iloc[0] == pytest.approx(0.005)
    profiles = pd.read_csv(out / "profiles.csv", dtype={"sector": str})
    assert "kd_near" in profiles.columns
    assert "Kd&#10003;" in (out / "report.html").read_text(encoding="utf-8")
