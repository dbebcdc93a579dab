"""API of cluster mapping, mounted at /api/v1/clusters by `triplec.web.api`.

Mapping runs (start on the register or an uploaded file, status, progress, summary, sector table,
footprints as GeoJSON, cancel, delete) and cluster records (create, update, attach and detach footprints,
with their footprints over time). Thin over `clusters.services`, the functions the pages call; the same
rules as the pages (`clusters.policy`): the agency-wide roles read everything, agency admins and
programme officers write; other roles get 403 everywhere.

Statuses, as the rest of the API: 401 no or bad credentials; 403 not allowed; 404 an unknown run,
cluster or footprint in the path; 422 {"detail", "errors"} for a bad body, including a run, cluster or
footprint named in the body that does not exist, and for a state that forbids the action (deleting a
run that still runs, cancelling a finished one, attaching a footprint of an unfinished run).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from triplec.accounts.policy import require
from triplec.core.api_schemas import answers
from triplec.core.errors import NotFound, ValidationFailed
from triplec.registry.schemas import InputSchema

from . import messages, policy, selectors, services
from .models import Cluster, ClusterFootprint, MappingRun

router = Router(tags=["clusters"])


def _require_view(request: HttpRequest) -> None:
    require(policy.can_view_mapping, request.auth)


@contextmanager
def _api_field_names(**renames: str):
    """Service errors name service fields ("territory"); the API's are "territory_id"."""
    renames = {"territory": "territory_id", **renames}
    try:
        yield
    except ValidationFailed as exc:
        raise ValidationFailed({renames.get(k, k): v for k, v in exc.errors.items()}) from exc


class RunOut(Schema):
    id: int
    title: str
    source: str
    source_description: str
    classification: str
    sector_level: str
    status: str
    percent: int
    message: str
    parameters: dict
    summary: dict
    files: dict[str, str]
    created_at: datetime
    created_by: str | None
    cancel_requested_at: datetime | None = None  # set: cancelled, or stopping while status is still running

    @staticmethod
    def of(run: MappingRun) -> RunOut:
        task = run.task
        files = {}
        if run.status == "done":
            files = {name: reverse("clusters:run_file", args=[run.pk, name])
                     for name in selectors.DOWNLOADS if selectors.output_file(run, name)}
        return RunOut(
            id=run.pk, title=run.title, source=run.source, source_description=str(run.describe_source()),
            classification=run.classification, sector_level=run.sector_level, status=run.status,
            percent=task.percent if task else 0, message=messages.shown(task.message) if task else "",
            parameters={k: getattr(run, k) for k in ("r_max", "r_step", "sims", "alpha", "seed", "min_n",
                                                     "weighted", "fdr", "with_m")},
            summary=run.summary or {}, files=files, created_at=run.created_at,
            created_by=run.created_by.username if run.created_by else None,
            cancel_requested_at=run.cancel_requested_at)


class RunPage(Schema):
    count: int
    items: list[RunOut]


class SectorOut(Schema):
    sector: str
    name: str
    n: int
    employment: float | None
    gamma: float | None
    psi: float | None
    localised: bool
    p_value: float | None
    q_value: float | None
    peak_distance: float | None
    footprints: int


class FootprintOut(Schema):
    id: int
    cluster_id: int
    run_id: int | None
    run_title: str
    footprint_id: str
    sector: str
    observed_at: datetime
    establishments: int
    employment: float | None
    sme_share: float | None
    area_km2: float | None
    regions: list[str]
    geometry: dict | None
    in_lonlat: bool

    @staticmethod
    def of(fp: ClusterFootprint) -> FootprintOut:
        return FootprintOut(id=fp.pk, cluster_id=fp.cluster_id, run_id=fp.run_id, run_title=fp.run_title, footprint_id=fp.footprint_id,
                            sector=fp.sector, observed_at=fp.observed_at, establishments=fp.establishments,
                            employment=fp.employment, sme_share=fp.sme_share, area_km2=fp.area_km2,
                            regions=list(fp.regions or []), geometry=fp.geometry, in_lonlat=fp.in_lonlat)


