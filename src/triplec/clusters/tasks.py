"""The background task of a mapping run: prepare the register, screen/locate/profile/report it with
`triplec.mapping.pipeline.run_map`, draw the Kd plots of the localised sectors, store the summary.

Progress (0-1000): preparing 0-50, simulations 50-900 (the screen reports simulated curves), plots and
summary 900-1000. A `MapInputError` (bad file, bad column, bad parameter) fails the task with its message,
which the run page shows.

Cancellation is cooperative: the mapping library cannot be interrupted from outside, so the task looks
at the run's `cancel_requested_at` at every stage and, while simulating, at most every
CANCEL_CHECK_SECONDS from the progress callback; when it is set the task removes its partial outputs and
raises `RunCancelled`, which ends the task (status failed with the message; the run shows "cancelled").
"""

from __future__ import annotations

import shutil
import time

import pandas as pd
from django.conf import settings
from django.utils import translation

from triplec.core.models import BackgroundTask
from triplec.core.tasks import TaskStopped, task
from triplec.mapping.pipeline import MapInputError, run_map

from . import messages, registers, selectors
from .models import MappingRun

TOTAL = 1000
SIM_START, SIM_END = 50, 900
CANCEL_CHECK_SECONDS = 0.25  # between looks at the cancel flag while simulating (one small query each)
TIME_LIMIT_SECONDS = 12 * 3600  # a run still simulating after this is stopped (its worker is freed)
INPUT_FOLDER = "input"  # the uploaded file: kept when a cancelled run clears its partial outputs


class RunCancelled(TaskStopped):
    """Someone cancelled the run; raised from inside the screen to stop it."""


def _check_cancelled(run: MappingRun) -> None:
    asked = (MappingRun.objects.filter(pk=run.pk).values_list("cancel_requested_at", "cancel_requested_by__username")
             .first())
    if asked is not None and asked[0] is not None:
        # stored in English; the pages translate it when they show it (messages.shown)
        when = f"{asked[0]:%Y-%m-%d %H:%M}"
        if asked[1]:
            raise RunCancelled(messages.CANCELLED_BY % {"who": asked[1], "when": when})
        raise RunCancelled(messages.CANCELLED_BY_SOMEONE % {"when": when})


def _stage(run: MappingRun, done: int, message: str) -> None:
    """A stage change is written at once (the queue's own progress writer throttles updates); a
    cancelled run stops here."""
    _check_cancelled(run)
    BackgroundTask.objects.filter(pk=run.task_id).update(progress_done=done, progress_total=TOTAL,
                                                         message=message[:300])


def _clear_outputs(run: MappingRun) -> None:
    """Remove what a cancelled run wrote (not its uploaded input, which its page still names)."""
    out = run.output_path
    if not out.is_dir():
        return
    for child in out.iterdir():
        if child.name == INPUT_FOLDER:
            continue
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _localised(table) -> pd.Series:
    """True where a sector is localised; curves-only screens (no simulations) leave it unknown (False)."""
    if not len(table):
        return pd.Series(dtype=bool)
    return table["localised"].astype("boolean").fillna(False).astype(bool)


def _summary(run: MappingRun, prepared: registers.PreparedInput, outputs, seconds: dict) -> dict:
    table = outputs.screen.table
    localised = _localised(table)
    n_localised = int(localised.sum())
    significant = int((localised & (table["q_value"] <= run.alpha)).sum()) if len(table) else 0
    frame = prepared.frame
    return {
        "establishments": int(prepared.counts.get("used", len(frame))),
        "matched": int(prepared.counts.get("matched", len(frame))),
        "without_coordinates": int(prepared.counts.get("without_coordinates", 0)),
        "without_employees": int(prepared.counts.get("without_employees", 0)),
        "coded_above_level": int(prepared.counts.get("coded_above_level", 0)),
        "sectors_total": int(frame[registers.SECTOR].nunique()),
        "sectors_screened": int(len(table)),
        "localised_sectors": n_localised,
        "significant_sectors": significant,
        "footprints": int(len(outputs.footprints)),
        "skipped": {str(k): str(v) for k, v in (outputs.footprints.skipped or {}).items()},
        "engine": str(outputs.screen.params.get("engine", "none")),
        "seconds": {k: round(float(v), 2) for k, v in seconds.items()},
        "warnings": [str(w) for w in getattr(outputs, "warnings", [])],  # English; shown translated
    }


@task(takes_context=True, max_attempts=1, time_limit=TIME_LIMIT_SECONDS)
def mapping_run(context, run_id: int) -> dict:
    progress = context.progress
    run = MappingRun.objects.select_related("task", "territory", "created_by").get(pk=run_id)
    try:
        return _map(run, progress)
    except RunCancelled:
        _clear_outputs(run)
        raise


def _map(run: MappingRun, progress) -> dict:
    started = time.perf_counter()
    _stage(run, 5, messages.READING_REGISTER if run.source == MappingRun.Source.REGISTER else messages.READING_FILE)
    prepared = registers.prepare(run)
    counts = prepared.counts
    if counts["used"] == 0:
        raise MapInputError(
            f"no establishment is left to screen: {counts['matched']} selected, "
            f"{counts.get('without_coordinates', 0)} without coordinates"
            + (f", {counts.get('without_employees', 0)} without employees" if run.weighted else "")
            + (f", {counts.get('coded_above_level', 0)} coded above the chosen level" if run.sector_level else ""))
    out = run.output_path
    out.mkdir(parents=True, exist_ok=True)
    prepared.frame.to_parquet(out / selectors.ESTABLISHMENTS_FILE, index=False)
    _stage(run, SIM_START, messages.SCREENING % {"n": f"{counts['used']:,}"})

    last_check = [time.monotonic()]

    def simulated(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last_check[0] >= CANCEL_CHECK_SECONDS:
            last_check[0] = now
            _check_cancelled(run)  # raised through the screen, which stops between simulation batches
        share = done / total if total else 1.0
        progress(SIM_START + int((SIM_END - SIM_START) * share), TOTAL,
                 messages.SIMULATIONS % {"done": f"{done:,}", "total": f"{total:,}"})

    outputs = run_map(
        prepared.frame, out, **prepared.columns, r_max=run.r_max, r_step=run.r_step, sims=run.sims,
        alpha=run.alpha, seed=run.seed, min_n=run.min_n, fdr=run.fdr,
        scheduler=getattr(settings, "TRIPLEC_DASK_SCHEDULER", "") or None,
        title=run.title, source_note=str(run.describe_source()), progress=simulated, country=run.country or None,
        statistics="kd,m" if run.with_m else "kd",
        step_progress=lambda _step, _done, _total: _check_cancelled(run))  # footprints, profiles: between sectors
    _stage(run, SIM_END, messages.DRAWING_PLOTS)
    table = outputs.screen.table
    curves = outputs.screen.curves
    if len(table):
        names = selectors.sector_names(run, table["sector"].astype(str))
        for sector in table.loc[_localised(table), "sector"].astype(str):
            _check_cancelled(run)  # drawing many sectors' plots takes a while: a cancel need not wait
            for language, _name in settings.LANGUAGES:  # the plot's words in each reader's language
                with translation.override(language):
                    selectors.write_plot(run, sector, curves[curves["sector"].astype(str) == sector],
                                         names.get(sector, ""))
    _stage(run, TOTAL - 1, messages.FINISHING)  # the last look at the cancel flag: from here on the run completes
    seconds = dict(outputs.seconds)
    seconds["total"] = time.perf_counter() - started
    run.summary = _summary(run, prepared, outputs, seconds)
    run.save(update_fields=["summary"])
    return run.summary
