"""Every page, in Portuguese and in Spanish, shows no English string from the catalogue.

The demo data is loaded (register, associations, networks at every stage), then for each role the
pages are crawled from the dashboard: every same-site link and htmx `hx-get` is followed (GET only).
Each page's visible text (text nodes, plus the title, placeholder and aria-label attributes and button
values) is searched for the catalogue's English msgids whose translation differs from them:

- a text node that is exactly an untranslated msgid (one-word labels: "Sector", "Members"), or
- a msgid of several words found inside a text node (placeholders stand for any text).

Msgids the same in both languages ("Total", "PROFO") are never looked for. A stored code shown as a
whole text node (a network kind `export-profo`, an organisation kind, a status) fails too. Every HTML page of the URL
conf must have been reached by at least one role, or be listed in NOT_CRAWLED with the reason.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils import translation
from django.utils.translation import to_locale


@pytest.fixture(autouse=True)
def _back_to_english():
    """A request in pt-br leaves that language active in this thread; later tests expect English."""
    yield
    translation.activate("en")

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=False)]

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "triplec" / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
ROLES = ("admin", "officer", "broker", "association", "enterprise", "evaluator")
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/i18n/", "/accounts/logout/")
# Pages the crawl does not reach with the demo data, and why. Every other HTML page must be reached.
NOT_CRAWLED = {
    "healthz": "plain-text probe for load balancers, not a page",
    "login": "rendered logged out, checked by test_logged_out_pages_translated",
    "password_reset": "rendered logged out, checked by test_logged_out_pages_translated",
    "password_reset_confirm": "needs a mailed token",
    "password_change_done": "reached only after a password change (POST)",
    "password_reset_done": "reached only after a reset request (POST)",
    "password_reset_complete": "reached only after a reset (POST)",
    "enterprise_import_template": "CSV file, not a page",
    "enterprise_export": "file download, its headers are tested in tests/registry/test_export_locale.py",
    "cluster_export": "file download, its headers are tested in tests/clusters/test_export_locale.py",
    "enterprise_import_preview": "needs an uploaded file (import tests)",
    "enterprise_import_progress": "needs an uploaded file (import tests)",
    "run_detail": "the demo has no mapping run (mapping tests run the pipeline)",
    "run_progress": "the demo has no mapping run",
    "run_map_data": "JSON",
    "run_plot": "image",
    "run_file": "file download",
    "enterprise_map_data": "JSON",
    "evidence_document": "file download",
    "publication": "file download (a centre's publication, served after the entitlement check)",
    "series_detail": "the demo has no regional series (tests/clusters/test_regional_series_pages.py runs one)",
    "series_progress": "the demo has no regional series",
    "series_export": "file download",
    "enterprise_import_rejected": "CSV file download",
    "favicon": "image",
    "centre_finance_export": "file download, tested in tests/centres/test_setup_pages.py",
    "outcomes_export": "file download, tested in tests/procurement/test_outcomes_pages.py",
    "export_participations": "file download (fairs), tested in tests/fairs/test_export.py",
    "contract_labels": "PDF file; its text is checked in tests/procurement/test_labels.py",
    "allocation_labels": "PDF file; its text is checked in tests/procurement/test_labels.py",
    "inspection_scan": "the answer to the inspection page's lot-code field (a code typed or scanned)",
    "export_kpis": "file download (a supplier programme's KPIs), tested in tests/suppliers/test_setup_pages.py",
    "notice_open": "a redirect to the page of the notice's matter (tests/notifications/test_pages.py)",
    "dashboard_pdf": "PDF file; its text is read back in Portuguese in tests/evaluation/test_dashboard_pages.py",
    "dashboard_xlsx": "file download (the dashboard's tables), tested in tests/evaluation/test_dashboard_pages.py",
    "scorecard_export": "file download (the scorecard list), tested in tests/evaluation/test_dashboard_pages.py",
    "study_download": "file download (a diagnostic study's PDF, XLSX, JSON), read back in tests/diagnostics/test_pages.py",
    "admin_login": "Django's back office, for the server's operators; tests/web/test_error_pages.py covers the refusal",
    "impact_download": "file download (an impact run's tables), tested in tests/evaluation/test_impact_runs.py",
    "impact_progress": "a fragment polled while a run works (the demo's run is finished); tests/e2e/test_impact_run.py",
    "evidence_download": "file download (a study's evidence, served after the policy check), tests/diagnostics/test_evidence.py",
}
# POST-only actions (forms whose result is a redirect) are not pages.
POST_ONLY = {
    "user_edit", "user_set_active", "user_send_reset", "user_temporary_password", "user_token_issue",
    "user_token_revoke", "change_request_decide", "inspect_delivery",
    "contact_add", "membership_end", "membership_add", "footprint_detach", "run_cancel", "run_delete",
    "footprint_attach", "member_leave", "evidence_withdraw", "cost_reverse", "contribution_reverse",
    "contracts_accrue", "contract_end", "evidence_add", "member_add", "stage_change", "cost_add",
    "contribution_add", "contract_add", "logout", "set_language", "enterprise_import_confirm",
    "assign_rework", "outcomes_import",
    # procurement's money actions (views_money)
    "pay_advance", "pass_advances", "pay_final", "release_retention", "settle_debt",
    "pay", "add_contact", "add_order", "follow_up_done", "cancel", "reverse_payment",  # fairs
    "cancel_booking",
    "centre_add_service", "centre_set_offered", "centre_set_fee", "centre_publish", "centre_subscribe",  # centres
    "centre_record_use", "centre_public_funds", "centre_join", "exchange_withdraw", "centre_set_hours",  # centres
    "action_status", "import_orders", "action_add",  # suppliers
    "consent", "enrol", "enrol_homeworker", "session_add", "other_sales",  # suppliers' set-up (views_setup)
    "import_panel", "fill_baseline",  # evaluation
    "notices_refresh", "notices_read_all", "notice_read",  # notifications
    "study_start", "study_edit", "study_complete", "study_refresh", "indicator_state", "indicator_withdraw",  # diagnostics
    "evidence_remove", "impact_cancel",
}


def untranslated_msgids(language: str) -> list[str]:
    """The catalogue's msgids whose translation differs from them, longest first."""
    path = LOCALE_DIR / to_locale(language) / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    found = set()
    for key, translated in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if isinstance(key, tuple) and key[1] != 0:
            continue
        if "\x04" in msgid:  # msgctxt
            msgid = msgid.split("\x04", 1)[1]
        if not msgid or not re.search(r"[A-Za-z]{2}", msgid):
            continue
        if _normal(msgid) == _normal(translated):
            continue
        found.add(msgid)
    return sorted(found, key=len, reverse=True)


