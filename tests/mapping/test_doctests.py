"""The Examples sections of the library's docstrings run as tests (numpydoc style, doctest syntax)."""

import doctest
import importlib
import inspect

import pytest

pytestmark = pytest.mark.nodb

# Modules whose public functions carry an Examples section; add a module here when its examples are written.
DOCUMENTED = ["triplec.mapping.envelopes", "triplec.mapping.codes", "triplec.mapping.points", "triplec.mapping.kd",
              "triplec.mapping.screen", "triplec.mapping.locate", "triplec.mapping.regional.indices",
              "triplec.mapping.regional.concentration", "triplec.mapping.profile", "triplec.mapping.trajectories",
              "triplec.mapping.regional.rules", "triplec.mapping.sectors", "triplec.mapping.engines",
              "triplec.mapping.pipeline", "triplec.mapping.report", "triplec.mapping.regional.suppression",
              "triplec.mapping.regional.io", "triplec.mapping.regional.table",
              "triplec.mapping.footprints", "triplec.mapping.regional.series", "triplec.mapping.mstat",
              "triplec.mapping.screen_m", "triplec.mapping.mtest"]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0


def _public_functions(package: str) -> list:
    module = importlib.import_module(package)
    return [getattr(module, name) for name in module.__all__ if inspect.isfunction(getattr(module, name))]


def test_every_public_function_is_documented_and_its_examples_run():
    """Every function of ``triplec.mapping.__all__`` has numpydoc Parameters, Returns and Examples; every
    function of ``triplec.mapping.regional.__all__`` has an example; their modules are listed above."""
    lacking = []
    for function in _public_functions("triplec.mapping"):
        doc = inspect.getdoc(function) or ""
        lacking += [f"{function.__name__}: {part}" for part in ("Parameters", "Returns", "Examples")
                    if f"{part}\n{'-' * len(part)}" not in doc]
    for function in _public_functions("triplec.mapping") + _public_functions("triplec.mapping.regional"):
        if ">>>" not in (inspect.getdoc(function) or ""):
            lacking.append(f"{function.__name__}: an example")
        if function.__module__ not in DOCUMENTED:
            lacking.append(f"{function.__name__}: module {function.__module__} not in DOCUMENTED")
    assert not lacking, lacking


def _public_methods(package: str) -> list:
    """The public methods (plain, class and static) the classes of ``package.__all__`` define themselves;
    properties are attributes, described in their class's docstring."""
    module = importlib.import_module(package)
    methods = []
    for name in module.__all__:
        cls = getattr(module, name)
        if not inspect.isclass(cls):
            continue
        for attribute, value in vars(cls).items():
            function = getattr(value, "__func__", value)
            if not attribute.startswith("_") and inspect.isfunction(function):
                methods.append((f"{cls.__name__}.{attribute}", function))
    return methods


def test_every_public_method_has_an_example_that_runs():
    """Every public method of the classes of ``triplec.mapping.__all__`` and ``triplec.mapping.regional.__all__``
    (``LocalEngine.run``, ``PointRegister.lonlat_degrees``, ``Footprint.properties``...) carries an example,
    and its module's examples run (it is in DOCUMENTED)."""
    lacking = []
    for name, method in _public_methods("triplec.mapping") + _public_methods("triplec.mapping.regional"):
        if ">>>" not in (inspect.getdoc(method) or ""):
            lacking.append(f"{name}: an example")
        if method.__module__ not in DOCUMENTED:
            lacking.append(f"{name}: module {method.__module__} not in DOCUMENTED")
    assert not lacking, lacking


@pytest.mark.parametrize("name", ["triplec.mapping.geo", "triplec.mapping.checks", "triplec.mapping.places"])
def test_helper_modules_declare_their_public_names(name):
    """``__all__`` lists every public function and class the module defines, and only names it has."""
    module = importlib.import_module(name)
    declared = set(getattr(module, "__all__", ()))
    defined = {attribute for attribute, value in vars(module).items()
               if not attribute.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
               and value.__module__ == name}
    assert defined <= declared, sorted(defined - declared)
    assert declared <= set(vars(module)), sorted(declared - set(vars(module)))