class ClusterOut(Schema):
    id: int
    name: str
    description: str
    sector_classification: str
    sector_codes: list[str]
    territory_id: int | None
    notes: str
    n_footprints: int
    current_establishments: int | None
    current_employment: float | None
    updated_at: datetime


class ClusterDetail(ClusterOut):
    footprints: list[FootprintOut]


class ClusterPage(Schema):
    count: int
    items: list[ClusterOut]


def _cluster_out(cluster: Cluster, cls=ClusterOut, **extra):
    return cls(id=cluster.pk, name=cluster.name, description=cluster.description,
               sector_classification=cluster.sector_classification, sector_codes=cluster.code_list,
               territory_id=cluster.territory_id, notes=cluster.notes, n_footprints=cluster.n_footprints,
               current_establishments=cluster.current_establishments,
               current_employment=cluster.current_employment, updated_at=cluster.updated_at, **extra)


@router.get("/runs", response=RunPage, summary="Mapping runs, newest first")
def list_runs(request: HttpRequest, limit: int = 50, offset: int = 0):
    _require_view(request)
    qs = selectors.runs_for(request.auth)
    limit = max(1, min(limit, 200))
    return {"count": qs.count(), "items": [RunOut.of(r) for r in qs[offset:offset + limit]]}


@router.get("/runs/{int:run_id}", response=RunOut, summary="One mapping run: status, progress, summary, files")
def get_run(request: HttpRequest, run_id: int):
    _require_view(request)
    return RunOut.of(services.get_run(request.auth, run_id))


@router.get("/runs/{int:run_id}/sectors", response=list[SectorOut],
            summary="The sector table of a finished run (localised sectors first)")
def run_sectors(request: HttpRequest, run_id: int, sort: str = ""):
    _require_view(request)
    return selectors.sector_rows(services.get_run(request.auth, run_id), sort)


@router.get("/runs/{int:run_id}/footprints", response=dict,
            summary="Footprints of a finished run (GeoJSON FeatureCollection)")
def run_footprints(request: HttpRequest, run_id: int):
    _require_view(request)
    return selectors.footprint_collection(services.get_run(request.auth, run_id))


@router.get("", response=ClusterPage, summary="Cluster records")
def list_clusters(request: HttpRequest, limit: int = 50, offset: int = 0):
    _require_view(request)
    qs = selectors.clusters_for(request.auth).order_by("name", "id")
    limit = max(1, min(limit, 200))
    return {"count": qs.count(), "items": [_cluster_out(c) for c in qs[offset:offset + limit]]}


def _cluster_detail(user, cluster_id: int) -> ClusterDetail:
    services.get_cluster(user, cluster_id)  # 404 when missing
    cluster = selectors.clusters_for(user).get(pk=cluster_id)
    footprints = [FootprintOut.of(fp) for fp in cluster.footprints.order_by("observed_at", "attached_at", "id")]
    return _cluster_out(cluster, ClusterDetail, footprints=footprints)


@router.get("/{int:cluster_id}", response=ClusterDetail, summary="One cluster record with its footprints")
def get_cluster(request: HttpRequest, cluster_id: int):
    _require_view(request)
    return _cluster_detail(request.auth, cluster_id)


# Writes: mapping runs --------------------------------------------------------------------------------------

class RunParameters(InputSchema):
    """The screen's parameters; a field left out takes the default of the run form."""

    r_max: float | None = None
    r_step: float | None = None
    sims: int | None = None
    alpha: float | None = None
    seed: int | None = None
    min_n: int | None = None
    weighted: bool | None = None
    fdr: bool | None = None
    with_m: bool | None = None


class RunCreate(RunParameters):
    """A run on the enterprise register (the register the platform holds). For a file, POST it as
    multipart to /runs/upload."""

    title: str
    source: Literal["register", "upload"] = "register"
    classification: str = ""
    sector_level: str = ""
    country: str = ""
    territory_id: int | None = None
    sector_filter: str = ""


class RunUpload(RunParameters):
    """The fields of a multipart upload run next to its `file` (CSV or Parquet, one row per establishment):
    the column names, and lon/lat (degrees) or x/y (with their unit and optional coordinate system)."""

    title: str
    classification: str = ""
    sector_level: str = ""
    id_col: str = ""
    sector_col: str = "sector"
    lon_col: str = ""
    lat_col: str = ""
    x_col: str = ""
    y_col: str = ""
    unit: Literal["km", "m"] = "km"
    crs: str = ""
    weight_col: str = ""
    label_col: str = ""
    region_col: str = ""


