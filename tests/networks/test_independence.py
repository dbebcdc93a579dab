"""Dini's twelve criteria: thresholds are strict, windows are exact, judged criteria need evidence,
only agency staff assess, and the PROFO graduation gate reads the latest assessment and the ledgers."""

from datetime import date, timedelta

import pytest
from tests.conftest import make_enterprise

from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed
from triplec.core.months import window_start
from triplec.networks import services
from triplec.networks.independence import CRITERIA, JUDGED, compute_criteria, evaluate_assessment
from triplec.networks.lifecycle import GateNotPassed
from triplec.networks.models import IndependenceAssessment

ON = date(2025, 6, 30)
ALL_MET = {code: {"met": True, "evidence": f"seen: {code}"} for code in JUDGED}


@pytest.fixture
def small(nets):
    """A PROFO of four firms started 2024-01-01 with no records yet."""
    admin = nets.users["agency-admin"]
    network = services.create_network(admin, {"kind": "profo", "name": "Small PROFO", "currency": "CLP",
                                               "started_on": date(2024, 1, 1), "broker": nets.users["broker"]})
    firms = [make_enterprise(legal_name=f"Small {i}", national_id=f"SM-{i}", country="CL") for i in range(4)]
    for firm in firms:
        services.add_member(admin, network, firm, date(2024, 1, 1))
    return network, firms


def test_there_are_twelve_criteria_seven_computed_five_judged():
    assert [c.number for c in CRITERIA] == list(range(1, 13))
    assert sum(c.computed for c in CRITERIA) == 7 and len(JUDGED) == 5
    assert set(JUDGED) == {"autonomous-proposals", "local-leadership", "locality-reaction", "idea-diffused",
                           "continue-independently"}


def test_collective_business_counts_only_joint_business_inside_the_window(nets, small):
    network, _ = small
    broker = nets.users["broker"]
    first_day = window_start(ON, 12)
    assert first_day == date(2024, 7, 1)
    services.record_activity(broker, network, {"kind": "joint-purchase", "occurred_on": first_day - timedelta(days=1),
                                               "title": "Just before the window"})
    services.record_activity(broker, network, {"kind": "group-travel", "occurred_on": date(2025, 1, 1),
                                               "title": "Trip (not joint business)"})
    result = compute_criteria(network, ON)["collective-business"]
    assert not result.met and result.basis.startswith("0 collective business activities from 2024-07-01")
    services.record_activity(broker, network, {"kind": "joint-marketing", "occurred_on": first_day,
                                               "title": "First day of the window"})
    assert compute_criteria(network, ON)["collective-business"].met
    assert not compute_criteria(network, ON, window_months=6)["collective-business"].met


def test_more_than_half_of_expenses_means_strictly_more(nets, small):
    network, firms = small
    admin = nets.users["agency-admin"]
    services.record_cost(admin, network, category="manager", amount="1000.00", incurred_on=date(2025, 1, 1),
                         idempotency_key="m")
    services.record_contribution(admin, network, enterprise=firms[0], amount="500.00", paid_on=date(2025, 2, 1),
                                 idempotency_key="a")
    half = compute_criteria(network, ON)["contributes-half"]
    assert not half.met and "(50.0%; more than 50% needed)" in half.basis
    services.record_contribution(admin, network, enterprise=firms[1], amount="0.01", paid_on=date(2025, 2, 1),
                                 idempotency_key="b")
    assert compute_criteria(network, ON)["contributes-half"].met
    # a contribution outside the window does not count
    assert not compute_criteria(network, date(2026, 3, 1), window_months=1)["contributes-half"].met


def test_no_expenses_is_not_met(small):
    network, _ = small
    result = compute_criteria(network, ON)["contributes-half"]
    assert not result.met and result.basis.startswith("No expenses recorded")


def test_more_than_75_percent_of_firms_means_strictly_more(nets, small):
    network, firms = small
    officer = nets.users["programme-officer"]
    for i, firm in enumerate(firms):
        services.record_evaluation(officer, network, firm, date(2024, 2, 1), {"process": 2, "product-design": 2})
        later = {"process": 3 if i < 3 else 2, "product-design": 3}  # process: 3 of 4 = 75%; product: 4 of 4
        services.record_evaluation(officer, network, firm, date(2025, 2, 1), later)
    computed = compute_criteria(network, ON)
    assert not computed["process-improvement"].met
    assert computed["process-improvement"].basis.startswith("3 of 4 member firms improved in process (75%")
    assert computed["product-improvement"].met
    assert not computed["hr-strategy"].met and computed["hr-strategy"].basis.startswith("0 of 4")
    # scores after the assessment date do not count
    assert not compute_criteria(network, date(2024, 12, 31))["product-improvement"].met


