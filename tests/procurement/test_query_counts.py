"""The allocation proposal and the scoreboard read a fixed number of queries however many members
the association has (no query per member: benchmarks/bench_procurement.py times them for 500 members
and 10,000 lines)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.conftest import cnpj, make_enterprise

from .conftest import DAY, award

pytestmark = pytest.mark.django_db


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def _work(desks, members, reference):
    """A contract made by `members`, each with a delivery of 2 units inspected (one rejected)."""
    from triplec.procurement.services import allocation, deliveries, programmes

    contract = award(desks, quantity=2 * len(members), price="10.00", reference=reference)
    for firm in members:
        programmes.declare_capacity(desks.manager, desks.association, firm, desks.desk, 50)
    made = allocation.confirm(desks.manager, contract.lines.get(), dict.fromkeys(members, 2), on=DAY)
    for a in made:
        delivered = deliveries.record_delivery(desks.manager, allocation=a, quantity=2, delivered_on=DAY)
        deliveries.inspect(desks.inspector, delivered, accepted=1, rejected=1, reasons="Loose leg", on=DAY)
    return contract


def test_proposal_and_scoreboard_do_not_ask_per_member(desks):
    from triplec.procurement.services import allocation, scoreboard
    from triplec.registry.models import Membership

    _work(desks, desks.members, "CE-1")
    open_line = award(desks, quantity=100, price="10.00", reference="CE-OPEN").lines.get()
    allocation.propose(open_line, DAY)  # reads the line's contract and association once
    few = (_queries(lambda: allocation.propose(open_line, DAY)),
           _queries(lambda: scoreboard.compute(desks.association, DAY)))
    more = []
    for n in range(20):
        firm = make_enterprise(legal_name=f"Serraria T{n:02d}", national_id=cnpj(71000000 + n))
        Membership.objects.create(enterprise=firm, association=desks.association, start_date=date(2020, 1, 1))
        more.append(firm)
    _work(desks, more, "CE-2")
    rows = allocation.propose(open_line, DAY)
    assert len(rows) == 30 and sum(r.proposed for r in rows) == 100
    board = scoreboard.compute(desks.association, DAY)
    assert len(board) == 30 and all(r.totals.rejected == 1 and r.years[2027].accepted == 1 for r in board)
    assert (_queries(lambda: allocation.propose(open_line, DAY)),
            _queries(lambda: scoreboard.compute(desks.association, DAY))) == few
