"""The procurement API about one association: its members' scoreboard and its yearly outcomes. An
association the caller may not know of (policy.visible_associations) answers 404. See `api` for the
other conventions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Status

from triplec.accounts.policy import require
from triplec.core.api_schemas import answers, list_page
from triplec.core.errors import NotFound, ValidationFailed

from . import policy
from .api_common import _association, _user, router
from .models import AssociationOutcome
from .schemas import PageQuery
from .schemas_work import OutcomeCreate, OutcomeFields, OutcomeOut, OutcomePage, ScoreboardOut
from .services import programmes, scoreboard

_FIGURES = ("delivered", "on_time", "accepted", "rejected", "warranty_units", "on_time_share", "rejection_rate")


def _figures(figures) -> dict:
    return {name: getattr(figures, name) for name in _FIGURES}


@router.get("/associations/{association_id}/scoreboard", response=answers(200, ScoreboardOut, 401, 403, 404),
            summary="The members' scoreboard")
def get_scoreboard(request, association_id: int):
    """Per member, over the association's contracts: on-time share, rejection rate, warranty claims,
    volume, year by year and the trend. Every current member sees it, with the manager and the agency."""
    association = _association(request, association_id)
    rows = scoreboard.scoreboard(_user(request), association)
    return {"association": {"id": association.pk, "name": association.name},
            "rows": [{"member": {"id": r.member.pk, "name": str(r.member)}, "totals": _figures(r.totals),
                      "warranty_claims": r.warranty_claims, "trend": r.trend,
                      "years": [{"year": year, **_figures(f)} for year, f in r.years.items()]} for r in rows]}


def _outcomes(association):
    return AssociationOutcome.objects.filter(association=association).order_by("year")


@router.get("/associations/{association_id}/outcomes", response=answers(200, OutcomePage, 401, 404, 422),
            summary="The association's outcomes")
def list_outcomes(request, association_id: int, page: Query[PageQuery]):
    """Year by year: members, workers, equipment bought, share of output sold to buyers other than the
    programme; `illustration` marks figures shown as an example, not measured."""
    return list_page(_outcomes(_association(request, association_id)), page.limit, page.offset)


@router.post("/associations/{association_id}/outcomes", response=answers(201, OutcomeOut, 401, 403, 404, 422),
             summary="Enter a year's outcomes")
def create_outcome(request, association_id: int, payload: OutcomeCreate):
    """A year not yet entered (PUT /outcomes/{year} corrects one; the history keeps every version)."""
    user = _user(request)
    association = _association(request, association_id)
    require(policy.can_manage_association, user, association)
    if _outcomes(association).filter(year=payload.year).exists():
        raise ValidationFailed({"year": [_("%(year)s is already entered; correct it instead.")
                                         % {"year": payload.year}]})
    return Status(201, programmes.record_outcome(user, association, **payload.model_dump()))


@router.put("/associations/{association_id}/outcomes/{year}", response=answers(200, OutcomeOut, 401, 403, 404, 422),
            summary="Correct a year's outcomes")
def correct_outcome(request, association_id: int, year: int, payload: OutcomeFields):
    """Replace a year's figures; the previous ones stay in the history."""
    user = _user(request)
    association = _association(request, association_id)
    require(policy.can_manage_association, user, association)
    if not _outcomes(association).filter(year=year).exists():
        raise NotFound(_("No outcomes entered for %(year)s.") % {"year": year})
    return programmes.record_outcome(user, association, year=year, **payload.model_dump())
