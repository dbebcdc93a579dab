"""Networks and their member firms: create, change, look up; firms join and leave."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts import policy as accounts_policy
from triplec.accounts.models import User
from triplec.accounts.policy import require
from triplec.accounts.roles import Role
from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed
from triplec.core.records import save_validated
from triplec.registry import sectors as sector_codes
from triplec.registry.models import BUYER_KINDS, Enterprise, Organisation, Territory

from .. import lifecycle, policy
from ..funding import check_currency
from ..models import (
    ContributionEntry,
    CostEntry,
    FundingSchedule,
    Network,
    NetworkKind,
    NetworkMember,
    TargetBuyer,
    active_members_q,
)
from ._common import _as_date, _lookup, _not_closed, _not_future, _visible
from .kinds import get_kind

NETWORK_FIELDS = (
    "name", "sectors", "territory", "broker", "lead_firm", "target_buyers", "market_product", "market_volume",
    "market_quality", "basis_for_collaboration", "short_term_goals", "medium_term_goals", "currency",
    "funding_schedule", "started_on", "funding_start", "notes",
)
# Changing these would re-date or re-price the ledgers, so they are fixed once money is recorded.
LEDGER_BOUND_FIELDS = ("currency", "started_on", "funding_start")
TEXT_FIELDS = ("name", "market_product", "market_volume", "market_quality", "basis_for_collaboration",
               "short_term_goals", "medium_term_goals", "notes")


def _normalise_sectors(value) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationFailed({"sectors": [_('Give a list of {"classification", "code"}.')]})
    out, errors = [], []
    for i, item in enumerate(value):
        try:
            classification = str(item["classification"]).strip().lower()
            code = sector_codes.normalise(classification, item["code"])
        except (KeyError, TypeError):
            errors.append(_('Item %(n)s: give {"classification", "code"}.') % {"n": i + 1})
            continue
        except ValueError as exc:
            errors.append(_("Item %(n)s: %(error)s") % {"n": i + 1, "error": exc})
            continue
        entry = {"classification": classification, "code": code}
        if entry not in out:
            out.append(entry)
    if errors:
        raise ValidationFailed({"sectors": errors})
    return out


def _buyers(value) -> list[Organisation]:
    if not isinstance(value, list | tuple):
        raise ValidationFailed({"target_buyers": [_("Give a list of buyer organisations.")]})
    out = []
    for item in value:
        org = item if isinstance(item, Organisation) else Organisation.objects.filter(pk=item).first()
        if org is None:
            raise ValidationFailed({"target_buyers": [_("No organisation %(item)r.") % {"item": item}]})
        if org.kind not in BUYER_KINDS:
            raise ValidationFailed({"target_buyers": [
                _("%(org)s is a %(kind)s, not a buyer (large firm, public purchaser, export/marketing agent or retailer).") % {
                    "org": org, "kind": org.get_kind_display()}]})
        if org not in out:
            out.append(org)
    return out



def _apply_network(actor, network: Network, data: Mapping[str, Any], *, creating: bool) -> list[Organisation] | None:
    """Set fields from `data` on `network` (unsaved); returns the target buyers to set, if given."""
    unknown = set(data) - set(NETWORK_FIELDS)
    if "stage" in unknown:
        raise ValidationFailed({"stage": [_("The stage changes only through a transition (gates, reasons, history).")]})
    if "kind" in unknown:
        raise ValidationFailed({"kind": [_("A network's kind cannot change; close it and start a network of the new kind.")]})
    if unknown:
        raise ValidationFailed({f: [_("Unknown field.")] for f in sorted(unknown)})
    buyers = None
    for field, value in data.items():
        if field == "sectors":
            value = _normalise_sectors(value)
        elif field == "territory":
            value = _lookup(Territory, value, "territory", "territory")
        elif field == "broker":
            if not policy.can_assign_broker(actor) and not (creating and value in (None, actor, actor.pk)):
                raise PermissionDenied(_("Only agency staff may choose a network's broker."))
            value = _lookup(User, value, "broker", "user")
            if value is not None and (value.role != Role.BROKER or not value.is_active):
                raise ValidationFailed({"broker": [_("%(value)s is not an active user with the broker role.") % {
                    "value": value}]})
        elif field == "funding_schedule":
            if value is not None or not creating:  # none on creation: the kind's schedule
                require(policy.can_choose_funding_schedule, actor)
            if value is not None and not isinstance(value, FundingSchedule):
                value = FundingSchedule.objects.filter(code=value).first() if isinstance(value, str) else \
                    FundingSchedule.objects.filter(pk=value).first()
                if value is None:
                    raise ValidationFailed({"funding_schedule": [_("No such funding schedule.")]})
        elif field == "lead_firm":
            value = _lookup(Enterprise, value, "lead_firm", "enterprise")
        elif field == "target_buyers":
            buyers = _buyers(value)
            continue
        elif field == "currency":
            try:
                value = check_currency(value)
            except ValueError as exc:
                raise ValidationFailed({"currency": [str(exc)]}) from exc
        elif field in ("started_on", "funding_start"):
            value = _as_date(value, field)
        elif field in TEXT_FIELDS:
            value = "" if value is None else str(value).strip()
        setattr(network, field, value)
    return buyers


def _check_network(network: Network, errors: dict | None = None) -> None:
    errors = errors or {}
    if not (network.name or "").strip():
        errors.setdefault("name", []).append(_("A network needs a name."))
    if network.started_on is None:
        errors.setdefault("started_on", []).append(_("Give the date of first contact."))
    _not_future(network.started_on, "started_on", errors)
    if not network.currency:
        errors.setdefault("currency", []).append(_("Give the currency of the network's money (ISO 4217)."))
    if network.lead_firm_id and network.pk:
        if not NetworkMember.objects.filter(active_members_q(date.today()), network=network,
                                            enterprise_id=network.lead_firm_id).exists():
            errors.setdefault("lead_firm", []).append(_("%(lead_firm)s is not a current member of the network.") % {
                "lead_firm": network.lead_firm})
    elif network.lead_firm_id:
        errors.setdefault("lead_firm", []).append(_("Add the lead firm as a member first."))
    if errors:
        raise ValidationFailed(errors)


def _add_new_buyers(actor, network: Network, specs) -> None:
    """Buyers not yet in the register, added there (`registry.services.create_buyer_organisation`)
    and named as the network's targets; errors as "new_buyers[i].field"."""
    from triplec.registry.services import create_buyer_organisation

    if not isinstance(specs, list | tuple):
        raise ValidationFailed({"new_buyers": [_('Give a list of {"name", "kind", "country"}.')]})
    for i, spec in enumerate(specs):
        try:
            org = create_buyer_organisation(actor, dict(spec))
        except ValidationFailed as exc:
            raise ValidationFailed({f"new_buyers[{i}].{k}": v for k, v in exc.errors.items()}) from exc
        TargetBuyer.objects.get_or_create(network=network, organisation=org)


