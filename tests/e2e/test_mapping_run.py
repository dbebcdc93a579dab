"""Acceptance (issue 3, the platform's part): a programme officer starts a mapping run on the register,
watches its progress reach the end, sees the map of footprints and the Kd plots, attaches the wood
footprint to a new cluster and opens the cluster's page. Screenshots go to /tmp/triplec-e2e/.

The live server has no task worker of its own: the test runs `triplec.core.tasks.worker_loop` in a
daemon thread, as `triplec serve` does.
"""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect
from tests.clusters.factories import build_register

from triplec.clusters.models import Cluster, MappingRun
from triplec.core.tasks import worker_loop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker(settings, tmp_path):
    """start_worker() runs the task queue in a daemon thread until the test ends."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRIPLEC_DASK_SCHEDULER = ""
    stop = threading.Event()
    threads = []

    def start():
        thread = threading.Thread(target=worker_loop, args=(stop,),
                                  kwargs={"poll_seconds": 0.5, "worker_id": "e2e"}, daemon=True)
        thread.start()
        threads.append(thread)

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=120)


def test_officer_maps_the_register_and_records_a_cluster(world, start_worker, page, login, shot):
    register = build_register()
    login(world.users["programme-officer"])

    # From the navigation to the new-run form.
    page.get_by_role("link", name="Clusters", exact=True).click()
    expect(page.locator("h1")).to_have_text("Clusters")
    page.get_by_role("button", name="Map a register").click()
    expect(page.locator("h1")).to_have_text("New mapping run")
    page.fill("input[name=title]", "Centro manufacturing 2026")
    expect(page.locator("select[name=classification]")).to_have_value("isic4")
    page.select_option("select[name=sector_level]", "division")
    page.select_option("select[name=country]", "PT")
    page.fill("input[name=r_max]", "60")
    page.fill("input[name=sims]", "99")
    expect(page.get_by_test_id("upload-fields")).to_be_hidden()  # only the chosen source's fields show
    shot(page, "mapping-01-new-run")
    page.get_by_test_id("start-run").click()

    # Queued (no worker yet): the page shows the progress block and polls it.
    expect(page.get_by_test_id("run-title")).to_have_text("Centro manufacturing 2026")
    expect(page.get_by_test_id("run-status")).to_have_text("queued")
    expect(page.get_by_test_id("run-message")).to_contain_text("Waiting for a worker")
    shot(page, "mapping-02-queued")
    assert MappingRun.objects.get().task.status == "queued"

    # A worker takes the run; the polled fragment follows it and the page reloads itself with the results.
    start_worker()
    expect(page.get_by_test_id("run-summary")).to_be_visible(timeout=180_000)
    expect(page.get_by_test_id("run-status")).to_have_text("done")
    expect(page.get_by_test_id("summary-establishments")).to_have_text(str(register.with_coordinates))
    expect(page.get_by_test_id("summary-screened")).to_have_text("3")
    expect(page.locator("#run-map[data-loaded=true]")).to_be_attached(timeout=30_000)
    assert page.locator("#run-map path.footprint").count() >= 1
    assert page.locator("#run-map .footprint-marker").count() >= 1
    plots = page.get_by_test_id("plots").locator("figure.kd-plot")
    expect(plots.first).to_be_visible()
    assert plots.first.locator("svg").count() == 1
    first_row = page.get_by_test_id("sectors").locator("tbody tr").first
    expect(first_row).to_contain_text("Manufacture of wood")
    shot(page, "mapping-03-results")

    # Attach the wood footprint to a new cluster record.
    attach = page.get_by_test_id("attach-16-F1")
    attach.locator("summary").click()
    attach.locator("input[name=name]").fill("Leiria wood cluster")
    attach.get_by_test_id("attach-submit").click()
    expect(page.get_by_test_id("cluster-name")).to_have_text("Leiria wood cluster")
    expect(page.locator("#cluster-map[data-loaded=true]")).to_be_attached()
    expect(page.get_by_test_id("cluster-footprints").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("history")).to_contain_text("attached footprint 16-F1")
    cluster = Cluster.objects.get()
    assert cluster.footprints.get().establishments >= 55
    shot(page, "mapping-04-cluster")

    # The run page now names the cluster next to its footprint.
    page.get_by_role("link", name="Centro manufacturing 2026").click()
    expect(page.get_by_test_id("attached-cluster")).to_have_text("Leiria wood cluster")
    assert page.js_errors == []
