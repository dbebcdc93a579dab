"""Using a centre over the API: booking equipment and cancelling, publications with the caller's
entitlement (and the file, served after the check), usage records, and the subcontracting exchange
(posts, withdrawal, explained matches)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from triplec.core.api_schemas import InputSchema

from . import policy
from .api_common import Page, PageQuery, answers, centre_of, firm, found, item_of, page, router
from .models import Booking, ExchangePost, Publication
from .services import bookings, exchange, usage


class BookingIn(InputSchema):
    equipment: int
    enterprise: int
    starts_at: datetime = Field(description="With its time zone.")
    ends_at: datetime


class BookedOut(Schema):
    id: int
    equipment: int
    enterprise: int
    starts_at: datetime
    ends_at: datetime
    price: str
    member_rate: bool
    cancelled: bool


def booking_row(b: Booking) -> dict:
    return {"id": b.pk, "equipment": b.equipment_id, "enterprise": b.enterprise_id, "starts_at": b.starts_at,
            "ends_at": b.ends_at, "price": str(b.price), "member_rate": b.member_rate,
            "cancelled": b.cancelled_at is not None}


@router.post("/centres/{centre_id}/bookings", response=answers(201, BookedOut, 403, 404, 422))
def book(request, centre_id: int, body: BookingIn):
    """Book a piece of equipment, charged per hour (never overlapping another live booking)."""
    centre = centre_of(request, centre_id)
    made = bookings.book(request.auth, item_of(centre, body.equipment, "equipment"), firm(body.enterprise),
                         body.starts_at, body.ends_at)
    return Status(201, booking_row(made))


@router.post("/bookings/{booking_id}/cancel", response=answers(200, BookedOut, 403, 404, 422))
def cancel(request, booking_id: int):
    """Cancel before it starts; the charge is refunded on the ledger."""
    booking = found(policy.visible_bookings(request.auth).select_related("equipment__centre", "enterprise"),
                    booking_id, _("No such booking."))
    return booking_row(bookings.cancel(request.auth, booking))


class PublicationOut(Schema):
    id: int
    centre: int
    service: int
    service_name: str
    title: str
    issued_on: date
    entitled: bool = Field(description="Whether the caller may download it (a current member, the centre's "
                                       "staff, the agency).")


class PublicationQuery(PageQuery):
    centre: int | None = None


class PublicationPage(Page):
    items: list[PublicationOut]


@router.get("/publications", response=answers(200, PublicationPage, 422))
def list_publications(request, filters: Query[PublicationQuery]):
    """Publications of the centres the caller sees, newest first, each with the caller's entitlement."""
    qs = (Publication.objects.filter(service__centre__in=policy.visible_centres(request.auth))
          .select_related("service__centre").order_by("-issued_on", "id"))
    if filters.centre:
        qs = qs.filter(service__centre_id=filters.centre)
    return page(qs, filters, lambda p: {
        "id": p.pk, "centre": p.service.centre_id, "service": p.service_id, "service_name": p.service.name,
        "title": p.title, "issued_on": p.issued_on, "entitled": policy.can_download(request.auth, p)})


@router.get("/publications/{publication_id}/file", response=answers(200, None, 403, 404))
def publication_file(request, publication_id: int):
    """The file, for an entitled caller only (the download is recorded); never a public URL."""
    found_one = found(Publication.objects.select_related("service__centre"), publication_id,
                      _("No such publication."))
    handle = usage.open_publication(request.auth, found_one)
    response = FileResponse(handle, as_attachment=True, filename=found_one.document.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    return response


class UsageOut(Schema):
    id: int
    centre: int
    service: int
    kind: str
    enterprise: int | None
    publication: int | None
    booking: int | None
    quantity: str
    charge: str
    at: datetime


class UsageQuery(PageQuery):
    centre: int | None = None
    kind: Literal["download", "booking", "use"] | None = None


class UsagePage(Page):
    items: list[UsageOut]


@router.get("/usage", response=answers(200, UsagePage, 422))
def list_usage(request, filters: Query[UsageQuery]):
    """Usage records: the agency all, a centre's staff its centre's, a firm's user its own firm's."""
    qs = policy.visible_usage(request.auth).order_by("-at", "-id")
    if filters.centre:
        qs = qs.filter(centre_id=filters.centre)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return page(qs, filters, lambda u: {
        "id": u.pk, "centre": u.centre_id, "service": u.service_id, "kind": u.kind, "enterprise": u.enterprise_id,
        "publication": u.publication_id, "booking": u.booking_id, "quantity": str(u.quantity),
        "charge": str(u.charge), "at": u.at})


class PostIn(InputSchema):
    enterprise: int
    kind: Literal["capacity", "need"]
    code: str = Field(description="Product or process; dotted codes: 'sewing.leather' is a kind of 'sewing'.")
    quantity: int = Field(ge=1, description="Per month.")
    unit: str = "units"
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None


class PostOut(Schema):
    id: int
    centre: int
    enterprise: int
    kind: str
    code: str
    description: str
    quantity: int
    unit: str
    posted_on: date
    closed_on: date | None


class PostQuery(PageQuery):
    centre: int | None = None
    kind: Literal["capacity", "need"] | None = None
    open: bool | None = Field(True, description="true (default): not withdrawn; false: withdrawn.")


class PostPage(Page):
    items: list[PostOut]


class MatchOut(Schema):
    offer: PostOut
    score: float = Field(description="0.5 x process + 0.3 x distance + 0.2 x capacity, 0 to 1.")
    km: float | None
    reasons: list[str]


def post_row(e: ExchangePost) -> dict:
    return {"id": e.pk, "centre": e.centre_id, "enterprise": e.enterprise_id, "kind": e.kind, "code": e.code,
            "description": e.description, "quantity": e.quantity, "unit": e.unit, "posted_on": e.posted_on,
            "closed_on": e.closed_on}


def _post(request, post_id: int) -> ExchangePost:
    return found(policy.visible_exchange(request.auth).select_related("centre", "enterprise"), post_id,
                 _("No such post."))


@router.get("/exchange", response=answers(200, PostPage, 422))
def list_exchange(request, filters: Query[PostQuery]):
    """Posts on the exchanges of the centres the caller sees."""
    qs = policy.visible_exchange(request.auth).order_by("-posted_on", "-id")
    if filters.centre:
        qs = qs.filter(centre_id=filters.centre)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.open is not None:
        qs = qs.filter(closed_on__isnull=filters.open)
    return page(qs, filters, post_row)


@router.post("/centres/{centre_id}/exchange", response=answers(201, PostOut, 403, 404, 422))
def post(request, centre_id: int, body: PostIn):
    """Post spare capacity or a need: a firm's user for its own firm, the centre's staff and agency
    editors for any."""
    centre = centre_of(request, centre_id)
    made = exchange.post(request.auth, centre, firm(body.enterprise), kind=body.kind, code=body.code,
                         quantity=body.quantity, unit=body.unit, description=body.description,
                         latitude=body.latitude, longitude=body.longitude)
    return Status(201, post_row(made))


@router.post("/exchange/{post_id}/withdraw", response=answers(200, PostOut, 403, 404))
def withdraw(request, post_id: int):
    return post_row(exchange.close(request.auth, _post(request, post_id)))


@router.get("/exchange/{post_id}/matches", response=answers(200, list[MatchOut], 404, 422))
def matches(request, post_id: int):
    """The open capacity that fits a need, best first, each with its reasons."""
    return [{"offer": post_row(m.offer), "score": m.score, "km": None if m.km is None else round(m.km, 1),
             "reasons": m.reasons} for m in exchange.matches_for(request.auth, _post(request, post_id))]
