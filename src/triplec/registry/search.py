"""Free-text search of the register: every word must occur, case and accents ignored, in the legal or
trade name, or be the national identifier (case ignored).

A word matches a name when its folded form is a substring of the folded name: "calcados", "CALÇADOS"
and "çado" all find "Calçados Gama". Folding = compatibility decomposition (NFKD), combining marks
dropped, Unicode case folding, and the few Latin letters that do not decompose (æ -> ae, ø -> o,
ł -> l, ...). On PostgreSQL the folding is the `unaccent` extension's, then `lower()`, which agree with
`fold` on every letter of the Latin scripts in use in the register's countries.

Where it is fast (100,000 enterprises: a two-word search in ~10 ms instead of a full scan):

* PostgreSQL: a pg_trgm GIN index on `triplec_search_fold(legal_name || ' ' || trade_name)`, an
  IMMUTABLE SQL function over `unaccent` created by migration 0003, and a B-tree index on
  UPPER(national_id). The index is an expression index, so every writer (forms, API, the bulk import's
  own SQL) keeps it current without knowing about it.
* SQLite: an FTS5 table with the trigram tokenizer (substring search through an index), holding the
  folded names under the enterprise's id, kept current by triggers on registry_enterprise that call
  the Python function `fold` (registered on every connection Django opens, as `triplec_search_fold`).
  A connection without it (the sqlite3 shell) cannot change an enterprise's name: it fails loudly
  ("no such function"), it does not leave the search index stale. Migrations that rebuild the table
  (SQLite's ALTER TABLE) drop its triggers: `repair_sqlite_search` (run after every migrate) puts
  them back and refills the index.

Words of fewer than three letters have no trigram: they are matched by a scan (still correct).
"""

from __future__ import annotations

import unicodedata

from django.db import connections
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

FOLD_FUNCTION = "triplec_search_fold"
SQLITE_TABLE = "registry_enterprise_search"
PG_NAME_INDEX = "enterprise_search_names_trgm"
SEPARATOR = " "  # between legal and trade name; no search word contains whitespace, so none spans both

_NOT_DECOMPOSED = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
                                 "ħ": "h", "ı": "i", "ŧ": "t", "ŀ": "l", "ŋ": "n"})


