"""A computed figure's unit agrees with its count, in the reader's language ("1 associação", not "1 associações")."""

import pytest
from django.utils import translation

from triplec.diagnostics.services.indicators import unit_of

pytestmark = pytest.mark.nodb


def test_units_agree_with_the_count():
    with translation.override("pt-br"):
        assert unit_of("associations", 1, "associations") == "associação"
        assert unit_of("associations", 2, "associations") == "associações"
        assert unit_of("procurement_contracts", 1.0, "") == "contrato"
        assert unit_of("firms", None, "firms") == "empresas"
    with translation.override("es"):
        assert unit_of("employment", 1, "") == "empleado"
    with translation.override("en"):
        assert unit_of("networks", 0, "") == "networks"
        assert unit_of("sme_share", 66.7, "%") == "%"  # a unit that is not a count stays as given
