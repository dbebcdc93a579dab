"""The association's records on a contract: rejected units sent back for repair or replacement, a
member's default with its remedy (and the debts it leaves), and warranty claims after acceptance with
the cost split as the association's rule says. See `views` for the rules every page follows."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import errors_on_form, first_or_404, require_page
from triplec.registry.models import Enterprise

from . import policy
from .forms_records import DefaultForm, ReworkForm, WarrantyClaimForm
from .models import Allocation, Contract, Default, Delivery, Payment, Rework, WarrantyClaim
from .services import defaults as default_services
from .services import deliveries as delivery_services
from .services import money
from .services import warranty as warranty_services
from .services.common import cents, current_members
from .services.programmes import rules_of
from .views import contract_or_404

ZERO = Decimal(0)


def _contract(request, pk: int, check) -> Contract:
    """The contract the reader sees (404 otherwise) and may work on as `check` says (403 otherwise)."""
    contract = contract_or_404(request.user, pk)
    require_page(check, request.user, contract)
    return contract


def _members(contract: Contract):
    return current_members(contract.association).order_by("legal_name", "pk")


# Repair or replacement of rejected units ------------------------------------------------------------------

def _rework_page(request, contract: Contract, bound=None):
    rejected = (Delivery.objects.filter(line__contract=contract, rejected__gt=0)
                .select_related("maker", "line__product", "allocation").order_by("inspected_on", "id"))
    members = _members(contract)
    rows = []
    for delivery in rejected:
        left = delivery_services.unassigned_rejections(delivery)
        form = None
        if left > 0:
            form = bound[1] if bound and bound[0] == delivery.pk else ReworkForm(
                members=members, prefix=f"r{delivery.pk}",
                initial={"member": delivery.maker_id, "quantity": left, "kind": Rework.Kind.REPAIR})
        rows.append((delivery, left, form))
    reworks = [(r, delivery_services.open_rework(r)) for r in Rework.objects.filter(
        delivery__line__contract=contract).select_related("member", "delivery__maker", "delivery__line__product")
        .order_by("assigned_on", "id")]
    return render(request, "procurement/rework.html", {"contract": contract, "rows": rows, "reworks": reworks})


@login_required
@require_GET
def rework(request, pk: int):
    contract = _contract(request, pk, policy.can_run_contract)
    return _rework_page(request, contract)


@login_required
@require_POST
def assign_rework(request, pk: int, delivery_id: int):
    contract = _contract(request, pk, policy.can_run_contract)
    delivery = first_or_404(Delivery.objects.filter(line__contract=contract, pk=delivery_id),
                            _("No such delivery on this contract."))
    form = ReworkForm(request.POST, members=_members(contract), prefix=f"r{delivery.pk}")
    if form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            delivery_services.assign_rework(request.user, delivery, member=data["member"],
                                            quantity=data["quantity"], kind=data["kind"])
            messages.success(request, _("%(n)s rejected units sent to %(member)s.")
                             % {"n": data["quantity"], "member": data["member"]})
            return redirect("procurement:rework", pk=contract.pk)
    return _rework_page(request, contract, bound=(delivery.pk, form))


# Defaults and members' debts ----------------------------------------------------------------------------

@login_required
@require_GET
def defaults(request, pk: int):
    contract = _contract(request, pk, policy.can_run_contract)
    allocations = (Allocation.objects.filter(line__contract=contract).select_related("member", "line__product")
                   .order_by("line_id", "member__legal_name", "id"))
    open_rows = [(a, left) for a in allocations if a.defaulted_on is None
                 and (left := delivery_services.undelivered(a)) > 0]
    records = (Default.objects.filter(allocation__line__contract=contract)
               .select_related("allocation__member", "allocation__line__product", "successor__member")
               .order_by("recorded_on", "id"))
    debts = money.contract_balances(contract).debts
    names = dict(Enterprise.objects.filter(pk__in=debts).values_list("pk", "legal_name"))
    return render(request, "procurement/defaults.html", {
        "contract": contract, "currency": contract.programme.currency, "open_rows": open_rows, "records": records,
        "debts": sorted(((names.get(m, f"#{m}"), owed) for m, owed in debts.items() if owed), key=lambda r: r[0])})


@login_required
@require_http_methods(["GET", "POST"])
def record_default(request, pk: int, allocation_id: int):
    contract = _contract(request, pk, policy.can_run_contract)
    allocation = first_or_404(Allocation.objects.filter(line__contract=contract, pk=allocation_id)
                              .select_related("member", "line__product"), _("No such allocation on this contract."))
    others = _members(contract).exclude(pk=allocation.member_id)
    form = DefaultForm(request.POST or None, members=others, initial={"remedy": Default.Remedy.REALLOCATE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            default_services.record_default(request.user, allocation, reason=data["reason"], remedy=data["remedy"],
                                            successor=data["successor"])
            messages.success(request, _("Default of %(member)s recorded.") % {"member": allocation.member})
            return redirect("procurement:defaults", pk=contract.pk)
    left = delivery_services.undelivered(allocation)
    advanced = contract.payments.filter(allocation=allocation, kind=Payment.Kind.ADVANCE_TO_MEMBER).exists()
    at_stake = money.allocation_advance(allocation, left) if left > 0 else ZERO
    fee = cents(at_stake * rules_of(contract.association).fee_share) if advanced else ZERO
    return render(request, "procurement/record_default.html", {
        "contract": contract, "currency": contract.programme.currency, "allocation": allocation, "form": form,
        "left": left, "advanced": advanced, "at_stake": at_stake, "debt": at_stake - fee if advanced else ZERO})


# Warranty claims -----------------------------------------------------------------------------------------

def _claim_form(contract: Contract, data=None) -> WarrantyClaimForm:
    makers = Enterprise.objects.filter(pk__in=Delivery.objects.filter(
        line__contract=contract, accepted__gt=0).values("maker_id")).order_by("legal_name", "pk")
    return WarrantyClaimForm(data, lines=contract.lines.select_related("product"), makers=makers,
                             members=_members(contract))


@login_required
@require_http_methods(["GET", "POST"])
def warranty(request, pk: int):
    contract = _contract(request, pk, policy.can_claim_warranty)
    form = _claim_form(contract, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            claim = warranty_services.claim(request.user, data["line"], maker=data["maker"], units=data["units"],
                                            description=data["description"], repair_cost=data["repair_cost"],
                                            repairer=data["repairer"])
            messages.success(request, _("Warranty claim recorded: %(repairer)s repairs.")
                             % {"repairer": claim.repairer})
            return redirect("procurement:warranty", pk=contract.pk)
    claims = [(c, c.repair_cost - c.maker_charged) for c in WarrantyClaim.objects.filter(contract=contract)
              .select_related("line__product", "maker", "repairer").order_by("claimed_on", "id")]
    return render(request, "procurement/warranty.html", {
        "contract": contract, "currency": contract.programme.currency, "form": form, "claims": claims,
        "rule": rules_of(contract.association).get_warranty_cost_rule_display(),
        "open": contract.status in ("accepted", "paid")})
