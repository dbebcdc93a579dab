"""The agency's set-up services (programme and fair edited, a participation cancelled), the distant
fair decided from coordinates, and a wrong payment reversed on the ledger. Cases computed by hand on
tests/fairs/conftest.py `expo` (ent_a1 small 50%, ent_a2 and ent_a3 micro 50%, +10% at a stand far
away, cap R$ 8,000.00)."""

from datetime import date
from decimal import Decimal as D

import pytest

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.fairs.models import FollowUp, Participation
from triplec.fairs.services import links, money, programmes
from triplec.fairs.services.subsidy import distance_km, distance_note, evaluate, explain, is_distant
from triplec.ledger.models import Entry

pytestmark = pytest.mark.django_db

FORTALEZA = (-3.7319, -38.5267)
NOVO_HAMBURGO = (-29.6783, -51.1309)  # about 3,210 km from Fortaleza
RECIFE = (-8.0476, -34.8770)  # about 630 km from Fortaleza


def _place(enterprise, where):
    enterprise.latitude, enterprise.longitude = where
    enterprise.save(update_fields=["latitude", "longitude"])


def test_programme_and_fair_edited_by_the_agency_only(expo, signed_up):
    p = programmes.update_programme(expo.admin, expo.programme, name="Feiras 2027-28", currency="BRL",
                                    yearly_cap="", distant_km="1000", share_small="0.6")
    assert (p.name, p.yearly_cap, p.distant_km, p.share_small, p.share_micro) == (
        "Feiras 2027-28", None, 1000, D("0.6"), D("0.5"))
    with pytest.raises(PermissionDenied):
        programmes.update_programme(expo.manager, p, name="X", currency="BRL")
    fair = programmes.update_fair(expo.admin, expo.national, ends_on=date(2027, 4, 10), latitude=NOVO_HAMBURGO[0],
                                  longitude=NOVO_HAMBURGO[1])
    assert fair.coordinates == NOVO_HAMBURGO and fair.name == "FENAC"
    # open follow-ups move with the fair's last day
    assert [f.due_on for f in FollowUp.objects.filter(participation__fair=fair).order_by("months")] == [
        date(2027, 7, 10), date(2027, 10, 10), date(2028, 4, 10)]
    with pytest.raises(ValidationFailed, match="both latitude and longitude"):
        programmes.update_fair(expo.admin, fair, latitude=1.0, longitude=None)
    with pytest.raises(PermissionDenied):
        programmes.update_fair(expo.world.users["enterprise-user"], fair, name="Y")


def test_the_currency_is_fixed_once_a_cost_was_paid(expo, signed_up):
    money.pay_costs(expo.admin, signed_up[0])
    with pytest.raises(ValidationFailed, match="cannot change"):
        programmes.update_programme(expo.admin, expo.programme, name="Feiras 2027", currency="EUR")


def alone(expo, fair):
    return programmes.sign_up(expo.admin, fair, expo.world.ent_b1, cost="100.00", on=date(2027, 3, 1))


