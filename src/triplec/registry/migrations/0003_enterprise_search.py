"""Indexes for the search box (see triplec.registry.search; 0004 moves the folded names to a column).

PostgreSQL: the pg_trgm and unaccent extensions (both "trusted": the database's owner may create them;
otherwise an administrator runs CREATE EXTENSION first and this migration finds them), the IMMUTABLE
fold function and a trigram GIN index over the folded names. SQLite: an FTS5 trigram table of the folded
names and its triggers. Each part is a no-op on the other database. Both: an index on UPPER(national_id).
The SQL is written out here (not imported) so that the migration keeps doing what it did.
"""

import django.db.models.functions.text
from django.db import migrations, models

from triplec.registry.search import register_sqlite_function

_PG_FOLD = ("CREATE OR REPLACE FUNCTION triplec_search_fold(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            "AS $$ SELECT pg_catalog.lower({schema}.unaccent('{schema}.unaccent'::regdictionary, $1)) $$")
_PG_INDEX = ("CREATE INDEX IF NOT EXISTS enterprise_search_names_trgm ON registry_enterprise USING gin "
             "(triplec_search_fold(legal_name || ' ' || trade_name) gin_trgm_ops)")

_NAMES = "triplec_search_fold(NEW.legal_name || ' ' || NEW.trade_name)"
_SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS registry_enterprise_search USING fts5(names, tokenize='trigram')",
    "DELETE FROM registry_enterprise_search",
    "INSERT INTO registry_enterprise_search(rowid, names) SELECT id, "
    "triplec_search_fold(legal_name || ' ' || trade_name) FROM registry_enterprise",
    "CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_insert AFTER INSERT ON registry_enterprise "
    f"BEGIN INSERT INTO registry_enterprise_search(rowid, names) VALUES (NEW.id, {_NAMES}); END",
    "CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_update "
    "AFTER UPDATE OF id, legal_name, trade_name ON registry_enterprise BEGIN "
    "DELETE FROM registry_enterprise_search WHERE rowid = OLD.id; "
    f"INSERT INTO registry_enterprise_search(rowid, names) VALUES (NEW.id, {_NAMES}); END",
    "CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_delete AFTER DELETE ON registry_enterprise "
    "BEGIN DELETE FROM registry_enterprise_search WHERE rowid = OLD.id; END",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS registry_enterprise_search_insert",
    "DROP TRIGGER IF EXISTS registry_enterprise_search_update",
    "DROP TRIGGER IF EXISTS registry_enterprise_search_delete",
    "DROP TABLE IF EXISTS registry_enterprise_search",
]


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # Not django.contrib.postgres's TrigramExtension/UnaccentExtension: their backwards step queries
        # pg_extension on any database. Created unless present (then no privilege is needed); never
        # dropped on the way back, as other schemas may use them.
        with connection.cursor() as cursor:
            for extension in ("pg_trgm", "unaccent"):
                cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [extension])
                if cursor.fetchone() is None:
                    schema_editor.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                           "WHERE e.extname = 'unaccent'")
            schema = connection.ops.quote_name(cursor.fetchone()[0])
        schema_editor.execute(_PG_FOLD.format(schema=schema))
        schema_editor.execute(_PG_INDEX)
    elif connection.vendor == "sqlite":
        register_sqlite_function(connection=connection)
        for sql in _SQLITE:
            schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_search_names_trgm")
        schema_editor.execute("DROP FUNCTION IF EXISTS triplec_search_fold(text)")
    elif connection.vendor == "sqlite":
        for sql in _SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0002_importbatch"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(django.db.models.functions.text.Upper("national_id"),
                               name="enterprise_national_id_upper"),
        ),
    ]
