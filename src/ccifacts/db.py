"""The database: the one module that knows the SQLite schema of a compiled fact base and writes
SQL. A fact base is compiled once (``Writer``: validated records in, tables, indexes and an FTS5
index out) into a file that is never changed afterwards and is opened read-only; every question a
command asks is one of the functions below, each asking the database only for the rows it needs.
Rows come back as the plain records of the JSON contract (``fact_record`` and friends). Also
writes the standalone export (``export``) that sqlite3, sqlite-utils and Datasette open."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

FORMAT = 3
"""Version of the schema below; a compiled base of another version is never read."""

# Search columns and their weights in the ranking: the fact's own id and label first, then the
# names of its terms and measure, its sector, its speaker and source, then its statement.
FTS_COLUMNS = ("id", "label", "names", "sector", "speaker", "statement")
FTS_WEIGHTS = (10.0, 8.0, 4.0, 2.0, 2.0, 1.0)
TOKENIZER = "porter unicode61 remove_diacritics 2"

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE sources (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, publisher TEXT NOT NULL,
    title TEXT NOT NULL, subtitle TEXT, published TEXT NOT NULL, url TEXT, kind TEXT NOT NULL,
    document TEXT, language TEXT NOT NULL, coverage TEXT NOT NULL, coverage_note TEXT,
    sections TEXT NOT NULL, inferred TEXT NOT NULL, fact_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sectors (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    aliases TEXT NOT NULL, description TEXT NOT NULL, search TEXT NOT NULL,
    fact_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE terms (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,
    aliases TEXT NOT NULL, definition TEXT NOT NULL, background TEXT, search TEXT NOT NULL
);
CREATE TABLE people (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    roles TEXT NOT NULL, search TEXT NOT NULL
);
CREATE TABLE measures (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    aliases TEXT NOT NULL, unit TEXT NOT NULL, description TEXT NOT NULL,
    headline INTEGER NOT NULL, search TEXT NOT NULL
);
CREATE TABLE synonyms (grp INTEGER NOT NULL, word TEXT NOT NULL, PRIMARY KEY (word, grp))
    WITHOUT ROWID;
CREATE TABLE names (collection TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (collection, key)) WITHOUT ROWID;
CREATE TABLE facts (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL, sector TEXT NOT NULL, kind TEXT NOT NULL,
    label TEXT NOT NULL, value, unit TEXT, qualifier TEXT NOT NULL, baseline_value,
    baseline_label TEXT, yoy_pct, period_label TEXT NOT NULL, period_start TEXT,
    period_end TEXT, period_as_of TEXT, period_inferred INTEGER NOT NULL,
    statement TEXT NOT NULL, terms TEXT NOT NULL, said_by TEXT, source TEXT NOT NULL,
    section TEXT, headline INTEGER NOT NULL, measure TEXT,
    dated INTEGER NOT NULL, date_end TEXT NOT NULL, date_start TEXT NOT NULL
);
CREATE TABLE fact_terms (fact INTEGER NOT NULL, term TEXT NOT NULL, PRIMARY KEY (fact, term))
    WITHOUT ROWID;
CREATE VIRTUAL TABLE facts_fts USING fts5(
    {", ".join(FTS_COLUMNS)}, content='', tokenize='{TOKENIZER}'
);
CREATE TABLE words (word TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
"""

# Built once every fact is in: one pass over a finished table is faster than keeping indexes
# up to date row by row.
INDEXES = """
CREATE UNIQUE INDEX facts_by_id ON facts (id);
CREATE INDEX facts_by_sector ON facts (sector, position);
CREATE INDEX facts_by_source ON facts (source, position);
CREATE INDEX facts_by_measure ON facts (measure, date_end, position) WHERE measure IS NOT NULL;
CREATE INDEX facts_by_speaker ON facts (said_by, position) WHERE said_by IS NOT NULL;
CREATE INDEX facts_by_date ON facts (date_end, date_start, position) WHERE dated;
CREATE INDEX facts_headline ON facts (position) WHERE headline;
CREATE INDEX facts_by_value ON facts (value) WHERE value IS NOT NULL;
CREATE INDEX facts_by_baseline ON facts (baseline_value) WHERE baseline_value IS NOT NULL;
CREATE INDEX facts_by_change ON facts (yoy_pct) WHERE yoy_pct IS NOT NULL;
CREATE INDEX fact_terms_by_term ON fact_terms (term, fact);
"""

AGGREGATES = """
UPDATE sectors SET fact_count = (SELECT count(*) FROM facts WHERE facts.sector = sectors.id);
UPDATE sources SET fact_count = (SELECT count(*) FROM facts WHERE facts.source = sources.id);
CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, facts_fts, row);
INSERT INTO words SELECT term, doc FROM temp.vocabulary WHERE term NOT GLOB '*[0-9]*';
"""

_SELECT_FACT = (
    "SELECT id, sector, kind, label, value, unit, qualifier, baseline_value, baseline_label, "
    "yoy_pct, period_label, period_start, period_end, period_as_of, period_inferred, statement, "
    "terms, said_by, source, section, headline, measure FROM facts"
)

