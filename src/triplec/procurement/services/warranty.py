"""Warranty claims after acceptance: the association answers for them. The maker repairs, or another
member when the maker is no longer a member; the cost is charged as the association's rule says:
the maker's part becomes its debt when someone else repairs, the association's part comes out of what
it retained."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.registry.models import Enterprise

from .. import policy
from ..models import ContractLine, ContractStatus, Delivery, Payment, WarrantyClaim
from ..models_association import WarrantyCostRule
from . import money
from .common import cents, is_current_member, refuse, today
from .deliveries import lock_contract
from .programmes import rules_of


def maker_part(rule: str, cost: Decimal) -> Decimal:
    if rule == WarrantyCostRule.MAKER:
        return cost
    if rule == WarrantyCostRule.SHARED:
        return cents(cost / 2)
    return Decimal(0)


def claim(user, line: ContractLine, *, maker: Enterprise, units: int, description: str, repair_cost,
          repairer: Enterprise | None = None, on: date | None = None) -> WarrantyClaim:
    contract = line.contract
    require(policy.can_claim_warranty, user, contract)
    cost = Decimal(str(repair_cost))
    if cost < 0 or cents(cost) != cost:
        refuse("repair_cost", _("Give the repair cost in cents."))
    if not description.strip():
        refuse("description", _("Describe the fault."))
    with transaction.atomic():
        contract = lock_contract(contract)
        if contract.status not in (ContractStatus.ACCEPTED, ContractStatus.PAID):
            refuse("__all__", _("Warranty claims start once the whole order has been accepted."))
        accepted = Delivery.objects.filter(line=line, maker=maker).aggregate(s=Sum("accepted"))["s"] or 0
        if units <= 0 or units > accepted:
            refuse("units", _("%(maker)s had %(n)s accepted units of this line.") % {"maker": maker, "n": accepted})
        maker_present = is_current_member(contract.association, maker, on)
        repairer = repairer or (maker if maker_present else None)
        if repairer is None or not is_current_member(contract.association, repairer, on):
            refuse("repairer", _("The maker is no longer a member: choose another member to repair."))
        charged = maker_part(rules_of(contract.association).warranty_cost_rule, cost)
        record = WarrantyClaim.objects.create(contract=contract, line=line, maker=maker, repairer=repairer,
                                              units=units, description=description.strip(), claimed_on=today(on),
                                              repair_cost=cost, maker_charged=charged)
        association_part = cost - charged
        if repairer.pk == maker.pk:
            # The maker repairs its own units: it bears its part by doing the work, the association pays the rest.
            legs = [(money.account(contract, "retained"), -association_part),
                    (money.account(contract, "received", maker), association_part)]
        else:
            legs = [(money.account(contract, "retained"), -cost),
                    (money.account(contract, "received", repairer), cost),
                    (money.account(contract, "received", maker), -charged),
                    (money.account(contract, "owed", maker), charged)]
        if any(amount for _account, amount in legs):
            money.post_payment(contract, Payment.Kind.WARRANTY, legs, f"procurement:warranty:{record.pk}", user=user,
                        on=on, memo=_("Warranty repair, claim %(id)s") % {"id": record.pk}, member=repairer,
                        gross=cost)
    return record
