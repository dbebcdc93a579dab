"""A contract's money actions (the purchaser's advance, final payment and retention; the manager
passing advances to members and settling their debts) and the manager's record of deliveries, which
then wait on the inspector's page. See `views` for the rules every page follows.

A form sent twice pays once: the advance, the final payment and the retention are posted under one
ledger key per contract and each member's advance under one per allocation (services.money); a debt
settlement carries the idempotency key made when its form was shown; a delivery form carries the
number of deliveries it was shown with, and a second send finds one more and records nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from triplec.core.errors import ValidationFailed
from triplec.core.money_format import format_money
from triplec.core.shortcuts import errors_as_messages, errors_on_form, require_page

from . import money_pages, pages, policy
from .forms_money import DeliveryForm, SettleDebtForm
from .models import Delivery, Payment
from .services import deliveries as delivery_services
from .services import money
from .views import contract_or_404, controls

# A settlement's own key on the ledger is made by services.money.settle_debt from the form's key.
SETTLEMENT_KEY = "procurement:{contract}:settle:{key}"


def _to_money_block(contract):
    return redirect(reverse("procurement:contract_detail", args=[contract.pk]) + "#money")


def _amount(contract, value) -> str:
    return format_money(value, contract.programme.currency)


def _purchaser_payment(kind: str, pay, already, done):
    """The view of one of the purchaser's payments (each posted once per contract: a second send adds
    nothing and says so)."""

    @login_required
    @require_POST
    def view(request, pk: int):
        contract = contract_or_404(request.user, pk)
        require_page(policy.can_record_purchaser_payment, request.user, contract)
        paid_before = Payment.objects.filter(contract=contract, kind=kind).exists()
        with errors_as_messages(request, joined=True) as outcome:
            payment = pay(request.user, contract)
        if not outcome.failed:
            amount = _amount(contract, payment.gross) if isinstance(payment, Payment) else ""
            messages.success(request, str(already if paid_before else done) % {"amount": amount})
        return _to_money_block(contract)

    return view


pay_advance = _purchaser_payment(Payment.Kind.ADVANCE, money.pay_advance,
                                 gettext_lazy("The advance was already paid (%(amount)s); nothing added."),
                                 gettext_lazy("Advance of %(amount)s paid to the association."))
pay_final = _purchaser_payment(Payment.Kind.FINAL, money.pay_final,
                               gettext_lazy("The final payment was already made; nothing added."),
                               gettext_lazy("Final payment made: each member was paid for its accepted units."))
release_retention = _purchaser_payment(Payment.Kind.RETENTION, money.release_retention,
                                       gettext_lazy("The retention was already released (%(amount)s); nothing added."),
                                       gettext_lazy("Retention of %(amount)s released to the association."))


@login_required
@require_POST
def pass_advances(request, pk: int):
    contract = contract_or_404(request.user, pk)
    require_page(policy.can_run_contract, request.user, contract)
    with errors_as_messages(request, joined=True) as outcome:
        passed = money.pass_advances(request.user, contract)
    if not outcome.failed:
        if passed:
            messages.success(request, _("Advances passed to %(n)s lots: %(amount)s, less the association's fee.")
                             % {"n": len(passed), "amount": _amount(contract, sum(p.gross for p in passed))})
        else:
            messages.success(request, _("Every lot's advance had already been passed on; nothing added."))
    return _to_money_block(contract)


@login_required
@require_POST
def settle_debt(request, pk: int):
    contract = contract_or_404(request.user, pk)
    require_page(policy.can_run_contract, request.user, contract)
    sent_key = request.POST.get("idempotency_key", "")
    done = Payment.objects.filter(
        transaction__idempotency_key=SETTLEMENT_KEY.format(contract=contract.pk, key=sent_key)).first()
    if sent_key and done is not None:  # the same form sent again (its member may owe nothing now)
        messages.success(request, _("This settlement was already recorded (%(member)s, %(amount)s); nothing added.")
                         % {"member": done.member, "amount": _amount(contract, done.gross)})
        return _to_money_block(contract)
    form = SettleDebtForm(request.POST, debtors=money_pages.debtors(contract),
                          currency=contract.programme.currency)
    if form.is_valid():
        with errors_on_form(form):
            payment = money.settle_debt(request.user, contract, form.chosen_member(), form.cleaned_data["amount"],
                                        form.cleaned_data["idempotency_key"])
            messages.success(request, _("%(member)s paid back %(amount)s to the association.")
                             % {"member": payment.member, "amount": _amount(contract, payment.gross)})
            return _to_money_block(contract)
    context = pages.contract_page(request.user, contract)
    context.update({"can": controls(request.user, contract), "settle_form": form})
    return render(request, "procurement/contract_detail.html", context)


def _record(user, contract, form: DeliveryForm, sources: dict) -> Delivery | None:
    """The delivery, unless the contract got another one since the form was shown (sent twice)."""
    source = sources[form.cleaned_data["source"]].target
    kind = form.cleaned_data["source"].split(":")[0]
    with transaction.atomic():
        delivery_services.lock_contract(contract)
        if Delivery.objects.filter(line__contract=contract).count() != form.cleaned_data["deliveries_seen"]:
            raise ValidationFailed({"__all__": [_(
                "A delivery was recorded on this contract after this form was shown (was it sent twice?). "
                "Nothing was recorded: check the deliveries below and send the form again if needed.")]})
        return delivery_services.record_delivery(
            user, quantity=form.cleaned_data["quantity"], delivered_on=form.cleaned_data["delivered_on"],
            **{kind: source})


@login_required
@require_http_methods(["GET", "POST"])
def record_delivery(request, pk: int):
    contract = contract_or_404(request.user, pk)
    require_page(policy.can_run_contract, request.user, contract)
    sources = {s.value: s for s in money_pages.delivery_sources(contract)}
    choices = [(s.value, s.label) for s in sources.values()]
    seen = Delivery.objects.filter(line__contract=contract).count()
    form = DeliveryForm(request.POST or None, sources=choices, initial={"deliveries_seen": seen})
    if request.method == "POST":
        if form.is_valid():
            with errors_on_form(form):
                delivery = _record(request.user, contract, form, sources)
                messages.success(request, _("%(n)s units of %(maker)s recorded as delivered; they wait for the "
                                            "purchaser's inspection.")
                                 % {"n": delivery.quantity, "maker": delivery.maker})
                return redirect(reverse("procurement:record_delivery", args=[contract.pk]))
        form.data = form.data.copy()
        form.data["deliveries_seen"] = seen  # nothing was recorded: sent again, the form counts from now
    recent = (Delivery.objects.filter(line__contract=contract).select_related("maker", "line__product", "allocation")
              .order_by("-delivered_on", "-id")[:20])
    return render(request, "procurement/record_delivery.html", {
        "contract": contract, "form": form, "sources": list(sources.values()), "recent": recent})
