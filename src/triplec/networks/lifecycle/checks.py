"""The checks a gate requirement can name: conditions (met or not) and counts (a number to reach),
each read from a network's records on a date, with the basis in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from triplec.core.money_format import format_money, format_share

from ..models import COLLECTIVE_BUSINESS_KINDS, Activity, Network, NetworkMember, active_members_q


@dataclass(frozen=True)
class Check:
    """A predicate (condition) or a number (count) read from a network's records on a date."""

    description: str
    func: Any  # (network, on: date, minimum: int | None) -> (bool | int, basis: str)


def _target_market(network: Network, on: date, minimum) -> tuple[bool, str]:
    buyers = [o.name for o in network.target_buyers.order_by("name")]
    if buyers:
        return True, _("Named buyers: %(names)s.") % {"names": ", ".join(buyers)}
    if network.has_described_market:
        return True, _("Described market: %(product)s; volume %(volume)s; quality %(quality)s.") % {
            "product": network.market_product, "volume": network.market_volume, "quality": network.market_quality}
    partial = [label for label, value in ((_("product"), network.market_product), (_("volume"), network.market_volume),
                                          (_("quality"), network.market_quality)) if not value.strip()]
    if len(partial) < 3:
        return False, _("No named buyer, and the described market lacks its %(parts)s.") % {
            "parts": _(" and ").join(partial)}
    return False, _("No named buyer and no described market.")


def _named_buyer(network: Network, on: date, minimum) -> tuple[bool, str]:
    buyers = [o.name for o in network.target_buyers.order_by("name")]
    if buyers:
        return True, _("Named buyers: %(names)s.") % {"names": ", ".join(buyers)}
    return False, _("No named buyer.")


def _goals(network: Network, on: date, minimum) -> tuple[bool, str]:
    short, medium = not network.short_term_goals.strip(), not network.medium_term_goals.strip()
    if short and medium:
        return False, _("No short-term or medium-term goals written down.")
    if short:
        return False, _("No short-term goals written down.")
    if medium:
        return False, _("No medium-term goals written down.")
    return True, _("Short- and medium-term goals written down.")


def _basis(network: Network, on: date, minimum) -> tuple[bool, str]:
    if network.basis_for_collaboration.strip():
        return True, _("Basis for collaboration: %(text)s") % {"text": network.basis_for_collaboration.strip()[:200]}
    return False, _("No basis for collaboration written down.")


def _manager(network: Network, on: date, minimum) -> tuple[bool, str]:
    if network.broker_id and network.broker.is_active:
        return True, _("Manager: %(name)s.") % {"name": network.broker.get_full_name() or network.broker.username}
    return False, _("No manager appointed.")


def _independence_score(network: Network, on: date, minimum) -> tuple[bool, str]:
    from ..independence import evaluate_assessment

    needed = minimum if minimum is not None else 6
    latest = network.assessments.filter(assessed_on__lte=on).order_by("-assessed_on", "-id").first()
    if latest is None:
        return False, _("No independence assessment yet.")
    result = evaluate_assessment(latest)
    return result.met_count >= needed, _("Assessment of %(day)s: %(met)s of 12 criteria met (%(needed)s needed).") % {
        "day": latest.assessed_on, "met": result.met_count, "needed": needed}


def _members_pay_majority(network: Network, on: date, minimum) -> tuple[bool, str]:
    from triplec.core.months import window_start

    from ..funding import shares

    s = shares(network, window_start(on, 12), on)
    if s.member_share is None:
        return False, _("No expenses recorded in the last 12 months.")
    return s.members_pay_majority, _("Members paid %(paid)s of %(expenses)s of expenses (%(share)s) in the 12 months "
                                     "to %(day)s.") % {"paid": format_money(s.contributions, s.currency),
                                                        "expenses": format_money(s.expenses, s.currency),
                                                        "share": format_share(s.member_share, places=1), "day": on}


def _members(network: Network, on: date, minimum) -> tuple[int, str]:
    n = NetworkMember.objects.filter(active_members_q(on), network=network).count()
    return n, _("%(n)s member firms on %(day)s.") % {"n": n, "day": on}


def _activities(network: Network, on: date, minimum) -> tuple[int, str]:
    n = Activity.objects.filter(network=network, occurred_on__lte=on).count()
    return n, _("%(n)s activities logged.") % {"n": n}


def _collective_activities(network: Network, on: date, minimum) -> tuple[int, str]:
    n = Activity.objects.filter(network=network, occurred_on__lte=on, kind__in=COLLECTIVE_BUSINESS_KINDS).count()
    return n, _("%(n)s collective business activities logged.") % {"n": n}


def _evaluations_per_member(network: Network, on: date, minimum) -> tuple[int, str]:
    from django.db.models import Count, Q

    from triplec.registry.models import Enterprise

    members = NetworkMember.objects.filter(active_members_q(on), network=network).values("enterprise_id")
    counts = list(Enterprise.objects.filter(pk__in=members).annotate(n=Count(
        "network_evaluations", filter=Q(network_evaluations__network=network,
                                        network_evaluations__evaluated_on__lte=on))).values_list("n", flat=True))
    if not counts:
        return 0, _("No member firms.")
    least = min(counts)
    short = sum(1 for c in counts if minimum is not None and c < minimum)
    if short:
        return least, _("Fewest evaluations of a member firm: %(least)s (%(short)s of %(firms)s firms below "
                        "%(minimum)s).") % {"least": least, "short": short, "firms": len(counts), "minimum": minimum}
    return least, _("Fewest evaluations of a member firm: %(least)s.") % {"least": least}


CONDITION_CHECKS: dict[str, Check] = {
    "target-market": Check("A named buyer or a described market (product, volume, quality).", _target_market),
    "named-buyer": Check("At least one named buyer.", _named_buyer),
    "goals": Check("Short- and medium-term goals written down.", _goals),
    "basis-for-collaboration": Check("A basis for collaboration written down.", _basis),
    "manager": Check("A broker/manager is assigned.", _manager),
    "independence-score": Check("The latest independence assessment meets at least `minimum` criteria.",
                                _independence_score),
    "members-pay-majority": Check("Members paid more than half of the expenses in the last 12 months.",
                                  _members_pay_majority),
}

COUNT_SOURCES: dict[str, Check] = {
    "members": Check("Member firms on the date.", _members),
    "activities": Check("Activities logged.", _activities),
    "collective-activities": Check("Joint purchases, joint marketing and joint projects logged.",
                                   _collective_activities),
    "evaluations-per-member": Check("The fewest evaluations of any current member firm.", _evaluations_per_member),
    "evidence": Check("A number given as evidence.", None),
}
