"""Free-text search of the register: every word must occur, case and accents ignored, in the legal or
trade name, or be the national identifier (case ignored, with or without punctuation: a word stands for
each stored form `identifiers.search_forms` gives, "11.222.333/0001-81" for 11222333000181).

A word matches the names when its folded form is a substring of the folded names: "calcados",
"CALÇADOS" and "çado" all find "Calçados Gama". Folding (`fold`) = compatibility decomposition (NFKD),
combining marks dropped, Unicode case folding, and the few Latin letters that do not decompose
(æ -> ae, ø -> o, ł -> l, ...). PostgreSQL folds with its `unaccent` extension, then `lower()`, which
agree with `fold` on the Latin scripts of the register's countries (tests/registry/test_search.py).

The folded names live in the column Enterprise.search_names, written by the DATABASE, so that every
writer (forms, API, admin, the bulk import's own SQL, a shell) keeps it right without knowing of it:

* PostgreSQL: a BEFORE INSERT/UPDATE trigger sets it with the IMMUTABLE SQL function
  `triplec_search_fold` over unaccent; a pg_trgm GIN index on it answers LIKE '%word%' (a two-word
  search of 100,000 enterprises in ~10 ms). The identifier has a B-tree index on UPPER(national_id).
* SQLite: triggers set it by calling `fold` (registered as `triplec_search_fold` on every connection
  Django opens), and copy it into an FTS5 table with the trigram tokenizer (substring search through an
  index). A connection without the function (the sqlite3 shell) cannot change a name: it fails loudly
  ("no such function"), it does not leave the column stale. SQLite's ALTER TABLE, in a later
  migration, rebuilds the table and drops its triggers: `repair_sqlite_search`, run after every
  migrate, puts them back and refreshes the column and the index.

Words of fewer than three letters have no trigram: they are checked row by row (still correct).
"""

from __future__ import annotations

import unicodedata
from array import array

from django.db import connections
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

from triplec.core import query_cache
from triplec.core.idsets import pk_among

from .identifiers import search_forms

FOLD_FUNCTION = "triplec_search_fold"
SQLITE_TABLE = "registry_enterprise_search"
PG_NAME_INDEX = "enterprise_search_names_trgm"
SPARSE_LIMIT = 5000  # SQLite: up to this many matches are collected once by the full-text index
COUNT_THROUGH_INDEX_LIMIT = 30000  # SQLite, counting: up to this many matches are counted through it
SEPARATOR = " "  # between legal and trade name; no search word holds whitespace, so none spans both

_NOT_DECOMPOSED = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
                                 "ħ": "h", "ı": "i", "ŧ": "t", "ŀ": "l", "ŋ": "n"})


