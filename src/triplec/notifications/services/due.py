"""What is due, read from the instruments' own records and rules, and for whom.

Each source computes its due things once per refresh (`Run`), then `due_for(user, run)` keeps those
`policy.addressed` gives the user. The states read:

- evaluation overdue: networks `due_for_networks` (a member firm's evaluation past its due date while
  the network is in an evaluating stage);
- contribution gap: a network records what its members paid, never a pledge, so there is no due date:
  in an open network, a current member of at least `CONTRIBUTION_GAP_MONTHS` months that paid nothing
  (net of reversals, on the ledger) in the last `CONTRIBUTION_GAP_MONTHS` months while another current
  member paid something in them; once per gap (a payment ends it, the next gap is a new notice);
- gate waiting: an open network whose next gate's checklist is all met, so only a decision is missing;
- follow-up due: a fair's follow-up not done, within the fairs' `REMINDER_DAYS` of its date or past it;
- action due: a supplier's plan action planned or in progress, within `ACTION_NOTICE_DAYS` of its date;
- fair payment: a participation (not cancelled, with a cost) unpaid within `FAIR_PAYMENT_NOTICE_DAYS` of
  the fair's start or later;
- member payment: a contract whose purchaser paid the advance while some allocations' advances are not
  passed to their members yet (`procurement.services.money.pass_advances`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone

from triplec.accounts.policy import role_of
from triplec.accounts.roles import Role
from triplec.core.months import add_months
from triplec.fairs import policy as fairs_policy
from triplec.fairs.models import FollowUp, Participation
from triplec.fairs.services.links import REMINDER_DAYS
from triplec.networks import books, lifecycle
from triplec.networks import policy as networks_policy
from triplec.networks.evaluations import due_for_networks
from triplec.networks.models import Network, NetworkMember, active_members_q
from triplec.procurement import policy as procurement_policy
from triplec.procurement.models import Allocation, Contract, ContractStatus, Payment
from triplec.suppliers import policy as suppliers_policy
from triplec.suppliers.models import Action, ActionOwner, ActionStatus

from ..models import Kind
from ..policy import AGENCY_EDITORS, People, addressed

ACTION_NOTICE_DAYS = 14
CONTRIBUTION_GAP_MONTHS = 3
FAIR_PAYMENT_NOTICE_DAYS = 30


@dataclass(frozen=True)
class Due:
    kind: str
    key: str
    subject: str
    due_on: date | None
    url: str


@dataclass
class Run:
    """One refresh: its day, the people in charge, and each source's due things computed once."""

    on: date = field(default_factory=timezone.localdate)
    people: People = field(default_factory=People)
    _found: dict = field(default_factory=dict)

    def once(self, name: str, compute):
        if name not in self._found:
            self._found[name] = compute(self.on)
        return self._found[name]


def _broker(network: Network) -> list:
    return [network.broker] if network.broker_id else []


# Networks --------------------------------------------------------------------------------------------

def _overdue_evaluations(on: date) -> list:
    networks = {n.pk: n for n in Network.objects.filter(stage__evaluations_due=True, stage__is_closed=False)
                .select_related("kind", "stage", "broker")}
    return [(networks[d.network_id], d) for d in due_for_networks(list(networks.values()), on, within_days=0)
            if d.overdue]


def evaluations_overdue(user, run: Run) -> list[Due]:
    out = []
    for network, d in run.once("evaluations", _overdue_evaluations):
        if addressed(user, lambda u, n=network: networks_policy.can_record_evaluation(u, n),
                     lambda n=network: _broker(n)):
            out.append(Due(Kind.EVALUATION_OVERDUE, f"evaluation:{network.pk}:{d.enterprise_id}:{d.due_on}",
                           f"{d.network_name} · {d.enterprise_name}", d.due_on,
                           reverse("networks:evaluations", args=[network.pk])))
    return out


