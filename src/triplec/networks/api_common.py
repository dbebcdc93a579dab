"""The networks API's router and what its endpoint modules (`api_networks`, `api_records`) share."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.registry import policy as registry_policy

from . import services
from .schemas import KindIn

router = Router(tags=["networks"])


def _user(request: HttpRequest):
    return request.auth


def _network(request, network_id: int, may: Callable | None = None):
    """The network the caller may see (else 404) and, given a `can_*` check, may act on (else 403)."""
    network = services.get_network(_user(request), network_id)
    if may is not None:
        require(may, _user(request), network)
    return network


def _visible(found, pk: int | None, field: str, missing: str):
    """The object `pk` of the `found` queryset (None for no id); an id the caller cannot see is an
    input error on `field`."""
    if pk is None:
        return None
    obj = found.filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed({field: [missing]})
    return obj


def _enterprise(user, pk: int | None, field: str):
    return _visible(registry_policy.visible_enterprises(user), pk, field, _("No such enterprise."))


def _organisation(user, pk: int | None, field: str):
    return _visible(registry_policy.visible_organisations(user), pk, field, _("No such organisation."))


def _kind_spec(payload: KindIn) -> dict:
    spec = payload.model_dump(by_alias=True)  # gates keep their "from" and "to" keys
    if spec.get("funding") is None:
        spec.pop("funding")
    return spec
