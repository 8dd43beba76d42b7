"""Search as people type it: keywords, questions, plurals, typos, synonyms and numbers. A query is
read into words and numbers; question and filler words are dropped (or only count towards the
ranking); each remaining word becomes a group of what finds it: the word as the index stems it,
its synonyms from the fact base's ``synonyms`` list, its two halves if it is two words joined
("ecommerce"), or, if it matches nothing, the nearest word of the index (a typo, said in
``corrections``). Facts that have every group are found with the SQLite FTS5 index; if none has
them all, the facts that have the most of them (weighted by how rare each is) are. Numbers match
the stored figures ("1.9k" finds 1,900), whatever way the text writes them. Ranking: words
found, then a number that is the fact's own figure, then the query's words standing together,
then BM25 over weighted columns (id and label first); among points of one measure the most recent
comes first; ties go by id. Nothing here prints; the database is asked through ``ccifacts.db``."""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ccifacts import db

MAX_QUERY_CHARS = 2000
MAX_WORDS = 24
"""Distinct query words looked for; more make a query slow and say nothing more."""
CANDIDATES = 400
"""Facts ranked in Python after SQLite's first cut; the rest follow in SQLite's order."""

# Words that carry no subject: asked of every fact, or of none.
STOP_WORDS = frozenset(
    """a about above after again all also am an and any are as at be been before being below
    between both but by can could did do does doing done during each either else ever every for
    from further get gets give given go had has have having he her here hers him his how i if in
    into is it its itself just let like many me more most much my no nor not now of off on once
    only or other our ours out over own please same she should show so some such tell than that
    the their theirs them then there these they this those through thus to too under until up us
    very was we were what whats when where whether which while who whom whose why will with
    within would yet you your""".split()
)
# Words that narrow a question only a little: they count towards the ranking when a fact has
# them, but a fact is not required to.
WEAK_WORDS = frozenset(
    """amount amounts big biggest chongqing count figure figures first have high highest how
    large largest latest level levels long low lowest many much new now number numbers per
    quantity rate recent singapore size small total totals value values year years""".split()
)
_TOKEN = re.compile(r"\"[^\"]*\"|[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_SCALES = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
    "t": 10**12,
    "tn": 10**12,
    "trillion": 10**12,
}
_CURRENCY_WORDS = {
    "usd": "USD",
    "us": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "$": "USD",
    "us$": "USD",
    "rmb": "RMB",
    "yuan": "RMB",
    "cny": "RMB",
    "renminbi": "RMB",
    "sgd": "SGD",
    "s$": "SGD",
}
_NUMBER = re.compile(
    r"(?P<currency>us\$|s\$|\$|usd|rmb|sgd|cny)?\s*"
    r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|mln|mn|bn|tn|k|m|b|t)(?![a-z]))?"
    r"(?P<percent>\s*(?:%|percent\b|per\s+cent\b|pct\b))?",
    re.IGNORECASE,
)


@dataclass
class Result:
    """What a search found: the facts (best first, at most the limit), how many there are in
    all, the words it corrected (typo -> correction), the words no fact has, and a hint when
    nothing was found."""

    facts: list[dict[str, Any]]
    total: int
    corrections: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Group:
    """One thing the query asks for, and the FTS5 expressions that find it."""

    text: str
    alternatives: list[str]
    weak: bool = False
    weight: float = 1.0

    @property
    def expression(self) -> str:
        return "(" + " OR ".join(self.alternatives) + ")"


@dataclass
class _Number:
    values: set[Decimal]
    currency: str | None
    percent: bool
    year: int | None


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fold(text: str) -> str:
    """Case and accents folded, as the index folds them."""
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _numbers(text: str) -> tuple[list[_Number], str]:
    """The numbers a query writes (with their currency, scale and percent sign), and the query
    without them."""
    found: list[_Number] = []

    def take(match: re.Match[str]) -> str:
        digits = match["n"].replace(",", "")
        try:
            amount = Decimal(digits)
        except InvalidOperation:
            return match.group()
        scale = (match["scale"] or "").lower()
        currency = _CURRENCY_WORDS.get((match["currency"] or "").lower())
        values = {amount * _SCALES[scale]} if scale else {amount}
        year = int(digits) if not scale and re.fullmatch(r"(19|20)\d\d", digits) else None
        found.append(_Number(values, currency, bool(match["percent"]), year))
        return " "

    rest = _NUMBER.sub(take, text)
    return found, rest


