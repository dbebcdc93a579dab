"""The lifecycle engine: gates as data, the one transition function and its rules.

Rules checked here: a new network starts in its kind's first stage with a start record; the "viable
idea" gate cannot pass without a target customer or market; no stage can be skipped; every gate
checks its evidence and its roles; going back and closing need a reason; a closed network reopens
only in the stage it was closed from; every change is recorded (who, when, why, evidence); PROFO
admission needs a basis for collaboration and clear goals and is the agency's decision; agency-
defined kinds are validated like the shipped ones.
"""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed
from triplec.networks import lifecycle, services
from triplec.networks.lifecycle import GateNotPassed
from triplec.networks.models import GateEvidence, Network, NetworkKind, Transition

from .conftest import START

TODAY = date.today()
DOC = {"reference": "archive://minutes/2024-02"}
DECISION = {"text": "The six firms agreed to pursue the idea", "date": date(2024, 3, 1)}


def stage(network) -> str:
    return Network.objects.select_related("stage").get(pk=network.pk).stage.code


def make(nets, kind="brokered", name="Bare network", **data):
    return services.create_network(nets.users["agency-admin"], {
        "kind": kind, "name": name, "currency": "BRL", "started_on": START, "broker": nets.users["broker"], **data})


def walk_danish(nets, network, upto: str):
    """Pass the Danish gates in order with their evidence until `upto` is reached."""
    broker = nets.users["broker"]
    steps = [
        ("viable-idea", [{"requirement": "network-idea", **DOC}]),
        ("group-ownership", [{"requirement": "group-decision", **DECISION}]),
        ("feasibility-study", [{"requirement": "study-terms", **DOC},
                               {"requirement": "study-start", "date": date(2024, 4, 1)}]),
        ("implementation", [{"requirement": "study-report", **DOC},
                            {"requirement": "go-decision", "text": "Go", "date": date(2024, 6, 1)}]),
    ]
    for code, evidence in steps:
        if stage(network) == upto:
            return
        services.transition(broker, network, code, evidence=evidence)
    assert stage(network) == upto


# Start and the market gate -------------------------------------------------------------------------------

def test_a_new_network_starts_in_the_first_stage_with_a_start_record(nets):
    net = nets.net
    assert stage(net) == "interest" and net.stage_since == START
    rows = lifecycle.history(net)
    assert [(r.kind, r.from_stage, r.to_stage.code, r.actor.username) for r in rows] == [
        ("start", None, "interest", "broker")]
    assert stage(nets.other) == "preparation"


def test_the_idea_gate_cannot_pass_without_a_target_customer_or_market(nets):
    bare = make(nets)
    with pytest.raises(GateNotPassed) as caught:
        services.transition(nets.users["broker"], bare, "viable-idea",
                            evidence=[{"requirement": "network-idea", **DOC}])
    assert list(caught.value.errors) == ["requirements.target-market"]
    assert "No named buyer and no described market" in caught.value.errors["requirements.target-market"][0]
    assert stage(bare) == "interest"
    assert Transition.objects.filter(network=bare).count() == 1  # only the start
    assert not GateEvidence.objects.filter(network=bare).exists()  # the refused call's evidence is not kept


def test_a_described_market_needs_product_volume_and_quality(nets):
    broker = nets.users["broker"]
    bare = make(nets, market_product="School desks", market_volume="500 a year")
    services.add_gate_evidence(broker, bare, "network-idea", **DOC)
    with pytest.raises(GateNotPassed) as caught:
        services.transition(broker, bare, "viable-idea")
    assert "lacks its quality" in caught.value.errors["requirements.target-market"][0]
    services.update_network(broker, bare, {"market_quality": "State standard NBR 14006"})
    row = services.transition(broker, bare, "viable-idea")
    market = next(item for item in row.checklist if item["code"] == "target-market")
    assert market["met"] and market["basis"].startswith("Described market: School desks")


