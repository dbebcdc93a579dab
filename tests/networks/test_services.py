"""Networks, members, market, size guidance, activities and bi-annual evaluations through the services
and selectors (the money and independence rules are in test_money.py and test_independence.py)."""

from datetime import date, timedelta

import pytest
from tests.conftest import make_enterprise

from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed
from triplec.networks import selectors, services
from triplec.networks.evaluations import BASELINE_GRACE_MONTHS, due_for_networks
from triplec.networks.models import Activity, Network, NetworkMember
from triplec.networks.selectors import NetworkFilter, SizeGuidance

TODAY = date.today()


# Creating and updating networks ----------------------------------------------------------------------

def test_a_broker_creates_networks_they_broker(nets):
    broker = nets.users["broker"]
    network = services.create_network(broker, {"kind": "profo", "name": "Metal PROFO", "currency": "clp"})
    assert network.broker == broker and network.currency == "CLP" and network.started_on == TODAY
    with pytest.raises(PermissionDenied, match="broker themselves"):
        services.create_network(broker, {"kind": "profo", "name": "Other", "currency": "CLP",
                                         "broker": nets.users["other-broker"]})


@pytest.mark.parametrize("name", ["evaluator", "association-manager", "enterprise-user"])
def test_readers_cannot_create_networks(nets, name):
    with pytest.raises(PermissionDenied):
        services.create_network(nets.users[name], {"kind": "profo", "name": "X", "currency": "CLP"})


def test_network_input_is_validated_field_by_field(nets):
    admin = nets.users["agency-admin"]
    with pytest.raises(ValidationFailed, match="No kind of network 'cartel'"):
        services.create_network(admin, {"kind": "cartel", "name": "X", "currency": "CLP"})
    with pytest.raises(ValidationFailed) as caught:
        services.create_network(admin, {"kind": "profo", "name": " ", "currency": "ZZZ"})
    assert set(caught.value.errors) == {"currency"}
    with pytest.raises(ValidationFailed) as caught:
        services.create_network(admin, {"kind": "profo", "name": " ", "currency": "CLP",
                                        "started_on": TODAY + timedelta(days=3)})
    assert set(caught.value.errors) == {"name", "started_on"}
    with pytest.raises(ValidationFailed, match="not a buyer"):
        services.create_network(admin, {"kind": "profo", "name": "X", "currency": "CLP",
                                        "target_buyers": [nets.world.assoc_a]})
    with pytest.raises(ValidationFailed, match="broker role"):
        services.create_network(admin, {"kind": "profo", "name": "X", "currency": "CLP",
                                        "broker": nets.users["evaluator"]})
    with pytest.raises(ValidationFailed) as caught:
        services.create_network(admin, {"kind": "profo", "name": "X", "currency": "CLP",
                                        "sectors": [{"classification": "isic4", "code": "9999"}]})
    assert "Item 1" in caught.value.errors["sectors"][0]
    with pytest.raises(ValidationFailed, match="Unknown field"):
        services.create_network(admin, {"kind": "profo", "name": "X", "currency": "CLP", "budget": 10})
    with pytest.raises(ValidationFailed, match="already exists|Conflicts"):
        services.create_network(admin, {"kind": "brokered", "name": nets.net.name, "currency": "BRL"})


def test_the_stage_and_kind_never_change_through_an_update(nets):
    admin = nets.users["agency-admin"]
    with pytest.raises(ValidationFailed, match="only through a transition"):
        services.update_network(admin, nets.net, {"stage": "operating"})
    with pytest.raises(ValidationFailed, match="kind cannot change"):
        services.update_network(admin, nets.net, {"kind": "profo"})


def test_updates_keep_history_and_only_agency_staff_choose_the_broker(nets):
    broker, officer = nets.users["broker"], nets.users["programme-officer"]
    services.update_network(broker, nets.net, {"market_product": "School desks", "name": "Aruaru desks"})
    net = Network.objects.get(pk=nets.net.pk)
    assert net.name == "Aruaru desks" and net.history.first().history_user == broker
    with pytest.raises(PermissionDenied, match="agency staff"):
        services.update_network(broker, net, {"broker": nets.users["other-broker"]})
    with pytest.raises(PermissionDenied, match="funding schedule"):
        services.update_network(broker, net, {"funding_schedule": "firms-pay"})
    services.update_network(officer, net, {"broker": nets.users["other-broker"], "funding_schedule": "firms-pay"})
    net = Network.objects.get(pk=nets.net.pk)
    assert net.broker == nets.users["other-broker"] and net.schedule.code == "firms-pay"
    with pytest.raises(NotFound):  # the old broker no longer sees it
        services.update_network(broker, net, {"notes": "x"})


