"""Issue 8, item 14 (networks' parts): a gate's planned date may lie in the future ("Date the study
starts"), while dates of facts may not; evaluation scores 1-5 carry a meaning, shown and translated."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from django.utils import translation

from triplec.core.errors import ValidationFailed
from triplec.networks import lifecycle, services
from triplec.networks.models import SCORE_MAX, SCORE_MIN, GateRequirement, RequirementType, score_label

pytestmark = pytest.mark.django_db

TODAY = date.today()
NEXT_MONTH = TODAY + timedelta(days=30)


def test_the_study_start_is_a_planned_date():
    requirement = GateRequirement.objects.get(gate__kind__code="brokered", code="study-start")
    assert requirement.type == RequirementType.PLANNED_DATE and requirement.takes_evidence


def test_a_planned_date_may_be_in_the_future_and_a_fact_may_not(nets):
    broker = nets.users["broker"]
    net = nets.net
    planned = GateRequirement.objects.get(gate__kind=net.kind, code="study-start")
    evidence = services.add_gate_evidence(broker, net, planned.pk, date=NEXT_MONTH)
    assert evidence.date == NEXT_MONTH
    status = lifecycle.requirement_status(net, planned)
    assert status.met and NEXT_MONTH.isoformat() in status.basis
    decision = GateRequirement.objects.get(gate__kind=net.kind, code="group-decision")
    with pytest.raises(ValidationFailed) as caught:
        services.add_gate_evidence(broker, net, decision.pk, text="Agreed", date=NEXT_MONTH)
    assert caught.value.errors["date"] == ["The date is in the future."]
    with pytest.raises(ValidationFailed) as caught:
        services.add_gate_evidence(broker, net, planned.pk)
    assert caught.value.errors["date"] == ["Give the date."]


def test_an_agency_may_define_planned_dates_in_its_own_kinds():
    spec = {"stages": [{"code": "a", "name": "A"}, {"code": "b", "name": "B"}, {"code": "x", "name": "X", "closed": True}],
            "gates": [{"from": "a", "to": "b", "name": "G", "roles": ["broker"], "requirements": [
                {"code": "m", "type": "condition", "check": "target-market", "label": "Market"},
                {"code": "when", "type": "planned-date", "label": "When the fair starts"}]}]}
    assert lifecycle.validate_definition(spec) == {}


def test_the_evidence_form_asks_a_planned_date_on_the_page(nets, client_for):
    broker = nets.users["broker"]
    net = nets.net
    from tests.networks.test_pages_records import walk

    walk(broker, net, "group-ownership", date(2024, 2, 1))
    planned = GateRequirement.objects.get(gate__kind=net.kind, code="study-start")
    c = client_for(broker)
    r = c.post(f"/networks/{net.pk}/evidence/", {"requirement": planned.pk,
                                                  f"req{planned.pk}-date": NEXT_MONTH.isoformat()})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert net.evidence.get(requirement=planned).date == NEXT_MONTH


# Scores ---------------------------------------------------------------------------------------------------

def test_every_score_has_a_meaning_in_each_language():
    for language in ("en", "pt-br", "es"):
        with translation.override(language):
            labels = [score_label(n) for n in range(SCORE_MIN, SCORE_MAX + 1)]
        assert len(set(labels)) == 5 and all(labels), language
    with translation.override("en"):
        english = [score_label(n) for n in range(SCORE_MIN, SCORE_MAX + 1)]
    with translation.override("pt-br"):
        assert [score_label(n) for n in range(SCORE_MIN, SCORE_MAX + 1)] != english


def test_the_evaluation_form_and_page_show_what_each_score_means(nets, client_for):
    broker = nets.users["broker"]
    services.record_evaluation(broker, nets.net, nets.world.ent_a1, date(2024, 3, 1),
                               {"product-design": 2, "process": 4})
    c = client_for(broker)
    page = html.unescape(c.get(f"/networks/{nets.net.pk}/evaluations/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    with translation.override("en"):
        for n in range(SCORE_MIN, SCORE_MAX + 1):
            assert f"<option value=\"{n}\">{n} – {score_label(n)}</option>" in page
            assert score_label(n) in page.split('data-testid="score-scale"', 1)[1]
    page = html.unescape(c.get(f"/networks/{nets.net.pk}/evaluations/", HTTP_ACCEPT_LANGUAGE="pt-br").content.decode())
    with translation.override("pt-br"):
        assert f"<option value=\"4\">4 – {score_label(4)}</option>" in page
