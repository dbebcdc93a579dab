"""Every write about networks goes through these functions: they check permission (in
`networks.policy`), validate, and save inside one transaction, raising `triplec.core.errors`
(ValidationFailed with field errors, PermissionDenied, NotFound). Pages, API, demo and tests call
them; none re-implements a rule. The stage changes only through `transition` (from `lifecycle`).

Money writes lock the network row (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers
with BEGIN IMMEDIATE) and carry an idempotency key that is unique per network: recording the same
entry twice returns the first one; reusing a key for a different entry is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from triplec.accounts import policy as accounts_policy
from triplec.accounts.models import User
from triplec.accounts.policy import require
from triplec.accounts.roles import Role
from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed
from triplec.registry import sectors as sector_codes
from triplec.registry.models import (
    ASSOCIATION_KINDS,
    BUYER_KINDS,
    Enterprise,
    Organisation,
    OrganisationKind,
    Territory,
)

from . import lifecycle, policy
from .funding import check_currency, money
from .independence import BY_CODE, JUDGED, evaluate_assessment
from .lifecycle import GateNotPassed, transition  # noqa: F401  (the one transition function, re-exported)
from .models import (
    Activity,
    ActivityKind,
    Attendance,
    ContributionEntry,
    CostCategory,
    CostEntry,
    CriterionJudgement,
    EntryKind,
    Evaluation,
    EvaluationArea,
    EvaluationScore,
    FundingSchedule,
    GateEvidence,
    GateRequirement,
    IndependenceAssessment,
    ManagerContract,
    Network,
    NetworkKind,
    NetworkMember,
    TargetBuyer,
    active_members_q,
)
from .months import add_months

NETWORK_FIELDS = (
    "name", "sectors", "territory", "broker", "lead_firm", "target_buyers", "market_product", "market_volume",
    "market_quality", "basis_for_collaboration", "short_term_goals", "medium_term_goals", "currency",
    "funding_schedule", "started_on", "funding_start", "notes",
)
# Changing these would re-date or re-price the ledgers, so they are fixed once money is recorded.
LEDGER_BOUND_FIELDS = ("currency", "started_on", "funding_start")
TEXT_FIELDS = ("name", "market_product", "market_volume", "market_quality", "basis_for_collaboration",
               "short_term_goals", "medium_term_goals", "notes")
SUPPORT_BODY_KINDS = (OrganisationKind.SUPPORT_AGENCY, OrganisationKind.SERVICE_CENTRE, *ASSOCIATION_KINDS)


def _visible(actor, network: Network) -> None:
    if not policy.can_view_network(actor, network):
        raise NotFound(_("No such network."))


def _save(instance, actor, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationFailed({"__all__": [_("Conflicts with an existing record (%(error)s).") % {
            "error": exc}]}) from exc


def _not_future(day: date | None, field: str, errors: dict) -> None:
    if day is not None and day > date.today():
        errors.setdefault(field, []).append(_("The date is in the future."))


def _not_closed(network: Network, what: str) -> None:
    if network.stage.is_closed:
        raise ValidationFailed({"__all__": [_("The network is closed: reopen it before %(what)s.") % {
            "what": what}]})


def _as_date(value, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed({field: [_("%(value)r is not a date (YYYY-MM-DD).") % {
            "value": value}]}) from exc


# Kinds ------------------------------------------------------------------------------------------------

KIND_SPEC_FIELDS = ("code", "name", "description", "size_min", "size_max", "funding", "evaluation_interval_months",
                    "stages", "gates")


def _validate_kind_spec(spec: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name in sorted(set(spec) - set(KIND_SPEC_FIELDS)):
        errors[name] = [_("Unknown field.")]
    if not str(spec.get("name", "")).strip():
        errors["name"] = [_("A kind needs a name.")]
    if not lifecycle._SLUG.match(str(spec.get("code", ""))):
        errors["code"] = [_("Give a code of lower-case letters, digits and dashes.")]
    lo, hi = spec.get("size_min"), spec.get("size_max")
    if lo is not None and hi is not None and hi < lo:
        errors["size_max"] = [_("The usual maximum is below the minimum.")]
    if spec.get("funding") and not FundingSchedule.objects.filter(code=spec["funding"]).exists():
        errors["funding"] = [_("No funding schedule %(funding)r.") % {"funding": spec['funding']}]
    interval = spec.get("evaluation_interval_months", 6)
    if not isinstance(interval, int) or interval < 1:
        errors["evaluation_interval_months"] = [_("Give a whole number of months, at least 1.")]
    errors.update(lifecycle.validate_definition(spec))
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def define_kind(actor, spec: Mapping[str, Any]) -> NetworkKind:
    """An agency-defined kind of network with its lifecycle (shape: see `lifecycle`)."""
    require(policy.can_define_network_kinds, actor)
    _validate_kind_spec(spec)
    if NetworkKind.objects.filter(code=spec["code"]).exists():
        raise ValidationFailed({"code": [_("A kind %(code)r already exists.") % {"code": spec['code']}]})
    return lifecycle.install_kind({**spec, "lifecycle": spec["code"]}, spec, shipped=False)


@transaction.atomic
def redefine_kind(actor, kind: NetworkKind, spec: Mapping[str, Any]) -> NetworkKind:
    """Change an agency-defined kind. While networks of the kind exist the stages must stay the same
    (codes, order, closed); names, gates' roles and requirements may change."""
    require(policy.can_define_network_kinds, actor)
    if kind.shipped:
        raise ValidationFailed({"code": [_("Shipped kinds are not redefined; define a kind of your own.")]})
    spec = {**spec, "code": kind.code}
    _validate_kind_spec(spec)
    kind = NetworkKind.objects.select_for_update().get(pk=kind.pk)
    if kind.networks.exists():
        old = [(s.code, s.is_closed) for s in kind.stages.order_by("order")]
        new = [(s["code"], bool(s.get("closed"))) for s in spec["stages"]]
        if old != new:
            raise ValidationFailed({"stages": [_("Networks of this kind exist: its stages cannot change.")]})
        for gate in kind.gates.all():
            for requirement in gate.requirements.all():
                wanted = next((g for g in spec["gates"] if g["from"] == gate.from_stage.code), {})
                if requirement.code not in {r["code"] for r in wanted.get("requirements", [])}:
                    if requirement.evidence.exists():
                        raise ValidationFailed({"gates": [
                            _("Requirement %(code)r has evidence and cannot be removed.") % {
                                "code": requirement.code}]})
                    requirement.delete()
    else:
        kind.gates.all().delete()
        kind.stages.all().delete()
    return lifecycle.install_kind({**spec, "lifecycle": kind.lifecycle or kind.code}, spec, shipped=False)


