"""Paid uses of a centre's services and downloads of its publications, each with a usage record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import NotFound

from .. import policy
from ..models import Publication, Service, Usage
from . import money
from .common import cents, refuse, today


def record_use(user, service: Service, enterprise, quantity=1, on: date | None = None,
               key: str | None = None) -> Usage:
    """A firm used a service (a technical note bought, a training place, a consultation): charged per
    use at the member's or non-member's price. `key` makes a repeated request record it once."""
    require(policy.can_act_for_firm, user, service.centre, enterprise)
    if service.is_equipment:
        refuse("service", _("Equipment is used by booking it."))
    if not service.active:
        refuse("service", _("The centre no longer offers this service."))
    quantity = Decimal(str(quantity))
    if quantity <= 0 or quantity != quantity.quantize(Decimal("0.01")):
        refuse("quantity", _("Give a quantity above zero, at most two decimals."))
    on = today(on)
    if policy.is_member(service.centre, enterprise, on):
        price = service.member_price
    elif service.non_member_price is not None:
        price = service.non_member_price
    else:
        refuse("enterprise", _("%(service)s is for the centre's members only.") % {"service": service})
    charge = cents(price * quantity)
    with transaction.atomic():
        posted = None
        if charge:
            posted = money.charge_firm(
                service.centre, enterprise, charge, money.FEES,
                f"centres:use:{service.pk}:{enterprise.pk}:{key}" if key else None,
                user=user, on=on, memo=_("Use of %(service)s") % {"service": service})
            done = Usage.objects.filter(transaction=posted).first()
            if done is not None:  # the same request sent again
                return done
        return Usage.objects.create(centre=service.centre, service=service, kind=Usage.Kind.USE, enterprise=enterprise,
                                    user=user if getattr(user, "is_authenticated", False) else None,
                                    quantity=quantity, charge=charge, transaction=posted)


def open_publication(user, publication: Publication):
    """The publication's file, opened for reading, for an entitled reader; the download is recorded.
    Refused (PermissionDenied) to anyone who is not a current member, the centre's staff or the agency."""
    if not policy.can_view_centre(user, publication.service.centre):
        raise NotFound(_("No such publication."))
    require(policy.can_download, user, publication)
    try:
        handle = publication.document.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(_("The publication's file is missing.")) from exc
    firm = policy.firm_of(user)
    Usage.objects.create(centre=publication.service.centre, service=publication.service, kind=Usage.Kind.DOWNLOAD,
                         enterprise_id=firm, user=user, publication=publication)
    return handle
