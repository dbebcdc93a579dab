"""Who may see and do what in trade fairs (issue 11).

| role                | sees                                                | does                                   |
|---------------------|-----------------------------------------------------|----------------------------------------|
| agency-admin,       | everything                                          | programmes, fairs, group stands, signs |
| programme-officer   |                                                     | firms up, pays costs, exports; what    |
|                     |                                                     | others do                              |
| broker              | everything (read-only)                              | signs the networks it brokers up to    |
|                     |                                                     | group stands, and their members later; |
|                     |                                                     | buyers, orders, follow-ups there       |
| evaluator           | everything (read-only)                              | nothing; exports                       |
| association-manager | every fair; its association's group stands and the  | signs its current members up to its    |
|                     | participations at them                              | stands; buyers, orders, follow-ups     |
| enterprise-user     | every fair; its own firm's participations, money,   | signs its firm up; buyers, orders,     |
|                     | buyers, orders and follow-ups                       | follow-ups of its participations       |
| anyone else         | nothing                                             | nothing                                |

Nobody sees another association's stands or another firm's participations; a network's stand is
seen by its member firms (their own participations) and the agency, never by an association's manager.
Who brokers a network is the networks policy's rule (`can_manage_network`: its broker, or agency staff).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from triplec.accounts.policy import refuses_with, role_of
from triplec.accounts.roles import AGENCY_WIDE_ROLES, Role
from triplec.networks import policy as network_policy
from triplec.networks.models import Network

from .models import Contact, Fair, FollowUp, GroupStand, Order, Participation

FAIRS_AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})


def _managed_association(user) -> int | None:
    return user.organisation_id if role_of(user) == Role.ASSOCIATION_MANAGER and user.organisation_id else None


def _brokers_stand(user, stand) -> bool:
    """A broker (not agency staff) at a stand of a network it brokers."""
    return (role_of(user) == Role.BROKER and stand is not None and stand.network_id is not None
            and bool(network_policy.can_manage_network(user, stand.network)))


def _own_enterprise(user) -> int | None:
    return user.enterprise_id if role_of(user) == Role.ENTERPRISE_USER and user.enterprise_id else None


def visible_participations(user) -> QuerySet:
    qs = Participation.objects.all()
    if role_of(user) in AGENCY_WIDE_ROLES:
        return qs
    if association := _managed_association(user):
        return qs.filter(stand__association_id=association)
    if enterprise := _own_enterprise(user):
        return qs.filter(enterprise_id=enterprise)
    return qs.none()


def visible_stands(user) -> QuerySet:
    qs = GroupStand.objects.all()
    if role_of(user) in AGENCY_WIDE_ROLES:
        return qs
    if association := _managed_association(user):
        return qs.filter(association_id=association)
    if enterprise := _own_enterprise(user):
        return qs.filter(participations__enterprise_id=enterprise).distinct()
    return qs.none()


def visible_contacts(user) -> QuerySet:
    return Contact.objects.filter(participation__in=visible_participations(user))


def visible_orders(user) -> QuerySet:
    return Order.objects.filter(participation__in=visible_participations(user))


def visible_follow_ups(user) -> QuerySet:
    return FollowUp.objects.filter(participation__in=visible_participations(user))


def sees_fairs(user) -> bool:
    """Whether the fairs pages are for this user (the site's navigation): the agency, and the
    associations and firms that take part in fairs (every fair is open to them for signing up)."""
    return role_of(user) in (*AGENCY_WIDE_ROLES, Role.ASSOCIATION_MANAGER, Role.ENTERPRISE_USER)


def visible_fairs(user) -> QuerySet:
    return Fair.objects.all() if sees_fairs(user) else Fair.objects.none()


@refuses_with(_("Only agency staff may set up fairs programmes, fairs and group stands, and pay their costs."))
def can_manage_programmes(user) -> bool:
    return role_of(user) in FAIRS_AGENCY_ROLES


@refuses_with(_("Only agency staff and evaluators may export the participations."))
def can_export(user) -> bool:
    return role_of(user) in (*FAIRS_AGENCY_ROLES, Role.EVALUATOR)


@refuses_with(_("You may not sign this network up for a group stand."))
def can_sign_up_network(user, network) -> bool:
    """The network's broker, or agency staff (the networks policy's rule)."""
    return bool(network_policy.can_manage_network(user, network))


def networks_to_sign_up(user) -> QuerySet:
    """The networks the user may sign up for group stands: every network for agency staff, a broker's own."""
    role = role_of(user)
    if role in FAIRS_AGENCY_ROLES:
        return Network.objects.all()
    if role == Role.BROKER:
        return Network.objects.filter(broker_id=user.pk)
    return Network.objects.none()


@refuses_with(_("You may not sign this firm up at this stand."))
def can_sign_up(user, enterprise, stand=None) -> bool:
    """The agency anyone; an association's manager its members at its own stand; a network's broker its
    members at its network's stand; a firm's user its own firm (alone, or at a stand: the services
    check it is a member of the stand's association or network)."""
    if role_of(user) in FAIRS_AGENCY_ROLES or _brokers_stand(user, stand):
        return True
    if (association := _managed_association(user)) is not None:
        return stand is not None and stand.association_id == association
    return _own_enterprise(user) == enterprise.pk


@refuses_with(_("Only the firm, its group stand's association manager or network broker, or agency staff may "
                "cancel this participation."))
def can_cancel(user, participation) -> bool:
    """Whoever may sign the firm up there may call it off."""
    return can_sign_up(user, participation.enterprise, participation.stand)


@refuses_with(_("Only the firm, its group stand's association manager or network broker, or agency staff may "
                "record this participation's buyers, orders and follow-ups."))
def can_follow_up(user, participation) -> bool:
    if role_of(user) in FAIRS_AGENCY_ROLES or _brokers_stand(user, participation.stand):
        return True
    if (association := _managed_association(user)) is not None:
        return participation.stand_id is not None and participation.stand.association_id == association
    return _own_enterprise(user) == participation.enterprise_id

