"""Pages of cluster mapping: runs (list, new, progress, results, downloads, cancel, delete) and cluster
records (list, export, page, new, edit, footprints).

Every page needs a login and `policy.can_view_mapping` (others get 403); writes ask `can_run_mapping`,
`can_cancel_mapping_run`, `can_delete_mapping_run` and `can_manage_clusters` through the services.
Objects that do not exist answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import (
    button_done,
    domain_errors,
    errors_as_messages,
    errors_on_form,
    export_style,
    first_or_404,
    found_or_404,
    history_records,
    history_rows,
    is_partial,
    map_tiles,
    require_page,
)
from triplec.registry import policy as registry_policy
from triplec.registry.countries import country_name
from triplec.registry.exporting_options import export_options_context
from triplec.registry.models import Territory

from . import exporting, policy, registers, selectors, services
from . import messages as clusters_messages
from .forms import NEW_CLUSTER, AttachForm, ClusterForm, MappingRunForm
from .models import Cluster, ClusterFootprint, MappingRun

PLOTS_SHOWN = 24  # plots drawn inline on the run page; the others load when asked for
HISTORY_EVENTS = 50


def _require_view(request) -> None:
    require_page(policy.can_view_mapping, request.user)


# Mapping runs ----------------------------------------------------------------------------------------------

@login_required
@require_GET
def run_list(request):
    _require_view(request)
    runs = selectors.runs_for(request.user)[:200]
    return render(request, "clusters/run_list.html", {
        "runs": runs, "can_run": policy.can_run_mapping(request.user), "tab": "runs"})


@login_required
@require_http_methods(["GET", "POST"])
def run_create(request):
    _require_view(request)
    require_page(policy.can_run_mapping, request.user)
    if request.method == "GET":
        initial = {"title": ""}
        return render(request, "clusters/run_form.html", {"form": MappingRunForm(user=request.user, initial=initial)})
    form = MappingRunForm(request.POST, request.FILES, user=request.user)
    if "_refresh" not in request.POST and form.is_valid():
        with errors_on_form(form):
            run = services.start_run(request.user, form.service_data(), upload=form.cleaned_data.get("file"))
        if not form.errors:
            messages.success(request, _("The mapping run “%(title)s” has started.") % {"title": run.title})
            return redirect("clusters:run_detail", pk=run.pk)
    return render(request, "clusters/run_form.html", {"form": form}, status=200)


def _get_run(request, pk) -> MappingRun:
    _require_view(request)
    with domain_errors():
        return services.get_run(request.user, pk)


SECTOR_HEADERS = [  # (sort key, label, tooltip, numeric)
    ("sector", gettext_lazy("Sector"), "", False),
    ("name", gettext_lazy("Name"), "", False),
    ("n", gettext_lazy("Establishments"), "", True),
    ("employment", gettext_lazy("Employment"), "", True),
    ("gamma", "Γ", gettext_lazy("Localisation index: how far Kd rises above the global band"), True),
    ("psi", "Ψ", gettext_lazy("Dispersion index: how far Kd falls below the global band"), True),
    ("localised", gettext_lazy("Localised"), "", False),
    ("p", "p", gettext_lazy("Monte Carlo p-value"), True),
    ("q", "q", gettext_lazy("p-value corrected for the false discovery rate across sectors"), True),
    ("peak", gettext_lazy("Peak (km)"), gettext_lazy("Distance of strongest localisation"), True),
    ("m_localised", gettext_lazy("M localised"), gettext_lazy("Marcon & Puech's M above its global band at some distance"),
     False),
    ("m_q", gettext_lazy("M q"), gettext_lazy("M's p-value corrected for the false discovery rate across sectors"), True),
    ("footprints", gettext_lazy("Footprints"), "", True),
]


def _sector_headers(current: str, weighted: bool, with_m: bool = False) -> list[dict]:
    """Header cells of the sector table: the link sorts by the column, again to reverse. (Employment
    only when the run is weighted: without employees it is unknown; M's columns when it was computed.)"""
    headers = []
    for key, label, title, numeric in SECTOR_HEADERS:
        if (key == "employment" and not weighted) or (key.startswith("m_") and not with_m):
            continue
        aria = ""
        if current.lstrip("-") == key and key in selectors.SECTOR_SORTS:
            descending = selectors.SECTOR_SORTS[key][1] != current.startswith("-")
            aria = "descending" if descending else "ascending"
        headers.append({"key": key, "label": label, "title": title, "numeric": numeric, "aria": aria,
                        "next": f"-{key}" if current == key else key})
    return headers


def _footprint_rows(run: MappingRun) -> list[dict]:
    collection = selectors.footprint_collection(run)
    features = collection.get("features", [])
    in_lonlat = "triplec:coordinates" not in collection
    attached: dict[str, list[ClusterFootprint]] = {}
    for link in run.attached_footprints.select_related("cluster"):
        attached.setdefault(link.footprint_id, []).append(link)
    names = selectors.sector_names(run, {str(f["properties"]["sector"]) for f in features})
    rows = []
    for feature in features:
        props = feature["properties"]
        fid = str(feature.get("id", props.get("id")))
        near = selectors.place_near(props.get("centroid_lat"), props.get("centroid_lon")) if in_lonlat else ""
        rows.append({"id": fid, "anchor": selectors.footprint_anchor(fid), "props": props, "near": near,
                     "sector_name": names.get(str(props["sector"]), ""),
                     "regions": ", ".join(props.get("regions") or []),
                     "attached": attached.get(str(feature.get("id")), [])})
    return rows


def _progress_context(run: MappingRun) -> dict:
    queued = (timezone.now() - run.task.created_at).total_seconds() if run.task_id else 0
    return {"run": run, "task": run.task, "queued_seconds": queued}


def _run_context(request, run: MappingRun) -> dict:
    context = {**_progress_context(run), "tab": "runs", **map_tiles(),
               "can_cancel": not run.is_finished and policy.can_cancel_mapping_run(request.user, run),
               "can_delete": run.is_finished and policy.can_delete_mapping_run(request.user, run)}
    if run.status != "done":
        return context
    sort = request.GET.get("sort", "")
    sectors = selectors.sector_rows(run, sort)
    localised = sorted((r for r in sectors if r["localised"]), key=lambda r: (-(r["gamma"] or 0), r["sector"]))
    plots = []
    for i, row in enumerate(localised):
        svg = selectors.plot_svg(run, row["sector"], render=i < PLOTS_SHOWN)
        plots.append({"row": row, "svg": svg, "url": selectors.plot_url(run, row["sector"])})
    for row in sectors:
        row["plot_url"] = selectors.plot_url(run, row["sector"])
    can_attach = policy.can_manage_clusters(request.user)
    clusters = list(selectors.clusters_for(request.user).order_by("name")) if can_attach else []
    context.update({
        "summary": run.summary or {},
        "warnings": [clusters_messages.shown(w) for w in (run.summary or {}).get("warnings", [])],
        "sectors": sectors, "sort": sort, "sector_headers": _sector_headers(sort, run.weighted, run.with_m),
        "plots": plots,
        "footprints": _footprint_rows(run),
        "downloads": [(name, desc) for name, (_t, desc) in selectors.DOWNLOADS.items()
                      if selectors.output_file(run, name)],
        "can_attach": can_attach,
        "attach_form": AttachForm(clusters=clusters) if can_attach else None,
        "map_data_url": reverse("clusters:run_map_data", args=[run.pk]),
    })
    return context


@login_required
@require_GET
def run_detail(request, pk: int):
    run = _get_run(request, pk)
    return render(request, "clusters/run_detail.html", _run_context(request, run))


@login_required
@require_GET
def run_progress(request, pk: int):
    """The progress fragment the run page polls (htmx, every second) while the run is queued or running;
    once it has finished, htmx reloads the whole page to show the results or the reason for failure."""
    run = _get_run(request, pk)
    response = render(request, "clusters/_run_progress.html", _progress_context(run))
    if run.is_finished and is_partial(request):
        response["HX-Refresh"] = "true"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def run_map_data(request, pk: int):
    run = _get_run(request, pk)
    if run.status != "done":
        raise Http404(_("The run has not finished."))
    response = JsonResponse(selectors.map_payload(run))
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def run_plot(request, pk: int):
    """One sector's Kd plot (inline SVG fragment), drawn on first request (?sector=<code>)."""
    run = _get_run(request, pk)
    sector = request.GET.get("sector", "")
    if run.status != "done":
        raise Http404(_("The run has not finished."))
    svg = selectors.plot_svg(run, sector)
    if svg is None:
        raise Http404(_("No curve for sector %(s)s in this run.") % {"s": sector})
    return HttpResponse(svg, content_type="image/svg+xml" if request.GET.get("raw") else "text/html")


@login_required
@require_POST
def run_cancel(request, pk: int):
    """Stop a queued or running run (the button on its page)."""
    run = _get_run(request, pk)
    button_done(request, lambda: services.cancel_run(request.user, run),
                lambda cancelled: (_("The run “%(title)s” was cancelled before it started.") if cancelled.is_finished
                                   else _("The run “%(title)s” stops at its next progress report."))
                % {"title": cancelled.title})
    return redirect("clusters:run_detail", pk=run.pk)


@login_required
@require_http_methods(["GET", "POST"])
def run_delete(request, pk: int):
    """GET: what deleting the run removes and keeps, with the confirm button; POST: delete it."""
    run = _get_run(request, pk)
    require_page(policy.can_delete_mapping_run, request.user, run)
    if request.method == "POST":
        title = run.title
        with errors_as_messages(request) as outcome:
            kept = services.delete_run(request.user, run)
        if outcome.failed:
            return redirect("clusters:run_detail", pk=run.pk)
        message = _("The mapping run “%(title)s” and its files were deleted.") % {"title": title}
        if kept:
            message += " " + ngettext("The footprint attached to a cluster record stays there.",
                                      "The %(n)d footprints attached to cluster records stay there.", kept) % {"n": kept}
        messages.success(request, message)
        return redirect("clusters:run_list")
    links = list(run.attached_footprints.select_related("cluster").order_by("cluster__name", "footprint_id"))
    return render(request, "clusters/run_delete.html", {
        "run": run, "task": run.task, "links": links, "tab": "runs",
        "files": [(name, desc) for name, (_t, desc) in selectors.DOWNLOADS.items()
                  if selectors.output_file(run, name)]})


@login_required
@require_GET
def run_file(request, pk: int, name: str):
    run = _get_run(request, pk)
    if run.status != "done":  # a failed or cancelled run's partial files are no results
        raise Http404(_("The run has not finished."))
    path = selectors.output_file(run, name)
    if path is None:
        raise Http404(_("No such file for this run."))
    content_type = selectors.DOWNLOADS[name][0]
    inline = name == "report.html" and not request.GET.get("download")
    response = FileResponse(open(path, "rb"), content_type=content_type, as_attachment=not inline,
                            filename=f"mapping-{run.pk}-{name}")
    if name == "report.html":
        # The report runs its own inline scripts: sandboxed, it gets no access to this site's cookies.
        response["Content-Security-Policy"] = "sandbox allow-scripts allow-popups"
    response["Cache-Control"] = "private"
    return response


@login_required
@require_POST
def footprint_attach(request, pk: int):
    """Attach the footprint named in the form (field `footprint`: its id is user text, so it travels in
    the body, never in the path)."""
    run = _get_run(request, pk)
    require_page(policy.can_attach_footprints, request.user)
    clusters = list(selectors.clusters_for(request.user))
    form = AttachForm(request.POST, clusters=clusters)
    footprint_id = request.POST.get("footprint", "")
    target_url = reverse("clusters:run_detail", args=[run.pk]) + "#" + selectors.footprint_anchor(footprint_id)
    if not footprint_id:
        messages.error(request, _("Choose a footprint to attach."))
        return redirect(reverse("clusters:run_detail", args=[run.pk]))
    if not form.is_valid():
        messages.error(request, _("Choose a cluster to attach footprint %(fp)s to.") % {"fp": footprint_id})
        return redirect(target_url)
    choice = form.cleaned_data["cluster"]
    with errors_as_messages(request) as outcome:
        if choice == NEW_CLUSTER:
            link = services.attach_footprint(request.user, run, footprint_id,
                                             new_cluster={"name": form.cleaned_data.get("name", "")})
        else:
            cluster = services.get_cluster(request.user, int(choice))
            link = services.attach_footprint(request.user, run, footprint_id, cluster=cluster)
    if outcome.failed:
        return redirect(target_url)
    messages.success(request, _("Footprint %(fp)s is now part of the cluster “%(c)s”.")
                     % {"fp": footprint_id, "c": link.cluster.name})
    return redirect("clusters:cluster_detail", pk=link.cluster_id)


# Cluster records ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def cluster_list(request):
    _require_view(request)
    clusters = selectors.clusters_for(request.user).order_by("name", "id")
    return render(request, "clusters/cluster_list.html", {
        "clusters": clusters, "can_manage": policy.can_manage_clusters(request.user),
        "can_export": policy.can_export_clusters(request.user), "tab": "clusters",
        **export_options_context([], [("xlsx", _("Excel workbook (clusters and footprints)")), ("csv", "CSV")],
                                 tables=[("clusters", _("Clusters")), ("footprints", _("Footprints over time"))])})


@login_required
@require_GET
def cluster_export(request):
    """The cluster records (format=csv|xlsx), or with what=footprints every attached footprint (the
    trajectories); the XLSX workbook holds both as two sheets."""
    _require_view(request)
    require_page(policy.can_export_clusters, request.user)
    fmt = request.GET.get("format", "csv")
    what = request.GET.get("what", "clusters")
    if fmt not in exporting.CONTENT_TYPES or what not in exporting.TABLES:
        return HttpResponseBadRequest(_("Unknown format or table; use format=csv or xlsx and what=clusters or footprints."))
    try:
        style = export_style(request)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    with domain_errors():
        content = exporting.export(request.user, fmt, what, style)
    response = HttpResponse(content, content_type=exporting.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exporting.export_filename(fmt, what)}"'
    return response


def _cluster_context(request, cluster: Cluster) -> dict:
    footprints = list(cluster.footprints.select_related("run", "attached_by").order_by("observed_at", "attached_at", "id"))
    previous = None
    for fp in footprints:  # change since the previous footprint: the cluster's trajectory
        fp.change_establishments = None if previous is None else fp.establishments - previous.establishments
        fp.change_employment = (None if previous is None or fp.employment is None or previous.employment is None
                                else fp.employment - previous.employment)
        previous = fp
    history = history_rows(history_records(cluster.history.all()), Cluster, {"territory": Territory},
                           {"country": country_name})
    history = sorted(history + _footprint_events(cluster), key=lambda row: row["when"], reverse=True)
    points = []
    latest = footprints[-1] if footprints else None
    near = (selectors.place_near(latest.centroid_lat, latest.centroid_lon)
            if latest is not None and latest.in_lonlat else "")
    if latest is not None and latest.run_source == MappingRun.Source.REGISTER:  # ids are enterprise ids
        ids = [int(i) for i in latest.member_ids if str(i).isdigit()]
        points = [[round(lat, 5), round(lon, 5)] for lat, lon in registry_policy.visible_enterprises(request.user)
                  .filter(pk__in=ids, latitude__isnull=False).values_list("latitude", "longitude")]
    return {
        "cluster": cluster, "footprints": footprints, "current": footprints[-1] if footprints else None,
        "codes": [(code, registers.sector_label(cluster.sector_classification, code, get_language())) for code in cluster.code_list],
        "history": history, "can_manage": policy.can_manage_clusters(request.user), "tab": "clusters",
        "member_points": points, "near": near,
        "geometry": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": fp.pk, "geometry": fp.geometry,
             "properties": {"label": f"{fp.footprint_id} · {fp.run_title}", "observed": fp.observed_at.date().isoformat(),
                            "near": selectors.place_near(fp.centroid_lat, fp.centroid_lon),
                            "establishments": fp.establishments, "latest": fp is footprints[-1]}}
            for fp in footprints if fp.in_lonlat and fp.geometry]},
        **map_tiles(),
    }


