"""The participations as a table for the agency and evaluators (CSV or XLSX): each firm at each fair
with its cost, the subsidy and the firm's own part as the ledger has them, orders traced to the fair
and follow-ups. Orders in several currencies are never added together: one total per currency."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from triplec.accounts.policy import require

from .. import policy
from . import links, money

CHUNK = 500
COLUMNS = ("participation", "fair", "starts_on", "programme", "currency", "enterprise", "firm", "size_class",
           "association", "cost", "paid", "subsidy", "paid_by_firm", "cancelled_on", "orders", "order_values",
           "follow_ups_done", "follow_ups_open", "self_paid_repeat")


def column_labels() -> dict[str, str]:
    return {"participation": _("Participation"), "fair": _("Fair"), "starts_on": _("Starts on"),
            "programme": _("Programme"), "currency": _("Currency"), "enterprise": _("Firm (register id)"),
            "firm": _("Firm"), "size_class": _("Size class"), "association": _("Group stand"),
            "cost": _("Exhibition cost"), "paid": _("Paid"), "subsidy": _("Subsidy"),
            "paid_by_firm": _("Paid by the firm"), "cancelled_on": _("Cancelled on"),
            "orders": _("Orders traced to the fair"), "order_values": _("Order values by currency"),
            "follow_ups_done": _("Follow-ups done"), "follow_ups_open": _("Follow-ups open"),
            "self_paid_repeat": _("A repeat participation the firm paid itself")}


def participation_rows(user) -> Iterator[dict]:
    """Every participation the user may export, latest fair first."""
    require(policy.can_export, user)
    qs = (policy.visible_participations(user)
          .select_related("fair__programme", "enterprise", "stand__association", "stand__network")
          .annotate(done=Count("follow_ups", filter=Q(follow_ups__done_on__isnull=False), distinct=True),
                    open=Count("follow_ups", filter=Q(follow_ups__done_on__isnull=True), distinct=True),
                    repeat=links.self_paid_repeat_q())
          .prefetch_related("orders").order_by("-fair__starts_on", "enterprise__legal_name", "id"))
    rows = qs.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):  # the ledger read once per chunk, not per row
        yield from _rows(chunk)


def _rows(participations) -> Iterator[dict]:
    ledger = money.paid_for_many(participations)
    for p in participations:
        paid = ledger.get(p.pk)
        orders = list(p.orders.all())
        totals = links.orders_by_currency(orders)
        yield {"participation": p.pk, "fair": p.fair.name, "starts_on": p.fair.starts_on.isoformat(),
               "programme": p.fair.programme.name, "currency": p.fair.programme.currency,
               "enterprise": p.enterprise_id, "firm": p.enterprise.legal_name,
               "size_class": str(p.enterprise.size_class),
               "association": str(p.stand.holder) if p.stand_id else "", "cost": p.cost, "paid": p.paid,
               "subsidy": paid.subsidy if paid else None, "paid_by_firm": paid.own if paid else None,
               "cancelled_on": p.cancelled_on.isoformat() if p.cancelled_on else "", "orders": len(orders),
               "order_values": "; ".join(f"{t.currency} {t.value}" for t in totals),
               "follow_ups_done": p.done, "follow_ups_open": 0 if p.cancelled else p.open,
               "self_paid_repeat": p.repeat}
