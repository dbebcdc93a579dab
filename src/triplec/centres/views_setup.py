"""The pages that set up and run a centre, for its own staff and agency editors (`policy.can_run_centre`):
the catalogue (services of each kind, equipment to book), fees by firm size, publications uploaded
(stored privately, served only by `views.publication`), memberships joined and renewed, paid uses;
public funds received (agency editors); every usage record; the finance by source exported. Another
centre's staff sees none of it (404), a reader who sees the centre but does not run it gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from triplec.core.shortcuts import (
    errors_as_messages,
    first_or_404,
    form_saved,
    page_of,
    require_page,
    table_download,
)
from triplec.registry.models import Enterprise
from triplec.registry.picker import options_response

from . import policy
from .forms_setup import (
    FeeForm,
    HoursForm,
    PublicationForm,
    PublicFundsForm,
    ServiceForm,
    SubscriptionForm,
    UseForm,
)
from .models import PUBLICATION_KINDS, Centre, Subscription
from .services import catalogue, membership, money, slots, usage
from .services.common import cents
from .views import centre_or_404


def _run(request, pk: int) -> Centre:
    centre = centre_or_404(request.user, pk)
    require_page(policy.can_run_centre, request.user, centre)
    return centre


def _firms():
    return Enterprise.objects.order_by("legal_name", "pk")


@login_required
@require_GET
def firm_options(request, pk: int):
    """Suggestions for the set-up and exchange pages' firm search box (those who run the centre)."""
    _run(request, pk)
    return options_response(request, _firms())


def _forms(centre: Centre, data=None, files=None, bound: str = "") -> dict:
    """The page's forms, the one that was sent (`bound`) with the request's data."""
    def pick(name):
        return (data, files) if name == bound else (None, None)
    firms = {"firms": _firms(), "options_url": reverse("centres:firm_options", args=[centre.pk])}
    return {
        "service_form": ServiceForm(pick("service")[0], prefix="service"),
        "fee_form": FeeForm(pick("fee")[0], prefix="fee"),
        "publication_form": PublicationForm(*pick("publication"), prefix="publication",
                                            services=centre.catalogue.filter(kind__in=PUBLICATION_KINDS, active=True)),
        "subscription_form": SubscriptionForm(pick("subscription")[0], prefix="subscription", **firms),
        "use_form": UseForm(pick("use")[0], prefix="use", **firms,
                            services=centre.catalogue.filter(active=True).exclude(kind="equipment")),
        "funds_form": PublicFundsForm(pick("funds")[0], prefix="funds"),
        "hours_form": HoursForm(pick("hours")[0], prefix="hours",
                                equipment=centre.catalogue.filter(kind="equipment").order_by("name")),
    }


def _page(request, centre: Centre, forms: dict | None = None, status: int = 200):
    subscriptions = (Subscription.objects.filter(centre=centre).select_related("enterprise")
                     .order_by("-ends_on", "enterprise__legal_name")[:100])
    return render(request, "centres/setup.html", {
        "centre": centre, "currency": centre.currency, **(forms or _forms(centre)),
        "services": list(centre.catalogue.all()),
        "subscriptions": [(s, membership.status(s)) for s in subscriptions],
        "manages": policy.can_manage_centres(request.user)}, status=status)


def _sent(request, centre: Centre, name: str, save, done: str):
    """A set-up form sent: `save(cleaned_data)`, then back to the page with `done` (its refusals on the form)."""
    forms = _forms(centre, request.POST, request.FILES, bound=name)
    form = forms[f"{name}_form"]
    if form_saved(form, save) is None:
        return _page(request, centre, forms)
    messages.success(request, done)
    return redirect("centres:centre_setup", centre.pk)


@login_required
@require_GET
def setup(request, pk: int):
    return _page(request, _run(request, pk))


@login_required
@require_POST
def add_service(request, pk: int):
    centre = _run(request, pk)
    return _sent(request, centre, "service", lambda d: catalogue.add_service(
        request.user, centre, code=d["code"], name=d["name"], kind=d["kind"], member_price=d["member_price"],
        non_member_price=d["non_member_price"], description=d["description"]), _("Service added to the catalogue."))


@login_required
@require_POST
def set_offered(request, pk: int, service_id: int):
    centre = _run(request, pk)
    service = first_or_404(centre.catalogue.filter(pk=service_id), _("No such service."))
    catalogue.set_offered(request.user, service, not service.active)
    messages.success(request, _("%(service)s is offered again.") % {"service": service} if service.active
                     else _("%(service)s is withdrawn from the catalogue.") % {"service": service})
    return redirect("centres:centre_setup", centre.pk)


