"""The scorecards a user may read: one per intervention of every instrument, and one per programme
(agency roles only, see policy), listed in a stable order (instrument, level, id) and computed only
for the page asked for.

| instrument         | intervention             | programme                 | year of                 |
|--------------------|--------------------------|---------------------------|-------------------------|
| network            | networks.Network         | its kind (NetworkKind)    | first contact           |
| contract           | procurement.Contract     | procurement.Programme     | award                   |
| fair-participation | fairs.Participation      | fairs.Programme           | the fair's start        |
| supplier-programme | suppliers.Programme      | (the programme itself)    | start                   |
| subscription       | centres.Subscription     | the centre                | the subscription's start|
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triplec.centres.models import Centre
from triplec.core.errors import NotFound, ValidationFailed
from triplec.fairs.models import Programme as FairsProgramme
from triplec.networks.models import NetworkKind
from triplec.procurement.models import Programme as ProcurementProgramme

from .. import policy
from . import card_centres, card_fairs, card_networks, card_procurement, card_suppliers
from .cards import Scorecard

INTERVENTION, PROGRAMME = "intervention", "programme"


@dataclass(frozen=True)
class Instrument:
    key: str
    label: object
    visible: Callable  # user -> the interventions it may read
    programme_field: str | None  # the intervention's field naming its programme (None: it is its own)
    year_lookup: str
    programmes: Callable | None  # () -> every programme
    figures: Callable  # (records, single) -> (customer_oriented, collective, cumulative)
    related: tuple[str, ...]
    name: Callable
    url: Callable
    programme_of: Callable  # intervention -> its programme
    reached: Callable  # [records of each card] -> the firms reached of each, counted together
    programme_url: Callable | None = None
    figures_many: Callable | None = None  # ([records], [single]) -> figures of each, read together

    def figures_of(self, groups: list[list], singles: list[bool]) -> list[tuple]:
        if self.figures_many is not None:
            return self.figures_many(groups, singles)
        return [self.figures(records, single) for records, single in zip(groups, singles, strict=True)]


INSTRUMENTS = (
    Instrument("network", gettext_lazy("Network"), policy.visible_networks, "kind_id", "started_on__year",
               NetworkKind.objects.all, card_networks.figures, ("kind",), str,
               lambda n: reverse("networks:network_detail", args=[n.pk]), lambda n: n.kind,
               card_networks.reached, figures_many=card_networks.figures_many),
    Instrument("contract", gettext_lazy("Procurement contract"), policy.visible_contracts, "programme_id",
               "awarded_on__year", ProcurementProgramme.objects.all, card_procurement.figures,
               ("programme__purchaser", "association"), lambda c: f"{c.reference} · {c.association}",
               lambda c: reverse("procurement:contract_detail", args=[c.pk]), lambda c: c.programme,
               card_procurement.reached, figures_many=card_procurement.figures_many),
    Instrument("fair-participation", gettext_lazy("Fair participation"), policy.visible_participations,
               "fair__programme_id", "fair__starts_on__year", FairsProgramme.objects.all, card_fairs.figures,
               ("fair__programme", "enterprise"), str,
               lambda p: reverse("fairs:participation_detail", args=[p.pk]), lambda p: p.fair.programme,
               card_fairs.reached, figures_many=card_fairs.figures_many),
    Instrument("supplier-programme", gettext_lazy("Supplier programme"), policy.visible_supplier_programmes, None,
               "started_on__year", None, card_suppliers.figures, ("buyer",), str,
               lambda p: reverse("suppliers:programme_detail", args=[p.pk]), lambda p: p,
               card_suppliers.reached, figures_many=card_suppliers.figures_many),
    Instrument("subscription", gettext_lazy("Service subscription"), policy.visible_subscriptions, "centre_id",
               "starts_on__year", Centre.objects.all, card_centres.figures, ("centre__organisation", "enterprise"),
               str, lambda s: reverse("centres:centre_detail", args=[s.centre_id]), lambda s: s.centre,
               card_centres.reached, lambda c: reverse("centres:centre_detail", args=[c.pk]),
               card_centres.figures_many),
)
BY_KEY = {i.key: i for i in INSTRUMENTS}


def instrument(key: str) -> Instrument:
    if key not in BY_KEY:
        raise ValidationFailed({"instrument": [_("Unknown instrument %(value)s; instruments are %(keys)s.")
                                               % {"value": key, "keys": ", ".join(BY_KEY)}]})
    return BY_KEY[key]


def _interventions(spec: Instrument, user, programme: int | None, year: int | None) -> QuerySet:
    qs = spec.visible(user)
    if programme is not None:
        qs = qs.filter(**{spec.programme_field or "pk": programme})
    if year is not None:
        qs = qs.filter(**{spec.year_lookup: year})
    return qs.order_by("pk")


def _programmes(spec: Instrument, user, programme: int | None, year: int | None) -> QuerySet:
    if spec.programmes is None or not policy.sees_programmes(user):
        return spec.visible(user).none()
    qs = spec.programmes()
    if programme is not None:
        qs = qs.filter(pk=programme)
    if year is not None:
        ran = _interventions(spec, user, None, year).values(spec.programme_field)
        qs = qs.filter(pk__in=ran)
    return qs.order_by("pk")


def _segments(user, instrument_key: str | None, programme: int | None, year: int | None) -> list:
    if programme is not None and instrument_key is None:
        raise ValidationFailed({"programme": [_("Give the instrument of the programme too.")]})
    specs = [instrument(instrument_key)] if instrument_key else list(INSTRUMENTS)
    segments = []
    for spec in specs:
        segments.append((spec, INTERVENTION, _interventions(spec, user, programme, year)))
        segments.append((spec, PROGRAMME, _programmes(spec, user, programme, year)))
    return segments


def card(spec: Instrument, level: str, obj, year: int | None = None, user=None) -> Scorecard:
    """The scorecard of one intervention, or of one programme over its interventions (of `year`)."""
    records = [obj] if level == INTERVENTION else _records_of(spec, user, [obj], year)[0]
    scorecard = _card(spec, level, obj, records, year)
    scorecard.dimensions()
    return scorecard


class _Batch:
    """The figures of a page's cards of one instrument and level, computed together (a fixed number of
    queries for the page) when the first of them is read."""

    def __init__(self, spec: Instrument, groups: list[list], singles: list[bool]):
        self.spec, self.groups, self.singles = spec, groups, singles
        self._figures: list | None = None

    def figures(self, index: int) -> tuple:
        if self._figures is None:
            self._figures = self.spec.figures_of(self.groups, self.singles)
        return self._figures[index]


def _single(spec: Instrument, level: str) -> bool:
    return level == INTERVENTION or spec.programme_field is None


def _card(spec: Instrument, level: str, obj, records: list, year: int | None, headline=None,
          compute: Callable | None = None) -> Scorecard:
    if level == INTERVENTION:
        name, url, programme, shown_year = spec.name(obj), spec.url(obj), spec.programme_of(obj), _year_of(spec, obj)
    else:
        name, programme, shown_year = str(obj), obj, year
        url = spec.programme_url(obj) if spec.programme_url else ""
    if compute is None and records:
        compute = lambda: spec.figures(records, _single(spec, level))  # noqa: E731
    return Scorecard(spec.key, level, obj.pk, name, str(programme), shown_year, url,
                     compute=compute if records else None,
                     headline={headline.key: headline} if headline is not None else {})


def _records_of(spec: Instrument, user, programmes: list, year: int | None) -> list[list]:
    """The interventions (of `year`) the user may read of each programme, in one query."""
    by_programme = defaultdict(list)
    for record in (spec.visible(user).filter(**{spec.programme_field + "__in": [p.pk for p in programmes]})
                   .order_by("pk").select_related(*spec.related)):
        if year is None or _year_of(spec, record) == year:
            by_programme[_value_at(record, spec.programme_field)].append(record)
    return [by_programme[p.pk] for p in programmes]


def _cards(spec: Instrument, level: str, objs: list, year: int | None, user) -> list[Scorecard]:
    """The cards of a page's rows: records loaded and the firms reached counted for all rows together;
    the other figures computed only when read (the list page shows the firms reached alone), for all
    rows together when the first is read (the API and the exports read them all)."""
    groups = [[obj] for obj in objs] if level == INTERVENTION else _records_of(spec, user, objs, year)
    filled = [records for records in groups if records]
    headlines = iter(spec.reached(filled))
    batch = _Batch(spec, filled, [_single(spec, level)] * len(filled))
    cards, index = [], 0
    for obj, records in zip(objs, groups, strict=True):
        compute = None
        if records:
            compute, index = (lambda i=index: batch.figures(i)), index + 1
        cards.append(_card(spec, level, obj, records, year, next(headlines) if records else None, compute))
    return cards


def _value_at(record, lookup: str):
    for part in lookup.split("__"):
        record = getattr(record, part)
    return record


def _year_of(spec: Instrument, record) -> int:
    value = record
    for part in spec.year_lookup.split("__")[:-1]:
        value = getattr(value, part)
    return value.year


@dataclass(frozen=True)
class Page:
    count: int
    items: list[Scorecard]


def scorecards(user, *, instrument_key: str | None = None, programme: int | None = None, year: int | None = None,
               limit: int = 20, offset: int = 0) -> Page:
    """The page of scorecards the user may read, computed for that page only."""
    segments = _segments(user, instrument_key, programme, year)
    counts = [qs.count() for _spec, _level, qs in segments]
    items, skip, room = [], offset, limit
    for (spec, level, qs), count in zip(segments, counts, strict=True):
        if skip >= count:
            skip -= count
            continue
        if room <= 0:
            break
        if level == INTERVENTION:
            qs = qs.select_related(*spec.related)
        chunk = list(qs[skip:skip + room])
        items += _cards(spec, level, chunk, year, user)
        room -= len(chunk)
        skip = 0
    return Page(sum(counts), items)


def scorecard(user, instrument_key: str, level: str, pk: int, year: int | None = None) -> Scorecard:
    """One scorecard the user may read (NotFound otherwise, as for what does not exist)."""
    spec = BY_KEY.get(instrument_key)
    if spec is None or level not in (INTERVENTION, PROGRAMME):
        raise NotFound(_("No such scorecard."))
    qs = _interventions(spec, user, None, None) if level == INTERVENTION else _programmes(spec, user, None, None)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("No such scorecard."))
    return card(spec, level, obj, year, user)
