"""The money actions on a contract's page and the manager's record of deliveries (views_money):
each button shown only to who may press it and only when it applies, each form sent twice pays or
records once, the services' refusals shown (permissions: test_money_page_matrix.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from .conftest import DAY, award

pytestmark = pytest.mark.django_db


def _client(client_for, desks, name):
    return client_for(desks.world.users[name])


def _detail(client, contract) -> str:
    page = client.get(reverse("procurement:contract_detail", args=[contract.pk]))
    assert page.status_code == 200
    return page.content.decode()


def _messages(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


@pytest.fixture
def allocated(desks):
    """20 desks at 10.00, S1 and S2 each allocated 10; nothing paid, nothing delivered."""
    from triplec.procurement.services import allocation

    contract = award(desks, quantity=20, price="10.00")
    s1, s2 = allocation.confirm(desks.manager, contract.lines.get(), {desks.members[0]: 10, desks.members[1]: 10},
                                on=DAY)
    return contract, s1, s2


def test_the_purchaser_pays_the_advance_once_even_when_the_form_is_sent_twice(client_for, desks, allocated):
    from triplec.ledger.models import Transaction
    from triplec.procurement.models import Payment
    from triplec.procurement.services import money

    contract, _s1, _s2 = allocated
    inspector = _client(client_for, desks, "inspector")
    html = _detail(inspector, contract)
    assert 'data-testid="pay-advance"' in html and "100.00" in html.split('data-testid="pay-advance"')[1]
    assert 'data-testid="pass-advances"' not in html and 'data-testid="record-delivery-link"' not in html
    url = reverse("procurement:pay_advance", args=[contract.pk])
    first, second = inspector.post(url), inspector.post(url)
    assert first.status_code == second.status_code == 302
    assert "Advance of" in _messages(first) and "already paid" in _messages(second)
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.ADVANCE).count() == 1
    assert Transaction.objects.filter(idempotency_key=f"procurement:{contract.pk}:advance").count() == 1
    assert money.contract_balances(contract).paid_in == 100
    assert 'data-testid="pay-advance"' not in _detail(inspector, contract)


def test_the_manager_passes_the_advances_on_once(client_for, desks, allocated):
    from triplec.procurement.models import Payment
    from triplec.procurement.services import money

    contract, s1, s2 = allocated
    manager = _client(client_for, desks, "aruaru-manager")
    url = reverse("procurement:pass_advances", args=[contract.pk])
    refused = manager.post(url)
    assert "has not paid the advance yet" in _messages(refused)
    assert 'data-testid="pass-advances"' not in _detail(manager, contract)
    money.pay_advance(desks.inspector, contract, on=DAY)
    html = _detail(manager, contract)
    assert 'data-testid="pass-advances"' in html and 'data-testid="pay-advance"' not in html
    first, second = manager.post(url), manager.post(url)
    assert "2 lots" in _messages(first) and "already been passed on" in _messages(second)
    passed = Payment.objects.filter(contract=contract, kind=Payment.Kind.ADVANCE_TO_MEMBER)
    assert sorted(passed.values_list("allocation_id", flat=True)) == sorted([s1.pk, s2.pk])
    assert money.contract_balances(contract).received == {desks.members[0].pk: 50, desks.members[1].pk: 50}
    assert 'data-testid="pass-advances"' not in _detail(manager, contract)


def test_the_final_payment_button_appears_only_once_the_whole_order_is_accepted(client_for, desks, allocated):
    from triplec.procurement.models import ContractStatus, Payment
    from triplec.procurement.services import deliveries, money

    contract, s1, s2 = allocated
    money.pay_advance(desks.inspector, contract, on=DAY)
    money.pass_advances(desks.manager, contract, on=DAY)
    inspector = _client(client_for, desks, "inspector")
    html = _detail(inspector, contract)
    assert 'data-testid="pay-final"' not in html and 'data-testid="final-waiting"' in html
    url = reverse("procurement:pay_final", args=[contract.pk])
    refused = inspector.post(url)
    assert "only when the whole order has been accepted" in _messages(refused)
    assert not Payment.objects.filter(contract=contract, kind=Payment.Kind.FINAL).exists()
    for a in (s1, s2):
        delivery = deliveries.record_delivery(desks.manager, allocation=a, quantity=10)
        deliveries.inspect(desks.inspector, delivery, accepted=10, rejected=0)
    html = _detail(inspector, contract)
    assert 'data-testid="pay-final"' in html and 'data-testid="final-waiting"' not in html
    assert "complete: the final payment is due" in html
    assert 'data-testid="pay-final"' not in _detail(_client(client_for, desks, "aruaru-manager"), contract)
    first, second = inspector.post(url), inspector.post(url)
    assert "Final payment made" in _messages(first) and "already made" in _messages(second)
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.FINAL).count() == 1
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.FINAL_TO_MEMBER).count() == 2
    balances = money.contract_balances(contract)
    assert balances.paid_in == 200 and balances.received == {desks.members[0].pk: 100, desks.members[1].pk: 100}
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PAID
    html = _detail(inspector, contract)
    assert 'data-testid="pay-final"' not in html and 'data-testid="final-waiting"' not in html
    assert "complete: the final payment was made" in html and "final payment is due" not in html


def test_the_retention_is_released_once_when_the_warranty_period_has_ended(client_for, desks):
    from triplec.procurement.models import Contract, Payment
    from triplec.procurement.services import allocation, deliveries, money, programmes

    kept = programmes.create_programme(desks.admin, name="With retention", purchaser=desks.world.buyer,
                                       currency="BRL", retention_share="0.1", warranty_months=12)
    desk = programmes.add_product(desks.admin, kept, code="d", name="Desk", reference_price="10.00")
    contract = programmes.award_contract(desks.admin, kept, association=desks.association, reference="R-1",
                                         awarded_on=DAY, lines=[{"product": desk, "quantity": 10,
                                                                 "unit_price": "10.00", "deadline": DAY}])
    (lot,) = allocation.confirm(desks.manager, contract.lines.get(), {desks.members[0]: 10}, on=DAY)
    money.pay_advance(desks.admin, contract, on=DAY)
    deliveries.inspect(desks.inspector, deliveries.record_delivery(desks.manager, allocation=lot, quantity=10),
                       accepted=10, rejected=0, on=date(2099, 1, 1))
    money.pay_final(desks.admin, contract, on=date(2099, 1, 1))
    inspector = _client(client_for, desks, "inspector")
    html = _detail(inspector, contract)
    assert 'data-testid="release-retention"' not in html
    assert "2100-01-01" in html.split('data-testid="retention-waiting"')[1].split("</p>")[0]
    url = reverse("procurement:release_retention", args=[contract.pk])
    refused = inspector.post(url)
    assert "when the warranty period ends, on 2100-01-01" in _messages(refused)
    Contract.objects.filter(pk=contract.pk).update(accepted_on=date(2020, 1, 1))
    assert 'data-testid="release-retention"' in _detail(inspector, contract)
    first, second = inspector.post(url), inspector.post(url)
    assert "Retention of" in _messages(first) and "already released" in _messages(second)
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.RETENTION).count() == 1
    assert money.contract_balances(contract).paid_in == 100
    assert 'data-testid="release-retention"' not in _detail(inspector, contract)


@pytest.fixture
def with_debt(desks, allocated):
    """S1 got its 50.00 advance, then withdrew with nothing delivered: it owes the association 50.00."""
    from triplec.procurement.services import defaults, money

    contract, s1, _s2 = allocated
    money.pay_advance(desks.admin, contract, on=DAY)
    money.pass_advances(desks.manager, contract, on=DAY)
    defaults.record_default(desks.manager, s1, reason="withdrew", remedy="reallocate", successor=desks.members[2],
                            on=DAY)
    return contract


def _settle_form(client, contract) -> dict:
    html = _detail(client, contract)
    form = html.split('data-testid="settle-debt-form"')[1].split("</form>")[0]
    key = form.split('name="idempotency_key" value="')[1].split('"')[0]
    return {"idempotency_key": key}


def test_the_manager_records_a_members_repayment_once_per_form(client_for, desks, with_debt):
    from triplec.procurement.models import Payment
    from triplec.procurement.services import money

    contract, s1 = with_debt, desks.members[0]
    manager = _client(client_for, desks, "aruaru-manager")
    assert money.contract_balances(contract).debts == {s1.pk: 50}
    assert 'data-testid="settle-debt-form"' not in _detail(_client(client_for, desks, "inspector"), contract)
    url = reverse("procurement:settle_debt", args=[contract.pk])
    data = {**_settle_form(manager, contract), "member": s1.pk}
    too_much = manager.post(url, {**data, "amount": "60.00"})
    assert too_much.status_code == 200
    form = too_much.content.decode().split('data-testid="settle-debt-form"')[1].split("</form>")[0]
    amount_label = form.split('for="settle_amount"')[1].split("</label>")[0]
    assert "no more than the member owes" in amount_label
    first, second = manager.post(url, {**data, "amount": "20.00"}), manager.post(url, {**data, "amount": "20.00"})
    assert first.status_code == second.status_code == 302
    assert "paid back" in _messages(first) and "already recorded" in _messages(second)
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.SETTLEMENT).count() == 1
    assert money.contract_balances(contract).debts == {s1.pk: 30}
    rest = {**_settle_form(manager, contract), "member": s1.pk, "amount": "30.00"}
    assert rest["idempotency_key"] != data["idempotency_key"]
    manager.post(url, rest)
    assert money.contract_balances(contract).debts == {s1.pk: 0}
    assert manager.post(url, rest).status_code == 302  # sent again when nothing is owed any more: still once
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.SETTLEMENT).count() == 2
    assert 'data-testid="settle-debt-form"' not in _detail(manager, contract)


def _delivery_form(client, contract) -> tuple[str, dict]:
    page = client.get(reverse("procurement:record_delivery", args=[contract.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    seen = html.split('name="deliveries_seen" value="')[1].split('"')[0]
    return html, {"deliveries_seen": seen, "delivered_on": "2027-04-01"}


def test_the_manager_records_deliveries_that_wait_for_the_inspector(client_for, desks, allocated):
    from triplec.procurement.models import Delivery

    contract, s1, s2 = allocated
    manager = _client(client_for, desks, "aruaru-manager")
    assert 'data-testid="record-delivery-link"' in _detail(manager, contract)
    html, data = _delivery_form(manager, contract)
    assert f'value="allocation:{s1.pk}"' in html and f'value="allocation:{s2.pk}"' in html
    url = reverse("procurement:record_delivery", args=[contract.pk])
    too_many = manager.post(url, {**data, "source": f"allocation:{s1.pk}", "quantity": 11})
    assert too_many.status_code == 200
    label = too_many.content.decode().split('for="delivery_quantity"')[1].split("</label>")[0]
    assert "Give between 1 and 10 units" in label
    first = manager.post(url, {**data, "source": f"allocation:{s1.pk}", "quantity": 4})
    again = manager.post(url, {**data, "source": f"allocation:{s1.pk}", "quantity": 4})
    assert first.status_code == 302 and again.status_code == 200
    assert "was it sent twice?" in again.content.decode()
    made = Delivery.objects.get(line__contract=contract)
    assert (made.maker, made.allocation, made.quantity, made.delivered_on) == (desks.members[0], s1, 4,
                                                                             date(2027, 4, 1))
    # The form shown again counts from now: sent once more, it records.
    resent = again.content.decode().split('name="deliveries_seen" value="')[1].split('"')[0]
    assert manager.post(url, {**data, "deliveries_seen": resent, "source": f"allocation:{s2.pk}",
                              "quantity": 10}).status_code == 302
    html, _data = _delivery_form(manager, contract)
    assert "6 left" in html and f'value="allocation:{s2.pk}"' not in html
    inspection = _client(client_for, desks, "inspector").get(reverse("procurement:inspection", args=[contract.pk]))
    assert inspection.content.decode().count('data-testid="inspection-form"') == 2


def test_repaired_units_are_delivered_from_their_rework(client_for, desks, allocated):
    from triplec.procurement.models import Delivery
    from triplec.procurement.services import deliveries

    contract, s1, _s2 = allocated
    rejected = deliveries.record_delivery(desks.manager, allocation=s1, quantity=10)
    deliveries.inspect(desks.inspector, rejected, accepted=7, rejected=3, reasons="Cracked tops")
    repair = deliveries.assign_rework(desks.manager, rejected, member=desks.members[1], quantity=3)
    manager = _client(client_for, desks, "aruaru-manager")
    html, data = _delivery_form(manager, contract)
    assert f'value="rework:{repair.pk}"' in html and f'value="allocation:{s1.pk}"' not in html
    done = manager.post(reverse("procurement:record_delivery", args=[contract.pk]),
                        {**data, "source": f"rework:{repair.pk}", "quantity": 3})
    assert done.status_code == 302
    made = Delivery.objects.get(rework=repair)
    assert (made.maker, made.quantity, made.allocation) == (desks.members[1], 3, None)


def test_members_and_others_see_no_money_action(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    for name in ("s1-user", "broker", "evaluator"):
        assert 'data-testid="money-actions"' not in _detail(_client(client_for, desks, name), c1), name
    for name in ("aruaru-manager", "inspector", "agency-admin"):
        assert 'data-testid="money-actions"' in _detail(_client(client_for, desks, name), c1), name
