"""The permission matrix of every evaluation page (tests/permissions.py), in one pass over one world:
tests/fairs/conftest.py `signed_up` with ent_a1's FENAC costs paid. Written out by hand from the rules
(evaluation.policy's table): the agency's roles see every scorecard and every firm's panel; an
association manager its stands' participations and its members' panel; a firm its own; a large buyer's
or a centre's staff nothing (403); anonymous visitors go to the login page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.permissions import AGENCY, ANONYMOUS, EDITORS, LOGIN, USERS, Case, assert_matrix, page_requests

from triplec.evaluation.services import impact_runs

pytestmark = pytest.mark.django_db

PEOPLE = (*USERS, "a2-user", "buyer-staff", "centre-staff")
READERS = tuple(p for p in PEOPLE if p not in ("buyer-staff", "centre-staff"))


def answers(ok, allowed, visible=()) -> dict:
    """`ok` for the allowed; 403 for who sees it but may not act, and for who reads no evaluation at all;
    404 for the other readers."""
    return {who: ok if who in allowed else 403 if who in visible or who not in READERS else 404 for who in PEOPLE}


SEES_A1 = (*AGENCY, "association-manager", "enterprise-user")  # ent_a1's stand participation and panel

CASES = [
    Case("scorecards", "get", lambda w: reverse("evaluation:scorecard_list"), answers(200, READERS)),
    Case("a participation's scorecard", "get",
         lambda w: reverse("evaluation:scorecard_detail", args=["fair-participation", "intervention", w.case_ids["stand"]]),
         answers(200, SEES_A1)),
    Case("a programme's scorecard", "get",
         lambda w: reverse("evaluation:scorecard_detail", args=["fair-participation", "programme", w.case_ids["programme"]]),
         answers(200, AGENCY)),
    Case("panel", "get", lambda w: reverse("evaluation:panel_list"), answers(200, READERS)),
    Case("a firm's panel", "get", lambda w: reverse("evaluation:firm_panel", args=[w.ent_a1.pk]), answers(200, SEES_A1)),
    Case("enter a year", "post", lambda w: reverse("evaluation:firm_panel", args=[w.ent_a1.pk]),
         answers(302, (*EDITORS, "enterprise-user"), SEES_A1), data=lambda w: {"year": 2027, "employment": 13}),
    Case("fill the baseline", "post", lambda w: reverse("evaluation:fill_baseline", args=[w.ent_a1.pk]),
         answers(302, EDITORS, SEES_A1)),
    Case("import", "post", lambda w: reverse("evaluation:import_panel"), answers(302, EDITORS, READERS),
         data=lambda w: {"country": "BR"}),
    Case("programme dashboard", "get", lambda w: reverse("evaluation:dashboard"), answers(200, AGENCY, READERS)),
    Case("dashboard PDF", "get", lambda w: reverse("evaluation:dashboard_pdf"), answers(200, AGENCY, READERS)),
    Case("dashboard Excel", "get", lambda w: reverse("evaluation:dashboard_xlsx"), answers(200, AGENCY, READERS)),
    Case("scorecards as a file", "get", lambda w: reverse("evaluation:scorecard_export", args=["xlsx"]),
         answers(200, READERS)),
]

RUNNERS = ("agency-admin", "programme-officer", "evaluator")  # impact runs: agency roles read, these start
START = {"support": "", "outcome": "sales", "control": "never", "neighbours": 3, "caliper": 0.5}
CASES += [
    Case("impact runs", "get", lambda w: reverse("evaluation:impact_list"), answers(200, AGENCY, PEOPLE)),
    Case("start an impact run", "post", lambda w: reverse("evaluation:impact_list"), answers(302, RUNNERS, PEOPLE),
         data=lambda w: START),
    Case("an impact run", "get", lambda w: reverse("evaluation:impact_detail", args=[w.case_ids["run"]]),
         answers(200, AGENCY, PEOPLE)),
    Case("its progress", "get", lambda w: reverse("evaluation:impact_progress", args=[w.case_ids["run"]]),
         answers(200, AGENCY, PEOPLE)),
    # the evaluator started it: it and the agency's editors may cancel it (each request rolled back)
    Case("cancel it", "post", lambda w: reverse("evaluation:impact_cancel", args=[w.case_ids["run"]]),
         answers(302, RUNNERS, PEOPLE)),
]


def test_page_permissions(world, expo, signed_up, client_for):
    from triplec.fairs.services import money

    money.pay_costs(expo.admin, signed_up[0])
    world.case_ids = {"stand": signed_up[1][0].pk, "programme": expo.programme.pk}
    world.case_ids["run"] = impact_runs.start_run(world.users["evaluator"], START).pk
    failures = []
    for case in CASES:
        url = case.url(world)
        send_as = page_requests(world.users, client_for, case.method, url, case.data(world) if case.data else None)
        try:
            assert_matrix(send_as, {ANONYMOUS: LOGIN, **case.expected}, f"{case.name}: {case.method.upper()} {url}")
        except AssertionError as failure:
            failures.append(str(failure))
    assert not failures, "\n".join(failures)
