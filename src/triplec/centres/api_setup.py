"""Setting up and running a centre over the API: its detail (catalogue and fees), catalogue items,
fees by firm size, memberships, paid uses, public funds and the finance by source per year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Schema, Status

from triplec.accounts.policy import require
from triplec.core.api_schemas import InputSchema
from triplec.registry.models import SizeClass

from . import policy
from .api_common import (
    Page,
    PageQuery,
    answers,
    centre_of,
    firm,
    item_of,
    organisation,
    page,
    router,
    service_of,
)
from .models import Service, ServiceKind, Subscription
from .services import catalogue, membership, money, usage
from .services.common import cents

KindCode = Literal[tuple(ServiceKind.values)]
SizeCode = Literal[tuple(SizeClass.values)]


class ServiceOut(Schema):
    id: int
    centre: int
    code: str
    name: str
    kind: str
    kind_label: str
    description: str
    member_price: str = Field(description="Per hour for equipment, per use otherwise.")
    non_member_price: str | None = Field(description="None: for members only.")
    offered: bool


class FeeOut(Schema):
    size_class: str
    yearly_fee: str


class CentreDetailOut(Schema):
    id: int
    name: str
    scope: str
    function: str
    sector_code: str
    currency: str
    catalogue: list[ServiceOut]
    fees: list[FeeOut]


class ServiceIn(InputSchema):
    code: str
    name: str
    kind: KindCode
    member_price: Decimal
    non_member_price: Decimal | None = None
    description: str = ""


class OfferedIn(InputSchema):
    offered: bool


class FeeIn(InputSchema):
    yearly_fee: Decimal


class SubscriptionOut(Schema):
    id: int
    centre: int
    enterprise: int
    starts_on: date
    ends_on: date
    size_class: str
    fee: str
    status: str = Field(description="current, coming or lapsed (today).")


class SubscriptionIn(InputSchema):
    enterprise: int
    starts_on: date | None = Field(None, description="Empty: today (a renewal: the day after the last one ends).")
    renew: bool = False


class SubscriptionQuery(PageQuery):
    centre: int | None = None
    status: Literal["current", "coming", "lapsed"] | None = None


class SubscriptionPage(Page):
    items: list[SubscriptionOut]


class UseIn(InputSchema):
    service: int
    enterprise: int
    quantity: Decimal = Decimal(1)
    on: date | None = None
    key: str | None = Field(None, max_length=80, description="The same key records the use once.")


class UseOut(Schema):
    id: int
    service: int
    enterprise: int
    quantity: str
    charge: str


class FundsIn(InputSchema):
    funder: int = Field(description="The funding organisation's register id.")
    amount: Decimal
    reference: str
    received_on: date | None = None


class FundsOut(Schema):
    transaction: int
    amount: str


class YearOut(Schema):
    year: int
    public: str
    subscriptions: str
    fees: str
    total: str
    public_share: str | None


def service_row(s: Service) -> dict:
    return {"id": s.pk, "centre": s.centre_id, "code": s.code, "name": s.name, "kind": s.kind,
            "kind_label": str(s.get_kind_display()), "description": s.description, "member_price": str(cents(s.member_price)),
            "non_member_price": None if s.non_member_price is None else str(cents(s.non_member_price)), "offered": s.active}


def subscription_row(s: Subscription) -> dict:
    return {"id": s.pk, "centre": s.centre_id, "enterprise": s.enterprise_id, "starts_on": s.starts_on,
            "ends_on": s.ends_on, "size_class": s.size_class, "fee": str(s.fee), "status": membership.status(s)}


@router.get("/centres/{centre_id}", response=answers(200, CentreDetailOut, 404))
def centre_detail(request, centre_id: int):
    """A centre's catalogue (what it offers now; all of it for who runs the centre) and yearly fees."""
    centre = centre_of(request, centre_id)
    items = centre.catalogue.all() if policy.can_run_centre(request.auth, centre) else centre.catalogue.filter(
        active=True)
    return {"id": centre.pk, "name": centre.name, "scope": centre.scope, "function": centre.function,
            "sector_code": centre.sector_code, "currency": centre.currency,
            "catalogue": [service_row(s) for s in items],
            "fees": [{"size_class": f.size_class, "yearly_fee": str(f.yearly_fee)} for f in centre.fees.all()]}


