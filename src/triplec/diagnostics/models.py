"""A diagnostic study of a cluster record and its indicators.

A `Study` is one version of the diagnosis of a `clusters.Cluster` (1, 2, ... per cluster). Its structured
sections (district attributes, value-chain buyers, problems, proposed instruments) are JSON checked by
`services.content`; a completed study is read-only. An `Indicator` is one figure of a study, either
computed from the register (with the query it came from described) or stated by a person; a stated row
overrides the computed row of the same key only when someone states it, and both are kept.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from triplec.clusters.models import Cluster


class Study(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")

    class Path(models.TextChoices):
        HIGH = "high", _("High road: quality and innovation")
        LOW = "low", _("Low road: cost and wages")
        MIXED = "mixed", _("Mixed: both roads")

    class Governance(models.TextChoices):
        BUYER = "buyer", _("Buyer-driven")
        PRODUCER = "producer", _("Producer-driven")
        MIXED = "mixed", _("Mixed")

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="studies", verbose_name=_("cluster"))
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    period = models.CharField(_("period studied"), max_length=100, blank=True)
    study_date = models.DateField(_("date of the study"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    attributes = models.JSONField(_("district attributes"), default=dict, blank=True)
    competitive_path = models.CharField(_("competitive path"), max_length=8, choices=Path.choices, blank=True)
    competitive_path_text = models.TextField(_("on the competitive path"), blank=True)
    governance = models.CharField(_("governance of the value chains"), max_length=10, choices=Governance.choices,
                                  blank=True)
    governance_text = models.TextField(_("on the governance"), blank=True)
    buyers = models.JSONField(_("main buyers and markets"), default=list, blank=True)
    problems = models.JSONField(_("problems and opportunities"), default=list, blank=True)
    instruments = models.JSONField(_("proposed instruments"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("completed by"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cluster", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "version"], name="diagnostics_study_version_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="diagnostics_study_version_positive"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Indicator(models.Model):
    class Origin(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        STATED = "stated", _("Stated")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="indicators")
    key = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    value = models.FloatField(_("value"), null=True, blank=True)
    text = models.TextField(_("details"), blank=True, help_text=_("Names behind the figure, e.g. the sectors."))
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    source = models.TextField(_("source"), blank=True,
                              help_text=_("Computed: the query it came from. Stated: the evidence."))
    as_of = models.DateField(_("as of"), default=timezone.localdate)
    position = models.PositiveSmallIntegerField(default=0)
    stated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("stated by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["study", "position", "key", "origin"]
        constraints = [
            models.UniqueConstraint(fields=["study", "key", "origin"], name="diagnostics_indicator_once"),
        ]

    def __str__(self):
        return f"{self.label}: {self.value}"


def _evidence_path(instance, filename):
    return f"diagnostics/{instance.study.cluster_id}/evidence/{uuid.uuid4().hex}/{filename}"


class Evidence(models.Model):
    """A file or a link backing a stated indicator or a section of a study. A new version copies its
    rows, which keep pointing at the same stored files; a file goes when no version lists it any more.
    Files are read only through the download view (never a public media URL)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="evidence")
    target = models.CharField(_("evidence for"), max_length=80,
                              help_text=_("A section (problems, opportunities, instruments) or indicator:<key>."))
    title = models.CharField(_("title"), max_length=200)
    document = models.FileField(_("file"), upload_to=_evidence_path, blank=True, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["study", "target", "added_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(document="") | ~Q(link=""),
                                              name="diagnostics_evidence_file_or_link")]

    def __str__(self):
        return self.title
