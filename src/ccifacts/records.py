"""The records the Python API returns: typed, read-only views of the JSON contract's objects
(``docs/json.md``), whose attributes are its keys (``fact.value``, ``fact.period.end``). Each
wraps the plain record the core works with and gives it back with ``to_dict()``: exactly the
object ``--json`` prints. They cost one small object each, so listing a million facts stays
cheap."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

R = TypeVar("R", bound="Record")


class Record:
    """A read-only record of the JSON contract; attributes are its keys."""

    __slots__ = ("_data",)
    _nested: ClassVar[dict[str, type[Record]]] = {}

    def __init__(self, data: dict[str, Any]) -> None:
        object.__setattr__(self, "_data", data)

    def __getattr__(self, name: str) -> Any:
        try:
            value = self._data[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}") from None
        kind = self._nested.get(name)
        return kind(value) if kind is not None and value is not None else value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and type(other) is type(self) and other._data == self._data

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._data.get("id")))

    def __repr__(self) -> str:
        key = self._data.get("id", self._data.get("label", ""))
        return f"{type(self).__name__}({key!r})"

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON contract has it (a new dict, yours to change)."""
        copied: dict[str, Any] = _copy(self._data)
        return copied

    @classmethod
    def many(cls: type[R], records: list[dict[str, Any]]) -> list[R]:
        return [cls(record) for record in records]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


class Baseline(Record):
    """The earlier figure a value is compared with."""

    value: int | float | None
    label: str


class Period(Record):
    """When a fact holds: ``start``..``end``, or the date it was stated (``as_of``)."""

    label: str
    start: str | None
    end: str | None
    as_of: str | None
    inferred: bool


class Fact(Record):
    """One sourced statement, with its figure when it has one."""

    _nested: ClassVar[dict[str, type[Record]]] = {"baseline": Baseline, "period": Period}
    id: str
    sector: str
    kind: str
    label: str
    value: int | float | None
    unit: str | None
    qualifier: str
    baseline: Baseline | None
    yoy_pct: int | float | None
    period: Period
    statement: str
    terms: list[str]
    said_by: str | None
    source: str
    section: str | None
    headline: bool
    measure: str | None


class Sector(Record):
    id: str
    name: str
    aliases: list[str]
    description: str
    fact_count: int


class Term(Record):
    id: str
    name: str
    kind: str
    aliases: list[str]
    definition: str
    background: str | None
    facts: list[str]


class Person(Record):
    id: str
    name: str
    roles: list[str]
    facts: list[str]


class Source(Record):
    id: str
    publisher: str
    title: str
    subtitle: str | None
    published: str
    url: str | None
    kind: str
    document: str | None
    language: str
    coverage: str
    coverage_note: str | None
    sections: list[dict[str, str]]
    inferred: list[str]
    fact_count: int


class Measure(Record):
    id: str
    name: str
    aliases: list[str]
    unit: str
    description: str
    headline: bool
    point_count: int
    first: dict[str, Any] | None
    latest: dict[str, Any] | None


class Point(Record):
    """One point of a measure's history: a fact's figure at its date, from its source."""

    id: str
    measure: str
    date: str
    value: int | float
    unit: str
    qualifier: str
    period: str
    source: str
    publisher: str
    published: str
    said_by: str | None
    conflict: list[str]


class Change(Record):
    """A before/after, year-on-year or n-fold figure, with the ratio and percent change
    (those ccifacts computed are listed in ``derived``). A measure's change from its first
    point to its latest has no ``sector``."""

    _nested: ClassVar[dict[str, type[Record]]] = {"period": Period}
    id: str
    sector: str | None
    label: str
    unit: str | None
    qualifier: str
    basis: str
    before: int | float | None
    before_label: str
    after: int | float | None
    ratio: float | None
    change_pct: float | None
    derived: list[str]
    period: Period
