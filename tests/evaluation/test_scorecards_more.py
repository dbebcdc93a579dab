"""Scorecards of networks, procurement contracts and service subscriptions, hand-computed from plain
records of each instrument (to the cent)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.procurement.conftest import DAY

from triplec.evaluation.services.scorecards import scorecard

from .test_scorecards import values

pytestmark = pytest.mark.django_db


def test_a_network(nets):
    """Schedule export-profo: the agency pays 70% of the manager's cost in years 1-3, nothing else.
    Costs: manager 1,000.00 (1 Mar 2024, subsidised) and consultant 500.00 (1 Feb 2025, not). Paid by
    the firms: ent_a1 300.00 (Apr 2024) and 250.00 (Mar 2025), ent_a2 100.00 (May 2024): 650.00 of
    1,500.00. Public cost 850.00 over six members: 141.67 each. Activities: a joint purchase (Feb 2024),
    a meeting (Jun 2024) and joint marketing (Apr 2025): two joint actions, two after the last
    subsidised cost."""
    from triplec.networks import services
    from triplec.networks.models import FundingSchedule, Network

    w, admin, net = nets.world, nets.world.users["agency-admin"], nets.net
    Network.objects.filter(pk=net.pk).update(funding_schedule=FundingSchedule.objects.get(code="export-profo"))
    net.refresh_from_db()
    for key, (category, amount, day) in enumerate([("manager", "1000.00", date(2024, 3, 1)),
                                                   ("consultant", "500.00", date(2025, 2, 1))]):
        services.record_cost(admin, net, category=category, amount=amount, incurred_on=day, idempotency_key=f"c{key}")
    for key, (firm, amount, day) in enumerate([(w.ent_a1, "300.00", date(2024, 4, 1)),
                                               (w.ent_a1, "250.00", date(2025, 3, 1)),
                                               (w.ent_a2, "100.00", date(2024, 5, 1))]):
        services.record_contribution(admin, net, enterprise=firm, amount=amount, paid_on=day, idempotency_key=f"p{key}")
    for kind, day in (("joint-purchase", date(2024, 2, 1)), ("meeting", date(2024, 6, 1)),
                      ("joint-marketing", date(2025, 4, 1))):
        services.record_activity(admin, net, {"kind": kind, "occurred_on": day, "title": kind})
    card = scorecard(admin, "network", "intervention", net.pk)
    assert values(card, "named_customers") == [1]
    assert values(card, "firms_reached") == [6]
    assert values(card, "public_cost") == [(Decimal("850.00"), "BRL")]
    assert values(card, "public_cost_per_firm") == [(Decimal("141.67"), "BRL")]
    assert values(card, "joint_actions") == [2]
    assert values(card, "cost_share_by_firms") == [Decimal("0.4333")]
    assert values(card, "cost_share_by_year")[0][:2] == [{"year": 1, "value": Decimal("0.4000")},
                                                         {"year": 2, "value": Decimal("0.5000")}]
    assert values(card, "activity_after_subsidy") == [2]
    assert values(card, "repeat_paid") == [1]
    kind = scorecard(admin, "network", "programme", net.kind_id)
    assert values(kind, "public_cost") == [(Decimal("850.00"), "BRL")]


def test_procurement_contracts(desks, two_contracts):
    """C1: 20 desks at 10.00 (200.00), S1 and S2 make 10 each (one joint line); the 50% advance paid
    (100.00). The association says 25% of its output went to other buyers in 2026. A later contract C3
    (5 desks, S1) is a repeat participation of S1."""
    from tests.procurement.conftest import award

    from triplec.procurement.services import allocation, programmes

    c1 = two_contracts[0]
    admin = desks.admin
    programmes.record_outcome(admin, desks.association, year=2026, members=10, workers=40,
                              share_sold_elsewhere="0.25")
    card = scorecard(admin, "contract", "intervention", c1.pk)
    assert values(card, "named_customer") == ["State Purchasing"]
    assert values(card, "orders_traced") == [(Decimal("200.00"), "BRL")]
    assert values(card, "sales_traced") == [(Decimal("100.00"), "BRL")]
    assert values(card, "firms_reached") == [2]
    assert values(card, "joint_actions") == [1]
    assert values(card, "public_cost") == [(None, "")]
    assert values(card, "repeat_participation") == [0]
    assert values(card, "sales_beyond") == [Decimal("0.2500")]
    c3 = award(desks, quantity=5, price="10.00", reference="C3", on=date(2027, 6, 1))
    allocation.confirm(desks.manager, c3.lines.get(), {desks.members[0]: 5}, on=date(2027, 6, 2))
    assert values(scorecard(admin, "contract", "intervention", c3.pk), "repeat_participation") == [1]
    programme = scorecard(admin, "contract", "programme", desks.programme.pk)
    assert values(programme, "orders_traced") == [(Decimal("250.00"), "BRL")]
    assert values(programme, "firms_reached") == [2]
    assert DAY.year == 2027


def test_a_service_subscription(world):
    """ent_a1 (small) subscribes to CITER today at 1,200.00; the centre received 6,000.00 of public
    funds today and ent_a1 bought a technical note at the member's 15.00: the firms paid 1,215.00 of
    7,215.00 (0.1684); one subscriber in those years, so the public cost per firm is 6,000.00."""
    from tests.centres.conftest import citer as make_citer

    from triplec.centres.services import money, usage

    citer = make_citer.__wrapped__(world)
    admin = world.users["agency-admin"]
    money.record_public_funds(admin, citer.centre, world.agency, "6000.00", "grant-1")
    usage.record_use(world.users["centre-staff"], citer.note, world.ent_a1)
    card = scorecard(admin, "subscription", "intervention", citer.subscription.pk)
    assert values(card, "services_used") == [1]
    assert values(card, "firms_reached") == [1]
    assert values(card, "public_cost") == [(Decimal("6000.00"), "BRL")]
    assert values(card, "public_cost_per_firm") == [(Decimal("6000.00"), "BRL")]
    assert values(card, "cost_share_by_firms") == [Decimal("0.1684")]
    assert values(card, "repeat_paid") == [0]


def test_a_centres_programme_scorecard_with_a_thousand_subscriptions(world):
    """The services used while subscribed are counted in one query, whatever the number of subscriptions
    (an OR per subscription made SQLite refuse the query at about 1,000). ent_a1 subscribes for 1,200
    one-day periods in the past and uses the centre on two of those days and on one day outside them."""
    from datetime import date, datetime, time, timedelta

    from django.utils import timezone
    from tests.centres.conftest import citer as make_citer

    from triplec.centres.models import Subscription, Usage

    citer = make_citer.__wrapped__(world)
    first = date(2020, 1, 1)
    Subscription.objects.bulk_create([
        Subscription(centre=citer.centre, enterprise=world.ent_a1, starts_on=first + timedelta(days=2 * i),
                     ends_on=first + timedelta(days=2 * i), fee=Decimal(0)) for i in range(1200)])
    for day in (first, first + timedelta(days=2), first + timedelta(days=1)):
        use = Usage.objects.create(centre=citer.centre, service=citer.note, enterprise=world.ent_a1, kind="use")
        Usage.objects.filter(pk=use.pk).update(at=timezone.make_aware(datetime.combine(day, time(10))))
    card = scorecard(world.users["agency-admin"], "subscription", "programme", citer.centre.pk)
    assert values(card, "services_used") == [2]
    assert values(card, "firms_reached") == [1]