def _normal(text: str) -> str:
    return " ".join(text.split())


_PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdfir]|%[sdfir]|\{[A-Za-z_]\w*\}")


def _pattern(msgid: str) -> re.Pattern | None:
    """A regex matching the rendered msgid; None for one-word msgids (only whole text nodes count)."""
    text = _normal(msgid).replace("%%", "%")
    parts = _PLACEHOLDER.split(text)
    literal = " ".join(parts)
    words = re.findall(r"[A-Za-z]+", literal)
    if len(words) < 2 or len(re.sub(r"[^A-Za-z]", "", literal)) < 8:
        return None
    body = r".+?".join(re.escape(part) for part in parts)
    return re.compile(r"(?<![A-Za-z])" + body + r"(?![A-Za-z])")


@functools.cache
def _literal_core(msgid: str) -> str:
    """The longest literal piece of `_pattern(msgid)`: a text without it cannot match the pattern."""
    return max(_PLACEHOLDER.split(_normal(msgid).replace("%%", "%")), key=len)


class VisibleText(HTMLParser):
    """Text nodes and visible attributes, outside script, style, template, code and pre, and outside
    elements marked translate="no" (names people chose: a username "broker" is not the word)."""

    HIDDEN = {"script", "style", "template", "code", "pre", "noscript", "svg"}
    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.hidden_stack: list[str] = []
        self.chunks: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in self.VOID and (self.depth or tag in self.HIDDEN or attrs.get("translate") == "no"):
            self.hidden_stack.append(tag)
            self.depth += 1
        for name in ("href", "hx-get"):
            if attrs.get(name) and (tag != "link" or name != "href"):
                self.links.append(attrs[name])
        for name in self.ATTRIBUTES:
            if attrs.get(name) and not self.depth:
                self.chunks.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value") and not self.depth:
            self.chunks.append(attrs["value"])

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.hidden_stack and self.hidden_stack[-1] == tag:
            self.hidden_stack.pop()
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.chunks.append(data)


def raw_codes() -> frozenset[str]:
    """Stored codes that must be shown by their label: choice values of every triplec model field and
    the codes of the shipped definitions (network kinds, stages, gates, areas, schedules)."""
    from django.apps import apps

    codes = set()
    for model in apps.get_models():
        if not model.__module__.startswith("triplec."):
            continue
        for model_field in model._meta.get_fields():
            for value, label in getattr(model_field, "flatchoices", None) or []:
                if isinstance(value, str) and re.search(r"[a-z]", value) and str(label) != value:
                    codes.add(value)
        if any(f.name == "code" for f in model._meta.fields) and model.__module__ == "triplec.networks.models":
            codes.update(c for c in model.objects.values_list("code", flat=True) if "-" in c or "_" in c)
    return frozenset(codes)


