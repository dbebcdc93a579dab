"""Text that can always be stored, shown and backed up.

Python keeps bytes it could not decode (errors="surrogateescape") as lone surrogates, code points
U+D800..U+DFFF that no UTF-8 encoder accepts: a page showing one fails, and so does a backup. SQLite's
JSON columns can still hold them (escaped as \\udcXX), so old rows may; these helpers find and replace
them (with U+FFFD, the replacement character) in text and in JSON-like values.
"""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def has_lone_surrogates(value: Any) -> bool:
    """True if `value` (text, or lists, tuples and dicts of them, keys included) holds a surrogate."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(has_lone_surrogates(k) or has_lone_surrogates(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_lone_surrogates(v) for v in value)
    return False


def without_lone_surrogates(value: Any) -> Any:
    """`value` with every surrogate replaced by U+FFFD (the same object when there is none)."""
    if isinstance(value, str):
        return _SURROGATE.sub(REPLACEMENT, value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_lone_surrogates(v) for v in value]
    if isinstance(value, tuple):
        return tuple(without_lone_surrogates(v) for v in value)
    return value
