"""Impact runs on the platform: check and store what is asked, queue the task, build the frames the
estimate reads (services/impact_estimate.py) from the register, the support records and the panel.

The frames: every firm supported by the chosen support (instrument and programme, an instrument, or
any) with its first year of it as cohort; every register firm never supported by anything as a
candidate (cohort 0); each with its strata (sector division, region, size band of the register's
current employees) and its panel years of the outcome. Employment is read from the panel only (the
register's `employees` is today's figure, not a yearly one).
"""

from __future__ import annotations

import pandas as pd
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from triplec.accounts.policy import require
from triplec.core.errors import NotFound, ValidationFailed
from triplec.core.tasks import cancel_queued, enqueue
from triplec.registry.models import Enterprise, Territory, size_class_for

from .. import policy
from ..models import FirmYear
from ..models_impact import CANCELLED, Control, ImpactRun, Outcome
from . import support

MAX_NEIGHBOURS = 10
MAX_CALIPER = 5.0


def runs_for(user) -> QuerySet:
    qs = ImpactRun.objects.select_related("task", "created_by", "cancel_requested_by")
    return qs if policy.can_view_impact(user) else qs.none()


def get_run(user, pk: int) -> ImpactRun:
    require(policy.can_view_impact, user)
    run = runs_for(user).filter(pk=pk).first()
    if run is None:
        raise NotFound(_("No such impact run."))
    return run


