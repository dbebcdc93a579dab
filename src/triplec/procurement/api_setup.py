"""The procurement API's set-up: programmes and their products, awards of contracts (agency staff), and
an association's rules and its members' declared capacities (its manager or agency staff). See `api`
for the conventions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Status

from triplec.accounts.policy import require
from triplec.core.api_schemas import answers
from triplec.registry.models import Enterprise, Organisation, Territory

from . import policy
from .api_common import _association, _found, _lookup, _user, router
from .api_contracts import _programmes, _row
from .models import ProductLine
from .schemas import ContractOut, ProductOut, ProgrammeOut
from .schemas_setup import (
    CapacityCreate,
    CapacityOut,
    ContractCreate,
    ProductCreate,
    ProgrammeCreate,
    RulesIn,
    RulesOut,
)
from .services import programmes


@router.post("/programmes", response=answers(201, ProgrammeOut, 401, 403, 422), summary="Set up a programme")
def create_programme(request, payload: ProgrammeCreate):
    """A public purchaser's programme (agency staff)."""
    user = _user(request)
    require(policy.can_manage_programmes, user)
    data = payload.model_dump()
    purchaser = _lookup(Organisation.objects.all(), data.pop("purchaser_id"), "purchaser_id",
                        _("No such organisation."))
    territory = _lookup(Territory.objects.all(), data.pop("territory_id"), "territory_id", _("No such territory."))
    programme = programmes.create_programme(user, purchaser=purchaser, territory=territory, **data)
    return Status(201, _programmes(user).get(pk=programme.pk))


@router.post("/programmes/{programme_id}/products", response=answers(201, ProductOut, 401, 403, 404, 422),
             summary="Add a product line")
def add_product(request, programme_id: int, payload: ProductCreate):
    user = _user(request)
    programme = _found(_programmes(user), programme_id, _("No such programme."))
    return Status(201, programmes.add_product(user, programme, **payload.model_dump()))


@router.post("/contracts", response=answers(201, ContractOut, 401, 403, 422), summary="Award a contract")
def award_contract(request, payload: ContractCreate):
    """An order of the programme's purchaser to a producers' association, with its lines (agency staff).
    An award to anything but a producers' association is refused, saying why."""
    user = _user(request)
    require(policy.can_manage_programmes, user)
    programme = _lookup(_programmes(user), payload.programme_id, "programme_id", _("No such programme."))
    association = _lookup(Organisation.objects.all(), payload.association_id, "association_id",
                          _("No such organisation."))
    lines = []
    for i, line in enumerate(payload.lines):
        row = line.model_dump()
        row["product"] = _lookup(ProductLine.objects.filter(programme=programme), row.pop("product_id"),
                                 f"lines.{i}.product_id", _("No such product."))
        lines.append(row)
    contract = programmes.award_contract(user, programme, association=association, reference=payload.reference,
                                         lines=lines, awarded_on=payload.awarded_on)
    return Status(201, _row(contract))


@router.get("/associations/{association_id}/rules", response=answers(200, RulesOut, 401, 404),
            summary="The association's procurement rules")
def get_rules(request, association_id: int):
    """Its fee on payments to members and who pays warranty repairs (the defaults if never set)."""
    rules = programmes.rules_of(_association(request, association_id))
    return {"association_id": association_id, "fee_share": rules.fee_share,
            "warranty_cost_rule": rules.warranty_cost_rule}


@router.put("/associations/{association_id}/rules", response=answers(200, RulesOut, 401, 403, 404, 422),
            summary="Set the association's procurement rules")
def set_rules(request, association_id: int, payload: RulesIn):
    association = _association(request, association_id)
    rules = programmes.set_rules(_user(request), association, **payload.model_dump())
    return {"association_id": association.pk, "fee_share": rules.fee_share,
            "warranty_cost_rule": rules.warranty_cost_rule}


@router.post("/associations/{association_id}/capacities", response=answers(201, CapacityOut, 401, 403, 404, 422),
             summary="Declare a member's capacity")
def declare_capacity(request, association_id: int, payload: CapacityCreate):
    """Units per order a current member can make of a product: what the allocation proposal starts from
    (the association's manager or agency staff)."""
    user = _user(request)
    association = _association(request, association_id)
    require(policy.can_manage_association, user, association)
    member = _lookup(Enterprise.objects.filter(memberships__association=association).distinct(), payload.member_id, "member_id", _("No such member of the association."))
    product = _lookup(ProductLine.objects.filter(programme__in=_programmes(user)), payload.product_id, "product_id",
                      _("No such product."))
    capacity = programmes.declare_capacity(user, association, member, product, payload.units, on=payload.on)
    return Status(201, capacity)
