"""What the /api/v1/services write and detail endpoints answer: a catalogue item added and withdrawn,
a membership renewed, a booking and an overlap refused (422), publications with each caller's
entitlement, usage, the exchange's explained matches and the finance by source to the cent."""

from datetime import date

import pytest
from django.test import Client
from tests.centres.conftest import slot

from triplec.accounts.models import ApiToken
from triplec.centres.services import catalogue, money

pytestmark = pytest.mark.django_db
API = "/api/v1/services"


def client(world, who) -> Client:
    _, raw = ApiToken.issue(world.users[who])
    return Client(headers={"Authorization": f"Bearer {raw}"})


def send(c: Client, method: str, path: str, body=None):
    return getattr(c, method)(API + path, data=body or {}, content_type="application/json")


def test_catalogue_fees_and_memberships(citer):
    staff = client(citer.world, "centre-staff")
    made = send(staff, "post", f"/centres/{citer.centre.pk}/catalogue",
                {"code": "loom", "name": "Loom", "kind": "equipment", "member_price": "10.5"})
    assert made.status_code == 201 and made.json()["member_price"] == "10.50"
    bad = send(staff, "post", f"/centres/{citer.centre.pk}/catalogue",
               {"code": "x", "name": "X", "kind": "equipment", "member_price": "1.001"})
    assert bad.status_code == 422 and "member_price" in bad.json()["errors"]
    assert send(staff, "put", f"/catalogue/{made.json()['id']}/offered", {"offered": False}).json()["offered"] is False
    firm = client(citer.world, "enterprise-user")
    detail = firm.get(f"{API}/centres/{citer.centre.pk}").json()
    assert "loom" not in [s["code"] for s in detail["catalogue"]]  # withdrawn: firms no longer see it
    assert {"size_class": "small", "yearly_fee": "1200.00"} in detail["fees"]
    renewed = send(firm, "post", f"/centres/{citer.centre.pk}/subscriptions",
                   {"enterprise": citer.world.ent_a1.pk, "renew": True})
    assert renewed.status_code == 201
    assert (renewed.json()["status"], renewed.json()["fee"]) == ("coming", "1200.00")
    mine = firm.get(f"{API}/subscriptions?status=coming").json()
    assert [s["id"] for s in mine["items"]] == [renewed.json()["id"]]


def test_booking_publications_usage_and_matches(citer):
    w = citer.world
    firm = client(w, "enterprise-user")
    start, end = slot(4, 10)
    body = {"equipment": citer.cadcam.pk, "enterprise": w.ent_a1.pk, "starts_at": start.isoformat(),
            "ends_at": end.isoformat()}
    booked = send(firm, "post", f"/centres/{citer.centre.pk}/bookings", body)
    assert booked.status_code == 201 and booked.json()["price"] == "80.00"
    clash = send(client(w, "centre-staff"), "post", f"/centres/{citer.centre.pk}/bookings",
                 body | {"enterprise": w.ent_b1.pk})
    assert clash.status_code == 422 and "already booked" in clash.json()["errors"]["starts_at"][0]
    assert send(firm, "post", f"/bookings/{booked.json()['id']}/cancel").json()["cancelled"] is True
    issue = catalogue.publish(citer.staff, citer.report, title="Trends", issued_on=date(2027, 1, 1),
                              filename="t.pdf", content=b"%PDF-1.4 t")
    assert [p["entitled"] for p in firm.get(f"{API}/publications").json()["items"]] == [True]
    assert [p["entitled"] for p in client(w, "other-enterprise-user").get(f"{API}/publications").json()["items"]] == [
        False]
    got = firm.get(f"{API}/publications/{issue.pk}/file")
    assert b"".join(got.streaming_content) == b"%PDF-1.4 t"
    kinds = [u["kind"] for u in firm.get(f"{API}/usage").json()["items"]]
    assert sorted(kinds) == ["booking", "download"]
    need = send(firm, "post", f"/centres/{citer.centre.pk}/exchange",
                {"enterprise": w.ent_a1.pk, "kind": "need", "code": "sewing", "quantity": 100}).json()
    send(client(w, "other-enterprise-user"), "post", f"/centres/{citer.centre.pk}/exchange",
         {"enterprise": w.ent_b1.pk, "kind": "capacity", "code": "sewing.leather", "quantity": 150,
          "latitude": -29.68, "longitude": -51.13})
    found = firm.get(f"{API}/exchange/{need['id']}/matches").json()
    assert len(found) == 1 and found[0]["reasons"][0] == "Related product or process: sewing.leather for sewing."
    assert found[0]["reasons"][2] == "Capacity 150 of 100 units a month (100% of the need)."


def test_finance_by_source_to_the_cent(citer):
    admin = client(citer.world, "agency-admin")
    funds = send(admin, "post", f"/centres/{citer.centre.pk}/public-funds",
                 {"funder": citer.world.agency.pk, "amount": "2999.99", "reference": "g-7", "received_on": "2026-04-01"})
    assert funds.status_code == 201
    money.import_year(citer.admin, citer.centre, 2016, public="7000", subscriptions="2000", fees="1000.01", note="x")
    years = client(citer.world, "centre-staff").get(f"{API}/centres/{citer.centre.pk}/finance").json()
    assert years[0] == {"year": 2016, "public": "7000.00", "subscriptions": "2000.00", "fees": "1000.01",
                        "total": "10000.01", "public_share": "0.7000"}
    assert {"year": 2026, "public": "2999.99"}.items() <= years[1].items()
