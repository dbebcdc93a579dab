"""Reads about networks, always scoped by `networks.policy` (visible_networks, visible_contributions,
visible_evaluations). The pages, the broker's dashboard and the API call these.

Objects passed in (a `network`) are assumed to come from `services.get_network(user, pk)` or from
`filter_networks(user, ...)`, i.e. already visible to the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from triplec.accounts import policy as accounts_policy
from triplec.accounts.roles import Role
from triplec.registry import policy as registry_policy
from triplec.registry.selectors import territory_descendant_ids

from . import evaluations as evaluation_rules
from . import funding, independence, lifecycle, policy
from .models import (
    COLLECTIVE_BUSINESS_KINDS,
    Activity,
    ActivityKind,
    Attendance,
    CostEntry,
    EvaluationArea,
    Network,
    NetworkKind,
    NetworkMember,
    Stage,
    active_members_q,
)


@dataclass
class NetworkFilter:
    kind: str = ""                # a kind code
    stage: str = ""               # a stage code (in any kind that has it)
    broker: int | None = None     # a user id
    territory: int | None = None  # a territory id: it and everything below it
    overdue: bool | None = None   # True: only networks with an overdue evaluation; False: only without
    member: int | None = None     # an enterprise id: networks it is a member of today
    q: str = ""                   # words in the name


def filter_networks(user, f: NetworkFilter | None = None, on: date | None = None) -> QuerySet:
    """Networks the user may see, filtered, with `member_count` (members on `on`, default today)."""
    f = f or NetworkFilter()
    on = on or date.today()
    qs = policy.visible_networks(user).select_related("kind", "stage", "territory", "broker", "lead_firm")
    if f.kind:
        qs = qs.filter(kind__code=f.kind)
    if f.stage:
        qs = qs.filter(stage__code=f.stage)
    if f.broker is not None:
        qs = qs.filter(broker_id=f.broker)
    if f.territory:
        qs = qs.filter(territory_id__in=territory_descendant_ids(f.territory))
    if f.member is not None:
        qs = qs.filter(pk__in=NetworkMember.objects.filter(active_members_q(on), enterprise_id=f.member)
                       .values("network_id"))
    for word in f.q.split():
        qs = qs.filter(name__icontains=word)
    if f.overdue is not None:
        late = evaluation_rules.networks_with_overdue(list(qs.filter(stage__evaluations_due=True)), on)
        qs = qs.filter(pk__in=late) if f.overdue else qs.exclude(pk__in=late)
    qs = qs.annotate(member_count=Count("members", filter=active_members_q(on, "members__"), distinct=True))
    return qs.order_by("name", "id")


def kinds() -> QuerySet:
    return NetworkKind.objects.filter(active=True).select_related("funding_schedule").order_by("name")


def stages_of(kind: NetworkKind) -> list[Stage]:
    return list(kind.stages.order_by("order"))


# Size guidance -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SizeGuidance:
    members: int
    size_min: int | None
    size_max: int | None

    @property
    def warning(self) -> str | None:
        """A sentence for the page when the network is outside its kind's usual size, else None."""
        lo, hi = self.size_min, self.size_max
        if lo is None and hi is None:
            return None
        if lo is not None and hi is not None:
            usual = f"{lo}-{hi}"
        else:
            usual = _("at least %(n)s") % {"n": lo} if lo is not None else _("at most %(n)s") % {"n": hi}
        if (lo is not None and self.members < lo) or (hi is not None and self.members > hi):
            return _("%(n)s member firms: this kind of network usually has %(usual)s firms.") % {
                "n": self.members, "usual": usual}
        return None


def size_guidance(network: Network, on: date | None = None) -> SizeGuidance:
    n = NetworkMember.objects.filter(active_members_q(on or date.today()), network=network).count()
    return SizeGuidance(n, network.kind.size_min, network.kind.size_max)


# Members and market ----------------------------------------------------------------------------------

def members(network: Network, on: date | None = None) -> tuple[list[NetworkMember], list[NetworkMember]]:
    """(current members, former and future members) with their enterprises."""
    on = on or date.today()
    rows = list(network.members.select_related("enterprise").order_by("enterprise__legal_name", "joined_on"))
    current = [m for m in rows if m.is_active_on(on)]
    return current, [m for m in rows if not m.is_active_on(on)]


def target_buyers(network: Network) -> list:
    return list(network.target_buyers.order_by("name"))


# Lifecycle -------------------------------------------------------------------------------------------

def next_gate_checklist(network: Network, on: date | None = None) -> lifecycle.Checklist | None:
    """The gate out of the current stage with each requirement's status and basis (None at the end)."""
    return lifecycle.checklist(network, on=on)


def stage_history(network: Network):
    return lifecycle.history(network)


def evidence(network: Network, include_withdrawn: bool = False) -> QuerySet:
    qs = network.evidence.select_related("requirement__gate", "added_by")
    return qs if include_withdrawn else qs.filter(withdrawn_at__isnull=True)


