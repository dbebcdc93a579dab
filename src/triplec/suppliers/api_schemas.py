"""Shapes of the suppliers API's writes and detail reads. Inputs forbid unknown fields and check types
only; the rules are `suppliers.services`'."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from triplec.core.api_schemas import InputSchema

from .api_lists import KpisOut, ProgrammeOut, SupplierOut
from .models import ActionOwner, ActionStatus, TrainingKind


class ProgrammeCreate(InputSchema):
    name: str
    buyer_id: int = Field(description="A large buyer of the register (organisation kind buyer-large-firm).")
    currency: str = Field(description="ISO 4217, e.g. BRL.")
    started_on: date
    agency_share: Decimal = Field(Decimal("0.5"), description="The agency's share of each cost.")
    supplier_share: Decimal = Field(Decimal(0), description="A supplier's share of its own diagnostic.")


class ConsentIn(InputSchema):
    given_by: str
    given_on: date
    reference: str = Field(description="The signed agreement's reference or file name.")


class CostsOut(Schema):
    """In cents (the ledger keeps four places)."""

    spent: Decimal
    agency: Decimal
    buyer: Decimal
    suppliers: Decimal


class ProgrammeDetail(ProgrammeOut):
    consent_by: str
    consent_reference: str
    costs: CostsOut | None = Field(description="From the ledger; the agency and the buyer only.")
    before: KpisOut | None = Field(description="The programme's KPIs before each supplier's first diagnostic.")
    after: KpisOut | None


class EnrolIn(InputSchema):
    """An enterprise of the register (`enterprise_id`, or `enterprise`: its national identifier or
    name), or a homeworker without identifier (`person_name` and `product`)."""

    enterprise_id: int | None = None
    enterprise: str | None = None
    person_name: str | None = None
    product: str = ""
    municipality_id: int | None = None
    enrolled_on: date | None = None


class ScoreIn(InputSchema):
    score: int
    needs: str = ""


class DiagnosticIn(InputSchema):
    carried_out_on: date
    consultant: str
    cost: Decimal
    scores: dict[str, ScoreIn] = Field(description="Area code -> score 0-5 and needs; every active area.")
    summary: str = ""


class ScoreOut(Schema):
    area: str
    score: int
    needs: str


class DiagnosticOut(Schema):
    id: int
    carried_out_on: date
    consultant: str
    cost: Decimal
    summary: str
    scores: list[ScoreOut]


class ActionIn(InputSchema):
    description: str
    owner: Literal[tuple(ActionOwner.values)]
    due_on: date
    area: str | None = Field(None, description="An area code.")


class ActionStatusIn(InputSchema):
    status: Literal[tuple(ActionStatus.values)]


class ActionOut(Schema):
    id: int
    supplier: int
    description: str
    area: str | None
    owner: str
    due_on: date
    status: str
    done_on: date | None


class OrderIn(InputSchema):
    reference: str
    ordered_on: date
    promised_on: date
    delivered_on: date | None = None
    quantity: int = Field(ge=1)
    defective: int = Field(0, ge=0)
    unit_price: Decimal


class OrderOut(Schema):
    id: int
    supplier: int
    reference: str
    ordered_on: date
    promised_on: date
    delivered_on: date | None
    quantity: int
    defective: int
    unit_price: Decimal
    on_time: bool | None
    lead_days: int | None


class OtherSalesIn(InputSchema):
    year: int = Field(ge=1950, le=2100)
    amount: Decimal
    customers: int = Field(0, ge=0)


class SpilloverOut(Schema):
    year: int
    to_buyer: Decimal
    to_others: Decimal
    customers: int
    others_share: float | None


class SupplierDetail(SupplierOut):
    diagnostics: list[DiagnosticOut]
    actions: list[ActionOut]
    orders: list[OrderOut]
    spillover: list[SpilloverOut]


class SessionIn(InputSchema):
    title: str
    kind: Literal[tuple(TrainingKind.values)]
    held_on: date
    trainer: str = ""
    cost: Decimal = Decimal(0)


class AttendanceIn(InputSchema):
    supplier_ids: list[int] = []
    staff: list[str] = Field([], description="The buyer's staff who attended, by name.")


class AttendeeOut(Schema):
    supplier: int | None
    name: str


class SessionOut(Schema):
    id: int
    programme: int
    title: str
    kind: str
    held_on: date
    trainer: str
    cost: Decimal
    attendance: list[AttendeeOut]
