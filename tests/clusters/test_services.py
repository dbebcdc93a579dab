"""Mapping runs through the real task queue, and cluster records made from the footprints they find."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from tests.clusters.factories import CENTRE, run_data

from triplec.clusters import services
from triplec.clusters.models import Cluster, ClusterFootprint, MappingRun
from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed
from triplec.core.models import BackgroundTask
from triplec.core.tasks import run_pending
from triplec.mapping.points import haversine_km


def finished(run: MappingRun) -> MappingRun:
    assert run_pending() >= 1
    run.refresh_from_db()
    run.task.refresh_from_db()
    return run


def test_register_run_screens_locates_and_summarises(generated, world):
    officer = world.users["programme-officer"]
    run = services.start_run(officer, run_data())
    assert run.task.status == BackgroundTask.Status.QUEUED and run.task.name == "triplec.clusters.tasks.mapping_run"
    run = finished(run)
    assert run.task.status == BackgroundTask.Status.DONE, run.task.error
    out = run.output_path
    for name in ("sectors.csv", "sectors.parquet", "curves.csv", "footprints.geojson", "footprint_members.csv",
                 "profiles.csv", "report.html"):
        assert (out / name).is_file(), name
    sectors = pd.read_csv(out / "sectors.csv", dtype={"sector": str}).set_index("sector")
    # Codes aggregated to ISIC divisions; every enterprise with coordinates took part, the 7 without none.
    assert sorted(sectors.index) == ["10", "16", "25"]
    assert sectors.loc["16", "n"] == len(generated.ids["16"]) == 60
    assert sectors.loc["25", "n"] == len(generated.ids["25"]) == 150
    # The clustered sector is localised, far more strongly than any chance finding in a uniform one.
    assert bool(sectors.loc["16", "localised"]) is True
    assert sectors.loc["16", "gamma"] > 100 * sectors.loc[["10", "25"], "gamma"].max()
    assert sectors.loc["16", "peak_distance"] <= 10
    geo = json.loads((out / "footprints.geojson").read_text())
    summary = run.summary
    assert summary["establishments"] == generated.with_coordinates == 360
    assert summary["matched"] == 367 and summary["without_coordinates"] == 7
    assert summary["sectors_screened"] == 3 and summary["sectors_total"] == 3
    assert summary["localised_sectors"] == int(sectors["localised"].astype(bool).sum()) >= 1
    assert summary["footprints"] == len(geo["features"]) >= 1
    # One wood footprint: the cluster's enterprises, and only wood enterprises, around its centre.
    wood = [f for f in geo["features"] if f["properties"]["sector"] == "16"]
    assert len(wood) == 1
    members = {int(i) for i in wood[0]["properties"]["establishments"]}
    assert members <= set(generated.ids["16"]) and len(members) >= 55
    lon, lat = wood[0]["properties"]["centroid_lon"], wood[0]["properties"]["centroid_lat"]
    assert haversine_km(lon, lat, CENTRE[1], CENTRE[0]) < 3
    assert wood[0]["properties"]["area_km2"] < 1000
    # Plots of the localised sectors (only those) were drawn by the task, in each language.
    from triplec.clusters.selectors import plot_filename

    localised = {plot_filename(s) for s in sectors.index[sectors["localised"].astype(bool)]}
    for language in ("en", "pt_BR", "es"):
        assert {p.name for p in (out / "plots" / language).iterdir()} == localised
    assert (out / "plots" / "pt_BR" / plot_filename("16")).read_text().lstrip().startswith("<svg")


def test_weighted_run_leaves_out_enterprises_without_employees(generated, world):
    run = finished(services.start_run(world.users["agency-admin"], run_data(weighted=True, title="Weighted")))
    assert run.task.status == BackgroundTask.Status.DONE, run.task.error
    assert run.summary["without_employees"] == len(generated.without_employees) == 11
    assert run.summary["establishments"] == 360 - 11
    curves = pd.read_csv(run.output_path / "curves.csv", dtype={"sector": str})
    assert {"kemp", "kemp_lo", "kemp_hi"} <= set(curves.columns)


def test_territory_filter_keeps_the_territory_and_below(generated, world):
    leiria = generated.municipalities["1010"]
    run = finished(services.start_run(world.users["programme-officer"],
                                      run_data(territory=str(leiria.pk), min_n=10, title="Leiria")))
    assert run.task.status == BackgroundTask.Status.DONE, run.task.error
    from triplec.registry.models import Enterprise

    expected = Enterprise.objects.filter(territory=leiria, latitude__isnull=False).count()
    assert 0 < run.summary["establishments"] == expected < 360


def test_footprint_becomes_a_cluster_and_a_later_footprint_joins_it(generated, world):
    officer = world.users["programme-officer"]
    first = finished(services.start_run(officer, run_data(title="First mapping")))
    feature = next(f for f in json.loads((first.output_path / "footprints.geojson").read_text())["features"]
                   if f["properties"]["sector"] == "16")
    link = services.attach_footprint(officer, first, feature["id"])
    cluster = link.cluster
    assert cluster.sector_classification == "isic4" and cluster.code_list == ["16"]
    assert "Manufacture of wood" in cluster.name and "Leiria" in cluster.name
    assert link.establishments == feature["properties"]["count"] == len(link.member_ids)
    assert link.employment == pytest.approx(feature["properties"]["employment"] or 0) or link.employment is None
    assert link.geometry == feature["geometry"] and link.in_lonlat
    assert cluster.history.count() == 1 and cluster.history.first().history_user == officer

    # Attaching the same footprint to the same cluster twice is refused.
    with pytest.raises(ValidationFailed, match="already attached"):
        services.attach_footprint(officer, first, feature["id"], cluster=cluster)

    # A later run (another seed) finds the cluster again: its footprint joins the existing record.
    second = finished(services.start_run(world.users["agency-admin"], run_data(title="Second mapping", seed=2)))
    feature2 = next(f for f in json.loads((second.output_path / "footprints.geojson").read_text())["features"]
                    if f["properties"]["sector"] == "16")
    services.attach_footprint(world.users["agency-admin"], second, feature2["id"], cluster=cluster)
    assert Cluster.objects.count() == 1
    trajectory = list(cluster.footprints.order_by("observed_at"))
    assert [fp.run_title for fp in trajectory] == ["First mapping", "Second mapping"]
    assert cluster.current_footprint.run_id == second.pk


def test_attaching_to_a_cluster_of_another_sector_adds_the_code(generated, world):
    officer = world.users["programme-officer"]
    run = finished(services.start_run(officer, run_data()))
    fid = next(f["id"] for f in json.loads((run.output_path / "footprints.geojson").read_text())["features"]
               if f["properties"]["sector"] == "16")
    furniture = services.create_cluster(officer, {"name": "Furniture", "sector_classification": "isic4",
                                                  "sector_codes": "31"})
    services.attach_footprint(officer, run, fid, cluster=furniture)
    furniture.refresh_from_db()
    assert furniture.code_list == ["31", "16"]
    assert furniture.history.count() == 2  # created, then the code added by the attachment


@pytest.mark.parametrize("role", ["broker", "evaluator", "association-manager", "enterprise-user"])
def test_only_agency_editors_start_runs_and_attach(generated, world, role):
    with pytest.raises(PermissionDenied):
        services.start_run(world.users[role], run_data())
    with pytest.raises(PermissionDenied):
        services.create_cluster(world.users[role], {"name": "X"})
    assert not MappingRun.objects.exists() and not Cluster.objects.exists()


def test_attach_refuses_runs_that_have_not_finished_and_unknown_footprints(generated, world):
    officer = world.users["programme-officer"]
    run = services.start_run(officer, run_data())
    with pytest.raises(ValidationFailed, match="not finished"):
        services.attach_footprint(officer, run, "16-F1")
    run = finished(run)
    with pytest.raises(NotFound):
        services.attach_footprint(officer, run, "99-F9")
    assert not ClusterFootprint.objects.exists()


def test_upload_with_a_bad_value_fails_with_the_row_and_column(generated, world, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = ["id,sector,lon,lat", "a,16,-8.6,39.7", "b,16,-8.61,39.71", "c,16,abc,39.72", "d,25,-8.0,40.0"]
    upload = SimpleUploadedFile("firms.csv", ("\n".join(rows) + "\n").encode(), content_type="text/csv")
    run = services.start_run(world.users["programme-officer"], run_data(
        source="upload", classification="", sector_level="", id_col="id", sector_col="sector", lon_col="lon",
        lat_col="lat", min_n=2), upload=upload)
    assert (run.output_path / "input" / "firms.csv").is_file() and run.input_name == "firms.csv"
    run = finished(run)
    assert run.task.status == BackgroundTask.Status.FAILED
    assert run.task.message == "column 'lon' must hold numbers; not a number at row 3: 'abc'"


def test_upload_run_with_projected_coordinates_and_aggregation(generated, world):
    """The generated register as a file in km (x/y), with class codes aggregated to divisions."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    frame = generated.frame
    km_per_deg_lat = 111.2
    table = pd.DataFrame({"firm": frame["key"], "nace": frame["code"], "staff": frame["employees"],
                          "x": (frame["lon"] - CENTRE[1]) * km_per_deg_lat * 0.769, "y": (frame["lat"] - CENTRE[0]) * km_per_deg_lat})
    upload = SimpleUploadedFile("firms.csv", table.to_csv(index=False).encode(), content_type="text/csv")
    run = services.start_run(world.users["programme-officer"], run_data(
        source="upload", classification="isic4", sector_level="division", id_col="firm", sector_col="nace",
        x_col="x", y_col="y", unit="km", lon_col="", lat_col="", weighted=True, weight_col="staff"), upload=upload)
    run = finished(run)
    assert run.task.status == BackgroundTask.Status.DONE, run.task.error
    sectors = pd.read_csv(run.output_path / "sectors.csv", dtype={"sector": str}).set_index("sector")
    assert sorted(sectors.index) == ["10", "16", "25"] and bool(sectors.loc["16", "localised"])
    assert run.summary["establishments"] == 360
    geo = json.loads((run.output_path / "footprints.geojson").read_text())
    assert "triplec:coordinates" in geo  # projected, no CRS: drawn in register coordinates
    from triplec.clusters.selectors import map_payload

    payload = map_payload(run)  # the page says the map cannot place them, and draws no points
    assert payload["in_lonlat"] is False and payload["points"] == []


