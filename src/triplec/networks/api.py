"""The networks REST API, mounted at /api/v1/networks by `triplec.web.api`.

Thin over `networks.services` (writes: permission, validation, transaction) and
`networks.selectors` (reads scoped by `networks.policy`). Domain errors become HTTP statuses in
`triplec.web.api`: ValidationFailed (and GateNotPassed) -> 422 {"detail", "errors"},
PermissionDenied -> 403, NotFound -> 404; no credentials -> 401.

A network the caller may not see answers 404, like one that does not exist. Firms, organisations
and users named in a request body are looked up in the caller's scope; unknown or invisible ones
give the same 422 field error. Ledger POSTs answer 201 for a new entry and 200 when the same
idempotency key and content were already recorded.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from triplec.accounts.policy import require
from triplec.core.errors import NotFound, ValidationFailed
from triplec.registry import policy as registry_policy

from . import independence, lifecycle, policy, selectors, services
from .models import ContributionEntry, CostEntry, GateEvidence, ManagerContract, NetworkKind, NetworkMember
from .schemas import (
    ERRORS,
    ChecklistOut,
    EvidenceCreate,
    EvidenceOut,
    EvidenceWithdraw,
    KindIn,
    KindOut,
    MemberCreate,
    MemberLeave,
    MemberOut,
    NetworkCreate,
    NetworkDetailOut,
    NetworkPage,
    NetworkPatch,
    NetworkQuery,
    TransitionCreate,
    TransitionOut,
)
from .schemas_records import (
    AccrueIn,
    ActivityCreate,
    ActivityOut,
    ActivityPage,
    AssessmentCreate,
    AssessmentOut,
    ContractCreate,
    ContractOut,
    ContributionCreate,
    ContributionOut,
    ContributionPage,
    CostCreate,
    CostOut,
    CostPage,
    CriterionOut,
    DashboardRowOut,
    DueOut,
    DueQuery,
    EvaluationCreate,
    EvaluationOut,
    EvaluationPage,
    MoneyOut,
    PageQuery,
    PortfolioOut,
    PortfolioQuery,
    PreviewQuery,
    ProgressOut,
    ReverseIn,
)

router = Router(tags=["networks"])


def _user(request: HttpRequest):
    return request.auth


def _ok(status: int, *schemas) -> dict:
    return {status: schemas[0], **{code: ERRORS[code] for code in schemas[1:]}}


def _ledger(schema) -> dict:
    """A ledger POST: 201 for a new entry, 200 when the same key and content were recorded before."""
    return {201: schema, 200: schema, **{code: ERRORS[code] for code in (401, 403, 404, 422)}}


def _page(qs: QuerySet, limit: int, offset: int) -> dict:
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": list(qs[offset:offset + limit])}


def _network(request, network_id: int):
    return services.get_network(_user(request), network_id)


def _enterprise(user, pk: int | None, field: str):
    if pk is None:
        return None
    found = registry_policy.visible_enterprises(user).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed({field: [_("No such enterprise.")]})
    return found


def _organisation(user, pk: int | None, field: str):
    if pk is None:
        return None
    found = registry_policy.visible_organisations(user).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed({field: [_("No such organisation.")]})
    return found


def _kind_spec(payload: KindIn) -> dict:
    spec = payload.model_dump(by_alias=True)  # gates keep their "from" and "to" keys
    if spec.get("funding") is None:
        spec.pop("funding")
    return spec


# Kinds -------------------------------------------------------------------------------------------------

@router.get("/kinds", response=_ok(200, list[KindOut], 401), summary="List kinds of network")
def list_kinds(request):
    """Kinds of network with their stages, gates, requirements and funding schedule."""
    return list(selectors.kinds())


@router.get("/kinds/{code}", response=_ok(200, KindOut, 401, 404), summary="Read a kind of network")
def get_kind(request, code: str):
    kind = selectors.kinds().filter(code=code).first()
    if kind is None:
        raise NotFound(_("No such kind of network."))
    return kind


@router.post("/kinds", response=_ok(201, KindOut, 401, 403, 422), summary="Define a kind of network")
def define_kind(request, payload: KindIn):
    """An agency-defined kind with its lifecycle (agency administrators)."""
    return Status(201, services.define_kind(_user(request), _kind_spec(payload)))


@router.put("/kinds/{code}", response=_ok(200, KindOut, 401, 403, 404, 422), summary="Redefine a kind of network")
def redefine_kind(request, code: str, payload: KindIn):
    """Replace an agency-defined kind's definition (stages fixed once networks of it exist)."""
    kind = NetworkKind.objects.filter(code=code).first()
    if kind is None:
        raise NotFound(_("No such kind of network."))
    spec = _kind_spec(payload)
    if spec["code"] != code:
        raise ValidationFailed({"code": [_("The code of a kind cannot change.")]})
    return services.redefine_kind(_user(request), kind, spec)


