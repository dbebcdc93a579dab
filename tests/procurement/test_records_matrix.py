"""The permission matrix of the association's record pages (repairs, defaults, warranty) and of its
outcomes pages (tests/permissions.py): anonymous, each role, another association's manager and member,
another purchaser's inspector. The people are those of test_page_matrix.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.permissions import Case, assert_page_permissions, by_scope, everyone

from .conftest import DAY
from .test_page_matrix import PEOPLE, RUNS_C1, SEES_C1, SEES_SCOREBOARD

pytestmark = pytest.mark.django_db

CLAIMS_C1 = (*RUNS_C1, "inspector")
MANAGES_ASSOCIATION = ("agency-admin", "programme-officer", "aruaru-manager")


def _c1(w):
    return w.procurement[0]


def _rejected(w):
    return _c1(w).lines.get().deliveries.filter(rejected__gt=0).get()


def _s2_allocation(w):
    return _c1(w).lines.get().allocations.get(member__legal_name="Serraria S02")


def _association(w):
    return w.procurement_association


def _upload(w):
    return lambda: {"file": SimpleUploadedFile("outcomes.csv", b"year,members,workers\n2026,12,80\n", "text/csv")}


def _rework_post(w):
    p = f"r{_rejected(w).pk}-"
    return {p + "member": w.procurement_association_members[2].pk, p + "quantity": 1, p + "kind": "repair"}


def _viewers(ok=200):
    return {**everyone(403, PEOPLE), **dict.fromkeys(SEES_SCOREBOARD, ok)}


def _managers():
    return {**everyone(403, PEOPLE), **dict.fromkeys(MANAGES_ASSOCIATION, (200, 302))}


CASES = [
    Case("rework page", "get", lambda w: reverse("procurement:rework", args=[_c1(w).pk]),
         by_scope(PEOPLE, RUNS_C1, SEES_C1, ok=200)),
    Case("rework assignment", "post",
         lambda w: reverse("procurement:assign_rework", args=[_c1(w).pk, _rejected(w).pk]),
         by_scope(PEOPLE, RUNS_C1, SEES_C1), data=_rework_post),
    Case("defaults page", "get", lambda w: reverse("procurement:defaults", args=[_c1(w).pk]),
         by_scope(PEOPLE, RUNS_C1, SEES_C1, ok=200)),
    Case("default form", "get",
         lambda w: reverse("procurement:record_default", args=[_c1(w).pk, _s2_allocation(w).pk]),
         by_scope(PEOPLE, RUNS_C1, SEES_C1, ok=200)),
    Case("default", "post",
         lambda w: reverse("procurement:record_default", args=[_c1(w).pk, _s2_allocation(w).pk]),
         by_scope(PEOPLE, RUNS_C1, SEES_C1), data=lambda w: {"reason": "withdrew", "remedy": "repay"}),
    Case("warranty page", "get", lambda w: reverse("procurement:warranty", args=[_c1(w).pk]),
         by_scope(PEOPLE, CLAIMS_C1, SEES_C1, ok=200)),
    Case("warranty claim", "post", lambda w: reverse("procurement:warranty", args=[_c1(w).pk]),
         by_scope(PEOPLE, CLAIMS_C1, SEES_C1), data=lambda w: {"units": 1, "description": "Crack"}),
    Case("outcomes page", "get", lambda w: reverse("procurement:outcomes", args=[_association(w).pk]), _viewers()),
    Case("outcomes entry", "post", lambda w: reverse("procurement:outcomes", args=[_association(w).pk]),
         _managers(), data=lambda w: {"year": 2026, "members": 12, "workers": 80, "equipment_bought": "0",
                                      "share_sold_elsewhere": "0.5"}),
    Case("outcomes import", "post", lambda w: reverse("procurement:outcomes_import", args=[_association(w).pk]),
         _managers(), data=_upload),
    Case("outcomes export csv", "get",
         lambda w: reverse("procurement:outcomes_export", args=[_association(w).pk, "csv"]), _viewers()),
    Case("outcomes export xlsx", "get",
         lambda w: reverse("procurement:outcomes_export", args=[_association(w).pk, "xlsx"]), _viewers()),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_page_permissions(world, desks, two_contracts, client_for, case):
    from triplec.procurement.services import deliveries

    first = two_contracts[0].lines.get().deliveries.order_by("id").first()
    deliveries.inspect(desks.inspector, first, accepted=3, rejected=2, reasons="Cracked tops", on=DAY)
    world.procurement = two_contracts
    world.procurement_association = desks.association
    world.procurement_association_members = desks.members
    assert_page_permissions(world, client_for, case)
