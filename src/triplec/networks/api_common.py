"""The networks API's router and what its endpoint modules (`api_networks`, `api_records`) share."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from triplec.core.errors import ValidationFailed
from triplec.registry import policy as registry_policy

from . import services
from .schemas import ERRORS, KindIn

router = Router(tags=["networks"])


def _user(request: HttpRequest):
    return request.auth


def _ok(status: int, *schemas) -> dict:
    return {status: schemas[0], **{code: ERRORS[code] for code in schemas[1:]}}


def _ledger(schema) -> dict:
    """A ledger POST: 201 for a new entry, 200 when the same key and content were recorded before."""
    return {201: schema, 200: schema, **{code: ERRORS[code] for code in (401, 403, 404, 422)}}


def _page(qs: QuerySet, limit: int, offset: int) -> dict:
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": list(qs[offset:offset + limit])}


def _network(request, network_id: int):
    return services.get_network(_user(request), network_id)


def _enterprise(user, pk: int | None, field: str):
    if pk is None:
        return None
    found = registry_policy.visible_enterprises(user).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed({field: [_("No such enterprise.")]})
    return found


def _organisation(user, pk: int | None, field: str):
    if pk is None:
        return None
    found = registry_policy.visible_organisations(user).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed({field: [_("No such organisation.")]})
    return found


def _kind_spec(payload: KindIn) -> dict:
    spec = payload.model_dump(by_alias=True)  # gates keep their "from" and "to" keys
    if spec.get("funding") is None:
        spec.pop("funding")
    return spec
