"""An association's yearly outcomes read from a CSV or XLSX file, all or nothing, and written back out.

The file has one row per year and the columns of the export (codes, or their labels in the reader's
language): year, members, workers, equipment_bought, share_sold_elsewhere, illustration, note. The
register's import helpers read it (`registry.importing`: encodings, delimiters, XLSX, row numbers as a
spreadsheet counts them, cell parsing); every problem is a `RowError` naming the row, the column and the
reason, and one problem writes nothing. A year already recorded is corrected (its history keeps the
previous figures); a row equal to what is recorded is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.registry.importing import ImportRejected, RowError, cells, read_table
from triplec.registry.importing.messages import shown
from triplec.registry.importing.reading import decimal_separator
from triplec.registry.models import Organisation

from .. import policy
from ..models_association import AssociationOutcome
from .programmes import record_outcome

COLUMNS = ("year", "members", "workers", "equipment_bought", "share_sold_elsewhere", "illustration", "note")
REQUIRED = ("year", "members", "workers")
MAX_COUNT = 2_147_483_647


def column_labels() -> dict[str, str]:
    """Each column's label in the reader's language (the headers of an export with labels)."""
    return {name: str(AssociationOutcome._meta.get_field(name).verbose_name) for name in COLUMNS}


@dataclass
class OutcomeImport:
    """What a file holds: (row number, values) per year, and every problem found (`errors`)."""

    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _decimal(value, comma: bool) -> Decimal:
    """The register's reading of a number (`cells.decimal`); spaces between digit groups are allowed."""
    return cells.decimal(cells.text(value).replace(" ", "") if isinstance(value, str) else value, comma)


def _money(value, comma: bool) -> Decimal:
    amount = _decimal(value, comma)
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal(10) ** 14:
        raise cells.CellError(_("give an amount of zero or more, in cents"))
    return amount.quantize(Decimal("0.01"))


def _share(value, comma: bool) -> Decimal:
    """A share between 0 and 1, or a percentage written with % (70% is 0.70)."""
    percent = isinstance(value, str) and value.strip().endswith("%")
    share = _decimal(value.strip()[:-1] if percent else value, comma) / (100 if percent else 1)
    if not 0 <= share <= 1 or share != share.quantize(Decimal("0.0001")):
        raise cells.CellError(_("give a share between 0 and 1 (or 0% to 100%), with at most four decimals"))
    return share.quantize(Decimal("0.0001"))


def _cell(name: str, value, comma: bool):
    if name == "year":
        return cells.whole_number(value, 1900, 2200, comma)
    if name in ("members", "workers"):
        return cells.whole_number(value, 0, MAX_COUNT, comma)
    if name == "equipment_bought":
        return _money(value, comma)
    if name == "share_sold_elsewhere":
        return _share(value, comma)
    if name == "illustration":
        return cells.boolean(value)
    return cells.text(value, 300)


def _header(columns: list[str], found: OutcomeImport) -> list[str | None]:
    """Each file column as a field name (codes or labels, any case); unknown and missing ones are errors."""
    by_label = {label.casefold(): name for name, label in column_labels().items()}
    names: list[str | None] = []
    for column in columns:
        key = str(column or "").strip().casefold()
        name = key if key in COLUMNS else by_label.get(key)
        if name is None and key:
            found.errors.append(RowError(1, str(column), _("unknown column; the columns are %(columns)s")
                                         % {"columns": ", ".join(COLUMNS)}))
        names.append(name)
    for name in REQUIRED:
        if name not in names:
            found.errors.append(RowError(1, name, _("missing column")))
    return names


def read_outcomes(source, *, filename: str | None = None, decimal: str | None = None) -> OutcomeImport:
    """Every row of the file checked, nothing written. `decimal`: "." or "," for numbers written as
    text (by default a comma in a ;-separated CSV, as Brazilian and Chilean spreadsheets write)."""
    table = read_table(source, filename=filename)
    found = OutcomeImport(errors=[RowError(e.row, e.field, shown(e.reason)) for e in table.errors])
    if table.errors and not table.rows:
        return found
    names = _header(table.columns, found)
    comma = decimal_separator(table, decimal) == ","
    first_row_of: dict[int, int] = {}
    for number, row in table.rows:
        values: dict = {}
        for name, value in zip(names, row, strict=False):
            if name is None:
                continue
            if cells.is_blank(value):
                if name in REQUIRED:
                    found.errors.append(RowError(number, name, _("required")))
                continue
            try:
                values[name] = _cell(name, value, comma)
            except cells.CellError as exc:
                found.errors.append(RowError(number, name, shown(str(exc))))
        year = values.get("year")
        if year is not None:
            if year in first_row_of:
                found.errors.append(RowError(number, "year", _("%(year)s is already in row %(row)s")
                                             % {"year": year, "row": first_row_of[year]}))
            first_row_of.setdefault(year, number)
        found.rows.append((number, values))
    if not found.rows and not found.errors:
        found.errors.append(RowError(0, "", _("the file has no data row")))
    return found


def _same(outcome: AssociationOutcome, values: dict) -> bool:
    return all(getattr(outcome, name) == values[name] for name in values)


def import_outcomes(user, association: Organisation, source, *, filename: str | None = None,
                    decimal: str | None = None) -> OutcomeImport:
    """Record every year of the file, or none: `ImportRejected` (its `preview.errors`) on any problem."""
    require(policy.can_manage_association, user, association)
    found = read_outcomes(source, filename=filename, decimal=decimal)
    if found.errors:
        raise ImportRejected(found)
    recorded = {o.year: o for o in AssociationOutcome.objects.filter(association=association)}
    with transaction.atomic():
        for number, values in found.rows:
            values = {"equipment_bought": Decimal("0.00"), "share_sold_elsewhere": Decimal("0.0000"),
                      "illustration": False, "note": "", **values}
            before = recorded.get(values["year"])
            if before is not None and _same(before, values):
                found.unchanged += 1
                continue
            try:
                record_outcome(user, association, **values)
            except ValidationFailed as exc:
                found.errors.extend(RowError(number, "" if name == "__all__" else name, message)
                                    for name, messages in exc.errors.items() for message in messages)
                continue
            if before is None:
                found.created += 1
            else:
                found.updated += 1
        if found.errors:
            raise ImportRejected(found)  # leaves the transaction: nothing of the file is kept
    return found


def outcome_rows(association: Organisation) -> list[dict]:
    """The recorded years as rows of the import's columns, oldest first."""
    return list(AssociationOutcome.objects.filter(association=association).order_by("year").values(*COLUMNS))
