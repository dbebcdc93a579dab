"""What the fairs API's writes do (the rules are the services', tested there): a fair created and
changed, a firm signed up at a stand, costs paid then a wrong payment reversed and paid again (posts
sent twice answer 200 and pay once), a buyer, an order and a follow-up recorded, a cancellation."""

from decimal import Decimal as D

import pytest
from django.test import Client

from triplec.accounts.models import ApiToken
from triplec.fairs.models import Participation, PaymentReversal

pytestmark = pytest.mark.django_db
API = "/api/v1/fairs"


def client(user) -> Client:
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(c, path, body, method="post"):
    return getattr(c, method)(API + path, data=body, content_type="application/json")


def test_fair_created_and_changed_then_a_firm_signs_up_and_follows_up(expo):
    admin, firm = client(expo.admin), client(expo.world.users["a2-user"])
    made = post(admin, "/fairs", {"programme_id": expo.programme.pk, "name": "Couromoda", "organiser": "C",
                                  "place": "São Paulo", "country": "br", "starts_on": "2027-01-11",
                                  "ends_on": "2027-01-14", "latitude": -23.55, "longitude": -46.63})
    assert made.status_code == 201 and made.json()["country"] == "BR"
    fair = made.json()["id"]
    bad = post(admin, f"/fairs/{fair}", {"ends_on": "2027-01-01"}, "patch")
    assert bad.status_code == 422 and "ends_on" in bad.json()["errors"]
    changed = post(admin, f"/fairs/{fair}", {"ends_on": "2027-01-15", "scope": "international"}, "patch").json()
    assert (changed["ends_on"], changed["scope"], changed["name"]) == ("2027-01-15", "international", "Couromoda")
    assert post(admin, "/programmes", {}).status_code == 404  # no such endpoint
    signed = post(firm, "/participations", {"fair_id": expo.international.pk, "enterprise_id": expo.world.ent_a2.pk,
                                            "stand_id": expo.stand.pk})
    assert signed.status_code == 201
    body = signed.json()
    assert (body["cost"], body["paid"], [f["months"] for f in body["follow_ups"]]) == ("10000.00", False, [3, 6, 12])
    p = body["id"]
    contact = post(firm, f"/participations/{p}/contacts", {"buyer_id": expo.agent.pk, "is_agent": True}).json()
    assert (contact["name"], contact["country"]) == ("Milano Export Agents", "IT")
    order = post(firm, f"/participations/{p}/orders", {"contact_id": contact["id"], "value": "4200.00",
                                                       "currency": "EUR", "ordered_on": "2027-09-21"})
    assert order.status_code == 201 and order.json()["value"] == "4200.00"
    early = post(firm, f"/participations/{p}/orders", {"contact_id": contact["id"], "value": "1.00",
                                                       "currency": "EUR", "ordered_on": "2027-01-01"})
    assert early.status_code == 422 and "ordered_on" in early.json()["errors"]
    done = post(firm, f"/participations/{p}/follow-ups/{body['follow_ups'][0]['id']}/done", {"note": "Samples"})
    assert done.json()["note"] == "Samples" and done.json()["done_on"]
    assert post(firm, f"/participations/{p}/follow-ups/{body['follow_ups'][0]['id']}/done", {}).status_code == 422
    detail = firm.get(f"{API}/participations/{p}").json()
    assert (len(detail["contacts"]), len(detail["order_list"]), detail["orders"]) == (1, 1, 1)
    cancelled = post(firm, f"/participations/{p}/cancellation", {"reason": "No stock"}).json()
    assert cancelled["cancelled_on"] and cancelled["cost"] == "0.00"


def test_payment_reversed_and_paid_again_each_once(expo, signed_up):
    alone = signed_up[0]
    admin = client(expo.admin)
    url = f"/participations/{alone.pk}/payment"
    first = post(admin, url, {"round_no": 0})
    assert first.status_code == 201 and first.json()["subsidy"] == "5000.00"
    assert post(admin, url, {"round_no": 0}).status_code == 200
    paid = first.json()["payments"][0]["transaction"]
    reversal = {"reason": "Paid at the wrong cost", "transaction_id": paid}
    assert post(admin, f"{url}/reversal", reversal).status_code == 201
    assert post(admin, f"{url}/reversal", reversal).status_code == 200
    assert PaymentReversal.objects.count() == 1
    stale = post(admin, url, {"round_no": 0})
    assert stale.status_code == 200 and stale.json()["paid"] is False and stale.json()["payment_round"] == 1
    again = post(admin, url, {"round_no": 1}).json()
    assert [(line["subsidy"], line["reversal_of"]) for line in again["payments"]] == [
        ("5000.00", None), ("-5000.00", paid), ("5000.00", None)]
    assert Participation.objects.get(pk=alone.pk).subsidy == D("5000.00")
    assert post(admin, f"{url}/reversal", {"reason": "", "transaction_id": paid}).status_code == 422
