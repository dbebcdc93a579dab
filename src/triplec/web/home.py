"""What each role's home page (the dashboard) shows: its own work first, the register's figures after.

| role                 | panels                                                                     |
|----------------------|----------------------------------------------------------------------------|
| agency-admin,        | networks by stage, overdue evaluations, gates ready for a decision,        |
| programme-officer    | mapping runs, clusters, imports waiting; then the register's figures        |
| broker               | its networks (stage, next gate, what is due); then the register's figures   |
| association-manager  | its association, current members, imports waiting, its members' networks   |
| enterprise-user      | its firm, its associations and networks                                    |
| evaluator            | portfolio figures (networks by stage, independence, evaluations overdue)    |

Every query goes through the apps' policies (via the apps' selectors), so each panel is scoped.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from triplec.accounts import policy as accounts_policy
from triplec.accounts.roles import Role
from triplec.networks import policy as networks_policy
from triplec.registry import policy as registry_policy

RECENT = 5


@dataclass
class StageCount:
    kind: str
    stage: str
    code: str
    count: int


@dataclass
class Home:
    role: Role | None
    panels: set[str] = field(default_factory=set)
    data: dict = field(default_factory=dict)


def networks_by_stage(user) -> list[StageCount]:
    """Open networks the user sees, counted per kind and stage in lifecycle order."""
    from django.db.models import Count

    rows = (networks_policy.visible_networks(user).filter(stage__is_closed=False)
            .values("kind__name", "stage__name", "stage__code", "stage__order")
            .annotate(n=Count("id")).order_by("kind__name", "stage__order"))
    from django.utils.translation import gettext

    return [StageCount(gettext(r["kind__name"]), gettext(r["stage__name"]), r["stage__code"], r["n"]) for r in rows]


def _overdue(user, on: date) -> list:
    from triplec.networks import selectors

    return [d for d in selectors.due_evaluations(user, on=on) if d.overdue]


def _gates_ready(user, on: date) -> list:
    """Networks whose next gate has every requirement met: waiting for someone to pass it."""
    from triplec.networks import selectors

    return [r for r in selectors.broker_dashboard(user, on=on)
            if r.next_gate is not None and r.requirements_total and r.requirements_met == r.requirements_total]


def _imports_waiting(user) -> list:
    from triplec.registry.models_import import ImportBatch

    return list(registry_policy.visible_import_batches(user).filter(status=ImportBatch.Status.CHECKED)
                .order_by("-created_at")[:RECENT])


def _mapping(user, data: dict) -> None:
    from triplec.clusters import selectors

    data["runs"] = list(selectors.runs_for(user).select_related("task")[:RECENT])
    clusters = selectors.clusters_for(user)
    data["cluster_count"] = clusters.count()
    data["clusters"] = list(clusters.order_by("-id")[:RECENT])


def build(user, on: date | None = None) -> Home:
    on = on or date.today()
    role = accounts_policy.role_of(user)
    home = Home(role)
    d = home.data
    if role in (Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER):
        home.panels |= {"networks", "overdue", "gates", "mapping", "imports", "register"}
        d["stages"] = networks_by_stage(user)
        d["overdue"] = _overdue(user, on)
        d["gates"] = _gates_ready(user, on)
        d["imports"] = _imports_waiting(user)
        _mapping(user, d)
    elif role == Role.BROKER:
        home.panels |= {"broker", "overdue", "register"}
        d["stages"] = networks_by_stage(user)
        d["overdue"] = _overdue(user, on)
    elif role == Role.EVALUATOR:
        from triplec.networks import selectors

        home.panels |= {"networks", "overdue", "portfolio", "register"}
        d["stages"] = networks_by_stage(user)
        d["overdue"] = _overdue(user, on)
        portfolio = selectors.independence_portfolio(user, on=on)
        d["portfolio"] = {"assessed": portfolio.networks, "at_least_4": portfolio.at_least(4),
                          "at_least_6": portfolio.at_least(6)}
        d["network_count"] = networks_policy.visible_networks(user).count()
    elif role == Role.ASSOCIATION_MANAGER:
        home.panels |= {"association", "imports", "member_networks"}
        d["association"] = user.organisation
        d["member_count"] = registry_policy.visible_enterprises(user).count()
        d["imports"] = _imports_waiting(user)
        d["networks"] = list(networks_policy.visible_networks(user).select_related("stage").order_by("name")[:10])
    elif role == Role.ENTERPRISE_USER:
        home.panels |= {"firm", "member_networks"}
        d["firm"] = user.enterprise
        d["associations"] = list(registry_policy.visible_memberships(user).select_related("association")
                                 .order_by("-start_date"))
        d["networks"] = list(networks_policy.visible_networks(user).select_related("stage").order_by("name")[:10])
    return home


def group_stages(stages: list[StageCount]) -> OrderedDict:
    grouped: OrderedDict[str, list[StageCount]] = OrderedDict()
    for s in stages:
        grouped.setdefault(s.kind, []).append(s)
    return grouped
