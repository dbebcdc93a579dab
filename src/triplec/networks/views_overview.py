"""The network page (overview): members, market, stage with the next gate's checklist and evidence;
adding and removing members, evidence and passing gates. See `views` for the rules of these pages."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from triplec.core.errors import ValidationFailed
from triplec.core.shortcuts import (
    button_done,
    domain_errors,
    errors_on_form,
    first_or_404,
    form_saved,
    put_errors,
)

from . import page_queries, policy, selectors, services
from .forms import EvidenceForm, EvidenceWithdrawForm, MemberAddForm, MemberLeaveForm, TransitionForm
from .lifecycle import GateNotPassed
from .models import Network, TransitionKind
from .views import network_or_404, tab_context

# The network page: members, market, stage -------------------------------------------------------------

def _overview_context(request, network: Network, *, member_form=None, evidence_form=None,
                      transition_form=None, refused=None, leave_errors=None) -> dict:
    user = request.user
    context = tab_context(request, network, "overview")
    can = context["can"]
    current, former = selectors.members(network)
    check = selectors.next_gate_checklist(network)
    reach = selectors.reachable_stages(user, network)
    items = []
    evidence_errors = None  # errors of evidence for a requirement that is not on the next gate's list
    if evidence_form is not None:
        evidence_errors = [str(e) for errors in evidence_form.errors.values() for e in errors]
    if check is not None:
        for item in check.items:
            for e in item.evidence:  # the uploaded file's own name, without the storage folders
                e.filename = e.document.name.rsplit("/", 1)[-1] if e.document else ""
            form = None
            if can["manage"] and item.requirement.takes_evidence:
                if evidence_form is not None and evidence_form["requirement"].value() in (
                        item.requirement.pk, str(item.requirement.pk)):
                    form, evidence_errors = evidence_form, None
                else:
                    form = EvidenceForm(initial={"requirement": item.requirement.pk},
                                        prefix=f"req{item.requirement.pk}")
            items.append((item, form, form.shown(item.requirement.type) if form else []))
    candidates = None
    if can["members"]:
        candidates = page_queries.candidate_firms(user, network, request.GET.get("find", ""))
    context.update({
        "current_members": current, "former_members": former,
        "size": selectors.size_guidance(network),
        "buyers": selectors.target_buyers(network),
        "steps": page_queries.stage_steps(network),
        "checklist": check, "items": items,
        "missing_count": len(check.missing) if check else 0,
        "reach": reach, "history": selectors.stage_history(network),
        "transition_form": transition_form or TransitionForm(),
        "refused": refused,
        "evidence_errors": evidence_errors,
        "member_form": member_form or (MemberAddForm(user=user, network=network) if can["members"] else None),
        "candidates": candidates, "leave_errors": leave_errors or {},
        "today": date.today(),
    })
    return context


@login_required
@require_GET
def network_detail(request, pk: int):
    network = network_or_404(request, pk)
    return render(request, "networks/network_detail.html", _overview_context(request, network))


@login_required
@require_GET
def member_candidates(request, pk: int):
    """The candidate firms table (htmx search inside the add-members form)."""
    network = network_or_404(request, pk, policy.can_manage_network_members)
    candidates = page_queries.candidate_firms(request.user, network, request.GET.get("find", ""))
    return render(request, "networks/_candidates.html", {"network": network, "candidates": candidates,
                                                         "member_form": MemberAddForm(user=request.user,
                                                                                     network=network)})


def _overview_saved(request, network: Network, anchor: str, text: str):
    messages.success(request, text)
    return redirect(reverse("networks:network_detail", args=[network.pk]) + anchor)


@login_required
@require_POST
def member_add(request, pk: int):
    user = request.user
    network = network_or_404(request, pk, policy.can_manage_network_members)
    form = MemberAddForm(request.POST, user=user, network=network)
    if form.is_valid():
        firms, lead, joined = form.cleaned_data["enterprises"], form.cleaned_data["lead"], form.cleaned_data["joined_on"]
        with errors_on_form(form, {"enterprise": "enterprises"}), transaction.atomic():  # all ticked firms, or none
            for ent in firms:
                try:
                    services.add_member(user, network, ent, joined, lead=(lead is not None and ent.pk == lead.pk))
                except ValidationFailed as exc:
                    raise ValidationFailed({k: [f"{ent}: {m}" for m in v] for k, v in exc.errors.items()}) from exc
        if not form.errors:
            names = ", ".join(e.legal_name for e in firms)
            messages.success(request, _("Added to the network: %(names)s.") % {"names": names})
            return redirect(reverse("networks:network_detail", args=[network.pk]) + "#members")
    network = network_or_404(request, pk)
    return render(request, "networks/network_detail.html", _overview_context(request, network, member_form=form))


@login_required
@require_POST
def member_leave(request, pk: int, member_id: int):
    network = network_or_404(request, pk, policy.can_manage_network_members)
    member = first_or_404(network.members.select_related("enterprise", "network").filter(pk=member_id), _("No such member."))
    form = MemberLeaveForm(request.POST)

    def leave(data):
        services.end_member(request.user, member, data["left_on"], data["reason"])
        return _("%(firm)s left the network on %(day)s.") % {"firm": member.enterprise, "day": data["left_on"]}

    saved = form_saved(form, leave)
    if saved:
        return _overview_saved(request, network, "#members", saved)
    errors = [str(e) for errs in form.errors.values() for e in errs]
    return render(request, "networks/network_detail.html",
                  _overview_context(request, network, leave_errors={member.pk: errors}))


@login_required
@require_POST
def evidence_add(request, pk: int):
    network = network_or_404(request, pk, policy.can_add_evidence)
    requirement_id = request.POST.get("requirement", "")
    prefix = f"req{requirement_id}" if requirement_id.isdigit() else None
    form = EvidenceForm(request.POST, request.FILES, prefix=prefix)
    # The requirement id travels unprefixed (so the view can find the prefix); copy it in.
    form.data = form.data.copy()
    if prefix:
        form.data[f"{prefix}-requirement"] = requirement_id

    def add(data):
        evidence = services.add_gate_evidence(request.user, network, data["requirement"], **form.values())
        return _("Evidence added for “%(label)s”.") % {"label": _(evidence.requirement.label)}

    saved = form_saved(form, add)
    if saved:
        return _overview_saved(request, network, "#stage", saved)
    return render(request, "networks/network_detail.html", _overview_context(request, network, evidence_form=form))


@login_required
@require_POST
def evidence_withdraw(request, pk: int, evidence_id: int):
    user = request.user
    network = network_or_404(request, pk, policy.can_change_evidence)
    evidence = first_or_404(network.evidence.select_related("network", "requirement").filter(pk=evidence_id), _("No such evidence."))
    form = EvidenceWithdrawForm(request.POST)
    if form.is_valid():
        button_done(request, lambda: services.withdraw_gate_evidence(user, evidence, form.cleaned_data["reason"]),
                    _("Evidence withdrawn."), joined=True)
    else:
        messages.error(request, _("Say why the evidence is withdrawn."))
    return redirect(reverse("networks:network_detail", args=[network.pk]) + "#stage")


@login_required
@require_GET
def evidence_document(request, pk: int, evidence_id: int):
    network = network_or_404(request, pk)
    evidence = network.evidence.filter(pk=evidence_id).first()
    if evidence is None or not evidence.document:
        raise Http404(_("No such document."))
    try:
        handle = evidence.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The document file is missing.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=evidence.document.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private"
    return response


@login_required
@require_POST
def stage_change(request, pk: int):
    """Pass the next gate, go back, close or reopen: all through `services.transition`, which
    checks the gate's checklist and records who, when and why. A refusal shows its reasons."""
    user = request.user
    network = network_or_404(request, pk, policy.can_change_stage)
    form = TransitionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        before = network.stage
        try:
            with domain_errors():
                row = services.transition(user, network, d["to_stage"], reason=d["reason"],
                                          effective_on=d["effective_on"])
        except GateNotPassed as exc:
            network = network_or_404(request, pk)
            return render(request, "networks/network_detail.html",
                          _overview_context(request, network, transition_form=form, refused=exc))
        except ValidationFailed as exc:
            put_errors(form, exc)
        else:
            if row.kind == TransitionKind.FORWARD:
                text = _("Passed “%(gate)s”: the network is now in %(stage)s.") % {"gate": row.gate,
                                                                                   "stage": row.to_stage}
            else:
                text = _("%(kind)s: from %(before)s to %(stage)s.") % {
                    "kind": row.get_kind_display(), "before": before, "stage": row.to_stage}
            messages.success(request, text)
            return redirect(reverse("networks:network_detail", args=[network.pk]) + "#stage")
    network = network_or_404(request, pk)
    return render(request, "networks/network_detail.html",
                  _overview_context(request, network, transition_form=form))
