"""Impact runs on the database: a generated panel with a planted effect on sales, a supplier
programme's staggered entry; the run, as the queue runs it, recovers the effect within its CI. A
run on too few firms ends failed with the reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.core.models import BackgroundTask
from triplec.core.tasks import run_pending
from triplec.evaluation.services import impact_runs

from .impact_world import EFFECT, build

pytestmark = pytest.mark.django_db


def test_a_run_recovers_the_planted_effect(world):
    programme, firms, cohorts = build(world)
    run = impact_runs.start_run(world.users["evaluator"], {"instrument": "supplier-programme",
                                                           "programme": programme.pk, "outcome": "sales",
                                                           "neighbours": 3, "caliper": 1.0})
    assert run.status == BackgroundTask.Status.QUEUED
    assert run_pending() == 1
    run.refresh_from_db()
    run.task.refresh_from_db()
    assert run.status == BackgroundTask.Status.DONE, run.message
    results = run.results
    overall = results["overall"]
    assert overall["lower"] <= EFFECT <= overall["upper"]
    assert results["samples"]["supported"] + results["samples"]["dropped"] == int((cohorts > 0).sum())
    assert results["samples"]["comparison"] >= 3
    assert results["pretrend"]["p_value"] > 0.01
    dynamic = {row["key"]: row for row in results["aggregations"]["dynamic"]["rows"]}
    assert min(dynamic) < 0 <= max(dynamic)
    assert {"feature", "smd_before", "smd_after"} <= set(results["balance"][0])
    assert "unobservables" in results["caveats"]
    _pages_and_api_show_it(world, run)


def _pages_and_api_show_it(world, run):
    """The wiring, on the same run: the result page (plot, overall effect, caveats, in Portuguese too),
    the downloads, and the API's run."""
    import io

    import openpyxl
    from django.test import Client

    from triplec.accounts.models import ApiToken

    client = Client()
    client.force_login(world.users["broker"])
    url = reverse("evaluation:impact_detail", args=[run.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="event-study"' in page and page.count('data-testid="event-point"') == len(
        run.results["aggregations"]["dynamic"]["rows"])
    assert f'{run.results["overall"]["att"]:.2f}' in page
    assert "The figures are what firms reported" in page
    pt = client.get(url, headers={"accept-language": "pt-br"}).content.decode()
    assert 'data-testid="event-study"' in pt and "Estudo de evento" in pt
    book = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(
        reverse("evaluation:impact_download", args=[run.pk]), {"format": "xlsx"}).streaming_content)))
    assert book.sheetnames == ["att_gt", "aggregations", "balance", "dropped"]
    assert book["aggregations"]["C2"].value == pytest.approx(run.results["overall"]["att"])
    csv = b"".join(client.get(reverse("evaluation:impact_download", args=[run.pk]),
                              {"format": "csv", "what": "att_gt"}).streaming_content).decode()
    assert csv.lstrip("\ufeff").splitlines()[0].startswith("cohort,time,att")
    _, raw = ApiToken.issue(world.users["evaluator"], name="t")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    body = api.get(f"/api/v1/evaluation/impact-runs/{run.pk}").json()
    assert body["status"] == "done" and body["progress"] == 100
    assert body["results"]["overall"] == run.results["overall"]
    listed = api.get("/api/v1/evaluation/impact-runs", {"limit": 5}).json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, run.pk)
    started = api.post("/api/v1/evaluation/impact-runs", {"outcome": "wages", "instrument": "network"},
                       content_type="application/json")
    assert started.status_code == 201 and started.json()["status"] == "queued"
    assert api.post("/api/v1/evaluation/impact-runs", {"outcome": "profit"},
                    content_type="application/json").status_code == 422


def test_too_few_firms_fail_with_the_reason(world):
    programme, firms, cohorts = build(world, units=6, seed=1)
    run = impact_runs.start_run(world.users["agency-admin"], {"instrument": "supplier-programme",
                                                              "programme": programme.pk, "outcome": "sales"})
    run_pending()
    run.refresh_from_db()
    run.task.refresh_from_db()
    assert run.status == BackgroundTask.Status.FAILED
    assert run.message.startswith("The estimate could not be made: ")
    assert "too few" in run.message or "has a match" in run.message
    assert run.results is None


def test_no_pre_support_years_and_bad_requests(world):
    """A programme whose firms report only from their year of support on has nothing to match on."""
    programme, firms, cohorts = build(world, units=30, seed=2)
    from triplec.evaluation.models import FirmYear

    for unit, firm in firms.items():
        if cohorts[unit] > 0:
            FirmYear.objects.filter(enterprise=firm, year__lt=cohorts[unit]).delete()
    run = impact_runs.start_run(world.users["evaluator"], {"instrument": "supplier-programme",
                                                           "programme": programme.pk, "outcome": "sales"})
    run_pending()
    run.refresh_from_db()
    run.task.refresh_from_db()
    assert run.status == BackgroundTask.Status.FAILED
    assert "no outcome in the two years before support" in run.message
    with pytest.raises(ValidationFailed) as bad:
        impact_runs.start_run(world.users["evaluator"], {"programme": 3, "outcome": "profit", "caliper": 0})
    assert set(bad.value.errors) == {"programme", "outcome", "caliper"}
    with pytest.raises(PermissionDenied):
        impact_runs.start_run(world.users["broker"], {"outcome": "sales"})
