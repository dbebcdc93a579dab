"""Activities of a network (meetings, visits, support contacts) and who attended."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.core.records import save_validated
from triplec.registry.models import ASSOCIATION_KINDS, Enterprise, Organisation, OrganisationKind

from .. import policy
from ..models import Activity, ActivityKind, Attendance, Network, NetworkMember
from ._common import _lookup, _network_day, _not_closed, _visible

SUPPORT_BODY_KINDS = (OrganisationKind.SUPPORT_AGENCY, OrganisationKind.SERVICE_CENTRE, *ASSOCIATION_KINDS)


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
    day = _network_day(network, data.get("occurred_on"), "occurred_on", errors)
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
    save_validated(activity, actor)
    Attendance.objects.bulk_create([Attendance(activity=activity, enterprise=e, participants=p) for e, p in attendance])
    return activity
