"""What a network records besides money: activities, evaluations and the independence assessments.
See `views` for the rules of these pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from triplec.core.shortcuts import form_saved, page_of
from triplec.registry.models import Enterprise

from . import page_queries, policy, selectors, services
from .forms import ActivityForm, AssessmentForm, EvaluationForm
from .independence import CRITERIA
from .models import SCORE_MAX, SCORE_MIN, ActivityKind, Network, score_label
from .views import network_or_404, tab_context

ACTIVITY_PAGE_SIZE = 30


def _record_tab(tab: str, may, context, form_for, save):
    """The view of a record tab (activities, evaluations, independence): GET shows it; POST checks `may`,
    reads `form_for(request, network)`, and `save(user, network, form)` (whose refusals go on the form)
    returns the message shown on the tab again."""
    template = f"networks/{tab}.html"

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        if request.method == "GET":
            return render(request, template, context(request, network_or_404(request, pk)))
        network = network_or_404(request, pk, may)
        form = form_for(request, network)
        # The form's aliases are known once it has read its input.
        saved = form.is_valid() and form_saved(form, lambda _data: save(request.user, network, form), form.aliases())
        if saved:
            messages.success(request, saved)
            return redirect(f"networks:{tab}", pk=network.pk)
        return render(request, template, context(request, network, form))

    view.__name__ = view.__qualname__ = tab
    return view


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


def _save_activity(user, network: Network, form) -> str:
    activity = services.record_activity(user, network, form.service_data())
    return _("Logged “%(title)s” (%(n)s firms attended).") % {"title": activity.title, "n": activity.attendance.count()}


# Every firm that was ever a member can be ticked: the service refuses (naming the firm and
# why) a firm that was not a member on the activity's date, so no ticked firm is dropped.
activities = _record_tab(
    "activities", policy.can_record_activity, _activities_context,
    lambda request, network: ActivityForm(request.POST, user=request.user, members=page_queries.members_ever(network)),
    _save_activity)


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


def _save_evaluation(user, network: Network, form) -> str:
    d = form.cleaned_data
    evaluation = services.record_evaluation(user, network, d["enterprise"], d["evaluated_on"], form.scores(),
                                            d.get("notes", ""))
    return (_("Evaluation of %(firm)s on %(day)s recorded.")
            % {"firm": evaluation.enterprise, "day": evaluation.evaluated_on})


evaluations = _record_tab(
    "evaluations", policy.can_record_evaluation, _evaluations_context,
    lambda request, network: EvaluationForm(request.POST, firms=page_queries.members_ever(network),
                                            areas=selectors.evaluation_areas()),
    _save_evaluation)


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


def _save_assessment(user, network: Network, form) -> str:
    d = form.cleaned_data
    assessment = services.record_assessment(user, network, d["assessed_on"], form.judgements(),
                                            window_months=d["window_months"], notes=d.get("notes", ""))
    return _("Assessment recorded: %(label)s criteria met.") % {"label": assessment.snapshot.get("label", "")}


independence = _record_tab("independence", policy.can_assess_independence, _independence_context,
                           lambda request, network: AssessmentForm(request.POST), _save_assessment)
