"""Procurement pages: the contracts the reader may see and one contract's page. The work pages
(allocation, inspection, scoreboard) are in `views_work`.

Every page needs a login. What a page shows is scoped by `policy` (a contract the reader may not see
answers 404; an action it may not take, 403 before any input is read); writes go through `services`,
whose refusals are shown on the form.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from triplec.core.shortcuts import first_or_404, page_of
from triplec.registry.models import Organisation

from . import pages, policy
from .forms import ContractFilterForm
from .models import Contract

LIST_PAGE_SIZE = 25


def contract_or_404(user, pk: int) -> Contract:
    return first_or_404(policy.visible_contracts(user).filter(pk=pk).select_related(
        "programme__purchaser", "association"), _("No such contract."))


def controls(user, contract: Contract) -> dict[str, bool]:
    """What the reader may do on the contract (the policy decides; the page shows or hides links)."""
    return {"run": policy.can_run_contract(user, contract), "inspect": policy.can_inspect(user, contract),
            "scoreboard": policy.can_view_scoreboard(user, contract.association)}


@login_required
@require_GET
def contract_list(request):
    visible = policy.visible_contracts(request.user)
    associations = Organisation.objects.filter(pk__in=visible.values("association_id")).order_by("name")
    form = ContractFilterForm(request.GET or None, associations=associations)
    contracts = visible.select_related("programme__purchaser", "association").order_by("-awarded_on", "-id")
    if form.is_valid():
        if form.cleaned_data["status"]:
            contracts = contracts.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["association"]:
            contracts = contracts.filter(association_id=form.cleaned_data["association"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "procurement/contract_list.html", {
        "form": form, "page": page_of(request, contracts, LIST_PAGE_SIZE), "query": query.urlencode(),
        "can_award": policy.can_manage_programmes(request.user)})


@login_required
@require_GET
def contract_detail(request, pk: int):
    contract = contract_or_404(request.user, pk)
    context = pages.contract_page(request.user, contract)
    context["can"] = controls(request.user, contract)
    return render(request, "procurement/contract_detail.html", context)
