"""Commands about the fact base itself: info, validate, schema, verify and export."""

from pathlib import Path
from typing import Annotated, Any, cast

from ccifacts.cli.output import TEXT_OR_JSON, Output, command
from ccifacts.cli.params import Arg, Opt
from ccifacts.cli.run import Exit, note
from ccifacts.errors import ExitCode, UsageError
from ccifacts.formats import OutputFormat
from ccifacts.text import inert


@command("info", formats=TEXT_OR_JSON, tabular=False)
def info(out: Output) -> None:
    """Say which fact base is in use, its sources and its counts.

    \b
    Example:
      ccifacts --facts other.json info
    """
    from ccifacts import details

    summary = out.load().info()
    out.document(summary, details.info_text(summary))


@command("validate", formats=(OutputFormat.AUTO, OutputFormat.JSON), tabular=False)
def validate(
    path: Annotated[
        str | None,
        Arg(metavar="[PATH]", help="Fact base to check [default: as for --facts]."),
    ] = None,
    *,
    out: Output,
) -> None:
    """Check a fact base and report its problems, each with its JSON path (the first 1,000,
    and how many more there are).

    \b
    Example:
      ccifacts validate my-facts.json
    """
    from ccifacts import api, details
    from ccifacts.cli.progress import progress_bar

    base = api.load(path or out.facts, progress=progress_bar(quiet=out.quiet))
    summary = details.validation_summary(base)
    out.document(summary, details.validation_text(summary) + "\n")


@command("schema", formats=(OutputFormat.AUTO, OutputFormat.JSON), tabular=False)
def schema(out: Output) -> None:
    """Print the JSON Schema of the fact-base format (point "$schema" at it in your editor).

    \b
    Example:
      ccifacts schema > facts.schema.json
    """
    from ccifacts import model
    from ccifacts.render import dumps

    out.print(dumps(model.json_schema()) + "\n")


@command("verify")
def verify(
    source_text: Annotated[
        Path,
        Arg(metavar="SOURCE.txt", help="Plain-text source document."),
    ],
    out: Output,
    source: Annotated[
        str | None,
        Opt(
            "--source",
            metavar="SOURCE",
            help="Check the facts of this source [default: the source whose document is "
            "SOURCE.txt, else every fact].",
        ),
    ] = None,
) -> None:
    """List facts whose value, baseline or change cannot be found in a source text.

    Understands the ways a text writes numbers: "USD 26 billion", "1,900", "24 per week",
    "fivefold", "20.2%". Exits 0 when every figure is found, 1 when some are not.

    \b
    Example:
      ccifacts verify ../shared/sources/cci-decade-2025-11-10.txt
    """
    from types import SimpleNamespace

    from ccifacts import verify as verifier
    from ccifacts import views

    base = out.load()
    text = verifier.read_source(source_text)
    if source is not None:
        chosen = [base.source(source).id]
    else:
        sources = base.sources()
        chosen = [s.id for s in sources if s.document == source_text.name]
        if not chosen and len(sources) > 1 and not out.quiet:
            # Every figure of every source is looked for: most cannot be in this one text.
            note(
                f"note: no source names {inert(source_text.name)} as its document, so the "
                "figures of every source are looked for; --source ID checks one source's"
            )
    where = base.filters(source=chosen) if chosen else None
    facts = [f.to_dict() for f in base.facts(where=where)]
    result = verifier.check(cast(Any, SimpleNamespace(facts=facts)), text)
    title = "Figures not found in the source"
    out.listing(views.Listing(views.UNTRACED, result.untraced, title=title, empty=""))
    note(
        f"{result.traced} of {result.checked} figures found in {inert(str(source_text))}"
        + ("" if not result.untraced else f"; {len(result.untraced)} not found")
    )
    if result.untraced:
        raise Exit(ExitCode.NOT_FOUND)


@command("export", formats=(OutputFormat.AUTO,), tabular=False)
def export(
    out: Output,
    sqlite: Annotated[
        Path | None,
        Opt(
            "--sqlite",
            metavar="PATH",
            help="Write a standalone SQLite database (for sqlite3, sqlite-utils, Datasette).",
        ),
    ] = None,
) -> None:
    """Export the fact base: --sqlite PATH writes a standalone SQLite database with the facts,
    sectors, terms, people, sources, measures, the fact-term links and a full-text index, that
    Datasette serves with a search box (docs/sqlite.md has its schema).

    \b
    Examples:
      ccifacts export --sqlite cci.db
      datasette cci.db
    """
    if sqlite is None:
        raise UsageError("export needs a target", "Try: ccifacts export --sqlite cci.db")
    base = out.load()
    base.export_sqlite(sqlite)
    note(f"wrote {inert(str(sqlite))}")
