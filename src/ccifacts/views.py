"""What a listing is made of, independent of how it is drawn: its records, the kind of record
(which decides the valid fields, the default columns and how each column gives way in a narrow
table), and the human display of each field. ``--fields`` is resolved here, so every output
format selects and orders the same fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ccifacts.errors import UsageError
from ccifacts.rules import Rule, Wrap
from ccifacts.text import inert, quoted
from ccifacts.units import figure, number, percent_change

# How columns give way in a table narrower than its natural width (see ccifacts.fit).
ID = Rule(Wrap.NEVER, key=True)  # copied into the next command: never broken
WORD = Rule(Wrap.NEVER)  # counts, kinds, dates and references to other records
FIGURE = Rule(Wrap.LATE, floor=16)  # "more than RMB 400 million": wraps between words, late
TEXT = Rule(Wrap.PROSE, floor=12)  # the rule of a field without one of its own
LABEL = Rule(Wrap.PROSE, floor=20)
PROSE = Rule(Wrap.PROSE, floor=24)


class RecordKind(NamedTuple):
    """The fields of one kind of record, the columns shown when ``--fields`` is not given, how
    each column gives way in a narrow table (``rules``, else ``TEXT``), and which default
    columns a narrow table may leave out (``drop``, the first left out first)."""

    name: str
    fields: tuple[str, ...]
    nested: dict[str, tuple[str, ...]]
    human: tuple[str, ...]
    flat: tuple[str, ...]
    rules: Mapping[str, Rule] = MappingProxyType({})  # one default, read only
    drop: tuple[str, ...] = ()

    def rule(self, path: str) -> Rule:
        return self.rules.get(path, TEXT)

    def valid(self) -> list[str]:
        paths = list(self.fields)
        for key, subkeys in self.nested.items():
            paths += [f"{key}.{sub}" for sub in subkeys]
        return paths


Record = dict[str, Any]
_PERIOD = ("label", "start", "end", "as_of", "inferred")

FACT = RecordKind(
    "fact",
    fields=(
        "id",
        "sector",
        "kind",
        "label",
        "value",
        "unit",
        "qualifier",
        "baseline",
        "yoy_pct",
        "period",
        "statement",
        "terms",
        "said_by",
        "source",
        "section",
        "headline",
        "measure",
    ),
    nested={"baseline": ("value", "label"), "period": _PERIOD},
    human=("id", "label", "value", "period"),
    flat=("id", "sector", "label", "value", "unit", "qualifier", "period.label"),
    rules={
        "id": ID,
        "sector": WORD,
        "kind": WORD,
        "label": LABEL,
        "value": FIGURE,
        "unit": WORD,
        "qualifier": WORD,
        "baseline": FIGURE,
        "yoy_pct": WORD,
        "period": Rule(Wrap.LATE, floor=12),
        "statement": PROSE,
        "said_by": WORD,
        "source": WORD,
        "section": WORD,
        "headline": WORD,
        "baseline.value": WORD,
        "period.start": WORD,
        "period.end": WORD,
        "period.as_of": WORD,
        "period.inferred": WORD,
    },
    drop=("period", "label"),
)
SECTOR = RecordKind(
    "sector",
    fields=("id", "name", "aliases", "description", "fact_count"),
    nested={},
    human=("id", "name", "fact_count", "aliases"),
    flat=("id", "name", "fact_count"),
    rules={"id": ID, "fact_count": WORD, "description": PROSE},
    drop=("aliases", "name"),
)
TERM = RecordKind(
    "term",
    fields=("id", "name", "kind", "aliases", "definition", "background", "facts"),
    nested={},
    human=("id", "name", "kind", "aliases"),
    flat=("id", "name", "kind", "aliases"),
    rules={"id": ID, "name": LABEL, "kind": WORD, "definition": PROSE, "background": PROSE},
    drop=("aliases", "kind"),
)
PERSON = RecordKind(
    "person",
    fields=("id", "name", "roles", "facts"),
    nested={},
    human=("id", "name", "roles", "facts"),
    flat=("id", "name", "roles"),
    rules={"id": ID, "roles": LABEL},
    drop=("facts", "roles"),
)
SOURCE = RecordKind(
    "source",
    fields=(
        "id",
        "publisher",
        "title",
        "subtitle",
        "published",
        "url",
        "kind",
        "document",
        "language",
        "coverage",
        "coverage_note",
        "sections",
        "inferred",
        "fact_count",
    ),
    nested={},
    human=("id", "publisher", "title", "published", "fact_count"),
    flat=("id", "publisher", "title", "published", "kind", "url", "fact_count"),
    rules={
        "id": ID,
        "title": LABEL,
        "subtitle": LABEL,
        "published": WORD,
        "language": WORD,
        "fact_count": WORD,
        "url": Rule(Wrap.NEVER),
        "kind": WORD,
        "coverage": WORD,
    },
    drop=("publisher", "published", "fact_count"),
)
CHANGE = RecordKind(
    "change",
    fields=(
        "id",
        "sector",
        "label",
        "unit",
        "qualifier",
        "basis",
        "before",
        "before_label",
        "after",
        "ratio",
        "change_pct",
        "derived",
        "period",
    ),
    nested={"period": _PERIOD},
    human=("id", "before", "after", "change_pct"),
    flat=("id", "basis", "before", "after", "unit", "ratio", "change_pct", "derived"),
    rules={
        "id": ID,
        "sector": WORD,
        "label": LABEL,
        "unit": WORD,
        "qualifier": WORD,
        "basis": WORD,
        "before": Rule(Wrap.PROSE, floor=12),
        "after": FIGURE,
        "ratio": Rule(Wrap.LATE, floor=6),
        "change_pct": Rule(Wrap.LATE, floor=6),
    },
    drop=("before",),
)
UNTRACED = RecordKind(
    "untraced",
    fields=("id", "field", "value", "unit", "label"),
    nested={},
    human=("id", "field", "value", "label"),
    flat=("id", "field", "value", "unit"),
    rules={"id": ID, "field": WORD, "value": FIGURE, "unit": WORD, "label": LABEL},
    drop=("label", "field"),
)
MEASURE = RecordKind(
    "measure",
    fields=(
        "id",
        "name",
        "aliases",
        "unit",
        "description",
        "headline",
        "point_count",
        "first",
        "latest",
    ),
    nested={
        "first": ("id", "date", "value", "qualifier", "source"),
        "latest": ("id", "date", "value", "qualifier", "source"),
    },
    human=("id", "point_count", "first", "latest"),
    flat=(
        "id",
        "name",
        "unit",
        "point_count",
        "first.date",
        "first.value",
        "latest.date",
        "latest.value",
    ),
    rules={"id": ID, "point_count": WORD, "first": FIGURE, "latest": FIGURE, "name": LABEL},
    drop=("first",),
)
POINT = RecordKind(
    "point",
    fields=(
        "id",
        "measure",
        "date",
        "value",
        "unit",
        "qualifier",
        "period",
        "source",
        "publisher",
        "published",
        "said_by",
        "conflict",
    ),
    nested={"period": _PERIOD},
    human=("date", "value", "publisher", "conflict"),
    flat=("date", "value", "unit", "qualifier", "source", "id", "conflict"),
    rules={
        "id": ID,
        "date": WORD,
        "value": FIGURE,
        "publisher": LABEL,
        "source": WORD,
        "conflict": PROSE,
    },
    drop=("publisher",),
)
KINDS = (FACT, SECTOR, TERM, PERSON, SOURCE, CHANGE, UNTRACED, MEASURE, POINT)

HEADERS = {
    "id": "ID",
    "fact_count": "Facts",
    "yoy_pct": "YoY",
    "said_by": "Said by",
    "change_pct": "Change",
    "before_label": "Before (label)",
    "period.label": "Period",
}


def header(path: str) -> str:
    """The column heading of a field in human formats."""
    return HEADERS.get(path) or path.replace("_", " ").replace(".", " ").capitalize()


def get(record: Record, path: str) -> object:
    """The value at a dotted ``path`` of ``record`` (None where a part is missing)."""
    value: object = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _joined(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list):
        return "; ".join(_joined(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_joined(item)}" for key, item in value.items())
    return str(value)


def _fact_value(record: Record) -> str:
    return figure(record["value"], record["unit"], record["qualifier"])


def _fact_baseline(record: Record) -> str:
    baseline = record["baseline"]
    if not baseline:
        return ""
    if baseline["value"] is None:
        return f"vs {baseline['label']}"
    return f"{figure(baseline['value'], record['unit'])} ({baseline['label']})"


def _change_before(record: Record) -> str:
    if record["before"] is None:
        return str(record["before_label"])
    return f"{figure(record['before'], record['unit'])} ({record['before_label']})"


def _change_after(record: Record) -> str:
    return figure(record["after"], record["unit"], record["qualifier"])


def _change_pct(record: Record) -> str:
    shown = percent_change(record["change_pct"])
    return f"{shown} (derived)" if "change_pct" in record["derived"] else shown


def _ratio(record: Record) -> str:
    if record["ratio"] is None:
        return ""
    shown = f"{number(record['ratio'])}x"
    return f"{shown} (derived)" if "ratio" in record["derived"] else shown


# Human display of fields whose raw value does not read well on its own.
_HUMAN: dict[tuple[str, str], Callable[[Record], str]] = {
    ("fact", "value"): _fact_value,
    ("fact", "baseline"): _fact_baseline,
    ("fact", "period"): lambda record: record["period"]["label"],
    ("fact", "yoy_pct"): lambda record: percent_change(record["yoy_pct"]),
    ("change", "before"): _change_before,
    ("change", "after"): _change_after,
    ("change", "change_pct"): _change_pct,
    ("change", "ratio"): _ratio,
    ("change", "period"): lambda record: record["period"]["label"],
    ("point", "value"): lambda record: figure(record["value"], record["unit"], record["qualifier"]),
    ("point", "period"): lambda record: record["period"]["label"],
    ("point", "conflict"): lambda record: (
        "conflicts with " + ", ".join(record["conflict"]) if record["conflict"] else ""
    ),
    ("measure", "first"): lambda record: _point_summary(record, "first"),
    ("measure", "latest"): lambda record: _point_summary(record, "latest"),
    ("untraced", "value"): lambda record: figure(record["value"], record["unit"]),
}


def _point_summary(record: Record, key: str) -> str:
    point = record[key]
    if not point:
        return ""
    return f"{figure(point['value'], record['unit'], point['qualifier'])} ({point['date']})"


def human(kind: RecordKind, record: Record, path: str, *, keep_newlines: bool = False) -> str:
    """A field as a person reads it (figures with units, lists joined), made inert: a newline
    in a fact base's string shows as \\n, so no line of a table or card is forged, unless
    ``keep_newlines`` (Markdown writes it as <br>)."""
    shown = _HUMAN.get((kind.name, path))
    text = shown(record) if shown else _joined(get(record, path))
    return inert(text, keep_newlines=keep_newlines)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _short_date(partial: str) -> str:
    """ "2025-11-10" -> "10 Nov 2025"; "2025-11" -> "Nov 2025"; "2025" -> "2025"."""
    year, *rest = partial.split("-")
    if not rest:
        return year
    month = _MONTHS[int(rest[0]) - 1]
    return f"{month} {year}" if len(rest) == 1 else f"{int(rest[1])} {month} {year}"


def _short_period(record: Record) -> str:
    # Only the dates a period has as data are shortened ("Jan-Oct 2025" for "January to
    # October 2025"); a label that says more than its dates ("next phase (announced ...)")
    # is kept, and wraps.
    period = record["period"]
    label: str = period["label"]
    start, end = period["start"], period["end"]
    if not (start and end):
        return label
    if start == end:
        short = _short_date(start)
    elif len(start) == len(end) == 7 and start[:4] == end[:4]:
        short = f"{_MONTHS[int(start[5:]) - 1]}-{_short_date(end)}"
    else:
        short = f"{_short_date(start)}-{_short_date(end)}"
    return short if len(short) < len(label) else label


# Shorter forms a narrow table may show instead (the full form is one `get` away).
_SHORT: dict[tuple[str, str], Callable[[Record], str]] = {("fact", "period"): _short_period}


def short(kind: RecordKind, record: Record, path: str) -> str | None:
    """The shorter form of a field for a narrow table, made inert; None if it has none."""
    shorten = _SHORT.get((kind.name, path))
    return inert(shorten(record), keep_newlines=True) if shorten else None


class Listing:
    """Records of one kind, ready to be drawn in any output format: ``human_fields`` are the
    columns shown by default (else the kind's), ``bar`` draws a bar in each row, ``chart`` says
    the bars are the point of the listing (a measure's history), not an illustration of its
    figures (changes), so a narrow table keeps them, narrower, and leaves out columns instead,
    and ``drop`` names the default columns a narrow table may leave out, the first first (else
    the kind's)."""

    def __init__(
        self,
        kind: RecordKind,
        records: list[Record],
        title: str = "",
        empty: str = "nothing to show",
        highlight: str | None = None,
        human_fields: tuple[str, ...] | None = None,
        bar: Callable[[Record, int], tuple[int, int]] | None = None,
        chart: bool = False,
        drop: tuple[str, ...] | None = None,
    ) -> None:
        self.kind = kind
        self.records = records
        self.title = title
        self.empty = empty
        self.highlight = highlight
        self.human_fields = human_fields
        self.bar = bar
        self.chart = chart
        self.drop = drop


def resolve_fields(listing: Listing, spec: str | None, *, flat: bool, json: bool) -> list[str]:
    """The fields to output: those named by ``--fields`` (validated), else the defaults of the
    format family (every field for JSON, the flat columns for CSV/TSV, the human ones else)."""
    kind = listing.kind
    if spec is None:
        if json:
            return list(kind.fields)
        if flat:
            return list(kind.flat)
        return list(listing.human_fields or kind.human)
    names = [field_name(kind, name) for name in spec.split(",") if name.strip()]
    if names == ["all"]:
        return list(kind.fields)
    if not names:
        raise UsageError(
            "no field named for --fields", "Separate fields with commas: --fields id,label,value"
        )
    return list(dict.fromkeys(names))


def field_name(kind: RecordKind, name: str, option: str = "--fields") -> str:
    """The field of ``kind`` that ``name`` names (any case; a heading such as "Said by" too),
    or ``UsageError`` with the closest field. ``--fields`` also takes "all"; ``--field`` not."""
    wanted = name.strip().casefold()
    valid = kind.valid()
    every = option == "--fields"
    if (wanted == "all" and every) or wanted in valid:
        return wanted
    by_heading = {header(path).casefold(): path for path in valid}
    by_heading |= {path.replace("_", " "): path for path in valid}
    if wanted in by_heading:
        return by_heading[wanted]
    import difflib

    close = difflib.get_close_matches(wanted, valid, n=1, cutoff=0.6)
    listed = f"{', '.join(valid)}, or all" if every else f"{', '.join(valid[:-1])}, or {valid[-1]}"
    hint = (
        f"did you mean: {close[0]}?" if close else f"{kind.name.capitalize()} fields are: {listed}."
    )
    raise UsageError(f"unknown field {quoted(name.strip())} for {option}", hint)


def fact_field(name: str) -> str:
    """The fact field of ``get --field`` (any case), or ``UsageError``."""
    if not name.strip():
        raise UsageError("--field needs a field name", "Try: --field value, --field period.end")
    if name.strip().casefold() == "all":
        raise UsageError("--field takes one field", "Use --json for every field.")
    return field_name(FACT, name, "--field")


def sort_records(kind: RecordKind, records: list[Record], fields: list[str]) -> list[Record]:
    """``records`` sorted by ``fields`` (``-name`` for descending); empty values sort last."""
    ordered = list(records)
    for spec in reversed(fields):
        descending = spec.startswith("-")
        path = field_name(kind, spec.lstrip("-+"))
        present = [r for r in ordered if get(r, path) is not None]
        missing = [r for r in ordered if get(r, path) is None]
        present.sort(key=lambda r: _sort_key(get(r, path)), reverse=descending)
        ordered = present + missing
    return ordered


def _sort_key(value: object) -> tuple[int, Any]:
    if isinstance(value, bool | int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value.casefold())
    return (2, str(value))


def point_bars(points: list[Record]) -> Callable[[Record, int], tuple[int, int]]:
    """Bars of a measure's points, each as long as its value against the largest."""
    largest = max((abs(p["value"]) for p in points if p["value"] is not None), default=0)

    def bar(record: Record, width: int) -> tuple[int, int]:
        if not largest or record["value"] is None:
            return (0, 0)
        return (0, max(1, round(width * abs(record["value"]) / largest)))

    return bar