def reachable_stages(user, network: Network) -> dict[str, list[Stage]]:
    """What the user may attempt from here: {"forward": [next stage], "back": [...], "close": [...],
    "reopen": [...]} (empty lists when not allowed). The gate's checklist still applies forward."""
    out: dict[str, list[Stage]] = {"forward": [], "back": [], "close": [], "reopen": []}
    if not policy.can_change_stage(user, network):
        return out
    stage = network.stage
    if stage.is_closed:
        last = network.transitions.filter(to_stage=stage).order_by("-recorded_at", "-id").first()
        if last is not None and last.from_stage is not None:
            out["reopen"] = [last.from_stage]
        return out
    gate = lifecycle.next_gate(network)
    if gate is not None and policy.can_pass_gate(user, network, gate):
        out["forward"] = [gate.to_stage]
    out["back"] = list(network.kind.stages.filter(is_closed=False, order__lt=stage.order).order_by("order"))
    out["close"] = list(network.kind.stages.filter(is_closed=True))
    return out


# Activities ----------------------------------------------------------------------------------------

def activities(network: Network) -> QuerySet:
    return (network.activities.select_related("support_body", "host_enterprise", "recorded_by")
            .prefetch_related(Prefetch("attendance", queryset=Attendance.objects.select_related("enterprise")))
            .order_by("-occurred_on", "-id"))


@dataclass(frozen=True)
class ActivitySummary:
    by_kind: dict[str, int]
    broker_hours: object  # Decimal
    collective_business: int
    support_contacts: list[tuple[str, str]]  # (body, service)
    attendance_by_firm: dict[int, int]       # enterprise id -> activities attended


def activity_summary(network: Network, start: date | None = None, end: date | None = None) -> ActivitySummary:
    qs = Activity.objects.filter(network=network)
    if start:
        qs = qs.filter(occurred_on__gte=start)
    if end:
        qs = qs.filter(occurred_on__lte=end)
    by_kind = {row["kind"]: row["n"] for row in qs.values("kind").annotate(n=Count("id")).order_by("kind")}
    hours = qs.aggregate(h=Sum("broker_hours"))["h"] or 0
    contacts = list(qs.filter(kind=ActivityKind.SUPPORT_CONTACT).values_list("support_body__name", "service_taken_up")
                    .order_by("occurred_on"))
    attendance = {row["enterprise_id"]: row["n"] for row in
                  Attendance.objects.filter(activity__in=qs).values("enterprise_id").annotate(n=Count("id"))
                  .order_by("enterprise_id")}
    return ActivitySummary(by_kind, hours, sum(by_kind.get(k, 0) for k in COLLECTIVE_BUSINESS_KINDS), contacts,
                           attendance)


# Money -------------------------------------------------------------------------------------------------

def costs(network: Network) -> QuerySet:
    return CostEntry.objects.filter(network=network).select_related("contract", "recorded_by", "reverses").order_by(
        "incurred_on", "id")


def contributions(user, network: Network) -> QuerySet:
    """The contribution ledger entries of `network` the user may see (firm-scoped, see policy)."""
    return (policy.visible_contributions(user).filter(network=network)
            .select_related("enterprise", "recorded_by", "reverses").order_by("paid_on", "id"))


def contracts(network: Network) -> QuerySet:
    return network.contracts.select_related("manager").order_by("start_date", "id")


@dataclass(frozen=True)
class MoneyOverview:
    currency: str
    lifetime: funding.Shares
    by_year: list[tuple[int, funding.Shares]]
    schedule: object  # FundingSchedule or None


def money_overview(network: Network, through: date | None = None) -> MoneyOverview:
    """Expenses, the schedule's agency/member split, member contributions and the share of expenses
    paid by members: over the network's life and per network year (the page's "over time")."""
    return MoneyOverview(network.currency, funding.lifetime_shares(network, through),
                         funding.shares_by_year(network, through), network.schedule)


# Evaluations -------------------------------------------------------------------------------------------

def evaluation_areas() -> QuerySet:
    return EvaluationArea.objects.filter(active=True).order_by("order", "code")


def evaluations(user, network: Network) -> QuerySet:
    return (policy.visible_evaluations(user).filter(network=network).select_related("enterprise", "evaluator")
            .prefetch_related("scores__area").order_by("evaluated_on", "id"))


def firm_progress(user, network: Network, on: date | None = None) -> dict[int, dict[str, evaluation_rules.AreaProgress]]:
    """enterprise id -> area -> baseline, latest and change, for the firms whose evaluations the
    user may see."""
    allowed = set(policy.visible_evaluations(user).filter(network=network).values_list("enterprise_id", flat=True))
    return {e: p for e, p in evaluation_rules.progress_by_firm(network, on).items() if e in allowed}


def improvement(network: Network, on: date | None = None) -> dict[str, evaluation_rules.AreaImprovement]:
    """Per area: member firms, firms scored twice, firms improved (network-level counts)."""
    return evaluation_rules.improvement_by_area(network, on)


