"""An uploaded import file kept between the upload, the preview and the confirmation."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def import_upload_path(batch: "ImportBatch", filename: str) -> str:
    """imports/<uuid><extension>: the uploader's file name is kept in `original_name` only."""
    return f"imports/{batch.pk}{PurePath(filename).suffix.lower()[:10]}"


class ImportBatch(models.Model):
    """One uploaded file, its options (mapping, defaults, encoding) and the last check's outcome.
    Only its uploader may confirm it; the file stays under MEDIA_ROOT/imports for the record, except
    after a background import (a big file), which removes it when it ends (see importing.batches)."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked")
        IMPORTED = "imported", _("Imported")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    related_name="import_batches", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    file = models.FileField(upload_to=import_upload_path)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=16, blank=True)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    # "." or "," for numbers written as text; "" = the file's convention (a comma in ;-separated CSV)
    decimal_separator = models.CharField(_("decimal separator"), max_length=1, blank=True)
    mapping = models.JSONField(default=dict, blank=True)   # column -> field chosen by the user
    defaults = models.JSONField(default=dict, blank=True)  # field -> value for the whole file
    preview = models.JSONField(default=dict, blank=True)   # ImportPreview.as_dict() of the last check
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKED)
    imported_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"