# Cross-network views -----------------------------------------------------------------------------------

@router.get("/evaluations/due", response=_ok(200, list[DueOut], 401, 422), summary="Evaluations due and overdue")
def due_evaluations(request, filters: Query[DueQuery]):
    """Bi-annual evaluations due within `within_days` and overdue ones, in the caller's networks."""
    user = _user(request)
    network = services.get_network(user, filters.network) if filters.network is not None else None
    rows = selectors.due_evaluations(user, within_days=filters.within_days, network=network)
    return [{**row.__dict__, "is_baseline": row.is_baseline} for row in rows]


@router.get("/portfolio/independence", response=_ok(200, PortfolioOut, 401, 422),
            summary="Independence across networks")
def independence_portfolio(request, filters: Query[PortfolioQuery]):
    """Each network's latest assessment (k of 12): how many meet at least 4 and at least 6, and the
    distribution; optionally only some kinds and an age range at assessment (months)."""
    result = selectors.independence_portfolio(_user(request), kinds=filters.kind or None, on=filters.on,
                                              min_age_months=filters.min_age_months,
                                              max_age_months=filters.max_age_months)
    return {"networks": result.networks, "at_least_4": result.at_least(4), "at_least_6": result.at_least(6),
            "distribution": result.distribution, "criterion_counts": result.criterion_counts(),
            "rows": [{**row.__dict__, "met": list(row.met)} for row in result.rows]}


@router.get("/dashboard", response=_ok(200, list[DashboardRowOut], 401), summary="The caller's open networks")
def dashboard(request):
    """For each open network the caller manages: size, next gate and what is missing, evaluations."""
    return [{"network_id": r.network.pk, "network_name": r.network.name, "kind": r.network.kind.code,
             "stage": r.network.stage.code, "members": r.members, "size_warning": r.size_warning,
             "next_gate": r.next_gate.name if r.next_gate else None, "requirements_met": r.requirements_met,
             "requirements_total": r.requirements_total, "missing": r.missing,
             "overdue_evaluations": r.overdue_evaluations, "due_evaluations": r.due_evaluations,
             "last_activity_on": r.last_activity_on} for r in selectors.broker_dashboard(_user(request))]


# Networks ----------------------------------------------------------------------------------------------

def _checklist_dict(check) -> dict | None:
    if check is None:
        return None
    gate = check.gate
    return {"gate_id": gate.pk, "gate": gate.name, "to_stage": gate.to_stage.code,
            "allowed_roles": list(gate.allowed_roles), "passable": check.passable,
            "items": [item.as_dict() for item in check.items]}


def _detail(user, network):
    network.next_gate = _checklist_dict(selectors.next_gate_checklist(network))
    gate = lifecycle.next_gate(network)
    network.permissions = {
        "manage": policy.can_manage_network(user, network),
        "change_stage": policy.can_change_stage(user, network),
        "pass_next_gate": bool(gate) and policy.can_pass_gate(user, network, gate),
        "assign_broker": policy.can_assign_broker(user),
        "record_contribution": policy.can_record_contribution(user, network),
        "manage_contracts": policy.can_manage_contracts(user, network),
        "record_evaluation": policy.can_record_evaluation(user, network),
        "assess_independence": policy.can_assess_independence(user, network),
    }
    return network


def _network_data(user, payload, *, partial: bool) -> dict:
    raw = payload.model_dump(exclude_unset=partial)
    data = {}
    for name, value in raw.items():
        if name == "territory_id":
            data["territory"] = value
        elif name == "broker_id":
            data["broker"] = value
        elif name == "lead_firm_id":
            data["lead_firm"] = _enterprise(user, value, "lead_firm_id")
        elif name == "target_buyer_ids":
            data["target_buyers"] = [_organisation(user, pk, "target_buyer_ids") for pk in (value or [])]
        else:
            data[name] = value
    return data


