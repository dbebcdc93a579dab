"""Scorecards against hand-computed cases built from plain records of each instrument (to the cent)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from triplec.core.errors import NotFound
from triplec.evaluation.services.scorecards import scorecard, scorecards

pytestmark = pytest.mark.django_db


def values(card, key):
    return [(f.value, f.currency) if f.unit == "money" else f.value for f in card.figures(key)]


@pytest.fixture
def fair_records(expo, signed_up):
    """ent_a1 alone at FENAC (6-9 April 2027): R$ 10,000.00, small firm, 50%: the programme pays
    R$ 5,000.00 and the firm R$ 5,000.00. One buyer met; an order of R$ 1,500.00 on 1 May (after the
    fair) and one of USD 200.00 during it. The stand's firms and ent_b1 are signed up, not paid."""
    from triplec.fairs.services import links, money

    alone = signed_up[0]
    money.pay_costs(expo.admin, alone, on=date(2027, 3, 15))
    contact = links.record_contact(expo.admin, alone, country="BR", person="Ana", company="Lojas X")
    links.record_order(expo.admin, contact, value="1500.00", currency="BRL", ordered_on=date(2027, 5, 1))
    links.record_order(expo.admin, contact, value="200.00", currency="USD", ordered_on=date(2027, 4, 7))
    return alone


def test_a_fair_participation(expo, fair_records):
    card = scorecard(expo.admin, "fair-participation", "intervention", fair_records.pk)
    assert values(card, "buyers_met") == [1]
    assert values(card, "orders_traced_count") == [2]
    assert values(card, "orders_traced") == [(Decimal("1500.00"), "BRL")]
    assert "1 orders in other currencies" in card.figure("orders_traced").note
    assert values(card, "firms_reached") == [1]
    assert values(card, "delivery") == ["individual"]
    assert values(card, "public_cost") == [(Decimal("5000.00"), "BRL")]
    assert values(card, "public_cost_per_firm") == [(Decimal("5000.00"), "BRL")]
    assert values(card, "cost_share_by_firms") == [Decimal("0.5000")]
    assert values(card, "activity_after_subsidy") == [1]
    assert values(card, "repeat_paid") == [0]
    assert card.figure("public_cost").evidence[0].url == f"/fairs/participations/{fair_records.pk}/"


def test_a_fairs_programme(expo, fair_records):
    """Five participations of four firms (ent_a1 twice); only ent_a1's FENAC cost is paid."""
    card = scorecard(expo.admin, "fair-participation", "programme", expo.programme.pk)
    assert values(card, "firms_reached") == [4]
    assert values(card, "public_cost") == [(Decimal("5000.00"), "BRL")]
    assert values(card, "public_cost_per_firm") == [(Decimal("1250.00"), "BRL")]
    assert "3 at group stands, 2 alone" in values(card, "delivery")[0]
    assert len(card.figure("firms_reached").evidence) == 5


def test_a_supplier_programme(shoes):
    """Agency 50%, buyer the rest. A diagnostic of R$ 1,000.00 (1 Feb 2026) and a session of R$ 300.00
    (1 Mar 2026): the agency pays 650.00 of 1,300.00. Orders: 100 x 12.50 on 10 Feb and 10 x 3.00 on
    10 Mar (after the agency's last payment). Other sales: R$ 4,000.00 in 2026."""
    from tests.suppliers.conftest import scores

    from triplec.suppliers.services import diagnostics, orders, training

    admin = shoes.world.users["agency-admin"]
    diagnostics.record_diagnostic(admin, shoes.supplier, carried_out_on=date(2026, 2, 1), consultant="C",
                                  cost="1000.00", scores=scores())
    training.create_session(admin, shoes.programme, title="5S", kind="technical", held_on=date(2026, 3, 1),
                            cost="300.00")
    orders.record_order(admin, shoes.supplier, reference="A", ordered_on=date(2026, 2, 10),
                        promised_on=date(2026, 2, 20), quantity=100, unit_price="12.50")
    orders.record_order(admin, shoes.supplier, reference="B", ordered_on=date(2026, 3, 10),
                        promised_on=date(2026, 3, 20), quantity=10, unit_price="3.00")
    orders.record_other_sales(admin, shoes.supplier, year=2026, amount="4000.00", customers=3)
    card = scorecard(admin, "supplier-programme", "intervention", shoes.programme.pk)
    assert values(card, "named_customer") == ["Calçados Grande SA"]
    assert values(card, "orders_traced") == [(Decimal("1280.00"), "BRL")]
    assert values(card, "firms_reached") == [2]
    assert values(card, "public_cost") == [(Decimal("650.00"), "BRL")]
    assert values(card, "public_cost_per_firm") == [(Decimal("325.00"), "BRL")]
    assert values(card, "joint_actions") == [1]
    assert values(card, "cost_share_by_firms") == [Decimal("0.5000")]
    assert values(card, "activity_after_subsidy") == [1]
    assert values(card, "sales_beyond") == [(Decimal("4000.00"), "BRL")]
    assert values(card, "suppliers_selling_beyond") == [1]


def test_who_reads_which_scorecards(expo, fair_records):
    world = expo.world
    everything = scorecards(world.users["evaluator"], instrument_key="fair-participation", limit=100)
    assert everything.count == 6  # five participations and the programme
    mine = scorecards(world.users["enterprise-user"], instrument_key="fair-participation", limit=100)
    assert sorted(c.pk for c in mine.items) == sorted(p.pk for p in expo.programme.fairs.get(name="FENAC")
                                                      .participations.all()) + sorted(
        p.pk for p in expo.stand.participations.filter(enterprise=world.ent_a1))
    assert all(c.level == "intervention" for c in mine.items)
    manager = scorecards(world.users["association-manager"], instrument_key="fair-participation", limit=100)
    assert {c.pk for c in manager.items} == set(expo.stand.participations.values_list("pk", flat=True))
    with pytest.raises(NotFound):
        scorecard(world.users["other-enterprise-user"], "fair-participation", "intervention", fair_records.pk)
    with pytest.raises(NotFound):
        scorecard(world.users["enterprise-user"], "fair-participation", "programme", expo.programme.pk)
    page = scorecards(world.users["evaluator"], instrument_key="fair-participation", limit=2, offset=4)
    assert (page.count, len(page.items), page.items[-1].level) == (6, 2, "programme")
    assert scorecards(world.users["evaluator"], instrument_key="fair-participation", year=2026).count == 0