def get_kind(code: str) -> NetworkKind:
    kind = NetworkKind.objects.filter(code=code, active=True).first()
    if kind is None:
        codes = ", ".join(NetworkKind.objects.filter(active=True).values_list("code", flat=True))
        raise ValidationFailed({"kind": [_("No kind of network %(code)r; use one of %(choices)s.") % {
            "code": code, "choices": codes}]})
    return kind


# Networks ------------------------------------------------------------------------------------------

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


_NO_SUCH = {  # called when needed, so the message is in the request's language
    "territory": lambda: _("No such territory."), "user": lambda: _("No such user."),
    "enterprise": lambda: _("No such enterprise."), "organisation": lambda: _("No such organisation."),
}


def _lookup(model, value, field: str, label: str):
    if value is None or isinstance(value, model):
        return value
    obj = model.objects.filter(pk=value).first()
    if obj is None:
        raise ValidationFailed({field: [_NO_SUCH[label]()]})
    return obj


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
    _save(network, actor)
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
    _save(locked, actor)
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
    _save(member, actor)
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
    _save(m, actor)
    if network.lead_firm_id == m.enterprise_id:
        Network.objects.filter(pk=network.pk).update(lead_firm=None)
    return m


# Gate evidence ----------------------------------------------------------------------------------

def requirement_of(network: Network, requirement) -> GateRequirement:
    """A requirement of the network's kind, given as an object, an id, or a code of the next gate."""
    if isinstance(requirement, GateRequirement):
        found = requirement if requirement.gate.kind_id == network.kind_id else None
    elif isinstance(requirement, int):
        found = GateRequirement.objects.filter(pk=requirement, gate__kind_id=network.kind_id).first()
    else:
        gate = lifecycle.next_gate(network)
        found = gate.requirements.filter(code=str(requirement)).first() if gate else None
    if found is None:
        raise ValidationFailed({"requirement": [_("%(requirement)r is not a requirement of this kind of network.") % {
            "requirement": requirement}]})
    return found


