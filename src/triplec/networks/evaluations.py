"""Bi-annual evaluations: areas, baseline and change, improvement shares, due and overdue lists.

Each member firm is scored 1-5 in each area (product design, process, human resources strategy,
sales strategy, financial management; configurable in `EvaluationArea`). A firm's first score in an
area is its **baseline**; **change** = latest score - baseline; the firm has **improved** in the
area when it has at least two scores there and the latest is above the baseline.

Improvement share in an area on a date (used by Dini's criteria 6-10):

    share = (# member firms on the date that improved in the area) / (# member firms on the date)

Firms never scored twice count as not improved: the criterion asks about the group's firms, not
only the evaluated ones.

Rhythm: while a network is in a stage marked `evaluations_due`, each member firm is due an
evaluation every `kind.evaluation_interval_months` (6) months after its last one. A firm with no
evaluation yet is due its baseline `BASELINE_GRACE_MONTHS` after it became subject to evaluation
(the later of joining and the network entering an evaluating stage). Overdue: the due date has
passed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max
from django.utils.translation import gettext_noop

from triplec.core.months import add_months

from .models import (
    Evaluation,
    EvaluationArea,
    EvaluationScore,
    Network,
    NetworkMember,
    Transition,
    active_members_q,
)

BASELINE_GRACE_MONTHS = 1

SHIPPED_AREAS = [
    ("product-design", gettext_noop("Product design"), gettext_noop("Product design and product improvement.")),
    ("process", gettext_noop("Process"), gettext_noop("Production process improvement (methods, layout, quality, waste).")),
    ("hr-strategy", gettext_noop("Human resources strategy"), gettext_noop("Human resource management: training, skills, working conditions.")),
    ("sales-strategy", gettext_noop("Sales strategy"), gettext_noop("Markets, customers, channels and pricing.")),
    ("financial-management", gettext_noop("Financial management"), gettext_noop("Accounts, costing, cash and access to finance.")),
]


def install_areas(apps=None, *, refresh: bool = True) -> None:
    Area = EvaluationArea if apps is None else apps.get_model("networks", "EvaluationArea")
    for order, (code, name, description) in enumerate(SHIPPED_AREAS):
        if not refresh and Area.objects.filter(code=code).exists():
            continue
        Area.objects.update_or_create(code=code, defaults={
            "name": name, "description": description, "order": order, "shipped": True})


# Baseline, change, improvement ----------------------------------------------------------------------

@dataclass(frozen=True)
class AreaProgress:
    area: str
    baseline: int
    baseline_on: date
    latest: int
    latest_on: date

    @property
    def change(self) -> int:
        return self.latest - self.baseline

    @property
    def improved(self) -> bool:
        return self.latest_on > self.baseline_on and self.latest > self.baseline


def progress_by_firm(network: Network, on: date | None = None) -> dict[int, dict[str, AreaProgress]]:
    """enterprise id -> area code -> AreaProgress, from every score up to `on` (default today)."""
    on = on or date.today()
    rows = (EvaluationScore.objects.filter(evaluation__network=network, evaluation__evaluated_on__lte=on)
            .values_list("evaluation__enterprise_id", "area__code", "evaluation__evaluated_on", "score")
            .order_by("evaluation__enterprise_id", "area__code", "evaluation__evaluated_on"))
    out: dict[int, dict[str, AreaProgress]] = defaultdict(dict)
    for enterprise_id, area, day, score in rows:
        seen = out[enterprise_id].get(area)
        if seen is None:
            out[enterprise_id][area] = AreaProgress(area, score, day, score, day)
        else:
            out[enterprise_id][area] = AreaProgress(area, seen.baseline, seen.baseline_on, score, day)
    return dict(out)


@dataclass(frozen=True)
class AreaImprovement:
    area: str
    firms: int          # member firms on the date
    evaluated: int      # of which scored at least twice in the area
    improved: int       # of which latest > baseline

    @property
    def share(self) -> float | None:
        return self.improved / self.firms if self.firms else None


def improvement_by_area(network: Network, on: date | None = None,
                        areas: list[str] | None = None) -> dict[str, AreaImprovement]:
    """area code -> AreaImprovement among the firms that are members on `on` (default today)."""
    on = on or date.today()
    members = set(NetworkMember.objects.filter(active_members_q(on), network=network)
                  .values_list("enterprise_id", flat=True))
    progress = progress_by_firm(network, on)
    codes = areas or list(EvaluationArea.objects.filter(active=True).values_list("code", flat=True))
    out = {}
    for code in codes:
        per_firm = [progress.get(e, {}).get(code) for e in members]
        evaluated = [p for p in per_firm if p is not None and p.latest_on > p.baseline_on]
        out[code] = AreaImprovement(code, len(members), len(evaluated), sum(1 for p in evaluated if p.improved))
    return out


# Due and overdue ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DueEvaluation:
    network_id: int
    network_name: str
    enterprise_id: int
    enterprise_name: str
    due_on: date
    last_evaluated_on: date | None
    overdue: bool

    @property
    def is_baseline(self) -> bool:
        return self.last_evaluated_on is None


def evaluation_start(network: Network) -> date | None:
    """When the network's current run of evaluating stages began (None if not in one now)."""
    if not network.stage.evaluations_due:
        return None
    started = network.stage_since
    rows = (Transition.objects.filter(network=network).select_related("from_stage", "to_stage")
            .order_by("-recorded_at", "-id"))
    for row in rows:
        if not row.to_stage.evaluations_due:
            break
        started = row.effective_on
        if row.from_stage is None or not row.from_stage.evaluations_due:
            break
    return started


def due_for_networks(networks, on: date | None = None, within_days: int = 30,
                     enterprise_ids=None) -> list[DueEvaluation]:
    """Evaluations due on or before `on + within_days` in `networks` (an iterable of Network with
    stage and kind loaded), oldest due first. `enterprise_ids` (a set) limits the firms listed."""
    on = on or date.today()
    horizon = on + timedelta(days=within_days)
    networks = [n for n in networks if n.stage.evaluations_due]
    if not networks:
        return []
    ids = [n.pk for n in networks]
    last = {(r["network_id"], r["enterprise_id"]): r["last"] for r in
            Evaluation.objects.filter(network_id__in=ids, evaluated_on__lte=on)
            .values("network_id", "enterprise_id").annotate(last=Max("evaluated_on"))}
    members = defaultdict(list)
    for m in (NetworkMember.objects.filter(active_members_q(on), network_id__in=ids)
              .select_related("enterprise").order_by("enterprise__legal_name")):
        if enterprise_ids is None or m.enterprise_id in enterprise_ids:
            members[m.network_id].append(m)
    out = []
    for network in networks:
        start = evaluation_start(network)
        interval = network.kind.evaluation_interval_months
        for m in members[network.pk]:
            previous = last.get((network.pk, m.enterprise_id))
            if previous is None:
                due = add_months(max(start, m.joined_on), BASELINE_GRACE_MONTHS)
            else:
                due = add_months(previous, interval)
            if due <= horizon:
                out.append(DueEvaluation(network.pk, network.name, m.enterprise_id, str(m.enterprise), due,
                                         previous, due < on))
    return sorted(out, key=lambda d: (d.due_on, d.network_name, d.enterprise_name))


def networks_with_overdue(networks, on: date | None = None) -> set[int]:
    """Ids of the networks (iterable with stage and kind loaded) holding an overdue evaluation."""
    return {d.network_id for d in due_for_networks(networks, on, within_days=0) if d.overdue}
