"""The fairs API's details and writes, for what the pages do: fairs created and edited, firms signed
up, costs paid and a wrong payment reversed, a participation cancelled, buyers met, orders traced to
the fair, follow-ups done. Every rule and permission is the services' (and so `fairs.policy`'s): a
caller who may not see the object gets 404, one who sees it but may not act 403, invalid input 422."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from triplec.accounts.policy import require
from triplec.core.errors import NotFound, ValidationFailed
from triplec.registry.models import Enterprise, Organisation
from triplec.registry.schemas import ERRORS

from . import policy
from .api import FairOut, ParticipationOut, _fair_row, _participation_row, router
from .models import GroupStand, Programme
from .services import links, money, programmes
from .services.programmes import FAIR_FIELDS

WRITE_ERRORS = (401, 403, 404, 422)


def _responses(*ok) -> dict:
    return {**{code: schema for code, schema in ok}, **{code: ERRORS[code] for code in WRITE_ERRORS}}


def _fair(request, fair_id: int):
    fair = policy.visible_fairs(request.auth).filter(pk=fair_id).select_related("programme").first()
    if fair is None:
        raise NotFound(_("No such fair."))
    return fair


def _participation(request, pk: int):
    p = (policy.visible_participations(request.auth).filter(pk=pk)
         .select_related("fair__programme", "enterprise", "stand__association", "stand__network").first())
    if p is None:
        raise NotFound(_("No such participation."))
    return p


class FairIn(Schema):
    programme_id: int
    name: str
    organiser: str
    place: str
    country: str = Field(description="ISO 3166-1 alpha-2.")
    starts_on: date
    ends_on: date
    sectors: str = ""
    scope: str = Field("national", description="national or international.")
    distant: bool = Field(False, description="Used where the distance cannot be computed from coordinates.")
    latitude: float | None = None
    longitude: float | None = None


class FairChange(Schema):
    """Only the fields sent change."""

    name: str | None = None
    organiser: str | None = None
    place: str | None = None
    country: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    sectors: str | None = None
    scope: str | None = None
    distant: bool | None = None
    latitude: float | None = None
    longitude: float | None = None


class SignUpIn(Schema):
    fair_id: int
    enterprise_id: int
    stand_id: int | None = Field(None, description="The group stand; null for the firm alone.")
    cost: Decimal | None = Field(None, description="The exhibition cost of a firm alone.")
    area_m2: Decimal | None = Field(None, description="The firm's area at a stand shared by area.")
    agreed_share: Decimal | None = Field(None, description="The firm's share (0-1) at a stand shared by agreed shares.")
    subsidy_requested: bool = True


class PaymentIn(Schema):
    round_no: int | None = Field(None, description="Reversed payments so far (from the participation): a request "
                                                   "sent again after a reversal then pays nothing.")


class ReversalIn(Schema):
    reason: str
    transaction_id: int = Field(description="The payment meant: sent again once reversed, it answers that reversal.")


class ReversalOut(Schema):
    id: int
    participation: int
    original: int
    reversal: int
    reason: str
    reversed_on: date


class CancelIn(Schema):
    reason: str


class ContactIn(Schema):
    buyer_id: int | None = Field(None, description="A buyer or agent organisation in the register.")
    person: str = ""
    company: str = ""
    country: str = Field("", description="ISO 3166-1 alpha-2; the buyer's own when empty.")
    is_agent: bool = False
    note: str = ""


class ContactOut(Schema):
    id: int
    participation: int
    buyer: int | None
    name: str
    country: str
    is_agent: bool


class OrderIn(Schema):
    contact_id: int
    value: Decimal
    currency: str
    ordered_on: date
    note: str = ""


class OrderOut(Schema):
    id: int
    participation: int
    contact: int
    value: Decimal
    currency: str
    ordered_on: date


class FollowUpIn(Schema):
    note: str = ""


class FollowUpOut(Schema):
    id: int
    participation: int
    months: int
    due_on: date
    done_on: date | None
    note: str


class PaymentLine(Schema):
    transaction: int
    effective_on: date
    subsidy: Decimal
    paid_by_firm: Decimal
    reversal_of: int | None
    reason: str


class ParticipationDetail(ParticipationOut):
    contacts: list[ContactOut]
    order_list: list[OrderOut]
    follow_ups: list[FollowUpOut]
    payments: list[PaymentLine] = Field(description="Every payment and reversal on the ledger, in order.")
    payment_round: int


def _contact_row(c) -> dict:
    return {"id": c.pk, "participation": c.participation_id, "buyer": c.buyer_id, "name": str(c),
            "country": c.country, "is_agent": c.is_agent}


def _order_row(o) -> dict:
    return {"id": o.pk, "participation": o.participation_id, "contact": o.contact_id, "value": o.value,
            "currency": o.currency, "ordered_on": o.ordered_on}


def _follow_up_row(f) -> dict:
    return {"id": f.pk, "participation": f.participation_id, "months": f.months, "due_on": f.due_on,
            "done_on": f.done_on, "note": f.note}


def _detail(p) -> dict:
    return {**_participation_row(p),
            "contacts": [_contact_row(c) for c in p.contacts.select_related("buyer")],
            "order_list": [_order_row(o) for o in p.orders.all()],
            "follow_ups": [_follow_up_row(f) for f in p.follow_ups.order_by("months")],
            "payments": [{"transaction": line.transaction_id, "effective_on": line.effective_on,
                          "subsidy": line.subsidy, "paid_by_firm": line.own, "reversal_of": line.reversal_of,
                          "reason": line.reason} for line in money.money_lines(p)],
            "payment_round": money.payment_round(p)}


@router.post("/fairs", response=_responses((201, FairOut)))
def create_fair(request, payload: FairIn):
    """A fair of a programme (agency editors)."""
    require(policy.can_manage_programmes, request.auth)  # before saying whether the programme exists
    programme = Programme.objects.filter(pk=payload.programme_id).first()
    if programme is None:
        raise ValidationFailed({"programme_id": [_("No such programme.")]})
    fair = programmes.add_fair(request.auth, programme, **payload.model_dump(exclude={"programme_id"}))
    return Status(201, _fair_row(fair))


@router.get("/fairs/{fair_id}", response=_responses((200, FairOut)))
def get_fair(request, fair_id: int):
    return _fair_row(_fair(request, fair_id))


@router.patch("/fairs/{fair_id}", response=_responses((200, FairOut)))
def update_fair(request, fair_id: int, payload: FairChange):
    """Change a fair (agency editors); only the fields sent change."""
    fair = _fair(request, fair_id)
    sent = payload.model_dump(exclude_unset=True)
    return _fair_row(programmes.update_fair(request.auth, fair, **{k: v for k, v in sent.items() if k in FAIR_FIELDS}))


@router.post("/participations", response=_responses((201, ParticipationDetail)))
def sign_up(request, payload: SignUpIn):
    """Sign a firm up at a fair, alone or at a group stand (the agency; a firm itself; an association's
    manager its members at its stand)."""
    fair = _fair(request, payload.fair_id)
    enterprise = Enterprise.objects.filter(pk=payload.enterprise_id).first()
    if enterprise is None:
        raise ValidationFailed({"enterprise_id": [_("No such firm in the register.")]})
    stand = None
    if payload.stand_id is not None:
        stand = GroupStand.objects.filter(fair=fair, pk=payload.stand_id).select_related("association", "network").first()
        if stand is None:
            raise ValidationFailed({"stand_id": [_("No such group stand at this fair.")]})
    p = programmes.sign_up(request.auth, fair, enterprise, stand=stand, cost=payload.cost, area_m2=payload.area_m2,
                           agreed_share=payload.agreed_share, subsidy_requested=payload.subsidy_requested)
    return Status(201, _detail(_participation(request, p.pk)))


@router.get("/participations/{participation_id}", response=_responses((200, ParticipationDetail)))
def get_participation(request, participation_id: int):
    """One participation with its buyers, orders, follow-ups and every payment and reversal."""
    return _detail(_participation(request, participation_id))


@router.post("/participations/{participation_id}/payment",
             response=_responses((201, ParticipationDetail), (200, ParticipationDetail)))
def pay(request, participation_id: int, payload: PaymentIn):
    """Pay the costs (agency editors): 201 when paid now, 200 when nothing was left to pay."""
    p = _participation(request, participation_id)
    before = p.transaction_id
    p = money.pay_costs(request.auth, p, round_no=payload.round_no)
    return Status(201 if p.transaction_id and p.transaction_id != before else 200, _detail(_participation(request, p.pk)))


@router.post("/participations/{participation_id}/payment/reversal",
             response=_responses((201, ReversalOut), (200, ReversalOut)))
def reverse_payment(request, participation_id: int, payload: ReversalIn):
    """Reverse a wrong payment on the ledger (agency editors): 201, or 200 when it was reversed already."""
    p = _participation(request, participation_id)
    before = p.transaction_id
    r = money.reverse_payment(request.auth, p, reason=payload.reason, transaction_id=payload.transaction_id)
    row = {"id": r.pk, "participation": r.participation_id, "original": r.original_id, "reversal": r.reversal_id,
           "reason": r.reason, "reversed_on": r.reversed_on}
    return Status(201 if before == payload.transaction_id else 200, row)


@router.post("/participations/{participation_id}/cancellation", response=_responses((200, ParticipationDetail)))
def cancel(request, participation_id: int, payload: CancelIn):
    p = programmes.cancel(request.auth, _participation(request, participation_id), reason=payload.reason)
    return _detail(_participation(request, p.pk))


@router.post("/participations/{participation_id}/contacts", response=_responses((201, ContactOut)))
def add_contact(request, participation_id: int, payload: ContactIn):
    """A buyer or agent met at the fair (the firm, its stand's association manager, agency editors)."""
    p = _participation(request, participation_id)
    buyer = None
    if payload.buyer_id is not None:
        buyer = Organisation.objects.filter(pk=payload.buyer_id).first()
        if buyer is None:
            raise ValidationFailed({"buyer_id": [_("No such organisation in the register.")]})
    c = links.record_contact(request.auth, p, buyer=buyer, **payload.model_dump(exclude={"buyer_id"}))
    return Status(201, _contact_row(c))


@router.post("/participations/{participation_id}/orders", response=_responses((201, OrderOut)))
def add_order(request, participation_id: int, payload: OrderIn):
    p = _participation(request, participation_id)
    contact = p.contacts.filter(pk=payload.contact_id).first()
    if contact is None:
        raise ValidationFailed({"contact_id": [_("No such buyer met at this participation.")]})
    contact.participation = p
    order = links.record_order(request.auth, contact, **payload.model_dump(exclude={"contact_id"}))
    return Status(201, _order_row(order))


@router.post("/participations/{participation_id}/follow-ups/{follow_up_id}/done",
             response=_responses((200, FollowUpOut)))
def follow_up_done(request, participation_id: int, follow_up_id: int, payload: FollowUpIn):
    p = _participation(request, participation_id)
    follow_up = p.follow_ups.filter(pk=follow_up_id).first()
    if follow_up is None:
        raise NotFound(_("No such follow-up."))
    follow_up.participation = p
    return _follow_up_row(links.complete_follow_up(request.auth, follow_up, note=payload.note))

