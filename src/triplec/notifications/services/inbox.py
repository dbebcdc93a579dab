"""The in-app list: `refresh` turns what is due into notices (idempotent and safe when two refreshes
run at once: the unique (recipient, key) constraint and get_or_create), marks the ones whose thing is
no longer due as resolved (they leave the open list) and reopens one that falls due again (without a
second e-mail). Reading: `open_notices`, `unread_count`, `mark_read`, `mark_all_read`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from triplec.accounts.models import User
from triplec.core.errors import NotFound

from .. import policy
from ..models import Notification
from .due import Run, due_for


@dataclass
class Refreshed:
    users: int = 0
    created: int = 0
    resolved: int = 0
    reopened: int = 0


def refresh_user(user, run: Run) -> Refreshed:
    """Bring one user's notices in line with what is due for them now."""
    result = Refreshed(users=1)
    due = {d.key: d for d in due_for(user, run)}
    known = {n.key: n for n in Notification.objects.filter(recipient=user)}
    now = timezone.now()
    for key, d in due.items():
        if key in known:
            continue
        _, created = Notification.objects.get_or_create(
            recipient=user, key=key, defaults={"kind": d.kind, "subject": d.subject[:300], "url": d.url,
                                               "due_on": d.due_on})
        result.created += created
    gone = [n.pk for key, n in known.items() if key not in due and n.resolved_at is None]
    back = [n.pk for key, n in known.items() if key in due and n.resolved_at is not None]
    if gone:
        result.resolved = Notification.objects.filter(pk__in=gone, resolved_at__isnull=True).update(resolved_at=now)
    if back:
        result.reopened = Notification.objects.filter(pk__in=back).update(resolved_at=None)
    return result


def active_users() -> QuerySet:
    return User.objects.filter(is_active=True).select_related("organisation").order_by("pk")


def refresh(user=None, *, on=None, progress=None) -> Refreshed:
    """Refresh one user's notices, or every active user's (`user=None`); `progress(done, total)` is
    called after each user. `on` is the day things are due against (default today)."""
    run = Run(on=on) if on else Run()
    users = [user] if user is not None else list(active_users())
    total = Refreshed()
    for done, person in enumerate(users, start=1):
        with transaction.atomic():
            one = refresh_user(person, run)
        total.users += 1
        total.created += one.created
        total.resolved += one.resolved
        total.reopened += one.reopened
        if progress:
            progress(done, len(users))
    return total


def open_notices(user) -> QuerySet:
    """The user's notices whose thing is still due: unread first, then by due date."""
    return (policy.visible_notifications(user).filter(resolved_at__isnull=True)
            .order_by(F("read_at").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "pk"))


def unread_count(user) -> int:
    if not policy.sees_notifications(user):
        return 0
    return policy.visible_notifications(user).filter(resolved_at__isnull=True, read_at__isnull=True).count()


def get_notice(user, pk: int) -> Notification:
    found = policy.visible_notifications(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such notification."))
    return found


def mark_read(user, pk: int) -> Notification:
    """Mark one of the user's notices read (again: nothing changes); another's is not found."""
    notice = get_notice(user, pk)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
        notice.refresh_from_db()
    return notice


def mark_all_read(user) -> int:
    return policy.visible_notifications(user).filter(read_at__isnull=True).update(read_at=timezone.now())
