"""The agency's set-up pages of the fairs (agency editors): programmes and their subsidy rules with the
rules explained on examples, fairs (place with coordinates, dates, sectors, scope), group stands; and
undoing: a participation cancelled (by whoever may sign it up), a wrong payment reversed.

What the reader may not see answers 404; an action it may not take, 403 before any input is read.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import (
    errors_as_messages,
    first_or_404,
    form_saved,
    require_page,
    table_download,
)
from triplec.networks.models import Network

from . import policy
from .forms_setup import (
    CancelForm,
    FairForm,
    NetworkStandForm,
    PayForm,
    ProgrammeForm,
    ReverseForm,
    StandForm,
)
from .models import Programme
from .services import export, money, network_stands, programmes
from .services.common import today
from .services.subsidy import preview
from .views import fair_or_404, participation_or_404

PREVIEW_COST = Decimal("10000.00")
RULES = ("share_micro", "share_small", "share_medium", "share_large", "group_extra_share", "repeat_step")


def _editor(request) -> None:
    require_page(policy.can_manage_programmes, request.user)


@login_required
@require_GET
def programme_list(request):
    _editor(request)
    return render(request, "fairs/programme_list.html", {"programmes": Programme.objects.order_by("name", "id")})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int | None = None):
    """Create (no pk) or edit a programme; "Preview" explains the rules as filled in, saving nothing."""
    _editor(request)
    programme = first_or_404(Programme.objects.filter(pk=pk), _("No such programme.")) if pk else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    shown = programme
    if request.method == "POST":
        if "preview" in request.POST:
            shown = form.instance if form.is_valid() else None
        else:
            def save(data):
                rules = {k: data[k] for k in RULES}
                if programme is None:
                    return programmes.create_programme(request.user, name=data["name"], currency=data["currency"],
                                                       yearly_cap=data["yearly_cap"], distant_km=data["distant_km"],
                                                       **rules)
                return programmes.update_programme(request.user, programme, name=data["name"],
                                                   currency=data["currency"], yearly_cap=data["yearly_cap"],
                                                   distant_km=data["distant_km"], **rules)
            if form_saved(form, save) is not None:
                messages.success(request, _("Programme saved."))
                return redirect(reverse("fairs:fair_programme_list"))
    examples = preview(shown, PREVIEW_COST, today().year) if shown is not None and shown.currency else []
    return render(request, "fairs/setup_form.html", {
        "form": form, "title": _("Edit the programme") if programme else _("New fairs programme"),
        "examples": examples, "preview_cost": PREVIEW_COST, "currency": shown.currency if shown else "",
        "can_preview": True, "back": reverse("fairs:fair_programme_list")})


@login_required
@require_http_methods(["GET", "POST"])
def fair_edit(request, pk: int | None = None):
    """Create (no pk) or edit a fair."""
    fair = fair_or_404(request.user, pk) if pk else None
    _editor(request)
    form = FairForm(request.POST or None, instance=fair)
    if fair is not None:
        form.fields["programme"].disabled = True

    def save(data):
        facts = {k: data[k] for k in ("name", "organiser", "place", "country", "starts_on", "ends_on", "sectors",
                                      "scope", "distant", "latitude", "longitude")}
        if fair is None:
            return programmes.add_fair(request.user, data["programme"], **facts)
        return programmes.update_fair(request.user, fair, **facts)
    if request.method == "POST" and (saved := form_saved(form, save)) is not None:
        messages.success(request, _("Fair saved."))
        return redirect(reverse("fairs:fair_detail", args=[saved.pk]))
    return render(request, "fairs/setup_form.html", {
        "form": form, "title": _("Edit the fair") if fair else _("New fair"),
        "back": reverse("fairs:fair_detail", args=[fair.pk]) if fair else reverse("fairs:fair_list")})


@login_required
@require_http_methods(["GET", "POST"])
def stand_add(request, pk: int):
    fair = fair_or_404(request.user, pk)
    _editor(request)
    form = StandForm(request.POST or None)

    def save(data):
        return programmes.add_group_stand(request.user, fair, association=data["association"],
                                          total_cost=data["total_cost"], cost_sharing=data["cost_sharing"])
    if request.method == "POST" and form_saved(form, save) is not None:
        messages.success(request, _("Group stand added."))
        return redirect(reverse("fairs:fair_detail", args=[fair.pk]))
    return render(request, "fairs/setup_form.html", {
        "form": form, "title": _("Group stand at %(fair)s") % {"fair": fair},
        "back": reverse("fairs:fair_detail", args=[fair.pk])})


@login_required
@require_http_methods(["GET", "POST"])
def network_stand_add(request, pk: int):
    """A network's broker (or agency staff) signs the network up for a group stand at the fair."""
    fair = fair_or_404(request.user, pk)
    networks = policy.networks_to_sign_up(request.user).order_by("name", "id")
    if not networks.exists():
        raise HttpForbidden(str(policy.can_sign_up_network.refusal))
    # A network sent is looked up among all: the service refuses (403) one the reader does not broker.
    form = NetworkStandForm(request.POST or None, networks=Network.objects.all() if request.method == "POST"
                            else networks, initial={"network": networks.first() if networks.count() == 1 else None})

    def save(data):
        return network_stands.sign_up_network(request.user, fair, data["network"], total_cost=data["total_cost"],
                                              subsidy_requested=data["subsidy_requested"])
    if request.method == "POST" and (stand := form_saved(form, save)) is not None:
        messages.success(request, _("%(network)s is signed up for %(fair)s with %(count)s firms.") % {
            "network": stand.network, "fair": fair, "count": stand.participations.count()})
        return redirect(reverse("fairs:fair_detail", args=[fair.pk]))
    return render(request, "fairs/setup_form.html", {
        "form": form, "title": _("A network's group stand at %(fair)s") % {"fair": fair},
        "back": reverse("fairs:fair_detail", args=[fair.pk])})


