"""Portable backups: every record (Django's serialised JSON, read in one transaction so it is a
consistent snapshot) plus the uploaded files, in one .tar.gz. A backup taken on SQLite restores on
PostgreSQL and the other way round.

Text that cannot be encoded (lone surrogates left by imports before they refused undecodable bytes)
is written as U+FFFD, and the manifest counts such records per model: `triplec doctor` cleans the
database itself.

It sits beside the CLI, above the apps, since it asks the apps' models whether a database is empty
(core, the base layer, imports no app)."""

from __future__ import annotations

import datetime
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

import triplec
from triplec.core.errors import DomainError
from triplec.core.text import has_lone_surrogates, without_lone_surrogates

FORMAT_VERSION = 1
# Content types and permissions are rebuilt by migrate; sessions and login-attempt logs are not data.
EXCLUDED = {"contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but date-times and times keep their microseconds (Django's cuts them to
    milliseconds, so a restore would not bring back what was saved)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def _models_to_dump():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        yield model


def create_backup(output: Path) -> dict:
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "data.json"
        count = 0
        cleaned: dict[str, int] = {}
        outermost = not connection.in_atomic_block  # else the caller's transaction decides its isolation
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with open(data_path, "w", encoding="utf-8") as fh:
                fh.write("[")
                first = True
                for model in _models_to_dump():
                    for obj in model._default_manager.order_by("pk").iterator(chunk_size=2000):
                        text = serializers.serialize("json", [obj], cls=ExactJSONEncoder)[1:-1]
                        if has_lone_surrogates(text):  # never let one bad row stop the backup
                            text = without_lone_surrogates(text)
                            cleaned[model._meta.label_lower] = cleaned.get(model._meta.label_lower, 0) + 1
                        fh.write(("" if first else ",\n") + text)
                        first = False
                        count += 1
                fh.write("]")
        files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
        manifest = {"format": FORMAT_VERSION, "triplec": triplec.__version__, "objects": count,
                    "files": len(files), "created_at": timezone.now().isoformat(),
                    "database": connection.vendor, "undecodable_text_replaced": cleaned}
        with tarfile.open(output, "w:gz") as tar:
            blob = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
            tar.add(data_path, arcname="data.json")
            for p in files:
                tar.add(p, arcname=f"media/{p.relative_to(media_root)}")
    return manifest


def _database_has_data() -> bool:
    from triplec.accounts.models import User
    from triplec.registry.models import Enterprise, Organisation

    return User.objects.exists() or Enterprise.objects.exists() or Organisation.objects.exists()


def restore_backup(archive: Path, force: bool = False) -> dict:
    archive = Path(archive)
    if not archive.is_file():
        raise DomainError(f"No backup archive at {archive}.")
    if _database_has_data() and not force:
        raise DomainError("The database already holds data; restore into an empty installation or pass --force.")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise DomainError(f"Unsupported backup format {manifest.get('format')!r}.")
        with transaction.atomic():
            if force:
                _empty_database()
            call_command("loaddata", str(Path(tmp) / "data.json"), verbosity=0)
        media_src = Path(tmp) / "media"
        n_files = 0
        if media_src.exists():
            media_root = Path(settings.MEDIA_ROOT)
            for p in media_src.rglob("*"):
                if p.is_file():
                    dest = media_root / p.relative_to(media_src)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(p.read_bytes())
                    n_files += 1
    _reset_sequences()
    return {"objects": manifest["objects"], "files": n_files}


def _empty_database() -> None:
    """Flush every table; then remove what post-migrate handlers seeded again (shipped funding
    schedules and kinds...): the backup holds those rows itself, under its own ids. Content types
    and permissions (not in backups) stay."""
    call_command("flush", interactive=False, verbosity=0)
    seeded = [m for m in _models_to_dump() if m._base_manager.exists()]
    with connection.cursor() as cur:  # plain DELETEs: foreign keys are checked at commit, after loaddata
        for model in seeded:
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _reset_sequences() -> None:
    """After loading rows with explicit ids, PostgreSQL sequences must move past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(_models_to_dump()))
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