def _api_names(exc: ValidationFailed) -> ValidationFailed:
    back = {"territory": "territory_id", "broker": "broker_id", "lead_firm": "lead_firm_id",
            "target_buyers": "target_buyer_ids"}
    return ValidationFailed({back.get(k, k): v for k, v in exc.errors.items()})


@router.get("", response=_ok(200, NetworkPage, 401, 422), summary="List networks")
def list_networks(request, filters: Query[NetworkQuery]):
    """Networks the caller may see, filtered by kind, stage, broker, territory, member firm, overdue
    evaluations, and words in the name."""
    f = selectors.NetworkFilter(kind=filters.kind, stage=filters.stage, broker=filters.broker,
                                territory=filters.territory, overdue=filters.overdue, member=filters.member,
                                q=filters.q)
    qs = selectors.filter_networks(_user(request), f).prefetch_related("target_buyers")
    return _page(qs, filters.limit, filters.offset)


@router.post("", response=_ok(201, NetworkDetailOut, 401, 403, 422), summary="Create a network")
def create_network(request, payload: NetworkCreate):
    """A network in its kind's first stage. A broker creating a network becomes its broker."""
    user = _user(request)
    require(policy.can_create_network, user)
    data = _network_data(user, payload, partial=False)
    if not data.get("started_on"):
        data.pop("started_on", None)
    try:
        network = services.create_network(user, data)
    except ValidationFailed as exc:
        raise _api_names(exc) from exc
    return Status(201, _detail(user, services.get_network(user, network.pk)))


@router.get("/{network_id}", response=_ok(200, NetworkDetailOut, 401, 404), summary="Read a network")
def get_network(request, network_id: int):
    """The network with its next gate's checklist and what the caller may do."""
    return _detail(_user(request), _network(request, network_id))


@router.patch("/{network_id}", response=_ok(200, NetworkDetailOut, 401, 403, 404, 422), summary="Update a network")
def update_network(request, network_id: int, payload: NetworkPatch):
    """Change the fields sent (not the stage: see /transitions)."""
    user = _user(request)
    network = _network(request, network_id)
    require(policy.can_manage_network, user, network)
    data = _network_data(user, payload, partial=True)
    try:
        services.update_network(user, network, data)
    except ValidationFailed as exc:
        raise _api_names(exc) from exc
    return _detail(user, services.get_network(user, network.pk))


# Members -------------------------------------------------------------------------------------------------

@router.get("/{network_id}/members", response=_ok(200, list[MemberOut], 401, 404), summary="List members")
def list_members(request, network_id: int):
    """Current and former member firms with their join and leave dates."""
    network = _network(request, network_id)
    return list(network.members.select_related("enterprise", "network").order_by("joined_on", "id"))


@router.post("/{network_id}/members", response=_ok(201, MemberOut, 401, 403, 404, 422), summary="Add a member")
def add_member(request, network_id: int, payload: MemberCreate):
    user = _user(request)
    network = _network(request, network_id)
    require(policy.can_manage_network_members, user, network)
    enterprise = _enterprise(user, payload.enterprise_id, "enterprise_id")
    member = services.add_member(user, network, enterprise, payload.joined_on, lead=payload.lead)
    return Status(201, NetworkMember.objects.select_related("enterprise", "network").get(pk=member.pk))


@router.post("/{network_id}/members/{member_id}/leave", response=_ok(200, MemberOut, 401, 403, 404, 422),
             summary="A member leaves")
def end_member(request, network_id: int, member_id: int, payload: MemberLeave):
    user = _user(request)
    network = _network(request, network_id)
    member = network.members.filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("No such member."))
    services.end_member(user, member, payload.left_on, payload.reason)
    return NetworkMember.objects.select_related("enterprise", "network").get(pk=member.pk)


# Lifecycle -------------------------------------------------------------------------------------------

def _evidence_qs(network):
    return network.evidence.select_related("requirement__gate", "added_by")


@router.get("/{network_id}/transitions", response=_ok(200, list[TransitionOut], 401, 404),
            summary="Stage history")
def list_transitions(request, network_id: int):
    """Every change of stage, oldest first: who, when, why, the checklist and the evidence."""
    return selectors.stage_history(_network(request, network_id))


@router.post("/{network_id}/transitions", response=_ok(201, TransitionOut, 401, 403, 404, 422),
             summary="Change the stage")
