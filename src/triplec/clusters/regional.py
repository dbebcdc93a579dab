"""Regional series in the platform: an uploaded region x sector table of several years (a year column),
or one file per year merged first (`regional_merge`), is run through `triplec.mapping.regional.regional_series` as a background task; its page shows the
classes found, a chart per region of the LQ over the years, and exports the series and the changes.

A series is its `BackgroundTask` row (the task's arguments hold the title, file and columns, its result
the summary) and a folder MEDIA_ROOT/regional/<key>/ with the input and `series.csv`, `changes.csv`: no
table of its own. Who may see and start series: the mapping runs' rules (`clusters.policy`).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core import spreadsheets
from triplec.core.errors import NotFound, ValidationFailed
from triplec.core.models import BackgroundTask
from triplec.core.tasks import enqueue

from . import policy, registers

TASK_NAME = "triplec.clusters.regional_tasks.regional_series_run"  # the module path rows store
FOLDER = "regional"
COLUMN_FIELDS = {"region_col": "region", "sector_col": "sector", "year_col": "year", "emp_col": "emp",
                 "estab_col": "estab"}
REQUIRED = ("region", "sector", "year")
TABLES = ("series", "changes")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def series_for(user) -> QuerySet:
    """The series a user may see, newest first."""
    rows = BackgroundTask.objects.filter(name=TASK_NAME).select_related("created_by")
    return rows if policy.can_view_mapping(user) else rows.none()


def get_series(user, pk) -> BackgroundTask:
    row = series_for(user).filter(pk=pk).first()
    if row is None:
        raise NotFound(_("No such regional series."))
    return row


def folder_of(row: BackgroundTask) -> Path:
    return Path(settings.MEDIA_ROOT) / row.arguments["folder"]


def start_series(user, data: dict, upload=None, year_files: list | None = None) -> BackgroundTask:
    """Check the title, the file (or the files, one per year: `year_files` as (upload, year or None)) and
    their columns, store the file (the files merged) and queue the task."""
    require(policy.can_run_mapping, user)
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    year_files = [(f, year) for f, year in (year_files or []) if f is not None]
    title = (data.get("title") or "").strip()
    if not title:
        add("title", _("Give the series a title."))
    elif len(title) > 200:
        add("title", _("At most 200 characters."))
    columns = {key: (data.get(field) or "").strip() for field, key in COLUMN_FIELDS.items()}
    for field, key in COLUMN_FIELDS.items():
        if key in REQUIRED and not columns[key]:
            add(field, _("Name this column."))
    if not (columns["emp"] or columns["estab"]):
        add("emp_col", _("Name the employment column, the establishments column, or both."))
    if upload is not None and year_files:
        add("file", _("Give either one table of several years or one file per year, not both."))
    elif upload is None and not year_files:
        add("file", _("Choose a CSV or Parquet file with one row per region, sector and year, or one file per year."))
    for handle in [upload] if upload is not None else [f for f, _year in year_files]:
        try:
            header = registers.read_header(handle, handle.name)
        except ValueError as exc:
            add("file" if upload is not None else "year_files", str(exc))
            continue
        for field, key in COLUMN_FIELDS.items():
            if not columns[key] or columns[key] in header:
                continue
            if upload is not None:
                add(field, _("The file has no column %(c)r; its columns are: %(all)s.")
                    % {"c": columns[key], "all": ", ".join(header)})
            elif key != "year":  # a file per year may give its year beside it instead
                add(field, _("%(file)s has no column %(c)r; its columns are: %(all)s.")
                    % {"file": handle.name, "c": columns[key], "all": ", ".join(header)})
    if errors:
        raise ValidationFailed(errors)
    folder = f"{FOLDER}/{uuid.uuid4().hex}"
    inputs = Path(settings.MEDIA_ROOT) / folder / "input"
    try:
        inputs.mkdir(parents=True)
        if year_files:
            target, input_name = _merged(inputs, year_files, columns)
        else:
            target, input_name = _store(inputs, upload, "table.csv"), Path(upload.name).name
        with transaction.atomic():
            from . import regional_tasks  # imports the mapping library: loaded when first needed

            return enqueue(regional_tasks.regional_series_run, user=user, folder=folder, title=title,
                           input_name=input_name[:200], input_file=str(target.relative_to(settings.MEDIA_ROOT)),
                           columns={k: v for k, v in columns.items() if v})
    except Exception:
        shutil.rmtree(inputs.parent, ignore_errors=True)
        raise


def _store(inputs: Path, upload, fallback: str) -> Path:
    target = inputs / (get_valid_filename(Path(upload.name).name) or fallback)
    upload.seek(0)
    with open(target, "wb") as out:
        shutil.copyfileobj(upload, out, 1 << 20)
    return target


def _merged(inputs: Path, year_files: list, columns: dict) -> tuple[Path, str]:
    """The files per year stored under input/years/, checked and merged into input/merged.csv
    (`regional_merge`); refused as a whole, with every file's problems, when one is wrong."""
    from .regional_merge import FIELD, YearFile, merge_year_files

    folder = inputs / "years"
    folder.mkdir()
    stored, names = [], []
    for i, (upload, year) in enumerate(year_files):
        path = _store(folder, upload, f"year-{i + 1}.csv")
        if path in [item.path for item in stored]:
            raise ValidationFailed({FIELD: [_("%(file)s is given twice.") % {"file": path.name}]})
        stored.append(YearFile(path, year))
        names.append(path.name)
    frame, problems = merge_year_files(stored, columns)
    if problems:
        raise ValidationFailed({FIELD: problems})
    target = inputs / "merged.csv"
    frame.to_csv(target, index=False)
    return target, ", ".join(names)


