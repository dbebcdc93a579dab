"""Reads that only the network pages need, on top of `selectors` (which the API shares).

Nothing here decides a rule: scoping comes from the policies (visible_*), figures from
`selectors`, `funding`, `evaluations` and `independence`. These functions shape them for a page:
choices for the forms, the firms a broker may add, the list's sort order and overdue flags, the
stage stepper, the member-share bars, the broker's panel on the main dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from triplec.accounts import policy as accounts_policy
from triplec.accounts.models import User
from triplec.accounts.roles import Role
from triplec.core.money_format import format_share
from triplec.registry import policy as registry_policy
from triplec.registry.models import BUYER_KINDS, Enterprise, Territory
from triplec.registry.search import identifier_q
from triplec.registry.selectors import territory_descendant_ids

from . import funding, selectors
from .models import ContributionEntry, CostEntry, Network, NetworkKind, Stage, active_members_q
from .services import SUPPORT_BODY_KINDS

CANDIDATES_SHOWN = 25


# Choices for the forms ------------------------------------------------------------------------------

def buyer_organisations(user) -> QuerySet:
    """Buyers (large firms, public purchasers, agents, retailers) the user may name as a target."""
    return registry_policy.visible_organisations(user).filter(kind__in=BUYER_KINDS).order_by("name")


def support_bodies(user) -> QuerySet:
    """Bodies a support contact can name: agencies, service centres and associations."""
    return registry_policy.visible_organisations(user).filter(kind__in=SUPPORT_BODY_KINDS).order_by("name")


def broker_users() -> QuerySet:
    """Users who can be a network's broker or manager (the service checks the same)."""
    return User.objects.filter(role=Role.BROKER, is_active=True).order_by("first_name", "last_name", "username")


def stage_choices() -> list[tuple[str, str]]:
    """Distinct stage codes with a name, in lifecycle order (kinds sharing a lifecycle share codes)."""
    seen: dict[str, str] = {}
    for code, name in (Stage.objects.filter(kind__active=True).order_by("kind__lifecycle", "order", "kind__name")
                       .values_list("code", "name")):
        seen.setdefault(code, name)
    return [(code, gettext(name)) for code, name in seen.items()]


def members_on(network: Network, on: date | None = None) -> list[Enterprise]:
    """Enterprises that are members on `on` (default today), by name."""
    ids = network.members.filter(active_members_q(on or date.today())).values("enterprise_id")
    return list(Enterprise.objects.filter(pk__in=ids).order_by("legal_name", "pk"))


def members_ever(network: Network) -> list[Enterprise]:
    """Every enterprise that has been a member (contributions may come from a firm that left)."""
    ids = network.members.values("enterprise_id")
    return list(Enterprise.objects.filter(pk__in=ids).order_by("legal_name", "pk"))


# Firms a manager may add --------------------------------------------------------------------------------

@dataclass
class Candidates:
    firms: list[Enterprise]
    find: str
    suggested: bool     # True: no search words, firms of the network's sectors/territory are suggested
    more: bool          # more matches than shown


def candidate_firms(user, network: Network, find: str = "", limit: int = CANDIDATES_SHOWN) -> Candidates:
    """Register firms the user can see that are not current members: matching `find` (words in the
    name, or the national identifier, or #register-number), or, without words, suggestions from the
    network's sector codes and territory."""
    current = network.members.filter(active_members_q(date.today())).values("enterprise_id")
    qs = registry_policy.visible_enterprises(user).exclude(pk__in=current).select_related("territory")
    find = (find or "").strip()
    suggested = not find
    if find:
        number = find.lstrip("#")
        if number.isdigit() and find.startswith("#"):
            qs = qs.filter(pk=int(number))
        else:
            exact = identifier_q(find)
            words = Q()
            for word in find.split():
                words &= Q(legal_name__icontains=word) | Q(trade_name__icontains=word)
            qs = qs.filter(exact | words)
    else:
        codes = [s.get("code", "") for s in network.sectors or [] if s.get("code")]
        if not codes and not network.territory_id:
            return Candidates([], find, True, False)
        if codes:
            by_code = Q()
            for code in codes:
                by_code |= Q(sector_code__startswith=code)
            qs = qs.filter(by_code)
        if network.territory_id:
            qs = qs.filter(territory_id__in=territory_descendant_ids(network.territory_id))
    rows = list(qs.order_by("legal_name", "pk")[: limit + 1])
    return Candidates(rows[:limit], find, suggested, len(rows) > limit)


