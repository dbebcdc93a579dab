"""Shapes of the procurement API's writes (allocation, deliveries, inspection, repairs, defaults, warranty,
payments, outcomes) and of the association's scoreboard and outcomes. Inputs forbid unknown fields and
check types only; every rule is checked by `procurement.services`, as for the pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from .models import Default, Rework
from .schemas import InputSchema, Ref

ReworkKindCode = Literal[tuple(Rework.Kind.values)]
DefaultReasonCode = Literal[tuple(Default.Reason.values)]
DefaultRemedyCode = Literal[tuple(Default.Remedy.values)]


def _on():
    return Field(None, description="The day it happened (YYYY-MM-DD); default today.")


# Allocation ----------------------------------------------------------------------------------------

class ProposalRowOut(Schema):
    member: Ref
    capacity: int = Field(description="Units per order the member declared for the product.")
    load: int = Field(description="Units allocated to it and not yet accepted on contracts still open.")
    room: int = Field(description="capacity - load (never below 0).")
    rejection_rate: Decimal = Field(description="Rejected over inspected units, its past deliveries.")
    warranty_rate: Decimal = Field(description="Units claimed under warranty over accepted units.")
    weight: Decimal = Field(description="room x (1 - rejection_rate) x (1 - warranty_rate).")
    proposed: int
    why: str = Field(description="The proposal explained, in the caller's language.")


class ProposalOut(Schema):
    line_id: int
    ordered: int
    allocated: int
    unallocated: int
    rows: list[ProposalRowOut]


class AllocationIn(InputSchema):
    member_id: int
    quantity: int = Field(ge=0)


class AllocationCreate(InputSchema):
    """Units of the line for each member, on top of what is already allocated (0 skips a member)."""

    allocations: list[AllocationIn] = Field(min_length=1)
    note: str = ""
    on: date | None = _on()


# Deliveries, inspection, repairs, defaults, warranty -----------------------------------------------

class DeliveryCreate(InputSchema):
    """Units of an allocation, or repaired/replacement units of a rework: give exactly one of the two."""

    allocation_id: int | None = None
    rework_id: int | None = None
    quantity: int
    delivered_on: date | None = _on()


class InspectionIn(InputSchema):
    accepted: int
    rejected: int
    reasons: str = Field("", description="Required when units are rejected.")
    on: date | None = _on()


class ReworkCreate(InputSchema):
    member_id: int = Field(description="The maker or another current member of the association.")
    quantity: int
    kind: ReworkKindCode = Rework.Kind.REPAIR
    on: date | None = _on()


class DefaultCreate(InputSchema):
    reason: DefaultReasonCode
    remedy: DefaultRemedyCode = Field(description="reallocate (to `successor_id`) or repay (the advance "
                                                  "goes back to the purchaser and the units off the order).")
    successor_id: int | None = Field(None, description="The member taking the units over (reallocate).")
    on: date | None = _on()


class DefaultOut(Schema):
    id: int
    allocation_id: int
    reason: str
    remedy: str
    units: int = Field(description="Units the member had not delivered.")
    successor_id: int | None = Field(description="The new allocation that took the units over.")
    recorded_on: date


class WarrantyClaimCreate(InputSchema):
    line_id: int
    maker_id: int
    units: int
    description: str
    repair_cost: Decimal = Field(description="In the programme's currency, in cents (\"120.00\").")
    repairer_id: int | None = Field(None, description="Default: the maker, if still a member.")
    on: date | None = _on()


# Payments ------------------------------------------------------------------------------------------

class PaymentDate(InputSchema):
    on: date | None = _on()


class SettlementCreate(InputSchema):
    member_id: int
    amount: Decimal = Field(description="In cents, no more than the member owes on this contract.")
    idempotency_key: str = Field(description="Any unique text (e.g. a UUID made when the form was opened): "
                                             "sending the same settlement again records it once.")
    on: date | None = _on()


# The association: scoreboard and outcomes ----------------------------------------------------------

class Figures(Schema):
    delivered: int
    on_time: int
    accepted: int
    rejected: int
    warranty_units: int
    on_time_share: Decimal | None = Field(description="Units delivered by the line's deadline over units "
                                                      "delivered; null without deliveries.")
    rejection_rate: Decimal | None = Field(description="Rejected over inspected units; null if none inspected.")


class YearFiguresOut(Figures):
    year: int


class ScoreRowOut(Schema):
    member: Ref
    totals: Figures
    warranty_claims: int
    trend: Literal["better", "worse", "steady"] = Field(description="The rejection rate of the last year "
                                                                    "against the year before.")
    years: list[YearFiguresOut]


class ScoreboardOut(Schema):
    association: Ref
    rows: list[ScoreRowOut]


class OutcomeFields(InputSchema):
    members: int = Field(ge=0)
    workers: int = Field(ge=0)
    equipment_bought: Decimal = Decimal(0)
    share_sold_elsewhere: Decimal = Field(Decimal(0), description="Share of the members' output sold to buyers "
                                                                  "other than the programme, 0 to 1.")
    illustration: bool = Field(False, description="Figures shown as an example, not measured.")
    note: str = ""


class OutcomeCreate(OutcomeFields):
    year: int


class OutcomeOut(Schema):
    id: int
    association_id: int
    year: int
    members: int
    workers: int
    equipment_bought: Decimal
    share_sold_elsewhere: Decimal
    illustration: bool
    note: str
    revisions: int = Field(description="How many times the year was entered or corrected (its history).")

    @staticmethod
    def resolve_revisions(obj) -> int:
        return obj.history.count()


class OutcomePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OutcomeOut]