def _back(p):
    return redirect(reverse("fairs:participation_detail", args=[p.pk]))


@login_required
@require_POST
def cancel(request, pk: int):
    p = participation_or_404(request.user, pk)
    require_page(policy.can_cancel, request.user, p)
    form = CancelForm(request.POST)
    with errors_as_messages(request):
        programmes.cancel(request.user, p, reason=form.data.get("reason", ""))
        messages.success(request, _("Participation cancelled."))
    return _back(p)


@login_required
@require_POST
def pay(request, pk: int):
    p = participation_or_404(request.user, pk)
    _editor(request)
    form = PayForm(request.POST)
    form.is_valid()
    with errors_as_messages(request):
        p = money.pay_costs(request.user, p, round_no=form.cleaned_data.get("round_no"))
        messages.success(request, _("Costs paid: the programme pays its subsidy, the firm the rest."))
    return _back(p)


@login_required
@require_POST
def reverse_payment(request, pk: int):
    p = participation_or_404(request.user, pk)
    _editor(request)
    form = ReverseForm(request.POST)
    form.is_valid()
    with errors_as_messages(request):
        money.reverse_payment(request.user, p, reason=form.data.get("reason", ""),
                              transaction_id=form.cleaned_data.get("transaction"))
        messages.success(request, _("Payment reversed on the ledger; the participation is unpaid again."))
    return _back(p)


@login_required
@require_GET
def export_participations(request, fmt: str):
    """Every participation the reader may see, as CSV (the reader's separator and decimal mark; `sep`,
    `decimal`, `headers` override) or XLSX; for the agency's editors and evaluators."""
    require_page(policy.can_export, request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Participations are exported as CSV or XLSX."))
    return table_download(request, fmt, "fair-participations",
                          {"participations": (export.COLUMNS, export.participation_rows(request.user))},
                          export.column_labels())
