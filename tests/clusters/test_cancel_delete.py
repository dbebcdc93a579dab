"""Cancelling and deleting mapping runs: a queued run leaves the queue at once, a running one stops at its
next progress report (cooperative cancellation), a finished one can be deleted with its files while the
footprints attached to cluster records stay there as snapshots."""

from __future__ import annotations

import json
import re

import numba
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.clusters.factories import register_points, run_data

from triplec.clusters import services, tasks
from triplec.clusters.models import CANCELLED, ClusterFootprint, MappingRun
from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.core.models import BackgroundTask
from triplec.core.tasks import run_pending
from triplec.registry.models import Enterprise


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def officer(world):
    return world.users["programme-officer"]


def _reload(run: MappingRun) -> MappingRun:
    return MappingRun.objects.select_related("task").get(pk=run.pk)


# Cancelling ------------------------------------------------------------------------------------------------

def test_a_queued_run_leaves_the_queue_at_once(generated, world, officer):
    run = services.start_run(officer, run_data())
    admin = world.users["agency-admin"]
    run = services.cancel_run(admin, run)
    assert run.status == CANCELLED and run.is_finished and not run.is_stopping
    assert run.cancel_requested_by == admin
    assert run.task.status == BackgroundTask.Status.FAILED and "before it started" in run.task.message
    assert run_pending() == 0  # the worker never runs it
    assert not run.output_path.exists()


def test_the_queue_withdraws_only_unclaimed_tasks(generated, officer):
    """core.tasks.cancel_queued: the same conditional UPDATE as a worker's claim, so a task is either
    withdrawn or run, never both."""
    from triplec.core.tasks import _claim, cancel_queued

    first = services.start_run(officer, run_data(title="first"))
    second = services.start_run(officer, run_data(title="second"))
    assert _claim("w1").pk == first.task_id
    assert cancel_queued(first.task_id, "too late") is False
    assert cancel_queued(second.task_id, "in time") is True
    assert cancel_queued(second.task_id, "again") is False
    second.task.refresh_from_db()
    assert second.task.status == "failed" and second.task.message == "in time" and second.task.finished_at
    assert _claim("w2") is None


def _cancel_after_the_first_report(world, officer, monkeypatch, sims=999):
    """Run a register run (3 sectors x 8 batches of 128 simulations) in which someone presses Cancel at
    the first simulation report. Returns the run, the progress reports seen, the batches started and how
    many had started when the cancellation left the progress callback (None if it never did)."""
    from triplec.mapping import engines

    monkeypatch.setattr(tasks, "CANCEL_CHECK_SECONDS", 0.0)
    run = services.start_run(officer, run_data(sims=sims, alpha=0.05))
    seen, batches, at_raise = [], [], []
    real_run_map, real_run_batch = tasks.run_map, engines.run_batch

    def counted_batch(*args, **kwargs):
        batches.append(args[1])
        return real_run_batch(*args, **kwargs)

    def run_map_with_a_click(*args, progress, **kwargs):
        def clicked(done, total):
            seen.append((done, total))
            if done > 0 and _reload(run).cancel_requested_at is None:
                assert _reload(run).status == "running"
                services.cancel_run(world.users["agency-admin"], _reload(run))
                assert _reload(run).is_stopping  # until the task notices
            try:
                progress(done, total)
            except tasks.RunCancelled:
                at_raise.append(len(batches))
                raise
        return real_run_map(*args, progress=clicked, **kwargs)

    monkeypatch.setattr(engines, "run_batch", counted_batch)
    monkeypatch.setattr(tasks, "run_map", run_map_with_a_click)
    assert run_pending() == 1
    return _reload(run), seen, batches, (at_raise or [None])[0]


def test_a_running_run_stops_at_its_next_progress_report(generated, world, officer, monkeypatch):
    """Someone presses Cancel while the simulations run: the task's progress callback sees the flag and
    stops the screen; the run ends "cancelled" and its partial outputs are removed."""
    run, seen, _batches, _at_raise = _cancel_after_the_first_report(world, officer, monkeypatch)
    assert run.status == CANCELLED and run.task.status == BackgroundTask.Status.FAILED
    assert run.task.message.startswith("Cancelled by agency-admin at ")
    # It stopped at the click: no simulation was reported after it, no stage after the simulations ran.
    total = seen[0][1]
    assert seen[-1][0] < total and sum(1 for done, _t in seen if done > 0) == 1
    assert run.task.progress_done < tasks.SIM_END
    assert run.summary == {}
    assert not run.output_path.exists() or not any(run.output_path.iterdir())


