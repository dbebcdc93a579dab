"""Money and shares written for the reader: the active language's number format and currency sign
(CLDR, through Babel): 15960.00 BRL reads "R$15,960.00" in English, "R$ 15.960,00" in Portuguese and
"15.960,00 BRL" in Spanish. Pages, messages and computed explanations all use these two functions so
that an amount never appears raw (`15960.00`)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, format_percent
from django.utils.translation import get_language, to_locale

FALLBACK_LOCALE = "en"


def _locale(language: str | None) -> str:
    return to_locale(language or get_language() or FALLBACK_LOCALE)


def format_money(amount, currency: str, language: str | None = None) -> str:
    """`amount` (Decimal, int or numeric string) in `currency` (ISO 4217), in the reader's locale."""
    if amount is None or amount == "":
        return ""
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    try:
        return format_currency(value, currency, locale=_locale(language))
    except (UnknownLocaleError, ValueError):
        return format_currency(value, currency, locale=FALLBACK_LOCALE)


def format_share(fraction, language: str | None = None, places: int = 0) -> str:
    """A fraction (0.2345) as a percentage in the reader's locale ("23%", "23,4 %" ...)."""
    if fraction is None or fraction == "":
        return "—"
    value = fraction if isinstance(fraction, Decimal) else Decimal(str(fraction))
    pattern = "#,##0%" if places <= 0 else "#,##0." + "0" * places + "%"
    try:
        return format_percent(value, format=pattern, locale=_locale(language))
    except (UnknownLocaleError, ValueError):
        return format_percent(value, format=pattern, locale=FALLBACK_LOCALE)


CENT = Decimal("0.01")


def cents(value) -> Decimal:
    """Money rounded to the cent, halves up (as a cashier would): every instrument's shares and fees."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
