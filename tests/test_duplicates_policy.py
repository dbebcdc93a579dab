"""Logic that one shared piece serves (docs/duplicates.md) is not written again in an app.

A quick text scan of `src/triplec` (no database, no `duplicates` run): each rule names a line that only
the shared piece may hold; a copy elsewhere fails with the piece to use instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import triplec

pytestmark = pytest.mark.nodb

SRC = Path(triplec.__file__).parent

# name of the rule: (what a copy looks like, the one file allowed to hold it, what to use instead)
RULES = {
    "answers": (r"^def _ok\(", None, "triplec.core.api_schemas.answers"),
    "list_page": (r"^def _page\(qs: QuerySet, limit", None, "triplec.core.api_schemas.list_page"),
    "repeatable": (r"return \{201: schema, 200: schema", "core/api_schemas.py",
                   "triplec.core.api_schemas.repeatable_answers"),
    "MONEY": (r'^MONEY = \{"max_digits": 16', "core/model_fields.py", "triplec.core.model_fields.MONEY"),
    "SHARE": (r"^SHARE = \{", "core/model_fields.py", "triplec.core.model_fields.SHARE"),
    "currency": (r"except UnknownCurrency", "ledger/services.py", "triplec.ledger.services.input_currency"),
    "demo login": (r"@demo\.triplec\.local", None, "triplec.accounts.demo.demo_user (and DEMO_DOMAIN)"),
    "shipped name": (r"return gettext\(self\.name\)", "core/models.py", "triplec.core.models.ShippedName"),
}

# Copies in the apps built while the shared pieces were made (their branches were open), switched over
# when they merge. A pair listed here that is no longer found fails too, so this list only shrinks.
PENDING: set[tuple[str, str]] = set()


def _sources() -> list[tuple[str, str]]:
    return [(path.relative_to(SRC).as_posix(), path.read_text(encoding="utf-8"))
            for path in sorted(SRC.rglob("*.py")) if "migrations" not in path.parts]


def copies_of_shared_logic(sources) -> set[tuple[str, str]]:
    """(file, rule) for each file holding a copy of what a rule's shared piece does."""
    found = set()
    for rule, (pattern, home, _instead) in RULES.items():
        copy = re.compile(pattern, re.MULTILINE)
        found |= {(name, rule) for name, text in sources if name != home and copy.search(text)}
    return found


def test_shared_pieces_are_not_written_again():
    found = copies_of_shared_logic(_sources())
    assert sorted(f"{name}: use {RULES[rule][2]}" for name, rule in found - PENDING) == []
    assert sorted(PENDING - found) == [], "switched over: remove these from PENDING"


def test_the_scan_finds_a_copy_and_leaves_the_shared_piece():
    copy = ("fairs/api.py", "def _ok(status, *schemas):\n    return {}\n")
    home = ("core/models.py", "    def __str__(self):\n        return gettext(self.name)\n")
    assert copies_of_shared_logic([copy, home]) == {("fairs/api.py", "answers")}
