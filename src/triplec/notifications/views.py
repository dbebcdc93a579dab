"""Notification pages: the user's open notices (unread first), marking one or all read, following a
notice's link (marks it read), and refreshing what is due now. Every page needs a login; a user
reads only their own notices (another's answers 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from triplec.core.shortcuts import found_or_404

from .services import inbox

SHOWN = 200


@login_required
@require_GET
def notice_list(request):
    notices = list(inbox.open_notices(request.user)[:SHOWN])
    return render(request, "notifications/list.html", {
        "notices": notices, "unread": sum(1 for n in notices if n.read_at is None)})


@login_required
@require_POST
def refresh(request):
    result = inbox.refresh(request.user)
    messages.success(request, ngettext("%(count)d new notice.", "%(count)d new notices.", result.created)
                     % {"count": result.created})
    return redirect("notifications:notice_list")


@login_required
@require_POST
def read(request, pk: int):
    found_or_404(inbox.mark_read, request.user, pk)
    return redirect("notifications:notice_list")


@login_required
@require_POST
def read_all(request):
    count = inbox.mark_all_read(request.user)
    messages.success(request, ngettext("%(count)d notice marked read.", "%(count)d notices marked read.", count)
                     % {"count": count})
    return redirect("notifications:notice_list")


@login_required
@require_GET
def open_notice(request, pk: int):
    """Follow a notice's link: it counts as read."""
    notice = found_or_404(inbox.mark_read, request.user, pk)
    if not notice.url.startswith("/") or notice.url.startswith("//"):
        messages.error(request, _("This notice has no page to open."))
        return redirect("notifications:notice_list")
    return redirect(notice.url)