def fold(text: str) -> str:
    """`text` without accents and case: NFKD, combining marks (Unicode category M) dropped, casefold,
    then the Latin letters that have no decomposition (æ, œ, ø, ł, đ, ð, þ, ħ, ı, ŧ, ŀ, ŋ) spelled
    with their base letters, as PostgreSQL's unaccent does."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_NOT_DECOMPOSED)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# PostgreSQL ----------------------------------------------------------------------------------------

class _PgFoldedNames(Func):
    """triplec_search_fold(legal_name || ' ' || trade_name): the indexed expression, spelled exactly
    as in the index so that the planner uses it."""

    template = f"{FOLD_FUNCTION}(%(expressions)s)"
    arg_joiner = f" || '{SEPARATOR}' || "
    output_field = TextField()


class _PgFold(Func):
    function = FOLD_FUNCTION
    output_field = TextField()


def _postgresql_q(qs: QuerySet, words: list[str]) -> tuple[QuerySet, Q]:
    qs = qs.alias(_search_names=_PgFoldedNames("legal_name", "trade_name"),
                  _search_id=Upper("national_id"))
    condition = Q()
    for word in words:
        # The word is folded by the same SQL function as the names, so both sides always agree; the
        # pattern is a constant the planner folds before it extracts the trigrams.
        condition &= Q(_search_names__contains=_PgFold(Value(word))) | Q(_search_id=Upper(Value(word)))
    return qs, condition


# SQLite --------------------------------------------------------------------------------------------

def _fts_phrase(text: str) -> str:
    """An FTS5 string literal: with the trigram tokenizer, a phrase matches as a substring."""
    return '"' + text.replace('"', '""') + '"'


def _sqlite_q(qs: QuerySet, words: list[str]) -> tuple[QuerySet, Q]:
    qs = qs.alias(_search_id=Upper("national_id"))
    condition = Q()
    for word in words:
        folded = fold(word)
        if len(folded) >= 3:
            ids = RawSQL(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s", [_fts_phrase(folded)])
        else:  # no trigram to look up: a scan of the (narrow) search table
            ids = RawSQL(f"SELECT rowid FROM {SQLITE_TABLE} WHERE names LIKE %s ESCAPE '\\'",
                         [f"%{_like_escape(folded)}%"])
        # UPPER on both sides, as Django's iexact on PostgreSQL (SQLite's LIKE-based iexact ignored the
        # case of ASCII letters only, and so does its upper()); indexed by enterprise_national_id_upper.
        condition &= Q(pk__in=ids) | Q(_search_id=Upper(Value(word)))
    return qs, condition


def _generic_q(qs: QuerySet, words: list[str]) -> tuple[QuerySet, Q]:
    condition = Q()
    for word in words:
        condition &= Q(legal_name__icontains=word) | Q(trade_name__icontains=word) | Q(national_id__iexact=word)
    return qs, condition


def filter_by_words(qs: QuerySet, q: str) -> QuerySet:
    """Enterprises of `qs` in which every word of `q` occurs (see the module's docstring)."""
    words = q.split()
    if not words:
        return qs
    vendor = connections[qs.db].vendor
    build = {"postgresql": _postgresql_q, "sqlite": _sqlite_q}.get(vendor, _generic_q)
    qs, condition = build(qs, words)
    return qs.filter(condition)


# Installation (migrations and post_migrate) -------------------------------------------------------

def register_sqlite_function(sender=None, connection=None, **kwargs) -> None:
    """connection_created receiver: the fold function the SQLite triggers call."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(FOLD_FUNCTION, 1, _fold_or_null, deterministic=True)


def _fold_or_null(text):
    return None if text is None else fold(text)


_SQLITE_NAMES = f"{FOLD_FUNCTION}(NEW.legal_name || '{SEPARATOR}' || NEW.trade_name)"
SQLITE_TRIGGERS = {
    "registry_enterprise_search_insert": f"""
        CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_insert AFTER INSERT ON registry_enterprise
        BEGIN INSERT INTO {SQLITE_TABLE}(rowid, names) VALUES (NEW.id, {_SQLITE_NAMES}); END""",
    "registry_enterprise_search_update": f"""
        CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_update
        AFTER UPDATE OF id, legal_name, trade_name ON registry_enterprise
        BEGIN
            DELETE FROM {SQLITE_TABLE} WHERE rowid = OLD.id;
            INSERT INTO {SQLITE_TABLE}(rowid, names) VALUES (NEW.id, {_SQLITE_NAMES});
        END""",
    "registry_enterprise_search_delete": f"""
        CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_delete AFTER DELETE ON registry_enterprise
        BEGIN DELETE FROM {SQLITE_TABLE} WHERE rowid = OLD.id; END""",
}


def _sqlite_fill(cursor) -> None:
    cursor.execute(f"DELETE FROM {SQLITE_TABLE}")
    cursor.execute(f"INSERT INTO {SQLITE_TABLE}(rowid, names) SELECT id, "
                   f"{FOLD_FUNCTION}(legal_name || '{SEPARATOR}' || trade_name) FROM registry_enterprise")


def install_sqlite_search(connection) -> None:
    """The FTS5 trigram table, filled from registry_enterprise, and the triggers that keep it current."""
    register_sqlite_function(connection=connection)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5(names, tokenize='trigram')")
        _sqlite_fill(cursor)
        for sql in SQLITE_TRIGGERS.values():
            cursor.execute(sql)


def uninstall_sqlite_search(connection) -> None:
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")


def repair_sqlite_search(connection) -> bool:
    """Put back missing triggers (and refill the table, which missed the writes made without them).
    Returns whether anything was repaired. A no-op before migration 0003 and on other databases."""
    if connection.vendor != "sqlite":
        return False
    tables = set(connection.introspection.table_names())
    if SQLITE_TABLE not in tables or "registry_enterprise" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registry_enterprise'")
        present = {row[0] for row in cursor.fetchall()}
    if present >= set(SQLITE_TRIGGERS):
        return False
    install_sqlite_search(connection)
    return True


def repair_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver (see repair_sqlite_search)."""
    from django.db import connections

    repair_sqlite_search(connections[using])


def postgresql_install_sql(connection) -> list[str]:
    """The fold function over unaccent (in the schema the extension lives in, named in full so that
    a restore with an empty search_path rebuilds the index) and the two indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                       "WHERE e.extname = 'unaccent'")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
    # unaccent() is only STABLE (its dictionary could be changed); declaring the wrapper IMMUTABLE is
    # the documented way to index it. Changing the unaccent rules afterwards needs a REINDEX.
    return [
        f"CREATE OR REPLACE FUNCTION {FOLD_FUNCTION}(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        f"AS $$ SELECT pg_catalog.lower({schema}.unaccent('{schema}.unaccent'::regdictionary, $1)) $$",
        f"CREATE INDEX IF NOT EXISTS {PG_NAME_INDEX} ON registry_enterprise USING gin "
        f"({FOLD_FUNCTION}(legal_name || '{SEPARATOR}' || trade_name) gin_trgm_ops)",
    ]


def postgresql_uninstall_sql() -> list[str]:
    return [f"DROP INDEX IF EXISTS {PG_NAME_INDEX}", f"DROP FUNCTION IF EXISTS {FOLD_FUNCTION}(text)"]
