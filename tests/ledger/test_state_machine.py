"""Hypothesis state machine: under any sequence of postings, replays, key clashes, mixed currencies
and reversals, the ledger agrees with a model kept here independently of the code under test.

After every step: each balance equals the model's and the sum of the account's entries, the books
balance (all entries of each currency sum to zero), and the floor of the limited account holds.
"""

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from triplec.ledger import services
from triplec.ledger.errors import AlreadyReversed, CurrencyMismatch, IdempotencyConflict, LimitExceeded
from triplec.ledger.models import Entry, Transaction

RUN = itertools.count()
KEYS = [f"k{i}" for i in range(8)]
CURRENCIES = ["BRL", "CLP"]
amounts = st.integers(1, 1_000_000).map(lambda n: Decimal(n) / 100)
MACHINE_SETTINGS = settings(max_examples=15, stateful_step_count=30, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


class Books(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.owner = f"machine:{next(RUN)}"
        self.accounts = {c: [services.account_for(self.owner, f"a{i}", c) for i in range(3)] for c in CURRENCIES}
        # one account that may never go below zero (a budget that cannot be overspent)
        self.wallet = services.account_for(self.owner, "wallet", "BRL", floor=Decimal(0))
        self.accounts["BRL"].append(self.wallet)
        self.model = {a.pk: Decimal(0) for accounts in self.accounts.values() for a in accounts}
        self.posted = {}      # key -> (transaction id, currency, {account id: amount})
        self.reversal_of = {}  # original transaction id -> reversal transaction id
        self.reversals = set()

    def _fits(self, legs: dict) -> bool:
        return self.model[self.wallet.pk] + legs.get(self.wallet.pk, Decimal(0)) >= 0

    def _apply(self, legs: dict) -> None:
        for pk, amount in legs.items():
            self.model[pk] += amount

    @rule(key=st.sampled_from(KEYS), currency=st.sampled_from(CURRENCIES), data=st.data())
    def post(self, key, currency, data):
        key = f"{self.owner}:{key}"
        accounts = self.accounts[currency]
        chosen = data.draw(st.lists(st.sampled_from(accounts), min_size=2, max_size=3, unique_by=lambda a: a.pk))
        outs = [data.draw(amounts) for _ in chosen[1:]]
        legs = {chosen[0].pk: sum(outs, Decimal(0))} | {a.pk: -x for a, x in zip(chosen[1:], outs, strict=False)}
        call = [(a, legs[a.pk]) for a in chosen]
        known = self.posted.get(key)
        if known is not None:
            if (known[1], known[2]) == (currency, legs):
                assert services.post(call, currency=currency, idempotency_key=key).pk == known[0]
            else:
                with pytest.raises(IdempotencyConflict):
                    services.post(call, currency=currency, idempotency_key=key)
            return
        if not self._fits(legs):
            with pytest.raises(LimitExceeded):
                services.post(call, currency=currency, idempotency_key=key)
            return
        t = services.post(call, currency=currency, idempotency_key=key)
        self.posted[key] = (t.pk, currency, legs)
        self._apply(legs)

    @precondition(lambda self: self.posted)
    @rule(data=st.data())
    def replay(self, data):
        key = data.draw(st.sampled_from(sorted(self.posted)))
        pk, currency, legs = self.posted[key]
        before = Entry.objects.count()
        accounts = {a.pk: a for accounts in self.accounts.values() for a in accounts}
        again = services.post([(accounts[a], x) for a, x in legs.items()], currency=currency, idempotency_key=key)
        assert again.pk == pk and Entry.objects.count() == before

    @rule(amount=amounts)
    def mix_currencies(self, amount):
        brl, clp = self.accounts["BRL"][0], self.accounts["CLP"][0]
        with pytest.raises(CurrencyMismatch):
            services.post([(brl, amount), (clp, -amount)], currency="BRL")

    @precondition(lambda self: self.posted or self.reversals)
    @rule(data=st.data())
    def reverse(self, data):
        ids = sorted({pk for pk, _c, _l in self.posted.values()} | self.reversals)
        original = Transaction.objects.get(pk=ids[data.draw(st.integers(0, len(ids) - 1))])
        if original.pk in self.reversals or original.pk in self.reversal_of:
            with pytest.raises(AlreadyReversed):
                services.reverse(original)
            return
        legs = {e.account_id: -e.amount for e in original.entries.all()}
        if not self._fits(legs):
            with pytest.raises(LimitExceeded):
                services.reverse(original)
            return
        reversal = services.reverse(original)
        assert reversal.reverses_id == original.pk and reversal.effective_on == original.effective_on
        self.reversal_of[original.pk] = reversal.pk
        self.reversals.add(reversal.pk)
        self._apply(legs)

    @invariant()
    def balances_are_sums_of_entries_and_the_books_balance(self):
        for accounts in self.accounts.values():
            derived = services.balances(accounts)
            for account in accounts:
                entries = [e.amount for e in Entry.objects.filter(account=account)]
                assert derived[account.pk] == self.model[account.pk] == sum(entries, Decimal(0))
                assert services.statement(account).closing == derived[account.pk]
            assert sum(derived.values(), Decimal(0)) == 0
        for currency in CURRENCIES:
            total = sum(Entry.objects.filter(currency=currency).values_list("units", flat=True))
            assert total == 0
        assert self.model[self.wallet.pk] >= 0


@pytest.mark.django_db
def test_no_sequence_of_postings_and_reversals_unbalances_the_books():
    run_state_machine_as_test(Books, settings=MACHINE_SETTINGS)
