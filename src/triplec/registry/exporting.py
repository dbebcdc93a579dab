"""Export the enterprises a user can see (filtered like the list page) to CSV or XLSX.

The columns are those of the import template, so an exported file imports back unchanged, followed
by derived columns for readers (size class, sector label, territory path) that an import ignores.
CSV is UTF-8 with a byte-order mark (so spreadsheet programs detect the encoding); text cells that
a spreadsheet would run as a formula (starting with = + - @) get a leading apostrophe, which the
import removes again. The reader's convention (`core.spreadsheets.TableStyle`) sets the separator and
decimal mark (`;` and a decimal comma for Portuguese and Spanish readers) and, as an option, headers
in the reader's language instead of the column codes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import partial

from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy

from triplec.accounts.policy import require
from triplec.core import spreadsheets

from . import policy
from .importing.columns import FIELD_LABELS, IMPORT_FIELDS
from .models import Enterprise, Membership, SizeClass, size_class_for
from .selectors import EnterpriseFilter, filter_enterprises

EXPORT_COLUMNS: tuple[str, ...] = tuple(f for f in IMPORT_FIELDS if f != "membership_start") + (
    "size_class", "sector_label", "territory")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMN_LABELS = {**FIELD_LABELS, "size_class": gettext_lazy("Size"), "sector_label": gettext_lazy("Sector"),
                 "territory": gettext_lazy("Territory"), "association": gettext_lazy("Association")}
CHUNK = 2000
_PHONE_LIKE = re.compile(r"\+?[\d\s().\-/]+")
_TEXT_COLUMNS = frozenset({"legal_name", "trade_name", "national_id", "address", "postal_code", "region_code",
                           "region_name", "municipality_code", "municipality_name", "email", "phone", "website",
                           "association", "sector_label", "territory"})


def filter_from_query(user, params: Mapping[str, str]) -> EnterpriseFilter:
    """The list page's filter from its query parameters (q, sector, classification, territory, size,
    association, exporter, sort), read by the list's own filter form so that the export holds exactly
    the rows the list shows."""
    from .forms import EnterpriseFilterForm

    return EnterpriseFilterForm(params, user=user).to_filter()


def _sector_labels():
    """Each code's own title: in the active language where one is shipped, else the official English."""
    from triplec.mapping import codes as codelists

    cache: dict[tuple[str, str], str] = {}
    language = get_language()

    def label(classification: str, code: str) -> str:
        key = (classification, code)
        if key not in cache:
            try:
                cache[key] = codelists.label(classification, code, language)
            except (KeyError, ValueError):
                cache[key] = ""
        return cache[key]
    return label


def export_rows(user, f: EnterpriseFilter) -> Iterator[dict]:
    """One dict per visible, filtered enterprise, keyed by EXPORT_COLUMNS, in the filter's order.
    Permission is checked now; the rows are read as they are consumed, in the language active now (a
    streamed response reads them after the view has returned)."""
    require(policy.can_export, user)
    return _rows(user, f, get_language())


def _rows(user, f: EnterpriseFilter, language: str | None) -> Iterator[dict]:
    with translation.override(language):
        yield from _rows_in_language(user, f)


def _rows_in_language(user, f: EnterpriseFilter) -> Iterator[dict]:
    ids = list(filter_enterprises(user, f).values_list("pk", flat=True))
    label = _sector_labels()
    memberships = policy.visible_memberships(user).filter(Membership.current_q())
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        # territory.path reads country > region > municipality: all three joined, not a query per row
        by_id = {e.pk: e for e in Enterprise.objects.filter(pk__in=chunk).select_related("territory__parent__parent")}
        associations: dict[int, list[str]] = defaultdict(list)
        for ent_id, name in (memberships.filter(enterprise_id__in=chunk)
                             .order_by("association__name").values_list("enterprise_id", "association__name")):
            if name not in associations[ent_id]:
                associations[ent_id].append(name)
        for pk in chunk:
            yield _row(by_id[pk], associations.get(pk, []), label)