def create_transition(request, network_id: int, payload: TransitionCreate):
    """Pass the next gate (with its evidence), go back or close (with a reason), or reopen. A gate
    whose checklist is incomplete answers 422 with one error per unmet requirement."""
    user = _user(request)
    network = _network(request, network_id)
    evidence = [e.model_dump() for e in payload.evidence]
    row = services.transition(user, network, payload.to_stage, reason=payload.reason, evidence=evidence,
                              effective_on=payload.effective_on)
    return Status(201, next(t for t in selectors.stage_history(network) if t.pk == row.pk))


@router.get("/{network_id}/checklist", response=_ok(200, ChecklistOut | None, 401, 404),
            summary="The next gate's checklist")
def get_checklist(request, network_id: int):
    """Each requirement of the gate out of the current stage: met or not, and on what basis
    (null when the network is in a final or the closed stage)."""
    return _checklist_dict(selectors.next_gate_checklist(_network(request, network_id)))


@router.get("/{network_id}/evidence", response=_ok(200, list[EvidenceOut], 401, 404), summary="List gate evidence")
def list_evidence(request, network_id: int):
    return list(_evidence_qs(_network(request, network_id)).order_by("added_at", "id"))


@router.post("/{network_id}/evidence", response=_ok(201, EvidenceOut, 401, 403, 404, 422),
             summary="Attach gate evidence")
def add_evidence(request, network_id: int, payload: EvidenceCreate):
    """Evidence for a requirement (a reference to a document, a decision, a date, a number)."""
    user = _user(request)
    network = _network(request, network_id)
    values = payload.model_dump(exclude={"requirement_id"})
    evidence = services.add_gate_evidence(user, network, payload.requirement_id, **values)
    return Status(201, _evidence_qs(network).get(pk=evidence.pk))


@router.post("/{network_id}/evidence/upload", response=_ok(201, EvidenceOut, 401, 403, 404, 422),
             summary="Upload a gate document")
def upload_evidence(request, network_id: int, requirement_id: Form[int], document: File[UploadedFile],
                    text: Form[str] = "", evidence_date: Form[date | None] = None, reference: Form[str] = ""):
    """Multipart upload of a document for a document requirement."""
    user = _user(request)
    network = _network(request, network_id)
    evidence = services.add_gate_evidence(user, network, requirement_id, text=text, date=evidence_date,
                                          reference=reference, document=document)
    return Status(201, _evidence_qs(network).get(pk=evidence.pk))


@router.post("/{network_id}/evidence/{evidence_id}/withdraw", response=_ok(200, EvidenceOut, 401, 403, 404, 422),
             summary="Withdraw gate evidence")
def withdraw_evidence(request, network_id: int, evidence_id: int, payload: EvidenceWithdraw):
    user = _user(request)
    network = _network(request, network_id)
    evidence = GateEvidence.objects.filter(network=network, pk=evidence_id).first()
    if evidence is None:
        raise NotFound(_("No such evidence."))
    services.withdraw_gate_evidence(user, evidence, payload.reason)
    return _evidence_qs(network).get(pk=evidence.pk)


# Activities ------------------------------------------------------------------------------------------

@router.get("/{network_id}/activities", response=_ok(200, ActivityPage, 401, 404, 422), summary="Activity log")
def list_activities(request, network_id: int, page: Query[PageQuery]):
    return _page(selectors.activities(_network(request, network_id)), page.limit, page.offset)


@router.post("/{network_id}/activities", response=_ok(201, ActivityOut, 401, 403, 404, 422),
             summary="Log an activity")
def record_activity(request, network_id: int, payload: ActivityCreate):
    """Meetings, factory visits, workshops, group travel, joint purchases/marketing/projects and
    contacts with support bodies, with attendance per member firm and broker hours."""
    user = _user(request)
    network = _network(request, network_id)
    require(policy.can_record_activity, user, network)
    data = payload.model_dump()
    data["support_body"] = _organisation(user, data.pop("support_body_id"), "support_body_id")
    data["host_enterprise"] = _enterprise(user, data.pop("host_enterprise_id"), "host_enterprise_id")
    data["attendance"] = [{"enterprise": _enterprise(user, row["enterprise_id"], f"attendance[{i}].enterprise_id"),
                           "participants": row["participants"]} for i, row in enumerate(data["attendance"])]
    activity = services.record_activity(user, network, data)
    return Status(201, selectors.activities(network).get(pk=activity.pk))


# Money ------------------------------------------------------------------------------------------------

