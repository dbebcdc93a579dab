"""The subcontracting exchange: firms post spare capacity and needs; for a need, the open capacity
posts are proposed by product or process, distance and capacity, each with its reasons.

Score (0 to 1) = 0.5 x process + 0.3 x distance + 0.2 x capacity, where
- process: 1 for the same code, 0.6 when one code is a kind of the other ('sewing.leather' and
  'sewing'), and no match otherwise;
- distance: 1 - km / MAX_KM between the two places (register coordinates unless the post gives its
  own), 0 beyond MAX_KM; 0.5 when a place is unknown;
- capacity: the share of the needed quantity the capacity covers (at most 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.records import save_validated

from .. import policy
from ..models import Centre, ExchangePost
from .common import refuse, today

MAX_KM = 300.0
EARTH_KM = 6371.0088


def post(user, centre: Centre, enterprise, *, kind: str, code: str, quantity: int, unit: str = "units",
         description: str = "", latitude=None, longitude=None, on: date | None = None) -> ExchangePost:
    require(policy.can_post_on_exchange, user, centre, enterprise)
    code = code.strip().lower()
    if not code:
        refuse("code", _("Give the product or process code."))
    entry = ExchangePost(centre=centre, enterprise=enterprise, kind=kind, code=code, quantity=quantity,
                         unit=unit.strip() or "units", description=description.strip(), latitude=latitude,
                         longitude=longitude, posted_on=today(on))
    save_validated(entry, user)
    return entry


def close(user, entry: ExchangePost, on: date | None = None) -> ExchangePost:
    require(policy.can_post_on_exchange, user, entry.centre, entry.enterprise)
    with transaction.atomic():
        if entry.closed_on is None:
            entry.closed_on = today(on)
            entry.save(update_fields=["closed_on"])
    return entry


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def process_fit(need: str, offer: str) -> float:
    if need == offer:
        return 1.0
    if need.startswith(offer + ".") or offer.startswith(need + "."):
        return 0.6
    return 0.0


@dataclass
class Match:
    need: ExchangePost
    offer: ExchangePost
    score: float
    km: float | None
    reasons: list[str] = field(default_factory=list)


def explain(need: ExchangePost, offer: ExchangePost) -> Match | None:
    """The match of one capacity post with a need, with its reasons; None if the process does not fit."""
    fit = process_fit(need.code, offer.code)
    if not fit or offer.enterprise_id == need.enterprise_id:
        return None
    reasons = [_("Same product or process (%(code)s).") % {"code": offer.code} if fit == 1 else
               _("Related product or process: %(offer)s for %(need)s.") % {"offer": offer.code, "need": need.code}]
    a, b = need.place, offer.place
    if a is None or b is None:
        km, near = None, 0.5
        reasons.append(_("Distance unknown: a place is missing in the register."))
    else:
        km = km_between(a, b)
        near = max(0.0, 1 - km / MAX_KM)
        reasons.append(_("%(km)s km apart.") % {"km": f"{km:.0f}"})
    covered = min(1.0, offer.quantity / need.quantity)
    reasons.append(_("Capacity %(offer)s of %(need)s %(unit)s a month (%(share)s%% of the need).")
                   % {"offer": offer.quantity, "need": need.quantity, "unit": need.unit,
                      "share": f"{covered * 100:.0f}"})
    score = round(0.5 * fit + 0.3 * near + 0.2 * covered, 4)
    return Match(need, offer, score, km, reasons)


def matches_for(user, need: ExchangePost, on: date | None = None) -> list[Match]:
    """Open capacity posts of the need's centre that fit it, best first (then nearest)."""
    if need.kind != ExchangePost.Kind.NEED:
        refuse("need", _("Matches are proposed for a subcontracting need."))
    offers = (policy.visible_exchange(user).filter(centre=need.centre, kind=ExchangePost.Kind.CAPACITY,
                                                   closed_on__isnull=True, posted_on__lte=today(on))
              .select_related("enterprise"))
    found = [m for m in (explain(need, offer) for offer in offers) if m is not None]
    return sorted(found, key=lambda m: (-m.score, m.km if m.km is not None else math.inf, m.offer.pk))
