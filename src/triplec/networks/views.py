"""HTML pages of networks of firms: the list, the broker's dashboard, the independence portfolio, and
each network's pages (overview with members, market, stage and the next gate's checklist; activities;
money; evaluations; independence).

Every page needs a login. Reads go through `selectors` / `page_queries` (scoped by `networks.policy`),
writes through `services` (the stage only through `services.transition`). A network the user may not
see answers 404; an action the user may not take answers 403 before any input is read. No rule is
decided here: when a service refuses, the page shows its reason.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.accounts import policy as accounts_policy
from triplec.accounts.policy import require
from triplec.accounts.roles import Role
from triplec.core.errors import (
    ValidationFailed,
    domain_errors,  # noqa: F401  (re-exported: other pages use it from here)
)
from triplec.core.money_format import format_money
from triplec.registry.models import Enterprise

from . import page_queries, policy, selectors, services
from .forms import (
    LEDGER_ALIASES,
    AccrueForm,
    ActivityForm,
    AssessmentForm,
    ContractEndForm,
    ContractForm,
    ContributionForm,
    CostForm,
    EvaluationForm,
    EvidenceForm,
    EvidenceWithdrawForm,
    MemberAddForm,
    MemberLeaveForm,
    NetworkFilterForm,
    NetworkForm,
    PortfolioFilterForm,
    ReverseForm,
    TransitionForm,
    put_errors,
)
from .independence import CRITERIA
from .lifecycle import GateNotPassed
from .models import (
    SCORE_MAX,
    SCORE_MIN,
    ActivityKind,
    ContributionEntry,
    CostEntry,
    Network,
    TransitionKind,
    score_label,
)

LIST_PAGE_SIZE = 25
ACTIVITY_PAGE_SIZE = 30


def _require(check, user, *objects) -> None:
    """The check's refusal as a 403 page."""
    with domain_errors():
        require(check, user, *objects)


