"""Names the renderers type their inputs with: a ``Record`` is one plain record of the JSON
contract, and ``FactBase`` the lookups of a fact base they read (``ccifacts.api.Lookups``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

Record = dict[str, Any]
__all__ = ["FactBase", "Record"]

if TYPE_CHECKING:
    from ccifacts.api import Lookups as FactBase
else:
    FactBase = Any
