"""The options every command shares, declared once as ``Annotated`` aliases, and ``Output``: how a
command prints what it found in the format the user chose (a Rich table on a terminal, TSV in a
pipe, JSON, ...), with data on stdout and notes on stderr. ``command`` registers a command with the
shared options and refuses, with exit 2, any option the command cannot honour."""

from __future__ import annotations

import functools
import inspect
import os
import shutil
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ccifacts import complete
from ccifacts.cli.core import StdoutError, note, register
from ccifacts.errors import UsageError
from ccifacts.formats import OutputFormat, resolve_format
from ccifacts.text import ascii_json

if TYPE_CHECKING:
    from ccifacts.api import FactBase
    from ccifacts.views import Listing


class Color(StrEnum):
    """The ``--color`` choices."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


FactsOption = Annotated[
    str | None,
    typer.Option(
        "--facts",
        metavar="PATH",
        help="Fact base to read; - reads standard input [default: $CCIFACTS_FACTS, else the "
        "bundled CCI facts].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="LIST",
        help="Comma-separated fields to show, in order (any case); 'all' for every field.",
        autocompletion=complete.fields,
    ),
]
NoHeadersOption = Annotated[
    bool, typer.Option("--no-headers", help="Leave out the header row (table, csv, tsv).")
]
ColorOption = Annotated[
    Color,
    typer.Option(
        "--color",
        metavar="WHEN",
        case_sensitive=False,
        help="Colour: auto (a terminal, unless NO_COLOR is set or TERM=dumb), always, never.",
    ),
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        metavar="N",
        min=0,
        help="Show at most N records; 0 for all [default: all in a pipe, a screenful on a "
        "terminal].",
        show_default=False,
    ),
]
SortOption = Annotated[
    list[str] | None,
    typer.Option(
        "--sort",
        metavar="FIELD",
        help="Sort by FIELD (-FIELD for descending); repeat to break ties: --sort sector "
        "--sort -value.",
        show_default=False,
    ),
]
ReverseOption = Annotated[bool, typer.Option("--reverse", help="Reverse the order.")]

LISTING_FORMATS = tuple(OutputFormat)
TEXT_OR_JSON = (OutputFormat.AUTO, OutputFormat.TABLE, OutputFormat.JSON)


def format_option(record: bool) -> Any:
    """The --format/-f option; ``record`` commands print one record as text by default."""
    auto = (
        "auto prints the record as text"
        if record
        else "auto is a table on a terminal and TSV in a pipe"
    )
    return Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            case_sensitive=False,
            help=f"Output format: auto, table, json, jsonl, csv, tsv, markdown; {auto}.",
        ),
    ]


def stdout_is_terminal() -> bool:
    """Whether stdout is a terminal (tests replace this to see terminal behaviour)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_lines() -> int:
    return shutil.get_terminal_size().lines


