"""Questions asked of a fact base, answered as lists of plain records: filtering, ranked search,
the sector/term/people/source listings with their fact counts, the timeline of dated facts, and
the before/after and year-on-year changes with their derived ratios (labelled as derived, computed
here and never stored). Nothing in this module prints or knows about output formats."""

from __future__ import annotations

import re
from collections import Counter

from ccifacts.factbase import FactBase, Record
from ccifacts.text import normalize

# How much a query word counts when found in each part of a fact: the fact's own id and label,
# then the terms it mentions, its sector and speaker, then the body of its statement and unit.
_WEIGHTS = {"id": 5, "label": 4, "terms": 3, "sector": 2, "people": 2, "statement": 1, "unit": 1}


def filter_facts(
    base: FactBase, sector: str | None = None, kind: str | None = None, term: str | None = None
) -> list[Record]:
    """The facts of ``base``, narrowed to a sector, a kind and a term (each matched by name)."""
    facts = base.facts
    if sector is not None:
        sector_id = base.sector(sector)["id"]
        facts = [f for f in facts if f["sector"] == sector_id]
    if kind is not None:
        facts = [f for f in facts if f["kind"] == kind]
    if term is not None:
        term_id = base.term(term)["id"]
        facts = [f for f in facts if term_id in f["terms"]]
    return facts


class SearchIndex:
    """Folded text of every fact, by part, so a query only scans prepared strings."""

    def __init__(self, base: FactBase) -> None:
        sector_text = {s["id"]: _fold(s["id"], s["name"], *s["aliases"]) for s in base.sectors}
        term_text = {t["id"]: _fold(t["id"], t["name"], *t["aliases"]) for t in base.terms}
        people_text = {p["id"]: _fold(p["name"], *p["roles"]) for p in base.people}
        self.facts = base.facts
        self.parts: list[dict[str, str]] = [
            {
                "id": _fold(fact["id"]),
                "label": _fold(fact["label"]),
                "terms": " ".join(term_text.get(t, "") for t in fact["terms"]),
                "sector": sector_text.get(fact["sector"], ""),
                "people": people_text.get(fact["said_by"] or "", ""),
                "statement": _fold(fact["statement"]),
                "unit": _fold(fact["unit"] or ""),
            }
            for fact in base.facts
        ]

        self.texts = ["".join(parts.values()) for parts in self.parts]

    def search(self, query: str) -> list[Record]:
        """Facts in which every word of ``query`` starts a word of some part, best first."""
        words = normalize(query).split()
        if not words:
            return []
        phrase = " " + " ".join(words)
        needles = [" " + word for word in words]
        scored: list[tuple[int, int]] = []
        for position, text in enumerate(self.texts):
            if any(needle not in text for needle in needles):
                continue
            parts = self.parts[position].items()
            score = sum(
                max(_WEIGHTS[n] for n, part in parts if needle in part) for needle in needles
            )
            if len(words) > 1:
                score += max((_WEIGHTS[n] for n, part in parts if phrase in part), default=0)
            scored.append((-score, position))
        scored.sort()
        return [self.facts[position] for _, position in scored]


def _fold(*texts: str) -> str:
    # A leading space lets " word" match at the start of any word, and only there.
    return "".join(" " + normalize(text) for text in texts)


def highlight_pattern(query: str) -> str | None:
    """A regular expression for the query's words where they start a word of a text (case
    ignored), so a table can show why a fact matched; None for a query without words."""
    words = sorted(set(normalize(query).split()), key=len, reverse=True)
    if not words:
        return None
    return r"(?i)(?<!\w)(?:" + "|".join(re.escape(word) for word in words) + ")"


def sector_rows(base: FactBase) -> list[Record]:
    counts = Counter(fact["sector"] for fact in base.facts)
    return [{**sector, "fact_count": counts[sector["id"]]} for sector in base.sectors]


