"""Acceptance (issue 10), in Portuguese in chromium, through the pages: the association manager
allocates a contract from the proposal; the purchaser's inspector pays the advance and the manager
passes it on to the members; the manager records the deliveries; a member sees its share and its
advance; the inspector rejects part of a delivery; the scoreboard shows it; the final payment appears
only once the whole order is accepted, and the inspector makes it.

The manager also sends the rejected units to another member for repair. Screenshots go to /tmp/triplec-e2e/procurement-*.png."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect
from tests.procurement.conftest import add_user, award, desks  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, login, live_server, user):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    login(user)


def _deliver(page, detail, source_label: str, units: int):
    """The manager records `units` from the lot or repair whose option names `source_label`."""
    page.goto(detail)
    page.get_by_test_id("record-delivery-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrar uma entrega")
    form = page.get_by_test_id("delivery-form")
    option = form.locator("option", has_text=source_label)
    form.get_by_label("Lote ou reparo").select_option(value=option.get_attribute("value"))
    form.get_by_label("Unidades entregues").fill(str(units))
    form.get_by_test_id("record-delivery").click()
    expect(page.locator(".messages")).to_contain_text(f"{units} unidades de")
    expect(page.locator(".messages")).to_contain_text("registradas como entregues")


def test_a_contract_from_allocation_to_final_payment_in_portuguese(desks, page, login, live_server, shot):  # noqa: F811
    from triplec.procurement.models import Allocation, Payment
    from triplec.procurement.services import programmes

    d = desks
    s1, s2 = d.members[0], d.members[1]
    contract = award(d, quantity=20, price="10.00")
    for firm in (s1, s2):
        programmes.declare_capacity(d.manager, d.association, firm, d.desk, 10)
    add_user(d.world, "s2-user", "enterprise-user", enterprise=s2)
    detail = f"/procurement/contracts/{contract.pk}/"

    # 1. The manager allocates from the proposal (10 + 10, nobody else declared capacity).
    _as(page, login, live_server, d.manager)
    page.goto(detail)
    page.get_by_test_id("allocate-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Distribuir o item entre as associadas")
    expect(page.get_by_test_id("proposal-row")).to_have_count(10)
    shot(page, "procurement-allocation-pt")
    page.get_by_test_id("confirm-allocation").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_test_id("allocation-row")).to_have_count(2)
    assert sorted(Allocation.objects.filter(line__contract=contract).values_list("member_id", "quantity")) == [
        (s1.pk, 10), (s2.pk, 10)]
    expect(page.get_by_test_id("pass-advances")).to_have_count(0)  # nothing to pass before the purchaser pays

    # 2. The purchaser's inspector pays the advance (50% of 20 x R$ 10,00) from the contract page.
    _as(page, login, live_server, d.inspector)
    page.goto(detail)
    expect(page.get_by_test_id("pay-advance")).to_contain_text("100,00")
    expect(page.get_by_test_id("pay-final")).to_have_count(0)
    expect(page.get_by_test_id("final-waiting")).to_contain_text("só é feito quando todo o pedido tiver sido aceito")
    page.get_by_test_id("pay-advance").click()
    expect(page.locator(".messages")).to_contain_text("pago à associação")
    expect(page.get_by_test_id("advance-paid")).to_contain_text("100,00")
    expect(page.get_by_test_id("pay-advance")).to_have_count(0)

    # 3. The manager passes the advance on to both lots, then records both makers' deliveries.
    _as(page, login, live_server, d.manager)
    page.goto(detail)
    expect(page.get_by_test_id("pass-advances")).to_have_text("Repassar os adiantamentos a 2 lotes")
    page.get_by_test_id("pass-advances").click()
    expect(page.locator(".messages")).to_contain_text("Adiantamentos repassados a 2 lotes")
    expect(page.get_by_test_id("pass-advances")).to_have_count(0)
    expect(page.get_by_test_id("member-advance")).to_have_count(2)
    for advance in page.get_by_test_id("member-advance").all():
        expect(advance).to_contain_text("50,00")
    _deliver(page, detail, "Serraria S01", 10)
    shot(page, "procurement-delivery-pt")
    _deliver(page, detail, "Serraria S02", 10)
    expect(page.get_by_test_id("nothing-to-deliver")).to_be_visible()
    expect(page.get_by_test_id("recent-delivery-row")).to_have_count(2)

    # 4. A member sees its share and its advance, nothing of the other maker.
    _as(page, login, live_server, d.world.users["s1-user"])
    page.goto(detail)
    expect(page.get_by_test_id("allocation-row")).to_have_count(1)
    expect(page.get_by_test_id("allocation-row")).to_contain_text("Serraria S01")
    expect(page.get_by_test_id("member-advance")).to_contain_text("50,00")
    expect(page.get_by_test_id("member-received")).to_contain_text("50,00")
    expect(page.get_by_text("Serraria S02")).to_have_count(0)
    expect(page.get_by_test_id("money-actions")).to_have_count(0)
    shot(page, "procurement-member-pt")

    # 5. The inspector rejects 3 of S01's units, with a reason, and accepts S02's.
    _as(page, login, live_server, d.inspector)
    page.goto(f"{detail}inspect/")
    forms = page.get_by_test_id("inspection-form")
    expect(forms).to_have_count(2)
    first = forms.filter(has_text="Serraria S01")
    first.get_by_label("Aceitas", exact=True).fill("7")
    first.get_by_label("Rejeitadas", exact=True).fill("3")
    first.get_by_label("Motivos da rejeição").fill("Tampos rachados")
    shot(page, "procurement-inspection-pt")
    first.get_by_test_id("record-inspection").click()
    expect(page.get_by_test_id("inspection-form")).to_have_count(1)
    page.get_by_test_id("inspection-form").get_by_test_id("record-inspection").click()
    expect(page.get_by_test_id("inspection-form")).to_have_count(0)

    # 6. The scoreboard, seen by a member: S01 rejected 30% of what it delivered.
    _as(page, login, live_server, d.world.users["s1-user"])
    page.goto(f"/procurement/associations/{d.association.pk}/scoreboard/")
    s01 = page.get_by_test_id("score-row").filter(has_text="Serraria S01")
    expect(s01.get_by_test_id("rejection-rate")).to_contain_text("30,0")
    expect(s01.get_by_test_id("accepted")).to_have_text("7")
    shot(page, "procurement-scoreboard-pt")

    # 7. No final payment while 3 units are rejected: the inspector's page offers none.
    _as(page, login, live_server, d.inspector)
    page.goto(detail)
    expect(page.get_by_test_id("completion")).to_contain_text("85")
    expect(page.get_by_test_id("pay-final")).to_have_count(0)
    expect(page.get_by_test_id("final-waiting")).to_be_visible()
    expect(page.locator('[data-testid=payment-row][data-kind="final"]')).to_have_count(0)

    # 8. The manager sends the 3 rejected units to S02 for repair, then records them delivered...
    _as(page, login, live_server, d.manager)
    page.goto(detail)
    page.get_by_test_id("rework-link").click()
    form = page.get_by_test_id("rework-form")
    form.locator("select[name$='-member']").select_option(label=s2.legal_name)
    form.locator("input[name$='-quantity']").fill("3")
    form.get_by_test_id("assign-rework").click()
    expect(page.locator(".messages")).to_contain_text(f"3 unidades rejeitadas enviadas a {s2.legal_name}")
    expect(page.get_by_test_id("rework-row")).to_have_count(1)
    _deliver(page, detail, "unidades rejeitadas", 3)
    # ...the inspector accepts them, the whole order is in, and only now the final payment appears.
    _as(page, login, live_server, d.inspector)
    page.goto(f"{detail}inspect/")
    expect(page.get_by_test_id("inspection-form")).to_contain_text("unidades reparadas ou substituídas")
    page.get_by_test_id("inspection-form").get_by_test_id("record-inspection").click()
    expect(page.get_by_test_id("inspection-form")).to_have_count(0)
    page.goto(detail)
    expect(page.get_by_test_id("completion")).to_contain_text("100")
    expect(page.get_by_test_id("final-waiting")).to_have_count(0)
    expect(page.get_by_test_id("pay-final")).to_have_text("Fazer o pagamento final")
    shot(page, "procurement-final-due-pt")
    page.get_by_test_id("pay-final").click()
    expect(page.locator(".messages")).to_contain_text("Pagamento final feito")
    expect(page.get_by_test_id("contract-status")).to_have_text("Pago")
    expect(page.get_by_test_id("pay-final")).to_have_count(0)
    expect(page.locator('[data-testid=payment-row][data-kind="final"]')).to_have_count(1)
    expect(page.get_by_test_id("paid-in")).to_contain_text("200,00")

    # 9. Each member sees its final payment: S01 its 7 accepted units (70,00 in all, the 50,00 advance
    # included), S02 its 10 units and the 3 it repaired (130,00).
    for user, received in (("s1-user", "70,00"), ("s2-user", "130,00")):
        _as(page, login, live_server, d.world.users[user])
        page.goto(detail)
        expect(page.locator('[data-testid=payment-row][data-kind="final-member"]')).to_have_count(1)
        expect(page.get_by_test_id("member-received")).to_contain_text(received)
        expect(page.get_by_test_id("contract-status")).to_have_text("Pago")
    shot(page, "procurement-final-pt")
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.FINAL).count() == 1
    assert re.search(r"R\$\s?130,00", page.get_by_test_id("member-received").inner_text())
    assert page.js_errors == []
