"""The networks API: kinds of network, cross-network views, networks, members and the lifecycle (stages,
gates, evidence). See `api` for the conventions."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile

from triplec.accounts.policy import require
from triplec.core.api_schemas import answers, list_page
from triplec.core.errors import NotFound, ValidationFailed

from . import lifecycle, policy, selectors, services
from .api_common import _enterprise, _kind_spec, _network, _organisation, _user, router
from .models import GateEvidence, NetworkKind, NetworkMember
from .schemas import (
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
from .schemas_records import DashboardRowOut, DueOut, DueQuery, PortfolioOut, PortfolioQuery

# Kinds -------------------------------------------------------------------------------------------------

@router.get("/kinds", response=answers(200, list[KindOut], 401), summary="List kinds of network")
def list_kinds(request):
    """Kinds of network with their stages, gates, requirements and funding schedule."""
    return list(selectors.kinds())


@router.get("/kinds/{code}", response=answers(200, KindOut, 401, 404), summary="Read a kind of network")
def get_kind(request, code: str):
    kind = selectors.kinds().filter(code=code).first()
    if kind is None:
        raise NotFound(_("No such kind of network."))
    return kind


@router.post("/kinds", response=answers(201, KindOut, 401, 403, 422), summary="Define a kind of network")
def define_kind(request, payload: KindIn):
    """An agency-defined kind with its lifecycle (agency administrators)."""
    return Status(201, services.define_kind(_user(request), _kind_spec(payload)))


@router.put("/kinds/{code}", response=answers(200, KindOut, 401, 403, 404, 422), summary="Redefine a kind of network")
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

@router.get("/evaluations/due", response=answers(200, list[DueOut], 401, 422), summary="Evaluations due and overdue")
def due_evaluations(request, filters: Query[DueQuery]):
    """Bi-annual evaluations due within `within_days` and overdue ones, in the caller's networks."""
    user = _user(request)
    network = services.get_network(user, filters.network) if filters.network is not None else None
    rows = selectors.due_evaluations(user, within_days=filters.within_days, network=network)
    return [{**row.__dict__, "is_baseline": row.is_baseline} for row in rows]


