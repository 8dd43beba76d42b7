"""What a listing is made of, independent of how it is drawn: its records, the kind of record
(which decides the valid fields and the default columns), and the human display of each field.
``--fields`` is resolved here, so every output format selects and orders the same fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ccifacts.errors import UsageError
from ccifacts.factbase import Record
from ccifacts.text import inert, quoted
from ccifacts.units import figure, number, percent_change


@dataclass(frozen=True)
class RecordKind:
    """The fields of one kind of record and the columns shown when ``--fields`` is not given."""

    name: str
    fields: tuple[str, ...]
    nested: dict[str, tuple[str, ...]]
    human: tuple[str, ...]
    flat: tuple[str, ...]

    def valid(self) -> list[str]:
        paths = list(self.fields)
        for key, subkeys in self.nested.items():
            paths += [f"{key}.{sub}" for sub in subkeys]
        return paths


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
    ),
    nested={"baseline": ("value", "label"), "period": _PERIOD},
    human=("id", "label", "value", "period"),
    flat=("id", "sector", "label", "value", "unit", "qualifier", "period.label"),
)
SECTOR = RecordKind(
    "sector",
    fields=("id", "name", "aliases", "description", "fact_count"),
    nested={},
    human=("id", "name", "fact_count", "aliases"),
    flat=("id", "name", "fact_count"),
)
TERM = RecordKind(
    "term",
    fields=("id", "name", "kind", "aliases", "definition", "background", "facts"),
    nested={},
    human=("id", "name", "kind", "aliases"),
    flat=("id", "name", "kind", "aliases"),
)
PERSON = RecordKind(
    "person",
    fields=("id", "name", "roles", "facts"),
    nested={},
    human=("id", "name", "roles", "facts"),
    flat=("id", "name", "roles"),
)
SOURCE = RecordKind(
    "source",
    fields=(
        "id",
        "publisher",
        "title",
        "subtitle",
        "published",
        "document",
        "language",
        "sections",
        "inferred",
        "fact_count",
    ),
    nested={},
    human=("id", "publisher", "title", "published", "fact_count"),
    flat=("id", "publisher", "title", "published", "fact_count"),
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
    nested={},
    human=("id", "before", "after", "change_pct"),
    flat=("id", "basis", "before", "after", "unit", "ratio", "change_pct", "derived"),
)
UNTRACED = RecordKind(
    "untraced",
    fields=("id", "field", "value", "unit", "label"),
    nested={},
    human=("id", "field", "value", "label"),
    flat=("id", "field", "value", "unit"),
)
KINDS = (FACT, SECTOR, TERM, PERSON, SOURCE, CHANGE, UNTRACED)

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
    ("untraced", "value"): lambda record: figure(record["value"], record["unit"]),
}


def human(kind: RecordKind, record: Record, path: str) -> str:
    """A field as a person reads it (figures with units, lists joined), made inert."""
    shown = _HUMAN.get((kind.name, path))
    text = shown(record) if shown else _joined(get(record, path))
    return inert(text, keep_newlines=True)


@dataclass
class Listing:
    """Records of one kind, ready to be drawn in any output format."""

    kind: RecordKind
    records: list[Record]
    title: str = ""
    empty: str = "nothing to show"
    highlight: str | None = None
    human_fields: tuple[str, ...] | None = None
    bar: Callable[[Record, int], tuple[int, int]] | None = field(default=None, repr=False)


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
    names = [name.strip() for name in spec.split(",") if name.strip()]
    if names == ["all"]:
        return list(kind.fields)
    valid = kind.valid()
    unknown = [name for name in names if name not in valid]
    if unknown or not names:
        what = f"unknown field {quoted(unknown[0])}" if unknown else "no field named"
        raise UsageError(
            f"{what} for --fields; {kind.name} fields are: {', '.join(valid)}, or all",
            "Separate fields with commas: --fields id,label,value",
        )
    return list(dict.fromkeys(names))
