"""The regional series' API (/api/v1/clusters/series): the permission matrix of its reads (the pages' rule)
and what it returns (the objects the series page shows, as the library computes them)."""

from __future__ import annotations

import pandas as pd
import pytest
from django.urls import reverse
from tests.clusters.test_regional_series_pages import TWO_YEARS, form_data
from tests.permissions import AGENCY, ANONYMOUS, USERS, token_clients

from triplec.clusters.regional_api import router
from triplec.core import worker
from triplec.core.models import BackgroundTask
from triplec.mapping.regional import regional_series, tables_by_year

API = "/api/v1/clusters/series"
BAD = "bad-token"
VIEW = {ANONYMOUS: 401, BAD: 401, **{who: 200 if who in AGENCY else 403 for who in USERS}}


@pytest.fixture
def done_series(world, client_for):
    response = client_for(world.users["programme-officer"]).post(reverse("regional:series_list"), form_data())
    assert response.status_code == 302
    assert worker.run_pending() == 1
    row = BackgroundTask.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert row.status == BackgroundTask.Status.DONE, row.error
    return row


def test_api_matrix_and_every_read_in_it(world, done_series):
    clients = token_clients(world, USERS, BAD, "series api test")
    for path in ("", f"/{done_series.pk}"):
        assert {who: c.get(API + path).status_code for who, c in clients.items()} == VIEW, path
    reads = {path for path, view in router.path_operations.items() for op in view.operations if "GET" in op.methods}
    assert reads == {"", "/{int:series_id}"}


def test_api_returns_what_the_series_page_shows(world, done_series):
    client = token_clients(world, ["broker"], BAD, "series api test")["broker"]
    page = client.get(API, {"limit": 10}).json()
    assert (page["count"], page["limit"], page["offset"]) == (1, 10, 0)
    item = page["items"][0]
    assert item["id"] == done_series.pk and item["title"] == "Connecticut 2021-2022" and item["status"] == "done"
    assert item["summary"]["years"] == [2021, 2022]
    assert item["summary"]["classes"] == {"emerging": 2, "declining": 2, "persistent": 6, "other": 25}
    assert client.get(item["files"]["changes.csv"]).status_code == 302  # the page's export (a session, not a token)

    detail = client.get(f"{API}/{done_series.pk}", {"region": "09007"}).json()
    assert detail["region"] == "09007" and detail["regions"][0] == "09001" and len(detail["regions"]) == 7
    line = next(line for line in detail["lines"] if line["sector"] == "336")
    assert [(p["year"], round(p["lq"], 2)) for p in line["points"]] == [(2021, 1.46), (2022, 1.08)]
    frame = pd.read_csv(TWO_YEARS, dtype={"fips": str, "naics2017": str})
    expected = regional_series(tables_by_year(frame, region_col="fips", sector_col="naics2017", emp_col="emp",
                                              estab_col="estab")).changes
    mine = expected[expected.region == "09007"]
    assert [c["sector"] for c in detail["region_changes"]] == mine.sector.tolist()
    assert [c["class"] for c in detail["region_changes"]] == mine["class"].tolist()
    assert [c["d_lq"] for c in detail["region_changes"]] == pytest.approx(mine.d_lq.tolist())
    moved = expected[expected["class"] != "other"]
    assert sorted((c["region"], c["sector"], c["class"]) for c in detail["changes"]) == sorted(
        zip(moved.region, moved.sector, moved["class"], strict=True))
    assert client.get(f"{API}/{done_series.pk}", {"region": "nowhere"}).json()["region"] == "09001"
    assert client.get(f"{API}/{done_series.pk + 1}").status_code == 404


def test_a_failed_series_says_why(world, client_for):
    one_year = b"".join(line for line in TWO_YEARS.read_bytes().splitlines(keepends=True) if not line.startswith(b"2022"))
    response = client_for(world.users["agency-admin"]).post(reverse("regional:series_list"), form_data(one_year))
    worker.run_pending()
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    detail = token_clients(world, ["evaluator"], BAD, "t")["evaluator"].get(f"{API}/{pk}").json()
    assert detail["status"] == "failed" and "a series needs two or more years" in detail["error"]
    assert detail["files"] == {} and detail["lines"] == [] and detail["changes"] == []