def test_target_buyers_are_replaced_as_a_set(nets):
    from triplec.registry.models import Organisation, OrganisationKind

    retailer = Organisation.objects.create(kind=OrganisationKind.BUYER_RETAILER, name="Shop chain", country="BR")
    services.update_network(nets.users["broker"], nets.net, {"target_buyers": [retailer.pk, nets.world.buyer]})
    assert [o.name for o in selectors.target_buyers(nets.net)] == ["Shop chain", "State Purchasing"]
    services.update_network(nets.users["broker"], nets.net, {"target_buyers": [retailer]})
    assert [o.name for o in selectors.target_buyers(nets.net)] == ["Shop chain"]


def test_lead_firm_must_be_a_current_member(nets):
    admin = nets.users["agency-admin"]
    with pytest.raises(ValidationFailed, match="not a current member"):
        services.update_network(admin, nets.net, {"lead_firm": nets.world.ent_b1})
    services.update_network(admin, nets.net, {"lead_firm": nets.world.ent_a2.pk})
    assert Network.objects.get(pk=nets.net.pk).lead_firm == nets.world.ent_a2


# Members and size guidance ----------------------------------------------------------------------------

def test_members_join_and_leave_without_overlaps(nets):
    admin = nets.users["agency-admin"]
    ent = nets.world.ent_none
    with pytest.raises(ValidationFailed, match="cannot join earlier"):
        services.add_member(admin, nets.net, ent, date(2023, 6, 1))
    member = services.add_member(admin, nets.net, ent, date(2024, 3, 1))
    with pytest.raises(ValidationFailed, match="already a member from 2024-03-01"):
        services.add_member(admin, nets.net, ent, date(2024, 6, 1))
    with pytest.raises(ValidationFailed, match="cannot leave earlier"):
        services.end_member(admin, member, date(2024, 2, 1))
    services.end_member(admin, member, date(2024, 9, 30), "Moved to another market")
    with pytest.raises(ValidationFailed, match="already left"):
        services.end_member(admin, member, date(2024, 10, 1))
    with pytest.raises(ValidationFailed, match="already a member"):
        services.add_member(admin, nets.net, ent, date(2024, 9, 30))
    again = services.add_member(admin, nets.net, ent, date(2024, 10, 1))
    assert [(m.joined_on, m.left_on) for m in NetworkMember.objects.filter(enterprise=ent)] == [
        (date(2024, 3, 1), date(2024, 9, 30)), (date(2024, 10, 1), None)]
    assert again.history.count() == 1


def test_the_lead_firm_is_cleared_when_it_leaves(nets):
    admin = nets.users["agency-admin"]
    member = NetworkMember.objects.get(network=nets.net, enterprise=nets.world.ent_a1)
    services.end_member(admin, member, TODAY)
    assert Network.objects.get(pk=nets.net.pk).lead_firm is None


def test_enterprise_users_cannot_change_members(nets):
    with pytest.raises(PermissionDenied):
        services.add_member(nets.users["enterprise-user"], nets.net, nets.world.ent_none, TODAY)


def test_size_guidance_warns_outside_the_kinds_usual_size(nets):
    admin = nets.users["agency-admin"]
    assert selectors.size_guidance(nets.net).warning is None  # 6 firms, brokered: 5-10
    member = NetworkMember.objects.filter(network=nets.net).order_by("id").last()
    services.end_member(admin, member, TODAY - timedelta(days=1))
    services.end_member(admin, NetworkMember.objects.filter(network=nets.net, left_on__isnull=True)
                        .order_by("id").last(), TODAY - timedelta(days=1))
    assert selectors.size_guidance(nets.net).warning == "4 member firms: this kind of network usually has 5-10 firms."
    assert selectors.size_guidance(nets.other).warning == (
        "1 member firms: this kind of network usually has 10-30 firms.")
    assert SizeGuidance(31, 10, 30).warning.startswith("31 member firms")
    assert SizeGuidance(3, None, None).warning is None
    assert SizeGuidance(3, 5, None).warning == "3 member firms: this kind of network usually has at least 5 firms."


# Activities ------------------------------------------------------------------------------------------