@router.get("/{network_id}/contracts", response=_ok(200, list[ContractOut], 401, 404), summary="Manager contracts")
def list_contracts(request, network_id: int):
    return list(selectors.contracts(_network(request, network_id)))


@router.post("/{network_id}/contracts", response=_ok(201, ContractOut, 401, 403, 404, 422),
             summary="Record a manager contract")
def create_contract(request, network_id: int, payload: ContractCreate):
    user = _user(request)
    network = _network(request, network_id)
    data = payload.model_dump()
    data["manager"] = data.pop("manager_id")
    return Status(201, services.create_contract(user, network, data))


@router.post("/{network_id}/contracts/accrue", response=_ok(200, list[CostOut], 401, 403, 404, 422),
             summary="Accrue manager costs")
def accrue_contracts(request, network_id: int, payload: AccrueIn):
    """Write each contract month starting on or before `through` to the cost ledger (once)."""
    user = _user(request)
    return services.accrue_manager_costs(user, _network(request, network_id), payload.through)


@router.get("/{network_id}/costs", response=_ok(200, CostPage, 401, 404, 422), summary="Cost ledger")
def list_costs(request, network_id: int, page: Query[PageQuery]):
    return _page(selectors.costs(_network(request, network_id)), page.limit, page.offset)


@router.post("/{network_id}/costs", response=_ledger(CostOut),
             summary="Record a cost")
def record_cost(request, network_id: int, payload: CostCreate):
    user = _user(request)
    network = _network(request, network_id)
    require(policy.can_record_cost, user, network)
    contract = None
    if payload.contract_id is not None:
        contract = ManagerContract.objects.filter(network=network, pk=payload.contract_id).first()
        if contract is None:
            raise ValidationFailed({"contract_id": [_("No such contract in this network.")]})
    entry, created = services.record_cost(user, network, category=payload.category, amount=payload.amount,
                                          incurred_on=payload.incurred_on, idempotency_key=payload.idempotency_key,
                                          note=payload.note, currency=payload.currency, contract=contract)
    return Status(201 if created else 200, entry)


@router.post("/{network_id}/costs/{entry_id}/reverse", response=_ledger(CostOut),
             summary="Reverse a cost")
