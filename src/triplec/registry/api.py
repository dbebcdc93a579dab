"""The register's REST API, mounted at /api/v1/ by `triplec.web.api`.

Thin over the same code the pages use: reads are scoped by `registry.policy.visible_*` (through
`registry.selectors` and `registry.services.get_*`), writes go through `registry.services`, which
check permission and validate. Domain errors become HTTP statuses in `triplec.web.api`:
ValidationFailed -> 422 {"detail", "errors"}, PermissionDenied -> 403, NotFound -> 404.

Objects outside the caller's scope answer 404, exactly like objects that do not exist, so the API
never reveals what a user may not see. References to such objects in a request body (an
enterprise or association id) are refused with a 422 field error worded the same either way.
"""

from contextlib import contextmanager

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from triplec.accounts.policy import require
from triplec.core.api_schemas import answers, list_page
from triplec.core.errors import NotFound, ValidationFailed
from triplec.core.idsets import pk_among

from . import policy, services, services_changes
from .models import ASSOCIATION_KINDS, Enterprise, Membership, Organisation, Territory
from .schemas import (
    ERRORS,
    AssociationCreate,
    AssociationPatch,
    AssociationQuery,
    ChangeRequestCreate,
    ChangeRequestDecision,
    ChangeRequestOut,
    ChangeRequestPage,
    ChangeRequestQuery,
    EnterpriseCreate,
    EnterpriseExportQuery,
    EnterpriseOut,
    EnterprisePage,
    EnterprisePatch,
    EnterpriseQuery,
    MembershipCreate,
    MembershipEnd,
    MembershipOut,
    MembershipPage,
    MembershipQuery,
    OrganisationCreate,
    OrganisationOut,
    OrganisationPage,
    OrganisationPatch,
    OrganisationQuery,
    TerritoryOut,
    TerritoryPage,
    TerritoryQuery,
)
from .search import identifier_q
from .selectors import EnterpriseFilter, count, few_ids, filter_enterprises, page_ids

router = Router()

# Request field -> service field, where the API spells a foreign key with its id.
_RENAMES = {"territory_id": "territory", "enterprise_id": "enterprise"}
_TERRITORY_CHAIN = "territory__parent__parent"  # for territory.path without a query per row
FEW_IDS = 2000  # as registry.views.MATERIALISE_BELOW


def _user(request: HttpRequest):
    return request.auth


def _service_data(model: type[Model], payload, *, partial: bool) -> dict:
    """The fields a request set (all of them on create), renamed for the services. A null sent for
    a text field means "clear it", which the model stores as an empty string."""
    data = {}
    for name, value in payload.model_dump(exclude_unset=partial).items():
        field = _RENAMES.get(name, name)
        model_field = model._meta.get_field(field)
        if value is None and not model_field.null and model_field.empty_strings_allowed:
            value = ""
        data[field] = value
    return data


@contextmanager
def _api_field_names():
    """Service errors name model fields ("territory"); the API's fields are "territory_id"."""
    try:
        yield
    except ValidationFailed as exc:
        back = {service: api for api, service in _RENAMES.items()}
        raise ValidationFailed({back.get(k, k): v for k, v in exc.errors.items()}) from exc


# Enterprises ---------------------------------------------------------------------------------------

@router.get("/enterprises", response=answers(200, EnterprisePage, 401, 422), tags=["enterprises"])
def list_enterprises(request, filters: Query[EnterpriseQuery]):
    """Enterprises the caller may see, filtered, sorted and paginated (limit/offset, total in count)."""
    f = EnterpriseFilter(
        q=filters.q, sector=filters.sector, classification=filters.classification or "",
        territory=filters.territory, size=filters.size or "", association=filters.association,
        exporter=filters.exporter, country=filters.country, sort=filters.sort,
    )
    user = _user(request)
    qs = filter_enterprises(user, f).select_related(_TERRITORY_CHAIN)
    ids = few_ids(qs, FEW_IDS)  # a selective filter: read its page by primary key, as the list page does
    if ids is None:
        counted = filter_enterprises(user, f, counting=True) if f.q else qs  # as the list page counts
        return {"count": count(counted), "limit": filters.limit, "offset": filters.offset,
                "items": list(qs.filter(pk__in=page_ids(qs, filters.offset, filters.offset + filters.limit)))}
    items = list(qs.filter(pk_among(ids, qs.db))[filters.offset:filters.offset + filters.limit])
    return {"count": len(ids), "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get("/enterprises/export", response={401: ERRORS[401], 403: ERRORS[403], 422: ERRORS[422]},
            tags=["enterprises"], openapi_extra={"responses": {200: {"description": "The CSV or XLSX file."}}})