def test_activities_record_attendance_per_firm_and_broker_hours(nets):
    broker, w = nets.users["broker"], nets.world
    visit = services.record_activity(broker, nets.net, {
        "kind": "factory-visit", "occurred_on": date(2024, 3, 5), "title": "Visit to Alfa's drying kiln",
        "host_enterprise": w.ent_a1, "broker_hours": "4.5",
        "attendance": [{"enterprise": w.ent_a1, "participants": 2}, {"enterprise": w.ent_a2.pk}]})
    services.record_activity(broker, nets.net, {
        "kind": "support-contact", "occurred_on": date(2024, 4, 2), "title": "Kiln training",
        "support_body": nets.centre, "service_taken_up": "Wood drying course", "broker_hours": 2})
    services.record_activity(broker, nets.net, {
        "kind": "joint-purchase", "occurred_on": date(2024, 5, 2), "title": "Glue bought together",
        "attendance": [{"enterprise": w.ent_a2}]})
    assert [(a.enterprise, a.participants) for a in visit.attendance.order_by("enterprise__legal_name")] == [
        (w.ent_a2, 1), (w.ent_a1, 2)]
    summary = selectors.activity_summary(nets.net)
    assert summary.by_kind == {"factory-visit": 1, "joint-purchase": 1, "support-contact": 1}
    assert summary.broker_hours == 6.5 and summary.collective_business == 1
    assert summary.support_contacts == [("Wood Technology Centre", "Wood drying course")]
    assert summary.attendance_by_firm == {w.ent_a1.pk: 1, w.ent_a2.pk: 2}
    assert [a.title for a in selectors.activities(nets.net)][0] == "Glue bought together"


def test_activity_rules(nets):
    broker, w = nets.users["broker"], nets.world
    with pytest.raises(ValidationFailed) as caught:
        services.record_activity(broker, nets.net, {"kind": "support-contact", "occurred_on": TODAY, "title": "Call",
                                                    "support_body": w.buyer})
    assert "not a support body" in caught.value.errors["support_body"][0] and "service_taken_up" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        services.record_activity(broker, nets.net, {"kind": "meeting", "occurred_on": TODAY, "title": "Meeting",
                                                    "attendance": [{"enterprise": w.ent_b1}], "broker_hours": "-1"})
    assert set(caught.value.errors) == {"attendance[0].enterprise", "broker_hours"}
    with pytest.raises(ValidationFailed) as caught:
        services.record_activity(broker, nets.net, {"kind": "picnic", "occurred_on": TODAY + timedelta(days=1),
                                                    "title": ""})
    assert set(caught.value.errors) == {"kind", "occurred_on", "title"}
    with pytest.raises(ValidationFailed, match="listed twice"):
        services.record_activity(broker, nets.net, {"kind": "meeting", "occurred_on": TODAY, "title": "M",
                                                    "attendance": [{"enterprise": w.ent_a1}, {"enterprise": w.ent_a1}]})
    with pytest.raises(PermissionDenied):
        services.record_activity(nets.users["enterprise-user"], nets.net,
                                 {"kind": "meeting", "occurred_on": TODAY, "title": "M"})
    assert not Activity.objects.exists()


# Evaluations -----------------------------------------------------------------------------------------

def test_evaluations_score_members_with_baseline_and_change(nets):
    officer, w = nets.users["programme-officer"], nets.world
    services.record_evaluation(officer, nets.other, w.ent_b1, date(2024, 3, 1),
                               {"product-design": 2, "process": 3, "hr-strategy": 1})
    services.record_evaluation(officer, nets.other, w.ent_b1, date(2024, 9, 1),
                               {"product-design": 4, "process": 3, "sales-strategy": 2})
    progress = selectors.firm_progress(officer, nets.other)[w.ent_b1.pk]
    assert (progress["product-design"].baseline, progress["product-design"].latest,
            progress["product-design"].change, progress["product-design"].improved) == (2, 4, 2, True)
    assert progress["process"].improved is False and progress["process"].change == 0
    assert progress["hr-strategy"].improved is False  # scored once: no change yet
    assert progress["sales-strategy"].baseline_on == date(2024, 9, 1)
    improvement = selectors.improvement(nets.other)
    assert (improvement["product-design"].firms, improvement["product-design"].evaluated,
            improvement["product-design"].improved) == (1, 1, 1)
    assert improvement["hr-strategy"].evaluated == 0