def highlight_pattern(query: str) -> str | None:
    """A regular expression for the query's words where they start a word of a text (case
    ignored), so a table can show why a fact matched; None for a query without words."""
    from ccifacts.text import normalize

    words = sorted(
        {w for w in normalize(query).split() if w not in STOP_WORDS}, key=len, reverse=True
    )
    if not words:
        return None
    return r"(?i)(?<![^\W_])(?:" + "|".join(re.escape(word) for word in words) + ")"


class Searcher:
    """Answers searches on one open database."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    # --- reading the query --------------------------------------------------------------------

    def _words(self, text: str) -> tuple[list[str], list[str], list[str]]:
        """(strong words, weak words, quoted phrases) of a query, each once, in order."""
        strong: list[str] = []
        weak: list[str] = []
        phrases: list[str] = []
        for token in _TOKEN.findall(text):
            if token.startswith('"'):
                phrase = " ".join(_TOKEN.findall(token[1:-1]))
                if phrase and phrase not in phrases:
                    phrases.append(phrase)
                continue
            word = token.strip("'")
            if word.endswith("'s"):
                word = word[:-2]
            if not word or word in STOP_WORDS:
                continue
            if word in _CURRENCY_WORDS:
                continue  # a currency names the unit of a number, not a word of a fact
            target = weak if word in WEAK_WORDS else strong
            if word not in strong and word not in weak:
                target.append(word)
        return strong, weak, phrases

    def _group(self, word: str, synonyms: dict[tuple[str, ...], list[str]], stems: list[str]) -> _Group:
        alternatives = [_quote(word)]
        for other in synonyms.get(tuple(stems), []):
            alternatives.append(_quote(other))
        if "-" in word or "'" in word:
            joined = re.sub(r"[-']", "", word)
            alternatives.append(_quote(joined))
        return _Group(word, alternatives)

    def _found(self, group: _Group) -> int:
        return db.document_count(self.connection, group.expression)

    def _split(self, word: str, known: dict[str, int]) -> str | None:
        """``word`` as two words of the index joined ("ecommerce" -> "e commerce")."""
        for cut in range(1, len(word)):
            left, right = word[:cut], word[cut:]
            stems = db.stems(self.connection, [left, right])
            if all(s and s[0] in known or db.known_words(self.connection, s) for s in stems):
                phrase = f"{left} {right}"
                if db.document_count(self.connection, _quote(phrase)):
                    return phrase
        return None

    def _correct(self, word: str, stem: str) -> str | None:
        """The index's word nearest to a word it does not have (a typo), or None."""
        if len(word) < 3 or word.isdigit():
            return None
        from rapidfuzz.distance import OSA

        limit = 1 if len(word) <= 4 else 2
        best: tuple[int, int, str] | None = None
        for candidate, docs in db.words_near(self.connection, len(stem), limit + 3):
            distance = min(
                OSA.distance(stem, candidate, score_cutoff=limit),
                OSA.distance(word, candidate, score_cutoff=limit),
                OSA.distance(word[: len(candidate)], candidate, score_cutoff=limit)
                + (0 if len(word) - len(candidate) <= 4 and len(candidate) >= 4 else limit + 1),
            )
            if distance > limit or candidate[:1] != stem[:1] and distance > 1:
                continue
            key = (distance, -docs, candidate)
            if best is None or key < best:
                best = key
        return None if best is None else best[2]

    def _surface(self, stem: str) -> str:
        """A word of the facts that the index stems to ``stem`` ("aviat" -> "aviation")."""
        hits = db.search(self.connection, _quote(stem), 1)
        if not hits:
            return stem
        words = re.findall(r"[^\W_]+", db.texts(self.connection, hits[0][0]))
        stemmed = db.stems(self.connection, words)
        for surface, stems in zip(words, stemmed, strict=True):
            if stems == [stem]:
                return surface
        return stem

    # --- searching ----------------------------------------------------------------------------

    def search(
        self, query: str, *, limit: int | None = None, filters: db.Filters | None = None
    ) -> Result:
        """Facts that answer ``query``, best first (at most ``limit``)."""
        text = fold(query[:MAX_QUERY_CHARS])
        notes: list[str] = []
        numbers, rest = _numbers(text)
        strong, weak, phrases = self._words(rest)
        if len(strong) + len(weak) + len(phrases) > MAX_WORDS:
            notes.append(f"only the first {MAX_WORDS} words of the query are looked for")
            strong = strong[:MAX_WORDS]
            weak = weak[: max(0, MAX_WORDS - len(strong))]
            phrases = phrases[: max(0, MAX_WORDS - len(strong) - len(weak))]
        groups, corrections, unknown = self._groups(strong, phrases)
        weak_groups = [g for g in self._weak(weak) if self._found(g)]
        value_hits = self._value_hits(numbers)
        result = self._rank(groups, weak_groups, numbers, value_hits, filters)
        total = len(result)
        if limit is not None:
            result = result[:limit]
        return Result(db.facts_at(self.connection, result), total, corrections, unknown, notes)

    def _weak(self, words: list[str]) -> list[_Group]:
        groups = []
        for word in words:
            group = _Group(word, [_quote(word)], weak=True)
            groups.append(group)
        return groups

    def _groups(
        self, words: list[str], phrases: list[str]
    ) -> tuple[list[_Group], list[tuple[str, str]], list[str]]:
        stems = db.stems(self.connection, words) if words else []
        synonyms = self._synonyms()
        known = db.known_words(self.connection, [s for found in stems for s in found])
        groups: list[_Group] = []
        corrections: list[tuple[str, str]] = []
        unknown: list[str] = []
        for word, found in zip(words, stems, strict=True):
            if not found:
                continue
            group = self._group(word, synonyms, found)
            if self._found(group):
                groups.append(group)
                continue
            if len(word) >= 4 and db.document_count(self.connection, _quote(word) + "*"):
                groups.append(_Group(word, [_quote(word) + "*"]))
                continue
            halves = self._split(word, known) if "-" not in word and len(word) >= 4 else None
            if halves is not None:
                groups.append(_Group(word, [_quote(halves)]))
                continue
            corrected = self._correct(word, found[-1])
            if corrected is not None:
                surface = self._surface(corrected)
                corrections.append((word, surface))
                groups.append(self._group(surface, synonyms, [corrected]))
                continue
            unknown.append(word)
        for phrase in phrases:
            group = _Group(phrase, [_quote(phrase)])
            if self._found(group):
                groups.append(group)
            else:
                unknown.append(phrase)
        # Rare words say more: a group's weight is its inverse document frequency.
        total = max(1, db.count_facts(self.connection, db.Filters()))
        for group in groups:
            found_in = max(1, self._found(group))
            group.weight = 1.0 + math.log(total / found_in)
        return groups, corrections, unknown

    def _synonyms(self) -> dict[tuple[str, ...], list[str]]:
        """Each synonym's search tokens -> the other words of its groups."""
        pairs = db.synonym_pairs(self.connection)
        if not pairs:
            return {}
        words = sorted({w for pair in pairs for w in pair})
        stems = dict(zip(words, db.stems(self.connection, words), strict=True))
        found: dict[tuple[str, ...], list[str]] = {}
        for word, other in pairs:
            found.setdefault(tuple(stems[word]), []).append(other)
        return found

    def _value_hits(self, numbers: list[_Number]) -> dict[int, int]:
        """Position -> how well a fact's figures match the query's numbers (2: its value, 1: its
        baseline or stated change)."""
        hits: dict[int, int] = {}
        for number in numbers:
            for value in number.values:
                plain = int(value) if value == value.to_integral_value() else float(value)
                for position, where in db.positions_with_value(self.connection, plain).items():
                    score = 2 if where == "value" else 1
                    hits[position] = max(hits.get(position, 0), score)
        return hits

    def _rank(
        self,
        groups: list[_Group],
        weak: list[_Group],
        numbers: list[_Number],
        value_hits: dict[int, int],
        filters: db.Filters | None,
    ) -> list[int]:
        if not groups and not value_hits:
            return []
        allowed = self._allowed(filters)
        if groups:
            everything = " AND ".join(g.expression for g in groups)
            scored = db.search(self.connection, everything, CANDIDATES * 10)
            if not scored and len(groups) > 1:
                anything = " OR ".join(g.expression for g in groups)
                scored = db.search(self.connection, anything, CANDIDATES * 10)
        else:
            scored = []
        bm25 = dict(scored)
        candidates = list(bm25)
        for position in value_hits:
            if position not in bm25:
                candidates.append(position)
        if allowed is not None:
            candidates = [p for p in candidates if p in allowed]
        head = candidates[:CANDIDATES]
        coverage: dict[int, float] = dict.fromkeys(head, 0.0)
        if len(groups) > 1 or not bm25:
            for group in groups:
                for position in db.matching(self.connection, group.expression, head):
                    coverage[position] += group.weight
        else:
            for position in head:
                coverage[position] = groups[0].weight if groups and position in bm25 else 0.0
        bonus: dict[int, float] = dict.fromkeys(head, 0.0)
        for group in weak:
            for position in db.matching(self.connection, group.expression, head):
                bonus[position] += 0.25
        words = [g.text for g in groups if " " not in g.text and not g.alternatives[0].endswith("*")]
        for first, second in zip(words, words[1:], strict=False):
            for position in db.matching(self.connection, _quote(f"{first} {second}"), head):
                bonus[position] += 0.5
        years = {n.year for n in numbers if n.year is not None}
        dates = db.fact_dates(self.connection, head)
        for position in head:
            start, end = dates.get(position, ("", ""))
            if any(start[:4] <= str(year) <= end[:4] for year in years if start and end):
                bonus[position] += 0.5

        def key(position: int) -> tuple[float, ...]:
            return (
                -round(coverage.get(position, 0.0), 6),
                -value_hits.get(position, 0),
                -bonus.get(position, 0.0),
                bm25.get(position, 0.0),
                position,
            )

        ranked = sorted(head, key=key)
        ranked = self._recent_first(ranked, value_hits, bonus)
        return ranked + candidates[CANDIDATES:]

    def _allowed(self, filters: db.Filters | None) -> set[int] | None:
        if filters is None or filters == db.Filters():
            return None
        return set(db.positions(self.connection, filters))

    def _recent_first(
        self, ranked: list[int], value_hits: dict[int, int], bonus: dict[int, float]
    ) -> list[int]:
        """Among points of one measure, the most recent first (unless the query's number or year
        picks an older one): each measure's points are reordered within the places they hold."""
        info = db.fact_measures(self.connection, ranked)
        slots: dict[str, list[int]] = {}
        for index, position in enumerate(ranked):
            measure = info.get(position, (None, ""))[0]
            if measure is not None:
                slots.setdefault(measure, []).append(index)
        result = list(ranked)
        for indexes in slots.values():
            if len(indexes) < 2:
                continue
            members = [ranked[i] for i in indexes]
            members.sort(
                key=lambda p: (
                    -value_hits.get(p, 0),
                    -bonus.get(p, 0.0),
                    -int(info[p][1].replace("-", "") or 0),
                    p,
                )
            )
            for index, position in zip(indexes, members, strict=True):
                result[index] = position
        return result