def _columns() -> int | None:
    """The width $COLUMNS asks for, if it names one: a table drawn into a pipe takes it (as on a
    terminal), else its natural width."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return columns if columns > 0 else None


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
        self.name = ctx.info_name or ""
        if self.requested not in formats:
            shown = ", ".join(f.value for f in formats)
            raise UsageError(
                f"{self.name} cannot print {self.requested.value}", f"It prints: {shown}."
            )
        if not tabular and (options["fields"] is not None or options["no_headers"]):
            option = "--fields" if options["fields"] is not None else "--no-headers"
            raise UsageError(f"{self.name} prints no table, so it takes no {option}")
        root = ctx.find_root()
        parent = root.obj or {}
        self.facts: str | None = options["facts"] or parent.get("facts")
        self.quiet: bool = bool(parent.get("quiet"))
        self.fields: str | None = options["fields"]
        self.headers = not options["no_headers"]
        self.terminal = stdout_is_terminal()
        self.format = resolve_format(self.requested, terminal=self.terminal)
        if not self.headers and self.format in (
            OutputFormat.JSON,
            OutputFormat.JSONL,
            OutputFormat.MARKDOWN,
        ):
            why = (
                "a Markdown table needs its header"
                if self.format is OutputFormat.MARKDOWN
                else (f"{self.format.value} has no header row")
            )
            raise UsageError(
                f"--no-headers does not apply: {why}", "Use it with table, csv or tsv."
            )
        self.color = _use_color(options["color"], self.terminal)
        self._base: FactBase | None = None
        self.limit: int | None = None
        self.sort: list[str] = []
        self.filter_options: dict[str, Any] = {}

    def facts_from_stdin(self) -> bool:
        """Whether the fact base is read from standard input (--facts - or $CCIFACTS_FACTS)."""
        from ccifacts import loader

        path = loader.resolve_path(self.facts)
        return loader.is_stdin(path) or str(path) == "/dev/stdin"

    def load(self) -> FactBase:
        """The fact base of --facts, compiled (with a progress bar on a terminal's stderr when
        compiling takes a while); notes about it go to stderr."""
        if self._base is None:
            from ccifacts import api
            from ccifacts.cli.progress import progress_bar

            self._base = api.load(self.facts, progress=progress_bar(quiet=self.quiet))
            if not self.quiet:
                for text in self._base.notes:
                    note(f"note: {text}")
        return self._base

    def where(self, base: FactBase, **more: Any) -> Any:
        """The fact filters the command line asked for (``more`` adds to them)."""
        from ccifacts.cli import filters

        return filters.where(base, {**self.filter_options, **more})

    @property
    def is_json(self) -> bool:
        return self.format in (OutputFormat.JSON, OutputFormat.JSONL)

    @property
    def is_table(self) -> bool:
        return self.format is OutputFormat.TABLE

    def default_limit(self, limit: int | None) -> int | None:
        """The number of records to show: --limit (0 for all), else all in a pipe and a
        screenful on a terminal's table."""
        if limit is not None:
            return None if limit == 0 else limit
        if self.is_table and self.terminal:
            return max(5, terminal_lines() - 8)
        return None

    def listing(self, listing: Listing, *, total: int | None = None) -> None:
        """Print ``listing`` in the chosen format (a note on stderr when it is empty, or when
        ``total`` says more records were left out)."""
        from ccifacts.render import renderer_for

        render = renderer_for(self.format, terminal=self.terminal)
        output = render(listing, self.fields, self.headers)
        if not listing.records:
            if listing.empty:
                note(listing.empty)
            if self.is_table:
                return
        self.print(output)
        if total is not None and total > len(listing.records) and not self.quiet:
            more = total - len(listing.records)
            note(f"{more:,} more not shown; --limit 0 shows all {total:,}")

    def record(self, listing: Listing, card: Callable[[], Any]) -> None:
        """Print the records of ``listing`` in full: each as a card by default (plain text in
        a pipe, so `| less` shows all of it), a JSON object for one record and an array for
        several, and rows for the other formats."""
        from ccifacts.render import dumps, select
        from ccifacts.views import resolve_fields

        if self.requested in (OutputFormat.AUTO, OutputFormat.TABLE):
            self.print(card())
        elif self.format is OutputFormat.JSON:
            fields = resolve_fields(listing, self.fields, flat=False, json=True)
            chosen = [select(record, fields) for record in listing.records]
            self.print(dumps(chosen[0] if len(chosen) == 1 else chosen) + "\n")
        else:
            self.listing(listing)

    def document(self, value: object, text: str) -> None:
        """Print one document that is not a record: ``value`` as JSON for JSON, else ``text``."""
        from ccifacts.render import dumps

        self.print(dumps(value) + "\n" if self.is_json else text)

    def print(self, output: Any) -> None:
        from ccifacts.render import to_text

        width = shutil.get_terminal_size().columns if self.terminal else _columns()
        if not self.terminal and not self.is_table:
            width = None  # a card printed by default into a pipe keeps every line whole
        utf8 = _utf8(sys.stdout)
        text = to_text(output, color=self.color, width=width, ascii_only=not utf8)
        if self.is_json and not utf8:
            text = ascii_json(text)  # still valid JSON where the locale cannot carry UTF-8
        write(text)


def write(text: str) -> None:
    """Write ``text`` to stdout; a stdout that is closed or full is a ``StdoutError``."""
    stream = sys.stdout
    if stream is None:
        raise StdoutError("standard output is closed", "Give the command somewhere to write.")
    stream.write(text)
    stream.flush()


