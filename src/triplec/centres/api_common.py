"""The service centres API's router and what its endpoint modules share: the page shape, and looking
objects up in the caller's scope (`centres.policy`), so that what the caller may not see answers 404
like what does not exist."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from triplec.core.api_schemas import ERRORS
from triplec.core.errors import NotFound, refuse
from triplec.registry.models import Enterprise, Organisation
from triplec.registry.schemas import DEFAULT_LIMIT, MAX_LIMIT

from . import policy
from .models import Centre, Service

router = Router(tags=["services"])


class Page(Schema):
    count: int
    limit: int
    offset: int


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def page(qs, filters, row) -> dict:
    offset, limit = filters.offset, filters.limit
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": [row(x) for x in qs[offset:offset + limit]]}


def answers(status: int, schema, *errors: int) -> dict:
    return {status: schema, **{code: ERRORS[code] for code in (401, *errors)}}


def found(qs, pk: int, message: str):
    hit = qs.filter(pk=pk).first()
    if hit is None:
        raise NotFound(message)
    return hit


def centre_of(request, centre_id: int) -> Centre:
    return found(policy.visible_centres(request.auth).select_related("organisation"), centre_id, _("No such centre."))


def service_of(request, service_id: int) -> Service:
    return found(Service.objects.filter(centre__in=policy.visible_centres(request.auth)).select_related("centre"),
                 service_id, _("No such service."))


def item_of(centre: Centre, service_id: int, field: str) -> Service:
    """A service of the centre's catalogue named in a request body (a 422 on `field` otherwise)."""
    hit = centre.catalogue.filter(pk=service_id).first()
    if hit is None:
        refuse(field, _("No such service in the centre's catalogue."))
    return hit


def firm(enterprise_id: int, field: str = "enterprise") -> Enterprise:
    hit = Enterprise.objects.filter(pk=enterprise_id).first()
    if hit is None:
        refuse(field, _("No such firm in the register."))
    return hit


def organisation(organisation_id: int, field: str) -> Organisation:
    hit = Organisation.objects.filter(pk=organisation_id).first()
    if hit is None:
        refuse(field, _("No such organisation in the register."))
    return hit
