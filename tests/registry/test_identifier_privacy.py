"""An association manager adding a firm whose identifier belongs to a firm outside their association
learns nothing about that firm (issue 8, item 7): import, form and API give one neutral sentence, with
neither the firm's name, its association, nor "already in the register"."""

from __future__ import annotations

import csv
import io

import pytest

from triplec.core.errors import ValidationFailed
from triplec.registry import services
from triplec.registry.importing import validate_import
from triplec.registry.models import Enterprise

NEUTRAL = ("the identifier BR/{id} cannot be added by you; if this firm belongs to your association, ask the agency "
           "to add it")
FIRM = {"legal_name": "Nova Serraria", "country": "BR", "sector_classification": "isic4", "sector_code": "1610"}


def _csv(national_id: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["legal_name", "country", "national_id", "sector_classification", "sector_code"])
    writer.writerow(["Nova Serraria", "BR", national_id, "isic4", "1610"])
    return buffer.getvalue().encode()


def _leaks(text: str, world) -> bool:
    outsider = world.ent_b1
    return any(word in text for word in (outsider.legal_name, "Gama", world.assoc_b.name, "already", "member of",
                                         "register", "permission"))


@pytest.mark.parametrize("written", ["33333333000191", "33.333.333/0001-91"])
def test_import_row_for_a_firm_outside_the_association_says_nothing_about_it(world, written):
    manager = world.users["association-manager"]
    before = Enterprise.objects.get(pk=world.ent_b1.pk)
    preview = validate_import(manager, _csv(written))
    assert [(e.row, e.field) for e in preview.errors] == [(2, "national_id")]
    reason = preview.errors[0].reason
    assert reason == NEUTRAL.format(id="33.333.333/0001-91")
    assert not _leaks(reason, world)
    assert Enterprise.objects.get(pk=before.pk).legal_name == before.legal_name  # nothing updated


def test_form_and_api_create_by_the_manager_give_the_same_neutral_message(world, client_for):
    manager = world.users["association-manager"]
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise(manager, {**FIRM, "national_id": "33.333.333/0001-91"})
    assert exc.value.errors == {"national_id": [NEUTRAL.format(id="33.333.333/0001-91")]}
    response = client_for(manager).post("/api/v1/enterprises", {**FIRM, "national_id": "33333333000191"},
                                        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"]["national_id"] == [NEUTRAL.format(id="33.333.333/0001-91")]
    assert not _leaks(response.content.decode(), world)


def test_a_member_of_the_managers_own_association_is_updated_and_others_still_see_the_clash(world):
    manager = world.users["association-manager"]
    preview = validate_import(manager, _csv(world.ent_a1.national_id))  # a current member: an update
    assert preview.errors == [] and preview.update == 1
    with pytest.raises(ValidationFailed) as exc:  # the agency sees the whole register: told plainly
        services.create_enterprise(world.users["programme-officer"], {**FIRM, "national_id": "33.333.333/0001-91"})
    assert "already has the identifier 33.333.333/0001-91" in exc.value.errors["national_id"][0]
