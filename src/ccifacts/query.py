"""Questions that need more than one row of the database: a measure's history (its points in date
order, with the points that disagree marked as conflicts), the latest point of each headline
measure, and changes (before/after, year on year, n-fold, and a measure's first and latest
points) with the ratios and percent changes ccifacts computes, labelled as derived, never stored.
Records in, records out; nothing here prints or writes SQL."""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from ccifacts import db

Record = dict[str, Any]


def point_date(fact: Record) -> str:
    """The date a fact's figure holds at, as the source gives it: the end of its period, else
    the date it was stated, else its start."""
    period = fact["period"]
    return str(period["end"] or period["as_of"] or period["start"] or "")


def _when(fact: Record) -> tuple[str, str]:
    date = point_date(fact)
    return (db.date_key(date, end=True), db.date_key(fact["period"]["start"] or date, end=False))


def history(connection: sqlite3.Connection, measure: Record) -> list[Record]:
    """The points of ``measure``, oldest first. Points with the same date and different figures
    (or qualifiers) are conflicts: each lists the ids of the points it disagrees with."""
    facts = db.facts(connection, db.Filters(measures=[measure["id"]]))
    sources = {s["id"]: s for s in db.sources(connection)}
    facts.sort(key=lambda fact: (*_when(fact), sources[fact["source"]]["published"], fact["id"]))
    points = []
    for fact in facts:
        source = sources[fact["source"]]
        points.append(
            {
                "id": fact["id"],
                "measure": measure["id"],
                "date": point_date(fact),
                "value": fact["value"],
                "unit": fact["unit"],
                "qualifier": fact["qualifier"],
                "period": fact["period"],
                "source": fact["source"],
                "publisher": source["publisher"],
                "published": source["published"],
                "said_by": fact["said_by"],
                "conflict": [],
            }
        )
    by_date: dict[str, list[Record]] = {}
    for point, fact in zip(points, facts, strict=True):
        by_date.setdefault(_when(fact)[0], []).append(point)
    for same in by_date.values():
        for point in same:
            point["conflict"] = [
                other["id"]
                for other in same
                if (other["value"], other["qualifier"]) != (point["value"], point["qualifier"])
            ]
    return points


def measure_rows(connection: sqlite3.Connection) -> list[Record]:
    """Every measure with its number of points and its first and latest points."""
    rows = []
    for measure in db.measures(connection):
        points = history(connection, measure) if measure["point_count"] else []
        summary = ("id", "date", "value", "qualifier", "source")
        rows.append(
            {
                **measure,
                "first": {k: points[0][k] for k in summary} if points else None,
                "latest": {k: points[-1][k] for k in summary} if points else None,
            }
        )
    return rows


def latest(points: list[Record]) -> Record | None:
    """The latest point: the last date; among points of that date, the most recently
    published source."""
    if not points:
        return None
    last = points[-1]["date"]
    same = [p for p in points if p["date"] == last]
    return max(same, key=lambda p: (p["published"], p["id"]))


def headline_facts(connection: sqlite3.Connection) -> list[Record]:
    """The headline figures: the latest point of each headline measure, and the facts marked
    headline that belong to no measure, in the order the fact base lists them."""
    chosen: dict[str, int] = {}
    for measure in db.measures(connection):
        if measure["headline"]:
            point = latest(history(connection, measure))
            if point is not None:
                chosen[point["id"]] = 0
    marked = db.facts(connection, db.Filters(headline=True))
    for fact in marked:
        if fact["measure"] is None:
            chosen[fact["id"]] = 0
    return db.facts(connection, db.Filters(ids=list(chosen))) if chosen else []


def change_row(fact: Record) -> Record | None:
    """The change a fact states or implies, or None if it states none. One rule for every row:
    ``ratio`` is after/before and ``change_pct`` the percent change; whichever of the two the
    source does not state is computed and listed in ``derived``."""
    value, baseline, yoy = fact["value"], fact["baseline"], fact["yoy_pct"]
    if value is None:
        return None
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
        "period": fact["period"],
    }
    if baseline is not None and baseline["value"] is not None:
        before = baseline["value"]
        row.update(basis="before_after", before=before, before_label=baseline["label"])
        ratio, change_pct = _finite(value, before)
        if ratio is not None:
            row.update(ratio=ratio, change_pct=change_pct, derived=["ratio", "change_pct"])
    elif yoy is not None:
        ratio = round(1 + yoy / 100, 4)
        row.update(basis="year_on_year", before_label="a year earlier", change_pct=yoy)
        if math.isfinite(ratio):
            row.update(ratio=ratio, derived=["ratio"])
    elif fact["unit"] == "times":
        change_pct = round((value - 1) * 100, 2)
        row.update(
            basis="multiple",
            before_label=baseline["label"] if baseline else "",
            ratio=value,
        )
        if math.isfinite(change_pct):
            row.update(change_pct=change_pct, derived=["change_pct"])
    else:
        return None
    return row


def changes(connection: sqlite3.Connection, filters: db.Filters) -> list[Record]:
    """Every before/after, year-on-year and n-fold figure among the facts ``filters`` pass."""
    return [row for fact in db.facts(connection, filters) if (row := change_row(fact)) is not None]


def measure_change(measure: Record, points: list[Record]) -> Record | None:
    """From a measure's first point to its latest, computed and so derived throughout; None
    with fewer than two points or a first figure of 0."""
    if len(points) < 2:
        return None
    first, last = points[0], latest(points) or points[-1]
    ratio, change_pct = _finite(last["value"], first["value"])
    return {
        "id": measure["id"],
        "sector": None,  # a measure's points may come from facts of several sectors
        "label": measure["name"],
        "unit": measure["unit"],
        "qualifier": last["qualifier"],
        "basis": "first_latest",
        "before": first["value"],
        "before_label": f"{first['date']}, {first['source']}",
        "after": last["value"],
        "ratio": ratio,
        "change_pct": change_pct,
        "derived": ["before", "after", "ratio", "change_pct"] if ratio is not None else [],
        "period": {
            "label": f"{first['date']} to {last['date']}",
            "start": first["date"],
            "end": last["date"],
            "as_of": None,
            "inferred": False,
        },
    }


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
