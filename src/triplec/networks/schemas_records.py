"""Shapes of the networks API for what a network records as it works: activities, money, evaluations
and independence (django-ninja schemas; the network, its kind, members and lifecycle are in `schemas`).
Input schemas forbid unknown fields and check types only; money is a decimal string in JSON ("1234.50").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from triplec.core.api_schemas import schema_of

from .evaluations import DueEvaluation
from .independence import CRITERIA, PortfolioRow
from .schemas import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ActivityKindCode,
    CostCategoryCode,
    InputSchema,
    Ref,
)

# Activities ----------------------------------------------------------------------------------------

class AttendanceIn(InputSchema):
    enterprise_id: int
    participants: int = 1


class AttendanceOut(Schema):
    enterprise_id: int
    enterprise_name: str
    participants: int

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return str(obj.enterprise)


class ActivityOut(Schema):
    id: int
    kind: str
    occurred_on: date
    title: str
    description: str
    broker_hours: Decimal
    support_body: Ref | None
    service_taken_up: str
    host_enterprise: Ref | None
    attendance: list[AttendanceOut]
    collective_business: bool
    recorded_by: str | None
    recorded_at: datetime

    @staticmethod
    def resolve_support_body(obj):
        return {"id": obj.support_body.pk, "name": obj.support_body.name} if obj.support_body_id else None

    @staticmethod
    def resolve_host_enterprise(obj):
        return {"id": obj.host_enterprise.pk, "name": str(obj.host_enterprise)} if obj.host_enterprise_id else None

    @staticmethod
    def resolve_attendance(obj) -> list:
        return list(obj.attendance.all())

    @staticmethod
    def resolve_collective_business(obj) -> bool:
        return obj.is_collective_business

    @staticmethod
    def resolve_recorded_by(obj) -> str | None:
        return obj.recorded_by.username if obj.recorded_by_id else None


class ActivityPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ActivityOut]


class ActivityCreate(InputSchema):
    kind: ActivityKindCode
    occurred_on: date
    title: str
    description: str = ""
    broker_hours: Decimal = Decimal(0)
    support_body_id: int | None = Field(None, description="Required for a support-contact: an agency, "
                                                          "association or service centre.")
    service_taken_up: str = ""
    host_enterprise_id: int | None = None
    attendance: list[AttendanceIn] = []


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


# Money -------------------------------------------------------------------------------------------------

class ContractOut(Schema):
    id: int
    manager_id: int | None
    manager_name: str
    start_date: date
    end_date: date | None
    monthly_fee: Decimal
    currency: str
    notes: str


class ContractCreate(InputSchema):
    manager_id: int | None = None
    manager_name: str = ""
    start_date: date
    end_date: date | None = None
    monthly_fee: Decimal
    notes: str = ""


class AccrueIn(InputSchema):
    through: date | None = Field(None, description="Accrue contract months starting on or before this date "
                                                   "(default today).")


class CostOut(Schema):
    id: int
    category: str
    amount: Decimal
    currency: str
    incurred_on: date
    entry_kind: str
    reverses_id: int | None
    reversed_by_id: int | None
    contract_id: int | None
    note: str
    idempotency_key: str
    recorded_at: datetime

    @staticmethod
    def resolve_reversed_by_id(obj) -> int | None:
        return getattr(getattr(obj, "reversed_by", None), "pk", None)


class CostPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CostOut]


class CostCreate(InputSchema):
    category: CostCategoryCode
    amount: Decimal
    incurred_on: date
    idempotency_key: str = Field(description="Unique per network; sending the same entry again is a no-op.")
    note: str = ""
    currency: str | None = None
    contract_id: int | None = None


class ContributionOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    amount: Decimal
    currency: str
    paid_on: date
    entry_kind: str
    reverses_id: int | None
    reversed_by_id: int | None
    note: str
    idempotency_key: str
    recorded_at: datetime

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return str(obj.enterprise)

    @staticmethod
    def resolve_reversed_by_id(obj) -> int | None:
        return getattr(getattr(obj, "reversed_by", None), "pk", None)


class ContributionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ContributionOut]


class ContributionCreate(InputSchema):
    enterprise_id: int
    amount: Decimal
    paid_on: date
    idempotency_key: str = Field(description="Unique per network; sending the same entry again is a no-op.")
    note: str = ""
    currency: str | None = None


class ReverseIn(InputSchema):
    reason: str
    idempotency_key: str | None = None


class SharesOut(Schema):
    start: date
    end: date
    currency: str
    expenses: Decimal
    agency_due: Decimal = Field(description="The agency's part: what the funding schedule puts on the agency "
                                            "(each cost entry's part rounded to the cent).")
    members_due: Decimal = Field(description="The members' part: expenses minus agency_due (the parts make the whole).")
    contributions: Decimal = Field(description="What member firms paid (ledger).")
    member_share: Decimal | None = Field(description="contributions / expenses; null without expenses.")
    members_balance: Decimal = Field(description="contributions - members_due.")
    members_outstanding: Decimal = Field(description="max(members_due - contributions, 0): still expected.")
    members_paid_beyond: Decimal = Field(description="max(contributions - members_due, 0): paid beyond their part.")
    members_pay_majority: bool = Field(description="2 x contributions > expenses (Dini's third criterion).")


class YearSharesOut(SharesOut):
    year: int


class MoneyOut(Schema):
    currency: str
    funding_schedule: str | None
    lifetime: SharesOut
    by_year: list[YearSharesOut]


# Evaluations -------------------------------------------------------------------------------------------

class EvaluationOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    evaluated_on: date
    evaluator: str | None
    notes: str
    scores: dict[str, int]

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return str(obj.enterprise)

    @staticmethod
    def resolve_evaluator(obj) -> str | None:
        return obj.evaluator.username if obj.evaluator_id else None

    @staticmethod
    def resolve_scores(obj) -> dict:
        return {s.area.code: s.score for s in obj.scores.all()}


class EvaluationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EvaluationOut]


class EvaluationCreate(InputSchema):
    enterprise_id: int
    evaluated_on: date
    scores: dict[str, int] = Field(description="Area code -> score from 1 (weak practice) to 5 (good practice).")
    notes: str = ""


class AreaImprovementOut(Schema):
    area: str
    firms: int
    evaluated: int
    improved: int
    share: float | None


class AreaProgressOut(Schema):
    area: str
    baseline: int
    baseline_on: date
    latest: int
    latest_on: date
    change: int
    improved: bool


class FirmProgressOut(Schema):
    enterprise_id: int
    areas: list[AreaProgressOut]


class ProgressOut(Schema):
    on: date
    areas: list[AreaImprovementOut]
    firms: list[FirmProgressOut]


DueOut = schema_of(DueEvaluation, "DueOut", is_baseline=bool)


class DueQuery(Schema):
    within_days: int = Field(30, ge=0, le=366, description="Also list evaluations due within this many days.")
    network: int | None = None


# Independence ------------------------------------------------------------------------------------------

class CriterionOut(Schema):
    number: int
    code: str
    question: str
    computed: bool
    met: bool
    basis: str


class AssessmentOut(Schema):
    id: int
    network_id: int
    assessed_on: date
    window_months: int
    assessor: str | None
    notes: str
    met_count: int
    label: str = Field(description='"k of 12".')
    criteria: list[CriterionOut]
    snapshot: dict[str, Any] = Field(description="The result as computed when the assessment was recorded.")


class JudgementIn(InputSchema):
    met: bool
    evidence: str = ""


class AssessmentCreate(InputSchema):
    assessed_on: date
    window_months: int = 12
    judgements: dict[str, JudgementIn] = Field(description="The five judged criteria: " + ", ".join(
        c.code for c in CRITERIA if not c.computed) + ".")
    notes: str = ""


class PreviewQuery(Schema):
    on: date | None = None
    window_months: int = Field(12, ge=1, le=60)


PortfolioRowOut = schema_of(PortfolioRow, "PortfolioRowOut", leave_out=("kind_name",))


class PortfolioOut(Schema):
    networks: int
    at_least_4: int
    at_least_6: int
    distribution: dict[int, int] = Field(description="Number of networks meeting exactly k criteria.")
    criterion_counts: dict[str, int]
    rows: list[PortfolioRowOut]


class PortfolioQuery(Schema):
    kind: list[str] = Field([], description="Kind codes (repeat the parameter); empty: all kinds.")
    on: date | None = None
    min_age_months: int | None = Field(None, ge=0)
    max_age_months: int | None = Field(None, ge=0)


class DashboardRowOut(Schema):
    network_id: int
    network_name: str
    kind: str
    stage: str
    members: int
    size_warning: str | None
    next_gate: str | None
    requirements_met: int
    requirements_total: int
    missing: list[str]
    overdue_evaluations: int
    due_evaluations: int
    last_activity_on: date | None
