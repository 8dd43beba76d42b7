"""The fact-base schema, its one definition: Pydantic types for every record, and the checks that
need more than one record (ids unique, references resolve, a measure's facts share its unit, a
period's start is not after its end). The small lists (sources, sectors, terms, people, measures,
synonyms) are Pydantic models validated together; facts are a strict ``TypedDict`` validated in
batches as the loader streams them, because a base may hold a million of them, and their checks
between records run in ``FactChecker`` on the same batches. Nothing reaches the database that
these types and checks did not pass. Imported only to compile a fact base or print its schema."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, NotRequired, cast, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    with_config,
)
from typing_extensions import TypedDict

from ccifacts.errors import Problem
from ccifacts.text import inert, normalize

SCHEMA_VERSION = 1

Unit = Literal[
    "USD",
    "RMB",
    "SGD",
    "count",
    "percent",
    "days",
    "hours",
    "years",
    "per_week",
    "per_day",
    "per_year",
    "times",
    "ordinal",
    "metric_tons",
    "TEU",
    "km",
]
Qualifier = Literal["exact", "more_than", "at_least", "approx", "nearly", "less_than", "up_to"]
FactKind = Literal["metric", "milestone", "policy", "plan", "target", "profile"]
TermKind = Literal[
    "programme", "policy", "platform", "organisation", "place", "concept", "currency"
]
SourceKind = Literal[
    "news_report",
    "feature",
    "press_release",
    "government_release",
    "ministerial_answer",
    "speech",
    "interview",
    "report",
]

UNITS: tuple[str, ...] = get_args(Unit)
QUALIFIERS: tuple[str, ...] = get_args(Qualifier)
FACT_KINDS: tuple[str, ...] = get_args(FactKind)
TERM_KINDS: tuple[str, ...] = get_args(TermKind)
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)

INT_LIMIT = 2**63 - 1
"""Largest integer a figure may be: what SQLite stores exactly (9.2 quintillion)."""

_DATE_PATTERN = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?$"


def _calendar(value: str) -> str:
    if len(value) == 10:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a calendar date") from None
    return value


def _number(value: object) -> int | float:
    # Written by hand so that a wrong type gets one clear message instead of one per union member,
    # and so that bool (a subclass of int), non-finite floats and integers SQLite cannot hold are
    # refused.
    if type(value) is int:
        if -INT_LIMIT <= value <= INT_LIMIT:
            return value
        raise ValueError("the integer is too large (at most 9223372036854775807 either way)")
    if type(value) is float:
        if not math.isfinite(value):
            raise ValueError("the number must be finite")
        return value
    raise ValueError(f"expected a JSON number, got {_json_type(value)}")


def _json_type(value: object) -> str:
    names = {str: "a string", bool: "a boolean", list: "an array", dict: "an object"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


Number = Annotated[int | float, PlainValidator(_number, json_schema_input_type=int | float)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$", max_length=80)]
TermId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$", max_length=60)
]
Name = Annotated[str, StringConstraints(max_length=300, pattern=r"\w")]
Prose = Annotated[str, StringConstraints(max_length=4000, pattern=r"\w")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]
# Facts' dates are checked against the calendar by FactChecker, in the same pass as their other
# checks; the lists' dates here.
PartialDate = Annotated[
    str,
    StringConstraints(pattern=_DATE_PATTERN),
    Field(description="ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD."),
]
CalendarDate = Annotated[PartialDate, AfterValidator(_calendar)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


_SINGULAR = {
    "sectors": "sector",
    "people": "person",
    "sources": "source",
    "terms": "term",
    "measures": "measure",
}


def closest(value: str, known: Iterable[str]) -> str:
    """`` (did you mean: a, b?)`` naming the known names closest to ``value``, or ``""``."""
    import difflib

    matches = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.6)
    return f" (did you mean: {', '.join(inert(m) for m in matches)}?)" if matches else ""


class Section(_Strict):
    """A part of a source document, so that a fact can say where in the document it stands."""

    id: Slug
    title: Name = Field(description="The section's heading, or a short description if it has none.")


class _Listed(_Strict):
    """A record of one of the fact base's lists, whose id must be unique in it."""

    _collection: ClassVar[str]

    @field_validator("id", check_fields=False)
    @classmethod
    def _unique(cls, value: str, info: ValidationInfo) -> str:
        duplicates = _context(info).get("duplicates", {}).get(cls._collection, {})
        key = value.casefold() if cls._collection == "terms" else value
        if key in duplicates:
            raise ValueError(
                f"duplicate id {value!r}: {duplicates[key]} entries of {cls._collection} use it"
            )
        return value


