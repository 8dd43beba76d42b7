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

import itertools
import math
import re
import sqlite3
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from ccifacts import db

MAX_QUERY_CHARS = 2000
MAX_WORDS = 24
"""Distinct query words looked for; more make a query slow and say nothing more."""
CANDIDATES = 200
"""Facts ranked in Python after SQLite's first cut; the rest follow in SQLite's order."""

# Words that carry no subject: asked of every fact, or of none.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "during",
        "each",
        "either",
        "else",
        "ever",
        "every",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "give",
        "given",
        "go",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "like",
        "many",
        "me",
        "more",
        "most",
        "much",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "please",
        "same",
        "she",
        "should",
        "show",
        "so",
        "some",
        "such",
        "tell",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "thus",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "whats",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "would",
        "yet",
        "you",
        "your",
        "became",
        "become",
        "bring",
        "brought",
        "came",
        "come",
        "comes",
        "does",
        "goes",
        "going",
        "gone",
        "got",
        "keep",
        "kept",
        "know",
        "knows",
        "make",
        "makes",
        "made",
        "move",
        "moved",
        "moves",
        "need",
        "needs",
        "put",
        "said",
        "say",
        "says",
        "see",
        "seen",
        "seem",
        "seems",
        "take",
        "takes",
        "taken",
        "took",
        "tell",
        "told",
        "want",
        "wants",
        "went",
        "kind",
        "kinds",
        "lot",
        "lots",
        "part",
        "parts",
        "thing",
        "things",
        "type",
        "types",
        "way",
        "ways",
    ]
)
# Words that narrow a question only a little: they count towards the ranking when a fact has
# them, but a fact is not required to.
WEAK_WORDS = frozenset(
    [
        "amount",
        "amounts",
        "big",
        "biggest",
        "chongqing",
        "count",
        "figure",
        "figures",
        "first",
        "have",
        "high",
        "highest",
        "how",
        "large",
        "largest",
        "latest",
        "level",
        "levels",
        "long",
        "low",
        "lowest",
        "many",
        "money",
        "much",
        "new",
        "now",
        "number",
        "numbers",
        "per",
        "quantity",
        "rate",
        "recent",
        "singapore",
        "size",
        "small",
        "total",
        "totals",
        "value",
        "values",
        "year",
        "years",
    ]
)
# Words that ask for the latest figure, not for a word of a fact.
_RECENT = re.compile(
    r"\b(so far|to date|up to now|until now|as of now|at present|these days|right now|"
    r"currently|current|nowadays|now|today|latest|most recent|recently|this year)\b"
)
# What a question counts or measures: the word after "how many".
_FOCUS = re.compile(r"\b(how many|how much|number of|amount of|total)\s+([^\W_]+)")
# An FTS5 column filter: a match in a fact's own id or label, or the names it mentions.
_KEY_COLUMNS = "{id label names} : "
_OWN_COLUMNS = "{id label} : "
_NAME_COLUMN = "{names} : "
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
# A number as a word of its own (not the 380 of "A380"), with its currency, scale and percent.
_NUMBER = re.compile(
    r"(?P<currency>us\$|s\$|\$|usd|rmb|sgd|cny)?\s*"
    r"(?<![^\W\d_])(?P<n>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|mln|mn|bn|tn|k|m|b|t)(?![a-z]))?"
    r"(?P<percent>\s*(?:%|percent\b|per\s+cent\b|pct\b))?"
    r"(?:km|kg|teu|tonnes?|tons?|hrs?|hours?|days?|pax)?"  # a unit written onto it: 4080km
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


class Result:
    """What a search found: the facts (best first, at most the limit), how many there are in
    all, the words it corrected (typo -> correction), the words no fact has, and a hint when
    nothing was found. (Plain classes here: ``dataclasses`` imports ``inspect``, a tenth of a
    search's start-up.)"""

    def __init__(
        self,
        facts: list[Any],
        total: int,
        corrections: list[tuple[str, str]] | None = None,
        unknown: list[str] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.facts = facts
        self.total = total
        self.corrections = corrections if corrections is not None else []
        self.unknown = unknown if unknown is not None else []
        self.notes = notes if notes is not None else []
        self.positions: list[int] = []  # where the facts are, in the order found

    def _fields(self) -> tuple[Any, ...]:
        return (self.facts, self.total, self.corrections, self.unknown, self.notes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Result) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Result(facts={self.facts!r}, total={self.total!r}, corrections="
            f"{self.corrections!r}, unknown={self.unknown!r}, notes={self.notes!r})"
        )


class _Group:
    """One thing the query asks for, and the FTS5 expressions that find it."""

    def __init__(
        self, text: str, alternatives: list[str], weak: bool = False, weight: float = 1.0
    ) -> None:
        self.text = text
        self.alternatives = alternatives
        self.weak = weak
        self.weight = weight

    @property
    def expression(self) -> str:
        return "(" + " OR ".join(self.alternatives) + ")"


class _Number(NamedTuple):
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
        self.scores: dict[int, float] = {}
        self._counts: dict[str, int] = {}  # the database does not change under a search
        self._capped: dict[str, int] = {}
        self._pairs: list[tuple[str, str]] | None = None

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

    def _group(
        self, word: str, synonyms: dict[tuple[str, ...], list[str]], stems: list[str]
    ) -> _Group:
        alternatives = [_quote(word)]
        for other in synonyms.get(tuple(stems), []):
            alternatives.append(_quote(other))
        if "-" in word or "'" in word:
            joined = re.sub(r"[-']", "", word)
            alternatives.append(_quote(joined))
        return _Group(word, alternatives)

    def _found(self, group: _Group) -> int:
        """How many facts have ``group``, for its weight: counted up to ``db.SCAN``, beyond
        which a word says little anyway, and counting reads every match."""
        known = self._counts.get(group.expression, self._capped.get(group.expression))
        if known is None:
            known = db.document_count(self.connection, group.expression, at_most=db.SCAN)
            self._capped[group.expression] = known
        return known

    def _count(self, expression: str) -> int:
        """How many facts match ``expression`` (counted once a search)."""
        found = self._counts.get(expression)
        if found is None:
            found = self._counts[expression] = db.document_count(self.connection, expression)
        return found

    def _split(self, word: str, known: dict[str, int]) -> str | None:
        """``word`` as two words of the index joined ("ecommerce" -> "e commerce")."""
        for cut in range(1, len(word)):
            left, right = word[:cut], word[cut:]
            stems = db.stems(self.connection, [left, right])
            if all((s and s[0] in known) or db.known_words(self.connection, s) for s in stems):
                phrase = f"{left} {right}"
                if db.exists(self.connection, _quote(phrase)):
                    return phrase
        return None

    def _correct(self, word: str, stem: str) -> str | None:
        """The index's word nearest to a word it does not have (a typo), or None."""
        if len(word) < 3 or word.isdigit():
            return None
        from rapidfuzz.distance import OSA

        limit = 1 if min(len(word), len(stem)) <= 4 else 2
        best: tuple[int, int, str] | None = None
        for candidate, docs in db.words_near(self.connection, len(stem), limit + 3):
            if candidate in STOP_WORDS or candidate in WEAK_WORDS:
                continue  # a typo of a subject is never corrected into a word of no subject
            distance = min(
                OSA.distance(stem, candidate, score_cutoff=limit),
                OSA.distance(word, candidate, score_cutoff=limit),
            )
            # A long stem may be the start of a longer misspelt word ("informaton" is
            # "inform..."), but a short one would match too much ("sing" in "singpore").
            if len(candidate) >= 6 and 0 < len(word) - len(candidate) <= 4:
                head = OSA.distance(word[: len(candidate)], candidate, score_cutoff=limit)
                distance = min(distance, head + 1)
            if distance > limit or (candidate[:1] != stem[:1] and distance > 1):
                continue
            key = (distance, -docs, candidate)
            if best is None or key < best:
                best = key
        return None if best is None else best[2]

    def _surface(self, stem: str) -> str:
        """A word of the facts that the index stems to ``stem`` ("aviat" -> "aviation")."""
        hits = db.search(self.connection, _quote(stem), 1)  # the best fact's word form
        if not hits:
            return stem
        words = re.findall(r"[^\W_]+", db.texts(self.connection, hits[0][0]))
        stemmed = db.stems(self.connection, words)
        for surface, stems in zip(words, stemmed, strict=True):
            if stems == [stem]:
                return str(surface)
        return stem

    # --- searching ----------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int | None = None,
        filters: db.Filters | None = None,
        fetch: bool = True,
    ) -> Result:
        """Facts that answer ``query``, best first (at most ``limit``); without ``fetch``, the
        result's ``facts`` are left empty and ``positions`` says where to read them."""
        text = fold(query[:MAX_QUERY_CHARS])
        notes: list[str] = []
        recent = bool(_RECENT.search(text))
        text = _RECENT.sub(" ", text)
        numbers, rest = _numbers(text)
        rest, synonym_groups = self._phrases(rest)
        strong, weak, phrases = self._words(rest)
        if len(strong) + len(weak) + len(phrases) > MAX_WORDS:
            notes.append(f"only the first {MAX_WORDS} words of the query are looked for")
            strong = strong[:MAX_WORDS]
            weak = weak[: max(0, MAX_WORDS - len(strong))]
            phrases = phrases[: max(0, MAX_WORDS - len(strong) - len(weak))]
        if weak and not (strong or phrases or synonym_groups or numbers):
            # Nothing but weak words: those the data names as terms, the initiative's setting
            # ("Chongqing Singapore"), are the subject this time; question words ("how long")
            # stay weak, so a question without a subject finds nothing.
            from ccifacts.text import normalize

            named = [w for w in weak if db.resolve(self.connection, "terms", normalize(w))]
            strong, weak = named, [w for w in weak if w not in named]
        groups, corrections, unknown = self._groups(strong, phrases)
        groups += [g for g in synonym_groups if self._found(g)]
        self._weigh(groups)
        self._focus(groups, _FOCUS.search(rest))
        weak_groups = [g for g in self._weak(weak) if db.exists(self.connection, g.expression)]
        value_hits = self._value_hits(numbers)
        intent = _Intent.of(text, numbers, recent=recent)
        ranked, total = self._rank(groups, weak_groups, intent, value_hits, filters, limit)
        if limit is not None:
            ranked = ranked[:limit]
        found = db.facts_at(self.connection, ranked) if fetch else []
        result = Result(found, total, corrections, unknown, notes)
        result.positions = ranked
        return result

    def _weak(self, words: list[str]) -> list[_Group]:
        return [_Group(word, [_quote(word)], weak=True) for word in words]

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
            if len(group.alternatives) == 1 and len(found) == 1 and found[0] in known:
                # One word of one token: the index's vocabulary says how many facts have it.
                self._counts[group.expression] = known[found[0]]
            if self._found(group):
                groups.append(group)
                continue
            if len(word) >= 4 and db.exists(self.connection, _quote(word) + "*"):
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
        return groups, corrections, unknown

    def _weigh(self, groups: list[_Group]) -> None:
        """Rare words say more: a group's weight is its inverse document frequency. A word that
        no fact has in its id, label or names (only in a statement's prose: "flew", "take")
        narrows the question less: it counts, but is not required."""
        total = max(1, db.count_facts(self.connection, db.Filters()))
        for group in groups:
            group.weight = 1.0 + math.log(total / max(1, self._found(group)))
            group.weak = not db.exists(self.connection, _KEY_COLUMNS + group.expression)
        if groups and all(group.weak for group in groups):
            for group in groups:
                group.weak = False

    def _focus(self, groups: list[_Group], asked: re.Match[str] | None) -> None:
        """In "how many X ..." the thing counted (X) must be found; the question's other words
        are required only if some fact names them together with X in its own id or label
        ("how many countries can you ship to through the ILSTC": the ILSTC yes, "ship" no)."""
        if asked is None:
            return
        focus = next((g for g in groups if g.text == asked[2] and not g.weak), None)
        if focus is None:
            return
        for group in groups:
            if group is focus or group.weak:
                continue
            together = f"{_OWN_COLUMNS}{focus.expression} AND {_OWN_COLUMNS}{group.expression}"
            if not db.exists(self.connection, together):
                group.weak = True

    def _phrases(self, text: str) -> tuple[str, list[_Group]]:
        """The synonyms of more than one word that the query writes ("a year", "per cent"),
        each as a group of its own, and the query without them."""
        groups = []
        for phrase, others in self._multiword().items():
            if not all(word in text for word in phrase.split()):
                continue  # cheaper than compiling a pattern for each phrase of the base
            pattern = r"(?<!\w)" + r"[\s-]+".join(map(re.escape, phrase.split())) + r"(?!\w)"
            if re.search(pattern, text):
                text = re.sub(pattern, " ", text)
                groups.append(_Group(phrase, [_quote(phrase)] + [_quote(o) for o in others]))
        return text, groups

    def _synonym_pairs(self) -> list[tuple[str, str]]:
        if self._pairs is None:
            self._pairs = db.synonym_pairs(self.connection)
        return self._pairs

    def _multiword(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for word, other in self._synonym_pairs():
            if " " in word:
                found.setdefault(word, []).append(other)
        return found

    def _synonyms(self) -> dict[tuple[str, ...], list[str]]:
        """Each synonym's search tokens -> the other words of its groups."""
        pairs = self._synonym_pairs()
        if not pairs:
            return {}
        words = sorted({w for pair in pairs for w in pair})
        stems = dict(zip(words, db.stems(self.connection, words), strict=True))
        found: dict[tuple[str, ...], list[str]] = {}
        for word, other in pairs:
            found.setdefault(tuple(stems[word]), []).append(other)
        return found

    def _value_hits(self, numbers: list[_Number]) -> dict[int, float]:
        """Position -> how well a fact's figures match the query's numbers: its value most, its
        baseline or stated change less; a small whole number also matches a figure it rounds
        or cuts ("237%" finds +237.3%), a little less."""
        hits: dict[int, float] = {}

        def add(found: dict[int, str], scale: float) -> None:
            for position, where in found.items():
                score = (3.0 if where == "value" else 1.5) * scale
                hits[position] = max(hits.get(position, 0.0), score)

        for number in numbers:
            # "2024" is more likely a year than a figure.
            scale = 0.5 if number.year is not None else 1.0
            for value in number.values:
                plain = int(value) if value == value.to_integral_value() else float(value)
                exact = db.positions_with_value(self.connection, plain)
                add(exact, scale)
                if not exact and isinstance(plain, int) and plain < 10_000:
                    add(
                        db.positions_with_value(self.connection, plain - 0.5, plain + 1),
                        0.5 * scale,
                    )
        return hits

    def _rank(
        self,
        groups: list[_Group],
        weak: list[_Group],
        intent: _Intent,
        value_hits: dict[int, float],
        filters: db.Filters | None,
        limit: int | None,
    ) -> tuple[list[int], int]:
        """Positions of the facts that answer, best first (at least ``limit`` of them, all if
        None), and how many answer in all. The candidates are the facts with every required
        word (else with any of them) and those whose figure is a number of the query; the best
        ``CANDIDATES`` by BM25 are scored by what they match, the rest follow in BM25 order."""
        if not groups and not value_hits:
            return [], 0
        allowed = self._allowed(filters)
        fetch = None if limit is None or allowed is not None else max(CANDIDATES, limit)
        required = [g for g in groups if not g.weak]
        bm25: dict[int, float] = {}
        expression = ""
        if required:
            expression = " AND ".join(g.expression for g in required)
            bm25 = dict(db.search(self.connection, expression, fetch))
            if not bm25:
                expression = " OR ".join(g.expression for g in groups)
                bm25 = dict(db.search(self.connection, expression, fetch))
        others = [p for p in value_hits if p not in bm25]
        if fetch is not None and len(bm25) >= fetch:
            # Only the best were fetched: count the rest, and keep the numbers' facts that
            # the words also find in their place among them.
            outside = set(others) - db.matching(self.connection, expression, others)
            total = self._count(expression) + len(outside)
            others = sorted(outside)
        else:
            total = len(bm25) + len(others)
        candidates = list(bm25) + others
        if allowed is not None:
            candidates = [p for p in candidates if p in allowed]
            total = len(candidates)
        head = candidates[:CANDIDATES]
        score = dict.fromkeys(head, 0.0)
        db.index_head(self.connection, head)

        def having(expression: str) -> set[int]:
            return db.head_matching(self.connection, expression)

        for group in groups:
            share = 0.4 if group.weak else 1.0
            for position in having(group.expression):
                score[position] += share * group.weight
            # Where a word is found says how much the fact is about it: its own id or label
            # most, the names of what it mentions less.
            for position in having(_OWN_COLUMNS + group.expression):
                score[position] += 0.6 * share * group.weight
            for position in having(_NAME_COLUMN + group.expression):
                score[position] += 0.2 * share * group.weight
        for group in weak:
            for position in having(group.expression):
                score[position] += 0.25
        words = [
            g.text for g in groups if " " not in g.text and not g.alternatives[0].endswith("*")
        ]
        for first, second in itertools.pairwise(words):
            for position in having(_quote(f"{first} {second}")):
                score[position] += 1.0
        # What picks one point of a measure over another: its figure or its year in the query.
        specific = dict.fromkeys(head, 0.0)
        for position, value in value_hits.items():
            if position in score:
                score[position] += value
                specific[position] += value
        facts = db.fact_facets(self.connection, head)
        worst = min(bm25.values(), default=0.0) or -1.0
        for position in head:
            facet = facts.get(position)
            if facet is not None:
                score[position] += intent.bonus(facet)
                specific[position] += intent.year_bonus(facet)
                # A decade of reports: the later of two equal answers is the one people want,
                # and the latest when they ask for "now".
                score[position] += (1.5 if intent.recent else 0.3) * _recency(facet)
            # BM25 (negative: lower is better) breaks near-ties: at most a point.
            score[position] += bm25.get(position, 0.0) / worst
        self.scores = score  # kept for `benchmarks/search_quality.py --explain`
        ranked = sorted(head, key=lambda p: (-round(score[p], 6), p))
        ranked = self._recent_first(ranked, specific, facts)
        return ranked + candidates[CANDIDATES:], total

    def _allowed(self, filters: db.Filters | None) -> set[int] | None:
        if filters is None or filters == db.Filters():
            return None
        return set(db.positions(self.connection, filters))

    def _recent_first(
        self, ranked: list[int], specific: dict[int, float], facts: dict[int, db.Facet]
    ) -> list[int]:
        """Among the points of one measure, the most recent first, unless the query's number
        or year names another: each measure's points are reordered within the places they
        hold, so the measure keeps its rank among other facts."""
        slots: dict[str, list[int]] = {}
        for index, position in enumerate(ranked):
            facet = facts.get(position)
            if facet is not None and facet.measure is not None:
                slots.setdefault(facet.measure, []).append(index)
        result = list(ranked)
        for indexes in slots.values():
            if len(indexes) < 2:
                continue
            members = [ranked[i] for i in indexes]
            members.sort(
                key=lambda p: (
                    -specific[p],
                    -int(facts[p].date_end.replace("-", "") or 0),
                    p,
                )
            )
            for index, position in zip(indexes, members, strict=True):
                result[index] = position
        return result


_UNIT_WORDS = {
    "years": "years",
    "days": "days",
    "hours": "hours",
    "weeks": "per_week",
    "times": "times",
}


def _recency(facet: db.Facet) -> float:
    """0 for a fact of 2015 or before, 1 for one of 2025 or after, linearly between."""
    year = int(facet.date_end[:4]) if facet.date_end[:4].isdigit() else 2015
    return min(1.0, max(0.0, (year - 2015) / 10))


class _Intent(NamedTuple):
    """What kind of answer a question asks for ("how long" asks for a duration, "when" for a
    date), so facts of that kind score a little higher."""

    units: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    currency: str | None = None
    percent: bool = False
    years: frozenset[int] = frozenset()
    change: bool = False
    named_unit: bool = False
    recent: bool = False

    @classmethod
    def of(cls, text: str, numbers: list[_Number], *, recent: bool = False) -> _Intent:
        units: set[str] = set()
        kinds: set[str] = set()
        # "how many years", "how many days": the unit asked for, named.
        named = re.search(r"\bhow many (years|days|hours|weeks|times)\b", text)
        if named:
            units |= {_UNIT_WORDS[named[1]]}
            strong = True
        else:
            strong = False
        if re.search(r"\bhow (long|fast|quick(ly)?)\b|\b(days?|hours?|duration)\b", text):
            units |= {"days", "hours", "years"}
        if re.search(r"\bhow many\b|\bnumber of\b", text):
            units |= {"count", "per_week", "per_day", "per_year", "TEU"}
        if re.search(r"\bhow much\b|\bworth\b|\bvalue\b", text):
            units |= {"USD", "RMB", "SGD", "metric_tons", "TEU"}
        if re.search(r"\bwhen\b|\bwhat year\b|\bdate\b", text):
            kinds |= {"milestone"}
        if re.search(r"\b(percent|percentage|share|proportion|rate)\b|%", text):
            units |= {"percent"}
        if re.search(r"\b(times|fold|multiple)\b", text):
            units |= {"times"}
        if re.search(r"\b(goal|target|aim|plan|will|by 20\d\d)\b", text):
            kinds |= {"target", "plan"}
        change = bool(
            re.search(
                r"\b(grow|grew|grown|growth|increase[sd]?|rise|rose|risen|change[sd]?|compared|"
                r"year on year|yoy|up|more than before|since)\b",
                text,
            )
        )
        currency = next((n.currency for n in numbers if n.currency), None)
        if currency is None:
            words = [
                _CURRENCY_WORDS[w] for w in re.findall(r"[a-z$]+", text) if w in _CURRENCY_WORDS
            ]
            currency = words[0] if words else None
        percent = any(n.percent for n in numbers)
        years = frozenset(n.year for n in numbers if n.year is not None)
        return cls(
            frozenset(units), frozenset(kinds), currency, percent, years, change, strong, recent
        )

    def bonus(self, facet: db.Facet) -> float:
        points = 0.0
        if facet.unit is not None and facet.unit in self.units:
            points += 2.0 if self.named_unit else 1.0
        if self.change and facet.changed:
            points += 1.0
        if facet.kind in self.kinds:
            points += 1.0
        if self.currency is not None and facet.unit == self.currency:
            points += 1.0
        if self.percent and facet.unit == "percent":
            points += 0.5
        return points + self.year_bonus(facet)

    def year_bonus(self, facet: db.Facet) -> float:
        """1 when the fact holds in (or ends with) a year the query names, half of that when
        its period only spans it."""
        if self.years and facet.date_start and facet.date_end:
            first, last = int(facet.date_start[:4]), int(facet.date_end[:4])
            if last in self.years:
                return 1.0
            if any(first <= year <= last for year in self.years):
                return 0.5
        return 0.0