# A fact's row, made by SQLite from the fact's JSON text as the document writes it (the models
# validated it as parsed: strict types, nothing coerced, so the text says exactly what they
# passed). Doing it in SQL keeps the interpreter free to parse the next batch meanwhile.
# A batch goes in as few statements, each staging many facts as the parameters of its VALUES
# rows: a statement per fact would hand the interpreter's lock back and forth with the parsing
# thread for every row. Each row is (position, fact, names, sector, speaker): the fact's JSON
# text and the keys of its search texts in temp.search_texts (a base repeats a few of them, so
# each is passed once). Binding the texts is a copy; the one JSON array of a batch that
# json_each split instead cost SQLite a parse and a rewrite of every fact (0.9 s of 100,000).
_STAGE_WIDTH = 5
_STAGE = "INSERT INTO temp.staging (position, doc, names, sector, speaker) VALUES "
_FACTS_FROM_STAGE = """
INSERT INTO facts (position, id, sector, kind, label, value, unit, qualifier, baseline_value,
    baseline_label, yoy_pct, period_label, period_start, period_end, period_as_of,
    period_inferred, statement, terms, said_by, source, section, headline, measure, dated,
    date_end, date_start)
SELECT position, id, sector, kind, label, value, unit, qualifier, baseline_value, baseline_label,
    yoy_pct, period_label, p_start, p_end, p_as_of, inferred, statement, terms, said_by, source,
    section, headline, measure,
    p_start IS NOT NULL OR p_end IS NOT NULL,
    CASE length(last) WHEN 4 THEN last || '-12-31' WHEN 7 THEN last || '-31'
        ELSE coalesce(last, '') END,
    CASE length(first) WHEN 4 THEN first || '-01-01' WHEN 7 THEN first || '-01'
        ELSE coalesce(first, '') END
FROM (
    SELECT *, coalesce(p_end, p_start, p_as_of) AS last,
        coalesce(p_start, p_end, p_as_of) AS first
    FROM (
        SELECT position,
            json_extract(doc, '$.id') AS id,
            json_extract(doc, '$.sector') AS sector,
            json_extract(doc, '$.kind') AS kind,
            json_extract(doc, '$.label') AS label,
            json_extract(doc, '$.value') AS value,
            json_extract(doc, '$.unit') AS unit,
            coalesce(json_extract(doc, '$.qualifier'), 'exact') AS qualifier,
            json_extract(doc, '$.baseline.value') AS baseline_value,
            json_extract(doc, '$.baseline.label') AS baseline_label,
            json_extract(doc, '$.yoy_pct') AS yoy_pct,
            json_extract(doc, '$.period.label') AS period_label,
            json_extract(doc, '$.period.start') AS p_start,
            json_extract(doc, '$.period.end') AS p_end,
            json_extract(doc, '$.period.as_of') AS p_as_of,
            coalesce(json_extract(doc, '$.period.inferred'), 0) AS inferred,
            json_extract(doc, '$.statement') AS statement,
            coalesce(json_extract(doc, '$.terms'), '[]') AS terms,
            json_extract(doc, '$.said_by') AS said_by,
            json_extract(doc, '$.source') AS source,
            json_extract(doc, '$.section') AS section,
            coalesce(json_extract(doc, '$.headline'), 0) AS headline,
            json_extract(doc, '$.measure') AS measure
        FROM temp.staging
    )
)
"""
# From the facts' rows, whose terms are a short array, rather than from their whole texts again.
_TERMS_FROM_STAGE = """
INSERT OR IGNORE INTO fact_terms (fact, term)
SELECT f.position, item.value FROM facts AS f, json_each(f.terms) AS item
WHERE f.position >= (SELECT min(position) FROM temp.staging) AND f.terms != '[]'
"""
_SEARCH_FROM_STAGE = """
INSERT INTO facts_fts (rowid, id, label, names, sector, speaker, statement)
SELECT f.position, f.id, f.label, n.text, s.text, p.text, f.statement
FROM temp.staging AS staged
JOIN facts AS f ON f.position = staged.position
JOIN temp.search_texts AS n ON n.key = staged.names
JOIN temp.search_texts AS s ON s.key = staged.sector
JOIN temp.search_texts AS p ON p.key = staged.speaker
"""

Record = dict[str, Any]


class DatabaseError(Exception):
    """The database file is damaged or not one of ours (sqlite3 said so)."""


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def date_key(partial: str, *, end: bool) -> str:
    """Sortable full date of a partial ISO date: a year or a month ends late when ``end``."""
    if len(partial) == 4:
        return f"{partial}-12-31" if end else f"{partial}-01-01"
    if len(partial) == 7:
        return f"{partial}-31" if end else f"{partial}-01"
    return partial


def _values(width: int, rows: int) -> str:
    """A VALUES list of ``rows`` rows of ``width`` parameters each."""
    row = "(" + ", ".join("?" * width) + ")"
    return ", ".join([row] * rows)


def _search_text(*parts: str | None) -> str:
    return " / ".join(part for part in parts if part)


class SearchTexts:
    """What a fact is found by besides its own words: the names and aliases of its terms and
    measure, of its sector, its speaker's name and roles, and its source's publisher, joined
    once per distinct combination (a base repeats them). Read leniently from lists not yet
    validated: a wrong one fails validation anyway."""

    def __init__(self, lists: dict[str, Any]) -> None:
        def records(key: str) -> list[dict[str, Any]]:
            found = lists.get(key)
            return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []

        def texts(key: str, *fields: str) -> dict[Any, str]:
            found = {}
            for record in records(key):
                parts: list[object] = []
                for name in fields:
                    value = record.get(name)
                    parts += value if isinstance(value, list) else [value]
                found[record.get("id")] = _search_text(*(p for p in parts if isinstance(p, str)))
            return found

        self.terms = texts("terms", "id", "name", "aliases")
        self.measures = texts("measures", "name", "aliases")
        self.sectors = texts("sectors", "id", "name", "aliases")
        self.people = texts("people", "name", "roles")
        self.publishers = texts("sources", "publisher")
        self._names: dict[tuple[tuple[str, ...], str | None], str] = {}

    def columns(self, fact: dict[str, Any]) -> tuple[str, str, str]:
        """The names, sector and speaker columns of a validated fact's row in the index."""
        terms = tuple(fact.get("terms", ()))
        measure = fact.get("measure")
        names = self._names.get((terms, measure))
        if names is None:
            names = " / ".join(
                [self.terms.get(t, t) for t in terms] + [self.measures.get(measure, "")]
            )
            if len(self._names) < 10_000:  # a base repeats a few sets; bound the memo
                self._names[(terms, measure)] = names
        speaker = self.people.get(fact.get("said_by"), "")
        return (
            names,
            self.sectors.get(fact["sector"], ""),
            f"{speaker} / {self.publishers.get(fact['source'], '')}",
        )


