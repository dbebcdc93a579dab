"""API of the regional series, mounted at /api/v1/clusters/series by `triplec.web.api`: the list (the
register's page shape: count, limit, offset, items) and one series with what its page shows (summary,
regions, the chart's lines of one region, that region's changes, the cells that moved) and links to the
exports. Thin over `clusters.regional`; the pages' rule (`policy.can_view_mapping`): the agency-wide roles
read, other roles get 403. Starting a series stays on the page (a file upload with its columns).
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from triplec.accounts.policy import require
from triplec.core.models import BackgroundTask

from . import policy, regional

router = Router(tags=["clusters"])
PAGE_LIMIT = 200


class SeriesOut(Schema):
    id: int
    title: str
    input_name: str
    status: str
    percent: int
    message: str
    error: str  # why a failed series failed (as its page says)
    columns: dict[str, str]
    summary: dict  # years, regions, sectors, cells, measure, classes {emerging, declining, persistent, other}
    files: dict[str, str]  # series.csv, changes.csv, series.xlsx: the exports, once done
    created_at: datetime
    created_by: str | None

    @staticmethod
    def of(row: BackgroundTask) -> SeriesOut:
        files = {}
        if row.status == BackgroundTask.Status.DONE:
            url = reverse("regional:series_export", args=[row.pk])
            files = {"series.csv": f"{url}?format=csv&what=series", "changes.csv": f"{url}?format=csv&what=changes",
                     "series.xlsx": f"{url}?format=xlsx"}
        return SeriesOut(id=row.pk, title=row.arguments.get("title", ""), input_name=row.arguments.get("input_name", ""),
                         status=row.status, percent=row.percent, message=row.message,
                         error=row.error or (row.message if row.status == BackgroundTask.Status.FAILED else ""),
                         columns=row.arguments.get("columns", {}), summary=row.result or {}, files=files,
                         created_at=row.created_at, created_by=row.created_by.username if row.created_by else None)


class SeriesPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SeriesOut]


class LinePoint(Schema):
    year: int
    lq: float | None


class Line(Schema):
    """One sector of the chart: its LQ over the years and its status in the last year."""

    sector: str
    colour: str
    status: str
    points: list[LinePoint]


class Change(Schema):
    """A region and sector, first year against last (the rows of changes.csv)."""

    region: str
    sector: str
    first_year: int
    last_year: int
    emp_first: float | None = None
    emp_last: float | None = None
    lq_first: float | None
    lq_last: float | None
    d_lq: float | None
    emp_share_first: float | None = None
    emp_share_last: float | None = None
    d_emp_share: float | None = None
    strong_first: bool
    strong_last: bool
    years_strong: int
    class_: str = Field(serialization_alias="class")  # emerging, declining, persistent or other

    @staticmethod
    def of(record: dict) -> Change:
        return Change(**{("class_" if k == "class" else k): v for k, v in record.items()})


class SeriesDetail(SeriesOut):
    regions: list[str] = []
    region: str = ""
    lines: list[Line] = []
    region_changes: list[Change] = []
    changes: list[Change] = []  # every cell that moved: emerging, declining, persistent (class "other" left out)


def _require_view(request: HttpRequest) -> None:
    require(policy.can_view_mapping, request.auth)


@router.get("", response=SeriesPage, summary="Regional series, newest first")
def list_series(request: HttpRequest, limit: int = 50, offset: int = 0):
    _require_view(request)
    rows = regional.series_for(request.auth)
    limit, offset = max(1, min(limit, PAGE_LIMIT)), max(0, offset)
    return {"count": rows.count(), "limit": limit, "offset": offset,
            "items": [SeriesOut.of(row) for row in rows[offset:offset + limit]]}


@router.get("/{int:series_id}", response=SeriesDetail, by_alias=True,
            summary="One regional series: summary, one region's chart lines and changes, the cells that moved")
def get_series(request: HttpRequest, series_id: int, region: str = ""):
    _require_view(request)
    row = regional.get_series(request.auth, series_id)
    out = SeriesDetail(**SeriesOut.of(row).model_dump())
    if row.status == BackgroundTask.Status.DONE:
        view = regional.region_view(row, region)
        out.regions, out.region = view["regions"], view["region"]
        out.lines = [Line(sector=line["sector"], colour=line["colour"], status=line["status"],
                          points=[LinePoint(year=y, lq=lq) for y, lq in line["points"]]) for line in view["lines"]]
        out.region_changes = [Change.of(r) for r in view["region_rows"]]
        out.changes = [Change.of(r) for r in view["changes"]]
    return out
