"""Commands about what the facts refer to: sectors, terms and define, people, sources and cite."""

from enum import StrEnum
from typing import Annotated

from ccifacts import complete
from ccifacts.cli.output import TEXT_OR_JSON, Output, command
from ccifacts.cli.params import Arg, Opt


class CitationStyle(StrEnum):
    """The ``cite --style`` choices."""

    PLAIN = "plain"
    MARKDOWN = "markdown"
    BIBTEX = "bibtex"


def _listed(out: Output, kind: object, rows: list[dict[str, object]], title: str) -> None:
    from ccifacts import views

    listing_kind = kind if isinstance(kind, views.RecordKind) else views.FACT
    rows = views.sort_records(listing_kind, rows, out.sort)
    out.listing(
        views.Listing(listing_kind, rows[: out.limit], title=title),
        total=len(rows) if out.limit is not None else None,
    )


@command("sectors", listing=True)
def sectors(out: Output) -> None:
    """List every sector with its number of facts.

    \b
    Example:
      ccifacts sectors --sort -fact_count
    """
    from ccifacts import views

    _listed(out, views.SECTOR, [s.to_dict() for s in out.load().sectors()], "Sectors")


@command("terms", listing=True)
def terms(out: Output) -> None:
    """List every term: acronyms, programmes, policies, organisations and places.

    \b
    Example:
      ccifacts terms --fields id,name
    """
    from ccifacts import views

    _listed(out, views.TERM, [t.to_dict() for t in out.load().terms()], "Terms")


@command("define", record=True)
def define(
    term: Annotated[
        str,
        Arg(metavar="TERM", help="Term id, name or alias.", autocompletion=complete.terms),
    ],
    out: Output,
) -> None:
    """Explain a term and list the facts that mention it.

    \b
    Examples:
      ccifacts define NRA
      ccifacts define "land-sea trade corridor" --json
    """
    from ccifacts import details, views

    base = out.load()
    found = base.term(term).to_dict()
    out.record(
        views.Listing(views.TERM, [found]),
        lambda: details.term_card(base.lookups(), found, table=out.is_table, fields=out.fields),
    )


@command("people", listing=True)
def people(out: Output) -> None:
    """List the officials the sources quote, their roles and the facts attributed to each.

    \b
    Example:
      ccifacts people
    """
    from ccifacts import views

    _listed(out, views.PERSON, [p.to_dict() for p in out.load().people()], "People quoted")


@command("sources", listing=True)
def sources(out: Output) -> None:
    """List the sources of the facts: publisher, date, kind, URL and number of facts.

    \b
    Examples:
      ccifacts sources
      ccifacts sources --sort published --fields id,publisher,published,url
    """
    from ccifacts import views

    _listed(out, views.SOURCE, [s.to_dict() for s in out.load().sources()], "Sources")


@command("cite", formats=TEXT_OR_JSON, tabular=False)
def cite(
    fact_id: Annotated[str, Arg(metavar="ID", help="Fact id.", autocompletion=complete.fact_ids)],
    out: Output,
    style: Annotated[
        CitationStyle,
        Opt("--style", metavar="STYLE", case_sensitive=False, help="plain, markdown or bibtex."),
    ] = CitationStyle.PLAIN,
) -> None:
    """Print a ready citation of the source of a fact (each fact cites its own source).

    \b
    Examples:
      ccifacts cite aviation.weekly-flights
      ccifacts cite aviation.weekly-flights --style bibtex >> refs.bib
    """
    record = out.load().cite(fact_id, style.value)
    out.document(record, record["citation"] + "\n")
