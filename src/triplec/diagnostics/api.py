"""The diagnostic studies API, mounted at /api/v1/diagnostics by `triplec.web.api`.

Thin over `diagnostics.services` (rules, permissions, transactions) and `diagnostics.policy` (who sees
studies: those who see the cluster records). The list is in the register's page shape (`count`, `limit`,
`offset`, `items`). Statuses as the rest of the API: 401 no or bad credentials, 403 not allowed, 404 a study
or cluster the caller may not see (or none), 422 invalid input or a write to a completed study.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from triplec.core.api_schemas import InputSchema, answers
from triplec.core.errors import NotFound
from triplec.registry.schemas import DEFAULT_LIMIT, MAX_LIMIT

from . import policy, services

router = Router(tags=["diagnostics"])


class StudyQuery(Schema):
    cluster: int | None = Field(None, description="Only the studies of this cluster record.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class StudySummary(Schema):
    id: int
    cluster_id: int
    cluster: str
    version: int
    title: str
    status: str = Field(description="draft or completed (read-only).")
    study_date: date
    authors: str
    updated_at: datetime
    completed_at: datetime | None


class StudyPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[StudySummary]


class AttributeOut(Schema):
    attribute: str
    label: str
    assessment: str = Field("", description="absent, weak, moderate, strong; empty: not assessed.")
    text: str = ""
    source: str = ""
    link: str = ""


class IndicatorValue(Schema):
    value: float | None
    text: str
    unit: str
    source: str = Field(description="Computed: the query it came from. Stated: the evidence.")
    as_of: date
    stated_by: str | None


class IndicatorOut(Schema):
    key: str
    label: str
    unit: str
    value: float | None = Field(description="The value in force: the stated one if any, else the computed one.")
    origin: str = Field(description="computed or stated: where the value in force comes from.")
    computed: IndicatorValue | None
    stated: IndicatorValue | None


class EvidenceOut(Schema):
    id: int
    target: str = Field(description="problems, opportunities, instruments or indicator:<key>.")
    target_label: str
    title: str
    file_name: str = Field(description="The uploaded file's name; empty for a link.")
    size: int | None
    link: str
    added_at: datetime
    added_by: str | None


class StudyOut(Schema):
    id: int
    cluster_id: int
    cluster: str
    version: int
    title: str
    period: str
    study_date: date
    status: str
    authors: str
    summary: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    attributes: list[AttributeOut]
    competitive_path: str = Field(description="high, low, mixed; empty: not judged.")
    competitive_path_text: str
    governance: str = Field(description="buyer, producer, mixed; empty: not judged.")
    governance_text: str
    buyers: list[dict[str, str]] = Field(description="Rows of name, market, note.")
    problems: list[dict[str, str]] = Field(description="Rows of kind (problem, opportunity), text, priority.")
    instruments: list[dict[str, str]] = Field(
        description="Rows of instrument (networks, profo, fairs, procurement, suppliers, centres) and reason.")
    indicators: list[IndicatorOut]
    evidence: list[EvidenceOut] = Field(description="Files and links; a file is read at .../evidence/{id}/file.")


class AttributeIn(InputSchema):
    assessment: str = ""
    text: str = ""
    source: str = ""
    link: str = ""


class StudyIn(InputSchema):
    title: str | None = None
    period: str | None = None
    study_date: date | None = None
    authors: str | None = None
    summary: str | None = None
    attributes: dict[str, AttributeIn] | None = Field(None, description="Attribute code to its assessment.")
    competitive_path: str | None = None
    competitive_path_text: str | None = None
    governance: str | None = None
    governance_text: str | None = None
    buyers: list[dict[str, str]] | None = None
    problems: list[dict[str, str]] | None = None
    instruments: list[dict[str, str]] | None = None


class StartIn(StudyIn):
    cluster: int = Field(description="The cluster record studied.")


class StatedIn(InputSchema):
    value: float | None = None
    text: str = ""
    label: str | None = Field(None, description="Needed for a figure the register does not hold.")
    unit: str | None = None
    source: str = Field(description="Where the stated value comes from.")
    as_of: date | None = None


class EvidenceLinkIn(InputSchema):
    target: str = Field(description="problems, opportunities, instruments or indicator:<key>.")
    title: str = ""
    link: str = Field(description="An http(s) address.")


class BaselineFigure(Schema):
    label: str
    value: float | None
    unit: str
    origin: str


class BaselineOut(Schema):
    cluster_id: int
    study_id: int
    version: int
    study_date: date
    figures: dict[str, BaselineFigure]
    attributes: dict[str, str] = Field(description="Attribute code to its assessment.")


def _changes(payload: StudyIn) -> dict:
    sent = payload.model_dump(exclude_unset=True, exclude={"cluster"})
    return {k: v for k, v in sent.items() if v is not None}


@router.get("/studies", response=answers(200, StudyPage, 401, 422), summary="List diagnostic studies")
def list_studies(request, query: Query[StudyQuery]):
    qs = policy.visible_studies(request.auth).select_related("cluster").order_by("cluster__name", "cluster_id",
                                                                                   "-version")
    if query.cluster is not None:
        qs = qs.filter(cluster_id=query.cluster)
    items = [{"id": s.pk, "cluster_id": s.cluster_id, "cluster": s.cluster.name, "version": s.version,
              "title": s.title, "status": s.status, "study_date": s.study_date, "authors": s.authors,
              "updated_at": s.updated_at, "completed_at": s.completed_at}
             for s in qs[query.offset:query.offset + query.limit]]
    return {"count": qs.count(), "limit": query.limit, "offset": query.offset, "items": items}


@router.get("/studies/{int:study_id}", response=answers(200, StudyOut, 401, 404), summary="One diagnostic study")
def get_study(request, study_id: int):
    return services.study_data(services.get_study(request.auth, study_id))


@router.post("/studies", response=answers(201, StudyOut, 401, 403, 404, 422),
             summary="Start a diagnostic study (the cluster's next version)")
def start_study(request, payload: StartIn):
    """A copy of the cluster's latest study when there is one, with its computed indicators taken again
    from the register."""
    cluster = services.get_cluster(request.auth, payload.cluster)
    study = services.start_study(request.auth, cluster, _changes(payload))
    return Status(201, services.study_data(study))


@router.patch("/studies/{int:study_id}", response=answers(200, StudyOut, 401, 403, 404, 422),
              summary="Edit a draft study")
def edit_study(request, study_id: int, payload: StudyIn):
    study = services.update_study(request.auth, services.get_study(request.auth, study_id), _changes(payload))
    return services.study_data(study)


@router.post("/studies/{int:study_id}/complete", response=answers(200, StudyOut, 401, 403, 404, 422),
             summary="Complete a study (read-only afterwards)")
def complete_study(request, study_id: int):
    return services.study_data(services.complete_study(request.auth, services.get_study(request.auth, study_id)))


@router.post("/studies/{int:study_id}/refresh", response=answers(200, StudyOut, 401, 403, 404, 422),
             summary="Take a draft's computed indicators again from the register")
def refresh_study(request, study_id: int):
    study = services.refresh_indicators(request.auth, services.get_study(request.auth, study_id))
    return services.study_data(study)


@router.put("/studies/{int:study_id}/indicators/{key}", response=answers(200, StudyOut, 401, 403, 404, 422),
            summary="State an indicator's value (overrides the computed one, which stays)")
def state_indicator(request, study_id: int, key: str, payload: StatedIn):
    study = services.get_study(request.auth, study_id)
    services.state_indicator(request.auth, study, key, payload.model_dump(exclude_unset=True))
    return services.study_data(study)


@router.delete("/studies/{int:study_id}/indicators/{key}", response=answers(200, StudyOut, 401, 403, 404, 422),
               summary="Withdraw a stated value (the computed one is in force again)")
def withdraw_stated(request, study_id: int, key: str):
    study = services.get_study(request.auth, study_id)
    services.withdraw_stated(request.auth, study, key)
    return services.study_data(study)


def _evidence_out(study, evidence_id: int) -> dict:
    return next(e for e in services.evidence_data(study) if e["id"] == evidence_id)


@router.post("/studies/{int:study_id}/evidence/links", response=answers(201, EvidenceOut, 401, 403, 404, 422),
             summary="Add a link as evidence to a draft study")
def add_evidence_link(request, study_id: int, payload: EvidenceLinkIn):
    study = services.get_study(request.auth, study_id)
    row = services.add_evidence(request.auth, study, target=payload.target, title=payload.title, link=payload.link)
    return Status(201, _evidence_out(study, row.pk))


@router.post("/studies/{int:study_id}/evidence/files", response=answers(201, EvidenceOut, 401, 403, 404, 422),
             summary="Upload a file (PDF, image or spreadsheet) as evidence to a draft study")
def add_evidence_file(request, study_id: int, target: Form[str], file: File[UploadedFile], title: Form[str] = ""):
    """Multipart: `target`, `title` and `file`; the size limit and the types are those of the page."""
    study = services.get_study(request.auth, study_id)
    content = file.read(services.evidence.max_bytes() + 1)
    row = services.add_evidence(request.auth, study, target=target, title=title, filename=file.name or "",
                                content=content)
    return Status(201, _evidence_out(study, row.pk))


@router.delete("/studies/{int:study_id}/evidence/{int:evidence_id}", response=answers(204, None, 401, 403, 404, 422),
               summary="Remove evidence from a draft (earlier versions keep it)")
def remove_evidence(request, study_id: int, evidence_id: int):
    services.remove_evidence(request.auth, services.get_study(request.auth, study_id), evidence_id)
    return Status(204, None)


@router.get("/studies/{int:study_id}/evidence/{int:evidence_id}/file", response=answers(200, None, 401, 404),
            summary="Download an evidence file")
def evidence_file(request, study_id: int, evidence_id: int):
    """For those who may see the study only; never a public URL."""
    handle, name = services.open_evidence(request.auth, services.get_study(request.auth, study_id), evidence_id)
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private"
    return response


@router.get("/baseline/{int:cluster_id}", response=answers(200, BaselineOut, 401, 404),
            summary="A cluster's baseline: the figures of its latest completed study")
def baseline(request, cluster_id: int):
    found = services.baseline(services.get_cluster(request.auth, cluster_id))
    if found is None:
        raise NotFound(_("This cluster has no completed diagnostic study."))
    return found
