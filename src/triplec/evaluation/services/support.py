"""Who was supported, by which instrument and programme, from which year: the support spells that the
dashboard's reach and the impact estimates' cohorts both start from.

A firm is supported by an intervention when it takes part in it (the scorecards' "firms reached"):

| instrument         | a firm takes part as          | programme               | from the year of          |
|--------------------|-------------------------------|-------------------------|---------------------------|
| network            | a member (NetworkMember)      | the network's kind      | joining                   |
| contract           | a member with an allocation   | procurement.Programme   | the contract's award      |
| fair-participation | a participant, not cancelled  | fairs.Programme         | the fair's start          |
| supplier-programme | an enrolled supplier (a firm) | the programme itself    | enrolment                 |
| subscription       | a subscriber                  | the centre              | the subscription's start  |

Homeworkers without an enterprise record are not firms of the register and are left out. The spells
are the agency's view (every intervention); callers check `policy.sees_programmes` first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _

from triplec.centres.models import Subscription
from triplec.core.errors import ValidationFailed
from triplec.core.sql_dates import DateYear as Year
from triplec.fairs.models import Participation
from triplec.networks.models import NetworkMember
from triplec.procurement.models import Allocation
from triplec.suppliers.models import Supplier


@dataclass(frozen=True)
class Source:
    instrument: str
    records: object  # () -> the queryset of participations
    firm: str  # the field naming the enterprise
    programme: str  # the field naming the programme
    day: str  # the date field whose year starts the support


SOURCES = (
    Source("network", lambda: NetworkMember.objects.all(), "enterprise_id", "network__kind_id", "joined_on"),
    Source("contract", lambda: Allocation.objects.all(), "member_id", "line__contract__programme_id",
           "line__contract__awarded_on"),
    Source("fair-participation", lambda: Participation.objects.filter(cancelled_on__isnull=True), "enterprise_id",
           "fair__programme_id", "fair__starts_on"),
    Source("supplier-programme", lambda: Supplier.objects.filter(enterprise__isnull=False), "enterprise_id",
           "programme_id", "enrolled_on"),
    Source("subscription", lambda: Subscription.objects.all(), "enterprise_id", "centre_id", "starts_on"),
)
BY_INSTRUMENT = {s.instrument: s for s in SOURCES}


@dataclass(frozen=True)
class Spell:
    """A firm's first year of support by one programme of one instrument."""

    enterprise_id: int
    instrument: str
    programme_id: int
    year: int


def _sources(instrument: str | None) -> tuple[Source, ...]:
    if instrument is None:
        return SOURCES
    if instrument not in BY_INSTRUMENT:
        raise ValidationFailed({"instrument": [_("Unknown instrument %(value)s; instruments are %(keys)s.")
                                               % {"value": instrument, "keys": ", ".join(BY_INSTRUMENT)}]})
    return (BY_INSTRUMENT[instrument],)


def participations(source: Source, programme: int | None = None,
                   firms: QuerySet | Iterable[int] | None = None) -> QuerySet:
    """The source's records, of one programme and of some firms (ids or a queryset of ids) if given."""
    qs = source.records()
    if programme is not None:
        qs = qs.filter(**{source.programme: programme})
    if firms is not None:
        qs = qs.filter(**{f"{source.firm}__in": firms})
    return qs


def _first_years(source: Source, programme: int | None, firms: QuerySet | Iterable[int] | None) -> QuerySet:
    return (participations(source, programme, firms).values(source.firm, source.programme).annotate(first=Min(Year(source.day)))
            .order_by(source.firm, source.programme))


def spells(instrument: str | None = None, programme: int | None = None,
           firms: QuerySet | Iterable[int] | None = None) -> Iterator[Spell]:
    """Every (firm, instrument, programme) with the firm's first year in it, one query per instrument.

    `programme` needs `instrument` (programme ids are per instrument); `firms` narrows to those
    enterprises (ids or a queryset of ids, e.g. the register filtered by territory and sector).
    """
    if programme is not None and instrument is None:
        raise ValidationFailed({"programme": [_("Give the instrument of the programme too.")]})
    for source in _sources(instrument):
        for row in _first_years(source, programme, firms).iterator(chunk_size=5000):
            yield Spell(row[source.firm], source.instrument, row[source.programme], row["first"])


def first_supported(instrument: str | None = None, programme: int | None = None,
                    firms: QuerySet | Iterable[int] | None = None) -> dict[int, int]:
    """Each supported firm's first year of support (its cohort in an impact estimate)."""
    first: dict[int, int] = {}
    for spell in spells(instrument, programme, firms):
        if spell.enterprise_id not in first or spell.year < first[spell.enterprise_id]:
            first[spell.enterprise_id] = spell.year
    return first