def _row(ent: Enterprise, associations: list[str], label) -> dict:
    region = municipality = None
    if ent.territory is not None:
        if ent.territory.level == "municipality":
            municipality, region = ent.territory, ent.territory.parent
        elif ent.territory.level == "region":
            region = ent.territory
    return {
        "legal_name": ent.legal_name, "trade_name": ent.trade_name, "country": ent.country,
        "national_id": ent.national_id, "sector_classification": ent.sector_classification,
        "sector_code": ent.sector_code, "employees": ent.employees, "founding_year": ent.founding_year,
        "address": ent.address, "postal_code": ent.postal_code,
        "region_code": region.code if region else "", "region_name": region.name if region else "",
        "municipality_code": municipality.code if municipality else "",
        "municipality_name": municipality.name if municipality else "",
        "latitude": ent.latitude, "longitude": ent.longitude, "exporter": ent.exporter, "email": ent.email,
        "phone": ent.phone, "website": ent.website, "association": "; ".join(associations),
        "size_class": str(SizeClass(size_class_for(ent.employees)).label),
        "sector_label": label(ent.sector_classification, ent.sector_code),
        "territory": ent.territory.path if ent.territory else "",
    }


def _guard(column: str, value: str) -> str:
    """Defuse spreadsheet formulas in text cells; phone numbers stay as is."""
    if column in _TEXT_COLUMNS and not (column == "phone" and _PHONE_LIKE.fullmatch(value)):
        return spreadsheets.defused(value)
    return value


def header(style: spreadsheets.TableStyle) -> list[str]:
    """The header row: column codes, or with headers="labels" the columns' names in the active language."""
    if style.headers == "labels":
        return [str(COLUMN_LABELS.get(c, c)) for c in EXPORT_COLUMNS]
    return list(EXPORT_COLUMNS)


def stream_csv(user, f: EnterpriseFilter, style: spreadsheets.TableStyle | None = None) -> Iterator[bytes]:
    """The CSV export as a stream of byte chunks (header first, a BOM before it), in `style`
    (default: comma, decimal point, codes as headers)."""
    style = style or spreadsheets.TableStyle()
    rows = export_rows(user, f)  # checks permission before the first byte
    guards = {c: partial(_guard, c) for c in EXPORT_COLUMNS}
    cells = ([spreadsheets.csv_cell(row[c], style.decimal, guards[c]) for c in EXPORT_COLUMNS] for row in rows)
    return spreadsheets.csv_stream(header(style), cells, style)


def stream_xlsx(user, f: EnterpriseFilter, style: spreadsheets.TableStyle | None = None) -> Iterator[bytes]:
    """The workbook as byte chunks, the first before any row is read (numbers stay numbers: the
    spreadsheet shows them in the reader's convention)."""
    rows = export_rows(user, f)
    labels = dict(zip(EXPORT_COLUMNS, header(style or spreadsheets.TableStyle()), strict=True))
    return spreadsheets.xlsx_iter({"enterprises": (EXPORT_COLUMNS, rows)}, headers=labels)


def xlsx_bytes(user, f: EnterpriseFilter, style: spreadsheets.TableStyle | None = None) -> bytes:
    return b"".join(stream_xlsx(user, f, style))


def export_filename(fmt: str) -> str:
    return f"enterprises-{timezone.localdate():%Y%m%d}.{fmt}"


def export_enterprises(user, filter: EnterpriseFilter, fmt: str = "csv",
                       style: spreadsheets.TableStyle | None = None) -> tuple[bytes, str, str]:
    """(content, content type, filename) of the export of what `user` sees through `filter`.
    For large lists prefer `stream_csv` (an iterator of byte chunks) in a streaming response."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format {fmt!r}; use csv or xlsx")
    require(policy.can_export, user)
    content = b"".join(stream_csv(user, filter, style)) if fmt == "csv" else xlsx_bytes(user, filter, style)
    return content, CONTENT_TYPES[fmt], export_filename(fmt)
