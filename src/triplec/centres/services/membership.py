"""Subscriptions: a firm's year of membership of a centre, at the yearly fee of its size class."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.registry.models import SizeClass

from .. import policy
from ..models import Centre, Subscription, SubscriptionFee
from . import money
from .common import refuse, today


def one_year_from(start: date) -> date:
    """The last day of a year's membership starting on `start` (29 February starts end on 28 February)."""
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:
        return date(start.year + 1, 3, 1) - timedelta(days=1)


def fee_for(centre: Centre, enterprise) -> SubscriptionFee:
    size = enterprise.size_class
    fee = SubscriptionFee.objects.filter(centre=centre, size_class=size).first()
    if fee is None:
        refuse("enterprise", _("The centre has no yearly fee for %(size)s firms.")
               % {"size": SizeClass(size).label.lower()})
    return fee


def subscribe(user, centre: Centre, enterprise, starts_on: date | None = None) -> Subscription:
    """One year of membership from `starts_on`, charged at the fee of the firm's size class today.
    A firm has at most one subscription to a centre at any date (the centre's row is locked while the
    service checks, so two requests at once make one)."""
    require(policy.can_act_for_firm, user, centre, enterprise)
    starts_on = today(starts_on)
    ends_on = one_year_from(starts_on)
    with transaction.atomic():
        Centre.objects.select_for_update().get(pk=centre.pk)
        if Subscription.objects.filter(centre=centre, enterprise=enterprise, starts_on__lte=ends_on,
                                       ends_on__gte=starts_on).exists():
            refuse("starts_on", _("%(firm)s is already a member of the centre during that year.")
                   % {"firm": enterprise})
        fee = fee_for(centre, enterprise)
        subscription = Subscription.objects.create(centre=centre, enterprise=enterprise, starts_on=starts_on,
                                                   ends_on=ends_on, size_class=fee.size_class, fee=fee.yearly_fee)
        if fee.yearly_fee:
            subscription.transaction = money.charge_firm(
                centre, enterprise, fee.yearly_fee, money.SUBSCRIPTIONS, f"centres:subscription:{subscription.pk}",
                user=user, on=starts_on, memo=_("Yearly membership of %(centre)s") % {"centre": centre})
            subscription.save(update_fields=["transaction"])
        return subscription


def current_subscription(centre: Centre, enterprise, on: date | None = None) -> Subscription | None:
    return Subscription.objects.filter(Subscription.current_q(today(on)), centre=centre,
                                       enterprise=enterprise).first()


def renew(user, centre: Centre, enterprise, on: date | None = None) -> Subscription:
    """Another year for a firm that was a member: from the day after its last membership ends, or from
    `on` (today) when that membership has lapsed; once ahead at most. A firm that never was a member
    subscribes instead."""
    require(policy.can_act_for_firm, user, centre, enterprise)
    on = today(on)
    last = Subscription.objects.filter(centre=centre, enterprise=enterprise).order_by("-ends_on").first()
    if last is None:
        refuse("enterprise", _("%(firm)s has no membership to renew; subscribe instead.") % {"firm": enterprise})
    if last.starts_on > on:
        refuse("starts_on", _("%(firm)s has already renewed, until %(ends)s.")
               % {"firm": enterprise, "ends": last.ends_on.isoformat()})
    return subscribe(user, centre, enterprise, starts_on=max(on, last.ends_on + timedelta(days=1)))


def status(subscription: Subscription, on: date | None = None) -> str:
    """"current", "coming" (starts later) or "lapsed" (ended) on `on` (today)."""
    on = today(on)
    if subscription.ends_on < on:
        return "lapsed"
    return "coming" if subscription.starts_on > on else "current"