def english_strings(html: str, msgids: list[str], patterns: dict, names: frozenset = frozenset(),
                    codes: frozenset = frozenset()) -> set[str]:
    """Untranslated msgids on the page, and raw `codes` shown as text ("code: export-profo");
    `names` are people's chosen names (usernames), not words."""
    parser = VisibleText()
    parser.feed(html)
    nodes = [_normal(chunk) for chunk in parser.chunks if _normal(chunk) not in names]
    node_set = set(nodes)
    text = "\n".join(nodes)  # for a quick look for each pattern's longest literal piece before the regex
    found = {f"code: {node}" for node in node_set & codes}
    for msgid in msgids:
        normal = _normal(msgid)
        if normal in node_set or normal.rstrip(":") in node_set:
            found.add(msgid)
            continue
        pattern = patterns.get(msgid)
        if pattern is not None and _literal_core(msgid) in text and any(pattern.search(node) for node in nodes):
            found.add(msgid)
    return found


def page_links(html: str, base: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    out = []
    for href in parser.links:
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or (parts.netloc and parts.netloc != "testserver"):
            continue
        path = parts.path
        if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
            continue
        query = f"?{parts.query}" if parts.query else ""
        out.append(path + query)
    return out


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def crawl(client: Client, language: str, msgids: list[str], patterns: dict, seeds: list[str],
          names: frozenset, codes: frozenset = frozenset(), max_pages: int = 400):
    """Pages reached from the seeds (one per URL name and query shape), and the English found on each."""
    queue, seen_shapes, reached, problems = deque(seeds), set(), set(), {}
    while queue and len(reached) < max_pages:
        path = queue.popleft()
        name = _url_name(path.split("?")[0])
        if name is None or name in POST_ONLY or name in NOT_CRAWLED:
            continue
        # Many firms, one template: one page per URL name and query keys (and sort/pages skipped).
        query_keys = tuple(sorted(k.split("=")[0] for k in path.split("?")[1].split("&"))) if "?" in path else ()
        shape = (name, query_keys)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if getattr(response, "streaming", False):
            continue
        html = response.content.decode()
        reached.add(name)
        english = english_strings(html, msgids, patterns, names, codes)
        if english:
            problems[path] = sorted(english)
        queue.extend(page_links(html, path))
    return reached, problems


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        from triplec import demo
        from triplec.accounts.models import User

        if not User.objects.filter(username="officer").exists():
            demo.load(french_register=False)
        yield
        # Leave the test database as other tests expect it: empty.
        with connection.cursor():
            pass
        from django.core.management import call_command

        call_command("flush", verbosity=0, interactive=False)


def html_page_names() -> set[str]:
    names = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if str(p.pattern).startswith(("admin/", "api/")):
                    continue
                walk(p.url_patterns, prefix + str(p.pattern))
            elif p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns)
    return names


@pytest.mark.xdist_group("demo-crawl")  # both languages in one test process: one demo load
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_in_the_readers_language(demo_world, language):
    from triplec.accounts.models import User
    from triplec.registry import selectors

    msgids = untranslated_msgids(language)
    patterns = {m: _pattern(m) for m in msgids}
    reached_all, report = set(), []
    # The demo's users are called "broker", "enterprise"...: their names in menus are not English words.
    usernames = frozenset(User.objects.values_list("username", flat=True))
    codes = raw_codes()
    for username in ROLES:
        client = Client()
        user = User.objects.get(username=username)
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        # The map's popups are fetched by its script, not linked.
        firm = selectors.filter_enterprises(user, selectors.EnterpriseFilter()).first()
        seeds = ["/"] + ([reverse("enterprise_popup", args=[firm.pk])] if firm else [])
        reached, problems = crawl(client, language, msgids, patterns, seeds, usernames, codes)
        reached_all |= reached
        for path, english in problems.items():
            report.append(f"{username} {path}: {english}")
    missing = html_page_names() - reached_all - set(NOT_CRAWLED) - POST_ONLY
    if missing:
        report.append(f"pages never reached by the crawl (add the data or a reason): {sorted(missing)}")
    assert not report, f"English on {language} pages:\n" + "\n".join(report)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url_name", ["login", "password_reset"])
def test_logged_out_pages_translated(db, language, url_name):
    msgids = untranslated_msgids(language)
    patterns = {m: _pattern(m) for m in msgids}
    response = Client().get(reverse(url_name), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert english_strings(response.content.decode(), msgids, patterns) == set()


def test_the_matcher_finds_english_and_ignores_shared_words():
    msgids = ["Sector", "Members of %(name)s", "Total"]
    patterns = {m: _pattern(m) for m in msgids}
    html = ("<main><h2>Sector</h2><p>Members of Rede Alfa</p><p>Setor</p>"
            "<script>var x = 'Sector';</script><code>Total</code></main>")
    assert english_strings(html, msgids, patterns) == {"Sector", "Members of %(name)s"}
    assert english_strings("<p>Sectors of the network</p>", ["Sector"], {"Sector": None}) == set()
    # A msgid of several words is looked for inside one text node, never across two.
    assert english_strings("<p>Members of</p><p>Rede Alfa</p>", msgids, patterns) == set()