def test_passing_a_gate_records_who_when_why_and_the_evidence(nets):
    broker = nets.users["broker"]
    row = services.transition(broker, nets.net, "viable-idea", reason="Buyer confirmed interest",
                              evidence=[{"requirement": "network-idea", "text": "Desks for schools", **DOC}],
                              effective_on=date(2024, 2, 15))
    assert (row.kind, row.from_stage.code, row.to_stage.code, row.gate.name) == (
        "forward", "interest", "viable-idea", "Identify a viable network idea")
    assert row.actor == broker and row.reason == "Buyer confirmed interest" and row.effective_on == date(2024, 2, 15)
    assert [e.reference for e in row.evidence.all()] == [DOC["reference"]]
    assert {i["code"]: i["met"] for i in row.checklist} == {"target-market": True, "network-idea": True}
    net = Network.objects.get(pk=nets.net.pk)
    assert net.stage.code == "viable-idea" and net.stage_since == date(2024, 2, 15)
    assert net.history.first().history_change_reason == "stage: interest -> viable-idea"


# No skipping, back, close, reopen -----------------------------------------------------------------------

@pytest.mark.parametrize("target", ["group-ownership", "feasibility-study", "operating"])
def test_no_stage_can_be_skipped(nets, target):
    with pytest.raises(ValidationFailed) as caught:
        services.transition(nets.users["agency-admin"], nets.net, target,
                            evidence=[{"requirement": "network-idea", **DOC}])
    message = caught.value.errors["to_stage"][0]
    assert "one at a time" in message and "'Identify a viable network idea'" in message
    assert stage(nets.net) == "interest"


def test_walking_the_danish_gates_stops_at_missing_evidence_until_it_is_there(nets):
    broker = nets.users["broker"]
    walk_danish(nets, nets.net, "implementation")
    with pytest.raises(GateNotPassed) as caught:
        services.transition(broker, nets.net, "operating",
                            evidence=[{"requirement": "cooperation-agreement", **DOC}])
    assert list(caught.value.errors) == ["requirements.collective-business"]
    assert "0 collective business activities" in caught.value.errors["requirements.collective-business"][0]
    services.record_activity(broker, nets.net, {"kind": "joint-purchase", "occurred_on": TODAY,
                                                "title": "Timber bought together", "broker_hours": "3.5"})
    services.add_gate_evidence(broker, nets.net, "cooperation-agreement", **DOC)
    services.transition(broker, nets.net, "operating")
    assert stage(nets.net) == "operating"
    assert lifecycle.checklist(Network.objects.get(pk=nets.net.pk)) is None  # final stage: no next gate
    assert [r.to_stage.code for r in lifecycle.history(nets.net)] == [
        "interest", "viable-idea", "group-ownership", "feasibility-study", "implementation", "operating"]


def test_unknown_stage_codes_are_refused_with_the_list(nets):
    with pytest.raises(ValidationFailed) as caught:
        services.transition(nets.users["broker"], nets.net, "nirvana")
    assert "use one of interest, viable-idea" in caught.value.errors["to_stage"][0]


def test_going_back_needs_a_reason_and_the_gate_is_checked_again_forward(nets):
    broker = nets.users["broker"]
    walk_danish(nets, nets.net, "feasibility-study")
    with pytest.raises(ValidationFailed) as caught:
        services.transition(broker, nets.net, "viable-idea")
    assert "reason" in caught.value.errors
    row = services.transition(broker, nets.net, "viable-idea", reason="Two firms dropped the idea")
    assert (row.kind, row.from_stage.code, row.to_stage.code) == ("back", "feasibility-study", "viable-idea")
    decision = GateEvidence.objects.get(network=nets.net, requirement__code="group-decision")
    services.withdraw_gate_evidence(broker, decision, "The decision no longer holds")
    with pytest.raises(GateNotPassed) as caught:
        services.transition(broker, nets.net, "group-ownership")
    assert list(caught.value.errors) == ["requirements.group-decision"]
    services.transition(broker, nets.net, "group-ownership",
                        evidence=[{"requirement": "group-decision", "text": "Four firms go on", "date": TODAY}])
    assert stage(nets.net) == "group-ownership"


@pytest.mark.parametrize("upto", ["interest", "feasibility-study", "implementation"])
def test_closing_is_allowed_from_any_stage_with_a_reason_and_reopens_where_it_was(nets, upto):
    broker = nets.users["broker"]
    walk_danish(nets, nets.net, upto)
    with pytest.raises(ValidationFailed, match="reason"):
        services.transition(broker, nets.net, "closed")
    services.transition(broker, nets.net, "closed", reason="The buyer withdrew")
    assert stage(nets.net) == "closed"
    with pytest.raises(ValidationFailed, match="only be reopened in the stage it was closed from"):
        services.transition(broker, nets.net, "interest" if upto != "interest" else "viable-idea",
                            reason="Try again")
    with pytest.raises(ValidationFailed, match="reason"):
        services.transition(broker, nets.net, upto)
    row = services.transition(broker, nets.net, upto, reason="A new buyer came forward")
    assert row.kind == "reopen" and stage(nets.net) == upto
    with pytest.raises(ValidationFailed, match="already in"):
        services.transition(broker, nets.net, upto, reason="again")


