"""Pages of the regional series (see `clusters.regional`): the list with the form that starts one, a
series' page (progress, classes, a chart per region, the changes), its progress fragment and exports.

Seeing a series asks `policy.can_view_mapping`, starting one `can_run_mapping` (through the service).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from triplec.core.models import BackgroundTask
from triplec.core.shortcuts import domain_errors, errors_on_form, export_style, is_partial, require_page

from . import policy, regional, regional_chart

CHANGES_SHOWN = 200  # rows of the changes table on the page; the exports hold them all
YEAR_ROWS = 8  # rows of the form's "one file per year" table
CLASS_LABELS = {"emerging": gettext_lazy("emerging"), "declining": gettext_lazy("declining"), "persistent": gettext_lazy("persistent"),
                "other": gettext_lazy("other")}


def _labelled(records: list[dict]) -> list[dict]:
    return [{**record, "class_label": CLASS_LABELS.get(record["class"], record["class"])} for record in records]


class RegionalSeriesForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    file = forms.FileField(label=gettext_lazy("Region x sector table of several years"), required=False,
                           help_text=gettext_lazy("CSV (comma-separated, with a header row) or Parquet; one row per "
                                           "region, sector and year. Or give one file per year below."))
    region_col = forms.CharField(label=gettext_lazy("Region column"), initial="region", required=False)
    sector_col = forms.CharField(label=gettext_lazy("Sector column"), initial="sector", required=False)
    year_col = forms.CharField(label=gettext_lazy("Year column"), initial="year", required=False)
    emp_col = forms.CharField(label=gettext_lazy("Employment column"), initial="emp", required=False)
    estab_col = forms.CharField(label=gettext_lazy("Establishments column"), initial="estab", required=False,
                                help_text=gettext_lazy("Leave empty when the table has none (the strong-cluster rule "
                                                "then leaves its establishment condition out)."))


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(YEAR_ROWS):
            self.fields[f"year_file_{i}"] = forms.FileField(label=gettext_lazy("File"), required=False)
            self.fields[f"year_{i}"] = forms.IntegerField(
                label=gettext_lazy("Year"), required=False, min_value=1000, max_value=9999,
                help_text=gettext_lazy("Only when the file has no year column."))

    def year_rows(self) -> list[tuple]:
        return [(self[f"year_file_{i}"], self[f"year_{i}"]) for i in range(YEAR_ROWS)]

    def clean(self):
        data = super().clean()
        for i in range(YEAR_ROWS):
            if data.get(f"year_{i}") is not None and not data.get(f"year_file_{i}"):
                self.add_error(f"year_file_{i}", _("Choose the file of this year."))
        return data

    def year_files(self) -> list[tuple]:
        return [(self.cleaned_data[f"year_file_{i}"], self.cleaned_data.get(f"year_{i}"))
                for i in range(YEAR_ROWS) if self.cleaned_data.get(f"year_file_{i}")]


def _require_view(request) -> None:
    require_page(policy.can_view_mapping, request.user)


def _get(request, pk: int) -> BackgroundTask:
    _require_view(request)
    with domain_errors():
        return regional.get_series(request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def series_list(request):
    _require_view(request)
    can_run = policy.can_run_mapping(request.user)
    form = RegionalSeriesForm()
    if request.method == "POST":
        require_page(policy.can_run_mapping, request.user)
        form = RegionalSeriesForm(request.POST, request.FILES)
        if form.is_valid():
            with errors_on_form(form, {"year_files": "__all__"}):
                row = regional.start_series(request.user, form.cleaned_data, upload=form.cleaned_data.get("file"),
                                            year_files=form.year_files())
            if not form.errors:
                messages.success(request, _("The regional series “%(title)s” has started.")
                                 % {"title": form.cleaned_data["title"]})
                return redirect("regional:series_detail", pk=row.pk)
    return render(request, "clusters/series_list.html", {
        "series": regional.series_for(request.user)[:100], "form": form, "can_run": can_run, "tab": "series"})


def _finished(row: BackgroundTask) -> bool:
    return row.status in (BackgroundTask.Status.DONE, BackgroundTask.Status.FAILED)


@login_required
@require_GET
def series_detail(request, pk: int):
    row = _get(request, pk)
    context = {"row": row, "tab": "series", "finished": _finished(row)}
    if row.status == BackgroundTask.Status.DONE:
        with domain_errors():
            view = regional.region_view(row, request.GET.get("region") or "", shown=CHANGES_SHOWN)
        lines = [{**line, "status_label": CLASS_LABELS.get(line["status"], "")} for line in view["lines"]]
        context.update({
            "regions": view["regions"], "region": view["region"], "lines": lines,
            "svg": regional_chart.lq_svg(lines, view["region"]), "changes": _labelled(view["changes"]),
            "changes_total": view["changes_total"], "region_rows": _labelled(view["region_rows"]),
        })
    return render(request, "clusters/series_detail.html", context)


@login_required
@require_GET
def series_progress(request, pk: int):
    """The fragment the page polls (htmx) while the series is queued or running; reloads it when done."""
    row = _get(request, pk)
    queued = (timezone.now() - row.created_at).total_seconds()
    response = render(request, "clusters/_series_progress.html",
                      {"row": row, "finished": _finished(row), "queued_seconds": queued})
    if _finished(row) and is_partial(request):
        response["HX-Refresh"] = "true"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def series_export(request, pk: int):
    """format=csv (what=series or changes) or xlsx (both tables, one sheet each)."""
    row = _get(request, pk)
    fmt, what = request.GET.get("format", "csv"), request.GET.get("what", "series")
    if fmt not in regional.CONTENT_TYPES or what not in regional.TABLES:
        return HttpResponseBadRequest(_("Unknown format or table; use format=csv or xlsx and what=series or changes."))
    try:
        style = export_style(request)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    with domain_errors():
        content = regional.export(request.user, row, fmt, what, style)
    response = HttpResponse(content, content_type=regional.CONTENT_TYPES[fmt])
    stem = f"regional-series-{row.pk}" + ("" if fmt == "xlsx" else f"-{what}")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
