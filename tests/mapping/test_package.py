"""The public names of the Django-free libraries resolve on first use, and importing the command line
stays light."""

import importlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.nodb

LIBRARIES = ("triplec.mapping", "triplec.impact")


@pytest.mark.parametrize("name", LIBRARIES)
def test_every_public_name_resolves(name):
    library = importlib.import_module(name)
    for public in library.__all__:
        assert getattr(library, public) is not None, public
    assert set(library.__all__) <= set(dir(library))


@pytest.mark.parametrize("name", LIBRARIES)
def test_unknown_name_is_an_attribute_error(name):
    library = importlib.import_module(name)
    with pytest.raises(AttributeError, match=f"'{name}' has no attribute 'no_such_thing'"):
        library.no_such_thing  # noqa: B018


def test_importing_the_libraries_loads_no_numeric_stack():
    code = ("import sys, triplec.cli, triplec.mapping, triplec.impact; "
            "print(sorted(m for m in ('numba', 'pandas', 'scipy', 'shapely') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
