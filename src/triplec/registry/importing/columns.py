"""Which enterprise field each column of an import file feeds.

A column matches a field automatically when its header, compared without case, accents, spaces and
punctuation, is the field's name or a common synonym (``Company name`` -> ``legal_name``,
``lat`` -> ``latitude``, ``SIRET`` -> ``national_id``). An explicit mapping ``{column: field}``
overrides the automatic one; mapping a column to ``""`` ignores it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from . import messages as msg
from .errors import RowError

# Fields an import can fill, in the order of the import template (and of the export).
IMPORT_FIELDS: tuple[str, ...] = (
    "legal_name", "trade_name", "country", "national_id", "sector_classification", "sector_code",
    "employees", "founding_year", "address", "postal_code", "region_code", "region_name",
    "municipality_code", "municipality_name", "latitude", "longitude", "exporter", "email", "phone",
    "website", "association", "membership_start",
)
REQUIRED_FIELDS: tuple[str, ...] = ("legal_name", "country", "national_id", "sector_classification", "sector_code")
TERRITORY_FIELDS: tuple[str, ...] = ("region_code", "region_name", "municipality_code", "municipality_name")

# Columns the export adds for readers (derived values); an import recognises and ignores them.
EXPORT_ONLY_COLUMNS: tuple[str, ...] = ("size_class", "territory", "sector_label")

FIELD_LABELS: dict[str, str] = {
    "legal_name": _("Legal name"), "trade_name": _("Trade name"), "country": _("Country (ISO 3166-1 alpha-2)"),
    "national_id": _("National identifier"), "sector_classification": _("Sector classification"),
    "sector_code": _("Sector code"), "employees": _("Employees"), "founding_year": _("Founding year"),
    "address": _("Address"), "postal_code": _("Postal code"), "region_code": _("Region code"),
    "region_name": _("Region name"), "municipality_code": _("Municipality code"),
    "municipality_name": _("Municipality name"), "latitude": _("Latitude"), "longitude": _("Longitude"),
    "exporter": _("Exporter"), "email": _("E-mail"), "phone": _("Phone"), "website": _("Website"),
    "association": _("Association (name or id)"), "membership_start": _("Membership start date"),
}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "legal_name": ("name", "company", "company name", "enterprise", "enterprise name", "firm", "firm name",
                   "business name", "legal name", "raison sociale", "razao social", "razon social",
                   "denomination", "nom"),
    "trade_name": ("trading name", "brand", "nome fantasia", "nom commercial", "enseigne", "dba"),
    "country": ("country code", "iso country", "pays", "pais"),
    "national_id": ("identifier", "national identifier", "registration number", "company number",
                    "business id", "tax id", "siret", "siren", "cnpj", "nif", "rut", "ruc", "cuit"),
    "sector_classification": ("classification", "nomenclature", "sector system", "code system", "classificacao",
                              "clasificacion"),
    "sector_code": ("sector", "activity code", "activity", "industry code", "nace", "nace code", "nace rev2",
                    "naf", "ape", "code ape", "naics", "naics code", "isic", "isic code", "cnae"),
    "employees": ("employment", "staff", "headcount", "workers", "jobs", "number of employees",
                  "employee count", "effectif", "effectifs", "empregados", "empleados"),
    "founding_year": ("founded", "year founded", "founding", "established", "year established",
                      "creation year", "annee creation", "ano fundacao"),
    "address": ("street", "street address", "adresse", "endereco", "direccion"),
    "postal_code": ("zip", "zip code", "postcode", "post code", "cep", "code postal", "codigo postal"),
    "region_code": ("state code", "uf", "province code", "code region"),
    "region_name": ("region", "state", "province"),
    "municipality_code": ("city code", "commune code", "code commune", "code insee", "insee", "ibge",
                          "municipio code"),
    "municipality_name": ("municipality", "city", "town", "commune", "municipio", "ville"),
    "latitude": ("lat",),
    "longitude": ("lon", "lng", "long"),
    "exporter": ("exports", "is exporter", "export"),
    "email": ("e mail", "mail", "courriel"),
    "phone": ("telephone", "tel", "phone number", "telefone", "telefono"),
    "website": ("web", "url", "site", "homepage", "site web", "web site"),
    "association": ("association id", "association name", "member of", "membership"),
    "membership_start": ("member since", "membership start date", "association start", "joined"),
}

# A sector-code column named after its classification says which classification it uses.
IMPLIED_CLASSIFICATION: dict[str, str] = {
    "nace": "nace2", "nacecode": "nace2", "nacerev2": "nace2", "naf": "nace2", "ape": "nace2",
    "codeape": "nace2", "naics": "naics2017", "naicscode": "naics2017", "isic": "isic4", "isiccode": "isic4",
}


def header_key(text: object) -> str:
    """Comparison key of a header: lower case, accents removed, only letters and digits."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