@login_required
@require_POST
def set_fee(request, pk: int):
    centre = _run(request, pk)
    return _sent(request, centre, "fee", lambda d: catalogue.set_fee(request.user, centre, d["size_class"],
                                                                      d["yearly_fee"]), _("Yearly fee saved."))


@login_required
@require_POST
def publish(request, pk: int):
    centre = _run(request, pk)

    def save(d):
        upload = d["document"]
        catalogue.check_size(upload.size)  # before the whole file is read into memory
        service = first_or_404(centre.catalogue.filter(pk=d["service"]), _("No such service."))
        return catalogue.publish(request.user, service, title=d["title"], issued_on=d["issued_on"],
                                 filename=upload.name, content=upload.read())
    return _sent(request, centre, "publication", save, _("Publication uploaded; only entitled members can download it."))


@login_required
@require_POST
def subscribe(request, pk: int):
    centre = _run(request, pk)

    def save(d):
        firm = d["enterprise"]
        if request.POST.get("renew"):
            return membership.renew(request.user, centre, firm, on=d["starts_on"])
        return membership.subscribe(request.user, centre, firm, starts_on=d["starts_on"])
    return _sent(request, centre, "subscription", save, _("Membership recorded; its fee is on the ledger."))


@login_required
@require_POST
def record_use(request, pk: int):
    centre = _run(request, pk)

    def save(d):
        firm = d["enterprise"]
        service = first_or_404(centre.catalogue.filter(pk=d["service"]), _("No such service."))
        return usage.record_use(request.user, service, firm, quantity=d["quantity"])
    return _sent(request, centre, "use", save, _("Use recorded; its charge is on the ledger."))


@login_required
@require_POST
def set_hours(request, pk: int):
    centre = _run(request, pk)

    def save(d):
        equipment = first_or_404(centre.catalogue.filter(pk=d["equipment"], kind="equipment"), _("No such equipment."))
        return slots.set_opening_hours(request.user, equipment, opens_at=d["opens_at"], closes_at=d["closes_at"],
                                       open_days=d["open_days"])
    return _sent(request, centre, "hours", save, _("Opening hours saved."))


@login_required
@require_POST
def public_funds(request, pk: int):
    centre = centre_or_404(request.user, pk)
    require_page(policy.can_manage_centres, request.user)
    return _sent(request, centre, "funds", lambda d: money.record_public_funds(
        request.user, centre, d["funder"], d["amount"], d["reference"], on=d["received_on"]),
        _("Public funds recorded."))


@login_required
@require_POST
def join(request, pk: int):
    """A firm's user joins the centre (or renews) for its own firm, from the centre's page."""
    centre = centre_or_404(request.user, pk)
    require_page(policy.can_join, request.user, centre)
    firm = Enterprise.objects.get(pk=policy.firm_of(request.user))
    renewing = Subscription.objects.filter(centre=centre, enterprise=firm).exists()
    with errors_as_messages(request) as outcome:
        (membership.renew if renewing else membership.subscribe)(request.user, centre, firm)
    if not outcome.failed:
        messages.success(request, _("Membership renewed; the yearly fee is on the ledger.") if renewing
                         else _("Welcome: your firm is a member; the yearly fee is on the ledger."))
    return redirect("centres:centre_detail", centre.pk)


@login_required
@require_GET
def usage_records(request, pk: int):
    centre = centre_or_404(request.user, pk)
    require_page(policy.sees_centre_books, request.user, centre)
    records = (policy.visible_usage(request.user).filter(centre=centre)
               .select_related("service", "enterprise", "publication", "user"))
    kind = request.GET.get("kind", "")
    if kind:
        records = records.filter(kind=kind)
    return render(request, "centres/usage.html", {"centre": centre, "currency": centre.currency, "kind": kind,
                                                  "page": page_of(request, records, 50)})


FINANCE_COLUMNS = ("year", "public", "subscriptions", "fees", "total", "public_share")


def finance_rows(centre: Centre) -> list[dict]:
    """The finance by source per year in cents (the ledger keeps four places), the public share to 4 places."""
    return [{"year": y.year, "public": cents(y.public), "subscriptions": cents(y.subscriptions), "fees": cents(y.fees),
             "total": cents(y.total), "public_share": None if y.public_share is None else round(y.public_share, 4)}
            for y in money.finance_by_year(centre)]


@login_required
@require_GET
def finance_export(request, pk: int, fmt: str):
    """The finance by source per year, from the ledger, as CSV or XLSX (the agency and the centre's staff)."""
    centre = centre_or_404(request.user, pk)
    require_page(policy.sees_centre_books, request.user, centre)
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Finance is exported as CSV or XLSX."))
    return table_download(request, fmt, f"finance-{slugify(centre.name) or centre.pk}",
                          {"finance": (FINANCE_COLUMNS, finance_rows(centre))})