class Writer:
    """Compiles a fact base into the (new, empty) database of ``connection``: facts arrive in
    batches as they are validated, as the JSON texts the document writes them in, and a thread
    of its own has SQLite make their rows and their search index (SQLite works without holding
    the interpreter, so this overlaps with parsing the next batch); the lists come once at the
    end, then the indexes and the counts are built and the database is marked complete. The
    search index is filled batch by batch once ``texts`` (from the lists as the document has
    them before its facts) are known; else at the end. Without ``threaded`` (a connection that may
    only be used by the thread that made it) the facts are written as they come."""

    def __init__(self, connection: sqlite3.Connection, *, threaded: bool = False) -> None:
        import queue
        import threading

        self.connection = connection
        self.facts = 0
        self.texts: SearchTexts | None = None
        self._text_keys: dict[str, int] = {}
        self._indexed = 0
        self._jobs: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=3)
        self._failure: BaseException | None = None
        # Facts staged by one statement: as many as SQLite takes parameters for, up to a batch.
        limit = connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._chunk = max(1, min(2000, limit // _STAGE_WIDTH))
        self.connection.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
            "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"
        )
        self.connection.executescript(SCHEMA)
        # FTS5 merges its index's segments as it grows, four of a size at a time by default;
        # sixteen at a time rewrites the index fewer times while it is built (0.2 s less at
        # 100,000 facts, 2.7 s at 1,000,000) and leaves three times as many segments for a
        # search to read (36 at 1,000,000 facts: two-word searches take 10 ms more).
        for option, value in (("automerge", 16), ("crisismerge", 64)):
            self.connection.execute(
                "INSERT INTO facts_fts (facts_fts, rank) VALUES (?, ?)", (option, value)
            )
        self.connection.executescript(
            "CREATE TEMP TABLE staging (position INTEGER PRIMARY KEY, doc TEXT NOT NULL, "
            "names INTEGER, sector INTEGER, speaker INTEGER);"
            "CREATE TEMP TABLE search_texts (key INTEGER PRIMARY KEY, text TEXT NOT NULL);"
        )
        self.connection.execute("BEGIN")
        self._thread = threading.Thread(target=self._work, name="ccifacts-writer", daemon=True)
        self._threaded = threaded
        if threaded:
            self._thread.start()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._failure is not None:
                continue
            try:
                self._write(*job)
            except BaseException as error:  # re-raised by flush(), in the compiling thread
                self._failure = error

    def _write(self, rows: list[Any], new: list[tuple[int, str]], index: bool) -> None:
        execute = self.connection.execute
        if new:
            self.connection.executemany("INSERT INTO temp.search_texts VALUES (?, ?)", new)
        step = self._chunk * _STAGE_WIDTH
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            execute(_STAGE + _values(_STAGE_WIDTH, len(chunk) // _STAGE_WIDTH), chunk)
        execute(_FACTS_FROM_STAGE)
        execute(_TERMS_FROM_STAGE)
        if index:
            execute(_SEARCH_FROM_STAGE)
        execute("DELETE FROM temp.staging")

    def add_facts(self, first: int, texts: Sequence[str], facts: Sequence[dict[str, Any]]) -> None:
        """Insert validated facts, the first at document index ``first``: ``texts`` are their
        JSON texts as the document writes them, ``facts`` as parsed."""
        index = self.texts is not None and self._indexed == self.facts
        rows: list[Any] = []
        new: list[tuple[int, str]] = []
        for position, (text, fact) in enumerate(zip(texts, facts, strict=True), first):
            rows += (position, text, *(self._keys(fact, new) if index else (0, 0, 0)))
        if index:
            self._indexed += len(texts)
        self.facts += len(texts)
        if self._threaded:
            self._jobs.put((rows, new, index))
        else:
            self._write(rows, new, index)

    def _keys(self, fact: dict[str, Any], new: list[tuple[int, str]]) -> tuple[int, int, int]:
        """The keys of a fact's search texts (new texts are added to ``new``)."""
        names, sector, speaker = self.texts.columns(fact) if self.texts else ("", "", "")
        return (self._key(names, new), self._key(sector, new), self._key(speaker, new))

    def _key(self, text: str, new: list[tuple[int, str]]) -> int:
        key = self._text_keys.get(text)
        if key is None:
            key = self._text_keys[text] = len(self._text_keys)
            new.append((key, text))
        return key

    def flush_quietly(self) -> None:
        """Stop the writing thread, whatever happened (the database is being given up)."""
        if self._thread.is_alive():
            self._failure = self._failure or RuntimeError("compiling was given up")
            self._jobs.put(None)
            self._thread.join()

    def flush(self) -> None:
        """Wait for the facts to be written (and raise what writing them raised)."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        if self._failure is not None:
            raise self._failure

    def duplicate_ids(self, limit: int) -> list[tuple[int, str, int]]:
        """(document index, id, how many facts use it) of facts whose id another fact has."""
        return self.connection.execute(
            "SELECT f.position, f.id, d.n FROM facts AS f JOIN "
            "(SELECT id, count(*) AS n FROM facts GROUP BY id HAVING n > 1) AS d ON d.id = f.id "
            "ORDER BY f.position LIMIT ?",
            (limit,),
        ).fetchall()

    def has_duplicate_ids(self) -> bool:
        """Whether two facts share an id; if not, the index by id that ``finish`` needs is
        built already (0.1 s of a 100,000-fact compile, not spent twice)."""
        try:
            self.connection.execute("CREATE UNIQUE INDEX IF NOT EXISTS facts_by_id ON facts (id)")
        except sqlite3.IntegrityError:
            return True
        return False

    def add_lists(self, lists: dict[str, Any]) -> None:
        """Insert the validated lists (sources, sectors, terms, people, measures, synonyms)."""
        from ccifacts.text import normalize

        execute = self.connection.executemany
        execute(
            "INSERT INTO sources (position, id, publisher, title, subtitle, published, url, kind, "
            "document, language, coverage, coverage_note, sections, inferred) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    s["id"],
                    s["publisher"],
                    s["title"],
                    s["subtitle"],
                    s["published"],
                    s["url"],
                    s["kind"],
                    s["document"],
                    s["language"],
                    s["coverage"],
                    s["coverage_note"],
                    _json(s["sections"]),
                    _json(s["inferred"]),
                )
                for i, s in enumerate(lists["sources"])
            ],
        )
        execute(
            "INSERT INTO sectors (position, id, name, aliases, description, search) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    s["id"],
                    s["name"],
                    _json(s["aliases"]),
                    s["description"],
                    _search_text(s["id"], s["name"], *s["aliases"]),
                )
                for i, s in enumerate(lists["sectors"])
            ],
        )
        execute(
            "INSERT INTO terms (position, id, name, kind, aliases, definition, background, search) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    t["id"],
                    t["name"],
                    t["kind"],
                    _json(t["aliases"]),
                    t["definition"],
                    t["background"],
                    _search_text(t["id"], t["name"], *t["aliases"]),
                )
                for i, t in enumerate(lists["terms"])
            ],
        )
        execute(
            "INSERT INTO people (position, id, name, roles, search) VALUES (?, ?, ?, ?, ?)",
            [
                (i, p["id"], p["name"], _json(p["roles"]), _search_text(p["name"], *p["roles"]))
                for i, p in enumerate(lists["people"])
            ],
        )
        execute(
            "INSERT INTO measures "
            "(position, id, name, aliases, unit, description, headline, search) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    m["id"],
                    m["name"],
                    _json(m["aliases"]),
                    m["unit"],
                    m["description"],
                    int(m["headline"]),
                    _search_text(m["name"], *m["aliases"]),
                )
                for i, m in enumerate(lists["measures"])
            ],
        )
        execute(
            "INSERT OR IGNORE INTO synonyms (grp, word) VALUES (?, ?)",
            [
                (group, normalize(word))
                for group, entry in enumerate(lists["synonyms"])
                for word in entry["words"]
            ],
        )
        names: dict[tuple[str, str], str] = {}
        keyed: tuple[tuple[str, Callable[[dict[str, Any]], tuple[str, ...]]], ...] = (
            ("sectors", lambda r: (r["id"], r["name"], *r["aliases"])),
            ("terms", lambda r: (r["id"], r["name"], *r["aliases"])),
            ("measures", lambda r: (r["id"], r["name"], *r["aliases"])),
            ("people", lambda r: (r["id"], r["name"])),
            ("sources", lambda r: (r["id"],)),
        )
        for collection, keys in keyed:
            for record in lists[collection]:
                for key in keys(record):
                    names.setdefault((collection, normalize(key)), record["id"])
        execute("INSERT INTO names VALUES (?, ?, ?)", [(*k, v) for k, v in names.items()])

    def finish(self, lists: dict[str, Any], meta: dict[str, Any]) -> None:
        """Build the indexes, the rest of the search index and the counts, record ``meta``,
        and commit."""
        self.flush()
        if self._indexed < self.facts:
            # The lists came after the facts: index the facts now, with the lists' names.
            texts = SearchTexts(lists)
            rows = self.connection.execute(
                f"SELECT position, {_SELECT_FACT.removeprefix('SELECT ')} WHERE position >= ?",
                (self._indexed,),
            ).fetchall()
            self.connection.executemany(
                "INSERT INTO facts_fts (rowid, id, label, names, sector, speaker, statement) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (row[0], fact["id"], fact["label"], *texts.columns(fact), fact["statement"])
                    for row in rows
                    for fact in (fact_record(row[1:]),)
                ],
            )
        script = self.connection.executescript
        script(
            INDEXES.replace(
                "CREATE UNIQUE INDEX facts_by_id", "CREATE UNIQUE INDEX IF NOT EXISTS facts_by_id"
            )
        )
        script(AGGREGATES)
        self.connection.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [(key, _json(value)) for key, value in {**meta, "format": FORMAT}.items()],
        )
        self.connection.execute("INSERT INTO meta VALUES ('complete', 1)")
        self.connection.commit()
        self.connection.execute("PRAGMA journal_mode = DELETE")


# --- reading ------------------------------------------------------------------------------------


def read_meta(connection: sqlite3.Connection) -> dict[str, Any]:
    """The database's ``meta`` table; ``complete`` is 1 only in a finished database."""
    found: dict[str, Any] = {}
    for key, value in connection.execute("SELECT key, value FROM meta"):
        found[key] = json.loads(value) if isinstance(value, str) else value
    return found


def fact_record(row: Sequence[Any]) -> Record:
    """A fact as the JSON contract has it, from a row of ``_SELECT_FACT``."""
    (
        id_,
        sector,
        kind,
        label,
        value,
        unit,
        qualifier,
        base_value,
        base_label,
        yoy,
        p_label,
        p_start,
        p_end,
        p_as_of,
        p_inferred,
        statement,
        terms,
        said_by,
        source,
        section,
        headline,
        measure,
    ) = row
    return {
        "id": id_,
        "sector": sector,
        "kind": kind,
        "label": label,
        "value": value,
        "unit": unit,
        "qualifier": qualifier,
        "baseline": None if base_label is None else {"value": base_value, "label": base_label},
        "yoy_pct": yoy,
        "period": {
            "label": p_label,
            "start": p_start,
            "end": p_end,
            "as_of": p_as_of,
            "inferred": bool(p_inferred),
        },
        "statement": statement,
        "terms": json.loads(terms),
        "said_by": said_by,
        "source": source,
        "section": section,
        "headline": bool(headline),
        "measure": measure,
    }


def fact(connection: sqlite3.Connection, fact_id: str) -> Record | None:
    row = connection.execute(f"{_SELECT_FACT} WHERE id = ?", (fact_id,)).fetchone()
    return None if row is None else fact_record(row)


def facts_at(connection: sqlite3.Connection, positions: Iterable[int]) -> list[Record]:
    """The facts at these document positions, in the order given."""
    return list(each_fact_at(connection, list(positions)))


def each_fact_at(connection: sqlite3.Connection, positions: Sequence[int]) -> Iterator[Record]:
    """The facts of ``facts_at``, read 500 at a time."""
    for start in range(0, len(positions), 500):
        chunk = positions[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found: dict[int, Record] = {}
        for row in connection.execute(
            f"SELECT position, {_SELECT_FACT.removeprefix('SELECT ')} WHERE position IN ({marks})",
            chunk,
        ):
            found[row[0]] = fact_record(row[1:])
        yield from (found[p] for p in chunk if p in found)


# Sort keys of facts, by the field a user names: the period sorts by when it ends.
SORT_COLUMNS = {
    "id": "id",
    "sector": "sector",
    "kind": "kind",
    "label": "label COLLATE NOCASE",
    "value": "value",
    "unit": "unit",
    "qualifier": "qualifier",
    "baseline": "baseline_value",
    "baseline.value": "baseline_value",
    "yoy_pct": "yoy_pct",
    "period": "date_end",
    "period.end": "date_end",
    "period.start": "date_start",
    "period.as_of": "period_as_of",
    "statement": "statement COLLATE NOCASE",
    "said_by": "said_by",
    "source": "source",
    "section": "section",
    "headline": "headline",
    "measure": "measure",
}


class Filters:
    """What a listing of facts is narrowed to; each list is a union (any of its values), the
    filters together an intersection. (A plain class: ``dataclasses`` imports ``inspect``, a
    tenth of a lookup's start-up.)"""

    _LISTS = ("sectors", "kinds", "terms", "sources", "speakers", "qualifiers", "measures", "units")
    _VALUES = ("headline", "since", "until", "minimum", "maximum", "ids")

    def __init__(
        self,
        sectors: list[str] | None = None,
        kinds: list[str] | None = None,
        terms: list[str] | None = None,
        sources: list[str] | None = None,
        speakers: list[str] | None = None,
        qualifiers: list[str] | None = None,
        measures: list[str] | None = None,
        units: list[str] | None = None,
        headline: bool | None = None,
        since: str | None = None,
        until: str | None = None,
        minimum: float | int | None = None,
        maximum: float | int | None = None,
        ids: list[str] | None = None,
    ) -> None:
        self.sectors: list[str] = sectors if sectors is not None else []
        self.kinds: list[str] = kinds if kinds is not None else []
        self.terms: list[str] = terms if terms is not None else []
        self.sources: list[str] = sources if sources is not None else []
        self.speakers: list[str] = speakers if speakers is not None else []
        self.qualifiers: list[str] = qualifiers if qualifiers is not None else []
        self.measures: list[str] = measures if measures is not None else []
        self.units: list[str] = units if units is not None else []
        self.headline = headline
        self.since = since
        self.until = until
        self.minimum = minimum
        self.maximum = maximum
        self.ids = ids

    def _items(self) -> tuple[tuple[str, Any], ...]:
        return tuple((name, getattr(self, name)) for name in (*self._LISTS, *self._VALUES))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Filters) and self._items() == other._items()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return f"Filters({', '.join(f'{name}={value!r}' for name, value in self._items())})"

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []

        def any_of(column: str, values: list[str]) -> None:
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)

        any_of("sector", self.sectors)
        any_of("kind", self.kinds)
        any_of("source", self.sources)
        any_of("said_by", self.speakers)
        any_of("qualifier", self.qualifiers)
        any_of("measure", self.measures)
        any_of("unit", self.units)
        if self.terms:
            marks = ", ".join("?" * len(self.terms))
            clauses.append(f"position IN (SELECT fact FROM fact_terms WHERE term IN ({marks}))")
            params.extend(self.terms)
        if self.headline is not None:
            clauses.append("headline = ?")
            params.append(int(self.headline))
        if self.since is not None:
            # A period overlaps [since, until]: it ends on or after since...
            clauses.append("date_end != '' AND date_end >= ?")
            params.append(date_key(self.since, end=False))
        if self.until is not None:
            # ...and starts on or before until.
            clauses.append("date_start != '' AND date_start <= ?")
            params.append(date_key(self.until, end=True))
        if self.minimum is not None:
            clauses.append("value >= ?")
            params.append(self.minimum)
        if self.maximum is not None:
            clauses.append("value <= ?")
            params.append(self.maximum)
        if self.ids is not None:
            clauses.append(f"id IN ({', '.join('?' * len(self.ids))})")
            params.extend(self.ids)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def facts(
    connection: sqlite3.Connection,
    filters: Filters,
    *,
    order: Sequence[tuple[str, bool]] = (),
    limit: int | None = None,
    dated: bool = False,
) -> list[Record]:
    """The facts that pass ``filters``, in document order unless ``order`` names sort fields
    (each with True for descending); ``dated`` keeps only facts whose period has a start or end,
    ordered by when they hold."""
    return list(each_fact(connection, filters, order=order, limit=limit, dated=dated))


def each_fact(
    connection: sqlite3.Connection,
    filters: Filters,
    *,
    order: Sequence[tuple[str, bool]] = (),
    limit: int | None = None,
    dated: bool = False,
) -> Iterator[Record]:
    """The facts of ``facts``, read one at a time."""
    where, params = filters.where()
    if dated:
        where += (" AND " if where else " WHERE ") + "dated"
    keys = [f"{SORT_COLUMNS[name]} {'DESC' if descending else 'ASC'}" for name, descending in order]
    if dated:
        keys += ["date_end", "date_start"]
    keys.append("position")
    sql = f"{_SELECT_FACT}{where} ORDER BY {', '.join(keys)}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    for row in connection.execute(sql, params):
        yield fact_record(row)


def count_facts(connection: sqlite3.Connection, filters: Filters, *, dated: bool = False) -> int:
    where, params = filters.where()
    if not where and not dated:
        # Every fact: the compiler recorded how many (counting reads the whole table).
        row = connection.execute("SELECT value FROM meta WHERE key = 'facts'").fetchone()
        if row is not None:
            return int(json.loads(row[0]))
    if dated:
        where += (" AND " if where else " WHERE ") + "dated"
    return int(connection.execute(f"SELECT count(*) FROM facts{where}", params).fetchone()[0])


def positions_with_value(
    connection: sqlite3.Connection, value: float | int, below: float | int | None = None
) -> dict[int, str]:
    """Facts that give ``value`` (or, with ``below``, a figure from ``value`` up to but not
    including ``below``) as their figure, baseline or stated change: position -> field."""
    found: dict[int, str] = {}
    for column, name in (
        ("yoy_pct", "yoy_pct"),
        ("baseline_value", "baseline.value"),
        ("value", "value"),
    ):
        params: tuple[float | int, ...]
        if below is None:
            sql, params = f"SELECT position FROM facts WHERE {column} = ?", (value,)
        else:
            sql = f"SELECT position FROM facts WHERE {column} >= ? AND {column} < ?"
            params = (value, below)
        for (position,) in connection.execute(sql, params):
            found[position] = name
    return found


def resolve(connection: sqlite3.Connection, collection: str, key: str) -> str | None:
    """The id of the record of ``collection`` whose id, name or alias folds to ``key``."""
    row = connection.execute(
        "SELECT id FROM names WHERE collection = ? AND key = ?", (collection, key)
    ).fetchone()
    return None if row is None else str(row[0])


def names(connection: sqlite3.Connection, collection: str) -> list[tuple[str, str]]:
    """Every (folded name, id) of ``collection``."""
    return [
        (str(k), str(i))
        for k, i in connection.execute(
            "SELECT key, id FROM names WHERE collection = ? ORDER BY key", (collection,)
        )
    ]


def neighbours(connection: sqlite3.Connection, fact_id: str, count: int) -> list[str]:
    """The fact ids next to ``fact_id`` in sorted order, on either side: those that share the
    longest beginning with it (an index walk, whatever the number of facts)."""
    after = connection.execute(
        "SELECT id FROM facts WHERE id >= ? ORDER BY id LIMIT ?", (fact_id, count)
    ).fetchall()
    before = connection.execute(
        "SELECT id FROM facts WHERE id < ? ORDER BY id DESC LIMIT ?", (fact_id, count)
    ).fetchall()
    return [str(row[0]) for row in before[::-1] + after]


def ids_with_prefix(
    connection: sqlite3.Connection, prefix: str, limit: int
) -> list[tuple[str, str]]:
    """(id, label) of the facts whose id starts with ``prefix``, in id order."""
    return [
        (str(i), str(label))
        for i, label in connection.execute(
            "SELECT id, label FROM facts WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit),
        )
    ]


def _decode(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        record[key] = json.loads(record[key])
    return record


def _records(
    connection: sqlite3.Connection, sql: str, params: Sequence[Any] = ()
) -> Iterator[dict[str, Any]]:
    cursor = connection.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(columns, row, strict=True))


def sectors(connection: sqlite3.Connection) -> list[Record]:
    return [
        _decode(r, "aliases")
        for r in _records(
            connection,
            "SELECT id, name, aliases, description, fact_count FROM sectors ORDER BY position",
        )
    ]


def terms(connection: sqlite3.Connection, term_ids: Sequence[str] | None = None) -> list[Record]:
    """Terms (all, or those of ``term_ids``), each with the ids of the facts that mention it."""
    sql = (
        "SELECT id, name, kind, aliases, definition, background, "
        "(SELECT json_group_array(f.id) FROM (SELECT facts.id FROM fact_terms "
        "JOIN facts ON facts.position = fact_terms.fact WHERE fact_terms.term = terms.id "
        "ORDER BY facts.position) AS f) AS facts FROM terms"
    )
    params: list[str] = []
    if term_ids is not None:
        sql += f" WHERE id IN ({', '.join('?' * len(term_ids))})"
        params = list(term_ids)
    return [
        _decode(r, "aliases", "facts")
        for r in _records(connection, sql + " ORDER BY position", params)
    ]


def people(connection: sqlite3.Connection) -> list[Record]:
    sql = (
        "SELECT id, name, roles, (SELECT json_group_array(f.id) FROM (SELECT id FROM facts "
        "WHERE said_by = people.id ORDER BY position) AS f) AS facts FROM people ORDER BY position"
    )
    return [_decode(r, "roles", "facts") for r in _records(connection, sql)]


def sources(connection: sqlite3.Connection) -> list[Record]:
    sql = (
        "SELECT id, publisher, title, subtitle, published, url, kind, document, language, "
        "coverage, coverage_note, sections, inferred, fact_count FROM sources ORDER BY position"
    )
    return [_decode(r, "sections", "inferred") for r in _records(connection, sql)]


def measures(connection: sqlite3.Connection) -> list[Record]:
    sql = (
        "SELECT id, name, aliases, unit, description, headline, "
        "(SELECT count(*) FROM facts WHERE facts.measure = measures.id) AS point_count "
        "FROM measures ORDER BY position"
    )
    records = [_decode(r, "aliases") for r in _records(connection, sql)]
    for record in records:
        record["headline"] = bool(record["headline"])
    return records


def counts(connection: sqlite3.Connection) -> dict[str, int]:
    return {
        table: int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in ("sources", "sectors", "terms", "people", "measures", "facts")
    }


def synonym_pairs(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every (word, another word of one of its synonym groups), words folded."""
    return [
        (str(a), str(b))
        for a, b in connection.execute(
            "SELECT DISTINCT a.word, b.word FROM synonyms AS a JOIN synonyms AS b "
            "ON a.grp = b.grp AND a.word != b.word ORDER BY a.word, b.word"
        )
    ]


def positions(connection: sqlite3.Connection, filters: Filters) -> list[int]:
    """Document positions of the facts that pass ``filters``."""
    where, params = filters.where()
    return [int(r[0]) for r in connection.execute(f"SELECT position FROM facts{where}", params)]


class Facet(NamedTuple):
    """What the ranking of a search looks at besides words: a fact's kind, unit, measure and
    when it holds."""

    kind: str
    unit: str | None
    measure: str | None
    date_start: str
    date_end: str
    changed: bool


def fact_facets(connection: sqlite3.Connection, positions: Sequence[int]) -> dict[int, Facet]:
    """Position -> the facet of each fact."""
    found: dict[int, Facet] = {}
    for start in range(0, len(positions), 500):
        chunk = positions[start : start + 500]
        for p, kind, unit, measure, first, last, changed in connection.execute(
            "SELECT position, kind, unit, measure, date_start, date_end, "
            "yoy_pct IS NOT NULL OR baseline_value IS NOT NULL OR unit = 'times' FROM facts "
            f"WHERE position IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            found[int(p)] = Facet(kind, unit, measure, str(first), str(last), bool(changed))
    return found


# --- search -------------------------------------------------------------------------------------


def _weights() -> str:
    return ", ".join(str(w) for w in FTS_WEIGHTS)


# Ranking every fact a common word matches costs a lookup of each one's column sizes: at most
# this many are ranked when only the best are asked for (the count stays exact).
SCAN = 5_000


def search(
    connection: sqlite3.Connection, expression: str, limit: int | None
) -> list[tuple[int, float]]:
    """(position, bm25 score: lower is better) of the facts matching an FTS5 ``expression``,
    best first, at most ``limit`` (all if None). When ``limit`` is given and more than
    ``max(SCAN, limit)`` facts match, the best are those of the first ``max(SCAN, limit)``
    matches in document order, so that the cost of a query does not grow with the size of the
    base."""
    rank = (
        f"SELECT rowid, bm25(facts_fts, {_weights()}) AS score FROM facts_fts "
        "WHERE facts_fts MATCH ? AND rowid <= ? ORDER BY score, rowid LIMIT ?"
    )
    try:
        last = -1
        if limit is not None:
            row = connection.execute(
                "SELECT rowid FROM facts_fts WHERE facts_fts MATCH ? ORDER BY rowid "
                "LIMIT 1 OFFSET ?",
                (expression, max(SCAN, limit) - 1),
            ).fetchone()
            last = -1 if row is None else int(row[0])
        return [
            (int(p), float(s))
            for p, s in connection.execute(
                rank,
                (expression, (1 << 62) if last < 0 else last, -1 if limit is None else limit),
            )
        ]
    except sqlite3.OperationalError:
        return []  # an expression FTS5 cannot parse matches nothing


def matching(connection: sqlite3.Connection, expression: str, positions: Sequence[int]) -> set[int]:
    """Which of ``positions`` match ``expression`` (FTS5 searches once per position: for the
    many questions about a search's best candidates, see ``index_head``)."""
    if not positions:
        return set()
    marks = ", ".join("?" * len(positions))
    try:
        return {
            int(r[0])
            for r in connection.execute(
                f"SELECT rowid FROM facts_fts WHERE facts_fts MATCH ? AND rowid IN ({marks})",
                (expression, *positions),
            )
        }
    except sqlite3.OperationalError:
        return set()


def index_head(connection: sqlite3.Connection, positions: Sequence[int]) -> None:
    """Copy the search columns of the facts at ``positions`` (the best candidates of a search)
    into a small index of their own, ``temp.head``, with the same tokenizer: what the ranking
    asks about them (which words each has, and in which column) is then asked of them alone,
    whatever the size of the base. The main index keeps no text (it is contentless), so the
    columns are made again from the tables, as the compiler made them (``SearchTexts``)."""
    # Made anew: emptying an FTS5 table costs more than filling a new one.
    connection.execute("DROP TABLE IF EXISTS temp.head")
    connection.execute(
        f"CREATE VIRTUAL TABLE temp.head USING fts5({', '.join(FTS_COLUMNS)}, "
        f"tokenize='{TOKENIZER}')"
    )
    if not positions:
        return
    marks = ", ".join("?" * len(positions))
    rows = connection.execute(
        "SELECT f.position, f.id, f.label, f.statement, f.terms, "
        "(SELECT search FROM measures WHERE id = f.measure), "
        "(SELECT search FROM sectors WHERE id = f.sector), "
        "(SELECT search FROM people WHERE id = f.said_by), "
        f"(SELECT publisher FROM sources WHERE id = f.source) FROM facts AS f "
        f"WHERE f.position IN ({marks})",
        list(positions),
    ).fetchall()
    mentioned = sorted({t for row in rows for t in json.loads(row[4])})
    names = dict(
        connection.execute(
            f"SELECT id, search FROM terms WHERE id IN ({', '.join('?' * len(mentioned))})",
            mentioned,
        ).fetchall()
    )
    connection.executemany(
        "INSERT INTO temp.head (rowid, id, label, names, sector, speaker, statement) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [_head_row(row, names) for row in rows],
    )


def _head_row(row: Sequence[Any], names: dict[str, str]) -> tuple[Any, ...]:
    position, fact_id, label, statement, terms, measure, sector, speaker, publisher = row
    mentioned = [names.get(t, t) for t in json.loads(terms)] + [measure or ""]
    speaks = f"{speaker or ''} / {publisher or ''}"
    return (position, fact_id, label, " / ".join(mentioned), sector or "", speaks, statement)


def head_matching(connection: sqlite3.Connection, expression: str) -> set[int]:
    """Which facts of the last ``index_head`` match ``expression``."""
    try:
        return {
            int(r[0])
            for r in connection.execute(
                "SELECT rowid FROM temp.head WHERE head MATCH ?", (expression,)
            )
        }
    except sqlite3.OperationalError:
        return set()


def exists(connection: sqlite3.Connection, expression: str) -> bool:
    """Whether any fact matches ``expression`` (False when it cannot be parsed)."""
    try:
        row = connection.execute(
            "SELECT 1 FROM facts_fts WHERE facts_fts MATCH ? LIMIT 1", (expression,)
        ).fetchone()
    except sqlite3.OperationalError:
        return False
    return row is not None


def document_count(
    connection: sqlite3.Connection, expression: str, at_most: int | None = None
) -> int:
    """How many facts match ``expression`` (0 when it cannot be parsed), counting no further
    than ``at_most`` if given: counting reads every match."""
    try:
        return int(
            connection.execute(
                "SELECT count(*) FROM (SELECT 1 FROM facts_fts WHERE facts_fts MATCH ? LIMIT ?)",
                (expression, -1 if at_most is None else at_most),
            ).fetchone()[0]
        )
    except sqlite3.OperationalError:
        return 0


def stems(connection: sqlite3.Connection, words: Sequence[str]) -> list[list[str]]:
    """The search tokens of each word, as the index's tokenizer makes them (folded, stemmed)."""
    connection.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.stemmer USING fts5(w, tokenize='{TOKENIZER}')"
    )
    connection.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.stemmed USING fts5vocab(temp, stemmer, instance)"
    )
    connection.execute("DELETE FROM temp.stemmer")
    connection.executemany(
        "INSERT INTO temp.stemmer (rowid, w) VALUES (?, ?)", list(enumerate(words, 1))
    )
    found: list[list[str]] = [[] for _ in words]
    for doc, term in connection.execute("SELECT doc, term FROM temp.stemmed ORDER BY doc, offset"):
        found[int(doc) - 1].append(str(term))
    return found


def known_words(connection: sqlite3.Connection, stemmed: Iterable[str]) -> dict[str, int]:
    """How many facts hold each search token (tokens that occur nowhere are left out)."""
    found: dict[str, int] = {}
    for token in set(stemmed):
        row = connection.execute("SELECT docs FROM words WHERE word = ?", (token,)).fetchone()
        if row is not None:
            found[token] = int(row[0])
    return found


def words_near(connection: sqlite3.Connection, length: int, slack: int) -> list[tuple[str, int]]:
    """(token, facts holding it) of the index's words whose length is within ``slack``."""
    return [
        (str(w), int(d))
        for w, d in connection.execute(
            "SELECT word, docs FROM words WHERE length(word) BETWEEN ? AND ?",
            (length - slack, length + slack),
        )
    ]


def texts(connection: sqlite3.Connection, position: int) -> str:
    """The words a fact is found by (its label, statement and the names it mentions)."""
    row = connection.execute(
        "SELECT f.label || ' ' || f.statement || ' ' || "
        "coalesce((SELECT group_concat(t.search, ' ') FROM fact_terms AS ft "
        "JOIN terms AS t ON t.id = ft.term WHERE ft.fact = f.position), '') || ' ' || f.id "
        "FROM facts AS f WHERE position = ?",
        (position,),
    ).fetchone()
    return "" if row is None else str(row[0])


# --- export -------------------------------------------------------------------------------------

EXPORT_SCHEMA = """
CREATE TABLE sources (id TEXT PRIMARY KEY, publisher TEXT, title TEXT, subtitle TEXT,
    published TEXT, url TEXT, kind TEXT, document TEXT, language TEXT, coverage TEXT,
    coverage_note TEXT, sections TEXT, inferred TEXT);
CREATE TABLE sectors (id TEXT PRIMARY KEY, name TEXT, aliases TEXT, description TEXT);
CREATE TABLE terms (id TEXT PRIMARY KEY, name TEXT, kind TEXT, aliases TEXT, definition TEXT,
    background TEXT);
CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, roles TEXT);
CREATE TABLE measures (id TEXT PRIMARY KEY, name TEXT, aliases TEXT, unit TEXT,
    description TEXT, headline INTEGER);
CREATE TABLE facts (
    id TEXT PRIMARY KEY,
    sector TEXT REFERENCES sectors(id), kind TEXT, label TEXT, value, unit TEXT,
    qualifier TEXT, baseline_value, baseline_label TEXT, yoy_pct, period_label TEXT,
    period_start TEXT, period_end TEXT, period_as_of TEXT, period_inferred INTEGER,
    statement TEXT, terms TEXT, said_by TEXT REFERENCES people(id),
    source TEXT REFERENCES sources(id), section TEXT, headline INTEGER,
    measure TEXT REFERENCES measures(id),
    names TEXT
);
CREATE TABLE fact_terms (fact TEXT REFERENCES facts(id), term TEXT REFERENCES terms(id),
    PRIMARY KEY (fact, term));
"""

EXPORT_FILL = """
INSERT INTO export.sources SELECT id, publisher, title, subtitle, published, url, kind, document,
    language, coverage, coverage_note, sections, inferred FROM main.sources ORDER BY position;
INSERT INTO export.sectors SELECT id, name, aliases, description FROM main.sectors
    ORDER BY position;
INSERT INTO export.terms SELECT id, name, kind, aliases, definition, background FROM main.terms
    ORDER BY position;
INSERT INTO export.people SELECT id, name, roles FROM main.people ORDER BY position;
INSERT INTO export.measures SELECT id, name, aliases, unit, description, headline FROM main.measures
    ORDER BY position;
INSERT INTO export.facts SELECT id, sector, kind, label, value, unit, qualifier, baseline_value,
    baseline_label, yoy_pct, period_label, period_start, period_end, period_as_of,
    period_inferred, statement, terms, said_by, source, section, headline, measure, NULL
    FROM main.facts ORDER BY position;
INSERT INTO export.fact_terms SELECT f.id, ft.term FROM main.fact_terms AS ft
    JOIN main.facts AS f ON f.position = ft.fact ORDER BY ft.fact;
"""

# As `sqlite-utils enable-fts facts id label statement names` sets it up: an external-content
# FTS5 table named <table>_fts over the facts table, which Datasette finds and searches with
# `_search=`. `names` holds the names and aliases of a fact's terms and measure, so a search for
# an acronym finds the facts that mention it.
EXPORT_FTS = f"""
CREATE VIRTUAL TABLE export.facts_fts USING FTS5 (
    id, label, statement, names, content=[facts], tokenize='{TOKENIZER}'
);
INSERT INTO export.facts_fts (rowid, id, label, statement, names)
    SELECT rowid, id, label, statement, names FROM export.facts;
"""


class WriteError(Exception):
    """The database being exported cannot be written (sqlite3 said why). Not a
    ``sqlite3.DatabaseError``: the fact base read from is fine."""


def export(connection: sqlite3.Connection, destination: str) -> None:
    """Write the fact base to a new standalone SQLite database at ``destination``."""
    try:
        connection.execute("ATTACH DATABASE ? AS export", (destination,))
    except sqlite3.OperationalError as error:
        raise WriteError(str(error)) from None
    try:
        for statement in EXPORT_SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement.replace("CREATE TABLE ", "CREATE TABLE export.", 1))
        connection.executescript(EXPORT_FILL)
        connection.execute(
            "UPDATE export.facts SET names = (SELECT coalesce(group_concat(t.search, ' / '), '') "
            "|| coalesce(' / ' || (SELECT m.search FROM main.measures AS m "
            "WHERE m.id = export.facts.measure), '') "
            "FROM main.fact_terms AS ft JOIN main.terms AS t ON t.id = ft.term "
            "JOIN main.facts AS f ON f.position = ft.fact WHERE f.id = export.facts.id)"
        )
        connection.executescript(EXPORT_FTS)
        connection.commit()
    except sqlite3.OperationalError as error:
        # Reading the fact base fails otherwise ("malformed"); this is the export's file: a
        # full disk, a folder that went away.
        raise WriteError(str(error)) from None
    finally:
        connection.execute("DETACH DATABASE export")
