"""Independence: Dini's twelve criteria (Dini 1993:70, quoted in s.4.5 of the paper).

Seven criteria are computed from the records, as of the assessment date, and five are judged by the
assessor with evidence (`CriterionJudgement`). The result is "k of 12" with each criterion's basis.

Computed (window = the `window_months` months up to and including the assessment date):
  1  collective business activities: at least one joint purchase, joint marketing or joint project
     in the activity log within the window;
  3  contributes more than 50 per cent of its expenses: member contributions / expenses > 1/2 over
     the window, from the two ledgers (`funding.shares`); no expenses -> not met;
  6-10 more than 75 per cent of firms improved in human resources strategy, product (design),
     process, sales strategy, financial management: improved / member firms on the date > 3/4
     (`evaluations.improvement_by_area`: improved = latest score above the baseline score).
Judged: 2 autonomous proposals, 4 leadership of local institutions, 5 the locality's reaction
(met = it reacts positively), 11 entrepreneurs diffused the idea, 12 can continue independently in
the short term.

Thresholds are strict ("more than"), compared in exact arithmetic (2 x contributions > expenses;
4 x improved > 3 x firms), so 50% or 75% exactly is not met.

Reference result (Dini 1993:37): of 10 PROFOs aged 20-30 months in November 1993, 7 met at least 4
criteria and 4 met at least 6 (`portfolio` computes this distribution for any set of networks).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from triplec.core.money_format import format_money, format_share
from triplec.core.months import months_between, window_start

from .evaluations import improvement_by_area
from .funding import shares
from .models import COLLECTIVE_BUSINESS_KINDS, Activity, ActivityKind, IndependenceAssessment, Network

COLLECTIVE_MINIMUM = 1


@dataclass(frozen=True)
class Criterion:
    number: int
    code: str
    question: str
    computed: bool
    area: str | None = None


CRITERIA: tuple[Criterion, ...] = (
    Criterion(1, "collective-business", gettext_noop("Are there collective business activities?"), True),
    Criterion(2, "autonomous-proposals", gettext_noop("Is the group capable of generating autonomous proposals for its development?"),
              False),
    Criterion(3, "contributes-half", gettext_noop("Does it contribute more than 50 per cent of its expenses?"), True),
    Criterion(4, "local-leadership", gettext_noop("Has it assumed leadership of local institutions?"), False),
    Criterion(5, "locality-reaction", gettext_noop("How does the locality react to the network? (met: it reacts positively)"), False),
    Criterion(6, "hr-strategy", gettext_noop("Have more than 75 per cent of firms shifted their human resource strategies?"),
              True, "hr-strategy"),
    Criterion(7, "product-improvement", gettext_noop("Has product improvement occurred in more than 75 per cent of firms?"),
              True, "product-design"),
    Criterion(8, "process-improvement", gettext_noop("Has process improvement occurred in more than 75 per cent of firms?"),
              True, "process"),
    Criterion(9, "sales-strategy", gettext_noop("Has sales strategy changed in more than 75 per cent of firms?"),
              True, "sales-strategy"),
    Criterion(10, "financial-management", gettext_noop("Has financial management improved in more than 75 per cent of firms?"),
              True, "financial-management"),
    Criterion(11, "idea-diffused", gettext_noop("Have participating entrepreneurs diffused the idea?"), False),
    Criterion(12, "continue-independently", gettext_noop("Can the group continue independently in the short term?"), False),
)
BY_CODE = {c.code: c for c in CRITERIA}
# The areas as the basis texts name them (code with spaces), listed so that they are translated too.
AREA_WORDS = (gettext_noop("product design"), gettext_noop("process"), gettext_noop("hr strategy"),
              gettext_noop("sales strategy"), gettext_noop("financial management"))
JUDGED = tuple(c.code for c in CRITERIA if not c.computed)
COMPUTED = tuple(c.code for c in CRITERIA if c.computed)


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    met: bool
    basis: str

    def as_dict(self) -> dict:
        c = self.criterion
        return {"number": c.number, "code": c.code, "question": c.question, "computed": c.computed,
                "met": self.met, "basis": self.basis}


@dataclass(frozen=True)
class AssessmentResult:
    network_id: int
    assessed_on: date
    window_start: date
    criteria: list[CriterionResult]

    @property
    def met_count(self) -> int:
        return sum(1 for c in self.criteria if c.met)

    @property
    def label(self) -> str:
        return f"{self.met_count} of {len(CRITERIA)}"

    def as_dict(self) -> dict:
        return {"assessed_on": self.assessed_on.isoformat(), "window_start": self.window_start.isoformat(),
                "met_count": self.met_count, "label": self.label,
                "criteria": [c.as_dict() for c in self.criteria]}


def compute_criteria(network: Network, on: date, window_months: int = 12) -> dict[str, CriterionResult]:
    """The seven computed criteria for `network` as of `on`."""
    start = window_start(on, window_months)
    out: dict[str, CriterionResult] = {}

    collective = Counter(Activity.objects.filter(network=network, occurred_on__gte=start, occurred_on__lte=on,
                                                 kind__in=COLLECTIVE_BUSINESS_KINDS).values_list("kind", flat=True))
    n = sum(collective.values())
    detail = ", ".join(f"{count} {ActivityKind(kind).label.lower()}" for kind, count in sorted(collective.items()))
    values = {"n": n, "start": start, "end": on, "detail": detail}
    out["collective-business"] = CriterionResult(
        BY_CODE["collective-business"], n >= COLLECTIVE_MINIMUM,
        (_("%(n)s collective business activities from %(start)s to %(end)s (%(detail)s).") if detail
         else _("%(n)s collective business activities from %(start)s to %(end)s.")) % values)

    s = shares(network, start, on)
    if s.expenses <= 0:
        basis, met = _("No expenses recorded from %(start)s to %(end)s.") % {"start": start, "end": on}, False
    else:
        met = s.members_pay_majority
        basis = _("Members paid %(paid)s of %(expenses)s of expenses from %(start)s to %(end)s "
                  "(%(share)s; more than 50%% needed).") % {
            "paid": format_money(s.contributions, s.currency), "expenses": format_money(s.expenses, s.currency),
            "start": start, "end": on, "share": format_share(s.member_share, places=1)}
    out["contributes-half"] = CriterionResult(BY_CODE["contributes-half"], met, basis)

    improvement = improvement_by_area(network, on, areas=[c.area for c in CRITERIA if c.area])
    for c in CRITERIA:
        if c.area is None:
            continue
        imp = improvement[c.area]
        if imp.firms == 0:
            out[c.code] = CriterionResult(c, False, _("No member firms on %(day)s.") % {"day": on})
            continue
        met = 4 * imp.improved > 3 * imp.firms
        out[c.code] = CriterionResult(c, met, _(
            "%(improved)s of %(firms)s member firms improved in %(area)s (%(share)s; more than 75%% needed); "
            "%(evaluated)s scored at least twice.") % {
            "improved": imp.improved, "firms": imp.firms, "area": _(c.area.replace("-", " ")),
            "share": format_share(Decimal(imp.improved) / imp.firms), "evaluated": imp.evaluated})
    return out


def evaluate_assessment(assessment: IndependenceAssessment) -> AssessmentResult:
    """The twelve criteria of an assessment: computed ones from the records as of its date, judged
    ones from its judgements (a judged criterion without a judgement is not met)."""
    computed = compute_criteria(assessment.network, assessment.assessed_on, assessment.window_months)
    judged = {j.criterion: j for j in assessment.judgements.all()}
    results = []
    for c in CRITERIA:
        if c.computed:
            results.append(computed[c.code])
            continue
        j = judged.get(c.code)
        if j is None:
            results.append(CriterionResult(c, False, _("Not judged.")))
        else:
            results.append(CriterionResult(c, j.met, _("Judged by the assessor: %(evidence)s") % {
                "evidence": j.evidence or _("no evidence given")}))
    return AssessmentResult(assessment.network_id, assessment.assessed_on,
                            window_start(assessment.assessed_on, assessment.window_months), results)


# Portfolio --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PortfolioRow:
    network_id: int
    network_name: str
    kind: str
    assessment_id: int
    assessed_on: date
    age_months: int
    met_count: int
    met: tuple[str, ...]
    kind_name: str = ""  # the kind as the reader reads it (shipped kinds translated); `kind` is its code


@dataclass
class Portfolio:
    rows: list[PortfolioRow] = field(default_factory=list)

    @property
    def networks(self) -> int:
        return len(self.rows)

    def at_least(self, k: int) -> int:
        return sum(1 for r in self.rows if r.met_count >= k)

    @property
    def distribution(self) -> dict[int, int]:
        """Number of networks meeting exactly k criteria, k = 0..12."""
        counts = Counter(r.met_count for r in self.rows)
        return {k: counts.get(k, 0) for k in range(len(CRITERIA) + 1)}

    def criterion_counts(self) -> dict[str, int]:
        """How many networks meet each criterion."""
        return {c.code: sum(1 for r in self.rows if c.code in r.met) for c in CRITERIA}


def portfolio(networks, *, on: date | None = None, min_age_months: int | None = None,
              max_age_months: int | None = None) -> Portfolio:
    """Each network's latest assessment on or before `on` (default today), kept when the network's
    age at that assessment (whole months since first contact) is within [min_age, max_age]."""
    on = on or date.today()
    result = Portfolio()
    for network in networks:
        latest = (network.assessments.filter(assessed_on__lte=on).prefetch_related("judgements")
                  .order_by("-assessed_on", "-id").first())
        if latest is None:
            continue
        age = months_between(network.started_on, latest.assessed_on)
        if (min_age_months is not None and age < min_age_months) or (max_age_months is not None and age > max_age_months):
            continue
        r = evaluate_assessment(latest)
        result.rows.append(PortfolioRow(network.pk, network.name, network.kind.code, latest.pk, latest.assessed_on,
                                        age, r.met_count, tuple(c.criterion.code for c in r.criteria if c.met),
                                        str(network.kind)))
    result.rows.sort(key=lambda row: (-row.met_count, row.network_name))
    return result
