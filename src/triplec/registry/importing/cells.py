"""Parse one cell of an import file into a field value, or raise CellError with the reason.

Cells come as text (CSV), or as text, numbers, booleans, dates (XLSX, Parquet, in-memory rows).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from . import messages as msg
from .reading import FormulaWithoutValue


class CellError(ValueError):
    """The cell's value is not acceptable; the message is the reason shown to the user."""


# NUL (PostgreSQL refuses it), other control characters except tab and line breaks, lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# A leading apostrophe that an export put before = + - @ so spreadsheets do not run the cell as a formula.
_FORMULA_GUARD = re.compile(r"'(?=[=+\-@\t\r])")
_email_validator = EmailValidator()
# Fast paths: plain addresses and web addresses that Django's validators certainly accept (a strict
# subset of what they accept); anything else goes through the validators themselves.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_SIMPLE_EMAIL = re.compile(rf"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
_SIMPLE_URL = re.compile(rf"https?://(?:{_LABEL}\.)+[A-Za-z]{{2,63}}(?::\d{{1,5}})?(?:/[^\s]*)?")
_url_validator = URLValidator(schemes=["http", "https"])


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if type(value) is str:
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    return False


def _as_str(value: object) -> str:
    """Text form of a non-text cell (XLSX/Parquet numbers, dates, bytes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(msg.EXPECTED_TEXT_BOOL % {"value": value})
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if not math.isfinite(value):
            raise CellError(msg.EXPECTED_TEXT % {"value": value})
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CellError(msg.BAD_ENCODING_BYTES % {"value": repr(bytes(value)[:40])}) from exc
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, FormulaWithoutValue):
        raise CellError(msg.FORMULA_WITHOUT_VALUE % {"formula": repr(value.formula[:60])})
    raise CellError(msg.EXPECTED_TEXT % {"value": type(value).__name__})


def text(value: object, max_length: int | None = None) -> str:
    """Trimmed text. Numbers written by spreadsheets as 123.0 become "123"."""
    value = (value if type(value) is str else _as_str(value)).strip()
    bad = _FORBIDDEN.search(value)
    if bad:
        char = bad.group()
        if "\ud800" <= char <= "\udfff":
            raise CellError(msg.BAD_ENCODING_CHAR)
        raise CellError(msg.NUL_CHARACTER if char == "\x00" else
                        msg.CONTROL_CHARACTER % {"code": f"{ord(char):04X}"})
    if value[:1] == "'":
        value = _FORMULA_GUARD.sub("", value, count=1)
    if max_length is not None and len(value) > max_length:
        raise CellError(msg.TOO_LONG % {"limit": max_length, "length": len(value)})
    return value


# A number as the file's convention writes it: digits, one decimal separator, an optional exponent.
_POINT_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_COMMA_NUMBER = re.compile(r"[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?")
# Digits with separators the convention does not allow: the other decimal separator, or groups of
# thousands (1,500 / 1.500 / 1 500 / 1'500).
_SEPARATED = re.compile(r"[+-]?[\d.,\s\u00a0\u202f'_]*\d[\d.,\s\u00a0\u202f'_]*([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}([.,\s\u00a0\u202f'_]\d{3})+")


def _number(value: object, decimal_comma: bool = False) -> float:
    """Numeric value of a cell. Text follows the file's convention: a decimal point, or with
    `decimal_comma` a decimal comma; never thousands separators, never the other convention."""
    if isinstance(value, bool):
        raise CellError(msg.NUMBER_BOOL % {"value": value})
    if isinstance(value, int | float | Decimal):
        try:
            number = float(value)
        except (InvalidOperation, ValueError, OverflowError) as exc:
            raise CellError(msg.NUMBER_TOO_LARGE % {"value": repr(str(value)[:40])}) from exc
    else:
        raw = text(value)
        pattern = _COMMA_NUMBER if decimal_comma else _POINT_NUMBER
        if not pattern.fullmatch(raw):
            if _SEPARATED.fullmatch(raw):
                raise CellError((msg.NOT_DECIMAL_COMMA if decimal_comma else msg.NOT_DECIMAL_POINT)
                                % {"value": repr(raw[:40])})
            raise CellError(msg.NOT_A_NUMBER % {"value": repr(raw[:40])})
        number = float(raw.replace(",", ".") if decimal_comma else raw)
    if not math.isfinite(number):
        raise CellError(msg.NUMBER_NOT_FINITE % {"value": repr(value)})
    return number


def decimal(value: object, decimal_comma: bool = False) -> Decimal:
    """Exact decimal value of a cell (amounts, shares), refused for the reasons `_number` gives."""
    _number(value, decimal_comma)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    raw = text(value)
    return Decimal(raw.replace(",", ".") if decimal_comma else raw)


def whole_number(value: object, low: int, high: int, decimal_comma: bool = False) -> int:
    if type(value) is str:
        digits = value.strip()
        if digits.isascii() and digits.isdigit():  # the common case, without float rounding
            number = int(digits) if len(digits) <= 18 else high + 1
            if not low <= number <= high:
                raise CellError(msg.OUT_OF_RANGE % {"value": digits[:20], "low": low, "high": high})
            return number
        if _GROUPED.fullmatch(digits):  # 1,500 or 1.500: a decimal in one convention, thousands in another
            raise CellError(msg.THOUSANDS_SEPARATOR % {"value": repr(digits[:40])})
    number = _number(value, decimal_comma)
    if not number.is_integer():
        raise CellError(msg.NUMBER_NOT_WHOLE % {"value": repr(value)})
    if not low <= number <= high:
        raise CellError(msg.OUT_OF_RANGE % {"value": int(number), "low": low, "high": high})
    return int(number)


def decimal_degrees(value: object, limit: float, name: str, decimal_comma: bool = False) -> float:
    try:
        number = _number(value, decimal_comma)
    except CellError as exc:
        raise CellError(msg.BAD_COORDINATES % {"reason": str(exc).removeprefix("bad number: ")}) from exc
    if not -limit <= number <= limit:
        message = msg.LATITUDE_RANGE if name == "latitude" else msg.LONGITUDE_RANGE
        raise CellError(message % {"value": f"{number:g}", "low": f"-{limit:g}", "high": f"{limit:g}"})
    return number


_TRUE = {"1", "true", "t", "yes", "y", "x", "oui", "o", "sim", "s", "si", "sí", "ja", "vrai", "verdadeiro"}
_FALSE = {"0", "false", "f", "no", "n", "non", "nao", "não", "nein", "faux", "falso", "-"}


def boolean(value: object) -> bool:
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    word = text(value).lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(msg.YES_OR_NO % {"value": repr(word[:40])})


def email(value: object, max_length: int) -> str:
    address = text(value, max_length)
    if address and not _SIMPLE_EMAIL.fullmatch(address):
        try:
            _email_validator(address)
        except ValidationError as exc:
            raise CellError(msg.BAD_EMAIL % {"value": repr(address[:60])}) from exc
    return address


def website(value: object, max_length: int) -> str:
    """A URL; a bare domain such as www.example.org gets https:// in front."""
    url = text(value, None)
    if not url:
        return ""
    if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", url):
        url = "https://" + url
    if len(url) > max_length:
        raise CellError(msg.TOO_LONG % {"limit": max_length, "length": len(url)})
    if _SIMPLE_URL.fullmatch(url):
        return url
    try:
        _url_validator(url)
    except ValidationError as exc:
        raise CellError(msg.BAD_WEBSITE % {"value": repr(url[:60])}) from exc
    return url


def iso_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?", raw)
    if not match:
        raise CellError(msg.DATE_FORMAT % {"value": repr(raw[:40])})
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise CellError(msg.DATE_INVALID % {"value": repr(raw), "reason": exc}) from exc
    if not 1800 <= day.year <= 2200:
        raise CellError(msg.DATE_YEAR % {"value": repr(raw)})
    return day
