"""The steps of `transition()` that are rules on their own, checked without a database: which date a
change takes effect, which kind of change a move is, what going back, closing and reopening need,
and how a gate tells who may pass it. The whole procedure is checked in test_lifecycle.py."""

from datetime import date

import pytest

from triplec.core.errors import ValidationFailed
from triplec.networks.lifecycle import gate_role_refusal, transitions
from triplec.networks.models import Gate, Network, Stage, TransitionKind

pytestmark = pytest.mark.nodb

TODAY = date(2025, 6, 15)
SINCE = date(2025, 3, 1)
INTEREST = Stage(pk=1, code="interest", name="Interest", order=0)
IDEA = Stage(pk=2, code="viable-idea", name="Viable network idea", order=1)
GROUP = Stage(pk=3, code="group-ownership", name="Group ownership", order=2)
CLOSED = Stage(pk=9, code="closed", name="Closed", order=6, is_closed=True)


def in_stage(stage: Stage) -> Network:
    return Network(stage=stage, stage_since=SINCE)


def errors_of(call) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


@pytest.mark.parametrize("given,expected", [
    (None, TODAY), (TODAY, TODAY), (SINCE, SINCE), (date(2025, 4, 2), date(2025, 4, 2))])
def test_a_change_takes_effect_today_or_on_a_day_from_the_stage_start_to_today(given, expected):
    assert transitions._effective_date(in_stage(IDEA), given, today=TODAY) == expected


def test_a_change_cannot_take_effect_in_the_future():
    errors = errors_of(lambda: transitions._effective_date(in_stage(IDEA), date(2025, 6, 16), today=TODAY))
    assert errors == {"effective_on": ["The date is in the future."]}


def test_a_change_cannot_take_effect_before_the_current_stage_began():
    errors = errors_of(lambda: transitions._effective_date(in_stage(IDEA), date(2025, 2, 28), today=TODAY))
    assert errors == {"effective_on": [
        "The network has been in Viable network idea since 2025-03-01; a change cannot take effect earlier."]}


@pytest.mark.parametrize("current,target,kind", [
    (INTEREST, IDEA, TransitionKind.FORWARD),
    (INTEREST, GROUP, TransitionKind.FORWARD),  # too far: _gate_between refuses it, not this step
    (GROUP, INTEREST, TransitionKind.BACK),
    (IDEA, CLOSED, TransitionKind.CLOSE),
])
def test_the_kind_of_change_follows_the_order_of_the_stages(current, target, kind):
    assert transitions._kind_of_change(in_stage(current), current, target) == kind


def test_moving_to_the_stage_the_network_is_in_is_refused():
    errors = errors_of(lambda: transitions._kind_of_change(in_stage(IDEA), IDEA, IDEA))
    assert errors == {"to_stage": ["The network is already in Viable network idea."]}


@pytest.mark.parametrize("kind,message", [
    (TransitionKind.BACK, "Say why the network is going back."),
    (TransitionKind.CLOSE, "Say why the network is closing."),
    (TransitionKind.REOPEN, "Say why the network is reopening."),
])
def test_going_back_closing_and_reopening_need_a_reason(kind, message):
    assert errors_of(lambda: transitions._require_reason_and_no_evidence(kind, "", [])) == {"reason": [message]}
    transitions._require_reason_and_no_evidence(kind, "The buyer withdrew", [])


def test_evidence_is_refused_before_the_reason_is_asked_for_when_no_gate_is_passed():
    errors = errors_of(lambda: transitions._require_reason_and_no_evidence(
        TransitionKind.BACK, "", [{"requirement": "network-idea", "reference": "x"}]))
    assert errors == {"evidence": ["Evidence is given only when passing a gate forward."]}


def test_a_gate_names_the_roles_that_may_pass_it_and_limits_brokers_to_their_own_networks():
    agency = Gate(name="Admission as a PROFO", allowed_roles=["agency-admin", "programme-officer"])
    assert gate_role_refusal(agency) == (
        "Only these roles may pass 'Admission as a PROFO': Agency administrator, Programme officer.")
    brokers = Gate(name="A group takes ownership", allowed_roles=["broker", "agency-admin", "no-such-role"])
    assert gate_role_refusal(brokers) == ("Only these roles may pass 'A group takes ownership': Broker / network "
                                          "manager, Agency administrator (a broker only for their own networks).")
