"""Acceptance (issue 8): a programme officer of the Brazilian demo agency works in Portuguese from login to
a network's money page: dashboard, register search by a CNPJ's digits, import of a Windows-1252
semicolon file with decimal commas, the register map with place names, a network's money page. No page
shows an English string of the catalogue and the browser reports no console error. Screenshots go to
/tmp/triplec-e2e/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect
from tests.web.test_every_page_translated import _pattern, english_strings, raw_codes, untranslated_msgids

from triplec.accounts.models import User
from triplec.networks.models import CostEntry, Network
from triplec.registry.models import Enterprise

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "triplec-demo-2026"
# A Brazilian officer's spreadsheet saved by Excel: ';' between fields, decimal commas, Windows-1252.
IMPORT_CSV = ("legal_name;country;national_id;sector_classification;sector_code;longitude;latitude;employees\n"
              "Serraria São João do Aruaru;BR;{cnpj};isic4;1610;-38,7812;-4,5234;12\n")


@pytest.fixture
def demo(transactional_db):
    from triplec import demo

    demo.load(french_register=False)


def test_an_officer_works_in_portuguese_from_login_to_the_money_page(demo, page, live_server, shot, tmp_path):
    from tests.conftest import cnpj

    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    msgids = untranslated_msgids("pt-br")
    patterns = {m: _pattern(m) for m in msgids}
    names = frozenset(User.objects.values_list("username", flat=True))
    codes = raw_codes()
    english = {}

    def check_language(step: str):
        page.wait_for_load_state("networkidle")
        found = english_strings(page.content(), msgids, patterns, names, codes)
        if found:
            english[step] = sorted(found)

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])

    # 1. Login and the officer's dashboard.
    page.goto("/accounts/login/")
    check_language("login")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    check_language("dashboard")
    shot(page, "walkthrough-1-dashboard-pt")

    # 2. The register finds a firm by the digits of its CNPJ, and shows the CNPJ as people write it.
    firm = Enterprise.objects.filter(country="BR").exclude(national_id="").order_by("pk").first()
    digits = "".join(ch for ch in firm.national_id if ch.isdigit())
    page.goto(f"/enterprises/?q={digits}")
    expect(page.get_by_text(firm.legal_name).first).to_be_visible()
    expect(page.get_by_text(firm.national_id_display).first).to_be_visible()
    check_language("register search")
    shot(page, "walkthrough-2-search-cnpj-pt")

    # 3. Import a Windows-1252, ';'-separated file with decimal commas: detected, coordinates exact.
    number = cnpj(424242)
    path = tmp_path / "cadastro.csv"
    path.write_bytes(IMPORT_CSV.format(cnpj=number).encode("cp1252"))
    page.goto("/enterprises/import/")
    check_language("import form")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_test_id("upload-import").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("import-encoding")).to_contain_text("Windows-1252")
    check_language("import check")
    shot(page, "walkthrough-3-import-check-pt")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state("networkidle")
    check_language("import done")
    imported = Enterprise.objects.get(country="BR", national_id=number)
    assert imported.legal_name == "Serraria São João do Aruaru"
    assert (Decimal(str(imported.longitude)), Decimal(str(imported.latitude))) == (Decimal("-38.7812"),
                                                                                   Decimal("-4.5234"))
    assert imported.employees == 12

    # 4. The register's map names places (offline data): Brazil's states or cities are labelled.
    page.goto("/enterprises/map/")
    expect(page.locator("#map[data-loaded=true]")).to_be_attached()
    expect(page.locator("#map .place-label").first).to_be_visible()
    check_language("map")
    shot(page, "walkthrough-4-map-pt")

    # 5. A network's money page: amounts in Brazilian format.
    network = Network.objects.filter(pk__in=CostEntry.objects.values("network")).order_by("pk").first()
    page.goto(f"/networks/{network.pk}/money/")
    expect(page.locator("main")).to_contain_text("R$")
    check_language("money")
    shot(page, "walkthrough-5-money-pt")

    assert english == {}, english
    assert console_errors == [] and page.js_errors == [], (console_errors, page.js_errors)
