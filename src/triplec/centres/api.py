"""The service centres' API under /api/v1/services/ (lists in the register's page shape: count,
limit, offset, items), scoped by centres.policy as the pages are. Writes go through `centres.services`;
domain errors become statuses in `triplec.web.api` (ValidationFailed 422, PermissionDenied 403,
NotFound 404). A centre, booking or post the caller may not see answers 404; one it sees but may not
act on, 403.

This module holds the lists of centres and bookings; `api_setup` the catalogue, fees, memberships,
uses and finance; `api_work` bookings, publications, usage and the exchange.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db.models import Count, Q
from ninja import Field, Query, Schema

from triplec.registry.schemas import DEFAULT_LIMIT, ERRORS, MAX_LIMIT

from . import policy
from .api_common import Page, router
from .models import Centre

FunctionCode = Literal[tuple(Centre.Function.values)]


class CentreOut(Schema):
    id: int
    name: str
    organisation: int = Field(description="The centre's organisation id in the register.")
    scope: str = Field(description="sector or transversal.")
    function: str = Field(description="sector-services, export-promotion, subcontracting, quality or technology.")
    function_label: str
    sector_code: str
    currency: str
    services: int = Field(description="How many services its catalogue offers.")


class CentreQuery(Schema):
    function: FunctionCode | None = None
    scope: Literal["sector", "transversal"] | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class CentrePage(Page):
    items: list[CentreOut]


class BookingOut(Schema):
    id: int
    centre: int
    equipment: int
    equipment_name: str
    enterprise: int
    starts_at: datetime
    ends_at: datetime
    price: str = Field(description="What the booking charged, in the centre's currency (refunded if cancelled).")
    member_rate: bool
    cancelled: bool


class BookingQuery(Schema):
    centre: int | None = Field(None, description="Only the bookings at this centre id.")
    live: bool | None = Field(None, description="true: not cancelled; false: cancelled.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class BookingPage(Page):
    items: list[BookingOut]


def _page(qs, filters, row) -> dict:
    offset, limit = filters.offset, filters.limit
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": [row(x) for x in qs[offset:offset + limit]]}


@router.get("/centres", response={200: CentrePage, 401: ERRORS[401], 422: ERRORS[422]})
def list_centres(request, filters: Query[CentreQuery]):
    """Centres whose catalogue the caller sees: the agency, firms' users and associations' managers all,
    a centre's staff its own."""
    qs = (policy.visible_centres(request.auth).select_related("organisation")
          .annotate(offered=Count("catalogue", filter=Q(catalogue__active=True))).order_by("organisation__name", "id"))
    if filters.function:
        qs = qs.filter(function=filters.function)
    if filters.scope:
        qs = qs.filter(scope=filters.scope)
    return _page(qs, filters, lambda c: {
        "id": c.pk, "name": c.name, "organisation": c.organisation_id, "scope": c.scope, "function": c.function,
        "function_label": str(c.get_function_display()), "sector_code": c.sector_code, "currency": c.currency,
        "services": c.offered})


@router.get("/bookings", response={200: BookingPage, 401: ERRORS[401], 422: ERRORS[422]})
def list_bookings(request, filters: Query[BookingQuery]):
    """Equipment bookings the caller sees: the agency all, a centre's staff its centre's, a firm's user
    its own firm's."""
    qs = policy.visible_bookings(request.auth).select_related("equipment").order_by("starts_at", "id")
    if filters.centre:
        qs = qs.filter(equipment__centre_id=filters.centre)
    if filters.live is not None:
        qs = qs.filter(cancelled_at__isnull=filters.live)
    return _page(qs, filters, lambda b: {
        "id": b.pk, "centre": b.equipment.centre_id, "equipment": b.equipment_id, "equipment_name": b.equipment.name,
        "enterprise": b.enterprise_id, "starts_at": b.starts_at, "ends_at": b.ends_at, "price": str(b.price),
        "member_rate": b.member_rate, "cancelled": b.cancelled_at is not None})


# Each module registers its endpoints on the router when imported, in this order: the OpenAPI document's.
from . import api_setup, api_work  # noqa: E402,F401,I001

__all__ = ["router"]
