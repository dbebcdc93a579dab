"""Hypothesis state machine of a centre: under any sequence of subscriptions, bookings (overlapping
ones attempted), cancellations, paid uses and public grants, checked against a model kept here:

- no two live bookings of the equipment ever overlap, and a booking is refused exactly when the
  model says it overlaps;
- the books balance: every posting on the centre's accounts sums to zero, and the income by source
  (public, subscriptions, fees) and each firm's payments are exactly what the model computed by hand.
"""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tests.centres.conftest import FEES, make_centre
from tests.conftest import cnpj, make_enterprise

from triplec.centres.models import Booking
from triplec.centres.services import bookings, catalogue, membership, money, usage
from triplec.core.errors import ValidationFailed
from triplec.ledger.models import Entry

RUN = itertools.count()
MACHINE_SETTINGS = settings(max_examples=15, stateful_step_count=25, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
EMPLOYEES = (3, 12, 80)  # micro, small, medium
MEMBER_RATE, OTHER_RATE = Decimal("40.00"), Decimal("90.00")
NOTE_MEMBER, NOTE_OTHER = Decimal("15.00"), Decimal("35.00")


class CentreMachine(RuleBasedStateMachine):
    world = None  # set by the test

    def __init__(self):
        super().__init__()
        n = next(RUN)
        self.admin = self.world.users["agency-admin"]
        self.centre = make_centre(self.admin, f"Machine centre {n}")
        for size, fee in FEES.items():
            catalogue.set_fee(self.admin, self.centre, size, fee)
        self.cadcam = catalogue.add_service(self.admin, self.centre, code="cadcam", name="CAD/CAM", kind="equipment",
                                            member_price=MEMBER_RATE, non_member_price=OTHER_RATE)
        self.note = catalogue.add_service(self.admin, self.centre, code="note", name="Note", kind="technical-note",
                                          member_price=NOTE_MEMBER, non_member_price=NOTE_OTHER)
        self.firms = [make_enterprise(legal_name=f"SM{n}-{i}", national_id=cnpj(60000000 + n * 10 + i),
                                      employees=e) for i, e in enumerate(EMPLOYEES)]
        self.members = set()
        self.live = {}  # booking pk -> (start, end, firm index, price)
        self.public = self.subscriptions = self.fees = Decimal(0)
        self.paid = [Decimal(0)] * len(self.firms)
        self.grants = 0
        day = timezone.localdate() + timedelta(days=2)
        self.day_start = timezone.make_aware(datetime(day.year, day.month, day.day, 8))

    @rule(firm=st.integers(0, 2))
    def subscribe(self, firm):
        if firm in self.members:
            with pytest.raises(ValidationFailed):
                membership.subscribe(self.admin, self.centre, self.firms[firm])
            return
        sub = membership.subscribe(self.admin, self.centre, self.firms[firm])
        fee = Decimal(FEES[("micro", "small", "medium")[firm]])
        assert sub.fee == fee
        self.members.add(firm)
        self.subscriptions += fee
        self.paid[firm] += fee

    @rule(firm=st.integers(0, 2), half_hour=st.integers(0, 20), halves=st.integers(1, 8))
    def book(self, firm, half_hour, halves):
        start = self.day_start + timedelta(minutes=30 * half_hour)
        end = start + timedelta(minutes=30 * halves)
        clash = any(s < end and start < e for s, e, _f, _p in self.live.values())
        if clash:
            with pytest.raises(ValidationFailed, match="already booked"):
                bookings.book(self.admin, self.cadcam, self.firms[firm], start, end)
            return
        made = bookings.book(self.admin, self.cadcam, self.firms[firm], start, end)
        price = (MEMBER_RATE if firm in self.members else OTHER_RATE) * halves / 2
        assert made.price == price
        self.live[made.pk] = (start, end, firm, price)
        self.fees += price
        self.paid[firm] += price

    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def cancel(self, data):
        pk = data.draw(st.sampled_from(sorted(self.live)))
        bookings.cancel(self.admin, Booking.objects.get(pk=pk))
        _s, _e, firm, price = self.live.pop(pk)
        self.fees -= price
        self.paid[firm] -= price

    @rule(firm=st.integers(0, 2), quantity=st.integers(1, 5))
    def use_note(self, firm, quantity):
        used = usage.record_use(self.admin, self.note, self.firms[firm], quantity=quantity)
        charge = (NOTE_MEMBER if firm in self.members else NOTE_OTHER) * quantity
        assert used.charge == charge
        self.fees += charge
        self.paid[firm] += charge

    @rule(amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2))
    def grant(self, amount):
        self.grants += 1
        money.record_public_funds(self.admin, self.centre, self.world.agency, amount, f"g{self.grants}")
        self.public += amount

    @invariant()
    def bookings_never_overlap(self):
        live = list(Booking.objects.filter(equipment=self.cadcam, cancelled_at__isnull=True).order_by("starts_at"))
        assert {b.pk for b in live} == set(self.live)
        for before, after in itertools.pairwise(live):
            assert before.ends_at <= after.starts_at

    @invariant()
    def books_balance(self):
        total = Entry.objects.filter(account__code__startswith=f"centres:{self.centre.pk}:").aggregate(
            s=Sum("units"))["s"]
        assert (total or 0) == 0
        assert money.income(self.centre) == {"public": self.public, "subscriptions": self.subscriptions,
                                             "fees": self.fees}
        assert [money.paid_by_firm(self.centre, f) for f in self.firms] == self.paid
        years = money.finance_by_year(self.centre)
        assert sum((y.total for y in years), Decimal(0)) == self.public + self.subscriptions + self.fees


@pytest.mark.django_db
def test_no_sequence_of_centre_events_double_books_or_unbalances_the_books(world):
    CentreMachine.world = world
    run_state_machine_as_test(CentreMachine, settings=MACHINE_SETTINGS)
