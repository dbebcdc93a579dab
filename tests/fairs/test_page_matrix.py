"""The permission matrix of every fairs page (tests/permissions.py): anonymous, each role, another
association's manager and firm, another member of the same association (a2-user), a large buyer's
staff and a service centre's staff.

On tests/fairs/conftest.py `signed_up`, plus assoc_a's stand at FENAC: the participation under test is
ent_a1's at assoc_a's MICAM stand (association-manager runs the stand, enterprise-user is the firm).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.permissions import AGENCY, EDITORS, USERS, Case, assert_page_permissions, by_scope, everyone

pytestmark = pytest.mark.django_db

PEOPLE = (*USERS, "a2-user", "buyer-staff", "centre-staff")
SEES_FAIRS = (*AGENCY, "association-manager", "other-association-manager", "enterprise-user",
              "other-enterprise-user", "a2-user")
SIGNS_UP_AT_FENAC = (*EDITORS, "association-manager", "enterprise-user", "other-enterprise-user", "a2-user")
SEES_IT = (*AGENCY, "association-manager", "enterprise-user")
FOLLOWS_IT_UP = (*EDITORS, "association-manager", "enterprise-user")


def _it(w):
    return w.fairs_case["participation"]


def _url(name, extra=None):
    return lambda w: reverse(f"fairs:{name}", args=[_it(w).pk, *(extra(w) if extra else [])])


CASES = [
    Case("fair list", "get", lambda w: reverse("fairs:fair_list"), everyone(200, PEOPLE)),
    Case("follow-ups due", "get", lambda w: reverse("fairs:follow_ups"), everyone(200, PEOPLE)),
    Case("fair detail", "get", lambda w: reverse("fairs:fair_detail", args=[w.fairs_case["fenac"].pk]),
         by_scope(PEOPLE, SEES_FAIRS, SEES_FAIRS, ok=200)),
    Case("sign up", "post", lambda w: reverse("fairs:fair_detail", args=[w.fairs_case["fenac"].pk]),
         by_scope(PEOPLE, SIGNS_UP_AT_FENAC, SEES_FAIRS, ok=(200, 302)),
         data=lambda w: {"firm": w.ent_a2.pk, "stand": w.fairs_case["fenac_stand"].pk, "subsidy_requested": "on"}),
    Case("participation", "get", _url("participation_detail"), by_scope(PEOPLE, SEES_IT, SEES_IT, ok=200)),
    Case("pay", "post", _url("pay"), by_scope(PEOPLE, EDITORS, SEES_IT, ok=302)),
    Case("record a buyer", "post", _url("add_contact"), by_scope(PEOPLE, FOLLOWS_IT_UP, SEES_IT, ok=302),
         data=lambda w: {"contact-person": "Anna Weber", "contact-country": "DE"}),
    Case("record an order", "post", _url("add_order"), by_scope(PEOPLE, FOLLOWS_IT_UP, SEES_IT, ok=302),
         data=lambda w: {"order-contact": w.fairs_case["contact"].pk, "order-value": "1500.00",
                         "order-currency": "EUR", "order-ordered_on": "2027-10-01"}),
    Case("follow-up done", "post", _url("follow_up_done", lambda w: [_it(w).follow_ups.get(months=3).pk]),
         by_scope(PEOPLE, FOLLOWS_IT_UP, SEES_IT, ok=302), data=lambda w: {"note": "Called"}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_page_permissions(world, expo, signed_up, client_for, case):
    from triplec.fairs.services import links, programmes

    participation = signed_up[1][0]
    world.fairs_case = {
        "participation": participation, "fenac": expo.national,
        "fenac_stand": programmes.add_group_stand(expo.admin, expo.national, association=world.assoc_a,
                                                  total_cost="3000.00"),
        "contact": links.record_contact(expo.admin, participation, country="IT", buyer=expo.agent),
    }
    assert_page_permissions(world, client_for, case)
