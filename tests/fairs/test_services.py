"""Every rule of the fairs services, with hand-computed amounts to the cent."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core import mail
from django.utils import translation
from tests.conftest import clock_on

from triplec.core import tasks
from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.fairs.models import FollowUp
from triplec.fairs.services import links, money, programmes
from triplec.fairs.services.subsidy import explain
from triplec.fairs.tasks import remind_follow_ups

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 1)


def new_programme(expo, name, **rules):
    return programmes.create_programme(expo.admin, name=name, currency="BRL", **rules)


def fair_of(expo, programme, name, starts_on, **kw):
    return programmes.add_fair(expo.admin, programme, name=name, organiser="Org", place="Fortaleza", country="BR",
                               starts_on=starts_on, ends_on=starts_on, **kw)


def alone(expo, fair, firm, cost):
    return programmes.sign_up(expo.admin, fair, firm, cost=cost, on=DAY)


# --- subsidies, hand-computed ---------------------------------------------------------------------------

def test_individual_half_of_the_cost_then_the_yearly_cap(expo):
    p = new_programme(expo, "Cap", share_small="0.5", yearly_cap="8000.00")
    firm = expo.world.ent_a1  # small
    first = money.pay_costs(expo.admin, alone(expo, fair_of(expo, p, "F1", date(2027, 4, 1)), firm, "10000.00"))
    second = money.pay_costs(expo.admin, alone(expo, fair_of(expo, p, "F2", date(2027, 6, 1)), firm, "7000.01"))
    assert first.subsidy == D("5000.00")  # 50% of 10,000.00
    assert second.subsidy == D("3000.00")  # 50% is 3,500.01 (3,500.005 rounded half up), 3,000.00 left under the cap
    assert money.paid_for(second) == money.Paid(D("3000.00"), D("4000.01"))
    assert money.subsidy_received(p, firm.pk, 2027) == D("8000.00")
    third = money.pay_costs(expo.admin, alone(expo, fair_of(expo, p, "F3", date(2027, 11, 1)), firm, "100.00"))
    assert third.subsidy == D("0.00")
    next_year = money.pay_costs(expo.admin, alone(expo, fair_of(expo, p, "F4", date(2028, 2, 1)), firm, "100.00"))
    assert next_year.subsidy == D("50.00")  # a new year, a new cap


def test_group_stand_shares_the_cost_equally_and_adds_the_far_away_share(expo, signed_up):
    _alone, (a1, a2, a3), _other = signed_up
    assert [p.cost for p in (a1, a2, a3)] == [D("3333.34"), D("3333.33"), D("3333.33")]
    paid = money.pay_stand(expo.admin, expo.stand, on=DAY)
    # small and micro: 50% + 10% at an international group stand = 60%
    assert [p.subsidy for p in paid] == [D("2000.00"), D("2000.00"), D("2000.00")]  # 2,000.004 / 1,999.998
    assert [money.paid_for(p).own for p in paid] == [D("1333.34"), D("1333.33"), D("1333.33")]
    totals = money.programme_totals(expo.programme)
    assert (totals.costs, totals.subsidies, totals.own) == (D("10000.00"), D("6000.00"), D("4000.00"))


def test_alone_at_an_international_fair_gets_no_group_share(expo, signed_up):
    other = money.pay_costs(expo.admin, signed_up[2])
    assert other.subsidy == D("1200.00")  # medium firm: 20% of 6,000.00, no group stand


def test_group_stand_by_area(expo):
    stand = programmes.add_group_stand(expo.admin, expo.national, association=expo.world.assoc_a,
                                       total_cost="10000.00", cost_sharing="area")
    w = expo.world
    for firm, area in ((w.ent_a1, "9"), (w.ent_a2, "12"), (expo.ent_a3, "15")):
        programmes.sign_up(expo.admin, expo.national, firm, stand=stand, area_m2=area, on=DAY)
    # 10,000.00 x 9/36, 12/36, 15/36 = 2,500.00, 3,333.333..., 4,166.666...: the cent left goes to the largest remainder
    assert [p.cost for p in stand.participations.order_by("id")] == [D("2500.00"), D("3333.33"), D("4166.67")]


def test_group_stand_by_agreed_share_must_add_up_before_paying(expo):
    stand = programmes.add_group_stand(expo.admin, expo.national, association=expo.world.assoc_a,
                                       total_cost="10000.00", cost_sharing="share")
    w = expo.world
    programmes.sign_up(expo.admin, expo.national, w.ent_a1, stand=stand, agreed_share="0.5", on=DAY)
    programmes.sign_up(expo.admin, expo.national, w.ent_a2, stand=stand, agreed_share="0.3", on=DAY)
    with pytest.raises(ValidationFailed, match="add up to 80%, not 100%"):
        money.pay_stand(expo.admin, stand)
    programmes.sign_up(expo.admin, expo.national, expo.ent_a3, stand=stand, agreed_share="0.2", on=DAY)
    assert [p.cost for p in stand.participations.order_by("id")] == [D("5000.00"), D("3000.00"), D("2000.00")]
    # a national fair that is not distant: no group share; 50% each, under the cap
    assert [p.subsidy for p in money.pay_stand(expo.admin, stand)] == [D("2500.00"), D("1500.00"), D("1000.00")]
    with pytest.raises(ValidationFailed, match="no firm can join"):
        programmes.sign_up(expo.admin, expo.national, w.ent_b1, stand=stand, agreed_share="0", on=DAY)


def test_declining_share_on_repeat_down_to_a_self_paid_repeat(expo):
    p = new_programme(expo, "Repeat", share_micro="0.5", repeat_step="0.25")
    firm = expo.world.ent_a2  # micro
    subsidies = [money.pay_costs(expo.admin, alone(expo, fair_of(expo, p, f"F{y}", date(y, 5, 1)), firm, "1000.00"))
                 .subsidy for y in (2025, 2026, 2027, 2028)]
    # 50%; one earlier subsidised: 25%; two: 0; the fourth still counts only two subsidised ones: 0
    assert subsidies == [D("500.00"), D("250.00"), D("0.00"), D("0.00")]
    assert links.self_paid_repeats() == {firm.pk: 2}


def test_a_firm_that_asks_for_no_subsidy_pays_its_own_way(expo):
    part = programmes.sign_up(expo.admin, expo.national, expo.world.ent_a2, cost="800.00", subsidy_requested=False)
    paid = money.pay_costs(expo.admin, part)
    assert (paid.subsidy, money.paid_for(paid).own) == (D("0.00"), D("800.00"))
    assert links.self_paid_repeats() == {}  # a first participation is no repeat


def test_paying_twice_pays_once(expo, signed_up):
    first = money.pay_costs(expo.admin, signed_up[0])
    again = money.pay_costs(expo.admin, signed_up[0])
    assert first.transaction_id == again.transaction_id
    assert money.programme_totals(expo.programme).costs == D("10000.00")


def test_explanation_in_the_readers_language(expo, signed_up):
    paid = money.pay_stand(expo.admin, expo.stand)[0]
    english = explain(paid.explanation, "BRL")
    assert english == [
        "Size class Small: the programme pays 50% of the exhibition cost.",
        "Group stand at an international fair: 10% more.",
        "60% of R$3,333.34 is R$2,000.00.",
        "Yearly cap R$8,000.00; already received in 2027: R$0.00; left: R$8,000.00.",
        "The programme pays R$2,000.00; the firm pays R$1,333.34.",
    ]
    with translation.override("pt-br"):
        portuguese = explain(paid.explanation, "BRL")
    assert "R$\xa03.333,34" in portuguese[2] and "R$\xa02.000,00" in portuguese[2]


# --- rules on sign-up and permissions -------------------------------------------------------------------

def test_only_members_join_a_stand_and_only_their_manager_signs_them_up(expo):
    w = expo.world
    with pytest.raises(ValidationFailed, match="not a member"):
        programmes.sign_up(expo.admin, expo.international, w.ent_b1, stand=expo.stand)
    with pytest.raises(PermissionDenied):
        programmes.sign_up(w.users["other-association-manager"], expo.international, w.ent_a1, stand=expo.stand)
    with pytest.raises(PermissionDenied):
        programmes.sign_up(w.users["enterprise-user"], expo.international, w.ent_a2, stand=expo.stand)
    own = programmes.sign_up(w.users["enterprise-user"], expo.international, w.ent_a1, stand=expo.stand)
    assert own.cost == D("10000.00")


def test_only_agency_staff_set_up_and_pay(expo, signed_up):
    w = expo.world
    for who in ("broker", "evaluator", "association-manager", "enterprise-user"):
        with pytest.raises(PermissionDenied):
            programmes.create_programme(w.users[who], name="X", currency="BRL")
        with pytest.raises(PermissionDenied):
            money.pay_costs(w.users[who], signed_up[0])
    with pytest.raises(ValidationFailed, match="ISO 4217"):
        programmes.create_programme(expo.admin, name="X", currency="XXZ")
    with pytest.raises(ValidationFailed):
        programmes.add_group_stand(expo.admin, expo.national, association=w.buyer, total_cost="1.00")
    with pytest.raises(ValidationFailed, match="ends on or after"):
        programmes.add_fair(expo.admin, expo.programme, name="Y", organiser="O", place="P", country="BR",
                            starts_on=date(2027, 5, 2), ends_on=date(2027, 5, 1))


def remind_now():
    """The reminder task through the standard API and our queue, as a scheduler would run it."""
    result = remind_follow_ups.enqueue()
    tasks.run_pending()
    result.refresh()
    return result.return_value


# --- buyers, orders, follow-ups -------------------------------------------------------------------------

def test_buyers_orders_and_follow_ups(expo, signed_up):
    a1 = signed_up[1][0]
    user = expo.world.users["enterprise-user"]
    assert [(f.months, f.due_on) for f in a1.follow_ups.order_by("months")] == [
        (3, date(2027, 12, 22)), (6, date(2028, 3, 22)), (12, date(2028, 9, 22))]
    with pytest.raises(ValidationFailed, match="not a buyer"):
        links.record_contact(user, a1, country="BR", buyer=expo.world.assoc_b)
    with pytest.raises(ValidationFailed, match="Name the buyer"):
        links.record_contact(user, a1, country="IT")
    agent = links.record_contact(user, a1, country="", buyer=expo.agent, is_agent=True)
    assert agent.country == "IT"
    person = links.record_contact(user, a1, country="de", person="Anna Weber", company="Schuhhaus Weber")
    with pytest.raises(ValidationFailed, match="on or after its first day"):
        links.record_order(user, person, value="100.00", currency="EUR", ordered_on=date(2027, 9, 18))
    order = links.record_order(user, person, value="12500.00", currency="eur", ordered_on=date(2027, 10, 5))
    assert (order.currency, order.participation_id) == ("EUR", a1.pk)
    with pytest.raises(PermissionDenied):
        links.record_order(expo.world.users["a2-user"], person, value="1.00", currency="EUR",
                           ordered_on=date(2027, 10, 5))
    with pytest.raises(PermissionDenied):
        links.record_contact(expo.world.users["other-association-manager"], a1, country="IT", person="X")
    done = links.complete_follow_up(expo.manager, a1.follow_ups.get(months=3), note="Sent samples",
                                    on=date(2027, 12, 20))
    with pytest.raises(ValidationFailed, match="already done"):
        links.complete_follow_up(user, done)


def test_due_and_overdue_follow_ups_per_user_and_one_reminder_each(expo, signed_up):
    w = expo.world
    w.users["enterprise-user"].email = "a1@example.org"
    w.users["enterprise-user"].save()
    w.users["association-manager"].email = "assoc@example.org"
    w.users["association-manager"].save()
    on = date(2027, 7, 1)  # FENAC (ended 9 April) 3-month follow-up due 9 July: within two weeks
    due = links.follow_ups_due(w.users["enterprise-user"], on)
    assert [(f.participation.fair.name, f.months) for f in due] == [("FENAC", 3)]
    assert links.state_of(due[0], on) == "due"
    assert links.state_of(due[0], date(2027, 7, 10)) == "overdue"
    assert list(links.follow_ups_due(w.users["a2-user"], on)) == []
    assert len(links.follow_ups_due(expo.admin, date(2028, 1, 1))) == 6  # FENAC 3 and 6 months, MICAM 3 months x 4
    assert list(links.follow_ups_due(w.users["buyer-staff"], date(2030, 1, 1))) == []

    with clock_on(date(2027, 12, 15)):
        assert remind_now() == {"reminded": 6}
        assert remind_now() == {"reminded": 0}
    assert FollowUp.objects.filter(reminded_on=date(2027, 12, 15)).count() == 6
    to = sorted(tuple(m.to) for m in mail.outbox)
    assert ("a1@example.org",) in to and ("a1@example.org", "assoc@example.org") in to
