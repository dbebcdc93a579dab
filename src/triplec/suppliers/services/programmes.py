"""Programmes, the large buyer's consent, and enrolment of suppliers."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.core.records import save_validated
from triplec.ledger.services import input_currency
from triplec.registry.models import Enterprise, Organisation, OrganisationKind, Territory
from triplec.registry.picker import FirmNotFound, find_firm

from .. import policy
from ..models import Programme, Supplier
from .common import refuse, share, today


def create_programme(user, *, name: str, buyer: Organisation, currency: str, started_on: date,
                     agency_share="0.5", supplier_share="0") -> Programme:
    """A programme anchored on a large buyer; the cost-sharing rule is the agency's and the supplier's
    shares (the buyer pays the rest)."""
    require(policy.can_manage_programmes, user)
    if buyer.kind != OrganisationKind.BUYER_LARGE_FIRM:
        refuse("buyer", _("A supplier programme is anchored on a large buyer (%(name)s is not one).")
               % {"name": buyer.name})
    currency = input_currency(currency)
    programme = Programme(name=name, buyer=buyer, currency=currency, started_on=started_on,
                          agency_share=share("agency_share", agency_share),
                          supplier_share=share("supplier_share", supplier_share))
    if programme.buyer_share < 0:
        refuse("supplier_share", _("The agency's and the supplier's shares together cannot exceed the whole cost."))
    with transaction.atomic():
        save_validated(programme, user)
    return programme


def record_consent(user, programme: Programme, *, given_by: str, given_on: date, reference: str) -> Programme:
    """The large buyer's consent to the programme: who gave it, when, and the document that says so."""
    require(policy.can_manage_programmes, user)
    errors = {}
    if not given_by.strip():
        errors["given_by"] = [_("Say who gave the consent for the buyer.")]
    if not reference.strip():
        errors["reference"] = [_("Give the reference of the consent document.")]
    if errors:
        raise ValidationFailed(errors)
    if programme.consented:
        refuse("__all__", _("The buyer's consent is already recorded (%(by)s, %(on)s).")
               % {"by": programme.consent_by, "on": programme.consent_on.isoformat()})
    programme.consent_by, programme.consent_on, programme.consent_reference = given_by.strip(), given_on, reference.strip()
    with transaction.atomic():
        save_validated(programme, user)
    return programme


def _check_enrolment(programme: Programme, on: date) -> None:
    if not programme.consented:
        refuse("__all__", _("No supplier is enrolled before the large buyer's consent is recorded."))
    if on < programme.consent_on:
        refuse("enrolled_on", _("The buyer consented on %(date)s; a supplier cannot be enrolled before that.")
               % {"date": programme.consent_on.isoformat()})


def enrol_enterprise(user, programme: Programme, enterprise: Enterprise, on: date | None = None) -> Supplier:
    require(policy.can_manage_programmes, user)
    on = today(on)
    _check_enrolment(programme, on)
    if Supplier.objects.filter(programme=programme, enterprise=enterprise).exists():
        refuse("enterprise", _("%(name)s is already a supplier of this programme.") % {"name": enterprise})
    supplier = Supplier(programme=programme, enterprise=enterprise, enrolled_on=on)
    with transaction.atomic():
        save_validated(supplier, user)
    return supplier


def enrol_homeworker(user, programme: Programme, *, name: str, product: str,
                     municipality: Territory | None = None, on: date | None = None) -> Supplier:
    """A homeworker without a formal identifier: kept here by name, municipality and product."""
    require(policy.can_manage_programmes, user)
    on = today(on)
    _check_enrolment(programme, on)
    if not name.strip():
        refuse("person_name", _("Give the homeworker's name."))
    if not product.strip():
        refuse("product", _("Say what the homeworker makes for the buyer."))
    if municipality is not None and municipality.level != Territory.Level.MUNICIPALITY:
        refuse("municipality", _("Choose a municipality."))
    supplier = Supplier(programme=programme, person_name=name.strip(), product=product.strip(),
                        municipality=municipality, enrolled_on=on)
    with transaction.atomic():
        save_validated(supplier, user)
    return supplier


def find_enterprise(text: str) -> Enterprise:
    """The register enterprise `text` names: its national identifier (with or without punctuation),
    else the one enterprise whose names hold every word of it (the register's search). None found, or
    several by name, is a field error saying so."""
    try:
        return find_firm(text)
    except FirmNotFound as exc:
        refuse("enterprise", str(exc))
