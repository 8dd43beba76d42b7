"""Commands that find facts: list, sector, search, ask, get, timeline, changes, summary and
history. Each parses its own arguments, asks the Python API (``ccifacts.api``) and hands the
records to ``Output``."""

import sys
from typing import Annotated, Any

from ccifacts import complete
from ccifacts.cli.output import TEXT_OR_JSON, Output, command
from ccifacts.cli.params import Arg, Opt
from ccifacts.cli.run import note
from ccifacts.errors import UsageError
from ccifacts.text import quoted


@command("list", listing=True, filters=True)
def list_(out: Output) -> None:
    """List facts, narrowed by sector, kind, term, source, speaker, date or figure.

    \b
    Examples:
      ccifacts list --sector logistics --kind metric
      ccifacts list --since 2020 --until 2021 --source xinhua-2021-06-28
      ccifacts list --min "USD 1 billion" --sort -value --limit 5
      ccifacts list --term NRA --json
    """
    from ccifacts import views

    base = out.load()
    where = out.where(base)
    empty = "no facts match the filters"
    if out.streams:  # every fact, printed as read: a base of any size
        out.stream(
            views.Listing(views.FACT, [], empty=empty), base.each_fact(where=where, sort=out.sort)
        )
        return
    found = base.facts(where=where, sort=out.sort, limit=out.limit)
    out.listing(
        views.Listing(views.FACT, [f.to_dict() for f in found], title="Facts", empty=empty),
        total=base.count(where) if out.limit is not None else None,
    )


@command("sector", listing=True, filters=True, skip=("sector",))
def sector(
    name: Annotated[
        str,
        Arg(
            metavar="NAME",
            help="Sector id, name or alias (any case): aviation, air, it, ...",
            autocompletion=complete.sectors,
        ),
    ],
    out: Output,
) -> None:
    """Show the facts of one sector.

    \b
    Examples:
      ccifacts sector aviation
      ccifacts sector air --since 2024 --format markdown
    """
    from ccifacts import views

    base = out.load()
    found = base.sector(name)
    where = out.where(base, sector=[found.id])
    empty = f"sector {found.id} has no facts" + (" that match" if out.filter_options else "")
    if out.streams:  # every fact, printed as read: a sector of any size
        out.stream(
            views.Listing(views.FACT, [], empty=empty), base.each_fact(where=where, sort=out.sort)
        )
        return
    facts = base.facts(where=where, sort=out.sort, limit=out.limit)
    out.listing(
        views.Listing(
            views.FACT,
            [f.to_dict() for f in facts],
            title=f"{found.name}: {found.description}",
            empty=empty,
        ),
        total=base.count(where) if out.limit is not None else None,
    )


QueryArgument = Annotated[list[str], Arg(metavar="QUERY...", help="Words, a question or figures.")]


@command("search", listing=True, filters=True)
def search(words: QueryArgument, out: Output) -> None:
    """Find facts by words, questions, names or figures, best first.

    Question words are dropped; plurals, other word forms and the synonyms of the fact base
    find their facts; a misspelt word is corrected (said on stderr); numbers match figures in
    any form (1900, 1,900, 1.9k; "USD 26bn"). A fact with every word comes first, then facts
    with most of them.

    \b
    Examples:
      ccifacts search ILSTC
      ccifacts search how many flights per week
      ccifacts search "Zhang Yongwu" --fields id,label,said_by
    """
    from ccifacts import search as finder
    from ccifacts import views

    text = " ".join(words)
    if finder.highlight_pattern(text) is None:
        raise UsageError(
            "the query has no words to search for", 'Try: ccifacts search "digital RMB"'
        )
    base = out.load()
    where = out.where(base) if _given(out.filter_options) else None
    if out.streams and not out.sort:  # every match, printed as read
        found, facts = base.each_match(text, where=where)
        _say_corrections(out, text, found)
        out.stream(views.Listing(views.FACT, []), facts, lambda: _nothing_found(base, text, found))
        return
    result = base.search(text, limit=None if out.sort else out.limit, where=where)
    shown = [fact.to_dict() for fact in result.facts]
    if out.sort:
        shown = views.sort_records(views.FACT, shown, out.sort)[: out.limit]
    _say_corrections(out, text, result)
    out.listing(
        views.Listing(
            views.FACT,
            shown,
            title=f"Facts matching {text!r}",
            # Said only when nothing is found: suggesting terms reads every term's name.
            empty="" if shown else _nothing_found(base, text, result),
            highlight=finder.highlight_pattern(text) if out.color else None,
        ),
        total=result.total if out.limit is not None else None,
    )


def _given(options: dict[str, Any]) -> list[Any]:
    return [v for v in options.values() if v not in (None, False, [], ())]


