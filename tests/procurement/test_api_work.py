"""The procurement API's answers and refusals, endpoint by endpoint, on the `books` world
(tests/procurement/api_world.py: the figures below are computed by hand from it). The service rules
themselves are tested in test_services.py; here: the shapes, the scoping of what each caller sees,
the field errors, and that a payment sent again is answered 200 with what was paid, never twice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from tests.procurement import api_world

from triplec.accounts.models import ApiToken
from triplec.procurement.models import Payment
from triplec.procurement.services import programmes

pytestmark = pytest.mark.django_db
books = api_world.books  # the fixture
API = "/api/v1/procurement"


def client(b, who: str) -> Client:
    _, raw = ApiToken.issue(b.world.users[who])
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(b, who: str, path: str, body: dict):
    return client(b, who).post(API + path, body, content_type="application/json")


def get(b, who: str, path: str):
    return client(b, who).get(API + path)


def money(value) -> Decimal | None:
    return None if value is None else Decimal(value)


# Reads -------------------------------------------------------------------------------------------------

def test_programmes_with_their_products_per_caller(books):
    body = get(books, "inspector", "/programmes").json()
    assert (body["count"], body["limit"], body["offset"]) == (2, 50, 0)
    assert [p["name"] for p in body["items"]] == ["Carteiras com retenção", "Carteiras escolares"]
    desks = body["items"][1]
    assert desks["purchaser"] == {"id": books.world.buyer.pk, "name": books.world.buyer.name}
    assert (money(desks["advance_share"]), money(desks["retention_share"]), desks["currency"]) == (
        Decimal("0.5"), Decimal(0), "BRL")
    assert [(p["code"], money(p["reference_price"]), p["specification"]) for p in desks["products"]] == [
        ("desk", Decimal("190.00"), "Solid wood, ABNT NBR 14006")]
    assert [p["name"] for p in get(books, "other-inspector", "/programmes").json()["items"]] == ["Other"]
    assert get(books, "s2-user", "/programmes").json()["count"] == 2  # C1 and C5
    assert get(books, "other-inspector", f"/programmes/{books.desks.programme.pk}").status_code == 404


def test_contract_detail_lines_completion_and_permissions(books):
    c1 = books.c1
    body = get(books, "inspector", f"/contracts/{c1.pk}").json()
    assert (body["id"], body["status"], body["association"], body["currency"]) == (
        c1.pk, "in-progress", books.desks.association.pk, "BRL")
    assert money(body["value"]) == Decimal("200.00")
    (line,) = body["lines"]
    assert {k: line[k] for k in ("quantity", "cancelled", "ordered", "allocated", "delivered", "accepted",
                                 "rejected")} == {"quantity": 20, "cancelled": 0, "ordered": 20, "allocated": 20,
                                                  "delivered": 10, "accepted": 3, "rejected": 2}
    assert (body["complete"], money(body["completion"])) == (False, Decimal("0.15"))
    assert body["permissions"] == {"run": False, "inspect": True, "purchaser_payments": True, "warranty": True,
                                   "scoreboard": False}
    assert get(books, "s1-user", f"/contracts/{c1.pk}").json()["permissions"] == {
        "run": False, "inspect": False, "purchaser_payments": False, "warranty": False, "scoreboard": True}
    c3 = get(books, "aruaru-manager", f"/contracts/{books.c3.pk}").json()
    assert (c3["lines"][0]["cancelled"], c3["lines"][0]["ordered"], money(c3["value"])) == (5, 25, Decimal("250.00"))
    c4 = get(books, "aruaru-manager", f"/contracts/{books.c4.pk}").json()
    assert (c4["status"], c4["complete"], money(c4["completion"])) == ("accepted", True, Decimal(1))


def test_a_member_sees_only_its_own_allocations_deliveries_and_payments(books):
    c1 = books.c1.pk
    mine = get(books, "s2-user", f"/contracts/{c1}/allocations").json()
    assert mine["count"] == 1
    (row,) = mine["items"]
    assert (row["member"]["id"], row["quantity"], money(row["advance"])) == (books.member(2).pk, 10, Decimal("50.00"))
    assert row["lot_code"] == books.allocation(books.c1, 2).lot_code
    assert get(books, "aruaru-manager", f"/contracts/{c1}/allocations").json()["count"] == 2
    deliveries = get(books, "s2-user", f"/contracts/{c1}/deliveries").json()
    assert [(d["maker"]["id"], d["quantity"], d["inspected"], d["accepted"], d["rejected"], d["reasons"])
            for d in deliveries["items"]] == [(books.member(2).pk, 5, True, 3, 2, "Cracked top")]
    assert get(books, "inspector", f"/contracts/{c1}/deliveries").json()["count"] == 2
    payments = get(books, "s1-user", f"/contracts/{c1}/payments").json()
    assert [(p["kind"], p["member"]["id"], money(p["gross"]), money(p["fee"]), p["currency"]) for p in
            payments["items"]] == [("advance-member", books.member(1).pk, Decimal("50.00"), Decimal(0), "BRL")]
    assert payments["items"][0]["idempotency_key"].startswith("procurement:allocation:")
    assert get(books, "aruaru-manager", f"/contracts/{c1}/payments").json()["count"] == 3
    assert get(books, "aruaru-manager", f"/contracts/{c1}/payments?kind=advance").json()["count"] == 1
    assert get(books, "aruaru-manager", f"/contracts/{c1}/payments?kind=nonsense").status_code == 422


def test_contract_money_from_the_ledger_a_member_sees_its_own_row_only(books):
    c3 = books.c3.pk
    whole = get(books, "aruaru-manager", f"/contracts/{c3}/money").json()
    # 150.00 advanced on 30 desks; 25.00 passed to S3, and as much repaid to the purchaser when S3 defaulted
    # on its 5 desks (taken off the order): S3 owes the 25.00 it was passed, the association holds 100.00.
    assert {k: money(whole[k]) for k in ("value", "advance_due", "paid_in", "held", "retained", "paid_out",
                                         "owed")} == {
        "value": Decimal("250.00"), "advance_due": Decimal("125.00"), "paid_in": Decimal("125.00"),
        "held": Decimal("100.00"), "retained": Decimal(0), "paid_out": Decimal(0), "owed": Decimal("25.00")}
    rows = {r["member"]["id"]: r for r in whole["members"]}
    assert set(rows) == {books.member(1).pk, books.member(3).pk}
    s3 = rows[books.member(3).pk]
    assert (s3["allocated"], money(s3["advance"]), money(s3["received"]), money(s3["owed"])) == (
        0, Decimal(0), Decimal(0), Decimal("25.00"))
    own = get(books, "s1-user", f"/contracts/{c3}/money").json()
    assert [own[k] for k in ("paid_in", "held", "retained", "paid_out", "owed")] == [None] * 5
    assert [(r["member"]["id"], r["allocated"]) for r in own["members"]] == [(books.member(1).pk, 10)]


def test_a_members_money_contract_by_contract(books):
    s1 = books.member(1).pk
    body = get(books, "s1-user", f"/members/{s1}/money").json()
    assert body["count"] == 3
    rows = {r["reference"]: (r["allocated"], money(r["advance"]), money(r["received"]), money(r["owed"]))
            for r in body["items"]}
    assert rows == {"CE-2027-001": (10, Decimal("50.00"), Decimal("50.00"), Decimal(0)),
                    "CE-OPEN": (10, Decimal(0), Decimal(0), Decimal(0)),
                    "CE-DONE": (4, Decimal("20.00"), Decimal("20.00"), Decimal(0))}
    assert get(books, "s1-user", f"/members/{books.member(2).pk}/money").status_code == 404
    assert get(books, "aruaru-manager", f"/members/{books.member(2).pk}/money").json()["count"] == 2
    assert get(books, "association-manager", f"/members/{s1}/money").status_code == 404


# Allocation ----------------------------------------------------------------------------------------------

def test_proposal_explained_and_confirmed_never_beyond_the_line(books):
    c3, line = books.c3, books.c3.lines.get()
    programmes.declare_capacity(books.desks.admin, books.desks.association, books.member(4), books.desks.desk, 8)
    path = f"/contracts/{c3.pk}/lines/{line.pk}"
    proposal = get(books, "aruaru-manager", path + "/proposal").json()
    assert (proposal["ordered"], proposal["allocated"], proposal["unallocated"]) == (25, 10, 15)
    rows = {r["member"]["id"]: r for r in proposal["rows"]}
    assert len(rows) == 10
    s4 = rows[books.member(4).pk]
    assert (s4["capacity"], s4["load"], s4["room"], s4["proposed"]) == (8, 0, 8, 8)
    assert "8" in s4["why"]
    assert rows[books.member(5).pk]["proposed"] == 0
    assert rows[books.member(5).pk]["why"] == "No capacity declared for this product."

    too_many = post(books, "aruaru-manager", path + "/allocations",
                    {"allocations": [{"member_id": books.member(4).pk, "quantity": 16}]})
    assert too_many.status_code == 422
    assert "15" in too_many.json()["errors"]["quantity"][0]
    outsider = post(books, "aruaru-manager", path + "/allocations",
                    {"allocations": [{"member_id": books.world.ent_a1.pk, "quantity": 1}]})
    assert outsider.status_code == 422
    assert list(outsider.json()["errors"]) == ["allocations.0.member_id"]
    twice = post(books, "aruaru-manager", path + "/allocations",
                 {"allocations": [{"member_id": books.member(4).pk, "quantity": 1}] * 2})
    assert list(twice.json()["errors"]) == ["allocations.1.member_id"]
    unknown = post(books, "aruaru-manager", path + "/allocations", {"allocations": [], "extra": 1})
    assert unknown.status_code == 422

    done = post(books, "aruaru-manager", path + "/allocations",
                {"allocations": [{"member_id": books.member(4).pk, "quantity": 8},
                                 {"member_id": books.member(5).pk, "quantity": 0}], "note": "as proposed"})
    assert done.status_code == 201
    (row,) = done.json()
    assert (row["member"]["id"], row["quantity"], row["note"], money(row["advance"])) == (
        books.member(4).pk, 8, "as proposed", Decimal("40.00"))
    assert row["lot_code"].startswith(f"C{c3.pk}-L{line.pk}-M{books.member(4).pk}-")
    assert get(books, "aruaru-manager", path + "/proposal").json()["unallocated"] == 7
    assert get(books, "aruaru-manager", f"/contracts/{c3.pk}/lines/{books.c1.lines.get().pk}/proposal"
               ).status_code == 404  # a line of another contract


# Deliveries, inspection, repairs, defaults -------------------------------------------------------------

def test_delivery_inspection_and_rework(books):
    c1 = books.c1.pk
    s1 = books.allocation(books.c1, 1).pk
    d1, d2 = books.delivery(books.c1, 1).pk, books.delivery(books.c1, 2).pk
    assert post(books, "aruaru-manager", f"/contracts/{c1}/deliveries", {"quantity": 1}).json()["errors"] == {
        "__all__": ["Say whether the units come from an allocation or from a repair."]}
    assert "quantity" in post(books, "aruaru-manager", f"/contracts/{c1}/deliveries",
                              {"allocation_id": s1, "quantity": 6}).json()["errors"]
    other = books.allocation(books.c4, 1).pk
    assert list(post(books, "aruaru-manager", f"/contracts/{c1}/deliveries",
                     {"allocation_id": other, "quantity": 1}).json()["errors"]) == ["allocation_id"]
    made = post(books, "aruaru-manager", f"/contracts/{c1}/deliveries", {"allocation_id": s1, "quantity": 5,
                                                                        "delivered_on": "2027-04-01"})
    assert made.status_code == 201
    assert {k: made.json()[k] for k in ("allocation_id", "quantity", "delivered_on", "inspected", "accepted")} == {
        "allocation_id": s1, "quantity": 5, "delivered_on": "2027-04-01", "inspected": False, "accepted": None}

    path = f"/contracts/{c1}/deliveries/{d1}/inspection"
    assert list(post(books, "inspector", path, {"accepted": 4, "rejected": 1}).json()["errors"]) == ["reasons"]
    assert list(post(books, "inspector", path, {"accepted": 4, "rejected": 0}).json()["errors"]) == ["accepted"]
    inspected = post(books, "inspector", path, {"accepted": 4, "rejected": 1, "reasons": "Loose leg"})
    assert inspected.status_code == 200
    assert {k: inspected.json()[k] for k in ("inspected", "accepted", "rejected", "reasons")} == {
        "inspected": True, "accepted": 4, "rejected": 1, "reasons": "Loose leg"}
    assert post(books, "inspector", path, {"accepted": 5, "rejected": 0}).status_code == 422  # once only
    assert get(books, "aruaru-manager", f"/contracts/{c1}").json()["lines"][0]["accepted"] == 7

    rework = f"/contracts/{c1}/deliveries/{d2}/reworks"
    assert "quantity" in post(books, "aruaru-manager", rework, {"member_id": books.member(3).pk,
                                                                "quantity": 3}).json()["errors"]
    sent = post(books, "aruaru-manager", rework, {"member_id": books.member(3).pk, "quantity": 2,
                                                  "kind": "replacement"})
    assert sent.status_code == 201
    assert {k: sent.json()[k] for k in ("delivery_id", "kind", "quantity")} == {
        "delivery_id": d2, "kind": "replacement", "quantity": 2}
    listed = {d["id"]: d for d in get(books, "aruaru-manager", f"/contracts/{c1}/deliveries").json()["items"]}
    assert [(r["member"]["id"], r["quantity"]) for r in listed[d2]["reworks"]] == [(books.member(3).pk, 2)]
    from_repair = post(books, "aruaru-manager", f"/contracts/{c1}/deliveries",
                       {"rework_id": sent.json()["id"], "quantity": 2})
    assert (from_repair.status_code, from_repair.json()["maker"]["id"]) == (201, books.member(3).pk)


def test_default_reallocates_the_units_and_the_advance(books):
    c1 = books.c1.pk
    s1 = books.allocation(books.c1, 1).pk
    path = f"/contracts/{c1}/allocations/{s1}/default"
    assert list(post(books, "aruaru-manager", path, {"reason": "ceased", "remedy": "reallocate"}
                     ).json()["errors"]) == ["successor"]
    assert post(books, "aruaru-manager", path, {"reason": "bored", "remedy": "repay"}).status_code == 422
    done = post(books, "aruaru-manager", path, {"reason": "ceased", "remedy": "reallocate",
                                                "successor_id": books.member(5).pk})
    assert done.status_code == 201
    body = done.json()
    assert (body["allocation_id"], body["reason"], body["remedy"], body["units"]) == (s1, "ceased", "reallocate", 5)
    rows = {r["member"]["id"]: r for r in get(books, "aruaru-manager", f"/contracts/{c1}/money").json()["members"]}
    s1_row, s5_row = rows[books.member(1).pk], rows[books.member(5).pk]
    # S1 keeps the advance of the 5 it delivered and owes the 25.00 of the 5 it will not; S5 takes them over.
    assert (s1_row["allocated"], money(s1_row["advance"]), money(s1_row["owed"])) == (5, Decimal("25.00"),
                                                                                      Decimal("25.00"))
    assert (s5_row["allocated"], money(s5_row["advance"]), money(s5_row["received"])) == (5, Decimal("25.00"),
                                                                                          Decimal("25.00"))
    assert post(books, "aruaru-manager", path, {"reason": "ceased", "remedy": "repay"}).status_code == 422


def test_warranty_claims_after_acceptance_only(books):
    c4, line = books.c4, books.c4.lines.get()
    body = {"line_id": line.pk, "maker_id": books.member(1).pk, "units": 1, "description": "Wobbly",
            "repair_cost": "5.00"}
    early = post(books, "inspector", f"/contracts/{books.c1.pk}/warranty-claims",
                 {**body, "line_id": books.c1.lines.get().pk})
    assert early.json()["errors"] == {"__all__": ["Warranty claims start once the whole order has been accepted."]}
    assert list(post(books, "inspector", f"/contracts/{c4.pk}/warranty-claims", {**body, "units": 5}
                     ).json()["errors"]) == ["units"]
    assert list(post(books, "inspector", f"/contracts/{c4.pk}/warranty-claims",
                     {**body, "maker_id": books.world.ent_a1.pk}).json()["errors"]) == ["maker_id"]
    made = post(books, "inspector", f"/contracts/{c4.pk}/warranty-claims", body)
    assert made.status_code == 201
    claim = made.json()
    assert (claim["maker"]["id"], claim["repairer"]["id"], claim["units"], money(claim["repair_cost"]),
            money(claim["maker_charged"])) == (books.member(1).pk, books.member(1).pk, 1, Decimal("5.00"),
                                               Decimal("5.00"))
    assert get(books, "s1-user", f"/contracts/{c4.pk}/warranty-claims").json()["count"] == 1


# Payments ----------------------------------------------------------------------------------------------

def test_the_advance_is_paid_once(books):
    c2 = books.c2.pk
    first = post(books, "other-inspector", f"/contracts/{c2}/payments/advance", {})
    assert first.status_code == 201
    assert (first.json()["kind"], money(first.json()["gross"])) == ("advance", Decimal("12.50"))  # 5 x 5.00 x 50%
    again = post(books, "other-inspector", f"/contracts/{c2}/payments/advance", {})
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert books.c2.payments.filter(kind=Payment.Kind.ADVANCE).count() == 1


def test_member_advances_passed_once_per_allocation(books):
    path = f"/contracts/{books.c3.pk}/payments/member-advances"
    first = post(books, "aruaru-manager", path, {})
    assert first.status_code == 201
    assert [(p["kind"], p["member"]["id"], money(p["gross"])) for p in first.json()] == [
        ("advance-member", books.member(1).pk, Decimal("50.00"))]
    again = post(books, "aruaru-manager", path, {})
    assert (again.status_code, again.json()) == (200, [])


def test_final_payment_only_after_the_whole_order_and_once(books):
    early = post(books, "inspector", f"/contracts/{books.c1.pk}/payments/final", {})
    assert early.status_code == 422
    assert early.json()["errors"] == {
        "__all__": ["The final payment is made only when the whole order has been accepted."]}
    path = f"/contracts/{books.c4.pk}/payments/final"
    first = post(books, "inspector", path, {})
    assert first.status_code == 201
    # 40.00 ordered, 20.00 advanced: the purchaser pays 20.00 more and S1 gets its 40.00 less its 20.00.
    assert [(p["kind"], p["member"] and p["member"]["id"], money(p["gross"])) for p in first.json()] == [
        ("final", None, Decimal("20.00")), ("final-member", books.member(1).pk, Decimal("20.00"))]
    again = post(books, "inspector", path, {})
    assert again.status_code == 200
    assert [p["id"] for p in again.json()] == [p["id"] for p in first.json()]
    assert get(books, "inspector", f"/contracts/{books.c4.pk}").json()["status"] == "paid"
    assert books.c4.payments.filter(kind__in=("final", "final-member")).count() == 2


def test_retention_released_when_the_warranty_ends(books):
    path = f"/contracts/{books.c5.pk}/payments/retention"
    early = post(books, "inspector", path, {"on": "2027-04-01"})
    assert early.json()["errors"] == {
        "__all__": ["The retention is released when the warranty period ends, on 2027-04-02."]}
    first = post(books, "inspector", path, {"on": "2027-05-01"})
    assert (first.status_code, first.json()["kind"], money(first.json()["gross"])) == (201, "retention",
                                                                                         Decimal("2.00"))
    assert first.json()["effective_on"] == "2027-05-01"
    again = post(books, "inspector", path, {"on": "2027-05-01"})
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])


def test_debt_settlement_with_an_idempotency_key(books):
    path = f"/contracts/{books.c3.pk}/payments/settlements"
    s3 = books.member(3).pk
    assert list(post(books, "aruaru-manager", path, {"member_id": s3, "amount": "10.00"}).json()["errors"]) == [
        "idempotency_key"]
    too_much = post(books, "aruaru-manager", path, {"member_id": s3, "amount": "30.00", "idempotency_key": "a"})
    assert list(too_much.json()["errors"]) == ["amount"]
    first = post(books, "aruaru-manager", path, {"member_id": s3, "amount": "10.00", "idempotency_key": "cash-1"})
    assert first.status_code == 201
    assert (first.json()["kind"], first.json()["member"]["id"], money(first.json()["gross"])) == (
        "settlement", s3, Decimal("10.00"))
    again = post(books, "aruaru-manager", path, {"member_id": s3, "amount": "10.00", "idempotency_key": "cash-1"})
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    other = post(books, "aruaru-manager", path, {"member_id": s3, "amount": "5.00", "idempotency_key": "cash-1"})
    assert list(other.json()["errors"]) == ["idempotency_key"]
    rows = {r["member"]["id"]: r for r in get(books, "aruaru-manager", f"/contracts/{books.c3.pk}/money"
                                              ).json()["members"]}
    assert money(rows[s3]["owed"]) == Decimal("15.00")


# Set-up ------------------------------------------------------------------------------------------------

def test_programme_products_and_awards_only_to_an_association(books):
    made = post(books, "programme-officer", "/programmes", {"name": "Cadeiras", "purchaser_id": books.world.buyer.pk,
                                                            "currency": "brl", "advance_share": "0.4"})
    assert made.status_code == 201
    assert (made.json()["currency"], money(made.json()["advance_share"]), made.json()["products"]) == (
        "BRL", Decimal("0.4"), [])
    not_public = post(books, "agency-admin", "/programmes", {"name": "X", "purchaser_id": books.world.assoc_a.pk,
                                                             "currency": "BRL"})
    assert list(not_public.json()["errors"]) == ["purchaser"]
    chair = post(books, "agency-admin", f"/programmes/{made.json()['id']}/products",
                 {"code": "chair", "name": "Chair", "reference_price": "50.00"})
    assert (chair.status_code, chair.json()["code"]) == (201, "chair")

    line = {"product_id": books.desks.desk.pk, "quantity": 10, "unit_price": "10.00", "deadline": "2027-06-30"}
    award = {"programme_id": books.desks.programme.pk, "association_id": books.desks.association.pk,
             "reference": "CE-NEW", "lines": [line]}
    to_a_buyer = post(books, "agency-admin", "/contracts", {**award, "association_id": books.world.buyer.pk})
    (why,) = to_a_buyer.json()["errors"]["association"]
    assert "is not a producers' association or cooperative" in why and "help the producers form one" in why
    foreign = post(books, "agency-admin", "/contracts", {**award, "lines": [{**line, "product_id": chair.json()["id"]}]})
    assert list(foreign.json()["errors"]) == ["lines.0.product_id"]
    assert list(post(books, "agency-admin", "/contracts", {**award, "lines": []}).json()["errors"]) == ["lines"]
    done = post(books, "agency-admin", "/contracts", award)
    assert done.status_code == 201
    assert {k: done.json()[k] for k in ("reference", "association", "status")} == {
        "reference": "CE-NEW", "association": books.desks.association.pk, "status": "awarded"}


def test_rules_and_capacities_feed_the_money_and_the_proposal(books):
    path = f"/associations/{books.desks.association.pk}"
    rules = get(books, "s1-user", path + "/rules").json()
    assert (rules["association_id"], money(rules["fee_share"]), rules["warranty_cost_rule"]) == (
        books.desks.association.pk, Decimal(0), "maker")
    put = client(books, "aruaru-manager").put(API + path + "/rules", {"fee_share": "0.05"},
                                              content_type="application/json")
    assert (put.status_code, money(put.json()["fee_share"]), put.json()["warranty_cost_rule"]) == (
        200, Decimal("0.05"), "maker")
    assert client(books, "aruaru-manager").put(API + path + "/rules", {"fee_share": "2"},
                                                content_type="application/json").status_code == 422
    # S1's 10 desks on C3: 50.00 advance, 2.50 kept by the association at 5%.
    (passed,) = post(books, "aruaru-manager", f"/contracts/{books.c3.pk}/payments/member-advances", {}).json()
    assert (money(passed["gross"]), money(passed["fee"])) == (Decimal("50.00"), Decimal("2.50"))

    declared = post(books, "aruaru-manager", path + "/capacities",
                    {"member_id": books.member(6).pk, "product_id": books.desks.desk.pk, "units": 6})
    assert declared.status_code == 201
    assert (declared.json()["member"]["id"], declared.json()["units"]) == (books.member(6).pk, 6)
    outsider = post(books, "aruaru-manager", path + "/capacities",
                    {"member_id": books.world.ent_a1.pk, "product_id": books.desks.desk.pk, "units": 6})
    assert list(outsider.json()["errors"]) == ["member_id"]
    proposal = get(books, "aruaru-manager", f"/contracts/{books.c3.pk}/lines/{books.c3.lines.get().pk}/proposal")
    proposed = {r["member"]["id"]: r["proposed"] for r in proposal.json()["rows"]}
    assert proposed[books.member(6).pk] == 6


# The association ---------------------------------------------------------------------------------------

def test_scoreboard_rows_per_member(books):
    body = get(books, "s1-user", f"/associations/{books.desks.association.pk}/scoreboard").json()
    assert body["association"]["id"] == books.desks.association.pk
    rows = {r["member"]["id"]: r for r in body["rows"]}
    assert len(rows) == 10
    s2 = rows[books.member(2).pk]
    # C1: 5 delivered, 3 accepted, 2 rejected; C5: 2 delivered and accepted on its deadline.
    assert {k: s2["totals"][k] for k in ("delivered", "on_time", "accepted", "rejected", "warranty_units")} == {
        "delivered": 7, "on_time": 7, "accepted": 5, "rejected": 2, "warranty_units": 0}
    assert money(s2["totals"]["rejection_rate"]) == Decimal("0.2857")
    assert s2["trend"] in ("better", "worse", "steady")
    assert sum(y["delivered"] for y in s2["years"]) == 7
    assert rows[books.member(7).pk]["totals"]["on_time_share"] is None
    refused = get(books, "inspector", f"/associations/{books.desks.association.pk}/scoreboard")
    assert (refused.status_code, refused.json()["detail"]) == (403, "You may not see this association's scoreboard.")


def test_outcomes_entered_corrected_with_history(books):
    path = f"/associations/{books.desks.association.pk}/outcomes"
    listed = get(books, "s1-user", path).json()
    assert (listed["count"], listed["items"][0]["year"], listed["items"][0]["revisions"]) == (1, 2020, 1)
    made = post(books, "aruaru-manager", path, {"year": 2021, "members": 12, "workers": 50,
                                                "equipment_bought": "1500.00", "share_sold_elsewhere": "0.3"})
    assert made.status_code == 201
    assert {k: made.json()[k] for k in ("year", "members", "workers", "illustration", "revisions")} == {
        "year": 2021, "members": 12, "workers": 50, "illustration": False, "revisions": 1}
    assert list(post(books, "aruaru-manager", path, {"year": 2020, "members": 1, "workers": 1}
                     ).json()["errors"]) == ["year"]
    assert list(post(books, "aruaru-manager", path, {"year": 2022, "members": 1, "workers": 1,
                                                     "share_sold_elsewhere": "1.5"}).json()["errors"]) == [
        "share_sold_elsewhere"]
    corrected = client(books, "aruaru-manager").put(API + path + "/2020", {"members": 11, "workers": 44},
                                                    content_type="application/json")
    assert corrected.status_code == 200
    assert (corrected.json()["members"], corrected.json()["workers"], corrected.json()["revisions"]) == (11, 44, 2)
    missing = client(books, "aruaru-manager").put(API + path + "/2019", {"members": 1, "workers": 1},
                                                  content_type="application/json")
    assert missing.status_code == 404
    assert [o["year"] for o in get(books, "agency-admin", path).json()["items"]] == [2020, 2021]


def test_openapi_publishes_every_procurement_operation(db):
    from triplec.procurement.api import router
    from triplec.web.api import api

    schema = api.get_openapi_schema()
    published = {(m.upper(), p.removeprefix("/api/v1/procurement")) for p, item in schema["paths"].items()
                 if p.startswith("/api/v1/procurement/") for m in item}
    routes = {(m, p) for p, view in router.path_operations.items() for op in view.operations for m in op.methods}
    assert routes == published
    assert len(routes) == 32
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert "triplec_procurement_api_list_contracts" in ids
    assert len(ids) == len(set(ids))


@pytest.mark.django_db(transaction=True)
def test_the_same_settlement_sent_four_times_at_once_is_recorded_once(books):
    """Threads with their own connections (PostgreSQL only): one 201, the others 200 with the same payment."""
    from django.db import connection
    from tests import threads

    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL; SQLite serialises writers (IMMEDIATE transactions)")
    path = f"/contracts/{books.c3.pk}/payments/settlements"
    body = {"member_id": books.member(3).pk, "amount": "10.00", "idempotency_key": "cash-at-once"}
    clients = [client(books, "aruaru-manager") for _ in range(4)]

    def send(n, _round):
        response = clients[n].post(API + path, body, content_type="application/json")
        return response.status_code, response.json()["id"]

    outcomes = threads.run_together(send)
    assert sorted(status for status, _ in outcomes) == [200, 200, 200, 201]
    assert len({pk for _, pk in outcomes}) == 1
    assert books.c3.payments.filter(kind=Payment.Kind.SETTLEMENT).count() == 1
