"""Who may see and do what with networks of firms (issue 4).

| role                | sees networks                                  | does                                  |
|---------------------|------------------------------------------------|---------------------------------------|
| agency-admin        | all                                            | everything; defines network kinds     |
| programme-officer   | all                                            | everything but defining kinds         |
| broker              | the networks they broker/manage                | manages those (not contracts, not     |
|                     |                                                | independence assessments); creates    |
|                     |                                                | networks, which they then broker      |
| evaluator           | all (read-only)                                | nothing                               |
| enterprise-user     | networks their enterprise is a member of today | nothing (read-only; cannot change     |
|                     |                                                | the stage)                            |
| association-manager | networks with at least one firm that is today  | nothing (read-only)                   |
|                     | both a member of the network and of their      |                                       |
|                     | association                                    |                                       |

Decided for association managers: associations are the firms' self-help organisations, so their
managers follow the networks their members are in, read-only. Inside a network, firm-level records
are narrower: contributions and evaluations of a firm are seen by the agency-wide readers, the
network's broker, the firm's own users and the managers of an association the firm belongs to
today; network-level figures (costs, shares, activities, stages, assessments) by all who see the
network. Gates add their own role list (Gate.allowed_roles): passing one needs both that role and
the right to manage the network. Manager contracts and independence assessments are the agency's
(the manager should not sign their own contract or judge their own network's independence).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from triplec.accounts.policy import refuses_with, role_of
from triplec.accounts.roles import Role
from triplec.registry.policy import association_members

from .models import ContributionEntry, Evaluation, Network, active_members_q

NETWORK_AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})
NETWORK_READ_ALL_ROLES = NETWORK_AGENCY_ROLES | {Role.EVALUATOR}


def _members_today_q():
    return active_members_q(date.today(), prefix="members__")


def visible_networks(user) -> QuerySet:
    role = role_of(user)
    qs = Network.objects.all()
    if role in NETWORK_READ_ALL_ROLES:
        return qs
    if role == Role.BROKER:
        return qs.filter(broker_id=user.pk)
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        ids = Network.objects.filter(_members_today_q(), members__enterprise_id=user.enterprise_id)
        return qs.filter(pk__in=ids.values("pk"))
    if role == Role.ASSOCIATION_MANAGER and user.organisation_id:
        ids = Network.objects.filter(_members_today_q(),
                                     members__enterprise_id__in=association_members(user.organisation_id))
        return qs.filter(pk__in=ids.values("pk"))
    return qs.none()


def can_view_network(user, network) -> bool:
    return visible_networks(user).filter(pk=network.pk).exists()


@refuses_with(_("You may not create networks."))
def can_create_network(user) -> bool:
    return role_of(user) in NETWORK_AGENCY_ROLES | {Role.BROKER}


@refuses_with(_("You may not change this network."))
def can_manage_network(user, network) -> bool:
    """Change the network's record, members, market, activities, costs, contributions, evaluations
    and gate evidence."""
    role = role_of(user)
    if role in NETWORK_AGENCY_ROLES:
        return True
    return role == Role.BROKER and network.broker_id == user.pk


def can_assign_broker(user) -> bool:
    """Choose or change a network's broker/manager, its funding schedule and its kind."""
    return role_of(user) in NETWORK_AGENCY_ROLES


@refuses_with(_("You may not change this network's stage."))
def can_change_stage(user, network) -> bool:
    """Go back, close or reopen (with a reason); forward also needs `can_pass_gate`."""
    return can_manage_network(user, network)


def can_pass_gate(user, network, gate) -> bool:
    role = role_of(user)
    return can_change_stage(user, network) and role is not None and role.value in (gate.allowed_roles or [])


@refuses_with(_("You may not change this network's members."))
def can_manage_network_members(user, network) -> bool:
    return can_manage_network(user, network)


@refuses_with(_("You may not log activities for this network."))
def can_record_activity(user, network) -> bool:
    return can_manage_network(user, network)


@refuses_with(_("You may not record this network's contributions."))
def can_record_contribution(user, network) -> bool:
    return can_manage_network(user, network)


@refuses_with(_("You may not record this network's costs."))
def can_record_cost(user, network) -> bool:
    return can_manage_network(user, network)


def can_manage_contracts(user, network) -> bool:
    return role_of(user) in NETWORK_AGENCY_ROLES


@refuses_with(_("You may not record evaluations for this network."))
def can_record_evaluation(user, network) -> bool:
    return can_manage_network(user, network)


@refuses_with(_("Only agency staff may assess independence."))
def can_assess_independence(user, network) -> bool:
    return role_of(user) in NETWORK_AGENCY_ROLES


@refuses_with(_("Only an agency administrator may define kinds of network."))
def can_define_network_kinds(user) -> bool:
    return role_of(user) == Role.AGENCY_ADMIN


def _firm_scoped(user, qs: QuerySet) -> QuerySet:
    """Rows about one firm in a network (`network`, `enterprise` fields), scoped as in the table."""
    role = role_of(user)
    if role in NETWORK_READ_ALL_ROLES:
        return qs
    if role == Role.BROKER:
        return qs.filter(network__broker_id=user.pk)
    visible = visible_networks(user).values("pk")
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        return qs.filter(network_id__in=visible, enterprise_id=user.enterprise_id)
    if role == Role.ASSOCIATION_MANAGER and user.organisation_id:
        members = association_members(user.organisation_id)
        return qs.filter(network_id__in=visible, enterprise_id__in=members)
    return qs.none()


def visible_contributions(user) -> QuerySet:
    return _firm_scoped(user, ContributionEntry.objects.all())


def visible_evaluations(user) -> QuerySet:
    return _firm_scoped(user, Evaluation.objects.all())


@refuses_with(_("You may not add evidence to this network."))
def can_add_evidence(user, network) -> bool:
    return can_manage_network(user, network)


@refuses_with(_("You may not change this network's evidence."))
def can_change_evidence(user, network) -> bool:
    return can_manage_network(user, network)


# Correcting (reversing) a ledger entry: the right to record that kind of entry, one refusal for both.
_LEDGER_REFUSAL = _("You may not correct this network's ledger.")


@refuses_with(_LEDGER_REFUSAL)
def can_correct_contributions(user, network) -> bool:
    return can_record_contribution(user, network)


@refuses_with(_LEDGER_REFUSAL)
def can_correct_costs(user, network) -> bool:
    return can_record_cost(user, network)


@refuses_with(_("Only agency staff may choose a funding schedule."))
def can_choose_funding_schedule(user) -> bool:
    return can_assign_broker(user)


@refuses_with(_("Only agency staff may record manager contracts."))
def can_record_contract(user, network) -> bool:
    return can_manage_contracts(user, network)


@refuses_with(_("Only agency staff may change manager contracts."))
def can_change_contract(user, network) -> bool:
    return can_manage_contracts(user, network)


@refuses_with(_("Only agency staff may accrue manager costs."))
def can_accrue_manager_costs(user, network) -> bool:
    return can_manage_contracts(user, network)
