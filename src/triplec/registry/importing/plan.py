"""Decide, for every valid record, what the import would do: create, update or leave unchanged,
which territories and memberships to add, and which rows the acting user may not write.

Reads the register once in bulk (existing enterprises by identifier, territories, associations,
memberships) so that 100,000 rows need a few hundred queries, not hundreds of thousands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from triplec.accounts import policy as accounts_policy
from triplec.accounts.roles import Role
from triplec.registry import identifiers, policy
from triplec.registry.models import ASSOCIATION_KINDS, Enterprise, Membership, Organisation

from . import messages as msg
from .errors import RowError
from .rows import VALUE_FIELDS, Record
from .territories import Key, TerritoryResolver

CHUNK = 500  # identifiers per IN (...) query: well under every database's parameter limit


@dataclass
class Update:
    enterprise: Enterprise
    changed: set[str]
    record: Record
    territory: Key | None


@dataclass
class NewMembership:
    target: Enterprise | int  # an existing enterprise, or the index of a create in Plan.creates
    association_id: int
    start: date


@dataclass
class Plan:
    creates: list[tuple[Record, Key | None]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    memberships: list[NewMembership] = field(default_factory=list)
    territories: TerritoryResolver | None = None
    errors: list[RowError] = field(default_factory=list)


class AssociationResolver:
    """Association references as written in a file (a name or an id) -> Organisation."""

    def __init__(self, actor):
        self.actor = actor
        qs = Organisation.objects.filter(kind__in=ASSOCIATION_KINDS)
        if actor is not None:
            # Names outside what the user may see are "unknown" to them, not a hint that they exist.
            qs = qs.filter(pk__in=policy.visible_organisations(actor).values("pk"))
        self.by_id: dict[int, Organisation] = {o.pk: o for o in qs.only("id", "name", "kind", "country")}
        self.by_name: dict[str, list[Organisation]] = defaultdict(list)
        for org in self.by_id.values():
            self.by_name[org.name.casefold()].append(org)
        self._may_manage: dict[int, bool] = {}

    def resolve(self, ref: str) -> Organisation:
        matches = self.by_name.get(ref.casefold(), [])
        if len(matches) > 1:
            raise LookupError(msg.AMBIGUOUS_ASSOCIATION % {"value": repr(ref),
                                                           "ids": ", ".join(str(o.pk) for o in matches)})
        if matches:
            org = matches[0]
        elif ref.isdigit() and int(ref) in self.by_id:
            org = self.by_id[int(ref)]
        else:
            if accounts_policy.role_of(self.actor) == Role.ASSOCIATION_MANAGER and self.actor.organisation_id:
                raise LookupError(msg.UNKNOWN_ASSOCIATION_OWN % {"value": repr(ref),
                                                                 "association": self.actor.organisation.name})
            raise LookupError(msg.UNKNOWN_ASSOCIATION % {"value": repr(ref)})
        if self.actor is not None:
            if org.pk not in self._may_manage:
                self._may_manage[org.pk] = policy.can_manage_membership(self.actor, org)
            if not self._may_manage[org.pk]:
                raise PermissionError(msg.MEMBERSHIP_PERMISSION % {"association": org.name})
        return org


_COMPARED = ("pk", "territory_id", "sector_section") + VALUE_FIELDS


def _existing(records: list[Record]) -> dict[tuple[str, str], tuple]:
    """Identifier -> the enterprise's _COMPARED values, for the enterprises the file names.
    Plain tuples, not model instances: comparing 100,000 rows must not build 100,000 objects."""
    by_country: dict[str, list[str]] = defaultdict(list)
    for record in records:
        country, national_id = record.identifier
        by_country[country].append(national_id)
    found: dict[tuple[str, str], tuple] = {}
    country_at, id_at = _COMPARED.index("country"), _COMPARED.index("national_id")
    for country, ids in by_country.items():
        for start in range(0, len(ids), CHUNK):
            rows = Enterprise.objects.filter(country=country, national_id__in=ids[start:start + CHUNK])
            for values in rows.values_list(*_COMPARED):
                found[(values[country_at], values[id_at])] = values
    return found


def _instances(pks: list[int]) -> dict[int, Enterprise]:
    out: dict[int, Enterprise] = {}
    for start in range(0, len(pks), CHUNK):
        out.update(Enterprise.objects.in_bulk(pks[start:start + CHUNK]))
    return out


def _memberships_of(enterprise_ids: list[int], association_ids: set[int]) -> dict[tuple[int, int], list]:
    out: dict[tuple[int, int], list] = defaultdict(list)
    if not association_ids:
        return out
    for start in range(0, len(enterprise_ids), CHUNK):
        rows = Membership.objects.filter(enterprise_id__in=enterprise_ids[start:start + CHUNK],
                                         association_id__in=association_ids)
        for ent_id, assoc_id, begin, end in rows.values_list("enterprise_id", "association_id",
                                                             "start_date", "end_date"):
            out[(ent_id, assoc_id)].append((begin, end))
    return out


def _overlaps(periods: list, start: date) -> bool:
    """Would an open membership from `start` overlap one of these (start, end) periods?"""
    return any(end is None or end >= start for _, end in periods)


def build_plan(actor, records: list[Record], has_territory: bool) -> Plan:
    """What to do with each record. `actor` None is the trusted operator."""
    plan = Plan()
    today = date.today()
    role = accounts_policy.role_of(actor)
    own_association = actor.organisation if role == Role.ASSOCIATION_MANAGER else None

    unique = list({r.identifier: r for r in reversed(records)}.values())[::-1]  # the caller reports duplicates

    existing = _existing(unique)
    plan.territories = TerritoryResolver({r.values["country"] for r in unique}) if has_territory else None
    associations = AssociationResolver(actor)
    position = {name: i for i, name in enumerate(_COMPARED)}
    pk_at, territory_at = position["pk"], position["territory_id"]
    # Users other than the operator are checked against the policy with the real objects.
    checked = _instances([v[pk_at] for v in existing.values()]) if actor is not None else {}

    # First pass: per-row checks that need the register; collect what each valid row wants.
    wanted: list[tuple[Record, tuple | None, Key | None, list[int]]] = []
    for record in unique:
        errors: list[RowError] = []
        current = existing.get(record.identifier)
        if current is not None and actor is not None and not policy.can_edit_enterprise(
                actor, checked[current[pk_at]]):
            values = {"country": record.identifier[0],
                      "national_id": identifiers.display(*record.identifier)}
            if policy.can_view_enterprise(actor, checked[current[pk_at]]):
                reason = msg.ENTERPRISE_PERMISSION % values
            else:
                # A firm the user may not see: the row says no more than a unique register must (this
                # identifier cannot be added by them), never that the firm exists or where it belongs.
                reason = policy.IDENTIFIER_UNAVAILABLE % values
            errors.append(RowError(record.row, "national_id", reason))
        territory = None
        if record.territory is not None and plan.territories is not None:
            try:
                territory = plan.territories.resolve(record.values["country"], record.territory)
            except LookupError as exc:
                errors.append(RowError(record.row, exc.args[0], exc.args[1]))
        association_ids: list[int] = []
        for ref in record.associations:
            try:
                association_ids.append(associations.resolve(ref).pk)
            except (LookupError, PermissionError) as exc:
                errors.append(RowError(record.row, "association", str(exc)))
        if current is None and own_association is not None and own_association.pk not in association_ids:
            association_ids.append(own_association.pk)  # association managers register their own members
        if errors:
            plan.errors.extend(errors)
        else:
            wanted.append((record, current, territory, association_ids))

    current_ids = [c[pk_at] for _, c, _, ids in wanted if c is not None and ids]
    periods = _memberships_of(current_ids, {a for *_, ids in wanted for a in ids})

    pending: list[tuple[int, set[str], Record, Key | None, list[NewMembership]]] = []
    for record, current, territory, association_ids in wanted:
        start = record.membership_start or today
        if current is None:
            plan.creates.append((record, territory))
            index = len(plan.creates) - 1
            plan.memberships.extend(NewMembership(index, a, start) for a in association_ids)
            continue
        pk = current[pk_at]
        changed = {name for name, value in record.values.items() if current[position[name]] != value}
        if territory is not None and (territory[0] == "new" or territory[1] != current[territory_at]):
            changed.add("territory")
        joins = [NewMembership(pk, a, start) for a in association_ids
                 if not _overlaps(periods.get((pk, a), []), start)]
        if changed or joins:
            pending.append((pk, changed, record, territory, joins))
        else:
            plan.unchanged += 1
    # Only the enterprises that change are loaded as objects (bulk update and history need them).
    loaded = _instances([p[0] for p in pending if p[0] not in checked])
    loaded.update(checked)
    for pk, changed, record, territory, joins in pending:
        plan.updates.append(Update(loaded[pk], changed, record, territory))
        plan.memberships.extend(NewMembership(loaded[pk], m.association_id, m.start) for m in joins)
    return plan