def _is_partial(request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def _network(request, pk: int) -> Network:
    with domain_errors():
        return services.get_network(request.user, pk)


def _can(user, network: Network) -> dict[str, bool]:
    """What the user may do on this network (the policy decides; the page shows or hides controls)."""
    open_ = not network.stage.is_closed
    return {
        "manage": policy.can_manage_network(user, network),
        "edit": policy.can_manage_network(user, network),
        "change_stage": policy.can_change_stage(user, network),
        "members": policy.can_manage_network_members(user, network) and open_,
        "activity": policy.can_record_activity(user, network) and open_,
        "cost": policy.can_record_cost(user, network),
        "contribution": policy.can_record_contribution(user, network),
        "contracts": policy.can_manage_contracts(user, network),
        "evaluate": policy.can_record_evaluation(user, network) and open_,
        "assess": policy.can_assess_independence(user, network),
    }


def _base_context(request, network: Network, tab: str) -> dict:
    due = selectors.due_evaluations(request.user, network=network, within_days=0)
    return {"network": network, "tab": tab, "can": _can(request.user, network),
            "overdue_count": sum(1 for d in due if d.overdue)}


# The list, the broker's dashboard, the portfolio ---------------------------------------------------------

@login_required
@require_GET
def network_list(request):
    user = request.user
    form = NetworkFilterForm(request.GET or None, user=user)
    f, sort = form.to_filter()
    qs = page_queries.sort_networks(selectors.filter_networks(user, f), sort)
    page = Paginator(qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    due = page_queries.due_counts(user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "sort": sort, "query": query.urlencode(),
        "rows": [(n, due.get(n.pk, page_queries.DueCount())) for n in page.object_list],
        "can_create": policy.can_create_network(user),
        "show_broker_filter": form.show_broker, "show_broker": accounts_policy.role_of(user) != Role.BROKER, "tab": "list",
    }
    if _is_partial(request):
        return render(request, "networks/_network_results.html", {**context, "partial": True})
    return render(request, "networks/network_list.html", context)


@login_required
@require_GET
def my_networks(request):
    """The broker's own dashboard: each open network, its stage and next gate, what is missing,
    evaluations due and overdue, recent activities. Agency staff see every open network."""
    user = request.user
    rows = selectors.broker_dashboard(user)
    rows.sort(key=lambda r: (-r.overdue_evaluations, r.network.name))
    due = selectors.due_evaluations(user, within_days=30)
    return render(request, "networks/my_networks.html", {
        "rows": rows, "due": due, "overdue": [d for d in due if d.overdue],
        "recent": selectors.recent_activities(user, 10), "can_create": policy.can_create_network(user),
        "tab": "mine",
    })


@login_required
@require_GET
def portfolio(request):
    """Independence across networks: each network's latest assessment (k of 12), how many meet at
    least 4 and at least 6, the distribution and how often each criterion is met."""
    form = PortfolioFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    result = selectors.independence_portfolio(
        request.user, kinds=data.get("kind") or None, on=data.get("on"),
        min_age_months=data.get("min_age"), max_age_months=data.get("max_age"))
    distribution = list(result.distribution.items())
    counts = result.criterion_counts()
    return render(request, "networks/portfolio.html", {
        "form": form, "portfolio": result, "at_least_4": result.at_least(4), "at_least_6": result.at_least(6),
        "distribution": distribution, "top": max([n for _k, n in distribution] + [1]),
        "criteria": [(c, counts[c.code]) for c in CRITERIA], "tab": "portfolio",
        "rows": [(r, [c.number for c in CRITERIA if c.code in r.met]) for r in result.rows],
    })


# Creating and editing ------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def network_create(request):
    user = request.user
    _require(policy.can_create_network, user)
    if request.method == "GET":
        form = NetworkForm(user=user, initial={"kind": request.GET.get("kind", "")})
        return render(request, "networks/network_form.html", {"form": form})
    form = NetworkForm(request.POST, user=user)
    if "_refresh" not in request.POST and form.is_valid():
        try:
            with domain_errors():
                network = services.create_network(user, form.service_data())
        except ValidationFailed as exc:
            put_errors(form, exc, NetworkForm.ALIASES)
        else:
            messages.success(request, _("%(name)s was created in the stage %(stage)s. Add its member firms.")
                             % {"name": network.name, "stage": network.stage})
            return redirect(reverse("networks:network_detail", args=[network.pk]) + "#members")
    return render(request, "networks/network_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def network_edit(request, pk: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_manage_network, user, network)
    if request.method == "GET":
        return render(request, "networks/network_form.html",
                      {"form": NetworkForm(user=user, network=network), "network": network})
    form = NetworkForm(request.POST, user=user, network=network)
    if "_refresh" not in request.POST and form.is_valid():
        try:
            with domain_errors():
                services.update_network(user, network, form.service_data())
        except ValidationFailed as exc:
            put_errors(form, exc, NetworkForm.ALIASES)
        else:
            messages.success(request, _("Saved the changes to %(name)s.") % {"name": network.name})
            return redirect("networks:network_detail", pk=network.pk)
    return render(request, "networks/network_form.html", {"form": form, "network": network})


# The network page: members, market, stage -------------------------------------------------------------

def _overview_context(request, network: Network, *, member_form=None, evidence_form=None,
                      transition_form=None, refused=None, leave_errors=None) -> dict:
    user = request.user
    context = _base_context(request, network, "overview")
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
    network = _network(request, pk)
    return render(request, "networks/network_detail.html", _overview_context(request, network))


@login_required
@require_GET
def member_candidates(request, pk: int):
    """The candidate firms table (htmx search inside the add-members form)."""
    network = _network(request, pk)
    _require(policy.can_manage_network_members, request.user, network)
    candidates = page_queries.candidate_firms(request.user, network, request.GET.get("find", ""))
    return render(request, "networks/_candidates.html", {"network": network, "candidates": candidates,
                                                         "member_form": MemberAddForm(user=request.user,
                                                                                     network=network)})


@login_required
@require_POST
def member_add(request, pk: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_manage_network_members, user, network)
    form = MemberAddForm(request.POST, user=user, network=network)
    if form.is_valid():
        firms, lead, joined = form.cleaned_data["enterprises"], form.cleaned_data["lead"], form.cleaned_data["joined_on"]
        try:
            with domain_errors(), transaction.atomic():  # all the ticked firms join, or none
                for ent in firms:
                    try:
                        services.add_member(user, network, ent, joined, lead=(lead is not None and ent.pk == lead.pk))
                    except ValidationFailed as exc:
                        raise ValidationFailed({k: [f"{ent}: {m}" for m in v] for k, v in exc.errors.items()}) from exc
        except ValidationFailed as exc:
            put_errors(form, exc, {"enterprise": "enterprises"})
        else:
            names = ", ".join(e.legal_name for e in firms)
            messages.success(request, _("Added to the network: %(names)s.") % {"names": names})
            return redirect(reverse("networks:network_detail", args=[network.pk]) + "#members")
    network = _network(request, pk)
    return render(request, "networks/network_detail.html", _overview_context(request, network, member_form=form))


@login_required
@require_POST
def member_leave(request, pk: int, member_id: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_manage_network_members, user, network)
    member = network.members.select_related("enterprise", "network").filter(pk=member_id).first()
    if member is None:
        raise Http404(_("No such member."))
    form = MemberLeaveForm(request.POST)
    if form.is_valid():
        try:
            with domain_errors():
                services.end_member(user, member, form.cleaned_data["left_on"], form.cleaned_data["reason"])
        except ValidationFailed as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("%(firm)s left the network on %(day)s.")
                             % {"firm": member.enterprise, "day": form.cleaned_data["left_on"]})
            return redirect(reverse("networks:network_detail", args=[network.pk]) + "#members")
    errors = [str(e) for errs in form.errors.values() for e in errs]
    return render(request, "networks/network_detail.html",
                  _overview_context(request, network, leave_errors={member.pk: errors}))


@login_required
@require_POST
def evidence_add(request, pk: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_add_evidence, user, network)
    requirement_id = request.POST.get("requirement", "")
    prefix = f"req{requirement_id}" if requirement_id.isdigit() else None
    form = EvidenceForm(request.POST, request.FILES, prefix=prefix)
    # The requirement id travels unprefixed (so the view can find the prefix); copy it in.
    form.data = form.data.copy()
    if prefix:
        form.data[f"{prefix}-requirement"] = requirement_id
    if form.is_valid():
        try:
            with domain_errors():
                evidence = services.add_gate_evidence(user, network, form.cleaned_data["requirement"], **form.values())
        except ValidationFailed as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Evidence added for “%(label)s”.") % {"label": _(evidence.requirement.label)})
            return redirect(reverse("networks:network_detail", args=[network.pk]) + "#stage")
    return render(request, "networks/network_detail.html", _overview_context(request, network, evidence_form=form))


@login_required
@require_POST
def evidence_withdraw(request, pk: int, evidence_id: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_change_evidence, user, network)
    evidence = network.evidence.select_related("network", "requirement").filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404(_("No such evidence."))
    form = EvidenceWithdrawForm(request.POST)
    if form.is_valid():
        try:
            with domain_errors():
                services.withdraw_gate_evidence(user, evidence, form.cleaned_data["reason"])
        except ValidationFailed as exc:
            messages.error(request, " ".join(m for v in exc.errors.values() for m in v))
        else:
            messages.success(request, _("Evidence withdrawn."))
    else:
        messages.error(request, _("Say why the evidence is withdrawn."))
    return redirect(reverse("networks:network_detail", args=[network.pk]) + "#stage")


@login_required
@require_GET
def evidence_document(request, pk: int, evidence_id: int):
    network = _network(request, pk)
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
    network = _network(request, pk)
    _require(policy.can_change_stage, user, network)
    form = TransitionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        before = network.stage
        try:
            with domain_errors():
                row = services.transition(user, network, d["to_stage"], reason=d["reason"],
                                          effective_on=d["effective_on"])
        except GateNotPassed as exc:
            network = _network(request, pk)
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
    network = _network(request, pk)
    return render(request, "networks/network_detail.html",
                  _overview_context(request, network, transition_form=form))


# Activities ----------------------------------------------------------------------------------------------

def _activities_context(request, network: Network, form=None) -> dict:
    user = request.user
    context = _base_context(request, network, "activities")
    page = Paginator(selectors.activities(network), ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
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
    network = _network(request, pk)
    if request.method == "GET":
        return render(request, "networks/activities.html", _activities_context(request, network))
    _require(policy.can_record_activity, user, network)
    # Every firm that was ever a member can be ticked: the service refuses (naming the firm and
    # why) a firm that was not a member on the activity's date, so no ticked firm is dropped.
    form = ActivityForm(request.POST, user=user, members=page_queries.members_ever(network))
    if form.is_valid():
        try:
            with domain_errors():
                activity = services.record_activity(user, network, form.service_data())
        except ValidationFailed as exc:
            put_errors(form, exc, form.aliases())
        else:
            messages.success(request, _("Logged “%(title)s” (%(n)s firms attended).")
                             % {"title": activity.title, "n": activity.attendance.count()})
            return redirect("networks:activities", pk=network.pk)
    return render(request, "networks/activities.html", _activities_context(request, network, form))


# Money -------------------------------------------------------------------------------------------------

def _money_context(request, network: Network, **forms) -> dict:
    user = request.user
    context = _base_context(request, network, "money")
    can = context["can"]
    overview = selectors.money_overview(network)
    schedule = overview.schedule
    context.update({
        "overview": overview, "lifetime": overview.lifetime, "bars": page_queries.share_bars(overview),
        "schedule": schedule, "rules": list(schedule.rules.all()) if schedule else [],
        "contracts": selectors.contracts(network),
        "costs": selectors.costs(network), "reversed_costs": page_queries.reversed_entry_ids(CostEntry, network),
        "contributions": selectors.contributions(user, network),
        "reversed_contributions": page_queries.reversed_entry_ids(ContributionEntry, network),
        "cost_form": forms.get("cost_form") or (CostForm() if can["cost"] else None),
        "contribution_form": forms.get("contribution_form") or (
            ContributionForm(firms=page_queries.members_ever(network)) if can["contribution"] else None),
        "contract_form": forms.get("contract_form") or (ContractForm() if can["contracts"] else None),
        "accrue_form": forms.get("accrue_form") or (AccrueForm() if can["contracts"] else None),
        "reverse_form": ReverseForm(), "end_form": ContractEndForm(),
        "reverse_error": forms.get("reverse_error"),
    })
    return context


def _money_page(request, network, **forms):
    return render(request, "networks/money.html", _money_context(request, network, **forms))


@login_required
@require_GET
def money(request, pk: int):
    return _money_page(request, _network(request, pk))


def _money_saved(request, network, anchor: str, text: str):
    messages.success(request, text)
    return redirect(reverse("networks:money", args=[network.pk]) + anchor)


@login_required
@require_POST
def cost_add(request, pk: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_record_cost, user, network)
    form = CostForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            with domain_errors():
                entry, created = services.record_cost(
                    user, network, category=d["category"], amount=d["amount"], incurred_on=d["incurred_on"],
                    note=d["note"], idempotency_key=d["idempotency_key"])
        except ValidationFailed as exc:
            put_errors(form, exc, LEDGER_ALIASES)
        else:
            text = (_("Cost recorded: %(amount)s.") if created
                    else _("This cost was already recorded (%(amount)s); nothing added."))
            return _money_saved(request, network, "#costs",
                                text % {"amount": format_money(entry.amount, entry.currency)})
    return _money_page(request, network, cost_form=form)


@login_required
@require_POST
def contribution_add(request, pk: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_record_contribution, user, network)
    form = ContributionForm(request.POST, firms=page_queries.members_ever(network))
    if form.is_valid():
        d = form.cleaned_data
        try:
            with domain_errors():
                entry, created = services.record_contribution(
                    user, network, enterprise=d["enterprise"], amount=d["amount"], paid_on=d["paid_on"],
                    note=d["note"], idempotency_key=d["idempotency_key"])
        except ValidationFailed as exc:
            put_errors(form, exc, LEDGER_ALIASES)
        else:
            text = (_("Contribution recorded: %(firm)s paid %(amount)s.") if created
                    else _("This contribution was already recorded (%(firm)s, %(amount)s); nothing added."))
            return _money_saved(request, network, "#contributions",
                                text % {"firm": entry.enterprise, "amount": format_money(entry.amount, entry.currency)})
    return _money_page(request, network, contribution_form=form)


def _reverse(request, pk: int, entry_id: int, *, contribution: bool):
    user = request.user
    network = _network(request, pk)
    if contribution:
        _require(policy.can_correct_contributions, user, network)
        entry = selectors.contributions(user, network).filter(pk=entry_id).first()
    else:
        _require(policy.can_correct_costs, user, network)
        entry = selectors.costs(network).filter(pk=entry_id).first()
    if entry is None:
        raise Http404(_("No such ledger entry."))
    form = ReverseForm(request.POST)
    anchor = "#contributions" if contribution else "#costs"
    if form.is_valid():
        reverse_entry = services.reverse_contribution if contribution else services.reverse_cost
        try:
            with domain_errors():
                reversal, created = reverse_entry(user, entry, form.cleaned_data["reason"],
                                                  form.cleaned_data["idempotency_key"])
        except ValidationFailed as exc:
            error = " ".join(m for v in exc.errors.values() for m in v)
        else:
            return _money_saved(request, network, anchor, _("Entry #%(id)s reversed by #%(rid)s (%(amount)s).")
                                % {"id": entry.pk, "rid": reversal.pk,
                                   "amount": format_money(reversal.amount, reversal.currency)})
    else:
        error = _("Say why the entry is reversed.")
    return _money_page(request, network, reverse_error={"entry": entry.pk, "ledger": anchor[1:], "message": error})


@login_required
@require_POST
def cost_reverse(request, pk: int, entry_id: int):
    return _reverse(request, pk, entry_id, contribution=False)


@login_required
@require_POST
def contribution_reverse(request, pk: int, entry_id: int):
    return _reverse(request, pk, entry_id, contribution=True)


@login_required
@require_POST
def contract_add(request, pk: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_record_contract, user, network)
    form = ContractForm(request.POST)
    if form.is_valid():
        try:
            with domain_errors():
                contract = services.create_contract(user, network, form.cleaned_data)
        except ValidationFailed as exc:
            put_errors(form, exc)
        else:
            return _money_saved(request, network, "#contracts", _("Contract of %(name)s recorded.")
                                % {"name": contract.manager_name})
    return _money_page(request, network, contract_form=form)


@login_required
@require_POST
def contract_end(request, pk: int, contract_id: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_change_contract, user, network)
    contract = network.contracts.filter(pk=contract_id).first()
    if contract is None:
        raise Http404(_("No such contract."))
    form = ContractEndForm(request.POST)
    if form.is_valid():
        try:
            with domain_errors():
                services.end_contract(user, contract, form.cleaned_data["end_date"])
        except ValidationFailed as exc:
            messages.error(request, " ".join(m for v in exc.errors.values() for m in v))
        else:
            messages.success(request, _("The contract of %(name)s ends on %(day)s.")
                             % {"name": contract.manager_name, "day": form.cleaned_data["end_date"]})
    else:
        messages.error(request, _("Give the end date."))
    return redirect(reverse("networks:money", args=[network.pk]) + "#contracts")


@login_required
@require_POST
def contracts_accrue(request, pk: int):
    user = request.user
    network = _network(request, pk)
    _require(policy.can_accrue_manager_costs, user, network)
    form = AccrueForm(request.POST)
    if form.is_valid():
        try:
            with domain_errors():
                created = services.accrue_manager_costs(user, network, form.cleaned_data["through"])
        except ValidationFailed as exc:
            put_errors(form, exc)
        else:
            return _money_saved(request, network, "#costs", _("%(n)s monthly manager costs written to the ledger.")
                                % {"n": len(created)})
    return _money_page(request, network, accrue_form=form)


# Evaluations ----------------------------------------------------------------------------------------

def _evaluations_context(request, network: Network, form=None) -> dict:
    user = request.user
    context = _base_context(request, network, "evaluations")
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
    network = _network(request, pk)
    if request.method == "GET":
        return render(request, "networks/evaluations.html", _evaluations_context(request, network))
    _require(policy.can_record_evaluation, user, network)
    form = EvaluationForm(request.POST, firms=page_queries.members_ever(network),
                          areas=selectors.evaluation_areas())
    if form.is_valid():
        d = form.cleaned_data
        try:
            with domain_errors():
                evaluation = services.record_evaluation(user, network, d["enterprise"], d["evaluated_on"],
                                                        form.scores(), d.get("notes", ""))
        except ValidationFailed as exc:
            put_errors(form, exc, form.aliases())
        else:
            messages.success(request, _("Evaluation of %(firm)s on %(day)s recorded.")
                             % {"firm": evaluation.enterprise, "day": evaluation.evaluated_on})
            return redirect("networks:evaluations", pk=network.pk)
    return render(request, "networks/evaluations.html", _evaluations_context(request, network, form))


# Independence -----------------------------------------------------------------------------------------

def _independence_context(request, network: Network, form=None) -> dict:
    context = _base_context(request, network, "independence")
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
    network = _network(request, pk)
    if request.method == "GET":
        return render(request, "networks/independence.html", _independence_context(request, network))
    _require(policy.can_assess_independence, user, network)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            with domain_errors():
                assessment = services.record_assessment(user, network, d["assessed_on"], form.judgements(),
                                                        window_months=d["window_months"], notes=d.get("notes", ""))
        except ValidationFailed as exc:
            put_errors(form, exc, form.aliases())
        else:
            messages.success(request, _("Assessment recorded: %(label)s criteria met.")
                             % {"label": assessment.snapshot.get("label", "")})
            return redirect("networks:independence", pk=network.pk)
    return render(request, "networks/independence.html", _independence_context(request, network, form))
