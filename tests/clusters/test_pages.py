"""The clusters pages: start a run from the form, follow its progress, read the results, attach a
footprint to a new or an existing cluster, see a failed run's reason. (Who may open what: test_permissions.)"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from django.urls import reverse
from tests.clusters.factories import run_data

from triplec.clusters import services
from triplec.clusters.models import Cluster, MappingRun
from triplec.core.tasks import run_pending


@pytest.fixture
def officer_client(world, client_for):
    return client_for(world.users["programme-officer"])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_run_form_shows_clear_field_errors_and_starts_nothing(generated, officer_client):
    response = officer_client.post(reverse("clusters:run_create"), run_data(sims=19, alpha=0.05, title=""))
    assert response.status_code == 200
    page = text(response)
    assert 'data-testid="error-title"' in page and "Give the run a title" in page
    assert "19 simulations are too few for a level of 0.05" in page and "use at least 20 simulations" in page
    assert not MappingRun.objects.exists()


def test_register_run_from_the_form_to_the_results(generated, officer_client):
    response = officer_client.post(reverse("clusters:run_create"), run_data(weighted=True))
    run = MappingRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("clusters:run_detail", args=[run.pk])

    # Queued: the page polls a small progress fragment every second.
    page = text(officer_client.get(response.url))
    progress_url = reverse("clusters:run_progress", args=[run.pk])
    assert f'hx-get="{progress_url}" hx-trigger="every 1s"' in page
    assert "Waiting for a worker" in page and '<meta http-equiv="refresh"' in page
    fragment = officer_client.get(progress_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "HX-Refresh" not in fragment
    assert 'value="0"' in text(fragment)

    assert run_pending() == 1
    # Finished: the fragment tells htmx to reload the page, which now shows the results.
    fragment = officer_client.get(progress_url, HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    page = text(officer_client.get(response.url))
    run.refresh_from_db()
    assert "every 1s" not in page
    assert f'data-testid="summary-establishments">{run.summary["establishments"]}<' in page
    assert run.summary["establishments"] == 349
    assert 'data-testid="excluded-employees">11 without employees (weighted run)' in page
    assert "7 without coordinates" in page
    # Sector names come from the ISIC code list; localised sectors first; one plot per localised sector.
    assert "Manufacture of wood and of products of wood and cork" in page
    rows = re.findall(r'<tr(?: class="localised")? data-sector="([^"]+)"', page)
    localised = re.findall(r'<tr class="localised" data-sector="([^"]+)"', page)
    assert rows[0] == "16" and localised == rows[:len(localised)]
    assert page.count('<figure class="kd-plot"') == len(localised) == run.summary["localised_sectors"]
    assert "<svg" in page
    assert 'id="run-map"' in page and reverse("clusters:run_map_data", args=[run.pk]) in page
    for name in ("sectors.csv", "curves.csv", "footprints.geojson", "report.html"):
        assert reverse("clusters:run_file", args=[run.pk, name]) in page
    assert 'data-testid="attach-16-F1"' in page


def test_sector_table_sorts_by_any_column(done_run, officer_client):
    url = reverse("clusters:run_detail", args=[done_run.pk])

    def order(sort):
        return re.findall(r'<tr(?: class="localised")? data-sector="([^"]+)"', text(officer_client.get(url, {"sort": sort})))

    counts = pd.read_csv(done_run.output_path / "sectors.csv", dtype={"sector": str}).set_index("sector")["n"]
    assert order("n") == sorted(counts.index, key=lambda s: (-counts[s], s)) == ["10", "25", "16"]
    assert order("-n") == ["16", "10", "25"]
    assert order("sector") == ["10", "16", "25"] and order("-sector") == ["25", "16", "10"]
    assert order("")[0] == "16"  # localised first
    page = text(officer_client.get(url, {"sort": "n"}))
    assert 'aria-sort="descending"><a class="sort-link" href="?sort=-n#sectors"' in page


def test_map_data_has_the_footprints_and_their_establishments(done_run, officer_client):
    data = officer_client.get(reverse("clusters:run_map_data", args=[done_run.pk])).json()
    geo = json.loads((done_run.output_path / "footprints.geojson").read_text())
    assert data["footprints"] == geo and data["in_lonlat"] is True
    assert [s["code"] for s in data["sectors"]] == ["16"] and data["sectors"][0]["name"] == "Manufacture of wood"
    members = {str(i) for i in geo["features"][0]["properties"]["establishments"]}
    assert len(data["points"]) == 60  # every wood establishment, flagged when in the footprint
    assert sum(p[3] for p in data["points"]) == len(members)


def test_plot_of_any_sector_is_drawn_on_request_and_kept(done_run, officer_client):
    from triplec.clusters.selectors import plot_filename

    path = done_run.output_path / "plots" / "en" / plot_filename("25")
    assert not path.exists()
    response = officer_client.get(reverse("clusters:run_plot", args=[done_run.pk]), {"sector": "25"})
    assert response.status_code == 200 and response.content.decode().lstrip().startswith("<svg")
    assert path.is_file()
    assert officer_client.get(reverse("clusters:run_plot", args=[done_run.pk]), {"sector": "99"}).status_code == 404


def test_downloads_serve_the_run_files(done_run, officer_client):
    response = officer_client.get(reverse("clusters:run_file", args=[done_run.pk, "sectors.csv"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == (done_run.output_path / "sectors.csv").read_bytes()
    report = officer_client.get(reverse("clusters:run_file", args=[done_run.pk, "report.html"]))
    assert report["Content-Type"].startswith("text/html")
    # its own sandbox policy (the report runs inline scripts), not replaced by the site-wide policy
    assert report["Content-Security-Policy"] == "sandbox allow-scripts allow-popups"


def test_footprints_parquet_is_listed_downloaded_and_read_back(done_run, officer_client, tmp_path):
    """The footprints as GeoParquet (written when geopandas, the [geo] extra, is installed): listed among
    the run's downloads and read back with geopandas, or as plain Parquet by pandas; without geopandas
    the run has no such file and the page does not offer it."""
    url = reverse("clusters:run_file", args=[done_run.pk, "footprints.parquet"])
    page = text(officer_client.get(reverse("clusters:run_detail", args=[done_run.pk])))
    geo = json.loads((done_run.output_path / "footprints.geojson").read_text())
    try:
        import geopandas
    except ImportError:
        assert url not in page and officer_client.get(url).status_code == 404
        return
    assert url in page and "footprints (GeoParquet)" in page
    response = officer_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/vnd.apache.parquet"
    assert response["Content-Disposition"] == f'attachment; filename="mapping-{done_run.pk}-footprints.parquet"'
    path = tmp_path / "footprints.parquet"
    path.write_bytes(b"".join(response.streaming_content))
    frame = geopandas.read_parquet(path)
    assert frame.crs.to_epsg() == 4326
    assert frame["id"].tolist() == [f["id"] for f in geo["features"]] == ["16-F1"]
    assert frame["count"].tolist() == [f["properties"]["count"] for f in geo["features"]]
    shape = frame.geometry.iloc[0]
    assert shape.geom_type == "Polygon" and shape.is_valid
    assert [round(c, 6) for c in shape.exterior.coords[0]] == geo["features"][0]["geometry"]["coordinates"][0][0]
    plain = pd.read_parquet(path)  # any Parquet reader: the geometry as WKB bytes
    assert plain["id"].tolist() == ["16-F1"] and isinstance(plain["geometry"].iloc[0], bytes)


def test_attach_a_footprint_to_a_new_then_to_an_existing_cluster(done_run, world, officer_client):
    attach = reverse("clusters:footprint_attach", args=[done_run.pk])
    response = officer_client.post(attach, {"footprint": "16-F1", "cluster": "new", "name": "Leiria wood cluster"})
    cluster = Cluster.objects.get()
    assert response.status_code == 302 and response.url == reverse("clusters:cluster_detail", args=[cluster.pk])
    assert cluster.name == "Leiria wood cluster" and cluster.code_list == ["16"]
    page = text(officer_client.get(response.url))
    assert 'data-testid="cluster-name">Leiria wood cluster<' in page
    link = cluster.footprints.get()
    assert f'data-testid="current-establishments">{link.establishments} ' in page
    assert 'id="cluster-map"' in page and '"type": "Polygon"' in page
    assert 'data-testid="history"' in page and "created" in page
    assert "attached footprint 16-F1 found by “Finished run”" in page

    # The run page now names the cluster next to the footprint.
    run_page = text(officer_client.get(reverse("clusters:run_detail", args=[done_run.pk])))
    assert 'data-testid="attached-cluster">Leiria wood cluster<' in run_page

    # The same footprint again to the same cluster: refused with a message, nothing added.
    response = officer_client.post(attach, {"footprint": "16-F1", "cluster": str(cluster.pk)}, follow=True)
    assert "already attached to Leiria wood cluster" in text(response)
    assert cluster.footprints.count() == 1

    # Another record of the same cluster (e.g. made by hand) takes the footprint too.
    other = services.create_cluster(world.users["agency-admin"], {"name": "Wood district"})
    response = officer_client.post(attach, {"footprint": "16-F1", "cluster": str(other.pk)})
    assert response.url == reverse("clusters:cluster_detail", args=[other.pk])
    assert other.footprints.count() == 1


def test_employment_of_an_attached_footprint_is_the_members_employment(generated, world):
    """Checked against the register itself: the footprint's employment and SME share at attachment are
    those of its member enterprises."""
    from triplec.registry.models import Enterprise

    officer = world.users["programme-officer"]
    run = services.start_run(officer, run_data(weighted=True))
    run_pending()
    run.refresh_from_db()
    link = services.attach_footprint(officer, run, "16-F1")
    members = Enterprise.objects.filter(pk__in=[int(i) for i in link.member_ids])
    assert members.count() == link.establishments
    assert link.employment == sum(e.employees for e in members)
    assert link.sme_share == pytest.approx(sum(e.employees < 250 for e in members) / members.count())


def test_failed_run_page_says_why(generated, officer_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("firms.csv", b"id,sector,lon,lat\na,16,-8.6,39.7\nb,16,-8.6,\nc,16,east,39.7\n")
    data = run_data(source="upload", classification="", sector_level="", id_col="id", sector_col="sector",
                    lon_col="lon", lat_col="lat", min_n=2, file=upload)
    response = officer_client.post(reverse("clusters:run_create"), data)
    assert response.status_code == 302
    run_pending()
    page = text(officer_client.get(response.url))
    assert 'data-testid="run-error"' in page and "The run failed." in page
    assert "column &#x27;lon&#x27; must hold numbers; not a number at row 3: &#x27;east&#x27;" in page
    assert 'data-testid="run-status">failed<' in page


def test_cluster_create_and_edit_pages_keep_history(world, officer_client):
    response = officer_client.post(reverse("clusters:cluster_create"), {
        "name": "Sinos Valley footwear", "sector_classification": "isic4", "sector_codes": "1520, 15"})
    cluster = Cluster.objects.get()
    assert response.status_code == 302 and cluster.sector_codes == "1520, 15"
    bad = officer_client.post(reverse("clusters:cluster_edit", args=[cluster.pk]), {
        "name": "Sinos", "sector_classification": "isic4", "sector_codes": "1520, 99999"})
    assert bad.status_code == 200 and 'data-testid="error-sector_codes"' in text(bad)
    officer_client.post(reverse("clusters:cluster_edit", args=[cluster.pk]), {
        "name": "Sinos Valley footwear", "sector_classification": "isic4", "sector_codes": "1520",
        "notes": "Visited in March"})
    page = text(officer_client.get(reverse("clusters:cluster_detail", args=[cluster.pk])))
    assert "Visited in March" in page and "<del>1520, 15</del> → <ins>1520</ins>" in page


def test_lists_show_runs_and_clusters(done_run, world, officer_client):
    services.attach_footprint(world.users["programme-officer"], done_run, "16-F1", new_cluster={"name": "Wood"})
    runs = text(officer_client.get(reverse("clusters:run_list")))
    assert "Finished run" in runs and 'data-testid="run-status">done<' in runs
    clusters = text(officer_client.get(reverse("clusters:cluster_list")))
    assert ">Wood</a>" in clusters


def test_removing_a_footprint_keeps_the_run_and_says_so_in_the_history(done_run, world, officer_client):
    link = services.attach_footprint(world.users["programme-officer"], done_run, "16-F1",
                                     new_cluster={"name": "Wood"})
    response = officer_client.post(reverse("clusters:footprint_detach", args=[link.cluster_id, link.pk]))
    assert response.status_code == 302
    page = text(officer_client.get(reverse("clusters:cluster_detail", args=[link.cluster_id])))
    assert "No footprint attached yet." in page
    assert "removed footprint 16-F1 found by “Finished run”" in page
    assert (done_run.output_path / "footprints.geojson").is_file()


def test_run_form_starts_with_the_register_usual_classification(generated, officer_client):
    page = text(officer_client.get(reverse("clusters:run_create")))
    assert '<option value="isic4" selected>' in page
    assert '<option value="division" selected>' in page
