"""A network's money page: costs, contributions, reversals, manager contracts and their accrual.
See `views` for the rules of these pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from triplec.core.errors import ValidationFailed
from triplec.core.money_format import format_money
from triplec.core.shortcuts import (
    button_done,
    domain_errors,
    first_or_404,
    form_saved,
    require_page,
)

from . import page_queries, policy, selectors, services
from .forms import (
    LEDGER_ALIASES,
    AccrueForm,
    ContractEndForm,
    ContractForm,
    ContributionForm,
    CostForm,
    ReverseForm,
)
from .models import ContributionEntry, CostEntry, Network
from .views import network_or_404, tab_context

# Money -------------------------------------------------------------------------------------------------

def _money_context(request, network: Network, **forms) -> dict:
    user = request.user
    context = tab_context(request, network, "money")
    can = context["can"]
    overview = selectors.money_overview(network)
    schedule = overview.schedule
    context.update({
        "overview": overview, "lifetime": overview.lifetime, "bars": page_queries.share_bars(overview),
        "schedule": schedule, "rules": list(schedule.rules.all()) if schedule else [],
        "contracts": selectors.contracts(network),
        "costs": selectors.costs(network), "reversed_costs": page_queries.reversed_entry_ids(CostEntry, network),
        "contributions": selectors.contributions(user, network),
        "reversed_contributions": page_queries.reversed_entry_ids(ContributionEntry, network),
        "cost_form": forms.get("cost_form") or (CostForm() if can["cost"] else None),
        "contribution_form": forms.get("contribution_form") or (
            ContributionForm(firms=page_queries.members_ever(network)) if can["contribution"] else None),
        "contract_form": forms.get("contract_form") or (ContractForm() if can["contracts"] else None),
        "accrue_form": forms.get("accrue_form") or (AccrueForm() if can["contracts"] else None),
        "reverse_form": ReverseForm(), "end_form": ContractEndForm(),
        "reverse_error": forms.get("reverse_error"),
    })
    return context


def _money_page(request, network, **forms):
    return render(request, "networks/money.html", _money_context(request, network, **forms))


@login_required
@require_GET
def money(request, pk: int):
    return _money_page(request, network_or_404(request, pk))


def _money_saved(request, network, anchor: str, text: str):
    messages.success(request, text)
    return redirect(reverse("networks:money", args=[network.pk]) + anchor)


def _money_form(request, network, form, name: str, save, anchor: str, aliases: dict | None = None):
    """One of the page's forms sent (`name`: cost, contribution, contract, accrue): saved -> its message
    and back to `anchor`; refused -> the page again with the form and its errors."""
    saved = form_saved(form, save, aliases)
    if saved:
        return _money_saved(request, network, anchor, saved)
    return _money_page(request, network, **{f"{name}_form": form})


def _entry_add(request, pk: int, *, contribution: bool):
    """A cost or a contribution: the two ledgers' forms differ in one field, and each says what it saved."""
    if contribution:
        network = network_or_404(request, pk, policy.can_record_contribution)
        form = ContributionForm(request.POST, firms=page_queries.members_ever(network))
    else:
        network = network_or_404(request, pk, policy.can_record_cost)
        form = CostForm(request.POST)
    record = services.record_contribution if contribution else services.record_cost
    return _money_form(request, network, form, "contribution" if contribution else "cost",
                       lambda data: _entry_saved(*record(request.user, network, **data), contribution),
                       "#contributions" if contribution else "#costs", LEDGER_ALIASES)


def _entry_saved(entry, created: bool, contribution: bool) -> str:
    if not contribution:
        text = (_("Cost recorded: %(amount)s.") if created
                else _("This cost was already recorded (%(amount)s); nothing added."))
    else:
        text = (_("Contribution recorded: %(firm)s paid %(amount)s.") if created
                else _("This contribution was already recorded (%(firm)s, %(amount)s); nothing added."))
    return text % {"firm": getattr(entry, "enterprise", ""), "amount": format_money(entry.amount, entry.currency)}


@login_required
@require_POST
def cost_add(request, pk: int):
    return _entry_add(request, pk, contribution=False)


@login_required
@require_POST
def contribution_add(request, pk: int):
    return _entry_add(request, pk, contribution=True)


def _reverse(request, pk: int, entry_id: int, *, contribution: bool):
    user = request.user
    network = network_or_404(request, pk)
    if contribution:
        require_page(policy.can_correct_contributions, user, network)
        entry = selectors.contributions(user, network).filter(pk=entry_id).first()
    else:
        require_page(policy.can_correct_costs, user, network)
        entry = selectors.costs(network).filter(pk=entry_id).first()
    if entry is None:
        raise Http404(_("No such ledger entry."))
    form = ReverseForm(request.POST)
    anchor = "#contributions" if contribution else "#costs"
    if form.is_valid():
        reverse_entry = services.reverse_contribution if contribution else services.reverse_cost
        try:
            with domain_errors():
                reversal, created = reverse_entry(user, entry, form.cleaned_data["reason"],
                                                  form.cleaned_data["idempotency_key"])
        except ValidationFailed as exc:
            error = " ".join(m for v in exc.errors.values() for m in v)
        else:
            return _money_saved(request, network, anchor, _("Entry #%(id)s reversed by #%(rid)s (%(amount)s).")
                                % {"id": entry.pk, "rid": reversal.pk,
                                   "amount": format_money(reversal.amount, reversal.currency)})
    else:
        error = _("Say why the entry is reversed.")
    return _money_page(request, network, reverse_error={"entry": entry.pk, "ledger": anchor[1:], "message": error})


@login_required
@require_POST
def cost_reverse(request, pk: int, entry_id: int):
    return _reverse(request, pk, entry_id, contribution=False)


@login_required
@require_POST
def contribution_reverse(request, pk: int, entry_id: int):
    return _reverse(request, pk, entry_id, contribution=True)


@login_required
@require_POST
def contract_add(request, pk: int):
    network = network_or_404(request, pk, policy.can_record_contract)
    return _money_form(request, network, ContractForm(request.POST), "contract",
                       lambda data: _("Contract of %(name)s recorded.")
                       % {"name": services.create_contract(request.user, network, data).manager_name}, "#contracts")


@login_required
@require_POST
def contract_end(request, pk: int, contract_id: int):
    user = request.user
    network = network_or_404(request, pk, policy.can_change_contract)
    contract = first_or_404(network.contracts.filter(pk=contract_id), _("No such contract."))
    form = ContractEndForm(request.POST)
    if form.is_valid():
        end = form.cleaned_data["end_date"]
        button_done(request, lambda: services.end_contract(user, contract, end),
                    _("The contract of %(name)s ends on %(day)s.") % {"name": contract.manager_name, "day": end},
                    joined=True)
    else:
        messages.error(request, _("Give the end date."))
    return redirect(reverse("networks:money", args=[network.pk]) + "#contracts")


@login_required
@require_POST
def contracts_accrue(request, pk: int):
    network = network_or_404(request, pk, policy.can_accrue_manager_costs)
    return _money_form(request, network, AccrueForm(request.POST), "accrue",
                       lambda data: _("%(n)s monthly manager costs written to the ledger.")
                       % {"n": len(services.accrue_manager_costs(request.user, network, data["through"]))}, "#costs")
