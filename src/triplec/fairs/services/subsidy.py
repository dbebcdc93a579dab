"""A participation's subsidy, evaluated rule by rule, and the rules explained to the firm.

The programme's rules, in this order:
1. the share of the exhibition cost for the firm's size class (e.g. 50% for micro and small firms);
2. plus the extra share when the firm is at a group stand at a distant or international fair; a fair
   is distant when the great-circle distance from the association's place (its register record's
   coordinates, else the firm's) to the fair is at least the programme's `distant_km`, where both
   have coordinates and the programme sets a threshold; otherwise the fair's own `distant` flag;
3. less `repeat_step` for each earlier participation of the firm the programme subsidised (at fairs
   that started before this one), never below 0;
4. the share of the cost, in cents;
5. no more than what is left of the firm's yearly cap (the year the fair starts), counting the
   subsidies the ledger shows the firm received that year.
A firm that asked for no subsidy pays its own way.

The evaluation keeps its steps as data (`Step`); `explain` writes them in the reader's language with
money and shares in the reader's locale, so the same record reads right in English, Portuguese or
Spanish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from triplec.core.money_format import format_money
from triplec.mapping.points import haversine_km
from triplec.registry.models import SizeClass

from ..models import Participation
from .common import ZERO, cents, share_text

ONE = Decimal(1)


@dataclass
class Evaluation:
    amount: Decimal
    share: Decimal
    steps: list[dict] = field(default_factory=list)

    def as_json(self) -> list[dict]:
        return [{k: str(v) if isinstance(v, Decimal) else v for k, v in step.items()} for step in self.steps]


def earlier_subsidised(participation: Participation) -> int:
    """The firm's participations in the same programme, at fairs that started earlier, that the
    programme subsidised (paid, with a subsidy above zero)."""
    return Participation.objects.filter(
        enterprise_id=participation.enterprise_id, fair__programme_id=participation.fair.programme_id,
        fair__starts_on__lt=participation.fair.starts_on, transaction__isnull=False, subsidy__gt=0).count()


def home_place(participation: Participation) -> tuple[str, tuple[float, float]] | None:
    """Where the firm travels from: its group stand's association's place (the association's register
    record), else the firm's own (at a network's stand, its own); ("association" or "firm", (latitude,
    longitude)) or None."""
    places = [("firm", participation.enterprise)]
    association = participation.stand.association if participation.stand_id else None
    if association is not None and association.enterprise_id:
        places.insert(0, ("association", association.enterprise))
    for whose, place in places:
        if place.latitude is not None and place.longitude is not None:
            return whose, (place.latitude, place.longitude)
    return None


def home_coordinates(participation: Participation) -> tuple[float, float] | None:
    home = home_place(participation)
    return home[1] if home else None


def distance_km(participation: Participation) -> float | None:
    """Great-circle km from the firm's (or its association's) place to the fair; None without coordinates."""
    home, fair = home_coordinates(participation), participation.fair.coordinates
    if home is None or fair is None:
        return None
    return float(haversine_km(home[1], home[0], fair[1], fair[0]))


def is_distant(participation: Participation) -> tuple[bool, float | None]:
    """Whether the fair is distant for this participation, and the km it was decided on (None: the
    fair's stated flag decided, as coordinates or the programme's threshold are missing)."""
    threshold = participation.fair.programme.distant_km
    km = distance_km(participation) if threshold is not None else None
    if km is None:
        return participation.fair.distant, None
    return km >= threshold, km


def distance_note(participation: Participation) -> str | None:
    """How "distant" was decided for a firm at a group stand, in the reader's language (None alone:
    distance plays no part in a firm's own stand)."""
    if not participation.stand_id:
        return None
    distant, km = is_distant(participation)
    if km is None:
        return (_("The distance was not computed (the programme sets no threshold in km, or a place has no "
                  "coordinates): the fair is marked distant.") if distant else
                _("The distance was not computed (the programme sets no threshold in km, or a place has no "
                  "coordinates): the fair is not marked distant."))
    home = _("the association's place") if home_place(participation)[0] == "association" else _("the firm's place")
    facts = {"km": number_format(round(km), force_grouping=True), "home": home,
             "threshold": number_format(participation.fair.programme.distant_km, force_grouping=True)}
    if distant:
        return _("%(km)s km from %(home)s to the fair; the programme counts %(threshold)s km or more as distant, "
                 "so the fair is distant for this group stand.") % facts
    return _("%(km)s km from %(home)s to the fair; the programme counts %(threshold)s km or more as distant, "
             "so the fair is not distant for this group stand.") % facts


@dataclass(frozen=True)
class Case:
    """What the rules look at in one participation (a real one, or an example of the rules' preview)."""

    size: str
    cost: Decimal
    year: int
    at_stand: bool = False
    international: bool = False
    distant: bool = False
    km: float | None = None
    earlier: int = 0
    requested: bool = True


