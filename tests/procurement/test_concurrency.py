"""Four threads, each with its own database connection, act on one contract at the same moment: a line
is never over-allocated and the advance and the final payment are paid once. The contract's row is
locked (`select_for_update`) while the services check and write. PostgreSQL only: SQLite's in-memory
test database cannot hold concurrent writers (it serialises every write transaction anyway)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from tests import threads
from tests.procurement.conftest import award

from triplec.core.errors import ValidationFailed
from triplec.ledger.models import Transaction
from triplec.procurement.models import Allocation, Payment
from triplec.procurement.services import allocation, deliveries, money

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL; SQLite serialises writers (IMMEDIATE transactions)")


def run_together(work, rounds=1) -> list:
    return threads.run_together(work, rounds=rounds, refusals={ValidationFailed: "refused"})


def test_concurrent_allocations_never_over_allocate_a_line(desks):
    line = award(desks, quantity=100).lines.get()
    outcomes = run_together(
        lambda n, r: allocation.confirm(desks.manager, line, {desks.members[n]: 15}, on=date(2027, 3, 2))[0].pk,
        rounds=3)
    assert len([o for o in outcomes if o != "refused"]) == 6, outcomes  # 100 // 15, not one more
    assert Allocation.objects.filter(line=line).aggregate(s=Sum("quantity"))["s"] == 90


def test_the_advance_is_paid_once_when_paid_at_the_same_moment(desks):
    contract = award(desks, quantity=10, price="10.00")
    outcomes = run_together(lambda n, r: money.pay_advance(desks.admin, contract, on=date(2027, 3, 2)).pk)
    assert len(set(outcomes)) == 1
    assert Payment.objects.filter(contract=contract, kind=Payment.Kind.ADVANCE).count() == 1
    assert money.contract_balances(contract).held == Decimal("50.00")


def test_the_final_payment_is_paid_once_when_paid_at_the_same_moment(desks):
    d = desks
    contract = award(d, quantity=10, price="10.00")
    a1, a2 = allocation.confirm(d.manager, contract.lines.get(), {d.members[0]: 5, d.members[1]: 5},
                                on=date(2027, 3, 2))
    money.pay_advance(d.admin, contract, on=date(2027, 3, 2))
    money.pass_advances(d.manager, contract, on=date(2027, 3, 2))
    for a in (a1, a2):
        shipped = deliveries.record_delivery(d.manager, allocation=a, quantity=5)
        deliveries.inspect(d.inspector, shipped, accepted=5, rejected=0)
    before = Transaction.objects.count()
    run_together(lambda n, r: len(money.pay_final(d.admin, contract, on=date(2027, 6, 1))))
    assert Transaction.objects.count() == before + 3  # the purchaser's, and one per member
    b = money.contract_balances(contract)
    assert (b.paid_in, b.paid_out, b.held) == (Decimal("100.00"), Decimal("100.00"), Decimal("0.00"))
