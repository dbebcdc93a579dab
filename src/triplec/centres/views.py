"""The centres' pages: the centres the reader sees, one centre (catalogue, publications, exchange;
the reader's own firm's membership, bookings and downloads; for its staff and the agency, members,
bookings, usage and income), booking equipment, cancelling, downloading a publication (served here
after the entitlement check, never from a public URL), the finance by source and the exchange's
matches.

Every page needs a login. A centre the reader may not see answers 404; an action it may not take,
403 before any input is read; writes go through `services`, whose refusals are shown on the form.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import (
    domain_errors,
    errors_as_messages,
    errors_on_form,
    first_or_404,
    require_page,
)
from triplec.registry.models import Enterprise

from . import pages, policy
from .forms import BookingForm
from .models import Centre, ExchangePost, Publication
from .services import bookings, exchange, slots, usage


def centre_or_404(user, pk: int) -> Centre:
    return first_or_404(policy.visible_centres(user).filter(pk=pk).select_related("organisation"),
                        _("No such centre."))


@login_required
@require_GET
def centre_list(request):
    centres = policy.visible_centres(request.user).select_related("organisation").order_by("organisation__name")
    return render(request, "centres/centre_list.html", {"centres": centres})


@login_required
@require_GET
def centre_detail(request, pk: int):
    centre = centre_or_404(request.user, pk)
    return render(request, "centres/centre_detail.html", pages.centre_page(request.user, centre))


@login_required
@require_http_methods(["GET", "POST"])
def book(request, pk: int, service_id: int):
    centre = centre_or_404(request.user, pk)
    equipment = first_or_404(centre.catalogue.filter(pk=service_id, kind="equipment", active=True),
                             _("No such equipment."))
    require_page(policy.can_book_at, request.user, centre)
    firm = policy.firm_of(request.user)
    firms = Enterprise.objects.filter(pk=firm) if firm else Enterprise.objects.filter(
        centre_subscriptions__centre=centre).distinct().order_by("legal_name")
    form = BookingForm(request.POST or None, firms=firms)
    if request.method == "POST" and form.is_valid():
        start, end = form.slot()
        with errors_on_form(form, {"starts_at": "start", "ends_at": "hours", "equipment": "__all__"}):
            made = bookings.book(request.user, equipment, Enterprise.objects.get(pk=form.cleaned_data["enterprise"]),
                                 start, end)
        if not form.errors:
            messages.success(request, _("Booked: %(equipment)s, %(start)s.") % {
                "equipment": equipment, "start": made.starts_at.strftime("%Y-%m-%d %H:%M")})
            return redirect("centres:centre_detail", centre.pk)
    taken = equipment.bookings.filter(cancelled_at__isnull=True).order_by("starts_at")
    return render(request, "centres/book.html", {"centre": centre, "equipment": equipment, "form": form,
                                                 "taken": taken.filter(ends_at__gte=timezone.now())[:30],
                                                 "week": slots.week(equipment, _week_of(request))})


def _week_of(request) -> date:
    """The day whose week the booking page shows (`?week=YYYY-MM-DD`; this week by default)."""
    try:
        return date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@require_POST
def cancel_booking(request, pk: int):
    booking = first_or_404(policy.visible_bookings(request.user).filter(pk=pk).select_related(
        "equipment__centre", "enterprise"), _("No such booking."))
    require_page(policy.can_act_for_firm, request.user, booking.equipment.centre, booking.enterprise)
    with errors_as_messages(request) as outcome:
        bookings.cancel(request.user, booking)
    if not outcome.failed:
        messages.success(request, _("Booking cancelled; its charge was refunded."))
    return redirect("centres:centre_detail", booking.equipment.centre_id)


@login_required
@require_GET
def publication(request, pk: int):
    found = first_or_404(Publication.objects.filter(pk=pk).select_related("service__centre"),
                         _("No such publication."))
    with domain_errors():
        handle = usage.open_publication(request.user, found)
    response = FileResponse(handle, as_attachment=True, filename=found.document.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def finance(request, pk: int):
    centre = centre_or_404(request.user, pk)
    require_page(policy.sees_centre_books, request.user, centre)
    return render(request, "centres/finance.html", pages.finance_page(centre))


@login_required
@require_GET
def matches(request, pk: int):
    need = first_or_404(policy.visible_exchange(request.user).filter(pk=pk, kind=ExchangePost.Kind.NEED)
                        .select_related("centre__organisation", "enterprise"), _("No such need."))
    found = exchange.matches_for(request.user, need)
    return render(request, "centres/matches.html", {"need": need, "centre": need.centre, "matches": found,
                                                    "back": reverse("centres:centre_detail", args=[need.centre_id])})
