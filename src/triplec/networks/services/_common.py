"""Private helpers the networks services share: visibility, validated saves, dates, lookups."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from triplec.core.errors import NotFound, ValidationFailed

from .. import policy
from ..models import Network


def _visible(actor, network: Network) -> None:
    if not policy.can_view_network(actor, network):
        raise NotFound(_("No such network."))


def _not_future(day: date | None, field: str, errors: dict) -> None:
    if day is not None and day > date.today():
        errors.setdefault(field, []).append(_("The date is in the future."))


def _not_closed(network: Network, what: str) -> None:
    if network.stage.is_closed:
        raise ValidationFailed({"__all__": [_("The network is closed: reopen it before %(what)s.") % {
            "what": what}]})


def _network_day(network: Network, value, field: str, errors: dict) -> date | None:
    """The date of something done in a network (an activity, a payment, an assessment): given, not in
    the future, not before the network's first contact; what is wrong goes into `errors[field]`."""
    day = _as_date(value, field)
    if day is None:
        errors[field] = [_("Give the date.")]
        return None
    _not_future(day, field, errors)
    if day < network.started_on:
        errors.setdefault(field, []).append(_("Before the network's first contact (%(started_on)s).") % {
            "started_on": network.started_on})
    return day


def _as_date(value, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed({field: [_("%(value)r is not a date (YYYY-MM-DD).") % {
            "value": value}]}) from exc



_NO_SUCH = {  # called when needed, so the message is in the request's language
    "territory": lambda: _("No such territory."), "user": lambda: _("No such user."),
    "enterprise": lambda: _("No such enterprise."), "organisation": lambda: _("No such organisation."),
}


def _lookup(model, value, field: str, label: str):
    if value is None or isinstance(value, model):
        return value
    obj = model.objects.filter(pk=value).first()
    if obj is None:
        raise ValidationFailed({field: [_NO_SUCH[label]()]})
    return obj
