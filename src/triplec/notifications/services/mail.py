"""E-mail: one digest per user of the notices not e-mailed yet, each with its link (absolute, from
`settings.TRIPLEC_BASE_URL`), through Django's mail framework. Each notice is e-mailed once: the run
claims it (`emailed_at`) in the same transaction as the sending, so a second run, or one at the same
moment, finds nothing left to send. Users without an e-mail address are skipped."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Notification
from .inbox import active_users


def absolute(url: str) -> str:
    return settings.TRIPLEC_BASE_URL.rstrip("/") + url


def digest(notices) -> tuple[str, str]:
    """The subject and plain-text body of a digest of `notices`."""
    subject = ngettext("triplec: %(count)d new notice", "triplec: %(count)d new notices",
                       len(notices)) % {"count": len(notices)}
    lines = []
    for n in notices:
        line = (_("%(title)s (due %(day)s)") % {"title": n.title, "day": n.due_on.isoformat()} if n.due_on
                else n.title)
        lines.append(f"- {line}\n  {absolute(n.url)}")
    body = "\n".join([_("What is waiting for you:"), "", *lines, "",
                      _("All your notices: %(url)s") % {"url": absolute(reverse("notifications:notice_list"))}])
    return subject, body


def send_digest(user) -> int:
    """E-mail the user's open notices not e-mailed yet, in one message; how many it held."""
    if not user.email:
        return 0
    with transaction.atomic():
        stamp = timezone.now()
        claimed = Notification.objects.filter(recipient=user, emailed_at__isnull=True,
                                              resolved_at__isnull=True).update(emailed_at=stamp)
        if not claimed:
            return 0
        notices = list(Notification.objects.filter(recipient=user, emailed_at=stamp).order_by("due_on", "pk"))
        if notices:
            subject, body = digest(notices)
            send_mail(subject, body, None, [user.email])
        return len(notices)


def send_digests(progress=None) -> tuple[int, int]:
    """A digest to every active user with new notices: (users e-mailed, notices sent)."""
    users = list(active_users().exclude(email=""))
    mailed = sent = 0
    for done, user in enumerate(users, start=1):
        count = send_digest(user)
        mailed += bool(count)
        sent += count
        if progress:
            progress(done, len(users))
    return mailed, sent
