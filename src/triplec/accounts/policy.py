"""Roles and the primitives every app's policy builds on; the users' own rules.

Each app decides who may see and do what in its own `policy.py` (registry, networks, clusters):
reads are scoped with its `visible_*` functions; writes ask its `can_*` functions, which the service
layer calls before it changes anything (`require` raises the check's one refusal message). Pages,
API and CLI never decide permissions themselves.

The roles (what each may do in the register is in `triplec.registry.policy`):

| role                | who                                                                     |
|---------------------|-------------------------------------------------------------------------|
| agency-admin        | the agency's administrator; the only one who manages users              |
| programme-officer   | the agency's programme staff                                             |
| broker              | a network broker/manager                                                 |
| evaluator           | reads everything, writes nothing                                         |
| association-manager | manages one association (`user.organisation`)                            |
| enterprise-user     | works for one enterprise (`user.enterprise`)                             |
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from triplec.core.errors import PermissionDenied

from .roles import AGENCY_WIDE_ROLES, Role


def is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_of(user) -> Role | None:
    if not is_active_user(user):
        return None
    try:
        return Role(user.role)
    except ValueError:
        return None


def is_agency_wide(user) -> bool:
    return role_of(user) in AGENCY_WIDE_ROLES


def organisation_id_of(user) -> int | None:
    """The organisation (association) an active user acts for, if any."""
    return user.organisation_id if is_active_user(user) else None


def enterprise_id_of(user) -> int | None:
    """The enterprise an active user works for, if any."""
    return user.enterprise_id if is_active_user(user) else None


def scoped(user, qs: QuerySet, *, for_association: Callable[[int], QuerySet],
           for_enterprise: Callable[[int], QuerySet]) -> QuerySet:
    """`qs` as a user sees it: all of it for the agency's staff; for an association manager, what
    `for_association(its organisation id)` gives; for an enterprise user, `for_enterprise(its enterprise
    id)`; nothing for anyone else."""
    role = role_of(user)
    if role in AGENCY_WIDE_ROLES:
        return qs
    if role == Role.ASSOCIATION_MANAGER and user.organisation_id:
        return for_association(user.organisation_id)
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        return for_enterprise(user.enterprise_id)
    return qs.none()


def refuses_with(message) -> Callable:
    """Give a `can_*` check the one message (a lazy translation) that pages, API and CLI show
    when it says no; `require` raises it."""
    def attach(check: Callable) -> Callable:
        check.refusal = message
        return check
    return attach


def require(check: Callable, user, *objects) -> None:
    """Raise PermissionDenied with the check's refusal message unless `check(user, *objects)`."""
    if not check(user, *objects):
        raise PermissionDenied(str(check.refusal))


@refuses_with(_("Only an agency administrator may manage users."))
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
