"""What every app's pages do the same way: a service's refusal as a 404/403 page, its input errors on
the form or as messages, htmx partial requests, pagination and history tables.

It lives in `core` (the base layer) rather than `web` because the apps' views use it and `web`
imports the apps: a module of `web` here would close an import circle between the packages.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import spreadsheets
from .errors import ValidationFailed, domain_errors

__all__ = ["HISTORY_ROWS", "button_done", "domain_errors", "errors_as_messages", "errors_on_form", "export_style", "first_or_404", "form_saved", "found_or_404", "history_records",
           "history_rows", "is_partial", "map_tiles", "page_of", "put_errors", "require_page"]

HISTORY_ROWS = 50
# Bookkeeping fields that change on every save and tell a reader nothing.
HISTORY_IGNORED = {"updated_at", "created_at", "sector_section"}


def first_or_404(queryset, message: str):
    """The first object of `queryset`, or a 404 page saying `message` (e.g. "No such contract.")."""
    found = queryset.first()
    if found is None:
        raise Http404(message)
    return found


def found_or_404(getter: Callable, user, pk):
    """`getter(user, pk)` (a service's `get_*`): an object the user may not see is a 404 page."""
    with domain_errors():
        return getter(user, pk)


def require_page(check: Callable, user, *objects) -> None:
    """A `can_*` check's refusal (its one message, see `accounts.policy.refuses_with`) as a 403 page."""
    if not check(user, *objects):
        raise HttpForbidden(str(check.refusal))


def put_errors(form, exc: ValidationFailed, aliases: dict[str, str] | None = None) -> None:
    """A service's field errors onto the form. `aliases` maps service names to form fields; names the
    form does not have (and "__all__") go on top, prefixed with the name when it helps."""
    aliases = aliases or {}
    for name, field_messages in exc.errors.items():
        field = aliases.get(name, name)
        target = field if field in form.fields else None
        for message in field_messages:
            if target is None and field not in ("__all__", "") and not name.startswith("requirements."):
                message = f"{name.replace('_', ' ')}: {message}"
            form.add_error(target, message)


@contextmanager
def errors_on_form(form, aliases: dict[str, str] | None = None):
    """Around a service call made for a form: not visible -> 404, not allowed -> 403, invalid input ->
    its messages on the form and the block left early (`form.errors` then tells the caller)."""
    try:
        with domain_errors():
            yield
    except ValidationFailed as exc:
        put_errors(form, exc, aliases)


def form_saved(form, save: Callable, aliases: dict[str, str] | None = None):
    """A page's form sent: `save(form.cleaned_data)` when the form is valid, the service's refusals put on
    the form (see `errors_on_form`). Returns what `save` returned (say, the message to show), or None
    when the form or the service refused (its errors are then on the form)."""
    if not form.is_valid():
        return None
    saved = None
    with errors_on_form(form, aliases):
        saved = save(form.cleaned_data)
    return None if form.errors else saved


@contextmanager
def errors_as_messages(request, joined: bool = False):
    """Around a service call made by a button (no form to show again): invalid input -> error messages
    (one, when `joined`), and the block left early; a view that needs to know checks `failed`."""
    outcome = _Outcome()
    try:
        with domain_errors():
            yield outcome
    except ValidationFailed as exc:
        outcome.failed = True
        texts = [m for field_messages in exc.errors.values() for m in field_messages]
        for text in [" ".join(texts)] if joined else texts:
            messages.error(request, text)


class _Outcome:
    failed = False


def button_done(request, act: Callable[[], object], said: str | Callable[[object], str] | None = None,
                joined: bool = False) -> bool:
    """A button's service call `act()` (see `errors_as_messages`): when it is not refused, the success
    message `said` (or `said(result)`) is shown and True returned; refused, its messages are shown."""
    with errors_as_messages(request, joined) as outcome:
        result = act()
    if outcome.failed:
        return False
    text = said(result) if callable(said) else said
    if text:
        messages.success(request, text)
    return True


def is_partial(request) -> bool:
    """An htmx request for a fragment only (a history restore needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def page_of(request, object_list, per_page: int, paginator: type[Paginator] = Paginator, **options) -> Page:
    """The page the `page` parameter asks for (the last one when it is too high, the first when it is
    not a number)."""
    return paginator(object_list, per_page, **options).get_page(request.GET.get("page"))


def export_style(request) -> spreadsheets.TableStyle:
    """The spreadsheet style an export's options ask for (`sep`, `decimal`, `headers`; by default the
    reader's language's). ValueError names an option it does not know."""
    return spreadsheets.style_from_options(get_language(), request.GET.get("sep"), request.GET.get("decimal"),
                                           request.GET.get("headers"))


def map_tiles() -> dict:
    """The tile source of the pages that draw a map (settings `TRIPLEC_TILE_URL`, `TRIPLEC_TILE_ATTRIBUTION`)."""
    return {"tile_url": getattr(settings, "TRIPLEC_TILE_URL", ""),
            "tile_attribution": getattr(settings, "TRIPLEC_TILE_ATTRIBUTION", "")}


# History tables ---------------------------------------------------------------------------------------

def history_records(history_qs) -> list:
    """simple-history records newest first: those shown and one older, to diff the last shown against."""
    return list(history_qs.select_related("history_user").order_by("-history_date", "-history_id")
                [:HISTORY_ROWS + 1])


def history_rows(records: list, model, fk_models: dict | None = None,
                 named: dict[str, Callable[[str], str]] | None = None) -> list[dict]:
    """Rows of a history table, newest first: who, when, what (field: old -> new), via simple-history's
    diff_against on consecutive records (`history_records`). `fk_models` names the related objects of
    those fields; `named` turns the stored codes of those fields into names (e.g. country -> "Brasil")."""
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
    shown_as = _Display(model, fk_names, named or {})
    return [{
        "when": record.history_date,
        "who": record.history_user,
        "type": record.history_type,
        "changes": [{"field": str(verbose.get(f, f)), "old": shown_as(f, old), "new": shown_as(f, new)}
                    for f, old, new in changes],
        "record": record,
    } for record, changes in pairs]


class _Display:
    """A recorded value as the reader reads it: choices by their label, related objects and coded
    values by name (a stored code such as "producers-association" or "BR" is never shown raw)."""

    def __init__(self, model, fk_names: dict, named: dict):
        self.model, self.fk_names, self.named = model, fk_names, named

    def __call__(self, field: str, value) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field in self.fk_names:
            return self.fk_names[field].get(value, f"#{value}")
        try:
            model_field = self.model._meta.get_field(field)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if field in self.named:
            return self.named[field](str(value))
        return str(value)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(request, fmt: str, filename: str, sheets: dict, labels: dict | None = None,
                   csv_sheet: str | None = None) -> HttpResponse:
    """Tables as a file the reader asked for: XLSX, every sheet of `sheets` ({name: (columns, rows)});
    or CSV, the sheet `csv_sheet` (the first by default) in the reader's separator and decimal mark.
    `headers=labels` puts the `labels` ({column: label}) on top instead of the column names."""
    if fmt == "xlsx":
        headers = ({c: str(label) for c, label in labels.items()}
                   if labels and request.GET.get("headers") == "labels" else None)
        response = StreamingHttpResponse(spreadsheets.xlsx_iter(sheets, headers), content_type=XLSX_TYPE)
    else:
        try:
            style = export_style(request)
        except ValueError as exc:
            return HttpResponseBadRequest(str(exc))
        columns, rows = sheets[csv_sheet or next(iter(sheets))]
        header = [str(labels[c]) if labels and style.headers == "labels" else c for c in columns]
        cells = ([spreadsheets.number_text(row[c], style.decimal) if hasattr(row[c], "as_tuple")
                  else spreadsheets.csv_cell(row[c], style.decimal) for c in columns] for row in rows)
        response = StreamingHttpResponse(spreadsheets.csv_stream(header, cells, style),
                                         content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
