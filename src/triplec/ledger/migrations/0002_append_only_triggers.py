"""The database refuses to change or delete what moved money (the models refuse too).

PostgreSQL: UPDATE and DELETE of entries, and of transactions except `recorded_by` (set to NULL when
a user is deleted), raise. TRUNCATE stays possible (flush, restore of a backup into an empty database).
SQLite: UPDATE only, since `flush` empties tables with DELETE. SQLite drops a table's triggers when a
later migration rebuilds the table: such a migration must create them again (see `_SQLITE`).
"""

from django.db import migrations

_FROZEN_TRANSACTION_COLUMNS = "id, currency, idempotency_key, memo, effective_on, posted_at, reverses_id"
_MESSAGE = "ledger rows are append-only: post a reversal instead"

_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{_MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    f"""CREATE TRIGGER ledger_transaction_append_only
    BEFORE UPDATE OF {_FROZEN_TRANSACTION_COLUMNS} OR DELETE ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
]
_POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry",
    "DROP TRIGGER IF EXISTS ledger_transaction_append_only ON ledger_transaction",
    "DROP FUNCTION IF EXISTS ledger_refuse_change()",
]
_SQLITE = [
    f"""CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END""",
    f"""CREATE TRIGGER ledger_transaction_append_only
    BEFORE UPDATE OF {_FROZEN_TRANSACTION_COLUMNS} ON ledger_transaction
    BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END""",
]
_SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_entry_append_only",
    "DROP TRIGGER IF EXISTS ledger_transaction_append_only",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)  # no placeholders: "%" is plpgsql
    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"postgresql": _POSTGRES, "sqlite": _SQLITE}),
                             _run({"postgresql": _POSTGRES_REVERSE, "sqlite": _SQLITE_REVERSE})),
    ]
