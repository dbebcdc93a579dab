"""The scorecard list computes what a row shows: the firms reached of a page's rows are counted
together (queries per instrument, not per row) and equal the figure of the full card; the other
figures are computed only when read (the API reads them all)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from triplec.evaluation.services.scorecards import scorecards

pytestmark = pytest.mark.django_db


@pytest.fixture
def instruments(nets, expo, signed_up, two_contracts):
    """Networks, a fairs programme with five participations and procurement contracts, in one world."""
    return expo.world


def test_a_row_shows_the_firms_reached_of_its_full_card(instruments):
    page = scorecards(instruments.users["evaluator"], limit=100)
    assert {card.instrument for card in page.items} >= {"network", "fair-participation", "contract"}
    assert any(card.level == "programme" for card in page.items)
    for card in page.items:
        headline = card.figure("firms_reached")
        full = next((f for f in card.collective if f.key == "firms_reached"), None)
        assert headline == full, card.ref


def test_the_list_page_asks_few_queries_however_many_rows(instruments, client_for,
                                                          django_assert_max_num_queries):
    client = client_for(instruments.users["evaluator"])
    client.get(reverse("evaluation:scorecard_list"))  # the session and the user's caches
    with django_assert_max_num_queries(30):  # 144 when every row computed its full card
        answer = client.get(reverse("evaluation:scorecard_list"))
    assert answer.context["count"] == len(answer.context["cards"]) > 10
