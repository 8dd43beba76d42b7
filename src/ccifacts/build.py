"""Compiling a fact base: the loader's stream of top-level values and fact batches goes through the
models (``ccifacts.model``) and, once valid, into the database (``ccifacts.db.Writer``), batch by
batch, so memory stays flat however many facts there are. Every problem is collected with its
JSON path, up to ``MAX_PROBLEMS``; after that they are only counted, so a hostile file of a million
broken facts ends in bounded time and memory with one ``FactBaseError`` that says how many more
there were. Nothing invalid is ever committed: the caller discards the database on error."""

from __future__ import annotations

import gc
import sqlite3
import sys
import threading
from dataclasses import dataclass, field
from typing import IO, Any

from ccifacts import db, loader
from ccifacts.errors import FactBaseError, Problem

MAX_PROBLEMS = 1000
"""Problems listed in one report; the rest are counted."""


class Handover:
    """While compiles with a writing thread run, the interpreter is handed from thread to thread
    every ``interval`` seconds: the writing thread wants it back after every SQLite statement,
    and the parsing thread would keep it for the whole default interval (5 ms) each time, so
    SQLite, the slower of the two, waited (0.6 s of a 100,000-fact compile). The process's own
    interval is restored when the last compile ends (compiles may run at once, in several
    threads), and is never raised."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._running = 0
        self._saved: float | None = None

    def begin(self) -> None:
        """A compile with a writing thread begins."""
        with self._lock:
            if self._running == 0:
                saved = sys.getswitchinterval()
                self._saved = saved if saved > self.interval else None
                if self._saved is not None:
                    sys.setswitchinterval(self.interval)
            self._running += 1

    def end(self) -> None:
        """A compile that began ends, well or not."""
        with self._lock:
            self._running -= 1
            if self._running == 0 and self._saved is not None:
                sys.setswitchinterval(self._saved)
                self._saved = None


HANDOVER = Handover(0.0005)


class Progress:
    """What a long compile reports, for a progress bar: bytes read of ``total`` (None when
    unknown, as in a pipe), facts validated, and the stage (reading, indexing)."""

    def start(self, total: int | None) -> None:
        """Compiling begins; ``total`` bytes are to be read."""

    def read(self, size: int, facts: int) -> None:
        """``size`` more bytes were read; ``facts`` facts are validated so far."""

    def stage(self, name: str) -> None:
        """A new stage begins (its name is a phrase: "indexing 100,000 facts")."""

    def stop(self) -> None:
        """Compiling ended, well or not."""


@dataclass
class _Problems:
    """Problems found so far: the first ``MAX_PROBLEMS`` kept, the rest counted."""

    refused: list[Problem] = field(default_factory=list)
    header: list[Problem] = field(default_factory=list)
    schema: list[Problem] = field(default_factory=list)
    more: int = 0

    @property
    def kept(self) -> int:
        return len(self.refused) + len(self.header) + len(self.schema)

    @property
    def room(self) -> bool:
        return self.kept < MAX_PROBLEMS

    def add(self, problems: list[Problem], *, refused: bool = False, header: bool = False) -> None:
        space = max(0, MAX_PROBLEMS - self.kept)
        target = self.refused if refused else self.header if header else self.schema
        target.extend(problems[:space])
        self.more += max(0, len(problems) - space)

    def __bool__(self) -> bool:
        return bool(self.kept or self.more)

    def error(self, origin: str) -> FactBaseError:
        from ccifacts import model

        # The lists come before the facts, as in a document; a value the parser refused is not
        # reported again by the schema.
        seen = {problem.path for problem in self.refused}
        rest = [p for p in self.header + self.schema if p.path not in seen or not p.path]
        hint = model.HINT if rest or not self.refused else loader.REFUSED_HINT
        return FactBaseError(origin, self.refused + rest, hint=hint, more=self.more)


def compile_into(
    connection: sqlite3.Connection,
    handle: IO[bytes],
    origin: str,
    *,
    digest: Any | None = None,
    progress: Progress | None = None,
    total: int | None = None,
    threaded: bool = False,
) -> dict[str, Any]:
    """Read, validate and compile the fact base from ``handle`` into the empty database of
    ``connection``; its meta data, or ``FactBaseError`` listing the problems. ``digest`` (a
    hash object) is fed every byte read, and its hex digest is recorded as the database's key.
    ``threaded``: ``connection`` may be used from another thread (``check_same_thread=False``),
    so SQLite writes while the next batch is parsed."""
    from ccifacts import model

    report = progress or Progress()
    report.start(total)
    facts = 0
    reader = loader.Reader(
        handle,
        origin,
        digest=digest.update if digest is not None else None,
        progress=lambda size: report.read(size, facts),
    )
    writer = db.Writer(connection, threaded=threaded)
    header: dict[str, Any] = {}
    problems = _Problems()
    checker: model.FactChecker | None = None
    was_enabled = gc.isenabled()
    # Parsing allocates many containers that live for a batch; the cyclic collector would rescan
    # them again and again. They hold no cycles.
    gc.disable()
    if threaded:
        HANDOVER.begin()
    try:
        for event in reader.events():
            if isinstance(event, loader.Header):
                problems.add(event.problems, refused=True)
                header[event.key] = event.value
                continue
            if checker is None:
                checker = model.FactChecker(header, complete=False)
                if all(key in header for key in model.COLLECTIONS):
                    writer.texts = db.SearchTexts(header)
            problems.add(event.problems, refused=True)
            valid, found, count = checker.check(event.items, event.first, collect=problems.room)
            if found or count:
                problems.add(found)
                problems.more += count - len(found)
            elif valid and not problems:
                # Once anything is wrong the database is given up: writing more is no use, and
                # a fact whose value the parser refused must not reach it as the text wrote it.
                writer.add_facts(event.first, event.texts, valid)
            facts = event.first + len(event.items)
        lists, found = model.validate_header(header, facts_seen=reader.saw_facts)
        problems.add(found, header=True)
        if checker is None:
            checker = model.FactChecker(header, complete=True)
        problems.add(checker.finish(header))
        writer.flush()
        if writer.has_duplicate_ids():
            problems.add(
                [
                    Problem(
                        f"duplicate id {model.quote(fact_id)}: {count} entries of facts use it",
                        f"facts[{index}].id",
                    )
                    for index, fact_id, count in writer.duplicate_ids(MAX_PROBLEMS)
                ]
            )
        if problems:
            raise problems.error(origin)
        report.stage(f"indexing {writer.facts:,} facts")
        writer.add_lists(lists)
        meta = {"facts": writer.facts, "schema_version": lists["schema_version"]}
        if digest is not None:
            meta["key"] = digest.hexdigest()
        writer.finish(lists, meta)
        return meta
    finally:
        try:
            writer.flush_quietly()
        finally:
            if threaded:
                HANDOVER.end()
            if was_enabled:
                gc.enable()
            report.stop()
