"""Shapes of the register's REST API (django-ninja schemas): what goes in, what comes out.

Input schemas forbid unknown fields, so a misspelt field name is a 422, not silently ignored.
They check only types; every business rule (sector codes, coordinates, duplicates, permissions)
is checked by `registry.services`, the same functions the pages call.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from triplec.core.api_schemas import ERRORS, ErrorOut, InputSchema, ValidationErrorOut  # noqa: F401  (shared)

from . import sectors
from .models import ASSOCIATION_KINDS, OrganisationKind, SectorClassification, SizeClass, Territory
from .selectors import SORTABLE

# Choices as Literal types, built from the models and selectors so they cannot drift apart.
Classification = Literal[tuple(SectorClassification.values)]
OrganisationKindCode = Literal[tuple(OrganisationKind.values)]
AssociationKindCode = Literal[tuple(str(k) for k in ASSOCIATION_KINDS)]
SizeClassCode = Literal[tuple(SizeClass.values)]
TerritoryLevel = Literal[tuple(Territory.Level.values)]
EnterpriseSort = Literal[tuple(SORTABLE)]

# JSON has no NaN or Infinity, but Python's parser accepts them; a NaN latitude would slip past the
# model's range validators (every comparison with NaN is false), so refuse non-finite numbers here.
Coordinate = Annotated[float, Field(allow_inf_nan=False)]

MAX_LIMIT = 500
DEFAULT_LIMIT = 50


# Territories ---------------------------------------------------------------------------------------

class TerritoryOut(Schema):
    id: int
    level: str
    code: str
    name: str
    parent_id: int | None
    path: str = Field(description="Country > region > municipality names, country first.")


class TerritoryQuery(Schema):
    level: TerritoryLevel | None = None
    parent: int | None = Field(None, description="Only the direct children of this territory id.")
    code: str = ""
    q: str = Field("", description="Part of the name.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class TerritoryPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[TerritoryOut]


# Enterprises ---------------------------------------------------------------------------------------

class EnterpriseOut(Schema):
    id: int
    legal_name: str
    trade_name: str
    display_name: str
    country: str
    national_id: str = Field(description="As stored: the compact form for countries whose identifiers are "
                                         "checked (BR 11222333000181), else as given.")
    national_id_display: str = Field(description="In the country's usual format (BR 11.222.333/0001-81).")
    sector_classification: str
    sector_code: str
    sector_section: str
    sector_label: str
    employees: int | None
    size_class: SizeClassCode = Field(description="Derived from employees with the configured thresholds.")
    founding_year: int | None
    address: str
    postal_code: str
    territory: TerritoryOut | None
    latitude: float | None
    longitude: float | None
    exporter: bool
    email: str
    phone: str
    website: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_sector_label(obj) -> str:
        return sectors.label(obj.sector_classification, obj.sector_code)


class EnterpriseCreate(InputSchema):
    legal_name: str
    country: str = Field(description="ISO 3166-1 alpha-2, e.g. BR.")
    national_id: str = Field(description="National identifier, unique within the country, with or without "
                                         "punctuation; checked with its check digits where the country's "
                                         "kinds are known (BR: CNPJ or CPF, CL: RUT, FR: SIRET or SIREN, ...).")
    sector_classification: Classification
    sector_code: str = Field(
        description="A code at the lowest level, e.g. ISIC 1610, NACE 25.11, NAICS 332710.")
    trade_name: str = ""
    employees: int | None = None
    founding_year: int | None = None
    address: str = ""
    postal_code: str = ""
    territory_id: int | None = None
    latitude: Coordinate | None = None
    longitude: Coordinate | None = None
    exporter: bool = False
    email: str = ""
    phone: str = ""
    website: str = ""


class EnterprisePatch(InputSchema):
    """Only the fields sent are changed; null clears a field (text becomes empty)."""

    legal_name: str | None = None
    country: str | None = None
    national_id: str | None = None
    sector_classification: Classification | None = None
    sector_code: str | None = None
    trade_name: str | None = None
    employees: int | None = None
    founding_year: int | None = None
    address: str | None = None
    postal_code: str | None = None
    territory_id: int | None = None
    latitude: Coordinate | None = None
    longitude: Coordinate | None = None
    exporter: bool | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None


class EnterpriseQuery(Schema):
    q: str = Field("", description="Words in the legal or trade name, or the exact national identifier.")
    sector: str = Field("", description="A sector code at any level: section letter, division, group, class.")
    classification: Classification | None = None
    territory: int | None = Field(None, description="A territory id; includes everything below it.")
    size: SizeClassCode | None = None
    association: int | None = Field(None, description="Current members of this association id.")
    exporter: bool | None = None
    country: str = ""
    sort: EnterpriseSort = "name"
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class EnterpriseExportQuery(Schema):
    """The list's filters (as /enterprises, without paging) and how the file is written."""

    q: str = ""
    sector: str = ""
    classification: Classification | None = None
    territory: int | None = None
    size: SizeClassCode | None = None
    association: int | None = None
    exporter: bool | None = None
    country: str = ""
    sort: EnterpriseSort = "name"
    format: Literal["csv", "xlsx"] = "csv"
    sep: Literal["comma", "semicolon", "tab"] | None = Field(
        None, description="CSV separator; default semicolon for pt/es readers (Accept-Language), else comma.")
    decimal: Literal["point", "comma"] | None = Field(
        None, description="Decimal mark of CSV numbers; default comma for pt/es readers, else point.")
    headers: Literal["codes", "labels"] = Field(
        "codes", description="codes: the import's column names (the file imports back); labels: the "
        "columns' names in the reader's language.")


