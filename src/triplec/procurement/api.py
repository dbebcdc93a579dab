"""The procurement API under /api/v1/procurement/ (lists in the register's page shape: count, limit,
offset, items), scoped by procurement.policy as the pages will be."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Query, Router, Schema

from triplec.registry.schemas import DEFAULT_LIMIT, ERRORS, MAX_LIMIT

from . import policy
from .models import ContractStatus

router = Router(tags=["procurement"])
StatusCode = Literal[tuple(ContractStatus.values)]


class ContractOut(Schema):
    id: int
    reference: str
    programme: int = Field(description="The procurement programme's id.")
    purchaser: int = Field(description="The purchasing body's organisation id.")
    association: int = Field(description="The awarded association's organisation id.")
    awarded_on: date
    status: str = Field(description="awarded, in-progress, accepted (the whole order) or paid.")
    status_label: str


class ContractQuery(Schema):
    status: StatusCode | None = None
    association: int | None = Field(None, description="Only the contracts of this association id.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class ContractPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ContractOut]


def _row(contract) -> dict:
    return {"id": contract.pk, "reference": contract.reference, "programme": contract.programme_id,
            "purchaser": contract.programme.purchaser_id, "association": contract.association_id,
            "awarded_on": contract.awarded_on, "status": contract.status,
            "status_label": str(contract.get_status_display())}


@router.get("/contracts", response={200: ContractPage, 401: ERRORS[401], 422: ERRORS[422]})
def list_contracts(request, filters: Query[ContractQuery]):
    """Contracts the caller may see: the agency all, a purchaser's inspector its purchaser's, an
    association's manager its association's, a member those it makes part of."""
    qs = policy.visible_contracts(request.auth).select_related("programme").order_by("-awarded_on", "-id")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.association:
        qs = qs.filter(association_id=filters.association)
    offset, limit = filters.offset, filters.limit
    return {"count": qs.count(), "limit": limit, "offset": offset,
            "items": [_row(c) for c in qs[offset:offset + limit]]}
