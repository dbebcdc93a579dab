"""Equipment bookings that never overlap, concurrent requests included.

The equipment's row is locked (`select_for_update`) while the service checks for an overlapping live
booking and writes; on SQLite writers are serialised anyway (IMMEDIATE transactions). On PostgreSQL
an exclusion constraint (migration 0002) refuses an overlap whoever writes, and its refusal is turned
into the same message here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.ledger import services as ledger

from .. import policy
from ..models import Booking, Service, Usage
from . import money, slots
from .common import cents, refuse

MAX_HOURS = 12


def _overlap_refusal(equipment):
    refuse("starts_at", _("%(equipment)s is already booked for part of that time.") % {"equipment": equipment})


def rate_for(equipment: Service, enterprise, on) -> tuple[Decimal, bool]:
    """The hourly rate the firm pays, and whether it is the member's."""
    if policy.is_member(equipment.centre, enterprise, on):
        return equipment.member_price, True
    if equipment.non_member_price is None:
        refuse("enterprise", _("%(service)s is for the centre's members only.") % {"service": equipment})
    return equipment.non_member_price, False


def price_of(rate: Decimal, starts_at: datetime, ends_at: datetime) -> Decimal:
    seconds = Decimal(int((ends_at - starts_at).total_seconds()))
    return cents(rate * seconds / 3600)


def book(user, equipment: Service, enterprise, starts_at: datetime, ends_at: datetime, *,
         now: datetime | None = None) -> Booking:
    """Reserve `equipment` for `enterprise` from `starts_at` to `ends_at` (end excluded), charged per
    hour at the member's or the non-member's rate, with a usage record."""
    centre = equipment.centre
    require(policy.can_act_for_firm, user, centre, enterprise)
    if not equipment.is_equipment or not equipment.active:
        refuse("equipment", _("Only shared equipment on offer can be booked."))
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        refuse("starts_at", _("Give the time with its time zone."))
    if ends_at <= starts_at:
        refuse("ends_at", _("The booking must end after it starts."))
    if (ends_at - starts_at).total_seconds() > MAX_HOURS * 3600:
        refuse("ends_at", _("A booking lasts at most %(hours)s hours.") % {"hours": MAX_HOURS})
    if starts_at < (now or timezone.now()):
        refuse("starts_at", _("A booking cannot start in the past."))
    if (closed := slots.outside_hours(equipment, starts_at, ends_at)) is not None:
        refuse("starts_at", closed)
    rate, member_rate = rate_for(equipment, enterprise, starts_at.date())
    with transaction.atomic():
        Service.objects.select_for_update().get(pk=equipment.pk)
        if Booking.objects.filter(equipment=equipment, cancelled_at__isnull=True, starts_at__lt=ends_at,
                                  ends_at__gt=starts_at).exists():
            _overlap_refusal(equipment)
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    equipment=equipment, enterprise=enterprise, starts_at=starts_at, ends_at=ends_at,
                    price=price_of(rate, starts_at, ends_at), member_rate=member_rate,
                    booked_by=user if getattr(user, "is_authenticated", False) else None)
        except IntegrityError:  # the PostgreSQL exclusion constraint: a writer that bypassed the lock
            _overlap_refusal(equipment)
        if booking.price:
            booking.transaction = money.charge_firm(
                centre, enterprise, booking.price, money.FEES, f"centres:booking:{booking.pk}", user=user,
                on=timezone.localdate(starts_at), memo=_("Booking of %(equipment)s") % {"equipment": equipment})
            booking.save(update_fields=["transaction"])
        Usage.objects.create(centre=centre, service=equipment, kind=Usage.Kind.BOOKING, enterprise=enterprise,
                             user=booking.booked_by, booking=booking,
                             quantity=cents(Decimal(int((ends_at - starts_at).total_seconds())) / 3600),
                             charge=booking.price, transaction=booking.transaction)
        return booking


def cancel(user, booking: Booking, *, now: datetime | None = None) -> Booking:
    """Cancel a booking before it starts; its charge is reversed on the ledger (refunded in full)."""
    require(policy.can_act_for_firm, user, booking.equipment.centre, booking.enterprise)
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.cancelled_at is not None:
            return booking
        if booking.starts_at <= (now or timezone.now()):
            refuse("__all__", _("A booking can be cancelled only before it starts."))
        if booking.transaction_id:
            ledger.reverse(booking.transaction, idempotency_key=f"centres:booking:{booking.pk}:cancelled",
                           memo=_("Booking cancelled"), by=user if getattr(user, "is_authenticated", False) else None)
        booking.cancelled_at = now or timezone.now()
        booking.save(update_fields=["cancelled_at"])
        return booking
