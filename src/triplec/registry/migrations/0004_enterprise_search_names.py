"""The folded names become a column, Enterprise.search_names, written by the database (see
triplec.registry.search): checked row by row on SQLite when a search is not selective, indexed directly
on PostgreSQL.

PostgreSQL: a BEFORE INSERT/UPDATE trigger sets the column; the trigram GIN index moves from the
expression of 0003 to the column. SQLite: 0003's triggers give way to triggers that set the column and
copy it into the full-text table (SQLite rebuilds the table to add a NOT NULL column, which drops
0003's triggers anyway). The SQL is written out here so that the migration keeps doing what it did.
"""

from django.db import migrations, models

from triplec.registry.search import register_sqlite_function

_PG_FORWARDS = [
    "DROP INDEX IF EXISTS enterprise_search_names_trgm",
    "UPDATE registry_enterprise SET search_names = triplec_search_fold(legal_name || ' ' || trade_name)",
    """CREATE OR REPLACE FUNCTION registry_enterprise_search_names() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           NEW.search_names := triplec_search_fold(NEW.legal_name || ' ' || NEW.trade_name);
           RETURN NEW;
       END $$""",
    """CREATE TRIGGER registry_enterprise_search_names
       BEFORE INSERT OR UPDATE OF legal_name, trade_name, search_names ON registry_enterprise
       FOR EACH ROW EXECUTE FUNCTION registry_enterprise_search_names()""",
    "CREATE INDEX enterprise_search_names_trgm ON registry_enterprise USING gin (search_names gin_trgm_ops)",
]
_PG_BACKWARDS = [
    "DROP INDEX IF EXISTS enterprise_search_names_trgm",
    "DROP TRIGGER IF EXISTS registry_enterprise_search_names ON registry_enterprise",
    "DROP FUNCTION IF EXISTS registry_enterprise_search_names()",
    "CREATE INDEX enterprise_search_names_trgm ON registry_enterprise USING gin "
    "(triplec_search_fold(legal_name || ' ' || trade_name) gin_trgm_ops)",
]

_FOLDED = "triplec_search_fold(NEW.legal_name || ' ' || NEW.trade_name)"
_SQLITE_FORWARDS = [
    "DROP TRIGGER IF EXISTS registry_enterprise_search_insert",
    "DROP TRIGGER IF EXISTS registry_enterprise_search_update",
    "DROP TRIGGER IF EXISTS registry_enterprise_search_delete",
    "UPDATE registry_enterprise SET search_names = triplec_search_fold(legal_name || ' ' || trade_name)",
    "DELETE FROM registry_enterprise_search",
    "INSERT INTO registry_enterprise_search(rowid, names) SELECT id, search_names FROM registry_enterprise",
    f"""CREATE TRIGGER registry_enterprise_search_ai AFTER INSERT ON registry_enterprise
        BEGIN
            UPDATE registry_enterprise SET search_names = {_FOLDED} WHERE id = NEW.id;
            INSERT INTO registry_enterprise_search(rowid, names) VALUES (NEW.id, {_FOLDED});
        END""",
    f"""CREATE TRIGGER registry_enterprise_search_au
        AFTER UPDATE OF legal_name, trade_name, search_names ON registry_enterprise
        WHEN OLD.legal_name IS NOT NEW.legal_name OR OLD.trade_name IS NOT NEW.trade_name
             OR NEW.search_names IS NOT {_FOLDED}
        BEGIN
            UPDATE registry_enterprise SET search_names = {_FOLDED} WHERE id = NEW.id;
            DELETE FROM registry_enterprise_search WHERE rowid = NEW.id;
            INSERT INTO registry_enterprise_search(rowid, names) VALUES (NEW.id, {_FOLDED});
        END""",
    """CREATE TRIGGER registry_enterprise_search_ad AFTER DELETE ON registry_enterprise
        BEGIN DELETE FROM registry_enterprise_search WHERE rowid = OLD.id; END""",
]
_FOLDED_0003 = "triplec_search_fold(NEW.legal_name || ' ' || NEW.trade_name)"
_SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS registry_enterprise_search_ai",
    "DROP TRIGGER IF EXISTS registry_enterprise_search_au",
    "DROP TRIGGER IF EXISTS registry_enterprise_search_ad",
    # 0003's triggers (the column goes next; the full-text table keeps its rows)
    "CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_insert AFTER INSERT ON registry_enterprise "
    f"BEGIN INSERT INTO registry_enterprise_search(rowid, names) VALUES (NEW.id, {_FOLDED_0003}); END",
    "CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_update "
    "AFTER UPDATE OF id, legal_name, trade_name ON registry_enterprise BEGIN "
    "DELETE FROM registry_enterprise_search WHERE rowid = OLD.id; "
    f"INSERT INTO registry_enterprise_search(rowid, names) VALUES (NEW.id, {_FOLDED_0003}); END",
    "CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_delete AFTER DELETE ON registry_enterprise "
    "BEGIN DELETE FROM registry_enterprise_search WHERE rowid = OLD.id; END",
]


def _run(schema_editor, postgresql: list[str], sqlite: list[str]) -> None:
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        register_sqlite_function(connection=connection)
    for sql in {"postgresql": postgresql, "sqlite": sqlite}.get(connection.vendor, []):
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, _PG_FORWARDS, _SQLITE_FORWARDS)


def backwards(apps, schema_editor):
    _run(schema_editor, _PG_BACKWARDS, _SQLITE_BACKWARDS)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0003_enterprise_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="search_names",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
