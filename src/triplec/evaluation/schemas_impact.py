"""The impact runs' API shapes: what starts a run, and a run with its status, progress and results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from triplec.registry.schemas import DEFAULT_LIMIT, MAX_LIMIT


class ImpactRunIn(Schema):
    instrument: str = Field("", description="network, contract, fair-participation, supplier-programme or "
                                            "subscription; empty: every instrument's support")
    programme: int | None = Field(None, description="A programme's id within the instrument (give the instrument).")
    outcome: str = Field(..., description="employment, sales, exports, customers, main_customer_share, "
                                          "investment or wages (from the firm panel)")
    control: str = Field("never", description="never (matched never-supported firms) or not-yet (also "
                                              "supported firms not yet supported)")
    neighbours: int = Field(3, description="Matched firms per supported firm (1-10, with replacement).")
    caliper: float = Field(0.5, description="Largest standardised distance of a match (standard deviations).")


class ImpactRunOut(Schema):
    id: int
    instrument: str
    programme: int | None
    outcome: str
    control: str
    neighbours: int
    caliper: float
    status: str = Field(..., description="queued, running, done, failed or cancelled")
    progress: int = Field(..., description="Percent done.")
    message: str = Field(..., description="What the run is doing, or why it failed.")
    created_by: str
    created_at: datetime
    cancelled_at: datetime | None = Field(None, description="When a cancellation was asked for (set while the "
                                                             "run still runs: it stops at its next progress report).")
    cancelled_by: str = Field("", description="Who asked for it (username).")
    results: dict[str, Any] | None = Field(None, description="When done: att_gt, aggregations (simple, group, "
                                                             "dynamic, calendar; each with 95% CIs), overall, "
                                                             "pretrend, samples, balance, dropped, caveats, notes.")

    @staticmethod
    def of(run) -> dict:
        return {"id": run.pk, "instrument": run.instrument, "programme": run.programme, "outcome": run.outcome,
                "control": run.control, "neighbours": run.neighbours, "caliper": run.caliper, "status": run.status,
                "progress": run.percent, "message": run.message,
                "created_by": run.created_by.username if run.created_by else "", "created_at": run.created_at,
                "cancelled_at": run.cancel_requested_at,
                "cancelled_by": run.cancel_requested_by.username if run.cancel_requested_by else "",
                "results": run.results}


class ImpactRunQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class ImpactRunPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ImpactRunOut]