class EnterprisePage(Schema):
    count: int = Field(description="Number of matching enterprises, all pages together.")
    limit: int
    offset: int
    items: list[EnterpriseOut]


# Organisations and associations --------------------------------------------------------------------

class OrganisationOut(Schema):
    id: int
    kind: str
    kind_label: str
    is_association: bool
    name: str
    country: str
    national_id: str
    national_id_display: str
    territory: TerritoryOut | None
    address: str
    sector_classification: str
    sector_code: str
    sector_label: str
    email: str
    phone: str
    website: str
    enterprise_id: int | None = Field(description="The organisation's own record in the enterprise register.")
    notes: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_sector_label(obj) -> str:
        if not (obj.sector_classification and obj.sector_code):
            return ""
        return sectors.label(obj.sector_classification, obj.sector_code)


class _OrganisationFields(InputSchema):
    country: str = Field(description="ISO 3166-1 alpha-2, e.g. BR.")
    name: str
    national_id: str = ""
    territory_id: int | None = None
    address: str = ""
    sector_classification: Classification | Literal[""] = ""
    sector_code: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    enterprise_id: int | None = None
    notes: str = ""


class OrganisationCreate(_OrganisationFields):
    kind: OrganisationKindCode


class AssociationCreate(_OrganisationFields):
    kind: AssociationKindCode


class _OrganisationPatchFields(InputSchema):
    """Only the fields sent are changed; null clears a field (text becomes empty)."""

    country: str | None = None
    name: str | None = None
    national_id: str | None = None
    territory_id: int | None = None
    address: str | None = None
    sector_classification: Classification | Literal[""] | None = None
    sector_code: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    enterprise_id: int | None = None
    notes: str | None = None


class OrganisationPatch(_OrganisationPatchFields):
    kind: OrganisationKindCode | None = None


class AssociationPatch(_OrganisationPatchFields):
    kind: AssociationKindCode | None = None


class OrganisationQuery(Schema):
    kind: OrganisationKindCode | None = None
    country: str = ""
    q: str = Field("", description="Part of the name, or the exact national identifier.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class AssociationQuery(Schema):
    kind: AssociationKindCode | None = None
    country: str = ""
    q: str = Field("", description="Part of the name, or the exact national identifier.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganisationOut]


# Memberships ---------------------------------------------------------------------------------------

class MembershipOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    association_id: int
    association_name: str
    start_date: date
    end_date: date | None
    active: bool = Field(description="Whether the membership is in force today.")

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_association_name(obj) -> str:
        return obj.association.name

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active_on(date.today())


class MembershipCreate(InputSchema):
    enterprise_id: int
    association_id: int
    start_date: date
    end_date: date | None = None


class MembershipEnd(InputSchema):
    end_date: date


class MembershipQuery(Schema):
    enterprise: int | None = Field(None, description="An enterprise id.")
    association: int | None = Field(None, description="An association id.")
    active_on: date | None = Field(None, description="Only memberships in force on this date (YYYY-MM-DD).")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class MembershipPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MembershipOut]


# Change requests (an enterprise user's legal name, country, identifier and sector) ------------------

class ChangeRequestCreate(InputSchema):
    legal_name: str | None = None
    country: str | None = None
    national_id: str | None = None
    sector_classification: Classification | None = None
    sector_code: str | None = None
    reason: str = Field("", description="Why, for the agency.")


class ChangeRequestDecision(InputSchema):
    note: str = Field("", description="For the enterprise; required to reject.")


class ChangeRequestOut(Schema):
    id: int
    enterprise_id: int
    status: Literal["pending", "approved", "rejected"]
    changes: dict[str, str] = Field(description="The requested values, as they would be stored.")
    previous: dict[str, str] = Field(description="The record's values when the request was made.")
    reason: str
    requested_by: str | None
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str

    @staticmethod
    def resolve_requested_by(obj) -> str | None:
        return obj.requested_by.username if obj.requested_by_id else None

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.username if obj.decided_by_id else None


class ChangeRequestQuery(Schema):
    status: Literal["", "pending", "approved", "rejected"] = ""
    enterprise: int | None = Field(None, description="An enterprise id.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class ChangeRequestPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ChangeRequestOut]