def _run_data(payload: RunParameters, **extra) -> dict:
    """Service fields from the request; a parameter left out (None) takes the service's default."""
    data = {k: v for k, v in payload.model_dump().items() if v is not None}
    if "territory_id" in data:
        data["territory"] = data.pop("territory_id")
    return {**data, **extra}


@router.post("/runs", response=answers(201, RunOut, 401, 403, 422), summary="Start a mapping run on the register")
def start_run(request: HttpRequest, payload: RunCreate):
    """Queue a screen of the enterprise register (the choices of the run form: classification, level,
    country, territory, sectors under a code, parameters). Poll GET /runs/{id} for its progress."""
    _require_view(request)
    require(policy.can_run_mapping, request.auth)
    if payload.source == MappingRun.Source.UPLOAD:
        raise ValidationFailed({"source": [_("Send a file as multipart/form-data to /runs/upload.")]})
    with _api_field_names():
        run = services.start_run(request.auth, _run_data(payload, source=MappingRun.Source.REGISTER))
    return Status(201, RunOut.of(run))


@router.post("/runs/upload", response=answers(201, RunOut, 401, 403, 422),
             summary="Start a mapping run on an uploaded file (multipart)")
def start_upload_run(request: HttpRequest, payload: Form[RunUpload], file: File[UploadedFile]):
    """Queue a screen of an uploaded register (CSV or Parquet). Column errors name the file's columns."""
    _require_view(request)
    require(policy.can_run_mapping, request.auth)
    run = services.start_run(request.auth, _run_data(payload, source=MappingRun.Source.UPLOAD), upload=file)
    return Status(201, RunOut.of(run))


@router.post("/runs/{int:run_id}/cancel", response=answers(200, RunOut, 401, 403, 404, 422),
             summary="Cancel a queued or running mapping run")
def cancel_run(request: HttpRequest, run_id: int):
    """A queued run is withdrawn at once (status "cancelled"); a running one stops at its next progress
    report (status "running" until then). Cancelling a finished run answers 422."""
    _require_view(request)
    run = services.get_run(request.auth, run_id)
    return RunOut.of(services.cancel_run(request.auth, run))


@router.delete("/runs/{int:run_id}", response=answers(204, None, 401, 403, 404, 422), summary="Delete a mapping run")
def delete_run(request: HttpRequest, run_id: int):
    """Delete a finished (done, failed, cancelled) run and its files; a queued or running run answers 422
    (cancel it first). Its footprints attached to clusters stay there as snapshots (run_id null)."""
    _require_view(request)
    run = services.get_run(request.auth, run_id)
    services.delete_run(request.auth, run)
    return Status(204, None)


# Writes: cluster records -----------------------------------------------------------------------------------

class ClusterCreate(InputSchema):
    name: str
    description: str = ""
    sector_classification: str = ""
    sector_codes: list[str] | str = ""
    territory_id: int | None = None
    notes: str = ""


class ClusterPatch(InputSchema):
    name: str | None = None
    description: str | None = None
    sector_classification: str | None = None
    sector_codes: list[str] | str | None = None
    territory_id: int | None = None
    notes: str | None = None


def _cluster_data(payload, *, partial: bool) -> dict:
    """Service fields from the request; null clears a text field; codes as a list or "a, b"."""
    data = {}
    for name, value in payload.model_dump(exclude_unset=partial).items():
        if name == "territory_id":
            data["territory"] = value
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        data[name] = "" if value is None else value
    return data


@router.post("", response=answers(201, ClusterDetail, 401, 403, 422), summary="Create a cluster record")
def create_cluster(request: HttpRequest, payload: ClusterCreate):
    _require_view(request)
    with _api_field_names():
        cluster = services.create_cluster(request.auth, _cluster_data(payload, partial=False))
    return Status(201, _cluster_detail(request.auth, cluster.pk))


@router.patch("/{int:cluster_id}", response=answers(200, ClusterDetail, 401, 403, 404, 422),
              summary="Change a cluster record")
