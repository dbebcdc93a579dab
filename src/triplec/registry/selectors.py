"""Reads of the register, always scoped to what the user may see (registry.policy)."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from triplec.core import query_cache

from . import policy, search
from .models import Membership, SizeClass, Territory, size_class_ranges

SORTABLE = {
    "name": "legal_name", "-name": "-legal_name",
    "employees": "employees", "-employees": "-employees",
    "sector": "sector_code", "-sector": "-sector_code",
    "founded": "founding_year", "-founded": "-founding_year",
    "updated": "updated_at", "-updated": "-updated_at",
}


@dataclass(frozen=True)
class EnterpriseFilter:
    q: str = ""                 # every word in legal or trade name (accents and case ignored), or
                                # the national identifier: see registry.search
    sector: str = ""            # a code at any level: section letter, NAICS 2-digit, division, class...
    classification: str = ""
    territory: int | None = None  # a territory id: matches it and everything below it
    size: str = ""              # micro | small | medium | large | unknown
    association: int | None = None  # current members of this association
    exporter: bool | None = None
    country: str = ""
    sort: str = "name"


def size_class_expression():
    """SQL CASE that derives the size class from employees with the configured thresholds."""
    ranges = size_class_ranges()
    whens = []
    for cls, (low, high) in ranges.items():
        cond = Q(employees__isnull=False)
        if low is not None:
            cond &= Q(employees__gte=low)
        if high is not None:
            cond &= Q(employees__lt=high)
        whens.append(When(cond, then=Value(str(cls))))
    return Case(*whens, default=Value(str(SizeClass.UNKNOWN)), output_field=CharField())


def territory_descendant_ids(territory_id: int) -> list[int]:
    ids, frontier = [territory_id], [territory_id]
    while frontier:
        frontier = list(Territory.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return ids


def _sector_q(sector: str) -> Q:
    code = sector.strip()
    if not code:
        return Q()
    if code.isalpha() and len(code) == 1:
        return Q(sector_section__iexact=code)
    if "-" in code and code.replace("-", "").isdigit():  # NAICS ranges such as 31-33
        return Q(sector_section=code)
    return Q(sector_code__startswith=code) | Q(sector_section=code)


def few_ids(qs: QuerySet, small: int) -> list | None:
    """The ids of `qs`'s rows, unordered, when there are no more than `small` (one scan stopping after
    small + 1, as a count would), else None. With them a page of a selective filter is read by primary
    key and sorted (milliseconds), where "the first 50 by name" would walk the name index row after
    row until 50 match (about a second on 100,000 rows when the matches sort late). Kept while the
    database is unchanged (core.query_cache): the same search asked again reads nothing."""
    qs = qs.order_by()
    ids = query_cache.cached(f"few_ids {small}", qs, lambda: _few_ids(qs, small))
    return None if ids is None else list(ids)


def _few_ids(qs: QuerySet, small: int) -> array | None:
    ids = array("q", qs.values_list("pk", flat=True)[: small + 1])  # 8 bytes an id while kept
    return ids if len(ids) <= small else None


def page_ids(qs: QuerySet, start: int, stop: int) -> list:
    """The ids of `qs`'s rows start to stop in its order, kept while the database is unchanged
    (core.query_cache): the first page of a search that is not selective walks the name index."""
    ids = qs.values_list("pk", flat=True)[start:stop]
    return list(query_cache.cached("page_ids", ids, lambda: tuple(ids)))


def count(qs: QuerySet) -> int:
    """`qs`'s number of rows, kept while the database is unchanged (core.query_cache): counting every
    firm whose name holds "ltda" reads the whole register."""
    qs = qs.order_by()
    return query_cache.cached("count", qs, qs.count)


def filter_enterprises(user, f: EnterpriseFilter, counting: bool = False) -> QuerySet:
    """The enterprises `user` may see that pass `f`, in its order. `counting`: the rows will be
    counted, not paged (a text search then takes the way that is quicker for a count)."""
    qs = policy.visible_enterprises(user)
    if f.q:
        qs = search.filter_by_words(qs, f.q, counting)
    if f.sector:
        qs = qs.filter(_sector_q(f.sector))
    if f.classification:
        qs = qs.filter(sector_classification=f.classification)
    if f.territory:
        qs = qs.filter(territory_id__in=territory_descendant_ids(f.territory))
    if f.size in SizeClass.values:
        # Through the CASE, on purpose: a size class is too wide for the employees index (SQLite, with no
        # range statistics, would read most of the register through it, slower than a scan, then sort);
        # that index serves the sort by employees.
        qs = qs.alias(_size_class=size_class_expression()).filter(_size_class=f.size)
    if f.association:
        qs = qs.filter(pk__in=policy.visible_memberships(user).filter(
            Membership.current_q(), association_id=f.association).values("enterprise_id"))
    if f.exporter is not None:
        qs = qs.filter(exporter=f.exporter)
    if f.country:
        qs = qs.filter(country=f.country.upper())
    order = SORTABLE.get(f.sort, "legal_name")
    return qs.order_by(order, "id")


def register_summary(user) -> dict:
    """Counts for the dashboard: total, by sector section, by territory (top level used), by size.

    Sections are counted by their letter whatever the classification: ISIC Rev.4 and NACE Rev.2 share
    their sections (C is manufacturing in both), so one register coded in both shows C once. NAICS
    sectors are two-digit codes and cannot collide with the letters. Firms without an employee count
    are counted apart, not as a size class; the exporters' share is a percentage with one decimal."""
    qs = policy.visible_enterprises(user)
    total = qs.count()
    by_sector = list(qs.exclude(sector_section="").values("sector_section")
                     .annotate(n=Count("id")).order_by("-n", "sector_section")[:15])
    by_territory = list(qs.values("territory__name").annotate(n=Count("id")).order_by("-n")[:15])
    by_size = {row["size"]: row["n"] for row in
               qs.annotate(size=size_class_expression()).values("size").annotate(n=Count("id"))}
    exporters = qs.filter(exporter=True).count()
    return {
        "total": total,
        "by_sector": by_sector,
        "by_territory": by_territory,
        "by_size": [(label, by_size.get(value, 0)) for value, label in SizeClass.choices
                    if value != SizeClass.UNKNOWN],
        "size_unknown": by_size.get(SizeClass.UNKNOWN, 0),
        "organisations": policy.visible_organisations(user).count(),
        "exporters": exporters,
        "exporter_share": round(100 * exporters / total, 1) if total else None,
    }
