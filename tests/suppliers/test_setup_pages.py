"""The agency's set-up pages (a programme, the consent, enrolment, training and attendance, sales to
other customers) and the KPI exports: what they do and what they refuse (who may open them is in
test_page_matrix.py)."""

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from tests.conftest import cnpj
from tests.suppliers.conftest import scores

from triplec.suppliers.models import Attendance, OtherSales, Programme, TrainingSession
from triplec.suppliers.services import costs, diagnostics, orders

pytestmark = pytest.mark.django_db


def test_the_agency_sets_up_a_programme_from_creation_to_enrolment(shoes, client_for):
    client = client_for(shoes.admin)
    data = {"name": "Grande - couro", "buyer": shoes.buyer.pk, "currency": "BRL", "started_on": "2026-02-01",
            "agency_share": "0.6", "supplier_share": "0.5"}
    response = client.post(reverse("suppliers:programme_add"), data)
    assert response.status_code == 200 and "cannot exceed the whole cost" in response.content.decode()
    response = client.post(reverse("suppliers:programme_add"), {**data, "supplier_share": "0.1"})
    programme = Programme.objects.get(name="Grande - couro")
    assert response.status_code == 302 and (programme.agency_share, programme.buyer_share) == (D("0.6"), D("0.3"))
    page = reverse("suppliers:programme_detail", args=[programme.pk])
    assert 'data-testid="consent-form"' in client.get(page).content.decode()

    enrol = reverse("suppliers:enrol", args=[programme.pk])
    response = client.post(enrol, {"enterprise": shoes.world.ent_a2.national_id})
    assert "before the large buyer&#x27;s consent" in response.content.decode() and not programme.suppliers.exists()
    consent = {"given_by": "Ana Souza", "given_on": "2026-02-03", "reference": "Termo 2026/02"}
    assert client.post(reverse("suppliers:consent", args=[programme.pk]), consent).status_code == 302
    programme.refresh_from_db()
    assert (programme.consent_by, programme.consent_on, programme.consent_reference) == (
        "Ana Souza", date(2026, 2, 3), "Termo 2026/02")

    response = client.post(enrol, {"enterprise": "Ltda"})  # no enterprise's name holds it but ent_a1's
    assert response.status_code == 302
    response = client.post(enrol, {"enterprise": "a"})  # several names hold an "a"
    assert "names more than one enterprise" in response.content.decode()
    response = client.post(enrol, {"enterprise": "Nobody SA"})
    assert "register it first" in response.content.decode()
    assert client.post(enrol, {"enterprise": shoes.world.ent_a2.national_id, "enrolled_on": "2026-02-04"}).status_code == 302
    response = client.post(enrol, {"enterprise": cnpj(22222222, formatted=True)})  # as people write it
    assert "already a supplier" in response.content.decode()
    assert 'data-testid="firm-search"' in client.get(page).content.decode()
    options = reverse("suppliers:firm_options") + "?field=enterprise&enterprise="
    assert client.get(options + "marcenaria bet").content.decode() == (
        f'<option value="{shoes.world.ent_a2.national_id}">Marcenaria Beta</option>')
    assert client_for(shoes.world.users["buyer-staff"]).get(options + "beta").status_code == 403
    homeworkers = reverse("suppliers:enrol_homeworker", args=[programme.pk])
    response = client.post(homeworkers, {"person_name": "Joana", "product": "Insoles", "municipality": "999"})
    assert "No municipality has this code." in response.content.decode()
    assert client.post(homeworkers, {"person_name": "Joana", "product": "Insoles",
                                     "municipality": "2301950"}).status_code == 302
    enrolled = {str(s): (s.enrolled_on, s.municipality_id and s.municipality.code) for s in programme.suppliers.all()}
    assert enrolled["Marcenaria Beta"][0] == date(2026, 2, 4)
    assert enrolled["Joana"][1] == "2301950" and set(enrolled) == {"Serraria Alfa Ltda", "Marcenaria Beta", "Joana"}


def test_a_session_is_scheduled_its_cost_shared_and_the_buyer_takes_attendance(shoes, client_for):
    client = client_for(shoes.admin)
    response = client.post(reverse("suppliers:session_add", args=[shoes.programme.pk]),
                           {"title": "Leather grading", "kind": "technical", "held_on": "2026-03-02",
                            "trainer": "SENAI", "cost": "999.99"})
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("suppliers:session_detail", args=[session.pk])
    b = costs.programme_balances(shoes.programme)  # 999.99 / 2 = 499.995 -> 500.00 for the agency
    assert (b.spent, b.agency, b.buyer, b.suppliers) == (D("999.99"), D("500.00"), D("499.99"), 0)
    html = client.get(reverse("suppliers:programme_detail", args=[shoes.programme.pk])).content.decode()
    assert html.count('data-testid="cost-row"') == 1 and "R$500.00" in html

    staff = client_for(shoes.staff)
    url = reverse("suppliers:session_detail", args=[session.pk])
    response = staff.post(url, {"suppliers": [shoes.supplier.pk, shoes.homeworker.pk],
                                "staff": "Rita Alves\n\nPaulo Reis\nRita Alves"})
    assert response.status_code == 302
    assert staff.post(url, {"suppliers": [shoes.other_supplier.pk]}).status_code == 200  # not a choice here
    who = sorted(str(a.supplier or a.staff_name) for a in Attendance.objects.all())
    assert who == ["Maria das Dores", "Paulo Reis", "Rita Alves", "Serraria Alfa Ltda"]
    html = staff.get(url).content.decode()
    assert html.count('data-testid="attendance-row"') == 4 and html.count(" checked") == 2  # who came is ticked