def _say_corrections(out: Output, text: str, result: Any) -> None:
    if out.quiet:
        return
    for typed, corrected in result.corrections:
        note(f"showing results for {corrected} (not {typed})")
    for message in result.notes:
        note(f"note: {message}")


def _nothing_found(base: Any, text: str, result: Any) -> str:
    lines = [f"no facts match {quoted(text)}"]
    if result.unknown:
        words = ", ".join(quoted(w) for w in result.unknown)
        lines[0] += f": no fact has {words}"
    terms = base.suggest_terms(text)
    tips = "Try fewer words, a term (`ccifacts terms`) or a sector (`ccifacts sectors`)"
    if terms:
        tips += f"; close terms: {', '.join(terms)}"
    return lines[0] + "\n" + tips + "."


@command("ask", formats=TEXT_OR_JSON, tabular=False)
def ask(words: QueryArgument, out: Output) -> None:
    """Answer a question with the best fact, as one sentence to paste, then up to two others.

    The sentence gives the figure with its qualifier and unit, its period, its source and,
    where the source attributes it, who said it. Exits 0 with a note when nothing answers.

    \b
    Examples:
      ccifacts ask "how many flights a week between Chongqing and Singapore?"
      ccifacts ask cross-border financing --json
    """
    from ccifacts import answer
    from ccifacts import search as finder

    text = " ".join(words)
    if finder.highlight_pattern(text) is None:
        raise UsageError("the question has no words", 'Try: ccifacts ask "how many weekly flights"')
    base = out.load()
    result = base.search(text, limit=3)
    _say_corrections(out, text, result)
    answers = [
        answer.record(base, fact.to_dict(), rank) for rank, fact in enumerate(result.facts, 1)
    ]
    if not answers:
        note(_nothing_found(base, text, result))
    out.document(answers, answer.text(answers))


IdsArgument = Annotated[
    list[str],
    Arg(
        metavar="ID...",
        help="Fact ids; - reads ids from standard input, one a line.",
        autocompletion=complete.fact_ids,
    ),
]


@command("get", record=True)
def get(
    fact_ids: IdsArgument,
    out: Output,
    value: Annotated[
        bool,
        Opt(
            "--value",
            "--raw",
            "-r",
            help="Print only the bare value, one a line, empty for a fact of several without "
            "one (its qualifier, such as 'more than', is in --json, in the record view and in "
            "--field qualifier).",
        ),
    ] = False,
    field: Annotated[
        str | None,
        Opt(
            "--field",
            metavar="PATH",
            help="Print only this field, one a line (qualifier, baseline.value, period.end, "
            "...), empty for a fact of several without it.",
            autocompletion=complete.fact_fields,
        ),
    ] = None,
) -> None:
    """Show facts in full: statement, value, baseline and change, period, source, speaker.

    \b
    Examples:
      ccifacts get aviation.weekly-flights
      ccifacts get aviation.weekly-flights aviation.passengers --format tsv
      ccifacts get aviation.weekly-flights --value
      ccifacts get aviation.weekly-flights --field baseline.value
      ccifacts list --fields id --sector aviation | ccifacts get -
    """
    from ccifacts import render, views

    if value and field is not None:
        raise UsageError("--value and --field both choose what to print", "Give one of them.")
    if (value or field is not None) and (out.requested.value != "auto" or out.fields is not None):
        option = "--value" if value else "--field"
        raise UsageError(
            f"{option} prints bare values, so it takes no --format, --json or --fields",
            "Use --json alone for the whole record.",
        )
    if fact_ids == ["-"] and out.facts_from_stdin():
        raise UsageError(
            "get - and --facts - both read standard input",
            "Give the fact base as a file, or the ids as arguments.",
        )
    ids = _read_ids(fact_ids)
    base = out.load()
    facts = [fact.to_dict() for fact in base.get_many(ids)]
    if value or field is not None:
        path = "value" if value else views.fact_field(field or "")
        if len(facts) == 1:
            out.print(render.bare(facts[0], path) + "\n")  # a fact without it: exit 1
            return
        # One line a fact, in order, so that the lines still match the ids read: a fact
        # without the field gets an empty line, and a note says which.
        out.print("".join(render.bare(fact, path, missing="") + "\n" for fact in facts))
        without = [fact["id"] for fact in facts if views.get(fact, path) is None]
        if without and not out.quiet:
            shown = ", ".join(without[:3]) + (", ..." if len(without) > 3 else "")
            note(f"{len(without)} of {len(facts)} facts have no {path} (an empty line): {shown}")
        return
    listing = views.Listing(views.FACT, facts)
    out.record(listing, lambda: _details().fact_cards(base.lookups(), facts, out.fields))


