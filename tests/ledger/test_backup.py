"""A backup and restore brings the ledger back as it was, although the database refuses to change or
delete its rows (the restore empties tables with TRUNCATE on PostgreSQL, DELETE on SQLite, then inserts)."""

from datetime import date
from decimal import Decimal

import pytest

from triplec.backups import create_backup, restore_backup
from triplec.ledger import services
from triplec.ledger.models import Account, Transaction


@pytest.mark.django_db(transaction=True)  # a restore flushes the database: no test transaction around it
def test_restore_brings_back_balances_reversals_and_keys(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    bank = services.account_for("system", "bank", "BRL")
    budget = services.account_for("programme:backup", "budget", "BRL", floor=Decimal(0))
    grant = services.post([(budget, Decimal("1234.5678")), (bank, Decimal("-1234.5678"))], currency="BRL",
                          idempotency_key="grant", effective_on=date(2026, 1, 2))
    spent = services.post([(bank, 34), (budget, -34)], currency="BRL", idempotency_key="spent")
    services.reverse(spent, idempotency_key="undo")
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    restore_backup(archive, force=True)
    budget = Account.objects.get(pk=budget.pk)
    assert services.balance(budget) == Decimal("1234.5678") and budget.floor == 0
    assert Transaction.objects.get(idempotency_key="undo").reverses_id == spent.pk
    assert services.post([(budget, Decimal("1234.5678")), (bank, Decimal("-1234.5678"))], currency="BRL",
                         idempotency_key="grant").pk == grant.pk
    with pytest.raises(services.AlreadyReversed):
        services.reverse(Transaction.objects.get(pk=spent.pk))
