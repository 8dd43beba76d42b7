"""How figures read to a person: "USD 26 billion", "more than 1,900", "24 per week", "+20.2%".
Values are stored in base units as JSON numbers; this module only formats them for human output
formats (the table and Markdown), never for data formats, which keep the exact numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))
QUALIFIER_WORDS = {
    "exact": "",
    "more_than": "more than ",
    "at_least": "at least ",
    "approx": "about ",
    "nearly": "nearly ",
    "less_than": "less than ",
    "up_to": "up to ",
}
_CURRENCIES = {"USD", "RMB", "SGD"}
# How each unit of the schema reads after a number; "{n}" is the formatted number.
UNIT_FORMATS = {
    "USD": "USD {n}",
    "RMB": "RMB {n}",
    "SGD": "SGD {n}",
    "count": "{n}",
    "percent": "{n}%",
    "days": "{n} days",
    "hours": "{n} hours",
    "years": "{n} years",
    "per_week": "{n} per week",
    "per_day": "{n} per day",
    "per_year": "{n} per year",
    "times": "{n}x",
    "ordinal": "{n}",
    "metric_tons": "{n} metric tons",
    "TEU": "{n} TEU",
    "km": "{n} km",
}


def exact(value: int | float) -> Decimal:
    """The decimal a JSON number stands for (``21.7`` is 21.7, not its binary neighbour)."""
    from decimal import Decimal  # here, not at the top: JSON output never needs it

    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def number(value: int | float | Decimal) -> str:
    """A number with thousands separators and no trailing zeros: 1900 -> "1,900"."""
    amount = exact(value) if isinstance(value, int | float) else value
    return f"{amount.normalize():,f}"


def _scaled(value: int | float) -> str:
    amount = exact(value)
    for size, word in _SCALES:
        if abs(amount) >= size:
            return f"{number(amount / size)} {word}"
    return number(value)


def _ordinal(value: int | float) -> str:
    if not isinstance(value, int):
        return number(value)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def figure(value: int | float | None, unit: str | None, qualifier: str = "exact") -> str:
    """A value as a person reads it, with its qualifier and unit: "more than RMB 1 trillion"."""
    if value is None:
        return ""
    if unit in _CURRENCIES:
        shown = _scaled(value)
    elif unit == "ordinal":
        shown = _ordinal(value)
    else:
        shown = number(value)
    if unit in ("days", "hours", "years") and value == 1:
        text = f"1 {unit[:-1]}"
    else:
        text = UNIT_FORMATS.get(unit or "count", "{n}").format(n=shown)
    return QUALIFIER_WORDS.get(qualifier, "") + text


def percent_change(value: int | float | None) -> str:
    """A signed percent change: "+20.2%", "-30%"."""
    if value is None:
        return ""
    sign = "+" if value > 0 else ""
    return f"{sign}{number(value)}%"
