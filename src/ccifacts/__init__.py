"""ccifacts: exact, sourced figures of the China-Singapore (Chongqing) Demonstration Initiative
on Strategic Connectivity (CCI), looked up from the command line or from Python. The library's
face is ``ccifacts.load()``, which returns a ``FactBase`` (see ``ccifacts.api`` and docs/api.md);
its records and errors are importable from here too. Everything but ``__version__`` is imported
on first use, so ``import ccifacts`` costs nothing beyond this module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "2.0.0"

if TYPE_CHECKING:
    from ccifacts.api import FactBase as FactBase
    from ccifacts.api import load as load
    from ccifacts.errors import CcifactsError as CcifactsError
    from ccifacts.errors import FactBaseError as FactBaseError
    from ccifacts.errors import NotFoundError as NotFoundError
    from ccifacts.errors import OutputError as OutputError
    from ccifacts.errors import UsageError as UsageError
    from ccifacts.records import Change as Change
    from ccifacts.records import Fact as Fact
    from ccifacts.records import Measure as Measure
    from ccifacts.records import Person as Person
    from ccifacts.records import Point as Point
    from ccifacts.records import Sector as Sector
    from ccifacts.records import Source as Source
    from ccifacts.records import Term as Term

_LAZY = {
    "load": "ccifacts.api",
    "FactBase": "ccifacts.api",
    "CcifactsError": "ccifacts.errors",
    "FactBaseError": "ccifacts.errors",
    "NotFoundError": "ccifacts.errors",
    "OutputError": "ccifacts.errors",
    "UsageError": "ccifacts.errors",
    "Fact": "ccifacts.records",
    "Sector": "ccifacts.records",
    "Term": "ccifacts.records",
    "Person": "ccifacts.records",
    "Source": "ccifacts.records",
    "Measure": "ccifacts.records",
    "Point": "ccifacts.records",
    "Change": "ccifacts.records",
}
__all__ = ["__version__", *_LAZY]


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})  # the lazy names too, for completion in a REPL


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ccifacts' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
