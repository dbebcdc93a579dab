"""GET /api/v1/fairs/participations and /api/v1/fairs/fairs: the register's page shape, scoped like the
pages, for anonymous, a bad token, every role, another association's manager and firm, another member
of the same association, a large buyer's staff and a service centre's staff."""

from datetime import date

import pytest
from django.test import Client

from triplec.accounts.models import ApiToken
from triplec.fairs.services import links, money

pytestmark = pytest.mark.django_db
URL = "/api/v1/fairs"


def call(world, who, path, query="", language=None):
    headers = {"Accept-Language": language} if language else {}
    if who == "bad-token":
        headers["Authorization"] = "Bearer nope"
    elif who != "anonymous":
        _, raw = ApiToken.issue(world.users[who])
        headers["Authorization"] = f"Bearer {raw}"
    return Client(headers=headers).get(f"{URL}/{path}{query}")


def test_participation_list_per_caller(expo, signed_up):
    alone, (a1, a2, a3), b1 = signed_up
    everyone = [b1.pk, a2.pk, a3.pk, a1.pk, alone.pk]  # MICAM first (latest), then by firm name
    expected = {"anonymous": 401, "bad-token": 401, "agency-admin": everyone, "programme-officer": everyone,
                "broker": everyone, "evaluator": everyone, "association-manager": [a2.pk, a3.pk, a1.pk],
                "other-association-manager": [], "enterprise-user": [a1.pk, alone.pk], "a2-user": [a2.pk],
                "other-enterprise-user": [b1.pk], "buyer-staff": [], "centre-staff": []}
    for who, want in expected.items():
        response = call(expo.world, who, "participations")
        if want == 401:
            assert response.status_code == 401, who
            continue
        body = response.json()
        assert response.status_code == 200, who
        assert (body["count"], body["limit"], body["offset"]) == (len(want), 50, 0), who
        assert [row["id"] for row in body["items"]] == want, who


def test_fair_list_per_caller(expo, signed_up):
    both = [expo.international.pk, expo.national.pk]
    for who in ("agency-admin", "evaluator", "association-manager", "enterprise-user", "other-enterprise-user"):
        assert [f["id"] for f in call(expo.world, who, "fairs").json()["items"]] == both, who
    for who in ("buyer-staff", "centre-staff"):
        assert call(expo.world, who, "fairs").json()["count"] == 0, who
    assert call(expo.world, "anonymous", "fairs").status_code == 401
    page = call(expo.world, "agency-admin", "fairs", "?year=2027&limit=1&offset=1").json()
    assert (page["count"], page["limit"], page["offset"], [f["name"] for f in page["items"]]) == (2, 1, 1, ["FENAC"])
    assert call(expo.world, "agency-admin", "fairs", "?limit=0").status_code == 422


def test_participation_items_carry_money_from_the_ledger_and_the_explanation(expo, signed_up):
    _alone, (a1, _a2, _a3), _b1 = signed_up
    money.pay_stand(expo.admin, expo.stand, on=date(2027, 9, 1))
    contact = links.record_contact(expo.manager, a1, country="IT", buyer=expo.agent)
    links.record_order(expo.manager, contact, value="4000.00", currency="EUR", ordered_on=date(2027, 9, 21))
    rows = call(expo.world, "enterprise-user", "participations", f"?fair={expo.international.pk}").json()["items"]
    (row,) = rows
    assert {k: row[k] for k in ("stand", "association", "currency", "cost", "paid", "subsidy", "paid_by_firm",
                                "orders", "self_paid_repeat")} == {
        "stand": expo.stand.pk, "association": expo.world.assoc_a.pk, "currency": "BRL", "cost": "3333.34",
        "paid": True, "subsidy": "2000.00", "paid_by_firm": "1333.34", "orders": 1, "self_paid_repeat": False}
    assert row["explanation"][-1] == "The programme pays R$2,000.00; the firm pays R$1,333.34."
    portuguese = call(expo.world, "enterprise-user", "participations", "?paid=true", language="pt-br")
    assert "R$\xa02.000,00" in portuguese.json()["items"][0]["explanation"][-1]
    unpaid = call(expo.world, "agency-admin", "participations", "?paid=false").json()
    assert unpaid["count"] == 2 and all(r["subsidy"] is None for r in unpaid["items"])
    mine = call(expo.world, "agency-admin", "participations", f"?enterprise={expo.world.ent_a1.pk}").json()
    assert mine["count"] == 2
