"""The fact base as the program reads it: the normalised data the models dumped (plain dicts and
lists, every key present), with indexes built on first use and lookups that resolve a user's
words (an id, a name, an alias, in any case, with or without hyphens) to records. Lookups that
fail raise ``NotFoundError`` with the closest names as the hint."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from ccifacts.errors import NotFoundError
from ccifacts.text import inert, normalize, quoted

Record = dict[str, Any]


class FactBase:
    """A validated, normalised fact base and where it came from."""

    def __init__(self, data: Record, path: Path) -> None:
        self.path = path
        self.sources: list[Record] = data["sources"]
        self.sectors: list[Record] = data["sectors"]
        self.terms: list[Record] = data["terms"]
        self.people: list[Record] = data["people"]
        self.facts: list[Record] = data["facts"]
        self.schema_version: int = data["schema_version"]

    @cached_property
    def facts_by_id(self) -> dict[str, Record]:
        return {fact["id"]: fact for fact in self.facts}

    @cached_property
    def sectors_by_id(self) -> dict[str, Record]:
        return {sector["id"]: sector for sector in self.sectors}

    @cached_property
    def terms_by_id(self) -> dict[str, Record]:
        return {term["id"]: term for term in self.terms}

    @cached_property
    def people_by_id(self) -> dict[str, Record]:
        return {person["id"]: person for person in self.people}

    @cached_property
    def sources_by_id(self) -> dict[str, Record]:
        return {source["id"]: source for source in self.sources}

    @cached_property
    def _sector_names(self) -> dict[str, Record]:
        return _names(self.sectors)

    @cached_property
    def _term_names(self) -> dict[str, Record]:
        return _names(self.terms)

    @cached_property
    def _person_names(self) -> dict[str, Record]:
        return {
            normalize(k): person for person in self.people for k in (person["id"], person["name"])
        }

    @cached_property
    def _source_names(self) -> dict[str, Record]:
        return {normalize(source["id"]): source for source in self.sources}

    def sector(self, name: str) -> Record:
        """The sector whose id, name or alias is ``name`` (case, hyphens and spaces ignored)."""
        return _resolve(name, self._sector_names, "sector", "ccifacts sectors")

    def term(self, name: str) -> Record:
        """The term whose id, name or alias is ``name``."""
        return _resolve(name, self._term_names, "term", "ccifacts terms")

    def person(self, name: str) -> Record:
        """The person whose id or name is ``name``."""
        return _resolve(name, self._person_names, "person", "ccifacts people")

    def source(self, source_id: str) -> Record:
        """The source with id ``source_id``."""
        return _resolve(source_id, self._source_names, "source", "ccifacts sources")

    def fact(self, fact_id: str) -> Record:
        """The fact with id ``fact_id`` (exactly, or case-insensitively if that is unambiguous)."""
        found = self.facts_by_id.get(fact_id)
        if found is not None:
            return found
        folded = [f for f in self.facts if f["id"].casefold() == fact_id.casefold()]
        if len(folded) == 1:
            return folded[0]
        raise NotFoundError(
            f"no fact with id {quoted(fact_id)}",
            _suggest(fact_id, self.facts_by_id, "ccifacts list"),
        )

    def facts_of_sector(self, sector_id: str) -> list[Record]:
        return [fact for fact in self.facts if fact["sector"] == sector_id]

    def facts_with_term(self, term_id: str) -> list[Record]:
        return [fact for fact in self.facts if term_id in fact["terms"]]


def _names(records: list[Record]) -> dict[str, Record]:
    return {
        normalize(key): record
        for record in records
        for key in (record["id"], record["name"], *record["aliases"])
    }


def _resolve(name: str, index: dict[str, Record], what: str, listing: str) -> Record:
    key = normalize(name)
    found = index.get(key)
    if found is None:
        raise NotFoundError(f"no {what} named {quoted(name)}", _suggest(key, index, listing))
    return found


def _suggest(name: str, index: dict[str, Record], listing: str) -> str:
    """A hint naming the ids of the records whose keys are closest to ``name``."""
    import difflib

    scored = []
    for key in index:
        matcher = difflib.SequenceMatcher(None, name, key)
        if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5:
            scored.append((matcher.ratio(), key))
    best = max((score for score, _ in scored), default=0.0)
    # Only the names about as close as the closest: a typo of one id should name that id.
    close = sorted((item for item in scored if item[0] >= best - 0.1), key=lambda i: -i[0])
    ids = list(dict.fromkeys(index[key]["id"] for _, key in close))[:3]
    if not ids:
        return f"`{listing}` shows them all."
    return f"did you mean: {', '.join(inert(i) for i in ids)}?"
