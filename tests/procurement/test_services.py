"""Every rule of the procurement services, one at a time (the whole story is in test_scenario.py)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation
from tests.procurement.conftest import award

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.ledger.models import Transaction
from triplec.procurement.models import AssociationOutcome, ContractStatus, Payment
from triplec.procurement.services import (
    allocation,
    defaults,
    deliveries,
    money,
    programmes,
    scoreboard,
    warranty,
)
from triplec.registry.models import Membership

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 2)


def deliver_all(d, allocations, on=date(2027, 5, 1), rejected=0, reasons=""):
    out = []
    for a in allocations:
        shipped = deliveries.record_delivery(d.manager, allocation=a, quantity=a.quantity, delivered_on=on)
        out.append(deliveries.inspect(d.inspector, shipped, accepted=a.quantity - rejected, rejected=rejected,
                                      reasons=reasons, on=on))
    return out


# --- programmes and awards ---------------------------------------------------------------------------

def test_award_to_a_single_enterprise_is_refused_saying_why_and_what_to_do(desks):
    with pytest.raises(ValidationFailed) as refused:
        programmes.award_contract(desks.admin, desks.programme, association=desks.members[0], reference="X",
                                  lines=[{"product": desks.desk, "quantity": 1, "unit_price": "1.00",
                                          "deadline": DAY}])
    message = str(refused.value)
    assert "single enterprise" in message and "register it as a producers' association" in message


@pytest.mark.parametrize("kind", ["business-association", "buyer-public", "support-agency"])
def test_award_to_another_kind_of_organisation_is_refused(desks, kind):
    other = {"business-association": desks.world.assoc_b, "buyer-public": desks.world.buyer,
             "support-agency": desks.world.agency}[kind]
    with pytest.raises(ValidationFailed, match="not a producers' association or cooperative"):
        programmes.award_contract(desks.admin, desks.programme, association=other, reference="X",
                                  lines=[{"product": desks.desk, "quantity": 1, "unit_price": "1.00",
                                          "deadline": DAY}])


def test_only_agency_staff_award_and_the_purchaser_must_be_public(desks):
    with pytest.raises(PermissionDenied):
        programmes.award_contract(desks.manager, desks.programme, association=desks.association, reference="A",
                                  lines=[{"product": desks.desk, "quantity": 1, "unit_price": "1.00",
                                          "deadline": DAY}])
    with pytest.raises(ValidationFailed, match="public purchaser"):
        programmes.create_programme(desks.admin, name="P", purchaser=desks.world.assoc_a, currency="BRL")
    with pytest.raises(ValidationFailed, match="ISO 4217"):
        programmes.create_programme(desks.admin, name="P", purchaser=desks.world.buyer, currency="XYZ")


def test_a_contract_line_takes_the_product_specification_unless_given(desks):
    contract = award(desks)
    line = contract.lines.get()
    assert line.specification == "Solid wood, ABNT NBR 14006" and line.ordered == 2000
    assert contract.status == ContractStatus.AWARDED


# --- allocation ------------------------------------------------------------------------------------------

def test_proposal_follows_capacity_load_and_quality_and_explains_each_member(desks):
    d, s = desks, desks.members
    for m, units in zip(s[:3], (100, 100, 50), strict=True):
        programmes.declare_capacity(d.manager, d.association, m, d.desk, units, on=DAY)
    # S2 has a past record: 1 in 4 units rejected.
    old = award(d, quantity=4, reference="OLD")
    (a,) = allocation.confirm(d.manager, old.lines.get(), {s[1]: 4}, on=DAY)
    deliver_all(d, [a], rejected=1, reasons="Scratched")
    contract = award(d, quantity=120, reference="NEW")
    rows = {r.member.pk: r for r in allocation.propose(contract.lines.get(), on=DAY)}
    # S2's load: 4 allocated, 3 accepted, still open (the old order is not complete) -> room 99.
    assert (rows[s[1].pk].load, rows[s[1].pk].room, rows[s[1].pk].rejection_rate) == (1, 99, D("0.25"))
    # Weights 100, 99 x 0.75 = 74.25, 50: 120 x w / 224.25 = 53.51, 39.73, 26.76 -> 53, 40, 27 (largest remainders).
    assert [rows[m.pk].proposed for m in s[:3]] == [53, 40, 27]
    assert sum(r.proposed for r in rows.values()) == 120
    assert rows[s[5].pk].proposed == 0 and "No capacity declared" in rows[s[5].pk].why
    assert "rejected 25.0%" in rows[s[1].pk].why
    with translation.override("pt-br"):  # shares in the reader's convention
        why = allocation.propose(contract.lines.get(), on=DAY)[1].why
    assert "25,0% rejeitadas" in why, why


def test_proposal_never_exceeds_room_and_leaves_the_rest_unallocated(desks):
    d, s = desks, desks.members
    programmes.declare_capacity(d.manager, d.association, s[0], d.desk, 30, on=DAY)
    rows = allocation.propose(award(d, quantity=100).lines.get(), on=DAY)
    assert {r.member.pk: r.proposed for r in rows if r.proposed} == {s[0].pk: 30}


def test_confirm_never_over_allocates_nor_allocates_to_a_non_member(desks):
    d, s = desks, desks.members
    line = award(d, quantity=100).lines.get()
    allocation.confirm(d.manager, line, {s[0]: 60}, on=DAY)
    with pytest.raises(ValidationFailed, match="Only 40 units"):
        allocation.confirm(d.manager, line, {s[1]: 41}, on=DAY)
    with pytest.raises(ValidationFailed, match="not a member"):
        allocation.confirm(d.manager, line, {d.world.ent_a1: 10}, on=DAY)
    Membership.objects.filter(enterprise=s[2]).update(end_date=date(2027, 1, 1))
    with pytest.raises(ValidationFailed, match="not a member"):
        allocation.confirm(d.manager, line, {s[2]: 10}, on=DAY)
    with pytest.raises(PermissionDenied):
        allocation.confirm(d.world.users["association-manager"], line, {s[1]: 10}, on=DAY)
    (a,) = allocation.confirm(d.manager, line, {s[1]: 40}, on=DAY)
    assert a.lot_code == f"C{line.contract_id}-L{line.pk}-M{s[1].pk}-1"


# --- money -------------------------------------------------------------------------------------------------

def test_advance_is_paid_once_and_passed_pro_rata_less_the_fee(desks):
    d, s = desks, desks.members
    programmes.set_rules(d.manager, d.association, fee_share="0.10")
    contract = award(d, quantity=3, price="100.01")  # value 300.03, advance 150.015 -> 150.02
    allocation.confirm(d.manager, contract.lines.get(), {s[0]: 2, s[1]: 1}, on=DAY)
    with pytest.raises(ValidationFailed, match="not paid the advance"):
        money.pass_advances(d.manager, contract)
    first = money.pay_advance(d.inspector, contract, on=DAY)
    assert money.pay_advance(d.admin, contract, on=DAY) == first
    assert Payment.objects.filter(kind=Payment.Kind.ADVANCE).count() == 1
    money.pass_advances(d.manager, contract, on=DAY)
    money.pass_advances(d.manager, contract, on=DAY)  # nothing more
    b = money.contract_balances(contract)
    # S1: 0.5 x 200.02 = 100.01, fee 10.00 -> 90.01; S2: 50.005 -> 50.01, fee 5.00 -> 45.01.
    assert b.received == {s[0].pk: D("90.01"), s[1].pk: D("45.01")}
    assert (b.paid_in, b.held, b.retained) == (D("150.02"), D("0.00"), D("15.00"))


def test_the_purchasers_inspector_of_another_purchaser_and_a_manager_may_not_pay(desks):
    contract = award(desks)
    for name in ("other-inspector", "aruaru-manager", "evaluator", "s1-user"):
        with pytest.raises(PermissionDenied):
            money.pay_advance(desks.world.users[name], contract)


def test_final_payment_waits_for_the_whole_order_and_pays_no_rejected_unit(desks):
    d, s = desks, desks.members
    contract = award(d, quantity=10, price="10.00")
    a1, a2 = allocation.confirm(d.manager, contract.lines.get(), {s[0]: 5, s[1]: 5}, on=DAY)
    money.pay_advance(d.admin, contract, on=DAY)
    money.pass_advances(d.manager, contract, on=DAY)
    (bad,) = deliver_all(d, [a1], rejected=2, reasons="Wrong size")
    deliver_all(d, [a2])
    assert not deliveries.completion(contract).complete and deliveries.completion(contract).share == D("0.8")
    with pytest.raises(ValidationFailed, match="whole order"):
        money.pay_final(d.admin, contract)
    assert not Payment.objects.filter(kind=Payment.Kind.FINAL).exists()
    repair = deliveries.assign_rework(d.manager, bad, member=s[1], quantity=2, kind="replacement")
    shipped = deliveries.record_delivery(d.manager, rework=repair, quantity=2)
    deliveries.inspect(d.inspector, shipped, accepted=2, rejected=0)
    money.pay_final(d.inspector, contract)
    b = money.contract_balances(contract)
    # S1: 3 accepted = 30.00, it kept a 25.00 advance: 5.00 more. S2: 7 accepted = 70.00 - 25.00 = 45.00.
    assert b.received == {s[0].pk: D("30.00"), s[1].pk: D("70.00")} and b.owed == 0
    assert (b.paid_in, b.held) == (D("100.00"), D("0.00"))


def test_a_member_advanced_beyond_its_accepted_units_owes_the_difference(desks):
    d, s = desks, desks.members
    contract = award(d, quantity=10, price="10.00")
    a1, a2 = allocation.confirm(d.manager, contract.lines.get(), {s[0]: 5, s[1]: 5}, on=DAY)
    money.pay_advance(d.admin, contract, on=DAY)
    money.pass_advances(d.manager, contract, on=DAY)
    (bad,) = deliver_all(d, [a1], rejected=4, reasons="Rot")
    deliver_all(d, [a2])
    repair = deliveries.assign_rework(d.manager, bad, member=s[1], quantity=4)
    deliveries.inspect(d.inspector, deliveries.record_delivery(d.manager, rework=repair, quantity=4), accepted=4,
                       rejected=0)
    money.pay_final(d.admin, contract)
    b = money.contract_balances(contract)
    # S1: 1 accepted = 10.00 but it kept 25.00: owes 15.00 and keeps 10.00.
    assert (b.received[s[0].pk], b.debts[s[0].pk], b.received[s[1].pk]) == (D("10.00"), D("15.00"), D("90.00"))
    assert b.held == D("-15.00")
    with pytest.raises(ValidationFailed, match="no more than the member owes"):
        money.settle_debt(d.manager, contract, s[0], "15.01", "k1")
    money.settle_debt(d.manager, contract, s[0], "15.00", "k1")
    money.settle_debt(d.manager, contract, s[0], "15.00", "k1")  # same key: once
    b = money.contract_balances(contract)
    assert (b.owed, b.held) == (D("0.00"), D("0.00"))


def test_retention_is_released_when_the_warranty_period_ends(desks):
    d, s = desks, desks.members
    programme = programmes.create_programme(d.admin, name="With retention", purchaser=d.world.buyer, currency="BRL",
                                            advance_share="0.5", retention_share="0.1", warranty_months=12)
    product = programmes.add_product(d.admin, programme, code="chair", name="Chair", reference_price="50.00")
    contract = programmes.award_contract(d.admin, programme, association=d.association, reference="R",
                                         awarded_on=DAY, lines=[{"product": product, "quantity": 10,
                                                                 "unit_price": "50.00", "deadline": DAY}])
    (a,) = allocation.confirm(d.manager, contract.lines.get(), {s[0]: 10}, on=DAY)
    money.pay_advance(d.admin, contract, on=DAY)
    deliver_all(d, [a], on=date(2027, 4, 30))
    money.pay_final(d.admin, contract, on=date(2027, 5, 2))
    assert money.contract_balances(contract).paid_in == D("450.00")
    with pytest.raises(ValidationFailed, match="2028-04-30"):
        money.release_retention(d.admin, contract, on=date(2028, 4, 29))
    money.release_retention(d.admin, contract, on=date(2028, 4, 30))
    b = money.contract_balances(contract)
    assert (b.paid_in, b.held) == (D("500.00"), D("0.00"))


# --- deliveries ------------------------------------------------------------------------------------------

def test_deliveries_inspections_and_rework_are_checked(desks):
    d, s = desks, desks.members
    contract = award(d, quantity=10, price="10.00")
    (a,) = allocation.confirm(d.manager, contract.lines.get(), {s[0]: 10}, on=DAY)
    with pytest.raises(ValidationFailed, match="between 1 and 10"):
        deliveries.record_delivery(d.manager, allocation=a, quantity=11)
    shipped = deliveries.record_delivery(d.manager, allocation=a, quantity=6)
    with pytest.raises(PermissionDenied):
        deliveries.inspect(d.manager, shipped, accepted=6, rejected=0)
    with pytest.raises(PermissionDenied):
        deliveries.inspect(d.world.users["other-inspector"], shipped, accepted=6, rejected=0)
    with pytest.raises(ValidationFailed, match="add up to the 6"):
        deliveries.inspect(d.inspector, shipped, accepted=3, rejected=2, reasons="x")
    with pytest.raises(ValidationFailed, match="Say why"):
        deliveries.inspect(d.inspector, shipped, accepted=4, rejected=2)
    deliveries.inspect(d.inspector, shipped, accepted=4, rejected=2, reasons="Cracks")
    with pytest.raises(ValidationFailed, match="already been inspected"):
        deliveries.inspect(d.inspector, shipped, accepted=6, rejected=0)
    with pytest.raises(ValidationFailed, match="between 1 and 2"):
        deliveries.assign_rework(d.manager, shipped, member=s[0], quantity=3)
    with pytest.raises(ValidationFailed, match="not a member"):
        deliveries.assign_rework(d.manager, shipped, member=d.world.ent_b1, quantity=1)
    deliveries.assign_rework(d.manager, shipped, member=s[0], quantity=2)
    assert deliveries.unassigned_rejections(shipped) == 0
    with pytest.raises(ValidationFailed, match="between 1 and 4"):
        deliveries.record_delivery(d.manager, allocation=a, quantity=5)


# --- defaults --------------------------------------------------------------------------------------------

def test_default_with_repayment_takes_the_units_off_and_refunds_the_purchaser(desks):
    d, s = desks, desks.members
    programmes.set_rules(d.manager, d.association, fee_share="0.05")
    contract = award(d, quantity=10, price="20.00")
    a1, a2 = allocation.confirm(d.manager, contract.lines.get(), {s[0]: 6, s[1]: 4}, on=DAY)
    money.pay_advance(d.admin, contract, on=DAY)
    money.pass_advances(d.manager, contract, on=DAY)
    deliver_all(d, [a1])
    deliveries.record_delivery(d.manager, allocation=a2, quantity=1)
    record = defaults.record_default(d.manager, a2, reason="withdrew", remedy="repay")
    assert record.units == 3 and contract.lines.get().ordered == 7
    b = money.contract_balances(contract)
    # S2 got 40.00 gross (38.00 net); the 3 units' advance 30.00 goes back; S2 owes 30.00 - 1.50 = 28.50.
    assert (b.paid_in, b.held, b.received[s[1].pk], b.debts[s[1].pk]) == (
        D("70.00"), D("-30.00"), D("9.50"), D("28.50"))
    with pytest.raises(ValidationFailed, match="already been recorded"):
        defaults.record_default(d.manager, a2, reason="withdrew", remedy="repay")
    shipped = a2.deliveries.get()
    deliveries.inspect(d.inspector, shipped, accepted=1, rejected=0)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACCEPTED
    money.pay_final(d.admin, contract)
    b = money.contract_balances(contract)
    # Value now 7 x 20 = 140.00, advance kept 70.00 - 30.00 = 40.00: the purchaser pays 100.00 more.
    # S1: 120.00 - 60.00 = 60.00 gross -> 57.00; S2: 20.00 - (40.00 - 30.00) = 10.00 -> 9.50.
    assert (b.paid_in, b.received[s[0].pk], b.received[s[1].pk], b.debts[s[1].pk]) == (
        D("140.00"), D("114.00"), D("19.00"), D("28.50"))


def test_a_default_needs_undelivered_units_and_a_member_to_take_them_over(desks):
    d, s = desks, desks.members
    contract = award(d, quantity=10, price="20.00")
    a1, a2 = allocation.confirm(d.manager, contract.lines.get(), {s[0]: 5, s[1]: 5}, on=DAY)
    deliveries.record_delivery(d.manager, allocation=a1, quantity=5)
    with pytest.raises(ValidationFailed, match="nothing to default on"):
        defaults.record_default(d.manager, a1, reason="deadline", remedy="reallocate", successor=s[2])
    with pytest.raises(ValidationFailed, match="another current member"):
        defaults.record_default(d.manager, a2, reason="deadline", remedy="reallocate", successor=s[1])
    with pytest.raises(ValidationFailed, match="another current member"):
        defaults.record_default(d.manager, a2, reason="deadline", remedy="reallocate", successor=d.world.ent_a1)
    record = defaults.record_default(d.manager, a2, reason="deadline", remedy="reallocate", successor=s[2])
    assert (record.successor.member, record.successor.quantity) == (s[2], 5)
    assert not Transaction.objects.exists()  # no advance had moved: nothing to post


# --- warranty --------------------------------------------------------------------------------------------

def accepted_contract(d, rule, fee="0"):
    programmes.set_rules(d.manager, d.association, fee_share=fee, warranty_cost_rule=rule)
    contract = award(d, quantity=4, price="10.00")
    (a,) = allocation.confirm(d.manager, contract.lines.get(), {d.members[0]: 4}, on=DAY)
    deliver_all(d, [a])
    return contract


def test_warranty_claims_start_after_acceptance(desks):
    contract = award(desks, quantity=4, price="10.00")
    with pytest.raises(ValidationFailed, match="whole order has been accepted"):
        warranty.claim(desks.inspector, contract.lines.get(), maker=desks.members[0], units=1, description="x",
                       repair_cost="1.00")


@pytest.mark.parametrize("rule,maker_gets", [("maker", "0.00"), ("association", "12.00"), ("shared", "6.00")])
def test_the_maker_repairs_and_the_association_pays_its_part(desks, rule, maker_gets):
    contract = accepted_contract(desks, rule)
    claim = warranty.claim(desks.inspector, contract.lines.get(), maker=desks.members[0], units=2,
                           description="Loose leg", repair_cost="12.00")
    assert claim.repairer == desks.members[0]
    b = money.contract_balances(contract)
    assert b.received.get(desks.members[0].pk, D(0)) == D(maker_gets)
    assert b.retained == -D(maker_gets)


def test_a_ceased_makers_units_are_repaired_by_another_member_and_charged_by_the_rule(desks):
    d, s = desks, desks.members
    contract = accepted_contract(d, "shared")
    Membership.objects.filter(enterprise=s[0]).update(end_date=date(2027, 6, 1))
    with pytest.raises(ValidationFailed, match="no longer a member"):
        warranty.claim(d.manager, contract.lines.get(), maker=s[0], units=1, description="Crack",
                       repair_cost="9.99", on=date(2027, 7, 1))
    with pytest.raises(ValidationFailed, match="4 accepted units"):
        warranty.claim(d.manager, contract.lines.get(), maker=s[0], units=5, description="Crack",
                       repair_cost="9.99", repairer=s[1], on=date(2027, 7, 1))
    warranty.claim(d.manager, contract.lines.get(), maker=s[0], units=1, description="Crack", repair_cost="9.99",
                   repairer=s[1], on=date(2027, 7, 1))
    b = money.contract_balances(contract)
    # Half of 9.99 = 4.995 -> 5.00 charged to the maker, 4.99 from the association; the repairer gets 9.99.
    assert (b.received[s[1].pk], b.received[s[0].pk], b.debts[s[0].pk], b.retained) == (
        D("9.99"), D("-5.00"), D("5.00"), D("-9.99"))


# --- scoreboard and outcomes -----------------------------------------------------------------------------

def test_scoreboard_on_time_rejections_warranty_volume_and_trend(desks):
    d, s = desks, desks.members
    old = award(d, quantity=10, price="10.00", reference="2026", on=date(2026, 3, 1), deadline=date(2026, 5, 1))
    (a,) = allocation.confirm(d.manager, old.lines.get(), {s[0]: 10}, on=date(2026, 3, 1))
    late = deliveries.record_delivery(d.manager, allocation=a, quantity=4, delivered_on=date(2026, 5, 2))
    deliveries.inspect(d.inspector, late, accepted=2, rejected=2, reasons="Split", on=date(2026, 5, 2))
    rest = deliveries.record_delivery(d.manager, allocation=a, quantity=6, delivered_on=date(2026, 4, 1))
    deliveries.inspect(d.inspector, rest, accepted=6, rejected=0, on=date(2026, 4, 1))
    new = award(d, quantity=10, price="10.00", reference="2027")
    (b,) = allocation.confirm(d.manager, new.lines.get(), {s[0]: 10}, on=DAY)
    deliveries.inspect(d.inspector, deliveries.record_delivery(d.manager, allocation=b, quantity=10,
                                                               delivered_on=date(2027, 5, 1)),
                       accepted=10, rejected=0, on=date(2027, 5, 1))
    warranty.claim(d.manager, new.lines.get(), maker=s[0], units=1, description="Wobbly", repair_cost="0.00",
                   on=date(2027, 6, 1))
    rows = {r.member.pk: r for r in scoreboard.scoreboard(d.world.users["s1-user"], d.association)}
    assert len(rows) == 10
    top = rows[s[0].pk]
    assert (top.totals.delivered, top.totals.on_time, top.totals.accepted, top.totals.rejected) == (20, 16, 18, 2)
    assert (top.totals.on_time_share, top.totals.rejection_rate, top.warranty_claims) == (D("0.8"), D("0.1"), 1)
    assert top.years[2026].rejection_rate == D("0.2") and top.years[2027].rejection_rate == D("0")
    assert top.trend == "better" and rows[s[1].pk].trend == "steady"
    for name in ("enterprise-user", "association-manager", "inspector", None):
        with pytest.raises(PermissionDenied):
            scoreboard.scoreboard(d.world.users.get(name), d.association)


def test_outcomes_are_entered_by_year_with_history(desks):
    d = desks
    programmes.record_outcome(d.manager, d.association, year=1995, members=4, workers=12, illustration=True)
    programmes.record_outcome(d.manager, d.association, year=1995, members=4, workers=13, illustration=True)
    outcome = AssociationOutcome.objects.get(association=d.association, year=1995)
    assert outcome.workers == 13 and outcome.history.count() == 2
    with pytest.raises(PermissionDenied):
        programmes.record_outcome(d.world.users["association-manager"], d.association, year=1996, members=1,
                                  workers=1)
