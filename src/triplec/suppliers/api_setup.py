"""The suppliers API's set-up (agency staff): programmes and the buyer's consent, enrolment, training
sessions; attendance (the buyer's staff too). See `api` for the conventions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Status

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.core.money_format import cents
from triplec.registry.models import Enterprise, Organisation, Territory

from . import api_common as common
from . import policy
from .api_common import responses, router
from .api_lists import SupplierOut, _kpis, programme_row, supplier_row
from .api_schemas import (
    AttendanceIn,
    ConsentIn,
    EnrolIn,
    ProgrammeCreate,
    ProgrammeDetail,
    SessionIn,
    SessionOut,
)
from .services import costs, kpis, programmes, training


def _lookup(qs, pk: int | None, field: str, message: str):
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed({field: [message]})
    return obj


def programme_detail(user, programme) -> dict:
    row = programme_row(user, programme) | {"consent_by": programme.consent_by,
                                            "consent_reference": programme.consent_reference,
                                            "costs": None, "before": None, "after": None}
    if policy.sees_whole_programme(user, programme):
        b = costs.programme_balances(programme)
        view = kpis.programme_kpis(programme)
        row.update(costs={name: cents(getattr(b, name)) for name in ("spent", "agency", "buyer", "suppliers")},
                   before=_kpis(view.before), after=_kpis(view.after))
    return row


@router.post("/programmes", response=responses(201, ProgrammeDetail, 403), summary="Set up a programme")
def create_programme(request, payload: ProgrammeCreate):
    """A programme anchored on a large buyer, with its cost-sharing rule (agency staff)."""
    user = request.auth
    require(policy.can_manage_programmes, user)
    data = payload.model_dump()
    buyer = _lookup(Organisation.objects.all(), data.pop("buyer_id"), "buyer_id", _("No such organisation."))
    return Status(201, programme_detail(user, programmes.create_programme(user, buyer=buyer, **data)))


@router.get("/programmes/{programme_id}", response=responses(200, ProgrammeDetail, 404), summary="A programme")
def get_programme(request, programme_id: int):
    """The programme; its costs (from the ledger) and overall KPIs for the agency and the buyer only."""
    return programme_detail(request.auth, common.programme(request, programme_id))


@router.post("/programmes/{programme_id}/consent", response=responses(200, ProgrammeDetail, 403, 404),
             summary="Record the buyer's consent")
def record_consent(request, programme_id: int, payload: ConsentIn):
    user = request.auth
    programme = common.programme(request, programme_id)
    require(policy.can_manage_programmes, user)
    return programme_detail(user, programmes.record_consent(user, programme, **payload.model_dump()))


@router.post("/programmes/{programme_id}/suppliers", response=responses(201, SupplierOut, 403, 404),
             summary="Enrol a supplier")
def enrol(request, programme_id: int, payload: EnrolIn):
    """An enterprise of the register (by id, or by national identifier or name), or a homeworker by
    name and product (no identifier); only after the buyer's consent."""
    user = request.auth
    programme = common.programme(request, programme_id)
    require(policy.can_manage_programmes, user)
    if payload.person_name is not None:
        if payload.enterprise_id is not None or payload.enterprise:
            raise ValidationFailed({"person_name": [_("Enrol an enterprise or a homeworker, not both.")]})
        municipality = _lookup(Territory.objects.all(), payload.municipality_id, "municipality_id",
                               _("No such territory."))
        supplier = programmes.enrol_homeworker(user, programme, name=payload.person_name, product=payload.product,
                                               municipality=municipality, on=payload.enrolled_on)
    else:
        enterprise = _lookup(Enterprise.objects.all(), payload.enterprise_id, "enterprise_id", _("No such enterprise."))
        if enterprise is None:
            enterprise = programmes.find_enterprise(payload.enterprise or "")
        supplier = programmes.enrol_enterprise(user, programme, enterprise, on=payload.enrolled_on)
    return Status(201, supplier_row(supplier))


def session_row(session) -> dict:
    return {"id": session.pk, "programme": session.programme_id, "title": session.title, "kind": session.kind,
            "held_on": session.held_on, "trainer": session.trainer, "cost": session.cost,
            "attendance": [{"supplier": a.supplier_id, "name": str(a.supplier) if a.supplier_id else a.staff_name}
                           for a in session.attendances.select_related("supplier__enterprise").order_by("id")]}


@router.post("/programmes/{programme_id}/sessions", response=responses(201, SessionOut, 403, 404),
             summary="Schedule a training session")
def create_session(request, programme_id: int, payload: SessionIn):
    """Technical or behavioural, for the buyer's staff and the suppliers; its cost is shared on the ledger."""
    user = request.auth
    programme = common.programme(request, programme_id)
    require(policy.can_manage_programmes, user)
    return Status(201, session_row(training.create_session(user, programme, **payload.model_dump())))


@router.get("/sessions/{session_id}", response=responses(200, SessionOut, 404), summary="A training session")
def get_session(request, session_id: int):
    return session_row(common.session(request, session_id))


@router.post("/sessions/{session_id}/attendance", response=responses(200, SessionOut, 403, 404),
             summary="Record attendance")
def record_attendance(request, session_id: int, payload: AttendanceIn):
    """Suppliers of the programme (by id) and the buyer's staff (by name); the same person twice is kept once."""
    user = request.auth
    session = common.session(request, session_id)
    require(policy.can_run_programme, user, session.programme)
    suppliers = []
    for i, pk in enumerate(payload.supplier_ids):
        suppliers.append(_lookup(session.programme.suppliers.all(), pk, f"supplier_ids.{i}",
                                 _("No such supplier in this programme.")))
    training.record_attendance(user, session, suppliers=suppliers, staff=payload.staff)
    return session_row(session)