def test_a_closed_network_takes_no_activities_members_or_evaluations(nets):
    admin = nets.users["agency-admin"]
    services.transition(admin, nets.net, "closed", reason="Stopped")
    net = Network.objects.get(pk=nets.net.pk)
    with pytest.raises(ValidationFailed, match="closed"):
        services.record_activity(admin, net, {"kind": "meeting", "occurred_on": TODAY, "title": "x"})
    with pytest.raises(ValidationFailed, match="closed"):
        services.add_member(admin, net, nets.world.ent_none, TODAY)
    with pytest.raises(ValidationFailed, match="closed"):
        services.record_evaluation(admin, net, nets.world.ent_a1, TODAY, {"process": 3})


def test_effective_dates_are_not_in_the_future_nor_before_the_current_stage(nets):
    broker = nets.users["broker"]
    evidence = [{"requirement": "network-idea", **DOC}]
    with pytest.raises(ValidationFailed, match="future"):
        services.transition(broker, nets.net, "viable-idea", evidence=evidence, effective_on=TODAY + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="since 2024-01-01"):
        services.transition(broker, nets.net, "viable-idea", evidence=evidence, effective_on=date(2023, 12, 31))


# Who may change the stage ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["enterprise-user", "association-manager", "evaluator"])
def test_readers_of_a_network_cannot_change_its_stage(nets, name):
    with pytest.raises(PermissionDenied):
        services.transition(nets.users[name], nets.net, "viable-idea",
                            evidence=[{"requirement": "network-idea", **DOC}])
    with pytest.raises(PermissionDenied):
        services.transition(nets.users[name], nets.net, "closed", reason="no")
    assert stage(nets.net) == "interest"


@pytest.mark.parametrize("name", ["other-broker", "other-enterprise-user", "other-association-manager"])
def test_outsiders_do_not_even_find_the_network(nets, name):
    with pytest.raises(NotFound):
        services.transition(nets.users[name], nets.net, "closed", reason="no")


def _ready_for_admission(nets, profo):
    admin = nets.users["agency-admin"]
    services.update_network(admin, profo, {
        "basis_for_collaboration": "Shared suppliers and a common export market",
        "short_term_goals": "Joint stand at the Franca fair", "medium_term_goals": "Export 20% of output",
        "target_buyers": [nets.world.buyer]})
    services.add_gate_evidence(admin, profo, "diagnosis", reference="archive://diagnosis.pdf")
    services.add_gate_evidence(admin, profo, "admission-decision", text="Admitted", date=TODAY)


def test_profo_admission_needs_basis_and_goals(nets):
    officer = nets.users["programme-officer"]
    services.add_gate_evidence(officer, nets.other, "diagnosis", reference="archive://diagnosis.pdf")
    services.add_gate_evidence(officer, nets.other, "admission-decision", text="Admitted", date=TODAY)
    services.update_network(officer, nets.other, {"target_buyers": [nets.world.buyer]})
    with pytest.raises(GateNotPassed) as caught:
        services.transition(officer, nets.other, "consolidation")
    assert set(caught.value.errors) == {"requirements.basis", "requirements.goals"}
    services.update_network(officer, nets.other, {"basis_for_collaboration": "Common suppliers",
                                                  "short_term_goals": "Joint stand"})
    with pytest.raises(GateNotPassed) as caught:
        services.transition(officer, nets.other, "consolidation")
    assert caught.value.errors == {"requirements.goals": [
        "Clear short- and medium-term goals: No medium-term goals written down."]}
    services.update_network(officer, nets.other, {"medium_term_goals": "Export 20%"})
    services.transition(officer, nets.other, "consolidation")
    assert stage(nets.other) == "consolidation"


def test_profo_admission_is_the_agencys_decision_not_the_brokers(nets):
    _ready_for_admission(nets, nets.other)
    with pytest.raises(PermissionDenied, match="Programme officer"):
        services.transition(nets.users["other-broker"], nets.other, "consolidation")
    services.transition(nets.users["programme-officer"], nets.other, "consolidation")
    # the broker still manages the network and may take it back with a reason
    services.transition(nets.users["other-broker"], nets.other, "preparation", reason="Diagnosis redone")
    assert stage(nets.other) == "preparation"


