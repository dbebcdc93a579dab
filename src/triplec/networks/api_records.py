"""The networks API: what a network records (activities, money, evaluations, independence). See `api` for
the conventions."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import Query, Status

from triplec.core.api_schemas import answers, list_page, repeatable_answers
from triplec.core.errors import NotFound, ValidationFailed

from . import independence, policy, selectors, services
from .api_common import _enterprise, _network, _organisation, _user, router
from .models import ContributionEntry, CostEntry, ManagerContract
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
    EvaluationCreate,
    EvaluationOut,
    EvaluationPage,
    MoneyOut,
    PageQuery,
    PreviewQuery,
    ProgressOut,
    ReverseIn,
)

# Activities ------------------------------------------------------------------------------------------

@router.get("/{network_id}/activities", response=answers(200, ActivityPage, 401, 404, 422), summary="Activity log")
def list_activities(request, network_id: int, page: Query[PageQuery]):
    return list_page(selectors.activities(_network(request, network_id)), page.limit, page.offset)


@router.post("/{network_id}/activities", response=answers(201, ActivityOut, 401, 403, 404, 422),
             summary="Log an activity")
def record_activity(request, network_id: int, payload: ActivityCreate):
    """Meetings, factory visits, workshops, group travel, joint purchases/marketing/projects and
    contacts with support bodies, with attendance per member firm and broker hours."""
    user = _user(request)
    network = _network(request, network_id, policy.can_record_activity)
    data = payload.model_dump()
    data["support_body"] = _organisation(user, data.pop("support_body_id"), "support_body_id")
    data["host_enterprise"] = _enterprise(user, data.pop("host_enterprise_id"), "host_enterprise_id")
    data["attendance"] = [{"enterprise": _enterprise(user, row["enterprise_id"], f"attendance[{i}].enterprise_id"),
                           "participants": row["participants"]} for i, row in enumerate(data["attendance"])]
    activity = services.record_activity(user, network, data)
    return Status(201, selectors.activities(network).get(pk=activity.pk))


# Money ------------------------------------------------------------------------------------------------

@router.get("/{network_id}/contracts", response=answers(200, list[ContractOut], 401, 404), summary="Manager contracts")
def list_contracts(request, network_id: int):
    return list(selectors.contracts(_network(request, network_id)))


@router.post("/{network_id}/contracts", response=answers(201, ContractOut, 401, 403, 404, 422),
             summary="Record a manager contract")
def create_contract(request, network_id: int, payload: ContractCreate):
    user = _user(request)
    network = _network(request, network_id)
    data = payload.model_dump()
    data["manager"] = data.pop("manager_id")
    return Status(201, services.create_contract(user, network, data))


@router.post("/{network_id}/contracts/accrue", response=answers(200, list[CostOut], 401, 403, 404, 422),
             summary="Accrue manager costs")
def accrue_contracts(request, network_id: int, payload: AccrueIn):
    """Write each contract month starting on or before `through` to the cost ledger (once)."""
    user = _user(request)
    return services.accrue_manager_costs(user, _network(request, network_id), payload.through)


@router.get("/{network_id}/costs", response=answers(200, CostPage, 401, 404, 422), summary="Cost ledger")
def list_costs(request, network_id: int, page: Query[PageQuery]):
    return list_page(selectors.costs(_network(request, network_id)), page.limit, page.offset)


@router.post("/{network_id}/costs", response=repeatable_answers(CostOut),
             summary="Record a cost")
def record_cost(request, network_id: int, payload: CostCreate):
    user = _user(request)
    network = _network(request, network_id, policy.can_record_cost)
    contract = None
    if payload.contract_id is not None:
        contract = ManagerContract.objects.filter(network=network, pk=payload.contract_id).first()
        if contract is None:
            raise ValidationFailed({"contract_id": [_("No such contract in this network.")]})
    entry, created = services.record_cost(user, network, category=payload.category, amount=payload.amount,
                                          incurred_on=payload.incurred_on, idempotency_key=payload.idempotency_key,
                                          note=payload.note, currency=payload.currency, contract=contract)
    return Status(201 if created else 200, entry)


@router.post("/{network_id}/costs/{entry_id}/reverse", response=repeatable_answers(CostOut),
             summary="Reverse a cost")
def reverse_cost(request, network_id: int, entry_id: int, payload: ReverseIn):
    return _reversed(request, network_id, CostEntry, entry_id, payload, services.reverse_cost,
                     _("No such cost entry."))


def _reversed(request, network_id: int, ledger, entry_id: int, payload: ReverseIn, reverse_entry, missing: str):
    """A reversal of the network's entry `entry_id` of `ledger` (201 new, 200 the same one again)."""
    entry = ledger.objects.filter(network=_network(request, network_id), pk=entry_id).first()
    if entry is None:
        raise NotFound(missing)
    reversal, created = reverse_entry(_user(request), entry, payload.reason, payload.idempotency_key)
    return Status(201 if created else 200, reversal)


