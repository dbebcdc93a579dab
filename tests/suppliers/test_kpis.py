"""Orders recorded and imported (all or nothing), and the KPIs computed from them: on-time share,
defect rate, lead time, price, before/after the diagnostic, the programme, the price trend and the
sales to other customers. Every figure worked out by hand in the comments."""

import io
from datetime import date
from decimal import Decimal as D

import pytest
from tests.suppliers.conftest import scores

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.registry.importing.errors import ImportRejected
from triplec.suppliers.models import Order
from triplec.suppliers.services import diagnostics, kpis, orders

pytestmark = pytest.mark.django_db
D_DAY = date(2026, 3, 1)  # the supplier's diagnostic

ROWS = [  # reference, ordered, promised, delivered, quantity, defective, price
    ("B0", date(2025, 11, 10), date(2025, 11, 20), date(2025, 11, 20), 100, 10, "9.80"),   # on time, lead 10
    ("B1", date(2026, 1, 20), date(2026, 2, 3), date(2026, 2, 5), 100, 8, "10.00"),        # late, lead 16
    ("B2", date(2026, 2, 1), date(2026, 2, 15), date(2026, 2, 15), 100, 4, "10.50"),       # on time, lead 14
    ("A1", date(2026, 3, 10), date(2026, 3, 20), date(2026, 3, 19), 200, 2, "10.20"),      # on time, lead 9
    ("A2", date(2026, 4, 1), date(2026, 4, 10), date(2026, 4, 10), 100, 1, "10.05"),       # on time, lead 9
    ("A3", date(2026, 5, 1), date(2026, 5, 10), None, 50, 0, "10.00"),                     # not delivered yet
]


@pytest.fixture
def history(shoes):
    for ref, ordered, promised, delivered, quantity, defective, price in ROWS:
        orders.record_order(shoes.staff, shoes.supplier, reference=ref, ordered_on=ordered, promised_on=promised,
                            delivered_on=delivered, quantity=quantity, defective=defective, unit_price=price)
    orders.record_order(shoes.staff, shoes.homeworker, reference="H1", ordered_on=date(2026, 2, 10),
                        promised_on=date(2026, 2, 20), delivered_on=date(2026, 2, 25), quantity=10, defective=1,
                        unit_price="5.00")  # late, lead 15
    diagnostics.record_diagnostic(shoes.admin, shoes.supplier, carried_out_on=D_DAY, consultant="C", cost="0",
                                  scores=scores())
    return shoes


def test_before_and_after_the_diagnostic_for_one_supplier(history):
    view = kpis.supplier_kpis(history.supplier)
    assert view.since == D_DAY
    before, after = view.before, view.after
    # Before: B0, B1, B2: 2 of 3 on time; 22 defective of 300; lead (10+16+14)/3; price 3030.00/300.
    assert (before.orders, before.delivered, before.on_time_share) == (3, 3, pytest.approx(2 / 3))
    assert before.defect_rate == pytest.approx(22 / 300)
    assert before.mean_lead_days == pytest.approx(40 / 3)
    assert (before.mean_price, before.value) == (D("10.1000"), D("3030.00"))
    # After: A1, A2 delivered on time; A3 counts for price only: 3 defective of 300; lead 9;
    # price (2040.00 + 1005.00 + 500.00) / 350 = 10.128571... -> 10.1286.
    assert (after.orders, after.delivered, after.on_time_share) == (3, 2, 1.0)
    assert after.defect_rate == pytest.approx(3 / 300)
    assert after.mean_lead_days == 9.0
    assert (after.mean_price, after.value) == (D("10.1286"), D("3545.00"))


def test_the_programme_splits_each_supplier_at_its_own_diagnostic(history):
    view = kpis.programme_kpis(history.programme)
    # The homeworker has no diagnostic: its order H1 is "before" with B0-B2.
    assert (view.before.orders, view.before.delivered) == (4, 4)
    assert view.before.on_time_share == pytest.approx(2 / 4)
    assert view.before.defect_rate == pytest.approx(23 / 310)
    assert view.before.mean_lead_days == pytest.approx((10 + 16 + 14 + 15) / 4)
    assert view.before.value == D("3080.00")
    assert view.after == kpis.supplier_kpis(history.supplier).after
    assert kpis.supplier_kpis(history.homeworker).since is None


def test_price_trend_by_year_and_spillover(history):
    assert kpis.price_by_year(history.supplier.orders.all()) == {2025: D("9.8000"), 2026: D("10.1727")}  # 5595/550
    me = history.world.users["enterprise-user"]
    orders.record_other_sales(me, history.supplier, year=2025, amount="5000.00", customers=3)
    orders.record_other_sales(me, history.supplier, year=2026, amount="7000.00", customers=4)
    orders.record_other_sales(me, history.supplier, year=2026, amount="8000.00", customers=5)  # replaced
    rows = kpis.spillover(history.supplier)
    assert [(r.year, r.to_buyer, r.to_others, r.customers) for r in rows] == [
        (2025, D("980.00"), D("5000.00"), 3), (2026, D("5595.00"), D("8000.00"), 5)]
    assert rows[1].others_share == pytest.approx(8000 / 13595)
    with pytest.raises(PermissionDenied):
        orders.record_other_sales(history.world.users["other-enterprise-user"], history.supplier, year=2026,
                                  amount="1.00")


