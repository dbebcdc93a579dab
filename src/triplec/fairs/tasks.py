"""Background work of the fairs: reminding firms and their association's manager (or network's broker)
of follow-ups with the buyers met at a fair, due 3, 6 and 12 months after it. Run daily (queue it from a scheduler, or
`remind_follow_ups.enqueue()`); each follow-up is reminded once, and the day is kept on it."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from triplec.accounts.models import User
from triplec.accounts.roles import Role
from triplec.core.tasks import task

from .services.links import follow_ups_to_remind


def recipients(follow_up) -> list[str]:
    participation = follow_up.participation
    users = User.objects.filter(is_active=True, role=Role.ENTERPRISE_USER, enterprise_id=participation.enterprise_id)
    stand = participation.stand
    if stand is not None and stand.association_id:
        users = users | User.objects.filter(is_active=True, role=Role.ASSOCIATION_MANAGER,
                                            organisation_id=stand.association_id)
    elif stand is not None and stand.network_id:  # a network's stand: its broker follows it up
        users = users | User.objects.filter(is_active=True, role=Role.BROKER, brokered_networks=stand.network_id)
    return sorted({u.email for u in users if u.email})


@task(takes_context=True, max_attempts=2, time_limit=600)
def remind_follow_ups(context) -> dict:
    """E-mail a reminder for each open follow-up that has become due, once; returns how many."""
    today = timezone.localdate()
    reminded = 0
    due = list(follow_ups_to_remind(today).select_related("participation__fair", "participation__enterprise",
                                                          "participation__stand").order_by("due_on", "id"))
    context.progress(0, len(due), _("Follow-ups to remind: %(count)s") % {"count": len(due)})
    for follow_up in due:
        to = recipients(follow_up)
        with transaction.atomic():
            # claimed first: a second run at the same moment finds it reminded and skips it
            if not follow_ups_to_remind(today).filter(pk=follow_up.pk).update(reminded_on=today):
                continue
            if to:
                fair, firm = follow_up.participation.fair, follow_up.participation.enterprise
                send_mail(_("Follow-up with the buyers of %(fair)s") % {"fair": fair},
                          _("%(firm)s: the %(months)s-month follow-up with the buyers met at %(fair)s is due on "
                            "%(day)s.") % {"firm": firm, "months": follow_up.months, "fair": fair,
                                           "day": follow_up.due_on.isoformat()}, None, to)
        reminded += 1
        context.progress(reminded, len(due), _("Reminded %(done)s of %(count)s") % {"done": reminded, "count": len(due)})
    return {"reminded": reminded}
