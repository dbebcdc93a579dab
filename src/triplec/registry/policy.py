"""Who may see and do what in the register (enterprises, organisations, memberships, imports).

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

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from triplec.accounts.policy import is_active_user, refuses_with, role_of, scoped
from triplec.accounts.roles import AGENCY_WIDE_ROLES, Role

from .models import Enterprise, Membership, Organisation
from .models_changes import CONFIRMED_FIELDS, EnterpriseChangeRequest
from .models_import import ImportBatch

REGISTER_EDITORS = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})


def association_members(association_id) -> QuerySet:
    """Ids of the enterprises that are members of the association today."""
    return Enterprise.objects.filter(
        Q(memberships__association_id=association_id) & Membership.current_q(prefix="memberships__")).values("pk")


def visible_enterprises(user) -> QuerySet:
    qs = Enterprise.objects.all()
    return scoped(user, qs, for_association=lambda org: qs.filter(pk__in=association_members(org)),
                  for_enterprise=lambda firm: qs.filter(pk=firm))


def visible_organisations(user) -> QuerySet:
    qs = Organisation.objects.all()
    return scoped(user, qs, for_association=lambda org: qs.filter(pk=org),
                  for_enterprise=lambda firm: qs.filter(memberships__enterprise_id=firm).distinct())


def visible_memberships(user) -> QuerySet:
    qs = Membership.objects.all()
    return scoped(user, qs, for_association=lambda org: qs.filter(association_id=org),
                  for_enterprise=lambda firm: qs.filter(enterprise_id=firm))


def can_view_register(user) -> bool:
    return role_of(user) is not None


@refuses_with(_("You may not add enterprises to the register."))
def can_create_enterprise(user) -> bool:
    role = role_of(user)
    return role in REGISTER_EDITORS or (role == Role.ASSOCIATION_MANAGER and bool(user.organisation_id))


@refuses_with(_("You may not change this enterprise."))
def can_edit_enterprise(user, enterprise) -> bool:
    role = role_of(user)
    if role in REGISTER_EDITORS:
        return True
    if role in (Role.ASSOCIATION_MANAGER, Role.ENTERPRISE_USER):
        return visible_enterprises(user).filter(pk=enterprise.pk).exists()
    return False


@refuses_with(_("You may not import enterprises."))
def can_import_enterprises(user) -> bool:
    return can_create_enterprise(user)


def can_view_enterprise(user, enterprise) -> bool:
    return visible_enterprises(user).filter(pk=enterprise.pk).exists()


def fields_confirmed_by_agency(user) -> frozenset[str]:
    """Fields of their own enterprise's record that this user changes only through a change request
    the agency confirms (legal name, country, identifier, sector): an enterprise user's. Others who may
    edit a record change them directly."""
    return frozenset(CONFIRMED_FIELDS) if role_of(user) == Role.ENTERPRISE_USER else frozenset()


@refuses_with(_("You may not ask for changes to this enterprise."))
def can_request_enterprise_change(user, enterprise) -> bool:
    return role_of(user) == Role.ENTERPRISE_USER and user.enterprise_id == enterprise.pk


@refuses_with(_("Only the agency's register editors decide change requests."))
def can_decide_change_requests(user) -> bool:
    """Approve or reject an enterprise's change request: the agency's register editors."""
    return role_of(user) in REGISTER_EDITORS


def visible_change_requests(user) -> QuerySet:
    """The agency-wide roles see every request; an enterprise user those of their enterprise; an
    association manager those of their current members."""
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
    qs = ImportBatch.objects.all()
    return qs.filter(uploaded_by_id=user.pk) if is_active_user(user) else qs.none()


def can_view_import_batch(user, batch) -> bool:
    return is_active_user(user) and batch.uploaded_by_id == user.pk


@refuses_with(_("You may not export the register."))
def can_export(user) -> bool:
    return role_of(user) is not None


@refuses_with(_("You may not add organisations."))
def can_manage_organisations(user) -> bool:
    return role_of(user) in REGISTER_EDITORS


# Networks form around buyers (issue 8): a broker adds a buyer that is not in the register yet
# directly, while forming a network around it, but only a buyer (large firm, public purchaser,
# export/marketing agent, retailer) and only its identity; the agency keeps control of the register,
# since only agency staff may change or remove an organisation afterwards (`can_edit_organisation`),
# and the history shows who added it.
BUYER_ADDERS = REGISTER_EDITORS | {Role.BROKER}


@refuses_with(_("You may not add buyers to the register."))
def can_add_buyer_organisation(user) -> bool:
    return role_of(user) in BUYER_ADDERS


@refuses_with(_("You may not change this organisation."))
def can_edit_organisation(user, organisation) -> bool:
    role = role_of(user)
    if role in REGISTER_EDITORS:
        return True
    return role == Role.ASSOCIATION_MANAGER and user.organisation_id == organisation.pk


@refuses_with(_("You may not manage this association's memberships."))
def can_manage_membership(user, association) -> bool:
    role = role_of(user)
    if role in REGISTER_EDITORS:
        return True
    return role == Role.ASSOCIATION_MANAGER and user.organisation_id == association.pk
