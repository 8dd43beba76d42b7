"""The ``ccifacts`` command line: parses options, asks the core for records, picks a renderer
and prints. Errors of the ``CcifactsError`` family are caught in one place (``_Group.invoke``),
printed as ``Error: ...`` with a hint on stderr, and turned into the documented exit codes; no
traceback reaches a user. Data goes to stdout, messages to stderr. Everything heavy (Pydantic,
Rich) is imported only by the commands that need it."""

import functools
import inspect
import os
import shutil
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from ccifacts import __version__, complete
from ccifacts.errors import CcifactsError, ExitCode, UsageError
from ccifacts.render import OutputFormat, resolve_format
from ccifacts.text import ascii_json, inert, quoted

if TYPE_CHECKING:
    from ccifacts.factbase import FactBase
    from ccifacts.views import Listing

EXIT_CODES = """\b
Exit codes:
  0  success (an empty result too; a note goes to stderr)
  1  the named sector, fact, term, person or value does not exist;
     verify: some figures are not found in the source text
  2  usage error (unknown option, field or format)
  3  the fact base cannot be read or is invalid
  4  internal error (a bug: please report it)"""


class Color(StrEnum):
    """The ``--color`` choices."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class CitationStyle(StrEnum):
    """The ``cite --style`` choices."""

    PLAIN = "plain"
    MARKDOWN = "markdown"
    BIBTEX = "bibtex"


FACT_KINDS = ("metric", "milestone", "policy", "plan", "target", "profile")


def _report(message: str, hint: str | None = None) -> None:
    sys.stderr.write(f"Error: {message}\n")
    if hint:
        sys.stderr.write(f"Hint: {hint}\n")
    sys.stderr.flush()


def _note(message: str) -> None:
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def _silence_stdout() -> None:
    # The reader went away (`ccifacts list | head -1`): send whatever is still buffered to
    # /dev/null so the interpreter's final flush cannot fail with "Exception ignored".
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class _Group(TyperGroup):
    """The command group, with the one place where errors become messages and exit codes."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except CcifactsError as error:
            _report(error.message, error.hint)
            raise typer.Exit(error.exit_code) from None
        except Exception as error:
            if os.environ.get("CCIFACTS_DEBUG"):
                raise
            _report(
                f"internal error: {type(error).__name__}: {inert(str(error))[:300]}",
                "This is a bug in ccifacts; please report it with the command you ran "
                "(CCIFACTS_DEBUG=1 shows the traceback).",
            )
            raise typer.Exit(ExitCode.INTERNAL) from None


app = typer.Typer(
    cls=_Group,
    name="ccifacts",
    help=(
        "Exact, sourced figures of the China-Singapore (Chongqing) Demonstration Initiative on "
        "Strategic Connectivity (CCI).\n\n"
        "\b\nExamples:\n"
        "  ccifacts sector aviation\n"
        "  ccifacts search ILSTC --json | jq '.[].id'\n"
        "  ccifacts get aviation.weekly-flights --value"
    ),
    epilog=EXIT_CODES,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"ccifacts {__version__}\n")
        raise typer.Exit()


FactsOption = Annotated[
    str | None,
    typer.Option(
        "--facts",
        metavar="PATH",
        help="Fact base to read [default: $CCIFACTS_FACTS, else the bundled CCI facts].",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format; auto is a table on a terminal and TSV in a pipe.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="LIST",
        help=(
            "Comma-separated fields to show, in order; 'all' for every field "
            "[default: a short set for tables, more for csv/tsv, every field for JSON]."
        ),
        autocompletion=complete.fields,
    ),
]
NoHeadersOption = Annotated[
    bool, typer.Option("--no-headers", help="Leave out the header row (csv, tsv, markdown).")
]
ColorOption = Annotated[
    Color,
    typer.Option(
        "--color",
        case_sensitive=False,
        help="Colour: auto (on a terminal, unless NO_COLOR is set), always or never.",
    ),
]


