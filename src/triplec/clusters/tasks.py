"""The background task of a mapping run: prepare the register, screen/locate/profile/report it with
`triplec.mapping.cli_map.run_map`, draw the Kd plots of the localised sectors, store the summary.

Progress (0-1000): preparing 0-50, simulations 50-900 (the screen reports simulated curves), plots and
summary 900-1000. A `MapInputError` (bad file, bad column, bad parameter) fails the task with its message,
which the run page shows.
"""

from __future__ import annotations

import time

import pandas as pd
from django.conf import settings

from triplec.core.models import BackgroundTask
from triplec.core.tasks import task
from triplec.mapping.cli_map import MapInputError, run_map

from . import registers, selectors
from .models import MappingRun

TOTAL = 1000
SIM_START, SIM_END = 50, 900


def _stage(run: MappingRun, done: int, message: str) -> None:
    """A stage change is written at once (the queue's own progress writer throttles updates)."""
    BackgroundTask.objects.filter(pk=run.task_id).update(progress_done=done, progress_total=TOTAL,
                                                         message=message[:300])


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
    }


@task("clusters.mapping_run")
def mapping_run(progress, run_id: int) -> dict:
    run = MappingRun.objects.select_related("task", "territory", "created_by").get(pk=run_id)
    started = time.perf_counter()
    _stage(run, 5, "Reading the register" if run.source == MappingRun.Source.REGISTER else "Reading the file")
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
    _stage(run, SIM_START, f"Screening {counts['used']:,} establishments")

    def simulated(done: int, total: int) -> None:
        share = done / total if total else 1.0
        progress(SIM_START + int((SIM_END - SIM_START) * share), TOTAL,
                 f"Simulations: {done:,} of {total:,} curves")

    outputs = run_map(
        prepared.frame, out, **prepared.columns, r_max=run.r_max, r_step=run.r_step, sims=run.sims,
        alpha=run.alpha, seed=run.seed, min_n=run.min_n, fdr=run.fdr,
        scheduler=getattr(settings, "TRIPLEC_DASK_SCHEDULER", "") or None,
        title=run.title, source_note=str(run.describe_source()), progress=simulated)
    _stage(run, SIM_END, "Drawing the Kd plots")
    table = outputs.screen.table
    curves = outputs.screen.curves
    if len(table):
        names = selectors.sector_names(run, table["sector"].astype(str))
        for sector in table.loc[_localised(table), "sector"].astype(str):
            selectors.write_plot(run, sector, curves[curves["sector"].astype(str) == sector], names.get(sector, ""))
    seconds = dict(outputs.seconds)
    seconds["total"] = time.perf_counter() - started
    run.summary = _summary(run, prepared, outputs, seconds)
    run.save(update_fields=["summary"])
    _stage(run, TOTAL - 1, "Finishing")
    return run.summary
