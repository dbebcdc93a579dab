"""The background task of an impact run: build the frames, estimate, store the results.

Progress (0-100): reading the panel 0-2, matching 2-20, the group-time cells 20-90, aggregations and
storing 90-100. An estimate that cannot be made (too few firms, no pre-support years, a singular
propensity model) stops the task with the reason, which the run's page shows; it is not retried.

Cancellation is cooperative (services/impact_runs.cancel_run sets the run's `cancel_requested_at`): the
task looks at the flag before reading, at progress reports (at most every CANCEL_CHECK_SECONDS, one
small query each) and when storing; the results are stored only while no cancellation is asked, so a
run either ends "cancelled" without results or "done" with them, never both.
"""

from __future__ import annotations

import time

from django.utils.translation import gettext as _

from triplec.core.tasks import TaskStopped, task

from .models_impact import ImpactRun

CANCEL_CHECK_SECONDS = 0.25


class RunCancelled(TaskStopped):
    """Someone cancelled the run; raised from its progress report to stop it."""


def _cancelled(run_id: int) -> RunCancelled:
    from .services.impact_runs import who

    run = ImpactRun.objects.select_related("cancel_requested_by").get(pk=run_id)
    when = f"{run.cancel_requested_at:%Y-%m-%d %H:%M}" if run.cancel_requested_at else "?"
    return RunCancelled(_("Cancelled by %(who)s at %(when)s UTC.") % {"who": who(run.cancel_requested_by),
                                                                      "when": when})


def _check_cancelled(run_id: int) -> None:
    if ImpactRun.objects.filter(pk=run_id, cancel_requested_at__isnull=False).exists():
        raise _cancelled(run_id)


@task(takes_context=True, max_attempts=1, time_limit=3600)
def impact_run(context, run_id: int) -> dict:
    from triplec.impact import EstimationError, PanelError

    from .services import impact_estimate, impact_runs

    _check_cancelled(run_id)
    progress = context.progress
    run = ImpactRun.objects.get(pk=run_id)
    progress(1, 100, _("Reading the register and the panel…"))
    firms, panel, names = impact_runs.frames(run)
    last_check = [time.monotonic()]

    def step(done: int, total: int) -> None:
        if time.monotonic() - last_check[0] >= CANCEL_CHECK_SECONDS:
            _check_cancelled(run_id)
            last_check[0] = time.monotonic()
        message = _("Matching comparison firms…") if done < 20 else _("Estimating group-time effects…")
        progress(done, total, message)

    try:
        results = impact_estimate.estimate(firms, panel, control=run.control, neighbours=run.neighbours,
                                           caliper=run.caliper, progress=step)
    except (impact_estimate.ImpactError, PanelError, EstimationError, ValueError) as exc:
        raise TaskStopped(_("The estimate could not be made: %(why)s.") % {"why": str(exc).rstrip(".")}) from None
    for row in results["dropped"]:
        row["name"] = names.get(row["firm"], "")
    if not ImpactRun.objects.filter(pk=run_id, cancel_requested_at__isnull=True).update(results=results):
        raise _cancelled(run_id)
    return {"overall": results["overall"], "samples": results["samples"]}
