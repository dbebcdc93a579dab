"""The suppliers API's router and what its endpoint modules share: looking objects up in the caller's
scope (`suppliers.policy`), so that what the caller may not see answers 404 like what does not exist."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from triplec.core.errors import NotFound
from triplec.registry.schemas import DEFAULT_LIMIT, ERRORS, MAX_LIMIT

from . import policy
from .models import Programme, Supplier, TrainingSession

router = Router(tags=["suppliers"])


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def responses(status: int, schema, *errors: int) -> dict:
    return {status: schema, **{code: ERRORS[code] for code in (401, 422, *errors)}}


def found(qs: QuerySet, pk: int, message: str):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(message)
    return obj


def programme(request, pk: int) -> Programme:
    return found(policy.visible_programmes(request.auth).select_related("buyer"), pk, _("No such programme."))


def supplier(request, pk: int) -> Supplier:
    return found(policy.visible_suppliers(request.auth).select_related("programme__buyer", "enterprise"), pk,
                 _("No such supplier."))


def session(request, pk: int) -> TrainingSession:
    """A training session: seen by who sees the whole programme (the agency, the buyer's staff)."""
    found_session = found(TrainingSession.objects.filter(programme__in=policy.visible_programmes(request.auth))
                          .select_related("programme__buyer"), pk, _("No such training session."))
    if not policy.sees_whole_programme(request.auth, found_session.programme):
        raise NotFound(_("No such training session."))
    return found_session