def test_evaluation_rules(nets):
    officer, w = nets.users["programme-officer"], nets.world
    with pytest.raises(ValidationFailed) as caught:
        services.record_evaluation(officer, nets.other, w.ent_a1, date(2024, 3, 1), {"process": 6, "luck": 3})
    assert set(caught.value.errors) == {"enterprise", "scores.process", "scores.luck"}
    with pytest.raises(ValidationFailed, match="at least one area"):
        services.record_evaluation(officer, nets.other, w.ent_b1, date(2024, 3, 1), {})
    services.record_evaluation(officer, nets.other, w.ent_b1, date(2024, 3, 1), {"process": 2})
    with pytest.raises(ValidationFailed, match="already has an evaluation"):
        services.record_evaluation(officer, nets.other, w.ent_b1, date(2024, 3, 1), {"process": 3})
    with pytest.raises(PermissionDenied):
        services.record_evaluation(nets.users["other-enterprise-user"], nets.other, w.ent_b1, TODAY, {"process": 3})


def test_configured_areas_are_the_ones_scored(nets):
    from triplec.networks.models import EvaluationArea

    EvaluationArea.objects.create(code="quality-certification", name="Quality certification", order=9)
    EvaluationArea.objects.filter(code="process").update(active=False)
    officer = nets.users["programme-officer"]
    services.record_evaluation(officer, nets.other, nets.world.ent_b1, date(2024, 3, 1), {"quality-certification": 2})
    with pytest.raises(ValidationFailed, match="Unknown area"):
        services.record_evaluation(officer, nets.other, nets.world.ent_b1, date(2024, 4, 1), {"process": 2})
    assert "quality-certification" in [a.code for a in selectors.evaluation_areas()]


def _consolidate(nets, on=date(2024, 2, 1)):
    officer = nets.users["programme-officer"]
    services.update_network(officer, nets.other, {"basis_for_collaboration": "b", "short_term_goals": "s",
                                                  "medium_term_goals": "m", "target_buyers": [nets.world.buyer]})
    services.transition(officer, nets.other, "consolidation", effective_on=on, evidence=[
        {"requirement": "diagnosis", "reference": "r"}, {"requirement": "admission-decision", "text": "ok", "date": on}])


def test_evaluations_fall_due_every_six_months_and_are_overdue_after(nets):
    officer, w = nets.users["programme-officer"], nets.world
    assert due_for_networks([Network.objects.select_related("stage", "kind").get(pk=nets.other.pk)],
                            date(2024, 6, 1)) == []  # preparation: no evaluations due
    _consolidate(nets)
    network = Network.objects.select_related("stage", "kind").get(pk=nets.other.pk)
    baseline_due = date(2024, 2 + BASELINE_GRACE_MONTHS, 1)
    rows = due_for_networks([network], on=date(2024, 2, 10))
    assert [(r.enterprise_id, r.due_on, r.overdue, r.is_baseline) for r in rows] == [
        (w.ent_b1.pk, baseline_due, False, True)]
    assert due_for_networks([network], on=date(2024, 1, 15), within_days=0) == []
    late = due_for_networks([network], on=date(2024, 4, 1))
    assert late[0].overdue and late[0].due_on == baseline_due
    services.record_evaluation(officer, nets.other, w.ent_b1, date(2024, 3, 20), {"process": 2})
    assert due_for_networks([network], on=date(2024, 4, 1)) == []
    assert [(r.due_on, r.overdue, r.last_evaluated_on) for r in due_for_networks([network], on=date(2024, 9, 21))] == [
        (date(2024, 9, 20), True, date(2024, 3, 20))]
    # a firm joining later is due its baseline a month after joining
    newcomer = make_enterprise(legal_name="Couros Novo", national_id="77.777.777/0001-77")
    services.add_member(officer, nets.other, newcomer, date(2024, 5, 10))
    rows = due_for_networks([network], on=date(2024, 6, 11), within_days=0)
    assert [(r.enterprise_name, r.due_on, r.overdue) for r in rows] == [("Couros Novo", date(2024, 6, 10), True)]


def test_due_lists_are_scoped_to_the_user(nets):
    _consolidate(nets, on=date(2024, 2, 1))
    assert [d.network_id for d in selectors.due_evaluations(nets.users["other-broker"])] == [nets.other.pk]
    assert selectors.due_evaluations(nets.users["broker"]) == []  # not their network
    assert [d.enterprise_id for d in selectors.due_evaluations(nets.users["evaluator"])] == [nets.world.ent_b1.pk]
    assert [d.enterprise_id for d in selectors.due_evaluations(nets.users["other-enterprise-user"])] == [
        nets.world.ent_b1.pk]
    assert selectors.due_evaluations(nets.users["enterprise-user"]) == []


