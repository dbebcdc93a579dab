"""What the suppliers API's writes do and refuse (who may call them is in test_api_matrix.py): a
programme set up, consented and supplied through the API, a diagnostic's cost shared to the cent, a
session with its attendance, an order, a plan action moved along, and sales to other customers."""

import pytest
from django.test import Client

from triplec.accounts.models import ApiToken

pytestmark = pytest.mark.django_db
API = "/api/v1/suppliers"


def client(user) -> Client:
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(c, path, body):
    return c.post(API + path, data=body, content_type="application/json")


def test_a_programme_set_up_and_run_through_the_api(shoes):
    admin, staff = client(shoes.admin), client(shoes.staff)
    me = client(shoes.world.users["enterprise-user"])
    body = {"name": "Grande - couro", "buyer_id": shoes.world.assoc_a.pk, "currency": "BRL",
            "started_on": "2026-02-01", "agency_share": "0.4", "supplier_share": "0.25"}
    response = post(admin, "/programmes", body)
    assert response.status_code == 422 and "is not one" in response.json()["errors"]["buyer"][0]
    response = post(admin, "/programmes", {**body, "buyer_id": shoes.buyer.pk})
    assert response.status_code == 201
    programme = response.json()
    assert (programme["consent_on"], programme["costs"]["spent"]) == (None, "0.00")
    pid = programme["id"]
    refused = post(admin, f"/programmes/{pid}/suppliers", {"enterprise": shoes.world.ent_a2.national_id})
    assert refused.status_code == 422 and "consent" in refused.json()["errors"]["__all__"][0]
    consent = post(admin, f"/programmes/{pid}/consent", {"given_by": "Ana", "given_on": "2026-02-03",
                                                         "reference": "Termo 2026/02"})
    assert (consent.status_code, consent.json()["consent_reference"]) == (200, "Termo 2026/02")
    both = post(admin, f"/programmes/{pid}/suppliers", {"enterprise_id": shoes.world.ent_a2.pk, "person_name": "X"})
    assert both.status_code == 422
    beta = post(admin, f"/programmes/{pid}/suppliers", {"enterprise": "Marcenaria", "enrolled_on": "2026-02-05"})
    assert beta.status_code == 201 and (beta.json()["name"], beta.json()["enrolled_on"]) == (
        "Marcenaria Beta", "2026-02-05")
    joana = post(admin, f"/programmes/{pid}/suppliers", {"person_name": "Joana", "product": "Insoles",
                                                         "enrolled_on": "2026-02-05"})
    assert joana.status_code == 201 and joana.json()["homeworker"] is True
    sid = beta.json()["id"]

    areas = ("quality", "delivery", "cost", "technology", "management")
    diagnostic = {"carried_out_on": "2026-02-10", "consultant": "Q", "cost": "333.33",
                  "scores": {code: {"score": 2, "needs": "more"} for code in areas}}
    bad = post(admin, f"/suppliers/{sid}/diagnostics", {**diagnostic, "scores": {"quality": {"score": 2}}})
    assert bad.status_code == 422 and "missing" in bad.json()["errors"]["scores"][0]
    made = post(admin, f"/suppliers/{sid}/diagnostics", diagnostic)
    assert made.status_code == 201 and len(made.json()["scores"]) == 5
    # 333.33 x 0.4 = 133.332 -> 133.33 agency; x 0.25 = 83.3325 -> 83.33 supplier; the buyer the rest, 116.67
    costs = admin.get(f"{API}/programmes/{pid}").json()["costs"]
    assert costs == {"spent": "333.33", "agency": "133.33", "buyer": "116.67", "suppliers": "83.33"}

    session = post(admin, f"/programmes/{pid}/sessions", {"title": "5S", "kind": "behavioural",
                                                          "held_on": "2026-03-01", "cost": "50.01"})
    assert session.status_code == 201
    wrong = post(staff, f"/sessions/{session.json()['id']}/attendance", {"supplier_ids": [shoes.supplier.pk]})
    assert wrong.status_code == 422  # a supplier of another programme of the same buyer
    attended = post(staff, f"/sessions/{session.json()['id']}/attendance",
                    {"supplier_ids": [sid, joana.json()["id"]], "staff": ["Rita", "Rita", " "]})
    assert [a["name"] for a in attended.json()["attendance"]] == ["Marcenaria Beta", "Joana", "Rita"]
    # the session's supplier share is the buyer's: 50.01 x 0.4 = 20.004 -> 20.00, the buyer 30.01
    costs = admin.get(f"{API}/programmes/{pid}").json()["costs"]
    assert costs == {"spent": "383.34", "agency": "153.33", "buyer": "146.68", "suppliers": "83.33"}

    order = post(staff, f"/suppliers/{sid}/orders", {"reference": "P1", "ordered_on": "2026-03-01",
                                                     "promised_on": "2026-03-10", "delivered_on": "2026-03-12",
                                                     "quantity": 40, "defective": 2, "unit_price": "12.50"})
    assert order.status_code == 201 and (order.json()["on_time"], order.json()["lead_days"]) == (False, 11)
    again = post(staff, f"/suppliers/{sid}/orders", {"reference": "P1", "ordered_on": "2026-03-01",
                                                     "promised_on": "2026-03-10", "quantity": 1, "unit_price": "1.00"})
    assert again.status_code == 422 and "reference" in again.json()["errors"]
    action = post(staff, f"/suppliers/{sid}/actions", {"description": "Jigs", "owner": "supplier",
                                                       "due_on": "2026-04-01", "area": "nowhere"})
    assert action.status_code == 422
    action = post(staff, f"/suppliers/{sid}/actions", {"description": "Jigs", "owner": "supplier",
                                                       "due_on": "2026-04-01", "area": "quality"})
    done = post(admin, f"/actions/{action.json()['id']}/status", {"status": "done"})
    assert done.json()["status"] == "done" and done.json()["done_on"] is not None
    sales = post(admin, f"/suppliers/{sid}/other-sales", {"year": 2026, "amount": "1500.00", "customers": 3})
    assert sales.json() == {"year": 2026, "to_buyer": "500.00", "to_others": "1500.00", "customers": 3,
                            "others_share": 0.75}
    detail = admin.get(f"{API}/suppliers/{sid}").json()
    assert (len(detail["orders"]), detail["actions"][0]["area"], detail["diagnosed_on"]) == (1, "quality", "2026-02-10")
    assert detail["after"]["orders"] == 1 and detail["spillover"][0]["to_others"] == "1500.00"
    assert me.get(f"{API}/programmes/{pid}").status_code == 404  # ent_a1 does not supply this programme