def test_distant_decided_from_coordinates_over_the_programmes_threshold(expo):
    w = expo.world  # ent_a1 is in Aruaru (-4.3, -38.9), about 3,100 km from Novo Hamburgo
    fenac = programmes.update_fair(expo.admin, expo.national, latitude=NOVO_HAMBURGO[0], longitude=NOVO_HAMBURGO[1])
    stand = programmes.add_group_stand(expo.admin, fenac, association=w.assoc_a, total_cost="4000.00")
    a1 = programmes.sign_up(expo.admin, fenac, w.ent_a1, stand=stand, on=date(2027, 3, 1))  # pays 4,000.00
    # no threshold in the programme: the fair's flag (not distant) decides
    assert is_distant(a1) == (False, None)
    assert evaluate(a1, used_this_year=D(0)).amount == D("2000.00")
    assert distance_note(a1) == ("The distance was not computed (the programme sets no threshold in km, or a place "
                                 "has no coordinates): the fair is not marked distant.")
    programmes.update_programme(expo.admin, expo.programme, name="Feiras 2027", currency="BRL", yearly_cap="8000.00",
                                distant_km="1500", group_extra_share="0.1", repeat_step="0.1")
    a1 = Participation.objects.get(pk=a1.pk)
    far, km = is_distant(a1)
    assert far and 3050 < km < 3150
    result = evaluate(a1, used_this_year=D(0))
    assert result.amount == D("2400.00")  # 4,000.00 x (50% + 10%)
    assert explain(result.as_json(), "BRL")[1] == f"Group stand at a distant fair ({round(km):,} km away): 10% more."
    assert distance_note(a1) == (f"{round(km):,} km from the firm's place to the fair; the programme counts 1,500 km "
                                 "or more as distant, so the fair is distant for this group stand.")
    # a firm without coordinates: the fair's flag decides again
    w.ent_a1.latitude = w.ent_a1.longitude = None
    w.ent_a1.save(update_fields=["latitude", "longitude"])
    assert is_distant(Participation.objects.get(pk=a1.pk)) == (False, None)
    # a near place under the threshold: not distant, even though the fair says so
    _place(w.ent_a1, FORTALEZA)
    programmes.update_fair(expo.admin, fenac, distant=True, latitude=RECIFE[0], longitude=RECIFE[1])
    a1 = Participation.objects.get(pk=a1.pk)
    assert 600 < distance_km(a1) < 660 and is_distant(a1)[0] is False
    assert distance_note(a1).endswith("so the fair is not distant for this group stand.")
    assert evaluate(a1, used_this_year=D(0)).amount == D("2000.00")
    # the association's own place (its register record) comes before the firm's
    w.assoc_a.enterprise = w.ent_b1  # at (-29.7, -51.1)
    w.assoc_a.save(update_fields=["enterprise"])
    a1 = Participation.objects.get(pk=a1.pk)
    assert distance_km(a1) > 2500 and is_distant(a1)[0] is True  # from Novo Hamburgo to Recife
    assert "km from the association's place to the fair" in distance_note(a1)
    assert distance_note(Participation.objects.get(pk=alone(expo, fenac).pk)) is None  # alone: distance plays no part


def test_cancel_before_payment_shares_the_stand_again(expo, signed_up):
    _alone, (a1, a2, a3), _b1 = signed_up
    assert [p.cost for p in (a1, a2, a3)] == [D("3333.34"), D("3333.33"), D("3333.33")]
    with pytest.raises(PermissionDenied):
        programmes.cancel(expo.world.users["other-enterprise-user"], a2, reason="x")
    with pytest.raises(ValidationFailed, match="Say why"):
        programmes.cancel(expo.manager, a2, reason=" ")
    done = programmes.cancel(expo.world.users["a2-user"], a2, reason="No stock to show", on=date(2027, 6, 1))
    assert (done.cancelled_on, done.cancel_reason, done.cost) == (date(2027, 6, 1), "No stock to show", D(0))
    assert [Participation.objects.get(pk=p.pk).cost for p in (a1, a3)] == [D("5000.00"), D("5000.00")]
    assert programmes.cancel(expo.admin, done, reason="again").cancel_reason == "No stock to show"
    paid = money.pay_stand(expo.admin, expo.stand, on=date(2027, 9, 1))
    assert [p.pk for p in paid] == [a1.pk, a3.pk]
    with pytest.raises(ValidationFailed, match="reverse the payment"):
        programmes.cancel(expo.admin, a1, reason="too late")
    assert not links.follow_ups_due(expo.admin, date(2030, 1, 1)).filter(participation=a2).exists()
    with pytest.raises(ValidationFailed, match="cancelled"):
        money.pay_costs(expo.admin, a2)


