"""Four threads, each with its own database connection, book one equipment slot at the same moment:
one wins, the others are refused, and the ledger charges once. The equipment's row is locked while
the service checks; on PostgreSQL the exclusion constraint (migration 0002) also refuses an
overlapping row written past the service. PostgreSQL only: SQLite serialises every writer."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from tests import threads
from tests.centres.conftest import slot
from tests.conftest import cnpj, make_enterprise

from triplec.centres.models import Booking, Subscription
from triplec.centres.services import bookings, membership, money
from triplec.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL; SQLite serialises writers (IMMEDIATE transactions)")


def run_together(work, rounds=1) -> list:
    return threads.run_together(work, rounds=rounds, refusals={ValidationFailed: "refused"})


def test_two_bookings_of_one_slot_at_the_same_moment_one_wins(citer):
    firms = [make_enterprise(legal_name=f"Race {n}", national_id=cnpj(91000000 + n)) for n in range(4)]
    start, end = slot(4, 10)
    outcomes = run_together(lambda n, r: bookings.book(citer.staff, citer.cadcam, firms[n],
                                                       start + timedelta(minutes=30 * n), end).pk)
    assert len([o for o in outcomes if o != "refused"]) == 1, outcomes
    (winner,) = Booking.objects.filter(equipment=citer.cadcam)
    assert money.income(citer.centre)["fees"] == winner.price > 0


def test_the_database_refuses_an_overlap_written_past_the_service(citer):
    start, end = slot(4, 10)
    bookings.book(citer.staff, citer.cadcam, citer.world.ent_a1, start, end)
    with pytest.raises(IntegrityError, match="centres_booking_no_overlap"), transaction.atomic():
        Booking.objects.create(equipment=citer.cadcam, enterprise=citer.world.ent_b1, price=Decimal(1),
                               starts_at=start + timedelta(hours=1), ends_at=end + timedelta(hours=1))
    cancelled = Booking.objects.create(equipment=citer.cadcam, enterprise=citer.world.ent_b1, price=Decimal(1),
                                       starts_at=start, ends_at=end, cancelled_at=start)  # not live: allowed
    assert cancelled.pk


def test_a_firm_subscribing_twice_at_the_same_moment_is_charged_once(citer):
    firm = citer.world.ent_b1
    outcomes = run_together(lambda n, r: membership.subscribe(citer.staff, citer.centre, firm).pk)
    assert len([o for o in outcomes if o != "refused"]) == 1, outcomes
    assert Subscription.objects.filter(enterprise=firm).count() == 1
    assert money.paid_by_firm(citer.centre, firm) == Decimal("2400.00")
