"""The background task of an impact run: build the frames, estimate, store the results.

Progress (0-100): reading the panel 0-2, matching 2-20, the group-time cells 20-90, aggregations and
storing 90-100. An estimate that cannot be made (too few firms, no pre-support years, a singular
propensity model) stops the task with the reason, which the run's page shows; it is not retried.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from triplec.core.tasks import TaskStopped, task

from .models_impact import ImpactRun


@task(takes_context=True, max_attempts=1, time_limit=3600)
def impact_run(context, run_id: int) -> dict:
    from triplec.impact import EstimationError, PanelError

    from .services import impact_estimate, impact_runs

    progress = context.progress
    run = ImpactRun.objects.get(pk=run_id)
    progress(1, 100, _("Reading the register and the panel…"))
    firms, panel, names = impact_runs.frames(run)

    def step(done: int, total: int) -> None:
        message = _("Matching comparison firms…") if done < 20 else _("Estimating group-time effects…")
        progress(done, total, message)

    try:
        results = impact_estimate.estimate(firms, panel, control=run.control, neighbours=run.neighbours,
                                           caliper=run.caliper, progress=step)
    except (impact_estimate.ImpactError, PanelError, EstimationError, ValueError) as exc:
        raise TaskStopped(_("The estimate could not be made: %(why)s.") % {"why": str(exc).rstrip(".")}) from None
    for row in results["dropped"]:
        row["name"] = names.get(row["firm"], "")
    run.results = results
    run.save(update_fields=["results"])
    return {"overall": results["overall"], "samples": results["samples"]}
