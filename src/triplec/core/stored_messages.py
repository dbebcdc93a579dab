"""Messages stored in English (by background tasks, on uploads) and shown in the reader's language.

A message is written once, in English, and read later by whoever opens the page, in whatever language.
`StoredMessages(known).shown(text)` recognises a stored text as one of the ``known`` English msgids (each
``%(name)s`` matching any value), and returns its translation with the same values; any other text is
returned as stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(msgid: str) -> re.Pattern:
    """The English message with each %(name)s as a named group: "Screening (?P<n>.+?) establishments"."""
    parts = _PLACEHOLDER.split(msgid)  # literal, name, literal, name, ..., literal
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                              for i, part in enumerate(parts)), re.DOTALL)


class StoredMessages:
    """The known msgids, tried in the order given (put the more specific first).

    ``nested``: placeholders whose value may itself be one of the known messages (translated too).
    """

    def __init__(self, known: Iterable[str], nested: Iterable[str] = ()):
        self.patterns = [(_pattern(msgid), msgid) for msgid in known]
        self.nested = frozenset(nested)

    def shown(self, message: object) -> str:
        text = str(message or "")
        for pattern, msgid in self.patterns:
            match = pattern.fullmatch(text)
            if match:
                values = {name: self.shown(value) if name in self.nested else value
                          for name, value in match.groupdict().items()}
                return gettext(msgid) % values if values else gettext(msgid)
        return text
