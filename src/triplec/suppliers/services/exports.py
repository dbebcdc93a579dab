"""A programme's KPIs as tables for CSV/XLSX exports: one row per order (its own KPIs and whether it
came before or since its supplier's first diagnostic), and the before/after table, per supplier and for
the whole programme (the figures of `kpis`, so the pages and the files agree)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..models import Order, Programme
from . import kpis

ORDER_COLUMNS = ("supplier_id", "supplier", "reference", "ordered_on", "promised_on", "delivered_on", "period",
                 "quantity", "defective", "defect_rate", "on_time", "lead_days", "unit_price", "value")
BEFORE_AFTER_COLUMNS = ("supplier_id", "supplier", "diagnosed_on", "period", "orders", "delivered", "on_time_share",
                        "defect_rate", "mean_lead_days", "mean_price", "value")
TABLES = {"orders": ORDER_COLUMNS, "before-after": BEFORE_AFTER_COLUMNS}
BEFORE, SINCE = "before", "since"


def column_labels() -> dict[str, str]:
    return {"supplier_id": _("supplier id"), "supplier": _("supplier"), "reference": _("order reference"),
            "ordered_on": _("order date"), "promised_on": _("promised delivery date"),
            "delivered_on": _("actual delivery date"), "period": _("before or since the first diagnostic"),
            "quantity": _("quantity"), "defective": _("defective quantity"), "defect_rate": _("defect rate"),
            "on_time": _("on time"), "lead_days": _("lead time (days)"), "unit_price": _("unit price"),
            "value": _("value"), "diagnosed_on": _("first diagnostic"), "orders": _("orders"),
            "delivered": _("delivered"), "on_time_share": _("on-time share"),
            "mean_lead_days": _("mean lead time (days)"), "mean_price": _("mean unit price")}


def order_rows(programme: Programme) -> list[dict]:
    suppliers = list(programme.suppliers.select_related("enterprise").order_by("id"))
    since = kpis.first_diagnostic_dates(suppliers)
    names = {s.pk: str(s) for s in suppliers}
    rows = []
    for o in Order.objects.filter(supplier__programme=programme).order_by("supplier_id", "ordered_on", "id"):
        day = since.get(o.supplier_id)
        delivered = o.delivered_on is not None
        rows.append({"supplier_id": o.supplier_id, "supplier": names[o.supplier_id], "reference": o.reference,
                     "ordered_on": o.ordered_on.isoformat(), "promised_on": o.promised_on.isoformat(),
                     "delivered_on": o.delivered_on.isoformat() if delivered else None,
                     "period": SINCE if day is not None and o.ordered_on >= day else BEFORE,
                     "quantity": o.quantity, "defective": o.defective if delivered else None,
                     "defect_rate": o.defective / o.quantity if delivered else None, "on_time": o.on_time,
                     "lead_days": o.lead_days, "unit_price": o.unit_price, "value": o.quantity * o.unit_price})
    return rows


def _kpi_rows(supplier_id, name, view: kpis.BeforeAfter) -> list[dict]:
    return [{"supplier_id": supplier_id, "supplier": name,
             "diagnosed_on": view.since.isoformat() if view.since else None, "period": period,
             "orders": k.orders, "delivered": k.delivered, "on_time_share": k.on_time_share,
             "defect_rate": k.defect_rate, "mean_lead_days": k.mean_lead_days, "mean_price": k.mean_price,
             "value": k.value}
            for period, k in ((BEFORE, view.before), (SINCE, view.after))]


def before_after_rows(programme: Programme) -> list[dict]:
    """Two rows per supplier (before, since), then two for the programme (supplier_id empty)."""
    rows = []
    for supplier in programme.suppliers.select_related("enterprise").order_by("id"):
        rows += _kpi_rows(supplier.pk, str(supplier), kpis.supplier_kpis(supplier))
    return rows + _kpi_rows(None, str(_("the whole programme")), kpis.programme_kpis(programme))


def table(programme: Programme, what: str) -> tuple[tuple[str, ...], list[dict]]:
    return TABLES[what], order_rows(programme) if what == "orders" else before_after_rows(programme)