@transaction.atomic
def create_network(actor, data: Mapping[str, Any]) -> Network:
    """A new network in its kind's first stage. `data`: "kind" (a code or NetworkKind) and the
    fields of NETWORK_FIELDS ("target_buyers": organisation ids or objects; "sectors": a list of
    {"classification", "code"}); "new_buyers": buyers to add to the register and name as targets
    ([{"name", "kind", "country", "national_id"?}]). A broker who creates a network becomes its broker."""
    require(policy.can_create_network, actor)
    data = dict(data)
    new_buyers = data.pop("new_buyers", None) or []
    kind = data.pop("kind", None)
    kind = kind if isinstance(kind, NetworkKind) else get_kind(str(kind or ""))
    network = Network(kind=kind, created_by=actor, started_on=date.today())
    if accounts_policy.role_of(actor) == Role.BROKER:
        if data.get("broker") not in (None, actor, actor.pk):
            raise PermissionDenied(_("A broker creates networks they broker themselves."))
        data["broker"] = actor
    buyers = _apply_network(actor, network, data, creating=True)
    _check_network(network)
    network.stage = kind.initial_stage()
    network.stage_since = network.started_on
    save_validated(network, actor)
    if buyers:
        for org in buyers:
            TargetBuyer.objects.create(network=network, organisation=org)
    _add_new_buyers(actor, network, new_buyers)
    lifecycle.start(actor, network, network.started_on)
    return network


