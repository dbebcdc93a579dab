"""The Examples sections of the library's docstrings run as tests (numpydoc style, doctest syntax)."""

import doctest
import importlib

import pytest

pytestmark = pytest.mark.nodb

# Modules whose public functions carry an Examples section; add a module here when its examples are written.
DOCUMENTED = ["triplec.mapping.envelopes", "triplec.mapping.codes", "triplec.mapping.points", "triplec.mapping.kd",
              "triplec.mapping.screen", "triplec.mapping.locate", "triplec.mapping.regional.indices",
              "triplec.mapping.regional.concentration", "triplec.mapping.profile", "triplec.mapping.trajectories",
              "triplec.mapping.regional.rules", "triplec.mapping.sectors", "triplec.mapping.engines",
              "triplec.mapping.pipeline", "triplec.mapping.report", "triplec.mapping.regional.suppression",
              "triplec.mapping.regional.io", "triplec.mapping.regional.table",
              "triplec.mapping.footprints", "triplec.mapping.regional.indices"]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