def test_a_cancelled_run_starts_no_more_simulations(generated, world, officer, monkeypatch):
    """The simulations themselves stop, not only their reports: batches already running when the screen
    hears of the cancellation may finish, and none is started from then on but, at most, one a pool thread
    picks up in the instant before the engine withdraws the queue (of 3 sectors x 8 batches)."""
    run, _seen, batches, at_raise = _cancel_after_the_first_report(world, officer, monkeypatch)
    assert run.status == CANCELLED and at_raise is not None
    assert len(batches) <= at_raise + numba.get_num_threads() < 24, (len(batches), at_raise)


def test_a_run_of_many_batches_stops_at_its_next_batch(generated, world, officer, monkeypatch):
    """A long run (3 sectors x 79 batches of 128 simulations): cancelled at its first simulation report,
    it reports no further batch and starts at most the ones pool threads had picked up, a few of 237."""
    run, seen, batches, at_raise = _cancel_after_the_first_report(world, officer, monkeypatch, sims=9999)
    assert run.status == CANCELLED and at_raise is not None
    assert sum(1 for done, _t in seen if done > 0) == 1  # the report at which it was cancelled, no other
    total_batches = sum(-(-9999 // 128) for _sector in range(3))
    assert len(batches) <= at_raise + numba.get_num_threads() and len(batches) * 20 < total_batches


def test_cancel_checks_at_every_stage(generated, world, officer):
    """A cancellation that the task sees at its first stage (say, a worker claimed the run just as it was
    cancelled) stops it before it reads the register."""
    run = services.start_run(officer, run_data())
    BackgroundTask.objects.filter(pk=run.task_id).update(status="running")  # claimed, not yet started
    services.cancel_run(officer, _reload(run))
    BackgroundTask.objects.filter(pk=run.task_id).update(status="queued")  # let run_pending claim it
    assert run_pending() == 1
    run = _reload(run)
    assert run.status == CANCELLED and run.task.progress_done == 0


def test_cancelling_twice_or_a_finished_run(generated, world, officer):
    run = services.start_run(officer, run_data())
    BackgroundTask.objects.filter(pk=run.task_id).update(status="running")
    first = services.cancel_run(officer, _reload(run))
    again = services.cancel_run(world.users["agency-admin"], _reload(run))
    assert again.cancel_requested_at == first.cancel_requested_at and again.cancel_requested_by == officer
    assert again.status == "running" and again.is_stopping

    done = services.start_run(officer, run_data(title="Done"))
    run_pending()
    with pytest.raises(ValidationFailed) as exc:
        services.cancel_run(officer, _reload(done))
    assert "already finished (done)" in exc.value.errors["__all__"][0]


def test_a_run_that_finished_before_it_noticed_stays_done(done_run, officer):
    MappingRun.objects.filter(pk=done_run.pk).update(cancel_requested_at=done_run.created_at)
    assert _reload(done_run).status == "done"


@pytest.mark.parametrize("role", ["broker", "evaluator", "association-manager", "enterprise-user"])
def test_only_editors_cancel_and_delete(generated, world, officer, done_run, role):
    run = services.start_run(officer, run_data())
    with pytest.raises(PermissionDenied):
        services.cancel_run(world.users[role], run)
    with pytest.raises(PermissionDenied):
        services.delete_run(world.users[role], done_run)
    assert _reload(run).cancel_requested_at is None and MappingRun.objects.filter(pk=done_run.pk).exists()


# Deleting --------------------------------------------------------------------------------------------------

def test_deleting_a_run_keeps_the_attached_footprints_as_snapshots(generated, world, officer, client_for,
                                                                   django_capture_on_commit_callbacks):
    run = services.start_run(officer, run_data())
    run_pending()
    link = services.attach_footprint(officer, _reload(run), "16-F1", new_cluster={"name": "Leiria wood"})
    before = ClusterFootprint.objects.filter(pk=link.pk).values().get()
    folder, task_id = run.output_path, run.task_id
    assert (folder / "footprints.geojson").is_file()
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.delete_run(world.users["agency-admin"], _reload(run))
    assert kept == 1
    assert not MappingRun.objects.filter(pk=run.pk).exists()
    assert not BackgroundTask.objects.filter(pk=task_id).exists()
    assert not folder.exists()
    after = ClusterFootprint.objects.filter(pk=link.pk).values().get()
    assert after["run_id"] is None
    assert {k: v for k, v in after.items() if k != "run_id"} == {k: v for k, v in before.items() if k != "run_id"}
    assert after["run_title"] == "Centro manufacturing" and after["run_source"] == "register"

    # The cluster page still shows the footprint, its polygon and its establishments (enterprises of the
    # register, found by the ids the snapshot kept) on the map.
    page = text(client_for(officer).get(reverse("clusters:cluster_detail", args=[link.cluster_id])))
    assert "Centro manufacturing <small class=\"muted\">(run deleted)</small>" in page
    assert '"type": "Polygon"' in page
    points = json.loads(re.search(r'<script id="cluster-points" type="application/json">(.*?)</script>',
                                  page).group(1))
    assert len(points) == link.establishments >= 55
    wood = {(round(la, 5), round(lo, 5)) for la, lo in Enterprise.objects.filter(pk__in=generated.ids["16"])
            .values_list("latitude", "longitude")}
    assert {tuple(p) for p in points} <= wood


def test_a_queued_or_running_run_must_be_cancelled_first(generated, world, officer):
    run = services.start_run(officer, run_data())
    with pytest.raises(ValidationFailed) as exc:
        services.delete_run(officer, run)
    assert exc.value.errors["__all__"] == ["The run is queued: cancel it first, then delete it."]
    BackgroundTask.objects.filter(pk=run.task_id).update(status="running")
    services.cancel_run(officer, _reload(run))
    with pytest.raises(ValidationFailed) as exc:
        services.delete_run(officer, _reload(run))
    assert "stopping after its cancellation" in exc.value.errors["__all__"][0]
    assert MappingRun.objects.filter(pk=run.pk).exists()


def test_deleting_a_cancelled_upload_run_removes_the_uploaded_file(world, officer,
                                                                   django_capture_on_commit_callbacks):
    frame = register_points().rename(columns={"key": "id", "division": "sector"})
    upload = SimpleUploadedFile("firms.csv", frame.to_csv(index=False).encode())
    run = services.start_run(officer, run_data(source="upload", classification="", sector_level="", id_col="id",
                                               sector_col="sector", lon_col="lon", lat_col="lat"),
                             upload=upload)
    stored = run.output_path / "input" / "firms.csv"
    assert stored.is_file()
    services.cancel_run(officer, run)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_run(officer, _reload(run))
    assert not stored.exists() and not run.output_path.exists()


def test_delete_never_removes_a_folder_outside_the_mapping_folder(done_run, officer, media_root,
                                                                  django_capture_on_commit_callbacks):
    elsewhere = media_root / "registry-imports"
    elsewhere.mkdir(parents=True)
    (elsewhere / "keep.csv").write_text("a,b\n")
    MappingRun.objects.filter(pk=done_run.pk).update(output_dir="mapping/../registry-imports")
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_run(officer, _reload(done_run))
    assert (elsewhere / "keep.csv").is_file()


# Pages -----------------------------------------------------------------------------------------------------

def test_cancel_button_and_cancelled_page(generated, world, officer, client_for):
    client = client_for(officer)
    run = services.start_run(officer, run_data())
    page = text(client.get(reverse("clusters:run_detail", args=[run.pk])))
    assert 'data-testid="cancel-run"' in page and 'data-testid="delete-run"' not in page
    broker_page = text(client_for(world.users["broker"]).get(reverse("clusters:run_detail", args=[run.pk])))
    assert 'data-testid="cancel-run"' not in broker_page

    response = client.post(reverse("clusters:run_cancel", args=[run.pk]), follow=True)
    page = text(response)
    assert "was cancelled before it started" in page
    assert 'data-testid="run-status">cancelled<' in page and 'data-testid="run-cancelled"' in page
    assert "Cancelled by" in page and 'data-testid="delete-run"' in page
    # Cancelled runs offer no downloads, even of a file left behind.
    run.output_path.mkdir(parents=True, exist_ok=True)
    (run.output_path / "sectors.csv").write_text("sector,n\n")
    assert client.get(reverse("clusters:run_file", args=[run.pk, "sectors.csv"])).status_code == 404
    # Cancelling again says why nothing happens.
    again = text(client.post(reverse("clusters:run_cancel", args=[run.pk]), follow=True))
    assert "already finished (cancelled)" in again


def test_progress_says_the_run_is_stopping(generated, officer, client_for):
    run = services.start_run(officer, run_data())
    BackgroundTask.objects.filter(pk=run.task_id).update(status="running", progress_done=300, progress_total=1000)
    services.cancel_run(officer, _reload(run))
    client = client_for(officer)
    fragment = text(client.get(reverse("clusters:run_progress", args=[run.pk])))
    assert "Cancelled: stopping at the next progress report" in fragment
    page = text(client.get(reverse("clusters:run_detail", args=[run.pk])))
    assert 'data-testid="run-status">cancelling<' in page and 'data-testid="cancel-run"' not in page
    refused = text(client.get(reverse("clusters:run_delete", args=[run.pk])))
    assert 'data-testid="delete-refused"' in refused and 'data-testid="confirm-delete"' not in refused
    response = client.post(reverse("clusters:run_delete", args=[run.pk]), follow=True)
    assert "delete it once it has stopped" in text(response) and MappingRun.objects.filter(pk=run.pk).exists()


def test_delete_asks_first_then_deletes(done_run, officer, client_for, django_capture_on_commit_callbacks):
    link = services.attach_footprint(officer, done_run, "16-F1", new_cluster={"name": "Leiria wood"})
    client = client_for(officer)
    confirm = text(client.get(reverse("clusters:run_delete", args=[done_run.pk])))
    assert 'data-testid="confirm-delete"' in confirm
    assert "<code>16-F1</code> → " in confirm and ">Leiria wood</a>" in confirm
    assert "<code>footprints.geojson</code>" in confirm
    assert MappingRun.objects.filter(pk=done_run.pk).exists()  # asking deletes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("clusters:run_delete", args=[done_run.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("clusters:run_list")
    page = text(response)
    assert "“Finished run” and its files were deleted" in page and "The footprint attached to a cluster record stays there." in page
    assert not MappingRun.objects.exists() and not done_run.output_path.exists()
    assert ClusterFootprint.objects.get(pk=link.pk).run_id is None
    assert client.get(reverse("clusters:run_detail", args=[done_run.pk])).status_code == 404


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_cancel_reaches_a_run_in_a_worker_thread():
    """The real set-up: a worker thread runs the task while a page (this thread) cancels it; the worker
    notices within its check interval and ends the run "cancelled", well before the simulations end."""
    import threading
    import time

    from tests.clusters.factories import build_register

    from triplec.accounts.models import User
    from triplec.core import tasks as queue

    build_register()  # (MEDIA_ROOT: the folder's autouse fixture)
    officer = User.objects.create(username="officer", role="programme-officer")
    run = services.start_run(officer, run_data(sims=9999, alpha=0.05))
    stop = threading.Event()
    worker = threading.Thread(target=queue.worker_loop, args=(stop,), kwargs={"poll_seconds": 0.1}, daemon=True)
    worker.start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _reload(run).task.message.startswith("Simulations"):
            time.sleep(0.05)
        task = _reload(run).task
        assert task.status == "running" and task.message.startswith("Simulations"), task.message
        services.cancel_run(officer, _reload(run))
        while time.monotonic() < deadline and not _reload(run).is_finished:
            time.sleep(0.05)
    finally:
        stop.set()
        queue._wake.set()
        worker.join(timeout=30)
    run = _reload(run)
    assert run.status == CANCELLED, (run.task.status, run.task.message)
    assert run.task.progress_done < tasks.SIM_END and run.summary == {}
