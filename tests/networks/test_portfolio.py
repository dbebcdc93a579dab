"""Dini's published result, rebuilt from plain records.

Dini (1993:37), quoted in s.4.5 of the paper: of 10 PROFOs that had existed for 20-30 months in
November 1993, 7 met at least 4 of the 12 independence criteria and 4 met at least 6.

Ten PROFOs are written here as plain records only: member firms (one of which left, one never
evaluated), a manager contract accrued into the cost ledger, monthly member dues in the contribution
ledger, bi-annual evaluation scores, an activity log, and the assessor's answers to the five judged
criteria. Nothing stores which of the seven computed criteria is met: the portfolio computes them.
The table below was worked out by hand from the criteria's definitions; it includes cases exactly on
the thresholds (50% of expenses, 75% of firms, a joint purchase just outside the 12-month window),
which must count as not met.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from tests.conftest import make_enterprise

from triplec.core.months import add_months
from triplec.networks import books, selectors, services
from triplec.networks.independence import JUDGED
from triplec.networks.models import (
    Activity,
    ContributionEntry,
    CostEntry,
    Evaluation,
    EvaluationArea,
    EvaluationScore,
)

ASSESSED = add_months(date.today(), -2).replace(day=15)  # in the past, on a day every month has
MANAGER_FEE = Decimal("1000.00")                          # a month, paid from the network's start
AREAS = ("hr-strategy", "product-design", "process", "sales-strategy", "financial-management")
CRITERION_OF_AREA = {"hr-strategy": "hr-strategy", "product-design": "product-improvement",
                     "process": "process-improvement", "sales-strategy": "sales-strategy",
                     "financial-management": "financial-management"}


@dataclass
class Profo:
    name: str
    kind: str
    age_months: int                  # at the assessment
    firms: int                       # members on the assessment date
    dues: str                        # what each firm pays every month
    improved: tuple[int, ...]        # firms whose latest score is above baseline, per area in AREAS order
    activities: tuple[tuple[str, int], ...]  # (kind, months before the assessment)
    judged_met: frozenset[str]
    expected: frozenset[str]         # the criteria met, worked out by hand


def met(*codes):
    return frozenset(codes)


# share of expenses = firms x dues / 1000 (only the manager's fee is an expense, except N4);
# improved share = improved / firms, more than 3/4 needed.
PROFOS = [
    # 12 x 60 = 720 (72%); 10, 12, 11 of 12 improved (83%, 100%, 92%); sales 9/12 = 75% exactly: not met
    Profo("N1 Talcahuano metalworkers", "profo", 28, 12, "60.00", (10, 12, 11, 9, 6),
          (("joint-purchase", 2), ("joint-marketing", 5), ("meeting", 1), ("factory-visit", 3)),
          met("autonomous-proposals", "locality-reaction", "continue-independently"),
          met("collective-business", "contributes-half", "hr-strategy", "product-improvement",
              "process-improvement", "autonomous-proposals", "locality-reaction", "continue-independently")),
    # 15 x 40 = 600 (60%); hr 11/15 = 73%; product 13/15, process 12/15 = 80%; one firm never evaluated
    Profo("N2 Temuco furniture makers", "profo", 25, 15, "40.00", (11, 13, 12, 5, 8),
          (("joint-project", 3), ("group-workshop", 6)),
          met("autonomous-proposals", "local-leadership", "idea-diffused"),
          met("collective-business", "contributes-half", "product-improvement", "process-improvement",
              "autonomous-proposals", "local-leadership", "idea-diffused")),
    # 10 x 50 = 500: exactly half of the expenses, not more: not met
    Profo("N3 Chillan bakers", "profo", 22, 10, "50.00", (8, 9, 10, 7, 3),
          (("joint-marketing", 11), ("group-travel", 4)),
          met("autonomous-proposals", "locality-reaction"),
          met("collective-business", "hr-strategy", "product-improvement", "process-improvement",
              "autonomous-proposals", "locality-reaction")),
    # 20 x 30 x 12 = 7,200 of 12,000 + a 1,200 consultant = 54.5%; process 15/20 = 75% exactly: not met
    Profo("N4 Santiago plastics exporters", "export-profo", 30, 20, "30.00", (15, 18, 15, 10, 12),
          (("joint-purchase", 1), ("support-contact", 2)),
          met("autonomous-proposals", "local-leadership", "idea-diffused"),
          met("collective-business", "contributes-half", "product-improvement", "autonomous-proposals",
              "local-leadership", "idea-diffused")),
    # 12 x 20 = 240 (24%); finance 9/12 = 75% exactly: not met
    Profo("N5 Valdivia boat builders", "profo", 20, 12, "20.00", (6, 10, 10, 4, 9),
          (("joint-purchase", 6),),
          met("autonomous-proposals", "locality-reaction"),
          met("collective-business", "product-improvement", "process-improvement", "autonomous-proposals",
              "locality-reaction")),
    # no dues at all; process 8/11 = 73%
    Profo("N6 Osorno dairy processors", "profo", 24, 11, "0", (2, 9, 8, 3, 5),
          (("joint-project", 8), ("meeting", 2)),
          met("autonomous-proposals", "continue-independently"),
          met("collective-business", "product-improvement", "autonomous-proposals", "continue-independently")),
    # the only joint purchase was 13 months before the assessment, outside the 12-month window
    Profo("N7 Rancagua wine exporters", "export-profo", 27, 14, "40.00", (10, 11, 12, 7, 6),
          (("joint-purchase", 13), ("meeting", 2), ("factory-visit", 5), ("group-workshop", 9)),
          met("locality-reaction"),
          met("contributes-half", "product-improvement", "process-improvement", "locality-reaction")),
    # 16 x 25 = 400 (40%); process 12/16 = 75% exactly
    Profo("N8 Concepcion printers", "profo", 21, 16, "25.00", (8, 13, 12, 8, 4),
          (("joint-marketing", 4),),
          met("autonomous-proposals"),
          met("collective-business", "product-improvement", "autonomous-proposals")),
    # meetings and workshops only: no collective business
    Profo("N9 La Serena stone carvers", "profo", 26, 10, "10.00", (5, 8, 7, 2, 1),
          (("meeting", 1), ("group-workshop", 3)),
          met("locality-reaction"),
          met("product-improvement", "locality-reaction")),
    # product 9/13 = 69%
    Profo("N10 Arica textile workshops", "profo", 23, 13, "30.00", (3, 9, 6, 2, 2),
          (("joint-purchase", 7),),
          met(),
          met("collective-business")),
]


def build(nets, p: Profo, *, assessed_on=ASSESSED, extra_leaver=False, unevaluated_firm=False):
    """Create one PROFO and its plain records; returns the network."""
    admin, officer = nets.users["agency-admin"], nets.users["programme-officer"]
    start = add_months(assessed_on, -p.age_months)
    network = services.create_network(admin, {"kind": p.kind, "name": p.name, "currency": "CLP", "started_on": start,
                                              "broker": nets.users["broker"]})
    firms = [make_enterprise(legal_name=f"{p.name} firm {i:02d}", national_id=f"{p.name[:3]}-{i:02d}", country="CL")
             for i in range(p.firms + (1 if extra_leaver else 0))]
    for firm in firms:
        services.add_member(admin, network, firm, start)
    evaluated = firms[:-1] if unevaluated_firm else firms
    if extra_leaver:  # a firm that improved everywhere but left: counts neither way
        leaver = firms[-1]
        services.end_member(admin, network.members.get(enterprise=leaver), add_months(start, 10), "Closed down")
        evaluated = [f for f in evaluated if f != leaver]
    services.create_contract(admin, network, {"manager_name": "Manager", "monthly_fee": MANAGER_FEE,
                                              "start_date": start})
    services.accrue_manager_costs(admin, network, through=assessed_on)
    if p.name.startswith("N4"):
        services.record_cost(admin, network, category="consultant", amount="1200.00",
                             incurred_on=add_months(assessed_on, -4), idempotency_key="iso-9000-consultant")

    # Contribution ledger: every member pays its dues on the first of each month.
    if Decimal(p.dues) > 0:
        rows, month = [], 0
        while (day := add_months(start.replace(day=1), month + 1)) <= assessed_on:
            rows += [ContributionEntry(network=network, enterprise=f, amount=Decimal(p.dues), currency="CLP",
                                       paid_on=day, idempotency_key=f"dues-{f.pk}-{day}") for f in firms[:p.firms]]
            month += 1
        ContributionEntry.objects.bulk_create(rows)
        books.post_unposted(CostEntry, ContributionEntry)  # the money is on the shared ledger

    # Evaluations: baseline a month after the start (score 2 everywhere), a mid-term one, and a last
    # one a month before the assessment: 3 in the areas where the firm improved, else 2 or 1. The
    # firm that left improved to 5 everywhere before leaving.
    areas = {a.code: a for a in EvaluationArea.objects.filter(code__in=AREAS)}
    baseline, mid, last = add_months(start, 1), add_months(start, 7), add_months(assessed_on, -1)
    leaver = firms[-1] if extra_leaver else None
    Evaluation.objects.bulk_create([
        Evaluation(network=network, enterprise=firm, evaluated_on=day)
        for firm in evaluated + ([leaver] if leaver else []) for day in (baseline, mid, last)
        if not (firm == leaver and day == last)])
    position = {firm.pk: i for i, firm in enumerate(firms)}

    def score(evaluation, area_index: int) -> int:
        index = position[evaluation.enterprise_id]
        if evaluation.evaluated_on == baseline:
            return 2
        if leaver is not None and evaluation.enterprise_id == leaver.pk:
            return 5
        if evaluation.evaluated_on == mid:
            return 2
        return 3 if index < p.improved[area_index] else (2 if index % 2 else 1)

    EvaluationScore.objects.bulk_create([
        EvaluationScore(evaluation=e, area=areas[code], score=score(e, area_index))
        for e in Evaluation.objects.filter(network=network) for area_index, code in enumerate(AREAS)])

    # Activity log.
    Activity.objects.bulk_create([
        Activity(network=network, kind=kind, occurred_on=add_months(assessed_on, -months_before),
                 title=f"{kind} {months_before} months before", support_body=nets.centre if kind == "support-contact"
                 else None, service_taken_up="ISO 9000 course" if kind == "support-contact" else "")
        for kind, months_before in p.activities])

    # The assessor's answers to the five judged criteria.
    services.record_assessment(officer, network, assessed_on, {
        code: {"met": code in p.judged_met, "evidence": f"Assessor's note on {code}" if code in p.judged_met else ""}
        for code in JUDGED})
    return network


@pytest.fixture
def portfolio_world(nets):
    built = {}
    for p in PROFOS:
        built[p.name] = build(nets, p, extra_leaver=p.name.startswith("N1"), unevaluated_firm=p.name.startswith("N2"))
    # Not in the reference set: too old, wrong kind, never assessed.
    old = Profo("X1 Old PROFO", "profo", 40, 10, "90.00", (10, 10, 10, 10, 10), (("joint-purchase", 1),),
                frozenset(JUDGED), frozenset())
    build(nets, old)
    danish = Profo("X2 Danish network", "brokered", 24, 6, "90.00", (6, 6, 6, 6, 6), (("joint-purchase", 1),),
                   frozenset(JUDGED), frozenset())
    build(nets, danish)
    services.create_network(nets.users["agency-admin"], {"kind": "profo", "name": "X3 Unassessed", "currency": "CLP",
                                                         "started_on": add_months(ASSESSED, -24)})
    return built


def test_dini_result_7_of_10_meet_at_least_4_and_4_meet_at_least_6(nets, portfolio_world):
    # One portfolio (its set-up is the costly part) for both checks; this one only reads it.
    each_criterion_shows_its_basis_and_denominators_are_todays_members(portfolio_world)
    # An earlier, weaker assessment of N1 must not count: the latest one does.
    n1 = portfolio_world[PROFOS[0].name]
    services.record_assessment(nets.users["programme-officer"], n1, ASSESSED - timedelta(days=200),
                               {code: {"met": False} for code in JUDGED})
    result = selectors.independence_portfolio(nets.users["evaluator"], kinds=["profo", "export-profo"],
                                              min_age_months=20, max_age_months=30)
    by_name = {row.network_name: row for row in result.rows}
    assert set(by_name) == {p.name for p in PROFOS}
    for p in PROFOS:
        row = by_name[p.name]
        assert frozenset(row.met) == p.expected, p.name
        assert row.age_months == p.age_months and row.assessed_on == ASSESSED
    assert result.networks == 10
    assert result.at_least(4) == 7
    assert result.at_least(6) == 4
    assert result.distribution == {0: 0, 1: 1, 2: 1, 3: 1, 4: 2, 5: 1, 6: 2, 7: 1, 8: 1, 9: 0, 10: 0, 11: 0, 12: 0}
    assert result.criterion_counts()["product-improvement"] == 9  # every network but N10

    # The API reports the same figures; without filters the old PROFO and the Danish network join.
    from django.test import Client

    from triplec.accounts.models import ApiToken

    _, raw = ApiToken.issue(nets.users["evaluator"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    body = client.get("/api/v1/networks/portfolio/independence",
                      {"kind": ["profo", "export-profo"], "min_age_months": 20, "max_age_months": 30}).json()
    assert (body["networks"], body["at_least_4"], body["at_least_6"]) == (10, 7, 4)
    assert client.get("/api/v1/networks/portfolio/independence").json()["networks"] == 12

    # Scoped like everything else: the broker of these networks sees them, another broker none.
    assert selectors.independence_portfolio(nets.users["broker"]).networks == 12
    assert selectors.independence_portfolio(nets.users["other-broker"]).networks == 0


def each_criterion_shows_its_basis_and_denominators_are_todays_members(portfolio_world):
    n3 = portfolio_world[PROFOS[2].name]
    (assessment, result), = selectors.assessments(n3)
    assert result.label == "6 of 12"
    basis = {c.criterion.code: c.basis for c in result.criteria}
    assert "Members paid CLP6,000 of CLP12,000 of expenses" in basis["contributes-half"]
    assert "(50.0%; more than 50% needed)" in basis["contributes-half"]
    assert basis["sales-strategy"].startswith("7 of 10 member firms improved in sales strategy (70%")
    assert "1 joint marketing" in basis["collective-business"]
    assert basis["local-leadership"] == "Judged by the assessor: no evidence given"
    assert basis["autonomous-proposals"] == "Judged by the assessor: Assessor's note on autonomous-proposals"
    assert assessment.snapshot["met_count"] == 6 and assessment.snapshot["label"] == "6 of 12"

    n1 = portfolio_world[PROFOS[0].name]  # 13 firms joined; one left (after improving everywhere)
    improvement = selectors.improvement(n1, ASSESSED)
    assert (improvement["hr-strategy"].firms, improvement["hr-strategy"].improved) == (12, 10)
    n2 = portfolio_world[PROFOS[1].name]  # one of the 15 firms was never evaluated
    improvement = selectors.improvement(n2, ASSESSED)
    assert (improvement["product-design"].firms, improvement["product-design"].evaluated,
            improvement["product-design"].improved) == (15, 14, 13)
