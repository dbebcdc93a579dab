"""`triplec notify [--email] [--queue]`: refresh every user's notices of what is due (overdue
evaluations, gates waiting, follow-ups and actions due, payments waiting) and, with `--email`, send each
user one digest of the new ones. Run it daily from cron; a notice is created and e-mailed once, so
running it again sends nothing new."""

from __future__ import annotations

from typing import Annotated

import typer


def notify_command(
    email: Annotated[bool, typer.Option("--email", help="Also e-mail each user a digest of the notices "
                                                       "not e-mailed yet.")] = False,
    queue: Annotated[bool, typer.Option("--queue", help="Queue the task for the background worker instead "
                                                          "of running it here.")] = False,
):
    """Refresh everyone's notifications (with a progress bar over users), optionally e-mail them."""
    from triplec.cli import django_setup

    django_setup()
    from triplec.core import tasks

    from .tasks import notify

    if queue:
        row = tasks.enqueue(notify, email=email)
        typer.echo(f"Queued task {row.pk}: the background worker refreshes the notifications.")
        return
    bars: dict[str, object] = {}

    def progress(done: int, total: int, message: str = "") -> None:
        label = message.split(":")[0]
        if label not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[label] = typer.progressbar(length=total, label=label, file=typer.get_text_stream("stderr"))
        bar = bars[label]
        bar.update(done - bar.pos)

    result = tasks.call_now(notify, progress=progress, email=email)
    for bar in bars.values():
        bar.render_finish()
    typer.echo(f"Checked {result['users']} user(s): {result['created']} new notice(s), "
               f"{result['resolved']} settled.")
    if email:
        typer.echo(f"E-mailed {result['emailed_notices']} notice(s) to {result['emailed_users']} user(s).")