@router.get("/portfolio/independence", response=answers(200, PortfolioOut, 401, 422),
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


@router.get("/dashboard", response=answers(200, list[DashboardRowOut], 401), summary="The caller's open networks")
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


@router.get("", response=answers(200, NetworkPage, 401, 422), summary="List networks")
def list_networks(request, filters: Query[NetworkQuery]):
    """Networks the caller may see, filtered by kind, stage, broker, territory, member firm, overdue
    evaluations, and words in the name."""
    f = selectors.NetworkFilter(kind=filters.kind, stage=filters.stage, broker=filters.broker,
                                territory=filters.territory, overdue=filters.overdue, member=filters.member,
                                q=filters.q)
    qs = selectors.filter_networks(_user(request), f).prefetch_related("target_buyers")
    return list_page(qs, filters.limit, filters.offset)


@router.post("", response=answers(201, NetworkDetailOut, 401, 403, 422), summary="Create a network")
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


@router.get("/{network_id}", response=answers(200, NetworkDetailOut, 401, 404), summary="Read a network")
def get_network(request, network_id: int):
    """The network with its next gate's checklist and what the caller may do."""
    return _detail(_user(request), _network(request, network_id))


@router.patch("/{network_id}", response=answers(200, NetworkDetailOut, 401, 403, 404, 422), summary="Update a network")
def update_network(request, network_id: int, payload: NetworkPatch):
    """Change the fields sent (not the stage: see /transitions)."""
    user = _user(request)
    network = _network(request, network_id, policy.can_manage_network)
    data = _network_data(user, payload, partial=True)
    try:
        services.update_network(user, network, data)
    except ValidationFailed as exc:
        raise _api_names(exc) from exc
    return _detail(user, services.get_network(user, network.pk))


# Members -------------------------------------------------------------------------------------------------

@router.get("/{network_id}/members", response=answers(200, list[MemberOut], 401, 404), summary="List members")
def list_members(request, network_id: int):
    """Current and former member firms with their join and leave dates."""
    network = _network(request, network_id)
    return list(network.members.select_related("enterprise", "network").order_by("joined_on", "id"))


@router.post("/{network_id}/members", response=answers(201, MemberOut, 401, 403, 404, 422), summary="Add a member")
def add_member(request, network_id: int, payload: MemberCreate):
    user = _user(request)
    network = _network(request, network_id, policy.can_manage_network_members)
    enterprise = _enterprise(user, payload.enterprise_id, "enterprise_id")
    member = services.add_member(user, network, enterprise, payload.joined_on, lead=payload.lead)
    return Status(201, NetworkMember.objects.select_related("enterprise", "network").get(pk=member.pk))


@router.post("/{network_id}/members/{member_id}/leave", response=answers(200, MemberOut, 401, 403, 404, 422),
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


@router.get("/{network_id}/transitions", response=answers(200, list[TransitionOut], 401, 404),
            summary="Stage history")
def list_transitions(request, network_id: int):
    """Every change of stage, oldest first: who, when, why, the checklist and the evidence."""
    return selectors.stage_history(_network(request, network_id))


@router.post("/{network_id}/transitions", response=answers(201, TransitionOut, 401, 403, 404, 422),
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


@router.get("/{network_id}/checklist", response=answers(200, ChecklistOut | None, 401, 404),
            summary="The next gate's checklist")
def get_checklist(request, network_id: int):
    """Each requirement of the gate out of the current stage: met or not, and on what basis
    (null when the network is in a final or the closed stage)."""
    return _checklist_dict(selectors.next_gate_checklist(_network(request, network_id)))


@router.get("/{network_id}/evidence", response=answers(200, list[EvidenceOut], 401, 404), summary="List gate evidence")
def list_evidence(request, network_id: int):
    return list(_evidence_qs(_network(request, network_id)).order_by("added_at", "id"))


@router.post("/{network_id}/evidence", response=answers(201, EvidenceOut, 401, 403, 404, 422),
             summary="Attach gate evidence")
def add_evidence(request, network_id: int, payload: EvidenceCreate):
    """Evidence for a requirement (a reference to a document, a decision, a date, a number)."""
    user = _user(request)
    network = _network(request, network_id)
    values = payload.model_dump(exclude={"requirement_id"})
    evidence = services.add_gate_evidence(user, network, payload.requirement_id, **values)
    return Status(201, _evidence_qs(network).get(pk=evidence.pk))


@router.post("/{network_id}/evidence/upload", response=answers(201, EvidenceOut, 401, 403, 404, 422),
             summary="Upload a gate document")
def upload_evidence(request, network_id: int, requirement_id: Form[int], document: File[UploadedFile],
                    text: Form[str] = "", evidence_date: Form[date | None] = None, reference: Form[str] = ""):
    """Multipart upload of a document for a document requirement."""
    user = _user(request)
    network = _network(request, network_id)
    evidence = services.add_gate_evidence(user, network, requirement_id, text=text, date=evidence_date,
                                          reference=reference, document=document)
    return Status(201, _evidence_qs(network).get(pk=evidence.pk))


@router.post("/{network_id}/evidence/{evidence_id}/withdraw", response=answers(200, EvidenceOut, 401, 403, 404, 422),
             summary="Withdraw gate evidence")
def withdraw_evidence(request, network_id: int, evidence_id: int, payload: EvidenceWithdraw):
    user = _user(request)
    network = _network(request, network_id)
    evidence = GateEvidence.objects.filter(network=network, pk=evidence_id).first()
    if evidence is None:
        raise NotFound(_("No such evidence."))
    services.withdraw_gate_evidence(user, evidence, payload.reason)
    return _evidence_qs(network).get(pk=evidence.pk)