@router.post("/centres/{centre_id}/catalogue", response=answers(201, ServiceOut, 403, 404, 422))
def add_service(request, centre_id: int, body: ServiceIn):
    """Add a service or a piece of equipment to the catalogue (the centre's staff, agency editors)."""
    centre = centre_of(request, centre_id)
    made = catalogue.add_service(request.auth, centre, code=body.code, name=body.name, kind=body.kind,
                                 member_price=body.member_price, non_member_price=body.non_member_price,
                                 description=body.description)
    return Status(201, service_row(made))


@router.put("/catalogue/{service_id}/offered", response=answers(200, ServiceOut, 403, 404, 422))
def set_offered(request, service_id: int, body: OfferedIn):
    """Withdraw a service from the catalogue (false) or offer it again (true)."""
    return service_row(catalogue.set_offered(request.auth, service_of(request, service_id), body.offered))


@router.put("/centres/{centre_id}/fees/{size_class}", response=answers(200, FeeOut, 403, 404, 422))
def set_fee(request, centre_id: int, size_class: SizeCode, body: FeeIn):
    """The yearly fee for firms of a size class (from now on; memberships keep the fee they paid)."""
    fee = catalogue.set_fee(request.auth, centre_of(request, centre_id), size_class, body.yearly_fee)
    return {"size_class": fee.size_class, "yearly_fee": str(cents(fee.yearly_fee))}


@router.get("/subscriptions", response=answers(200, SubscriptionPage, 422))
def list_subscriptions(request, filters: Query[SubscriptionQuery]):
    """Memberships the caller sees: the agency all, a centre's staff its centre's, a firm's user its own."""
    qs = policy.visible_subscriptions(request.auth).order_by("-starts_on", "id")
    if filters.centre:
        qs = qs.filter(centre_id=filters.centre)
    today = membership.today()
    if filters.status == "current":
        qs = qs.filter(Subscription.current_q(today))
    elif filters.status == "coming":
        qs = qs.filter(starts_on__gt=today)
    elif filters.status == "lapsed":
        qs = qs.filter(ends_on__lt=today)
    return page(qs, filters, subscription_row)


@router.post("/centres/{centre_id}/subscriptions", response=answers(201, SubscriptionOut, 403, 404, 422))
def subscribe(request, centre_id: int, body: SubscriptionIn):
    """A firm joins for a year at its size's fee (on the ledger), or renews (`renew`): a firm's user for
    its own firm, the centre's staff and agency editors for any."""
    centre, enterprise = centre_of(request, centre_id), firm(body.enterprise)
    done = (membership.renew(request.auth, centre, enterprise, on=body.starts_on) if body.renew
            else membership.subscribe(request.auth, centre, enterprise, starts_on=body.starts_on))
    return Status(201, subscription_row(done))


@router.post("/centres/{centre_id}/uses", response=answers(201, UseOut, 403, 404, 422))
def record_use(request, centre_id: int, body: UseIn):
    """A paid use of a service (not equipment: it is booked), charged at the member's or other price."""
    centre = centre_of(request, centre_id)
    done = usage.record_use(request.auth, item_of(centre, body.service, "service"), firm(body.enterprise),
                            quantity=body.quantity, on=body.on, key=body.key)
    return Status(201, {"id": done.pk, "service": done.service_id, "enterprise": done.enterprise_id,
                        "quantity": str(done.quantity), "charge": str(done.charge)})


@router.post("/centres/{centre_id}/public-funds", response=answers(201, FundsOut, 403, 404, 422))
def public_funds(request, centre_id: int, body: FundsIn):
    """Public funds the centre received (agency editors), once per grant reference."""
    centre = centre_of(request, centre_id)
    require(policy.can_manage_centres, request.auth)
    posted = money.record_public_funds(request.auth, centre, organisation(body.funder, "funder"), body.amount, body.reference, on=body.received_on)
    return Status(201, {"transaction": posted.pk, "amount": str(cents(Decimal(body.amount)))})


@router.get("/centres/{centre_id}/finance", response=answers(200, list[YearOut], 403, 404))
def finance(request, centre_id: int):
    """Income by source per year from the ledger, with the public share (the agency and the centre's staff)."""
    centre = centre_of(request, centre_id)
    require(policy.sees_centre_books, request.auth, centre)
    return [{"year": y.year, "public": str(cents(y.public)), "subscriptions": str(cents(y.subscriptions)),
             "fees": str(cents(y.fees)), "total": str(cents(y.total)),
             "public_share": None if y.public_share is None else str(round(y.public_share, 4))}
            for y in money.finance_by_year(centre)]