def test_profo_consolidation_gate_counts_evaluations_of_every_member(nets):
    officer = nets.users["programme-officer"]
    _ready_for_admission(nets, nets.other)
    services.transition(officer, nets.other, "consolidation", effective_on=date(2024, 2, 1))
    services.add_gate_evidence(officer, nets.other, "takeover-plan", reference="archive://plan")
    services.record_activity(officer, nets.other, {"kind": "joint-marketing", "occurred_on": date(2024, 5, 1),
                                                   "title": "Catalogue"})
    services.record_evaluation(officer, nets.other, nets.world.ent_b1, date(2024, 2, 10), {"process": 2})
    with pytest.raises(GateNotPassed) as caught:
        services.transition(officer, nets.other, "independence")
    assert list(caught.value.errors) == ["requirements.evaluations"]
    assert "Fewest evaluations of a member firm: 1" in caught.value.errors["requirements.evaluations"][0]
    services.record_evaluation(officer, nets.other, nets.world.ent_b1, date(2024, 8, 10), {"process": 3})
    services.transition(officer, nets.other, "independence")
    assert stage(nets.other) == "independence"


# Evidence ------------------------------------------------------------------------------------------------

def test_evidence_must_fit_its_requirement(nets):
    broker = nets.users["broker"]
    walk_danish(nets, nets.net, "viable-idea")
    with pytest.raises(ValidationFailed) as caught:
        services.add_gate_evidence(broker, nets.net, "group-decision", text="")
    assert set(caught.value.errors) == {"text", "date"}
    with pytest.raises(ValidationFailed, match="future"):
        services.add_gate_evidence(broker, nets.net, "group-decision", text="x", date=TODAY + timedelta(days=2))
    with pytest.raises(ValidationFailed, match="checked from the records"):
        services.add_gate_evidence(broker, nets.net, "goals", text="We have goals")
    with pytest.raises(ValidationFailed, match="Unknown field"):
        services.add_gate_evidence(broker, nets.net, "group-decision", text="x", date=TODAY, colour="red")
    with pytest.raises(ValidationFailed) as caught:
        services.transition(broker, nets.net, "group-ownership", evidence=[{"requirement": "network-idea", **DOC}])
    assert "is not a requirement of 'A group takes ownership'" in caught.value.errors["evidence[0].requirement"][0]
    profo_requirement = NetworkKind.objects.get(code="profo").gates.first().requirements.get(code="diagnosis")
    with pytest.raises(ValidationFailed, match="not a requirement of this kind"):
        services.add_gate_evidence(broker, nets.net, profo_requirement.pk, **DOC)