def read_table(row: BackgroundTask, what: str):
    """series.csv or changes.csv of a finished series as a DataFrame (codes as text)."""
    import pandas as pd

    path = folder_of(row) / f"{what}.csv"
    if row.status != BackgroundTask.Status.DONE or not path.is_file():
        raise NotFound(_("This series has no results."))
    return pd.read_csv(path, dtype={"region": str, "sector": str}, keep_default_na=False, na_values=[""])


def region_view(row: BackgroundTask, region: str = "", shown: int | None = None) -> dict:
    """What a finished series' page and API show: the regions, the region chosen (the first when
    `region` is not one), its chart lines (`regional_chart.region_lines`) and changes, and the cells that
    moved (emerging, declining, persistent; the first `shown` of them)."""
    from . import regional_chart

    series, changes = read_table(row, "series"), read_table(row, "changes")
    regions = sorted(series["region"].unique())
    if region not in regions:
        region = regions[0] if regions else ""
    moving = changes[changes["class"] != "other"].sort_values(["class", "region", "sector"])
    return {"regions": regions, "region": region, "lines": regional_chart.region_lines(series, region),
            "changes": _records(moving.head(shown) if shown is not None else moving), "changes_total": len(moving),
            "region_rows": _records(changes[changes["region"] == region])}


def _records(frame) -> list[dict]:
    frame = frame.astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def export(user, row: BackgroundTask, fmt: str, what: str = "series",
           style: spreadsheets.TableStyle | None = None) -> bytes:
    """CSV of one table (`what`: series or changes), or an XLSX workbook of both, in `style`."""
    require(policy.can_view_mapping, user)
    if fmt not in CONTENT_TYPES or what not in TABLES:
        raise ValueError(f"unknown export {fmt!r} / {what!r}; use csv or xlsx and series or changes")
    style = style or spreadsheets.TableStyle()

    def rows(name):
        frame = read_table(row, name).astype(object)
        return list(frame.columns), frame.where(frame.notna(), None).to_dict("records")

    if fmt == "xlsx":
        return spreadsheets.xlsx_bytes({name: rows(name) for name in TABLES})
    columns, records = rows(what)
    cells = ([spreadsheets.csv_cell(record[c], style.decimal) for c in columns] for record in records)
    return b"".join(spreadsheets.csv_stream(columns, cells, style))
