"""Issue 8, item 10: every money figure of a network comes from one computation (`funding.shares`),
its parts make the whole, and amounts are written in the reader's locale.

The demo's PROFO showed expenses 84,000, agency's part 84,000 and paid by members 16,800 ("0.00
expected of them"): the page now says what the 16,800 is (beyond the members' part), shows the two
parts that make the expenses, and writes R$ 84.000,00 in Portuguese."""

from __future__ import annotations

import html
import itertools
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triplec.core.money_format import format_money
from triplec.networks import funding, lifecycle, services
from triplec.networks.independence import compute_criteria
from triplec.networks.models import CostCategory, FundingRule, FundingSchedule, Network

pytestmark = pytest.mark.django_db

D = Decimal
NBSP = "\xa0"
START = date(2024, 1, 1)
_names = itertools.count()


# The property: parts sum to the whole, years sum to the lifetime, expected and paid agree -----------------

shares_4dp = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n) / D(10_000))
rule = st.tuples(st.sampled_from(["*", *CostCategory.values]), st.integers(0, 30), st.integers(1, 30), shares_4dp)
cents = st.integers(min_value=1, max_value=5_000_000).map(lambda n: D(n) / 100)
cost = st.tuples(st.sampled_from(CostCategory.values), st.integers(0, 900), cents, st.booleans())
paid = st.tuples(st.integers(0, 2), st.integers(0, 900), cents, st.booleans())


def _schedule(rules) -> FundingSchedule:
    schedule = FundingSchedule.objects.create(code=f"prop-{next(_names)}", name="Property schedule")
    for category, start, length, share in rules:
        if not FundingRule.objects.filter(schedule=schedule, category=category, from_month=start).exists():
            FundingRule.objects.create(schedule=schedule, category=category, from_month=start,
                                       to_month=start + length, agency_share=share)
    return schedule


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(rules=st.lists(rule, max_size=5), costs=st.lists(cost, max_size=12), payments=st.lists(paid, max_size=8))
def test_parts_make_the_whole_and_years_add_up_to_the_lifetime(nets, rules, costs, payments):
    admin, firms = nets.users["agency-admin"], [nets.world.ent_a1, nets.world.ent_a2, nets.extra[0]]
    network = services.create_network(admin, {"kind": "brokered", "name": f"Property {next(_names)}",
                                              "currency": "BRL", "started_on": START,
                                              "funding_schedule": _schedule(rules)})
    for firm in firms:
        services.add_member(admin, network, firm, START)
    for i, (category, day, amount, reversed_) in enumerate(costs):
        entry, _ = services.record_cost(admin, network, category=category, amount=amount,
                                        incurred_on=START + timedelta(days=day), idempotency_key=f"c{i}")
        if reversed_:
            services.reverse_cost(admin, entry, "Property: reversed")
    for i, (firm, day, amount, reversed_) in enumerate(payments):
        entry, _ = services.record_contribution(admin, network, enterprise=firms[firm], amount=amount,
                                                paid_on=START + timedelta(days=day), idempotency_key=f"p{i}")
        if reversed_:
            services.reverse_contribution(admin, entry, "Property: reversed")
    network = Network.objects.get(pk=network.pk)
    through = START + timedelta(days=1000)
    life = funding.lifetime_shares(network, through)
    expected_expenses = sum((a for _c, _d, a, r in costs if not r), D(0))
    expected_paid = sum((a for _f, _d, a, r in payments if not r), D(0))
    assert life.expenses == expected_expenses and life.contributions == expected_paid
    assert life.agency_due + life.members_due == life.expenses
    assert D(0) <= life.agency_due <= life.expenses
    assert life.members_outstanding - life.members_paid_beyond == life.members_due - life.contributions
    assert min(life.members_outstanding, life.members_paid_beyond) == 0
    assert life.members_pay_majority == (life.expenses > 0 and life.contributions / life.expenses > D("0.5"))
    years = [s for _y, s in funding.shares_by_year(network, through)]
    for name in ("expenses", "agency_due", "members_due", "contributions"):
        assert sum((getattr(s, name) for s in years), D(0)) == getattr(life, name), name
    for s in years:
        assert s.agency_due + s.members_due == s.expenses


def test_a_reversal_cancels_its_entrys_agency_part_to_the_cent(nets):
    admin = nets.users["agency-admin"]
    schedule = _schedule([("*", 0, 100, D("0.3333"))])
    network = services.create_network(admin, {"kind": "brokered", "name": "Thirds", "currency": "BRL",
                                              "started_on": START, "funding_schedule": schedule})
    for i, amount in enumerate(["0.05", "10.01", "333.35"]):
        services.record_cost(admin, network, category="events", amount=amount, incurred_on=START,
                             idempotency_key=f"e{i}")
    whole = funding.lifetime_shares(network)
    # each entry's part rounded on its own: 0.02 + 3.34 + 111.11 (half-even), not round(343.41 x 0.3333)
    assert whole.agency_due == D("114.47") and whole.members_due == D("228.94")
    first = network.cost_entries.get(idempotency_key="e0")
    services.reverse_cost(admin, first, "wrong")
    assert funding.lifetime_shares(network).agency_due == D("114.45")


