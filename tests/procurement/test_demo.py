"""The demo procurement loads on the register's demo (the Aruaru association), through the services:
one contract paid in full, one in progress, the trajectory as a labelled illustration; twice changes nothing."""

from decimal import Decimal

import pytest

from triplec.accounts.models import User
from triplec.ledger.models import Transaction
from triplec.procurement import policy
from triplec.procurement.demo import load_demo_procurement
from triplec.procurement.models import AssociationOutcome, Contract
from triplec.procurement.services import deliveries, money

pytestmark = pytest.mark.slow


def test_demo_contracts_on_the_aruaru_association(db):
    from triplec.registry.demo import DEMO_PASSWORD, DemoSummary, load_illustrative

    load_illustrative(DemoSummary())
    admin = User.objects.get(username="admin")
    assert load_demo_procurement(admin, DEMO_PASSWORD) == {"SEDUC-CE-2025-014": "paid",
                                                          "SEDUC-CE-2026-031": "in-progress"}
    counts = (Contract.objects.count(), Transaction.objects.count())
    assert load_demo_procurement(admin, DEMO_PASSWORD) == {}
    assert (Contract.objects.count(), Transaction.objects.count()) == counts

    paid = Contract.objects.get(reference="SEDUC-CE-2025-014")
    b = money.contract_balances(paid)
    assert b.paid_in == Decimal("74940.00") and b.paid_in == b.paid_out + b.held + b.retained + b.owed
    running = Contract.objects.get(reference="SEDUC-CE-2026-031")
    assert not deliveries.completion(running).complete
    assert money.contract_balances(running).paid_in == Decimal("28815.00")  # half of 300 x 192.10

    outcomes = list(AssociationOutcome.objects.filter(association=paid.association).values_list(
        "year", "members", "workers", "share_sold_elsewhere", "illustration"))
    assert outcomes == [(1990, 4, 12, Decimal("0"), True), (1995, 42, 350, Decimal("0.7"), True)]
    for username, seen in (("inspector", 2), ("association", 2), ("enterprise", 2), ("evaluator", 2)):
        assert policy.visible_contracts(User.objects.get(username=username)).count() == seen, username
