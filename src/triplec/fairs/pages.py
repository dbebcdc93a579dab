"""What the fairs pages show, read through `policy` (never decided here)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from triplec.accounts.policy import role_of
from triplec.accounts.roles import Role
from triplec.networks.models import NetworkMember, active_members_q
from triplec.registry.models import Enterprise, Membership

from . import policy
from .models import Fair, GroupStand, Participation
from .services import links, money
from .services.subsidy import distance_note, evaluate, explain


def sign_up_choices(user, fair: Fair) -> dict | None:
    """The firms and stands the reader may sign up at this fair; None if it signs nobody up."""
    role = role_of(user)
    stands = GroupStand.objects.filter(fair=fair).select_related("association", "network")
    if role in policy.FAIRS_AGENCY_ROLES:
        return {"firms": None, "stands": stands, "stand_required": False}
    if role == Role.ASSOCIATION_MANAGER and user.organisation_id:
        own = stands.filter(association_id=user.organisation_id)
        if not own.exists():
            return None
        members = Enterprise.objects.filter(Membership.current_q(prefix="memberships__"),
                                            memberships__association_id=user.organisation_id).distinct()
        return {"firms": members, "stands": own, "stand_required": True}
    if role == Role.BROKER:  # later members of the networks it brokers, at their networks' stands
        own = stands.filter(network__in=policy.networks_to_sign_up(user))
        if not own.exists():
            return None
        members = Enterprise.objects.filter(
            active_members_q(date.today(), prefix="network_memberships__"),
            network_memberships__network__in=own.values("network_id")).distinct()
        return {"firms": members, "stands": own, "stand_required": True}
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        mine = Membership.objects.filter(Membership.current_q(), enterprise_id=user.enterprise_id)
        networks = NetworkMember.objects.filter(active_members_q(date.today()), enterprise_id=user.enterprise_id)
        return {"firms": Enterprise.objects.filter(pk=user.enterprise_id),
                "stands": stands.filter(Q(association_id__in=mine.values("association_id"))
                                        | Q(network_id__in=networks.values("network_id"))),
                "stand_required": False}
    return None


def participation_page(user, p: Participation) -> dict:
    currency = p.fair.programme.currency
    if p.paid:
        steps, estimate = p.explanation, False
    else:
        used = money.subsidy_received(p.fair.programme, p.enterprise_id, p.fair.starts_on.year)
        steps, estimate = evaluate(p, used_this_year=used).steps, True
    follow_ups = [(f, links.state_of(f), links.FollowUpState.LABELS[links.state_of(f)])
                  for f in p.follow_ups.order_by("months")]
    orders = list(p.orders.select_related("contact__buyer").order_by("ordered_on", "id"))
    return {"p": p, "currency": currency, "paid": money.paid_for(p) if p.paid else None,
            "explanation": explain([_plain(s) for s in steps], currency), "estimate": estimate,
            "distance": distance_note(p),
            "contacts": list(p.contacts.select_related("buyer")), "orders": orders,
            "order_totals": links.orders_by_currency(orders), "follow_ups": follow_ups,
            "self_paid_repeat": links.is_self_paid_repeat(p),
            "can_follow_up": policy.can_follow_up(user, p) and not p.cancelled,
            "can_pay": policy.can_manage_programmes(user) and not p.cancelled,
            "can_cancel": policy.can_cancel(user, p) and not p.cancelled and not p.paid,
            "money_lines": money.money_lines(p), "payment_round": money.payment_round(p)}


def _plain(step: dict) -> dict:
    return {k: str(v) if not isinstance(v, bool | int | str) else v for k, v in step.items()}
