"""Turn each data row into a `Record` of clean field values, or into row errors.

This step needs no database: it checks forms, ranges, codes and required fields. Everything that
depends on the register (existing enterprises, territories, associations, permissions) is decided
afterwards in `plan.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from triplec.registry import identifiers, sectors
from triplec.registry.models import Enterprise, SectorClassification, Territory

from . import cells
from . import messages as msg
from .cells import CellError
from .columns import REQUIRED_FIELDS, TERRITORY_FIELDS, ColumnMapping, header_key
from .errors import RowError

# Enterprise model fields an import sets directly (territory and memberships are resolved later).
VALUE_FIELDS: tuple[str, ...] = (
    "legal_name", "trade_name", "country", "national_id", "sector_classification", "sector_code",
    "employees", "founding_year", "address", "postal_code", "latitude", "longitude", "exporter", "email",
    "phone", "website",
)
_TEXT_FIELDS = ("legal_name", "trade_name", "national_id", "address", "postal_code", "phone")
_CLASSIFICATIONS = {
    "isic4": "isic4", "isicrev4": "isic4", "isic": "isic4",
    "nace2": "nace2", "nacerev2": "nace2", "nace": "nace2", "naf": "nace2", "nafrev2": "nace2",
    "naics2017": "naics2017", "naics": "naics2017",
}
_MAX_POSITIVE_INT = 2147483647  # PositiveIntegerField's portable upper bound


def _max_length(name: str) -> int:
    return Enterprise._meta.get_field(name).max_length


_TERRITORY_MAX = {"region_code": Territory._meta.get_field("code").max_length,
                  "municipality_code": Territory._meta.get_field("code").max_length,
                  "region_name": Territory._meta.get_field("name").max_length,
                  "municipality_name": Territory._meta.get_field("name").max_length}


@dataclass(slots=True)
class Record:
    """One valid data row: Enterprise field values, plus what must be resolved in the database."""

    row: int
    values: dict[str, Any]                       # only the fields the file (or a default) sets
    territory: tuple[str, str, str, str] | None  # (region code, region name, municipality code, name)
    associations: tuple[str, ...]                # association names or ids, as written
    membership_start: date | None

    @property
    def identifier(self) -> tuple[str, str]:
        return self.values["country"], self.values["national_id"]


def classification_of(value: object) -> str:
    raw = cells.text(value)
    found = _CLASSIFICATIONS.get(raw) or _CLASSIFICATIONS.get(header_key(raw))
    if found is None:
        raise CellError(msg.UNKNOWN_CLASSIFICATION % {"value": repr(raw[:40]),
                                                      "choices": ", ".join(SectorClassification.values)})
    return found


@lru_cache(maxsize=8192)
def _sector(classification: str, raw: str) -> tuple[str, str]:
    code = sectors.normalise(classification, raw)
    return code, sectors.section_of(classification, code)


def sector_of(classification: str, value: object) -> tuple[str, str]:
    """(canonical code, section) or CellError with the code list's reason."""
    try:
        return _sector(classification, cells.text(value))
    except ValueError as exc:
        raise CellError(str(exc)) from None


def _optional(parse):
    return lambda v: None if cells.is_blank(v) else parse(v)


def _value_parsers(decimal_comma: bool) -> dict[str, Any]:
    """Field -> function(cell) -> value (or CellError). sector_code is parsed with its classification.
    Numbers written as text follow the file's decimal separator (`decimal_comma`)."""
    parsers: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        parsers[name] = (lambda limit: lambda v: cells.text(v, limit))(_max_length(name))
    parsers.update({
        "country": _country,
        "sector_classification": lambda v: classification_of(v) if not cells.is_blank(v) else "",
        "employees": _optional(lambda v: cells.whole_number(v, 0, _MAX_POSITIVE_INT, decimal_comma)),
        "founding_year": _optional(lambda v: cells.whole_number(v, 1600, 2100, decimal_comma)),
        "latitude": _optional(lambda v: cells.decimal_degrees(v, 90, "latitude", decimal_comma)),
        "longitude": _optional(lambda v: cells.decimal_degrees(v, 180, "longitude", decimal_comma)),
        "exporter": cells.boolean,
        "email": (lambda limit: lambda v: cells.email(v, limit))(_max_length("email")),
        "website": (lambda limit: lambda v: cells.website(v, limit))(_max_length("website")),
    })
    return parsers


