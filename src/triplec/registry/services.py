"""Every write to the register goes through these functions: they check permission, validate,
and save inside one transaction. Pages, API, CLI and tests all call them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts import policy as accounts_policy
from triplec.accounts.policy import require
from triplec.accounts.roles import Role
from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed
from triplec.core.records import save_validated

from . import identifiers, policy, sectors
from .models import Contact, Enterprise, Membership, Organisation, SectorClassification, Territory

ENTERPRISE_FIELDS = (
    "legal_name", "trade_name", "country", "national_id", "sector_classification", "sector_code",
    "employees", "founding_year", "address", "postal_code", "territory", "latitude", "longitude",
    "exporter", "email", "phone", "website",
)
ORGANISATION_FIELDS = (
    "kind", "name", "country", "national_id", "territory", "address", "sector_classification",
    "sector_code", "email", "phone", "website", "enterprise", "notes",
)


def _apply(instance, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationFailed({f: [_("Unknown field.")] for f in sorted(unknown)})
    for field, value in data.items():
        if field == "territory" and isinstance(value, int):
            value = Territory.objects.filter(pk=value).first()
            if value is None:
                raise ValidationFailed({"territory": [_("Unknown territory.")]})
        if field == "enterprise" and isinstance(value, int):
            value = Enterprise.objects.filter(pk=value).first()
            if value is None:
                raise ValidationFailed({"enterprise": [_("Unknown enterprise.")]})
        if isinstance(value, str) and field not in ("notes",):
            value = value.strip()
        setattr(instance, field, value)


def national_id_of(country: str, text: str, field: str = "national_id") -> str:
    """The stored form of a national identifier (see `identifiers`), or ValidationFailed on `field`.
    Every write of an identifier (forms, API, change requests) goes through here; imports call
    `identifiers.normalise` row by row with the same rule."""
    try:
        return identifiers.normalise(country, text)
    except identifiers.IdentifierError as exc:
        raise ValidationFailed({field: [str(exc)]}) from exc


def _normalise_enterprise(ent: Enterprise, identifier: bool = True) -> None:
    """`identifier`: check and normalise the national identifier (not when an edit leaves it and the
    country alone: a record kept as written by migration 0005 stays editable until it is corrected)."""
    ent.country = (ent.country or "").upper()
    if identifier:
        ent.national_id = national_id_of(ent.country, ent.national_id)
    if ent.sector_classification not in SectorClassification.values:
        raise ValidationFailed({"sector_classification": [
            _("Unknown classification %(value)r; use one of %(choices)s.") % {
                "value": ent.sector_classification, "choices": ", ".join(SectorClassification.values)}]})
    try:
        ent.sector_code = sectors.normalise(ent.sector_classification, ent.sector_code)
    except ValueError as exc:
        raise ValidationFailed({"sector_code": [str(exc)]}) from exc
    ent.sector_section = sectors.section_of(ent.sector_classification, ent.sector_code)


# Enterprises ---------------------------------------------------------------------------------------

def _check_identifier_free(actor, ent: Enterprise) -> None:
    """Another firm's identifier: a user who may not see that firm learns nothing about it (see
    policy.IDENTIFIER_UNAVAILABLE); others get the model's message, which names the identifier."""
    holder = Enterprise.objects.filter(country=ent.country, national_id=ent.national_id).exclude(pk=ent.pk).first()
    if holder is not None and not policy.can_view_enterprise(actor, holder):
        raise ValidationFailed({"national_id": [_(policy.IDENTIFIER_UNAVAILABLE) % {
            "country": ent.country, "national_id": ent.national_id_display}]})


@transaction.atomic
def create_enterprise(actor, data: Mapping[str, Any]) -> Enterprise:
    require(policy.can_create_enterprise, actor)
    ent = Enterprise()
    _apply(ent, data, ENTERPRISE_FIELDS)
    _normalise_enterprise(ent)
    _check_identifier_free(actor, ent)
    save_validated(ent, actor)
    if accounts_policy.role_of(actor) == Role.ASSOCIATION_MANAGER:
        # An association manager registers members of their own association.
        add_membership(actor, ent, actor.organisation, date.today())
    return ent


@transaction.atomic
def update_enterprise(actor, enterprise: Enterprise, data: Mapping[str, Any], change_reason: str = "") -> Enterprise:
    require(policy.can_edit_enterprise, actor, enterprise)
    ent = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = {name: getattr(ent, name) for name in ENTERPRISE_FIELDS}
    _apply(ent, data, ENTERPRISE_FIELDS)
    _normalise_enterprise(ent, identifier="national_id" in data or "country" in data)
    locked = sorted(f for f in policy.fields_confirmed_by_agency(actor) if getattr(ent, f) != before[f])
    if locked:
        raise PermissionDenied(_("Changes to the legal name, country, identifier or sector go to the agency to "
                                 "confirm: submit a change request (changed: %(fields)s).") % {
            "fields": ", ".join(locked)})
    _check_identifier_free(actor, ent)
    if change_reason:
        ent._change_reason = change_reason
    save_validated(ent, actor)
    return ent


