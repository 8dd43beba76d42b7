"""Tracing the figures of a fact base back to a source text. Every number the text writes is
collected, in the ways reports write them ("USD 26 billion", "1,900", "20.2%", "24 per week",
"five", "third", "fivefold"), and each fact's value, baseline and year-on-year change must be one
of them. Comparison is exact, on decimals: 21.7 billion is 21700000000, not a float near it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ccifacts.factbase import FactBase, Record
from ccifacts.units import exact

_CARDINALS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "twentieth": 20,
}
_MULTIPLES = {"double": 2, "doubled": 2, "twice": 2, "triple": 3, "tripled": 3, "thrice": 3}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}

_SCALE = r"(?:\s+(?P<scale>thousand|million|billion|trillion)\b)?"
_DIGITS = re.compile(r"(?<![\w.,])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?" + _SCALE, re.I)
_WORD = re.compile(r"\b(?P<word>[a-z]+?)(?P<fold>-?fold)?\b" + _SCALE, re.I)


def numbers_in(text: str) -> set[Decimal]:
    """Every number ``text`` writes, with and without its scale word."""
    found: set[Decimal] = set()
    for match in _DIGITS.finditer(text):
        amount = Decimal(match["n"].replace(",", "") + (match["frac"] or ""))
        found.add(amount)
        if match["scale"]:
            found.add(amount * _SCALES[match["scale"].lower()])
    for match in _WORD.finditer(text):
        word = match["word"].lower()
        value = _CARDINALS.get(word) or _ORDINALS.get(word) or _MULTIPLES.get(word)
        if value is None:
            continue
        found.add(Decimal(value))
        if match["scale"]:
            found.add(Decimal(value) * _SCALES[match["scale"].lower()])
    return found


@dataclass
class Result:
    """How many figures were checked and found, and the facts whose figures were not."""

    checked: int = 0
    traced: int = 0
    untraced: list[Record] = field(default_factory=list)


def figures(fact: Record) -> list[tuple[str, int | float, str | None]]:
    """The (field, value, unit) figures of a fact that a source must give."""
    found: list[tuple[str, int | float, str | None]] = []
    if fact["value"] is not None:
        found.append(("value", fact["value"], fact["unit"]))
    if fact["baseline"] and fact["baseline"]["value"] is not None:
        found.append(("baseline.value", fact["baseline"]["value"], fact["unit"]))
    if fact["yoy_pct"] is not None:
        found.append(("yoy_pct", fact["yoy_pct"], "percent"))
    return found


def check(base: FactBase, text: str) -> Result:
    """Check every figure of ``base`` against ``text``."""
    known = numbers_in(text)
    result = Result()
    for fact in base.facts:
        for name, value, unit in figures(fact):
            result.checked += 1
            if exact(value) in known:
                result.traced += 1
            else:
                result.untraced.append(
                    {
                        "id": fact["id"],
                        "field": name,
                        "value": value,
                        "unit": unit,
                        "label": fact["label"],
                    }
                )
    return result


def read_source(path: Path) -> str:
    """The text of a source document (a stand-in until the capped reader lands)."""
    from ccifacts.errors import UsageError
    from ccifacts.text import inert

    try:
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as error:
        raise UsageError(f"cannot read {inert(str(path))}: {error.strerror}") from None