@pytest.mark.parametrize("overrides,field,message", [
    ({"title": ""}, "title", "title"),
    ({"sims": 19, "alpha": 0.05}, "sims", "at least 20 simulations"),
    ({"alpha": 1.5}, "alpha", "between 0 and 1"),
    ({"r_step": 80}, "r_step", "larger than the largest distance"),
    ({"r_max": -1}, "r_max", "more than 0"),
    ({"min_n": 1}, "min_n", "at least 2"),
    ({"classification": ""}, "classification", "classification"),
    ({"classification": "naics2017"}, "sector_level", "NAICS 2017 has no level 'division'"),
    ({"country": "ES"}, "__all__", "No enterprise coded in ISIC Rev.4 with coordinates"),
    ({"min_n": 400}, "__all__", "Only 360 enterprises"),
    ({"weighted": True, "min_n": 355}, "__all__", "Only 349 enterprises coded in ISIC Rev.4 with coordinates and employees"),
    ({"territory": "999999"}, "territory", "No such territory"),
])
def test_run_validation_names_the_field(generated, world, overrides, field, message):
    with pytest.raises(ValidationFailed) as caught:
        services.start_run(world.users["programme-officer"], run_data(**overrides))
    assert field in caught.value.errors
    assert message in " ".join(caught.value.errors[field])
    assert not MappingRun.objects.exists() and not BackgroundTask.objects.exists()


