"""An association's yearly outcomes (members, workers, equipment bought, share sold to other buyers):
the trajectory as a chart, the figures, their change history, entry and correction of a year, an
all-or-nothing import from CSV or XLSX and the export. See `views` for the rules every page follows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import errors_on_form, history_rows, require_page, table_download
from triplec.registry.importing import ImportRejected
from triplec.registry.models import Organisation

from . import policy
from .forms_records import OutcomeForm, OutcomeImportForm
from .models_association import AssociationOutcome
from .outcome_chart import trajectory_svg
from .services import outcomes as outcome_services
from .services.programmes import record_outcome

HISTORY_ROWS = 50


def _history(association: Organisation) -> list[dict]:
    """Every change of every year, newest first: each year's records diffed against its own previous one."""
    by_outcome: dict[int, list] = {}
    for record in (AssociationOutcome.history.filter(association=association).select_related("history_user")
                   .order_by("-history_date", "-history_id")):
        by_outcome.setdefault(record.id, []).append(record)
    rows = [row | {"year": row["record"].year} for records in by_outcome.values()
            for row in history_rows(records, AssociationOutcome)]
    return sorted(rows, key=lambda r: (r["when"], r["record"].history_id), reverse=True)[:HISTORY_ROWS]


def _page(request, association: Organisation, *, form=None, import_form=None, import_errors=(), status=200):
    outcomes = list(AssociationOutcome.objects.filter(association=association).order_by("year"))
    can_manage = policy.can_manage_association(request.user, association)
    if can_manage and form is None:
        year = request.GET.get("year", "")
        editing = next((o for o in outcomes if str(o.year) == year), None)
        form = OutcomeForm(instance=editing) if editing else OutcomeForm()
    return render(request, "procurement/outcomes.html", {
        "association": association, "outcomes": outcomes, "chart": trajectory_svg(outcomes),
        "history": _history(association), "can_manage": can_manage, "form": form if can_manage else None,
        "import_form": (import_form or OutcomeImportForm()) if can_manage else None,
        "import_errors": import_errors, "columns": outcome_services.COLUMNS,
        "scoreboard": policy.can_view_scoreboard(request.user, association)}, status=status)


def _association(request, pk: int, check) -> Organisation:
    association = get_object_or_404(Organisation, pk=pk)
    require_page(check, request.user, association)
    return association


@login_required
@require_http_methods(["GET", "POST"])
def outcomes(request, pk: int):
    if request.method == "GET":
        return _page(request, _association(request, pk, policy.can_view_outcomes))
    association = _association(request, pk, policy.can_manage_association)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        with errors_on_form(form):
            outcome = record_outcome(request.user, association, **form.cleaned_data)
            messages.success(request, _("Outcomes of %(year)s recorded.") % {"year": outcome.year})
            return redirect("procurement:outcomes", pk=association.pk)
    return _page(request, association, form=form)


@login_required
@require_POST
def import_outcomes(request, pk: int):
    association = _association(request, pk, policy.can_manage_association)
    form = OutcomeImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, association, import_form=form)
    upload = form.cleaned_data["file"]
    try:
        done = outcome_services.import_outcomes(request.user, association, upload.read(), filename=upload.name)
    except ImportRejected as exc:
        return _page(request, association, import_form=form, import_errors=sorted(exc.preview.errors))
    messages.success(request, _("Imported: %(created)s years added, %(updated)s corrected, %(unchanged)s unchanged.")
                     % {"created": done.created, "updated": done.updated, "unchanged": done.unchanged})
    return redirect("procurement:outcomes", pk=association.pk)


@login_required
@require_GET
def export_outcomes(request, pk: int, fmt: str):
    association = _association(request, pk, policy.can_view_outcomes)
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Outcomes are exported as CSV or XLSX."))
    rows = outcome_services.outcome_rows(association)
    return table_download(request, fmt, f"outcomes-{slugify(association.name) or association.pk}",
                          {"outcomes": (outcome_services.COLUMNS, rows)}, outcome_services.column_labels())
