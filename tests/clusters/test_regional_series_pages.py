"""Regional series in the platform (clusters.regional): an uploaded two-year County Business Patterns
table run as a background task, its page (classes, chart per region, changes), exports, and who may do what."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.permissions import ANONYMOUS, LOGIN, assert_matrix, matrix, page_requests

from triplec.core import worker
from triplec.core.models import BackgroundTask
from triplec.mapping.regional import regional_series, tables_by_year

TWO_YEARS = Path(__file__).resolve().parents[1] / "data" / "cbp_connecticut_2021_2022shifted.csv"
VIEW = {ANONYMOUS: LOGIN, **matrix(403, agency_admin=200, programme_officer=200, broker=200, evaluator=200)}
WRITE = {ANONYMOUS: LOGIN, **matrix(403, agency_admin=302, programme_officer=302)}


def form_data(content: bytes | None = None, **changes) -> dict:
    data = {"title": "Connecticut 2021-2022", "region_col": "fips", "sector_col": "naics2017", "year_col": "year",
            "emp_col": "emp", "estab_col": "estab",
            "file": SimpleUploadedFile("cbp.csv", content or TWO_YEARS.read_bytes(), content_type="text/csv")}
    data.update(changes)
    return data


@pytest.fixture
def done_series(world, client_for):
    """A series started from the form by the programme officer and run by the worker."""
    response = client_for(world.users["programme-officer"]).post(reverse("regional:series_list"), form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert worker.run_pending() == 1
    row = BackgroundTask.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert row.status == BackgroundTask.Status.DONE, row.error
    return row


def test_a_series_started_from_the_form_shows_classes_chart_and_changes(world, client_for, done_series):
    assert done_series.result["years"] == [2021, 2022]
    assert done_series.result["classes"] == {"emerging": 2, "declining": 2, "persistent": 6, "other": 25}
    client = client_for(world.users["broker"])
    html = client.get(reverse("regional:series_detail", args=[done_series.pk]) + "?region=09007").content.decode()
    assert 'data-testid="series-chart"' in html and "Connecticut 2021-2022" in html
    # Middlesex's sectors are drawn, 336 with its two LQs (1.46, 1.08) as points
    assert 'data-sector="336"' in html and "336 2021: LQ 1.46" in html and "336 2022: LQ 1.08" in html
    assert html.count("<polyline") == 5
    assert 'data-testid="n-declining">2<' in html
    listing = client.get(reverse("regional:series_list")).content.decode()
    assert "Connecticut 2021-2022" in listing and "2021–2022" in listing
    assert 'data-testid="series-form"' not in listing  # a broker sees series but starts none


def test_exports_hold_the_library_result(world, client_for, done_series):
    frame = pd.read_csv(TWO_YEARS, dtype={"fips": str, "naics2017": str})
    expected = regional_series(tables_by_year(frame, region_col="fips", sector_col="naics2017", emp_col="emp",
                                              estab_col="estab"))
    client = client_for(world.users["evaluator"])
    url = reverse("regional:series_export", args=[done_series.pk])
    got = client.get(url, {"format": "csv", "what": "changes", "sep": "comma", "decimal": "point"})
    assert got["Content-Disposition"].endswith(f'regional-series-{done_series.pk}-changes.csv"')
    changes = pd.read_csv(__import__("io").BytesIO(got.content), dtype={"region": str, "sector": str}, encoding="utf-8-sig")
    assert list(changes.columns) == list(expected.changes.columns)
    assert (changes["class"] == expected.changes["class"]).all()
    assert changes["d_lq"].to_numpy() == pytest.approx(expected.changes["d_lq"].to_numpy())
    workbook = client.get(url, {"format": "xlsx"})
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert client.get(url, {"format": "pdf"}).status_code == 400


def test_bad_input_is_refused_on_the_form_or_fails_the_task(world, client_for):
    client = client_for(world.users["agency-admin"])
    url = reverse("regional:series_list")
    html = client.post(url, form_data(year_col="annee")).content.decode()
    assert "The file has no column &#x27;annee&#x27;" in html or "The file has no column 'annee'" in html
    one_year = b"".join(line for line in TWO_YEARS.read_bytes().splitlines(keepends=True) if not line.startswith(b"2022"))
    response = client.post(url, form_data(one_year))
    assert response.status_code == 302
    worker.run_pending()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="series-failed"' in page and "a series needs two or more years, got [2021]" in page


CASES = [
    ("series_list", "get", None, VIEW),
    ("series_list", "post", None, WRITE),
    ("series_detail", "get", "done", VIEW),
    ("series_progress", "get", "done", VIEW),
    ("series_export", "get", "done", VIEW),
]


def test_page_permission_matrix(world, client_for, done_series):
    for name, method, obj, expected in CASES:
        url = reverse(f"regional:{name}", args=[done_series.pk] if obj else [])
        data = (lambda: form_data()) if method == "post" else None
        assert_matrix(page_requests(world.users, client_for, method, url, data), expected, f"{method} {name}")


def test_every_series_page_is_in_the_matrix():
    from triplec.clusters import regional_urls

    assert {p.name for p in regional_urls.urlpatterns} == {name for name, *_ in CASES}
