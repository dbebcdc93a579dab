"""registry.policy: an uploaded import file (ImportBatch) is seen by its uploader only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile

from triplec.registry import policy as registry_policy
from triplec.registry.models_import import ImportBatch


@pytest.fixture
def uploads(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    def upload(username: str) -> ImportBatch:
        batch = ImportBatch(uploaded_by=world.users[username], original_name="firms.csv")
        batch.file.save("firms.csv", ContentFile(b"legal_name\nA\n"), save=True)
        return batch

    return {"officer": upload("programme-officer"), "manager": upload("association-manager")}


def test_each_user_sees_only_their_own_uploads(world, uploads):
    officer, manager = uploads["officer"], uploads["manager"]
    assert list(registry_policy.visible_import_batches(world.users["programme-officer"])) == [officer]
    assert list(registry_policy.visible_import_batches(world.users["association-manager"])) == [manager]
    # agency-wide roles, even the admin, do not see other people's uploads
    assert not registry_policy.visible_import_batches(world.users["agency-admin"]).exists()
    assert not registry_policy.visible_import_batches(AnonymousUser()).exists()
    assert registry_policy.can_view_import_batch(world.users["programme-officer"], officer)
    assert not registry_policy.can_view_import_batch(world.users["programme-officer"], manager)
    assert not registry_policy.can_view_import_batch(world.users["agency-admin"], officer)
    assert not registry_policy.can_view_import_batch(AnonymousUser(), officer)


def test_an_inactive_uploader_sees_nothing(world, uploads):
    officer = world.users["programme-officer"]
    officer.is_active = False
    officer.save()
    assert not registry_policy.visible_import_batches(officer).exists()
    assert not registry_policy.can_view_import_batch(officer, uploads["officer"])
