"""Programmes, their products, awards to associations, an association's rules, capacities and outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.ledger.services import input_currency
from triplec.registry.models import Enterprise, Organisation, OrganisationKind, Territory

from .. import policy
from ..models import (
    AssociationOutcome,
    AssociationRules,
    Capacity,
    Contract,
    ContractLine,
    ProductLine,
    Programme,
)
from .common import cents, is_current_member, refuse, save_validated, today

# Contracts go to associations of small producers only (DOMAIN.md, instrument 5).
AWARDABLE_KINDS = (OrganisationKind.PRODUCERS_ASSOCIATION,)


def _decimal(field: str, value) -> Decimal:
    if isinstance(value, float):
        refuse(field, _("Give an amount as a decimal string, not a float."))
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        refuse(field, _("%(value)s is not a number.") % {"value": value})


def create_programme(user, *, name: str, purchaser: Organisation, currency: str,
                     territory: Territory | None = None, advance_share="0.5", retention_share="0",
                     warranty_months: int = 12) -> Programme:
    require(policy.can_manage_programmes, user)
    if purchaser.kind != OrganisationKind.BUYER_PUBLIC:
        refuse("purchaser", _("The purchasing body must be a public purchaser (%(name)s is not).")
               % {"name": purchaser.name})
    programme = Programme(name=name, purchaser=purchaser, territory=territory, currency=input_currency(currency),
                          advance_share=_decimal("advance_share", advance_share),
                          retention_share=_decimal("retention_share", retention_share),
                          warranty_months=warranty_months)
    if programme.advance_share + programme.retention_share > 1:
        refuse("retention_share", _("The advance and the retention together cannot exceed the contract value."))
    with transaction.atomic():
        save_validated(programme)
    return programme


def add_product(user, programme: Programme, *, code: str, name: str, reference_price,
                specification: str = "") -> ProductLine:
    require(policy.can_manage_programmes, user)
    price = _decimal("reference_price", reference_price)
    if price <= 0 or cents(price) != price:
        refuse("reference_price", _("Give a positive price in cents."))
    product = ProductLine(programme=programme, code=code, name=name, specification=specification,
                          reference_price=price)
    with transaction.atomic():
        save_validated(product)
    return product


def check_awardee(association: Organisation) -> None:
    """Contracts go only to producers' associations or cooperatives; say why otherwise and what to do."""
    if association.kind in AWARDABLE_KINDS:
        return
    refuse("association", _(
        "%(name)s is not a producers' association or cooperative. The programme buys only from associations "
        "of small producers, which answer jointly for quality and for the advance; the agency can help the "
        "producers form one and register it as a producers' association.") % {"name": association.name})


def award_contract(user, programme: Programme, *, association, reference: str, lines: Iterable[Mapping],
                   awarded_on: date | None = None) -> Contract:
    """Award an order to an association. `lines`: dicts with product, quantity, unit_price, deadline
    and optionally specification (the product's own when not given). A single enterprise is refused."""
    require(policy.can_manage_programmes, user)
    if isinstance(association, Enterprise):
        refuse("association", _(
            "%(name)s is a single enterprise. The programme awards contracts only to associations of small "
            "producers, which answer jointly for quality and for the advance; the agency can help the producers "
            "form one and register it as a producers' association.") % {"name": association})
    check_awardee(association)
    lines = list(lines)
    if not lines:
        refuse("lines", _("A contract orders at least one product."))
    with transaction.atomic():
        contract = Contract(programme=programme, association=association, reference=reference,
                            awarded_on=today(awarded_on))
        save_validated(contract)
        for row in lines:
            product = row["product"]
            if product.programme_id != programme.pk:
                refuse("lines", _("%(product)s is not a product of this programme.") % {"product": product})
            price = _decimal("unit_price", row["unit_price"])
            if price <= 0 or cents(price) != price:
                refuse("unit_price", _("Give a positive unit price in cents."))
            save_validated(ContractLine(contract=contract, product=product, quantity=row["quantity"],
                                        unit_price=price, deadline=row["deadline"],
                                        specification=row.get("specification") or product.specification))
    return contract


def set_rules(user, association: Organisation, *, fee_share="0", warranty_cost_rule: str = "maker") -> AssociationRules:
    require(policy.can_manage_association, user, association)
    rules, _created = AssociationRules.objects.get_or_create(association=association)
    rules.fee_share = _decimal("fee_share", fee_share)
    rules.warranty_cost_rule = warranty_cost_rule
    with transaction.atomic():
        save_validated(rules)
    return rules


def rules_of(association: Organisation) -> AssociationRules:
    """The association's rules, or the defaults (no fee, the maker pays warranty repairs)."""
    return AssociationRules.objects.filter(association=association).first() or AssociationRules(association=association)


def declare_capacity(user, association: Organisation, member: Enterprise, product: ProductLine, units: int,
                     on: date | None = None) -> Capacity:
    require(policy.can_manage_association, user, association)
    if not is_current_member(association, member, on):
        refuse("member", _("%(name)s is not a member of the association.") % {"name": member})
    with transaction.atomic():
        capacity, _created = Capacity.objects.update_or_create(
            association=association, member=member, product=product,
            defaults={"units": units, "declared_on": today(on)})
    return capacity


def record_outcome(user, association: Organisation, *, year: int, members: int, workers: int,
                   equipment_bought="0", share_sold_elsewhere="0", illustration: bool = False,
                   note: str = "") -> AssociationOutcome:
    """Enter or correct one year; the previous figures stay in the history."""
    require(policy.can_manage_association, user, association)
    outcome = AssociationOutcome.objects.filter(association=association, year=year).first() or AssociationOutcome(
        association=association, year=year)
    outcome.members, outcome.workers = members, workers
    outcome.equipment_bought = _decimal("equipment_bought", equipment_bought)
    outcome.share_sold_elsewhere = _decimal("share_sold_elsewhere", share_sold_elsewhere)
    outcome.illustration, outcome.note = illustration, note
    outcome._history_user = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        save_validated(outcome)
    return outcome
