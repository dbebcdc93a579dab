"""Who may see and do what in supplier upgrading programmes (issue 11, item 2).

| role                     | sees                                              | does                               |
|--------------------------|---------------------------------------------------|------------------------------------|
| agency-admin,            | everything                                        | programmes, consent, enrolment,    |
| programme-officer        |                                                   | diagnostics, training; all below   |
| broker, evaluator        | everything (read-only)                            | nothing                            |
| buyer-staff              | its own firm's programmes, their suppliers,       | plans, orders (and their import),  |
|                          | diagnostics, plans, training and KPIs             | attendance                         |
| enterprise-user          | programmes its enterprise supplies; only its own  | its own plan's action status, its  |
|                          | supplier record, diagnostic, plan, orders, KPIs   | sales to other customers           |

Nobody else sees anything. Buyer staff are users of a `buyer-large-firm` organisation; another
firm's staff see nothing of this programme.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from triplec.accounts.policy import refuses_with, role_of
from triplec.accounts.roles import AGENCY_WIDE_ROLES, Role
from triplec.registry.models import OrganisationKind

from .models import Programme, Supplier

SUPPLIERS_AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})


def buyer_of(user) -> int | None:
    """The large buyer a buyer-staff user works for (None for anyone else)."""
    if role_of(user) != Role.BUYER_STAFF or not user.organisation_id:
        return None
    return user.organisation_id if user.organisation.kind == OrganisationKind.BUYER_LARGE_FIRM else None


def enterprise_of(user) -> int | None:
    return user.enterprise_id if role_of(user) == Role.ENTERPRISE_USER else None


def visible_programmes(user) -> QuerySet:
    qs = Programme.objects.all()
    if role_of(user) in AGENCY_WIDE_ROLES:
        return qs
    if buyer := buyer_of(user):
        return qs.filter(buyer_id=buyer)
    if enterprise := enterprise_of(user):
        return qs.filter(pk__in=Supplier.objects.filter(enterprise_id=enterprise).values("programme_id"))
    return qs.none()


def visible_suppliers(user) -> QuerySet:
    """Suppliers of the visible programmes; an enterprise user sees only its own enrolments."""
    qs = Supplier.objects.filter(programme__in=visible_programmes(user).values("pk"))
    if enterprise := enterprise_of(user):
        qs = qs.filter(enterprise_id=enterprise)
    return qs


def sees_programmes(user) -> bool:
    """Whether the supplier pages are for this user (the site's navigation)."""
    if role_of(user) in AGENCY_WIDE_ROLES or buyer_of(user):
        return True
    return enterprise_of(user) is not None and visible_programmes(user).exists()


def can_view_programme(user, programme) -> bool:
    return visible_programmes(user).filter(pk=programme.pk).exists()


def can_view_supplier(user, supplier) -> bool:
    return visible_suppliers(user).filter(pk=supplier.pk).exists()


def sees_whole_programme(user, programme) -> bool:
    """The programme's other suppliers, its costs and its overall KPIs: the agency and the buyer."""
    return role_of(user) in AGENCY_WIDE_ROLES or (buyer_of(user) is not None and buyer_of(user) == programme.buyer_id)


@refuses_with(_("Only agency staff may set up supplier programmes, enrol suppliers, and record diagnostics "
                "and training."))
def can_manage_programmes(user) -> bool:
    return role_of(user) in SUPPLIERS_AGENCY_ROLES


@refuses_with(_("Only the large buyer's staff or agency staff may do this in the programme."))
def can_run_programme(user, programme) -> bool:
    """Improvement plans, orders and their import, training attendance."""
    if role_of(user) in SUPPLIERS_AGENCY_ROLES:
        return True
    buyer = buyer_of(user)
    return buyer is not None and buyer == programme.buyer_id


@refuses_with(_("Only the supplier, the large buyer's staff or agency staff may do this for this supplier."))
def can_update_supplier(user, supplier) -> bool:
    """An action's progress on the plan, and the supplier's sales to other customers."""
    if can_run_programme(user, supplier.programme):
        return True
    enterprise = enterprise_of(user)
    return enterprise is not None and enterprise == supplier.enterprise_id


@refuses_with(_("Only agency staff and the large buyer's staff may export the programme's KPIs."))
def can_export_kpis(user, programme) -> bool:
    """Every supplier's orders and KPIs in a file: the agency (evaluators included) and the buyer."""
    return sees_whole_programme(user, programme)
