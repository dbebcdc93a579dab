"""One code-list module for both halves: the register's code-list form and the library's compact NAF form."""

import pytest

from triplec.mapping import codes, sectors
from triplec.mapping import codes as codelists

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(("written", "listed", "compact"), [
    ("25.11Z", "25.11", "2511Z"),
    ("2511z", "25.11", "2511Z"),
    (" 25.11 ", "25.11", "2511"),
    ("25.1", "25.1", "251"),
    ("C", "C", "C"),
])
def test_one_naf_code_has_both_forms_named(written, listed, compact):
    assert codes.normalise_code("nace2", written) == listed
    assert codes.normalise_naf(written) == compact


def test_register_and_library_use_the_same_functions():
    assert codelists.normalise_code is codes.normalise_code
    assert codelists.label is codes.label
    assert sectors.normalise_naf is codes.normalise_naf
    assert sectors.SectorCodeError is codes.SectorCodeError
    assert sectors.NAICS_SECTOR_RANGES is codes.NAICS_SECTOR_RANGES


def test_the_code_lists_ship_with_the_library():
    assert codes.load_codelist("nace2").set_index("code").loc["25.11", "parent"] == "25.1"
    assert codes.label("naics2017", "33") == codes.label("naics2017", "31-33")
