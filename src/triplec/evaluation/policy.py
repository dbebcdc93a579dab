"""Who may see and do what in Triple C evaluation (issue 12).

| role                | scorecards                                          | firm panel                            |
|---------------------|-----------------------------------------------------|---------------------------------------|
| agency-admin,       | every intervention and programme                    | sees every firm's; enters, corrects,  |
| programme-officer   |                                                     | imports, fills baselines              |
| broker, evaluator   | every intervention and programme (read-only)        | sees every firm's (read-only)         |
| association-manager | its association's: contracts, fair participations   | its current members' (read-only)      |
|                     | at its stands, networks its members are in          |                                       |
| enterprise-user     | its own: fair participations, service subscriptions | its own firm's; enters and corrects   |
|                     | and the networks it is a member of                  | what it states                        |
| anyone else         | nothing                                             | nothing                               |

Impact runs (estimates against matched comparison firms) add up other firms' figures too: the agency's
four roles read them, administrators, programme officers and evaluators start them; nobody else sees any.
A queued or running run is cancelled by whoever started it, or by an administrator or programme officer
(they manage the queue's runs), any run.

Programme scorecards add up other firms' figures: only the agency's roles see them; so do the
programme dashboard and its reports (`can_read_dashboard`). A supplier
programme's scorecard shows the buyer's and every supplier's figures: the agency only.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from triplec.accounts.policy import refuses_with, role_of, scoped
from triplec.accounts.roles import AGENCY_WIDE_ROLES, Role
from triplec.centres.models import Subscription
from triplec.fairs.models import Participation
from triplec.networks import policy as networks_policy
from triplec.procurement.models import Contract
from triplec.registry.models import Enterprise
from triplec.registry.policy import association_members
from triplec.suppliers.models import Programme as SupplierProgramme

from .models import FirmYear

EDITORS = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})


def _manager_of(user) -> int | None:
    return user.organisation_id if role_of(user) == Role.ASSOCIATION_MANAGER and user.organisation_id else None


def _firm_of(user) -> int | None:
    return user.enterprise_id if role_of(user) == Role.ENTERPRISE_USER and user.enterprise_id else None


def sees_evaluation(user) -> bool:
    """Whether the evaluation pages are for this user (the site's navigation)."""
    return role_of(user) in AGENCY_WIDE_ROLES or bool(_manager_of(user) or _firm_of(user))


def sees_programmes(user) -> bool:
    return role_of(user) in AGENCY_WIDE_ROLES


def visible_networks(user) -> QuerySet:
    """Agency roles all (brokers too: evaluation reads across the agency); others as networks decide."""
    from triplec.networks.models import Network

    if role_of(user) in AGENCY_WIDE_ROLES:
        return Network.objects.all()
    if _manager_of(user) or _firm_of(user):
        return networks_policy.visible_networks(user)
    return Network.objects.none()


def visible_contracts(user) -> QuerySet:
    qs = Contract.objects.all()
    if role_of(user) in AGENCY_WIDE_ROLES:
        return qs
    if association := _manager_of(user):
        return qs.filter(association_id=association)
    return qs.none()


def visible_participations(user) -> QuerySet:
    qs = Participation.objects.all()
    return scoped(user, qs, for_association=lambda org: qs.filter(stand__association_id=org),
                  for_enterprise=lambda firm: qs.filter(enterprise_id=firm))


def visible_supplier_programmes(user) -> QuerySet:
    qs = SupplierProgramme.objects.all()
    return qs if role_of(user) in AGENCY_WIDE_ROLES else qs.none()


def visible_subscriptions(user) -> QuerySet:
    qs = Subscription.objects.all()
    return scoped(user, qs, for_association=lambda org: qs.none(),
                  for_enterprise=lambda firm: qs.filter(enterprise_id=firm))


def visible_panel(user) -> QuerySet:
    qs = FirmYear.objects.all()
    return scoped(user, qs, for_association=lambda org: qs.filter(enterprise_id__in=association_members(org)),
                  for_enterprise=lambda firm: qs.filter(enterprise_id=firm))


def visible_panel_firms(user) -> QuerySet:
    qs = Enterprise.objects.all()
    return scoped(user, qs, for_association=lambda org: qs.filter(pk__in=association_members(org)),
                  for_enterprise=lambda firm: qs.filter(pk=firm))


@refuses_with(_("Only agency staff or the firm itself may enter this firm's panel figures."))
def can_enter_panel(user, enterprise) -> bool:
    return role_of(user) in EDITORS or (_firm_of(user) is not None and _firm_of(user) == enterprise.pk)


@refuses_with(_("Only agency staff may import panel files and fill baselines from diagnostics."))
def can_import_panel(user) -> bool:
    return role_of(user) in EDITORS


# Impact runs: the agency's roles read them; the programme staff and the evaluator start them.
# Association managers and firms see none (an estimate adds up other firms' figures).
IMPACT_RUNNERS = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER, Role.EVALUATOR})


@refuses_with(_("Only agency staff may read impact estimates."))
def can_view_impact(user) -> bool:
    return role_of(user) in AGENCY_WIDE_ROLES


@refuses_with(_("Only agency administrators, programme officers and evaluators may run impact estimates."))
def can_run_impact(user) -> bool:
    return role_of(user) in IMPACT_RUNNERS


@refuses_with(_("Only whoever started an impact estimate, an agency administrator or a programme officer may "
                "cancel it."))
def can_cancel_impact(user, run) -> bool:
    if role_of(user) in EDITORS:
        return True
    return can_run_impact(user) and run.created_by_id is not None and run.created_by_id == user.pk


@refuses_with(_("Only the agency's staff may read the programme dashboard and its reports."))
def can_read_dashboard(user) -> bool:
    """The programme dashboard and its PDF/Excel reports add up every programme: the agency's roles
    (the evaluator included), as for programme scorecards."""
    return sees_programmes(user)
