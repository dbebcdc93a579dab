"""The one place that decides who may see and do what.

Reads are scoped with the `visible_*` functions; writes ask the `can_*` functions, which the service
layer calls before it changes anything. Pages, API and CLI never decide permissions themselves.

| role                | sees                                        | writes                                      |
|---------------------|---------------------------------------------|---------------------------------------------|
| agency-admin        | whole register                              | everything, users (not its own role/access) |
| programme-officer   | whole register                              | enterprises, organisations, memberships, import |
| broker              | whole register                              | adds buyer organisations (only buyers)      |
| evaluator           | whole register                              | nothing                                     |
| association-manager | own association, its current members        | its members' records, its memberships, import into it |
| enterprise-user     | own enterprise, associations it belongs to  | own enterprise's record; its legal name,    |
|                     |                                             | country, identifier and sector through a    |
|                     |                                             | change request the agency confirms          |
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop

from .roles import AGENCY_WIDE_ROLES, Role

REGISTER_EDITORS = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_of(user) -> Role | None:
    if not _active(user):
        return None
    try:
        return Role(user.role)
    except ValueError:
        return None


def is_agency_wide(user) -> bool:
    return role_of(user) in AGENCY_WIDE_ROLES


def _current_members_q(association_id, today: date | None = None) -> Q:
    today = today or date.today()
    return Q(
        memberships__association_id=association_id,
        memberships__start_date__lte=today,
    ) & (Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today))


def visible_enterprises(user) -> QuerySet:
    from triplec.registry.models import Enterprise

    role = role_of(user)
    qs = Enterprise.objects.all()
    if role in AGENCY_WIDE_ROLES:
        return qs
    if role == Role.ASSOCIATION_MANAGER and user.organisation_id:
        member_ids = Enterprise.objects.filter(_current_members_q(user.organisation_id)).values("pk")
        return qs.filter(pk__in=member_ids)
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        return qs.filter(pk=user.enterprise_id)
    return qs.none()


def visible_organisations(user) -> QuerySet:
    from triplec.registry.models import Organisation

    role = role_of(user)
    qs = Organisation.objects.all()
    if role in AGENCY_WIDE_ROLES:
        return qs
    if role == Role.ASSOCIATION_MANAGER and user.organisation_id:
        return qs.filter(pk=user.organisation_id)
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        return qs.filter(memberships__enterprise_id=user.enterprise_id).distinct()
    return qs.none()


def visible_memberships(user) -> QuerySet:
    from triplec.registry.models import Membership

    role = role_of(user)
    qs = Membership.objects.all()
    if role in AGENCY_WIDE_ROLES:
        return qs
    if role == Role.ASSOCIATION_MANAGER and user.organisation_id:
        return qs.filter(association_id=user.organisation_id)
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


def can_view_register(user) -> bool:
    return role_of(user) is not None


def can_create_enterprise(user) -> bool:
    role = role_of(user)
    return role in REGISTER_EDITORS or (role == Role.ASSOCIATION_MANAGER and bool(user.organisation_id))


def can_edit_enterprise(user, enterprise) -> bool:
    role = role_of(user)
    if role in REGISTER_EDITORS:
        return True
    if role in (Role.ASSOCIATION_MANAGER, Role.ENTERPRISE_USER):
        return visible_enterprises(user).filter(pk=enterprise.pk).exists()
    return False


def can_import_enterprises(user) -> bool:
    return can_create_enterprise(user)


def can_view_enterprise(user, enterprise) -> bool:
    return visible_enterprises(user).filter(pk=enterprise.pk).exists()


def fields_confirmed_by_agency(user) -> frozenset[str]:
    """Fields of their own enterprise's record that this user changes only through a change request
    the agency confirms (legal name, country, identifier, sector): an enterprise user's. Others who may
    edit a record change them directly."""
    from triplec.registry.models_changes import CONFIRMED_FIELDS

    return frozenset(CONFIRMED_FIELDS) if role_of(user) == Role.ENTERPRISE_USER else frozenset()


def can_request_enterprise_change(user, enterprise) -> bool:
    return role_of(user) == Role.ENTERPRISE_USER and user.enterprise_id == enterprise.pk


def can_decide_change_requests(user) -> bool:
    """Approve or reject an enterprise's change request: the agency's register editors."""
    return role_of(user) in REGISTER_EDITORS


def visible_change_requests(user) -> QuerySet:
    """The agency-wide roles see every request; an enterprise user those of their enterprise; an
    association manager those of their current members."""
    from triplec.registry.models_changes import EnterpriseChangeRequest

    qs = EnterpriseChangeRequest.objects.all()
    role = role_of(user)
    if role in AGENCY_WIDE_ROLES:
        return qs
    if role in (Role.ENTERPRISE_USER, Role.ASSOCIATION_MANAGER):
        return qs.filter(enterprise_id__in=visible_enterprises(user).values("pk"))
    return qs.none()


# An identifier is unique in its country, so a user who adds a firm (an association manager importing
# or entering a new member) whose identifier another firm already holds cannot be served. When that
# firm is outside what the user may see, the answer is this one sentence and nothing more: not its
# name, its data, its association, nor "it is in the register". That the identifier cannot be added by
# them is the one fact a unique register cannot hide; the agency, who sees the whole register, adds the
# firm to the association if it belongs there. (Stored in English with an import's row errors.)
IDENTIFIER_UNAVAILABLE = gettext_noop(
    "the identifier %(country)s/%(national_id)s cannot be added by you; if this firm belongs to your "
    "association, ask the agency to add it")


def visible_import_batches(user) -> QuerySet:
    """Uploaded import files (ImportBatch): each is seen by its uploader only, whatever their role
    (an upload may hold rows the uploader may not see once written). Pages ask
    `can_import_enterprises` first: those who may not import get 403, other importers 404."""
    from triplec.registry.models_import import ImportBatch

    qs = ImportBatch.objects.all()
    return qs.filter(uploaded_by_id=user.pk) if _active(user) else qs.none()


def can_view_import_batch(user, batch) -> bool:
    return _active(user) and batch.uploaded_by_id == user.pk


def can_export(user) -> bool:
    return role_of(user) is not None


def can_manage_organisations(user) -> bool:
    return role_of(user) in REGISTER_EDITORS


# Networks form around buyers (issue 8): a broker adds a buyer that is not in the register yet
# directly, while forming a network around it, but only a buyer (large firm, public purchaser,
# export/marketing agent, retailer) and only its identity; the agency keeps control of the register,
# since only agency staff may change or remove an organisation afterwards (`can_edit_organisation`),
# and the history shows who added it.
BUYER_ADDERS = REGISTER_EDITORS | {Role.BROKER}


def can_add_buyer_organisation(user) -> bool:
    return role_of(user) in BUYER_ADDERS


def can_edit_organisation(user, organisation) -> bool:
    role = role_of(user)
    if role in REGISTER_EDITORS:
        return True
    return role == Role.ASSOCIATION_MANAGER and user.organisation_id == organisation.pk


def can_manage_membership(user, association) -> bool:
    role = role_of(user)
    if role in REGISTER_EDITORS:
        return True
    return role == Role.ASSOCIATION_MANAGER and user.organisation_id == association.pk


def can_manage_users(user) -> bool:
    """See the users, create them, edit their names and e-mail, reset passwords, issue and revoke API
    tokens: the agency administrator only."""
    return role_of(user) == Role.AGENCY_ADMIN


def can_change_access(user, target) -> bool:
    """Change `target`'s role, organisation or enterprise, or deactivate it: an agency administrator,
    never on their own account (no one raises their own rights or locks themselves out). That the
    last active administrator stays is checked by the service, whoever acts (the command line too)."""
    return can_manage_users(user) and user.pk != target.pk


def visible_users(user) -> QuerySet:
    from .models import User

    return User.objects.all() if can_manage_users(user) else User.objects.none()


# Networks of firms (issue 4) ------------------------------------------------------------------------
#
# | role                | sees networks                                  | does                                  |
# |---------------------|------------------------------------------------|---------------------------------------|
# | agency-admin        | all                                            | everything; defines network kinds     |
# | programme-officer   | all                                            | everything but defining kinds         |
# | broker              | the networks they broker/manage                | manages those (not contracts, not     |
# |                     |                                                | independence assessments); creates    |
# |                     |                                                | networks, which they then broker      |
# | evaluator           | all (read-only)                                | nothing                               |
# | enterprise-user     | networks their enterprise is a member of today | nothing (read-only; cannot change     |
# |                     |                                                | the stage)                            |
# | association-manager | networks with at least one firm that is today  | nothing (read-only)                   |
# |                     | both a member of the network and of their      |                                       |
# |                     | association                                    |                                       |
#
# Decided for association managers: associations are the firms' self-help organisations, so their
# managers follow the networks their members are in, read-only. Inside a network, firm-level records
# are narrower: contributions and evaluations of a firm are seen by the agency-wide readers, the
# network's broker, the firm's own users and the managers of an association the firm belongs to
# today; network-level figures (costs, shares, activities, stages, assessments) by all who see the
# network. Gates add their own role list (Gate.allowed_roles): passing one needs both that role and
# the right to manage the network. Manager contracts and independence assessments are the agency's
# (the manager should not sign their own contract or judge their own network's independence).

NETWORK_AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})
NETWORK_READ_ALL_ROLES = NETWORK_AGENCY_ROLES | {Role.EVALUATOR}


def _network_members_today_q(today: date | None = None, prefix: str = "members__") -> Q:
    today = today or date.today()
    return Q(**{f"{prefix}joined_on__lte": today}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": today}))


def visible_networks(user) -> QuerySet:
    from triplec.networks.models import Network

    role = role_of(user)
    qs = Network.objects.all()
    if role in NETWORK_READ_ALL_ROLES:
        return qs
    if role == Role.BROKER:
        return qs.filter(broker_id=user.pk)
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        ids = Network.objects.filter(_network_members_today_q(), members__enterprise_id=user.enterprise_id)
        return qs.filter(pk__in=ids.values("pk"))
    if role == Role.ASSOCIATION_MANAGER and user.organisation_id:
        from triplec.registry.models import Enterprise

        association_members = Enterprise.objects.filter(_current_members_q(user.organisation_id)).values("pk")
        ids = Network.objects.filter(_network_members_today_q(), members__enterprise_id__in=association_members)
        return qs.filter(pk__in=ids.values("pk"))
    return qs.none()


def can_view_network(user, network) -> bool:
    return visible_networks(user).filter(pk=network.pk).exists()


def can_create_network(user) -> bool:
    return role_of(user) in NETWORK_AGENCY_ROLES | {Role.BROKER}


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


def can_change_stage(user, network) -> bool:
    """Go back, close or reopen (with a reason); forward also needs `can_pass_gate`."""
    return can_manage_network(user, network)


def can_pass_gate(user, network, gate) -> bool:
    role = role_of(user)
    return can_change_stage(user, network) and role is not None and role.value in (gate.allowed_roles or [])


def can_manage_network_members(user, network) -> bool:
    return can_manage_network(user, network)


def can_record_activity(user, network) -> bool:
    return can_manage_network(user, network)


def can_record_contribution(user, network) -> bool:
    return can_manage_network(user, network)


def can_record_cost(user, network) -> bool:
    return can_manage_network(user, network)


def can_manage_contracts(user, network) -> bool:
    return role_of(user) in NETWORK_AGENCY_ROLES


def can_record_evaluation(user, network) -> bool:
    return can_manage_network(user, network)


def can_assess_independence(user, network) -> bool:
    return role_of(user) in NETWORK_AGENCY_ROLES


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
        from triplec.registry.models import Enterprise

        members = Enterprise.objects.filter(_current_members_q(user.organisation_id)).values("pk")
        return qs.filter(network_id__in=visible, enterprise_id__in=members)
    return qs.none()


def visible_contributions(user) -> QuerySet:
    from triplec.networks.models import ContributionEntry

    return _firm_scoped(user, ContributionEntry.objects.all())


def visible_evaluations(user) -> QuerySet:
    from triplec.networks.models import Evaluation

    return _firm_scoped(user, Evaluation.objects.all())


# Cluster mapping and cluster records (issue 3) ------------------------------------------------------
#
# | role                | mapping runs and cluster records        | does                                  |
# |---------------------|-----------------------------------------|---------------------------------------|
# | agency-admin        | all                                     | starts runs, creates/edits clusters,  |
# |                     |                                         | attaches footprints                   |
# | programme-officer   | all                                     | same as agency-admin                  |
# | broker              | all (read-only)                         | nothing                               |
# | evaluator           | all (read-only)                         | nothing                               |
# | association-manager | none                                    | nothing                               |
# | enterprise-user     | none                                    | nothing                               |
#
# A mapping run reads the whole register (every establishment's site is part of the counterfactual),
# and its outputs list establishments by id: only the agency-wide roles, who see the whole register,
# may see runs and their files. Cluster records carry footprint members too, so they follow the same rule.

MAPPING_EDITORS = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})


def can_view_mapping(user) -> bool:
    """Open mapping runs (results, plots, maps, downloads) and cluster records."""
    return role_of(user) in AGENCY_WIDE_ROLES


def can_run_mapping(user) -> bool:
    """Start a mapping run on the register or on an uploaded file."""
    return role_of(user) in MAPPING_EDITORS


def can_manage_clusters(user) -> bool:
    """Create and edit cluster records and attach footprints found by a run to them."""
    return role_of(user) in MAPPING_EDITORS


def can_cancel_mapping_run(user, run) -> bool:
    """Stop a queued or running mapping run: those who may start runs, any run (they share the queue)."""
    return role_of(user) in MAPPING_EDITORS


def can_delete_mapping_run(user, run) -> bool:
    """Delete a finished mapping run and its files: those who may start runs, any run. Footprints
    attached to cluster records stay there as snapshots."""
    return role_of(user) in MAPPING_EDITORS


def can_export_clusters(user) -> bool:
    """Download the cluster records and their footprints as CSV or XLSX."""
    return can_view_mapping(user)


def visible_mapping_runs(user) -> QuerySet:
    from triplec.clusters.models import MappingRun

    qs = MappingRun.objects.all()
    return qs if can_view_mapping(user) else qs.none()


def visible_clusters(user) -> QuerySet:
    from triplec.clusters.models import Cluster

    qs = Cluster.objects.all()
    return qs if can_view_mapping(user) else qs.none()
