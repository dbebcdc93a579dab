"""Kinds of network: an agency defines and redefines its own, each with its lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed

from .. import lifecycle, policy
from ..models import FundingSchedule, NetworkKind

KIND_SPEC_FIELDS = ("code", "name", "description", "size_min", "size_max", "funding", "evaluation_interval_months",
                    "stages", "gates")


def _validate_kind_spec(spec: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name in sorted(set(spec) - set(KIND_SPEC_FIELDS)):
        errors[name] = [_("Unknown field.")]
    if not str(spec.get("name", "")).strip():
        errors["name"] = [_("A kind needs a name.")]
    if not lifecycle._SLUG.match(str(spec.get("code", ""))):
        errors["code"] = [_("Give a code of lower-case letters, digits and dashes.")]
    lo, hi = spec.get("size_min"), spec.get("size_max")
    if lo is not None and hi is not None and hi < lo:
        errors["size_max"] = [_("The usual maximum is below the minimum.")]
    if spec.get("funding") and not FundingSchedule.objects.filter(code=spec["funding"]).exists():
        errors["funding"] = [_("No funding schedule %(funding)r.") % {"funding": spec['funding']}]
    interval = spec.get("evaluation_interval_months", 6)
    if not isinstance(interval, int) or interval < 1:
        errors["evaluation_interval_months"] = [_("Give a whole number of months, at least 1.")]
    errors.update(lifecycle.validate_definition(spec))
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def define_kind(actor, spec: Mapping[str, Any]) -> NetworkKind:
    """An agency-defined kind of network with its lifecycle (shape: see `lifecycle`)."""
    require(policy.can_define_network_kinds, actor)
    _validate_kind_spec(spec)
    if NetworkKind.objects.filter(code=spec["code"]).exists():
        raise ValidationFailed({"code": [_("A kind %(code)r already exists.") % {"code": spec['code']}]})
    return lifecycle.install_kind({**spec, "lifecycle": spec["code"]}, spec, shipped=False)


@transaction.atomic
def redefine_kind(actor, kind: NetworkKind, spec: Mapping[str, Any]) -> NetworkKind:
    """Change an agency-defined kind. While networks of the kind exist the stages must stay the same
    (codes, order, closed); names, gates' roles and requirements may change."""
    require(policy.can_define_network_kinds, actor)
    if kind.shipped:
        raise ValidationFailed({"code": [_("Shipped kinds are not redefined; define a kind of your own.")]})
    spec = {**spec, "code": kind.code}
    _validate_kind_spec(spec)
    kind = NetworkKind.objects.select_for_update().get(pk=kind.pk)
    if kind.networks.exists():
        old = [(s.code, s.is_closed) for s in kind.stages.order_by("order")]
        new = [(s["code"], bool(s.get("closed"))) for s in spec["stages"]]
        if old != new:
            raise ValidationFailed({"stages": [_("Networks of this kind exist: its stages cannot change.")]})
        for gate in kind.gates.all():
            for requirement in gate.requirements.all():
                wanted = next((g for g in spec["gates"] if g["from"] == gate.from_stage.code), {})
                if requirement.code not in {r["code"] for r in wanted.get("requirements", [])}:
                    if requirement.evidence.exists():
                        raise ValidationFailed({"gates": [
                            _("Requirement %(code)r has evidence and cannot be removed.") % {
                                "code": requirement.code}]})
                    requirement.delete()
    else:
        kind.gates.all().delete()
        kind.stages.all().delete()
    return lifecycle.install_kind({**spec, "lifecycle": kind.lifecycle or kind.code}, spec, shipped=False)


def get_kind(code: str) -> NetworkKind:
    kind = NetworkKind.objects.filter(code=code, active=True).first()
    if kind is None:
        codes = ", ".join(NetworkKind.objects.filter(active=True).values_list("code", flat=True))
        raise ValidationFailed({"kind": [_("No kind of network %(code)r; use one of %(choices)s.") % {
            "code": code, "choices": codes}]})
    return kind