def term_rows(base: FactBase, terms: list[Record] | None = None) -> list[Record]:
    mentions: dict[str, list[str]] = {}
    for fact in base.facts:
        for term in fact["terms"]:
            mentions.setdefault(term, []).append(fact["id"])
    return [{**term, "facts": mentions.get(term["id"], [])} for term in (terms or base.terms)]


def people_rows(base: FactBase) -> list[Record]:
    said: dict[str, list[str]] = {}
    for fact in base.facts:
        if fact["said_by"]:
            said.setdefault(fact["said_by"], []).append(fact["id"])
    return [{**person, "facts": said.get(person["id"], [])} for person in base.people]


def source_rows(base: FactBase) -> list[Record]:
    counts = Counter(fact["source"] for fact in base.facts)
    return [{**source, "fact_count": counts[source["id"]]} for source in base.sources]


def _date_key(partial: str, *, end: bool) -> str:
    """Sortable full date of a partial ISO date: a year or month ends late when ``end``."""
    parts = partial.split("-")
    if len(parts) == 1:
        return f"{partial}-12-31" if end else f"{partial}-01-01"
    if len(parts) == 2:
        return f"{partial}-31" if end else f"{partial}-01"
    return partial


def timeline(base: FactBase) -> list[Record]:
    """The facts with a dated period (a start or an end), ordered by when they hold: by the end
    of their period, then by its start, then as they stand in the fact base."""

    def when(fact: Record) -> tuple[str, str]:
        period = fact["period"]
        end = period["end"] or period["start"]
        start = period["start"] or period["end"]
        return (_date_key(end, end=True), _date_key(start, end=False))

    dated = [fact for fact in base.facts if fact["period"]["start"] or fact["period"]["end"]]
    return sorted(dated, key=when)


def change_rows(base: FactBase) -> list[Record]:
    """Every before/after, year-on-year and "n-fold" figure of ``base``, with its change."""
    return [row for fact in base.facts if (row := change_row(fact)) is not None]


def change_row(fact: Record) -> Record | None:
    """The change a fact states or implies, or None if it states none.

    Ratios and percent changes computed here are listed under ``derived``; a year-on-year
    percentage or an n-fold multiple given by the source is reported as stated.
    """
    value, baseline, yoy = fact["value"], fact["baseline"], fact["yoy_pct"]
    row: Record = {
        "id": fact["id"],
        "sector": fact["sector"],
        "label": fact["label"],
        "unit": fact["unit"],
        "qualifier": fact["qualifier"],
        "basis": "",
        "before": None,
        "before_label": "",
        "after": value,
        "ratio": None,
        "change_pct": None,
        "derived": [],
        "period": fact["period"]["label"],
    }
    if value is None:
        return None
    if baseline is not None and baseline["value"] is not None:
        before = baseline["value"]
        row.update(basis="before_after", before=before, before_label=baseline["label"])
        if before != 0:
            row.update(
                ratio=round(value / before, 4),
                change_pct=round((value - before) / abs(before) * 100, 2),
                derived=["ratio", "change_pct"],
            )
    elif yoy is not None:
        row.update(
            basis="year_on_year",
            before_label="same period a year earlier",
            ratio=round(1 + yoy / 100, 4),
            change_pct=yoy,
            derived=["ratio"],
        )
    elif fact["unit"] == "times":
        row.update(
            basis="multiple", before_label=baseline["label"] if baseline else "", ratio=value
        )
    else:
        return None
    return row


def bar_lengths(ratio: float | None, width: int) -> tuple[int, int]:
    """Lengths of the "before" and "after" bars for a change by ``ratio``, the longer one filling
    ``width`` (so 5 -> 24 draws a short bar and a full one, 10 -> 7 a full one and 70% of it)."""
    if ratio is None or ratio <= 0:
        return (0, 0)
    before = width if ratio <= 1 else max(1, round(width / ratio))
    after = width if ratio >= 1 else max(1, round(width * ratio))
    return (before, after)


def headline(base: FactBase) -> list[Record]:
    """The facts marked as headline figures, in fact-base order."""
    return [fact for fact in base.facts if fact["headline"]]
