"""The demo supplier programme loads on the register's demo through the services: the large buyer's
consent, five firms and a homeworker, a year of orders whose KPIs improve after the diagnostic, costs
shared half and half on the ledger; twice changes nothing."""

from decimal import Decimal

import pytest

from triplec.accounts.models import User
from triplec.ledger.models import Transaction
from triplec.suppliers import policy
from triplec.suppliers.demo import PROGRAMME, load_demo_suppliers
from triplec.suppliers.models import Order, Programme
from triplec.suppliers.services import costs, kpis

pytestmark = pytest.mark.slow


def test_demo_programme_on_the_joinville_buyer(db):
    from triplec.registry.demo import DEMO_PASSWORD, DemoSummary, load_illustrative

    load_illustrative(DemoSummary())
    admin = User.objects.get(username="admin")
    assert load_demo_suppliers(admin, DEMO_PASSWORD) == 6
    counts = (Order.objects.count(), Transaction.objects.count())
    assert load_demo_suppliers(admin, DEMO_PASSWORD) == 0
    assert (Order.objects.count(), Transaction.objects.count()) == counts == (72, 8)

    programme = Programme.objects.get(name=PROGRAMME)
    assert programme.consented and programme.suppliers.filter(enterprise__isnull=True).count() == 1
    b = costs.programme_balances(programme)
    # Six diagnostics of 3800.00 and sessions of 2400.00 and 1750.00, half each.
    assert (b.spent, b.agency, b.buyer, b.suppliers) == (Decimal("26950.00"), Decimal("13475.00"),
                                                         Decimal("13475.00"), Decimal(0))
    overall = kpis.programme_kpis(programme)
    assert overall.after.on_time_share > overall.before.on_time_share
    assert overall.after.defect_rate < overall.before.defect_rate
    buyer, supplier = User.objects.get(username="buyer"), User.objects.get(username="supplier")
    assert list(policy.visible_programmes(buyer)) == [programme]
    assert policy.visible_suppliers(supplier).count() == 1
    assert policy.visible_programmes(User.objects.get(username="enterprise")).count() == 0
