"""A network's group stand at a fair in the evaluation: its firms are reached "in a group" (dashboard and
the fairs programme's scorecard), and its money counts as any stand's, hand-computed to the cent.

The case (tests/fairs/conftest.py `network_expo`): Serraria Alfa (small) alone at FENAC, R$ 10,000.00,
subsidy 50% = 5,000.00; the network's MICAM stand, R$ 25,000.00 for Calçados Gama, Marcenaria Beta and
Serraria Alfa (subsidies 2,500.00 + 5,000.00 + 3,000.00, Alfa capped at R$ 8,000.00 a year; worked out in
tests/fairs/test_network_stands.py). So: 4 participations of 3 firms, all 3 at a group stand; subsidies
15,500.00; the firms paid 5,000.00 + 14,500.00 = 19,500.00 of 35,000.00, 55.7%."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from tests.fairs.conftest import expo, network_expo  # noqa: F401 (the fixtures)

from triplec.evaluation.services.dashboard import Filters, dashboard
from triplec.evaluation.services.scorecards import scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_stand(network_expo):  # noqa: F811
    from triplec.fairs.services import money, network_stands, programmes

    ne = network_expo
    admin, day = ne.expo.admin, date(2027, 3, 1)
    alone = programmes.sign_up(admin, ne.expo.national, ne.expo.world.ent_a1, cost="10000.00", on=day)
    money.pay_costs(admin, alone, on=date(2027, 4, 1))
    stand = network_stands.sign_up_network(ne.broker, ne.expo.international, ne.network, total_cost="25000.00", on=day)
    money.pay_stand(admin, stand, on=date(2027, 9, 1))
    return ne


def test_the_dashboard_counts_the_network_firms_in_a_group(paid_stand):
    tables = {t.id: t for t in dashboard(paid_stand.expo.world.users["evaluator"],
                                         Filters(instrument="fair-participation"))}
    assert [(r["year"], r["firms"], r["in_group"], r["individually"]) for r in tables["reach"].rows
            if r["instrument"] == "Fair participation"] == [(2027, 3, 3, 0)]
    assert tables["fairs"].rows == [{"year": 2027, "currency": "BRL", "participations": 4, "firms": 3,
                                     "subsidies": D("15500.00")}]
    assert tables["money"].rows == [{"year": 2027, "currency": "BRL", "public": D("15500.00"),
                                     "private": D("19500.00"), "private_share": D("55.7")}]


def test_the_programme_scorecard_counts_the_network_stand(paid_stand):
    card = scorecard(paid_stand.expo.admin, "fair-participation", "programme", paid_stand.expo.programme.pk)
    assert card.figure("firms_reached").value == 3
    assert "3 at group stands, 1 alone" in card.figure("delivery").value
    assert (card.figure("public_cost").value, card.figure("public_cost_per_firm").value) == (
        D("15500.00"), D("5166.67"))
