"""GET /api/v1/suppliers/programmes and /programmes/{id}/suppliers: the register's page shape, scoped as
the pages are, for anonymous, a bad token, every role, another programme's buyer, a service centre's
staff, and another firm."""

from datetime import date

import pytest
from django.test import Client
from tests.suppliers.conftest import add_user

from triplec.accounts.models import ApiToken
from triplec.suppliers.services import orders

pytestmark = pytest.mark.django_db
URL = "/api/v1/suppliers/programmes"
AGENCY = ("agency-admin", "programme-officer", "broker", "evaluator")


def call(shoes, who, url=URL):
    headers = {}
    if who == "bad-token":
        headers = {"Authorization": "Bearer nope"}
    elif who != "anonymous":
        _, raw = ApiToken.issue(shoes.world.users[who])
        headers = {"Authorization": f"Bearer {raw}"}
    return Client(headers=headers).get(url)


@pytest.fixture
def callers(shoes):
    add_user(shoes.world, "not-a-supplier", "enterprise-user", enterprise=shoes.world.ent_a2)
    return shoes


def check(shoes, url, expected):
    failures = []
    for who, want in expected.items():
        response = call(shoes, who, url)
        if isinstance(want, int):
            if response.status_code != want:
                failures.append(f"{who}: {response.status_code} != {want}")
            continue
        body = response.json()
        got = (response.status_code, body.get("count"), [row["id"] for row in body.get("items", [])])
        if got != (200, len(want), want):
            failures.append(f"{who}: {got} != {want}")
    assert not failures, failures


def test_programme_list_per_caller(callers):
    s = callers
    both = [s.programme.pk, s.other_programme.pk]  # by name: Calçados..., Móveis...
    expected = {"anonymous": 401, "bad-token": 401, **dict.fromkeys(AGENCY, both),
                "buyer-staff": [s.programme.pk], "other-buyer-staff": [s.other_programme.pk],
                "enterprise-user": [s.programme.pk], "other-enterprise-user": [s.other_programme.pk],
                "association-manager": [], "other-association-manager": [], "centre-staff": [], "not-a-supplier": []}
    check(s, URL, expected)


def test_supplier_list_per_caller(callers):
    s = callers
    url = f"{URL}/{s.programme.pk}/suppliers"
    both = [s.supplier.pk, s.homeworker.pk]
    expected = {"anonymous": 401, "bad-token": 401, **dict.fromkeys(AGENCY, both), "buyer-staff": both,
                "enterprise-user": [s.supplier.pk], "other-buyer-staff": 404, "other-enterprise-user": 404,
                "association-manager": 404, "other-association-manager": 404, "centre-staff": 404,
                "not-a-supplier": 404}
    check(s, url, expected)
    assert call(s, "agency-admin", f"{URL}/999999/suppliers").status_code == 404


def test_items_carry_the_rule_the_consent_and_kpis(callers):
    s = callers
    body = call(s, "buyer-staff").json()
    (row,) = body["items"]
    assert row == {"id": s.programme.pk, "name": "Calçados Grande - fornecedores", "buyer": s.buyer.pk,
                   "buyer_name": "Calçados Grande SA", "currency": "BRL", "started_on": "2026-01-05",
                   "consent_on": "2026-01-10", "agency_share": "0.5000", "supplier_share": "0.0000", "suppliers": 2}
    assert call(s, "enterprise-user").json()["items"][0]["suppliers"] == 1
    orders.record_order(s.staff, s.homeworker, reference="H1", ordered_on=date(2026, 2, 1),
                        promised_on=date(2026, 2, 10), delivered_on=date(2026, 2, 9), quantity=10, defective=1,
                        unit_price="4.50")
    page = call(s, "agency-admin", f"{URL}/{s.programme.pk}/suppliers?limit=1&offset=1").json()
    assert (page["count"], page["limit"], page["offset"]) == (2, 1, 1)
    (maria,) = page["items"]
    assert (maria["name"], maria["homeworker"], maria["enterprise"], maria["diagnosed_on"]) == (
        "Maria das Dores", True, None, None)
    assert maria["before"] == {"orders": 1, "delivered": 1, "on_time_share": 1.0, "defect_rate": 0.1,
                               "mean_lead_days": 8.0, "mean_price": "4.5000"}
    assert maria["after"]["orders"] == 0
    assert call(s, "agency-admin", URL + "?limit=0").status_code == 422
    assert call(s, "agency-admin", URL + "?limit=1&offset=1").json()["items"][0]["id"] == s.other_programme.pk
