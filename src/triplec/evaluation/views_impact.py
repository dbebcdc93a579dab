"""Impact pages: the runs (and the form that starts one), a run's page (progress while it runs; then
the event-study plot, the overall effect, the tables, balance, dropped firms, the pre-trend check and
the caveats), its progress fragment, cancelling it and the tables' download. Reading asks
`policy.can_view_impact`, starting `can_run_impact`, cancelling `can_cancel_impact` (through the services)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.errors import domain_errors
from triplec.core.shortcuts import button_done, errors_on_form, is_partial, require_page, table_download

from . import impact_chart, policy
from .models_impact import Control, Outcome
from .services import comparison, impact_estimate, impact_runs

CAVEATS = {
    "pretrend": gettext_lazy("Before support, the supported firms' outcome already moved differently from the "
                             "comparison firms' (pre-trend test p < 0.05). The estimate may be picking up that "
                             "difference rather than the programme: read it with great care."),
    "pretrend_unreliable": gettext_lazy("A cohort before support is too small (under 20 firms) for the pre-trend test "
                                        "to be read: with so few firms it signals a difference far too often, so "
                                        "it neither confirms nor rules out that the firms moved alike beforehand."),
    "no_pretrend_test": gettext_lazy("There were not enough years before support to test whether supported and "
                                     "comparison firms moved alike beforehand."),
    "unobservables": gettext_lazy("Firms were compared on sector, region, size and their outcome before support. "
                                  "Firms that chose or were chosen for support may differ in ways the records do not "
                                  "show (the owner's drive, a new customer already in view); the estimate cannot rule "
                                  "that out."),
    "anticipation": gettext_lazy("If firms changed course before their first recorded year of support (expecting it), "
                                 "part of the effect shows up before year 0 and is missed."),
    "spillovers": gettext_lazy("Comparison firms were never supported, but they may still gain or lose from the "
                               "programme (shared customers, copied practices, lost orders); that biases the estimate."),
    "reported": gettext_lazy("The figures are what firms reported or surveys recorded, not audited accounts."),
    "other_support": gettext_lazy("Supported firms may also have had other support before or during this programme; "
                                  "the estimate is of the whole package from their first year in this programme."),
    "small_cohorts": gettext_lazy("Some cohorts (firms starting in the same year) have fewer than five firms: their "
                                  "figures are very uncertain."),
    "many_dropped": gettext_lazy("More than a fifth of the supported firms were dropped (no match or missing years): "
                                 "the estimate speaks for the firms kept, not for the whole programme."),
}
REASONS = {
    comparison.NO_PRE_YEARS: gettext_lazy("no outcome in the two years before support"),
    comparison.NO_CANDIDATE: gettext_lazy("no never-supported firm of the same sector, region and size with the "
                                          "pre-support years"),
    comparison.OUTSIDE_CALIPER: gettext_lazy("no candidate within the caliper"),
    impact_estimate.INCOMPLETE: gettext_lazy("panel years missing within the estimation window"),
    impact_estimate.LATE: gettext_lazy("support starts after the last panel year"),
}
KINDS = {"group": gettext_lazy("By cohort (first year of support)"),
         "calendar": gettext_lazy("By calendar year"), "dynamic": gettext_lazy("By years since support")}


class ImpactRunForm(forms.Form):
    support = forms.ChoiceField(label=gettext_lazy("Support"), required=False)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Outcome.choices)
    control = forms.ChoiceField(label=gettext_lazy("Comparison"), choices=Control.choices, initial=Control.NEVER)
    neighbours = forms.IntegerField(label=gettext_lazy("Neighbours per supported firm"), min_value=1,
                                    max_value=impact_runs.MAX_NEIGHBOURS, initial=3)
    caliper = forms.FloatField(label=gettext_lazy("Caliper (standard deviations)"), min_value=0.01,
                               max_value=impact_runs.MAX_CALIPER, initial=0.5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support"].choices = impact_runs.selection_choices()


def _get(request, pk: int):
    with domain_errors():
        return impact_runs.get_run(request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request):
    require_page(policy.can_view_impact, request.user)
    can_run = policy.can_run_impact(request.user)
    form = ImpactRunForm()
    if request.method == "POST":
        require_page(policy.can_run_impact, request.user)
        form = ImpactRunForm(request.POST)
        if form.is_valid():
            data = {**form.cleaned_data, **impact_runs.selection_of(form.cleaned_data["support"])}
            with errors_on_form(form, {"instrument": "support", "programme": "support"}):
                run = impact_runs.start_run(request.user, data)
            if not form.errors:
                messages.success(request, _("The impact estimate has started."))
                return redirect("evaluation:impact_detail", pk=run.pk)
    runs = list(impact_runs.runs_for(request.user)[:100])
    return render(request, "evaluation/impact_list.html", {
        "runs": [(run, impact_runs.selection_label(run)) for run in runs], "form": form, "can_run": can_run},
        status=422 if form.errors else 200)


def _rows(results: dict, kind: str) -> list[dict]:
    return results["aggregations"][kind]["rows"]


@login_required
@require_GET
def run_detail(request, pk: int):
    run = _get(request, pk)
    context = {"run": run, "label": impact_runs.selection_label(run), "finished": run.finished,
               "can_cancel": not run.finished and policy.can_cancel_impact(request.user, run)}
    results = run.results
    if results:
        dynamic = _rows(results, "dynamic")
        context.update({
            "results": results, "svg": impact_chart.event_study_svg(dynamic),
            "tables": [(kind, KINDS[kind], _rows(results, kind)) for kind in ("dynamic", "group", "calendar")],
            "caveats": [(key, CAVEATS[key]) for key in results["caveats"] if key in CAVEATS],
            "dropped": [{**d, "why": REASONS.get(d["reason"], d["reason"])} for d in results["dropped"]],
            "pretrend_warning": "pretrend" in results["caveats"],
        })
    return render(request, "evaluation/impact_detail.html", context)


@login_required
@require_POST
def run_cancel(request, pk: int):
    """Stop a queued or running run (the button on its page)."""
    run = _get(request, pk)
    button_done(request, lambda: impact_runs.cancel_run(request.user, run),
                lambda cancelled: _("The impact estimate was cancelled before it started.") if cancelled.finished
                else _("The impact estimate stops at its next progress report."))
    return redirect("evaluation:impact_detail", pk=run.pk)


@login_required
@require_GET
def run_progress(request, pk: int):
    """The fragment the page polls (htmx) while the run is queued or running; reloads it when done."""
    run = _get(request, pk)
    queued = (timezone.now() - run.created_at).total_seconds()
    response = render(request, "evaluation/_impact_progress.html",
                      {"run": run, "finished": run.finished, "queued_seconds": queued})
    if run.finished and is_partial(request):
        response["HX-Refresh"] = "true"
    response["Cache-Control"] = "no-store"
    return response


TABLE_COLUMNS = {
    "att_gt": ["cohort", "time", "att", "se", "lower", "upper", "post", "n_treated", "n_control"],
    "aggregations": ["type", "key", "att", "se", "lower", "upper"],
    "balance": ["feature", "treated_mean", "before_mean", "after_mean", "smd_before", "smd_after"],
    "dropped": ["firm", "name", "reason"],
}


def tables(results: dict) -> dict:
    """The run's tables as download sheets ({name: (columns, rows)})."""
    aggregations = []
    for kind in ("simple", "group", "dynamic", "calendar"):  # PostgreSQL's jsonb keeps no key order
        block = results["aggregations"][kind]
        aggregations.append({"type": kind, "key": None, **{k: block[k] for k in ("att", "se", "lower", "upper")}})
        aggregations += [{"type": kind, **row} for row in block["rows"]]
    rows = {"att_gt": results["att_gt"], "aggregations": aggregations, "balance": results["balance"],
            "dropped": [{"name": "", **d} for d in results["dropped"]]}
    return {name: (columns, [{c: row.get(c) for c in columns} for row in rows[name]])
            for name, columns in TABLE_COLUMNS.items()}


@login_required
@require_GET
def run_download(request, pk: int):
    """format=csv (what=att_gt, aggregations, balance or dropped) or xlsx (every table, a sheet each)."""
    run = _get(request, pk)
    fmt, what = request.GET.get("format", "csv"), request.GET.get("what", "aggregations")
    if not run.results or fmt not in ("csv", "xlsx") or what not in TABLE_COLUMNS:
        return HttpResponseBadRequest(_("Unknown format or table, or the run has no results."))
    stem = f"impact-run-{run.pk}" + ("" if fmt == "xlsx" else f"-{what}")
    return table_download(request, fmt, stem, tables(run.results), csv_sheet=what)
