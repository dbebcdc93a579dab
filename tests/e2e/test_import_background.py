"""A big import from the web pages runs in the background: a programme officer uploads a file above the
threshold (set low here), watches the check's progress bar give way to the preview, confirms, watches
the import's progress bar, and sees the outcome; the register then holds every row and the uploaded
file is gone. Screenshots go to /tmp/triplec-e2e/.

The live server has no task worker of its own: the test runs `triplec.core.tasks.worker_loop` in a
daemon thread, as `triplec serve` does, and starts it only once the page shows the queued task, so
that the waiting state and the polling are seen every time.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests.conftest import cnpj

from triplec.core.tasks import worker_loop
from triplec.registry.models import Enterprise
from triplec.registry.models_import import ImportBatch

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROWS = 3000
THRESHOLD = 500
HEADER = "legal_name,country,national_id,sector_classification,sector_code,employees,region_code,region_name," \
         "municipality_code,municipality_name,latitude,longitude\n"


def big_csv(tmp_path: Path) -> Path:
    path = tmp_path / "sawmills-big.csv"
    path.write_text(HEADER + "".join(
        f"Serraria {i},BR,{cnpj(90_000_000 + i)},isic4,{'1610' if i % 3 else '3100'},{1 + i % 40},CE,Ceará,"
        f"M{i % 25},Município {i % 25},{-4.0 - (i % 100) / 100:.4f},{-38.0 - (i % 70) / 100:.4f}\n"
        for i in range(ROWS)), encoding="utf-8")
    return path


class Worker:
    """The task queue in a daemon thread, started and stopped by the test."""

    def __init__(self):
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self):
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=worker_loop, args=(self.stop_event,),
                                       kwargs={"poll_seconds": 0.3, "worker_id": "e2e-import"}, daemon=True)
        self.thread.start()

    def stop(self):
        if self.thread is not None:
            self.stop_event.set()
            self.thread.join(timeout=120)
            self.thread = None


@pytest.fixture
def worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRIPLEC_IMPORT_BACKGROUND_ROWS = THRESHOLD
    controller = Worker()
    yield controller
    controller.stop()


def log_in(page, user) -> None:
    """Through the login form (its own submit button: the header has other forms, e.g. the language
    switcher's)."""
    from tests.conftest import PASSWORD

    page.goto("/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(user.username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_officer_imports_a_big_file_and_watches_it_finish(world, worker, page, shot, tmp_path):
    officer = world.users["programme-officer"]
    log_in(page, officer)
    page.goto("/enterprises/import/")
    expect(page.get_by_test_id("import-upload-form")).to_be_visible()
    page.set_input_files("input[type=file]", str(big_csv(tmp_path)))
    page.get_by_test_id("upload-import").click()

    # The upload returns at once: the check is queued and its progress block polls.
    title = page.get_by_test_id("import-title")
    expect(title).to_have_attribute("data-state", "checking")
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-state", "checking")
    expect(page.get_by_test_id("import-message")).to_contain_text("Waiting for a worker")
    expect(page.get_by_test_id("confirm-import")).to_have_count(0)
    shot(page, "import-bg-01-check-queued")

    # A worker checks the file; the page reloads itself with the preview.
    worker.start()
    expect(title).to_have_attribute("data-state", "checked", timeout=120_000)
    counts = page.get_by_test_id("import-counts")
    expect(counts.locator("[data-count=create]")).to_have_text(f"{ROWS:,}")
    expect(counts.locator("[data-count=errors]")).to_have_text("0")
    expect(page.get_by_test_id("confirm-import")).to_be_enabled()
    shot(page, "import-bg-02-checked")
    worker.stop()
    assert not Enterprise.objects.filter(national_id__startswith="9000").exists()

    # Confirm: the import is queued, the page shows its progress bar; nothing is written yet.
    page.get_by_test_id("confirm-import").click()
    expect(title).to_have_attribute("data-state", "importing")
    expect(progress).to_have_attribute("data-state", "importing")
    expect(page.get_by_test_id("import-progress").locator("progress")).to_be_visible()
    expect(page.get_by_test_id("import-progress")).to_contain_text("register is unchanged")
    shot(page, "import-bg-03-import-queued")
    assert not Enterprise.objects.filter(national_id__startswith="9000").exists()

    # A worker writes it; the polled block follows and the page reloads with the outcome.
    worker.start()
    expect(title).to_have_attribute("data-state", "imported", timeout=180_000)
    expect(page.get_by_test_id("import-result")).to_contain_text(f"{ROWS} created, 0 updated, 0 unchanged")
    expect(page.get_by_test_id("import-progress")).to_have_count(0)
    shot(page, "import-bg-04-imported")
    assert Enterprise.objects.filter(national_id__startswith="9000").count() == ROWS
    batch = ImportBatch.objects.get()
    assert batch.status == "imported" and not batch.file
    assert not any((tmp_path / "media" / "imports").iterdir())

    # The list of recent uploads says so, and the new firms are in the register's list.
    page.goto("/enterprises/import/")
    expect(page.get_by_test_id("recent-imports").locator("td[data-state=imported]")).to_have_count(1)
    page.goto("/enterprises/?q=" + cnpj(90_002_999, formatted=True))  # found written either way
    rows = page.get_by_test_id("enterprise-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Serraria 2999")
    assert page.js_errors == []
