"""The evaluation API, mounted at /api/v1/evaluation by `triplec.web.api`: Triple C scorecards and the
firm panel, read-only, scoped by `evaluation.policy` (what a caller may not see answers 404, or is not
listed). Lists are in the register's page shape (`count`, `limit`, `offset`, `items`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from triplec.accounts.policy import require
from triplec.core.api_schemas import ERRORS, answers
from triplec.core.errors import PermissionDenied

from . import policy
from .schemas import PanelPage, PanelQuery, ScorecardOut, ScorecardPage, ScorecardQuery
from .schemas_impact import ImpactRunIn, ImpactRunOut, ImpactRunPage, ImpactRunQuery
from .services import dashboard as dashboard_service
from .services import impact_runs
from .services import scorecards as cards

router = Router(tags=["evaluation"])


def _responses(schema, *codes) -> dict:
    return {200: schema, **{code: ERRORS[code] for code in codes}}


def _reader(request):
    user = request.auth
    if not policy.sees_evaluation(user):
        raise PermissionDenied(_("You may not read evaluations."))
    return user


@router.get("/scorecards", response=_responses(ScorecardPage, 401, 403, 422), summary="Triple C scorecards")
def list_scorecards(request, query: Query[ScorecardQuery]):
    """One per intervention (network, procurement contract, fair participation, supplier programme,
    service subscription) and per programme (agency roles only): `customer_oriented`, `collective` and
    `cumulative`, each a list of figures with the records they came from (`evidence`). No composite score."""
    page = cards.scorecards(_reader(request), instrument_key=query.instrument, programme=query.programme,
                            year=query.year, limit=query.limit, offset=query.offset)
    return {"count": page.count, "limit": query.limit, "offset": query.offset, "items": page.items}


@router.get("/scorecards/{instrument}/{level}/{pk}", response=_responses(ScorecardOut, 401, 403, 404),
            summary="One scorecard")
def get_scorecard(request, instrument: str, level: str, pk: int, year: int | None = None):
    """`level` is intervention or programme; `year` restricts a programme to its interventions of that year."""
    return cards.scorecard(_reader(request), instrument, level, pk, year)


@router.get("/panel", response=_responses(PanelPage, 401, 403, 422), summary="Firm panel years")
def list_panel(request, query: Query[PanelQuery]):
    """The firms' yearly figures the caller may see (a firm its own; a manager its members')."""
    qs = policy.visible_panel(_reader(request)).order_by("enterprise_id", "year")
    if query.enterprise is not None:
        qs = qs.filter(enterprise_id=query.enterprise)
    if query.year is not None:
        qs = qs.filter(year=query.year)
    return {"count": qs.count(), "limit": query.limit, "offset": query.offset,
            "items": list(qs[query.offset:query.offset + query.limit])}


@router.post("/impact-runs", response=answers(201, ImpactRunOut, 401, 403, 422),
             summary="Start an impact estimate")
def start_impact_run(request, payload: ImpactRunIn):
    """Queue an estimate for a programme (instrument + programme), an instrument or all support, and an
    outcome; poll GET /impact-runs/{id} for its progress and results."""
    require(policy.can_view_impact, request.auth)
    return Status(201, ImpactRunOut.of(impact_runs.start_run(request.auth, payload.dict())))


@router.get("/impact-runs", response=_responses(ImpactRunPage, 401, 403, 422), summary="Impact estimates")
def list_impact_runs(request, query: Query[ImpactRunQuery]):
    """The runs, newest first (agency roles)."""
    require(policy.can_view_impact, request.auth)
    qs = impact_runs.runs_for(request.auth)
    return {"count": qs.count(), "limit": query.limit, "offset": query.offset,
            "items": [ImpactRunOut.of(run) for run in qs[query.offset:query.offset + query.limit]]}


@router.get("/impact-runs/{pk}", response=_responses(ImpactRunOut, 401, 403, 404), summary="One impact estimate")
def get_impact_run(request, pk: int):
    """Status, progress and, when done, the results."""
    return ImpactRunOut.of(impact_runs.get_run(request.auth, pk))


@router.post("/impact-runs/{pk}/cancel", response=_responses(ImpactRunOut, 401, 403, 404, 422),
             summary="Cancel an impact estimate")
def cancel_impact_run(request, pk: int):
    """A queued run leaves the queue at once (status cancelled); a running one stops at its next progress
    report (status running, `cancelled_at` set, until then). Whoever started it, an agency administrator
    or a programme officer; a finished run answers 422."""
    run = impact_runs.get_run(request.auth, pk)
    return ImpactRunOut.of(impact_runs.cancel_run(request.auth, run))


# The programme dashboard (issue 12, item 4): the page's tables as JSON, the same filters.


class DashboardQuery(Schema):
    year: int | None = Field(None, description="One year (sets year_from and year_to).")
    year_from: int | None = None
    year_to: int | None = None
    instrument: str | None = Field(None, description="network, contract, fair-participation, supplier-programme "
                                                     "or subscription")
    programme: int | None = Field(None, description="A programme's id within the instrument (give the instrument).")
    territory: int | None = Field(None, description="A territory's id: it and the territories under it.")
    sector: str | None = Field(None, description="A sector section (letter) or a code prefix (e.g. a division).")


class DashboardTableOut(Schema):
    id: str
    title: str
    note: str
    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]


class DashboardOut(Schema):
    filters: dict[str, Any]
    tables: list[DashboardTableOut]


@router.get("/dashboard", response=_responses(DashboardOut, 401, 403, 422), summary="Programme dashboard")
def get_dashboard(request, query: Query[DashboardQuery]):
    """The programme dashboard's tables (firms reached, networks by stage, contracts, fairs, supplier
    programmes, centre services, money public and private, outcomes of supported and other firms,
    programme scorecards), as the page shows them for the same filters; the agency's roles only."""
    require(policy.can_read_dashboard, request.auth)
    filters = dashboard_service.parse_filters({k: v for k, v in query.dict().items() if v is not None})
    return dashboard_service.as_json(filters, dashboard_service.dashboard(request.auth, filters))