class Source(_Listed):
    """A document the facts come from: a public report is cited by its URL, never copied."""

    _collection = "sources"

    id: Slug
    publisher: Name
    title: Name
    subtitle: Name | None = None
    published: CalendarDate = Field(
        description="Publication date, ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD)."
    )
    url: Url | None = Field(None, description="Where the document can be read.")
    kind: SourceKind = Field(
        "news_report", description="What the document is: a news report, a ministerial answer..."
    )
    document: Name | None = Field(None, description="File name of the document's text, if kept.")
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")] = "en"
    coverage: Literal["full", "partial"] = Field(
        "full", description="'partial' when only part of the document could be read."
    )
    coverage_note: Prose | None = Field(None, description="What part of the document was read.")
    sections: list[Section] = []
    inferred: list[Prose] = Field(
        [], description="What the fact base infers about this source rather than reads in it."
    )


class _Named(_Listed):
    """A record users look up by id, name or alias: each must lead to it alone."""

    @field_validator("aliases", check_fields=False)
    @classmethod
    def _unambiguous(cls, aliases: list[str], info: ValidationInfo) -> list[str]:
        owners = _context(info).get("owners", {}).get(cls._collection, {})
        own = info.data.get("id")
        if own is None:
            return aliases  # the id itself is wrong (or taken twice): that is the problem to fix
        for name in (info.data.get("name"), *aliases):
            if name is None:
                continue
            others = sorted(owners.get(normalize(name), set()) - {own})
            if others:
                what = _SINGULAR[cls._collection]
                raise ValueError(f"the name {name!r} also leads to {what} {others[0]!r}")
        return aliases


class Sector(_Named):
    """A field of cooperation; every fact belongs to exactly one."""

    _collection = "sectors"

    id: Slug
    name: Name
    aliases: list[Name] = Field([], validate_default=True)
    description: Prose


class Term(_Named):
    """An acronym, programme, policy, organisation or place the facts mention."""

    _collection = "terms"

    id: TermId
    name: Name
    kind: TermKind
    aliases: list[Name] = Field(
        [],
        validate_default=True,
        description="Other names that find the term, including common names the sources do not "
        "use (they are for finding, not quoting).",
    )
    definition: Prose = Field(description="What the term is, from the sources, in our words.")
    background: Prose | None = Field(
        None,
        description="General knowledge about the term that the sources do not give "
        "(so it is not checked against them).",
    )


class Person(_Listed):
    """Someone a source quotes."""

    _collection = "people"

    id: Slug
    name: Name
    roles: list[Name] = []


class Measure(_Named):
    """What a series of facts measures (weekly flights, signed projects): facts of one measure at
    different dates, or from different sources, are its points."""

    _collection = "measures"

    id: Slug
    name: Name
    aliases: list[Name] = Field([], validate_default=True)
    unit: Unit = Field(description="The unit every fact of the measure is given in.")
    description: Prose
    headline: bool = Field(False, description="Its latest point is a headline figure.")


class Synonyms(_Strict):
    """Words that people use for one another when they search (doctorate and PhD). They widen a
    search; they are never shown as what a source says."""

    words: Annotated[list[Name], Field(min_length=2)]
    note: Prose | None = None


@with_config(ConfigDict(strict=True, extra="forbid", title="Baseline"))
class Baseline(TypedDict):
    """The earlier figure a value is compared with (``value`` may be unknown, as in "vs 2015")."""

    value: NotRequired[Number | None]
    label: Name


