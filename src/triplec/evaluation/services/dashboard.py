"""The programme dashboard (issue 12, item 4): what the agency's programmes reached, spent and changed,
as plain tables computed from the records, for the filters given (years, instrument and optionally one
of its programmes, territory with its descendants, sector section or division).

Every table is a `Table` (a stable id, a title, columns, rows of numbers and codes): the page, the
Excel workbook, the PDF and the API all show the same tables, so they cannot disagree.

Cached aggregates, and why they are never stale: each table's rows are computed by a few grouped
queries (the heavy one sums the firm panel per year and currency, once for every firm and once for the
supported firms, reading an index of those columns alone) and kept with `core.table_versions.remember`
under the filters that shaped them AND the versions of the database tables their SQL read. Database
triggers count every write to every table (a page, the API, a panel import, a bulk SQL update, a
deletion, the admin, another process), so a write to a table a figure was read from makes the next
request recompute it, while a write elsewhere (a login, a message) leaves it kept: nothing here has
to remember to bump a stamp, and a writer we do not know of cannot leave figures stale. Inside a
transaction nothing is kept. The rows cached are numbers and codes; labels are put on in the
reader's language when shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from triplec.core import table_versions
from triplec.core.errors import ValidationFailed
from triplec.registry.models import Enterprise, Territory
from triplec.registry.selectors import _sector_q as sector_q
from triplec.registry.selectors import territory_descendant_ids

from .support import BY_INSTRUMENT

SECTOR_MAX = 16


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    instrument: str | None = None
    programme: int | None = None
    territory: int | None = None
    sector: str = ""

    def years(self, lookup: str) -> Q:
        """The year range on a year field or `__year` lookup."""
        q = Q()
        if self.year_from is not None:
            q &= Q(**{f"{lookup}__gte": self.year_from})
        if self.year_to is not None:
            q &= Q(**{f"{lookup}__lte": self.year_to})
        return q

    def wants(self, instrument: str) -> bool:
        return self.instrument is None or self.instrument == instrument

    def programme_of(self, instrument: str) -> int | None:
        return self.programme if self.instrument == instrument else None

    @property
    def narrows_firms(self) -> bool:
        return bool(self.territory or self.sector)

    def firms(self) -> QuerySet | None:
        """The ids of the register's firms in the territory (and below) and sector; None: all firms."""
        if not self.narrows_firms:
            return None
        qs = Enterprise.objects.all()
        if self.territory:
            qs = qs.filter(territory_id__in=territory_descendant_ids(self.territory))
        if self.sector:
            qs = qs.filter(sector_q(self.sector))
        return qs.order_by().values("pk")

    def key(self) -> tuple:
        return tuple(sorted(asdict(self).items()))


def _year(value, name: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 1900 <= year <= 2200:
        errors[name] = [_("Give a year between 1900 and 2200.")]
        return None
    return year


def parse_filters(params) -> Filters:
    """Filters from query parameters: `year` (one year) or `year_from`/`year_to`, `instrument`,
    `programme` (of the instrument), `territory` (an id), `sector` (a section letter or a code prefix).
    ValidationFailed names each wrong parameter."""
    errors: dict = {}
    year = _year(params.get("year"), "year", errors)
    year_from = year if year is not None else _year(params.get("year_from"), "year_from", errors)
    year_to = year if year is not None else _year(params.get("year_to"), "year_to", errors)
    if year_from is not None and year_to is not None and year_from > year_to:
        errors["year_to"] = [_("The last year comes before the first.")]
    instrument = params.get("instrument") or None
    if instrument is not None and instrument not in BY_INSTRUMENT:
        errors["instrument"] = [_("Unknown instrument %(value)s; instruments are %(keys)s.")
                                % {"value": instrument, "keys": ", ".join(BY_INSTRUMENT)}]
    programme = None
    if params.get("programme") not in (None, ""):
        try:
            programme = int(params.get("programme"))
        except (TypeError, ValueError):
            errors["programme"] = [_("Give the programme's number.")]
        if instrument is None:
            errors["programme"] = [_("Give the instrument of the programme too.")]
    territory = None
    if params.get("territory") not in (None, ""):
        try:
            territory = int(params.get("territory"))
        except (TypeError, ValueError):
            territory = -1
        if not Territory.objects.filter(pk=territory).exists():
            errors["territory"] = [_("No such territory.")]
    sector = (params.get("sector") or "").strip()
    if len(sector) > SECTOR_MAX:
        errors["sector"] = [_("Give a sector section or code.")]
    if errors:
        raise ValidationFailed(errors)
    return Filters(year_from, year_to, instrument, programme, territory, sector)


@dataclass
class Table:
    """One table of the dashboard. `columns` are (key, label, kind), kind in text, count, number,
    money; `rows` are dicts by column key (a row's "url" links its first cell)."""

    id: str
    title: str
    columns: list[tuple[str, str, str]]
    rows: list[dict]
    note: str = ""
    chart: dict | None = field(default=None)  # {"kind": line|bar, "x": key, "series": {key: label}}

    def keys(self) -> list[str]:
        return [key for key, _label, _kind in self.columns]


def cached(name: str, filters: Filters, compute: Callable[[], list]) -> list:
    """`compute()`'s rows, kept while the tables they were read from are unchanged (see the module's
    docstring)."""
    return table_versions.remember(DEFAULT_DB_ALIAS, ("evaluation-dashboard", name, filters.key()), compute)


def dashboard(user, filters: Filters) -> list[Table]:
    """The dashboard's tables for the agency `user` (callers check policy.sees_programmes)."""
    from . import dashboard_figures, dashboard_outcomes

    with table_versions.one_reading(DEFAULT_DB_ALIAS):
        return [*dashboard_figures.tables(user, filters), *dashboard_outcomes.tables(filters)]


def as_json(filters: Filters, tables: list[Table]) -> dict:
    return {"filters": asdict(filters), "tables": [
        {"id": t.id, "title": t.title, "note": t.note,
         "columns": [{"key": k, "label": label, "kind": kind} for k, label, kind in t.columns],
         "rows": [{k: row.get(k) for k in [*t.keys(), *(["url"] if "url" in row else [])]} for row in t.rows]}
        for t in tables]}
