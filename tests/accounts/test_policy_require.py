"""policy.require: a refused check raises the domain error with the check's one message, in the
language of the request (the msgid is the one the catalogues already translate)."""

import pytest
from django.utils import translation

from triplec.accounts.policy import require
from triplec.core.errors import PermissionDenied
from triplec.networks import policy as network_policy
from triplec.networks.models import Network
from triplec.registry import policy as registry_policy

pytestmark = pytest.mark.django_db


def test_require_passes_when_the_check_allows(world):
    assert require(registry_policy.can_create_enterprise, world.users["programme-officer"]) is None


def test_require_raises_the_checks_message(world):
    with pytest.raises(PermissionDenied) as refused:
        require(registry_policy.can_create_enterprise, world.users["evaluator"])
    assert str(refused.value) == "You may not add enterprises to the register."


def test_the_message_is_translated(world):
    network = Network(name="n", broker=None)
    with translation.override("pt-br"), pytest.raises(PermissionDenied) as refused:
        require(network_policy.can_manage_network_members, world.users["evaluator"], network)
    assert str(refused.value) != "You may not change this network's members."
    assert "rede" in str(refused.value)


def test_every_checked_refusal_has_a_message():
    from triplec.clusters import policy as cluster_policy

    for module in (registry_policy, network_policy, cluster_policy):
        refusals = {name: getattr(module, name).refusal for name in dir(module)
                    if name.startswith("can_") and hasattr(getattr(module, name), "refusal")}
        assert refusals, module
        assert all(str(message).strip() for message in refusals.values())
