"""The evaluation API's shapes: scorecards with their figures and evidence, and panel years."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from triplec.registry.schemas import DEFAULT_LIMIT, MAX_LIMIT


class ScorecardQuery(Schema):
    instrument: str | None = Field(None, description="network, contract, fair-participation, "
                                                     "supplier-programme or subscription")
    programme: int | None = Field(None, description="A programme's id within the instrument (give the instrument).")
    year: int | None = Field(None, ge=1900, le=2200, description="Interventions begun that year; programmes "
                                                                  "over their interventions of that year.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class EvidenceOut(Schema):
    label: str
    url: str


class FigureOut(Schema):
    key: str
    label: str
    value: Any = Field(None, description="A count, an amount (unit money, with its currency), a share 0..1, a "
                                         "text, or by-year rows {year, value}; null when nothing to compute from")
    unit: str
    currency: str
    note: str
    evidence: list[EvidenceOut]


class ScorecardOut(Schema):
    ref: str
    instrument: str
    level: str
    id: int = Field(alias="pk")
    name: str
    programme: str
    year: int | None
    url: str
    customer_oriented: list[FigureOut]
    collective: list[FigureOut]
    cumulative: list[FigureOut]


class ScorecardPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ScorecardOut]


class PanelQuery(Schema):
    enterprise: int | None = None
    year: int | None = Field(None, ge=1900, le=2200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class FirmYearOut(Schema):
    id: int
    enterprise_id: int
    year: int
    employment: int | None
    currency: str
    sales: Decimal | None
    exports: Decimal | None
    customers: int | None
    main_customer_share: Decimal | None
    investment: Decimal | None
    wages: Decimal | None
    certifications: str
    source: str
    baseline: bool
    evidence: str


class PanelPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FirmYearOut]
