"""Races against one limited account, each thread with its own database connection. Used by
test_concurrency.py in the test database (PostgreSQL), and run as a script against a SQLite file
(see RUN_AS_SCRIPT: SQLite's in-memory test database cannot hold concurrent writers)."""

from decimal import Decimal

from tests import threads

from triplec.ledger import services
from triplec.ledger.errors import AlreadyReversed, LimitExceeded
from triplec.ledger.models import Entry, Transaction

RUN_AS_SCRIPT = ("import django, runpy; django.setup(); "
                 "runpy.run_module('tests.ledger.race', run_name='__main__')")
THREADS = 4
ROUNDS = 6


def run_together(work) -> list:
    return threads.run_together(work, threads=THREADS, rounds=ROUNDS,
                                refusals={LimitExceeded: "refused", AlreadyReversed: "already"})


def open_budget(name: str):
    """A budget of 100 CLP that may not go below zero, and the costs account it pays."""
    bank = services.account_for("system", "bank", "CLP")
    budget = services.account_for(f"programme:{name}", "budget", "CLP", floor=Decimal(0))
    services.post([(budget, 100), (bank, -100)], currency="CLP", idempotency_key=f"{name}:grant")
    return budget, services.account_for(f"programme:{name}", "costs", "CLP")


def postings_never_overdraw(name="overdraw"):
    budget, costs = open_budget(name)
    outcomes = run_together(lambda n, r: services.post([(costs, 15), (budget, -15)], currency="CLP").pk)
    assert len([o for o in outcomes if o != "refused"]) == 6, outcomes  # 100 // 15, and not one more
    assert services.balance(budget) == Decimal(10) and services.balance(costs) == Decimal(90)


def one_key_pays_once(name="same-key"):
    budget, costs = open_budget(name)
    outcomes = run_together(lambda n, r: services.post(
        [(costs, 10), (budget, -10)], currency="CLP", idempotency_key=f"{name}:invoice-{r}").pk)
    assert len(set(outcomes)) == ROUNDS and "refused" not in outcomes, outcomes
    assert Transaction.objects.filter(idempotency_key__startswith=f"{name}:invoice-").count() == ROUNDS
    assert Entry.objects.filter(account=costs).count() == ROUNDS
    assert services.balance(budget) == Decimal(100 - 10 * ROUNDS)


def reversals_happen_once(name="reversals"):
    budget, costs = open_budget(name)
    targets = [services.post([(costs, 1), (budget, -1)], currency="CLP") for _ in range(ROUNDS)]
    outcomes = run_together(lambda n, r: services.reverse(targets[r]).pk)
    assert len([o for o in outcomes if o != "already"]) == ROUNDS, outcomes
    assert services.balance(budget) == Decimal(100) and services.balance(costs) == 0


SCENARIOS = [postings_never_overdraw, one_key_pays_once, reversals_happen_once]

if __name__ == "__main__":  # after django.setup(); DATABASE_URL names a fresh SQLite file
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for scenario in SCENARIOS:
        scenario()
        print(scenario.__name__, "ok")
