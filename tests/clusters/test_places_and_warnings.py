"""Where a cluster is (issue 8, item 11) and what a run's coordinates look like (item 14): a footprint's
main city and state from the shipped place data, a new cluster named after its main place, and the
mapping library's warnings about coordinates on the run page, in the reader's language."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from django.urls import reverse
from tests.clusters.factories import run_data

from triplec.clusters import messages, services
from triplec.core.models import BackgroundTask
from triplec.core.tasks import run_pending
from triplec.mapping import checks


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_cluster_from_a_footprint_without_places_is_named_after_its_city_and_says_where_it_is(
        done_run, world, client_for):
    client = client_for(world.users["programme-officer"])
    run_page = text(client.get(reverse("clusters:run_detail", args=[done_run.pk])))
    assert 'data-testid="footprint-near">near Leiria, Leiria<' in run_page
    assert client.get(reverse("clusters:run_map_data", args=[done_run.pk])).json()["near"] == {
        "16-F1": "Leiria, Leiria"}

    link = services.attach_footprint(world.users["programme-officer"], done_run, "16-F1", new_cluster={})
    assert link.cluster.name.endswith("wood and cork, except furniture; manufacture of articles of straw and "
                                      "plaiting materials — Leiria, Leiria")
    page = text(client.get(reverse("clusters:cluster_detail", args=[link.cluster_id])))
    assert 'data-testid="cluster-near"> · near Leiria, Leiria<' in page
    page = text(client.get(reverse("clusters:cluster_detail", args=[link.cluster_id]), HTTP_ACCEPT_LANGUAGE="pt-br"))
    assert "perto de Leiria, Leiria" in page


def test_the_library_warnings_are_the_platform_messages():
    assert messages.WARNINGS == (checks.DUPLICATES, checks.SWAPPED_SEA, checks.SWAPPED_COUNTRY)


@pytest.fixture
def swapped_upload(generated):
    from django.core.files.uploadedfile import SimpleUploadedFile

    frame = generated.frame
    table = pd.DataFrame({"firm": frame["key"], "nace": frame["division"], "lon": frame["lat"], "lat": frame["lon"]})
    return SimpleUploadedFile("firms.csv", table.to_csv(index=False).encode(), content_type="text/csv")


def test_run_page_warns_of_swapped_coordinates_in_the_readers_language(swapped_upload, world, client_for):
    run = services.start_run(world.users["programme-officer"], run_data(
        source="upload", classification="", sector_level="", id_col="firm", sector_col="nace", lon_col="lat",
        lat_col="lon", sims=0, country="PT"), upload=swapped_upload)
    # the file's "lon" column holds latitudes: given the right way round, nothing is said
    assert run_pending() == 1
    run.refresh_from_db()
    assert run.task.status == BackgroundTask.Status.DONE and run.summary["warnings"] == []

    swapped_upload.seek(0)
    run = services.start_run(world.users["programme-officer"], run_data(
        source="upload", classification="", sector_level="", id_col="firm", sector_col="nace", lon_col="lon",
        lat_col="lat", sims=0, country="PT"), upload=swapped_upload)
    assert run_pending() == 1
    run.refresh_from_db()
    assert run.task.status == BackgroundTask.Status.DONE, run.task.error
    assert len(run.summary["warnings"]) == 1 and "wrong way round" in run.summary["warnings"][0]
    client = client_for(world.users["programme-officer"])
    page = text(client.get(reverse("clusters:run_detail", args=[run.pk])))
    assert 'data-testid="run-warnings"' in page and "wrong way round" in page
    page = text(client.get(reverse("clusters:run_detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="pt-br"))
    assert "Confira as coordenadas" in page and "wrong way round" not in page


def test_kd_plots_speak_the_readers_language(done_run, world, client_for):
    """Axis, legend and title words of the Kd plots follow the reader's language (issue 8, item 12)."""
    client = client_for(world.users["programme-officer"])
    url = reverse("clusters:run_plot", args=[done_run.pk])
    english = client.get(url, {"sector": "16"}).content.decode()
    assert "distance (km)" in english and "local band" in english
    portuguese = client.get(url, {"sector": "16"}, HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "distância (km)" in portuguese and "banda local" in portuguese
    assert "distance (km)" not in portuguese and "local band" not in portuguese
    spanish = text(client.get(reverse("clusters:run_detail", args=[done_run.pk]), HTTP_ACCEPT_LANGUAGE="es"))
    assert "distancia (km)" in spanish and "distance (km)" not in spanish
