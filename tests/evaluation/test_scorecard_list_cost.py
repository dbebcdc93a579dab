"""What the scorecard list API costs: the figures of a page's cards are read together, a fixed number
of queries per instrument and level, however many rows the page has (it asked about 294 queries for 20
items when each card read its own records and ledger postings)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from triplec.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _networks(world, count: int, first: int = 0) -> None:
    """`count` networks, each with a member, a target buyer, a subsidised cost, a contribution in two
    years and two activities (one joint), all through the networks' services (so on the ledger)."""
    from triplec.networks import services
    from triplec.networks.models import FundingSchedule, Network

    admin = world.users["agency-admin"]
    profo = FundingSchedule.objects.get(code="export-profo")
    for i in range(first, first + count):
        net = services.create_network(admin, {"kind": "brokered", "name": f"Network {i}", "currency": "BRL",
                                              "started_on": date(2024, 1, 1), "target_buyers": [world.buyer]})
        Network.objects.filter(pk=net.pk).update(funding_schedule=profo)
        services.add_member(admin, net, world.ent_a1, date(2024, 1, 1), lead=True)
        services.record_cost(admin, net, category="manager", amount="1000.00", incurred_on=date(2024, 3, 1),
                             idempotency_key="c")
        for year in (2024, 2025):
            services.record_contribution(admin, net, enterprise=world.ent_a1, amount="300.00",
                                         paid_on=date(year, 4, 1), idempotency_key=f"p{year}")
        for kind, day in (("joint-purchase", date(2024, 2, 1)), ("meeting", date(2024, 6, 1))):
            services.record_activity(admin, net, {"kind": kind, "occurred_on": day, "title": kind})


def _cost(client) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/evaluation/scorecards", {"instrument": "network", "limit": 100}).json()
    return len(queries), body


def _export_cost(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(reverse("evaluation:scorecard_export", args=["csv"]), {"instrument": "network"})
        rows = (b"".join(answer.streaming_content) if answer.streaming else answer.content).splitlines()
    assert len(rows) > 5
    return len(queries)


def test_the_network_scorecards_cost_the_same_queries_for_5_and_40_rows(world, client_for):
    """The API and the CSV export (its public cost and cost share columns read the full cards)."""
    _, raw = ApiToken.issue(world.users["evaluator"], name="t")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    pages = client_for(world.users["evaluator"])
    from triplec.networks.models import NetworkKind

    kinds = NetworkKind.objects.count()  # a programme card each
    _networks(world, 5)
    _cost(client)  # the token's first use is recorded once
    _export_cost(pages)  # the session's first use
    few, body = _cost(client)
    few_exported = _export_cost(pages)
    assert body["count"] == 5 + kinds
    card = body["items"][0]
    figures = {f["key"]: f["value"] for dimension in ("customer_oriented", "collective", "cumulative")
               for f in card[dimension]}
    assert figures["public_cost"] == "400.00" and figures["repeat_paid"] == 1 and figures["joint_actions"] == 1
    assert figures["activity_after_subsidy"] == 1  # the meeting, after the manager's cost of March
    _networks(world, 35, first=5)
    many, body = _cost(client)
    assert body["count"] == len(body["items"]) == 40 + kinds
    assert many == few, (few, many)
    assert _export_cost(pages) == few_exported


def test_a_page_read_together_holds_each_cards_own_figures(nets, expo, signed_up, two_contracts):
    """Every instrument's page of cards, read together, equals each card computed on its own (no row
    takes another's records), in fewer queries than the cards one by one."""
    from triplec.evaluation.services.scorecards import scorecard, scorecards

    evaluator = expo.world.users["evaluator"]
    with CaptureQueriesContext(connection) as together:
        page = scorecards(evaluator, limit=200)
        read = [(card.ref, card.dimensions()) for card in page.items]
    assert {card.instrument for card in page.items} >= {"network", "fair-participation", "contract"}
    with CaptureQueriesContext(connection) as alone:
        for ref, dimensions in read:
            instrument, level, pk = ref.split(":")
            assert scorecard(evaluator, instrument, level, int(pk)).dimensions() == dimensions, ref
    assert len(together) < len(alone), (len(together), len(alone))
