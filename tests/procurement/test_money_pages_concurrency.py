"""The same form sent four times at the same moment (a double click, a flaky connection), each send
in its own thread and database connection: a delivery is recorded once and a debt settled once.
PostgreSQL only, as in test_concurrency.py."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from tests import threads
from tests.procurement.conftest import DAY, award

from triplec.procurement.models import Delivery, Payment
from triplec.procurement.services import allocation, defaults, money

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL; SQLite serialises writers (IMMEDIATE transactions)")


def _clients(user, n=4) -> list[Client]:
    clients = [Client() for _ in range(n)]
    for client in clients:
        client.force_login(user)
    return clients


def _send_together(clients, url, data) -> list[int]:
    return threads.run_together(lambda n, r: clients[n].post(url, data).status_code, threads=len(clients))


def test_a_delivery_form_sent_four_times_at_once_records_one_delivery(desks):
    contract = award(desks, quantity=20, price="10.00")
    (lot,) = allocation.confirm(desks.manager, contract.lines.get(), {desks.members[0]: 20}, on=DAY)
    url = reverse("procurement:record_delivery", args=[contract.pk])
    data = {"source": f"allocation:{lot.pk}", "quantity": 5, "delivered_on": "2027-04-01", "deliveries_seen": 0}
    answers = _send_together(_clients(desks.manager), url, data)
    assert sorted(answers) == [200, 200, 200, 302]  # one recorded, three shown the form again
    assert list(Delivery.objects.filter(allocation=lot).values_list("quantity", flat=True)) == [5]


def test_a_settlement_form_sent_four_times_at_once_settles_once(desks):
    contract = award(desks, quantity=20, price="10.00")
    s1, _s2 = allocation.confirm(desks.manager, contract.lines.get(), {desks.members[0]: 10, desks.members[1]: 10},
                                 on=DAY)
    money.pay_advance(desks.admin, contract, on=DAY)
    money.pass_advances(desks.manager, contract, on=DAY)
    defaults.record_default(desks.manager, s1, reason="withdrew", remedy="repay", on=date(2027, 4, 1))
    url = reverse("procurement:settle_debt", args=[contract.pk])
    data = {"member": desks.members[0].pk, "amount": "20.00", "idempotency_key": "one-form"}
    answers = _send_together(_clients(desks.manager), url, data)
    assert answers == [302] * 4
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.SETTLEMENT).count() == 1
    assert money.contract_balances(contract).debts == {desks.members[0].pk: 30}
