"""Pages to import enterprises from a file (upload -> preview -> confirm) and to export the list.

Nothing is written to the register until the uploader confirms; the file is kept as an ImportBatch
(MEDIA_ROOT/imports/<uuid>.<ext>) between the steps, and the confirmation checks it again.
Files with more rows than TRIPLEC_IMPORT_BACKGROUND_ROWS are checked and written by background tasks:
the batch's page then shows a progress bar (polled by htmx) until the check or the import ends, and the
outcome after (see `importing.batches`).
Permissions come from `registry.policy` (via the import service): 403 for roles that may not
import or export, 404 for someone else's upload.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.errors import PermissionDenied
from triplec.core.shortcuts import export_style, first_or_404, is_partial, require_page

from . import exporting, policy
from .importing import FIELD_LABELS, IMPORT_FIELDS, ImportRejected, batches
from .importing.messages import shown
from .importing.reading import encoding_name
from .models import SectorClassification
from .models_import import ImportBatch

ERRORS_KEPT = batches.ERRORS_KEPT  # errors stored and shown per check; the total count is always shown
FILE_EXPIRED = gettext_lazy("The uploaded file has expired: upload it again.")  # purged, or lost from the disk
ENCODINGS = [("", gettext_lazy("Automatic")), ("latin-1", "Latin-1 (ISO 8859-1)"),
             ("cp1252", "Windows-1252"), ("utf-16", "UTF-16")]
DECIMALS = [("", gettext_lazy("Automatic")),
            (",", gettext_lazy("Comma (1234,5)")), (".", gettext_lazy("Point (1234.5)"))]


DECIMAL_SHOWN = {",": gettext_lazy("decimal comma"), ".": gettext_lazy("decimal point")}


def _max_upload_bytes() -> int:
    return int(getattr(settings, "TRIPLEC_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


class DefaultsForm(forms.Form):
    """Values for the whole file, used where a row leaves the field empty."""

    classification = forms.ChoiceField(
        label=gettext_lazy("Sector classification"), required=False,
        choices=[("", gettext_lazy("From the file"))] + list(SectorClassification.choices))
    country = forms.CharField(label=gettext_lazy("Country (ISO code, e.g. FR)"), required=False, max_length=2)
    encoding = forms.ChoiceField(label=gettext_lazy("Encoding (CSV)"), required=False, choices=ENCODINGS)
    decimal = forms.ChoiceField(label=gettext_lazy("Decimal separator"), required=False, choices=DECIMALS)

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise forms.ValidationError(_("Give a two-letter country code such as FR or BR."))
        return country

    def defaults(self) -> dict[str, str]:
        return {"sector_classification": self.cleaned_data["classification"],
                "country": self.cleaned_data["country"]}


class UploadForm(DefaultsForm):
    file = forms.FileField(label=gettext_lazy("File (CSV, XLSX or Parquet)"))
    field_order = ["file", "classification", "country", "encoding", "decimal"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > _max_upload_bytes():
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.")
                                        % {"mb": _max_upload_bytes() // (1024 * 1024)})
        return upload


class MappingForm(DefaultsForm):
    """One select per column of the file: the field it feeds, or nothing."""

    def __init__(self, columns: list[str], mapping: dict[str, str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", _("— ignore this column —"))] + [(f, f"{f} · {FIELD_LABELS[f]}") for f in IMPORT_FIELDS]
        for index, column in enumerate(columns):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=column or _("(column %(n)d without a name)") % {"n": index + 1},
                required=False, choices=choices, initial=mapping.get(column, ""))

    def column_fields(self):
        return [self[f"col_{i}"] for i in range(len(self.columns))]

    def mapping(self) -> dict[str, str]:
        return {column: self.cleaned_data[f"col_{i}"] for i, column in enumerate(self.columns) if column}


def _require_import(user) -> None:
    require_page(policy.can_import_enterprises, user)


def _own_batch(request, pk) -> ImportBatch:
    """The upload `pk` if the policy lets the requesting user see it (its uploader); anyone else gets 404."""
    batch = first_or_404(policy.visible_import_batches(request.user).filter(pk=pk), _("No such import."))
    return batch


def _check(request, batch: ImportBatch) -> None:
    """Check the batch's file with its options and save the batch: at once for a small file (the
    preview is stored), else by a background task (the preview is emptied until it ends). Nothing is
    written to the register."""
    if batches.runs_in_background(batch):
        batch.preview = {}
        batch.save()
        batches.queue_check(batch, request.user)
        return
    try:
        batches.check(batch, request.user)
    except PermissionDenied as exc:
        raise HttpForbidden(str(exc)) from exc
    batch.save()


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    """Upload a file; it is checked (at once, or by a background task for a big file) and the preview
    page shows what would happen."""
    _require_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = ImportBatch(uploaded_by=request.user, original_name=upload.name[:255],
                            encoding=form.cleaned_data["encoding"], decimal_separator=form.cleaned_data["decimal"],
                            defaults=form.defaults())
        batch.file.save(upload.name, upload, save=False)
        _check(request, batch)
        return redirect("enterprise_import_preview", pk=batch.pk)
    recent = list(policy.visible_import_batches(request.user)[:10])
    tasks = batches.latest_tasks(recent)
    for batch in recent:
        batch.state = batches.batch_state(batch, tasks.get(str(batch.pk)))
    return render(request, "registry/import_upload.html", {
        "form": form, "recent": recent, "fields": [(f, FIELD_LABELS[f]) for f in IMPORT_FIELDS],
        "max_mb": _max_upload_bytes() // (1024 * 1024), "background_rows": batches.background_rows()})


def _progress_context(batch: ImportBatch, task) -> dict:
    state = batches.batch_state(batch, task)
    queued = task is not None and task.status == task.Status.QUEUED
    return {"batch": batch, "task": task, "state": state, "running": state in ("checking", "importing"),
            "queued": queued, "queued_seconds": (timezone.now() - task.created_at).total_seconds() if queued else 0,
            "live": _shown_live(batches.live_progress(batch, task)),
            # row errors, progress and outcomes are stored in English; shown in the reader's language
            "task_message": shown(task.message) if task is not None else ""}


def _valid_rows_remain(preview: dict) -> bool:
    """Row errors only (none of the file or its header) and some rows without: the valid rows can be
    imported alone. Errors are kept sorted by row, so a file or header error is among those kept."""
    counts = preview.get("counts", {})
    errors = preview.get("errors", [])
    valid = counts.get("create", 0) + counts.get("update", 0) + counts.get("unchanged", 0)
    return bool(errors) and valid > 0 and all(e.get("row", 0) >= 2 for e in errors)


def _encoding_shown(preview: dict) -> str:
    """The CSV encoding the check read the file in, as people know it; "(detected)" when guessed."""
    codec = preview.get("encoding") or ""
    if not codec:
        return ""
    name = encoding_name(codec)
    return _("%(encoding)s (detected)") % {"encoding": name} if preview.get("encoding_detected") else name


def _shown_live(live: batches.Live) -> batches.Live:
    return batches.Live(live.done, live.total, shown(live.message))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import_preview(request, pk):
    """The page of an upload: counts, row errors, the column mapping (which can be changed); while a
    background task checks or writes it, a progress bar; after a background import, its outcome."""
    _require_import(request.user)
    batch = _own_batch(request, pk)
    task = batches.latest_task(batch)
    progress = _progress_context(batch, task)
    preview = batch.preview or {}
    columns = preview.get("columns", [])
    defaults = batch.defaults or {}
    initial = {"classification": defaults.get("sector_classification", ""), "country": defaults.get("country", ""),
               "encoding": batch.encoding, "decimal": batch.decimal_separator}
    mapping_used = preview.get("mapping", {})
    if request.method == "POST":
        if batch.status == ImportBatch.Status.IMPORTED:
            messages.info(request, _("This file has already been imported."))
            return redirect("enterprise_import_preview", pk=batch.pk)
        if progress["running"] or not batches.file_present(batch):
            messages.info(request, _("This file cannot be checked again now.") if batch.file else FILE_EXPIRED)
            return redirect("enterprise_import_preview", pk=batch.pk)
        form = MappingForm(columns, mapping_used, request.POST)
        if form.is_valid():
            batch.mapping = form.mapping()
            batch.defaults = form.defaults()
            batch.encoding = form.cleaned_data["encoding"]
            batch.decimal_separator = form.cleaned_data["decimal"]
            _check(request, batch)
            if batch.preview:
                messages.info(request, _("Checked again with your column choices."))
            return redirect("enterprise_import_preview", pk=batch.pk)
    else:
        form = MappingForm(columns, mapping_used, initial=initial)
    counts = preview.get("counts", {})
    state = progress["state"]
    present = batches.file_present(batch)
    return render(request, "registry/import_preview.html", {
        **progress, "preview": preview, "counts": counts, "errors": [{**e, "reason": shown(e.get("reason"))} for e in preview.get("errors", [])],
        "error_total": counts.get("errors", 0), "form": form, "encoding_shown": _encoding_shown(preview),
        "decimal_shown": DECIMAL_SHOWN.get(preview.get("decimal_separator", "")),
        "columns_used": [(column, field, FIELD_LABELS.get(field, field)) for column, field in preview.get("mapping", {}).items()],
        "can_confirm": state == "checked" and present and bool(counts) and counts.get("errors", 1) == 0,
        "can_recheck": state in ("checked", "check-failed") and present,
        "can_skip_invalid": state == "checked" and present and _valid_rows_remain(preview),
        "has_rejected": state == "imported" and bool((batch.result or {}).get("rejected")),
        "expired": state in ("checked", "check-failed") and not present, "expired_message": FILE_EXPIRED,
        "imported": state == "imported"})


@login_required
@require_GET
def enterprise_import_progress(request, pk):
    """The progress fragment the batch's page polls (htmx, every second) while a background task checks
    or writes it; once the task has ended, htmx reloads the whole page to show the outcome."""
    _require_import(request.user)
    batch = _own_batch(request, pk)
    context = _progress_context(batch, batches.latest_task(batch))
    response = render(request, "registry/_import_progress.html", context)
    if not context["running"] and is_partial(request):
        response["HX-Refresh"] = "true"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def enterprise_import_confirm(request, pk):
    """Write the upload: checked again, then all rows in one transaction, or nothing; a big file is
    written by a background task (its page shows the progress)."""
    _require_import(request.user)
    batch = _own_batch(request, pk)
    if batch.status == ImportBatch.Status.IMPORTED:
        messages.info(request, _("This file has already been imported."))
        return redirect("enterprise_import_preview", pk=batch.pk)
    state = batches.batch_state(batch, batches.latest_task(batch))
    if state == "checked" and not batches.file_present(batch):
        messages.error(request, FILE_EXPIRED)
        return redirect("enterprise_import_preview", pk=batch.pk)
    if state != "checked":
        messages.info(request, _("This file cannot be imported now: see its state below."))
        return redirect("enterprise_import_preview", pk=batch.pk)
    skip_invalid = request.POST.get("skip_invalid") == "1"
    if batches.runs_in_background(batch):
        batches.queue_commit(batch, request.user, skip_invalid=skip_invalid)
        return redirect("enterprise_import_preview", pk=batch.pk)
    try:
        batches.commit(batch, request.user, skip_invalid=skip_invalid)
    except PermissionDenied as exc:
        raise HttpForbidden(str(exc)) from exc
    except ImportRejected:
        messages.error(request, _("Nothing was imported: the file has errors (listed below)."))
        return redirect("enterprise_import_preview", pk=batch.pk)
    messages.success(request, _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                     % batch.result)
    return redirect("enterprise_import_preview", pk=batch.pk)


@login_required
@require_GET
def enterprise_import_rejected(request, pk):
    """The rows an import of the valid rows left out, with a reason column (CSV)."""
    _require_import(request.user)
    batch = _own_batch(request, pk)
    path = batches.rejected_path(batch)
    if not path.is_file():
        raise Http404(_("No rejected rows for this import."))
    response = FileResponse(path.open("rb"), content_type="text/csv; charset=utf-8")
    stem = batch.original_name.rsplit(".", 1)[0] or "import"
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-rejected.csv")
    return response


@login_required
@require_GET
def enterprise_import_template(request):
    """An empty CSV with the import columns, to fill in."""
    _require_import(request.user)
    header = ",".join(IMPORT_FIELDS) + "\r\n"
    response = HttpResponse(header.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="enterprises-template.csv"'
    return response


@login_required
@require_GET
def enterprise_export(request):
    """The filtered list (same filters as the list page) as CSV (streamed) or XLSX."""
    require_page(policy.can_export, request.user)
    fmt = request.GET.get("format", "csv")
    if fmt not in exporting.CONTENT_TYPES:
        return HttpResponseBadRequest(_("Unknown format; use csv or xlsx."))
    try:
        style = export_style(request)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    f = exporting.filter_from_query(request.user, request.GET)
    if fmt == "csv":
        response = StreamingHttpResponse(exporting.stream_csv(request.user, f, style),
                                         content_type=exporting.CONTENT_TYPES["csv"])
    else:  # streamed too: the first bytes leave at once, the browser shows the download's progress
        response = StreamingHttpResponse(exporting.stream_xlsx(request.user, f, style),
                                         content_type=exporting.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{exporting.export_filename(fmt)}"'
    return response
