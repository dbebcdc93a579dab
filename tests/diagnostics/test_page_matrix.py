"""The permission matrix of every diagnostic-study page (tests/permissions.py): anonymous and each role.
Written by hand from diagnostics.policy's table: the agency (4 roles) reads, agency-admin and
programme-officer write; association managers and firms' users meet a 403 on the list and a 404 on a
study or cluster (they cannot see cluster records at all)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.permissions import AGENCY, EDITORS, USERS, Case, assert_page_permissions, by_scope, matrix

from triplec.diagnostics import services

pytestmark = pytest.mark.django_db
READ = by_scope(USERS, AGENCY, AGENCY, ok=200)
WRITE = by_scope(USERS, EDITORS, AGENCY, ok=302)


@pytest.fixture
def studies(wood):
    first = services.start_study(wood.officer, wood.cluster)
    services.update_study(wood.officer, first, {"attributes": {"trust": {"assessment": "weak"}}})
    first = services.complete_study(wood.officer, first)
    draft = services.start_study(wood.officer, wood.cluster)
    services.state_indicator(wood.officer, draft, "employment", {"value": 1, "source": "Survey"})
    wood.world.evidence = services.add_evidence(wood.officer, draft, target="problems", filename="a.pdf",
                                                content=b"%PDF-1.4")
    wood.world.first, wood.world.draft = first, draft
    return wood.world


def url(name, *args):
    return lambda w: reverse(f"diagnostics:{name}", args=[a(w) if callable(a) else a for a in args])


def draft(w):
    return w.draft.pk


CASES = [
    Case("list", "get", url("study_list"), matrix(403, **{who.replace("-", "_"): 200 for who in AGENCY})),
    Case("detail", "get", url("study_detail", draft), READ),
    Case("print", "get", url("study_print", draft), READ),
    Case("pdf", "get", url("study_download", draft, "pdf"), READ),
    Case("xlsx", "get", url("study_download", draft, "xlsx"), READ),
    Case("compare", "get", url("study_compare", lambda w: w.first.pk, draft), READ),
    Case("start", "post", url("study_start", lambda w: w.draft.cluster_id), WRITE),
    Case("edit", "post", url("study_edit", draft), WRITE, data=lambda w: {"title": "T"}),
    Case("refresh", "post", url("study_refresh", draft), WRITE),
    Case("state", "post", url("indicator_state", draft), WRITE,
         data=lambda w: {"key": "firms", "value": "5", "source": "Survey"}),
    Case("withdraw", "post", url("indicator_withdraw", draft, "employment"), WRITE),
    Case("complete", "post", url("study_complete", draft), WRITE),
    Case("evidence-file", "get", url("evidence_download", draft, lambda w: w.evidence.pk), READ),
    Case("evidence-add", "post", url("evidence_add", draft), WRITE,
         data=lambda w: {"target": "problems", "link": "https://example.org/survey"}),
    Case("evidence-remove", "post", url("evidence_remove", draft, lambda w: w.evidence.pk), WRITE),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_page_matrix(studies, client_for, case):
    assert_page_permissions(studies, client_for, case)
