"""The one place that decides who may see and do what.

Reads are scoped with the `visible_*` functions; writes ask the `can_*` functions, which the service
layer calls before it changes anything. Pages, API and CLI never decide permissions themselves.

| role                | sees                                        | writes                                      |
|---------------------|---------------------------------------------|---------------------------------------------|
| agency-admin        | whole register                              | everything, users                           |
| programme-officer   | whole register                              | enterprises, organisations, memberships, import |
| broker              | whole register                              | nothing in the register (networks later)    |
| evaluator           | whole register                              | nothing                                     |
| association-manager | own association, its current members        | its members' records, its memberships, import into it |
| enterprise-user     | own enterprise, associations it belongs to  | own enterprise's record                     |
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

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


def can_export(user) -> bool:
    return role_of(user) is not None


def can_manage_organisations(user) -> bool:
    return role_of(user) in REGISTER_EDITORS


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
    return role_of(user) == Role.AGENCY_ADMIN
