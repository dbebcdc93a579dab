"""The notifications API's shapes: the caller's notices in the register's page shape."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from triplec.registry.schemas import DEFAULT_LIMIT, MAX_LIMIT


class NoticeQuery(Schema):
    state: str = Field("open", pattern="^(open|unread|all)$",
                       description="open: still due (default); unread: still due and not read; all: resolved too")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    subject: str
    url: str = Field(description="The page where one acts (a path on this site)")
    due_on: date | None
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None
    resolved_at: datetime | None = Field(description="When the matter was found settled (null while open)")


class NoticePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[NoticeOut]
