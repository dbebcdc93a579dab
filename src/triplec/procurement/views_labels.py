"""Maker labels and lot codes: the contract's labels page, the label PDFs (one allocation, for whoever
may see it; a whole line or contract, for who runs the contract), and the inspection page's look-up of
a scanned or typed lot code. See `views` for the rules every page follows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from triplec.core.errors import ValidationFailed
from triplec.core.shortcuts import first_or_404, require_page

from . import policy
from .forms_labels import LabelOptions, ScanForm
from .models import ContractLine
from .services import labels as label_services
from .views import contract_or_404, controls
from .views_work import _inspection_page


def _labels_page(contract) -> str:
    return reverse("procurement:labels", args=[contract.pk])


def _pdf(request, contract, allocations, filename: str):
    options = LabelOptions(request.GET)
    if not options.is_valid():
        for errors in options.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_labels_page(contract))
    try:
        labels = label_services.labels_for(allocations, options.cleaned_data["batch"])
    except ValidationFailed as exc:
        for field_messages in exc.errors.values():
            for text in field_messages:
                messages.error(request, text)
        return redirect(_labels_page(contract))
    title = _("Labels of contract %(reference)s") % {"reference": contract.reference}
    response = HttpResponse(label_services.render_pdf(labels, title), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def _allocations(user, contract):
    return (policy.visible_allocations(user).filter(line__contract=contract, quantity__gt=0)
            .select_related("line__contract", "line__product", "member").order_by("line_id", "member__legal_name", "id"))


@login_required
@require_GET
def labels(request, pk: int):
    contract = contract_or_404(request.user, pk)
    return render(request, "procurement/labels.html", {
        "contract": contract, "allocations": _allocations(request.user, contract),
        "lines": contract.lines.select_related("product").order_by("id"), "can": controls(request.user, contract),
        "max_labels": label_services.MAX_LABELS})


@login_required
@require_GET
def allocation_labels(request, pk: int, allocation_id: int):
    """Labels of one allocation: for everyone who may see it (the maker, its association, the purchaser)."""
    contract = contract_or_404(request.user, pk)
    allocation = first_or_404(_allocations(request.user, contract).filter(pk=allocation_id),
                              _("No such allocation on this contract."))
    return _pdf(request, contract, [allocation], f"labels-{allocation.lot_code}")


@login_required
@require_GET
def contract_labels(request, pk: int):
    """Labels of every allocation of the contract, or of one line (`?line=`): for who runs the contract."""
    contract = contract_or_404(request.user, pk)
    require_page(policy.can_run_contract, request.user, contract)
    allocations = _allocations(request.user, contract)
    filename = f"labels-{contract.reference}"
    if line_id := request.GET.get("line"):
        line = first_or_404(ContractLine.objects.filter(contract=contract, pk=line_id if line_id.isdigit() else 0),
                            _("No such line on this contract."))
        allocations = allocations.filter(line=line)
        filename += f"-line-{line.pk}"
    return _pdf(request, contract, allocations, filename)


@login_required
@require_GET
def scan(request, pk: int):
    """A scanned or typed lot code on the inspection page: that lot's deliveries waiting for inspection.
    A code of another contract the reader inspects leads there; an unknown code and a code of a contract
    the reader may not inspect get the same answer."""
    contract = contract_or_404(request.user, pk)
    require_page(policy.can_inspect, request.user, contract)
    form = ScanForm(request.GET)
    code = form.cleaned_data["code"].strip() if form.is_valid() else ""
    if not code:
        return redirect(reverse("procurement:inspection", args=[contract.pk]))
    lot = label_services.find_lot(request.user, code)
    if lot is None:
        form.add_error("code", _("No lot with the code %(code)s on the contracts you inspect. Check the label, or "
                                 "type the code printed under the barcode.") % {"code": code})
        return _inspection_page(request, contract, scan=form)
    if lot.line.contract_id != contract.pk:
        target = reverse("procurement:inspection_scan", args=[lot.line.contract_id])
        return redirect(f"{target}?{urlencode({'code': lot.lot_code})}")
    return _inspection_page(request, contract, scan=ScanForm(), lot=lot)
