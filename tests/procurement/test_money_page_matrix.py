"""The permission matrix of the money actions and the delivery record (views_money), with the users
of test_page_matrix.py on the sawmills' contract C1: the purchaser's payments are for its inspector
and agency staff, passing advances, settling debts and recording deliveries for the association's
manager and agency staff; who sees C1 without that right gets 403, everyone else 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.permissions import Case, assert_page_permissions, by_scope

from .test_page_matrix import INSPECTS_C1, PEOPLE, RUNS_C1, SEES_C1

pytestmark = pytest.mark.django_db


def _c1(w):
    return w.procurement[0]


def _url(name):
    return lambda w: reverse(f"procurement:{name}", args=[_c1(w).pk])


def _settlement(w):
    return {"member": w.procurement_association_members[0].pk, "amount": "1.00", "idempotency_key": "matrix"}


def _delivery(w):
    lot = _c1(w).lines.get().allocations.order_by("id").first()
    return {"source": f"allocation:{lot.pk}", "quantity": 1, "delivered_on": "2027-04-01",
            "deliveries_seen": _c1(w).lines.get().deliveries.count()}


CASES = [
    Case("pay the advance", "post", _url("pay_advance"), by_scope(PEOPLE, INSPECTS_C1, SEES_C1)),
    Case("pass the advances", "post", _url("pass_advances"), by_scope(PEOPLE, RUNS_C1, SEES_C1)),
    Case("final payment", "post", _url("pay_final"), by_scope(PEOPLE, INSPECTS_C1, SEES_C1)),
    Case("release the retention", "post", _url("release_retention"), by_scope(PEOPLE, INSPECTS_C1, SEES_C1)),
    Case("settle a debt", "post", _url("settle_debt"), by_scope(PEOPLE, RUNS_C1, SEES_C1), data=_settlement),
    Case("delivery form", "get", _url("record_delivery"), by_scope(PEOPLE, RUNS_C1, SEES_C1, ok=200)),
    Case("record a delivery", "post", _url("record_delivery"), by_scope(PEOPLE, RUNS_C1, SEES_C1), data=_delivery),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_money_page_permissions(world, desks, two_contracts, client_for, case):
    world.procurement = two_contracts
    world.procurement_association_members = desks.members
    assert_page_permissions(world, client_for, case)