def evaluate(participation: Participation, *, used_this_year: Decimal, earlier: int | None = None) -> Evaluation:
    """The subsidy for `participation` given what the firm already received this year (`used_this_year`,
    read from the ledger by the caller) and its earlier subsidised participations."""
    fair = participation.fair
    distant, km = is_distant(participation) if participation.stand_id else (False, None)
    case = Case(size=participation.enterprise.size_class, cost=participation.cost, year=fair.starts_on.year,
                at_stand=bool(participation.stand_id), international=fair.scope == "international",
                distant=distant, km=km, requested=participation.subsidy_requested,
                earlier=earlier_subsidised(participation) if earlier is None else earlier)
    return apply_rules(fair.programme, case, used_this_year=used_this_year)


def apply_rules(programme, case: Case, *, used_this_year: Decimal) -> Evaluation:
    """The programme's rules applied to one case, step by step (see the module's docstring)."""
    cost = case.cost
    if not case.requested:
        return Evaluation(ZERO, ZERO, [{"rule": "declined", "cost": cost}])
    share = programme.share_for(case.size)
    steps = [{"rule": "size", "size": str(case.size), "share": share}]
    if case.at_stand and programme.group_extra_share and (case.international or case.distant):
        share += programme.group_extra_share
        step = {"rule": "group", "international": case.international, "share": programme.group_extra_share}
        if case.km is not None and not case.international:
            step["km"] = round(case.km)
        steps.append(step)
    if case.earlier and programme.repeat_step:
        cut = min(share, programme.repeat_step * case.earlier)
        share -= cut
        steps.append({"rule": "repeat", "earlier": case.earlier, "step": programme.repeat_step, "cut": cut})
    share = min(max(share, ZERO), ONE)
    amount = cents(cost * share)
    steps.append({"rule": "amount", "cost": cost, "share": share, "amount": amount})
    if programme.yearly_cap is not None:
        room = max(programme.yearly_cap - used_this_year, ZERO)
        capped = min(amount, room)
        steps.append({"rule": "cap", "cap": programme.yearly_cap, "used": used_this_year, "room": room,
                      "amount": capped, "year": case.year})
        amount = capped
    steps.append({"rule": "result", "subsidy": amount, "own": cost - amount})
    return Evaluation(amount, share, steps)


def preview(programme, cost: Decimal, year: int) -> list[tuple[str, list[str]]]:
    """The rules explained on examples, for the agency setting them up: (example, sentences) pairs."""
    examples = [
        (_("A small firm alone, first time"), Case(size=SizeClass.SMALL, cost=cost, year=year)),
        (_("A micro firm at a group stand at an international fair"),
         Case(size=SizeClass.MICRO, cost=cost, year=year, at_stand=True, international=True)),
        (_("The same firm the second time"),
         Case(size=SizeClass.MICRO, cost=cost, year=year, at_stand=True, international=True, earlier=1)),
    ]
    return [(str(title), explain(_plain(apply_rules(programme, case, used_this_year=ZERO).steps),
                                 programme.currency)) for title, case in examples]


def _plain(steps: list[dict]) -> list[dict]:
    return [{k: str(v) if isinstance(v, Decimal) else v for k, v in step.items()} for step in steps]


def _size_label(code: str) -> str:
    try:
        return str(SizeClass(code).label)
    except ValueError:
        return code


def explain(steps: list[dict], currency: str) -> list[str]:
    """The evaluation's steps as sentences in the active language."""
    def money(value) -> str:
        return format_money(Decimal(str(value)), currency)

    lines = []
    for step in steps:
        rule = step["rule"]
        if rule == "declined":
            lines.append(_("The firm asked for no subsidy: it pays the whole exhibition cost, %(cost)s.")
                         % {"cost": money(step["cost"])})
        elif rule == "size":
            lines.append(_("Size class %(size)s: the programme pays %(share)s of the exhibition cost.")
                         % {"size": _size_label(step["size"]), "share": share_text(step["share"])})
        elif rule == "group" and step.get("km") is not None:
            lines.append(_("Group stand at a distant fair (%(km)s km away): %(share)s more.")
                         % {"km": number_format(step["km"], force_grouping=True), "share": share_text(step["share"])})
        elif rule == "group":
            where = _("an international fair") if step["international"] else _("a distant fair")
            lines.append(_("Group stand at %(where)s: %(share)s more.") % {"where": where, "share": share_text(step["share"])})
        elif rule == "repeat":
            lines.append(_("%(count)s earlier subsidised participation(s): %(cut)s less (%(step)s each).")
                         % {"count": step["earlier"], "cut": share_text(step["cut"]), "step": share_text(step["step"])})
        elif rule == "amount":
            lines.append(_("%(share)s of %(cost)s is %(amount)s.") % {
                "share": share_text(step["share"]), "cost": money(step["cost"]), "amount": money(step["amount"])})
        elif rule == "cap":
            lines.append(_("Yearly cap %(cap)s; already received in %(year)s: %(used)s; left: %(room)s.") % {
                "cap": money(step["cap"]), "year": step["year"], "used": money(step["used"]),
                "room": money(step["room"])})
        elif rule == "result":
            lines.append(_("The programme pays %(subsidy)s; the firm pays %(own)s.")
                         % {"subsidy": money(step["subsidy"]), "own": money(step["own"])})
    return lines
