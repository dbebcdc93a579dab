"""The fairs API's group stands: the stands the caller may see (an association's or a network's), and a
network signed up for a group stand by its broker or agency staff, with its members of the day. As in
the rest of the fairs API: 404 for what the caller may not see, 403 for what it may not do, 422 for
invalid input."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from triplec.core.errors import ValidationFailed
from triplec.networks.models import Network
from triplec.registry.schemas import ERRORS

from . import policy
from .api import Page, Paging, router
from .api_actions import _fair, _responses
from .models import CostSharing
from .services import network_stands


class StandOut(Schema):
    id: int
    fair: int
    association: int | None = Field(description="The association whose stand it is; null for a network's.")
    network: int | None = Field(description="The network whose stand it is; null for an association's.")
    holder_name: str
    currency: str
    total_cost: Decimal
    cost_sharing: str = Field(description="equal, area or share.")
    participations: list[int] = Field(description="The ids of the participations at the stand the caller may see.")


class StandPage(Page):
    items: list[StandOut]


class StandQuery(Paging):
    fair: int | None = Field(None, description="Only stands at this fair id.")


class NetworkStandIn(Schema):
    network_id: int
    total_cost: Decimal
    cost_sharing: str = Field(CostSharing.EQUAL, description="equal, area or share.")
    areas: dict[int, Decimal] | None = Field(None, description="Each member's area (m²) by firm id, for area.")
    shares: dict[int, Decimal] | None = Field(None, description="Each member's share (0-1) by firm id, for share.")
    subsidy_requested: bool = True


def _stand_row(stand, visible) -> dict:
    return {"id": stand.pk, "fair": stand.fair_id, "association": stand.association_id, "network": stand.network_id,
            "holder_name": str(stand.holder), "currency": stand.fair.programme.currency,
            "total_cost": stand.total_cost, "cost_sharing": stand.cost_sharing,
            "participations": sorted(p.pk for p in stand.participations.all() if p.pk in visible)}


@router.get("/stands", response={200: StandPage, 401: ERRORS[401], 422: ERRORS[422]})
def list_stands(request, filters: Query[StandQuery]):
    """Group stands the caller may see: the agency all; an association's manager its association's; a
    firm's user those it is at."""
    qs = (policy.visible_stands(request.auth).select_related("fair__programme", "association", "network")
          .prefetch_related("participations").order_by("-fair__starts_on", "id"))
    if filters.fair:
        qs = qs.filter(fair_id=filters.fair)
    offset, limit = filters.offset, filters.limit
    visible = set(policy.visible_participations(request.auth).values_list("pk", flat=True))
    return {"count": qs.count(), "limit": limit, "offset": offset,
            "items": [_stand_row(s, visible) for s in qs[offset:offset + limit]]}


@router.post("/fairs/{fair_id}/network-stands", response=_responses((201, StandOut)))
def sign_up_network(request, fair_id: int, payload: NetworkStandIn):
    """Sign a network up for a group stand at the fair with the firms that are its members today (the
    network's broker, or agency staff); the stand's cost is shared among them by `cost_sharing`."""
    fair = _fair(request, fair_id)
    network = Network.objects.filter(pk=payload.network_id).first()
    if network is None:
        raise ValidationFailed({"network_id": [_("No such network.")]})
    stand = network_stands.sign_up_network(
        request.auth, fair, network, total_cost=payload.total_cost, cost_sharing=payload.cost_sharing,
        areas=payload.areas, shares=payload.shares, subsidy_requested=payload.subsidy_requested)
    visible = set(policy.visible_participations(request.auth).values_list("pk", flat=True))
    return Status(201, _stand_row(stand, visible))
