"""What a fair brought a firm: buyers and agents met, orders traced to the fair, follow-ups at 3, 6
and 12 months with reminders, and the repeat participations the firms paid themselves (the
cumulative C of Triple C: a firm that comes back at its own cost found the fair worth it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triplec.accounts.policy import require
from triplec.core.records import save_validated
from triplec.ledger.services import input_currency
from triplec.registry.models import BUYER_KINDS, Organisation

from .. import policy
from ..models import Contact, FollowUp, Order, Participation
from .common import money_of, refuse, today

REMINDER_DAYS = 14  # a follow-up shows as due this many days before its date


def record_contact(user, participation: Participation, *, country: str, buyer: Organisation | None = None,
                   person: str = "", company: str = "", is_agent: bool = False, note: str = "") -> Contact:
    """A buyer or agent met at the fair: a register organisation of a buyer kind, or a named person."""
    require(policy.can_follow_up, user, participation)
    if buyer is not None and buyer.kind not in BUYER_KINDS:
        refuse("buyer", _("%(name)s is not a buyer or agent in the register.") % {"name": buyer.name})
    if buyer is None and not person.strip():
        refuse("person", _("Name the buyer: a register organisation or a person."))
    contact = Contact(participation=participation, buyer=buyer, person=person.strip(), company=company,
                      country=(country or (buyer.country if buyer else "")).upper(), is_agent=is_agent, note=note)
    save_validated(contact, user)
    return contact


def record_order(user, contact: Contact, *, value, currency: str, ordered_on: date, note: str = "") -> Order:
    """An order from a buyer met at the fair, placed on or after the fair's first day."""
    participation = contact.participation
    require(policy.can_follow_up, user, participation)
    currency = input_currency(currency)
    if ordered_on < participation.fair.starts_on:
        refuse("ordered_on", _("An order traced to the fair is placed on or after its first day (%(day)s).")
               % {"day": participation.fair.starts_on.isoformat()})
    order = Order(participation=participation, contact=contact, value=money_of("value", value), currency=currency,
                  ordered_on=ordered_on, note=note)
    save_validated(order, user)
    return order


def complete_follow_up(user, follow_up: FollowUp, *, note: str = "", on: date | None = None) -> FollowUp:
    require(policy.can_follow_up, user, follow_up.participation)
    if follow_up.done_on is not None:
        refuse("follow_up", _("This follow-up was already done on %(day)s.") % {"day": follow_up.done_on.isoformat()})
    follow_up.done_on, follow_up.note = today(on), note
    save_validated(follow_up, user)
    return follow_up


class FollowUpState:
    DONE = "done"
    OVERDUE = "overdue"
    DUE = "due"
    LATER = "later"
    LABELS = {DONE: gettext_lazy("Done"), OVERDUE: gettext_lazy("Overdue"), DUE: gettext_lazy("Due"),
              LATER: gettext_lazy("Later")}


def state_of(follow_up: FollowUp, on: date | None = None) -> str:
    day = today(on)
    if follow_up.done_on is not None:
        return FollowUpState.DONE
    if follow_up.due_on < day:
        return FollowUpState.OVERDUE
    if follow_up.due_on <= day + timedelta(days=REMINDER_DAYS):
        return FollowUpState.DUE
    return FollowUpState.LATER


def follow_ups_due(user, on: date | None = None) -> QuerySet:
    """The user's open follow-ups that are due within REMINDER_DAYS or overdue, oldest first."""
    day = today(on)
    return (policy.visible_follow_ups(user).filter(done_on__isnull=True, participation__cancelled_on__isnull=True,
                                                   due_on__lte=day + timedelta(days=REMINDER_DAYS))
            .select_related("participation__fair", "participation__enterprise").order_by("due_on", "id"))


def follow_ups_to_remind(on: date | None = None) -> QuerySet:
    day = today(on)
    return FollowUp.objects.filter(done_on__isnull=True, reminded_on__isnull=True,
                                   participation__cancelled_on__isnull=True,
                                   due_on__lte=day + timedelta(days=REMINDER_DAYS))


def self_paid_repeats(enterprise_ids=None) -> dict[int, int]:
    """Per firm: its paid participations with no subsidy that came after an earlier participation of
    the firm (at a fair that started before)."""
    earlier = Participation.objects.filter(enterprise_id=OuterRef("enterprise_id"),
                                           fair__starts_on__lt=OuterRef("fair__starts_on"))
    qs = Participation.objects.filter(transaction__isnull=False, subsidy=0, cost__gt=0).filter(Exists(earlier))
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    return dict(qs.order_by().values_list("enterprise_id").annotate(n=Count("id")))


def self_paid_repeat_q() -> ExpressionWrapper:
    """`is_self_paid_repeat` as a condition on participations, to annotate many at once."""
    earlier = Participation.objects.filter(enterprise_id=OuterRef("enterprise_id"),
                                           fair__starts_on__lt=OuterRef("fair__starts_on"))
    return ExpressionWrapper(Q(transaction__isnull=False, subsidy=0, cost__gt=0) & Exists(earlier),
                             output_field=BooleanField())


def is_self_paid_repeat(participation: Participation) -> bool:
    return (participation.paid and participation.subsidy == 0 and participation.cost > 0
            and Participation.objects.filter(enterprise_id=participation.enterprise_id,
                                             fair__starts_on__lt=participation.fair.starts_on).exists())


@dataclass(frozen=True)
class OrderTotal:
    currency: str
    value: Decimal
    count: int


def orders_by_currency(orders) -> list[OrderTotal]:
    totals: dict[str, list] = {}
    for order in orders:
        row = totals.setdefault(order.currency, [Decimal(0), 0])
        row[0] += order.value
        row[1] += 1
    return [OrderTotal(c, v, n) for c, (v, n) in sorted(totals.items())]
