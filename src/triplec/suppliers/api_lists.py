"""The suppliers API's reads: programmes and their suppliers in the register's page shape (count,
limit, offset, items), one programme, one supplier; scoped by suppliers.policy as the pages are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from triplec.accounts.policy import require
from triplec.core.errors import NotFound, ValidationFailed
from triplec.core.spreadsheets import style_from_options
from triplec.registry.schemas import ERRORS

from . import pages, policy
from .api_common import PageQuery, programme, router
from .services import kpis


class ProgrammeOut(Schema):
    id: int
    name: str
    buyer: int = Field(description="The large buyer's organisation id.")
    buyer_name: str
    currency: str
    started_on: date
    consent_on: date | None = Field(description="When the buyer consented (no enrolment before).")
    agency_share: Decimal = Field(description="The agency's share of each cost.")
    supplier_share: Decimal = Field(description="A supplier's share of its own diagnostic; the buyer pays the rest.")
    suppliers: int = Field(description="Suppliers the caller may see in the programme.")


class ProgrammePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProgrammeOut]


class KpisOut(Schema):
    orders: int
    delivered: int
    on_time_share: float | None
    defect_rate: float | None
    mean_lead_days: float | None
    mean_price: Decimal | None = Field(description="Quantity-weighted mean unit price.")


class SupplierOut(Schema):
    id: int
    homeworker: bool = Field(description="A homeworker kept by name (no enterprise record).")
    name: str
    enterprise: int | None
    municipality: int | None
    product: str
    enrolled_on: date
    diagnosed_on: date | None = Field(description="The first diagnostic: orders before it are 'before'.")
    before: KpisOut
    after: KpisOut


class SupplierPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SupplierOut]


def programme_row(user, p) -> dict:
    return {"id": p.pk, "name": p.name, "buyer": p.buyer_id, "buyer_name": p.buyer.name, "currency": p.currency,
            "started_on": p.started_on, "consent_on": p.consent_on, "agency_share": p.agency_share,
            "supplier_share": p.supplier_share,
            "suppliers": policy.visible_suppliers(user).filter(programme=p).count()}


def supplier_row(s) -> dict:
    view = kpis.supplier_kpis(s)
    return {"id": s.pk, "homeworker": s.is_homeworker, "name": str(s), "enterprise": s.enterprise_id,
            "municipality": s.municipality_id, "product": s.product, "enrolled_on": s.enrolled_on,
            "diagnosed_on": view.since, "before": _kpis(view.before), "after": _kpis(view.after)}


@router.get("/programmes", response={200: ProgrammePage, 401: ERRORS[401], 422: ERRORS[422]})
def list_programmes(request, page: Query[PageQuery]):
    """Programmes the caller may see: the agency all, a large buyer's staff their firm's, a supplier's
    user those its enterprise supplies."""
    user = request.auth
    qs = policy.visible_programmes(user).select_related("buyer").order_by("name", "id")
    items = [programme_row(user, p) for p in qs[page.offset:page.offset + page.limit]]
    return {"count": qs.count(), "limit": page.limit, "offset": page.offset, "items": items}


def _kpis(k: kpis.Kpis) -> dict:
    return {"orders": k.orders, "delivered": k.delivered, "on_time_share": k.on_time_share,
            "defect_rate": k.defect_rate, "mean_lead_days": k.mean_lead_days, "mean_price": k.mean_price}


@router.get("/programmes/{programme_id}/suppliers",
            response={200: SupplierPage, 401: ERRORS[401], 404: ERRORS[404], 422: ERRORS[422]})
def list_suppliers(request, programme_id: int, page: Query[PageQuery]):
    """The programme's suppliers the caller may see (a supplier's user: only its own), with their KPIs
    before and after their first diagnostic."""
    user = request.auth
    programme = policy.visible_programmes(user).filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(_("No such programme."))
    qs = policy.visible_suppliers(user).filter(programme=programme).select_related("enterprise").order_by("id")
    items = [supplier_row(s) for s in qs[page.offset:page.offset + page.limit]]
    return {"count": qs.count(), "limit": page.limit, "offset": page.offset, "items": items}


class KpiFileQuery(Schema):
    format: Literal["csv", "xlsx"] = Field("csv", description="csv: one table; xlsx: both, one sheet each.")
    what: Literal["orders", "before-after"] = Field(
        "before-after", description="The CSV's table: per order, or before/after the diagnostic per supplier.")
    sep: str | None = Field(None, description="CSV separator: comma, semicolon or tab (default: the language's).")
    decimal: str | None = Field(None, description="CSV decimal mark: point or comma (default: the language's).")
    headers: str | None = Field(None, description="codes (default) or labels, in the request's language.")


@router.get("/programmes/{programme_id}/kpis", response={401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404],
                                                         422: ERRORS[422]},
            openapi_extra={"responses": {200: {"description": "The CSV or XLSX file."}}})
def kpi_file(request, programme_id: int, options: Query[KpiFileQuery]):
    """The programme's KPI files, as its page exports them: every order's KPIs, and each supplier's and
    the programme's before/after its first diagnostic (the agency and the buyer's staff)."""
    found = programme(request, programme_id)
    require(policy.can_export_kpis, request.auth, found)
    try:
        style_from_options(None, options.sep, options.decimal, options.headers)
    except ValueError as exc:
        raise ValidationFailed({"sep": [str(exc)]}) from exc
    return pages.kpi_file(request, found, options.format, options.what)