def _read_ids(given: list[str]) -> list[str]:
    if given != ["-"]:
        if "-" in given:
            raise UsageError("- reads the ids from standard input; give it alone")
        return given
    ids = []
    for number, line in enumerate(sys.stdin.read(16 * 1024 * 1024).splitlines()):
        first = line.strip().split("\t")[0]
        if first and not (number == 0 and first == "id"):  # a listing's header row
            ids.append(first)
    if not ids:
        raise UsageError("no ids on standard input", "Give one fact id a line.")
    return ids


@command("timeline", listing=True, filters=True)
def timeline(
    out: Output,
    as_of: Annotated[
        bool,
        Opt("--all", help="Also the facts only stated as of a date, at that date."),
    ] = False,
) -> None:
    """List the dated facts of every source in order, from the 2015 launch to the 2030 goal.

    A fact with a period (2024, January to October 2025, by 2030) is placed at its end; facts
    only stated "as of" a report's date are left out unless --all.

    \b
    Examples:
      ccifacts timeline
      ccifacts timeline --since 2020 --source xinhua-2022-11-14
      ccifacts timeline --all --json | jq '.[].period.label'
    """
    from ccifacts import views

    base = out.load()
    facts = base.timeline(as_of=as_of, limit=out.limit, where=out.where(base))
    out.listing(
        views.Listing(
            views.FACT,
            [f.to_dict() for f in facts],
            title="Timeline",
            human_fields=("period", "id", "label", "value"),
            drop=("id", "value"),
        )
    )


@command("changes", listing=True, filters=True)
def changes(
    out: Output,
    measures: Annotated[
        list[str] | None,
        Arg(
            metavar="[MEASURE]...",
            help="Compare the first and latest points of these measures instead.",
            show_default=False,
        ),
    ] = None,
    every_measure: Annotated[
        bool,
        Opt("--measures", help="Compare the first and latest points of every measure."),
    ] = False,
) -> None:
    """List every before/after, year-on-year and n-fold figure with its change; with
    measures, each measure's first point against its latest. Ratios and percentages that
    ccifacts computed are marked "derived". A terminal shows bars.

    \b
    Examples:
      ccifacts changes
      ccifacts changes weekly-flights ilstc-ports
      ccifacts changes --measures --json
    """
    from ccifacts import query, views

    base = out.load()
    if measures or every_measure:
        rows = base.measure_changes(measures or ())
    else:
        rows = base.changes(out.where(base))
    records = views.sort_records(views.CHANGE, [row.to_dict() for row in rows], out.sort)
    records = records[: out.limit]
    out.listing(
        views.Listing(
            views.CHANGE,
            records,
            title="Changes (before -> after)",
            bar=lambda row, width: query.bar_lengths(row["ratio"], width),
        )
    )


@command("summary", listing=True)
def summary(out: Output) -> None:
    """Show the headline figures on one screen: the latest point of each headline measure,
    with its date and source, and the other headline facts.

    \b
    Example:
      ccifacts summary
    """
    from ccifacts import views

    base = out.load()
    facts = views.sort_records(views.FACT, [f.to_dict() for f in base.summary()], out.sort)
    facts = facts[: out.limit]
    out.listing(
        views.Listing(
            views.FACT,
            facts,
            title="Headline figures",
            human_fields=("label", "value", "period", "source", "id"),
            drop=("id", "source", "period"),
            empty="no facts are marked as headline figures",
        )
    )


@command("history", listing=True)
def history(
    out: Output,
    measure: Annotated[
        list[str] | None,
        Arg(
            metavar="[MEASURE]...",
            help="A measure (id, name or alias), a fact id of it, or words that find it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show how a measure changed over the decade: its points in date order, each with its
    value, qualifier, period and source, and the points that disagree marked as conflicts.
    Without a measure, list the measures with their number of points, first and latest values.

    \b
    Examples:
      ccifacts history
      ccifacts history weekly-flights
      ccifacts history ilstc ports --json
    """
    from ccifacts import views

    base = out.load()
    if not measure:
        rows = views.sort_records(views.MEASURE, [m.to_dict() for m in base.measures()], out.sort)
        out.listing(
            views.Listing(
                views.MEASURE,
                rows,
                title="Measures",
                empty="the fact base has no measures (facts of one series share a measure)",
            )
        )
        return
    found = base.find_measure(" ".join(measure))
    points = views.sort_records(
        views.POINT, [p.to_dict() for p in base.history(found.id)], out.sort
    )
    if out.limit is not None:
        points = points[-out.limit :]
    out.listing(
        views.Listing(
            views.POINT,
            points,
            title=f"{found.name} ({found.unit}): {found.description}",
            empty=f"measure {found.id} has no points",
            bar=views.point_bars(points),
            chart=True,
        )
    )


def _details() -> Any:
    # Cards need Rich and more of the core; only a table on a terminal draws them.
    from ccifacts import details

    return details