@pytest.mark.parametrize("overrides,field,message", [
    ({}, "file", "Choose a CSV or Parquet file"),
    ({"_file": ("firms.xlsx", b"x")}, "file", "not a CSV, TSV or Parquet file"),
    ({"lon_col": "longitude"}, "lon_col", "no column 'longitude'; its columns are: id, sector, lon, lat"),
    ({"lat_col": ""}, "lat_col", "Name both the longitude and latitude columns"),
    ({"x_col": "lon", "y_col": "lat"}, "lon_col", "not both"),
    ({"weighted": True}, "weight_col", "Name the employees column"),
    ({"lon_col": "", "lat_col": "", "x_col": "lon", "y_col": "lat", "crs": "EPSG:4326"}, "crs", "geographic"),
])
def test_upload_validation_names_the_field(world, overrides, field, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name, content = overrides.pop("_file", ("firms.csv", b"id,sector,lon,lat\n1,16,-8.6,39.7\n"))
    upload = None if not overrides and field == "file" and name == "firms.csv" else SimpleUploadedFile(name, content)
    data = run_data(source="upload", classification="", sector_level="", id_col="id", sector_col="sector",
                    lon_col="lon", lat_col="lat")
    data.update(overrides)
    with pytest.raises(ValidationFailed) as caught:
        services.start_run(world.users["programme-officer"], data, upload=upload)
    assert message in " ".join(caught.value.errors[field])


def test_curves_only_and_nothing_to_screen_runs_finish_with_a_plain_summary(generated, world):
    officer = world.users["programme-officer"]
    curves_only = finished(services.start_run(officer, run_data(sims=0, title="Curves only")))
    assert curves_only.task.status == BackgroundTask.Status.DONE, curves_only.task.error
    assert curves_only.summary["sectors_screened"] == 3
    assert curves_only.summary["localised_sectors"] == 0 and curves_only.summary["footprints"] == 0
    nothing = finished(services.start_run(officer, run_data(min_n=200, title="Nothing big enough")))
    assert nothing.task.status == BackgroundTask.Status.DONE, nothing.task.error
    assert nothing.summary["sectors_screened"] == 0 and nothing.summary["establishments"] == 360


def test_projected_upload_with_a_crs_is_drawn_in_lon_lat(generated, world):
    """x/y in metres of Portugal's PT-TM06 (EPSG:3763) with the CRS given: footprints and map points come
    back in lon/lat, where the generated register put them (pyproj round trip)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from pyproj import Transformer

    from triplec.clusters.selectors import map_payload

    frame = generated.frame
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3763", always_xy=True).transform(frame["lon"], frame["lat"])
    table = pd.DataFrame({"id": frame["key"], "code": frame["code"], "x_m": x, "y_m": y})
    upload = SimpleUploadedFile("tm06.csv", table.to_csv(index=False).encode())
    run = finished(services.start_run(world.users["programme-officer"], run_data(
        source="upload", classification="isic4", sector_level="division", id_col="id", sector_col="code",
        lon_col="", lat_col="", x_col="x_m", y_col="y_m", unit="m", crs="EPSG:3763"), upload=upload))
    assert run.task.status == BackgroundTask.Status.DONE, run.task.error
    payload = map_payload(run)
    assert payload["in_lonlat"] is True
    wood = next(f for f in payload["footprints"]["features"] if f["properties"]["sector"] == "16")
    assert haversine_km(wood["properties"]["centroid_lon"], wood["properties"]["centroid_lat"],
                        CENTRE[1], CENTRE[0]) < 3
    where = frame.set_index("key")
    points = {p[2] for p in payload["points"]}
    assert "16" in points
    first_member = str(wood["properties"]["establishments"][0])
    lat, lon = where.loc[first_member, ["lat", "lon"]]
    assert any(abs(p[0] - lat) < 1e-4 and abs(p[1] - lon) < 1e-4 and p[3] == 1 for p in payload["points"])
