"""What is due, and for whom, from plain records of each instrument (hand-written expectations): each
kind, the party in charge before the agency's editors, and nobody of another association or firm."""

from __future__ import annotations

from datetime import date

import pytest

from triplec.notifications.models import Kind
from triplec.notifications.services.due import Run

from .conftest import who_gets

pytestmark = pytest.mark.django_db


def _consolidate(nets, on=date(2024, 2, 1)):
    """nets.other (other-broker's PROFO, member ent_b1) into consolidation, where firms are evaluated."""
    from triplec.networks import services

    officer = nets.users["programme-officer"]
    services.update_network(officer, nets.other, {"basis_for_collaboration": "b", "short_term_goals": "s",
                                                  "medium_term_goals": "m", "target_buyers": [nets.world.buyer]})
    services.transition(officer, nets.other, "consolidation", effective_on=on, evidence=[
        {"requirement": "diagnosis", "reference": "r"}, {"requirement": "admission-decision", "text": "ok", "date": on}])


def test_an_overdue_evaluation_goes_to_the_networks_broker_and_leaves_once_done(nets):
    from triplec.networks import services

    _consolidate(nets)
    subject = "Sinos footwear PROFO · Calçados Gama"
    assert who_gets(nets.users, Run(on=date(2024, 2, 20)), Kind.EVALUATION_OVERDUE) == {}  # due 1 March
    assert who_gets(nets.users, Run(on=date(2024, 3, 5)), Kind.EVALUATION_OVERDUE) == {"other-broker": [subject]}
    services.record_evaluation(nets.users["other-broker"], nets.other, nets.world.ent_b1, date(2024, 3, 6),
                               {"process": 2})
    assert who_gets(nets.users, Run(on=date(2024, 3, 7)), Kind.EVALUATION_OVERDUE) == {}


def test_without_an_active_broker_the_agencys_editors_get_it(nets):
    _consolidate(nets)
    broker = nets.users["other-broker"]
    broker.is_active = False
    broker.save()
    assert who_gets(nets.users, Run(on=date(2024, 3, 5)), Kind.EVALUATION_OVERDUE) == {
        "agency-admin": ["Sinos footwear PROFO · Calçados Gama"],
        "programme-officer": ["Sinos footwear PROFO · Calçados Gama"]}


def test_a_gate_whose_checklist_is_met_waits_for_its_brokers_decision(nets):
    from triplec.networks import lifecycle, services

    run = Run(on=date(2024, 2, 1))
    assert who_gets(nets.users, run, Kind.GATE_WAITING) == {}
    gate = lifecycle.next_gate(nets.net)
    for r in gate.requirements.all():
        if r.takes_evidence:
            services.add_gate_evidence(nets.users["broker"], nets.net, r.pk, reference="Archive: idea")
    subject = f"Aruaru school furniture network: {gate.name}"
    assert who_gets(nets.users, Run(on=date(2024, 2, 1)), Kind.GATE_WAITING) == {"broker": [subject]}
    services.transition(nets.users["broker"], nets.net, gate.to_stage.code, effective_on=date(2024, 2, 1))
    assert who_gets(nets.users, Run(on=date(2024, 2, 1)), Kind.GATE_WAITING) == {}


def test_follow_ups_go_to_the_firm_and_its_stands_association_manager(expo, signed_up):
    users = expo.world.users
    # FENAC ended 9 April: its 3-month follow-up (9 July) shows from 25 June; ent_a1 was there alone.
    assert who_gets(users, Run(on=date(2027, 6, 24)), Kind.FOLLOW_UP_DUE) == {}
    assert who_gets(users, Run(on=date(2027, 6, 25)), Kind.FOLLOW_UP_DUE) == {
        "enterprise-user": ["Serraria Alfa Ltda · FENAC 2027"]}
    # By 20 December FENAC's 6-month follow-up (9 October) is overdue too, and MICAM (ended 22 September)
    # has its four firms' 3-month follow-ups due.
    assert who_gets(users, Run(on=date(2027, 12, 20)), Kind.FOLLOW_UP_DUE) == {
        "enterprise-user": ["Serraria Alfa Ltda · FENAC 2027"] * 2 + ["Serraria Alfa Ltda · MICAM 2027"],
        "a2-user": ["Marcenaria Beta · MICAM 2027"],
        "association-manager": ["Marcenaria Beta · MICAM 2027", "Móveis Gama · MICAM 2027", "Serraria Alfa Ltda · MICAM 2027"],
        "other-enterprise-user": ["Calçados Gama · MICAM 2027"]}


