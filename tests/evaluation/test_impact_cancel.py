"""Cancelling an impact run: a queued run leaves the queue at once and never starts; a running one stops
at its next progress report (cooperative) and ends "cancelled" with who and when; a finished run cannot
be cancelled. Who may: whoever started it, an agency administrator or a programme officer."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from triplec.accounts.models import ApiToken
from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.core.models import BackgroundTask
from triplec.core.tasks import run_one, run_pending
from triplec.evaluation.models_impact import CANCELLED, ImpactRun
from triplec.evaluation.services import impact_runs

from .impact_world import build

START = {"instrument": "supplier-programme", "outcome": "sales", "neighbours": 3, "caliper": 1.0}


def _reload(run) -> ImpactRun:
    return ImpactRun.objects.select_related("task", "cancel_requested_by").get(pk=run.pk)


@pytest.mark.django_db
def test_a_queued_run_never_starts(world):
    evaluator = world.users["evaluator"]
    run = impact_runs.start_run(evaluator, {"outcome": "sales"})
    run = impact_runs.cancel_run(evaluator, run)
    assert run.status == CANCELLED and run.finished and not run.is_stopping
    assert run.cancel_requested_by == evaluator and run.cancel_requested_at is not None
    assert run.task.status == BackgroundTask.Status.FAILED and "before it started" in run.task.message
    assert run_pending() == 0  # the worker never runs it
    with pytest.raises(ValidationFailed) as again:
        impact_runs.cancel_run(world.users["agency-admin"], _reload(run))
    assert "already finished (cancelled)" in again.value.errors["__all__"][0]
    _, raw = ApiToken.issue(evaluator, name="t")
    from django.test import Client

    body = Client(headers={"Authorization": f"Bearer {raw}"}).get(f"/api/v1/evaluation/impact-runs/{run.pk}").json()
    assert (body["status"], body["cancelled_by"], body["results"]) == ("cancelled", "evaluator", None)
    assert body["cancelled_at"]


@pytest.mark.django_db
def test_a_claimed_run_stops_at_its_first_check_with_who_and_when(world):
    """Cancelled the moment a worker claimed it: the task stops before it reads anything."""
    run = impact_runs.start_run(world.users["agency-admin"], {"outcome": "sales"})
    BackgroundTask.objects.filter(pk=run.task_id).update(status="running")  # claimed, not yet started
    stopping = impact_runs.cancel_run(world.users["programme-officer"], _reload(run))
    assert stopping.status == "running" and stopping.is_stopping
    again = impact_runs.cancel_run(world.users["agency-admin"], _reload(run))  # asking again changes nothing
    assert again.cancel_requested_by == world.users["programme-officer"]
    BackgroundTask.objects.filter(pk=run.task_id).update(status="queued")  # let the worker claim it
    assert run_pending() == 1
    run = _reload(run)
    assert run.status == CANCELLED and run.results is None and run.task.progress_done == 0
    assert run.task.message.startswith("Cancelled by programme-officer at ")


@pytest.mark.django_db
def test_who_may_cancel_and_a_finished_run(world):
    admin, evaluator = world.users["agency-admin"], world.users["evaluator"]
    run = impact_runs.start_run(admin, {"outcome": "sales"})
    for role in ("evaluator", "broker", "association-manager", "enterprise-user"):
        with pytest.raises(PermissionDenied):
            impact_runs.cancel_run(world.users[role], run)
    assert _reload(run).cancel_requested_at is None
    run_pending()  # it fails (no supported firm): finished
    with pytest.raises(ValidationFailed) as done:
        impact_runs.cancel_run(admin, _reload(run))
    assert "already finished (failed)" in done.value.errors["__all__"][0]
    own = impact_runs.start_run(evaluator, {"outcome": "wages"})
    assert impact_runs.cancel_run(evaluator, own).status == CANCELLED


@pytest.mark.django_db
def test_the_page_cancels_and_says_so(world, client_for):
    evaluator = world.users["evaluator"]
    run = impact_runs.start_run(evaluator, {"outcome": "sales"})
    url = reverse("evaluation:impact_detail", args=[run.pk])
    client = client_for(evaluator)
    assert 'data-testid="cancel-run"' in client.get(url).content.decode()
    assert 'data-testid="cancel-run"' not in client_for(world.users["broker"]).get(url).content.decode()
    response = client.post(reverse("evaluation:impact_cancel", args=[run.pk]), follow=True)
    page = response.content.decode()
    assert "The impact estimate was cancelled before it started." in page
    assert 'data-testid="impact-cancelled"' in page and "Cancelled by evaluator at " in page
    assert 'data-testid="cancel-run"' not in page
    again = client.post(reverse("evaluation:impact_cancel", args=[run.pk]), follow=True).content.decode()
    assert "already finished" in again


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the SQLite test database (in memory, shared "
                    "cache) locks a table against a second writer thread; PostgreSQL does not")
@pytest.mark.django_db(transaction=True)
def test_a_running_run_on_the_queue_stops_mid_run(world):
    """The queue runs the estimate in a thread, as `triplec serve` does; once it reports progress past
    reading the panel, the evaluator cancels it: it stops at its next report, without results."""
    build(world, units=200, periods=6)
    run = impact_runs.start_run(world.users["evaluator"], START)
    errors: list = []

    def work():
        try:
            run_one("cancel-test")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        task = BackgroundTask.objects.get(pk=run.task_id)
        if task.status == "running" and task.progress_done >= 1 or task.finished:
            break
        time.sleep(0.01)
    assert task.status == "running", (task.status, task.message)
    stopping = impact_runs.cancel_run(world.users["evaluator"], _reload(run))
    assert stopping.is_stopping
    worker.join(timeout=120)
    assert not errors
    run = _reload(run)
    assert run.status == CANCELLED and run.results is None, (run.task.status, run.task.message)
    assert run.task.message.startswith("Cancelled by evaluator at ") and run.task.progress_done < 100
