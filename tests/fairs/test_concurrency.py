"""Four threads, each with its own database connection, pay costs at the same moment: the yearly cap
is never exceeded (the firm's row is locked while its room under the cap is read and the subsidy
posted) and one participation is paid once. PostgreSQL only: SQLite's in-memory test database cannot
hold concurrent writers (it serialises every write transaction anyway)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from tests import threads

from triplec.core.errors import ValidationFailed
from triplec.fairs.models import Participation
from triplec.fairs.services import money, programmes
from triplec.ledger.models import Transaction

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL; SQLite serialises writers (IMMEDIATE transactions)")


def run_together(work, rounds=1) -> list:
    return threads.run_together(work, rounds=rounds, refusals={ValidationFailed: "refused"})


def test_four_payments_of_one_firm_at_the_same_moment_stay_under_the_yearly_cap(expo):
    firm = expo.world.ent_a1  # small: 50%, cap 8,000.00 a year
    parts = []
    for n in range(4):
        fair = programmes.add_fair(expo.admin, expo.programme, name=f"Race {n}", organiser="O", place="P",
                                   country="BR", starts_on=date(2027, 5, 1), ends_on=date(2027, 5, 2))
        parts.append(programmes.sign_up(expo.admin, fair, firm, cost="6000.00"))  # 3,000.00 each wanted
    subsidies = run_together(lambda n, r: money.pay_costs(expo.admin, parts[n]).subsidy)
    # same start day: no participation is earlier than another, so each wants 3,000.00 until the cap
    assert sorted(subsidies) == [Decimal("0.00"), Decimal("2000.00"), Decimal("3000.00"), Decimal("3000.00")]
    assert money.subsidy_received(expo.programme, firm.pk, 2027) == Decimal("8000.00")


def test_one_participation_paid_at_the_same_moment_is_paid_once(expo):
    part = programmes.sign_up(expo.admin, expo.national, expo.world.ent_a2, cost="1000.00")
    before = Transaction.objects.count()
    ids = run_together(lambda n, r: money.pay_costs(expo.admin, part).transaction_id)
    assert len(set(ids)) == 1 and Transaction.objects.count() == before + 1
    assert Participation.objects.get(pk=part.pk).subsidy == Decimal("500.00")
