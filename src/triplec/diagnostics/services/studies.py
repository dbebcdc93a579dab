"""The rules of diagnostic studies: start (a new version copies the last one and is prefilled again from
the register), edit in draft, state or withdraw an indicator, refresh the computed ones, complete (then
read-only). Every write checks `policy` first."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.clusters import policy as clusters_policy
from triplec.clusters.models import Cluster
from triplec.core.errors import NotFound, ValidationFailed, refuse
from triplec.core.records import save_validated

from .. import policy
from ..models import Indicator, Study
from . import content, evidence, indicators

COPIED = (*content.TEXT_FIELDS, *content.CHOICE_FIELDS, *content.SECTIONS)


def get_study(user, pk) -> Study:
    study = policy.visible_studies(user).select_related("cluster").filter(pk=pk).first()
    if study is None:
        raise NotFound(_("No such diagnostic study."))
    return study


def get_cluster(user, pk) -> Cluster:
    cluster = clusters_policy.visible_clusters(user).filter(pk=pk).first()
    if cluster is None:
        raise NotFound(_("No such cluster."))
    return cluster


def _require_draft(study: Study) -> None:
    if not study.is_draft:
        refuse("status", _("A completed study is read-only: start a new version to change it."))


def _who(user) -> str:
    return user.get_full_name() or user.get_username()


def start_study(user, cluster: Cluster, data: dict | None = None) -> Study:
    """The cluster's next version: a copy of its latest study (content, stated indicators, evidence) when there is
    one, its computed indicators taken again from the register. Numbering is per cluster: the cluster row
    is locked so two starts at once get two numbers."""
    require(policy.can_edit_studies, user)
    changes = content.clean_changes(dict(data or {}))
    with transaction.atomic():
        Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
        last = cluster.studies.order_by("-version").first()
        version = (cluster.studies.aggregate(top=Max("version"))["top"] or 0) + 1
        study = Study(cluster=cluster, version=version, created_by=user,
                      title=_("Diagnostic study of %(cluster)s") % {"cluster": cluster.name}, authors=_who(user))
        if last is not None:
            for name in COPIED:
                setattr(study, name, getattr(last, name))
        study.study_date = timezone.localdate()
        for name, value in changes.items():
            setattr(study, name, value)
        save_validated(study, user)
        if last is not None:
            for row in last.indicators.filter(origin=Indicator.Origin.STATED):
                Indicator.objects.create(study=study, key=row.key, label=row.label, value=row.value, text=row.text,
                                         unit=row.unit, origin=row.origin, source=row.source, as_of=row.as_of,
                                         position=row.position, stated_by=row.stated_by)
            evidence.copy_evidence(last, study)
        _write_computed(study)
    return study


def _write_computed(study: Study) -> None:
    """Replace the computed indicators by the register's figures now; stated ones stay as they are."""
    study.indicators.filter(origin=Indicator.Origin.COMPUTED).delete()
    figures = indicators.compute(study.cluster, study.study_date)
    Indicator.objects.bulk_create([
        Indicator(study=study, origin=Indicator.Origin.COMPUTED, position=i,
                  **{k: v for k, v in asdict(f).items()}) for i, f in enumerate(figures)])
    positions = {f.key: i for i, f in enumerate(figures)}
    for row in study.indicators.filter(origin=Indicator.Origin.STATED):
        if row.key in positions and row.position != positions[row.key]:
            Indicator.objects.filter(pk=row.pk).update(position=positions[row.key])


def _locked(study: Study) -> Study:
    return Study.objects.select_for_update().select_related("cluster").get(pk=study.pk)


def refresh_indicators(user, study: Study) -> Study:
    require(policy.can_edit_studies, user)
    with transaction.atomic():
        study = _locked(study)
        _require_draft(study)
        _write_computed(study)
        study._history_user = user
        study.save(update_fields=["updated_at"])
    return study


def update_study(user, study: Study, data: dict) -> Study:
    require(policy.can_edit_studies, user)
    changes = content.clean_changes(dict(data))
    with transaction.atomic():
        study = _locked(study)
        _require_draft(study)
        for name, value in changes.items():
            setattr(study, name, value)
        save_validated(study, user)
    return study


def state_indicator(user, study: Study, key: str, data: dict) -> Indicator:
    """A stated value for `key`: overrides the computed one of the same key (which stays, shown beside it)
    or adds a figure the register does not hold (then `label` is needed)."""
    require(policy.can_edit_studies, user)
    with transaction.atomic():
        study = _locked(study)
        _require_draft(study)
        computed = study.indicators.filter(key=key, origin=Indicator.Origin.COMPUTED).first()
        row = study.indicators.filter(key=key, origin=Indicator.Origin.STATED).first() or Indicator(
            study=study, key=key, origin=Indicator.Origin.STATED,
            label=computed.label if computed else "", unit=computed.unit if computed else "",
            position=computed.position if computed else 1000)
        for name in ("label", "value", "text", "unit", "source", "as_of"):
            if name in data:
                setattr(row, name, data[name])
        if row.value is None and not row.text:
            raise ValidationFailed({"value": [_("Give a value or details.")]})
        if not (row.source or "").strip():
            raise ValidationFailed({"source": [_("Say where the stated value comes from.")]})
        row.stated_by = user
        save_validated(row, user, exclude=("study",))
        study._history_user = user
        study.save(update_fields=["updated_at"])
    return row


def withdraw_stated(user, study: Study, key: str) -> None:
    require(policy.can_edit_studies, user)
    with transaction.atomic():
        study = _locked(study)
        _require_draft(study)
        deleted, _rows = study.indicators.filter(key=key, origin=Indicator.Origin.STATED).delete()
        if not deleted:
            raise NotFound(_("No stated value for this indicator."))


def complete_study(user, study: Study) -> Study:
    require(policy.can_edit_studies, user)
    with transaction.atomic():
        study = _locked(study)
        _require_draft(study)
        if not study.attributes:
            refuse("attributes", _("Assess at least one district attribute before completing the study."))
        study.status = Study.Status.COMPLETED
        study.completed_at = timezone.now()
        study.completed_by = user
        save_validated(study, user)
    return study