def test_documents_can_be_uploaded_as_evidence(nets, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("idea.pdf", b"%PDF-1.4 network idea", content_type="application/pdf")
    evidence = services.add_gate_evidence(nets.users["broker"], nets.net, "network-idea", document=upload)
    assert evidence.document.name.endswith("idea.pdf") and (tmp_path / evidence.document.name).exists()
    services.transition(nets.users["broker"], nets.net, "viable-idea")
    assert stage(nets.net) == "viable-idea"


def test_only_managers_attach_evidence(nets):
    with pytest.raises(PermissionDenied):
        services.add_gate_evidence(nets.users["enterprise-user"], nets.net, "network-idea", **DOC)
    with pytest.raises(NotFound):
        services.add_gate_evidence(nets.users["other-broker"], nets.net, "network-idea", **DOC)


# Agency-defined kinds --------------------------------------------------------------------------------

def craft_kind(code="craft-circle", **extra):
    return {
        "code": code, "name": "Craft circle", "size_min": 3, "size_max": 8, "funding": "firms-pay",
        "stages": [{"code": "forming", "name": "Forming"}, {"code": "selling", "name": "Selling together",
                                                              "evaluations_due": True},
                   {"code": "closed", "name": "Closed", "closed": True}],
        "gates": [{"from": "forming", "to": "selling", "name": "First joint sale", "roles": ["broker"],
                   "requirements": [
                       {"code": "market", "type": "condition", "check": "target-market", "label": "A market"},
                       {"code": "pledges", "type": "count", "check": "evidence", "minimum": 3,
                        "label": "Firms that signed the pledge"}]}],
        **extra}


def test_agency_defined_kinds_work_like_shipped_ones(nets):
    admin = nets.users["agency-admin"]
    with pytest.raises(PermissionDenied):
        services.define_kind(nets.users["programme-officer"], craft_kind())
    kind = services.define_kind(admin, craft_kind())
    assert (kind.shipped, kind.size_min, kind.funding_schedule.code) == (False, 3, "firms-pay")
    assert lifecycle.validate_definition(lifecycle.definition_of(kind)) == {}
    circle = services.create_network(nets.users["broker"], {
        "kind": "craft-circle", "name": "Lace makers", "currency": "EUR", "started_on": START,
        "target_buyers": [nets.world.buyer]})
    assert circle.broker == nets.users["broker"] and stage(circle) == "forming"
    with pytest.raises(GateNotPassed, match="Given: 2"):
        services.transition(nets.users["broker"], circle, "selling", evidence=[{"requirement": "pledges", "number": 2}])
    services.transition(nets.users["broker"], circle, "selling", evidence=[{"requirement": "pledges", "number": 3}])
    assert stage(circle) == "selling"
    # while networks of the kind exist its stages are fixed, its gates may change
    changed = craft_kind(name="Craft circle (renamed)")
    changed["stages"].insert(1, {"code": "testing", "name": "Testing"})
    changed["gates"][0]["from"] = "testing"
    changed["gates"].insert(0, {"from": "forming", "to": "testing", "name": "Try", "roles": ["broker"]})
    with pytest.raises(ValidationFailed, match="stages cannot change"):
        services.redefine_kind(admin, kind, changed)
    renamed = craft_kind(name="Craft circle (renamed)")
    renamed["gates"][0]["roles"] = ["broker", "programme-officer"]
    assert services.redefine_kind(admin, kind, renamed).name == "Craft circle (renamed)"
    assert list(kind.gates.get().allowed_roles) == ["broker", "programme-officer"]


def test_kind_definitions_are_validated_and_shipped_kinds_are_not_redefined(nets):
    admin = nets.users["agency-admin"]
    bad = craft_kind(code="Bad Code", funding="nobody-pays", size_min=9, size_max=2)
    bad["gates"][0]["requirements"] = bad["gates"][0]["requirements"][1:]
    with pytest.raises(ValidationFailed) as caught:
        services.define_kind(admin, bad)
    assert {"code", "funding", "size_max", "gates"} <= set(caught.value.errors)
    with pytest.raises(ValidationFailed, match="already exists"):
        services.define_kind(admin, craft_kind(code="brokered"))
    with pytest.raises(ValidationFailed, match="Shipped kinds"):
        services.redefine_kind(admin, NetworkKind.objects.get(code="profo"), craft_kind(code="profo"))


def test_shipped_definitions_install_idempotently(db):
    from triplec.networks.models import FundingRule, GateRequirement, Stage

    counts = (NetworkKind.objects.count(), Stage.objects.count(), GateRequirement.objects.count(),
              FundingRule.objects.count())
    lifecycle.install_shipped()
    assert (NetworkKind.objects.count(), Stage.objects.count(), GateRequirement.objects.count(),
            FundingRule.objects.count()) == counts
    assert set(NetworkKind.objects.values_list("code", flat=True)) >= {
        "brokered", "brokered-uk", "profo", "export-profo", "supplier-network"}
    supplier = NetworkKind.objects.get(code="supplier-network")
    first = supplier.gates.get(from_stage__order=0)
    assert set(first.requirements.values_list("code", flat=True)) >= {"target-market", "named-buyer"}


@pytest.mark.django_db(transaction=True)
def test_shipped_definitions_come_back_after_a_flush():
    """Transactional tests (the browser tests' live server) and `flush` empty every table; the
    post_migrate hook puts the shipped kinds, schedules and areas back."""
    from django.core.management import call_command

    from triplec.networks.models import EvaluationArea, FundingSchedule

    call_command("flush", interactive=False, verbosity=0)
    assert NetworkKind.objects.filter(code="profo").exists()
    assert FundingSchedule.objects.filter(code="export-profo").exists()
    assert EvaluationArea.objects.count() == 5
    assert lifecycle.validate_definition(lifecycle.definition_of(NetworkKind.objects.get(code="brokered"))) == {}
