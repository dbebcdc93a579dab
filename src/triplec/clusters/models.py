"""Mapping runs (a screen of a register by `triplec.mapping`, run as a background task) and the agency's
cluster records, each with the footprints attached to it over time (its trajectory)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from triplec.core.models import BackgroundTask
from triplec.registry.models import SectorClassification, Territory

MAPPING_FOLDER = "mapping"  # under MEDIA_ROOT: mapping/<run id>/ holds the run's input and outputs
CANCELLED = "cancelled"  # a run's status beyond the task queue's own (see MappingRun.status)


class MappingRun(models.Model):
    """One screen of a register: every sector tested for localisation (Duranton-Overman Kd against
    random location), the localised ones located (footprints) and profiled. The work runs as a
    `BackgroundTask`; the files land in MEDIA_ROOT/mapping/<id>/ and the counts in `summary`."""

    class Source(models.TextChoices):
        REGISTER = "register", _("The enterprise register")
        UPLOAD = "upload", _("An uploaded file")

    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.REGISTER)

    # Sector codes (both sources): classification of the codes and the level to aggregate them to.
    classification = models.CharField(_("classification"), max_length=16, blank=True,
                                      choices=SectorClassification.choices)
    sector_level = models.CharField(_("sector level"), max_length=24, blank=True,
                                    help_text=_("Level of the classification the codes are aggregated to; "
                                                "blank: codes as recorded."))

    # Register source: which enterprises.
    country = models.CharField(_("country"), max_length=2, blank=True)
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT,
                                  verbose_name=_("territory"), related_name="+")
    sector_filter = models.CharField(_("only sectors under"), max_length=16, blank=True)

    # Upload source: the stored file (path under MEDIA_ROOT), its original name and the column choices
    # (id, sector, lon+lat or x+y with unit and optional crs, weight, label, region).
    input_file = models.CharField(max_length=300, blank=True)
    input_name = models.CharField(_("file"), max_length=200, blank=True)
    columns = models.JSONField(default=dict, blank=True)

    # Parameters of the screen and of the footprints.
    r_max = models.FloatField(_("largest distance (km)"), default=100.0)
    r_step = models.FloatField(_("distance step (km)"), default=2.0)
    sims = models.PositiveIntegerField(_("simulations"), default=999)
    alpha = models.FloatField(_("significance level"), default=0.05)
    seed = models.PositiveIntegerField(_("random seed"), default=1)
    min_n = models.PositiveIntegerField(_("smallest sector tested"), default=30)
    weighted = models.BooleanField(_("weighted by employees"), default=False)
    fdr = models.BooleanField(_("false-discovery-rate filter for footprints"), default=True)
    with_m = models.BooleanField(_("also Marcon & Puech's M"), default=False)

    task = models.OneToOneField(BackgroundTask, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="mapping_run")
    # Cancellation is cooperative: a queued run is withdrawn from the queue at once; a running one
    # stops at its next progress report (the task checks this flag) and ends "cancelled".
    cancel_requested_at = models.DateTimeField(_("cancellation asked"), null=True, blank=True)
    cancel_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    output_dir = models.CharField(max_length=300, blank=True, help_text="Folder under MEDIA_ROOT.")
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(r_max__gt=0) & Q(r_step__gt=0), name="mapping_run_distances_positive"),
            models.CheckConstraint(condition=Q(alpha__gt=0) & Q(alpha__lt=1), name="mapping_run_alpha_in_0_1"),
        ]

    def __str__(self):
        return self.title

    @property
    def status(self) -> str:
        """queued, running, done, failed, or cancelled (a task that ended without finishing after a
        cancellation was asked for; a run that finished before it noticed stays done)."""
        if not self.task_id:
            return BackgroundTask.Status.FAILED
        status = self.task.status
        if status == BackgroundTask.Status.FAILED and self.cancel_requested_at is not None:
            return CANCELLED
        return status

    @property
    def is_finished(self) -> bool:
        return self.status in (BackgroundTask.Status.DONE, BackgroundTask.Status.FAILED, CANCELLED)

    @property
    def is_stopping(self) -> bool:
        """Cancellation asked for, but the task has not stopped yet."""
        return self.cancel_requested_at is not None and not self.is_finished

    def describe_source(self) -> str:
        """One line saying which establishments the run screens."""
        if self.source == self.Source.UPLOAD:
            return _("Uploaded file %(name)s") % {"name": self.input_name or "?"}
        parts = [_("Enterprise register, %(c)s codes") % {"c": self.get_classification_display()}]
        if self.sector_level:
            from .registers import level_label  # pandas: not at import time of the models

            parts.append(_("at %(level)s level") % {"level": level_label(self.sector_level)})
        if self.sector_filter:
            parts.append(_("sectors under %(code)s") % {"code": self.sector_filter})
        if self.country:
            from triplec.registry.countries import country_name

            parts.append(country_name(self.country))
        if self.territory_id:
            parts.append(self.territory.display_name)
        return ", ".join(str(p) for p in parts)

    @property
    def output_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / (self.output_dir or f"{MAPPING_FOLDER}/{self.pk}")


class Cluster(models.Model):
    """The agency's record of a cluster: a sectoral and geographical concentration of enterprises.

    Its footprints (`ClusterFootprint`) are snapshots of what a mapping run found, attached over time:
    the latest is the cluster's current extent, the earlier ones its trajectory."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sector_classification = models.CharField(_("classification"), max_length=16, blank=True,
                                             choices=SectorClassification.choices)
    sector_codes = models.CharField(_("sector codes"), max_length=200, blank=True,
                                    help_text=_("One or more codes, separated by commas."))
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT,
                                  verbose_name=_("territory"), related_name="clusters")
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def code_list(self) -> list[str]:
        return [c.strip() for c in self.sector_codes.split(",") if c.strip()]

    @property
    def current_footprint(self) -> ClusterFootprint | None:
        return self.footprints.order_by("-observed_at", "-attached_at", "-id").first()


class ClusterFootprint(models.Model):
    """A footprint found by a mapping run, as it was when attached to a cluster record: polygon,
    establishments, employment. Kept when the run is deleted (run becomes null, its title stays)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="footprints")
    run = models.ForeignKey(MappingRun, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="attached_footprints")
    run_title = models.CharField(_("mapping run"), max_length=200)
    run_source = models.CharField(_("establishments from"), max_length=16, blank=True,
                                  choices=MappingRun.Source.choices,
                                  help_text=_("The run's source, kept when the run is deleted: register runs' "
                                              "member ids are enterprise ids."))
    footprint_id = models.CharField(_("footprint"), max_length=64)
    sector = models.CharField(_("sector"), max_length=32)
    observed_at = models.DateTimeField(_("register mapped on"),
                                       help_text=_("When the run read the register."))
    geometry = models.JSONField(help_text="GeoJSON geometry (lon/lat unless in_lonlat is false).")
    in_lonlat = models.BooleanField(default=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    establishments = models.PositiveIntegerField(_("establishments"))
    employment = models.FloatField(_("employment"), null=True, blank=True)
    sme_share = models.FloatField(_("SME share"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    eps_km = models.FloatField(_("scale (km)"), null=True, blank=True)
    regions = models.JSONField(default=list, blank=True)
    member_ids = models.JSONField(default=list, blank=True,
                                  help_text="Establishment ids (enterprise ids for register runs).")
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    attached_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["observed_at", "attached_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "run", "footprint_id"], name="cluster_footprint_once"),
        ]

    def __str__(self):
        return f"{self.footprint_id} ({self.run_title})"
