"""Issue 8, item 8: `triplec restore` brings back every date-time exactly, microseconds included
(Django's JSON encoder cuts them to milliseconds). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from triplec.backups import create_backup, restore_backup
from triplec.registry.models import Enterprise
from triplec.registry.models_import import ImportBatch


@pytest.mark.django_db(transaction=True)  # a restore flushes the database: no test transaction around it
def test_restore_keeps_date_times_to_the_microsecond(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    when = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
    Enterprise.objects.filter(pk=world.ent_a1.pk).update(created_at=when, updated_at=when)
    batch = ImportBatch.objects.create(uploaded_by=world.users["agency-admin"], original_name="x.csv",
                                       file="imports/x.csv", created_at=when, imported_at=when.replace(microsecond=1))
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    Enterprise.objects.filter(pk=world.ent_a1.pk).update(created_at=datetime(2000, 1, 1, tzinfo=UTC))
    restore_backup(archive, force=True)
    restored = Enterprise.objects.get(pk=world.ent_a1.pk)
    assert (restored.created_at, restored.updated_at) == (when, when)
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert (batch.created_at, batch.imported_at) == (when, when.replace(microsecond=1))
