"""The subcontracting exchange on pages: a firm posts spare capacity or a need (product or process,
quantity a month, place) and withdraws it; a centre's staff and agency editors may post for any firm.
The explained matches of a need are `views.matches`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from triplec.core.shortcuts import errors_as_messages, first_or_404, form_saved, require_page
from triplec.registry.models import Enterprise

from . import policy
from .forms_setup import ExchangePostForm
from .services import exchange
from .views import centre_or_404


def _firms(user, centre):
    firm = policy.firm_of(user)
    if firm:
        return Enterprise.objects.filter(pk=firm)
    if policy.can_run_centre(user, centre):
        return Enterprise.objects.order_by("legal_name", "pk")
    return Enterprise.objects.none()


@login_required
@require_http_methods(["GET", "POST"])
def post(request, pk: int):
    centre = centre_or_404(request.user, pk)
    firms = _firms(request.user, centre)
    if not firms.exists():
        require_page(policy.can_book_at, request.user, centre)  # the same people: a firm's user or a runner
    form = ExchangePostForm(request.POST or None, firms=firms,
                            options_url=reverse("centres:firm_options", args=[centre.pk]))
    if request.method == "POST":
        made = form_saved(form, lambda d: exchange.post(
            request.user, centre, d["enterprise"],
            kind=d["kind"], code=d["code"], quantity=d["quantity"], unit=d["unit"], description=d["description"],
            latitude=d["latitude"], longitude=d["longitude"]))
        if made is not None:
            messages.success(request, _("Posted on the exchange."))
            return redirect("centres:matches", made.pk) if made.kind == "need" else redirect(
                "centres:centre_detail", centre.pk)
    return render(request, "centres/exchange_post.html", {"centre": centre, "form": form})


@login_required
@require_POST
def withdraw(request, pk: int):
    entry = first_or_404(policy.visible_exchange(request.user).filter(pk=pk).select_related("centre", "enterprise"),
                         _("No such post."))
    require_page(policy.can_post_on_exchange, request.user, entry.centre, entry.enterprise)
    with errors_as_messages(request) as outcome:
        exchange.close(request.user, entry)
    if not outcome.failed:
        messages.success(request, _("Post withdrawn from the exchange."))
    return redirect("centres:centre_detail", entry.centre_id)
