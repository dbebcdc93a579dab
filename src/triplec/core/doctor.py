"""`triplec doctor`: find and repair data that older versions could store but cannot show or back up.

Today: lone surrogates (undecodable bytes an import kept, before imports refused them) in JSON
columns, which SQLite stores as \\udcXX escapes; PostgreSQL never accepted them. Each is replaced by
U+FFFD. Rows are rewritten with a plain UPDATE of the cleaned columns (no history, no timestamps):
this repairs storage, it is not an edit by anyone.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction

from .text import has_lone_surrogates, without_lone_surrogates


def json_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]


def clean_model(model, fields: list[str] | None = None, *, dry_run: bool = False) -> int:
    """Replace lone surrogates in `fields` (default: the model's JSON fields) of every row of `model`;
    returns how many rows held one. Works with migration (historical) models too."""
    fields = json_fields(model) if fields is None else fields
    if not fields:
        return 0
    cleaned = 0
    manager = model._base_manager
    for row in manager.values_list("pk", *fields).order_by("pk").iterator(chunk_size=500):
        values = dict(zip(fields, row[1:], strict=True))
        dirty = {name: without_lone_surrogates(value) for name, value in values.items() if has_lone_surrogates(value)}
        if dirty:
            cleaned += 1
            if not dry_run:
                manager.filter(pk=row[0]).update(**dirty)
    return cleaned


def clean_undecodable_text(*, dry_run: bool = False) -> dict[str, int]:
    """model label -> rows cleaned (only models with some), over every installed model."""
    found: dict[str, int] = {}
    with transaction.atomic():
        for model in apps.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            count = clean_model(model, dry_run=dry_run)
            if count:
                found[model._meta.label_lower] = count
    return found