def test_gate_and_criterion_agree_at_the_half(nets):
    """30,000.00 of expenses, 15,000.01 paid: more than half, for the graduation gate and for Dini's
    third criterion alike (the gate used a share rounded to 4 places and said no)."""
    admin = nets.users["agency-admin"]
    network = nets.other
    services.record_cost(admin, network, category="manager", amount="30000.00", incurred_on=date(2025, 1, 1),
                         idempotency_key="m")
    services.record_contribution(admin, network, enterprise=nets.world.ent_b1, amount="15000.01",
                                 paid_on=date(2025, 2, 1), idempotency_key="p")
    on = date(2025, 6, 30)
    met, _basis = lifecycle.CONDITION_CHECKS["members-pay-majority"].func(network, on, None)
    assert met and compute_criteria(network, on)["contributes-half"].met


# The pages ---------------------------------------------------------------------------------------------

@pytest.fixture
def profo_like(nets):
    """nets.net (fully subsidised: the agency pays every cost) with the demo PROFO's figures:
    84,000.00 of expenses and 16,800.00 paid by the members."""
    admin = nets.users["agency-admin"]
    for month in range(14):
        services.record_cost(admin, nets.net, category="manager", amount="6000.00",
                             incurred_on=date(2024, 1 + month % 12, 1) if month < 12 else date(2025, month - 11, 1),
                             idempotency_key=f"fee-{month}")
    for i, firm in enumerate([nets.world.ent_a1, nets.world.ent_a2]):
        services.record_contribution(admin, nets.net, enterprise=firm, amount="8400.00", paid_on=date(2024, 6, 5),
                                     idempotency_key=f"dues-{i}")
    return nets.net


def _stat(body: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]*)<', body)
    return html.unescape(found.group(1)).strip() if found else ""


def test_the_money_page_shows_parts_that_make_the_whole(nets, profo_like, client_for):
    body = client_for(nets.users["programme-officer"]).get(f"/networks/{profo_like.pk}/money/",
                                                           HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _stat(body, "expenses") == "R$84,000.00"
    assert _stat(body, "agency-part") == "R$84,000.00" and _stat(body, "members-part") == "R$0.00"
    assert _stat(body, "contributions-total") == "R$16,800.00"
    assert _stat(body, "members-standing") == "R$16,800.00 beyond their part"
    assert _stat(body, "member-share") == "20%"
    assert "Expenses R$84,000.00 = agency's part R$84,000.00 + members' part R$0.00." in html.unescape(body)
    assert "expected of them" not in body and "84000.00" not in body


def test_the_money_and_independence_pages_speak_portuguese_money(nets, profo_like, client_for):
    c = client_for(nets.users["programme-officer"])
    body = html.unescape(c.get(f"/networks/{profo_like.pk}/money/", HTTP_ACCEPT_LANGUAGE="pt-br").content.decode())
    assert _stat(body, "expenses") == f"R${NBSP}84.000,00"
    assert _stat(body, "contributions-total") == f"R${NBSP}16.800,00"
    assert f"R${NBSP}6.000,00" in body  # the ledger's rows
    independence = html.unescape(c.get(f"/networks/{profo_like.pk}/independence/",
                                       HTTP_ACCEPT_LANGUAGE="pt-br").content.decode())
    assert "16800.00" not in independence and "84000.00" not in independence


@pytest.mark.parametrize("language, expected", [("en", "R$15,960.00"), ("pt-br", f"R${NBSP}15.960,00"),
                                                ("es", f"15.960,00{NBSP}BRL")])
def test_amounts_follow_the_readers_locale(language, expected):
    from django.utils import translation

    with translation.override(language):
        assert format_money(D("15960.00"), "BRL") == expected


def test_the_criterion_basis_writes_money_for_the_reader(nets):
    from django.utils import translation

    admin = nets.users["agency-admin"]
    services.record_cost(admin, nets.other, category="manager", amount="72000.00", incurred_on=date(2025, 1, 1),
                         idempotency_key="m")
    services.record_contribution(admin, nets.other, enterprise=nets.world.ent_b1, amount="15960.00",
                                 paid_on=date(2025, 2, 1), idempotency_key="p")
    with translation.override("pt-br"):
        basis = compute_criteria(nets.other, date(2025, 6, 30))["contributes-half"].basis
    assert f"R${NBSP}15.960,00" in basis and f"R${NBSP}72.000,00" in basis and "15960.00" not in basis


@pytest.mark.parametrize("language, expected", [("pt-br", "ABC\xa015.960,50"), ("en", "ABC15,960.50")])
def test_a_code_outside_iso_4217_stands_as_its_own_symbol_in_the_readers_format(language, expected):
    from triplec.core.money_format import format_money

    assert format_money("15960.5", "ABC", language) == expected  # Babel uses the code as the symbol
