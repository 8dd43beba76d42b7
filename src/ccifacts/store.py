"""Loading a fact base for use: read its bytes, and either reuse the normalised data cached under
their hash (no parsing of the original, no Pydantic) or parse, validate with the models and cache
the result. A fact base whose bytes changed is always validated again, and an invalid one is never
cached, so nothing stale or invalid is ever served."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ccifacts import cache, loader
from ccifacts.errors import FactBaseError
from ccifacts.factbase import FactBase
from ccifacts.text import inert


def load(option: str | os.PathLike[str] | None = None) -> FactBase:
    """The fact base named by ``--facts``/``$CCIFACTS_FACTS`` (or the bundled one), validated."""
    path = loader.resolve_path(option)
    with _collector_paused():
        data = loader.read_bytes(path)
        entry_key = cache.key(data)
        normalised = cache.get(entry_key)
        if normalised is None:
            normalised = validate_bytes(data, path)
            del data  # a large base's bytes are not needed while its entry is written
            cache.put(entry_key, normalised)
    return FactBase(normalised, path)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing a large base allocates millions of containers that all stay alive; the cyclic
    garbage collector would rescan them again and again (doubling the time of 100,000 facts).
    They hold no cycles, so pause it, and freeze what was loaded so it is not rescanned later."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def validate_bytes(data: bytes, path: Path) -> dict[str, Any]:
    """Parse and validate fact-base bytes; the normalised data, or ``FactBaseError`` listing
    every problem: the values the parser refused and what the schema finds in the rest."""
    from ccifacts import model

    origin = inert(str(path))
    document, refused = loader.parse(data, origin)
    try:
        normalised = model.validate(document, origin)
    except FactBaseError as error:
        if not refused:
            raise
        seen = {problem.path for problem in refused}
        rest = [problem for problem in error.problems if problem.path not in seen]
        hint = error.hint if rest else loader.REFUSED_HINT
        raise FactBaseError(origin, refused + rest, hint=hint) from None
    if refused:
        raise FactBaseError(origin, refused, hint=loader.REFUSED_HINT)
    return normalised
