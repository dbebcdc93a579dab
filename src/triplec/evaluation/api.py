"""The evaluation API, mounted at /api/v1/evaluation by `triplec.web.api`: Triple C scorecards and the
firm panel, read-only, scoped by `evaluation.policy` (what a caller may not see answers 404, or is not
listed). Lists are in the register's page shape (`count`, `limit`, `offset`, `items`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from triplec.core.api_schemas import ERRORS
from triplec.core.errors import PermissionDenied

from . import policy
from .schemas import PanelPage, PanelQuery, ScorecardOut, ScorecardPage, ScorecardQuery
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


from ninja import Status  # noqa: E402

from triplec.accounts.policy import require  # noqa: E402
from triplec.core.api_schemas import answers  # noqa: E402

from .schemas_impact import ImpactRunIn, ImpactRunOut, ImpactRunPage, ImpactRunQuery  # noqa: E402
from .services import impact_runs  # noqa: E402


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