def update_cluster(request: HttpRequest, cluster_id: int, payload: ClusterPatch):
    """Change the fields sent (its footprints: POST and DELETE .../footprints)."""
    _require_view(request)
    cluster = services.get_cluster(request.auth, cluster_id)
    with _api_field_names():
        services.update_cluster(request.auth, cluster, _cluster_data(payload, partial=True))
    return _cluster_detail(request.auth, cluster_id)


class FootprintRef(InputSchema):
    run_id: int
    footprint_id: str


class AttachIn(InputSchema):
    """To an existing cluster (`cluster_id`), or to a new one (`name`, optional: defaults from the
    footprint's sector and place) when `cluster_id` is left out."""

    cluster_id: int | None = None
    name: str = ""


def _footprint_of(request: HttpRequest, run: MappingRun, footprint_id: str, *, cluster: Cluster | None,
                  new_cluster: dict | None, in_body: bool) -> ClusterFootprint:
    try:
        return services.attach_footprint(request.auth, run, footprint_id, cluster=cluster, new_cluster=new_cluster)
    except NotFound as exc:
        if in_body:  # a footprint named in the body: a field error, as the register's API does
            raise ValidationFailed({"footprint_id": [str(exc)]}) from exc
        raise


@router.post("/{int:cluster_id}/footprints", response=answers(201, FootprintOut, 401, 403, 404, 422),
             summary="Attach a footprint found by a run to this cluster")
def attach_to_cluster(request: HttpRequest, cluster_id: int, payload: FootprintRef):
    """The footprint is copied as it is now (polygon, members, establishments, employment): it stays
    in the cluster if the run is deleted later."""
    _require_view(request)
    cluster = services.get_cluster(request.auth, cluster_id)
    require(policy.can_attach_footprints, request.auth)
    run = selectors.runs_for(request.auth).filter(pk=payload.run_id).first()
    if run is None:
        raise ValidationFailed({"run_id": [_("No such mapping run.")]})
    with _api_field_names(cluster="cluster_id"):
        link = _footprint_of(request, run, payload.footprint_id, cluster=cluster, new_cluster=None, in_body=True)
    return Status(201, FootprintOut.of(link))


@router.post("/runs/{int:run_id}/footprints/{footprint_id}/attach",
             response=answers(201, FootprintOut, 401, 403, 404, 422),
             summary="Attach a run's footprint to an existing or a new cluster")
def attach_from_run(request: HttpRequest, run_id: int, footprint_id: str, payload: AttachIn):
    """As the run page's "Attach to a cluster…": `cluster_id` of an existing record, or none for a new
    record named `name` (default: the sector's name and the footprint's first place)."""
    _require_view(request)
    run = services.get_run(request.auth, run_id)
    if run.status == "done" and selectors.footprint_feature(run, footprint_id) is None:
        raise NotFound(_("Run %(run)s has no footprint %(fp)r.") % {"run": run.title, "fp": footprint_id})  # the path's objects first
    require(policy.can_attach_footprints, request.auth)
    cluster = None
    if payload.cluster_id is not None:
        cluster = policy.visible_clusters(request.auth).filter(pk=payload.cluster_id).first()
        if cluster is None:
            raise ValidationFailed({"cluster_id": [_("No such cluster.")]})
    new_cluster = {"name": payload.name} if cluster is None else None
    with _api_field_names(cluster="cluster_id"):
        link = _footprint_of(request, run, footprint_id, cluster=cluster, new_cluster=new_cluster, in_body=False)
    return Status(201, FootprintOut.of(link))


@router.delete("/{int:cluster_id}/footprints/{int:link_id}", response=answers(204, None, 401, 403, 404, 422),
               summary="Remove a footprint from this cluster")
def detach_from_cluster(request: HttpRequest, cluster_id: int, link_id: int):
    """`link_id` is the footprint's `id` in the cluster's `footprints` (not its footprint_id in the run).
    The run keeps its footprint."""
    _require_view(request)
    cluster = services.get_cluster(request.auth, cluster_id)
    link = cluster.footprints.filter(pk=link_id).first()
    if link is None:
        raise NotFound(_("No such footprint in this cluster."))
    services.detach_footprint(request.auth, link)
    return Status(204, None)