@with_config(ConfigDict(strict=True, extra="forbid", title="Period"))
class Period(TypedDict):
    """When a fact holds: a span (``start``..``end``), a point, or the date it was stated."""

    label: Name
    start: NotRequired[PartialDate | None]
    end: NotRequired[PartialDate | None]
    as_of: NotRequired[PartialDate | None]
    inferred: NotRequired[
        Annotated[
            bool,
            Field(description="True when part of the period (such as the year) is inferred."),
        ]
    ]


@with_config(ConfigDict(strict=True, extra="forbid", title="Fact"))
class Fact(TypedDict):
    """One sourced statement, with its figure when it has one."""

    id: Slug
    sector: Slug
    kind: FactKind
    label: Name
    value: NotRequired[
        Annotated[Number | None, Field(description="The figure in base units (USD, not billions).")]
    ]
    unit: NotRequired[Unit | None]
    qualifier: NotRequired[Qualifier]
    baseline: NotRequired[Baseline | None]
    yoy_pct: NotRequired[
        Annotated[Number | None, Field(description="Year-on-year change in percent, as stated.")]
    ]
    period: Period
    statement: Prose
    terms: NotRequired[list[TermId]]
    said_by: NotRequired[Slug | None]
    source: Slug
    section: NotRequired[Slug | None]
    headline: NotRequired[bool]
    measure: NotRequired[
        Annotated[Slug | None, Field(description="The measure this fact is a point of.")]
    ]


FACT_DEFAULTS: dict[str, Any] = {
    "value": None,
    "unit": None,
    "qualifier": "exact",
    "baseline": None,
    "yoy_pct": None,
    "terms": [],
    "said_by": None,
    "section": None,
    "headline": False,
    "measure": None,
}
"""What a fact's optional keys stand for when they are left out."""
PERIOD_DEFAULTS: dict[str, Any] = {"start": None, "end": None, "as_of": None, "inferred": False}
FACT_KEYS: tuple[str, ...] = tuple(Fact.__annotations__)
BASELINE_KEYS: tuple[str, ...] = tuple(Baseline.__annotations__)
PERIOD_KEYS: tuple[str, ...] = tuple(Period.__annotations__)


class FactBase(_Strict):
    """A fact base: its sources, sectors, terms, people and measures, the search synonyms, and
    the facts that refer to them."""

    model_config = ConfigDict(
        title="ccifacts fact base",
        json_schema_extra={"$id": "https://ccifacts.invalid/facts.schema.json"},
    )

    schema_: str | None = Field(
        None, alias="$schema", description="Where editors find this format's JSON Schema."
    )
    schema_version: Literal[1]
    sources: Annotated[list[Source], Field(min_length=1)]
    sectors: Annotated[list[Sector], Field(min_length=1)]
    terms: list[Term] = []
    people: list[Person] = []
    measures: list[Measure] = []
    synonyms: list[Synonyms] = []
    facts: list[Fact]


HEADER_KEYS = tuple(key for key in FactBase.model_fields if key != "facts")
COLLECTIONS = ("sources", "sectors", "terms", "people", "measures")

_FACTS = TypeAdapter(list[Fact])


def _reference_context(document: dict[str, Any]) -> dict[str, Any]:
    """Collect ids from the raw lists, leniently, so the lists' own checks (unique ids, names that
    lead to one record) run in the same pass that checks types, and all problems are reported
    together."""
    from collections import Counter

    duplicates: dict[str, dict[str, int]] = {}
    owners: dict[str, dict[str, set[str]]] = {}
    for collection in COLLECTIONS:
        items = document.get(collection)
        records = [
            item
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        ]
        keys = [r["id"].casefold() if collection == "terms" else r["id"] for r in records]
        duplicates[collection] = {k: n for k, n in Counter(keys).items() if n > 1}
        owners[collection] = {}
        for record in records:
            aliases = record.get("aliases")
            names = [
                record["id"],
                record.get("name"),
                *(aliases if isinstance(aliases, list) else []),
            ]
            for name in names:
                if isinstance(name, str):
                    owners[collection].setdefault(normalize(name), set()).add(record["id"])
    return {"duplicates": duplicates, "owners": owners}