def due_evaluations(user, on: date | None = None, within_days: int = 30,
                    network: Network | None = None) -> list[evaluation_rules.DueEvaluation]:
    """Evaluations due within `within_days` of `on` (default today) and overdue ones, for the
    networks the user sees and the firms whose evaluations they may see."""
    on = on or date.today()
    qs = policy.visible_networks(user).select_related("kind", "stage").filter(stage__evaluations_due=True)
    if network is not None:
        qs = qs.filter(pk=network.pk)
    role = accounts_policy.role_of(user)
    firms = None
    if role not in policy.NETWORK_READ_ALL_ROLES and role != Role.BROKER:
        firms = set(policy.visible_evaluations(user).values_list("enterprise_id", flat=True))
        if role == Role.ENTERPRISE_USER and user.enterprise_id:
            firms.add(user.enterprise_id)
        if role == Role.ASSOCIATION_MANAGER:
            firms |= set(registry_policy.visible_enterprises(user).values_list("pk", flat=True))
    return evaluation_rules.due_for_networks(list(qs), on, within_days, firms)


# Independence --------------------------------------------------------------------------------------------

def assessments(network: Network) -> list[tuple[object, independence.AssessmentResult]]:
    """Each assessment (oldest first) with its twelve criteria evaluated from the records."""
    rows = network.assessments.select_related("assessor").prefetch_related("judgements").order_by("assessed_on", "id")
    return [(a, independence.evaluate_assessment(a)) for a in rows]


def independence_preview(network: Network, on: date | None = None, window_months: int = 12):
    """The seven computed criteria as they stand (for the assessment form)."""
    return independence.compute_criteria(network, on or date.today(), window_months)


def independence_portfolio(user, *, kinds: list[str] | None = None, on: date | None = None,
                           min_age_months: int | None = None, max_age_months: int | None = None
                           ) -> independence.Portfolio:
    """Distribution of the latest assessments across the networks the user sees (see
    `independence.portfolio`): `.at_least(4)`, `.at_least(6)`, `.distribution`, `.rows`."""
    qs = policy.visible_networks(user).select_related("kind")
    if kinds:
        qs = qs.filter(kind__code__in=kinds)
    return independence.portfolio(qs.order_by("name", "id"), on=on, min_age_months=min_age_months,
                                  max_age_months=max_age_months)


# The broker's dashboard ------------------------------------------------------------------------------

@dataclass
class DashboardRow:
    network: Network
    members: int
    size_warning: str | None
    next_gate: object | None        # Gate or None
    requirements_met: int
    requirements_total: int
    overdue_evaluations: int
    due_evaluations: int
    last_activity_on: date | None
    missing: list[str] = field(default_factory=list)  # labels of unmet requirements of the next gate


def broker_dashboard(user, on: date | None = None) -> list[DashboardRow]:
    """For each network the user manages (a broker: theirs; agency staff: all they manage), where it
    stands: size, next gate and what is missing, evaluations due/overdue, last activity."""
    on = on or date.today()
    qs = filter_networks(user, on=on).filter(stage__is_closed=False)
    if accounts_policy.role_of(user) == Role.BROKER:
        qs = qs.filter(broker_id=user.pk)
    networks = list(qs.annotate(last_activity_on=Max("activities__occurred_on")))
    due = evaluation_rules.due_for_networks(networks, on)
    rows = []
    for n in networks:
        check = lifecycle.checklist(n, on=on)
        mine = [d for d in due if d.network_id == n.pk]
        rows.append(DashboardRow(
            network=n, members=n.member_count,
            size_warning=SizeGuidance(n.member_count, n.kind.size_min, n.kind.size_max).warning,
            next_gate=check.gate if check else None,
            requirements_met=sum(1 for i in check.items if i.met) if check else 0,
            requirements_total=len(check.items) if check else 0,
            overdue_evaluations=sum(1 for d in mine if d.overdue),
            due_evaluations=sum(1 for d in mine if not d.overdue),
            last_activity_on=n.last_activity_on,
            missing=[i.requirement.label for i in check.missing] if check else []))
    return rows


def recent_activities(user, limit: int = 10) -> QuerySet:
    """The latest activities across the networks the user sees."""
    return (Activity.objects.filter(network__in=policy.visible_networks(user).values("pk"))
            .select_related("network").order_by("-occurred_on", "-id")[:limit])


def networks_of_enterprise(user, enterprise_id: int) -> QuerySet:
    """Networks (visible to the user) the enterprise is a member of today: for the enterprise page."""
    return filter_networks(user, NetworkFilter(member=enterprise_id))


__all__ = [
    "NetworkFilter", "SizeGuidance", "DashboardRow", "MoneyOverview", "ActivitySummary",
    "filter_networks", "kinds", "stages_of", "size_guidance", "members", "target_buyers", "next_gate_checklist",
    "stage_history", "evidence", "reachable_stages", "activities", "activity_summary", "costs", "contributions",
    "contracts", "money_overview", "evaluation_areas", "evaluations", "firm_progress", "improvement",
    "due_evaluations", "assessments", "independence_preview", "independence_portfolio", "broker_dashboard",
    "recent_activities", "networks_of_enterprise",
]
