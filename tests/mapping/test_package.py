"""The public names of `triplec.mapping` resolve, and importing the command line stays light."""

import subprocess
import sys

import pytest

import triplec.mapping

pytestmark = pytest.mark.nodb


def test_every_public_name_resolves():
    for name in triplec.mapping.__all__:
        assert getattr(triplec.mapping, name) is not None, name
    assert set(triplec.mapping.__all__) <= set(dir(triplec.mapping))


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        triplec.mapping.no_such_thing  # noqa: B018


def test_command_line_import_does_not_load_the_numeric_stack():
    code = "import sys, triplec.cli; print(sorted(m for m in ('numba', 'pandas', 'scipy', 'shapely') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
