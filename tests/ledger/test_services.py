"""The ledger's service layer: what it refuses, with which message, and that nothing moves money twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from triplec.core.errors import DomainError
from triplec.ledger import services
from triplec.ledger.errors import (
    AlreadyReversed,
    CurrencyMismatch,
    IdempotencyConflict,
    LimitExceeded,
    Unbalanced,
    UnknownCurrency,
)
from triplec.ledger.models import AppendOnly, Entry, Transaction, owner_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    return {
        "bank": services.account_for("system", "bank", "BRL"),
        "budget": services.account_for("programme:test", "budget", "BRL", floor=Decimal(0), name="Budget"),
        "costs": services.account_for("programme:test", "costs", "BRL", ceiling=Decimal(100)),
    }


def test_an_owner_is_named_by_a_string_key_or_a_model_instance(world):
    account = services.account_for(world.assoc_a, "fees", "brl")
    assert account.owner == f"registry.organisation:{world.assoc_a.pk}" == owner_key(world.assoc_a)
    assert account.currency == "BRL"
    assert services.account_for(world.assoc_a, "fees", "BRL").pk == account.pk


def test_posting_moves_money_and_balances_are_sums_of_entries(books):
    t = services.post([(books["budget"], Decimal("500.10")), (books["bank"], Decimal("-500.10"))],
                      currency="BRL", memo="grant", effective_on=date(2026, 1, 5))
    services.post([(books["costs"], Decimal("80")), (books["budget"], Decimal("-80"))], currency="BRL",
                  effective_on=date(2026, 2, 1))
    assert services.balance(books["budget"]) == Decimal("420.10")
    assert services.balance(books["budget"], as_of=date(2026, 1, 31)) == Decimal("500.10")
    assert services.balance(books["bank"]) == Decimal("-500.10")
    assert t.entries.count() == 2
    feb = services.statement(books["budget"], start=date(2026, 2, 1))
    assert feb.opening == Decimal("500.10") and feb.closing == Decimal("420.10")
    assert [(line.amount, line.balance) for line in feb.lines] == [(Decimal("-80"), Decimal("420.10"))]


def test_the_same_key_returns_the_first_transaction_and_a_different_posting_under_it_is_refused(books):
    legs = [(books["budget"], 10), (books["bank"], -10)]
    first = services.post(legs, currency="BRL", idempotency_key="grant-1")
    assert services.post(legs, currency="BRL", idempotency_key="grant-1").pk == first.pk
    assert Transaction.objects.count() == 1 and Entry.objects.count() == 2
    with pytest.raises(IdempotencyConflict, match="already used"):
        services.post([(books["budget"], 11), (books["bank"], -11)], currency="BRL", idempotency_key="grant-1")


@pytest.mark.parametrize("legs, currency, error, message", [
    (lambda b: [(b["budget"], 10), (b["bank"], -9)], "BRL", Unbalanced, "sum to zero"),
    (lambda b: [(b["budget"], 10)], "BRL", Unbalanced, "at least two accounts"),
    (lambda b: [(b["budget"], 10), (b["bank"], -10)], "CLP", CurrencyMismatch, "kept in BRL"),
    (lambda b: [(b["budget"], 10), (b["bank"], -10)], "XYZ", UnknownCurrency, "ISO 4217"),
    (lambda b: [(b["budget"], Decimal("0.00001")), (b["bank"], Decimal("-0.00001"))], "BRL", Unbalanced, "four"),
    (lambda b: [(b["budget"], -1), (b["bank"], 1)], "BRL", LimitExceeded, "below its lowest allowed balance"),
    (lambda b: [(b["costs"], 101), (b["bank"], -101)], "BRL", LimitExceeded, "above its highest allowed"),
])
def test_refusals_are_domain_errors_with_a_reason(books, legs, currency, error, message):
    with pytest.raises(error, match=message) as refused:
        services.post(legs(books), currency=currency)
    assert isinstance(refused.value, DomainError)
    assert Transaction.objects.count() == 0


def test_refusals_are_translated(books):
    with translation.override("pt-br"), pytest.raises(LimitExceeded) as pt:
        services.post([(books["budget"], -1), (books["bank"], 1)], currency="BRL")
    with translation.override("es"), pytest.raises(LimitExceeded) as es:
        services.post([(books["budget"], -1), (books["bank"], 1)], currency="BRL")
    assert "below" not in str(pt.value) and "below" not in str(es.value)
    assert str(pt.value) != str(es.value)


def test_a_reversal_is_a_new_transaction_and_happens_once(books):
    t = services.post([(books["budget"], 50), (books["bank"], -50)], currency="BRL", effective_on=date(2026, 3, 1))
    undo = services.reverse(t, memo="entered twice")
    assert undo.reverses_id == t.pk and undo.effective_on == date(2026, 3, 1)
    assert services.balance(books["budget"]) == 0 and Entry.objects.count() == 4
    with pytest.raises(AlreadyReversed, match="already been reversed"):
        services.reverse(t)
    with pytest.raises(AlreadyReversed, match="is a reversal"):
        services.reverse(undo)
    again = services.post([(books["budget"], 50), (books["bank"], -50)], currency="BRL", idempotency_key="r")
    assert services.reverse(again, idempotency_key="undo-r").pk == services.reverse(again, idempotency_key="undo-r").pk


def test_a_reversal_that_would_break_a_limit_is_refused(books):
    grant = services.post([(books["budget"], 50), (books["bank"], -50)], currency="BRL")
    services.post([(books["costs"], 30), (books["budget"], -30)], currency="BRL")
    with pytest.raises(LimitExceeded):
        services.reverse(grant)
    assert services.balance(books["budget"]) == 20


def test_entries_and_transactions_cannot_be_changed_or_deleted(books):
    t = services.post([(books["budget"], 5), (books["bank"], -5)], currency="BRL")
    entry = t.entries.first()
    for action in (t.save, t.delete, entry.save, entry.delete, Entry.objects.all().delete,
                   lambda: Transaction.objects.update(memo="x"), lambda: Entry.objects.update(units=1)):
        with pytest.raises(AppendOnly):
            action()
    # and the database refuses too, whatever goes around the models
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE ledger_entry SET units = units * 2")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE ledger_transaction SET memo = 'changed'")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM ledger_entry")
    assert services.balance(books["budget"]) == 5


def test_deleting_the_user_who_posted_keeps_the_posting(books, world):
    user = world.users["agency-admin"]
    t = services.post([(books["budget"], 5), (books["bank"], -5)], currency="BRL", by=user)
    user.delete()
    t = Transaction.objects.get(pk=t.pk)
    assert t.recorded_by is None and services.balance(books["budget"]) == 5


def test_movements_are_the_entries_of_the_accounts_in_the_period_in_date_order(books):
    jan = services.post([(books["budget"], 100), (books["bank"], -100)], currency="BRL", effective_on=date(2026, 1, 2))
    march = services.post([(books["costs"], Decimal("7.5")), (books["budget"], Decimal("-7.5"))], currency="BRL",
                          effective_on=date(2026, 3, 1))
    feb = services.post([(books["costs"], 20), (books["budget"], -20)], currency="BRL", effective_on=date(2026, 2, 1))
    undo = services.reverse(feb, effective_on=date(2026, 3, 9))
    got = services.movements([books["budget"], books["costs"]], start=date(2026, 2, 1))
    assert [(m.transaction_id, m.account_id, m.effective_on, m.amount) for m in got] == [
        (feb.pk, books["budget"].pk, date(2026, 2, 1), Decimal(-20)),
        (feb.pk, books["costs"].pk, date(2026, 2, 1), Decimal(20)),
        (march.pk, books["budget"].pk, date(2026, 3, 1), Decimal("-7.5")),
        (march.pk, books["costs"].pk, date(2026, 3, 1), Decimal("7.5")),
        (undo.pk, books["budget"].pk, date(2026, 3, 9), Decimal(20)),
        (undo.pk, books["costs"].pk, date(2026, 3, 9), Decimal(-20)),
    ]
    assert [m.transaction_id for m in services.movements([books["budget"]], end=date(2026, 2, 28))] == [jan.pk, feb.pk]
    assert [m.amount for m in services.movements([books["bank"]])] == [Decimal(-100)]
    assert services.movements([]) == []
