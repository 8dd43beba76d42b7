"""Questions asked of a fact base, answered as lists of plain records: filtering, ranked search,
the sector/term/people/source listings with their fact counts, the timeline of dated facts, and
the before/after and year-on-year changes with their derived ratios (labelled as derived, computed
here and never stored). Nothing in this module prints or knows about output formats."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from itertools import accumulate

from ccifacts.factbase import FactBase, Record
from ccifacts.text import normalize

# The parts of a fact a query word is looked for in, and how much a word found there counts: the
# fact's own id and label most, then the terms it mentions, its sector and speaker, then the body
# of its statement and its unit.
_WEIGHTS = (5, 4, 3, 2, 2, 1, 1)
_PART_END = "\x1f"
_FACT_END = "\x1e"
# A query word matches where it starts a word of the text: not after a letter or digit.
_WORD_START = r"(?<![^\W_])"
_GAP = r"(?:[^\w\x1e\x1f]|_)+"
_SHORT = 3  # query words this short must match whole words


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
    """The casefolded searchable text of every fact in one string, so that each query word is
    found by one regular-expression scan (in C) instead of a Python loop over the facts; a
    match's position tells which fact and which part of it (and so its weight) it was found in."""

    def __init__(self, base: FactBase) -> None:
        self.facts = base.facts
        self._sectors = {
            s["id"]: " / ".join((s["id"], s["name"], *s["aliases"])) for s in base.sectors
        }
        self._terms = {t["id"]: " / ".join((t["id"], t["name"], *t["aliases"])) for t in base.terms}
        self._people = {p["id"]: " / ".join((p["name"], *p["roles"])) for p in base.people}
        self._mentions: dict[tuple[str, ...], str] = {}  # few distinct term lists: join each once
        texts = [_PART_END.join(self._parts(fact)).casefold() for fact in base.facts]
        self.text = _FACT_END.join(texts)
        parts_per_fact = len(_WEIGHTS)
        if self.text.count(_PART_END) != (parts_per_fact - 1) * len(texts) or self.text.count(
            _FACT_END
        ) != max(len(texts) - 1, 0):
            # The separators are control characters that a fact base can still hold.
            texts = [
                _PART_END.join(_strip_separators(part) for part in self._parts(fact)).casefold()
                for fact in base.facts
            ]
            self.text = _FACT_END.join(texts)
        self.starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0))

    def _parts(self, fact: Record) -> tuple[str, ...]:
        listed = tuple(fact["terms"])
        if listed not in self._mentions:
            self._mentions[listed] = " / ".join(self._terms.get(term, term) for term in listed)
        return (
            fact["id"],
            fact["label"],
            self._mentions[listed],
            self._sectors.get(fact["sector"], ""),
            self._people.get(fact["said_by"] or "", ""),
            fact["statement"],
            fact["unit"] or "",
        )

    def _best_scores(self, pattern: str, *, whole_words: bool) -> dict[int, int]:
        """For each fact where ``pattern`` matches at the start of a word (of a whole word, if
        ``whole_words``), the score of its best match: twice the weight of the part it is in,
        plus one if it is a whole word."""
        best: dict[int, int] = {}
        text, starts = self.text, self.starts
        # The pattern starts with a literal so the scan runs at C speed; the word-boundary
        # tests are done here because a look-behind in the pattern makes the scan 20x slower.
        for match in re.finditer(pattern, text):
            position, end = match.span()
            if position and text[position - 1].isalnum():
                continue
            whole = end == len(text) or not text[end].isalnum()
            if whole_words and not whole:
                continue
            fact = bisect_right(starts, position) - 1
            score = 2 * _WEIGHTS[text.count(_PART_END, starts[fact], position)] + whole
            if score > best.get(fact, 0):
                best[fact] = score
        return best

    def search(self, query: str) -> list[Record]:
        """Facts in which every word of ``query`` starts a word of some part, best first.

        A word of up to three letters must match a whole word (so "BRI" does not find
        "bring", nor the "d" of "D-ILSTC" "days"); longer words also match the start of a word
        ("flight" finds "flights"), but whole words rank higher. Facts rank by the weights of
        the parts the words were found in, plus that of the best part holding the phrase.
        """
        words = normalize(query).split()
        if not words:
            return []
        found = [
            self._best_scores(re.escape(word), whole_words=len(word) <= _SHORT) for word in words
        ]
        matching = set(found[0]).intersection(*found[1:])
        phrase: dict[int, int] = {}
        if len(words) > 1:
            gapped = _GAP.join(re.escape(word) for word in words)
            phrase = self._best_scores(gapped, whole_words=False)
        ranked = sorted(
            matching, key=lambda fact: (-sum(f[fact] for f in found) - phrase.get(fact, 0), fact)
        )
        return [self.facts[fact] for fact in ranked]


def _strip_separators(text: str) -> str:
    return text.replace(_PART_END, " ").replace(_FACT_END, " ")


def highlight_pattern(query: str) -> str | None:
    """A regular expression for the query's words where they start a word of a text (case
    ignored), so a table can show why a fact matched; None for a query without words."""
    words = sorted(set(normalize(query).split()), key=len, reverse=True)
    if not words:
        return None
    return "(?i)" + _WORD_START + "(?:" + "|".join(re.escape(word) for word in words) + ")"


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


def timeline(base: FactBase, *, as_of: bool = False) -> list[Record]:
    """The facts with a dated period (a start or an end), ordered by when they hold: by the end
    of their period, then by its start, then as they stand in the fact base. With ``as_of``,
    the facts only stated as of a date join them at that date."""

    def when(fact: Record) -> tuple[str, str]:
        period = fact["period"]
        end = period["end"] or period["start"] or period["as_of"]
        start = period["start"] or end
        return (_date_key(end, end=True), _date_key(start, end=False))

    dated = [
        fact
        for fact in base.facts
        if fact["period"]["start"] or fact["period"]["end"] or (as_of and fact["period"]["as_of"])
    ]
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
        ratio, change_pct = _finite(value, before)
        if ratio is not None and change_pct is not None:
            row.update(ratio=ratio, change_pct=change_pct, derived=["ratio", "change_pct"])
    elif yoy is not None:
        ratio = round(1 + yoy / 100, 4)
        row.update(
            basis="year_on_year",
            before_label="a year earlier",
            ratio=ratio if math.isfinite(ratio) else None,
            change_pct=yoy,
            derived=["ratio"] if math.isfinite(ratio) else [],
        )
    elif fact["unit"] == "times":
        row.update(
            basis="multiple", before_label=baseline["label"] if baseline else "", ratio=value
        )
    else:
        return None
    return row


def _finite(value: int | float, before: int | float) -> tuple[float | None, float | None]:
    """The ratio and percent change from ``before`` to ``value``, or None where they do not
    exist or do not fit a float (a baseline of 0, or 1e308 against 1e-308)."""
    try:
        ratio = round(value / before, 4)
        change_pct = round((value - before) / abs(before) * 100, 2)
    except (ZeroDivisionError, OverflowError):
        return (None, None)
    if not (math.isfinite(ratio) and math.isfinite(change_pct)):
        return (None, None)
    return (ratio, change_pct)


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