def _footprint_events(cluster: Cluster) -> list[dict]:
    """Attachments and removals of footprints, as rows of the cluster's history table."""
    rows = []
    records = (ClusterFootprint.history.filter(cluster_id=cluster.pk, history_type__in=["+", "-"])
               .select_related("history_user").order_by("-history_date")[:HISTORY_EVENTS])
    for record in records:
        template = (_("attached footprint %(fp)s found by “%(run)s”") if record.history_type == "+"
                    else _("removed footprint %(fp)s found by “%(run)s”"))
        rows.append({"when": record.history_date, "who": record.history_user, "type": "note",
                     "note": template % {"fp": record.footprint_id, "run": record.run_title}, "changes": []})
    return rows


@login_required
@require_GET
def cluster_detail(request, pk: int):
    _require_view(request)
    cluster = found_or_404(services.get_cluster, request.user, pk)
    return render(request, "clusters/cluster_detail.html", _cluster_context(request, cluster))


@login_required
@require_http_methods(["GET", "POST"])
def cluster_create(request):
    _require_view(request)
    require_page(policy.can_create_clusters, request.user)
    form = ClusterForm(request.POST or None)
    if request.method == "POST" and "_refresh" not in request.POST and form.is_valid():
        with errors_on_form(form):
            cluster = services.create_cluster(request.user, form.service_data())
        if not form.errors:
            messages.success(request, _("The cluster “%(c)s” was created.") % {"c": cluster.name})
            return redirect("clusters:cluster_detail", pk=cluster.pk)
    return render(request, "clusters/cluster_form.html", {"form": form, "cluster": None, "tab": "clusters"})


