"""Named point data sets for mapping: establishments that are not the agency's register (e.g. the
French IREP industrial facilities shipped for demonstration), stored as a file a mapping run can
start from. They never appear in the register's lists, map or dashboard."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MappingDataset(models.Model):
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source and licence"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    classification = models.CharField(_("classification"), max_length=16, blank=True)
    # The points file (CSV or Parquet) under MEDIA_ROOT and which of its columns are what, in the
    # mapping run's terms (id, sector, lon, lat, label, region).
    file = models.CharField(max_length=300)
    columns = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(_("establishments"), default=0)
    with_coordinates = models.PositiveIntegerField(_("with coordinates"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mapping data set")

    def __str__(self):
        return self.name
