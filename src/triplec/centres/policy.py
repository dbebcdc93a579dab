"""Who may see and do what in the service centres (issue 11, item 3).

| role                 | sees                                                  | does                                   |
|----------------------|-------------------------------------------------------|----------------------------------------|
| agency-admin,        | everything                                            | sets up centres, records public funds; |
| programme-officer    |                                                       | everything centre staff do             |
| broker, evaluator    | everything (read-only)                                | nothing                                |
| centre-staff         | its own centre: catalogue, members, bookings, usage,  | catalogue, fees, subscriptions,        |
|                      | finance, exchange                                     | bookings, uses, publications           |
| enterprise-user      | every centre's catalogue and exchange; its own firm's | books equipment and downloads what it  |
|                      | subscriptions, bookings, downloads and payments       | is entitled to; posts on the exchange  |
| association-manager  | every centre's catalogue                              | nothing                                |

A centre's staff is a user of the centre's organisation (kind service-centre); nobody else sees the
members, money or usage of a centre that is not theirs.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.accounts.policy import refuses_with, role_of
from triplec.accounts.roles import AGENCY_WIDE_ROLES, Role

from .models import Booking, Centre, ExchangePost, Subscription, Usage

CENTRE_AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})
CATALOGUE_READERS = frozenset({Role.ENTERPRISE_USER, Role.ASSOCIATION_MANAGER})


def staff_centre(user) -> int | None:
    """The id of the centre whose staff the user is, if any."""
    if role_of(user) != Role.CENTRE_STAFF or not user.organisation_id:
        return None
    return Centre.objects.filter(organisation_id=user.organisation_id).values_list("pk", flat=True).first()


def firm_of(user) -> int | None:
    return user.enterprise_id if role_of(user) == Role.ENTERPRISE_USER else None


def visible_centres(user) -> QuerySet:
    """Centres whose catalogue the user sees: the agency all, staff their own, firms and associations all."""
    qs = Centre.objects.all()
    role = role_of(user)
    if role in AGENCY_WIDE_ROLES or role in CATALOGUE_READERS:
        return qs
    if centre := staff_centre(user):
        return qs.filter(pk=centre)
    return qs.none()


def sees_centres(user) -> bool:
    return visible_centres(user).exists() or role_of(user) in AGENCY_WIDE_ROLES


def can_view_centre(user, centre) -> bool:
    return visible_centres(user).filter(pk=centre.pk).exists()


@refuses_with(_("Only the centre's staff and the agency see its members, bookings, usage and finance."))
def sees_centre_books(user, centre) -> bool:
    """Members, all bookings, usage and finance of the centre: the agency and its staff."""
    return role_of(user) in AGENCY_WIDE_ROLES or staff_centre(user) == centre.pk


def _scoped(user, qs: QuerySet, centre_path: str, firm_field: str) -> QuerySet:
    role = role_of(user)
    if role in AGENCY_WIDE_ROLES:
        return qs
    if centre := staff_centre(user):
        return qs.filter(**{centre_path: centre})
    if firm := firm_of(user):
        return qs.filter(**{firm_field: firm})
    return qs.none()


def visible_subscriptions(user) -> QuerySet:
    return _scoped(user, Subscription.objects.all(), "centre_id", "enterprise_id")


def visible_bookings(user) -> QuerySet:
    return _scoped(user, Booking.objects.all(), "equipment__centre_id", "enterprise_id")


def visible_usage(user) -> QuerySet:
    return _scoped(user, Usage.objects.all(), "centre_id", "enterprise_id")


def visible_exchange(user) -> QuerySet:
    """The exchange is the centre's market place: whoever sees the centre sees its open posts."""
    return ExchangePost.objects.filter(centre__in=visible_centres(user))


@refuses_with(_("Only agency staff may set up service centres and record their public funds."))
def can_manage_centres(user) -> bool:
    return role_of(user) in CENTRE_AGENCY_ROLES


@refuses_with(_("Only the centre's staff or agency staff may do this for the centre."))
def can_run_centre(user, centre) -> bool:
    """Catalogue, fees, subscriptions, bookings and uses for any firm, publications."""
    return role_of(user) in CENTRE_AGENCY_ROLES or staff_centre(user) == centre.pk


@refuses_with(_("You may act only for your own firm at this centre."))
def can_act_for_firm(user, centre, enterprise) -> bool:
    """Book or use a service for `enterprise`: the centre's staff and the agency for any firm, a firm's
    user for its own."""
    if can_run_centre(user, centre):
        return True
    return firm_of(user) is not None and firm_of(user) == enterprise.pk


def is_member(centre, enterprise, on=None) -> bool:
    on = on or timezone.localdate()
    return Subscription.objects.filter(Subscription.current_q(on), centre=centre, enterprise=enterprise).exists()


@refuses_with(_("Only a firm's user, the centre's staff or agency staff may book equipment."))
def can_book_at(user, centre) -> bool:
    """Open the booking form: for its own firm, or for any firm when running the centre."""
    return can_run_centre(user, centre) or firm_of(user) is not None


@refuses_with(_("Only a firm's user joins a centre, for its own firm."))
def can_join(user, centre) -> bool:
    return firm_of(user) is not None and can_view_centre(user, centre)


@refuses_with(_("Publications are delivered only to the centre's current members."))
def can_download(user, publication) -> bool:
    centre = publication.service.centre
    if role_of(user) in AGENCY_WIDE_ROLES or staff_centre(user) == centre.pk:
        return True
    firm = firm_of(user)
    return firm is not None and Subscription.objects.filter(
        Subscription.current_q(timezone.localdate()), centre=centre, enterprise_id=firm).exists()


@refuses_with(_("You may post on the exchange only for your own firm."))
def can_post_on_exchange(user, centre, enterprise) -> bool:
    return can_act_for_firm(user, centre, enterprise) and can_view_centre(user, centre)