@app.callback()
def _root(
    ctx: typer.Context,
    facts: FactsOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = {"facts": facts}


def stdout_is_terminal() -> bool:
    """Whether stdout is a terminal (tests replace this to see terminal behaviour)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


ALL_FORMATS = tuple(OutputFormat)
TEXT_OR_JSON = (OutputFormat.AUTO, OutputFormat.TABLE, OutputFormat.JSON)


class Output:
    """The shared output options of a command, and how it prints what it found."""

    def __init__(
        self,
        ctx: typer.Context,
        options: dict[str, Any],
        formats: tuple[OutputFormat, ...],
        tabular: bool,
    ) -> None:
        requested: OutputFormat = options["format_"]
        if options["json_"] and requested not in (OutputFormat.AUTO, OutputFormat.JSON):
            raise UsageError(f"--json and --format {requested.value} ask for different formats")
        self.requested = OutputFormat.JSON if options["json_"] else requested
        name = ctx.info_name
        if self.requested not in formats:
            shown = ", ".join(f.value for f in formats)
            raise UsageError(f"{name} cannot print {self.requested.value}", f"It prints: {shown}.")
        if not tabular and (options["fields"] is not None or options["no_headers"]):
            option = "--fields" if options["fields"] is not None else "--no-headers"
            raise UsageError(f"{name} prints no table, so it takes no {option}")
        parent = ctx.find_root().obj or {}
        self.facts: str | None = options["facts"] or parent.get("facts")
        self.fields: str | None = options["fields"]
        self.headers = not options["no_headers"]
        self.terminal = stdout_is_terminal()
        self.format = resolve_format(self.requested, terminal=self.terminal)
        self.color = _use_color(options["color"], self.terminal)

    def load(self) -> "FactBase":
        from ccifacts import store

        return store.load(self.facts)

    @property
    def is_json(self) -> bool:
        return self.format in (OutputFormat.JSON, OutputFormat.JSONL)

    @property
    def is_table(self) -> bool:
        return self.format is OutputFormat.TABLE

    def listing(self, listing: "Listing") -> None:
        """Print ``listing`` in the chosen format (a note on stderr when it is empty)."""
        from ccifacts.render import renderer_for

        render = renderer_for(self.format, terminal=self.terminal)
        output = render(listing, self.fields, self.headers)
        if not listing.records:
            if listing.empty:
                _note(listing.empty)
            if self.is_table:
                return
        self.print(output)

    def record(self, listing: "Listing", card: Callable[[], Any]) -> None:
        """Print the one record of ``listing`` in full: as a card by default (plain text in a
        pipe, so `| less` shows all of it), a JSON object (not an array) for JSON, and a one-row
        listing for the other formats."""
        from ccifacts.render import dumps, select
        from ccifacts.views import resolve_fields

        if self.requested in (OutputFormat.AUTO, OutputFormat.TABLE):
            self.print(card())
        elif self.format is OutputFormat.JSON:
            fields = resolve_fields(listing, self.fields, flat=False, json=True)
            self.print(dumps(select(listing.records[0], fields)) + "\n")
        else:
            self.listing(listing)

    def document(self, value: object, text: str) -> None:
        """Print one document that is not a record: ``value`` as JSON for JSON, else ``text``."""
        from ccifacts.render import dumps

        self.print(dumps(value) + "\n" if self.is_json else text)

    def print(self, output: Any) -> None:
        from ccifacts.render import to_text

        if self.terminal:
            width: int | None = shutil.get_terminal_size().columns
        else:
            # --format table into a pipe: as wide as $COLUMNS says, else its natural width.
            # Anything else there (a card printed by default) keeps every line whole.
            width = _columns() if self.is_table else None
        utf8 = _utf8(sys.stdout)
        text = to_text(output, color=self.color, width=width, ascii_only=not utf8)
        if self.is_json and not utf8:
            text = ascii_json(text)  # still valid JSON where the locale cannot carry UTF-8
        sys.stdout.write(text)
        sys.stdout.flush()


def _columns() -> int | None:
    """The width $COLUMNS names, if it names one."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return columns if columns > 0 else None


def _utf8(stream: Any) -> bool:
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


def _use_color(choice: Color, terminal: bool) -> bool:
    if choice is not Color.AUTO:
        return choice is Color.ALWAYS
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "").lower() not in ("", "0", "false"):
        return True
    return terminal


