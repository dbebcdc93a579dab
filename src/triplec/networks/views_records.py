"""What a network records besides money: activities, evaluations and the independence assessments.
See `views` for the rules of these pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from triplec.core.shortcuts import errors_on_form, page_of, require_page
from triplec.registry.models import Enterprise

from . import page_queries, policy, selectors, services
from .forms import ActivityForm, AssessmentForm, EvaluationForm
from .independence import CRITERIA
from .models import SCORE_MAX, SCORE_MIN, ActivityKind, Network, score_label
from .views import network_or_404, tab_context

ACTIVITY_PAGE_SIZE = 30


# Activities ----------------------------------------------------------------------------------------------

def _activities_context(request, network: Network, form=None) -> dict:
    user = request.user
    context = tab_context(request, network, "activities")
    page = page_of(request, selectors.activities(network), ACTIVITY_PAGE_SIZE)
    summary = selectors.activity_summary(network)
    names = dict(Enterprise.objects.filter(pk__in=summary.attendance_by_firm).values_list("pk", "legal_name"))
    context.update({
        "page": page, "summary": summary,
        "by_kind": [(ActivityKind(k).label, n) for k, n in summary.by_kind.items()],
        "attendance": sorted(((names.get(e, f"#{e}"), n) for e, n in summary.attendance_by_firm.items()),
                             key=lambda r: (-r[1], r[0])),
        "form": form or (ActivityForm(user=user, members=page_queries.members_on(network))
                         if context["can"]["activity"] else None),
    })
    return context


@login_required
@require_http_methods(["GET", "POST"])
def activities(request, pk: int):
    user = request.user
    network = network_or_404(request, pk)
    if request.method == "GET":
        return render(request, "networks/activities.html", _activities_context(request, network))
    require_page(policy.can_record_activity, user, network)
    # Every firm that was ever a member can be ticked: the service refuses (naming the firm and
    # why) a firm that was not a member on the activity's date, so no ticked firm is dropped.
    form = ActivityForm(request.POST, user=user, members=page_queries.members_ever(network))
    if form.is_valid():
        with errors_on_form(form, form.aliases()):
            activity = services.record_activity(user, network, form.service_data())
        if not form.errors:
            messages.success(request, _("Logged “%(title)s” (%(n)s firms attended).")
                             % {"title": activity.title, "n": activity.attendance.count()})
            return redirect("networks:activities", pk=network.pk)
    return render(request, "networks/activities.html", _activities_context(request, network, form))


# Evaluations ----------------------------------------------------------------------------------------

def _evaluations_context(request, network: Network, form=None) -> dict:
    user = request.user
    context = tab_context(request, network, "evaluations")
    areas = list(selectors.evaluation_areas())
    progress = selectors.firm_progress(user, network)
    names = dict(Enterprise.objects.filter(pk__in=progress).values_list("pk", "legal_name"))
    rows = sorted(((names.get(e, f"#{e}"), [by_area.get(a.code) for a in areas]) for e, by_area in progress.items()),
                  key=lambda r: r[0])
    improvement = selectors.improvement(network)
    context.update({
        "areas": areas, "progress_rows": rows,
        "improvement": [(a, improvement.get(a.code)) for a in areas],
        "due": selectors.due_evaluations(user, network=network, within_days=60),
        "evaluations": list(selectors.evaluations(user, network))[::-1],
        "evaluations_due_here": network.stage.evaluations_due,
        "scale": [(n, score_label(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
        "form": form or (EvaluationForm(firms=page_queries.members_on(network), areas=areas)
                         if context["can"]["evaluate"] else None),
    })
    return context


@login_required
@require_http_methods(["GET", "POST"])
def evaluations(request, pk: int):
    user = request.user
    network = network_or_404(request, pk)
    if request.method == "GET":
        return render(request, "networks/evaluations.html", _evaluations_context(request, network))
    require_page(policy.can_record_evaluation, user, network)
    form = EvaluationForm(request.POST, firms=page_queries.members_ever(network),
                          areas=selectors.evaluation_areas())
    if form.is_valid():
        d = form.cleaned_data
        with errors_on_form(form, form.aliases()):
            evaluation = services.record_evaluation(user, network, d["enterprise"], d["evaluated_on"],
                                                    form.scores(), d.get("notes", ""))
        if not form.errors:
            messages.success(request, _("Evaluation of %(firm)s on %(day)s recorded.")
                             % {"firm": evaluation.enterprise, "day": evaluation.evaluated_on})
            return redirect("networks:evaluations", pk=network.pk)
    return render(request, "networks/evaluations.html", _evaluations_context(request, network, form))


# Independence -----------------------------------------------------------------------------------------

def _independence_context(request, network: Network, form=None) -> dict:
    context = tab_context(request, network, "independence")
    preview = selectors.independence_preview(network)
    assessed = selectors.assessments(network)
    context.update({
        "preview": [(c, preview.get(c.code)) for c in CRITERIA],
        "preview_met": sum(1 for r in preview.values() if r.met),
        "assessments": assessed[::-1],
        "latest": assessed[-1] if assessed else None,
        "form": form or (AssessmentForm() if context["can"]["assess"] else None),
    })
    return context


@login_required
@require_http_methods(["GET", "POST"])
def independence(request, pk: int):
    user = request.user
    network = network_or_404(request, pk)
    if request.method == "GET":
        return render(request, "networks/independence.html", _independence_context(request, network))
    require_page(policy.can_assess_independence, user, network)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        with errors_on_form(form, form.aliases()):
            assessment = services.record_assessment(user, network, d["assessed_on"], form.judgements(),
                                                    window_months=d["window_months"], notes=d.get("notes", ""))
        if not form.errors:
            messages.success(request, _("Assessment recorded: %(label)s criteria met.")
                             % {"label": assessment.snapshot.get("label", "")})
            return redirect("networks:independence", pk=network.pk)
    return render(request, "networks/independence.html", _independence_context(request, network, form))
