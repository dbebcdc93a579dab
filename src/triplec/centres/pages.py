"""What the centres' pages show, read through `policy` (never decided here), and the public share of
the centre's income over time drawn as a server-side SVG (the CSP allows no script nor style=)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from . import policy
from .models import Centre, Publication, Subscription
from .services import money

CHART_W, CHART_H, PAD = 600, 200, 30


@dataclass
class Bar:
    year: int
    share: Decimal
    x: float
    y: float
    width: float
    height: float
    label_y: float


def share_chart(years: list[money.YearFinance]) -> dict:
    """Bars of the public share of each year's income, 0 to 100%, in SVG coordinates."""
    shown = [y for y in years if y.public_share is not None]
    if not shown:
        return {"bars": [], "width": CHART_W, "height": CHART_H + PAD}
    slot = (CHART_W - PAD) / len(shown)
    bars = []
    for i, y in enumerate(shown):
        height = round(float(y.public_share) * CHART_H, 1)
        top = PAD / 2 + CHART_H - height
        bars.append(Bar(y.year, y.public_share, round(PAD + i * slot + slot * 0.15, 1), round(top, 1),
                        round(slot * 0.7, 1), height, round(top - 4, 1)))
    return {"bars": bars, "width": CHART_W, "height": CHART_H + PAD * 2, "base": PAD / 2 + CHART_H,
            "half": PAD / 2 + CHART_H / 2, "top": PAD / 2, "axis_x": PAD, "label_y": CHART_H + PAD * 1.5}


def centre_page(user, centre: Centre) -> dict:
    today = timezone.localdate()
    firm = policy.firm_of(user)
    books = policy.sees_centre_books(user, centre)
    publications = list(Publication.objects.filter(service__centre=centre).select_related("service")[:20])
    context = {
        "centre": centre, "currency": centre.currency, "books": books,
        "catalogue": list(centre.catalogue.filter(active=True)),
        "fees": list(centre.fees.all()),
        "publications": [(p, policy.can_download(user, p)) for p in publications],
        "exchange": list(policy.visible_exchange(user).filter(centre=centre, closed_on__isnull=True)
                         .select_related("enterprise")[:50]),
        "can_run": policy.can_run_centre(user, centre), "firm": firm,
        "may_book": policy.can_run_centre(user, centre) or firm is not None,
    }
    if firm:
        context["my_subscription"] = Subscription.objects.filter(
            Subscription.current_q(today), centre=centre, enterprise_id=firm).first()
        context["my_bookings"] = list(policy.visible_bookings(user).filter(equipment__centre=centre)
                                      .select_related("equipment").order_by("-starts_at")[:20])
        context["my_usage"] = list(policy.visible_usage(user).filter(centre=centre)
                                   .select_related("service", "publication")[:20])
    if books:
        context["members"] = list(Subscription.objects.filter(Subscription.current_q(today), centre=centre)
                                  .select_related("enterprise").order_by("enterprise__legal_name"))
        context["bookings"] = list(policy.visible_bookings(user).filter(equipment__centre=centre,
                                                                        ends_at__gte=timezone.now())
                                   .select_related("equipment", "enterprise").order_by("starts_at")[:50])
        context["usage"] = list(policy.visible_usage(user).filter(centre=centre)
                                .select_related("service", "enterprise", "user")[:30])
        context["income"] = money.income(centre)
    return context


def finance_page(centre: Centre) -> dict:
    years = money.finance_by_year(centre)
    return {"centre": centre, "currency": centre.currency, "years": years, "chart": share_chart(years)}
