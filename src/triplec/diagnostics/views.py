"""Pages of diagnostic studies: the list, a study (sections editable in draft), its print view and
downloads, the comparison of two versions. Rules live in `services`, permissions in `policy`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.errors import ValidationFailed
from triplec.core.shortcuts import button_done, domain_errors, found_or_404, page_of, require_page

from . import exporting, pages, policy, services
from .models import Indicator

PER_PAGE = 50
DOWNLOADS = {"pdf": ("application/pdf", exporting.pdf_bytes),
             "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exporting.xlsx_bytes),
             "json": ("application/json", exporting.json_bytes)}


@login_required
@require_GET
def study_list(request):
    require_page(policy.can_view_studies, request.user)
    qs = policy.visible_studies(request.user).select_related("cluster").order_by("cluster__name", "cluster_id",
                                                                                    "-version")
    cluster = None
    if request.GET.get("cluster", "").isdigit():
        cluster = found_or_404(services.get_cluster, request.user, int(request.GET["cluster"]))
        qs = qs.filter(cluster=cluster)
    return render(request, "diagnostics/study_list.html", {
        "page": page_of(request, qs, PER_PAGE), "cluster": cluster,
        "can_edit": policy.can_edit_studies(request.user)})


@login_required
@require_POST
def study_start(request, cluster_id: int):
    cluster = found_or_404(services.get_cluster, request.user, cluster_id)
    require_page(policy.can_edit_studies, request.user)
    with domain_errors():
        study = services.start_study(request.user, cluster)
    messages.success(request, _("Version %(v)s of the diagnostic study started, prefilled from the register.")
                     % {"v": study.version})
    return redirect("diagnostics:study_detail", study.pk)


def _render_study(request, study, posted=None, errors=None, status=200):
    context = pages.study_context(study, policy.can_edit_studies(request.user))
    context.update({"form": pages.form_values(study, posted), "errors": errors or {}})
    return render(request, "diagnostics/study_detail.html", context, status=status)


@login_required
@require_GET
def study_detail(request, pk: int):
    return _render_study(request, found_or_404(services.get_study, request.user, pk))


@login_required
@require_http_methods(["POST"])
def study_edit(request, pk: int):
    study = found_or_404(services.get_study, request.user, pk)
    require_page(policy.can_edit_studies, request.user)
    posted = pages.posted_changes(request.POST)
    try:
        with domain_errors():
            services.update_study(request.user, study, posted)
    except ValidationFailed as exc:
        for field, texts in exc.errors.items():
            for text in texts:
                messages.error(request, text if field in ("__all__", "status") else f"{field}: {text}")
        return _render_study(request, study, posted, exc.errors)
    messages.success(request, _("Study saved."))
    return redirect("diagnostics:study_detail", study.pk)


def _button(request, pk: int, act, said: str):
    study = found_or_404(services.get_study, request.user, pk)
    require_page(policy.can_edit_studies, request.user)
    button_done(request, lambda: act(study), said)
    return redirect("diagnostics:study_detail", study.pk)


@login_required
@require_POST
def study_complete(request, pk: int):
    return _button(request, pk, lambda s: services.complete_study(request.user, s),
                   _("Study completed: it is read-only now and the cluster's baseline."))


@login_required
@require_POST
def study_refresh(request, pk: int):
    return _button(request, pk, lambda s: services.refresh_indicators(request.user, s),
                   _("Computed indicators taken again from the register."))


@login_required
@require_POST
def indicator_state(request, pk: int):
    data = {name: request.POST.get(name, "").strip() for name in ("label", "text", "unit", "source")}
    raw = request.POST.get("value", "").strip().replace(",", ".")
    try:
        data["value"] = float(raw) if raw else None
    except ValueError:
        data["value"] = None
        data["text"] = data["text"] or raw
    data = {k: v for k, v in data.items() if v not in ("", None) or k in ("value", "source")}
    key = request.POST.get("key", "").strip()
    return _button(request, pk, lambda s: services.state_indicator(request.user, s, key, data),
                   _("Stated value saved; the computed one stays beside it."))


@login_required
@require_POST
def indicator_withdraw(request, pk: int, key: str):
    return _button(request, pk, lambda s: services.withdraw_stated(request.user, s, key),
                   _("Stated value withdrawn."))


@login_required
@require_GET
def study_print(request, pk: int):
    study = found_or_404(services.get_study, request.user, pk)
    context = pages.study_context(study, False)
    context["sections"] = exporting.study_sections(study)
    return render(request, "diagnostics/study_print.html", context)


@login_required
@require_GET
def study_download(request, pk: int, fmt: str):
    study = found_or_404(services.get_study, request.user, pk)
    if fmt not in DOWNLOADS:
        raise Http404(_("No such download."))
    content_type, write = DOWNLOADS[fmt]
    response = HttpResponse(write(study), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporting.file_name(study, fmt)}"'
    return response


@login_required
@require_GET
def study_compare(request, pk: int, other: int):
    first = found_or_404(services.get_study, request.user, pk)
    second = found_or_404(services.get_study, request.user, other)
    if first.cluster_id != second.cluster_id:
        raise Http404(_("Only two studies of the same cluster can be compared."))
    return render(request, "diagnostics/study_compare.html", {
        "side": services.compare(first, second), "cluster": first.cluster, "stated": Indicator.Origin.STATED})


@login_required
@require_POST
def evidence_add(request, pk: int):
    upload = request.FILES.get("file")
    data = {"target": request.POST.get("target", ""), "title": request.POST.get("title", ""),
            "link": request.POST.get("link", "")}
    if upload is not None:
        # one byte over the limit is enough for the service to refuse a file too large
        data.update(filename=upload.name, content=upload.read(services.evidence.max_bytes() + 1))
    return _button(request, pk, lambda s: services.add_evidence(request.user, s, **data), _("Evidence added."))


@login_required
@require_POST
def evidence_remove(request, pk: int, evidence_id: int):
    return _button(request, pk, lambda s: services.remove_evidence(request.user, s, evidence_id),
                   _("Evidence removed from this version; earlier versions keep it."))


@login_required
@require_GET
def evidence_download(request, pk: int, evidence_id: int):
    """The file only through here: the study must be one the reader may see (no public media URL)."""
    study = found_or_404(services.get_study, request.user, pk)
    with domain_errors():
        handle, name = services.open_evidence(request.user, study, evidence_id)
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private"
    return response
