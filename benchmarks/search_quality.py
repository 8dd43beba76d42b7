"""Search quality of ccifacts on questions written the way people type them: top-1 and top-3
accuracy of `search` and `ask` (its first answer and the two runners-up), per kind of query
(keyword, question, typo, plural, synonym, number, phrase, mixed), against a plain SQLite FTS5
baseline (English stemming, stop words dropped, BM25: what twenty lines of the standard library
give). A query counts as answered when one of its listed fact ids is first (top-1) or among the
first three (top-3). Another source's report of the same figure counts as the same answer: a
fact of the same measure with the same value as a listed fact (the base grows; a question
written when one source gave 347 projects is answered by any source that gives 347).

The question files were written before the search was tuned, by people who did not see its code:
benchmarks/questions.json (130 queries, used while tuning), benchmarks/holdout.json (30 more,
looked at once tuning had begun) and benchmarks/unseen.json (100 queries on the decade's base,
written afterwards and never used for tuning: the stand-in for questions the project has never
seen).

Usage: python benchmarks/search_quality.py [--facts PATH] [--show-misses] [FILE...]
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import ccifacts
from ccifacts.search import STOP_WORDS

HERE = Path(__file__).parent
FILES = [HERE / "questions.json", HERE / "holdout.json", HERE / "unseen.json"]


class Baseline:
    """A plain FTS5 search: the facts' id, label and statement, porter stemming, stop words
    dropped, words ORed, BM25."""

    def __init__(self, facts: list[dict[str, Any]]) -> None:
        self.ids = [fact["id"] for fact in facts]
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE f USING fts5(id, label, statement, tokenize=porter)")
        self.db.executemany(
            "INSERT INTO f (rowid, id, label, statement) VALUES (?, ?, ?, ?)",
            [(i, f["id"], f["label"], f["statement"]) for i, f in enumerate(facts)],
        )

    def search(self, query: str) -> list[str]:
        words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOP_WORDS]
        if not words:
            return []
        expression = " OR ".join(f'"{w}"' for w in words)
        rows = self.db.execute(
            "SELECT rowid FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT 3", (expression,)
        )
        return [self.ids[row[0]] for row in rows]


def equivalents(kb: Any) -> dict[str, set[str]]:
    """Fact id -> the ids of the facts that give the same figure of the same measure."""
    same: dict[tuple[str, Any], set[str]] = defaultdict(set)
    for fact in kb.facts():
        if fact.measure is not None:
            same[(fact.measure, fact.value)].add(fact.id)
    found: dict[str, set[str]] = {}
    for ids in same.values():
        for fact_id in ids:
            found[fact_id] = ids
    return found


def score(found: list[str], answers: set[str]) -> tuple[bool, bool]:
    return (bool(found) and found[0] in answers, any(f in answers for f in found[:3]))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*", type=Path, default=FILES)
    parser.add_argument("--facts", default=None)
    parser.add_argument("--show-misses", action="store_true")
    options = parser.parse_args()
    kb = ccifacts.load(options.facts)
    baseline = Baseline([fact.to_dict() for fact in kb.facts()])
    same = equivalents(kb)
    print(f"ccifacts {ccifacts.__version__}: {kb.count()} facts in {kb.path.name}")
    for path in options.files:
        questions = json.loads(path.read_text(encoding="utf-8"))
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
        misses = []
        started = time.perf_counter()
        for question in questions:
            answers = set(question["answers"])
            for answer in question["answers"]:
                answers |= same.get(answer, set())
            found = [fact.id for fact in kb.search(question["query"], limit=3).facts]
            plain = baseline.search(question["query"])
            search1, search3 = score(found, answers)
            base1, base3 = score(plain, answers)
            for key in ("all", question["kind"]):
                row = totals[key]
                row[0] += 1
                row[1] += search1
                row[2] += search3
                row[3] += search1  # ask answers with the first hit, then two runners-up
                row[4] += search3
                row[5] += base1
                row[6] += base3
            if not search1:
                misses.append((question["query"], question["answers"], found))
        elapsed = (time.perf_counter() - started) / max(1, len(questions))
        print(f"\n{path.name}: {len(questions)} queries, {elapsed * 1000:.1f} ms each")
        print(
            f"  {'kind':<20} {'n':>4}  {'search@1':>8} {'search@3':>8}  {'ask@1':>6} "
            f"{'ask@3':>6}  {'fts5@1':>6} {'fts5@3':>6}"
        )
        for kind in ["all", *sorted(k for k in totals if k != "all")]:
            n, s1, s3, a1, a3, b1, b3 = totals[kind]
            pct = [f"{100 * x / n:5.1f}%" for x in (s1, s3, a1, a3, b1, b3)]
            print(
                f"  {kind:<20} {n:>4}  {pct[0]:>8} {pct[1]:>8}  {pct[2]:>6} {pct[3]:>6}  "
                f"{pct[4]:>6} {pct[5]:>6}"
            )
        if options.show_misses:
            for query, answers, found in misses:
                print(f"  MISS {query!r}: want {answers}, got {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
