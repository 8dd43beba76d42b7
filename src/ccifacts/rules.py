"""How a column of a table gives way when the screen is narrow: a ``Rule`` per field, declared
with the record kinds (``ccifacts.views``) and applied by the layout (``ccifacts.fit``). Kept on
its own so that declaring the kinds does not import the layout. (Named tuples rather than
dataclasses: ``dataclasses`` imports ``inspect``, a tenth of a lookup's start-up.)"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Wrap(StrEnum):
    """When a column may wrap between words (never inside a word)."""

    PROSE = "prose"  # labels, names, titles: before any column is left out
    LATE = "late"  # figures, dates: only once no column can be left out
    NEVER = "never"  # counts, references: always one line


class Rule(NamedTuple):
    """How a field's column gives way: ``floor`` is the narrowest it wraps to before a column
    is left out (never less than its longest word); a ``key`` is the record's id, never broken:
    a column of ids narrows by putting the longer ones on lines of their own."""

    wrap: Wrap = Wrap.PROSE
    floor: int = 12
    key: bool = False