def test_an_order_is_checked(shoes):
    good = dict(reference="X", ordered_on=date(2026, 3, 1), promised_on=date(2026, 3, 5), quantity=10,
                unit_price="2.00")
    with pytest.raises(ValidationFailed, match="promised delivery date comes after"):
        orders.record_order(shoes.staff, shoes.supplier, **{**good, "promised_on": date(2026, 2, 1)})
    with pytest.raises(ValidationFailed, match="No more defective"):
        orders.record_order(shoes.staff, shoes.supplier, **good, defective=11)
    with pytest.raises(ValidationFailed, match="positive amount in cents"):
        orders.record_order(shoes.staff, shoes.supplier, **{**good, "unit_price": "0"})
    with pytest.raises(PermissionDenied):
        orders.record_order(shoes.world.users["other-buyer-staff"], shoes.supplier, **good)
    with pytest.raises(PermissionDenied):
        orders.record_order(shoes.world.users["enterprise-user"], shoes.supplier, **good)
    order = orders.record_order(shoes.staff, shoes.supplier, **good)
    with pytest.raises(ValidationFailed, match="already has an order X"):
        orders.record_order(shoes.staff, shoes.supplier, **good)
    orders.record_delivery(shoes.staff, order, delivered_on=date(2026, 3, 6), defective=1)
    order.refresh_from_db()
    assert (order.on_time, order.lead_days, order.defective) == (False, 5, 1)


CSV_HEADER = "supplier;reference;order_date;promised_date;delivered_date;quantity;defective;unit_price\n"


def test_import_csv_takes_every_row(shoes):
    nid = shoes.world.ent_a1.national_id
    data = (CSV_HEADER + f"{nid};I1;2026-03-01;2026-03-10;2026-03-09;100;2;10,25\n"
            "Maria das Dores;I2;2026-03-02;2026-03-12;;20;0;4,90\n").encode()
    made = orders.import_orders(shoes.staff, shoes.programme, data, filename="orders.csv")
    assert [(o.supplier, o.reference, o.unit_price, o.delivered_on) for o in made] == [
        (shoes.supplier, "I1", D("10.25"), date(2026, 3, 9)), (shoes.homeworker, "I2", D("4.90"), None)]


def test_import_with_one_bad_row_writes_nothing_and_names_row_field_and_reason(shoes):
    nid = shoes.world.ent_a1.national_id
    data = (CSV_HEADER + f"{nid};I1;2026-03-01;2026-03-10;2026-03-09;100;2;10,25\n"
            f"{nid};I2;2026-03-05;2026-03-01;;20;0;4,90\n"
            "Nobody;I3;2026-13-01;2026-03-12;;20;30;abc\n"
            f"{nid};I1;2026-03-01;2026-03-10;;5;0;1\n").encode()
    with pytest.raises(ImportRejected) as rejected:
        orders.import_orders(shoes.staff, shoes.programme, data, filename="orders.csv")
    errors = {(e.row, e.field) for e in rejected.value.preview.errors}
    assert errors == {(3, "promised_date"), (4, "supplier"), (4, "order_date"), (4, "unit_price"),
                      (5, "reference")}
    reasons = {(e.row, e.field): e.reason for e in rejected.value.preview.errors}
    assert "no supplier Nobody" in reasons[(4, "supplier")]
    assert "already has an order I1" in reasons[(5, "reference")]
    assert not Order.objects.exists()


def test_import_xlsx_and_missing_columns(shoes):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["supplier", "reference", "order_date", "promised_date", "delivered_date", "quantity", "defective",
                  "unit_price"])
    sheet.append([str(shoes.supplier.pk), "X1", date(2026, 3, 1), date(2026, 3, 10), date(2026, 3, 12), 40, 1, 7.35])
    buffer = io.BytesIO()
    book.save(buffer)
    (order,) = orders.import_orders(shoes.staff, shoes.programme, buffer.getvalue(), filename="o.xlsx")
    assert (order.reference, order.unit_price, order.on_time, order.lead_days) == ("X1", D("7.35"), False, 11)
    with pytest.raises(ImportRejected, match="missing columns: quantity"):
        orders.import_orders(shoes.staff, shoes.programme,
                             b"supplier,reference,order_date,promised_date,unit_price\n1,a,2026-01-01,2026-01-02,1\n",
                             filename="o.csv")
    with pytest.raises(PermissionDenied):
        orders.import_orders(shoes.world.users["other-buyer-staff"], shoes.programme, buffer.getvalue())
