"""Hypothesis: under any cost-sharing rule and any costs of diagnostics and sessions, each share is
what a cashier computes (integer cents, halves up; the buyer the rest, never below zero), the ledger's
accounts of the programme balance exactly (spent = agency + buyer + suppliers), and KPIs split every
order into before or after the diagnostic, never both."""

import itertools
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.suppliers.conftest import CONSENTED, scores

from triplec.ledger.models import Entry
from triplec.suppliers.models import Cost
from triplec.suppliers.services import costs, diagnostics, kpis, orders, programmes, training

RUN = itertools.count()
SHARES = st.integers(0, 100).map(lambda n: Decimal(n) / 100)
CENTS = st.one_of(st.integers(0, 99), st.integers(0, 10**7))  # odd single cents often


def cashier(cents: int, share: Decimal) -> int:
    """cents x share rounded to the cent, halves up, in integers."""
    exact = Fraction(cents) * Fraction(share)
    return int(exact + Fraction(1, 2)) if exact >= 0 else 0


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(agency=SHARES, supplier=st.one_of(SHARES, st.just("rest")), diagnostic_costs=st.lists(CENTS, max_size=4),
       session_costs=st.lists(CENTS, max_size=3),
       order_days=st.lists(st.tuples(st.integers(0, 120), st.integers(0, 20), st.integers(0, 25)), max_size=6),
       diagnosis_day=st.integers(0, 120))
@example(agency=Decimal("0.5"), supplier="rest", diagnostic_costs=[1], session_costs=[], order_days=[],
         diagnosis_day=0)  # 0.005 each way: both halves rounded up would leave the buyer at -0.01
@pytest.mark.django_db
def test_shares_books_and_kpis_hold_for_any_rule_and_costs(shoes, agency, supplier, diagnostic_costs, session_costs,
                                                           order_days, diagnosis_day):
    supplier = 1 - agency if supplier == "rest" else min(supplier, 1 - agency)  # "rest": the buyer pays nothing
    n = next(RUN)
    p = programmes.create_programme(shoes.admin, name=f"P{n}", buyer=shoes.buyer, currency="BRL",
                                    started_on=CONSENTED, agency_share=str(agency), supplier_share=str(supplier))
    programmes.record_consent(shoes.admin, p, given_by="A", given_on=CONSENTED, reference="D")
    s = programmes.enrol_homeworker(shoes.admin, p, name=f"H{n}", product="x", on=CONSENTED)
    start = CONSENTED + timedelta(days=1)
    expected = {"agency": 0, "buyer": 0, "supplier": 0, "spent": 0}
    for i, c in enumerate(diagnostic_costs):
        diagnostics.record_diagnostic(shoes.admin, s, carried_out_on=start + timedelta(days=diagnosis_day + i),
                                      consultant="C", cost=str(Decimal(c) / 100), scores=scores())
        a = cashier(c, agency)
        own = min(cashier(c, supplier), c - a)
        expected["agency"] += a
        expected["supplier"] += own
        expected["buyer"] += c - a - own
        expected["spent"] += c
    for c in session_costs:
        training.create_session(shoes.admin, p, title="T", kind="technical", held_on=start, cost=str(Decimal(c) / 100))
        a = cashier(c, agency)
        expected["agency"] += a
        expected["buyer"] += c - a
        expected["spent"] += c
    b = costs.programme_balances(p)
    got = {"agency": b.agency, "buyer": b.buyer, "supplier": b.suppliers, "spent": b.spent}
    assert got == {k: Decimal(v) / 100 for k, v in expected.items()}
    assert b.agency + b.buyer + b.suppliers == b.spent
    assert all(c.agency >= 0 and c.buyer >= 0 and c.supplier >= 0 for c in Cost.objects.filter(programme=p))
    postings = Cost.objects.filter(programme=p).values("transaction_id")
    assert sum(e.units for e in Entry.objects.filter(transaction_id__in=postings)) == 0

    for i, (ordered, wait, late) in enumerate(order_days):
        day = start + timedelta(days=ordered)
        orders.record_order(shoes.staff, s, reference=f"O{i}", ordered_on=day, promised_on=day + timedelta(days=wait),
                            delivered_on=day + timedelta(days=late), quantity=10, unit_price="1.00")
    view = kpis.supplier_kpis(s)
    assert view.before.orders + view.after.orders == len(order_days)
    first = start + timedelta(days=diagnosis_day) if diagnostic_costs else None
    assert view.since == first
    assert view.after.orders == sum(1 for o, _w, _l in order_days if first and start + timedelta(days=o) >= first)
    for k in (view.before, view.after):
        assert k.on_time_share is None or 0 <= k.on_time_share <= 1
        assert k.mean_price in (None, Decimal("1.0000"))