def get_enterprise(actor, pk: int) -> Enterprise:
    ent = policy.visible_enterprises(actor).select_related("territory").filter(pk=pk).first()
    if ent is None:
        raise NotFound(_("No such enterprise."))
    return ent


# Organisations -------------------------------------------------------------------------------------

@transaction.atomic
def create_organisation(actor, data: Mapping[str, Any]) -> Organisation:
    require(policy.can_manage_organisations, actor)
    org = Organisation()
    _apply(org, data, ORGANISATION_FIELDS)
    org.country = (org.country or "").upper()
    org.national_id = national_id_of(org.country, org.national_id)
    save_validated(org, actor)
    return org


BUYER_FIELDS = ("kind", "name", "country", "national_id", "territory", "notes")


@transaction.atomic
def create_buyer_organisation(actor, data: Mapping[str, Any]) -> Organisation:
    """A buyer (large firm, public purchaser, export/marketing agent or retailer) added by someone who
    forms networks around buyers (`policy.can_add_buyer_organisation`, brokers included): only a
    buyer kind, only its identity, never a second record of a buyer already in the register."""
    require(policy.can_add_buyer_organisation, actor)
    from .models import BUYER_KINDS, OrganisationKind

    if data.get("kind") not in BUYER_KINDS:
        raise ValidationFailed({"kind": [_("Choose a kind of buyer: %(choices)s.") % {
            "choices": ", ".join(str(OrganisationKind(k).label) for k in BUYER_KINDS)}]})
    org = Organisation()
    _apply(org, data, BUYER_FIELDS)
    org.country = (org.country or "").upper()
    if not org.name:
        raise ValidationFailed({"name": [_("Give the buyer's name.")]})
    same = Organisation.objects.filter(kind=org.kind, country=org.country, name__iexact=org.name).first()
    if same is not None:
        raise ValidationFailed({"name": [_("%(name)s is already in the register: choose it among the named "
                                           "buyers.") % {"name": same.name}]})
    save_validated(org, actor)
    return org


@transaction.atomic
def update_organisation(actor, organisation: Organisation, data: Mapping[str, Any]) -> Organisation:
    require(policy.can_edit_organisation, actor, organisation)
    if "kind" in data and not policy.can_manage_organisations(actor):
        raise PermissionDenied(_("Only agency staff may change an organisation's kind."))
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _apply(org, data, ORGANISATION_FIELDS)
    org.country = (org.country or "").upper()
    org.national_id = national_id_of(org.country, org.national_id)
    save_validated(org, actor)
    return org


def get_organisation(actor, pk: int) -> Organisation:
    org = policy.visible_organisations(actor).filter(pk=pk).first()
    if org is None:
        raise NotFound(_("No such organisation."))
    return org


# Memberships ---------------------------------------------------------------------------------------

@transaction.atomic
def add_membership(actor, enterprise: Enterprise, association: Organisation, start_date: date,
                   end_date: date | None = None) -> Membership:
    require(policy.can_manage_membership, actor, association)
    if not association.is_association:
        raise ValidationFailed({"association": [_("%(org)s is not an association.") % {"org": association}]})
    overlapping = Membership.objects.select_for_update().filter(enterprise=enterprise, association=association)
    for m in overlapping:
        ends_after_start = m.end_date is None or m.end_date >= start_date
        starts_before_end = end_date is None or m.start_date <= end_date
        if ends_after_start and starts_before_end:
            values = {"ent": enterprise, "org": association, "start": m.start_date, "end": m.end_date}
            raise ValidationFailed({"start_date": [
                (_("%(ent)s is already a member of %(org)s from %(start)s to %(end)s.") if m.end_date
                 else _("%(ent)s is already a member of %(org)s from %(start)s (open).")) % values]})
    membership = Membership(enterprise=enterprise, association=association,
                            start_date=start_date, end_date=end_date)
    save_validated(membership, actor)
    return membership


@transaction.atomic
def end_membership(actor, membership: Membership, end_date: date) -> Membership:
    require(policy.can_manage_membership, actor, membership.association)
    m = Membership.objects.select_for_update().get(pk=membership.pk)
    if m.end_date is not None:
        raise ValidationFailed({"end_date": [_("This membership already ended on %(day)s.") % {
            "day": m.end_date}]})
    m.end_date = end_date
    save_validated(m, actor)
    return m


# Contacts ------------------------------------------------------------------------------------------

@transaction.atomic
def add_contact(actor, *, enterprise: Enterprise | None = None, organisation: Organisation | None = None,
                **fields) -> Contact:
    if enterprise is not None:
        require(policy.can_edit_enterprise, actor, enterprise)
    elif organisation is not None:
        require(policy.can_edit_organisation, actor, organisation)
    contact = Contact(enterprise=enterprise, organisation=organisation, **fields)
    save_validated(contact, actor)
    return contact


# Territories ---------------------------------------------------------------------------------------

def ensure_territory(level: str, code: str, name: str, parent: Territory | None = None,
                     actor=None) -> Territory:
    """The territory with this code under this parent, created when missing (used by imports)."""
    territory = Territory.objects.filter(parent=parent, code=code).first()
    if territory is None:
        territory = Territory(level=level, code=code, name=name or code, parent=parent)
        save_validated(territory, actor)
    return territory