def _contribution_gaps(on: date) -> list:
    """(network, member, since, due on) of each member in a contribution gap (see the module's rule);
    `since`: its last payment, or its joining when it never paid."""
    start = add_months(on, -CONTRIBUTION_GAP_MONTHS) + timedelta(days=1)  # the window (on - N months, on]
    networks = list(Network.objects.filter(stage__is_closed=False).select_related("broker").order_by("pk"))
    members = defaultdict(list)
    for m in (NetworkMember.objects.filter(active_members_q(on), network__in=networks)
              .select_related("enterprise").order_by("network_id", "enterprise__legal_name", "pk")):
        members[m.network_id].append(m)
    found = []
    for network, paid in zip(networks, books.contributions_of(networks, None, on).values(), strict=True):
        recent: dict[int, Decimal] = defaultdict(Decimal)
        last: dict[int, date] = {}
        for firm, day, amount in paid:
            if day >= start:
                recent[firm] += amount
            if amount > 0:
                last[firm] = day
        if not any(recent[m.enterprise_id] > 0 for m in members[network.pk]):
            continue  # nobody paid lately: a network without contributions is not a gap of one member
        for m in members[network.pk]:
            if recent[m.enterprise_id] <= 0 and m.joined_on < start:
                since = max(last.get(m.enterprise_id, m.joined_on), m.joined_on)
                found.append((network, m, since, min(add_months(since, CONTRIBUTION_GAP_MONTHS), on)))
    return found


def contribution_gaps(user, run: Run) -> list[Due]:
    out = []
    for network, member, since, due_on in run.once("contribution-gaps", _contribution_gaps):
        if addressed(user, lambda u, n=network: networks_policy.can_record_contribution(u, n),
                     lambda n=network: _broker(n)):
            out.append(Due(Kind.CONTRIBUTION_GAP, f"contribution-gap:{network.pk}:{member.enterprise_id}:{since}",
                           f"{network.name} · {member.enterprise}", due_on,
                           reverse("networks:money", args=[network.pk])))
    return out


def _waiting_gates(on: date) -> list:
    found = []
    for network in (Network.objects.filter(stage__is_closed=False).select_related("kind", "stage", "broker")
                    .order_by("pk")):
        check = lifecycle.checklist(network, on=on)
        if check is not None and check.items and check.passable:
            found.append((network, check.gate))
    return found


def gates_waiting(user, run: Run) -> list[Due]:
    out = []
    for network, gate in run.once("gates", _waiting_gates):
        if addressed(user, lambda u, n=network, g=gate: networks_policy.can_pass_gate(u, n, g),
                     lambda n=network: _broker(n)):
            out.append(Due(Kind.GATE_WAITING, f"gate:{network.pk}:{gate.pk}", f"{network.name}: {gate.name}", None,
                           reverse("networks:network_detail", args=[network.pk])))
    return out


# Fairs -----------------------------------------------------------------------------------------------

def _open_follow_ups(on: date) -> list:
    return list(FollowUp.objects.filter(done_on__isnull=True, participation__cancelled_on__isnull=True,
                                        due_on__lte=on + timedelta(days=REMINDER_DAYS))
                .select_related("participation__fair", "participation__enterprise", "participation__stand")
                .order_by("due_on", "pk"))


def follow_ups_due(user, run: Run) -> list[Due]:
    out = []
    for f in run.once("follow-ups", _open_follow_ups):
        p = f.participation
        in_charge = lambda p=p: [*run.people.of_enterprise(p.enterprise_id),  # noqa: E731
                                 *run.people.managers_of(p.stand.association_id if p.stand_id else None)]
        if addressed(user, lambda u, p=p: fairs_policy.can_follow_up(u, p), in_charge):
            out.append(Due(Kind.FOLLOW_UP_DUE, f"follow-up:{f.pk}", f"{p.enterprise} · {p.fair}", f.due_on,
                           reverse("fairs:participation_detail", args=[p.pk])))
    return out


def _unpaid_participations(on: date) -> list:
    return list(Participation.objects.filter(transaction__isnull=True, cancelled_on__isnull=True, cost__gt=0,
                                             fair__starts_on__lte=on + timedelta(days=FAIR_PAYMENT_NOTICE_DAYS))
                .select_related("fair", "enterprise").annotate(round_no=Count("reversals"))
                .order_by("fair__starts_on", "pk"))


