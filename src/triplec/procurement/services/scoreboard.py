"""The members' scoreboard of an association (mutual monitoring): for each member, over the
association's contracts, the share of units delivered by the line's deadline, the rejection rate, the
warranty claims, the volume accepted, and the same figures year by year (the trend). Every member of
the association sees it (policy.can_view_scoreboard)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from triplec.accounts.policy import require
from triplec.core.sql_dates import DateYear
from triplec.registry.models import Enterprise, Organisation

from .. import policy
from ..models import Delivery, WarrantyClaim
from .common import current_members


def _ratio(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / whole).quantize(Decimal("0.0001")) if whole else None


@dataclass
class YearFigures:
    delivered: int = 0
    on_time: int = 0
    accepted: int = 0
    rejected: int = 0
    warranty_units: int = 0

    @property
    def on_time_share(self) -> Decimal | None:
        return _ratio(self.on_time, self.delivered)

    @property
    def rejection_rate(self) -> Decimal | None:
        return _ratio(self.rejected, self.accepted + self.rejected)


@dataclass
class ScoreRow:
    member: Enterprise
    totals: YearFigures = field(default_factory=YearFigures)
    warranty_claims: int = 0
    years: dict[int, YearFigures] = field(default_factory=dict)

    @property
    def trend(self) -> str:
        """"better", "worse" or "steady": the rejection rate of the last year against the year before."""
        rates = [self.years[y].rejection_rate for y in sorted(self.years)]
        rates = [r for r in rates if r is not None]
        if len(rates) < 2 or rates[-1] == rates[-2]:
            return "steady"
        return "better" if rates[-1] < rates[-2] else "worse"


def scoreboard(user, association: Organisation, on: date | None = None) -> list[ScoreRow]:
    require(policy.can_view_scoreboard, user, association)
    return compute(association, on)


def compute(association: Organisation, on: date | None = None) -> list[ScoreRow]:
    """One row per current member (and per past member who made units on its contracts), by name."""
    rows: dict[int, ScoreRow] = {m.pk: ScoreRow(m) for m in current_members(association, on)}
    deliveries = (Delivery.objects.filter(line__contract__association=association)
                  .annotate(year=DateYear("delivered_on"))
                  .values("maker_id", "year")
                  .annotate(delivered=Sum("quantity"),
                            on_time=Sum("quantity", filter=Q(delivered_on__lte=F("line__deadline"))),
                            accepted=Sum("accepted"), rejected=Sum("rejected")))
    claims = (WarrantyClaim.objects.filter(contract__association=association)
              .annotate(year=DateYear("claimed_on")).values("maker_id", "year")
              .annotate(n=Count("id"), units=Sum("units")))
    missing = {d["maker_id"] for d in deliveries} | {c["maker_id"] for c in claims}
    for member in Enterprise.objects.filter(pk__in=missing - set(rows)):
        rows[member.pk] = ScoreRow(member)
    years: dict[int, dict[int, YearFigures]] = defaultdict(lambda: defaultdict(YearFigures))
    for d in deliveries:
        y = years[d["maker_id"]][d["year"]]
        y.delivered += d["delivered"] or 0
        y.on_time += d["on_time"] or 0
        y.accepted += d["accepted"] or 0
        y.rejected += d["rejected"] or 0
    for c in claims:
        years[c["maker_id"]][c["year"]].warranty_units += c["units"] or 0
        rows[c["maker_id"]].warranty_claims += c["n"]
    for pk, row in rows.items():
        row.years = dict(sorted(years[pk].items()))
        for y in row.years.values():
            for name in ("delivered", "on_time", "accepted", "rejected", "warranty_units"):
                setattr(row.totals, name, getattr(row.totals, name) + getattr(y, name))
    return sorted(rows.values(), key=lambda r: (r.member.legal_name, r.member.pk))