def _shared_parameters() -> list[inspect.Parameter]:
    keyword = inspect.Parameter.KEYWORD_ONLY
    return [
        inspect.Parameter("ctx", keyword, annotation=typer.Context),
        inspect.Parameter("facts", keyword, annotation=FactsOption, default=None),
        inspect.Parameter("format_", keyword, annotation=FormatOption, default=OutputFormat.AUTO),
        inspect.Parameter("json_", keyword, annotation=JsonOption, default=False),
        inspect.Parameter("fields", keyword, annotation=FieldsOption, default=None),
        inspect.Parameter("no_headers", keyword, annotation=NoHeadersOption, default=False),
        inspect.Parameter("color", keyword, annotation=ColorOption, default=Color.AUTO),
    ]


def command(
    name: str, *, formats: tuple[OutputFormat, ...] = ALL_FORMATS, tabular: bool = True
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a command that takes the shared options (--facts, --format/-f, --json, --fields,
    --no-headers, --color) from this one definition; it receives them as ``out: Output``. A
    command that prints only some ``formats``, or no table (not ``tabular``), refuses the
    options it cannot honour instead of ignoring them."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        own = [p for p in inspect.signature(function).parameters.values() if p.name != "out"]
        shared = _shared_parameters()
        names = [parameter.name for parameter in shared]

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> None:
            options = {name: kwargs.pop(name) for name in names}
            out = Output(options.pop("ctx"), options, formats, tabular)
            function(*args, out=out, **kwargs)

        run.__signature__ = inspect.Signature(own + shared)  # type: ignore[attr-defined]
        return app.command(name, epilog=EXIT_CODES)(run)

    return register


# --- commands ----------------------------------------------------------------------------------


@command("sectors")
def sectors(out: Output) -> None:
    """List every sector with its number of facts.

    \b
    Example:
      ccifacts sectors
    """
    from ccifacts import query, views

    base = out.load()
    out.listing(views.Listing(views.SECTOR, query.sector_rows(base), title="Sectors"))


@command("sector")
def sector(
    name: Annotated[
        str,
        typer.Argument(
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
      ccifacts sector air --format markdown
    """
    from ccifacts import views

    base = out.load()
    found = base.sector(name)
    out.listing(
        views.Listing(
            views.FACT,
            base.facts_of_sector(found["id"]),
            title=f"{found['name']}: {found['description']}",
            empty=f"sector {found['id']} has no facts",
        )
    )


@command("list")
def list_(
    out: Output,
    sector: Annotated[
        str | None,
        typer.Option("--sector", "-s", help="Only this sector.", autocompletion=complete.sectors),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help=f"Only this kind: {', '.join(FACT_KINDS)}.",
            autocompletion=complete.kinds,
        ),
    ] = None,
    term: Annotated[
        str | None,
        typer.Option(
            "--term", "-t", help="Only facts that mention this term.", autocompletion=complete.terms
        ),
    ] = None,
) -> None:
    """List all facts, optionally of one sector, kind or term.

    \b
    Examples:
      ccifacts list --sector logistics --kind metric
      ccifacts list --term NRA --json
    """
    from ccifacts import query, views

    if kind is not None and kind.casefold() not in FACT_KINDS:
        raise UsageError(f"unknown kind {quoted(kind)}", f"Kinds are: {', '.join(FACT_KINDS)}.")
    base = out.load()
    facts = query.filter_facts(base, sector, kind.casefold() if kind else None, term)
    out.listing(views.Listing(views.FACT, facts, title="Facts", empty="no facts match the filters"))


@command("search")
def search(
    words: Annotated[
        list[str], typer.Argument(metavar="QUERY...", help="Words to look for (quotes optional).")
    ],
    out: Output,
) -> None:
    """Find facts by words in their label, statement, sector, terms, speaker or unit, best first.

    Case, hyphens and extra spaces do not matter, and a term's acronym, name and aliases all
    find it: `search ILSTC` and `search "land-sea trade corridor"` find the same facts.

    \b
    Examples:
      ccifacts search ILSTC
      ccifacts search "Zhang Yongwu" --fields id,label,said_by
    """
    from ccifacts import query, views

    text = " ".join(words)
    pattern = query.highlight_pattern(text)
    if pattern is None:
        raise UsageError(
            "the query has no words to search for", 'Try: ccifacts search "digital RMB"'
        )
    base = out.load()
    found = query.SearchIndex(base).search(text)
    out.listing(
        views.Listing(
            views.FACT,
            found,
            title=f"Facts matching {text!r}",
            empty=f"no facts match {quoted(text)}",
            highlight=pattern if out.color else None,
        )
    )


@command("get")
def get(
    fact_id: Annotated[
        str, typer.Argument(metavar="ID", help="Fact id.", autocompletion=complete.fact_ids)
    ],
    out: Output,
    value: Annotated[
        bool, typer.Option("--value", "--raw", "-r", help="Print only the bare value.")
    ] = False,
    field: Annotated[
        str | None,
        typer.Option(
            "--field",
            metavar="PATH",
            help="Print only this field (baseline.value, period.end, ...).",
            autocompletion=complete.fact_fields,
        ),
    ] = None,
) -> None:
    """Show one fact in full: statement, value, baseline and change, period, source, speaker.

    \b
    Examples:
      ccifacts get aviation.weekly-flights
      ccifacts get aviation.weekly-flights --value
      ccifacts get aviation.weekly-flights --field baseline.value
    """
    from ccifacts import render, views

    if value and field:
        raise UsageError("--value and --field both choose what to print", "Give one of them.")
    base = out.load()
    fact = base.fact(fact_id)
    if value or field:
        out.print(render.bare(fact, "value" if value else field or "value") + "\n")
        return
    out.record(views.Listing(views.FACT, [fact]), lambda: _details().fact_card(base, fact))


@command("info", formats=TEXT_OR_JSON, tabular=False)
def info(out: Output) -> None:
    """Say which fact base is in use, its sources and its counts.

    \b
    Example:
      ccifacts --facts other.json info
    """
    from ccifacts import details

    base = out.load()
    summary = details.info(base)
    out.document(summary, details.info_text(summary))


@command("validate", formats=(OutputFormat.AUTO, OutputFormat.JSON), tabular=False)
def validate(
    path: Annotated[
        str | None,
        typer.Argument(metavar="[PATH]", help="Fact base to check [default: as for --facts]."),
    ] = None,
    *,
    out: Output,
) -> None:
    """Check a fact base and report every problem, each with its JSON path.

    \b
    Example:
      ccifacts validate my-facts.json
    """
    from ccifacts import details, loader, store

    target = loader.resolve_path(path or out.facts)
    data = loader.read_bytes(target)
    summary = details.validation_summary(target, store.validate_bytes(data, target))
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
        typer.Argument(
            metavar="SOURCE.txt", help="Plain-text source document.", exists=True, dir_okay=False
        ),
    ],
    out: Output,
) -> None:
    """List facts whose value, baseline or change cannot be found in a source text.

    Understands the ways a text writes numbers: "USD 26 billion", "1,900", "24 per week",
    "fivefold", "20.2%". Exits 0 when every figure is found, 1 when some are not.

    \b
    Example:
      ccifacts verify ../shared/sources/cci-decade-2025-11-10.txt
    """
    from ccifacts import verify as verifier
    from ccifacts import views

    base = out.load()
    try:
        text = source_text.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as error:
        raise UsageError(f"cannot read {inert(str(source_text))}: {error.strerror}") from None
    result = verifier.check(base, text)
    title = "Figures not found in the source"
    out.listing(views.Listing(views.UNTRACED, result.untraced, title=title, empty=""))
    _note(
        f"{result.traced} of {result.checked} figures found in {inert(str(source_text))}"
        + ("" if not result.untraced else f"; {len(result.untraced)} not found")
    )
    if result.untraced:
        raise typer.Exit(ExitCode.NOT_FOUND)


@command("terms")
def terms(out: Output) -> None:
    """List every term: acronyms, programmes, policies, organisations and places.

    \b
    Example:
      ccifacts terms --fields id,name
    """
    from ccifacts import query, views

    base = out.load()
    out.listing(views.Listing(views.TERM, query.term_rows(base), title="Terms"))


@command("define")
def define(
    term: Annotated[
        str,
        typer.Argument(
            metavar="TERM", help="Term id, name or alias.", autocompletion=complete.terms
        ),
    ],
    out: Output,
) -> None:
    """Explain a term and list the facts that mention it.

    \b
    Examples:
      ccifacts define NRA
      ccifacts define "land-sea trade corridor" --json
    """
    from ccifacts import query, views

    base = out.load()
    found = base.term(term)
    rows = query.term_rows(base, [found])
    out.record(
        views.Listing(views.TERM, rows),
        lambda: _details().term_card(base, found, table=out.is_table),
    )


@command("sources")
def sources(out: Output) -> None:
    """List the sources of the fact base.

    \b
    Example:
      ccifacts sources --json
    """
    from ccifacts import query, views

    base = out.load()
    out.listing(views.Listing(views.SOURCE, query.source_rows(base), title="Sources"))


@command("cite", formats=TEXT_OR_JSON, tabular=False)
def cite(
    fact_id: Annotated[
        str, typer.Argument(metavar="ID", help="Fact id.", autocompletion=complete.fact_ids)
    ],
    out: Output,
    style: Annotated[
        CitationStyle, typer.Option("--style", case_sensitive=False, help="Citation style.")
    ] = CitationStyle.PLAIN,
) -> None:
    """Print a ready citation of the source of a fact.

    \b
    Examples:
      ccifacts cite aviation.weekly-flights
      ccifacts cite aviation.weekly-flights --style bibtex >> refs.bib
    """
    from ccifacts import citation

    base = out.load()
    fact = base.fact(fact_id)
    text = citation.cite(base, fact, style.value)
    out.document(citation.as_record(base, fact, style.value, text), text)


@command("people")
def people(out: Output) -> None:
    """List the officials the sources quote, their roles and the facts attributed to each.

    \b
    Example:
      ccifacts people
    """
    from ccifacts import query, views

    base = out.load()
    out.listing(views.Listing(views.PERSON, query.people_rows(base), title="People quoted"))


@command("timeline")
def timeline(
    out: Output,
    as_of: Annotated[
        bool,
        typer.Option(
            "--all", help="Also the facts only stated as of a date (the report's), at that date."
        ),
    ] = False,
) -> None:
    """List the dated facts in order, from the 2015 launch to the 2030 goal.

    A fact with a period (2024, January to October 2025, the cumulative decade, by 2030) is
    placed at its end; facts only stated "as of" the report's date are left out unless --all.

    \b
    Examples:
      ccifacts timeline
      ccifacts timeline --all --json | jq '.[].period.label'
    """
    from ccifacts import query, views

    base = out.load()
    out.listing(
        views.Listing(
            views.FACT,
            query.timeline(base, as_of=as_of),
            title="Timeline",
            human_fields=("period", "id", "label", "value"),
            drop=("id", "value"),
        )
    )


@command("changes")
def changes(out: Output) -> None:
    """List every before/after, year-on-year and n-fold figure with its change; ratios and
    percentages computed by ccifacts are marked "derived". A terminal shows bars.

    \b
    Example:
      ccifacts changes
    """
    from ccifacts import query, views

    base = out.load()
    out.listing(
        views.Listing(
            views.CHANGE,
            query.change_rows(base),
            title="Changes (before -> after)",
            bar=lambda row, width: query.bar_lengths(row["ratio"], width),
        )
    )


@command("summary")
def summary(out: Output) -> None:
    """Show the headline figures of the CCI's first decade on one screen.

    \b
    Example:
      ccifacts summary
    """
    from ccifacts import details, query, views

    base = out.load()
    out.listing(
        views.Listing(
            views.FACT,
            query.headline(base),
            title=details.summary_title(base),
            human_fields=("label", "value", "period", "id"),
            drop=("id", "period"),
            empty="no facts are marked as headline figures",
        )
    )


def _details() -> Any:
    # Cards need Rich and more of the core; only a table on a terminal draws them.
    from ccifacts import details

    return details


class _PipeGuard:
    """stdout for which a reader that went away (``ccifacts list | head -1``) ends the output
    quietly, whatever is writing: a command, ``--help`` or ``--version``."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            _silence_stdout()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            _silence_stdout()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    """Run ``ccifacts``; the console script and ``python -m ccifacts`` call this."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A locale that cannot encode a name must not crash the output.
            reconfigure(errors="backslashreplace")
    stdout = sys.stdout
    sys.stdout = _PipeGuard(stdout)
    try:
        app(args=argv, prog_name="ccifacts")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except KeyboardInterrupt:
        # Ctrl-C while loading or drawing: the shell convention, not 1 ("not found").
        return 130
    finally:
        sys.stdout.flush()
        sys.stdout = stdout
    return 0