def test_assessments_need_every_judged_criterion_and_evidence_when_met(nets, small):
    network, _ = small
    officer = nets.users["programme-officer"]
    with pytest.raises(ValidationFailed) as caught:
        services.record_assessment(officer, network, ON, {
            "autonomous-proposals": {"met": True, "evidence": ""},
            "contributes-half": {"met": True, "evidence": "we say so"},
            "charisma": {"met": True, "evidence": "x"},
            "local-leadership": {"met": "yes"}})
    errors = caught.value.errors
    assert "Give the evidence" in errors["judgements.autonomous-proposals"][0]
    assert "computed from the records" in errors["judgements.contributes-half"][0]
    assert "Unknown criterion" in errors["judgements.charisma"][0]
    assert '"met": true or false' in errors["judgements.local-leadership"][0]
    assert {"judgements.locality-reaction", "judgements.idea-diffused", "judgements.continue-independently"} <= set(
        errors)
    with pytest.raises(ValidationFailed) as caught:
        services.record_assessment(officer, network, date.today() + timedelta(days=1), ALL_MET, window_months=0)
    assert set(caught.value.errors) == {"assessed_on", "window_months"}
    assert not IndependenceAssessment.objects.exists()


@pytest.mark.parametrize("name,error", [("broker", PermissionDenied), ("evaluator", PermissionDenied),
                                        ("association-manager", NotFound), ("other-broker", NotFound)])
def test_only_agency_staff_assess_independence(nets, small, name, error):
    network, _ = small
    with pytest.raises(error):
        services.record_assessment(nets.users[name], network, ON, ALL_MET)


def test_an_assessment_reports_k_of_12_with_each_basis(nets, small):
    network, _ = small
    assessment = services.record_assessment(nets.users["agency-admin"], network, ON, ALL_MET, notes="Visit")
    result = evaluate_assessment(assessment)
    assert result.label == "5 of 12" and result.met_count == 5  # the judged five; no records yet
    assert [c.criterion.number for c in result.criteria] == list(range(1, 13))
    assert assessment.snapshot["label"] == "5 of 12"
    assessment.judgements.filter(criterion="idea-diffused").delete()
    bases = {c.criterion.code: c.basis for c in evaluate_assessment(assessment).criteria}
    assert bases["idea-diffused"] == "Not judged."


def test_graduation_needs_six_criteria_and_members_paying_most_of_the_expenses(nets, small):
    network, firms = small
    officer, today = nets.users["programme-officer"], date.today()
    areas = ("hr-strategy", "product-design", "process", "sales-strategy", "financial-management")
    services.update_network(officer, network, {"basis_for_collaboration": "b", "short_term_goals": "s",
                                               "medium_term_goals": "m", "target_buyers": [nets.world.buyer]})
    services.transition(officer, network, "consolidation", effective_on=date(2024, 2, 1), evidence=[
        {"requirement": "diagnosis", "reference": "r"}, {"requirement": "admission-decision", "text": "ok",
                                                         "date": date(2024, 2, 1)}])
    for firm in firms:
        services.record_evaluation(officer, network, firm, date(2024, 3, 1), {a: 2 for a in areas})
        services.record_evaluation(officer, network, firm, today - timedelta(days=60), {a: 3 for a in areas})
    services.record_activity(officer, network, {"kind": "joint-purchase", "occurred_on": today - timedelta(days=30),
                                                "title": "Leather bought together"})
    services.transition(officer, network, "independence", effective_on=today - timedelta(days=20),
                        evidence=[{"requirement": "takeover-plan", "reference": "plan"}])
    graduation = [{"requirement": "graduation-decision", "text": "Graduates", "date": today}]
    with pytest.raises(GateNotPassed) as caught:
        services.transition(officer, network, "graduated", evidence=graduation)
    assert set(caught.value.errors) == {"requirements.independence-score", "requirements.members-pay-majority"}
    # assessed before the follow-up evaluations and the joint purchase: nothing met
    services.record_assessment(officer, network, today - timedelta(days=90), {c: {"met": False} for c in JUDGED})
    services.record_cost(officer, network, category="manager", amount="1000.00", incurred_on=today,
                         idempotency_key="m")
    services.record_contribution(officer, network, enterprise=firms[0], amount="600.00", paid_on=today,
                                 idempotency_key="c")
    with pytest.raises(GateNotPassed) as caught:
        services.transition(officer, network, "graduated", evidence=graduation)
    assert list(caught.value.errors) == ["requirements.independence-score"]
    assert "0 of 12 criteria met (6 needed)" in caught.value.errors["requirements.independence-score"][0]
    # today: collective business + five areas improved by every firm + members paid 60% = 7
    latest = services.record_assessment(officer, network, today, {c: {"met": False} for c in JUDGED})
    assert evaluate_assessment(latest).met_count == 7
    services.transition(officer, network, "graduated", evidence=graduation)
    assert network.stage.code == "graduated"
