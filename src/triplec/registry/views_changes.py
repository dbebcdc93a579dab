"""Pages of change requests: an enterprise user asks for a new legal name, country, identifier or sector
of their firm; the agency's register editors approve or reject them (registry.services_changes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import button_done, errors_on_form, found_or_404, require_page

from . import policy, services, services_changes
from .forms import ChangeRequestForm, DecisionForm
from .models_changes import EnterpriseChangeRequest
from .views import paginate


@login_required
@require_http_methods(["GET", "POST"])
def change_request_create(request, pk: int):
    ent = found_or_404(services.get_enterprise, request.user, pk)
    require_page(policy.can_request_enterprise_change, request.user, ent)
    form = ChangeRequestForm(request.POST if request.method == "POST" else None, instance=ent)
    if request.method == "POST" and form.is_valid():
        with errors_on_form(form):
            services_changes.request_change(request.user, ent, form.service_data(),
                                            reason=form.cleaned_data["reason"])
        if not form.errors:
            messages.success(request, _("Your request was sent to the agency; the record changes once it is "
                                        "approved."))
            return redirect("enterprise_detail", pk=ent.pk)
    pending = ent.change_requests.filter(status=EnterpriseChangeRequest.Status.PENDING).first()
    return render(request, "registry/change_request_form.html", {"form": form, "enterprise": ent,
                                                                  "pending": pending})


@login_required
@require_GET
def change_request_list(request):
    require_page(policy.can_decide_change_requests, request.user)
    qs = (policy.visible_change_requests(request.user)
          .select_related("enterprise", "requested_by", "decided_by").order_by("-created_at", "-id"))
    pending = list(qs.filter(status=EnterpriseChangeRequest.Status.PENDING))
    decided = paginate(request, qs.exclude(status=EnterpriseChangeRequest.Status.PENDING))
    return render(request, "registry/change_request_list.html", {
        "pending": pending, "page": decided, "decided": decided.object_list, "form": DecisionForm()})


@login_required
@require_POST
def change_request_decide(request, pk: int):
    change = found_or_404(services_changes.get_request, request.user, pk)
    require_page(policy.can_decide_change_requests, request.user)
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    button_done(request, lambda: services_changes.decide(request.user, change, approve,
                                                         form.cleaned_data.get("decision_note", "")),
                (_("Approved: %(name)s's record now shows the change.") if approve
                 else _("Rejected the request of %(name)s.")) % {"name": change.enterprise})
    return redirect("change_request_list")