@transaction.atomic
def update_network(actor, network: Network, data: Mapping[str, Any]) -> Network:
    """Change the fields given. Not the stage (use `transition`) nor the kind; currency and dates
    only while no money is recorded; the broker and funding schedule only by agency staff."""
    _visible(actor, network)
    require(policy.can_manage_network, actor, network)
    data = dict(data)
    new_buyers = data.pop("new_buyers", None) or []
    locked = Network.objects.select_for_update().get(pk=network.pk)
    bound = [f for f in LEDGER_BOUND_FIELDS if f in data]
    if bound and (CostEntry.objects.filter(network=locked).exists()
                  or ContributionEntry.objects.filter(network=locked).exists()):
        before = {f: getattr(locked, f) for f in bound}
    else:
        before = None
    buyers = _apply_network(actor, locked, data, creating=False)
    if before is not None:
        changed = [f for f in bound if getattr(locked, f) != before[f]]
        if changed:
            raise ValidationFailed({f: [_("Money is already recorded for this network; this cannot change.")]
                                    for f in changed})
    _check_network(locked)
    save_validated(locked, actor)
    if buyers is not None:
        TargetBuyer.objects.filter(network=locked).exclude(organisation__in=buyers).delete()
        for org in buyers:
            TargetBuyer.objects.get_or_create(network=locked, organisation=org)
    _add_new_buyers(actor, locked, new_buyers)
    return locked


def get_network(actor, pk: int) -> Network:
    network = (policy.visible_networks(actor).select_related("kind", "stage", "territory", "broker", "lead_firm")
               .filter(pk=pk).first())
    if network is None:
        raise NotFound(_("No such network."))
    return network


# Members ----------------------------------------------------------------------------------------

def default_joined_on(network: Network) -> date:
    """The joining date proposed when none is given: the network's first contact for its founding
    members (while it has none yet), otherwise today."""
    if not NetworkMember.objects.filter(network=network).exists():
        return network.started_on
    return date.today()


@transaction.atomic
def add_member(actor, network: Network, enterprise: Enterprise, joined_on: date | None = None, *,
               lead: bool = False) -> NetworkMember:
    """`enterprise` joins `network` on `joined_on` (None: `default_joined_on`); `lead` makes it the
    lead firm."""
    _visible(actor, network)
    require(policy.can_manage_network_members, actor, network)
    locked = Network.objects.select_for_update().select_related("stage").get(pk=network.pk)
    _not_closed(locked, _("adding members"))
    joined_on = _as_date(joined_on, "joined_on")
    if joined_on is None:
        joined_on = default_joined_on(locked)
    errors: dict[str, list[str]] = {}
    if joined_on is None:
        errors["joined_on"] = [_("Give the date the firm joined.")]
    else:
        _not_future(joined_on, "joined_on", errors)
        if joined_on < locked.started_on:
            errors.setdefault("joined_on", []).append(
                _("The network's first contact was on %(started_on)s; a firm cannot join earlier.") % {
                    "started_on": locked.started_on})
    if errors:
        raise ValidationFailed(errors)
    for m in NetworkMember.objects.filter(network=locked, enterprise=enterprise):
        if m.left_on is None or m.left_on >= joined_on:
            values = {"enterprise": enterprise, "joined_on": m.joined_on, "left_on": m.left_on}
            raise ValidationFailed({"enterprise": [
                (_("%(enterprise)s is already a member from %(joined_on)s to %(left_on)s.") if m.left_on
                 else _("%(enterprise)s is already a member from %(joined_on)s (open).")) % values]})
    member = NetworkMember(network=locked, enterprise=enterprise, joined_on=joined_on)
    save_validated(member, actor)
    if lead:
        locked.lead_firm = enterprise
        locked._history_user = actor
        locked.save(update_fields=["lead_firm", "updated_at"])
    return member


@transaction.atomic
def end_member(actor, member: NetworkMember, left_on: date, reason: str = "") -> NetworkMember:
    """The firm leaves on `left_on` (its last day in the network)."""
    network = member.network
    _visible(actor, network)
    require(policy.can_manage_network_members, actor, network)
    m = NetworkMember.objects.select_for_update().get(pk=member.pk)
    left_on = _as_date(left_on, "left_on")
    errors: dict[str, list[str]] = {}
    if m.left_on is not None:
        errors["left_on"] = [_("This firm already left on %(left_on)s.") % {"left_on": m.left_on}]
    elif left_on is None:
        errors["left_on"] = [_("Give the date the firm left.")]
    elif left_on < m.joined_on:
        errors["left_on"] = [_("The firm joined on %(joined_on)s; it cannot leave earlier.") % {
            "joined_on": m.joined_on}]
    else:
        _not_future(left_on, "left_on", errors)
    if errors:
        raise ValidationFailed(errors)
    m.left_on = left_on
    m.leave_reason = (reason or "").strip()
    save_validated(m, actor)
    if network.lead_firm_id == m.enterprise_id:
        Network.objects.filter(pk=network.pk).update(lead_firm=None)
    return m
