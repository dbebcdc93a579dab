"""The work pages of a contract: the association manager's allocation of a line (the system's proposal,
explained per member, edited and confirmed), the purchaser's inspection of deliveries, and the
association's members' scoreboard. See `views` for the rules every page follows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import errors_on_form, first_or_404, require_page
from triplec.registry.models import Organisation

from . import policy
from .forms import SERVICE_ALIASES, AllocationForm, InspectionForm
from .forms_labels import ScanForm
from .models import ContractLine
from .services import allocation as allocation_services
from .services import deliveries as delivery_services
from .services import labels as label_services
from .services import scoreboard as scoreboard_services
from .views import contract_or_404


def _contract_page(contract):
    return redirect(reverse("procurement:contract_detail", args=[contract.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request, pk: int, line_id: int):
    contract = contract_or_404(request.user, pk)
    require_page(policy.can_run_contract, request.user, contract)
    line = first_or_404(ContractLine.objects.filter(contract=contract, pk=line_id).select_related("product"),
                        _("No such line on this contract."))
    proposal = allocation_services.propose(line)
    form = AllocationForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        with errors_on_form(form, SERVICE_ALIASES):
            created = allocation_services.confirm(request.user, line, form.quantities(),
                                                  note=form.cleaned_data["note"])
            messages.success(request, _("%(n)s allocations confirmed.") % {"n": len(created)})
            return _contract_page(contract)
    progress = next(p for p in delivery_services.completion(contract).lines if p.line.pk == line.pk)
    return render(request, "procurement/allocate.html", {
        "contract": contract, "line": line, "form": form, "progress": progress,
        "left": progress.ordered - progress.allocated})


def _inspection_page(request, contract, bound=None, scan=None, lot=None):
    """`lot`: only the deliveries of that scanned lot (labels.lot_deliveries_q) are offered."""
    waiting = (policy.visible_deliveries(request.user).filter(line__contract=contract, inspected_on__isnull=True)
               .select_related("maker", "line__product", "allocation", "rework").order_by("delivered_on", "id"))
    if lot is not None:
        waiting = waiting.filter(label_services.lot_deliveries_q(lot))
    rows = [(d, bound[1] if bound and bound[0] == d.pk else
             InspectionForm(initial={"accepted": d.quantity, "rejected": 0}, prefix=f"d{d.pk}")) for d in waiting]
    done = (policy.visible_deliveries(request.user).filter(line__contract=contract, inspected_on__isnull=False)
            .select_related("maker", "line__product").order_by("-inspected_on", "-id"))
    return render(request, "procurement/inspection.html", {"contract": contract, "rows": rows, "done": done,
                                                           "scan": scan or ScanForm(), "lot": lot})


@login_required
@require_GET
def inspection(request, pk: int):
    contract = contract_or_404(request.user, pk)
    require_page(policy.can_inspect, request.user, contract)
    return _inspection_page(request, contract)


@login_required
@require_POST
def inspect_delivery(request, pk: int, delivery_id: int):
    contract = contract_or_404(request.user, pk)
    require_page(policy.can_inspect, request.user, contract)
    delivery = first_or_404(policy.visible_deliveries(request.user).filter(line__contract=contract, pk=delivery_id),
                            _("No such delivery on this contract."))
    form = InspectionForm(request.POST, prefix=f"d{delivery.pk}")
    if form.is_valid():
        with errors_on_form(form):
            delivery_services.inspect(request.user, delivery, accepted=form.cleaned_data["accepted"],
                                      rejected=form.cleaned_data["rejected"], reasons=form.cleaned_data["reasons"])
            messages.success(request, _("Inspection of %(maker)s's delivery recorded.") % {"maker": delivery.maker})
            return redirect(reverse("procurement:inspection", args=[contract.pk]))
    return _inspection_page(request, contract, bound=(delivery.pk, form))


@login_required
@require_GET
def scoreboard(request, pk: int):
    association = get_object_or_404(Organisation, pk=pk)
    require_page(policy.can_view_scoreboard, request.user, association)
    rows = scoreboard_services.scoreboard(request.user, association)
    years = sorted({y for r in rows for y in r.years})
    return render(request, "procurement/scoreboard.html", {
        "association": association, "rows": rows, "years": years,
        "contracts": policy.visible_contracts(request.user).filter(association=association)[:10]})