def test_a_follow_up_done_leaves_and_a_firm_nobody_answers_for_goes_to_the_agency(expo, signed_up):
    from triplec.fairs.services import links

    alone = signed_up[0]
    links.complete_follow_up(expo.world.users["enterprise-user"], alone.follow_ups.get(months=3),
                             on=date(2027, 7, 1))
    users = expo.world.users
    assert who_gets(users, Run(on=date(2027, 7, 2)), Kind.FOLLOW_UP_DUE) == {}
    users["other-enterprise-user"].is_active = False
    users["other-enterprise-user"].save()
    got = who_gets(users, Run(on=date(2027, 12, 20)), Kind.FOLLOW_UP_DUE)
    assert got["agency-admin"] == got["programme-officer"] == ["Calçados Gama · MICAM 2027"]
    assert "other-association-manager" not in got and "evaluator" not in got and "broker" not in got


def test_fair_costs_unpaid_before_the_fair_wait_for_the_agency(expo, signed_up):
    from triplec.fairs.services import money

    users = expo.world.users
    assert who_gets(users, Run(on=date(2027, 3, 6)), Kind.FAIR_PAYMENT) == {}  # FENAC (6 April) 31 days away
    on = date(2027, 3, 7)
    expected = {"agency-admin": ["Serraria Alfa Ltda · FENAC 2027"], "programme-officer": ["Serraria Alfa Ltda · FENAC 2027"]}
    assert who_gets(users, Run(on=on), Kind.FAIR_PAYMENT) == expected
    money.pay_costs(expo.admin, signed_up[0], on=on)
    assert who_gets(users, Run(on=on), Kind.FAIR_PAYMENT) == {}


def test_plan_actions_go_to_their_owner(shoes):
    from triplec.suppliers.services import diagnostics

    users, due = shoes.world.users, date(2026, 3, 1)
    for owner, text in (("supplier", "Calibrate the press"), ("buyer-staff", "Share the forecast"),
                        ("consultant", "Train the cutters")):
        diagnostics.add_action(shoes.admin, shoes.supplier, description=text, owner=owner, due_on=due)
    diagnostics.add_action(shoes.admin, shoes.other_supplier, description="Paint", owner="supplier", due_on=due)
    assert who_gets(users, Run(on=date(2026, 2, 14)), Kind.ACTION_DUE) == {}  # 15 days ahead
    assert who_gets(users, Run(on=date(2026, 2, 15)), Kind.ACTION_DUE) == {
        "enterprise-user": ["Serraria Alfa Ltda: Calibrate the press"],
        "buyer-staff": ["Serraria Alfa Ltda: Share the forecast"],
        "agency-admin": ["Serraria Alfa Ltda: Train the cutters"],
        "programme-officer": ["Serraria Alfa Ltda: Train the cutters"],
        "other-enterprise-user": ["Calçados Gama: Paint"]}
    action = shoes.supplier.actions.get(owner="supplier")
    diagnostics.set_action_status(users["enterprise-user"], action, "done", on=date(2026, 2, 20))
    assert "enterprise-user" not in who_gets(users, Run(on=date(2026, 2, 21)), Kind.ACTION_DUE)


def test_advances_the_purchaser_paid_wait_to_be_passed_by_the_associations_manager(desks):
    from tests.procurement.conftest import DAY, award

    from triplec.procurement.services import allocation, money

    users = desks.world.users
    contract = award(desks, quantity=20, price="10.00")
    allocation.confirm(desks.manager, contract.lines.get(), {desks.members[0]: 10, desks.members[1]: 10}, on=DAY)
    assert who_gets(users, Run(on=DAY), Kind.MEMBER_PAYMENT) == {}  # the purchaser has not paid yet
    money.pay_advance(desks.admin, contract, on=DAY)
    assert who_gets(users, Run(on=DAY), Kind.MEMBER_PAYMENT) == {
        "aruaru-manager": ["CE-2027-001 · Associação dos Serradores de Aruaru"]}
    money.pass_advances(desks.manager, contract, on=DAY)
    assert who_gets(users, Run(on=DAY), Kind.MEMBER_PAYMENT) == {}
