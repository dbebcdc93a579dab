"""The procurement API's reads: programmes, contracts (lines and computed completion), allocations,
deliveries with their inspection, warranty claims. See `api` for the conventions."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Query

from triplec.core.api_schemas import answers, list_page

from . import policy
from .api_common import _contract, _found, _user, router
from .models import Rework
from .schemas import (
    AllocationPage,
    ContractDetailOut,
    ContractPage,
    ContractQuery,
    DeliveryPage,
    PageQuery,
    ProgrammeOut,
    ProgrammePage,
    WarrantyClaimPage,
)
from .services import deliveries as delivery_services
from .services import money

SHARE_PLACES = Decimal("0.0001")


# Programmes ----------------------------------------------------------------------------------------

def _programmes(user):
    return (policy.visible_programmes(user).select_related("purchaser").prefetch_related("products")
            .order_by("name", "id"))


@router.get("/programmes", response=answers(200, ProgrammePage, 401, 422), summary="List programmes")
def list_programmes(request, page: Query[PageQuery]):
    """Programmes the caller may see, with their product lines: the agency all, a purchaser's inspector
    its purchaser's, an association's manager or member those of the contracts it sees."""
    return list_page(_programmes(_user(request)), page.limit, page.offset)


@router.get("/programmes/{programme_id}", response=answers(200, ProgrammeOut, 401, 404), summary="Read a programme")
def get_programme(request, programme_id: int):
    return _found(_programmes(_user(request)), programme_id, _("No such programme."))


# Contracts -----------------------------------------------------------------------------------------

def _row(contract) -> dict:
    return {"id": contract.pk, "reference": contract.reference, "programme": contract.programme_id,
            "purchaser": contract.programme.purchaser_id, "association": contract.association_id,
            "awarded_on": contract.awarded_on, "status": contract.status,
            "status_label": str(contract.get_status_display())}


@router.get("/contracts", response=answers(200, ContractPage, 401, 422), summary="List contracts")
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


def permissions(user, contract) -> dict[str, bool]:
    return {"run": policy.can_run_contract(user, contract), "inspect": policy.can_inspect(user, contract),
            "purchaser_payments": policy.can_record_purchaser_payment(user, contract),
            "warranty": policy.can_claim_warranty(user, contract),
            "scoreboard": policy.can_view_scoreboard(user, contract.association)}


@router.get("/contracts/{contract_id}", response=answers(200, ContractDetailOut, 401, 404), summary="Read a contract")
def get_contract(request, contract_id: int):
    """The contract, its lines with what is allocated, delivered, accepted and rejected, the whole-order
    completion (computed from the inspections) and what the caller may do."""
    user = _user(request)
    contract = _contract(request, contract_id)
    done = delivery_services.completion(contract)
    lines = [{"id": p.line.pk, "product": {"id": p.line.product_id, "name": p.line.product.name},
              "specification": p.line.specification, "quantity": p.line.quantity, "cancelled": p.line.cancelled,
              "ordered": p.ordered, "unit_price": p.line.unit_price, "deadline": p.line.deadline,
              "allocated": p.allocated, "delivered": p.delivered, "accepted": p.accepted, "rejected": p.rejected}
             for p in done.lines]
    return {**_row(contract), "currency": contract.programme.currency,
            "value": delivery_services.contract_value(contract), "accepted_on": contract.accepted_on,
            "lines": lines, "complete": done.complete, "completion": done.share.quantize(SHARE_PLACES),
            "permissions": permissions(user, contract)}


# What the contract's members make ------------------------------------------------------------------

@router.get("/contracts/{contract_id}/allocations", response=answers(200, AllocationPage, 401, 404, 422),
            summary="List allocations")
def list_allocations(request, contract_id: int, page: Query[PageQuery]):
    """Each line's quantity shared among members, with lot codes and advances (a member sees its own)."""
    user = _user(request)
    contract = _contract(request, contract_id)
    qs = (policy.visible_allocations(user).filter(line__contract=contract)
          .select_related("member", "line__contract__programme").order_by("line_id", "id"))
    result = list_page(qs, page.limit, page.offset)
    for allocation in result["items"]:
        allocation.advance = money.allocation_advance(allocation)
    return result


@router.get("/contracts/{contract_id}/deliveries", response=answers(200, DeliveryPage, 401, 404, 422),
            summary="List deliveries and inspections")
def list_deliveries(request, contract_id: int, page: Query[PageQuery]):
    """Deliveries with the inspector's accepted and rejected units and reasons, and the repairs or
    replacements of rejected units (a member sees the units it made)."""
    contract = _contract(request, contract_id)
    reworks = Prefetch("reworks", queryset=Rework.objects.select_related("member").order_by("id"))
    qs = (policy.visible_deliveries(_user(request)).filter(line__contract=contract)
          .select_related("maker").prefetch_related(reworks).order_by("delivered_on", "id"))
    return list_page(qs, page.limit, page.offset)


@router.get("/contracts/{contract_id}/warranty-claims", response=answers(200, WarrantyClaimPage, 401, 404, 422),
            summary="List warranty claims")
def list_warranty_claims(request, contract_id: int, page: Query[PageQuery]):
    """Claims after acceptance with who repairs and the cost charged to the maker (a member sees the
    claims on units it made or repairs)."""
    contract = _contract(request, contract_id)
    qs = (policy.visible_warranty_claims(_user(request)).filter(contract=contract)
          .select_related("maker", "repairer").order_by("claimed_on", "id"))
    return list_page(qs, page.limit, page.offset)