# Selectors -------------------------------------------------------------------------------------------

def test_filter_networks_by_kind_stage_broker_territory_member_overdue_and_words(nets):
    admin, w = nets.users["agency-admin"], nets.world
    services.update_network(admin, nets.net, {"territory": w.ent_a1.territory})

    def names(**kw):
        return [n.name for n in selectors.filter_networks(admin, NetworkFilter(**kw))]

    assert names() == ["Aruaru school furniture network", "Sinos footwear PROFO"]
    assert names(kind="profo") == ["Sinos footwear PROFO"]
    assert names(stage="interest") == ["Aruaru school furniture network"]
    assert names(broker=nets.users["other-broker"].pk) == ["Sinos footwear PROFO"]
    assert names(territory=w.ent_a1.territory.parent.parent_id) == ["Aruaru school furniture network"]
    assert names(member=w.ent_b1.pk) == ["Sinos footwear PROFO"]
    assert names(q="footwear sinos") == ["Sinos footwear PROFO"]
    assert names(overdue=True) == []
    _consolidate(nets, on=date(2024, 2, 1))
    assert names(overdue=True) == ["Sinos footwear PROFO"]
    assert names(overdue=False) == ["Aruaru school furniture network"]
    counts = {n.name: n.member_count for n in selectors.filter_networks(admin)}
    assert counts == {"Aruaru school furniture network": 6, "Sinos footwear PROFO": 1}


@pytest.mark.parametrize("name,expected", [
    ("agency-admin", {"net", "other"}), ("programme-officer", {"net", "other"}), ("evaluator", {"net", "other"}),
    ("broker", {"net"}), ("other-broker", {"other"}), ("association-manager", {"net"}),
    ("other-association-manager", {"other"}), ("enterprise-user", {"net"}), ("other-enterprise-user", {"other"}),
])
def test_who_sees_which_network(nets, name, expected):
    ids = {nets.net.pk: "net", nets.other.pk: "other"}
    assert {ids[n.pk] for n in selectors.filter_networks(nets.users[name])} == expected


def test_a_former_member_firm_no_longer_sees_the_network(nets):
    member = NetworkMember.objects.get(network=nets.net, enterprise=nets.world.ent_a1)
    services.end_member(nets.users["agency-admin"], member, TODAY - timedelta(days=1))
    assert not selectors.filter_networks(nets.users["enterprise-user"]).exists()
    assert selectors.filter_networks(nets.users["association-manager"]).count() == 1  # ent_a2 still in


def test_broker_dashboard_shows_next_gate_missing_items_and_evaluations(nets):
    broker = nets.users["broker"]
    services.record_activity(broker, nets.net, {"kind": "meeting", "occurred_on": date(2024, 2, 1), "title": "M"})
    rows = selectors.broker_dashboard(broker)
    assert len(rows) == 1
    row = rows[0]
    assert (row.network, row.members, row.size_warning, row.next_gate.name) == (
        nets.net, 6, None, "Identify a viable network idea")
    assert (row.requirements_met, row.requirements_total, row.missing) == (
        1, 2, ["The network idea, written down (file or reference)"])
    assert row.last_activity_on == date(2024, 2, 1) and row.overdue_evaluations == 0
    _consolidate(nets)
    other = selectors.broker_dashboard(nets.users["other-broker"])[0]
    assert other.overdue_evaluations == 1 and other.next_gate.name == "Ready for independence"
    assert {r.network.pk for r in selectors.broker_dashboard(nets.users["programme-officer"])} == {
        nets.net.pk, nets.other.pk}


def test_reachable_stages_follow_the_roles(nets):
    broker_view = selectors.reachable_stages(nets.users["broker"], nets.net)
    assert [s.code for s in broker_view["forward"]] == ["viable-idea"]
    assert broker_view["back"] == [] and [s.code for s in broker_view["close"]] == ["closed"]
    assert selectors.reachable_stages(nets.users["enterprise-user"], nets.net) == {
        "forward": [], "back": [], "close": [], "reopen": []}
    assert selectors.reachable_stages(nets.users["other-broker"], nets.other)["forward"] == []  # admission: agency
    services.transition(nets.users["broker"], nets.net, "closed", reason="x")
    assert [s.code for s in selectors.reachable_stages(nets.users["broker"], nets.net)["reopen"]] == ["interest"]
