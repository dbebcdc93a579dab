"""Evaluation fixtures: the instruments' own fixtures (their plain records), reused here so that the
scorecards are tested on the records each instrument really writes."""

from tests.fairs.conftest import expo, signed_up  # noqa: F401
from tests.networks.conftest import nets  # noqa: F401,E402
from tests.procurement.conftest import desks, two_contracts  # noqa: F401,E402
from tests.suppliers.conftest import shoes  # noqa: F401
