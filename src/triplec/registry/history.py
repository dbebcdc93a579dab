"""History tables of the register's pages (who changed what, when), shared with other apps' pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

HISTORY_ROWS = 50
# Fields whose change is noise in a history table (set on every save).
HISTORY_IGNORED = {"updated_at", "created_at", "sector_section"}


def _display(value, field, fk_names) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field in fk_names:
        return fk_names[field].get(value, f"#{value}")
    return str(value)


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
            "changes": [{"field": str(verbose.get(f, f)), "old": _display(old, f, fk_names),
                         "new": _display(new, f, fk_names)} for f, old, new in changes],
            "record": record,
        })
    return rows


def _records(history_qs) -> list:
    return list(history_qs.select_related("history_user").order_by("-history_date", "-history_id")[:HISTORY_ROWS + 1])
