"""Importing panel years from CSV or XLSX, survey exports (KoboToolbox) included, with the register's
rules: nothing is written unless every row is right; every error names its row (the header is row 1),
its column and the reason; a `;`-separated CSV writes decimals with a comma; national identifiers are
normalised as the register stores them (registry.identifiers) and must name a firm of the register.

Columns are matched by name, accents and case aside (Portuguese and Spanish names too). KoboToolbox
exports: a header written `group/field` (its "XML values and headers" export) is matched on its last
part; its metadata columns (`_id`, `_uuid`, `_submission_time`, `_index`, `_status`...) are not panel
fields: `_uuid` becomes the row's evidence ("kobo:<uuid>"), and `_submission_time` gives the year when
the form has no year question (the survey is then read as being about the year it was answered in).
A firm's year already in the panel is replaced by the file's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.registry import identifiers
from triplec.registry.importing import cells
from triplec.registry.importing.columns import header_key
from triplec.registry.importing.errors import ImportRejected, RowError
from triplec.registry.importing.messages import shown
from triplec.registry.importing.reading import decimal_separator, read_table
from triplec.registry.models import Enterprise

from .. import policy
from ..models import FirmYear, Source

_NAMES = {
    "national_id": ("national_id", "national identifier", "identifier", "cnpj", "cpf", "rut", "tax id", "nit"),
    "country": ("country", "pais", "país"),
    "year": ("year", "ano", "año", "periodo", "period"),
    "employment": ("employment", "employees", "empregados", "empleados", "empleo", "emprego", "workers"),
    "currency": ("currency", "moeda", "moneda"),
    "sales": ("sales", "vendas", "ventas", "faturamento", "turnover"),
    "exports": ("exports", "exportacoes", "exportaciones"),
    "customers": ("customers", "clientes", "number of customers"),
    "main_customer_share": ("main_customer_share", "share main customer", "participacao principal cliente",
                            "participacion cliente principal"),
    "investment": ("investment", "investimento", "inversion"),
    "wages": ("wages", "salarios", "folha salarial", "remuneraciones"),
    "certifications": ("certifications", "certificacoes", "certificaciones", "quality certifications"),
}
_BY_KEY = {header_key(name): fld for fld, names in _NAMES.items() for name in names}
_MONEY = ("sales", "exports", "investment", "wages")
_WHOLE = ("employment", "customers")


@dataclass
class PanelImport:
    """What a file would write: one (enterprise, year, figures, evidence) per row, or the errors."""

    rows: list[tuple[int, Enterprise, int, dict, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # file column -> panel field
    ignored: list[str] = field(default_factory=list)


def panel_field(column: str) -> str | None:
    """The panel field a column feeds (a Kobo `group/field` header by its last part), or None."""
    return _BY_KEY.get(header_key(str(column).rsplit("/", 1)[-1]))


def _money(value, comma: bool) -> Decimal:
    amount = cells.decimal(value, comma)
    if amount < 0:
        raise cells.CellError(_("an amount cannot be negative"))
    return amount.quantize(Decimal("0.01"))


def _share(value, comma: bool) -> Decimal:
    raw = cells.text(value) if isinstance(value, str) else value
    percent = isinstance(raw, str) and raw.endswith("%")
    share = cells.decimal(raw[:-1].strip() if percent else raw, comma) / (100 if percent else 1)
    if not 0 <= share <= 1:
        raise cells.CellError(_("a share is between 0 and 1 (or 0% and 100%)"))
    return share.quantize(Decimal("0.0001"))


def _cell(name: str, value, comma: bool):
    if name in _WHOLE:
        return cells.whole_number(value, 0, 10**9, comma)
    if name in _MONEY:
        return _money(value, comma)
    if name == "main_customer_share":
        return _share(value, comma)
    if name == "currency":
        code = cells.text(value, 3).upper()
        if len(code) != 3 or not code.isalpha():
            raise cells.CellError(_("%(value)s is not a currency code such as BRL") % {"value": repr(code)})
        return code
    return cells.text(value, 300)


def _firm(row: dict, default_country: str, finder: dict) -> Enterprise:
    country = (cells.text(row.get("country")) if not cells.is_blank(row.get("country")) else default_country).upper()
    if len(country) != 2:
        raise cells.CellError(_("give the firm's country (a two-letter code) in a column or for the whole file"))
    try:
        national_id = identifiers.normalise(country, cells.text(row.get("national_id")))
    except identifiers.IdentifierError as exc:
        raise cells.CellError(str(exc)) from exc
    found = finder.get((country, national_id))
    if found is None:
        found = Enterprise.objects.filter(country=country, national_id=national_id).first()
        if found is None:
            raise cells.CellError(_("no firm in the register has the identifier %(value)s")
                                  % {"value": national_id})
        finder[(country, national_id)] = found
    return found


def read_panel(source, *, filename: str | None = None, country: str = "", decimal: str | None = None) -> PanelImport:
    """Read and check every row; writes nothing."""
    table = read_table(source, filename=filename)
    result = PanelImport(errors=list(table.errors))
    if table.errors and not table.columns:
        return result
    for column in table.columns:
        name = panel_field(column)
        if name and name not in result.columns.values():
            result.columns[column] = name
        elif column not in ("_uuid", "_submission_time"):
            result.ignored.append(column)
    has = set(result.columns.values())
    if "national_id" not in has:
        result.errors.append(RowError(1, "national_id", _("no column for the firm's national identifier")))
    if "year" not in has and "_submission_time" not in table.columns:
        result.errors.append(RowError(1, "year", _("no column for the year (nor a survey's _submission_time)")))
    if result.errors:
        return result
    comma = decimal_separator(table, decimal) == ","
    index = {column: i for i, column in enumerate(table.columns)}
    seen: dict[tuple[int, int], int] = {}
    finder: dict = {}
    for number, values in table.rows:
        raw = {name: values[index[column]] if index[column] < len(values) else None
               for column, name in result.columns.items()}
        meta = {key: values[index[key]] for key in ("_uuid", "_submission_time") if key in index and index[key] < len(values)}
        errors_before = len(result.errors)
        try:
            firm = _firm(raw, country, finder)
        except cells.CellError as exc:
            result.errors.append(RowError(number, "national_id", shown(str(exc))))
            firm = None
        year = None
        try:
            if not cells.is_blank(raw.get("year")):
                year = cells.whole_number(raw["year"], 1900, 2200)
            elif not cells.is_blank(meta.get("_submission_time")):
                year = int(cells.text(meta["_submission_time"])[:4])
            else:
                raise cells.CellError(shown("missing required field"))
        except (cells.CellError, ValueError) as exc:
            result.errors.append(RowError(number, "year", str(exc)))
        figures = {}
        for name, value in raw.items():
            if name in ("national_id", "country", "year") or cells.is_blank(value):
                continue
            try:
                figures[name] = _cell(name, value, comma)
            except cells.CellError as exc:
                result.errors.append(RowError(number, name, shown(str(exc))))
        if any(figures.get(k) is not None for k in _MONEY) and not figures.get("currency"):
            result.errors.append(RowError(number, "currency", _("give the currency of the amounts")))
        if figures.get("exports") is not None and figures.get("sales") is not None and figures["exports"] > figures["sales"]:
            result.errors.append(RowError(number, "exports", _("exports are more than sales")))
        if firm is not None and year is not None:
            if (firm.pk, year) in seen:
                result.errors.append(RowError(number, "year", _("%(firm)s's %(year)s is already on row %(row)s")
                                              % {"firm": firm, "year": year, "row": seen[(firm.pk, year)]}))
            seen[(firm.pk, year)] = number
        if len(result.errors) == errors_before:
            uuid = cells.text(meta.get("_uuid")) if not cells.is_blank(meta.get("_uuid")) else ""
            result.rows.append((number, firm, year, figures, f"kobo:{uuid}"[:120] if uuid else ""))
    return result


@dataclass(frozen=True)
class Imported:
    created: int
    updated: int


def import_panel(user, source, *, filename: str | None = None, country: str = "",
                 decimal: str | None = None) -> Imported:
    """Write every row of the file, or none (ImportRejected naming each row's errors)."""
    require(policy.can_import_panel, user)
    checked = read_panel(source, filename=filename, country=country, decimal=decimal)
    if checked.errors or not checked.rows:
        if not checked.errors:
            checked.errors.append(RowError(0, "", _("the file has no rows")))
        raise ImportRejected(checked)
    created = updated = 0
    by = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        existing = {(r.enterprise_id, r.year): r for r in FirmYear.objects.select_for_update().filter(
            enterprise_id__in={firm.pk for _n, firm, _y, _f, _e in checked.rows})}
        for _number, firm, year, figures, evidence in checked.rows:
            row = existing.get((firm.pk, year))
            if row is None:
                row, created = FirmYear(enterprise=firm, year=year), created + 1
            else:
                updated += 1
                for name in ("employment", "sales", "exports", "customers", "main_customer_share", "investment",
                             "wages"):
                    setattr(row, name, None)
                row.currency = row.certifications = ""
            for name, value in figures.items():
                setattr(row, name, value)
            row.source, row.evidence, row.recorded_by = Source.IMPORTED, evidence, by
            row.full_clean()
            row.save()
    return Imported(created, updated)
