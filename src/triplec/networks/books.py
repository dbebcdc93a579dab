"""Where a network's money sits on the shared ledger (`triplec.ledger`): accounts, keys, postings, reads.

Accounts, in the network's currency:

- owned by the network ("networks.network:<pk>"): "costs:<category>" (what it spent on each cost
  category), "payable" (what it owes for those costs) and "receipts" (what its member firms paid in);
- owned by each member firm ("registry.enterprise:<pk>"): "contributions:<network pk>" (what the firm
  paid to that network).

A cost moves its amount from "payable" into "costs:<category>"; a contribution from the firm's
account into "receipts"; a reversal is the ledger reversal of its entry's transaction. Each
`CostEntry` / `ContributionEntry` keeps the networks' own facts (category, contract, firm, reasons)
and points at its transaction. Ledger keys are the networks' keys made unique across networks:
"networks.network:<pk>:cost:<key>". Only ids and strings go in, so the data migration uses this too.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from triplec.ledger import services as ledger
from triplec.ledger.models import Account, Transaction

COSTS = "costs:"
PAYABLE = "payable"
RECEIPTS = "receipts"
MEMBER_OWNER = "registry.enterprise:"


def network_owner(network_id: int) -> str:
    return f"networks.network:{network_id}"


def member_code(network_id: int) -> str:
    return f"contributions:{network_id}"


def ledger_key(network_id: int, kind: str, key: str) -> str:
    """The ledger's key for a network entry of `kind` ("cost" or "contribution") under the network's `key`."""
    return f"{network_owner(network_id)}:{kind}:{key}"


def post_cost(network_id: int, currency: str, *, category: str, amount: Decimal, day: date, key: str,
              memo: str = "", by=None) -> Transaction:
    owner = network_owner(network_id)
    costs = ledger.account_for(owner, COSTS + category, currency)
    payable = ledger.account_for(owner, PAYABLE, currency)
    return ledger.post([(costs, amount), (payable, -amount)], currency=currency,
                       idempotency_key=ledger_key(network_id, "cost", key), memo=memo, effective_on=day, by=by)


def post_contribution(network_id: int, currency: str, *, enterprise_id: int, amount: Decimal, day: date, key: str,
                      memo: str = "", by=None) -> Transaction:
    receipts = ledger.account_for(network_owner(network_id), RECEIPTS, currency)
    firm = ledger.account_for(f"{MEMBER_OWNER}{enterprise_id}", member_code(network_id), currency)
    return ledger.post([(receipts, amount), (firm, -amount)], currency=currency,
                       idempotency_key=ledger_key(network_id, "contribution", key), memo=memo, effective_on=day,
                       by=by)


def post_reversal(network_id: int, kind: str, original: Transaction, *, key: str, memo: str = "",
                  by=None) -> Transaction:
    """Reverse the transaction of a network entry (dated like it, as the entry's reversal is)."""
    return ledger.reverse(original, idempotency_key=ledger_key(network_id, kind, key), memo=memo, by=by)


def post_unposted(cost_model, contribution_model) -> int:
    """Post every entry that has no ledger transaction yet and link it: originals, then reversals as
    ledger reversals of their original's transaction; returns how many. For the entries recorded
    before the ledger (data migration 0005, with its historical models) and for tests that write
    plain records in bulk. Rerunnable: the keys find what was posted before."""
    from triplec.ledger.models import Transaction

    linked = 0
    for model, kind in ((cost_model, "cost"), (contribution_model, "contribution")):
        waiting = model._base_manager.filter(ledger_transaction__isnull=True).order_by("pk")
        for entry in waiting.filter(entry_kind="original"):
            if kind == "cost":
                posted = post_cost(entry.network_id, entry.currency, category=entry.category, amount=entry.amount,
                                   day=entry.incurred_on, key=entry.idempotency_key, memo=entry.note)
            else:
                posted = post_contribution(entry.network_id, entry.currency, enterprise_id=entry.enterprise_id,
                                           amount=entry.amount, day=entry.paid_on, key=entry.idempotency_key,
                                           memo=entry.note)
            linked += model._base_manager.filter(pk=entry.pk).update(ledger_transaction_id=posted.pk)
        for entry in waiting.filter(entry_kind="reversal"):
            original = model._base_manager.get(pk=entry.reverses_id)
            posted = post_reversal(entry.network_id, kind, Transaction.objects.get(pk=original.ledger_transaction_id),
                                   key=entry.idempotency_key, memo=entry.note)
            linked += model._base_manager.filter(pk=entry.pk).update(ledger_transaction_id=posted.pk)
    return linked


def _cost_accounts(network) -> dict[int, tuple[Account, str]]:
    rows = Account.objects.filter(owner=network_owner(network.pk), code__startswith=COSTS, currency=network.currency)
    return {a.pk: (a, a.code.removeprefix(COSTS)) for a in rows}


def _member_accounts(network) -> dict[int, tuple[Account, int]]:
    rows = Account.objects.filter(code=member_code(network.pk), owner__startswith=MEMBER_OWNER,
                                  currency=network.currency)
    return {a.pk: (a, int(a.owner.removeprefix(MEMBER_OWNER))) for a in rows}


def _movements(accounts: dict, start: date | None, end: date | None) -> list[ledger.Movement]:
    return ledger.movements([account for account, _what in accounts.values()], start, end) if accounts else []


def costs(network, start: date | None = None, end: date | None = None) -> list[tuple[str, date, Decimal]]:
    """(category, date, amount) of every cost posting of the network in [start, end], reversals negative."""
    accounts = _cost_accounts(network)
    return [(accounts[m.account_id][1], m.effective_on, m.amount) for m in _movements(accounts, start, end)]


def contributions(network, start: date | None = None, end: date | None = None) -> list[tuple[int, date, Decimal]]:
    """(enterprise id, date, amount paid) of every contribution to the network in [start, end],
    reversals negative (the firm's account moves the other way: its amounts are negated here)."""
    accounts = _member_accounts(network)
    return [(accounts[m.account_id][1], m.effective_on, -m.amount) for m in _movements(accounts, start, end)]


def _entries_of(accounts, start: date | None, end: date | None):
    """The ledger entries of the accounts `accounts` (a Q on Entry) picks, dated in [start, end]."""
    from triplec.ledger.models import Entry

    entries = Entry.objects.filter(accounts)
    if start is not None:
        entries = entries.filter(transaction__effective_on__gte=start)
    if end is not None:
        entries = entries.filter(transaction__effective_on__lte=end)
    return entries.order_by("transaction__effective_on", "transaction_id", "id").values_list(
        "account__code", "account__owner", "account__currency", "transaction__effective_on", "units")


def costs_of(networks, start: date | None = None, end: date | None = None
             ) -> dict[int, list[tuple[str, date, Decimal]]]:
    """`costs` of many networks in one query: {network pk: [(category, date, amount)]}."""
    from django.db.models import Q

    from triplec.ledger.models import from_units

    currency = {network_owner(n.pk): (n.pk, n.currency) for n in networks}
    found: dict[int, list] = {n.pk: [] for n in networks}
    if currency:
        for code, owner, account_currency, day, units in _entries_of(
                Q(account__owner__in=list(currency), account__code__startswith=COSTS), start, end):
            network_id, network_currency = currency[owner]
            if account_currency == network_currency:
                found[network_id].append((code.removeprefix(COSTS), day, from_units(units)))
    return found


def contributions_of(networks, start: date | None = None, end: date | None = None
                     ) -> dict[int, list[tuple[int, date, Decimal]]]:
    """`contributions` of many networks in one query: {network pk: [(enterprise id, date, amount)]}."""
    from django.db.models import Q

    from triplec.ledger.models import from_units

    currency = {member_code(n.pk): (n.pk, n.currency) for n in networks}
    found: dict[int, list] = {n.pk: [] for n in networks}
    if currency:
        for code, owner, account_currency, day, units in _entries_of(
                Q(account__code__in=list(currency), account__owner__startswith=MEMBER_OWNER), start, end):
            network_id, network_currency = currency[code]
            if account_currency == network_currency:
                found[network_id].append((int(owner.removeprefix(MEMBER_OWNER)), day, -from_units(units)))
    return found


def last_day(network) -> date | None:
    """The date of the network's latest cost or contribution posting, if any."""
    days = [m.effective_on for m in _movements({**_cost_accounts(network), **_member_accounts(network)}, None, None)]
    return max(days, default=None)
