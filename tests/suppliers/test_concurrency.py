"""Two buyer's staff send the same order file, and the same order, at the same moment: each order is
imported once, the other sender is told it is already there. A diagnostic's cost charged at once from
several threads is posted once. PostgreSQL only (SQLite serialises writers)."""

from datetime import date

import pytest
from django.db import connection
from tests import threads
from tests.suppliers.conftest import scores

from triplec.core.errors import ValidationFailed
from triplec.ledger.models import Transaction
from triplec.suppliers.models import Cost, Order
from triplec.suppliers.services import costs, diagnostics, orders

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL; SQLite serialises writers (IMMEDIATE transactions)")


def run_together(work) -> list:
    return threads.run_together(work, refusals={ValidationFailed: "refused"})


def test_the_same_file_sent_at_once_is_imported_once(shoes):
    data = ("supplier,reference,order_date,promised_date,quantity,unit_price\n"
            f"{shoes.supplier.pk},R1,2026-03-01,2026-03-10,10,2.50\n"
            f"{shoes.supplier.pk},R2,2026-03-02,2026-03-10,10,2.50\n").encode()
    outcomes = run_together(lambda n, r: len(orders.import_orders(shoes.staff, shoes.programme, data,
                                                                  filename="o.csv")))
    assert sorted(outcomes, key=str) == [2, "refused", "refused", "refused"]
    assert Order.objects.count() == 2


def test_the_same_order_recorded_at_once_is_kept_once(shoes):
    outcomes = run_together(lambda n, r: orders.record_order(
        shoes.staff, shoes.supplier, reference="R1", ordered_on=date(2026, 3, 1), promised_on=date(2026, 3, 9),
        quantity=5, unit_price="1.00").pk)
    assert len([o for o in outcomes if o != "refused"]) == 1
    assert Order.objects.count() == 1


def test_a_cost_charged_at_once_is_posted_once(shoes):
    d = diagnostics.record_diagnostic(shoes.admin, shoes.supplier, carried_out_on=date(2026, 2, 3), consultant="C",
                                      cost="80.00", scores=scores())
    before = Transaction.objects.count()
    outcomes = run_together(lambda n, r: costs.charge_diagnostic(shoes.admin, d).pk)
    assert len(set(outcomes)) == 1 and Cost.objects.count() == 1
    assert Transaction.objects.count() == before
