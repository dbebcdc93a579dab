"""What the /api/v1/networks endpoints do (the permission matrix is in test_permissions.py)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from triplec.accounts.models import ApiToken
from triplec.networks import services
from triplec.networks.independence import JUDGED
from triplec.networks.models import GateRequirement

from .test_lifecycle import craft_kind

API = "/api/v1/networks"


@pytest.fixture
def api(nets):
    def client(name) -> Client:
        _, raw = ApiToken.issue(nets.users[name], name="tests")
        return Client(headers={"Authorization": f"Bearer {raw}"})
    return client


def post(client, url, body):
    return client.post(url, data=body, content_type="application/json")


def test_openapi_documents_the_networks_endpoints(api):
    schema = api("evaluator").get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/networks", "/api/v1/networks/{network_id}/transitions",
            "/api/v1/networks/{network_id}/contributions", "/api/v1/networks/portfolio/independence"} <= paths


def test_list_filters_and_pages(nets, api):
    client = api("evaluator")
    body = client.get(API).json()
    assert body["count"] == 2 and [n["name"] for n in body["items"]] == [
        "Aruaru school furniture network", "Sinos footwear PROFO"]
    profo = body["items"][1]
    assert (profo["kind"], profo["stage"], profo["member_count"], profo["funding_schedule"]) == (
        "profo", "preparation", 1, "profo")
    assert profo["size_warning"] == "1 member firms: this kind of network usually has 10-30 firms."
    assert [n["name"] for n in client.get(API, {"kind": "brokered"}).json()["items"]] == [
        "Aruaru school furniture network"]
    assert client.get(API, {"stage": "preparation", "broker": nets.users["other-broker"].pk}).json()["count"] == 1
    assert client.get(API, {"member": nets.world.ent_a2.pk}).json()["count"] == 1
    assert client.get(API, {"overdue": True}).json()["count"] == 0
    page = client.get(API, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and [n["name"] for n in page["items"]] == ["Sinos footwear PROFO"]
    assert client.get(API, {"limit": 0}).status_code == 422
    assert api("enterprise-user").get(API).json()["count"] == 1


def test_read_shows_the_next_gate_and_what_the_caller_may_do(nets, api):
    body = api("enterprise-user").get(f"{API}/{nets.net.pk}").json()
    assert body["next_gate"]["gate"] == "Identify a viable network idea"
    assert [(i["code"], i["met"]) for i in body["next_gate"]["items"]] == [("target-market", True),
                                                                           ("network-idea", False)]
    assert body["permissions"]["change_stage"] is False and body["permissions"]["manage"] is False
    assert body["target_buyers"] == [{"id": nets.world.buyer.pk, "name": "State Purchasing"}]
    assert body["lead_firm"]["name"] == "Serraria Alfa Ltda"
    broker_view = api("broker").get(f"{API}/{nets.net.pk}").json()["permissions"]
    assert broker_view["pass_next_gate"] and broker_view["manage"] and not broker_view["manage_contracts"]


def test_create_and_update_through_the_api(nets, api):
    broker = api("broker")
    response = post(broker, API, {"kind": "profo", "name": "Furniture PROFO", "currency": "brl",
                                  "target_buyer_ids": [nets.world.buyer.pk], "market_product": "Desks",
                                  "sectors": [{"classification": "isic4", "code": "3100"}]})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["broker"]["name"], created["stage"], created["currency"]) == ("broker", "preparation", "BRL")
    bad = post(broker, API, {"kind": "profo", "name": "X", "currency": "BRL", "target_buyer_ids": [999999],
                             "territory_id": 999999})
    assert bad.status_code == 422 and "target_buyer_ids" in bad.json()["errors"]
    assert post(broker, API, {"kind": "profo", "name": "X", "currency": "BRL", "colour": "red"}).status_code == 422
    patch = broker.patch(f"{API}/{created['id']}", data={"short_term_goals": "Quote", "stage": "graduated"},
                         content_type="application/json")
    assert patch.status_code == 422  # the stage is not a field of the update
    patch = broker.patch(f"{API}/{created['id']}", data={"short_term_goals": "Quote", "territory_id": 999999},
                         content_type="application/json")
    assert patch.status_code == 422 and "territory_id" in patch.json()["errors"]
    patch = broker.patch(f"{API}/{created['id']}", data={"short_term_goals": "Quote a first order"},
                         content_type="application/json")
    assert patch.status_code == 200 and patch.json()["short_term_goals"] == "Quote a first order"


def test_transitions_through_the_api(nets, api):
    broker, url = api("broker"), f"{API}/{nets.net.pk}/transitions"
    blocked = post(broker, url, {"to_stage": "viable-idea"})
    assert blocked.status_code == 422
    assert list(blocked.json()["errors"]) == ["requirements.network-idea"]
    skipped = post(broker, url, {"to_stage": "implementation"})
    assert skipped.status_code == 422 and "one at a time" in skipped.json()["errors"]["to_stage"][0]
    assert post(api("enterprise-user"), url, {"to_stage": "closed", "reason": "x"}).status_code == 403
    passed = post(broker, url, {"to_stage": "viable-idea", "reason": "Buyer interested",
                                "evidence": [{"requirement": "network-idea", "reference": "archive://idea"}]})
    assert passed.status_code == 201, passed.json()
    row = passed.json()
    assert (row["kind"], row["from_stage"], row["to_stage"], row["actor"]) == (
        "forward", "interest", "viable-idea", "broker")
    assert [e["reference"] for e in row["evidence"]] == ["archive://idea"]
    back = post(broker, url, {"to_stage": "interest", "reason": "The buyer postponed"})
    assert back.status_code == 201 and back.json()["kind"] == "back"
    history = api("enterprise-user").get(url).json()
    assert [(t["kind"], t["to_stage"]) for t in history] == [("start", "interest"), ("forward", "viable-idea"),
                                                             ("back", "interest")]
    checklist = api("evaluator").get(f"{API}/{nets.net.pk}/checklist").json()
    assert checklist["passable"] is True  # the idea document still stands


def test_evidence_upload_and_withdrawal(nets, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    broker = api("broker")
    idea = GateRequirement.objects.get(gate__kind=nets.net.kind, code="network-idea")
    response = broker.post(f"{API}/{nets.net.pk}/evidence/upload", data={
        "requirement_id": idea.pk, "text": "The idea", "evidence_date": "2024-02-01",
        "document": SimpleUploadedFile("idea.pdf", b"%PDF-1.4", content_type="application/pdf")})
    assert response.status_code == 201, response.json()
    evidence = response.json()
    assert evidence["document_url"].endswith("idea.pdf") and evidence["requirement_code"] == "network-idea"
    goals = GateRequirement.objects.get(gate__kind=nets.net.kind, code="goals")
    refused = post(broker, f"{API}/{nets.net.pk}/evidence", {"requirement_id": goals.pk, "text": "goals"})
    assert refused.status_code == 422 and "checked from the records" in refused.json()["errors"]["requirement"][0]
    withdrawn = post(broker, f"{API}/{nets.net.pk}/evidence/{evidence['id']}/withdraw", {"reason": "Old draft"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_reason"] == "Old draft"
    assert api("evaluator").get(f"{API}/{nets.net.pk}/checklist").json()["passable"] is False


def test_members_and_activities_through_the_api(nets, api):
    broker, w = api("broker"), nets.world
    added = post(broker, f"{API}/{nets.net.pk}/members", {"enterprise_id": w.ent_none.pk, "joined_on": "2024-02-01"})
    assert added.status_code == 201 and added.json()["active"] is True
    left = post(broker, f"{API}/{nets.net.pk}/members/{added.json()['id']}/leave", {"left_on": "2024-08-31"})
    assert left.status_code == 200 and left.json()["left_on"] == "2024-08-31" and left.json()["active"] is False
    members = api("enterprise-user").get(f"{API}/{nets.net.pk}/members").json()
    assert len(members) == 7 and [m["is_lead"] for m in members if m["enterprise_id"] == w.ent_a1.pk] == [True]
    activity = post(broker, f"{API}/{nets.net.pk}/activities", {
        "kind": "support-contact", "occurred_on": "2024-03-01", "title": "Drying course",
        "support_body_id": nets.centre.pk, "service_taken_up": "Kiln drying", "broker_hours": "2.5",
        "attendance": [{"enterprise_id": w.ent_a1.pk, "participants": 3}]})
    assert activity.status_code == 201, activity.json()
    body = activity.json()
    assert body["support_body"]["name"] == "Wood Technology Centre" and body["broker_hours"] == "2.50"
    assert body["attendance"] == [{"enterprise_id": w.ent_a1.pk, "enterprise_name": "Serraria Alfa Ltda",
                                   "participants": 3}]
    bad = post(broker, f"{API}/{nets.net.pk}/activities", {"kind": "meeting", "occurred_on": "2024-03-01",
                                                           "title": "M", "attendance": [{"enterprise_id": w.ent_b1.pk}]})
    assert bad.status_code == 422 and "attendance[0].enterprise" in bad.json()["errors"]
    assert api("evaluator").get(f"{API}/{nets.net.pk}/activities").json()["count"] == 1


def test_money_through_the_api(nets, api):
    admin, broker, w = api("agency-admin"), api("broker"), nets.world
    url = f"{API}/{nets.net.pk}"
    contract = post(admin, f"{url}/contracts", {"manager_name": "Ana", "monthly_fee": "1000.00",
                                                "start_date": "2024-01-01", "end_date": "2024-03-31"})
    assert contract.status_code == 201 and contract.json()["currency"] == "BRL"
    accrued = post(admin, f"{url}/contracts/accrue", {"through": "2024-12-31"})
    assert [c["incurred_on"] for c in accrued.json()] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    payment = {"enterprise_id": w.ent_a1.pk, "amount": "150.00", "paid_on": "2024-02-10", "idempotency_key": "r-7"}
    first = post(broker, f"{url}/contributions", payment)
    again = post(broker, f"{url}/contributions", payment)
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    clash = post(broker, f"{url}/contributions", {**payment, "amount": "151.00"})
    assert clash.status_code == 422 and "idempotency_key" in clash.json()["errors"]
    assert post(broker, f"{url}/contributions", {**payment, "amount": 1.005, "idempotency_key": "f"}).status_code == 422
    post(broker, f"{url}/contributions", {**payment, "enterprise_id": w.ent_a2.pk, "idempotency_key": "r-8"})
    reversal = post(broker, f"{url}/contributions/{first.json()['id']}/reverse", {"reason": "Cheque bounced"})
    assert reversal.status_code == 201 and reversal.json()["amount"] == "-150.00"
    assert api("enterprise-user").get(f"{url}/contributions").json()["count"] == 2  # its payment and its reversal
    assert api("evaluator").get(f"{url}/contributions").json()["count"] == 3
    shares = api("enterprise-user").get(f"{url}/shares").json()
    assert shares["funding_schedule"] == "fully-subsidised"
    year1 = shares["by_year"][0]
    assert (year1["year"], year1["expenses"], year1["agency_due"], year1["contributions"], year1["member_share"]) == (
        1, "3000.00", "3000.00", "150.00", "0.0500")
    cost = post(broker, f"{url}/costs", {"category": "events", "amount": "10.00", "incurred_on": "2024-05-01",
                                         "idempotency_key": "stand"})
    assert cost.status_code == 201
    assert post(broker, f"{url}/costs/{cost.json()['id']}/reverse", {"reason": "Cancelled"}).status_code == 201
    assert api("evaluator").get(f"{url}/costs").json()["count"] == 5


def test_evaluations_due_and_progress_through_the_api(nets, api):
    officer, other, w = api("programme-officer"), nets.other, nets.world
    services.update_network(nets.users["agency-admin"], other, {
        "basis_for_collaboration": "b", "short_term_goals": "s", "medium_term_goals": "m",
        "target_buyers": [w.buyer]})
    moved = post(officer, f"{API}/{other.pk}/transitions", {
        "to_stage": "consolidation", "effective_on": "2024-02-01",
        "evidence": [{"requirement": "diagnosis", "reference": "r"},
                     {"requirement": "admission-decision", "text": "Admitted", "date": "2024-02-01"}]})
    assert moved.status_code == 201, moved.json()
    due = api("other-broker").get(f"{API}/evaluations/due").json()
    assert [(d["enterprise_id"], d["overdue"], d["is_baseline"]) for d in due] == [(w.ent_b1.pk, True, True)]
    assert api("other-broker").get(API, {"overdue": True}).json()["count"] == 1
    for day, score in (("2024-03-01", 2), ("2024-09-01", 4)):
        response = post(officer, f"{API}/{other.pk}/evaluations", {
            "enterprise_id": w.ent_b1.pk, "evaluated_on": day, "scores": {"product-design": score, "process": 3}})
        assert response.status_code == 201, response.json()
    assert response.json()["scores"] == {"product-design": 4, "process": 3}
    progress = api("other-enterprise-user").get(f"{API}/{other.pk}/evaluations/progress").json()
    product = next(a for a in progress["firms"][0]["areas"] if a["area"] == "product-design")
    assert (product["baseline"], product["latest"], product["change"], product["improved"]) == (2, 4, 2, True)
    areas = {a["area"]: a for a in progress["areas"]}
    assert (areas["product-design"]["improved"], areas["product-design"]["share"]) == (1, 1.0)
    bad = post(officer, f"{API}/{other.pk}/evaluations", {"enterprise_id": w.ent_b1.pk, "evaluated_on": "2024-10-01",
                                                          "scores": {"process": 9}})
    assert bad.status_code == 422 and "scores.process" in bad.json()["errors"]


def test_assessments_through_the_api(nets, api):
    officer, url = api("programme-officer"), f"{API}/{nets.net.pk}/assessments"
    services.record_activity(nets.users["broker"], nets.net, {"kind": "joint-marketing",
                                                              "occurred_on": date(2024, 5, 1), "title": "Catalogue"})
    judgements = {c: {"met": c == "idea-diffused", "evidence": "Two firms in Fortaleza copied the model"}
                  for c in JUDGED}
    created = post(officer, url, {"assessed_on": "2024-06-30", "judgements": judgements})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["label"] == "2 of 12" and body["snapshot"]["met_count"] == 2
    met = {c["code"] for c in body["criteria"] if c["met"]}
    assert met == {"collective-business", "idea-diffused"}
    assert api("association-manager").get(f"{url}/{body['id']}").json()["label"] == "2 of 12"
    preview = api("broker").get(f"{url}/preview", {"on": "2024-06-30"}).json()
    assert [c["number"] for c in preview] == [1, 3, 6, 7, 8, 9, 10]
    missing = post(officer, url, {"assessed_on": "2024-06-30", "judgements": {}})
    assert missing.status_code == 422 and len(missing.json()["errors"]) == 5
    assert post(api("broker"), url, {"assessed_on": "2024-06-30", "judgements": judgements}).status_code == 403


def test_kinds_and_dashboard_through_the_api(nets, api):
    kinds = api("enterprise-user").get(f"{API}/kinds").json()
    brokered = next(k for k in kinds if k["code"] == "brokered")
    assert [s["code"] for s in brokered["stages"]][:2] == ["interest", "viable-idea"]
    idea_gate = brokered["gates"][0]
    assert (idea_gate["from_stage"], idea_gate["to_stage"]) == ("interest", "viable-idea")
    assert "target-market" in [r["check"] for r in idea_gate["requirements"]]
    assert api("evaluator").get(f"{API}/kinds/nope").status_code == 404
    created = post(api("agency-admin"), f"{API}/kinds", craft_kind())
    assert created.status_code == 201, created.json()
    assert created.json()["gates"][0]["requirements"][1]["check"] == "evidence"
    bad = post(api("agency-admin"), f"{API}/kinds", {**craft_kind(code="other-circle"), "gates": []})
    assert bad.status_code == 422 and "gates" in bad.json()["errors"]
    renamed = api("agency-admin").put(f"{API}/kinds/craft-circle", data=craft_kind(name="Lace circle"),
                                      content_type="application/json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Lace circle"
    dashboard = api("broker").get(f"{API}/dashboard").json()
    assert [(d["network_name"], d["next_gate"], d["requirements_met"], d["requirements_total"]) for d in dashboard] == [
        ("Aruaru school furniture network", "Identify a viable network idea", 1, 2)]