def export_enterprises(request, options: Query[EnterpriseExportQuery]):
    """The filtered register as a file, like the list page's export: CSV in the reader's convention
    (`;` and decimal comma for Portuguese and Spanish, by Accept-Language) unless sep/decimal say
    otherwise, UTF-8 with a byte-order mark; or XLSX. headers=labels names the columns in that language."""
    from django.utils.translation import get_language

    from triplec.core import spreadsheets

    from . import exporting

    user = _user(request)
    require(policy.can_export, user)
    try:
        style = spreadsheets.style_from_options(get_language(), options.sep, options.decimal, options.headers)
    except ValueError as exc:
        raise ValidationFailed({"sep": [str(exc)]}) from exc
    f = EnterpriseFilter(q=options.q, sector=options.sector, classification=options.classification or "",
                         territory=options.territory, size=options.size or "", association=options.association,
                         exporter=options.exporter, country=options.country, sort=options.sort)
    if options.format == "csv":
        response = StreamingHttpResponse(exporting.stream_csv(user, f, style), content_type=exporting.CONTENT_TYPES["csv"])
    else:
        response = StreamingHttpResponse(exporting.stream_xlsx(user, f, style),
                                         content_type=exporting.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{exporting.export_filename(options.format)}"'
    return response


@router.get("/enterprises/{enterprise_id}", response=answers(200, EnterpriseOut, 401, 404), tags=["enterprises"])
def get_enterprise(request, enterprise_id: int):
    return services.get_enterprise(_user(request), enterprise_id)


@router.post("/enterprises", response=answers(201, EnterpriseOut, 401, 403, 422), tags=["enterprises"])
def create_enterprise(request, payload: EnterpriseCreate):
    """Add an enterprise. An association manager's new enterprise joins their association today."""
    data = _service_data(Enterprise, payload, partial=False)
    with _api_field_names():
        enterprise = services.create_enterprise(_user(request), data)
    return Status(201, enterprise)


@router.patch("/enterprises/{enterprise_id}", response=answers(200, EnterpriseOut, 401, 403, 404, 422),
              tags=["enterprises"])
def update_enterprise(request, enterprise_id: int, payload: EnterprisePatch):
    """Change the fields sent; the sector code is checked again against its classification."""
    user = _user(request)
    enterprise = services.get_enterprise(user, enterprise_id)
    data = _service_data(Enterprise, payload, partial=True)
    with _api_field_names():
        return services.update_enterprise(user, enterprise, data)


# Organisations and associations --------------------------------------------------------------------

def _organisations(user, filters, kinds=None) -> QuerySet:
    qs = policy.visible_organisations(user).select_related(_TERRITORY_CHAIN)
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.country:
        qs = qs.filter(country=filters.country.strip().upper())
    for word in filters.q.split():
        qs = qs.filter(Q(name__icontains=word) | identifier_q(word))
    return qs.order_by("name", "id")


def _get_association(user, association_id: int) -> Organisation:
    try:
        organisation = services.get_organisation(user, association_id)
    except NotFound:
        raise NotFound(_("No such association.")) from None
    if not organisation.is_association:
        raise NotFound(_("No such association."))
    return organisation


@router.get("/organisations", response=answers(200, OrganisationPage, 401, 422), tags=["organisations"])
def list_organisations(request, filters: Query[OrganisationQuery]):
    """Organisations of every kind the caller may see (agency, associations, buyers, centres)."""
    return list_page(_organisations(_user(request), filters), filters.limit, filters.offset)


@router.get("/organisations/{organisation_id}", response=answers(200, OrganisationOut, 401, 404),
            tags=["organisations"])
def get_organisation(request, organisation_id: int):
    return services.get_organisation(_user(request), organisation_id)


@router.post("/organisations", response=answers(201, OrganisationOut, 401, 403, 422), tags=["organisations"])
def create_organisation(request, payload: OrganisationCreate):
    return _created_organisation(request, payload)


def _created_organisation(request, payload):
    data = _service_data(Organisation, payload, partial=False)
    with _api_field_names():
        return Status(201, services.create_organisation(_user(request), data))


@router.patch("/organisations/{organisation_id}", response=answers(200, OrganisationOut, 401, 403, 404, 422),
              tags=["organisations"])
def update_organisation(request, organisation_id: int, payload: OrganisationPatch):
    """Change the fields sent. Only agency staff may change the kind."""
    user = _user(request)
    return _updated_organisation(user, services.get_organisation(user, organisation_id), payload)


def _updated_organisation(user, organisation, payload):
    data = _service_data(Organisation, payload, partial=True)
    with _api_field_names():
        return services.update_organisation(user, organisation, data)


@router.get("/associations", response=answers(200, OrganisationPage, 401, 422), tags=["associations"])
def list_associations(request, filters: Query[AssociationQuery]):
    """Producers' and business associations the caller may see."""
    qs = _organisations(_user(request), filters, kinds=ASSOCIATION_KINDS)
    return list_page(qs, filters.limit, filters.offset)


@router.get("/associations/{association_id}", response=answers(200, OrganisationOut, 401, 404),
            tags=["associations"])
def get_association(request, association_id: int):
    return _get_association(_user(request), association_id)


@router.post("/associations", response=answers(201, OrganisationOut, 401, 403, 422), tags=["associations"])
def create_association(request, payload: AssociationCreate):
    return _created_organisation(request, payload)


@router.patch("/associations/{association_id}", response=answers(200, OrganisationOut, 401, 403, 404, 422),
              tags=["associations"])
def update_association(request, association_id: int, payload: AssociationPatch):
    """Change the fields sent. An association manager may edit their own association, not its kind."""
    user = _user(request)
    return _updated_organisation(user, _get_association(user, association_id), payload)


# Memberships ---------------------------------------------------------------------------------------

def _memberships(user) -> QuerySet:
    return policy.visible_memberships(user).select_related("enterprise", "association")


def _get_membership(user, membership_id: int) -> Membership:
    membership = _memberships(user).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound(_("No such membership."))
    return membership


def _referenced(getter, user, pk: int, field: str, message: str):
    """An object named in a request body, looked up in the caller's scope; invisible or missing
    objects give the same field error."""
    try:
        return getter(user, pk)
    except NotFound:
        raise ValidationFailed({field: [message]}) from None


@router.get("/memberships", response=answers(200, MembershipPage, 401, 422), tags=["memberships"])
def list_memberships(request, filters: Query[MembershipQuery]):
    """Memberships of enterprises in associations, newest first."""
    qs = _memberships(_user(request))
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.association is not None:
        qs = qs.filter(association_id=filters.association)
    if filters.active_on is not None:
        qs = qs.filter(Membership.current_q(filters.active_on))
    return list_page(qs.order_by("-start_date", "id"), filters.limit, filters.offset)


@router.get("/memberships/{membership_id}", response=answers(200, MembershipOut, 401, 404), tags=["memberships"])
def get_membership(request, membership_id: int):
    return _get_membership(_user(request), membership_id)


@router.post("/memberships", response=answers(201, MembershipOut, 401, 403, 422), tags=["memberships"])
def create_membership(request, payload: MembershipCreate):
    """Record that an enterprise joined an association (from start_date, until end_date if given)."""
    user = _user(request)
    enterprise = _referenced(services.get_enterprise, user, payload.enterprise_id, "enterprise_id",
                             _("No such enterprise."))
    association = _referenced(_get_association, user, payload.association_id, "association_id",
                              _("No such association."))
    membership = services.add_membership(user, enterprise, association, payload.start_date, payload.end_date)
    return Status(201, membership)


@router.post("/memberships/{membership_id}/end", response=answers(200, MembershipOut, 401, 403, 404, 422),
             tags=["memberships"])
def end_membership(request, membership_id: int, payload: MembershipEnd):
    """End an open membership on end_date (the last day it is in force)."""
    user = _user(request)
    membership = _get_membership(user, membership_id)
    return services.end_membership(user, membership, payload.end_date)


# Territories ---------------------------------------------------------------------------------------

@router.get("/territories", response=answers(200, TerritoryPage, 401, 422), tags=["territories"])
def list_territories(request, filters: Query[TerritoryQuery]):
    """Countries, regions and municipalities (reference data every signed-in user may read)."""
    qs = Territory.objects.select_related("parent__parent")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.code:
        qs = qs.filter(code=filters.code.strip())
    for word in filters.q.split():
        qs = qs.filter(name__icontains=word)
    return list_page(qs.order_by("level", "name", "id"), filters.limit, filters.offset)


@router.get("/territories/{territory_id}", response=answers(200, TerritoryOut, 401, 404), tags=["territories"])
def get_territory(request, territory_id: int):
    territory = Territory.objects.select_related("parent__parent").filter(pk=territory_id).first()
    if territory is None:
        raise NotFound(_("No such territory."))
    return territory



# Change requests -----------------------------------------------------------------------------------

@router.post("/enterprises/{enterprise_id}/change-requests", response=answers(201, ChangeRequestOut, 401, 403, 404, 422),
             tags=["change requests"])
def create_change_request(request, enterprise_id: int, payload: ChangeRequestCreate):
    """An enterprise user asks the agency to change their firm's legal name, country, identifier or
    sector (the fields sent); the record changes when an agency admin or programme officer approves."""
    user = _user(request)
    enterprise = services.get_enterprise(user, enterprise_id)
    data = payload.model_dump(exclude_unset=True, exclude={"reason"})
    change = services_changes.request_change(user, enterprise, data, reason=payload.reason)
    return Status(201, change)


@router.get("/change-requests", response=answers(200, ChangeRequestPage, 401, 422), tags=["change requests"])
def list_change_requests(request, filters: Query[ChangeRequestQuery]):
    """Change requests the caller may see, newest first (the agency: all; an enterprise user: their own)."""
    qs = policy.visible_change_requests(_user(request)).select_related("requested_by", "decided_by")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    return list_page(qs.order_by("-created_at", "-id"), filters.limit, filters.offset)


@router.post("/change-requests/{request_id}/approve", response=answers(200, ChangeRequestOut, 401, 403, 404, 422),
             tags=["change requests"])
def approve_change_request(request, request_id: int, payload: ChangeRequestDecision):
    user = _user(request)
    return services_changes.decide(user, services_changes.get_request(user, request_id), True, payload.note)


@router.post("/change-requests/{request_id}/reject", response=answers(200, ChangeRequestOut, 401, 403, 404, 422),
             tags=["change requests"])
def reject_change_request(request, request_id: int, payload: ChangeRequestDecision):
    user = _user(request)
    return services_changes.decide(user, services_changes.get_request(user, request_id), False, payload.note)
