"""The demo centre loads on the register's demo, through the services: catalogue with the CAD/CAM
station, members, bookings, publications, the exchange and ten years of finance in which the public
share falls from 100% to 30% (labelled as an illustration); twice changes nothing."""

from decimal import Decimal

import pytest
from django.utils import timezone

from triplec.accounts.models import User
from triplec.centres import policy
from triplec.centres.demo import load_demo_centres
from triplec.centres.models import Booking, Subscription
from triplec.centres.services import exchange, money
from triplec.ledger.models import Transaction

pytestmark = pytest.mark.slow


def test_demo_centre_on_the_register_demo(db, settings, tmp_path):
    from triplec.registry.demo import DEMO_PASSWORD, DemoSummary, load_illustrative

    settings.MEDIA_ROOT = tmp_path
    load_illustrative(DemoSummary())
    admin = User.objects.get(username="admin")
    centre = load_demo_centres(admin, DEMO_PASSWORD)
    counts = (Transaction.objects.count(), Booking.objects.count())
    assert load_demo_centres(admin, DEMO_PASSWORD) is None
    assert (Transaction.objects.count(), Booking.objects.count()) == counts

    assert centre.catalogue.filter(kind="equipment", code="cadcam").exists()
    assert Subscription.objects.filter(centre=centre).count() == 13
    assert Booking.objects.filter(equipment__centre=centre).count() == 5
    assert centre.catalogue.get(code="trends").publications.count() == 2
    years = money.finance_by_year(centre)
    this_year = timezone.localdate().year
    past = [y for y in years if y.year < this_year]
    assert [y.year for y in past] == list(range(this_year - 10, this_year))
    assert (past[0].public_share, past[-1].public_share) == (Decimal(1), Decimal("0.3"))
    assert past[-1].total == Decimal("670000.00")
    staff = User.objects.get(username="centre")
    assert policy.visible_centres(staff).get() == centre
    member = User.objects.get(username="enterprise")
    assert policy.is_member(centre, member.enterprise)
    need = centre.exchange.filter(kind="need").first()
    assert exchange.matches_for(staff, need)
