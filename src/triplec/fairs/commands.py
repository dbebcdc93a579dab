"""`triplec fairs ...`: the operator's side of the fairs. `remind` e-mails each follow-up with the
buyers met at a fair once it falls due (3, 6 and 12 months after the fair); run it daily from cron.
A follow-up is reminded once: running it again the same day, or the next, sends nothing new."""

from __future__ import annotations

from typing import Annotated

import typer

fairs_app = typer.Typer(no_args_is_help=True)


@fairs_app.command("remind")
def remind(
    queue: Annotated[bool, typer.Option("--queue", help="Queue the task for the background worker instead "
                                                          "of running it here.")] = False,
):
    """E-mail the follow-ups that fell due (each once), with progress; or queue that for the worker."""
    from triplec.cli import django_setup

    django_setup()
    from triplec.core import tasks

    from .tasks import remind_follow_ups

    if queue:
        row = tasks.enqueue(remind_follow_ups)
        typer.echo(f"Queued task {row.pk}: the background worker sends the reminders.")
        return

    def progress(done: int, total: int, message: str = "") -> None:
        typer.echo(f"{done}/{total} {message}".rstrip(), err=True)

    result = tasks.call_now(remind_follow_ups, progress=progress)
    typer.echo(f"Reminded {result['reminded']} follow-up(s).")
