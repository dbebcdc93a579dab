"""The notifications API, mounted at /api/v1/notifications by `triplec.web.api`: the caller's own
notices (nobody reads another's: 404) in the register's page shape, and marking one read."""

from __future__ import annotations

from django.db.models import F
from ninja import Query, Router

from triplec.core.api_schemas import ERRORS

from . import policy
from .schemas import NoticeOut, NoticePage, NoticeQuery
from .services import inbox

router = Router(tags=["notifications"])


def _responses(schema, *codes) -> dict:
    return {200: schema, **{code: ERRORS[code] for code in codes}}


@router.get("", response=_responses(NoticePage, 401, 422), summary="My notifications")
def list_notices(request, query: Query[NoticeQuery]):
    """What is due for the caller to act on (overdue evaluations, gates waiting, follow-ups and actions
    due, payments waiting), unread first, each with the link to the page where one acts."""
    if query.state == "all":
        qs = policy.visible_notifications(request.auth).order_by(
            F("resolved_at").asc(nulls_first=True), F("read_at").asc(nulls_first=True), "-pk")
    else:
        qs = inbox.open_notices(request.auth)
        if query.state == "unread":
            qs = qs.filter(read_at__isnull=True)
    return {"count": qs.count(), "limit": query.limit, "offset": query.offset,
            "items": list(qs[query.offset:query.offset + query.limit])}


@router.post("/{pk}/read", response=_responses(NoticeOut, 401, 404), summary="Mark a notification read")
def read_notice(request, pk: int):
    return inbox.mark_read(request.auth, pk)
