"""The fairs API under /api/v1/fairs/ (lists in the register's page shape: count, limit, offset,
items), scoped by fairs.policy as the pages are: the agency sees every participation, an association's
manager those at its group stands, a firm its own (at an association's or a network's stand)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from triplec.registry.schemas import DEFAULT_LIMIT, ERRORS, MAX_LIMIT

from . import policy
from .services import links, money
from .services.subsidy import explain

router = Router(tags=["fairs"])


class FairOut(Schema):
    id: int
    name: str
    programme: int = Field(description="The fairs programme's id.")
    organiser: str
    place: str
    country: str
    starts_on: date
    ends_on: date
    sectors: str
    scope: str = Field(description="national or international.")
    distant: bool
    latitude: float | None = None
    longitude: float | None = None


class ParticipationOut(Schema):
    id: int
    fair: int
    fair_name: str
    starts_on: date
    enterprise: int = Field(description="The firm's register id.")
    enterprise_name: str
    stand: int | None = Field(description="The group stand's id; null for a firm alone.")
    association: int | None = Field(description="The group stand's association id (null at a network's stand).")
    network: int | None = Field(None, description="The group stand's network id (null at an association's stand).")
    currency: str
    cost: Decimal = Field(description="The firm's exhibition cost (its part of the group stand's).")
    paid: bool
    subsidy: Decimal | None = Field(description="What the programme paid, from the ledger; null until paid.")
    paid_by_firm: Decimal | None = Field(description="What the firm paid itself, from the ledger; null until paid.")
    explanation: list[str] = Field(description="How the subsidy was computed, in the caller's language.")
    orders: int = Field(description="Orders traced to the fair.")
    self_paid_repeat: bool = Field(description="A repeat participation the firm paid itself.")
    cancelled_on: date | None = Field(None, description="The day it was cancelled; null while it stands.")


class Page(Schema):
    count: int
    limit: int
    offset: int


class FairPage(Page):
    items: list[FairOut]


class ParticipationPage(Page):
    items: list[ParticipationOut]


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class FairQuery(Paging):
    year: int | None = Field(None, description="Only fairs starting in this year.")


class ParticipationQuery(Paging):
    fair: int | None = Field(None, description="Only participations at this fair id.")
    enterprise: int | None = Field(None, description="Only this firm's participations.")
    paid: bool | None = Field(None, description="Only paid (true) or unpaid (false) participations.")


def _fair_row(fair) -> dict:
    return {"id": fair.pk, "name": fair.name, "programme": fair.programme_id, "organiser": fair.organiser,
            "place": fair.place, "country": fair.country, "starts_on": fair.starts_on, "ends_on": fair.ends_on,
            "sectors": fair.sectors, "scope": fair.scope, "distant": fair.distant,
            "latitude": fair.latitude, "longitude": fair.longitude}


def _participation_row(p) -> dict:
    currency = p.fair.programme.currency
    paid = money.paid_for(p) if p.paid else None
    return {"id": p.pk, "fair": p.fair_id, "fair_name": str(p.fair), "starts_on": p.fair.starts_on,
            "enterprise": p.enterprise_id, "enterprise_name": p.enterprise.legal_name, "stand": p.stand_id,
            "association": p.stand.association_id if p.stand_id else None,
            "network": p.stand.network_id if p.stand_id else None, "currency": currency, "cost": p.cost,
            "paid": p.paid, "subsidy": paid.subsidy if paid else None, "paid_by_firm": paid.own if paid else None,
            "explanation": explain(p.explanation, currency), "orders": p.orders.count(),
            "self_paid_repeat": links.is_self_paid_repeat(p), "cancelled_on": p.cancelled_on}


@router.get("/fairs", response={200: FairPage, 401: ERRORS[401], 422: ERRORS[422]})
def list_fairs(request, filters: Query[FairQuery]):
    """Fairs, latest first: for the agency, associations' managers and firms' users."""
    qs = policy.visible_fairs(request.auth).order_by("-starts_on", "name", "id")
    if filters.year:
        qs = qs.filter(starts_on__year=filters.year)
    offset, limit = filters.offset, filters.limit
    return {"count": qs.count(), "limit": limit, "offset": offset,
            "items": [_fair_row(f) for f in qs[offset:offset + limit]]}


@router.get("/participations", response={200: ParticipationPage, 401: ERRORS[401], 422: ERRORS[422]})
def list_participations(request, filters: Query[ParticipationQuery]):
    """Participations the caller may see, with their money from the ledger and the subsidy explained."""
    qs = (policy.visible_participations(request.auth).select_related("fair__programme", "enterprise", "stand")
          .order_by("-fair__starts_on", "enterprise__legal_name", "id"))
    if filters.fair:
        qs = qs.filter(fair_id=filters.fair)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.paid is not None:
        qs = qs.filter(transaction__isnull=not filters.paid)
    offset, limit = filters.offset, filters.limit
    return {"count": qs.count(), "limit": limit, "offset": offset,
            "items": [_participation_row(p) for p in qs[offset:offset + limit]]}


from . import api_actions, api_stands  # noqa: E402,F401 (their endpoints join `router`)
