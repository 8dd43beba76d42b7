"""The fact-base schema: the Pydantic models are its one definition. They validate a parsed JSON
document strictly (no coercion, no unknown keys), check every cross-reference (a fact's sector,
terms, speaker, source and section exist; ids are unique), and normalise it into plain data with
every key present. The rest of ccifacts reads only that normalised data, so this module (and
Pydantic) is imported only when a fact base has to be validated or its JSON Schema printed."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, get_args

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
    model_validator,
)

from ccifacts.errors import FactBaseError, Problem
from ccifacts.text import inert, normalize

SCHEMA_VERSION = 1

Unit = Literal[
    "USD",
    "RMB",
    "count",
    "percent",
    "days",
    "years",
    "per_week",
    "per_year",
    "times",
    "ordinal",
    "metric_tons",
]
Qualifier = Literal["exact", "more_than", "at_least", "approx", "less_than", "up_to"]
FactKind = Literal["metric", "milestone", "policy", "plan", "target", "profile"]
TermKind = Literal[
    "programme", "policy", "platform", "organisation", "place", "concept", "currency"
]

UNITS: tuple[str, ...] = get_args(Unit)
QUALIFIERS: tuple[str, ...] = get_args(Qualifier)
FACT_KINDS: tuple[str, ...] = get_args(FactKind)
TERM_KINDS: tuple[str, ...] = get_args(TermKind)


def _partial_date(value: str) -> str:
    year, *rest = value.split("-")
    month = int(rest[0]) if rest else 1
    day = int(rest[1]) if len(rest) > 1 else 1
    try:
        date(int(year), month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None
    return value


def _number(value: object) -> int | float:
    # Written by hand so that a wrong type gets one clear message instead of one per union member,
    # and so that bool (a subclass of int) and non-finite floats are refused.
    if type(value) is int:
        return value
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
PartialDate = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"),
    AfterValidator(_partial_date),
]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


def _check_unique(collection: str, value: str, info: ValidationInfo) -> str:
    duplicates = _context(info).get("duplicates", {}).get(collection, {})
    key = value.casefold() if collection == "terms" else value
    if key in duplicates:
        raise ValueError(
            f"duplicate id {value!r}: {duplicates[key]} entries of {collection} use it"
        )
    return value


_SINGULAR = {"sectors": "sector", "people": "person", "sources": "source", "terms": "term"}


def _check_reference(collection: str, value: str, info: ValidationInfo) -> str:
    known = _context(info).get("ids", {}).get(collection)
    if known is not None and value not in known:
        hint = _closest(value, known)
        raise ValueError(f"unknown {_SINGULAR[collection]} {value!r}{hint}")
    return value


def _closest(value: str, known: set[str]) -> str:
    import difflib

    matches = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.6)
    return f" (did you mean: {', '.join(matches)}?)" if matches else ""


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
        return _check_unique(cls._collection, value, info)


class Source(_Listed):
    """A document the facts come from."""

    _collection = "sources"

    id: Slug
    publisher: Name
    title: Name
    subtitle: Name | None = None
    published: PartialDate = Field(
        description="Publication date, ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD)."
    )
    document: Name | None = Field(None, description="File name of the document's text, if kept.")
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")] = "en"
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
    aliases: list[Name] = Field([], validate_default=True)
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


class Baseline(_Strict):
    """The earlier figure a value is compared with (``value`` may be unknown, as in "vs 2015")."""

    value: Number | None = None
    label: Name


class Period(_Strict):
    """When a fact holds: a span (``start``..``end``), a point, or the date it was stated."""

    label: Name
    start: PartialDate | None = None
    end: PartialDate | None = None
    as_of: PartialDate | None = None
    inferred: bool = Field(
        False, description="True when part of the period (such as the year) is inferred."
    )

    @model_validator(mode="after")
    def _has_a_date(self) -> Period:
        if self.start is None and self.end is None and self.as_of is None:
            raise ValueError("a period needs at least one of start, end or as_of")
        if self.start and self.end and self.start[: len(self.end)] > self.end[: len(self.start)]:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class Fact(_Listed):
    """One sourced statement, with its figure when it has one."""

    _collection = "facts"

    id: Slug
    sector: Slug
    kind: FactKind
    label: Name
    value: Number | None = Field(None, description="The figure in base units (USD, not billions).")
    unit: Unit | None = Field(None, validate_default=True)
    qualifier: Qualifier = "exact"
    baseline: Baseline | None = None
    yoy_pct: Number | None = Field(None, description="Year-on-year change in percent, as stated.")
    period: Period
    statement: Prose
    terms: list[TermId] = []
    said_by: Slug | None = None
    source: Slug
    section: Slug | None = None
    headline: bool = False

    @field_validator("sector", "said_by", "source")
    @classmethod
    def _exists(cls, value: str | None, info: ValidationInfo) -> str | None:
        collection = {"sector": "sectors", "said_by": "people", "source": "sources"}
        if value is None:
            return None
        return _check_reference(collection[info.field_name or ""], value, info)

    @field_validator("section")
    @classmethod
    def _section_exists(cls, value: str | None, info: ValidationInfo) -> str | None:
        # `source` is declared before `section`, so it is in info.data if it was valid.
        source = info.data.get("source")
        sections = _context(info).get("sections", {}).get(source)
        if value is not None and sections is not None and value not in sections:
            hint = _closest(value, sections)
            raise ValueError(f"unknown section {value!r} of source {source!r}{hint}")
        return value

    @field_validator("terms")
    @classmethod
    def _terms_exist(cls, value: list[str], info: ValidationInfo) -> list[str]:
        known = _context(info).get("ids", {}).get("terms")
        if known is not None:
            unknown = [term for term in value if term not in known]
            if unknown:
                raise ValueError(
                    ", ".join(f"unknown term {t!r}{_closest(t, known)}" for t in unknown)
                )
        if len(set(value)) != len(value):
            raise ValueError("a term is listed twice")
        return value

    # Checks between keys are made on the later key, against the earlier one in info.data, so
    # they run (and are reported with their path) even when other keys of the fact are wrong.
    @field_validator("unit")
    @classmethod
    def _unit_with_value(cls, unit: str | None, info: ValidationInfo) -> str | None:
        if "value" in info.data and (info.data["value"] is None) != (unit is None):
            raise ValueError("value and unit go together: give both or neither")
        return unit

    @field_validator("qualifier", "baseline", "yoy_pct")
    @classmethod
    def _needs_value(cls, given: object, info: ValidationInfo) -> object:
        unset = None if info.field_name != "qualifier" else "exact"
        if "value" in info.data and info.data["value"] is None and given != unset:
            raise ValueError(f"{info.field_name} needs a value to go with")
        return given


class FactBase(_Strict):
    """A fact base: its sources, sectors, terms and people, and the facts that refer to them."""

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
    facts: list[Fact]


_FACTS = TypeAdapter(list[Fact])
# Facts are validated in chunks: one model per fact for the whole list would hold a second copy
# of a large fact base in memory at once.
_CHUNK = 2000


def _reference_context(document: dict[str, Any]) -> dict[str, Any]:
    """Collect ids from the raw document, leniently, so cross-references can be checked during
    the same validation pass that checks types (and all problems are reported together)."""
    ids: dict[str, set[str]] = {}
    duplicates: dict[str, dict[str, int]] = {}
    sections: dict[str, set[str]] = {}
    for collection in ("sources", "sectors", "terms", "people", "facts"):
        items = document.get(collection)
        raw_ids = [
            item["id"]
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        ]
        ids[collection] = set(raw_ids)
        keys = [i.casefold() for i in raw_ids] if collection == "terms" else raw_ids
        duplicates[collection] = {k: n for k, n in Counter(keys).items() if n > 1}
    sources = document.get("sources")
    for item in sources if isinstance(sources, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            found = item.get("sections")
            sections[item["id"]] = (
                {s["id"] for s in found if isinstance(s, dict) and isinstance(s.get("id"), str)}
                if isinstance(found, list)
                else set()
            )
    owners: dict[str, dict[str, set[str]]] = {}
    for collection in ("sectors", "terms"):
        owners[collection] = {}
        items = document.get(collection)
        for item in items if isinstance(items, list) else []:
            if not (isinstance(item, dict) and isinstance(item.get("id"), str)):
                continue
            aliases = item.get("aliases")
            names = [item["id"], item.get("name"), *(aliases if isinstance(aliases, list) else [])]
            for name in names:
                if isinstance(name, str):
                    owners[collection].setdefault(normalize(name), set()).add(item["id"])
    return {"ids": ids, "duplicates": duplicates, "sections": sections, "owners": owners}


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif "[" in part or part in {"int", "float", "str", "bool"}:
            continue  # a union member or function-validator tag, not a key of the document
        else:
            path += f".{part}" if path else part
    return path


def _problems(error: ValidationError, collection: str = "", first: int = 0) -> list[Problem]:
    """Problems of one validation; for a chunk of ``collection``, item 0 is item ``first``."""
    problems: list[Problem] = []
    for detail in error.errors(include_url=False):
        loc: tuple[int | str, ...] = tuple(detail["loc"])
        if collection:
            index, *rest = loc
            loc = (collection, int(index) + first, *rest)
        kind = detail["type"]
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
        problems.append(Problem(inert(message), inert(_path(loc))))
    return problems


_PATTERNS = {
    r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$": (
        "an id is lowercase letters and digits, in words joined by '.' or '-' "
        "(like aviation.weekly-flights)"
    ),
    r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$": (
        "a term id is letters and digits, in words joined by '-' (like D-ILSTC)"
    ),
    r"\w": "the text needs at least one letter or digit",
    r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$": "a date is written YYYY, YYYY-MM or YYYY-MM-DD",
    r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$": "a language is a code like en or zh-Hans",
}


def _short(value: object) -> str:
    if isinstance(value, dict | list):
        return _json_type(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_HINT = "Fix what is listed; `ccifacts schema` prints the format of a fact base."


def validate(document: object, origin: str) -> dict[str, Any]:
    """Validate a parsed JSON document and return its normalised form, or raise
    ``FactBaseError`` listing every problem found, each with its JSON path. The document's
    list of facts is normalised in place (and so consumed)."""
    if not isinstance(document, dict):
        problem = Problem(f"the document must be a JSON object, not {_json_type(document)}")
        raise FactBaseError(origin, [problem], hint=_HINT)
    context = _reference_context(document)
    problems: list[Problem] = []
    facts = document.get("facts")
    head = {key: value for key, value in document.items() if key != "facts"}
    if isinstance(facts, list):
        head["facts"] = []
    elif "facts" in document:
        head["facts"] = facts
    normalised: dict[str, Any] = {}
    try:
        normalised = FactBase.model_validate(head, context=context).model_dump(by_alias=True)
    except ValidationError as error:
        problems += _problems(error)
    if isinstance(facts, list):
        for start in range(0, len(facts), _CHUNK):
            end = start + _CHUNK
            try:
                valid = _FACTS.validate_python(facts[start:end], context=context)
            except ValidationError as error:
                problems += _problems(error, "facts", start)
            else:
                # Replace the raw facts as they are normalised, so a large base is held once.
                facts[start:end] = _FACTS.dump_python(valid)
        normalised["facts"] = facts
    if problems:
        raise FactBaseError(origin, problems, hint=_HINT)
    return normalised


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the fact-base format, generated from the models."""
    schema = FactBase.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