def path(loc: Iterable[int | str]) -> str:
    """A JSON path (``facts[3].period.end``) of a location in the document."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _problems(
    error: ValidationError, prefix: tuple[int | str, ...] = (), first: int = 0
) -> list[Problem]:
    """Problems of one validation; for a batch of facts, item 0 is item ``first``."""
    problems: list[Problem] = []
    for detail in error.errors(include_url=False):
        loc: tuple[int | str, ...] = tuple(detail["loc"])
        kind = detail["type"]
        if prefix:
            index, *rest = loc
            loc = (*prefix, int(index) + first, *rest)
        if kind != "extra_forbidden":
            # A union member or function-validator tag is not a key of the document; an unknown
            # key's name is (whatever it is called), so it is kept.
            loc = (
                *(p for p in loc[:-1] if not _is_tag(p)),
                *([loc[-1]] if not _is_tag(loc[-1]) else []),
            )
        message = detail["msg"].removeprefix("Value error, ")
        if kind == "missing":
            message = "required key is missing"
        elif kind == "string_pattern_mismatch":
            # Say what the pattern means rather than print a regular expression.
            pattern = str(detail.get("ctx", {}).get("pattern", ""))
            message = _PATTERNS.get(pattern, "not in the expected form")
            message += f" (got {_short(detail['input'])})"
        elif kind == "extra_forbidden":
            message = "unknown key (not part of the format; check its spelling)"
        elif kind not in {"value_error", "assertion_error"} and "input" in detail:
            message += f" (got {_short(detail['input'])})"
        problems.append(Problem(inert(message), inert(path(loc))))
    return problems


_TAGS = {"int", "float", "str", "bool", "function-plain", "function-after"}


def _is_tag(part: int | str) -> bool:
    return isinstance(part, str) and (
        part in _TAGS or part.startswith(("function-", "nullable[")) or "[" in part
    )


_PATTERNS = {
    r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$": (
        "an id is lowercase letters and digits, in words joined by '.' or '-' "
        "(like aviation.weekly-flights)"
    ),
    r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$": (
        "a term id is letters and digits, in words joined by '-' (like D-ILSTC)"
    ),
    r"\w": "the text needs at least one letter or digit",
    _DATE_PATTERN: "a date is written YYYY, YYYY-MM or YYYY-MM-DD, in ASCII digits",
    r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$": "a language is a code like en or zh-Hans",
    r"^https?://[^\s]+$": "a URL starts with http:// or https:// and has no spaces",
}


def _short(value: object) -> str:
    if isinstance(value, dict | list):
        return _json_type(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


HINT = "Fix what is listed; `ccifacts schema` prints the format of a fact base."


def validate_header(
    header: dict[str, Any], *, facts_seen: bool = True
) -> tuple[dict[str, Any], list[Problem]]:
    """Validate everything of a fact base but its facts; the normalised lists (every key
    present) and the problems found, each with its JSON path. ``facts_seen``: the document has
    a list of facts (validated on their own); else a ``facts`` value that is not a list, or
    none, is reported."""
    document = {**header, "facts": []} if facts_seen else header
    try:
        model = FactBase.model_validate(document, context=_reference_context(header))
    except ValidationError as error:
        return {}, _problems(error)
    return model.model_dump(by_alias=True, exclude={"facts"}), []


class FactChecker:
    """Validates facts in batches against the lists they refer to, as they stream in: types
    with Pydantic, then what one fact says about another record (its sector, source and
    section, speaker, terms and measure exist; its unit is its measure's), its keys that go
    together, and its period. Duplicate ids are found by the database, once every fact is in.
    A reference to a list that comes after the facts in the document is checked at the end."""

    def __init__(self, header: dict[str, Any], complete: bool) -> None:
        self.deferred: list[tuple[int, str, str, str | None]] = []
        self._set(header, complete)

    def _set(self, header: dict[str, Any], complete: bool) -> None:
        def ids(collection: str) -> set[str] | None:
            items = header.get(collection)
            if not isinstance(items, list):
                return set() if complete else None
            return {i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}

        self.known = {collection: ids(collection) for collection in COLLECTIONS}
        sources = header.get("sources")
        self.sections: dict[str, set[str]] = {}
        for item in sources if isinstance(sources, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found = item.get("sections")
                self.sections[item["id"]] = (
                    {s["id"] for s in found if isinstance(s, dict) and isinstance(s.get("id"), str)}
                    if isinstance(found, list)
                    else set()
                )
        measures = header.get("measures")
        self.units = {
            m["id"]: m.get("unit")
            for m in (measures if isinstance(measures, list) else [])
            if isinstance(m, dict) and isinstance(m.get("id"), str)
        }

    def check(
        self, facts: list[Any], first: int, *, collect: bool = True
    ) -> tuple[list[dict[str, Any]], list[Problem], int]:
        """Check a batch of raw facts that starts at document index ``first``: the valid facts
        (as validated dicts, without defaults filled in; none if any fact is wrong), the
        problems in document order, and how many there are. With ``collect`` false the problems
        are only counted, which is much faster when there are millions."""
        ranked: list[tuple[int, int, Problem]] = []
        count = 0
        valid: list[dict[str, Any]] = []
        try:
            valid = [dict(fact) for fact in _FACTS.validate_python(facts)]
        except ValidationError as error:
            if collect:
                ranked += [(*_order(p.path), p) for p in _problems(error, ("facts",), first)]
            else:
                count += error.error_count()
        quick = self._quick if all(k is not None for k in self.known.values()) else None
        for offset, fact in enumerate(facts):
            if isinstance(fact, dict) and not (quick is not None and quick(fact)):
                found = self._relations(fact, first + offset)
                if collect:
                    ranked += [(*_order(p.path), p) for p in found]
                else:
                    count += sum(1 for _ in found)
        ranked.sort(key=lambda item: item[:2])
        count += len(ranked)
        return (valid if not count else []), [problem for *_, problem in ranked], count

    def _reference(
        self, index: int, collection: str, key: str, value: object, extra: str | None = None
    ) -> Iterator[Problem]:
        if not isinstance(value, str):
            return
        known = self.known[collection]
        if known is None:
            self.deferred.append((index, collection, value, extra))
        elif value not in known:
            where = f"facts[{index}].{key}"
            yield Problem(
                f"unknown {_SINGULAR[collection]} {quote(value)}{closest(value, known)}", where
            )

    def _quick(self, fact: dict[str, Any]) -> bool:
        """Whether ``_relations`` would find nothing wrong with ``fact``: the same checks,
        without building messages, for the million facts that are fine."""
        get = fact.get
        known = cast(dict[str, set[str]], self.known)  # all lists are known: see check()
        value, unit = get("value"), get("unit")
        if get("sector") not in known["sectors"] or get("source") not in known["sources"]:
            return False
        if (value is None) != (unit is None):
            return False
        if value is None and (
            get("qualifier", "exact") != "exact" or get("baseline") or get("yoy_pct") is not None
        ):
            return False
        said_by, section, measure = get("said_by"), get("section"), get("measure")
        if said_by is not None and said_by not in known["people"]:
            return False
        if section is not None and section not in self.sections.get(str(get("source")), ()):
            return False
        if measure is not None and (
            measure not in known["measures"] or self.units.get(measure) != unit
        ):
            return False
        terms = get("terms")
        if terms:
            if not isinstance(terms, list) or len(set(terms)) != len(terms):
                return False
            if not known["terms"].issuperset(terms):
                return False
        period = get("period")
        if not isinstance(period, dict):
            return False
        start, end, as_of = period.get("start"), period.get("end"), period.get("as_of")
        if start is None and end is None and as_of is None:
            return False
        for date_text in (start, end, as_of):
            if date_text is None:
                continue
            if not isinstance(date_text, str):
                return False
            if len(date_text) == 10:
                try:
                    date.fromisoformat(date_text)
                except ValueError:
                    return False
        return not (start and end and start[: len(end)] > end[: len(start)])

    def _relations(self, fact: dict[str, Any], index: int) -> Iterator[Problem]:
        at = f"facts[{index}]"
        yield from self._reference(index, "sectors", "sector", fact.get("sector"))
        value = fact.get("value")
        unit = fact.get("unit")
        if (value is None) != (unit is None):
            yield Problem("value and unit go together: give both or neither", f"{at}.unit")
        if value is None:
            for key, unset in (("qualifier", "exact"), ("baseline", None), ("yoy_pct", None)):
                if fact.get(key, unset) != unset:
                    yield Problem(f"{key} needs a value to go with", f"{at}.{key}")
        period = fact.get("period")
        if isinstance(period, dict):
            yield from _period(period, f"{at}.period")
        terms = fact.get("terms")
        if isinstance(terms, list):
            known = self.known["terms"]
            unknown = [
                t for t in terms if isinstance(t, str) and known is not None and t not in known
            ]
            if known is None:
                self.deferred += [(index, "terms", t, None) for t in terms if isinstance(t, str)]
            messages = [f"unknown term {quote(t)}{closest(t, known or ())}" for t in unknown]
            if len(set(map(str, terms))) != len(terms):
                messages.append("a term is listed twice")
            if messages:
                yield Problem(", ".join(messages), f"{at}.terms")
        yield from self._reference(index, "people", "said_by", fact.get("said_by"))
        source = fact.get("source")
        yield from self._reference(index, "sources", "source", source)
        section = fact.get("section")
        if isinstance(section, str) and isinstance(source, str):
            sections = self.sections.get(source)
            if self.known["sources"] is None:
                self.deferred.append((index, "sections", section, source))
            elif sections is not None and section not in sections:
                yield Problem(
                    f"unknown section {quote(section)} of source {quote(source)}"
                    + closest(section, sections),
                    f"{at}.section",
                )
        measure = fact.get("measure")
        yield from self._reference(index, "measures", "measure", measure)
        if isinstance(measure, str) and measure in self.units and isinstance(unit, str):
            expected = self.units[measure]
            if unit != expected:
                yield Problem(
                    f"unit {quote(unit)} is not the unit of measure {quote(measure)} "
                    f"({quote(str(expected))}): the points of a measure share its unit",
                    f"{at}.unit",
                )

    def finish(self, header: dict[str, Any]) -> list[Problem]:
        """Check the references that waited for lists that came after the facts."""
        self._set(header, complete=True)
        problems: list[Problem] = []
        keys = {
            "sectors": "sector",
            "people": "said_by",
            "sources": "source",
            "measures": "measure",
        }
        for index, collection, value, extra in self.deferred:
            if collection == "sections":
                sections = self.sections.get(extra or "")
                if sections is not None and value not in sections:
                    problems.append(
                        Problem(
                            f"unknown section {quote(value)} of source {quote(extra or '')}",
                            f"facts[{index}].section",
                        )
                    )
            elif collection == "terms":
                if value not in (self.known["terms"] or set()):
                    problems.append(
                        Problem(f"unknown term {quote(value)}", f"facts[{index}].terms")
                    )
            else:
                problems += self._reference(index, collection, keys[collection], value)
        self.deferred = []
        return problems


def quote(text: str) -> str:
    """``text`` as Python writes a string literal (as the messages have always shown names)."""
    return repr(text)


def _period(period: dict[str, Any], where: str) -> Iterator[Problem]:
    dates = {key: period.get(key) for key in ("start", "end", "as_of")}
    # A date not in the format is Pydantic's to report; only well-formed ones are compared.
    given = {
        key: value
        for key, value in dates.items()
        if isinstance(value, str) and re.fullmatch(_DATE_PATTERN, value)
    }
    if all(value is None for value in dates.values()):
        yield Problem("a period needs at least one of start, end or as_of", where)
        return
    for key, value in given.items():
        try:
            _calendar(value)
        except ValueError as error:
            yield Problem(inert(str(error)), f"{where}.{key}")
    start, end = given.get("start"), given.get("end")
    if start and end and start[: len(end)] > end[: len(start)]:
        yield Problem(f"start {inert(start)} is after end {inert(end)}", where)


def _order(where: str) -> tuple[int, int]:
    """Sort key of a fact's problem: its index, then where its key stands in the format."""
    index, _, rest = where.removeprefix("facts[").partition("]")
    key = rest.lstrip(".").split(".")[0].split("[")[0]
    rank = FACT_KEYS.index(key) if key in FACT_KEYS else len(FACT_KEYS)
    return (int(index) if index.isdigit() else -1, rank)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the fact-base format, generated from the models."""
    schema = FactBase.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