def _clean(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    instrument = (data.get("instrument") or "").strip()
    programme = data.get("programme")
    if instrument and instrument not in support.BY_INSTRUMENT:
        errors["instrument"] = [_("Unknown instrument %(value)s; instruments are %(keys)s.")
                                % {"value": instrument, "keys": ", ".join(support.BY_INSTRUMENT)}]
    if programme not in (None, "") and not instrument:
        errors["programme"] = [_("Give the instrument of the programme too.")]
    outcome = data.get("outcome") or ""
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose one of: %(keys)s.") % {"keys": ", ".join(Outcome.values)}]
    control = data.get("control") or Control.NEVER
    if control not in Control.values:
        errors["control"] = [_("Choose one of: %(keys)s.") % {"keys": ", ".join(Control.values)}]
    neighbours = data.get("neighbours")
    neighbours = 3 if neighbours in (None, "") else neighbours
    caliper = data.get("caliper")
    caliper = 0.5 if caliper in (None, "") else caliper
    try:
        neighbours = int(neighbours)
        if not 1 <= neighbours <= MAX_NEIGHBOURS:
            raise ValueError
    except (TypeError, ValueError):
        errors["neighbours"] = [_("Between 1 and %(n)s.") % {"n": MAX_NEIGHBOURS}]
    try:
        caliper = float(caliper)
        if not 0 < caliper <= MAX_CALIPER:
            raise ValueError
    except (TypeError, ValueError):
        errors["caliper"] = [_("A number above 0 and at most %(n)s.") % {"n": MAX_CALIPER}]
    if errors:
        raise ValidationFailed(errors)
    return {"instrument": instrument, "programme": int(programme) if programme not in (None, "") else None,
            "outcome": outcome, "control": control, "neighbours": neighbours, "caliper": caliper}


def start_run(user, data: dict) -> ImpactRun:
    """Check the request, store the run and queue its task."""
    require(policy.can_run_impact, user)
    fields = _clean(data)
    from .. import tasks  # the task module loads pandas and the estimator when first needed

    with transaction.atomic():
        run = ImpactRun.objects.create(created_by=user, **fields)
        run.task = enqueue(tasks.impact_run, user=user, run_id=run.pk)
        run.save(update_fields=["task"])
    return run


def who(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "?"


STATUS_WORDS = {"queued": _lazy("queued"), "running": _lazy("running"), "done": _lazy("done"),
                "failed": _lazy("failed"), CANCELLED: _lazy("cancelled")}


def cancel_run(user, run: ImpactRun) -> ImpactRun:
    """Stop a queued or running run: a queued one leaves the queue at once and never starts; a running
    one is flagged and stops at its next progress report (the task checks the flag), ending
    "cancelled". Asking again while it stops changes nothing; a finished run cannot be cancelled."""
    require(policy.can_cancel_impact, user, run)
    with transaction.atomic():
        run = ImpactRun.objects.select_for_update(of=("self",)).select_related("task").get(pk=run.pk)
        # results stored: the task got there first (it stores them only while no cancellation is asked)
        if run.finished or run.results is not None:
            raise ValidationFailed({"__all__": [
                _("The estimate has already finished (%(status)s): there is nothing to cancel.")
                % {"status": STATUS_WORDS.get(run.status, run.status)}]})
        if run.cancel_requested_at is None:
            run.cancel_requested_at = timezone.now()
            run.cancel_requested_by = user
            run.save(update_fields=["cancel_requested_at", "cancel_requested_by"])
            if run.task_id:
                cancel_queued(run.task_id, _("Cancelled by %(who)s before it started.") % {"who": who(user)})
    if run.task_id:
        run.task.refresh_from_db()
    return run


def _regions() -> dict[int, int]:
    """Each territory's state/region: a region itself, a municipality its parent, a country itself."""
    rows = Territory.objects.values_list("pk", "level", "parent_id")
    return {pk: parent if level == Territory.Level.MUNICIPALITY and parent else pk for pk, level, parent in rows}


def frames(run: ImpactRun) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:
    """(firms, panel, names) for `impact_estimate.estimate`; names of the supported firms (the dropped list)."""
    from .comparison import stratum_sector

    cohorts = support.first_supported(run.instrument or None, run.programme)
    ever = set(support.first_supported())
    reporting = set(FirmYear.objects.filter(**{f"{run.outcome}__isnull": False})
                    .values_list("enterprise_id", flat=True).distinct())
    wanted = {f for f in reporting if f in cohorts or f not in ever}
    regions = _regions()
    rows, names = [], {}
    for pk, code, territory, employees, name in (Enterprise.objects.filter(pk__in=wanted)
                                                  .values_list("pk", "sector_code", "territory_id", "employees",
                                                               "legal_name").iterator(chunk_size=5000)):
        rows.append({"firm": pk, "sector": stratum_sector(code), "region": str(regions.get(territory, "")),
                     "size": str(size_class_for(employees)), "cohort": cohorts.get(pk, 0)})
        if pk in cohorts:
            names[pk] = name
    firms = pd.DataFrame(rows, columns=["firm", "sector", "region", "size", "cohort"]).set_index("firm")
    values = (FirmYear.objects.filter(enterprise_id__in=wanted, **{f"{run.outcome}__isnull": False})
              .values_list("enterprise_id", "year", run.outcome))
    panel = pd.DataFrame(list(values.iterator(chunk_size=20000)), columns=["firm", "year", "outcome"])
    panel["outcome"] = panel["outcome"].astype(float)
    return firms, panel, names


def selection_choices() -> list[tuple[str, str]]:
    """The support a run may be about: all, an instrument, or one programme of it ("instrument:pk")."""
    from triplec.suppliers.models import Programme as SupplierProgramme

    from .scorecards import INSTRUMENTS

    choices = [("", _("All support (every instrument)"))]
    for instrument in INSTRUMENTS:
        choices.append((instrument.key, _("%(instrument)s: all programmes") % {"instrument": instrument.label}))
        programmes = instrument.programmes() if instrument.programmes else SupplierProgramme.objects.all()
        choices += [(f"{instrument.key}:{p.pk}", f"{instrument.label}: {p}") for p in programmes]
    return choices


def selection_of(value: str) -> dict:
    """A `selection_choices` value as the run's instrument and programme."""
    instrument, _sep, programme = (value or "").partition(":")
    return {"instrument": instrument, "programme": programme or None}


def selection_label(run: ImpactRun) -> str:
    value = f"{run.instrument}:{run.programme}" if run.programme else run.instrument
    return dict(selection_choices()).get(value, value or _("All support (every instrument)"))
