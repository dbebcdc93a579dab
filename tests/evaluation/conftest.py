"""Evaluation fixtures: the instruments' own fixtures (their plain records), reused here so that the
scorecards are tested on the records each instrument really writes."""

from tests.fairs.conftest import expo, signed_up  # noqa: F401
from tests.suppliers.conftest import shoes  # noqa: F401
