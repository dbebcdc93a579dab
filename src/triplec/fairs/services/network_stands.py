"""A brokered network at a fair on a group stand: its broker (or agency staff) signs the network up,
which makes the stand and signs up every firm that is a member of the network that day.

After that the stand is like an association's: members who join the network later may be added
(`programmes.sign_up`, by the broker, the agency or the firm itself), the stand's cost is shared again
among its firms by its rule; a firm that leaves the network keeps its place and its share (it signed
up while a member); subsidies, caps, repeat participation and payment are the programme's rules for
any firm at a group stand (services.subsidy, services.money).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.records import save_validated
from triplec.networks.models import Network, NetworkMember, active_members_q

from .. import policy
from ..models import CostSharing, Fair, GroupStand
from .common import money_of, refuse, today
from .programmes import sign_up


def sign_up_network(user, fair: Fair, network: Network, *, total_cost, cost_sharing: str = CostSharing.EQUAL,
                    areas: dict | None = None, shares: dict | None = None, subsidy_requested: bool = True,
                    on: date | None = None) -> GroupStand:
    """The network's group stand at `fair`, costing `total_cost`, with its members of day `on` signed up.
    `areas` / `shares`: each member's area (m²) or agreed share (0-1) by firm id, for a stand shared
    by area or by agreed shares."""
    require(policy.can_sign_up_network, user, network)
    day = today(on)
    if cost_sharing not in CostSharing.values:
        refuse("cost_sharing", _("Not a cost-sharing rule."))
    members = list(NetworkMember.objects.filter(active_members_q(day), network=network)
                   .select_related("enterprise").order_by("enterprise__legal_name", "enterprise_id"))
    if not members:
        refuse("network", _("%(network)s has no member firms on %(day)s.") % {"network": network, "day": day})
    if GroupStand.objects.filter(fair=fair, network=network).exists():
        refuse("network", _("%(network)s already has a group stand at this fair.") % {"network": network})
    areas, shares = areas or {}, shares or {}
    stand = GroupStand(fair=fair, network=network, total_cost=money_of("total_cost", total_cost),
                       cost_sharing=cost_sharing)
    with transaction.atomic():
        save_validated(stand, user)
        for member in members:
            firm = member.enterprise
            sign_up(user, fair, firm, stand=stand, area_m2=areas.get(firm.pk), agreed_share=shares.get(firm.pk),
                    subsidy_requested=subsidy_requested, on=day)
    return stand