@router.get("/{network_id}/contributions", response=answers(200, ContributionPage, 401, 404, 422),
            summary="Contribution ledger")
def list_contributions(request, network_id: int, page: Query[PageQuery]):
    """Member firms' payments the caller may see (a firm's users see their own firm's)."""
    user = _user(request)
    return list_page(selectors.contributions(user, _network(request, network_id)), page.limit, page.offset)


@router.post("/{network_id}/contributions", response=repeatable_answers(ContributionOut),
             summary="Record a contribution")
def record_contribution(request, network_id: int, payload: ContributionCreate):
    user = _user(request)
    network = _network(request, network_id, policy.can_record_contribution)
    enterprise = _enterprise(user, payload.enterprise_id, "enterprise_id")
    entry, created = services.record_contribution(
        user, network, enterprise=enterprise, amount=payload.amount, paid_on=payload.paid_on,
        idempotency_key=payload.idempotency_key, note=payload.note, currency=payload.currency)
    return Status(201 if created else 200, entry)


@router.post("/{network_id}/contributions/{entry_id}/reverse",
             response=repeatable_answers(ContributionOut),
             summary="Reverse a contribution")
def reverse_contribution(request, network_id: int, entry_id: int, payload: ReverseIn):
    return _reversed(request, network_id, ContributionEntry, entry_id, payload, services.reverse_contribution,
                     _("No such contribution."))


@router.get("/{network_id}/shares", response=answers(200, MoneyOut, 401, 404), summary="Who pays: derived shares")
def get_shares(request, network_id: int):
    """Expenses, the schedule's agency/member split, contributions and the members' share of the
    expenses, over the network's life and per network year."""
    overview = selectors.money_overview(_network(request, network_id))
    return {"currency": overview.currency,
            "funding_schedule": overview.schedule.code if overview.schedule else None,
            "lifetime": overview.lifetime.as_dict(),
            "by_year": [{"year": year, **s.as_dict()} for year, s in overview.by_year]}


# Evaluations -----------------------------------------------------------------------------------------

@router.get("/{network_id}/evaluations", response=answers(200, EvaluationPage, 401, 404, 422), summary="Evaluations")
def list_evaluations(request, network_id: int, page: Query[PageQuery]):
    """Evaluations the caller may see (a firm's users see their own firm's)."""
    user = _user(request)
    return list_page(selectors.evaluations(user, _network(request, network_id)), page.limit, page.offset)


@router.post("/{network_id}/evaluations", response=answers(201, EvaluationOut, 401, 403, 404, 422),
             summary="Record an evaluation")
def record_evaluation(request, network_id: int, payload: EvaluationCreate):
    user = _user(request)
    network = _network(request, network_id, policy.can_record_evaluation)
    enterprise = _enterprise(user, payload.enterprise_id, "enterprise_id")
    evaluation = services.record_evaluation(user, network, enterprise, payload.evaluated_on, payload.scores,
                                            payload.notes)
    return Status(201, selectors.evaluations(user, network).get(pk=evaluation.pk))


@router.get("/{network_id}/evaluations/progress", response=answers(200, ProgressOut, 401, 404),
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


@router.get("/{network_id}/assessments", response=answers(200, list[AssessmentOut], 401, 404),
            summary="Independence assessments")
def list_assessments(request, network_id: int):
    """Each assessment with its twelve criteria ("k of 12"), computed ones from the records."""
    return [_assessment_out(a, r) for a, r in selectors.assessments(_network(request, network_id))]


@router.get("/{network_id}/assessments/preview", response=answers(200, list[CriterionOut], 401, 404, 422),
            summary="The computed criteria now")
def preview_assessment(request, network_id: int, filters: Query[PreviewQuery]):
    """The seven criteria the records answer, as of `on` (default today), for the assessment form."""
    network = _network(request, network_id)
    computed = selectors.independence_preview(network, filters.on, filters.window_months)
    return [computed[c.code].as_dict() for c in independence.CRITERIA if c.computed]


@router.get("/{network_id}/assessments/{assessment_id}", response=answers(200, AssessmentOut, 401, 404),
            summary="Read an assessment")
def get_assessment(request, network_id: int, assessment_id: int):
    network = _network(request, network_id)
    assessment = network.assessments.filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound(_("No such assessment."))
    return _assessment_out(assessment, independence.evaluate_assessment(assessment))


@router.post("/{network_id}/assessments", response=answers(201, AssessmentOut, 401, 403, 404, 422),
             summary="Assess independence")
def record_assessment(request, network_id: int, payload: AssessmentCreate):
    """Judge the five judged criteria with evidence; the seven others are computed."""
    user = _user(request)
    network = _network(request, network_id)
    judgements = {code: j.model_dump() for code, j in payload.judgements.items()}
    assessment = services.record_assessment(user, network, payload.assessed_on, judgements,
                                            window_months=payload.window_months, notes=payload.notes)
    return Status(201, _assessment_out(assessment, independence.evaluate_assessment(assessment)))
