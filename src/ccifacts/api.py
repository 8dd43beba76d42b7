"""The Python API, the core's face: ``ccifacts.load()`` returns a ``FactBase`` whose methods answer
every question the command line asks (the CLI is a thin layer over them). Records are typed
(``ccifacts.records``): attributes are the JSON contract's keys and ``to_dict()`` gives exactly
what ``--json`` prints. Names are resolved as people type them (id, name or alias, any case);
a name that leads nowhere raises ``NotFoundError`` with the closest names. Errors are the
``CcifactsError`` family. Compiling and caching happen in ``ccifacts.store``."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ccifacts import db, query, records
from ccifacts.errors import CcifactsError, NotFoundError, OutputError, UsageError
from ccifacts.text import inert, normalize, quoted

if TYPE_CHECKING:
    from ccifacts.build import Progress

T = TypeVar("T")
FactsOf = str | Sequence[str] | None

_LISTINGS = {
    "sectors": ("sector", "ccifacts sectors"),
    "terms": ("term", "ccifacts terms"),
    "people": ("person", "ccifacts people"),
    "sources": ("source", "ccifacts sources"),
    "measures": ("measure", "ccifacts history"),
}


class DamagedCacheError(CcifactsError):
    """A cached database turned out damaged while it was read; it was removed."""


def load(
    path: str | os.PathLike[str] | None = None, *, progress: Progress | None = None
) -> FactBase:
    """The fact base at ``path`` (or ``$CCIFACTS_FACTS``, or the bundled one; ``"-"`` reads
    standard input), validated and compiled (once: later loads of the same bytes reuse the
    compiled database from the cache).

    >>> kb = load()
    >>> kb.get("aviation.weekly-flights").value
    24
    """
    from ccifacts import store

    return FactBase(store.open_base(path, progress=progress), path, progress)


def _many(value: FactsOf) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class FactBase:
    """A compiled fact base, open read-only. Every method asks the database for just what it
    needs, so a lookup costs the same for a hundred facts or a million."""

    def __init__(
        self, opened: Any, option: str | os.PathLike[str] | None, progress: Progress | None
    ) -> None:
        self._opened = opened
        self._option = option
        self._progress = progress

    # --- about the base -----------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The file the fact base was read from (``-`` for standard input)."""
        return Path(self._opened.path)

    @property
    def bundled(self) -> bool:
        return bool(self._opened.bundled)

    @property
    def notes(self) -> list[str]:
        """Things worth saying about how the base was opened (a refused cache directory)."""
        return list(self._opened.notes)

    @property
    def connection(self) -> sqlite3.Connection:
        return self._opened.connection  # type: ignore[no-any-return]

    def _run(self, ask: Callable[[sqlite3.Connection], T]) -> T:
        """Ask the database; a cache entry found damaged is removed and the base compiled again
        (once), so a bad entry is a miss, never a crash."""
        try:
            return ask(self.connection)
        except sqlite3.DatabaseError:
            from ccifacts import store

            if self._opened.entry is None:
                raise
            store.forget(self._opened)
            if str(self._option) == "-":
                raise DamagedCacheError(
                    "the compiled fact base was damaged and has been removed",
                    "Run the command again.",
                ) from None
            self._opened = store.open_base(self._option, progress=self._progress)
            return ask(self.connection)

    def info(self) -> dict[str, Any]:
        """What ``ccifacts info`` reports: where the base is, its counts and sources."""
        from ccifacts import store

        meta = self._run(db.read_meta)
        folder = store.cache_dir()
        return {
            "path": str(self.path),
            "bundled": self.bundled,
            "schema_version": meta.get("schema_version"),
            "counts": self._run(db.counts),
            "sources": [
                {key: source[key] for key in ("id", "publisher", "title", "published")}
                for source in self._run(db.sources)
            ],
            "cache_dir": str(folder) if folder else None,
            "cached": self._opened.entry is not None,
        }

    # --- names ----------------------------------------------------------------------------------

    def _resolve(self, collection: str, name: str) -> str:
        found = self._run(lambda c: db.resolve(c, collection, normalize(name)))
        if found is not None:
            return found
        what, listing = _LISTINGS[collection]
        candidates = self._run(lambda c: db.names(c, collection))
        raise NotFoundError(
            f"no {what} named {quoted(name)}", _hint(normalize(name), candidates, listing)
        )

    def sector(self, name: str) -> records.Sector:
        """The sector whose id, name or alias is ``name`` (case, hyphens and spaces ignored)."""
        sector_id = self._resolve("sectors", name)
        return records.Sector(next(s for s in self._sectors if s["id"] == sector_id))

    def term(self, name: str) -> records.Term:
        """The term whose id, name or alias is ``name``."""
        term_id = self._resolve("terms", name)
        return records.Term(self._run(lambda c: db.terms(c, [term_id]))[0])

    def person(self, name: str) -> records.Person:
        person_id = self._resolve("people", name)
        return records.Person(next(p for p in self._run(db.people) if p["id"] == person_id))

    def source(self, source_id: str) -> records.Source:
        found = self._resolve("sources", source_id)
        return records.Source(next(s for s in self._run(db.sources) if s["id"] == found))

    def measure(self, name: str) -> records.Measure:
        """The measure whose id, name or alias is ``name``, or the measure of the fact with id
        ``name``."""
        measure_id = self._run(lambda c: db.resolve(c, "measures", normalize(name)))
        if measure_id is None:
            fact = self._run(lambda c: db.fact(c, name.strip().lower()))
            if fact is not None and fact["measure"] is not None:
                measure_id = fact["measure"]
        if measure_id is None:
            measure_id = self._resolve("measures", name)
        return records.Measure(next(m for m in self._measures if m["id"] == measure_id))

    # --- facts ------------------------------------------------------------------------------------

    def get(self, fact_id: str) -> records.Fact:
        """The fact with id ``fact_id`` (ids are lowercase; any case is accepted)."""
        if not isinstance(fact_id, str):
            raise TypeError(f"a fact id is a string, not {type(fact_id).__name__}")
        key = fact_id.strip()
        found = self._run(lambda c: db.fact(c, key) or db.fact(c, key.lower()))
        if found is None:
            raise NotFoundError(f"no fact with id {quoted(fact_id)}", self._suggest_id(key.lower()))
        return records.Fact(found)

    def get_many(self, fact_ids: Iterable[str]) -> list[records.Fact]:
        """The facts with these ids, in the order given; the first unknown id raises."""
        return [self.get(fact_id) for fact_id in fact_ids]

    def _suggest_id(self, wanted: str) -> str:
        import difflib

        sector, _, rest = wanted.partition(".")
        sectors = [s["id"] for s in self._sectors]

        def candidates(connection: sqlite3.Connection) -> list[str]:
            found = db.neighbours(connection, wanted, 20)
            if rest:
                # A typo in the sector part: look next to the closest sectors' ids too.
                for close in difflib.get_close_matches(sector, sectors, n=2, cutoff=0.5):
                    found += db.neighbours(connection, f"{close}.{rest}", 20)
            else:
                # No sector part (`weekly-flights`, as history names a measure): look in each.
                for each in sectors:
                    found += db.neighbours(connection, f"{each}.{wanted}", 3)
            return found

        def compared(fact_id: str) -> str:
            return fact_id if rest else fact_id.partition(".")[2]

        ids = list(dict.fromkeys(self._run(candidates)))
        scored = sorted(
            ((difflib.SequenceMatcher(None, wanted, compared(i)).ratio(), i) for i in ids),
            reverse=True,
        )
        best = scored[0][0] if scored else 0.0
        # Only the ids about as close as the closest: a typo of one id names that id.
        close = [i for ratio, i in scored if ratio >= 0.6 and ratio >= best - 0.1][:3]
        if not close:
            return "`ccifacts list` shows them all; `ccifacts search WORDS` finds them by content."
        return f"did you mean: {', '.join(inert(i) for i in close)}?"

    def filters(
        self,
        *,
        sector: FactsOf = None,
        kind: FactsOf = None,
        term: FactsOf = None,
        source: FactsOf = None,
        said_by: FactsOf = None,
        qualifier: FactsOf = None,
        measure: FactsOf = None,
        headline: bool | None = None,
        since: str | None = None,
        until: str | None = None,
        min: float | int | None = None,
        max: float | int | None = None,
    ) -> db.Filters:
        """Filters of facts from names as people type them (each may be one or a list)."""
        from ccifacts.kinds import FACT_KINDS, QUALIFIERS

        for value, allowed, what in (
            (kind, FACT_KINDS, "kind"),
            (qualifier, QUALIFIERS, "qualifier"),
        ):
            for item in _many(value):
                if item.casefold() not in allowed:
                    raise UsageError(
                        f"unknown {what} {quoted(item)}",
                        f"{what.capitalize()}s are: {', '.join(allowed)}.",
                    )
        for date in (since, until):
            if date is not None:
                _check_date(date)
        if (
            since is not None
            and until is not None
            and db.date_key(since, end=False) > db.date_key(until, end=True)
        ):
            raise UsageError(
                f"since {quoted(since)} is after until {quoted(until)}: no period is in between",
                "Swap the two dates.",
            )
        for name, bound in (("min", min), ("max", max)):
            if isinstance(bound, bool) or not isinstance(bound, int | float | None):
                raise TypeError(f"{name} must be a number, not {type(bound).__name__}")
        if min is not None and max is not None and min > max:
            from ccifacts import units

            raise UsageError(
                f"min {units.number(min)} is more than max {units.number(max)}: no value is in "
                "between",
                "Swap the two bounds.",
            )
        return db.Filters(
            sectors=[self._resolve("sectors", s) for s in _many(sector)],
            kinds=[k.casefold() for k in _many(kind)],
            terms=[self._resolve("terms", t) for t in _many(term)],
            sources=[self._resolve("sources", s) for s in _many(source)],
            speakers=[self._resolve("people", p) for p in _many(said_by)],
            qualifiers=[q.casefold() for q in _many(qualifier)],
            measures=[self.measure(m).id for m in _many(measure)],
            headline=headline,
            since=since,
            until=until,
            minimum=min,
            maximum=max,
        )

    def facts(
        self,
        *,
        sort: str | Sequence[str] = (),
        limit: int | None = None,
        where: db.Filters | None = None,
        **filters: Any,
    ) -> list[records.Fact]:
        """Facts, narrowed by the keyword filters of ``filters()`` (``sector="aviation"``,
        ``min=1e9``...), sorted by fields (``"-value"`` for descending), at most ``limit``.

        >>> [f.id for f in load().facts(sector="aviation", sort=["-value"], limit=2)]
        ['aviation.passengers', 'aviation.flight-movements']
        """
        chosen = where if where is not None else self.filters(**filters)
        order = _order([sort] if isinstance(sort, str) else sort)
        limit = _limit(limit)
        return records.Fact.many(self._run(lambda c: db.facts(c, chosen, order=order, limit=limit)))

    def each_fact(
        self,
        *,
        sort: str | Sequence[str] = (),
        where: db.Filters | None = None,
        **filters: Any,
    ) -> Iterator[dict[str, Any]]:
        """The facts of ``facts()`` (all of them), each as the JSON contract has it, read from
        the database as they are taken: printing a base of any size holds a few facts at a
        time. The first is read at once, so a damaged cache entry is found (and compiled
        again) before any is taken."""
        chosen = where if where is not None else self.filters(**filters)
        order = _order([sort] if isinstance(sort, str) else sort)
        return self._each(lambda c: db.each_fact(c, chosen, order=order))

    def count(self, where: db.Filters | None = None, **filters: Any) -> int:
        chosen = where if where is not None else self.filters(**filters)
        return self._run(lambda c: db.count_facts(c, chosen))

    def search(
        self, text: str, *, limit: int | None = None, where: db.Filters | None = None
    ) -> Any:
        """Facts that answer ``text`` (words, a question, numbers), best first: a
        ``ccifacts.search.Result`` whose ``facts`` are records, with the typos it corrected.

        >>> load().search("ILTSC ports").facts[0].id
        'logistics.ilstc-ports'
        """
        from ccifacts.search import Searcher

        limit = _limit(limit)
        result = self._run(lambda c: Searcher(c).search(text, limit=limit, filters=where))
        result.facts = records.Fact.many(result.facts)
        return result

    def each_match(
        self, text: str, *, where: db.Filters | None = None
    ) -> tuple[Any, Iterator[dict[str, Any]]]:
        """Every fact that answers ``text``, best first, read from the database as it is taken
        (printing a search that matches most of a large base holds a few facts at a time): the
        search's result, whose ``facts`` are left empty, and the facts as the JSON contract has
        them."""
        from ccifacts.search import Searcher

        result = self._run(lambda c: Searcher(c).search(text, filters=where, fetch=False))
        return result, self._each(lambda c: db.each_fact_at(c, result.positions))

    def _each(
        self, ask: Callable[[sqlite3.Connection], Iterator[dict[str, Any]]]
    ) -> Iterator[dict[str, Any]]:
        # The first row is read at once, where a damaged cache entry is found and compiled
        # again; past it, output has been written, and the reader is told to run again.
        rows = self._run(lambda c: _started(ask(c)))
        try:
            yield from rows
        except sqlite3.DatabaseError:
            raise DamagedCacheError(
                "the compiled fact base could not be read to the end",
                "Run the command again; if it happens again, remove the cache entry.",
            ) from None

    def timeline(
        self, *, as_of: bool = False, limit: int | None = None, where: db.Filters | None = None
    ) -> list[records.Fact]:
        """Facts with a dated period, in the order they hold (by the end of the period); with
        ``as_of`` also those only stated as of a date."""
        chosen = where or db.Filters()
        limit = _limit(limit)

        def ask(connection: sqlite3.Connection) -> list[dict[str, Any]]:
            if as_of:
                rows = db.facts(connection, chosen)
                rows = [r for r in rows if query.point_date(r)]
                rows.sort(key=lambda r: (*query._when(r),))
                return rows[:limit] if limit is not None else rows
            return db.facts(connection, chosen, dated=True, limit=limit)

        return records.Fact.many(self._run(ask))

    def summary(self) -> list[records.Fact]:
        """The headline figures: the latest point of each headline measure, and the other facts
        marked headline."""
        return records.Fact.many(self._run(query.headline_facts))

    def changes(self, where: db.Filters | None = None) -> list[records.Change]:
        """Every before/after, year-on-year and n-fold figure, with its change."""
        chosen = where or db.Filters()
        return records.Change.many(self._run(lambda c: query.changes(c, chosen)))

    def measure_changes(self, names: Sequence[str] = ()) -> list[records.Change]:
        """From the first point of each measure (or of those named) to its latest: derived."""
        chosen = [self.measure(name).to_dict() for name in names] if names else self._measures
        rows = []
        for measure in chosen:
            points = self._run(lambda c, m=measure: query.history(c, m))  # type: ignore[misc]
            row = query.measure_change(measure, points)
            if row is not None:
                rows.append(row)
        return records.Change.many(rows)

    # --- lists --------------------------------------------------------------------------------

    @cached_property
    def _sectors(self) -> list[dict[str, Any]]:
        return self._run(db.sectors)

    @cached_property
    def _measures(self) -> list[dict[str, Any]]:
        return self._run(db.measures)

    def sectors(self) -> list[records.Sector]:
        return records.Sector.many(self._sectors)

    def terms(self) -> list[records.Term]:
        return records.Term.many(self._run(db.terms))

    def people(self) -> list[records.Person]:
        return records.Person.many(self._run(db.people))

    def sources(self) -> list[records.Source]:
        return records.Source.many(self._run(db.sources))

    def measures(self) -> list[records.Measure]:
        """Every measure with its number of points and its first and latest points."""
        return records.Measure.many(self._run(query.measure_rows))

    def history(self, measure: str) -> list[records.Point]:
        """The points of a measure (a measure id, name or alias, or a fact id of it), oldest
        first; points that disagree list each other in ``conflict``."""
        found = self.measure(measure).to_dict()
        return records.Point.many(self._run(lambda c: query.history(c, found)))

    def cite(self, fact_id: str, style: str = "plain") -> dict[str, Any]:
        """A citation of the source of a fact, as ``cite --json`` gives it (its text is under
        ``citation``)."""
        from ccifacts import citation

        fact = self.get(fact_id).to_dict()
        lookups = self.lookups()
        text = citation.cite(lookups, fact, style)
        return citation.as_record(lookups, fact, style, text)

    def lookups(self) -> Lookups:
        """The small lists of the base by id, as the renderers of cards and citations use them."""
        return Lookups(self)

    def find_measure(self, text: str) -> records.Measure:
        """The measure ``text`` names (an id, name or alias, or a fact id of it), else the
        measure of the best search hit that has one."""
        try:
            return self.measure(text)
        except NotFoundError as error:
            for fact in self.search(text, limit=20).facts:
                if fact.measure is not None:
                    return self.measure(fact.measure)
            raise error from None

    def suggest_terms(self, text: str, count: int = 3) -> list[str]:
        """Term ids whose names are close to words of ``text`` (for a search that found
        nothing)."""
        import difflib

        names = self._run(lambda c: db.names(c, "terms"))
        keys = [key for key, _ in names]
        found: list[str] = []
        for word in normalize(text).split():
            for key in difflib.get_close_matches(word, keys, n=2, cutoff=0.7):
                term = dict(names)[key]
                if term not in found:
                    found.append(term)
        return found[:count]

    def export_sqlite(self, destination: str | os.PathLike[str]) -> None:
        """Write the fact base to a new standalone SQLite database (facts, sectors, terms,
        people, sources, measures, the fact-term links and a full-text index that Datasette's
        search box uses)."""
        if os.fspath(destination) == "-":
            raise UsageError(
                "an SQLite database cannot be written to standard output",
                "Give a file name: ccifacts export --sqlite cci.db",
            )
        target = Path(destination)
        shown = inert(str(target))
        if target.exists() or target.is_symlink():
            raise UsageError(f"{shown} already exists", "Choose a new file name.")
        if not target.parent.is_dir():
            raise OutputError(
                f"cannot write {shown}: there is no folder {inert(str(target.parent))}",
                "Create the folder first, or choose another path.",
            )
        # Written beside the target and renamed into place, so an export that fails or is
        # interrupted leaves no half-written database under the name asked for.
        temporary = target.with_name(f".{target.name}.{os.getpid()}.ccifacts-export")
        try:
            self._run(lambda c: db.export(c, os.fspath(temporary)))
            if target.exists():
                raise UsageError(f"{shown} already exists", "Choose a new file name.")
            temporary.replace(target)
        except (db.WriteError, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            raise OutputError(
                f"cannot write {shown}: {inert(str(reason)).lower()}",
                "Check that the folder can be written and has room.",
            ) from None
        finally:
            temporary.unlink(missing_ok=True)


class Lookups:
    """The small lists of a fact base (sectors, terms, people, sources) by id, for the cards,
    citations and completion; facts are asked for only as needed."""

    def __init__(self, base: FactBase) -> None:
        self._base = base
        self.path = base.path

    @cached_property
    def sectors(self) -> list[dict[str, Any]]:
        return self._base._run(db.sectors)

    @cached_property
    def terms(self) -> list[dict[str, Any]]:
        return self._base._run(db.terms)

    @cached_property
    def people(self) -> list[dict[str, Any]]:
        return self._base._run(db.people)

    @cached_property
    def sources(self) -> list[dict[str, Any]]:
        return self._base._run(db.sources)

    @cached_property
    def measures(self) -> list[dict[str, Any]]:
        return self._base._measures

    @property
    def facts(self) -> list[dict[str, Any]]:
        return self._base._run(lambda c: db.facts(c, db.Filters()))

    @cached_property
    def sectors_by_id(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.sectors}

    @cached_property
    def terms_by_id(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.terms}

    @cached_property
    def people_by_id(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.people}

    @cached_property
    def sources_by_id(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.sources}

    @cached_property
    def measures_by_id(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.measures}

    def facts_with_term(self, term_id: str) -> list[dict[str, Any]]:
        return self._base._run(lambda c: db.facts(c, db.Filters(terms=[term_id])))

    def fact_ids(self, prefix: str, limit: int = 200) -> list[tuple[str, str]]:
        """(id, label) of facts whose id starts with ``prefix``."""
        return self._base._run(lambda c: db.ids_with_prefix(c, prefix, limit))


def _started(rows: Iterator[T]) -> Iterator[T]:
    """``rows`` with its first item already read (reading it is what may fail)."""
    import itertools

    first = list(itertools.islice(rows, 1))
    return itertools.chain(first, rows)


def _limit(limit: int | None) -> int | None:
    """``limit`` checked; one larger than SQLite can count to (no base holds that many) is all."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit must be a whole number or None, not {type(limit).__name__}")
    if limit < 0:
        raise UsageError(f"limit {limit} is negative", "Give 0 or more, or None for all.")
    return None if limit >= 1 << 62 else limit


def _check_date(text: str) -> None:
    import re
    from datetime import date

    if not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", text):
        raise UsageError(f"not a date: {quoted(text)}", "Write YYYY, YYYY-MM or YYYY-MM-DD.")
    try:
        date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
    except ValueError:
        raise UsageError(
            f"not a calendar date: {quoted(text)}", "Write YYYY, YYYY-MM or YYYY-MM-DD."
        ) from None


def _order(sort: Sequence[str]) -> list[tuple[str, bool]]:
    order = []
    for name in sort:
        descending = name.startswith("-")
        field = name.lstrip("-+").strip().casefold()
        if field not in db.SORT_COLUMNS:
            import difflib

            close = difflib.get_close_matches(field, db.SORT_COLUMNS, n=1)
            hint = (
                f"did you mean: {close[0]}?" if close else f"Sort by: {', '.join(db.SORT_COLUMNS)}."
            )
            raise UsageError(f"cannot sort by {quoted(name)}", hint)
        order.append((field, descending))
    return order


def _hint(name: str, candidates: list[tuple[str, str]], listing: str) -> str:
    """A hint naming the ids of the records whose names are closest to ``name``."""
    import difflib

    scored = []
    for key, record_id in candidates:
        matcher = difflib.SequenceMatcher(None, name, key)
        if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5:
            scored.append((matcher.ratio(), key, record_id))
    best = max((score for score, _, _ in scored), default=0.0)
    # Only the names about as close as the closest: a typo of one id should name that id.
    close = sorted((item for item in scored if item[0] >= best - 0.1), key=lambda i: -i[0])
    ids = list(dict.fromkeys(record_id for _, _, record_id in close))[:3]
    if not ids:
        return f"`{listing}` shows them all."
    return f"did you mean: {', '.join(inert(i) for i in ids)}?"