# The network list -----------------------------------------------------------------------------------

SORTS = {
    "name": ("name", "id"),
    "kind": ("kind__name", "name", "id"),
    "stage": ("stage__order", "name", "id"),
    "members": ("member_count", "name", "id"),
    "since": ("stage_since", "name", "id"),
    "started": ("started_on", "name", "id"),
    "broker": ("broker__username", "name", "id"),
}


def sort_networks(qs: QuerySet, key: str) -> QuerySet:
    """Order the filtered list by one of SORTS ("-key" descending); unknown keys sort by name."""
    descending = key.startswith("-")
    fields = SORTS.get(key.lstrip("-"), SORTS["name"])
    if descending:
        fields = tuple(f"-{f}" for f in fields)
    return qs.order_by(*fields)


@dataclass(frozen=True)
class DueCount:
    overdue: int = 0
    due: int = 0


def due_counts(user, on: date | None = None, within_days: int = 30) -> dict[int, DueCount]:
    """network id -> evaluations overdue / due within `within_days`, as the user may see them."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for d in selectors.due_evaluations(user, on=on, within_days=within_days):
        counts[d.network_id][0 if d.overdue else 1] += 1
    return {k: DueCount(*v) for k, v in counts.items()}


def territory_name(territory_id: int | None) -> str:
    territory = Territory.objects.filter(pk=territory_id).first()
    return territory.display_name if territory else ""


# The network page ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    stage: Stage
    state: str  # "done", "current" or "next"


def stage_steps(network: Network) -> list[Step]:
    """The kind's open stages in order, marked done / current / next (a closed network shows the
    stage it was closed from as current)."""
    stages = list(network.kind.stages.filter(is_closed=False).order_by("order"))
    current = network.stage
    if current.is_closed:
        last = network.transitions.filter(to_stage=current).order_by("-recorded_at", "-id").first()
        current = last.from_stage if last is not None and last.from_stage is not None else stages[0]
    return [Step(s, "done" if s.order < current.order else "current" if s.pk == current.pk else "next")
            for s in stages]


def reversed_entry_ids(model, network: Network) -> set[int]:
    """Ids of ledger entries that a reversal cancels (shown struck through, no second reversal)."""
    assert model in (CostEntry, ContributionEntry)
    return set(model.objects.filter(network=network, reverses__isnull=False).values_list("reverses_id", flat=True))


@dataclass(frozen=True)
class ShareBar:
    """A network year's figures (the `funding.Shares` of that year) drawn as a bar."""

    year: int
    shares: funding.Shares
    width: float            # bar width in percent, capped at 100

    @property
    def start(self) -> date:
        return self.shares.start

    @property
    def end(self) -> date:
        return self.shares.end

    @property
    def expenses(self) -> Decimal:
        return self.shares.expenses

    @property
    def contributions(self) -> Decimal:
        return self.shares.contributions

    @property
    def percent(self) -> str:
        return format_share(self.shares.member_share)

    @property
    def majority(self) -> bool:
        """More than half paid by the members (Dini's third criterion, strictly)."""
        return self.shares.members_pay_majority


def share_bars(overview: selectors.MoneyOverview) -> list[ShareBar]:
    """One bar per network year: the share of the year's expenses the members paid."""
    out = []
    for year, s in overview.by_year:
        width = 0.0 if s.member_share is None else float(min(Decimal(1), max(Decimal(0), s.member_share))) * 100
        out.append(ShareBar(year, s, round(width, 1)))
    return out


# The broker's dashboard -------------------------------------------------------------------------------

def manages_networks(user) -> bool:
    """Whether the main dashboard shows a "My networks" panel: brokers and network managers."""
    return accounts_policy.role_of(user) == Role.BROKER


@dataclass
class Panel:
    rows: list[selectors.DashboardRow]
    overdue: int
    recent: list


def networks_panel(user, limit: int = 8) -> Panel | None:
    """The broker's networks for the main dashboard (None for other roles)."""
    if not manages_networks(user):
        return None
    rows = selectors.broker_dashboard(user)
    rows.sort(key=lambda r: (-r.overdue_evaluations, r.network.name))
    return Panel(rows[:limit], sum(r.overdue_evaluations for r in rows), list(selectors.recent_activities(user, 5)))


def kinds_by_code() -> dict[str, NetworkKind]:
    return {k.code: k for k in selectors.kinds()}
