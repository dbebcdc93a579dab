"""What a scorecard is: figures with their evidence, in the three Triple C dimensions. No figure is
ever combined into a score: each says what it counts, from which records, one click away.

A figure's `value` is a count, an amount (`unit` money, with its `currency`; to the cent), a share
(0..1, four places), a text, or a list of {"year", "value"} rows (`unit` by-year); None when the
records hold nothing to compute it from (its `note` says why).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from triplec.core.money_format import cents, format_money, format_share

SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Evidence:
    label: str
    url: str


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: object
    unit: str = "count"  # count, money, share, text, by-year
    currency: str = ""
    evidence: tuple[Evidence, ...] = ()
    note: str = ""


@dataclass
class Scorecard:
    """A scorecard; its figures are computed by `compute` when first read (a list page reads only the
    `headline` figures, counted for all its rows at once)."""

    instrument: str  # network, contract, fair-participation, supplier-programme, subscription
    level: str  # intervention or programme
    pk: int
    name: str
    programme: str
    year: int | None
    url: str  # the intervention's or programme's own page
    compute: Callable[[], tuple[list, list, list]] | None = field(default=None, repr=False, compare=False)
    headline: dict[str, Figure] = field(default_factory=dict, repr=False, compare=False)
    _computed: tuple[list, list, list] | None = field(default=None, init=False, repr=False, compare=False)

    def _dimension(self, index: int) -> list[Figure]:
        if self._computed is None:
            self._computed = self.compute() if self.compute is not None else ([], [], [])
        return self._computed[index]

    @property
    def customer_oriented(self) -> list[Figure]:
        return self._dimension(0)

    @property
    def collective(self) -> list[Figure]:
        return self._dimension(1)

    @property
    def cumulative(self) -> list[Figure]:
        return self._dimension(2)

    @property
    def ref(self) -> str:
        return f"{self.instrument}:{self.level}:{self.pk}"

    def figure(self, key: str) -> Figure | None:
        """The first figure named `key` in any dimension (for tests and pages); a headline figure without
        computing the others."""
        if self._computed is None and key in self.headline:
            return self.headline[key]
        return next((f for f in self.dimensions() for f in f[1] if f.key == key), None)

    def figures(self, key: str) -> list[Figure]:
        return [f for _name, figures in self.dimensions() for f in figures if f.key == key]

    def dimensions(self) -> list[tuple[str, list[Figure]]]:
        return [("customer_oriented", self.customer_oriented), ("collective", self.collective),
                ("cumulative", self.cumulative)]


DELIVERY = {"group": _("Group"), "individual": _("Individual"), "shared": _("Shared by many firms")}


def shown(figure: Figure) -> str:
    """A figure's value as a page shows it (the API keeps the codes and numbers)."""
    value = figure.value
    if value is None:
        return "—"
    if figure.key == "delivery":
        return str(DELIVERY.get(value, value))
    if figure.unit == "share":
        return format_share(value, places=1)
    if figure.unit == "money":
        return format_money(value, figure.currency) if figure.currency else str(value)
    if figure.unit == "by-year":
        return "; ".join(f"{row['year']}: {format_share(row['value'], places=1) if row['value'] is not None else '—'}"
                         for row in value) or "—"
    return str(value)


def firms_reached(count: int, evidence: Iterable[Evidence]) -> Figure:
    """The headline figure of every scorecard (the list page shows it)."""
    return Figure("firms_reached", gettext("Firms reached"), count, evidence=tuple(evidence))


def share(part, whole) -> Decimal | None:
    """part / whole to four places; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES)


def per_firm(amount: Decimal, firms: int) -> Decimal | None:
    return cents(amount / firms) if firms else None


def money_figures(key: str, label: str, amounts: dict[str, Decimal], evidence: Iterable[Evidence],
                  note: str = "") -> list[Figure]:
    """One money figure per currency (a programme may run in several)."""
    evidence = tuple(evidence)
    return [Figure(key, label, cents(amount), "money", currency, evidence, note)
            for currency, amount in sorted(amounts.items())]
