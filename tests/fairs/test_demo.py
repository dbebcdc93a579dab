"""The demo fairs load on the register's demo (the Aruaru association), through the services: a group
stand shared by area and paid on the ledger, buyers and orders, follow-ups, a self-paid repeat; the
networks' demo PROFO on a group stand at Francal; twice changes nothing."""

from decimal import Decimal

import pytest

from triplec.accounts.models import User
from triplec.fairs import policy
from triplec.fairs.demo import NETWORK, load_demo_fairs
from triplec.fairs.models import GroupStand, Participation
from triplec.fairs.services import links, money
from triplec.ledger.models import Transaction
from triplec.networks.models import NetworkMember

pytestmark = pytest.mark.slow


def test_demo_fairs_on_the_aruaru_association(db):
    from triplec.networks.demo import load_demo_networks
    from triplec.registry.demo import DEMO_PASSWORD, DemoSummary, load_illustrative

    load_illustrative(DemoSummary())
    admin = User.objects.get(username="admin")
    load_demo_networks(admin, broker=User.objects.filter(username="broker").first())
    profo = NetworkMember.objects.filter(network__name=NETWORK, left_on__isnull=True).count()
    assert profo >= 10
    assert load_demo_fairs(admin, DEMO_PASSWORD) == {"fairs": 3, "participations": 4 + profo, "orders": 3}
    counts = (Participation.objects.count(), Transaction.objects.count())
    assert load_demo_fairs(admin, DEMO_PASSWORD) == {}
    assert (Participation.objects.count(), Transaction.objects.count()) == counts

    network_stand = GroupStand.objects.get(network__name=NETWORK)
    assert network_stand.participations.filter(transaction__isnull=False).count() == profo  # signed up and paid
    assert money.programme_totals(network_stand.fair.programme).costs == Decimal("28000.00") + Decimal("42000.00")
    stand = GroupStand.objects.get(association__isnull=False)
    parts = list(stand.participations.order_by("id"))
    assert [p.cost for p in parts] == [Decimal("9600.00"), Decimal("7200.00"), Decimal("7200.00")]  # 12:9:9 m²
    # distance decides: the firms in Aruaru (Ceará) are about 3,000 km from Bento Gonçalves, over the 1,000 km
    assert (stand.fair.programme.distant_km, stand.fair.distant) == (1000, False)
    assert all(2800 < next(s for s in p.explanation if s["rule"] == "group")["km"] < 3300 for p in parts)
    totals = money.programme_totals(stand.fair.programme)
    assert totals.costs == totals.subsidies + totals.own
    firm = User.objects.get(username="enterprise").enterprise
    assert links.self_paid_repeats([firm.pk]) == {firm.pk: 1}
    for username, seen in (("enterprise", 2), ("association", 3), ("evaluator", 4 + profo), ("inspector", 0)):
        user = User.objects.filter(username=username).first()
        assert policy.visible_participations(user).count() == seen, username
