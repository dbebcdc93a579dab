"""The procurement API's work on a contract: the allocation proposal and its confirmation, deliveries,
the purchaser's inspection, repairs of rejected units, defaults and warranty claims. Each endpoint
checks the caller's right first (403 on a contract it sees), then looks up what the body names (422
when it is not part of the contract or association), then calls the service the pages call.
See `api` for the other conventions."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.utils.translation import gettext as _
from ninja import Status

from triplec.accounts.policy import require
from triplec.core.api_schemas import answers
from triplec.core.errors import ValidationFailed

from . import policy
from .api_common import _contract, _found, _line, _lookup, _member, _user, router
from .models import Allocation, Delivery, Rework, WarrantyClaim
from .schemas import AllocationOut, DeliveryOut, ReworkOut, WarrantyClaimOut
from .schemas_work import (
    AllocationCreate,
    DefaultCreate,
    DefaultOut,
    DeliveryCreate,
    InspectionIn,
    ProposalOut,
    ReworkCreate,
    WarrantyClaimCreate,
)
from .services import allocation as allocation_services
from .services import defaults, money, warranty
from .services import deliveries as delivery_services

_PLACES = Decimal("0.0001")


def _delivery(contract, delivery_id: int) -> Delivery:
    reworks = Prefetch("reworks", queryset=Rework.objects.select_related("member").order_by("id"))
    return _found(Delivery.objects.filter(line__contract=contract).select_related("maker", "line__contract")
                  .prefetch_related(reworks), delivery_id, _("No such delivery on this contract."))


def _allocation_out(allocation: Allocation) -> Allocation:
    allocation.advance = money.allocation_advance(allocation)
    return allocation


# Allocation ----------------------------------------------------------------------------------------

@router.get("/contracts/{contract_id}/lines/{line_id}/proposal", response=answers(200, ProposalOut, 401, 403, 404),
            summary="The allocation proposal")
def get_proposal(request, contract_id: int, line_id: int):
    """What is still unallocated on the line shared among current members from their declared capacity,
    current load and quality record, explained per member (the association's manager or agency staff)."""
    contract = _contract(request, contract_id)
    require(policy.can_run_contract, _user(request), contract)
    line = _line(contract, line_id)
    allocated = line.allocations.aggregate(s=Sum("quantity"))["s"] or 0
    rows = [{"member": {"id": r.member.pk, "name": str(r.member)}, "capacity": r.capacity, "load": r.load,
             "room": r.room, "rejection_rate": r.rejection_rate.quantize(_PLACES),
             "warranty_rate": r.warranty_rate.quantize(_PLACES), "weight": r.weight.quantize(_PLACES),
             "proposed": r.proposed, "why": r.why} for r in allocation_services.propose(line)]
    return {"line_id": line.pk, "ordered": line.ordered, "allocated": allocated,
            "unallocated": line.ordered - allocated, "rows": rows}


@router.post("/contracts/{contract_id}/lines/{line_id}/allocations",
             response=answers(201, list[AllocationOut], 401, 403, 404, 422), summary="Confirm an allocation")
def confirm_allocation(request, contract_id: int, line_id: int, payload: AllocationCreate):
    """Allocate units of the line to members (the proposal as is or edited), never beyond what is
    unallocated, also when two managers confirm at the same moment."""
    user = _user(request)
    contract = _contract(request, contract_id)
    require(policy.can_run_contract, user, contract)
    line = _line(contract, line_id)
    quantities = {}
    for i, row in enumerate(payload.allocations):
        member = _member(contract, row.member_id, f"allocations.{i}.member_id")
        if member in quantities:
            raise ValidationFailed({f"allocations.{i}.member_id": [_("Each member once.")]})
        quantities[member] = row.quantity
    created = allocation_services.confirm(user, line, quantities, on=payload.on, note=payload.note)
    return Status(201, [_allocation_out(a) for a in Allocation.objects.filter(
        pk__in=[a.pk for a in created]).select_related("member", "line__contract__programme").order_by("id")])


@router.post("/contracts/{contract_id}/allocations/{allocation_id}/default",
             response=answers(201, DefaultOut, 401, 403, 404, 422), summary="Record a member's default")
def record_default(request, contract_id: int, allocation_id: int, payload: DefaultCreate):
    """The member failed (deadline passed, withdrew, ceased): its undelivered units go to a successor
    with their advance, or off the order with the advance repaid; what it received becomes its debt."""
    user = _user(request)
    contract = _contract(request, contract_id)
    require(policy.can_run_contract, user, contract)
    allocation = _found(Allocation.objects.filter(line__contract=contract).select_related("line__contract"),
                        allocation_id, _("No such allocation on this contract."))
    successor = _member(contract, payload.successor_id, "successor_id")
    record = defaults.record_default(user, allocation, reason=payload.reason, remedy=payload.remedy,
                                     successor=successor, on=payload.on)
    return Status(201, record)


# Deliveries, inspection, repairs -------------------------------------------------------------------

@router.post("/contracts/{contract_id}/deliveries", response=answers(201, DeliveryOut, 401, 403, 404, 422),
             summary="Record a delivery")
def record_delivery(request, contract_id: int, payload: DeliveryCreate):
    """Units handed to the purchaser from an allocation, or repaired/replacement units of a rework
    (the association's manager or agency staff)."""
    user = _user(request)
    contract = _contract(request, contract_id)
    require(policy.can_run_contract, user, contract)
    allocation = _lookup(Allocation.objects.filter(line__contract=contract), payload.allocation_id, "allocation_id",
                         _("No such allocation on this contract."))
    rework = _lookup(Rework.objects.filter(delivery__line__contract=contract), payload.rework_id, "rework_id",
                     _("No such repair on this contract."))
    delivery = delivery_services.record_delivery(user, quantity=payload.quantity, allocation=allocation,
                                                 rework=rework, delivered_on=payload.delivered_on)
    return Status(201, _delivery(contract, delivery.pk))


@router.post("/contracts/{contract_id}/deliveries/{delivery_id}/inspection",
             response=answers(200, DeliveryOut, 401, 403, 404, 422), summary="Inspect a delivery")
def inspect_delivery(request, contract_id: int, delivery_id: int, payload: InspectionIn):
    """The purchaser's inspector accepts and rejects the delivered units, with reasons for rejections;
    the whole-order completion follows from it."""
    user = _user(request)
    contract = _contract(request, contract_id)
    require(policy.can_inspect, user, contract)
    delivery = _delivery(contract, delivery_id)
    delivery_services.inspect(user, delivery, accepted=payload.accepted, rejected=payload.rejected,
                              reasons=payload.reasons, on=payload.on)
    return _delivery(contract, delivery.pk)


@router.post("/contracts/{contract_id}/deliveries/{delivery_id}/reworks",
             response=answers(201, ReworkOut, 401, 403, 404, 422), summary="Send rejected units for repair")
def assign_rework(request, contract_id: int, delivery_id: int, payload: ReworkCreate):
    """Rejected units back to their maker or to another current member, for repair or replacement (the
    association's manager or agency staff)."""
    user = _user(request)
    contract = _contract(request, contract_id)
    require(policy.can_run_contract, user, contract)
    delivery = _delivery(contract, delivery_id)
    member = _member(contract, payload.member_id, "member_id")
    rework = delivery_services.assign_rework(user, delivery, member=member, quantity=payload.quantity,
                                             kind=payload.kind, on=payload.on)
    return Status(201, Rework.objects.select_related("member").get(pk=rework.pk))


# Warranty --------------------------------------------------------------------------------------------

@router.post("/contracts/{contract_id}/warranty-claims", response=answers(201, WarrantyClaimOut, 401, 403, 404, 422),
             summary="Record a warranty claim")
def claim_warranty(request, contract_id: int, payload: WarrantyClaimCreate):
    """A fault after acceptance: repaired by the maker, or by another member if the maker has gone; the
    cost is charged as the association's rule says (the purchaser's inspector, the association's
    manager or agency staff)."""
    user = _user(request)
    contract = _contract(request, contract_id)
    require(policy.can_claim_warranty, user, contract)
    line = contract.lines.filter(pk=payload.line_id).first()
    if line is None:
        raise ValidationFailed({"line_id": [_("No such line on this contract.")]})
    maker = _member(contract, payload.maker_id, "maker_id")
    repairer = _member(contract, payload.repairer_id, "repairer_id")
    record = warranty.claim(user, line, maker=maker, units=payload.units, description=payload.description,
                            repair_cost=payload.repair_cost, repairer=repairer, on=payload.on)
    return Status(201, WarrantyClaim.objects.select_related("maker", "repairer").get(pk=record.pk))
