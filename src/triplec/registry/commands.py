"""`triplec import ...`: load data into the register from files."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

import_app = typer.Typer(no_args_is_help=True)

EXIT_REJECTED = 1  # the file has row errors: nothing was written
EXIT_USAGE = 2     # bad options, unknown user, missing file, no permission


def _parse_map(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep or not column.strip():
            raise typer.BadParameter(f"{pair!r}: write --map COLUMN=FIELD (or COLUMN= to ignore a column)",
                                     param_hint="--map")
        mapping[column.strip()] = target.strip()
    return mapping


@import_app.command("enterprises")
def import_enterprises(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or Parquet file, one enterprise per row.")],
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="COLUMN=FIELD, repeatable: feed FIELD from COLUMN (COLUMN= ignores the column).")] = None,
    classification: Annotated[str, typer.Option(
        help="Sector classification for rows without one: isic4, nace2 or naics2017.")] = "",
    country: Annotated[str, typer.Option(help="Country (ISO 3166-1 alpha-2) for rows without one.")] = "",
    encoding: Annotated[str, typer.Option(
        help="CSV encoding (default: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252; "
             "e.g. latin-1).")] = "",
    decimal: Annotated[str, typer.Option(
        help="Decimal separator of numbers in the file: comma or point (default: comma in a ;-separated CSV, "
             "else point). Thousands separators are never read.")] = "",
    file_format: Annotated[str, typer.Option(
        "--format", help="csv, xlsx or parquet (default: from the file's content and name).")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and print the preview; write nothing.")] = False,
    skip_invalid: Annotated[bool, typer.Option(
        "--skip-invalid", help="Import the valid rows and leave out the rows with errors (default: all rows or "
                               "none); the left-out rows go to the --rejected file.")] = False,
    rejected_file: Annotated[Path | None, typer.Option(
        "--rejected", help="With --skip-invalid: CSV file for the rows left out, with a reason column "
                           "(default: FILE's name with -rejected.csv, beside it).")] = None,
    as_user: Annotated[str, typer.Option(
        "--as", help="Import as this user, with their permissions (default: the operator, trusted).")] = "",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
):
    """Import enterprises: check every row first, then write all rows in one transaction, or none.

    Rows are matched to the register by country + national_id: new ones are created, changed ones
    updated (with history), identical ones left alone. Errors are printed one per line as
    "row N, FIELD: REASON" (row 1 is the header) and the exit status is 1. With --skip-invalid the
    valid rows are written and the others go to the --rejected file (exit status 0).
    """
    from triplec.cli import django_setup, migrate

    django_setup(need_database=False)
    migrate()  # a fresh installation can import before it ever served a page
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from triplec.accounts.models import User
    from triplec.core.errors import PermissionDenied
    from triplec.registry.importing import ImportRejected, commit_import, validate_import

    err = Console(stderr=True, highlight=False)
    if not file.is_file():
        err.print(f"[red]No such file: {file}[/red]")
        raise typer.Exit(EXIT_USAGE)
    mapping = _parse_map(map_ or [])
    separators = {"": None, "comma": ",", ",": ",", "point": ".", "dot": ".", ".": "."}
    if decimal.strip().lower() not in separators:
        err.print(f"[red]--decimal {decimal!r}: use comma or point.[/red]")
        raise typer.Exit(EXIT_USAGE)
    actor = None
    if as_user:
        actor = User.objects.filter(username=as_user).first()
        if actor is None:
            err.print(f"[red]No user named {as_user!r}.[/red]")
            raise typer.Exit(EXIT_USAGE)
    defaults = {"country": country, "sector_classification": classification}
    options = dict(fmt=file_format or None, encoding=encoding or None, filename=file.name,
                   decimal=separators[decimal.strip().lower()])

    progress = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, disable=quiet, transient=True)
    tasks: dict[str, int] = {}
    labels = {"read": "reading", "check": "checking", "plan": "comparing", "write": "writing"}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(labels.get(stage, stage), total=max(total, 1))
        progress.update(tasks[stage], completed=done, total=max(total, 1))

    def rejected(preview) -> None:
        for error in preview.errors:
            typer.echo(str(error), err=True)
        err.print(f"[red]{len(preview.errors)} error(s): nothing was imported.[/red]")
        raise typer.Exit(EXIT_REJECTED)

    try:
        with progress if not quiet else nullcontext():
            if dry_run:
                preview = validate_import(actor, file, mapping, defaults, progress=report, **options)
            else:
                # One pass: the final check inside the write transaction prints the preview, then writes.
                result = commit_import(actor, file, mapping, defaults, progress=report, **options,
                                       change_reason=f"import: {file.name}"[:100], on_preview=_print_preview,
                                       skip_invalid=skip_invalid)
    except PermissionDenied as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    except ImportRejected as exc:
        _print_preview(exc.preview)
        rejected(exc.preview)
    if dry_run:
        _print_preview(preview)
        if preview.errors:
            rejected(preview)
        typer.echo("Dry run: nothing was written.")
        return
    typer.echo(f"Imported: {result.describe()}.")
    if result.rejected:
        from triplec.registry.importing.rejected import rejected_csv

        target = rejected_file or file.with_name(f"{file.stem}-rejected.csv")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rejected_csv(result))
        for error in result.rejected:
            typer.echo(str(error), err=True)
        typer.echo(f"{result.rejected_rows} rows rejected: written to {target} (with a reason column).")


def _print_preview(preview) -> None:
    mapped = ", ".join(f"{column} -> {field}" for column, field in preview.mapping.items())
    typer.echo(f"File: {preview.rows} data rows ({preview.describe_file()})")
    if mapped:
        typer.echo(f"Columns: {mapped}")
    if preview.ignored_columns:
        typer.echo(f"Ignored columns: {', '.join(preview.ignored_columns)}")
    if preview.defaults:
        typer.echo("Defaults: " + ", ".join(f"{k}={v}" for k, v in preview.defaults.items()))
    typer.echo(f"Preview: {preview.create} to create, {preview.update} to update, {preview.unchanged} unchanged; "
               f"{preview.memberships} memberships and {preview.territories} territories to add")


@import_app.command("purge-uploads")
def purge_uploads(
    days: Annotated[int | None, typer.Option(
        "--days", min=0, help="Delete files of uploads older than this many days "
                              "(default: TRIPLEC_IMPORT_UPLOAD_RETENTION_DAYS, 7).")] = None,
):
    """Delete the files of web uploads never imported (checked, or whose check failed) once they are old.

    Uploads with a queued or running background task are left alone. The batches stay, with their last
    preview; their pages say the file has expired. The worker loop does the same every hour.
    """
    from datetime import timedelta

    from triplec.cli import django_setup, migrate

    django_setup()
    migrate()
    from triplec.registry.importing import batches

    older_than = batches.upload_retention() if days is None else timedelta(days=days)
    purged = batches.purge_stale_uploads(older_than)
    for batch in purged:
        typer.echo(f"Removed the file of {batch.original_name!r} (upload {batch.pk}, "
                   f"{batch.created_at:%Y-%m-%d %H:%M}, by {batch.uploaded_by.username}).")
    typer.echo(f"{len(purged)} upload file(s) older than {older_than.days} day(s) removed.")
