"""Training sessions for the buyer's staff and the suppliers, their attendance and their cost."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.records import save_validated

from .. import policy
from ..models import Attendance, Programme, Supplier, TrainingKind, TrainingSession
from . import costs
from .common import money, refuse


def create_session(user, programme: Programme, *, title: str, kind: str, held_on: date, cost="0",
                   trainer: str = "") -> TrainingSession:
    require(policy.can_manage_programmes, user)
    if kind not in TrainingKind.values:
        refuse("kind", _("A session is technical or behavioural."))
    session = TrainingSession(programme=programme, title=title.strip(), kind=kind, held_on=held_on,
                              trainer=trainer.strip(), cost=money("cost", cost))
    with transaction.atomic():
        save_validated(session, user)
        costs.charge_session(user, session)
    return session


def record_attendance(user, session: TrainingSession, *, suppliers: Iterable[Supplier] = (),
                      staff: Iterable[str] = ()) -> list[Attendance]:
    """Who came: suppliers of the session's programme, and the buyer's staff by name. Recording the
    same person twice keeps one row."""
    require(policy.can_run_programme, user, session.programme)
    suppliers, staff = list(suppliers), [name.strip() for name in staff if name.strip()]
    for supplier in suppliers:
        if supplier.programme_id != session.programme_id:
            refuse("suppliers", _("%(name)s is not a supplier of this programme.") % {"name": supplier})
    rows = []
    with transaction.atomic():
        for supplier in suppliers:
            rows.append(Attendance.objects.get_or_create(session=session, supplier=supplier)[0])
        for name in staff:
            rows.append(Attendance.objects.get_or_create(session=session, staff_name=name)[0])
    return rows
