"""In Portuguese in chromium, through the pages: the association manager sends rejected units to another
member for repair and records a member's default with the quantity reallocated; the purchaser's inspector
records a warranty claim on a ceased maker's units; the manager imports the association's outcomes and
the chart shows the trajectory with the illustration labelled. No page breaks the Content-Security-Policy
(the chart is server-side SVG). Screenshots go to /tmp/triplec-e2e/procurement-records-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from tests.e2e.test_csp import Watch
from tests.procurement.conftest import DAY, add_user, award, desks  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, login, live_server, user):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    login(user)


def test_repairs_defaults_warranty_and_outcomes_in_portuguese(desks, page, login, live_server, shot, tmp_path):  # noqa: F811
    from triplec.procurement.models import AssociationOutcome, Default, Rework, WarrantyClaim
    from triplec.procurement.services import allocation, deliveries, money
    from triplec.registry.models import Membership

    d = desks
    s1, s2, s3 = d.members[:3]
    watch = Watch(page)
    contract = award(d, quantity=20, price="10.00")
    for_s1, for_s2 = allocation.confirm(d.manager, contract.lines.get(), {s1: 10, s2: 10}, on=DAY)
    money.pay_advance(d.admin, contract, on=DAY)
    money.pass_advances(d.manager, contract, on=DAY)
    shipped = deliveries.record_delivery(d.manager, allocation=for_s1, quantity=10)
    deliveries.inspect(d.inspector, shipped, accepted=8, rejected=2, reasons="Tampo rachado")
    detail = f"/procurement/contracts/{contract.pk}/"

    # The manager sends the 2 rejected units to S3 for repair.
    _as(page, login, live_server, d.manager)
    watch.visit(detail)
    page.get_by_test_id("rework-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reparar ou substituir unidades rejeitadas")
    form = page.get_by_test_id("rework-form")
    form.locator("select[name$=member]").select_option(label="Serraria S03")
    shot(page, "procurement-records-rework-pt")
    form.get_by_test_id("assign-rework").click()
    expect(page.get_by_test_id("rework-row")).to_have_count(1)
    watch.collect()
    assert Rework.objects.get().member == s3

    # S2 withdraws before delivering: its 10 units and their advance go to S4; S2 owes R$ 50,00.
    watch.visit(detail)
    page.get_by_test_id("defaults-link").click()
    page.get_by_test_id("open-allocation-row").filter(has_text="Serraria S02").get_by_test_id(
        "record-default-link").click()
    expect(page.get_by_test_id("default-summary")).to_contain_text("10 unidades não entregues.")
    page.locator("select[name=reason]").select_option(label="Desistiu")
    page.locator("select[name=successor]").select_option(label="Serraria S04")
    page.get_by_test_id("record-default").click()
    expect(page.get_by_test_id("default-row")).to_have_count(1)
    expect(page.get_by_test_id("debt-row")).to_contain_text("50,00")
    shot(page, "procurement-records-defaults-pt")
    watch.collect()
    assert Default.objects.get().successor.member == d.members[3]

    # The rest is delivered and accepted; S1 then ceases, and the inspector claims warranty on its units.
    for made in contract.lines.get().allocations.filter(defaulted_on__isnull=True):
        left = deliveries.undelivered(made)
        if left:
            deliveries.inspect(d.inspector, deliveries.record_delivery(d.manager, allocation=made, quantity=left),
                               accepted=left, rejected=0)
    repair = deliveries.record_delivery(d.manager, rework=Rework.objects.get(), quantity=2)
    deliveries.inspect(d.inspector, repair, accepted=2, rejected=0)
    Membership.objects.filter(enterprise=s1).update(end_date=timezone.localdate() - timedelta(days=1))
    _as(page, login, live_server, d.inspector)
    watch.visit(detail)
    page.get_by_test_id("warranty-link").click()
    claim = page.get_by_test_id("claim-form")
    claim.locator("select[name=line]").select_option(index=1)
    claim.locator("select[name=maker]").select_option(label="Serraria S01")
    claim.locator("input[name=units]").fill("1")
    claim.locator("textarea[name=description]").fill("Perna solta")
    claim.locator("input[name=repair_cost]").fill("12.00")
    claim.get_by_test_id("record-claim").click()
    expect(page.get_by_test_id("form-errors").or_(page.locator(".field-error")).first).to_contain_text(
        "escolha outra associada")
    page.locator("select[name=repairer]").select_option(label="Serraria S02")
    page.get_by_test_id("record-claim").click()
    expect(page.get_by_test_id("claim-row")).to_have_count(1)
    shot(page, "procurement-records-warranty-pt")
    watch.collect()
    assert WarrantyClaim.objects.get().repairer == s2

    # The manager imports the outcomes (a Brazilian CSV) and sees the chart, the illustration labelled.
    csv = tmp_path / "resultados.csv"
    csv.write_text("year;members;workers;share_sold_elsewhere;illustration\n1990;4;12;0;sim\n1995;42;350;70%;sim\n"
                   "2027;44;362;0,72;não\n", encoding="utf-8")
    _as(page, login, live_server, d.manager)
    watch.visit(detail)
    page.get_by_test_id("outcomes-link").click()
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(str(csv))
    page.get_by_test_id("import-outcomes").click()
    expect(page.get_by_test_id("outcome-row")).to_have_count(3)
    expect(page.get_by_test_id("outcome-chart")).to_be_visible()
    expect(page.get_by_test_id("illustration-caption")).to_contain_text("Ilustração, não medida")
    shot(page, "procurement-records-outcomes-pt")
    watch.collect()
    assert AssociationOutcome.objects.filter(association=d.association).count() == 3
    assert not watch.problems, watch.problems
