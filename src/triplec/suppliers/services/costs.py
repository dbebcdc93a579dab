"""A programme's costs on the shared ledger. Accounts, in the programme's currency:

| owner          | code                      | holds                                                  |
|----------------|---------------------------|--------------------------------------------------------|
| "agency"       | suppliers:<p>:paid        | what the agency paid (negative: money out of it)       |
| the buyer      | suppliers:<p>:paid        | what the large buyer paid                              |
| a supplier     | suppliers:<p>:paid        | what that supplier paid for its own diagnostic         |
| the programme  | suppliers:<p>:costs       | what the programme spent on consultants and trainers   |

Rule (per programme): a diagnostic's cost is shared agency `agency_share`, its supplier
`supplier_share`, the buyer the rest; a training session serves many suppliers, so the supplier's
share of it is borne by the buyer. Each share is rounded to the cent (halves up) and the buyer's part
is what is left, so the parts always sum to the cost exactly. Every posting has an idempotency key:
the same cost is never paid twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from triplec.ledger import services as ledger
from triplec.ledger.models import Account, owner_key

from ..models import Cost, Diagnostic, Programme, Supplier, TrainingSession
from .common import ZERO, cents

AGENCY_OWNER = "agency"


@dataclass(frozen=True)
class Split:
    total: Decimal
    agency: Decimal
    buyer: Decimal
    supplier: Decimal


def split(programme: Programme, total: Decimal, *, with_supplier: bool = True) -> Split:
    """Who pays what of `total` under the programme's rule, to the cent."""
    agency = cents(total * programme.agency_share)
    supplier = min(cents(total * programme.supplier_share), total - agency) if with_supplier else ZERO
    return Split(total, agency, total - agency - supplier, supplier)


def account(programme: Programme, payer) -> Account:
    """`payer`: "agency", "buyer", "costs" or a Supplier."""
    code, currency = f"suppliers:{programme.pk}:paid", programme.currency
    if payer == "agency":
        return ledger.account_for(AGENCY_OWNER, code, currency)
    if payer == "buyer":
        return ledger.account_for(programme.buyer, code, currency)
    if payer == "costs":
        return ledger.account_for(programme, f"suppliers:{programme.pk}:costs", currency)
    return ledger.account_for(payer, code, currency)


def _post(programme: Programme, parts: Split, supplier: Supplier | None, key: str, *, user, on: date,
          memo: str, **target) -> Cost | None:
    if parts.total == 0:
        return None
    legs = [(account(programme, "costs"), parts.total), (account(programme, "agency"), -parts.agency),
            (account(programme, "buyer"), -parts.buyer)]
    if parts.supplier:
        legs.append((account(programme, supplier), -parts.supplier))
    posted = ledger.post(legs, currency=programme.currency, idempotency_key=key, memo=memo, effective_on=on,
                         by=user if getattr(user, "is_authenticated", False) else None)
    cost, _created = Cost.objects.get_or_create(
        transaction=posted, defaults={"programme": programme, "total": parts.total, "agency": parts.agency,
                                      "buyer": parts.buyer, "supplier": parts.supplier, **target})
    return cost


def charge_diagnostic(user, diagnostic: Diagnostic) -> Cost | None:
    supplier = diagnostic.supplier
    programme = supplier.programme
    return _post(programme, split(programme, diagnostic.cost), supplier, f"suppliers:diagnostic:{diagnostic.pk}:cost",
                 user=user, on=diagnostic.carried_out_on, diagnostic=diagnostic,
                 memo=_("Diagnostic of %(supplier)s") % {"supplier": supplier})


def charge_session(user, session: TrainingSession) -> Cost | None:
    programme = session.programme
    return _post(programme, split(programme, session.cost, with_supplier=False), None,
                 f"suppliers:session:{session.pk}:cost", user=user, on=session.held_on, session=session,
                 memo=_("Training session %(title)s") % {"title": session.title})


@dataclass
class ProgrammeBalances:
    """Derived from the ledger: what the programme spent and who paid it."""

    spent: Decimal = ZERO
    agency: Decimal = ZERO
    buyer: Decimal = ZERO
    suppliers: Decimal = ZERO
    by_supplier: dict = field(default_factory=dict)  # supplier id -> paid

    @property
    def agency_share(self) -> Decimal | None:
        return self.agency / self.spent if self.spent else None


def programme_balances(programme: Programme, as_of: date | None = None) -> ProgrammeBalances:
    return programme_balances_many([programme], as_of)[programme.pk]


def programme_balances_many(programmes, as_of: date | None = None) -> dict[int, ProgrammeBalances]:
    """`programme_balances` of many programmes (by id) in one read of the ledger."""
    by_code = {}
    for programme in programmes:
        by_code[f"suppliers:{programme.pk}:paid"] = by_code[f"suppliers:{programme.pk}:costs"] = programme
    accounts = list(Account.objects.filter(code__in=list(by_code)))
    sums = ledger.balances(accounts, as_of)
    results = {programme.pk: ProgrammeBalances() for programme in programmes}
    for acc in accounts:
        programme, amount = by_code[acc.code], sums[acc.pk]
        result = results[programme.pk]
        if acc.code.endswith(":costs"):
            result.spent += amount
        elif acc.owner == AGENCY_OWNER:
            result.agency -= amount
        elif acc.owner == owner_key(programme.buyer):
            result.buyer -= amount
        else:
            result.suppliers -= amount
            result.by_supplier[int(acc.owner.rsplit(":", 1)[1])] = -amount
    return results
