"""Tracing the figures of a fact base back to a source text. Every number the text writes is
collected with the kind of quantity its neighbourhood makes it: a percentage ("20.2%"), a
multiple ("fivefold", "3-fold", "twice"), an ordinal ("third", "15th"), money in a currency with
its scale ("USD 26 billion", "RMB 400 million"), a duration or a rate by the unit word near it
("7 days", "10-year", "24 per week", "five weekly flights", "annual exchanges of 500"), a date
("November 2015"), or else a plain count. A fact's value, baseline and year-on-year change are
found only in a number of the same value and the kind its unit names, so "sevenfold" does not
supply "7 days". A count says little by its kind alone ("two sides" and "two key areas"), so a
count is also attributed to the count facts whose label and statement best match the words
around it, and supplies only their figures. Comparison is exact, on decimals: 21.7 billion is
21700000000, not a float near it. Source texts are read as warily as fact bases: a regular
file, of bounded size, writing a bounded number of numbers."""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ccifacts.errors import UsageError
from ccifacts.factbase import FactBase, Record
from ccifacts.text import inert
from ccifacts.units import exact

MAX_SOURCE_BYTES = 4 * 1024 * 1024
"""Largest source text read: 4 MiB, 300 times the bundled report and more than a book. Every
word is read, so the size bounds the time verify takes (about 5 s at the limit)."""
MAX_SOURCE_NUMBERS = 100_000
"""Most numbers a source text may write (the bundled report writes 58). Each is read closely
(about 25 us), so a text of nothing but numbers would take minutes without this limit."""


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_UNITS_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_CARDINALS = {
    **_UNITS_WORDS,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
}
_MULTIPLES = {
    "double": 2,
    "doubled": 2,
    "twice": 2,
    "triple": 3,
    "tripled": 3,
    "thrice": 3,
    "quadruple": 4,
    "quadrupled": 4,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MONTHS = _set(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
# Currency before a number ("USD 26 billion", "US$ 5", "RMB 400 million") or after it
# ("400 million yuan", "26 billion US dollars"). Kinds other than USD and RMB are kept so that
# "SGD 5 million" is money, yet supplies no figure in USD or RMB.
_CURRENCY_BEFORE = {
    "usd": "USD",
    "us$": "USD",
    "$": "USD",
    "rmb": "RMB",
    "cny": "RMB",
    "yuan": "RMB",
    "sgd": "SGD",
    "s$": "SGD",
    "eur": "EUR",
    "€": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "yen or yuan",
}
_CURRENCY_AFTER = {
    "usd": "USD",
    "dollars": "USD",
    "rmb": "RMB",
    "yuan": "RMB",
    "renminbi": "RMB",
    "cny": "RMB",
    "sgd": "SGD",
    "euros": "EUR",
}
# A unit word near after a number, and the kind it makes the number: the fact schema's units and
# other kinds a report writes, which supply no figure of a schema unit.
_UNIT_WORDS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "decade": "decades",
    "decades": "decades",
    "hour": "hours",
    "hours": "hours",
    "ton": "metric_tons",
    "tons": "metric_tons",
    "tonne": "metric_tons",
    "tonnes": "metric_tons",
    "weekly": "per_week",
    "annual": "per_year",
    "annually": "per_year",
    "yearly": "per_year",
    "daily": "per_day",
    "monthly": "per_month",
}
# "per week", "a week", "each year": a rate, where the period word alone would be a duration.
_RATE_WORDS = {"per", "a", "an", "each", "every"}
_CURRENCIES = frozenset({*_CURRENCY_BEFORE.values(), *_CURRENCY_AFTER.values()})
_RATES = {"day": "per_day", "week": "per_week", "month": "per_month", "year": "per_year"}
# Rate adjectives a few words before a number ("annual exchanges of more than 500 teachers").
_RATE_BEFORE = {key: kind for key, kind in _UNIT_WORDS.items() if kind.startswith("per_")}
# Words that join two numbers of one unit: "from 10 to 7 days", "5 or 6 weeks", "3-4 days".
_JOINERS = {"to", "and", "or", "-", "\u2013"}
_YEAR_BEFORE = {"in", "since", "by", "from", "to", "until", "till", "before", "after", "during"}
_STOPWORDS = _set(
    "a an and are as at be been but by for from had has have he her his in into is it its more "
    "most not now of on or over so than that the their them there these they this those to under "
    "up was we were which while who will with would also already both either far just only our "
    "per said she such some then through very"
)
_UNIT_LOOKAHEAD = 3
_CONTEXT_WORDS = 12
# A count goes to every count fact whose match comes this close to the best one's, so that near
# ties (two facts about the same sentence) keep both.
_ATTRIBUTION_SHARE = 0.5

# Counting the numbers a text writes, quickly, before reading it closely.
_DIGIT_RUN = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER_WORDS = frozenset(
    {*_CARDINALS, *_ORDINALS, *_MULTIPLES, *(f"{word}fold" for word in _CARDINALS)}
)
_TOKEN = re.compile(
    r"(?P<num>(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    r"(?:(?P<ord>st|nd|rd|th)\b|(?P<fold>-?fold)\b)?"
    r"|(?P<money>\b(?:US|S)\$|[$\u20ac\u00a3\u00a5])"
    r"|(?P<word>[^\W\d_]+(?:['\u2019][^\W\d_]+)?)"
    r"|(?P<percent>%)"
    r"|(?P<stop>[.;:!?\n\u3002]|\s-\s)"
    r"|(?P<comma>,)"
    r"|(?P<dash>[-\u2013])",
    re.I,
)


@dataclass(slots=True)
class _Token:
    kind: str  # num, word, money, percent, stop, comma, dash
    text: str
    number: Decimal | None = None
    form: str = ""  # "ordinal" or "fold" for "15th" and "3-fold"


@dataclass
class Mention:
    """One number the text writes: its value, the kind of quantity, and the words around it."""

    value: Decimal
    kind: str
    context: dict[str, float] = field(default_factory=dict)


def read_source(path: Path) -> str:
    """The text of a source file, refusing anything but a readable regular file of sane size
    (``MAX_SOURCE_BYTES``) that writes a sane number of numbers (``MAX_SOURCE_NUMBERS``)."""
    origin = inert(str(path))
    limit = f"{MAX_SOURCE_BYTES // (1024 * 1024)} MiB"

    def fail(problem: str, hint: str) -> UsageError:
        return UsageError(f"{origin}: {problem}", hint)

    special = fail("not a regular file", "Pass the path of a plain-text source file.")
    too_large = fail(
        f"larger than the limit of {limit} for a source text",
        f"Pass the plain text of the report itself (verify reads up to {limit}).",
    )
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise special  # a device or a pipe is never opened: it could block or never end
        if status.st_size > MAX_SOURCE_BYTES:
            raise too_large
        # Non-blocking, and checked again once open, in case the path was swapped for a pipe.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise special
            # Bounded even when the size above was wrong (a file that grows, /proc files).
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file", "Check the path of the source text.") from None
    except PermissionError:
        raise fail("permission denied", "Make the file readable (chmod +r).") from None
    except OSError as error:
        raise fail(inert(error.strerror or str(error)), "Check the path and the disk.") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise too_large
    text = data.decode("utf-8-sig", errors="replace")
    if _numbers_written(text) > MAX_SOURCE_NUMBERS:
        raise fail(
            f"writes more than {MAX_SOURCE_NUMBERS:,} numbers, the limit for a source text",
            "Pass the report itself, not a table of data.",
        )
    return text


def _numbers_written(text: str) -> int:
    """How many numbers ``text`` writes, about (1,900 and "five" count one each)."""
    digits = sum(1 for _ in _DIGIT_RUN.finditer(text))
    return digits + sum(1 for word in _WORD.findall(text.lower()) if word in _NUMBER_WORDS)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        if match["num"] is not None:
            form = "ordinal" if match["ord"] else "fold" if match["fold"] else ""
            number = Decimal(match["num"].replace(",", ""))
            tokens.append(_Token("num", match["num"], number, form))
        else:
            tokens.append(_Token(match.lastgroup or "", match.group()))
    return tokens


def _word_number(tokens: list[_Token], i: int) -> tuple[Decimal, str, int] | None:
    """The number a word (or "twenty-four", "five-fold") at ``i`` writes: value, form, and the
    index of its last token."""
    word = tokens[i].text.lower()
    if word in _ORDINALS:
        return Decimal(_ORDINALS[word]), "ordinal", i
    if word in _MULTIPLES:
        return Decimal(_MULTIPLES[word]), "fold", i
    if word.endswith("fold") and word[:-4] in _CARDINALS:
        return Decimal(_CARDINALS[word[:-4]]), "fold", i
    if word not in _CARDINALS:
        return None
    value, end = _CARDINALS[word], i
    if _is(tokens, i + 1, "dash") and i + 2 < len(tokens):
        after = tokens[i + 2].text.lower()
        if 20 <= value <= 90 and after in _UNITS_WORDS:
            value, end = value + _UNITS_WORDS[after], i + 2
        elif after == "fold":
            return Decimal(value), "fold", i + 2
    return Decimal(value), "", end


def _is(tokens: list[_Token], i: int, kind: str, *texts: str) -> bool:
    if not 0 <= i < len(tokens) or tokens[i].kind != kind:
        return False
    return not texts or tokens[i].text.lower() in texts


def _words_after(tokens: list[_Token], i: int, limit: int) -> list[tuple[int, str]]:
    """Up to ``limit`` words after ``i`` in the same clause, with their indexes (hyphens skipped:
    "10-year" is 10 and "year")."""
    found: list[tuple[int, str]] = []
    j = i + 1
    while j < len(tokens) and len(found) < limit and tokens[j].kind in {"word", "dash"}:
        if tokens[j].kind == "word":
            found.append((j, tokens[j].text.lower()))
        j += 1
    return found


def _unit_after(tokens: list[_Token], i: int) -> tuple[str | None, int]:
    """The kind the words after a number at ``i`` give it, and where the unit ends."""
    words = _words_after(tokens, i, _UNIT_LOOKAHEAD)
    for n, (j, word) in enumerate(words):
        if n == 0 and word in _SCALES:
            continue  # handled by the caller
        if word in {"percent", "pct"}:
            return "percent", j
        if word == "per" and n + 1 < len(words) and words[n + 1][1] == "cent":
            return "percent", words[n + 1][0]
        if word in {"percentage", "points"}:
            return "percentage_points", j
        if word == "times":
            return "times", j
        if n + 1 < len(words) and word in _RATE_WORDS and words[n + 1][1] in _RATES:
            return _RATES[words[n + 1][1]], words[n + 1][0]
        if word in _CURRENCY_AFTER:
            currency = _CURRENCY_AFTER[word]
            if word == "dollars" and n and words[n - 1][1] == "singapore":
                currency = "SGD"
            return currency, j
        if word in _UNIT_WORDS:
            return _UNIT_WORDS[word], j
    return None, i


def _currency_before(tokens: list[_Token], i: int) -> str | None:
    if i < 1 or tokens[i - 1].kind not in {"money", "word"}:
        return None
    return _CURRENCY_BEFORE.get(tokens[i - 1].text.lower())


def _rate_before(tokens: list[_Token], i: int) -> str | None:
    j, words = i - 1, 0
    while j >= 0 and tokens[j].kind in {"word", "dash"} and words < 6:
        if tokens[j].kind == "word":
            words += 1
            if tokens[j].text.lower() in _RATE_BEFORE:
                return _RATE_BEFORE[tokens[j].text.lower()]
        j -= 1
    return None


def _is_date(tokens: list[_Token], i: int, end: int) -> bool:
    if _is(tokens, i - 1, "word", *_MONTHS) or _is(tokens, end + 1, "word", *_MONTHS):
        return True
    if tokens[i].kind != "num" or not re.fullmatch(r"1[89]\d\d|2[01]\d\d", tokens[i].text):
        return False
    return (
        _is(tokens, i - 1, "word", *_YEAR_BEFORE)
        or end + 1 >= len(tokens)
        or tokens[end + 1].kind in {"stop", "comma"}
    )


@functools.lru_cache(maxsize=1 << 16)
def _key(word: str) -> str | None:
    """A word as it is compared, or None for a word that tells nothing (a stopword, a number):
    lower case, without a plural's -s or a possessive's 's, cut to six letters, so "province" and
    "provinces", "passenger" and "passengers", "cooperative" and "cooperation" meet."""
    word = word.lower().replace("\u2019", "'").removesuffix("'s")
    if word in _STOPWORDS or word in _CARDINALS or word in _ORDINALS or len(word) < 2:
        return None
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    return word[:6]


@dataclass(slots=True)
class _Span:
    """A number being read: its first and last token, value, kind (None: not yet known) and
    the scale word that multiplied it."""

    start: int
    end: int
    value: Decimal
    kind: str | None
    scale: int = 1


def _spans(tokens: list[_Token]) -> list[_Span]:
    spans = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        read: tuple[Decimal, str, int] | None = None
        if token.kind == "num" and token.number is not None:
            read = token.number, token.form, i
        elif token.kind == "word":
            read = _word_number(tokens, i)
        if read is not None:
            value, form, end = read
            spans.append(_Span(i, end, value, {"ordinal": "ordinal", "fold": "times"}.get(form)))
            i = end
        i += 1
    return spans


def _read_kind(tokens: list[_Token], span: _Span) -> None:
    """Scale, percent, currency, unit word or date: what the neighbourhood says a number is."""
    if _is(tokens, span.end + 1, "word", *_SCALES):
        span.end += 1
        span.scale = _SCALES[tokens[span.end].text.lower()]
        span.value *= span.scale
    if _is(tokens, span.end + 1, "percent"):
        span.kind, span.end = "percent", span.end + 1
    if span.kind is None:
        span.kind = _currency_before(tokens, span.start)
    if span.kind is None:
        span.kind, span.end = _unit_after(tokens, span.end)
    if span.kind is None and _is_date(tokens, span.start, span.end):
        span.kind = "date"


@dataclass
class _Reading:
    """What a text says: its numbers, and in how many of its sentences each word stands."""

    mentions: list[Mention] = field(default_factory=list)
    spread: Counter[str] = field(default_factory=Counter)
    sentences: int = 0


def mentions_in(text: str) -> list[Mention]:
    """Every number ``text`` writes, with its kind and, weighted by nearness, the words of its
    clause (up to the next number)."""
    return _read(text).mentions


def _read(text: str) -> _Reading:
    # A line break ends a sentence, so nothing read here crosses one: reading line by line
    # gives the same mentions, holding the tokens of one line at a time.
    reading = _Reading()
    for line in text.split("\n"):
        _read_line(line, reading)
    return reading


def _count_words(tokens: list[_Token], reading: _Reading) -> None:
    words: set[str] = set()
    for token in [*tokens, _Token("stop", "")]:
        if token.kind == "stop":
            reading.sentences += bool(words)
            reading.spread.update(words)
            words = set()
        elif token.kind == "word" and (key := _key(token.text)) is not None:
            words.add(key)


def _read_line(text: str, reading: _Reading) -> None:
    tokens = _tokens(text)
    _count_words(tokens, reading)
    spans = _spans(tokens)
    for span in spans:
        if span.kind is None:
            _read_kind(tokens, span)
    # Two numbers joined by "to", "and", "or" or a dash share what only one of them says:
    # "RMB 5 to 7 billion" (the currency forward, the scale back), "from 10 to 7 days" (the unit).
    for first, second in itertools.pairwise(spans):
        joined = _joined(tokens, first.end, second.start)
        if joined and second.kind is None and first.kind in _CURRENCIES:
            second.kind = first.kind
    for first, second in reversed(list(itertools.pairwise(spans))):
        if not _joined(tokens, first.end, second.start):
            continue
        if first.kind is None:
            first.kind = second.kind
        if first.scale == 1 and first.kind == second.kind:
            first.value *= second.scale
            first.scale = second.scale
    for n, span in enumerate(spans):
        kind = span.kind or _rate_before(tokens, span.start) or "count"
        mention = Mention(span.value, kind)
        if kind == "count":  # only a count needs its words, to say what it counts
            low = spans[n - 1].end if n else -1
            high = spans[n + 1].start if n + 1 < len(spans) else len(tokens)
            mention.context = _context(tokens, span.start, span.end, low, high)
        reading.mentions.append(mention)


def _joined(tokens: list[_Token], end: int, start: int) -> bool:
    between = tokens[end + 1 : start]
    return len(between) == 1 and between[0].text.lower() in _JOINERS


def _context(tokens: list[_Token], start: int, end: int, low: int, high: int) -> dict[str, float]:
    """The content words around a number, each weighted 1/distance, within its sentence and
    without crossing another number (``low`` and ``high``). Before it the clause may open with
    a phrase ("In 2024, passenger volume ... reached 252,400"); after it, what it counts ends at
    a comma ("exceeded 1,900, passenger throughput surpassed 230,000")."""
    context: dict[str, float] = {}
    for ends, bounds in (
        ({"stop"}, range(start - 1, low, -1)),
        ({"stop", "comma"}, range(end + 1, high)),
    ):
        distance = 0
        for j in bounds:
            token = tokens[j]
            if token.kind in ends or distance >= _CONTEXT_WORDS:
                break
            if token.kind != "word":
                continue
            distance += 1
            key = _key(token.text)
            if key is not None:
                context[key] = max(context.get(key, 0.0), 1 / distance)
    return context


def numbers_in(text: str) -> set[tuple[Decimal, str]]:
    """Every (value, kind) ``text`` writes."""
    return {(mention.value, mention.kind) for mention in mentions_in(text)}


@dataclass
class Result:
    """How many figures were checked and found, and the facts whose figures were not."""

    checked: int = 0
    traced: int = 0
    untraced: list[Record] = field(default_factory=list)


def figures(fact: Record) -> list[tuple[str, int | float, str | None]]:
    """The (field, value, unit) figures of a fact that a source must give."""
    found: list[tuple[str, int | float, str | None]] = []
    if fact["value"] is not None:
        found.append(("value", fact["value"], fact["unit"]))
    if fact["baseline"] and fact["baseline"]["value"] is not None:
        found.append(("baseline.value", fact["baseline"]["value"], fact["unit"]))
    if fact["yoy_pct"] is not None:
        found.append(("yoy_pct", fact["yoy_pct"], "percent"))
    return found


def _fact_words(fact: Record) -> set[str]:
    words = re.findall(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?", f"{fact['label']} {fact['statement']}")
    return {key for word in words if (key := _key(word)) is not None}


def _attribution(base: FactBase, reading: _Reading) -> list[set[str]]:
    """For each mention, the ids of the count facts its words describe best: the sum, over the
    words a fact's label and statement share with the mention's clause, of nearness times
    rarity in the source (a word in every sentence tells nothing)."""
    index: dict[str, list[str]] = {}
    for fact in base.facts:
        if fact["unit"] == "count":
            for word in _fact_words(fact):
                index.setdefault(word, []).append(fact["id"])
    total = max(reading.sentences, 1)
    attributed: list[set[str]] = []
    for mention in reading.mentions:
        scores: dict[str, float] = {}
        for word, nearness in mention.context.items():
            rarity = math.log((1 + total) / (1 + reading.spread[word]))
            for fact_id in index.get(word, []):
                scores[fact_id] = scores.get(fact_id, 0.0) + nearness * rarity
        best = max(scores.values(), default=0.0)
        share = best * _ATTRIBUTION_SHARE
        attributed.append({fact_id for fact_id, score in scores.items() if best and score >= share})
    return attributed


def check(base: FactBase, text: str) -> Result:
    """Check every figure of ``base`` against ``text``."""
    reading = _read(text)
    attributed = _attribution(base, reading)
    known: dict[tuple[Decimal, str], list[int]] = {}
    for n, mention in enumerate(reading.mentions):
        known.setdefault((mention.value, mention.kind), []).append(n)
    result = Result()
    for fact in base.facts:
        for name, value, unit in figures(fact):
            result.checked += 1
            places = known.get((exact(value), unit or "count"), [])
            if unit == "count":
                places = [n for n in places if fact["id"] in attributed[n]]
            if places:
                result.traced += 1
            else:
                result.untraced.append(
                    {
                        "id": fact["id"],
                        "field": name,
                        "value": value,
                        "unit": unit,
                        "label": fact["label"],
                    }
                )
    return result
