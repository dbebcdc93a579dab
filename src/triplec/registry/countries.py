"""Country names in the reader's language, from the Unicode CLDR data that Babel ships."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language, to_locale


@cache
def _territories(locale: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(locale).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def country_name(code: str, language: str | None = None) -> str:
    """Name of the ISO 3166-1 alpha-2 `code` in `language` (default: the active one), e.g.
    country_name("BR", "pt-br") == "Brasil"; an unknown code is returned as given."""
    if not code:
        return ""
    key = code.strip().upper()
    if len(key) != 2 or not key.isalpha():
        return code
    locale = to_locale(language or get_language() or "en")
    return _territories(locale).get(key) or _territories("en").get(key) or code
