"""Shapes of the procurement API's reads (django-ninja schemas): programmes, contracts with their lines
and computed completion, allocations, deliveries with their inspection, payments and ledger-derived
balances. Money is a decimal string in JSON ("1234.50"); shares are decimals between 0 and 1.
The writes' shapes are in `schemas_work`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from triplec.core.api_schemas import ERRORS, InputSchema  # noqa: F401  (shared)
from triplec.registry.schemas import DEFAULT_LIMIT, MAX_LIMIT

from .models import ContractStatus, Payment

StatusCode = Literal[tuple(ContractStatus.values)]
PaymentKindCode = Literal[tuple(Payment.Kind.values)]


class Ref(Schema):
    id: int
    name: str


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


# Programmes ----------------------------------------------------------------------------------------

class ProductOut(Schema):
    id: int
    code: str
    name: str
    specification: str
    reference_price: Decimal


class ProgrammeOut(Schema):
    id: int
    name: str
    purchaser: Ref = Field(description="The purchasing body (a public purchaser of the register).")
    territory_id: int | None
    currency: str
    advance_share: Decimal = Field(description="Share of the contract value paid with the order.")
    retention_share: Decimal = Field(description="Share kept by the purchaser until the warranty period ends.")
    warranty_months: int
    products: list[ProductOut]

    @staticmethod
    def resolve_purchaser(obj) -> dict:
        return {"id": obj.purchaser_id, "name": obj.purchaser.name}

    @staticmethod
    def resolve_products(obj) -> list:
        return list(obj.products.all())


class ProgrammePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProgrammeOut]


# Contracts -----------------------------------------------------------------------------------------

class ContractOut(Schema):
    id: int
    reference: str
    programme: int = Field(description="The procurement programme's id.")
    purchaser: int = Field(description="The purchasing body's organisation id.")
    association: int = Field(description="The awarded association's organisation id.")
    awarded_on: date
    status: str = Field(description="awarded, in-progress, accepted (the whole order) or paid.")
    status_label: str


class ContractQuery(PageQuery):
    status: StatusCode | None = None
    association: int | None = Field(None, description="Only the contracts of this association id.")


class ContractPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ContractOut]


class LineOut(Schema):
    id: int
    product: Ref
    specification: str
    quantity: int = Field(description="As ordered at the award.")
    cancelled: int = Field(description="Units taken off the order when a defaulting member's advance was repaid.")
    ordered: int = Field(description="quantity - cancelled: what the purchaser still wants.")
    unit_price: Decimal
    deadline: date
    allocated: int
    delivered: int
    accepted: int
    rejected: int


class ContractDetailOut(ContractOut):
    currency: str
    value: Decimal = Field(description="Ordered units times unit prices, all lines.")
    accepted_on: date | None
    lines: list[LineOut]
    complete: bool = Field(description="Whether the whole order is accepted, computed from the inspections.")
    completion: Decimal = Field(description="Accepted units over ordered units, all lines.")
    permissions: dict[str, bool] = Field(description="What the caller may do: run (allocate, deliveries, repairs, "
                                                     "defaults, pass advances, settle debts), inspect, "
                                                     "purchaser_payments, warranty, scoreboard.")


# Allocations, deliveries, warranty claims ----------------------------------------------------------

class AllocationOut(Schema):
    id: int
    line_id: int
    member: Ref
    quantity: int
    lot_code: str = Field(description="Printed on the labels of every unit: names the maker.")
    confirmed_on: date
    defaulted_on: date | None
    note: str
    advance: Decimal = Field(description="The programme's advance share of the allocation's value.")

    @staticmethod
    def resolve_member(obj) -> dict:
        return {"id": obj.member_id, "name": str(obj.member)}


class AllocationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AllocationOut]


class ReworkOut(Schema):
    id: int
    delivery_id: int
    member: Ref
    kind: str
    quantity: int
    assigned_on: date
    closed_on: date | None

    @staticmethod
    def resolve_member(obj) -> dict:
        return {"id": obj.member_id, "name": str(obj.member)}


class DeliveryOut(Schema):
    id: int
    line_id: int
    maker: Ref
    allocation_id: int | None
    rework_id: int | None
    quantity: int
    delivered_on: date
    inspected: bool
    accepted: int | None
    rejected: int | None
    reasons: str
    inspected_on: date | None
    reworks: list[ReworkOut] = Field(description="Rejected units sent back for repair or replacement.")

    @staticmethod
    def resolve_maker(obj) -> dict:
        return {"id": obj.maker_id, "name": str(obj.maker)}

    @staticmethod
    def resolve_inspected(obj) -> bool:
        return obj.inspected_on is not None

    @staticmethod
    def resolve_reworks(obj) -> list:
        return list(obj.reworks.all())


class DeliveryPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[DeliveryOut]


class WarrantyClaimOut(Schema):
    id: int
    line_id: int
    maker: Ref
    repairer: Ref
    units: int
    description: str
    claimed_on: date
    repair_cost: Decimal
    maker_charged: Decimal = Field(description="The maker's part of the cost under the association's rule.")

    @staticmethod
    def resolve_maker(obj) -> dict:
        return {"id": obj.maker_id, "name": str(obj.maker)}

    @staticmethod
    def resolve_repairer(obj) -> dict:
        return {"id": obj.repairer_id, "name": str(obj.repairer)}


class WarrantyClaimPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[WarrantyClaimOut]


# Money ---------------------------------------------------------------------------------------------

class PaymentOut(Schema):
    id: int
    contract_id: int
    kind: PaymentKindCode
    kind_label: str
    member: Ref | None
    allocation_id: int | None
    gross: Decimal = Field(description="The posting's amount, before the association's fee.")
    fee: Decimal = Field(description="The association's fee kept out of it.")
    currency: str
    effective_on: date
    memo: str
    idempotency_key: str = Field(description="The ledger posting's key: the same payment is never posted twice.")
    recorded_at: datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_member(obj) -> dict | None:
        return {"id": obj.member_id, "name": str(obj.member)} if obj.member_id else None

    @staticmethod
    def resolve_currency(obj) -> str:
        return obj.transaction.currency

    @staticmethod
    def resolve_effective_on(obj) -> date:
        return obj.transaction.effective_on

    @staticmethod
    def resolve_memo(obj) -> str:
        return obj.transaction.memo

    @staticmethod
    def resolve_idempotency_key(obj) -> str:
        return obj.transaction.idempotency_key


class PaymentQuery(PageQuery):
    kind: PaymentKindCode | None = None
    member: int | None = Field(None, description="Only payments to or from this member (enterprise id).")


class PaymentPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PaymentOut]


class MemberMoneyOut(Schema):
    member: Ref
    allocated: int = Field(description="Units allocated to it on the contract (after defaults).")
    advance: Decimal = Field(description="Gross advance passed to it and kept (not turned into a debt).")
    received: Decimal = Field(description="What it holds on the ledger for this contract.")
    owed: Decimal = Field(description="Its debt to the association on this contract.")


class MoneyOut(Schema):
    """Derived from the ledger. Members see only their own row and no contract totals (null)."""

    contract_id: int
    currency: str
    value: Decimal
    advance_due: Decimal = Field(description="The programme's advance share of the contract value.")
    paid_in: Decimal | None = Field(description="What the purchaser paid.")
    held: Decimal | None = Field(description="Money the association holds, not yet passed to members.")
    retained: Decimal | None = Field(description="The association's fees, less warranty repairs it paid.")
    paid_out: Decimal | None = Field(description="What members received and keep.")
    owed: Decimal | None = Field(description="Members' debts to the association.")
    members: list[MemberMoneyOut]


class MemberContractMoneyOut(Schema):
    contract_id: int
    reference: str
    currency: str
    allocated: int
    advance: Decimal = Field(description="Gross advance passed to it and kept (not turned into a debt).")
    received: Decimal = Field(description="What it holds on the ledger for this contract.")
    owed: Decimal = Field(description="Its debt to the association on this contract.")


class MemberMoneyPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MemberContractMoneyOut]
