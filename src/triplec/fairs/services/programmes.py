"""Programmes and their subsidy rules, fairs, group stands, and signing firms up."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.months import add_months
from triplec.core.records import save_validated
from triplec.ledger.services import input_currency
from triplec.networks.models import NetworkMember, active_members_q
from triplec.registry.models import ASSOCIATION_KINDS, Enterprise, Membership, Organisation

from .. import policy
from ..models import CostSharing, Fair, FollowUp, GroupStand, Participation, Programme, Scope
from .common import ZERO, cents, decimal_of, money_of, refuse, share_text, split_in_cents, today

FOLLOW_UP_MONTHS = (3, 6, 12)
SHARE_FIELDS = ("share_micro", "share_small", "share_medium", "share_large", "group_extra_share", "repeat_step")
FAIR_FIELDS = ("name", "organiser", "place", "country", "starts_on", "ends_on", "sectors", "scope", "distant",
               "latitude", "longitude")


def create_programme(user, *, name: str, currency: str, yearly_cap=None, distant_km=None, **shares) -> Programme:
    """A fairs programme. `shares`: any of SHARE_FIELDS as decimal strings (fractions of 1)."""
    require(policy.can_manage_programmes, user)
    programme = Programme(name=name)
    _set_rules(programme, currency=currency, yearly_cap=yearly_cap, distant_km=distant_km, **shares)
    save_validated(programme, user)
    return programme


def update_programme(user, programme: Programme, *, name: str, currency: str, yearly_cap=None, distant_km=None,
                     **shares) -> Programme:
    """The programme's name and rules changed. Payments made keep the subsidy and explanation they had;
    the currency is fixed once a cost was paid (the ledger's accounts are in it)."""
    require(policy.can_manage_programmes, user)
    programme = Programme.objects.get(pk=programme.pk)
    if (currency or "").upper() != programme.currency and Participation.objects.filter(
            fair__programme=programme, transaction__isnull=False).exists():
        refuse("currency", _("Costs were paid in %(currency)s: the programme's currency cannot change now.")
               % {"currency": programme.currency})
    programme.name = name
    _set_rules(programme, currency=currency, yearly_cap=yearly_cap, distant_km=distant_km, **shares)
    save_validated(programme, user)
    return programme


def _set_rules(programme: Programme, *, currency: str, yearly_cap, distant_km, **shares) -> None:
    programme.currency = input_currency(currency)
    for field, value in shares.items():
        if field not in SHARE_FIELDS:
            refuse(field, _("Not a subsidy rule of a programme."))
        if value not in (None, ""):
            setattr(programme, field, decimal_of(field, value))
    programme.yearly_cap = None if yearly_cap in (None, "") else money_of("yearly_cap", yearly_cap)
    programme.distant_km = None if distant_km in (None, "") else int(decimal_of("distant_km", distant_km))


def add_fair(user, programme: Programme, *, name: str, organiser: str, place: str, country: str,
             starts_on: date, ends_on: date, sectors: str = "", scope: str = Scope.NATIONAL,
             distant: bool = False, latitude: float | None = None, longitude: float | None = None) -> Fair:
    """A fair of the programme; its place may carry coordinates, from which the programme's distance
    threshold decides whether it is distant for a firm (see subsidy.distance)."""
    require(policy.can_manage_programmes, user)
    fair = Fair(programme=programme)
    return _save_fair(user, fair, name=name, organiser=organiser, place=place, country=country, starts_on=starts_on,
                      ends_on=ends_on, sectors=sectors, scope=scope, distant=distant, latitude=latitude,
                      longitude=longitude)


def update_fair(user, fair: Fair, **fields) -> Fair:
    """A fair's facts changed (any of FAIR_FIELDS); payments made keep the subsidy they had."""
    require(policy.can_manage_programmes, user)
    fair = Fair.objects.get(pk=fair.pk)
    current = {name: getattr(fair, name) for name in FAIR_FIELDS}
    for name in fields:
        if name not in FAIR_FIELDS:
            refuse(name, _("Not a field of a fair."))
    return _save_fair(user, fair, **{**current, **fields})


def _save_fair(user, fair: Fair, *, starts_on: date, ends_on: date, country: str, latitude, longitude,
               **facts) -> Fair:
    if ends_on < starts_on:
        refuse("ends_on", _("A fair ends on or after the day it starts."))
    if (latitude is None) != (longitude is None):
        refuse("longitude", _("Give both latitude and longitude, or neither."))
    for name, value in facts.items():
        setattr(fair, name, value)
    fair.starts_on, fair.ends_on, fair.country = starts_on, ends_on, (country or "").upper()
    fair.latitude, fair.longitude = latitude, longitude
    with transaction.atomic():
        save_validated(fair, user)
        for follow_up in FollowUp.objects.filter(participation__fair=fair, done_on__isnull=True):
            due = add_months(fair.ends_on, follow_up.months)
            if follow_up.due_on != due:  # the fair moved: open follow-ups move with it
                follow_up.due_on, follow_up.reminded_on = due, None
                follow_up.save(update_fields=["due_on", "reminded_on"])
    return fair


def add_group_stand(user, fair: Fair, *, association: Organisation, total_cost,
                    cost_sharing: str = CostSharing.EQUAL) -> GroupStand:
    require(policy.can_manage_programmes, user)
    if association.kind not in ASSOCIATION_KINDS:
        refuse("association", _("%(name)s is not an association; a group stand is an association's.")
               % {"name": association.name})
    stand = GroupStand(fair=fair, association=association, total_cost=money_of("total_cost", total_cost),
                       cost_sharing=cost_sharing)
    save_validated(stand, user)
    return stand


def _is_member(stand: GroupStand, enterprise: Enterprise, on: date) -> bool:
    """Whether the firm is a member of the stand's association, or of its network, on `on`."""
    if stand.network_id:
        return NetworkMember.objects.filter(active_members_q(on), network_id=stand.network_id,
                                            enterprise=enterprise).exists()
    return Membership.objects.filter(Membership.current_q(on), association_id=stand.association_id,
                                     enterprise=enterprise).exists()


def sign_up(user, fair: Fair, enterprise: Enterprise, *, cost=None, stand: GroupStand | None = None,
            area_m2=None, agreed_share=None, subsidy_requested: bool = True, on: date | None = None) -> Participation:
    """A firm at a fair: alone, with its own exhibition `cost`; or at a group stand, whose cost is then
    shared again among all its firms by the stand's rule (an association's or a network's, whose
    member the firm must be that day). Follow-ups at 3, 6 and 12 months after the
    fair are set at once."""
    require(policy.can_sign_up, user, enterprise, stand)
    day = today(on)
    if stand is not None and stand.fair_id != fair.pk:
        refuse("stand", _("This group stand is at another fair."))
    if stand is not None and stand_paid(stand):
        refuse("stand", _("The stand's costs have been paid; no firm can join it now."))
    if stand is not None and not _is_member(stand, enterprise, day):
        refuse("enterprise", _("%(firm)s is not a member of %(association)s.")
               % {"firm": enterprise, "association": stand.holder})
    participation = Participation(fair=fair, enterprise=enterprise, stand=stand, signed_up_on=day,
                                  subsidy_requested=subsidy_requested)
    if stand is None:
        participation.cost = money_of("cost", cost)
    elif stand.cost_sharing == CostSharing.AREA:
        participation.area_m2 = decimal_of("area_m2", area_m2 if area_m2 is not None else "")
        if participation.area_m2 <= 0:
            refuse("area_m2", _("Give the firm's area on the stand in square metres."))
    elif stand.cost_sharing == CostSharing.SHARE:
        participation.agreed_share = decimal_of("agreed_share", agreed_share if agreed_share is not None else "")
    with transaction.atomic():
        if stand is not None:
            stand = GroupStand.objects.select_for_update().get(pk=stand.pk)
            if stand_paid(stand):
                refuse("stand", _("The stand's costs have been paid; no firm can join it now."))
        save_validated(participation, user)
        if stand is not None:
            share_stand_cost(stand)
            participation.refresh_from_db()
        FollowUp.objects.bulk_create([
            FollowUp(participation=participation, months=m, due_on=add_months(fair.ends_on, m))
            for m in FOLLOW_UP_MONTHS])
    return participation


def cancel(user, participation: Participation, *, reason: str, on: date | None = None) -> Participation:
    """A participation called off before its costs are paid (a wrong payment is reversed first, see
    money.reverse_payment). At a group stand the stand's cost is shared again among the firms left.
    Cancelling twice changes nothing."""
    require(policy.can_cancel, user, participation)
    if not (reason or "").strip():
        refuse("reason", _("Say why the participation is cancelled."))
    with transaction.atomic():
        if participation.stand_id:
            # by pk: the stand's own ordering joins its (nullable) holder, which PostgreSQL cannot lock
            GroupStand.objects.select_for_update().filter(pk=participation.stand_id).order_by("pk").first()
        participation = Participation.objects.select_for_update().get(pk=participation.pk)
        if participation.cancelled:
            return participation
        if participation.paid:
            refuse("participation", _("Its costs have been paid: reverse the payment before cancelling."))
        participation.cancelled_on, participation.cancel_reason = today(on), reason.strip()
        participation.save(update_fields=["cancelled_on", "cancel_reason"])
        if participation.stand_id:
            participation.cost = ZERO
            participation.save(update_fields=["cost"])
            share_stand_cost(participation.stand)
    return participation


def stand_paid(stand: GroupStand) -> bool:
    return stand.participations.filter(transaction__isnull=False).exists()


def stand_shares(stand: GroupStand, participations: list[Participation]) -> list:
    """Each firm's weight under the stand's rule (equal, by area, by agreed share)."""
    if stand.cost_sharing == CostSharing.AREA:
        return [p.area_m2 or ZERO for p in participations]
    if stand.cost_sharing == CostSharing.SHARE:
        return [p.agreed_share or ZERO for p in participations]
    return [1 for _p in participations]


def share_stand_cost(stand: GroupStand) -> list[Participation]:
    """Share the stand's cost among its firms (in cents, summing exactly to the cost). With agreed
    shares, each pays its share of the cost; the shares must add up to 100% before anyone pays."""
    participations = list(stand.participations.filter(cancelled_on__isnull=True).order_by("id"))
    weights = stand_shares(stand, participations)
    # Agreed shares may not add up to 100% yet while firms sign up: each pays its share meanwhile.
    payable = cents(stand.total_cost * sum(weights, ZERO)) if stand.cost_sharing == CostSharing.SHARE else stand.total_cost
    parts = split_in_cents(payable, weights)
    for participation, part in zip(participations, parts, strict=True):
        if participation.cost != part:
            participation.cost = part
            participation.save(update_fields=["cost"])
    return participations


def check_stand_ready(stand: GroupStand) -> None:
    """Agreed shares must add up to exactly 100% before the stand's costs are paid."""
    if stand.cost_sharing != CostSharing.SHARE:
        return
    total = sum((p.agreed_share or ZERO for p in stand.participations.filter(cancelled_on__isnull=True)), ZERO)
    if total != 1:
        refuse("stand", _("The firms' agreed shares of the stand add up to %(total)s, not 100%%.")
               % {"total": share_text(total)})
