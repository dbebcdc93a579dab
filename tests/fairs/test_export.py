"""The participations exported for the agency and evaluators: CSV in the reader's convention (Portuguese:
";" and decimal comma) and XLSX, with the subsidy and the firm's part from the ledger, orders by
currency and follow-ups; refused to the others."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from triplec.fairs.services import links, money, programmes

pytestmark = pytest.mark.django_db


def test_participations_exported_with_money_orders_and_follow_ups(expo, signed_up, client_for):
    alone, (a1, a2, _a3), _b1 = signed_up
    money.pay_costs(expo.admin, alone)
    contact = links.record_contact(expo.admin, alone, country="DE", person="Anna Weber")
    links.record_order(expo.admin, contact, value="1200.50", currency="EUR", ordered_on=date(2027, 4, 8))
    links.record_order(expo.admin, contact, value="300.00", currency="EUR", ordered_on=date(2027, 5, 8))
    links.complete_follow_up(expo.admin, alone.follow_ups.get(months=3), on=date(2027, 7, 9))
    programmes.cancel(expo.admin, a2, reason="No stock", on=date(2027, 6, 1))
    client = client_for(expo.world.users["evaluator"])
    response = client.get(reverse("fairs:export_participations", args=["csv"]), HTTP_ACCEPT_LANGUAGE="pt-br")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {r["participation"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert len(rows) == 5
    row = rows[str(alone.pk)]
    assert {k: row[k] for k in ("fair", "cost", "paid", "subsidy", "paid_by_firm", "orders", "order_values",
                                "follow_ups_done", "follow_ups_open", "association")} == {
        "fair": "FENAC", "cost": "10000,00", "paid": "yes", "subsidy": "5000,00", "paid_by_firm": "5000,00",
        "orders": "2", "order_values": "EUR 1500.50", "follow_ups_done": "1", "follow_ups_open": "2",
        "association": ""}
    assert (rows[str(a2.pk)]["cancelled_on"], rows[str(a2.pk)]["follow_ups_open"]) == ("2027-06-01", "0")
    assert rows[str(a1.pk)]["association"] == "Sawmills Assoc" and rows[str(a1.pk)]["subsidy"] == ""
    xlsx = client.get(reverse("fairs:export_participations", args=["xlsx"]))
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    assert client.get(reverse("fairs:export_participations", args=["pdf"])).status_code == 404
    assert client_for(expo.world.users["broker"]).get(
        reverse("fairs:export_participations", args=["csv"])).status_code == 403


def test_export_reads_the_ledger_in_a_constant_number_of_queries(expo, signed_up, django_assert_max_num_queries):
    """The subsidy, the firm's part and the self-paid repeat come for all rows at once, not row by row."""
    from triplec.fairs.services import export

    alone, _at_stand, other = signed_up
    money.pay_costs(expo.admin, alone)
    money.pay_stand(expo.admin, expo.stand)
    money.pay_costs(expo.admin, other)
    again = programmes.add_fair(expo.admin, expo.programme, name="FIMEC", organiser="FIMEC SA", place="Novo Hamburgo",
                                country="BR", starts_on=date(2027, 11, 3), ends_on=date(2027, 11, 5))
    money.pay_costs(expo.admin, programmes.sign_up(expo.admin, again, expo.world.ent_a1, cost="900.00",
                                                   subsidy_requested=False))
    with django_assert_max_num_queries(6):
        rows = list(export.participation_rows(expo.admin))
    assert len(rows) == 6 and all(r["paid"] for r in rows)
    by_pk = {r["participation"]: r for r in rows}
    assert (by_pk[alone.pk]["subsidy"], by_pk[alone.pk]["paid_by_firm"]) == (Decimal("5000.00"), Decimal("5000.00"))
    assert [r["self_paid_repeat"] for r in rows].count(True) == 1 and rows[0]["self_paid_repeat"]
