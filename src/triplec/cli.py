"""The `triplec` command line. Run `triplec --help`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="triplec: cluster mapping and Triple C support for SME clusters and networks.",
                  no_args_is_help=True, pretty_exceptions_enable=False)


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.web.settings")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    from django.conf import settings
    from django.core.management import call_command

    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=verbosity)


def fail(message: str, code: int = 1):
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    threads: Annotated[int, typer.Option(help="Worker threads of the web server.")] = 8,
):
    """Migrate the database, then serve the platform (waitress)."""
    django_setup()
    migrate()
    from django.conf import settings
    from waitress import serve as waitress_serve

    from triplec.web.wsgi import application

    if settings.TRIPLEC_IN_PROCESS_WORKER:
        from triplec.core.tasks import start_in_process_worker

        start_in_process_worker()
    typer.echo(f"triplec is running at http://{host}:{port}/  (Ctrl+C to stop)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="triplec")


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run the queued tasks, then exit.")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between polls of an empty queue.")] = 2.0,
):
    """Run background tasks (mapping runs, big imports) in this process; start several to scale out."""
    django_setup()
    import threading

    from triplec.core import tasks

    if once:
        typer.echo(f"Ran {tasks.run_pending()} task(s).")
        return
    tasks.requeue_abandoned()
    typer.echo("Worker waiting for tasks (Ctrl+C to stop) ...")
    stop = threading.Event()
    try:
        tasks.worker_loop(stop, poll_seconds=poll)
    except KeyboardInterrupt:
        stop.set()


@app.command()
def demo(
    french_register: Annotated[bool, typer.Option(help="Also load the French IREP facility register.")] = True,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Load only into an empty register.")] = False,
):
    """Migrate and load the demo data (idempotent: running it again changes nothing)."""
    django_setup()
    migrate()
    from triplec.registry import demo as demo_data
    from triplec.registry.models import Enterprise

    if if_empty and Enterprise.objects.exists():
        typer.echo("The register already holds data; demo data not loaded again.")
        typer.echo(demo_data.describe_logins())
        return
    summary = demo_data.load(french_register=french_register, progress=typer.echo)
    typer.echo(summary.describe())


@app.command()
def createuser(
    username: str,
    role: Annotated[str, typer.Option(help="agency-admin, programme-officer, broker, association-manager, "
                                           "enterprise-user or evaluator.")],
    organisation: Annotated[int | None, typer.Option(help="Organisation id (association managers).")] = None,
    enterprise: Annotated[int | None, typer.Option(help="Enterprise id (enterprise users).")] = None,
    email: Annotated[str, typer.Option()] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
):
    """Create a user with a role."""
    django_setup()
    from triplec.accounts import services
    from triplec.core.errors import ValidationFailed
    from triplec.registry.models import Enterprise, Organisation

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    org = ent = None
    if organisation is not None:
        org = Organisation.objects.filter(pk=organisation).first() or fail(f"No organisation with id {organisation}.")
    if enterprise is not None:
        ent = Enterprise.objects.filter(pk=enterprise).first() or fail(f"No enterprise with id {enterprise}.")
    try:
        user = services.create_user(None, username=username, role=role, password=password, email=email,
                                    organisation=org, enterprise=ent)
    except ValidationFailed as exc:
        fail(f"User not created: {exc}")
    typer.echo(f"Created user {user.username} ({user.role}).")


@app.command()
def token(username: str, name: Annotated[str, typer.Option(help="A label for the token.")] = "cli"):
    """Print a new API token for USERNAME (use as `Authorization: Bearer TOKEN`)."""
    django_setup()
    from triplec.accounts import services
    from triplec.accounts.models import User

    user = User.objects.filter(username=username).first() or fail(f"No user named {username!r}.")
    typer.echo(services.issue_token(None, user, name=name))


@app.command()
def backup(
    output: Annotated[Path, typer.Argument(help="Archive to write (.tar.gz).")],
):
    """Write a consistent, portable copy of the database and uploaded files."""
    django_setup()
    from triplec.core import backups

    info = backups.create_backup(output)
    typer.echo(f"Backup written to {output} ({info['objects']} records, {info['files']} files).")
    for label, rows in info["undecodable_text_replaced"].items():
        typer.secho(f"Warning: {rows} {label} record(s) held undecodable text, written as U+FFFD; "
                    "run `triplec doctor` to clean the database.", fg=typer.colors.YELLOW, err=True)


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="Archive written by `triplec backup`.")],
    force: Annotated[bool, typer.Option(help="Restore even if the database already holds data (it is replaced).")] = False,
):
    """Restore a backup into this installation's database (migrated first)."""
    django_setup()
    migrate()
    from triplec.core import backups
    from triplec.core.errors import DomainError

    try:
        info = backups.restore_backup(archive, force=force)
    except DomainError as exc:
        fail(str(exc))
    typer.echo(f"Restored {info['objects']} records and {info['files']} files from {archive}.")


@app.command()
def doctor(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only report what would be cleaned.")] = False,
):
    """Find and repair stored data that cannot be shown or backed up (undecodable text from old imports)."""
    django_setup()
    migrate()
    from triplec.core.doctor import clean_undecodable_text

    found = clean_undecodable_text(dry_run=dry_run)
    if not found:
        typer.echo("Undecodable text: nothing to clean.")
        return
    verb = "would be cleaned" if dry_run else "cleaned (undecodable bytes replaced by U+FFFD)"
    for label, rows in found.items():
        typer.echo(f"Undecodable text: {label}: {rows} row(s) {verb}.")


def _register_subcommands() -> None:
    from triplec.registry.commands import import_app

    app.add_typer(import_app, name="import", help="Import data into the register.")
    from triplec.mapping.cli_map import map_command
    from triplec.mapping.cli_regions import regions_command

    app.command("map", help="Test every sector for localisation (Duranton-Overman Kd) and map clusters.")(map_command)
    app.command("regions", help="Regional concentration indices (LQ, Ellison-Glaeser, ...).")(regions_command)


_register_subcommands()

if __name__ == "__main__":
    app()
