"""The Content-Security-Policy holds in a real browser: the main pages of every app (register, clusters,
networks, account pages, the API docs), their maps, htmx updates and lazy plots run without a single
policy violation or console error. A violation is caught from the page's `securitypolicyviolation`
events (a listener installed before any page script) and from chromium's console."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.clusters.conftest import done_run, mapping_outputs, media_root  # noqa: F401  (fixtures)
from tests.networks.conftest import nets  # noqa: F401  (fixture)

from triplec.clusters.models import Cluster, ClusterFootprint, MappingRun
from triplec.core.models import BackgroundTask

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " +
                    (e.sourceFile || document.location.pathname) + ":" + e.lineNumber);
});
"""


class Watch:
    """Every violation and console error of a page, with the URL it happened on."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.expected_console: list[str] = []
        page.context.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: JS error {error}"))

    def _console(self, message):
        if message.type != "error":
            return
        if any(text in message.text for text in self.expected_console):
            return
        self.problems.append(f"{self.page.url}: console error {message.text}")

    def visit(self, url: str, ready: str | None = None):
        response = self.page.goto(url)
        policy = response.headers.get("content-security-policy", "")
        if "script-src 'self'" not in policy:
            self.problems.append(f"{url}: no strict policy header ({policy!r})")
        if ready:   # the API docs parse a 440 kB schema first: seconds on a busy machine
            expect(self.page.locator(ready).first).to_be_attached(timeout=30_000)
        self.page.wait_for_load_state("networkidle")
        self.collect()
        return response

    def collect(self):
        for violation in self.page.evaluate("window.__csp || []"):
            self.problems.append(f"{self.page.url}: CSP {violation}")
        self.page.evaluate("window.__csp = []")


@pytest.fixture
def watch(page):
    return Watch(page)


def test_anonymous_pages_and_api_docs_keep_the_policy(db, page, watch):
    watch.visit("/accounts/login/", "input[name=username]")
    watch.visit("/accounts/password/reset/", "input[name=email]")
    # The API docs (django-ninja's Swagger UI, vendored): rendered from local files only, offline.
    watch.visit("/api/v1/docs", ".swagger-ui .information-container")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    page.locator(".swagger-ui .opblock-summary").first.click()  # expanding an operation renders more UI
    page.wait_for_timeout(300)
    watch.collect()
    watch.expected_console.append("404 (Not Found)")
    assert watch.visit("/no-such-page/").status == 404
    assert watch.problems == []


def test_register_pages_maps_and_htmx_keep_the_policy(world, page, login, watch, tmp_path):
    login(world.users["programme-officer"])
    watch.visit("/", "h1")
    watch.visit("/enterprises/", "#results")
    page.fill("#id_q", "Serraria")  # htmx: search as you type swaps the results
    expect(page.locator("#results")).to_contain_text("Serraria Alfa")
    page.wait_for_load_state("networkidle")
    watch.collect()
    watch.visit(f"/enterprises/{world.ent_a1.pk}/", "#mini-map .leaflet-pane")
    watch.visit("/enterprises/map/", "#map .leaflet-pane")
    expect(page.locator("#map path.map-point").first).to_be_attached()
    page.locator("#map path.map-point").first.click()  # popup fetched from the server
    expect(page.get_by_test_id("map-popup")).to_be_visible()
    watch.collect()
    watch.visit("/enterprises/new/", "form")
    watch.visit("/organisations/", "#org-kind")
    page.select_option("#org-kind", index=1)  # submits itself (web/site.js, no inline handler)
    expect(page).to_have_url(re.compile(r"kind=support-agency"))
    watch.collect()
    watch.visit(f"/organisations/{world.assoc_a.pk}/", "h1")
    watch.visit("/enterprises/import/", "input[type=file]")
    csv = tmp_path / "one.csv"
    csv.write_text("legal_name,country,national_id,sector_classification,sector_code\n"
                   "Serraria Nova,BR,55.555.555/0001-55,isic4,1610\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(csv))
    page.get_by_test_id("upload-import").click()
    expect(page.get_by_test_id("confirm-form")).to_be_attached()
    page.wait_for_load_state("networkidle")
    watch.collect()
    watch.visit("/accounts/password/change/", "input[type=password]")
    assert watch.problems == []


def test_clusters_pages_maps_plots_and_polling_keep_the_policy(world, done_run, page, login, watch):  # noqa: F811
    cluster = Cluster.objects.create(name="Leiria wood")
    square = [[-8.7, 39.7], [-8.5, 39.7], [-8.5, 39.8], [-8.7, 39.8], [-8.7, 39.7]]
    ClusterFootprint.objects.create(
        cluster=cluster, run_title="Wood", footprint_id="16-F1", sector="16", observed_at=timezone.now(),
        geometry={"type": "Polygon", "coordinates": [square]}, centroid_lon=-8.6, centroid_lat=39.75,
        establishments=60, area_km2=190.0)
    officer = world.users["programme-officer"]
    task = BackgroundTask.objects.create(name="clusters.mapping_run", created_by=officer)
    queued = MappingRun.objects.create(title="Waiting run", classification="isic4", sector_level="division",
                                       country="PT", task=task, created_by=officer)
    login(officer)
    watch.visit("/clusters/", "h1")
    watch.visit("/clusters/runs/", "h1")
    watch.visit("/clusters/runs/new/", "form")
    watch.visit(f"/clusters/runs/{done_run.pk}/", "#run-map .leaflet-pane")
    expect(page.locator("#run-map path").first).to_be_attached()
    page.locator(".kd-plot").last.scroll_into_view_if_needed()  # lazy plots load through htmx
    page.wait_for_load_state("networkidle")
    expect(page.locator(".kd-plot svg").last).to_be_attached()
    watch.collect()
    response = page.request.get(f"/clusters/runs/{done_run.pk}/files/report.html")
    assert response.headers["content-security-policy"] == "sandbox allow-scripts allow-popups"
    watch.visit(f"/clusters/runs/{queued.pk}/", "[data-testid=run-message]")
    page.wait_for_timeout(2500)  # htmx polls the progress every second
    watch.collect()
    questions = []  # Cancel asks first (data-confirm, bound by web/site.js); dismissing keeps the run
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_test_id("cancel-run").click()
    expect(page.get_by_test_id("cancel-run")).to_be_visible()
    assert questions and "Cancel this mapping run?" in questions[0]
    queued.task.refresh_from_db()
    assert queued.task.status == BackgroundTask.Status.QUEUED
    watch.visit(f"/clusters/{cluster.pk}/", "#cluster-map[data-loaded=true]")
    assert watch.problems == []


def test_networks_pages_keep_the_policy(nets, page, login, watch):  # noqa: F811
    login(nets.users["broker"])
    net = nets.net.pk
    watch.visit("/networks/", "#results")
    page.fill("#id_q", "Aruaru")  # htmx filter
    expect(page.locator("#results")).to_contain_text("Aruaru school furniture")
    page.wait_for_load_state("networkidle")
    watch.collect()
    for url in (f"/networks/{net}/", f"/networks/{net}/activities/", f"/networks/{net}/money/",
                f"/networks/{net}/evaluations/", f"/networks/{net}/independence/", "/networks/new/"):
        watch.visit(url, "h1")
    page.context.clear_cookies()
    login(nets.users["agency-admin"])
    watch.visit("/networks/portfolio/", "[data-testid=distribution]")
    assert watch.problems == []
