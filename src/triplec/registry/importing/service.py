"""Import enterprises: `validate_import` (a preview, writes nothing) and `commit_import` (all rows
in one transaction, or none).

`actor` is the acting user; `None` means the operator at the command line, trusted like
`createsuperuser` (history records no user then). Any other actor needs
`policy.can_import_enterprises`, and row-level rules apply: an association manager may only change
enterprises they may edit (their members); new enterprises they import join their association.

Idempotence: a row whose values equal the register's is "unchanged" and is not written at all (no
history row, no new `updated_at`); memberships already open are not added again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from triplec.accounts.policy import require
from triplec.core.text import without_lone_surrogates
from triplec.registry import policy
from triplec.registry.models import Enterprise, Membership

from . import cells, writer
from . import messages as msg
from .cells import CellError
from .columns import IMPORT_FIELDS, ColumnMapping, resolve_mapping
from .errors import ImportRejected, RowError
from .plan import Plan, build_plan
from .reading import DECIMAL_SEPARATORS, Table, decimal_separator, encoding_name, read_table
from .rows import Record, RowParser, classification_of
from .writer import HistoryInfo

Progress = Callable[[str, int, int], None]  # (stage, done, total); stages: read, check, plan, write
WRITE_BATCH = 1000
_PROGRESS_EVERY = 2000


@dataclass
class ImportPreview:
    """What an import would do, and every reason it cannot."""

    columns: list[str] = field(default_factory=list)       # the file's header
    mapping: dict[str, str] = field(default_factory=dict)  # column -> field actually used
    ignored_columns: list[str] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    create: int = 0
    update: int = 0
    unchanged: int = 0
    memberships: int = 0
    territories: int = 0
    errors: list[RowError] = field(default_factory=list)
    format: str = ""
    encoding: str = ""
    encoding_detected: bool = False
    decimal_separator: str = "."  # of numbers written as text
    _plan: Plan | None = field(default=None, repr=False, compare=False)
    _table: Table | None = field(default=None, repr=False, compare=False)  # the file as read

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "create": self.create, "update": self.update, "unchanged": self.unchanged,
                "memberships": self.memberships, "territories": self.territories, "errors": len(self.errors)}

    def as_dict(self, max_errors: int | None = None) -> dict:
        errors = self.errors if max_errors is None else self.errors[:max_errors]
        # The reader never lets an undecodable byte through; this keeps it so for whatever is stored.
        return without_lone_surrogates({
            "columns": self.columns, "mapping": self.mapping, "ignored_columns": self.ignored_columns,
            "defaults": self.defaults, "format": self.format, "encoding": self.encoding,
            "encoding_detected": self.encoding_detected, "decimal_separator": self.decimal_separator,
            "counts": self.counts(),
            "errors": [e.as_dict() for e in errors]})

    def describe_file(self) -> str:
        """"csv, Windows-1252, detected": the format and, for CSV, the encoding read."""
        parts = [self.format]
        if self.encoding:
            parts.append(encoding_name(self.encoding))
            if self.encoding_detected:
                parts.append("detected")
        parts.append("decimal comma" if self.decimal_separator == "," else "decimal point")
        return ", ".join(parts)


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    memberships: int
    territories: int
    preview: ImportPreview = field(repr=False)
    rejected: list[RowError] = field(default_factory=list)  # errors of the rows left out (skip_invalid)

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.rejected})

    def describe(self) -> str:
        return (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged; "
                f"{self.memberships} memberships and {self.territories} territories added")


def _check_permission(actor) -> None:
    if actor is not None:
        require(policy.can_import_enterprises, actor)


def _clean_defaults(defaults: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[RowError]]:
    """Defaults for the whole file, keyed by field ("classification" is accepted for
    sector_classification); blank values are dropped."""
    out: dict[str, Any] = {}
    errors: list[RowError] = []
    for name, value in (defaults or {}).items():
        name = "sector_classification" if name == "classification" else name
        if cells.is_blank(value):
            continue
        if name not in IMPORT_FIELDS:
            errors.append(RowError(0, name, msg.UNKNOWN_DEFAULT % {"value": repr(name)}))
            continue
        try:
            if name == "sector_classification":
                value = classification_of(value)
            elif name == "country":
                value = cells.text(value).upper()
                if len(value) != 2 or not value.isascii() or not value.isalpha():
                    raise CellError(msg.DEFAULT_COUNTRY % {"value": repr(value)})
        except CellError as exc:
            errors.append(RowError(0, name, msg.BAD_DEFAULT % {"reason": exc}))
            continue
        out[name] = value
    return out, errors


def _whole_file(errors: list[RowError]) -> bool:
    """Errors of the file or its header (rows 0 and 1), which no row can be left out for."""
    return any(e.row <= 1 for e in errors)


def _check_decimal(decimal: str | None) -> None:
    if decimal and decimal not in DECIMAL_SEPARATORS:
        raise ValueError(f"decimal separator {decimal!r}: use '.' or ','")


def _source_name(source) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    return getattr(source, "name", None) or "file"


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _parse(source, mapping, defaults, fmt, encoding, filename, delimiter, progress: Progress,
           decimal: str | None = None):
    """Read and check every row (no database). Returns (preview, records, parser or None)."""
    table = read_table(source, fmt=fmt, encoding=encoding, filename=filename, delimiter=delimiter)
    progress("read", 1, 1)
    preview = ImportPreview(columns=table.columns, format=table.format, encoding=table.encoding,
                            encoding_detected=table.encoding_detected, rows=len(table.rows),
                            decimal_separator=decimal_separator(table, decimal), _table=table)
    preview.errors.extend(table.errors)
    if table.columns and not table.rows and not table.errors:
        preview.errors.append(RowError(0, "", msg.NO_ROWS))
    clean_defaults, default_errors = _clean_defaults(defaults)
    preview.defaults = {k: str(v) for k, v in clean_defaults.items()}
    preview.errors.extend(default_errors)
    if not table.columns or default_errors:
        return preview, [], None
    column_mapping: ColumnMapping = resolve_mapping(table.columns, mapping)
    preview.mapping = column_mapping.columns
    preview.ignored_columns = column_mapping.ignored
    preview.errors.extend(column_mapping.errors)
    if column_mapping.implied_classification and "sector_classification" not in clean_defaults:
        preview.defaults["sector_classification"] = column_mapping.implied_classification
    parser = RowParser(table.columns, column_mapping, clean_defaults,
                       decimal_comma=preview.decimal_separator == ",")
    preview.errors.extend(parser.header_errors)
    unreadable_rows = {e.row for e in table.errors}
    records: list[Record] = []
    first_row: dict[tuple[str, str], int] = {}
    total = len(table.rows)
    for done, (row, values) in enumerate(table.rows, start=1):
        if row not in unreadable_rows:
            record, errors, identifier = parser.parse(row, values)
            if identifier is not None:
                if identifier in first_row:
                    errors.append(RowError(row, "national_id", msg.DUPLICATE % {
                        "country": identifier[0], "national_id": identifier[1], "row": first_row[identifier]}))
                    record = None
                else:
                    first_row[identifier] = row
            if record is not None:
                records.append(record)
            preview.errors.extend(errors)
        if done % _PROGRESS_EVERY == 0 or done == total:
            progress("check", done, total)
    return preview, records, parser


def _finish(preview: ImportPreview, actor, records: list[Record], parser: RowParser | None,
            progress: Progress = _noop) -> ImportPreview:
    """Add the register-dependent checks and the counts (database reads only). Progress: "plan" 0 of
    n records before comparing them with the register, n of n after."""
    if parser is not None and not parser.header_errors:
        progress("plan", 0, len(records))
        plan = build_plan(actor, records, parser.has_territory)
        progress("plan", len(records), len(records))
        preview.errors.extend(plan.errors)
        preview.create, preview.update, preview.unchanged = len(plan.creates), len(plan.updates), plan.unchanged
        preview.memberships = len(plan.memberships)
        preview.territories = len(plan.territories.planned) if plan.territories else 0
        preview._plan = plan
    preview.errors.sort(key=lambda e: e.row)  # stable: keeps the field order within a row
    return preview


def validate_import(actor, source, mapping: Mapping[str, str] | None = None,
                    defaults: Mapping[str, Any] | None = None, *, fmt: str | None = None,
                    encoding: str | None = None, filename: str | None = None, delimiter: str | None = None,
                    decimal: str | None = None, progress: Progress | None = None) -> ImportPreview:
    """Check an import without writing anything.

    `source`: a path, bytes, a binary file, or a list of row mappings. `mapping`: {column: field}
    overrides of the automatic column matching ("" ignores a column). `defaults`: {field: value} for
    empty cells and absent columns, typically {"country": "FR", "sector_classification": "nace2"}.
    `decimal`: "." or "," for numbers written as text (default: "," in a `;`-separated CSV, else ".").
    """
    _check_permission(actor)
    _check_decimal(decimal)
    progress = progress or _noop
    preview, records, parser = _parse(source, mapping, defaults, fmt, encoding, filename, delimiter, progress,
                                      decimal)
    return _finish(preview, actor, records, parser, progress)


def commit_import(actor, source, mapping: Mapping[str, str] | None = None,
                  defaults: Mapping[str, Any] | None = None, *, fmt: str | None = None,
                  encoding: str | None = None, filename: str | None = None, delimiter: str | None = None,
                  decimal: str | None = None, progress: Progress | None = None, change_reason: str = "",
                  skip_invalid: bool = False,
                  on_preview: Callable[[ImportPreview], None] | None = None,
                  on_written: Callable[[ImportResult], None] | None = None) -> ImportResult:
    """Check the import again and write every row in one transaction; raise ImportRejected (and write
    nothing) if any row has an error. `on_preview` sees the final check just before the writing,
    `on_written` the result just after, both inside the transaction (what they write commits with it).
    The file is read and its rows checked before the transaction opens.

    `skip_invalid` (an explicit choice; all or nothing is the default): rows with errors are left out
    and the others written, in one transaction; their errors are the result's `rejected` (see
    `rejected.rejected_csv` for them as a file). Errors of the file as a whole still reject it all."""
    _check_permission(actor)
    _check_decimal(decimal)
    progress = progress or _noop
    preview, records, parser = _parse(source, mapping, defaults, fmt, encoding, filename, delimiter, progress,
                                      decimal)
    if not skip_invalid:
        preview._table = None  # the rows read are needed only to write the rejected ones back
    rejected: list[RowError] = []
    if preview.errors and (not skip_invalid or _whole_file(preview.errors)):
        raise ImportRejected(_finish(preview, actor, records, parser))  # no need to plan: the file is wrong
    rejected, preview.errors = preview.errors, []
    try:
        with transaction.atomic():
            # Plan inside the transaction, so what we compare against is what we write over.
            preview = _finish(preview, actor, records, parser, progress)
            while skip_invalid and preview.errors and not _whole_file(preview.errors):
                left_out = {e.row for e in preview.errors}
                rejected.extend(preview.errors)
                records = [r for r in records if r.row not in left_out]
                preview.errors = []
                preview = _finish(preview, actor, records, parser, progress)
            if preview.errors:
                raise ImportRejected(preview)
            if on_preview is not None:
                on_preview(preview)
            reason = change_reason or f"import: {filename or _source_name(source)}"
            result = _write(actor, preview, progress, reason[:100])
            result.rejected = sorted(rejected)
            if on_written is not None:
                on_written(result)
            return result
    except IntegrityError as exc:
        preview.errors.append(RowError(0, "", msg.REGISTER_CHANGED % {"reason": exc}))
        raise ImportRejected(preview) from exc


def _write(actor, preview: ImportPreview, progress: Progress, reason: str) -> ImportResult:
    plan = preview._plan
    now = timezone.now()
    info = HistoryInfo(user_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
                       reason=reason, when=now)
    territory_ids = plan.territories.create_planned(info) if plan.territories else {}

    def territory_id(key):
        if key is None:
            return None
        return territory_ids[key] if key[0] == "new" else key[1]

    changed = [u for u in plan.updates if u.changed]
    total = len(plan.creates) + len(changed) + len(plan.memberships)
    done = 0
    created: list[dict] = []
    base = writer.new_row(Enterprise, {"created_at": now, "updated_at": now})
    for start in range(0, len(plan.creates), WRITE_BATCH):
        batch = plan.creates[start:start + WRITE_BATCH]
        rows = [{**base, **record.values, "territory_id": territory_id(key)} for record, key in batch]
        created.extend(writer.insert(Enterprise, rows, info))
        done += len(batch)
        progress("write", done, total)

    fields = {"updated_at"}
    rows = []
    for update in changed:
        row = writer.as_row(update.enterprise)
        for name in update.changed:
            if name == "territory":
                row["territory_id"] = territory_id(update.territory)
                fields.add("territory_id")
            else:
                row[name] = update.record.values[name]
                fields.add(name)
        row["updated_at"] = now
        rows.append(row)
    for start in range(0, len(rows), WRITE_BATCH):
        writer.update(Enterprise, rows[start:start + WRITE_BATCH], sorted(fields), info)
        done += len(rows[start:start + WRITE_BATCH])
        progress("write", done, total)

    base = writer.new_row(Membership, {})
    for start in range(0, len(plan.memberships), WRITE_BATCH):
        batch = plan.memberships[start:start + WRITE_BATCH]
        rows = [{**base, "association_id": m.association_id, "start_date": m.start,
                 "enterprise_id": created[m.target]["id"] if isinstance(m.target, int) else m.target.pk}
                for m in batch]
        writer.insert(Membership, rows, info)
        done += len(batch)
        progress("write", done, total)
    return ImportResult(created=len(plan.creates), updated=len(plan.updates), unchanged=plan.unchanged,
                        memberships=len(plan.memberships), territories=len(territory_ids), preview=preview)
