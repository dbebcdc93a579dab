"""Shapes of the procurement API's set-up writes: programmes and their products, awards, an association's
rules and its members' declared capacities. Inputs forbid unknown fields and check types only; the rules
are `procurement.services.programmes`'."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from .models_association import WarrantyCostRule
from .schemas import InputSchema, Ref

WarrantyCostRuleCode = Literal[tuple(WarrantyCostRule.values)]


class ProgrammeCreate(InputSchema):
    name: str
    purchaser_id: int = Field(description="A public purchaser of the register.")
    currency: str = Field(description="ISO 4217, e.g. BRL.")
    territory_id: int | None = None
    advance_share: Decimal = Decimal("0.5")
    retention_share: Decimal = Decimal(0)
    warranty_months: int = Field(12, ge=0)


class ProductCreate(InputSchema):
    code: str
    name: str
    reference_price: Decimal
    specification: str = ""


class LineIn(InputSchema):
    product_id: int
    quantity: int
    unit_price: Decimal
    deadline: date
    specification: str = Field("", description="Default: the product's.")


class ContractCreate(InputSchema):
    """An award: only to a producers' association (anything else is refused, saying why)."""

    programme_id: int
    association_id: int
    reference: str
    lines: list[LineIn]
    awarded_on: date | None = Field(None, description="Default today.")


class RulesIn(InputSchema):
    fee_share: Decimal = Field(Decimal(0), description="Share of each payment to a member the association keeps.")
    warranty_cost_rule: WarrantyCostRuleCode = WarrantyCostRule.MAKER


class RulesOut(Schema):
    association_id: int
    fee_share: Decimal
    warranty_cost_rule: str


class CapacityCreate(InputSchema):
    member_id: int
    product_id: int
    units: int = Field(ge=0, description="Units per order the member can make of the product.")
    on: date | None = Field(None, description="Declared on (default today).")


class CapacityOut(Schema):
    id: int
    member: Ref
    product_id: int
    units: int
    declared_on: date

    @staticmethod
    def resolve_member(obj) -> dict:
        return {"id": obj.member_id, "name": str(obj.member)}
