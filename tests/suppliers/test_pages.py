"""What the supplier pages show each reader and what their forms do (the matrix of who may open them is
in test_page_matrix.py)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from tests.suppliers.conftest import scores

from triplec.suppliers.models import Action, Order
from triplec.suppliers.services import diagnostics, orders

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnosed(shoes):
    diagnostics.record_diagnostic(shoes.admin, shoes.supplier, carried_out_on=date(2026, 2, 1), consultant="Q-Consult",
                                  cost="1234.57", scores=scores(quality=1))
    diagnostics.add_action(shoes.staff, shoes.supplier, description="Incoming inspection", owner="buyer-staff",
                           due_on=date(2026, 4, 1))
    orders.record_order(shoes.staff, shoes.supplier, reference="B1", ordered_on=date(2026, 1, 20),
                        promised_on=date(2026, 1, 30), delivered_on=date(2026, 2, 2), quantity=100, defective=8,
                        unit_price="10.00")
    orders.record_order(shoes.staff, shoes.supplier, reference="A1", ordered_on=date(2026, 2, 10),
                        promised_on=date(2026, 2, 20), delivered_on=date(2026, 2, 19), quantity=100, defective=1,
                        unit_price="10.00")
    return shoes


def page(client_for, user, url):
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_buyer_sees_costs_from_the_ledger_kpis_and_every_supplier(diagnosed, client_for):
    html = page(client_for, diagnosed.staff, reverse("suppliers:programme_detail", args=[diagnosed.programme.pk]))
    assert 'data-testid="paid-agency">R$617.29<' in html and 'data-testid="paid-buyer">R$617.28<' in html
    assert 'data-testid="spent">R$1,234.57<' in html
    assert "Maria das Dores" in html and "Serraria Alfa" in html
    assert 'data-testid="programme-kpis"' in html and 'data-testid="import-form"' in html


def test_a_supplier_sees_only_itself_and_no_costs(diagnosed, client_for):
    me = diagnosed.world.users["enterprise-user"]
    html = page(client_for, me, reverse("suppliers:programme_detail", args=[diagnosed.programme.pk]))
    assert "Serraria Alfa" in html and "Maria das Dores" not in html
    assert 'data-testid="spent"' not in html and 'data-testid="programme-kpis"' not in html
    assert 'data-testid="import-form"' not in html
    html = page(client_for, me, reverse("suppliers:supplier_detail", args=[diagnosed.supplier.pk]))
    assert "Incoming inspection" in html and "Q-Consult" in html
    assert 'data-testid="order-form"' not in html and 'action="/suppliers/actions/' in html
    assert html.count('data-testid="kpi-row"') == 2  # before (B1, late) and since the diagnostic (A1)
    assert 'data-testid="nav-suppliers"' in html


def test_the_buyer_records_an_order_and_sees_its_refusals_on_the_form(diagnosed, client_for):
    client = client_for(diagnosed.staff)
    url = reverse("suppliers:supplier_detail", args=[diagnosed.supplier.pk])
    bad = {"reference": "C1", "ordered_on": "2026-03-10", "promised_on": "2026-03-01", "quantity": "5",
           "defective": "0", "unit_price": "3.00"}
    response = client.post(url, bad)
    assert response.status_code == 200 and "The promised delivery date comes after the order date." in \
        response.content.decode()
    assert not Order.objects.filter(reference="C1").exists()
    response = client.post(url, {**bad, "promised_on": "2026-03-20"})
    assert response.status_code == 302
    assert Order.objects.get(reference="C1").unit_price == 3


def test_the_supplier_marks_an_action_done(diagnosed, client_for):
    action = Action.objects.get()
    response = client_for(diagnosed.world.users["enterprise-user"]).post(
        reverse("suppliers:action_status", args=[action.pk]), {"status": "done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.done_on is not None


def test_an_import_with_a_bad_row_names_it_and_imports_nothing(diagnosed, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    nid = diagnosed.world.ent_a1.national_id
    data = ("supplier,reference,order_date,promised_date,quantity,unit_price\n"
            f"{nid},N1,2026-03-01,2026-03-10,10,2.50\n"
            f"{nid},N2,2026-03-01,2026-03-10,ten,2.50\n").encode()
    client = client_for(diagnosed.staff)
    url = reverse("suppliers:import_orders", args=[diagnosed.programme.pk])
    response = client.post(url, {"file": SimpleUploadedFile("orders.csv", data)}, follow=True)
    html = response.content.decode()
    assert "Nothing was imported" in html and "Row 3, quantity:" in html
    assert not Order.objects.filter(reference__in=["N1", "N2"]).exists()
    good = data.replace(b"ten", b"10")
    response = client.post(url, {"file": SimpleUploadedFile("orders.csv", good)}, follow=True)
    assert "2 orders imported." in response.content.decode()
    assert Order.objects.filter(reference__in=["N1", "N2"]).count() == 2


def test_the_agency_records_a_diagnostic_on_its_page_and_its_cost_is_shared(shoes, client_for):
    from triplec.suppliers.models import Diagnostic
    from triplec.suppliers.services import costs

    client = client_for(shoes.admin)
    url = reverse("suppliers:diagnostic_add", args=[shoes.homeworker.pk])
    html = client.get(url).content.decode()
    assert html.count('data-testid="area-row"') == 5 and 'aria-label="Needs: Quality"' in html
    data = {"carried_out_on": "2026-03-01", "consultant": "Q-Consult", "cost": "801.01",
            **{f"score_{c}": "2" for c in ("quality", "delivery", "cost", "technology", "management")},
            "needs_quality": "Checklist"}
    response = client.post(url, {**data, "score_quality": "6"})
    assert response.status_code == 200 and not Diagnostic.objects.exists()
    response = client.post(url, {**data, "carried_out_on": "2026-01-01"})
    assert "its diagnostic comes after" in response.content.decode() and not Diagnostic.objects.exists()
    assert client.post(url, data).status_code == 302
    assert diagnostics.scores_by_area(Diagnostic.objects.get()) == dict.fromkeys(
        ("quality", "delivery", "cost", "technology", "management"), 2)
    b = costs.programme_balances(shoes.programme)  # 801.01 / 2 = 400.505 -> 400.51 for the agency
    assert (b.spent, b.agency, b.buyer) == (D("801.01"), D("400.51"), D("400.50"))


def test_the_buyer_adds_an_action_to_the_plan(diagnosed, client_for):
    from triplec.suppliers.models import Area

    client = client_for(diagnosed.staff)
    url = reverse("suppliers:action_add", args=[diagnosed.supplier.pk])
    quality = Area.objects.get(code="quality")
    response = client.post(url, {"description": "Gauges", "owner": "nobody", "due_on": "2026-05-01"}, follow=True)
    assert "Select a valid choice" in response.content.decode() and Action.objects.count() == 1
    response = client.post(url, {"description": "Gauges", "owner": "consultant", "due_on": "2026-05-01",
                                 "area": quality.pk}, follow=True)
    assert "Action added to the plan." in response.content.decode()
    added = Action.objects.get(description="Gauges")
    assert (added.owner, added.area, added.due_on, added.status) == ("consultant", quality, date(2026, 5, 1), "planned")