def test_the_supplier_records_its_sales_to_other_customers(shoes, client_for):
    me = client_for(shoes.world.users["enterprise-user"])
    url = reverse("suppliers:other_sales", args=[shoes.supplier.pk])
    assert me.post(url, {"year": "2026", "amount": "-1", "customers": "2"}).status_code == 302
    assert not OtherSales.objects.exists()
    assert me.post(url, {"year": "2026", "amount": "15000.50", "customers": "3"}).status_code == 302
    assert me.post(url, {"year": "2026", "amount": "16000.00", "customers": "4"}).status_code == 302
    sales = OtherSales.objects.get()
    assert (sales.supplier, sales.year, sales.amount, sales.customers) == (shoes.supplier, 2026, D("16000.00"), 4)
    html = me.get(reverse("suppliers:supplier_detail", args=[shoes.supplier.pk])).content.decode()
    assert "R$16,000.00" in html and 'data-testid="sales-form"' in html
    orders.record_order(shoes.staff, shoes.supplier, reference="S1", ordered_on=date(2026, 3, 1),
                        promised_on=date(2026, 3, 9), quantity=100, unit_price="40.00")  # 4000.00 to the buyer
    html = me.get(reverse("suppliers:supplier_detail", args=[shoes.supplier.pk])).content.decode()
    assert 'data-testid="spillover-chart"' in html and 'data-testid="others-share">80%<' in html  # 16000 / 20000
    assert 'height="120.0" fill="#4b7d2a"' in html and 'height="30.0" fill="#1f6f8b"' in html  # bars on one scale


@pytest.fixture
def measured(shoes):
    diagnostics.record_diagnostic(shoes.admin, shoes.supplier, carried_out_on=date(2026, 2, 1), consultant="Q",
                                  cost="100.00", scores=scores())
    for ref, on, promised, delivered, qty, bad, price in [
            ("B1", date(2026, 1, 20), date(2026, 1, 30), date(2026, 2, 2), 100, 8, "10.00"),
            ("A1", date(2026, 2, 10), date(2026, 2, 20), date(2026, 2, 19), 50, 1, "9.50"),
            ("A2", date(2026, 3, 1), date(2026, 3, 10), None, 10, 0, "9.00")]:
        orders.record_order(shoes.staff, shoes.supplier, reference=ref, ordered_on=on, promised_on=promised,
                            delivered_on=delivered, quantity=qty, defective=bad, unit_price=price)
    orders.record_order(shoes.staff, shoes.homeworker, reference="H1", ordered_on=date(2026, 2, 5),
                        promised_on=date(2026, 2, 15), delivered_on=date(2026, 2, 15), quantity=20, defective=2,
                        unit_price="4.25")
    return shoes


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_kpi_exports_per_order_and_before_after(measured, client_for):
    client = client_for(measured.world.users["evaluator"])
    url = reverse("suppliers:export_kpis", args=[measured.programme.pk, "csv"])
    rows = _csv(client.get(url + "?what=orders&sep=comma&decimal=point"))
    assert [(r["reference"], r["period"], r["on_time"], r["lead_days"], r["defect_rate"], r["value"]) for r in rows] == [
        ("B1", "before", "no", "13", "0.08", "1000.00"), ("A1", "since", "yes", "9", "0.02", "475.00"),
        ("A2", "since", "", "", "", "90.00"), ("H1", "before", "yes", "10", "0.1", "85.00")]
    rows = _csv(client.get(url + "?what=before-after&sep=comma&decimal=point"))
    table = {(r["supplier"], r["period"]): (r["orders"], r["on_time_share"], r["mean_price"]) for r in rows}
    # since: A1 and A2, 60 units for 565.00 -> 9.4167; the programme before: B1 and H1, 120 units for 1085.00
    assert table[("Serraria Alfa Ltda", "since")] == ("2", "1.0", "9.4167")
    assert table[("Maria das Dores", "since")] == ("0", "", "")
    assert table[("the whole programme", "before")] == ("2", "0.5", "9.0417")
    assert rows[0]["diagnosed_on"] == "2026-02-01" and len(rows) == 6
    response = client_for(measured.staff).get(reverse("suppliers:export_kpis", args=[measured.programme.pk, "xlsx"]))
    assert response.status_code == 200 and response.getvalue()[:2] == b"PK"
    semicolons = b"".join(client.get(url + "?what=orders&sep=semicolon&decimal=comma").streaming_content).decode()
    assert "B1;2026-01-20;2026-01-30;2026-02-02;before;100;8;0,08;no;13;10,00;1000,00\r\n" in semicolons
    assert client.get(url + "?what=nothing").status_code == 404


def test_the_kpi_files_on_the_api_are_the_pages(measured, client_for):
    from tests.permissions import token_clients

    api = token_clients(measured.world, ["evaluator"], "bad-token", "kpi files")["evaluator"]
    url = f"/api/v1/suppliers/programmes/{measured.programme.pk}/kpis"
    page = reverse("suppliers:export_kpis", args=[measured.programme.pk, "csv"])
    for what in ("orders", "before-after"):
        query = f"?what={what}&sep=semicolon&decimal=comma"
        got = api.get(f"{url}{query}&format=csv")
        assert (got.status_code, got["Content-Type"]) == (200, "text/csv; charset=utf-8")
        assert b"".join(got.streaming_content) == b"".join(
            client_for(measured.world.users["evaluator"]).get(page + query).streaming_content)
    xlsx = api.get(f"{url}?format=xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    assert 'filename="kpis-' in xlsx["Content-Disposition"]
    assert api.get(f"{url}?format=pdf").status_code == 422
    assert api.get(f"{url}?what=nothing").status_code == 422
    assert api.get(f"{url}?sep=pipe").status_code == 422
