"""What the supplier pages show, read through `policy` (never decided here): a programme with its
suppliers, costs and KPIs; a supplier with its diagnostics, plan, orders, KPIs and spillover."""

from __future__ import annotations

from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import gettext as _

from triplec.core.shortcuts import first_or_404, table_download

from . import policy
from .models import Programme, Supplier
from .services import costs, exports, kpis
from .spillover_chart import spillover_svg


def programme_or_404(user, pk: int) -> Programme:
    return first_or_404(policy.visible_programmes(user).filter(pk=pk).select_related("buyer"), _("No such programme."))


def supplier_or_404(user, pk: int) -> Supplier:
    return first_or_404(policy.visible_suppliers(user).filter(pk=pk).select_related(
        "programme__buyer", "enterprise", "municipality"), _("No such supplier."))


def kpi_file(request, programme: Programme, fmt: str, what: str):
    """The KPI file (CSV: the `what` table; XLSX: both) for the page and the API alike; the caller
    checked policy.can_export_kpis, the format and the table."""
    name = slugify(programme.name) or programme.pk
    sheets = {sheet: exports.table(programme, sheet) for sheet in exports.TABLES}
    filename = f"kpis-{name}" if fmt == "xlsx" else f"kpis-{what}-{name}"
    return table_download(request, fmt, filename, sheets, exports.column_labels(), csv_sheet=what)


def before_after(view: kpis.BeforeAfter) -> list:
    return [(_("Before the diagnostic"), view.before), (_("Since the diagnostic"), view.after)]


def programme_page(user, programme: Programme) -> dict:
    suppliers = list(policy.visible_suppliers(user).filter(programme=programme)
                     .select_related("enterprise", "municipality").order_by("id"))
    whole = policy.sees_whole_programme(user, programme)
    return {
        "programme": programme, "currency": programme.currency, "whole": whole,
        "rows": [(s, kpis.supplier_kpis(s)) for s in suppliers],
        "overall": before_after(kpis.programme_kpis(programme)) if whole else None,
        "balances": costs.programme_balances(programme) if whole else None,
        "sessions": programme.sessions.annotate(attended=Count("attendances")).order_by("held_on", "id") if whole
        else None,
        "costs": programme.costs.select_related("diagnostic__supplier__enterprise", "session").order_by("id")
        if whole else None,
        "can_run": policy.can_run_programme(user, programme),
        "can_manage": policy.can_manage_programmes(user),
        "can_export": policy.can_export_kpis(user, programme),
    }


def supplier_page(user, supplier: Supplier) -> dict:
    diagnostics = list(supplier.diagnostics.prefetch_related("scores__area").order_by("carried_out_on", "id"))
    orders = list(supplier.orders.order_by("ordered_on", "id"))
    spillover = kpis.spillover(supplier)
    return {
        "supplier": supplier, "programme": supplier.programme, "currency": supplier.programme.currency,
        "diagnostics": diagnostics, "actions": list(supplier.actions.select_related("area")),
        "orders": orders, "kpis": before_after(kpis.supplier_kpis(supplier)), "prices": kpis.price_by_year(orders),
        "spillover": spillover,
        "spillover_chart": spillover_svg(spillover, supplier.programme.currency),
        "can_run": policy.can_run_programme(user, supplier.programme),
        "can_update": policy.can_update_supplier(user, supplier),
        "can_diagnose": policy.can_manage_programmes(user),
    }