def _utf8(stream: Any) -> bool:
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


def _use_color(choice: Color, terminal: bool) -> bool:
    if choice is not Color.AUTO:
        return choice is Color.ALWAYS
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR", "").lower() not in ("", "0", "false"):
        return True
    return terminal


def _shared_parameters(record: bool) -> list[inspect.Parameter]:
    keyword = inspect.Parameter.KEYWORD_ONLY
    return [
        inspect.Parameter("ctx", keyword, annotation=typer.Context),
        inspect.Parameter("facts", keyword, annotation=FactsOption, default=None),
        inspect.Parameter(
            "format_", keyword, annotation=format_option(record), default=OutputFormat.AUTO
        ),
        inspect.Parameter("json_", keyword, annotation=JsonOption, default=False),
        inspect.Parameter("fields", keyword, annotation=FieldsOption, default=None),
        inspect.Parameter("no_headers", keyword, annotation=NoHeadersOption, default=False),
        inspect.Parameter("color", keyword, annotation=ColorOption, default=Color.AUTO),
    ]


def _listing_parameters() -> list[inspect.Parameter]:
    keyword = inspect.Parameter.KEYWORD_ONLY
    return [
        inspect.Parameter("limit", keyword, annotation=LimitOption, default=None),
        inspect.Parameter("sort", keyword, annotation=SortOption, default=None),
        inspect.Parameter("reverse", keyword, annotation=ReverseOption, default=False),
    ]


def _filter_parameters(skip: tuple[str, ...]) -> list[inspect.Parameter]:
    from ccifacts.cli import filters

    keyword = inspect.Parameter.KEYWORD_ONLY
    return [
        inspect.Parameter(name, keyword, annotation=annotation, default=default)
        for name, (annotation, default) in filters.OPTIONS.items()
        if name not in skip
    ]


def command(
    name: str,
    *,
    formats: tuple[OutputFormat, ...] = LISTING_FORMATS,
    tabular: bool = True,
    record: bool = False,
    listing: bool = False,
    filters: bool = False,
    skip: tuple[str, ...] = (),
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a command that takes the shared options (--facts, --format/-f, --json,
    --fields, --no-headers, --color) from this one definition; it receives them as
    ``out: Output``. A command that prints only some ``formats``, or no table (not
    ``tabular``), refuses the options it cannot honour instead of ignoring them; a ``record``
    command prints whole records by default. A ``listing`` command also takes --limit, --sort
    and --reverse (``out.limit``, ``out.sort``); with ``filters``, the fact filters (--sector,
    --since, --min, ...; ``out.where()``), but those in ``skip``."""

    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        own = [p for p in inspect.signature(function).parameters.values() if p.name != "out"]
        shared = _shared_parameters(record)
        if listing:
            shared += _listing_parameters()
        if filters:
            shared += _filter_parameters(skip)
        names = [parameter.name for parameter in shared]

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> None:
            options = {name: kwargs.pop(name) for name in names}
            out = Output(options.pop("ctx"), options, formats, tabular)
            out.limit = out.default_limit(options.get("limit"))
            out.sort = sort_fields(options.get("sort"), bool(options.get("reverse")))
            out.filter_options = {k: options[k] for k in names if k not in _NOT_FILTERS}
            function(*args, out=out, **kwargs)

        run.__signature__ = inspect.Signature(own + shared)  # type: ignore[attr-defined]
        register(name, run)
        return run

    return decorate


_NOT_FILTERS = {
    "ctx",
    "facts",
    "format_",
    "json_",
    "fields",
    "no_headers",
    "color",
    "limit",
    "sort",
    "reverse",
}


def sort_fields(sort: list[str] | None, reverse: bool) -> list[str]:
    """The sort fields of --sort and --reverse (which reverses each, or the document order)."""
    fields = list(sort or [])
    if reverse:
        if not fields:
            raise UsageError("--reverse needs --sort", "Try: --sort value --reverse")
        fields = [f[1:] if f.startswith("-") else f"-{f}" for f in fields]
    return fields
