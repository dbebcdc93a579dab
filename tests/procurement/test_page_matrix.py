"""The permission matrix of every procurement page (tests/permissions.py): anonymous, each role,
another association's manager and member, another purchaser's inspector.

On the sawmills' contract C1 (tests/procurement/conftest.py `two_contracts`): aruaru-manager runs it,
s1-user and s2-user make it, inspector works for its purchaser. association-manager and
enterprise-user belong to assoc_a (another association, with contract C2 of another purchaser), as do
other-association-manager and other-enterprise-user to assoc_b; other-inspector works for C2's
purchaser; misplaced-inspector is an inspector whose organisation is not a purchaser.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.permissions import AGENCY, EDITORS, USERS, Case, assert_page_permissions, by_scope, everyone

pytestmark = pytest.mark.django_db

PEOPLE = (*USERS, "inspector", "other-inspector", "misplaced-inspector", "aruaru-manager", "s1-user", "s2-user")
SEES_C1 = (*AGENCY, "inspector", "aruaru-manager", "s1-user", "s2-user")
RUNS_C1 = ("agency-admin", "programme-officer", "aruaru-manager")
INSPECTS_C1 = ("agency-admin", "programme-officer", "inspector")
SEES_SCOREBOARD = (*AGENCY, "aruaru-manager", "s1-user", "s2-user")


def _c1(w):
    return w.procurement[0]


def _first_delivery(w):
    return _c1(w).lines.get().deliveries.order_by("id").first()


def _s1_allocation(w):
    return _c1(w).lines.get().allocations.get(member__legal_name="Serraria S01")


def _inspection(w):
    p = f"d{_first_delivery(w).pk}-"
    return {p + "accepted": 4, p + "rejected": 1, p + "reasons": "Loose leg"}


CASES = [
    Case("contract list", "get", lambda w: reverse("procurement:contract_list"), everyone(200, PEOPLE)),
    Case("contract list filtered", "get", lambda w: reverse("procurement:contract_list") + "?status=in-progress",
         everyone(200, PEOPLE)),
    Case("contract detail", "get", lambda w: reverse("procurement:contract_detail", args=[_c1(w).pk]),
         by_scope(PEOPLE, SEES_C1, SEES_C1, ok=200)),
    Case("allocation form", "get",
         lambda w: reverse("procurement:allocate", args=[_c1(w).pk, _c1(w).lines.get().pk]),
         by_scope(PEOPLE, RUNS_C1, SEES_C1, ok=200)),
    Case("allocation", "post",
         lambda w: reverse("procurement:allocate", args=[_c1(w).pk, _c1(w).lines.get().pk]),
         by_scope(PEOPLE, RUNS_C1, SEES_C1), data=lambda w: {"note": "nothing more"}),
    Case("inspection page", "get", lambda w: reverse("procurement:inspection", args=[_c1(w).pk]),
         by_scope(PEOPLE, INSPECTS_C1, SEES_C1, ok=200)),
    Case("inspection", "post",
         lambda w: reverse("procurement:inspect_delivery", args=[_c1(w).pk, _first_delivery(w).pk]),
         by_scope(PEOPLE, INSPECTS_C1, SEES_C1), data=_inspection),
    Case("scoreboard", "get", lambda w: reverse("procurement:scoreboard", args=[w.procurement_association.pk]),
         {**everyone(403, PEOPLE), **dict.fromkeys(SEES_SCOREBOARD, 200)}),
    Case("labels page", "get", lambda w: reverse("procurement:labels", args=[_c1(w).pk]),
         by_scope(PEOPLE, SEES_C1, SEES_C1, ok=200)),
    # S1's labels: whoever may see its allocation (s2-user sees the contract, not S1's allocation)
    Case("allocation labels", "get",
         lambda w: reverse("procurement:allocation_labels", args=[_c1(w).pk, _s1_allocation(w).pk]),
         by_scope(PEOPLE, [p for p in SEES_C1 if p != "s2-user"], [], ok=200)),
    Case("contract labels", "get", lambda w: reverse("procurement:contract_labels", args=[_c1(w).pk]),
         by_scope(PEOPLE, RUNS_C1, SEES_C1, ok=200)),
    Case("lot code scan", "get",
         lambda w: reverse("procurement:inspection_scan", args=[_c1(w).pk]) + f"?code={_s1_allocation(w).lot_code}",
         by_scope(PEOPLE, INSPECTS_C1, SEES_C1, ok=200)),
    Case("award form", "get", lambda w: reverse("procurement:award"), by_scope(PEOPLE, EDITORS, PEOPLE, ok=200)),
    Case("award", "post", lambda w: reverse("procurement:award"), by_scope(PEOPLE, EDITORS, PEOPLE, ok=200),
         data=lambda w: {"awardee": "nobody"}),  # refused on the form (200) by editors, 403 for the others
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_page_permissions(world, desks, two_contracts, client_for, case):
    world.procurement = two_contracts
    world.procurement_association = desks.association
    assert_page_permissions(world, client_for, case)
