"""The fact filters of the listing commands (--sector, --kind, --term, --source, --said-by,
--qualifier, --measure, --headline, --since, --until, --min, --max), declared once. Options that
can repeat are unions (``--sector aviation --sector finance``); different options narrow each
other. ``--min`` and ``--max`` take a figure in base units or as people write it, with its unit
("USD 1 billion", "20%"), which then also limits the unit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from ccifacts import complete
from ccifacts.cli.params import Opt
from ccifacts.errors import UsageError
from ccifacts.text import quoted

if TYPE_CHECKING:
    from ccifacts.api import FactBase


def _many(
    flag: str, short: str | None, metavar: str, help_text: str, completion: Any = None
) -> Any:
    names = [flag] + ([short] if short else [])
    return Annotated[
        list[str] | None,
        Opt(
            *names,
            metavar=metavar,
            help=help_text + " Repeat for any of several.",
            show_default=False,
            autocompletion=completion,
        ),
    ]


def _one(flag: str, metavar: str, help_text: str) -> Any:
    return Annotated[str | None, Opt(flag, metavar=metavar, help=help_text, show_default=False)]


OPTIONS: dict[str, tuple[Any, Any]] = {
    "sector": (
        _many(
            "--sector", "-s", "SECTOR", "Only this sector (id, name or alias).", complete.sectors
        ),
        None,
    ),
    "kind": (
        _many(
            "--kind",
            "-k",
            "KIND",
            "Only this kind: metric, milestone, policy, plan, target, profile.",
            complete.kinds,
        ),
        None,
    ),
    "term": (
        _many("--term", "-t", "TERM", "Only facts that mention this term.", complete.terms),
        None,
    ),
    "source": (
        _many("--source", None, "SOURCE", "Only facts from this source (`ccifacts sources`)."),
        None,
    ),
    "said_by": (_many("--said-by", None, "PERSON", "Only facts this person is quoted for."), None),
    "qualifier": (
        _many(
            "--qualifier",
            None,
            "QUALIFIER",
            "Only figures given so: exact, more_than, at_least, approx, nearly, less_than, up_to.",
        ),
        None,
    ),
    "measure": (_many("--measure", None, "MEASURE", "Only the points of this measure."), None),
    "headline": (
        Annotated[bool, Opt("--headline", help="Only the headline figures.")],
        False,
    ),
    "since": (
        _one("--since", "DATE", "Only facts whose period ends on or after DATE (YYYY[-MM[-DD]])."),
        None,
    ),
    "until": (_one("--until", "DATE", "Only facts whose period starts on or before DATE."), None),
    "min": (
        _one("--min", "FIGURE", 'Only figures of at least FIGURE: 1000000000 or "USD 1 billion".'),
        None,
    ),
    "max": (_one("--max", "FIGURE", 'Only figures of at most FIGURE: 50 or "20%".'), None),
}


def figure(text: str, option: str) -> tuple[int | float, str | None]:
    """A figure as people write it ("USD 1 billion", "1.9k", "20%") in base units, with its
    unit when it names one."""
    from ccifacts.search import _numbers, fold

    numbers, rest = _numbers(fold(text))
    if len(numbers) != 1 or len(numbers[0].values) != 1 or rest.strip():
        raise UsageError(
            f"{option} is not a figure: {quoted(text)}",
            "Write a number, with a scale or a unit if you like: "
            '1900, 1.9k, "USD 26 billion", 20%.',
        )
    number = numbers[0]
    value = next(iter(number.values))
    plain = int(value) if value == value.to_integral_value() else float(value)
    unit = number.currency or ("percent" if number.percent else None)
    return plain, unit


def where(base: FactBase, options: dict[str, Any]) -> Any:
    """The ``db.Filters`` of the options a command was given."""
    bounds: dict[str, int | float | None] = {"min": None, "max": None}
    units: set[str] = set()
    for name in ("min", "max"):
        if options.get(name) is not None:
            bounds[name], unit = figure(options[name], f"--{name}")
            if unit:
                units.add(unit)
    if len(units) > 1:
        raise UsageError("--min and --max name different units", "Give both in one unit.")
    chosen = base.filters(
        sector=options.get("sector"),
        kind=options.get("kind"),
        term=options.get("term"),
        source=options.get("source"),
        said_by=options.get("said_by"),
        qualifier=options.get("qualifier"),
        measure=options.get("measure"),
        headline=True if options.get("headline") else None,
        since=options.get("since"),
        until=options.get("until"),
        min=bounds["min"],
        max=bounds["max"],
    )
    chosen.units = sorted(units)
    return chosen