_AUTO: dict[str, str] = {}
for _field in IMPORT_FIELDS:
    _AUTO[header_key(_field)] = _field
for _field, _words in _SYNONYMS.items():
    for _word in _words:
        _AUTO.setdefault(header_key(_word), _field)
_EXPORT_ONLY_KEYS = {header_key(c) for c in EXPORT_ONLY_COLUMNS}


@dataclass
class ColumnMapping:
    """The outcome of matching a file's columns to fields."""

    fields: dict[int, str] = field(default_factory=dict)    # column index -> field
    columns: dict[str, str] = field(default_factory=dict)   # column name -> field, for display
    ignored: list[str] = field(default_factory=list)        # columns that feed nothing
    implied_classification: str = ""                        # from a column named "NACE", "NAICS"...
    errors: list[RowError] = field(default_factory=list)


def resolve_mapping(columns: list[str], explicit: Mapping[str, str] | None = None) -> ColumnMapping:
    """Match `columns` (the header row) to import fields.

    `explicit` maps a column name (exact, or equal after `header_key`) to a field name, or to ""
    to ignore the column. Problems are reported as row-1 errors: an explicit column that is not in
    the file, an unknown field, two columns feeding one field.
    """
    result = ColumnMapping()
    explicit = dict(explicit or {})
    by_key: dict[str, int] = {}
    for index, name in enumerate(columns):
        by_key.setdefault(header_key(name), index)
    chosen: dict[int, str] = {}
    for column, target in explicit.items():
        index = columns.index(column) if column in columns else by_key.get(header_key(column))
        target = (target or "").strip()
        if index is None:
            result.errors.append(RowError(1, column, msg.MAPPING_NO_COLUMN % {
                "column": repr(column), "columns": ", ".join(columns) or "none"}))
            continue
        if target and target not in IMPORT_FIELDS:
            target_key = _AUTO.get(header_key(target))
            if target_key is None or header_key(target) != header_key(target_key):
                result.errors.append(RowError(1, column, msg.UNKNOWN_FIELD % {"value": repr(target),
                                                                             "fields": ", ".join(IMPORT_FIELDS)}))
                continue
            target = target_key
        chosen[index] = target  # "" = ignore
    taken = {f for f in chosen.values() if f}
    for index, name in enumerate(columns):
        if index in chosen:
            continue
        key = header_key(name)
        auto = _AUTO.get(key)
        if auto and auto not in taken:
            chosen[index] = auto
            taken.add(auto)
            if auto == "sector_code" and key in IMPLIED_CLASSIFICATION:
                result.implied_classification = IMPLIED_CLASSIFICATION[key]
        else:
            chosen[index] = ""
    seen: dict[str, int] = {}
    for index in sorted(chosen):
        target, name = chosen[index], columns[index]
        if not target:
            if name.strip() and header_key(name) not in _EXPORT_ONLY_KEYS:
                result.ignored.append(name)
            continue
        if target in seen:
            result.errors.append(RowError(1, target, msg.TWO_COLUMNS % {
                "first": repr(columns[seen[target]]), "second": repr(name), "field": target}))
            continue
        seen[target] = index
        result.fields[index] = target
        result.columns[name] = target
    return result


def suggested_field(column: str) -> str:
    """The field a column would match automatically ("" if none), for mapping forms."""
    return _AUTO.get(header_key(column), "")
