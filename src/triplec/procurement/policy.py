"""Who may see and do what in procurement through associations (issue 10).

| role                | sees                                              | does                                  |
|---------------------|---------------------------------------------------|---------------------------------------|
| agency-admin,       | everything                                        | programmes, awards, the purchaser's   |
| programme-officer   |                                                   | payments; everything the others do    |
| broker, evaluator   | everything (read-only)                            | nothing                               |
| purchaser-inspector | contracts of its purchaser's programmes           | inspects deliveries, records the      |
|                     |                                                   | purchaser's payments, warranty claims |
| association-manager | its association's contracts, rules, outcomes,     | allocates, passes money to members,   |
|                     | scoreboard                                        | deliveries, repairs, defaults, debts, |
|                     |                                                   | warranty claims (who repairs)         |
| enterprise-user     | contracts its enterprise has an allocation in,    | nothing                               |
|                     | only its own allocations, deliveries and money;   |                                       |
|                     | the scoreboard and yearly outcomes of its current |                                       |
|                     | associations                                      |                                       |

Nobody sees anything of another association. An inspector is a user of a `buyer-public` organisation.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from triplec.accounts.policy import refuses_with, role_of
from triplec.accounts.roles import AGENCY_WIDE_ROLES, Role
from triplec.registry.models import ASSOCIATION_KINDS, Membership, Organisation, OrganisationKind
from triplec.registry.policy import visible_organisations

from .models import Allocation, Contract, Delivery, Payment, Programme, WarrantyClaim

PROCUREMENT_AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})


def _inspector_purchaser(user) -> int | None:
    if role_of(user) != Role.PURCHASER_INSPECTOR or not user.organisation_id:
        return None
    return user.organisation_id if user.organisation.kind == OrganisationKind.BUYER_PUBLIC else None


def _managed_association(user) -> int | None:
    return user.organisation_id if role_of(user) == Role.ASSOCIATION_MANAGER else None


def _member_enterprise(user) -> int | None:
    return user.enterprise_id if role_of(user) == Role.ENTERPRISE_USER else None


def visible_contracts(user) -> QuerySet:
    qs = Contract.objects.all()
    role = role_of(user)
    if role in AGENCY_WIDE_ROLES:
        return qs
    if purchaser := _inspector_purchaser(user):
        return qs.filter(programme__purchaser_id=purchaser)
    if association := _managed_association(user):
        return qs.filter(association_id=association)
    if enterprise := _member_enterprise(user):
        mine = Allocation.objects.filter(member_id=enterprise).values("line__contract_id")
        return qs.filter(pk__in=mine)
    return qs.none()


def sees_contracts(user) -> bool:
    """Whether the procurement pages are for this user (the site's navigation): the agency, a
    purchaser's inspector, and an association's manager or member that has contracts."""
    if role_of(user) in AGENCY_WIDE_ROLES or _inspector_purchaser(user):
        return True
    return role_of(user) in (Role.ASSOCIATION_MANAGER, Role.ENTERPRISE_USER) and visible_contracts(user).exists()


def _scoped_to_member(user, qs: QuerySet, member_field: str, contract_path: str) -> QuerySet:
    """Rows of visible contracts; a member sees only the rows about its own enterprise."""
    qs = qs.filter(**{f"{contract_path}__in": visible_contracts(user).values("pk")})
    if enterprise := _member_enterprise(user):
        qs = qs.filter(**{member_field: enterprise})
    return qs


def visible_allocations(user) -> QuerySet:
    return _scoped_to_member(user, Allocation.objects.all(), "member_id", "line__contract_id")


def visible_deliveries(user) -> QuerySet:
    return _scoped_to_member(user, Delivery.objects.all(), "maker_id", "line__contract_id")


def visible_payments(user) -> QuerySet:
    return _scoped_to_member(user, Payment.objects.all(), "member_id", "contract_id")


def can_view_contract(user, contract) -> bool:
    return visible_contracts(user).filter(pk=contract.pk).exists()


@refuses_with(_("Only agency staff may set up procurement programmes and award contracts."))
def can_manage_programmes(user) -> bool:
    return role_of(user) in PROCUREMENT_AGENCY_ROLES


@refuses_with(_("You may not record the purchaser's payments on this contract."))
def can_record_purchaser_payment(user, contract) -> bool:
    if role_of(user) in PROCUREMENT_AGENCY_ROLES:
        return True
    purchaser = _inspector_purchaser(user)
    return purchaser is not None and purchaser == contract.programme.purchaser_id


@refuses_with(_("Only the purchaser's inspector or agency staff may inspect this contract's deliveries."))
def can_inspect(user, contract) -> bool:
    return can_record_purchaser_payment(user, contract)


@refuses_with(_("Only the purchaser's inspector, the association's manager or agency staff may record warranty "
                "claims on this contract."))
def can_claim_warranty(user, contract) -> bool:
    return can_record_purchaser_payment(user, contract) or can_run_contract(user, contract)


@refuses_with(_("Only the association's manager or agency staff may do this for the contract."))
def can_run_contract(user, contract) -> bool:
    """Allocate, pass money to members, record deliveries, assign repairs, record defaults and
    settle members' debts: the awarded association's manager (or agency staff)."""
    if role_of(user) in PROCUREMENT_AGENCY_ROLES:
        return True
    association = _managed_association(user)
    return association is not None and association == contract.association_id


@refuses_with(_("Only the association's manager or agency staff may change its procurement rules and outcomes."))
def can_manage_association(user, association) -> bool:
    if role_of(user) in PROCUREMENT_AGENCY_ROLES:
        return True
    managed = _managed_association(user)
    return managed is not None and managed == association.pk


@refuses_with(_("You may not see this association's scoreboard."))
def can_view_scoreboard(user, association) -> bool:
    """All members of the association see it (mutual monitoring), with its manager and the agency."""
    role = role_of(user)
    if role in AGENCY_WIDE_ROLES:
        return True
    if (managed := _managed_association(user)) is not None and managed == association.pk:
        return True
    enterprise = _member_enterprise(user)
    return bool(enterprise) and Membership.objects.filter(
        Q(enterprise_id=enterprise, association=association) & Membership.current_q()).exists()


@refuses_with(_("You may not see this association's outcomes."))
def can_view_outcomes(user, association) -> bool:
    """The yearly outcomes: the agency, the association's manager and its current members (who
    report them), as for the scoreboard."""
    return can_view_scoreboard(user, association)


# What the API (and any other reader) lists beyond contracts: programmes, warranty claims, associations.

def visible_programmes(user) -> QuerySet:
    """The agency sees every programme; a purchaser's inspector its purchaser's; an association's
    manager or member the programmes of the contracts it sees."""
    qs = Programme.objects.all()
    if role_of(user) in AGENCY_WIDE_ROLES:
        return qs
    if purchaser := _inspector_purchaser(user):
        return qs.filter(purchaser_id=purchaser)
    return qs.filter(pk__in=visible_contracts(user).values("programme_id"))


def visible_warranty_claims(user) -> QuerySet:
    """Claims on visible contracts; a member sees those on units it made or repairs."""
    qs = WarrantyClaim.objects.filter(contract_id__in=visible_contracts(user).values("pk"))
    if enterprise := _member_enterprise(user):
        qs = qs.filter(Q(maker_id=enterprise) | Q(repairer_id=enterprise))
    return qs


def visible_associations(user) -> QuerySet:
    """Associations the reader may know of: those the register shows it (the agency all, a manager its
    own, a member those it belongs or belonged to) and those awarded the contracts it sees."""
    awarded = visible_contracts(user).values("association_id")
    return Organisation.objects.filter(kind__in=ASSOCIATION_KINDS).filter(
        Q(pk__in=visible_organisations(user).values("pk")) | Q(pk__in=awarded))


def money_scope(user) -> int | None:
    """Whose money on a visible contract the reader sees: None for all of it (the contract's books),
    else the id of the one member enterprise it works for (a member sees only its own money)."""
    return _member_enterprise(user)