def fold(text: str) -> str:
    """`text` without accents and case: NFKD, combining marks (non-zero combining class) dropped,
    casefold, then the Latin letters that have no decomposition (æ, œ, ø, ł, đ, ð, þ, ħ, ı, ŧ, ŀ, ŋ)
    spelled with base letters, as PostgreSQL's unaccent does."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_NOT_DECOMPOSED)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _PgFold(Func):
    function = FOLD_FUNCTION
    output_field = TextField()


def _postgresql_q(qs: QuerySet, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        # The word is folded by the same SQL function as the column, so both sides always agree; the
        # pattern is a constant the planner computes before it looks up the trigrams.
        condition &= Q(search_names__contains=_PgFold(Value(word))) | Q(_search_id__in=search_forms(word))
    return condition


def _fts_phrase(text: str) -> str:
    """An FTS5 string: with the trigram tokenizer, a phrase matches as a substring."""
    return '"' + text.replace('"', '""') + '"'


def _sqlite_q(qs: QuerySet, words: list[str], counting: bool = False) -> Q:
    """The rows found word by word ("in the names or the identifier"), fetched the fast way:

    The words of three letters or more go to ONE full-text query, ANDed (FTS5 walks the rarest word's
    list and skips through the others'), the shorter ones checked on the rows it finds. It runs here and
    stops after SPARSE_LIMIT + 1 rows. When it finds no more, the filter is those ids, plus the rows
    whose identifier is one of the words (index on UPPER(national_id)) and whose names hold the other
    words: the list page reads them by primary key. When it finds more, the search is not selective
    and each row is checked on its own search_names (the list page stops after one page, where a set of
    100,000 ids would be collected again for each of its queries).

    `counting`: the filter of a COUNT, which reads every match, not the first 50 by name. Up to
    COUNT_THROUGH_INDEX_LIMIT matches are then looked up through the full-text index (a two-word count
    with a sector and a size among 110,000 firms: 8 ms instead of 32 ms for reading every row's names);
    more than that, reading every row is quicker.
    """
    folded = [fold(word) for word in words]
    long_words = [w for w in folded if len(w) >= 3]
    short_patterns = [f"%{_like_escape(w)}%" for w in folded if len(w) < 3]
    found = None  # the ids (paging) or their number (counting), up to the limit + 1
    if long_words:
        match = [" AND ".join(_fts_phrase(w) for w in long_words), *short_patterns]
        matching = (f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s"
                    + " AND names LIKE %s ESCAPE '\\'" * len(short_patterns))
        limit = COUNT_THROUGH_INDEX_LIMIT if counting else SPARSE_LIMIT
        sql = f"SELECT count(*) FROM ({matching} LIMIT %s)" if counting else f"{matching} LIMIT %s"

        def look_up():
            with connections[qs.db].cursor() as cursor:
                cursor.execute(sql, [*match, limit + 1])
                return cursor.fetchone()[0] if counting else array("q", (row[0] for row in cursor.fetchall()))

        found = query_cache.remember(qs.db, ("words", sql, limit, *match), look_up)  # the same search again: no lookup
    if found is None or (found if counting else len(found)) > limit:
        condition = Q()
        for word, w in zip(words, folded, strict=True):
            condition &= Q(search_names__contains=w) | Q(_search_id__in=search_forms(word))
        return condition
    among = Q(pk__in=RawSQL(matching, match)) if counting else pk_among(found, qs.db)
    return among | Q(pk__in=_by_identifier(words, folded))


def _by_identifier(words: list[str], folded: list[str]) -> RawSQL:
    """Rows whose identifier is one of the words and whose names hold the other words."""
    # UPPER on both sides, as Django's iexact on PostgreSQL (SQLite's LIKE-based iexact ignored the case
    # of ASCII letters only, and so does its upper()).
    forms = [search_forms(word) for word in words]
    each_word = " AND ".join(
        f"(UPPER(e.national_id) IN ({', '.join(['UPPER(%s)'] * len(f))}) OR e.search_names LIKE %s ESCAPE '\\')"
        for f in forms)
    each_params = [p for f, w in zip(forms, folded, strict=True) for p in (*f, f"%{_like_escape(w)}%")]
    every_form = [form for f in forms for form in f]
    return RawSQL(
        f"SELECT e.id FROM registry_enterprise e WHERE UPPER(e.national_id) IN "
        f"({', '.join(['UPPER(%s)'] * len(every_form))}) AND {each_word}", [*every_form, *each_params])


def _generic_q(qs: QuerySet, words: list[str]) -> Q:
    """Other databases: no trigger keeps search_names, so case-insensitive LIKE on the names."""
    condition = Q()
    for word in words:
        condition &= (Q(legal_name__icontains=word) | Q(trade_name__icontains=word)
                      | Q(_search_id__in=search_forms(word)))
    return condition


def identifier_q(text: str, field: str = "national_id") -> Q:
    """Rows whose identifier is `text`, written with or without punctuation (case ignored)."""
    text = text.strip()
    return Q(**{f"{field}__iexact": text}) | Q(**{f"{field}__in": search_forms(text)})


def filter_by_words(qs: QuerySet, q: str, counting: bool = False) -> QuerySet:
    """Enterprises of `qs` in which every word of `q` occurs (see the module's docstring). `counting`:
    the filter will be counted, not paged (SQLite then looks more matches up through its index)."""
    words = q.split()
    if not words:
        return qs
    vendor = connections[qs.db].vendor
    if vendor == "sqlite":
        condition = _sqlite_q(qs, words, counting)
    else:
        condition = (_postgresql_q if vendor == "postgresql" else _generic_q)(qs, words)
    return qs.alias(_search_id=Upper("national_id")).filter(condition)


# SQLite's triggers (migration 0004 writes the same SQL out; `repair_sqlite_search` uses these) -----

_SQLITE_FOLDED_NEW = f"{FOLD_FUNCTION}(NEW.legal_name || '{SEPARATOR}' || NEW.trade_name)"
SQLITE_TRIGGERS = {
    "registry_enterprise_search_ai": f"""
        CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_ai AFTER INSERT ON registry_enterprise
        BEGIN
            UPDATE registry_enterprise SET search_names = {_SQLITE_FOLDED_NEW} WHERE id = NEW.id;
            INSERT INTO {SQLITE_TABLE}(rowid, names) VALUES (NEW.id, {_SQLITE_FOLDED_NEW});
        END""",
    # WHEN: the UPDATE a trigger makes (right search_names, same names) fires nothing further.
    "registry_enterprise_search_au": f"""
        CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_au
        AFTER UPDATE OF legal_name, trade_name, search_names ON registry_enterprise
        WHEN OLD.legal_name IS NOT NEW.legal_name OR OLD.trade_name IS NOT NEW.trade_name
             OR NEW.search_names IS NOT {_SQLITE_FOLDED_NEW}
        BEGIN
            UPDATE registry_enterprise SET search_names = {_SQLITE_FOLDED_NEW} WHERE id = NEW.id;
            DELETE FROM {SQLITE_TABLE} WHERE rowid = NEW.id;
            INSERT INTO {SQLITE_TABLE}(rowid, names) VALUES (NEW.id, {_SQLITE_FOLDED_NEW});
        END""",
    "registry_enterprise_search_ad": f"""
        CREATE TRIGGER IF NOT EXISTS registry_enterprise_search_ad AFTER DELETE ON registry_enterprise
        BEGIN DELETE FROM {SQLITE_TABLE} WHERE rowid = OLD.id; END""",
}
SQLITE_REFRESH = [
    f"UPDATE registry_enterprise SET search_names = {FOLD_FUNCTION}(legal_name || '{SEPARATOR}' || trade_name)",
    f"DELETE FROM {SQLITE_TABLE}",
    f"INSERT INTO {SQLITE_TABLE}(rowid, names) SELECT id, search_names FROM registry_enterprise",
]


def register_sqlite_function(sender=None, connection=None, **kwargs) -> None:
    """connection_created receiver: the fold function the SQLite triggers call."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(FOLD_FUNCTION, 1, _fold_or_null, deterministic=True)


def _fold_or_null(text):
    return None if text is None else fold(text)


def repair_sqlite_search(connection) -> bool:
    """Put back missing triggers, after refreshing search_names and the full-text table (which missed
    the writes made without them). Returns whether anything was repaired. A no-op on other databases
    and before migration 0004."""
    if connection.vendor != "sqlite" or SQLITE_TABLE not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registry_enterprise'")
        present = {row[0] for row in cursor.fetchall()}
        if present >= set(SQLITE_TRIGGERS):
            return False
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "registry_enterprise")}
        if "search_names" not in columns:  # between migrations 0003 and 0004: 0004 installs everything
            return False
        register_sqlite_function(connection=connection)
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql in SQLITE_REFRESH:
            cursor.execute(sql)
        for sql in SQLITE_TRIGGERS.values():
            cursor.execute(sql)
    return True


def repair_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver (see repair_sqlite_search)."""
    repair_sqlite_search(connections[using])
