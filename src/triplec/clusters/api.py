"""Read API of cluster mapping, mounted at /api/v1/clusters by `triplec.web.api`.

Mapping runs (status, progress, summary, sector table, footprints as GeoJSON) and cluster records with
their footprints over time. The same rules as the pages (`accounts.policy.can_view_mapping`): the
agency-wide roles read everything; other roles get 403; unknown ids 404.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from triplec.accounts import policy
from triplec.core.errors import PermissionDenied

from . import selectors, services
from .models import Cluster, ClusterFootprint, MappingRun

router = Router(tags=["clusters"])


def _require_view(request: HttpRequest) -> None:
    if not policy.can_view_mapping(request.auth):
        raise PermissionDenied("Cluster mapping is for the agency's staff.")


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
            percent=task.percent if task else 0, message=task.message if task else "",
            parameters={k: getattr(run, k) for k in ("r_max", "r_step", "sims", "alpha", "seed", "min_n",
                                                     "weighted", "fdr")},
            summary=run.summary or {}, files=files, created_at=run.created_at,
            created_by=run.created_by.username if run.created_by else None)


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
        return FootprintOut(id=fp.pk, run_id=fp.run_id, run_title=fp.run_title, footprint_id=fp.footprint_id,
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


@router.get("/{int:cluster_id}", response=ClusterDetail, summary="One cluster record with its footprints")
def get_cluster(request: HttpRequest, cluster_id: int):
    _require_view(request)
    services.get_cluster(request.auth, cluster_id)  # 404 when missing
    cluster = selectors.clusters_for(request.auth).get(pk=cluster_id)
    footprints = [FootprintOut.of(fp) for fp in cluster.footprints.order_by("observed_at", "attached_at", "id")]
    return _cluster_out(cluster, ClusterDetail, footprints=footprints)