def test_a_wrong_payment_reversed_on_the_ledger_then_paid_again_once(expo, signed_up):
    alone = signed_up[0]  # ent_a1 alone at FENAC, R$ 10,000.00: 5,000.00 subsidy
    paid = money.pay_costs(expo.admin, alone, on=date(2027, 4, 1))
    first = paid.transaction_id
    assert money.subsidy_received(expo.programme, alone.enterprise_id, 2027) == D("5000.00")
    with pytest.raises(PermissionDenied):
        money.reverse_payment(expo.manager, paid, reason="wrong")
    with pytest.raises(ValidationFailed, match="Say why"):
        money.reverse_payment(expo.admin, paid, reason="")
    record = money.reverse_payment(expo.admin, paid, reason="Paid at the wrong cost", transaction_id=first,
                                   on=date(2027, 4, 2))
    again = money.reverse_payment(expo.admin, paid, reason="double click", transaction_id=first)
    assert again.pk == record.pk and record.reversal.reverses_id == first
    alone.refresh_from_db()
    assert (alone.paid, alone.subsidy, money.payment_round(alone)) == (False, None, 1)
    assert money.subsidy_received(expo.programme, alone.enterprise_id, 2027) == D("0.00")
    assert money.programme_totals(expo.programme).costs == D("0.00")
    # a pay form sent again from before the reversal (round 0) pays nothing; round 1 pays once
    assert not money.pay_costs(expo.admin, alone, round_no=0).paid
    repaid = money.pay_costs(expo.admin, alone, round_no=1, on=date(2027, 4, 3))
    assert money.pay_costs(expo.admin, alone, round_no=1).transaction_id == repaid.transaction_id != first
    lines = money.money_lines(repaid)
    assert [(line.subsidy, line.own, line.reversal_of, line.reason) for line in lines] == [
        (D("5000.00"), D("5000.00"), None, ""), (D("-5000.00"), D("-5000.00"), first, "Paid at the wrong cost"),
        (D("5000.00"), D("5000.00"), None, "")]
    assert money.subsidy_received(expo.programme, alone.enterprise_id, 2027) == D("5000.00")
    assert sum(e.units for e in Entry.objects.all()) == 0
    with pytest.raises(ValidationFailed, match="not this participation's current payment"):
        money.reverse_payment(expo.admin, repaid, reason="x", transaction_id=first + 999)


def test_a_firm_that_cancelled_signs_up_again_and_the_ledger_counts_only_the_new_payment(expo, signed_up):
    alone, (a1, a2, a3), _b1 = signed_up
    with pytest.raises(ValidationFailed, match="already signed up"):
        programmes.sign_up(expo.manager, expo.international, expo.world.ent_a2, stand=expo.stand)
    programmes.cancel(expo.manager, a2, reason="No stock to show")
    back = programmes.sign_up(expo.manager, expo.international, expo.world.ent_a2, stand=expo.stand)
    assert back.pk != a2.pk and back.follow_ups.count() == 3
    assert [Participation.objects.get(pk=p.pk).cost for p in (a1, a3, back, a2)] == [
        D("3333.34"), D("3333.33"), D("3333.33"), D(0)]
    assert [p.pk for p in money.pay_stand(expo.admin, expo.stand)] == [a1.pk, a3.pk, back.pk]
    back.refresh_from_db()
    assert (back.subsidy, money.paid_for(back).own) == (D("2000.00"), D("1333.33"))  # micro 50% + 10% far away
    # alone: paid, reversed, cancelled, back at a new cost; the cap counts the new subsidy only
    money.pay_costs(expo.admin, alone)
    money.reverse_payment(expo.admin, alone, reason="Wrong firm")
    programmes.cancel(expo.admin, alone, reason="Wrong firm")
    again = money.pay_costs(expo.admin, programmes.sign_up(expo.admin, expo.national, alone.enterprise, cost="4000.00"))
    assert again.subsidy == D("2000.00")
    assert money.subsidy_received(expo.programme, alone.enterprise_id, 2027) == D("4000.00")  # + 2,000.00 at MICAM
    totals = money.programme_totals(expo.programme)
    assert (totals.costs, totals.subsidies + totals.own) == (D("14000.00"), D("14000.00"))
    assert sum(e.units for e in Entry.objects.all()) == 0
