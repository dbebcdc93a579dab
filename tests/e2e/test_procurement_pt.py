"""Acceptance (issue 10), in Portuguese in chromium: the association manager allocates a contract from
the proposal, a member sees its share and its advance, the purchaser's inspector rejects part of a
delivery, the scoreboard shows it, and the final payment appears once the whole order is accepted.

Steps that have no page yet (the purchaser's payments, passing advances, recording deliveries and
assigning the repair) are done through the same services the pages call. Screenshots go to
/tmp/triplec-e2e/procurement-*.png."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect
from tests.procurement.conftest import add_user, award, desks  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, login, live_server, user):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    login(user)


def test_a_contract_from_allocation_to_final_payment_in_portuguese(desks, page, login, live_server, shot):  # noqa: F811
    from triplec.core.errors import ValidationFailed
    from triplec.procurement.models import Allocation, Payment
    from triplec.procurement.services import deliveries, money, programmes

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

    # The purchaser pays the advance, the association passes it on, both makers deliver.
    money.pay_advance(d.admin, contract)
    money.pass_advances(d.manager, contract)
    for made in Allocation.objects.filter(line__contract=contract):
        deliveries.record_delivery(d.manager, allocation=made, quantity=10)

    # 2. A member sees its share and its advance (50% of 10 x R$ 10,00), nothing of the other maker.
    _as(page, login, live_server, d.world.users["s1-user"])
    page.goto(detail)
    expect(page.get_by_test_id("allocation-row")).to_have_count(1)
    expect(page.get_by_test_id("member-advance")).to_contain_text("50,00")
    expect(page.get_by_text("Serraria S02")).to_have_count(0)
    shot(page, "procurement-member-pt")

    # 3. The inspector rejects 3 of S01's units, with a reason, and accepts S02's.
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

    # 4. The scoreboard, seen by a member: S01 rejected 30% of what it delivered.
    _as(page, login, live_server, d.world.users["s1-user"])
    page.goto(f"/procurement/associations/{d.association.pk}/scoreboard/")
    s01 = page.get_by_test_id("score-row").filter(has_text="Serraria S01")
    expect(s01.get_by_test_id("rejection-rate")).to_contain_text("30,0")
    expect(s01.get_by_test_id("accepted")).to_have_text("7")
    shot(page, "procurement-scoreboard-pt")

    # 5. No final payment before the whole order is accepted...
    with pytest.raises(ValidationFailed):
        money.pay_final(d.admin, contract)
    page.goto(detail)
    expect(page.locator('[data-testid=payment-row][data-kind="final-member"]')).to_have_count(0)
    # ...S02 repairs the 3 rejected units, the inspector accepts them, the purchaser pays the rest.
    rejected = contract.lines.get().deliveries.get(maker=s1)
    repair = deliveries.assign_rework(d.manager, rejected, member=s2, quantity=3)
    deliveries.record_delivery(d.manager, rework=repair, quantity=3)
    _as(page, login, live_server, d.inspector)
    page.goto(f"{detail}inspect/")
    page.get_by_test_id("inspection-form").get_by_test_id("record-inspection").click()
    expect(page.get_by_test_id("inspection-form")).to_have_count(0)
    page.goto(detail)
    expect(page.get_by_test_id("completion")).to_contain_text("100")
    money.pay_final(d.admin, contract)
    _as(page, login, live_server, d.world.users["s1-user"])
    page.goto(detail)
    # S01 is paid for its 7 accepted units only: 70,00 less the 50,00 advance it kept.
    expect(page.locator('[data-testid=payment-row][data-kind="final-member"]')).to_have_count(1)
    expect(page.get_by_test_id("member-received")).to_contain_text("70,00")
    _as(page, login, live_server, d.world.users["s2-user"])
    page.goto(detail)
    expect(page.locator('[data-testid=payment-row][data-kind="final-member"]')).to_have_count(1)
    expect(page.get_by_test_id("member-received")).to_contain_text("130,00")  # its 10 units and the 3 repaired
    expect(page.get_by_test_id("contract-status")).to_have_text("Pago")
    shot(page, "procurement-final-pt")
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.FINAL).count() == 1
    assert page.js_errors == []
