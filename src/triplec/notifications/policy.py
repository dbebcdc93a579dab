"""Who is notified of what is due, and who reads which notices (issue 12, item 5).

A notice goes to whoever should act on the due thing: the user must pass the instrument's own rule
for that act (its `policy.can_*`), and the instrument's party in charge comes first:

| kind                | may act (the instrument's rule)                | in charge (agency editors only when  |
|                     |                                                | no such active user may act)         |
|---------------------|------------------------------------------------|--------------------------------------|
| evaluation overdue  | networks `can_record_evaluation`               | the network's broker                 |
| contribution gap    | networks `can_record_contribution`             | the network's broker                 |
| gate waiting        | networks `can_pass_gate` (the gate's roles)    | the network's broker                 |
| follow-up due       | fairs `can_follow_up`                          | the firm's users, its stand's        |
|                     |                                                | association manager                  |
| action due          | suppliers `can_update_supplier`, on the        | the supplier's users or the buyer's  |
|                     | action's owner side (supplier / buyer staff)   | staff, as the action's owner says;   |
|                     |                                                | a consultant's action: the agency    |
| fair payment        | fairs `can_manage_programmes` (agency editors) | (the agency pays)                    |
| member payment      | procurement `can_run_contract`                 | the association's manager            |

So a broker hears of his networks' gates, evaluations and members paying nothing while others pay, an association manager of its contracts'
advances and its members' follow-ups, a firm of its own follow-ups and plan actions; the agency's
administrators and officers of what nobody else would act on. Evaluators and readers get nothing.

Every active user reads their own notices only; nobody reads another's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from triplec.accounts.models import User
from triplec.accounts.policy import is_active_user, role_of
from triplec.accounts.roles import Role

from .models import Notification

AGENCY_EDITORS = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})


def sees_notifications(user) -> bool:
    return is_active_user(user)


def visible_notifications(user) -> QuerySet:
    qs = Notification.objects.all()
    return qs.filter(recipient_id=user.pk) if sees_notifications(user) else qs.none()


def is_agency_editor(user) -> bool:
    return role_of(user) in AGENCY_EDITORS


def addressed(user, may_act: Callable[[object], bool], in_charge: Callable[[], list]) -> bool:
    """Whether a due thing is for `user`: `may_act(user)`, and for the agency's editors also that none
    of the users `in_charge()` names (active or not) may act on it."""
    if not may_act(user):
        return False
    if not is_agency_editor(user):
        return True
    return not any(is_active_user(u) and may_act(u) for u in in_charge())


class People:
    """The users in charge of records, looked up once per refresh (a refresh asks the same often)."""

    def __init__(self):
        self._cache: dict[tuple, list] = {}

    def _users(self, key: tuple, **filters) -> list:
        if key not in self._cache:
            self._cache[key] = list(User.objects.filter(is_active=True, **filters).select_related("organisation"))
        return self._cache[key]

    def of_enterprise(self, enterprise_id: int | None) -> list:
        if enterprise_id is None:
            return []
        return self._users(("firm", enterprise_id), role=Role.ENTERPRISE_USER, enterprise_id=enterprise_id)

    def managers_of(self, association_id: int | None) -> list:
        if association_id is None:
            return []
        return self._users(("manager", association_id), role=Role.ASSOCIATION_MANAGER,
                           organisation_id=association_id)

    def staff_of_buyer(self, buyer_id: int | None) -> list:
        if buyer_id is None:
            return []
        return self._users(("buyer", buyer_id), role=Role.BUYER_STAFF, organisation_id=buyer_id)
