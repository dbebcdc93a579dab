"""The suppliers API's work on one supplier: its detail, diagnostics (agency staff), plan actions and
orders (the buyer's staff or the agency), an action's status and the sales to other customers (the
supplier too). See `api` for the conventions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Status

from triplec.core.errors import ValidationFailed

from . import api_common as common
from . import policy
from .api_common import responses, router
from .api_lists import supplier_row
from .api_schemas import (
    ActionIn,
    ActionOut,
    ActionStatusIn,
    DiagnosticIn,
    DiagnosticOut,
    OrderIn,
    OrderOut,
    OtherSalesIn,
    SpilloverOut,
    SupplierDetail,
)
from .models import Action, Area
from .services import diagnostics, kpis, orders


def diagnostic_row(d) -> dict:
    return {"id": d.pk, "carried_out_on": d.carried_out_on, "consultant": d.consultant, "cost": d.cost,
            "summary": d.summary, "scores": [{"area": s.area.code, "score": s.score, "needs": s.needs}
                                             for s in d.scores.select_related("area")]}


def action_row(a) -> dict:
    return {"id": a.pk, "supplier": a.supplier_id, "description": a.description,
            "area": a.area.code if a.area_id else None, "owner": a.owner, "due_on": a.due_on, "status": a.status,
            "done_on": a.done_on}


def order_row(o) -> dict:
    return {"id": o.pk, "supplier": o.supplier_id, "reference": o.reference, "ordered_on": o.ordered_on,
            "promised_on": o.promised_on, "delivered_on": o.delivered_on, "quantity": o.quantity,
            "defective": o.defective, "unit_price": o.unit_price, "on_time": o.on_time, "lead_days": o.lead_days}


def spillover_row(s) -> dict:
    return {"year": s.year, "to_buyer": s.to_buyer, "to_others": s.to_others, "customers": s.customers,
            "others_share": s.others_share}


@router.get("/suppliers/{supplier_id}", response=responses(200, SupplierDetail, 404), summary="A supplier")
def get_supplier(request, supplier_id: int):
    """Its KPIs before and since its first diagnostic, diagnostics, plan, orders and spillover per year."""
    s = common.supplier(request, supplier_id)
    return supplier_row(s) | {
        "diagnostics": [diagnostic_row(d) for d in s.diagnostics.order_by("carried_out_on", "id")],
        "actions": [action_row(a) for a in s.actions.select_related("area")],
        "orders": [order_row(o) for o in s.orders.order_by("ordered_on", "id")],
        "spillover": [spillover_row(row) for row in kpis.spillover(s)]}


@router.post("/suppliers/{supplier_id}/diagnostics", response=responses(201, DiagnosticOut, 403, 404),
             summary="Record a diagnostic")
def record_diagnostic(request, supplier_id: int, payload: DiagnosticIn):
    """Scores and needs per area; its cost is shared on the ledger under the programme's rule (agency staff)."""
    supplier = common.supplier(request, supplier_id)
    data = payload.model_dump()
    data["scores"] = {code: (row["score"], row["needs"]) for code, row in data["scores"].items()}
    return Status(201, diagnostic_row(diagnostics.record_diagnostic(request.auth, supplier, **data)))


@router.post("/suppliers/{supplier_id}/actions", response=responses(201, ActionOut, 403, 404),
             summary="Add an action to the plan")
def add_action(request, supplier_id: int, payload: ActionIn):
    supplier = common.supplier(request, supplier_id)
    data = payload.model_dump()
    code = data.pop("area")
    area = None
    if code is not None:
        area = Area.objects.filter(code=code, active=True).first()
        if area is None:
            raise ValidationFailed({"area": [_("%(code)s is not an active area.") % {"code": code}]})
    return Status(201, action_row(diagnostics.add_action(request.auth, supplier, area=area, **data)))


@router.post("/actions/{action_id}/status", response=responses(200, ActionOut, 403, 404),
             summary="Move an action along")
def set_action_status(request, action_id: int, payload: ActionStatusIn):
    action = common.found(Action.objects.filter(supplier__in=policy.visible_suppliers(request.auth))
                          .select_related("supplier__programme", "area"), action_id, _("No such action."))
    return action_row(diagnostics.set_action_status(request.auth, action, payload.status))


@router.post("/suppliers/{supplier_id}/orders", response=responses(201, OrderOut, 403, 404),
             summary="Record an order")
def record_order(request, supplier_id: int, payload: OrderIn):
    """An order of the large buyer and, if delivered, its delivery (the buyer's staff or the agency)."""
    supplier = common.supplier(request, supplier_id)
    return Status(201, order_row(orders.record_order(request.auth, supplier, **payload.model_dump())))


@router.post("/suppliers/{supplier_id}/other-sales", response=responses(200, SpilloverOut, 403, 404),
             summary="Record sales to other customers")
def record_other_sales(request, supplier_id: int, payload: OtherSalesIn):
    """The year's sales to customers other than the buyer (the spillover); sent again, the year is replaced."""
    supplier = common.supplier(request, supplier_id)
    sales = orders.record_other_sales(request.auth, supplier, **payload.model_dump())
    row = next(s for s in kpis.spillover(supplier) if s.year == sales.year)
    return spillover_row(row)
