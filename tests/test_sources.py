"""Data guards over every source of the bundled fact base (issue 11): source records are unique and
complete, dates are real dates, a measure's points share its unit, the base meets its size
targets, and no text of ours repeats nine words of the one source whose text is bundled.
facts.json is read with json alone, so these tests hold whatever the program does with it."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT: dict[str, Any] = json.loads((ROOT / "facts.json").read_text(encoding="utf-8"))
SOURCES: list[dict[str, Any]] = DOCUMENT["sources"]
FACTS: list[dict[str, Any]] = DOCUMENT["facts"]
MEASURES: list[dict[str, Any]] = DOCUMENT["measures"]

SOURCE_KINDS = {"news_report", "feature", "press_release", "government_release"}
SOURCE_KINDS |= {"ministerial_answer", "speech", "interview", "report"}
SOURCE_ID = r"[a-z]+-\d{4}-\d{2}(-\d{2})?(-\d)?"  # publisher-YYYY-MM-DD, -2 for a second one
BUNDLED = {"cqdaily-2025-11-10": ROOT.parent / "shared" / "sources" / "cci-decade-2025-11-10.txt"}
# Official names carry over as the sources write them, however long.
OFFICIAL_NAMES = [
    "China-Singapore (Chongqing) Demonstration Initiative on Strategic Connectivity",
    "China-Singapore (Chongqing) Cross-border E-commerce Service Platform",
]


def is_date(text: object) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD, and a day of the calendar."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return False
    year, month, day = (int(part) for part in (text + "-01-01")[:10].split("-"))
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_dated(period: dict[str, Any]) -> bool:
    """A point is dated when its period has a start or an end (as_of says when it was told)."""
    return bool(period.get("start") or period.get("end"))


def test_source_ids_are_unique_and_dated() -> None:
    ids = [s["id"] for s in SOURCES]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert [s["id"] for s in SOURCES if not re.fullmatch(SOURCE_ID, s["id"])] == []


def test_every_source_says_where_to_read_it_and_what_it_is() -> None:
    assert [s["id"] for s in SOURCES if not (s.get("url") or s.get("document"))] == []
    assert [s["id"] for s in SOURCES if s.get("kind") not in SOURCE_KINDS] == []
    partial = [s for s in SOURCES if s.get("coverage") == "partial"]
    assert [s["id"] for s in partial if not s.get("coverage_note")] == []


def test_published_dates_are_dates() -> None:
    assert [s["id"] for s in SOURCES if not is_date(s["published"])] == []


def test_every_period_has_valid_dates_in_order() -> None:
    wrong = []
    for fact in FACTS:
        period = fact["period"]
        dates = [period.get(key) for key in ("start", "end", "as_of")]
        if not any(dates) or not all(d is None or is_date(d) for d in dates):
            wrong.append(fact["id"])
        start, end = period.get("start"), period.get("end")
        if start and end and start[: len(end)] > end[: len(start)]:
            wrong.append(fact["id"])
    assert wrong == []


def test_every_measure_is_used_and_its_points_share_its_unit() -> None:
    units = {m["id"]: m["unit"] for m in MEASURES}
    used = {f["measure"] for f in FACTS if f.get("measure")}
    assert set(units) - used == set()
    assert used - set(units) == set()
    assert [f["id"] for f in FACTS if f.get("measure") and f["unit"] != units[f["measure"]]] == []


def test_the_base_meets_the_targets_of_issue_11() -> None:
    years = {s["published"][:4] for s in SOURCES}
    assert len(SOURCES) >= 15
    assert len({s["publisher"] for s in SOURCES}) >= 5
    assert len(years) >= 8 and years <= {str(y) for y in range(2015, 2026)}
    dated = Counter(f["measure"] for f in FACTS if f.get("measure") and is_dated(f["period"]))
    assert len([m for m, n in dated.items() if n >= 3]) >= 10


def words(text: str) -> str:
    """Lowercase words separated by single spaces, with official names replaced by a mark."""
    text = " ".join(re.findall(r"[a-z0-9]+", text.lower()))
    for name in OFFICIAL_NAMES:
        text = text.replace(" ".join(re.findall(r"[a-z0-9]+", name.lower())), "|")
    return text


def runs(text: str, size: int = 9) -> set[str]:
    tokens = words(text).split()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


@pytest.mark.parametrize("source", sorted(BUNDLED))
def test_no_text_repeats_nine_words_of_a_bundled_source(source: str) -> None:
    path = BUNDLED[source]
    if not path.is_file():
        pytest.skip(f"{path} is not beside the checkout")
    copied = runs(path.read_text(encoding="utf-8"))
    terms = DOCUMENT["terms"]
    texts = [f["statement"] for f in FACTS] + [f["label"] for f in FACTS]
    texts += [t["definition"] for t in terms] + [t.get("background") or "" for t in terms]
    texts += [m["description"] for m in MEASURES] + [s["description"] for s in DOCUMENT["sectors"]]
    assert [(text, sorted(runs(text) & copied)) for text in texts if runs(text) & copied] == []
