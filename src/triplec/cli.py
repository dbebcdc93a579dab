"""The `triplec` command line. Run `triplec --help`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="triplec: cluster mapping and Triple C support for SME clusters and networks.",
                  no_args_is_help=True, pretty_exceptions_enable=False)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"triplec {version('triplec')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the installed version and exit.")] = False,
) -> None:
    """triplec: cluster mapping and Triple C support for SME clusters and networks."""


def django_setup(need_database: bool = True) -> None:
    """Set Django up. Commands that read or change existing data (`need_database`) stop with a
    message saying where the data is expected when there is no set-up database there, instead of
    creating an empty one; `serve`, `demo`, `restore` and imports migrate a new one on purpose."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.web.settings")
    try:
        import django
    except ImportError:  # `pip install triplec` is the library alone
        fail("This command needs the triplec platform: pip install 'triplec[platform]'. "
             "`triplec map`, `triplec regions` and `triplec impact` work without it.")
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:  # e.g. production without its own secret key: say so, no traceback
        fail(str(exc))
    if need_database:
        require_database()


def _where() -> tuple[str, bool]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return str(db["NAME"]), True
    return f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or ''}/{db['NAME']}", False


def require_database() -> None:
    from django.conf import settings
    from django.db import connection

    where, is_sqlite = _where()
    hint = (f"\ntriplec keeps its data in TRIPLEC_DATA_DIR={settings.DATA_DIR} (database: {where}; "
            "DATABASE_URL chooses another). Run the command where your installation lives, set "
            "TRIPLEC_DATA_DIR or DATABASE_URL to it, or create a new one with `triplec demo` or `triplec serve`.")
    in_memory = where == ":memory:" or "mode=memory" in where  # the test suite's database
    if is_sqlite and not in_memory and not Path(where).is_file():
        fail(f"No triplec database at {where}.{hint}")
    try:
        tables = connection.introspection.table_names()
    except Exception as exc:  # unreachable server, wrong password: say which database
        fail(f"Cannot open the database {where}: {exc}{hint}")
    if "accounts_user" not in tables:
        fail(f"The database {where} is not a set-up triplec database (no tables).{hint}")


def migrate(verbosity: int = 0) -> None:
    from django.conf import settings
    from django.core.management import call_command

    (Path(settings.DATA_DIR) / "static").mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=verbosity)


def fail(message: str, code: int = 1):
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (default: one per CPU, at most 8; always 1 on "
                                               "Windows).")] = 0,
    threads: Annotated[int, typer.Option(help="Threads per server process.")] = 2,
):
    """Migrate the database, then serve the platform (gunicorn processes; waitress on Windows)."""
    django_setup(need_database=False)
    migrate()
    from django.conf import settings

    from triplec.web import server
    from triplec.web.checks import uses_development_secret_key
    from triplec.web.wsgi import application

    workers = workers or server.default_workers()
    forked = server.can_fork_workers()
    if uses_development_secret_key():
        typer.secho("WARNING: development mode with the shipped, public secret key (TRIPLEC_SECRET_KEY is not "
                    "set). Fine on your own machine; never expose this server to others. For production see "
                    "README, 'Running in production'.", fg=typer.colors.YELLOW, bold=True, err=True)
    background = None
    if settings.TRIPLEC_IN_PROCESS_WORKER:
        if forked:
            background = server.start_background_worker()
        else:
            from triplec.core.tasks import start_in_process_worker

            start_in_process_worker()
    typer.echo(f"triplec is running at http://{host}:{port}/  ({workers if forked else 1} process(es) x {threads} "
               "threads; Ctrl+C to stop)")
    try:
        if forked:
            server.serve_gunicorn(application, host, port, workers, threads)
        else:
            server.serve_waitress(application, host, port, threads)
    finally:
        if background is not None:
            background.terminate()
            background.wait(timeout=30)


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
    django_setup(need_database=False)
    migrate()
    from triplec import demo as demo_data
    from triplec.registry.demo import describe_logins
    from triplec.registry.models import Enterprise

    if if_empty and Enterprise.objects.exists():
        typer.echo("The register already holds data; demo data not loaded again.")
        typer.echo(describe_logins())
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
    from triplec import backups

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
    django_setup(need_database=False)
    migrate()
    from triplec import backups
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
    from triplec.accounts.commands import users_app

    app.add_typer(users_app, name="users", help="List users, change roles, deactivate, revoke API tokens.")
    from triplec.fairs.commands import fairs_app

    app.add_typer(fairs_app, name="fairs", help="Trade fairs: e-mail the follow-ups that fell due (daily).")
    from triplec.mapping.cli_curves import curves_command
    from triplec.mapping.cli_map import map_command
    from triplec.mapping.cli_regions import regions_command

    app.command("map", help="Test every sector for localisation (Duranton-Overman Kd) and map clusters.")(map_command)
    app.command("curves", help="Kd and M curves of one sector, or of one sector around another (intertype).")(
        curves_command)
    app.command("regions", help="Regional concentration indices (LQ, Ellison-Glaeser, ...).")(regions_command)
    from triplec.impact.cli import impact_command

    app.command("impact", help="Staggered difference in differences (Callaway and Sant'Anna) of a panel.")(
        impact_command)
    from triplec.notifications.commands import notify_command

    app.command("notify", help="Refresh everyone's notifications of what is due; --email sends digests (daily).")(
        notify_command)


_register_subcommands()

if __name__ == "__main__":
    app()
