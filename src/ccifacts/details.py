"""Single-record views: the full card of one fact (``get``) or term (``define``), the ``info``
summary of a fact base, the ``validate`` summary line, and bare field values for ``$(...)``.
Cards are Rich renderables built on demand (Rich is imported inside the functions); everything
else is plain data or text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccifacts import query, views
from ccifacts.citation import human_date
from ccifacts.factbase import FactBase, Record
from ccifacts.text import inert
from ccifacts.units import figure, number, percent_change

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ccifacts.render import Drawable


def fact_rows(base: FactBase, fact: Record) -> list[tuple[str, str]]:
    """The lines of a fact's card, as (heading, text) pairs."""
    rows = [
        ("Fact", fact["id"]),
        ("Label", fact["label"]),
        ("Sector", base.sectors_by_id[fact["sector"]]["name"]),
        ("Kind", fact["kind"]),
        ("Value", figure(fact["value"], fact["unit"], fact["qualifier"])),
    ]
    change = query.change_row(fact)
    if fact["baseline"]:
        rows.append(("Baseline", views.human(views.FACT, fact, "baseline")))
    if change is not None and change["basis"] == "before_after" and change["ratio"] is not None:
        rows.append(
            (
                "Change",
                f"{number(change['ratio'])}x, {percent_change(change['change_pct'])} (derived)",
            )
        )
    if fact["yoy_pct"] is not None:
        rows.append(("Year on year", percent_change(fact["yoy_pct"])))
    period = fact["period"]
    rows.append(("Period", period["label"] + (" (year inferred)" if period["inferred"] else "")))
    rows.append(("Statement", fact["statement"]))
    if fact["terms"]:
        names = [f"{term} ({base.terms_by_id[term]['name']})" for term in fact["terms"]]
        rows.append(("Terms", "; ".join(names)))
    if fact["said_by"]:
        person = base.people_by_id[fact["said_by"]]
        rows.append(("Said by", f"{person['name']} ({'; '.join(person['roles'])})"))
    if fact["measure"]:
        measure = base.measures_by_id.get(fact["measure"])
        name = measure["name"] if measure else fact["measure"]
        rows.append(
            ("Measure", f"{fact['measure']} ({name}): `ccifacts history {fact['measure']}`")
        )
    source = base.sources_by_id[fact["source"]]
    published = human_date(source["published"])
    rows.append(("Source", f'{source["publisher"]}, "{source["title"]}", {published}'))
    if fact["section"]:
        titles = {s["id"]: s["title"] for s in source["sections"]}
        rows.append(("Section", titles.get(fact["section"], fact["section"])))
    if source.get("url"):
        rows.append(("URL", source["url"]))
    return rows


def card(title: str, rows: list[tuple[str, str]]) -> RenderableType:
    """A titled two-column card of headings and texts, every text inert; a row without text
    (a part the record does not have) is left out."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for heading, text in rows:
        if not text:
            continue
        grid.add_row(heading, Text(inert(text)))
    # The title goes above the grid, not in it: a grid's title wraps at the grid's width, which
    # for a card of one short line (--fields id) broke the title inside its words.
    return Group(Text(inert(title), style="bold cyan"), grid)


def fact_card(base: FactBase, fact: Record) -> RenderableType:
    return card(fact["label"], fact_rows(base, fact))


def fact_cards(base: FactBase, facts: list[Record], fields: str | None = None) -> RenderableType:
    """The cards of ``facts``, one after another; with ``fields`` (as ``--fields`` names
    them) only those lines."""
    from rich.console import Group
    from rich.text import Text

    cards: list[Any] = []
    for fact in facts:
        if cards:
            cards.append(Text(""))
        if fields is None:
            cards.append(fact_card(base, fact))
        else:
            listing = views.Listing(views.FACT, [fact])
            chosen = views.resolve_fields(listing, fields, flat=False, json=False)
            rows = [(views.header(p), views.human(views.FACT, fact, p)) for p in chosen]
            cards.append(card(fact["label"], rows))
    return Group(*cards)


def term_card(
    base: FactBase, term: Record, *, table: bool = True, fields: str | None = None
) -> Drawable:
    """A term's card and the facts that mention it: as a table under the card, or (not
    ``table``: printed by default into a pipe) as the TSV rows other listings print there."""
    from rich.console import Group
    from rich.text import Text

    from ccifacts.render import render_table, render_tsv

    if fields is not None:
        listing = views.Listing(views.TERM, [term])
        chosen = views.resolve_fields(listing, fields, flat=False, json=False)
        return card(
            term["name"], [(views.header(p), views.human(views.TERM, term, p)) for p in chosen]
        )
    rows = [
        ("Term", term["id"]),
        ("Name", term["name"]),
        ("Kind", term["kind"]),
        ("Aliases", ", ".join(term["aliases"])),
        ("Definition", term["definition"]),
        (
            "Background",
            term["background"] and f"{term['background']} (general knowledge, not from the source)",
        ),
    ]
    facts = base.facts_with_term(term["id"])
    if not facts:
        return Group(card(term["name"], rows), Text("No fact mentions this term."))
    listing = views.Listing(views.FACT, facts, title=f"Facts that mention {term['id']}")
    if not table:
        return (
            card(term["name"], rows),
            f"\n{inert(listing.title)}\n",
            render_tsv(listing, None, True),
        )
    return Group(card(term["name"], rows), Text(""), render_table(listing, None, True))


def info_text(summary: dict[str, Any]) -> str:
    counts = summary["counts"]
    lines = [
        f"Fact base: {summary['path']}" + (" (bundled)" if summary["bundled"] else ""),
        f"Schema version: {summary['schema_version']}",
        "Counts: " + ", ".join(_counted(n, what) for what, n in counts.items()),
        "Sources:",
        *(
            f'  {s["id"]}: {s["publisher"]}, "{s["title"]}", {s["published"]}'
            for s in summary["sources"]
        ),
        f"Cache: {summary['cache_dir'] or 'off'}" + ("" if summary["cached"] else " (not used)"),
    ]
    return "".join(inert(line) + "\n" for line in lines)


def validation_summary(base: Any) -> dict[str, Any]:
    """What ``validate`` reports of a valid fact base: its path and counts by sector."""
    return {
        "path": str(base.path),
        "valid": True,
        "facts": sum(sector.fact_count for sector in base.sectors()),
        "sectors": {sector.id: sector.fact_count for sector in base.sectors()},
    }


_SINGULAR = {
    "sources": "source",
    "sectors": "sector",
    "terms": "term",
    "people": "person",
    "measures": "measure",
    "facts": "fact",
}


def _counted(count: int, what: str) -> str:
    return f"{count} {what if count != 1 else _SINGULAR.get(what, what)}"


def validation_text(summary: dict[str, Any]) -> str:
    """The one-line form of ``validation_summary``."""
    sectors = summary["sectors"]
    counts = ", ".join(f"{sector} {count}" for sector, count in sectors.items())
    return inert(
        f"{summary['path']}: valid: {summary['facts']} facts in {len(sectors)} sectors ({counts})"
    )