def reverse_cost(request, network_id: int, entry_id: int, payload: ReverseIn):
    user = _user(request)
    network = _network(request, network_id)
    entry = CostEntry.objects.filter(network=network, pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such cost entry."))
    reversal, created = services.reverse_cost(user, entry, payload.reason, payload.idempotency_key)
    return Status(201 if created else 200, reversal)


@router.get("/{network_id}/contributions", response=_ok(200, ContributionPage, 401, 404, 422),
            summary="Contribution ledger")
def list_contributions(request, network_id: int, page: Query[PageQuery]):
    """Member firms' payments the caller may see (a firm's users see their own firm's)."""
    user = _user(request)
    return _page(selectors.contributions(user, _network(request, network_id)), page.limit, page.offset)


@router.post("/{network_id}/contributions", response=_ledger(ContributionOut),
             summary="Record a contribution")
def record_contribution(request, network_id: int, payload: ContributionCreate):
    user = _user(request)
    network = _network(request, network_id)
    require(policy.can_record_contribution, user, network)
    enterprise = _enterprise(user, payload.enterprise_id, "enterprise_id")
    entry, created = services.record_contribution(
        user, network, enterprise=enterprise, amount=payload.amount, paid_on=payload.paid_on,
        idempotency_key=payload.idempotency_key, note=payload.note, currency=payload.currency)
    return Status(201 if created else 200, entry)


@router.post("/{network_id}/contributions/{entry_id}/reverse",
             response=_ledger(ContributionOut),
             summary="Reverse a contribution")
def reverse_contribution(request, network_id: int, entry_id: int, payload: ReverseIn):
    user = _user(request)
    network = _network(request, network_id)
    entry = ContributionEntry.objects.filter(network=network, pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such contribution."))
    reversal, created = services.reverse_contribution(user, entry, payload.reason, payload.idempotency_key)
    return Status(201 if created else 200, reversal)


@router.get("/{network_id}/shares", response=_ok(200, MoneyOut, 401, 404), summary="Who pays: derived shares")
def get_shares(request, network_id: int):
    """Expenses, the schedule's agency/member split, contributions and the members' share of the
    expenses, over the network's life and per network year."""
    overview = selectors.money_overview(_network(request, network_id))
    return {"currency": overview.currency,
            "funding_schedule": overview.schedule.code if overview.schedule else None,
            "lifetime": overview.lifetime.as_dict(),
            "by_year": [{"year": year, **s.as_dict()} for year, s in overview.by_year]}


# Evaluations -----------------------------------------------------------------------------------------

@router.get("/{network_id}/evaluations", response=_ok(200, EvaluationPage, 401, 404, 422), summary="Evaluations")
def list_evaluations(request, network_id: int, page: Query[PageQuery]):
    """Evaluations the caller may see (a firm's users see their own firm's)."""
    user = _user(request)
    return _page(selectors.evaluations(user, _network(request, network_id)), page.limit, page.offset)


@router.post("/{network_id}/evaluations", response=_ok(201, EvaluationOut, 401, 403, 404, 422),
             summary="Record an evaluation")
def record_evaluation(request, network_id: int, payload: EvaluationCreate):
    user = _user(request)
    network = _network(request, network_id)
    require(policy.can_record_evaluation, user, network)
    enterprise = _enterprise(user, payload.enterprise_id, "enterprise_id")
    evaluation = services.record_evaluation(user, network, enterprise, payload.evaluated_on, payload.scores,
                                            payload.notes)
    return Status(201, selectors.evaluations(user, network).get(pk=evaluation.pk))


@router.get("/{network_id}/evaluations/progress", response=_ok(200, ProgressOut, 401, 404),
            summary="Baseline, change and improvement")
def evaluation_progress(request, network_id: int):
    """Per area: member firms, firms scored twice and firms improved; per firm (those the caller may
    see): baseline, latest and change in each area."""
    user = _user(request)
    network = _network(request, network_id)
    today = date.today()
    return {"on": today,
            "areas": [{**a.__dict__, "share": a.share} for a in selectors.improvement(network, today).values()],
            "firms": [{"enterprise_id": e, "areas": [{**p.__dict__, "change": p.change, "improved": p.improved}
                                                     for p in areas.values()]}
                      for e, areas in sorted(selectors.firm_progress(user, network, today).items())]}


# Independence ------------------------------------------------------------------------------------------

def _assessment_out(assessment, result) -> dict:
    return {"id": assessment.pk, "network_id": assessment.network_id, "assessed_on": assessment.assessed_on,
            "window_months": assessment.window_months,
            "assessor": assessment.assessor.username if assessment.assessor_id else None,
            "notes": assessment.notes, "met_count": result.met_count, "label": result.label,
            "criteria": [c.as_dict() for c in result.criteria], "snapshot": assessment.snapshot}


@router.get("/{network_id}/assessments", response=_ok(200, list[AssessmentOut], 401, 404),
            summary="Independence assessments")
def list_assessments(request, network_id: int):
    """Each assessment with its twelve criteria ("k of 12"), computed ones from the records."""
    return [_assessment_out(a, r) for a, r in selectors.assessments(_network(request, network_id))]


@router.get("/{network_id}/assessments/preview", response=_ok(200, list[CriterionOut], 401, 404, 422),
            summary="The computed criteria now")
def preview_assessment(request, network_id: int, filters: Query[PreviewQuery]):
    """The seven criteria the records answer, as of `on` (default today), for the assessment form."""
    network = _network(request, network_id)
    computed = selectors.independence_preview(network, filters.on, filters.window_months)
    return [computed[c.code].as_dict() for c in independence.CRITERIA if c.computed]


@router.get("/{network_id}/assessments/{assessment_id}", response=_ok(200, AssessmentOut, 401, 404),
            summary="Read an assessment")
def get_assessment(request, network_id: int, assessment_id: int):
    network = _network(request, network_id)
    assessment = network.assessments.filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound(_("No such assessment."))
    return _assessment_out(assessment, independence.evaluate_assessment(assessment))


@router.post("/{network_id}/assessments", response=_ok(201, AssessmentOut, 401, 403, 404, 422),
             summary="Assess independence")
def record_assessment(request, network_id: int, payload: AssessmentCreate):
    """Judge the five judged criteria with evidence; the seven others are computed."""
    user = _user(request)
    network = _network(request, network_id)
    judgements = {code: j.model_dump() for code, j in payload.judgements.items()}
    assessment = services.record_assessment(user, network, payload.assessed_on, judgements,
                                            window_months=payload.window_months, notes=payload.notes)
    return Status(201, _assessment_out(assessment, independence.evaluate_assessment(assessment)))