@login_required
@require_http_methods(["GET", "POST"])
def cluster_edit(request, pk: int):
    _require_view(request)
    cluster = found_or_404(services.get_cluster, request.user, pk)
    require_page(policy.can_change_clusters, request.user)
    form = ClusterForm(request.POST if request.method == "POST" else None, instance=cluster)
    if request.method == "POST" and "_refresh" not in request.POST and form.is_valid():
        with errors_on_form(form):
            cluster = services.update_cluster(request.user, cluster, form.service_data())
        if not form.errors:
            messages.success(request, _("Saved the changes to “%(c)s”.") % {"c": cluster.name})
            return redirect("clusters:cluster_detail", pk=cluster.pk)
    return render(request, "clusters/cluster_form.html", {"form": form, "cluster": cluster, "tab": "clusters"})


@login_required
@require_POST
def footprint_detach(request, pk: int, link_id: int):
    _require_view(request)
    cluster = found_or_404(services.get_cluster, request.user, pk)
    link = first_or_404(cluster.footprints.filter(pk=link_id), _("No such footprint in this cluster."))
    with domain_errors():
        services.detach_footprint(request.user, link)
    messages.success(request, _("Footprint %(fp)s was removed from the cluster.") % {"fp": link.footprint_id})
    return redirect("clusters:cluster_detail", pk=cluster.pk)
