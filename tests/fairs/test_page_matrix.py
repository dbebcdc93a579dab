"""The permission matrix of every fairs page (tests/permissions.py): anonymous, each role, another
association's manager and firm, another member of the same association (a2-user), a large buyer's
staff and a service centre's staff.

On tests/fairs/conftest.py `signed_up`, plus assoc_a's stand at FENAC: the participation under test is
ent_a1's at assoc_a's MICAM stand (association-manager runs the stand, enterprise-user is the firm).
The network rows add `network_expo` (tests/fairs/conftest.py): "other-broker" brokers its `other` network.
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
# The network pages' rows also ask "other-broker", who brokers `network_expo.other` (member ent_none).
WITH_OTHER_BROKER = (*PEOPLE, "other-broker")
SEES_FAIRS_TOO = (*SEES_FAIRS, "other-broker")


PROGRAMME = {"currency": "BRL", "share_micro": "0.5", "share_small": "0.5", "share_medium": "0.2", "share_large": "0",
             "yearly_cap": "8000.00", "group_extra_share": "0.1", "repeat_step": "0.1", "distant_km": "1500"}
FAIR = {"name": "Couromoda", "organiser": "Couromoda Feiras", "place": "São Paulo", "country": "BR",
        "latitude": "-23.55", "longitude": "-46.63", "starts_on": "2027-01-11", "ends_on": "2027-01-14",
        "sectors": "1520", "scope": "national"}


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
         data=lambda w: {"firm": w.ent_a2.national_id, "stand": w.fairs_case["fenac_stand"].pk, "subsidy_requested": "on"}),
    Case("firm suggestions", "get", lambda w: reverse("fairs:firm_options", args=[w.fairs_case["fenac"].pk])
         + "?field=firm&firm=beta", by_scope(PEOPLE, SIGNS_UP_AT_FENAC, SEES_FAIRS, ok=200)),
    Case("participation", "get", _url("participation_detail"), by_scope(PEOPLE, SEES_IT, SEES_IT, ok=200)),
    Case("pay", "post", _url("pay"), by_scope(PEOPLE, EDITORS, SEES_IT, ok=302)),
    Case("record a buyer", "post", _url("add_contact"), by_scope(PEOPLE, FOLLOWS_IT_UP, SEES_IT, ok=302),
         data=lambda w: {"contact-person": "Anna Weber", "contact-country": "DE"}),
    Case("record an order", "post", _url("add_order"), by_scope(PEOPLE, FOLLOWS_IT_UP, SEES_IT, ok=302),
         data=lambda w: {"order-contact": w.fairs_case["contact"].pk, "order-value": "1500.00",
                         "order-currency": "EUR", "order-ordered_on": "2027-10-01"}),
    Case("programmes", "get", lambda w: reverse("fairs:fair_programme_list"), by_scope(PEOPLE, EDITORS, PEOPLE, ok=200)),
    Case("new programme", "get", lambda w: reverse("fairs:fair_programme_new"), by_scope(PEOPLE, EDITORS, PEOPLE, ok=200)),
    Case("create a programme", "post", lambda w: reverse("fairs:fair_programme_new"),
         by_scope(PEOPLE, EDITORS, PEOPLE, ok=302), data=lambda w: {**PROGRAMME, "name": "Feiras 2028"}),
    Case("edit a programme", "post", lambda w: reverse("fairs:fair_programme_edit", args=[w.fairs_case["fenac"].programme_id]),
         by_scope(PEOPLE, EDITORS, PEOPLE, ok=302), data=lambda w: {**PROGRAMME, "name": "Feiras 2027"}),
    Case("new fair", "get", lambda w: reverse("fairs:fair_new"), by_scope(PEOPLE, EDITORS, PEOPLE, ok=200)),
    Case("create a fair", "post", lambda w: reverse("fairs:fair_new"), by_scope(PEOPLE, EDITORS, PEOPLE, ok=302),
         data=lambda w: {**FAIR, "programme": w.fairs_case["fenac"].programme_id}),
    Case("edit a fair", "post", lambda w: reverse("fairs:fair_edit", args=[w.fairs_case["fenac"].pk]),
         by_scope(PEOPLE, EDITORS, SEES_FAIRS, ok=302), data=lambda w: {**FAIR, "name": "FENAC"}),
    Case("add a group stand", "post", lambda w: reverse("fairs:stand_add", args=[w.fairs_case["fenac"].pk]),
         by_scope(PEOPLE, EDITORS, SEES_FAIRS, ok=302),
         data=lambda w: {"association": w.assoc_b.pk, "total_cost": "2000.00", "cost_sharing": "equal"}),
    Case("cancel", "post", _url("cancel"), by_scope(PEOPLE, FOLLOWS_IT_UP, SEES_IT, ok=302),
         data=lambda w: {"reason": "No stock"}),
    Case("reverse a payment", "post", lambda w: reverse("fairs:reverse_payment", args=[w.fairs_case["paid"].pk]),
         by_scope(PEOPLE, EDITORS, (*AGENCY, "enterprise-user"), ok=302),
         data=lambda w: {"reason": "Wrong cost", "transaction": w.fairs_case["paid"].transaction_id}),
    Case("export participations", "get", lambda w: reverse("fairs:export_participations", args=["csv"]),
         by_scope(PEOPLE, (*EDITORS, "evaluator"), PEOPLE, ok=200)),
    Case("network stand form", "get", lambda w: reverse("fairs:network_stand_add", args=[w.fairs_case["fenac"].pk]),
         by_scope(WITH_OTHER_BROKER, (*EDITORS, "broker", "other-broker"), SEES_FAIRS_TOO, ok=200)),
    Case("sign a network up", "post", lambda w: reverse("fairs:network_stand_add", args=[w.fairs_case["fenac"].pk]),
         by_scope(WITH_OTHER_BROKER, (*EDITORS, "other-broker"), SEES_FAIRS_TOO, ok=302),
         data=lambda w: {"network": w.fairs_case["other_network"].pk, "total_cost": "5000.00",
                         "subsidy_requested": "on"}),
    Case("follow-up done", "post", _url("follow_up_done", lambda w: [_it(w).follow_ups.get(months=3).pk]),
         by_scope(PEOPLE, FOLLOWS_IT_UP, SEES_IT, ok=302), data=lambda w: {"note": "Called"}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_page_permissions(world, expo, signed_up, network_expo, client_for, case):
    from triplec.fairs.services import links, money, programmes

    participation = signed_up[1][0]
    world.fairs_case = {
        "participation": participation, "fenac": expo.national,
        "fenac_stand": programmes.add_group_stand(expo.admin, expo.national, association=world.assoc_a,
                                                  total_cost="3000.00"),
        "contact": links.record_contact(expo.admin, participation, country="IT", buyer=expo.agent),
        "paid": money.pay_costs(expo.admin, signed_up[0]),  # ent_a1 alone at FENAC, not the one under test
        "other_network": network_expo.other,
    }
    assert_page_permissions(world, client_for, case)
