"""Names of a package loaded on first use (PEP 562), for the Django-free libraries `triplec.mapping`
and `triplec.impact`: importing them (and so the ``triplec`` command line) does not pay for numba,
pandas or scipy until a computation needs them."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, list[str]], namespace: dict
                 ) -> tuple[list[str], Callable[[str], object], Callable[[], list[str]]]:
    """`__all__`, `__getattr__` and `__dir__` for `package`, whose `exports` maps module -> names."""
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(where))

    return sorted(where), __getattr__, __dir__
