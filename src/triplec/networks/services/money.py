"""Money of a network: manager contracts, the cost and contribution entries, their reversals.

Money writes lock the network row (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers
with BEGIN IMMEDIATE) and carry an idempotency key that is unique per network: recording the same
entry twice returns the first one; reusing a key for a different entry is refused. Every entry posts
its money on the shared ledger (`books`, `triplec.ledger`) in the same database transaction, under
the network's key made unique across networks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from triplec.accounts.models import User
from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.core.months import add_months
from triplec.core.records import save_validated
from triplec.registry.models import Enterprise

from .. import books, policy
from ..funding import money
from ..models import (
    ContributionEntry,
    CostCategory,
    CostEntry,
    EntryKind,
    ManagerContract,
    Network,
    NetworkMember,
)
from ._common import _as_date, _lookup, _network_day, _visible


@transaction.atomic
def create_contract(actor, network: Network, data: Mapping[str, Any]) -> ManagerContract:
    """A manager's contract: manager (a user, optional), manager_name, start_date, end_date
    (optional), monthly_fee (Decimal or string), notes. In the network's currency."""
    _visible(actor, network)
    require(policy.can_record_contract, actor, network)
    allowed = {"manager", "manager_name", "start_date", "end_date", "monthly_fee", "notes"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationFailed({f: [_("Unknown field.")] for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    manager = _lookup(User, data.get("manager"), "manager", "user")
    name = str(data.get("manager_name") or "").strip() or (
        (manager.get_full_name() or manager.username) if manager else "")
    if not name:
        errors["manager_name"] = [_("Name the manager.")]
    try:
        fee = money(data.get("monthly_fee"))
        if fee <= 0:
            errors["monthly_fee"] = [_("The monthly fee must be more than zero.")]
    except ValueError as exc:
        errors["monthly_fee"] = [str(exc)]
        fee = None
    start = _as_date(data.get("start_date"), "start_date")
    end = _as_date(data.get("end_date"), "end_date")
    if start is None:
        errors["start_date"] = [_("Give the start date.")]
    elif start < network.started_on:
        errors["start_date"] = [_("Before the network's first contact (%(started_on)s).") % {
            "started_on": network.started_on}]
    if end is not None and start is not None and end < start:
        errors["end_date"] = [_("The contract ends before it starts.")]
    if errors:
        raise ValidationFailed(errors)
    contract = ManagerContract(network=network, manager=manager, manager_name=name, start_date=start,
                               end_date=end, monthly_fee=fee, currency=network.currency,
                               notes=str(data.get("notes") or ""), created_by=actor)
    save_validated(contract, actor)
    return contract


@transaction.atomic
def end_contract(actor, contract: ManagerContract, end_date: date) -> ManagerContract:
    _visible(actor, contract.network)
    require(policy.can_change_contract, actor, contract.network)
    c = ManagerContract.objects.select_for_update().get(pk=contract.pk)
    end_date = _as_date(end_date, "end_date")
    if end_date is None or end_date < c.start_date:
        raise ValidationFailed({"end_date": [_("Give an end on or after the start (%(start_date)s).") % {
            "start_date": c.start_date}]})
    last_accrued = c.cost_entries.filter(entry_kind=EntryKind.ORIGINAL).order_by("-incurred_on").first()
    if last_accrued is not None and last_accrued.incurred_on > end_date:
        raise ValidationFailed({"end_date": [
            _("Costs are accrued up to %(incurred_on)s; reverse them before ending the contract earlier.") % {
                "incurred_on": last_accrued.incurred_on}]})
    c.end_date = end_date
    save_validated(c, actor)
    return c


def _by(actor):
    """The user named on the ledger posting (the entry names its recorder too)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(network: Network) -> Network:
    return Network.objects.select_for_update().select_related("stage", "kind").get(pk=network.pk)


def _key(value) -> str:
    key = str(value or "").strip()
    if not key:
        raise ValidationFailed({"idempotency_key": [
            _("Give an idempotency key (any unique text, e.g. a UUID made when the form was opened), so that the "
            "same entry is never recorded twice.")]})
    if len(key) > 100:
        raise ValidationFailed({"idempotency_key": [_("At most 100 characters.")]})
    return key


def _replay(model, network: Network, key: str, same: Mapping[str, Any]):
    """The existing entry for this key if its content matches `same`; ValidationFailed otherwise;
    None if the key is new."""
    existing = model.objects.filter(network=network, idempotency_key=key).first()
    if existing is None:
        return None
    if all(getattr(existing, f) == v for f, v in same.items()):
        return existing
    raise ValidationFailed({"idempotency_key": [
        _("Key %(key)r was already used for a different entry (#%(pk)s, %(existing)s).") % {
            "key": key, "pk": existing.pk, "existing": existing}]})


def _insert(model, network: Network, key: str, same: Mapping[str, Any], entry):
    """Insert; if a concurrent writer inserted the same key first, answer like a replay."""
    try:
        with transaction.atomic():
            entry.save()
        return entry, True
    except IntegrityError:
        replayed = _replay(model, network, key, same)
        if replayed is None:
            raise
        return replayed, False


def _money_date(day, field: str, network: Network) -> date:
    errors: dict[str, list[str]] = {}
    day = _network_day(network, day, field, errors)
    if errors:
        raise ValidationFailed(errors)
    return day


def _amount(value, currency: str | None, network: Network) -> Decimal:
    try:
        amount = money(value)
    except ValueError as exc:
        raise ValidationFailed({"amount": [str(exc)]}) from exc
    if amount <= 0:
        raise ValidationFailed({"amount": [_("The amount must be more than zero (corrections are reversals).")]})
    if currency and currency.strip().upper() != network.currency:
        raise ValidationFailed({"currency": [_("This network keeps its money in %(currency)s.") % {
            "currency": network.currency}]})
    return amount


@transaction.atomic
def record_cost(actor, network: Network, *, category: str, amount, incurred_on, idempotency_key: str,
                note: str = "", currency: str | None = None, contract: ManagerContract | None = None
                ) -> tuple[CostEntry, bool]:
    """Add an expense to the cost ledger; returns (entry, created). Same key and content: the
    first entry, created=False."""
    _visible(actor, network)
    require(policy.can_record_cost, actor, network)
    locked = _lock(network)
    key = _key(idempotency_key)
    if category not in CostCategory.values:
        raise ValidationFailed({"category": [_("Unknown category %(category)r; use %(choices)s.") % {
            "category": category, "choices": ', '.join(CostCategory.values)}]})
    amount = _amount(amount, currency, locked)
    day = _money_date(incurred_on, "incurred_on", locked)
    if contract is not None and contract.network_id != locked.pk:
        raise ValidationFailed({"contract": [_("This contract belongs to another network.")]})
    same = {"category": category, "amount": amount, "incurred_on": day, "entry_kind": EntryKind.ORIGINAL}
    replayed = _replay(CostEntry, locked, key, same)
    if replayed is not None:
        return replayed, False
    note = (note or "").strip()[:300]
    posted = books.post_cost(locked.pk, locked.currency, category=category, amount=amount, day=day, key=key,
                             memo=note, by=_by(actor))
    entry = CostEntry(network=locked, category=category, amount=amount, currency=locked.currency, incurred_on=day,
                      note=note, idempotency_key=key, recorded_by=actor, contract=contract,
                      ledger_transaction=posted)
    return _insert(CostEntry, locked, key, same, entry)


@transaction.atomic
def accrue_manager_costs(actor, network: Network, through: date | None = None) -> list[CostEntry]:
    """Write each manager contract's monthly fee to the cost ledger for every contract month that
    starts on or before `through` (default today), once: the key is "contract:<id>:<month>"."""
    _visible(actor, network)
    require(policy.can_accrue_manager_costs, actor, network)
    locked = _lock(network)
    through = _as_date(through, "through") or date.today()
    if through > date.today():
        raise ValidationFailed({"through": [_("The date is in the future.")]})
    created = []
    for contract in locked.contracts.all():
        month = 0
        while True:
            day = add_months(contract.start_date, month)
            if day > through or (contract.end_date is not None and day > contract.end_date):
                break
            key = f"contract:{contract.pk}:{month}"
            if not CostEntry.objects.filter(network=locked, idempotency_key=key).exists():
                note = _("%(manager)s, month %(month)d") % {"manager": contract.manager_name, "month": month + 1}
                posted = books.post_cost(locked.pk, locked.currency, category=CostCategory.MANAGER,
                                         amount=contract.monthly_fee, day=day, key=key, memo=note, by=_by(actor))
                entry = CostEntry(network=locked, category=CostCategory.MANAGER, amount=contract.monthly_fee,
                                  currency=locked.currency, incurred_on=day, contract=contract, note=note,
                                  idempotency_key=key, recorded_by=actor, ledger_transaction=posted)
                entry.save()
                created.append(entry)
            month += 1
    return created


@transaction.atomic
def record_contribution(actor, network: Network, *, enterprise: Enterprise, amount, paid_on,
                        idempotency_key: str, note: str = "", currency: str | None = None
                        ) -> tuple[ContributionEntry, bool]:
    """Add a member firm's payment to the contribution ledger; returns (entry, created). The firm
    must have joined the network on or before `paid_on` (a firm that left may still settle)."""
    _visible(actor, network)
    require(policy.can_record_contribution, actor, network)
    locked = _lock(network)
    key = _key(idempotency_key)
    amount = _amount(amount, currency, locked)
    day = _money_date(paid_on, "paid_on", locked)
    enterprise = _lookup(Enterprise, enterprise, "enterprise", "enterprise")
    if enterprise is None or not NetworkMember.objects.filter(network=locked, enterprise=enterprise,
                                                              joined_on__lte=day).exists():
        raise ValidationFailed({"enterprise": [_("%(enterprise)s had not joined the network by %(day)s.") % {
            "enterprise": enterprise or _("This firm"), "day": day}]})
    same = {"enterprise_id": enterprise.pk, "amount": amount, "paid_on": day, "entry_kind": EntryKind.ORIGINAL}
    replayed = _replay(ContributionEntry, locked, key, same)
    if replayed is not None:
        return replayed, False
    note = (note or "").strip()[:300]
    posted = books.post_contribution(locked.pk, locked.currency, enterprise_id=enterprise.pk, amount=amount, day=day,
                                     key=key, memo=note, by=_by(actor))
    entry = ContributionEntry(network=locked, enterprise=enterprise, amount=amount, currency=locked.currency,
                              paid_on=day, note=note, idempotency_key=key, recorded_by=actor,
                              ledger_transaction=posted)
    return _insert(ContributionEntry, locked, key, same, entry)


def _reverse(actor, model, entry, reason: str, idempotency_key: str | None, date_field: str, permission):
    """The reversing entry of `entry` and, in the same transaction, the ledger reversal of its posting."""
    _visible(actor, entry.network)
    require(permission, actor, entry.network)
    locked = _lock(entry.network)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("Say why the entry is reversed.")]})
    original = model.objects.get(pk=entry.pk)
    if original.entry_kind != EntryKind.ORIGINAL:
        raise ValidationFailed({"__all__": [_("A reversal is not reversed; record a new entry instead.")]})
    key = _key(idempotency_key or f"reversal-of-{original.pk}")
    existing = model.objects.filter(reverses=original).first()
    if existing is not None:
        if existing.idempotency_key == key:
            return existing, False
        raise ValidationFailed({"__all__": [_("Entry #%(original)s was already reversed by #%(reversal)s.") % {
            "original": original.pk, "reversal": existing.pk}]})
    fields = {f: getattr(original, f) for f in ("category", "enterprise_id", "contract_id") if hasattr(original, f)}
    note = f"Reversal: {reason.strip()}"[:300]
    posted = books.post_reversal(locked.pk, "cost" if model is CostEntry else "contribution",
                                 original.ledger_transaction, key=key, memo=note, by=_by(actor))
    entry = model(network=locked, amount=-original.amount, currency=original.currency,
                  entry_kind=EntryKind.REVERSAL, reverses=original, note=note, idempotency_key=key,
                  recorded_by=actor, ledger_transaction=posted, **{date_field: getattr(original, date_field)},
                  **fields)
    same = {"reverses_id": original.pk, "entry_kind": EntryKind.REVERSAL}
    return _insert(model, locked, key, same, entry)


@transaction.atomic
def reverse_cost(actor, entry: CostEntry, reason: str, idempotency_key: str | None = None) -> tuple[CostEntry, bool]:
    """Cancel a cost entry with a reversing entry (same date, negated amount)."""
    return _reverse(actor, CostEntry, entry, reason, idempotency_key, "incurred_on", policy.can_correct_costs)


@transaction.atomic
def reverse_contribution(actor, entry: ContributionEntry, reason: str,
                         idempotency_key: str | None = None) -> tuple[ContributionEntry, bool]:
    """Cancel a contribution with a reversing entry (same date, negated amount)."""
    return _reverse(actor, ContributionEntry, entry, reason, idempotency_key, "paid_on",
                    policy.can_correct_contributions)