class RowParser:
    """Parses rows of one file with one mapping and one set of defaults."""

    def __init__(self, columns: list[str], mapping: ColumnMapping, defaults: Mapping[str, Any],
                 decimal_comma: bool = False):
        self.width = len(columns)
        self.columns = columns
        self.index = {f: i for i, f in mapping.fields.items()}
        self.defaults = {k: v for k, v in defaults.items() if not cells.is_blank(v)}
        if mapping.implied_classification and "sector_classification" not in self.index:
            self.defaults.setdefault("sector_classification", mapping.implied_classification)
        self.present = set(self.index) | set(self.defaults)
        parsers = _value_parsers(decimal_comma)
        # (field, column index or None, parser, default), compiled once for all rows
        self.steps = [(f, self.index.get(f), parsers[f], self.defaults.get(f))
                      for f in VALUE_FIELDS if f in self.present and f != "sector_code"]
        self.required = [f for f in REQUIRED_FIELDS if f in self.present and f != "sector_code"]
        self.has_territory = any(f in self.present for f in TERRITORY_FIELDS)
        self.has_coordinates = "latitude" in self.present or "longitude" in self.present
        self.header_errors = [
            RowError(1, f, (msg.NO_COLUMN_OR_DEFAULT if f in ("country", "sector_classification") else msg.NO_COLUMN)
                     % {"field": f})
            for f in REQUIRED_FIELDS if f not in self.present]

    def _raw(self, values: list[Any], name: str) -> Any:
        index = self.index.get(name)
        value = values[index] if index is not None and index < len(values) else None
        if cells.is_blank(value):
            return self.defaults.get(name)
        return value

    def parse(self, row: int, values: list[Any]) -> tuple[Record | None, list[RowError], tuple[str, str] | None]:
        """(record or None, errors, identifier): the identifier (country, national_id) is given
        whenever both parsed, even if other fields failed, so duplicates are found in bad rows too."""
        errors: list[RowError] = []
        width = len(values)
        if width > self.width and any(not cells.is_blank(v) for v in values[self.width:]):
            errors.append(RowError(row, "", msg.ROW_TOO_WIDE % {"cells": width, "columns": self.width}))
        out: dict[str, Any] = {}
        for name, index, parse, default in self.steps:
            raw = values[index] if index is not None and index < width else None
            if default is not None and cells.is_blank(raw):
                raw = default
            try:
                out[name] = parse(raw)
            except CellError as exc:
                errors.append(RowError(row, name, str(exc)))

        if out.get("national_id") and out.get("country"):
            # The register's one identifier rule (check digits, stored form): see registry.identifiers.
            try:
                out["national_id"] = identifiers.normalise(out["country"], out["national_id"])
            except identifiers.IdentifierError as exc:
                errors.append(RowError(row, "national_id", msg.BAD_IDENTIFIER % {
                    "value": repr(exc.value[:40]), "country": exc.country,
                    "kinds": identifiers.kinds_label(exc.country), "reason": exc.reason}))
        if errors:
            failed = {e.field for e in errors}
        else:
            failed = ()
        for name in self.required:
            if not out.get(name) and name not in failed:
                errors.append(RowError(row, name, msg.MISSING_REQUIRED))
        if "sector_code" in self.present:
            raw_code = self._raw(values, "sector_code")
            classification = out.get("sector_classification")
            if cells.is_blank(raw_code):
                errors.append(RowError(row, "sector_code", msg.MISSING_REQUIRED))
            elif classification:
                try:
                    out["sector_code"], out["sector_section"] = sector_of(classification, raw_code)
                except CellError as exc:
                    errors.append(RowError(row, "sector_code", str(exc)))
        if self.has_coordinates:
            lat, lon = out.get("latitude"), out.get("longitude")
            if (lat is None) != (lon is None):
                failed = {e.field for e in errors}
                if lon is None and "longitude" not in failed:
                    errors.append(RowError(row, "longitude", msg.LATITUDE_ALONE))
                elif lat is None and "latitude" not in failed:
                    errors.append(RowError(row, "latitude", msg.LONGITUDE_ALONE))
            out.setdefault("latitude", None)
            out.setdefault("longitude", None)

        territory = None
        if self.has_territory:
            parts = []
            for name in TERRITORY_FIELDS:
                try:
                    parts.append(cells.text(self._raw(values, name), _TERRITORY_MAX[name]))
                except CellError as exc:
                    errors.append(RowError(row, name, str(exc)))
                    parts.append("")
            territory = tuple(parts) if any(parts) else None
        associations: tuple[str, ...] = ()
        start = None
        if "association" in self.present:
            try:
                raw = cells.text(self._raw(values, "association"))
                associations = tuple(dict.fromkeys(p.strip() for p in raw.split(";") if p.strip()))
            except CellError as exc:
                errors.append(RowError(row, "association", str(exc)))
        if "membership_start" in self.present:
            raw_start = self._raw(values, "membership_start")
            if not cells.is_blank(raw_start):
                try:
                    start = cells.iso_date(raw_start)
                except CellError as exc:
                    errors.append(RowError(row, "membership_start", str(exc)))
        identifier = (out["country"], out["national_id"]) if out.get("country") and out.get("national_id") else None
        if errors:
            return None, errors, identifier
        return Record(row, out, territory, associations, start), [], identifier


_COUNTRY = re.compile(r"[A-Z]{2}")


def _country(value: object) -> str:
    code = cells.text(value).upper()
    if code and not _COUNTRY.fullmatch(code):
        raise CellError(msg.BAD_COUNTRY % {"value": repr(code[:40])})
    return code
