"""The programme dashboard page and its reports (PDF, Excel), and the scorecard list as a file. The
agency's roles only (policy.can_read_dashboard); the reports hold exactly the tables the page shows
for the same filters (services.dashboard)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from triplec.core.errors import ValidationFailed
from triplec.core.shortcuts import XLSX_TYPE, require_page, table_download
from triplec.registry.models import Territory
from triplec.suppliers.models import Programme as SupplierProgramme

from . import policy
from .services import dashboard_report as report
from .services import scorecards as cards
from .services.cards import shown
from .services.dashboard import Filters, dashboard, parse_filters
from .services.support import SOURCES

EXPORT_LIMIT = 100_000


def _names(filters: Filters) -> dict:
    names: dict = {}
    if filters.instrument:
        spec = cards.BY_KEY[filters.instrument]
        names["instrument"] = str(spec.label)
        if filters.programme is not None:
            found = _programme_model(spec).objects.filter(pk=filters.programme).first()
            names["programme"] = str(found) if found else f"#{filters.programme}"
    if filters.territory:
        names["territory"] = str(Territory.objects.get(pk=filters.territory))
    return names


def _programme_model(spec):
    """The model of an instrument's programmes (a supplier programme is its own)."""
    return spec.programmes().model if spec.programmes is not None else SupplierProgramme


def _programmes() -> list[tuple[str, int, str]]:
    """(instrument, id, name) of every programme, for the filter's choice."""
    return [(spec.key, obj.pk, str(obj)) for spec in cards.INSTRUMENTS
            for obj in _programme_model(spec).objects.order_by("pk")[:200]]


def _filters(request) -> tuple[Filters, dict]:
    try:
        return parse_filters(request.GET), {}
    except ValidationFailed as exc:
        return Filters(), exc.errors


@login_required
@require_GET
def dashboard_page(request):
    require_page(policy.can_read_dashboard, request.user)
    filters, errors = _filters(request)
    tables = dashboard(request.user, filters)
    shown_tables = [(t, report.svg(t) if t.chart else "",
                     [[(report.cell_text(row.get(key), kind), kind, row.get("url") if i == 0 else None)
                       for i, (key, _l, kind) in enumerate(t.columns)] for row in t.rows]) for t in tables]
    query = request.GET.urlencode()
    return render(request, "evaluation/dashboard.html", {
        "tables": shown_tables, "filters": filters, "errors": errors, "query": query,
        "instruments": cards.INSTRUMENTS, "programmes": _programmes(),
        "territories": Territory.objects.exclude(level=Territory.Level.MUNICIPALITY).order_by("level", "name"),
        "facts": report.filter_facts(filters, _names(filters))}, status=422 if errors else 200)


def _report_input(request):
    require_page(policy.can_read_dashboard, request.user)
    try:
        filters = parse_filters(request.GET)
    except ValidationFailed as exc:
        return None, HttpResponse("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.errors.items()),
                                  status=422, content_type="text/plain; charset=utf-8")
    return (filters, dashboard(request.user, filters), report.filter_facts(filters, _names(filters))), None


@login_required
@require_GET
def dashboard_pdf(request):
    found, refused = _report_input(request)
    if refused:
        return refused
    _filters_, tables, facts = found
    response = HttpResponse(report.pdf_report(tables, facts, author=request.user.get_username()),
                            content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="programme-dashboard.pdf"'
    return response


@login_required
@require_GET
def dashboard_xlsx(request):
    found, refused = _report_input(request)
    if refused:
        return refused
    _filters_, tables, facts = found
    response = HttpResponse(report.xlsx_report(tables, facts), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="programme-dashboard.xlsx"'
    return response


SCORECARD_COLUMNS = ("instrument", "level", "id", "name", "programme", "year", "firms_reached", "public_cost",
                     "public_cost_per_firm", "cost_share_by_firms", "url")


@login_required
@require_GET
def scorecard_export(request, fmt: str):
    """Every scorecard the reader may see (the list's filters), with its headline figures, as CSV or XLSX."""
    user = request.user
    if not policy.sees_evaluation(user):
        raise HttpForbidden(_("You may not read evaluations."))
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Choose CSV or XLSX."))
    instrument = request.GET.get("instrument") or None
    instrument = instrument if instrument in cards.BY_KEY else None
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    page = cards.scorecards(user, instrument_key=instrument, year=year, limit=EXPORT_LIMIT)
    labels = {s.instrument: str(cards.BY_KEY[s.instrument].label) for s in SOURCES}

    def headline(card, key):
        figure = card.figure(key)
        return shown(figure) if figure is not None else ""

    rows = [{"instrument": labels[c.instrument], "level": c.level, "id": c.pk, "name": c.name,
             "programme": c.programme, "year": c.year, "firms_reached": (c.figure("firms_reached") or None)
             and c.figure("firms_reached").value, "public_cost": headline(c, "public_cost"),
             "public_cost_per_firm": headline(c, "public_cost_per_firm"),
             "cost_share_by_firms": headline(c, "cost_share_by_firms"),
             "url": request.build_absolute_uri(f"/evaluation/scorecards/{c.instrument}/{c.level}/{c.pk}/")}
            for c in page.items]
    names = {"instrument": _("Instrument"), "level": _("Level"), "id": _("Number"), "name": _("Scorecard"),
             "programme": _("Programme"), "year": _("Year"), "firms_reached": _("Firms reached"),
             "public_cost": _("Public cost"), "public_cost_per_firm": _("Public cost per firm reached"),
             "cost_share_by_firms": _("Share of costs paid by the firms"), "url": _("Evidence")}
    return table_download(request, fmt, "scorecards", {"scorecards": (SCORECARD_COLUMNS, rows)}, names)