def fair_payments_waiting(user, run: Run) -> list[Due]:
    if not fairs_policy.can_manage_programmes(user):
        return []
    return [Due(Kind.FAIR_PAYMENT, f"fair-payment:{p.pk}:{p.round_no}", f"{p.enterprise} · {p.fair}",
                p.fair.starts_on, reverse("fairs:participation_detail", args=[p.pk]))
            for p in run.once("fair-payments", _unpaid_participations)]


# Supplier programmes ---------------------------------------------------------------------------------

def _open_actions(on: date) -> list:
    return list(Action.objects.filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
                                      due_on__lte=on + timedelta(days=ACTION_NOTICE_DAYS))
                .select_related("supplier__programme", "supplier__enterprise").order_by("due_on", "pk"))


OWNER_ROLE = {ActionOwner.SUPPLIER: Role.ENTERPRISE_USER, ActionOwner.BUYER_STAFF: Role.BUYER_STAFF}


def _on_owner_side(user, action: Action) -> bool:
    """An action is the owner's to do: the supplier's users its own, the buyer's staff theirs; the
    agency's editors any (a consultant's, and the others' when nobody there may act)."""
    role = role_of(user)
    return role is not None and (role == OWNER_ROLE.get(action.owner) or role in AGENCY_EDITORS)


def actions_due(user, run: Run) -> list[Due]:
    out = []
    for a in run.once("actions", _open_actions):
        supplier = a.supplier
        people = (run.people.of_enterprise(supplier.enterprise_id) if a.owner == ActionOwner.SUPPLIER
                  else run.people.staff_of_buyer(supplier.programme.buyer_id) if a.owner == ActionOwner.BUYER_STAFF
                  else [])
        may_act = lambda u, a=a: _on_owner_side(u, a) and suppliers_policy.can_update_supplier(u, a.supplier)  # noqa: E731
        if addressed(user, may_act, lambda people=people: people):
            out.append(Due(Kind.ACTION_DUE, f"action:{a.pk}", f"{supplier.enterprise or supplier.person_name}: "
                           f"{a.description}", a.due_on, reverse("suppliers:supplier_detail", args=[supplier.pk])))
    return out


# Procurement -----------------------------------------------------------------------------------------

def _advances_to_pass(on: date) -> list:
    passed = Payment.objects.filter(kind=Payment.Kind.ADVANCE_TO_MEMBER, allocation__isnull=False).values(
        "allocation_id")
    waiting = {row["line__contract_id"]: row for row in
               Allocation.objects.filter(quantity__gt=0, line__contract__payments__kind=Payment.Kind.ADVANCE)
               .exclude(line__contract__status=ContractStatus.PAID).exclude(pk__in=passed)
               .values("line__contract_id").annotate(last=Max("pk"))}
    if not waiting:
        return []
    advanced = dict(Payment.objects.filter(kind=Payment.Kind.ADVANCE, contract_id__in=waiting)
                    .values("contract_id").annotate(on=Min("recorded_at")).values_list("contract_id", "on"))
    contracts = Contract.objects.filter(pk__in=waiting).select_related("association").order_by("pk")
    return [(c, waiting[c.pk]["last"], timezone.localdate(advanced[c.pk])) for c in contracts]


def member_payments_waiting(user, run: Run) -> list[Due]:
    out = []
    for contract, last, since in run.once("advances", _advances_to_pass):
        if addressed(user, lambda u, c=contract: procurement_policy.can_run_contract(u, c),
                     lambda c=contract: run.people.managers_of(c.association_id)):
            out.append(Due(Kind.MEMBER_PAYMENT, f"member-payment:{contract.pk}:{last}",
                           f"{contract.reference} · {contract.association}", since,
                           reverse("procurement:contract_detail", args=[contract.pk])))
    return out


SOURCES = (evaluations_overdue, contribution_gaps, gates_waiting, follow_ups_due, actions_due, fair_payments_waiting,
           member_payments_waiting)


def due_for(user, run: Run | None = None) -> list[Due]:
    """Everything due that `user` should act on, by the rules of `policy`."""
    run = run or Run()
    return [d for source in SOURCES for d in source(user, run)]
