"""``ccifacts verify`` against the bundled source text, changed one number at a time: every
number token of the text (digits, number words, "fivefold", "third") is replaced by another
number, in the same form and in another, and verify must report exactly the facts whose figure
the text no longer gives (exit 1), and nothing else. Which words give which figure is written out
here by hand, from reading the text, not taken from the code under test. Skipped when ../shared
is not beside the checkout."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SOURCE_TEXT, run

pytestmark = pytest.mark.skipif(not SOURCE_TEXT.is_file(), reason="source text not beside checkout")

# Each figure of the bundled base and the words of the source that give it; the number in each
# snippet is the one that gives the figure.
GIVEN_BY: dict[tuple[str, str], list[str]] = {
    ("programme.projects-signed", "value"): ["secured 347 government"],
    ("programme.projects-value", "value"): ["totaling USD 26 billion"],
    ("programme.cross-border-financing", "value"): ["USD 21.7 billion"],
    ("programme.institutional-outcomes", "value"): ["established 33 pioneering"],
    ("programme.years-of-implementation", "value"): [
        "its 10-year implementation",
        "past ten years",
    ],
    ("programme.intergovernmental-rank", "value"): ["the third inter-governmental"],
    ("programme.priority-sectors", "value"): [
        "the four key modern service sectors",
        "its four priority sectors",
        "these four key sectors",
    ],
    ("programme.three-features", "value"): [
        "Demonstrates Three Distinctive Features",
        "by three outstanding features",
    ],
    ("programme.next-phase-priorities", "value"): ["the two key areas"],
    ("logistics.rail-sea-transit-days", "value"): ["just 7 days"],
    ("logistics.rail-sea-transit-days", "baseline.value"): ["from 10 days"],
    ("logistics.container-cost-cut", "value"): ["a 25% reduction"],
    ("logistics.ilstc-cities", "value"): ["connects 75 cities"],
    ("logistics.ilstc-provinces", "value"): ["across 18 provinces"],
    ("logistics.ilstc-stations", "value"): ["covering 163 railway stations"],
    ("logistics.ilstc-ports", "value"): ["reaching 581 ports"],
    ("logistics.ilstc-countries", "value"): ["in 127 countries"],
    ("logistics.western-china-asean-trade", "value"): ["exceed RMB 1 trillion"],
    ("finance.financing-channel-regions", "value"): ["benefited 10 western provinces"],
    ("finance.nra-settlement", "value"): ["exceeding RMB 400 million"],
    ("aviation.weekly-flights", "value"): ["to 24 Weekly Flights", "to 24 per week"],
    ("aviation.weekly-flights", "baseline.value"): ["initial five weekly flights"],
    ("aviation.flight-movements", "value"): ["exceeded 1,900,"],
    ("aviation.flight-movements", "yoy_pct"): ["of 20.2%"],
    ("aviation.passengers", "value"): ["surpassed 230,000"],
    ("aviation.passengers", "yoy_pct"): [" 13.6%, "],
    ("aviation.cargo", "value"): ["exceeded 1,400 metric tons"],
    ("aviation.cargo", "yoy_pct"): ["and 2.5%"],
    ("information-technology.transmission-efficiency", "value"): ["more than threefold"],
    ("information-technology.industries-supported", "value"): ["over ten key local"],
    ("science-education.firms-incubated", "value"): ["incubated 45 technology firms"],
    ("science-education.phds-trained", "value"): ["trained 103 PhDs"],
    ("science-education.annual-exchanges", "value"): ["more than 500 teachers"],
    ("culture-tourism.people-flow-growth", "value"): ["Grows Fivefold", "increased fivefold"],
    ("culture-tourism.singapore-overnight-tourists-growth", "value"): ["growing sevenfold"],
    ("culture-tourism.route-passengers-2024", "value"): ["reached 252,400"],
    ("culture-tourism.route-passengers-2024", "yoy_pct"): ["of 237.3%"],
    ("culture-tourism.route-passenger-share-2024", "value"): ["for 20% of"],
}

_CARDINALS = re.findall(
    r"\w+",
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty",
)
_ORDINALS = re.findall(
    r"\w+",
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth",
)
# A number as digits (1,900; 20.2; the 15 of 15th), a number word, or a -fold word.
NUMBER_TOKEN = re.compile(
    r"(?<![\w.,])(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,]\d)"
    r"|\b(?P<word>" + "|".join(_CARDINALS[1:] + _ORDINALS[1:]) + r")(?P<fold>fold)?\b",
    re.IGNORECASE,
)


def text() -> str:
    return SOURCE_TEXT.read_text(encoding="utf-8")


def number_tokens(source: str) -> list[re.Match[str]]:
    return list(NUMBER_TOKEN.finditer(source))


def _cased(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() else word


def same_form(token: re.Match[str]) -> str:
    """The token's number plus one, written the same way (1,900 -> 1,901; 20.2 -> 20.3;
    five -> six; Fivefold -> Sixfold; third -> fourth)."""
    if token["digits"]:
        digits = token["digits"]
        whole, _, decimals = digits.replace(",", "").partition(".")
        step = 10 ** len(decimals)
        raised = int(whole + decimals) + 1
        new_whole, new_decimals = divmod(raised, step)
        shown = f"{new_whole:,}" if "," in digits else str(new_whole)
        return shown + (f".{new_decimals:0{len(decimals)}d}" if decimals else "")
    word = token["word"].lower()
    words = _ORDINALS if word in _ORDINALS else _CARDINALS
    return _cased(words[words.index(word) + 1], token["word"]) + (token["fold"] or "")


def other_form(token: re.Match[str]) -> str:
    """Another number in another form: digits gain a leading 9 (75 -> 975); a word becomes its
    number plus one in digits (five -> 6, third -> 4th, fivefold -> 6-fold)."""
    if token["digits"]:
        return "9" + token["digits"]
    word = token["word"].lower()
    if word in _ORDINALS:
        return f"{_ORDINALS.index(word) + 1}th"
    return str(_CARDINALS.index(word) + 1) + ("-fold" if token["fold"] else "")


def supports(source: str) -> dict[tuple[str, str], set[int]]:
    """For each figure, the start offsets of the number tokens that give it."""
    starts = {token.start() for token in number_tokens(source)}
    found: dict[tuple[str, str], set[int]] = {}
    for figure, snippets in GIVEN_BY.items():
        for snippet in snippets:
            assert source.count(snippet) == 1, snippet
            at = source.index(snippet)
            inside = [s for s in starts if at <= s < at + len(snippet)]
            assert len(inside) == 1, (snippet, inside)
            found.setdefault(figure, set()).update(inside)
    return found


def verify(tmp_path: Path, source: str) -> tuple[int, set[tuple[str, str]]]:
    path = tmp_path / "changed.txt"
    path.write_text(source, encoding="utf-8")
    result = run("verify", str(path), "--source", "cqdaily-2025-11-10", "--json")
    assert result.code in {0, 1}, result.stderr
    return result.code, {(row["id"], row["field"]) for row in result.json()}


def changed(source: str, token: re.Match[str], new: str) -> str:
    return source[: token.start()] + new + source[token.end() :]


def test_the_annotation_covers_every_figure_of_the_bundled_base() -> None:
    listed = run(
        "list",
        "--source",
        "cqdaily-2025-11-10",
        "--json",
        "--fields",
        "id,value,baseline.value,yoy_pct",
    ).json()
    figures = {
        (fact["id"], name)
        for fact in listed
        for name, value in (
            ("value", fact["value"]),
            ("baseline.value", fact["baseline"] and fact["baseline"]["value"]),
            ("yoy_pct", fact["yoy_pct"]),
        )
        if value is not None
    }
    assert set(GIVEN_BY) == figures
    assert len(figures) == 38
    supports(text())


def test_seven_days_changed_to_eight_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "changed.txt"
    path.write_text(text().replace("just 7 days", "just 8 days"), encoding="utf-8")
    result = run("verify", str(path), "--source", "cqdaily-2025-11-10")
    assert result.code == 1
    assert result.stdout == (
        "id\tfield\tvalue\tunit\nlogistics.rail-sea-transit-days\tvalue\t7\tdays\n"
    )
    assert result.stderr == f"37 of 38 figures found in {path}; 1 not found\n"


@pytest.mark.parametrize("form", [same_form, other_form], ids=["same-form", "other-form"])
def test_every_number_changed_alone_is_reported(
    tmp_path: Path, form: Callable[[re.Match[str]], str]
) -> None:
    source = text()
    given = supports(source)
    tokens = number_tokens(source)
    assert len(tokens) == 55
    misses = []
    for token in tokens:
        new = form(token)
        expected = {figure for figure, starts in given.items() if starts == {token.start()}}
        code, reported = verify(tmp_path, changed(source, token, new))
        if (code, reported) != (1 if expected else 0, expected):
            context = source[max(token.start() - 25, 0) : token.end() + 25]
            misses.append(f"{context!r}: {token.group()} -> {new}: {sorted(reported)}")
    assert misses == []


def test_every_figure_changed_everywhere_is_reported(tmp_path: Path) -> None:
    source = text()
    tokens = {token.start(): token for token in number_tokens(source)}
    for figure, starts in supports(source).items():
        new = source
        for start in sorted(starts, reverse=True):
            new = changed(new, tokens[start], same_form(tokens[start]))
        code, reported = verify(tmp_path, new)
        assert (code, reported) == (1, {figure}), figure
