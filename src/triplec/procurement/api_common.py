"""The procurement API's router and what its endpoint modules share: looking objects up in the caller's
scope (`procurement.policy`), so that what the caller may not see answers 404 like what does not exist."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from triplec.core.errors import NotFound, ValidationFailed
from triplec.registry.models import Enterprise

from . import policy
from .models import Contract, ContractLine

router = Router(tags=["procurement"])


def _user(request: HttpRequest):
    return request.auth


def _contract(request, contract_id: int) -> Contract:
    contract = (policy.visible_contracts(_user(request)).filter(pk=contract_id)
                .select_related("programme__purchaser", "association").first())
    if contract is None:
        raise NotFound(_("No such contract."))
    return contract


def _line(contract: Contract, line_id: int) -> ContractLine:
    line = ContractLine.objects.filter(contract=contract, pk=line_id).select_related("product", "contract").first()
    if line is None:
        raise NotFound(_("No such line on this contract."))
    line.contract = contract
    return line


def _found(qs: QuerySet, pk: int, message: str):
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound(message)
    return found


def _lookup(qs: QuerySet, pk: int | None, field: str, message: str):
    """The object `pk` names in a payload's `field` (None when not given); one outside `qs` is a field error."""
    if pk is None:
        return None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed({field: [message]})
    return found


def _association(request, association_id: int):
    found = policy.visible_associations(_user(request)).filter(pk=association_id).first()
    if found is None:
        raise NotFound(_("No such association."))
    return found


def _member(contract: Contract, pk: int | None, field: str) -> Enterprise | None:
    """An enterprise that is or was a member of the contract's association (the services check the
    dates); anything else is the same field error, whether it exists or not."""
    return _lookup(Enterprise.objects.filter(memberships__association_id=contract.association_id), pk, field,
                   _("No such member of the association."))

