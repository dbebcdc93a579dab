"""Supplier-programme pages: the programmes the reader may see, one programme, one supplier, and the
actions on them (record an order, import an order file, move a plan's action along).

Every page needs a login. What a page shows is scoped by `policy` (a programme or supplier the reader
may not see answers 404; an action it may not take, 403 before any input is read); writes go through
`services`, whose refusals are shown on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.months import today
from triplec.core.shortcuts import errors_as_messages, errors_on_form, first_or_404, page_of, require_page
from triplec.registry.importing.errors import ImportRejected

from . import pages, policy
from .forms import ActionForm, ActionStatusForm, DiagnosticForm, OrderFileForm, OrderForm
from .forms_setup import OtherSalesForm
from .models import Action, Area
from .pages import programme_or_404, supplier_or_404
from .services import diagnostics, orders
from .views_setup import render_programme

LIST_PAGE_SIZE = 25


@login_required
@require_GET
def programme_list(request):
    programmes = policy.visible_programmes(request.user).select_related("buyer").order_by("name", "id")
    return render(request, "suppliers/programme_list.html", {"page": page_of(request, programmes, LIST_PAGE_SIZE),
                                                            "can_manage": policy.can_manage_programmes(request.user)})


@login_required
@require_GET
def programme_detail(request, pk: int):
    return render_programme(request, programme_or_404(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def supplier_detail(request, pk: int):
    """The supplier's page; a POST records an order (the buyer's staff or the agency)."""
    supplier = supplier_or_404(request.user, pk)
    form = None
    if request.method == "POST":
        require_page(policy.can_run_programme, request.user, supplier.programme)
        form = OrderForm(request.POST)
        if form.is_valid():
            with errors_on_form(form, {"promised_date": "promised_on", "delivered_date": "delivered_on"}):
                order = orders.record_order(request.user, supplier, **form.cleaned_data)
                messages.success(request, _("Order %(ref)s recorded.") % {"ref": order.reference})
                return redirect(reverse("suppliers:supplier_detail", args=[supplier.pk]))
    context = pages.supplier_page(request.user, supplier)
    context["order_form"] = form or OrderForm()
    context["status_form"] = ActionStatusForm()
    context["action_form"] = ActionForm()
    context["sales_form"] = OtherSalesForm(initial={"year": today().year - 1})
    return render(request, "suppliers/supplier_detail.html", context)


@login_required
@require_POST
def action_status(request, pk: int):
    action = first_or_404(Action.objects.filter(pk=pk, supplier__in=policy.visible_suppliers(request.user)),
                          _("No such action."))
    require_page(policy.can_update_supplier, request.user, action.supplier)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        with errors_as_messages(request):
            diagnostics.set_action_status(request.user, action, form.cleaned_data["status"])
            messages.success(request, _("The action is now: %(status)s.") % {"status": action.get_status_display()})
    else:
        messages.error(request, _("Choose a status."))
    return redirect(reverse("suppliers:supplier_detail", args=[action.supplier_id]))


@login_required
@require_POST
def import_orders(request, pk: int):
    programme = programme_or_404(request.user, pk)
    require_page(policy.can_run_programme, request.user, programme)
    form = OrderFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with errors_as_messages(request):
            try:
                made = orders.import_orders(request.user, programme, upload.read(), filename=upload.name)
                messages.success(request, _("%(n)s orders imported.") % {"n": len(made)})
            except ImportRejected as rejected:
                messages.error(request, _("Nothing was imported: correct the rows named and send the file again."))
                for error in rejected.preview.errors[:50]:
                    messages.error(request, _("Row %(row)s, %(field)s: %(reason)s") % {
                        "row": error.row, "field": error.field or "—", "reason": error.reason})
    else:
        messages.error(request, _("Choose a CSV or XLSX file."))
    return redirect(reverse("suppliers:programme_detail", args=[programme.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def diagnostic_add(request, pk: int):
    """The agency records a supplier's diagnostic; its cost is shared on the ledger by the services."""
    supplier = supplier_or_404(request.user, pk)
    require_page(policy.can_manage_programmes, request.user)
    form = DiagnosticForm(request.POST or None, areas=Area.objects.filter(active=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            diagnostics.record_diagnostic(request.user, supplier, carried_out_on=data["carried_out_on"],
                                          consultant=data["consultant"], cost=data["cost"], scores=form.scores(),
                                          summary=data["summary"])
            messages.success(request, _("Diagnostic recorded; its cost is shared on the ledger."))
            return redirect(reverse("suppliers:supplier_detail", args=[supplier.pk]))
    return render(request, "suppliers/diagnostic_form.html", {"supplier": supplier, "form": form})


@login_required
@require_POST
def action_add(request, pk: int):
    """The buyer's staff or the agency add an action to the supplier's plan."""
    supplier = supplier_or_404(request.user, pk)
    require_page(policy.can_run_programme, request.user, supplier.programme)
    form = ActionForm(request.POST)
    if form.is_valid():
        with errors_as_messages(request):
            diagnostics.add_action(request.user, supplier, **form.cleaned_data)
            messages.success(request, _("Action added to the plan."))
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
    return redirect(reverse("suppliers:supplier_detail", args=[supplier.pk]))
