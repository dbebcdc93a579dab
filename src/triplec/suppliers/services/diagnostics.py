"""A supplier's diagnostic (a score 0-5 and needs per area, its cost shared on the ledger) and the
actions of its improvement plan."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.core.records import save_validated

from .. import policy
from ..models import Action, ActionOwner, ActionStatus, Area, Diagnostic, Score, Supplier
from . import costs
from .common import money, refuse, today


def record_diagnostic(user, supplier: Supplier, *, carried_out_on: date, consultant: str, cost,
                      scores: Mapping[str, tuple[int, str]], summary: str = "") -> Diagnostic:
    """`scores`: area code -> (score 0-5, needs). Every active area is scored; the cost is shared on
    the ledger under the programme's rule in the same transaction."""
    require(policy.can_manage_programmes, user)
    amount = money("cost", cost)
    if carried_out_on < supplier.enrolled_on:
        refuse("carried_out_on", _("The supplier was enrolled on %(date)s; its diagnostic comes after.")
               % {"date": supplier.enrolled_on.isoformat()})
    if not consultant.strip():
        refuse("consultant", _("Say who carried out the diagnostic."))
    areas = {a.code: a for a in Area.objects.filter(active=True)}
    errors = {}
    missing = sorted(set(areas) - set(scores))
    if missing:
        errors["scores"] = [_("Score every area; missing: %(areas)s.") % {"areas": ", ".join(missing)}]
    for code, (score, _needs) in scores.items():
        if code not in areas:
            errors.setdefault("scores", []).append(_("%(code)s is not an active area.") % {"code": code})
        elif not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 5:
            errors[f"score_{code}"] = [_("A score is a whole number from 0 to 5.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        diagnostic = Diagnostic(supplier=supplier, carried_out_on=carried_out_on, consultant=consultant.strip(),
                                cost=amount, summary=summary)
        save_validated(diagnostic, user)
        Score.objects.bulk_create([Score(diagnostic=diagnostic, area=areas[code], score=score, needs=needs)
                                   for code, (score, needs) in scores.items()])
        costs.charge_diagnostic(user, diagnostic)
    return diagnostic


def first_diagnostic(supplier: Supplier) -> Diagnostic | None:
    return supplier.diagnostics.order_by("carried_out_on", "id").first()


def scores_by_area(diagnostic: Diagnostic) -> dict[str, int]:
    return dict(diagnostic.scores.values_list("area__code", "score"))


def add_action(user, supplier: Supplier, *, description: str, owner: str, due_on: date,
               area: Area | None = None) -> Action:
    require(policy.can_run_programme, user, supplier.programme)
    if owner not in ActionOwner.values:
        refuse("owner", _("The owner is the buyer's staff, the supplier or the consultant."))
    action = Action(supplier=supplier, area=area, description=description.strip(), owner=owner, due_on=due_on)
    with transaction.atomic():
        save_validated(action, user)
    return action


def set_action_status(user, action: Action, status: str, on: date | None = None) -> Action:
    """Move an action along its plan; `done_on` is the day it was marked done."""
    require(policy.can_update_supplier, user, action.supplier)
    if status not in ActionStatus.values:
        refuse("status", _("%(value)s is not a status of an action.") % {"value": status})
    action.status = status
    action.done_on = today(on) if status == ActionStatus.DONE else None
    with transaction.atomic():
        save_validated(action, user)
    return action