@transaction.atomic
def add_gate_evidence(actor, network: Network, requirement, **values) -> GateEvidence:
    """Attach evidence for a requirement (counted from now on, until withdrawn). `values`: text,
    date, number, document (an uploaded file) and/or reference, as the requirement's type needs."""
    _visible(actor, network)
    require(policy.can_add_evidence, actor, network)
    network = Network.objects.select_related("stage").get(pk=network.pk)
    requirement = requirement_of(network, requirement)
    return lifecycle.store_evidence(actor, network, requirement, values)


@transaction.atomic
def withdraw_gate_evidence(actor, evidence: GateEvidence, reason: str) -> GateEvidence:
    from django.utils import timezone

    _visible(actor, evidence.network)
    require(policy.can_change_evidence, actor, evidence.network)
    e = GateEvidence.objects.select_for_update().get(pk=evidence.pk)
    if e.withdrawn_at is not None:
        raise ValidationFailed({"__all__": [_("This evidence was already withdrawn.")]})
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("Say why the evidence is withdrawn.")]})
    e.withdrawn_at, e.withdrawn_by, e.withdrawn_reason = timezone.now(), actor, reason.strip()
    _save(e, actor)
    return e


# Activities --------------------------------------------------------------------------------------

def not_a_member_on(memberships: Iterable[NetworkMember], enterprise: Enterprise, day: date) -> str:
    """Why `enterprise` was not a member on `day` (naming the firm and its dates), or "" if it was.
    `memberships`: the network's membership rows."""
    own = [m for m in memberships if m.enterprise_id == enterprise.pk]
    if any(m.is_active_on(day) for m in own):
        return ""
    values = {"firm": enterprise, "day": day}
    later = sorted(m.joined_on for m in own if m.joined_on > day)
    if later:
        return _("%(firm)s joined the network on %(joined)s, after %(day)s: it cannot have taken part as a member. "
                 "Correct the activity's date or the firm's joining date.") % {**values, "joined": later[0]}
    earlier = sorted(m.left_on for m in own if m.left_on is not None and m.left_on < day)
    if earlier:
        return _("%(firm)s left the network on %(left)s, before %(day)s.") % {**values, "left": earlier[-1]}
    return _("%(firm)s is not a member of this network; add it as a member first.") % values


ACTIVITY_FIELDS = ("kind", "occurred_on", "title", "description", "broker_hours", "support_body",
                   "service_taken_up", "host_enterprise", "attendance")


