"""Shapes of the networks API (django-ninja schemas). Input schemas forbid unknown fields and check
types only; every business rule is checked by `networks.services`. Money is a decimal string in
JSON ("1234.50"), in the network's ISO 4217 currency.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from triplec.registry.schemas import ERRORS, TerritoryOut  # noqa: F401  (ERRORS re-exported for api.py)

from .models import ActivityKind, CostCategory, RequirementType

Day = date  # for fields named `date`, whose name would shadow the type in their class
MAX_LIMIT = 500
DEFAULT_LIMIT = 50

ActivityKindCode = Literal[tuple(ActivityKind.values)]
CostCategoryCode = Literal[tuple(CostCategory.values)]
RequirementTypeCode = Literal[tuple(RequirementType.values)]


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


# Kinds and lifecycles ----------------------------------------------------------------------------------

class StageOut(Schema):
    code: str
    name: str
    description: str
    order: int
    is_closed: bool
    evaluations_due: bool


class RequirementOut(Schema):
    id: int
    code: str
    label: str
    help_text: str
    type: str
    check: str = Field(description="Condition or count source checked from the records ('evidence': a number given).")
    minimum: int | None
    takes_evidence: bool

    @staticmethod
    def resolve_check(obj) -> str:
        return obj.check_name


class GateOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    name: str
    description: str
    allowed_roles: list[str]
    requirements: list[RequirementOut]

    @staticmethod
    def resolve_from_stage(obj) -> str:
        return obj.from_stage.code

    @staticmethod
    def resolve_to_stage(obj) -> str:
        return obj.to_stage.code

    @staticmethod
    def resolve_requirements(obj) -> list:
        return list(obj.requirements.all())


class KindOut(Schema):
    code: str
    name: str
    description: str
    lifecycle: str
    size_min: int | None
    size_max: int | None
    funding_schedule: str | None
    evaluation_interval_months: int
    shipped: bool
    stages: list[StageOut]
    gates: list[GateOut]

    @staticmethod
    def resolve_funding_schedule(obj) -> str | None:
        return obj.funding_schedule.code if obj.funding_schedule_id else None

    @staticmethod
    def resolve_stages(obj) -> list:
        return list(obj.stages.order_by("order"))

    @staticmethod
    def resolve_gates(obj) -> list:
        return list(obj.gates.select_related("from_stage", "to_stage").prefetch_related("requirements")
                    .order_by("from_stage__order"))


class RequirementIn(InputSchema):
    code: str
    type: RequirementTypeCode
    label: str
    help: str = ""
    check: str = ""
    minimum: int | None = None


class StageIn(InputSchema):
    code: str
    name: str
    description: str = ""
    evaluations_due: bool = False
    closed: bool = False


class GateIn(InputSchema):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_stage: str = Field(alias="from")
    to_stage: str = Field(alias="to")
    name: str
    description: str = ""
    roles: list[str]
    requirements: list[RequirementIn] = []


class KindIn(InputSchema):
    """An agency-defined kind of network with its lifecycle (stages in order, one closed; one gate
    from each open stage to the next; some gate must require a target customer or market)."""

    code: str
    name: str
    description: str = ""
    size_min: int | None = None
    size_max: int | None = None
    funding: str | None = Field(None, description="A funding schedule code, e.g. firms-pay.")
    evaluation_interval_months: int = 6
    stages: list[StageIn]
    gates: list[GateIn]


# Networks --------------------------------------------------------------------------------------------

class SectorIn(InputSchema):
    classification: Literal["isic4", "nace2", "naics2017"]
    code: str


class SectorOut(Schema):
    classification: str
    code: str


class MarketOut(Schema):
    product: str
    volume: str
    quality: str


class NetworkOut(Schema):
    id: int
    kind: str
    kind_name: str
    name: str
    stage: str
    stage_name: str
    stage_closed: bool
    stage_since: date
    sectors: list[SectorOut]
    territory: TerritoryOut | None
    broker: Ref | None
    lead_firm: Ref | None
    target_buyers: list[Ref]
    market: MarketOut
    basis_for_collaboration: str
    short_term_goals: str
    medium_term_goals: str
    currency: str
    funding_schedule: str | None = Field(description="The schedule in force (the network's own or its kind's).")
    started_on: date
    funding_start: date | None
    notes: str
    member_count: int
    size_warning: str | None = Field(description="Set when the network is outside its kind's usual size.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj) -> str:
        return obj.kind.name

    @staticmethod
    def resolve_stage(obj) -> str:
        return obj.stage.code

    @staticmethod
    def resolve_stage_name(obj) -> str:
        return obj.stage.name

    @staticmethod
    def resolve_stage_closed(obj) -> bool:
        return obj.stage.is_closed

    @staticmethod
    def resolve_broker(obj):
        b = obj.broker
        return {"id": b.pk, "name": b.get_full_name() or b.username} if b else None

    @staticmethod
    def resolve_lead_firm(obj):
        e = obj.lead_firm
        return {"id": e.pk, "name": str(e)} if e else None

    @staticmethod
    def resolve_target_buyers(obj) -> list:
        return [{"id": o.pk, "name": o.name} for o in obj.target_buyers.all()]

    @staticmethod
    def resolve_market(obj) -> dict:
        return {"product": obj.market_product, "volume": obj.market_volume, "quality": obj.market_quality}

    @staticmethod
    def resolve_funding_schedule(obj) -> str | None:
        return obj.schedule.code if obj.schedule else None

    @staticmethod
    def resolve_member_count(obj) -> int:
        n = getattr(obj, "member_count", None)
        if n is None:
            from .selectors import size_guidance

            n = size_guidance(obj).members
        return n

    @staticmethod
    def resolve_size_warning(obj) -> str | None:
        from .selectors import SizeGuidance

        return SizeGuidance(NetworkOut.resolve_member_count(obj), obj.kind.size_min, obj.kind.size_max).warning


class NetworkPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[NetworkOut]


class RequirementStatusOut(Schema):
    requirement_id: int
    code: str
    label: str
    type: str
    check: str
    minimum: int | None
    met: bool
    basis: str
    evidence_ids: list[int]


class ChecklistOut(Schema):
    gate_id: int
    gate: str
    to_stage: str
    allowed_roles: list[str]
    passable: bool
    items: list[RequirementStatusOut]


class NetworkDetailOut(NetworkOut):
    next_gate: ChecklistOut | None
    permissions: dict[str, bool] = Field(description="What the caller may do with this network.")


class NetworkQuery(Schema):
    kind: str = ""
    stage: str = ""
    broker: int | None = Field(None, description="A broker's user id.")
    territory: int | None = Field(None, description="A territory id; includes everything below it.")
    overdue: bool | None = Field(None, description="true: only networks with an overdue evaluation.")
    member: int | None = Field(None, description="An enterprise id: networks it is a member of today.")
    q: str = Field("", description="Words in the name.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class NewBuyerIn(InputSchema):
    """A buyer not yet in the register, added there with the network (brokers and agency staff)."""

    name: str
    kind: str = Field(description="A buyer kind: buyer-large-firm, buyer-public, buyer-agent or buyer-retailer.")
    country: str = Field(description="ISO 3166-1 alpha-2, e.g. BR, CL.")
    national_id: str = ""


class NetworkCreate(InputSchema):
    kind: str = Field(description="A kind code, e.g. brokered, profo, export-profo.")
    name: str
    currency: str = Field(description="ISO 4217, e.g. CLP.")
    started_on: date | None = Field(None, description="First contact (default today).")
    sectors: list[SectorIn] = []
    territory_id: int | None = None
    broker_id: int | None = Field(None, description="A user with the broker role (agency staff only).")
    target_buyer_ids: list[int] = Field([], description="Organisations of a buyer kind.")
    new_buyers: list[NewBuyerIn] = Field([], description="Buyers not yet in the register: added to it and named "
                                                         "as targets.")
    market_product: str = ""
    market_volume: str = ""
    market_quality: str = ""
    basis_for_collaboration: str = ""
    short_term_goals: str = ""
    medium_term_goals: str = ""
    funding_schedule: str | None = Field(None, description="A schedule code; empty: the kind's.")
    funding_start: date | None = None
    notes: str = ""


class NetworkPatch(InputSchema):
    """Only the fields sent change; the stage changes through /transitions."""

    name: str | None = None
    currency: str | None = None
    started_on: date | None = None
    sectors: list[SectorIn] | None = None
    territory_id: int | None = None
    broker_id: int | None = None
    lead_firm_id: int | None = None
    target_buyer_ids: list[int] | None = None
    new_buyers: list[NewBuyerIn] | None = None
    market_product: str | None = None
    market_volume: str | None = None
    market_quality: str | None = None
    basis_for_collaboration: str | None = None
    short_term_goals: str | None = None
    medium_term_goals: str | None = None
    funding_schedule: str | None = None
    funding_start: date | None = None
    notes: str | None = None


# Members ---------------------------------------------------------------------------------------------

class MemberOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    joined_on: date
    left_on: date | None
    leave_reason: str
    active: bool
    is_lead: bool

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return str(obj.enterprise)

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active_on(date.today())

    @staticmethod
    def resolve_is_lead(obj) -> bool:
        return obj.network.lead_firm_id == obj.enterprise_id and obj.left_on is None


class MemberCreate(InputSchema):
    enterprise_id: int
    joined_on: date | None = Field(None, description="Empty: the network's first contact for its founding members "
                                                     "(while it has none), otherwise today.")
    lead: bool = False


class MemberLeave(InputSchema):
    left_on: date
    reason: str = ""


# Lifecycle ---------------------------------------------------------------------------------------------

class EvidenceOut(Schema):
    id: int
    requirement_id: int
    requirement_code: str
    requirement_label: str
    gate: str
    text: str
    date: Day | None
    number: int | None
    document_url: str | None
    reference: str
    added_by: str | None
    added_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str

    @staticmethod
    def resolve_requirement_code(obj) -> str:
        return obj.requirement.code

    @staticmethod
    def resolve_requirement_label(obj) -> str:
        return obj.requirement.label

    @staticmethod
    def resolve_gate(obj) -> str:
        return obj.requirement.gate.name

    @staticmethod
    def resolve_document_url(obj) -> str | None:
        return obj.document.url if obj.document else None

    @staticmethod
    def resolve_added_by(obj) -> str | None:
        return obj.added_by.username if obj.added_by_id else None


class EvidenceIn(InputSchema):
    """Evidence given with a transition, for a requirement of the gate being passed (by code)."""

    requirement: str
    text: str = ""
    date: Day | None = None
    number: int | None = None
    reference: str = ""


class EvidenceCreate(InputSchema):
    """Evidence attached ahead of a transition (files: POST .../evidence/upload as multipart)."""

    requirement_id: int
    text: str = ""
    date: Day | None = None
    number: int | None = None
    reference: str = ""


class EvidenceWithdraw(InputSchema):
    reason: str


class TransitionOut(Schema):
    id: int
    kind: str
    from_stage: str | None
    to_stage: str
    gate: str | None
    actor: str | None
    recorded_at: datetime
    effective_on: date
    reason: str
    checklist: list[dict[str, Any]]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_from_stage(obj) -> str | None:
        return obj.from_stage.code if obj.from_stage_id else None

    @staticmethod
    def resolve_to_stage(obj) -> str:
        return obj.to_stage.code

    @staticmethod
    def resolve_gate(obj) -> str | None:
        return obj.gate.name if obj.gate_id else None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.username if obj.actor_id else None

    @staticmethod
    def resolve_evidence(obj) -> list:
        return list(obj.evidence.all())


class TransitionCreate(InputSchema):
    to_stage: str = Field(description="The stage code to move to: the next one (through its gate), an earlier "
                                      "one (back), closed, or (from closed) the stage it was closed from.")
    reason: str = Field("", description="Required to go back, close or reopen.")
    effective_on: date | None = Field(None, description="When it happened (default today).")
    evidence: list[EvidenceIn] = []
