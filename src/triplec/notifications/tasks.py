"""Background work of notifications: refresh every active user's notices from what is due today and,
with `email`, send each user one digest of the notices not e-mailed yet. Run daily from cron
(`triplec notify --email`) or queue it (`notify.enqueue(email=True)`, `triplec notify --email --queue`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from triplec.core.tasks import task

from .services import inbox, mail


@task(takes_context=True, max_attempts=2, time_limit=1800)
def notify(context, email: bool = False) -> dict:
    """Refresh everyone's notices (progress over users), then e-mail the digests; returns the counts."""
    def refreshing(done: int, total: int) -> None:
        context.progress(done, total, _("Users checked: %(done)s of %(count)s") % {"done": done, "count": total})

    result = inbox.refresh(progress=refreshing)
    out = {"users": result.users, "created": result.created, "resolved": result.resolved,
           "reopened": result.reopened, "emailed_users": 0, "emailed_notices": 0}
    if email:
        def mailing(done: int, total: int) -> None:
            context.progress(done, total, _("Users e-mailed: %(done)s of %(count)s") % {"done": done, "count": total})

        out["emailed_users"], out["emailed_notices"] = mail.send_digests(progress=mailing)
    return out