@transaction.atomic
def record_activity(actor, network: Network, data: Mapping[str, Any]) -> Activity:
    """Log an activity. `attendance`: [{"enterprise": id or Enterprise, "participants": n}, ...]
    (member firms on the date). A support contact names the body (agency, association, service
    centre) and the service taken up."""
    _visible(actor, network)
    require(policy.can_record_activity, actor, network)
    network = Network.objects.select_related("stage").get(pk=network.pk)
    _not_closed(network, _("logging activities"))
    unknown = set(data) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValidationFailed({f: [_("Unknown field.")] for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind not in ActivityKind.values:
        errors["kind"] = [_("Unknown kind %(kind)r; use one of %(choices)s.") % {
            "kind": kind, "choices": ', '.join(ActivityKind.values)}]
    day = _as_date(data.get("occurred_on"), "occurred_on")
    if day is None:
        errors["occurred_on"] = [_("Give the date.")]
    else:
        _not_future(day, "occurred_on", errors)
        if day < network.started_on:
            errors.setdefault("occurred_on", []).append(_("Before the network's first contact (%(started_on)s).") % {
                "started_on": network.started_on})
    try:
        hours = Decimal(str(data.get("broker_hours") or 0))
        if hours < 0 or hours != hours.quantize(Decimal("0.01")):
            raise ValueError
    except (ValueError, ArithmeticError):
        errors["broker_hours"] = [_("Give the broker's hours as a number, 0 or more, with at most two decimals.")]
        hours = Decimal(0)
    body = _lookup(Organisation, data.get("support_body"), "support_body", "organisation")
    service = str(data.get("service_taken_up") or "").strip()
    if kind == ActivityKind.SUPPORT_CONTACT:
        if body is None:
            errors["support_body"] = [_("Name the support body contacted.")]
        elif body.kind not in SUPPORT_BODY_KINDS:
            errors["support_body"] = [_("%(body)s is a %(kind)s, not a support body.") % {
                "body": body, "kind": body.get_kind_display()}]
        if not service:
            errors["service_taken_up"] = [_("Say which service was taken up.")]
    host = _lookup(Enterprise, data.get("host_enterprise"), "host_enterprise", "enterprise")
    memberships = list(NetworkMember.objects.filter(network=network)) if day is not None else []
    if host is not None and day is not None:
        why = not_a_member_on(memberships, host, day)
        if why:
            errors["host_enterprise"] = [why]
    attendance = []
    for i, row in enumerate(data.get("attendance") or []):
        ent = row.get("enterprise")
        ent = _lookup(Enterprise, ent, f"attendance[{i}].enterprise", "enterprise")
        participants = row.get("participants", 1)
        why = not_a_member_on(memberships, ent, day) if ent is not None and day is not None else ""
        if ent is None:
            errors[f"attendance[{i}].enterprise"] = [_("Name the firm.")]
        elif why:
            errors[f"attendance[{i}].enterprise"] = [why]
        elif any(a[0].pk == ent.pk for a in attendance):
            errors[f"attendance[{i}].enterprise"] = [_("%(ent)s is listed twice.") % {"ent": ent}]
        if not isinstance(participants, int) or isinstance(participants, bool) or participants < 1:
            errors[f"attendance[{i}].participants"] = [_("Give the number of people, at least 1.")]
        if ent is not None:
            attendance.append((ent, participants))
    if not str(data.get("title") or "").strip():
        errors["title"] = [_("Give the activity a title.")]
    if errors:
        raise ValidationFailed(errors)
    activity = Activity(network=network, kind=kind, occurred_on=day, title=str(data["title"]).strip(),
                        description=str(data.get("description") or "").strip(), broker_hours=hours,
                        support_body=body, service_taken_up=service, host_enterprise=host, recorded_by=actor)
    _save(activity, actor)
    Attendance.objects.bulk_create([Attendance(activity=activity, enterprise=e, participants=p) for e, p in attendance])
    return activity


# Money: contracts and the two ledgers ------------------------------------------------------------------

@transaction.atomic
def create_contract(actor, network: Network, data: Mapping[str, Any]) -> ManagerContract:
    """A manager's contract: manager (a user, optional), manager_name, start_date, end_date
    (optional), monthly_fee (Decimal or string), notes. In the network's currency."""
    _visible(actor, network)
    require(policy.can_record_contract, actor, network)
    allowed = {"manager", "manager_name", "start_date", "end_date", "monthly_fee", "notes"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationFailed({f: [_("Unknown field.")] for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    manager = _lookup(User, data.get("manager"), "manager", "user")
    name = str(data.get("manager_name") or "").strip() or (
        (manager.get_full_name() or manager.username) if manager else "")
    if not name:
        errors["manager_name"] = [_("Name the manager.")]
    try:
        fee = money(data.get("monthly_fee"))
        if fee <= 0:
            errors["monthly_fee"] = [_("The monthly fee must be more than zero.")]
    except ValueError as exc:
        errors["monthly_fee"] = [str(exc)]
        fee = None
    start = _as_date(data.get("start_date"), "start_date")
    end = _as_date(data.get("end_date"), "end_date")
    if start is None:
        errors["start_date"] = [_("Give the start date.")]
    elif start < network.started_on:
        errors["start_date"] = [_("Before the network's first contact (%(started_on)s).") % {
            "started_on": network.started_on}]
    if end is not None and start is not None and end < start:
        errors["end_date"] = [_("The contract ends before it starts.")]
    if errors:
        raise ValidationFailed(errors)
    contract = ManagerContract(network=network, manager=manager, manager_name=name, start_date=start,
                               end_date=end, monthly_fee=fee, currency=network.currency,
                               notes=str(data.get("notes") or ""), created_by=actor)
    _save(contract, actor)
    return contract


@transaction.atomic
def end_contract(actor, contract: ManagerContract, end_date: date) -> ManagerContract:
    _visible(actor, contract.network)
    require(policy.can_change_contract, actor, contract.network)
    c = ManagerContract.objects.select_for_update().get(pk=contract.pk)
    end_date = _as_date(end_date, "end_date")
    if end_date is None or end_date < c.start_date:
        raise ValidationFailed({"end_date": [_("Give an end on or after the start (%(start_date)s).") % {
            "start_date": c.start_date}]})
    last_accrued = c.cost_entries.filter(entry_kind=EntryKind.ORIGINAL).order_by("-incurred_on").first()
    if last_accrued is not None and last_accrued.incurred_on > end_date:
        raise ValidationFailed({"end_date": [
            _("Costs are accrued up to %(incurred_on)s; reverse them before ending the contract earlier.") % {
                "incurred_on": last_accrued.incurred_on}]})
    c.end_date = end_date
    _save(c, actor)
    return c


def _lock(network: Network) -> Network:
    return Network.objects.select_for_update().select_related("stage", "kind").get(pk=network.pk)


def _key(value) -> str:
    key = str(value or "").strip()
    if not key:
        raise ValidationFailed({"idempotency_key": [
            _("Give an idempotency key (any unique text, e.g. a UUID made when the form was opened), so that the "
            "same entry is never recorded twice.")]})
    if len(key) > 100:
        raise ValidationFailed({"idempotency_key": [_("At most 100 characters.")]})
    return key


def _replay(model, network: Network, key: str, same: Mapping[str, Any]):
    """The existing entry for this key if its content matches `same`; ValidationFailed otherwise;
    None if the key is new."""
    existing = model.objects.filter(network=network, idempotency_key=key).first()
    if existing is None:
        return None
    if all(getattr(existing, f) == v for f, v in same.items()):
        return existing
    raise ValidationFailed({"idempotency_key": [
        _("Key %(key)r was already used for a different entry (#%(pk)s, %(existing)s).") % {
            "key": key, "pk": existing.pk, "existing": existing}]})


def _insert(model, network: Network, key: str, same: Mapping[str, Any], entry):
    """Insert; if a concurrent writer inserted the same key first, answer like a replay."""
    try:
        with transaction.atomic():
            entry.save()
        return entry, True
    except IntegrityError:
        replayed = _replay(model, network, key, same)
        if replayed is None:
            raise
        return replayed, False


def _money_date(day, field: str, network: Network) -> date:
    day = _as_date(day, field)
    errors: dict[str, list[str]] = {}
    if day is None:
        errors[field] = [_("Give the date.")]
    else:
        _not_future(day, field, errors)
        if day < network.started_on:
            errors.setdefault(field, []).append(_("Before the network's first contact (%(started_on)s).") % {
                "started_on": network.started_on})
    if errors:
        raise ValidationFailed(errors)
    return day


def _amount(value, currency: str | None, network: Network) -> Decimal:
    try:
        amount = money(value)
    except ValueError as exc:
        raise ValidationFailed({"amount": [str(exc)]}) from exc
    if amount <= 0:
        raise ValidationFailed({"amount": [_("The amount must be more than zero (corrections are reversals).")]})
    if currency and currency.strip().upper() != network.currency:
        raise ValidationFailed({"currency": [_("This network keeps its money in %(currency)s.") % {
            "currency": network.currency}]})
    return amount


@transaction.atomic
def record_cost(actor, network: Network, *, category: str, amount, incurred_on, idempotency_key: str,
                note: str = "", currency: str | None = None, contract: ManagerContract | None = None
                ) -> tuple[CostEntry, bool]:
    """Add an expense to the cost ledger; returns (entry, created). Same key and content: the
    first entry, created=False."""
    _visible(actor, network)
    require(policy.can_record_cost, actor, network)
    locked = _lock(network)
    key = _key(idempotency_key)
    if category not in CostCategory.values:
        raise ValidationFailed({"category": [_("Unknown category %(category)r; use %(choices)s.") % {
            "category": category, "choices": ', '.join(CostCategory.values)}]})
    amount = _amount(amount, currency, locked)
    day = _money_date(incurred_on, "incurred_on", locked)
    if contract is not None and contract.network_id != locked.pk:
        raise ValidationFailed({"contract": [_("This contract belongs to another network.")]})
    same = {"category": category, "amount": amount, "incurred_on": day, "entry_kind": EntryKind.ORIGINAL}
    replayed = _replay(CostEntry, locked, key, same)
    if replayed is not None:
        return replayed, False
    entry = CostEntry(network=locked, category=category, amount=amount, currency=locked.currency, incurred_on=day,
                      note=(note or "").strip()[:300], idempotency_key=key, recorded_by=actor, contract=contract)
    return _insert(CostEntry, locked, key, same, entry)


@transaction.atomic
def accrue_manager_costs(actor, network: Network, through: date | None = None) -> list[CostEntry]:
    """Write each manager contract's monthly fee to the cost ledger for every contract month that
    starts on or before `through` (default today), once: the key is "contract:<id>:<month>"."""
    _visible(actor, network)
    require(policy.can_accrue_manager_costs, actor, network)
    locked = _lock(network)
    through = _as_date(through, "through") or date.today()
    if through > date.today():
        raise ValidationFailed({"through": [_("The date is in the future.")]})
    created = []
    for contract in locked.contracts.all():
        month = 0
        while True:
            day = add_months(contract.start_date, month)
            if day > through or (contract.end_date is not None and day > contract.end_date):
                break
            key = f"contract:{contract.pk}:{month}"
            if not CostEntry.objects.filter(network=locked, idempotency_key=key).exists():
                entry = CostEntry(network=locked, category=CostCategory.MANAGER, amount=contract.monthly_fee,
                                  currency=locked.currency, incurred_on=day, contract=contract,
                                  note=_("%(manager)s, month %(month)d") % {"manager": contract.manager_name,
                                                                                  "month": month + 1},
                                  idempotency_key=key,
                                  recorded_by=actor)
                entry.save()
                created.append(entry)
            month += 1
    return created


@transaction.atomic
def record_contribution(actor, network: Network, *, enterprise: Enterprise, amount, paid_on,
                        idempotency_key: str, note: str = "", currency: str | None = None
                        ) -> tuple[ContributionEntry, bool]:
    """Add a member firm's payment to the contribution ledger; returns (entry, created). The firm
    must have joined the network on or before `paid_on` (a firm that left may still settle)."""
    _visible(actor, network)
    require(policy.can_record_contribution, actor, network)
    locked = _lock(network)
    key = _key(idempotency_key)
    amount = _amount(amount, currency, locked)
    day = _money_date(paid_on, "paid_on", locked)
    enterprise = _lookup(Enterprise, enterprise, "enterprise", "enterprise")
    if enterprise is None or not NetworkMember.objects.filter(network=locked, enterprise=enterprise,
                                                              joined_on__lte=day).exists():
        raise ValidationFailed({"enterprise": [_("%(enterprise)s had not joined the network by %(day)s.") % {
            "enterprise": enterprise or _("This firm"), "day": day}]})
    same = {"enterprise_id": enterprise.pk, "amount": amount, "paid_on": day, "entry_kind": EntryKind.ORIGINAL}
    replayed = _replay(ContributionEntry, locked, key, same)
    if replayed is not None:
        return replayed, False
    entry = ContributionEntry(network=locked, enterprise=enterprise, amount=amount, currency=locked.currency,
                              paid_on=day, note=(note or "").strip()[:300], idempotency_key=key, recorded_by=actor)
    return _insert(ContributionEntry, locked, key, same, entry)


def _reverse(actor, model, entry, reason: str, idempotency_key: str | None, date_field: str, permission):
    _visible(actor, entry.network)
    require(permission, actor, entry.network)
    locked = _lock(entry.network)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("Say why the entry is reversed.")]})
    original = model.objects.get(pk=entry.pk)
    if original.entry_kind != EntryKind.ORIGINAL:
        raise ValidationFailed({"__all__": [_("A reversal is not reversed; record a new entry instead.")]})
    key = _key(idempotency_key or f"reversal-of-{original.pk}")
    existing = model.objects.filter(reverses=original).first()
    if existing is not None:
        if existing.idempotency_key == key:
            return existing, False
        raise ValidationFailed({"__all__": [_("Entry #%(original)s was already reversed by #%(reversal)s.") % {
            "original": original.pk, "reversal": existing.pk}]})
    fields = {f: getattr(original, f) for f in ("category", "enterprise_id", "contract_id") if hasattr(original, f)}
    entry = model(network=locked, amount=-original.amount, currency=original.currency,
                  entry_kind=EntryKind.REVERSAL, reverses=original, note=f"Reversal: {reason.strip()}"[:300],
                  idempotency_key=key, recorded_by=actor, **{date_field: getattr(original, date_field)}, **fields)
    same = {"reverses_id": original.pk, "entry_kind": EntryKind.REVERSAL}
    return _insert(model, locked, key, same, entry)


@transaction.atomic
def reverse_cost(actor, entry: CostEntry, reason: str, idempotency_key: str | None = None) -> tuple[CostEntry, bool]:
    """Cancel a cost entry with a reversing entry (same date, negated amount)."""
    return _reverse(actor, CostEntry, entry, reason, idempotency_key, "incurred_on", policy.can_correct_costs)


@transaction.atomic
def reverse_contribution(actor, entry: ContributionEntry, reason: str,
                         idempotency_key: str | None = None) -> tuple[ContributionEntry, bool]:
    """Cancel a contribution with a reversing entry (same date, negated amount)."""
    return _reverse(actor, ContributionEntry, entry, reason, idempotency_key, "paid_on",
                    policy.can_correct_contributions)


# Evaluations -----------------------------------------------------------------------------------------

@transaction.atomic
def record_evaluation(actor, network: Network, enterprise: Enterprise, evaluated_on, scores: Mapping[str, int],
                      notes: str = "") -> Evaluation:
    """Score a member firm on `evaluated_on`: scores = {area code: 1..5}. The firm's first score in an
    area is its baseline."""
    _visible(actor, network)
    require(policy.can_record_evaluation, actor, network)
    network = Network.objects.select_related("stage").get(pk=network.pk)
    _not_closed(network, _("recording evaluations"))
    day = _as_date(evaluated_on, "evaluated_on")
    enterprise = _lookup(Enterprise, enterprise, "enterprise", "enterprise")
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["evaluated_on"] = [_("Give the date.")]
    else:
        _not_future(day, "evaluated_on", errors)
        if enterprise is not None and not NetworkMember.objects.filter(
                active_members_q(day), network=network, enterprise=enterprise).exists():
            errors["enterprise"] = [_("%(enterprise)s was not a member of the network on %(day)s.") % {
                "enterprise": enterprise, "day": day}]
        if Evaluation.objects.filter(network=network, enterprise=enterprise, evaluated_on=day).exists():
            errors.setdefault("evaluated_on", []).append(_("%(enterprise)s already has an evaluation on %(day)s.") % {
                "enterprise": enterprise, "day": day})
    areas = {a.code: a for a in EvaluationArea.objects.filter(active=True)}
    if not scores:
        errors["scores"] = [_("Score at least one area.")]
    for code, value in (scores or {}).items():
        if code not in areas:
            errors[f"scores.{code}"] = [_("Unknown area; use %(choices)s.") % {"choices": ', '.join(areas)}]
        elif not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            errors[f"scores.{code}"] = [_("Give a score from 1 (weak practice) to 5 (good practice).")]
    if errors:
        raise ValidationFailed(errors)
    evaluation = Evaluation(network=network, enterprise=enterprise, evaluated_on=day, evaluator=actor,
                            notes=(notes or "").strip())
    _save(evaluation, actor)
    for code, value in scores.items():
        _save(EvaluationScore(evaluation=evaluation, area=areas[code], score=value), actor)
    return evaluation


# Independence ------------------------------------------------------------------------------------

@transaction.atomic
def record_assessment(actor, network: Network, assessed_on, judgements: Mapping[str, Mapping[str, Any]],
                      *, window_months: int = 12, notes: str = "") -> IndependenceAssessment:
    """Assess `network` against Dini's twelve criteria. `judgements` answers the five judged ones:
    {code: {"met": bool, "evidence": text}} (evidence required when met); the seven others are
    computed from the records. The result as computed now is kept in `snapshot`."""
    _visible(actor, network)
    require(policy.can_assess_independence, actor, network)
    day = _as_date(assessed_on, "assessed_on")
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["assessed_on"] = [_("Give the date.")]
    else:
        _not_future(day, "assessed_on", errors)
        if day < network.started_on:
            errors.setdefault("assessed_on", []).append(_("Before the network's first contact (%(started_on)s).") % {
                "started_on": network.started_on})
    if not isinstance(window_months, int) or isinstance(window_months, bool) or not 1 <= window_months <= 60:
        errors["window_months"] = [_("Give a window of 1 to 60 months.")]
    for code, answer in (judgements or {}).items():
        if code not in BY_CODE:
            errors[f"judgements.{code}"] = [_("Unknown criterion; the judged ones are %(choices)s.") % {
                "choices": ', '.join(JUDGED)}]
        elif code not in JUDGED:
            errors[f"judgements.{code}"] = [_("This criterion is computed from the records, not judged.")]
        elif not isinstance(answer, Mapping) or not isinstance(answer.get("met"), bool):
            errors[f"judgements.{code}"] = [_('Answer {"met": true or false, "evidence": "..."}.')]
        elif answer["met"] and not str(answer.get("evidence") or "").strip():
            errors[f"judgements.{code}"] = [_("Give the evidence for a criterion judged as met.")]
    for code in JUDGED:
        if code not in (judgements or {}):
            errors[f"judgements.{code}"] = [_("Judge this criterion: %(question)s") % {
                "question": _(BY_CODE[code].question)}]
    if errors:
        raise ValidationFailed(errors)
    assessment = IndependenceAssessment(network=network, assessed_on=day, window_months=window_months,
                                        assessor=actor, notes=(notes or "").strip())
    _save(assessment, actor)
    for code in JUDGED:
        answer = judgements[code]
        _save(CriterionJudgement(assessment=assessment, criterion=code, met=answer["met"],
                                 evidence=str(answer.get("evidence") or "").strip()), actor)
    assessment.snapshot = evaluate_assessment(assessment).as_dict()
    assessment.save(update_fields=["snapshot"])
    return assessment


__all__ = [
    "GateNotPassed", "accrue_manager_costs", "add_gate_evidence", "add_member", "create_contract", "create_network",
    "default_joined_on", "define_kind", "end_contract", "end_member", "get_kind", "get_network", "not_a_member_on",
    "record_activity", "record_assessment", "record_contribution", "record_cost", "record_evaluation",
    "redefine_kind", "requirement_of", "reverse_contribution", "reverse_cost", "transition", "update_network",
    "withdraw_gate_evidence",
]
