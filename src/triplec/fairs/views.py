"""Fairs pages: the fairs and the reader's due follow-ups, one fair with its stands and participations
(and signing up), one participation with its money, subsidy explained, buyers, orders and follow-ups.

Every page needs a login. What a page shows is scoped by `policy` (what the reader may not see answers
404; an action it may not take, 403 before any input is read); writes go through `services`, whose
refusals are shown on the form or as messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import errors_as_messages, errors_on_form, first_or_404, page_of, require_page
from triplec.registry.models import Enterprise
from triplec.registry.picker import options_response

from . import pages, policy
from .forms import SERVICE_ALIASES, ContactForm, FollowUpDoneForm, OrderForm, SignUpForm
from .models import Fair
from .services import links, programmes

LIST_PAGE_SIZE = 25


def fair_or_404(user, pk: int) -> Fair:
    return first_or_404(policy.visible_fairs(user).filter(pk=pk).select_related("programme"), _("No such fair."))


def participation_or_404(user, pk: int):
    return first_or_404(policy.visible_participations(user).filter(pk=pk).select_related(
        "fair__programme", "enterprise", "stand__association", "stand__network"), _("No such participation."))


def _to_participation(p):
    return redirect(reverse("fairs:participation_detail", args=[p.pk]))


@login_required
@require_GET
def fair_list(request):
    fairs = policy.visible_fairs(request.user).select_related("programme").order_by("-starts_on", "name", "id")
    return render(request, "fairs/fair_list.html", {
        "page": page_of(request, fairs, LIST_PAGE_SIZE), "due": links.follow_ups_due(request.user)[:10],
        "can_manage": policy.can_manage_programmes(request.user), "can_export": policy.can_export(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def fair_detail(request, pk: int):
    fair = fair_or_404(request.user, pk)
    choices = pages.sign_up_choices(request.user, fair)
    if request.method == "POST" and choices is None:
        raise HttpForbidden(str(policy.can_sign_up.refusal))
    options_url = reverse("fairs:firm_options", args=[fair.pk])
    form = SignUpForm(request.POST or None, options_url=options_url, **choices) if choices else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form, SERVICE_ALIASES):
            p = programmes.sign_up(request.user, fair, data["firm"], stand=data["stand"], cost=data["cost"],
                                   area_m2=data["area_m2"], agreed_share=data["agreed_share"],
                                   subsidy_requested=data["subsidy_requested"])
            messages.success(request, _("%(firm)s is signed up for %(fair)s.") % {"firm": p.enterprise, "fair": fair})
            return _to_participation(p)
    participations = (policy.visible_participations(request.user).filter(fair=fair)
                      .select_related("enterprise", "stand__association", "stand__network").order_by("enterprise__legal_name", "id"))
    return render(request, "fairs/fair_detail.html", {
        "fair": fair, "stands": policy.visible_stands(request.user).filter(fair=fair).select_related("association", "network"),
        "participations": participations, "form": form, "can_pay": policy.can_manage_programmes(request.user),
        "can_sign_up_networks": policy.networks_to_sign_up(request.user).exists()})


@login_required
@require_GET
def firm_options(request, pk: int):
    """Suggestions for the sign-up form's firm search box: the firms the reader may sign up there."""
    choices = pages.sign_up_choices(request.user, fair_or_404(request.user, pk))
    if choices is None:
        raise HttpForbidden(str(policy.can_sign_up.refusal))
    return options_response(request, Enterprise.objects.all() if choices["firms"] is None else choices["firms"])


@login_required
@require_GET
def participation_detail(request, pk: int):
    p = participation_or_404(request.user, pk)
    context = pages.participation_page(request.user, p)
    if context["can_follow_up"]:
        context["contact_form"] = ContactForm(prefix="contact")
        context["order_form"] = OrderForm(prefix="order", contacts=p.contacts.all(),
                                          initial={"currency": p.fair.programme.currency})
    return render(request, "fairs/participation_detail.html", context)


def _participation_form(request, pk: int, make_form, save, template_key: str):
    p = participation_or_404(request.user, pk)
    require_page(policy.can_follow_up, request.user, p)
    form = make_form(p)
    if form.is_valid():
        with errors_on_form(form, SERVICE_ALIASES):
            save(p, form.cleaned_data)
            return _to_participation(p)
    context = pages.participation_page(request.user, p)
    context.update({"contact_form": ContactForm(prefix="contact"),
                    "order_form": OrderForm(prefix="order", contacts=p.contacts.all()), template_key: form})
    return render(request, "fairs/participation_detail.html", context, status=400)


@login_required
@require_POST
def add_contact(request, pk: int):
    def save(p, data):
        links.record_contact(request.user, p, buyer=data["buyer"], person=data["person"], company=data["company"],
                             country=data["country"], is_agent=data["is_agent"], note=data["note"])
        messages.success(request, _("Buyer recorded."))
    return _participation_form(request, pk, lambda p: ContactForm(request.POST, prefix="contact"), save,
                               "contact_form")


@login_required
@require_POST
def add_order(request, pk: int):
    def save(p, data):
        links.record_order(request.user, data["contact"], value=data["value"], currency=data["currency"],
                           ordered_on=data["ordered_on"], note=data["note"])
        messages.success(request, _("Order recorded."))
    return _participation_form(request, pk, lambda p: OrderForm(request.POST, prefix="order",
                                                                contacts=p.contacts.all()), save, "order_form")


@login_required
@require_POST
def follow_up_done(request, pk: int, follow_up_id: int):
    p = participation_or_404(request.user, pk)
    require_page(policy.can_follow_up, request.user, p)
    follow_up = first_or_404(p.follow_ups.filter(pk=follow_up_id), _("No such follow-up."))
    form = FollowUpDoneForm(request.POST)
    form.is_valid()
    with errors_as_messages(request):
        links.complete_follow_up(request.user, follow_up, note=form.cleaned_data.get("note", ""))
        messages.success(request, _("Follow-up done."))
    return _to_participation(p)


@login_required
@require_GET
def follow_ups(request):
    rows = [(f, links.FollowUpState.LABELS[links.state_of(f)]) for f in links.follow_ups_due(request.user)]
    return render(request, "fairs/follow_ups.html", {"rows": rows})
