"""History tables of the pages: who changed what and when, each value as the reader reads it."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from .countries import country_name

HISTORY_ROWS = 50
# Bookkeeping fields that change on every save and tell a reader nothing.
HISTORY_IGNORED = {"updated_at", "created_at", "sector_section"}


def _display(value, field, fk_names, model=None) -> str:
    """A recorded value as the reader reads it: choices by their label, countries by name, related
    objects by name (a stored code such as "producers-association" or "BR" is never shown raw)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field in fk_names:
        return fk_names[field].get(value, f"#{value}")
    model_field = _model_field(model, field)
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if field == "country":
        return country_name(str(value))
    return str(value)


def _model_field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def history_rows(records: list, model, fk_models: dict | None = None) -> list[dict]:
    """Rows of a history table, newest first: who, when, what (field: old -> new), via simple-history's
    diff_against on consecutive records. `records` are newest first; one extra (older) record beyond
    what is shown lets the last shown row be diffed."""
    fk_models = fk_models or {}
    shown = records[:HISTORY_ROWS]
    pairs = []
    for i, record in enumerate(shown):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if record.history_type == "~" and older is not None:
            delta = record.diff_against(older, excluded_fields=HISTORY_IGNORED)
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        pairs.append((record, changes))
    # Names of the related objects mentioned, in one query per related model.
    fk_names = {}
    for field, related in fk_models.items():
        ids = {v for _r, changes in pairs for f, old, new in changes if f == field for v in (old, new) if v}
        fk_names[field] = dict(related.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    verbose = {f.name: f.verbose_name for f in model._meta.fields}
    rows = []
    for record, changes in pairs:
        rows.append({
            "when": record.history_date,
            "who": record.history_user,
            "type": record.history_type,
            "changes": [{"field": str(verbose.get(f, f)), "old": _display(old, f, fk_names, model),
                         "new": _display(new, f, fk_names, model)} for f, old, new in changes],
            "record": record,
        })
    return rows


def _records(history_qs) -> list:
    return list(history_qs.select_related("history_user").order_by("-history_date", "-history_id")[:HISTORY_ROWS + 1])
