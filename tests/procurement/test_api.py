"""GET /api/v1/procurement/contracts: the register's page shape, scoped like the pages, for anonymous,
a bad token, every role, another association's manager and member, and another purchaser's inspector."""

import pytest
from django.test import Client

from triplec.accounts.models import ApiToken

pytestmark = pytest.mark.django_db
URL = "/api/v1/procurement/contracts"


def call(desks, who, query=""):
    headers = {}
    if who == "bad-token":
        headers = {"Authorization": "Bearer nope"}
    elif who != "anonymous":
        _, raw = ApiToken.issue(desks.world.users[who])
        headers = {"Authorization": f"Bearer {raw}"}
    return Client(headers=headers).get(URL + query)


def test_contract_list_per_caller(desks, two_contracts):
    c1, c2 = two_contracts
    both = [c2.pk, c1.pk] if (c2.awarded_on, c2.pk) > (c1.awarded_on, c1.pk) else [c1.pk, c2.pk]
    expected = {"anonymous": 401, "bad-token": 401, "agency-admin": both, "programme-officer": both, "broker": both,
                "evaluator": both, "inspector": [c1.pk], "other-inspector": [c2.pk], "aruaru-manager": [c1.pk],
                "association-manager": [c2.pk], "other-association-manager": [], "s1-user": [c1.pk],
                "enterprise-user": [c2.pk], "other-enterprise-user": [], "misplaced-inspector": []}
    for who, want in expected.items():
        response = call(desks, who)
        if want == 401:
            assert response.status_code == 401, who
            continue
        body = response.json()
        assert response.status_code == 200, who
        assert (body["count"], body["limit"], body["offset"]) == (len(want), 50, 0), who
        assert [row["id"] for row in body["items"]] == want, who


def test_contract_items_carry_the_association_and_status(desks, two_contracts):
    c1, _c2 = two_contracts
    body = call(desks, "aruaru-manager").json()
    (row,) = body["items"]
    assert row == {"id": c1.pk, "reference": c1.reference, "programme": c1.programme_id,
                   "purchaser": desks.world.buyer.pk, "association": desks.association.pk,
                   "awarded_on": c1.awarded_on.isoformat(), "status": "in-progress", "status_label": "In progress"}
    page = call(desks, "agency-admin", f"?association={desks.association.pk}&status=in-progress&limit=1").json()
    assert (page["count"], page["limit"], [r["id"] for r in page["items"]]) == (1, 1, [c1.pk])
    assert call(desks, "agency-admin", "?status=nonsense").status_code == 422
    assert call(desks, "agency-admin", "?limit=0").status_code == 422
