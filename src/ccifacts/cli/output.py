"""The options every command shares, declared once as ``Annotated`` aliases, and ``Output``: how a
command prints what it found in the format the user chose (a Rich table on a terminal, TSV in a
pipe, JSON, ...), with data on stdout and notes on stderr. ``command`` registers a command with the
shared options and refuses, with exit 2, any option the command cannot honour. Nothing here
imports Typer: the declarations are ``Opt`` and ``Arg`` (``ccifacts.cli.params``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from ccifacts import complete
from ccifacts.cli.params import REQUIRED, Opt
from ccifacts.cli.run import StdoutError, note, register
from ccifacts.errors import UsageError
from ccifacts.formats import OutputFormat, resolve_format
from ccifacts.text import ascii_json

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ccifacts.api import FactBase
    from ccifacts.factbase import Record
    from ccifacts.views import Listing


class Color(StrEnum):
    """The ``--color`` choices."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


FactsOption = Annotated[
    str | None,
    Opt(
        "--facts",
        metavar="PATH",
        help="Fact base to read; - reads standard input [default: $CCIFACTS_FACTS, else the "
        "bundled CCI facts].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, Opt("--json", help="Same as --format json.")]
FieldsOption = Annotated[
    str | None,
    Opt(
        "--fields",
        metavar="LIST",
        help="Comma-separated fields to show, in order (any case); 'all' for every field.",
        autocompletion=complete.fields,
    ),
]
NoHeadersOption = Annotated[
    bool, Opt("--no-headers", help="Leave out the header row (table, csv, tsv).")
]
ColorOption = Annotated[
    Color,
    Opt(
        "--color",
        metavar="WHEN",
        case_sensitive=False,
        help="Colour: auto (a terminal, unless NO_COLOR is set or TERM=dumb), always, never.",
    ),
]
LimitOption = Annotated[
    int | None,
    Opt(
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
    Opt(
        "--sort",
        metavar="FIELD",
        help="Sort by FIELD (-FIELD for descending); repeat to break ties: --sort sector "
        "--sort -value.",
        show_default=False,
    ),
]
ReverseOption = Annotated[bool, Opt("--reverse", help="Reverse the order.")]

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
        Opt(
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
    import shutil

    return shutil.get_terminal_size().lines


def _terminal_columns() -> int:
    import shutil  # only a terminal needs it (it imports the compression modules)

    return shutil.get_terminal_size().columns


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
        name: str,
        options: dict[str, Any],
        formats: tuple[OutputFormat, ...],
        tabular: bool,
        root: dict[str, Any],
    ) -> None:
        requested: OutputFormat = options["format_"]
        if options["json_"] and requested not in (OutputFormat.AUTO, OutputFormat.JSON):
            raise UsageError(f"--json and --format {requested.value} ask for different formats")
        self.requested = OutputFormat.JSON if options["json_"] else requested
        self.name = name
        if self.requested not in formats:
            shown = ", ".join(f.value for f in formats)
            raise UsageError(
                f"{self.name} cannot print {self.requested.value}", f"It prints: {shown}."
            )
        if not tabular and (options["fields"] is not None or options["no_headers"]):
            option = "--fields" if options["fields"] is not None else "--no-headers"
            raise UsageError(f"{self.name} prints no table, so it takes no {option}")
        self.facts: str | None = options["facts"] or root.get("facts")
        self.quiet: bool = bool(root.get("quiet"))
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

    @property
    def streams(self) -> bool:
        """Whether every record is asked for in a format printed as records come (not a
        table): a command may then hand ``stream`` the records as the database reads them."""
        from ccifacts.render import streamer_for

        return self.limit is None and streamer_for(self.format) is not None

    def stream(
        self,
        listing: Listing,
        records: Iterator[Record],
        empty: Callable[[], str] | None = None,
    ) -> None:
        """Print ``records`` in the chosen (data) format as they come, a buffer at a time, so
        memory does not grow with their number; ``listing`` gives their kind and its notes,
        and ``empty``, if given, makes its note for no records only when there are none."""
        import itertools

        from ccifacts.render import streamer_for

        first = next(records, None)
        if first is None:
            if empty is not None:
                listing.empty = empty()
            self.listing(listing)  # the empty listing's output and note
            return
        streamer = streamer_for(self.format)
        assert streamer is not None  # ``streams`` said so
        utf8 = _utf8(sys.stdout)
        buffered: list[str] = []
        size = 0
        every = itertools.chain([first], records)
        for chunk in streamer(listing, self.fields, self.headers, every):
            buffered.append(chunk)
            size += len(chunk)
            if size >= 1 << 16:
                self._write_text("".join(buffered), utf8)
                buffered, size = [], 0
        self._write_text("".join(buffered), utf8)

    def _write_text(self, text: str, utf8: bool) -> None:
        if self.is_json and not utf8:
            text = ascii_json(text)  # still valid JSON where the locale cannot carry UTF-8
        write(text)

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

        width = _terminal_columns() if self.terminal else _columns()
        if not self.terminal and not self.is_table:
            width = None  # a card printed by default into a pipe keeps every line whole
        utf8 = _utf8(sys.stdout)
        text = to_text(output, color=self.color, width=width, ascii_only=not utf8)
        self._write_text(text, utf8)


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


Parameter = tuple[str, Any, Any]
"""A command's parameter: (name, ``Annotated`` type with its ``Opt`` or ``Arg``, default)."""


def _shared_parameters(record: bool) -> list[Parameter]:
    return [
        ("facts", FactsOption, None),
        ("format_", format_option(record), OutputFormat.AUTO),
        ("json_", JsonOption, False),
        ("fields", FieldsOption, None),
        ("no_headers", NoHeadersOption, False),
        ("color", ColorOption, Color.AUTO),
    ]


def _listing_parameters() -> list[Parameter]:
    return [
        ("limit", LimitOption, None),
        ("sort", SortOption, None),
        ("reverse", ReverseOption, False),
    ]


def _filter_parameters(skip: tuple[str, ...]) -> list[Parameter]:
    from ccifacts.cli import filters

    return [
        (name, annotation, default)
        for name, (annotation, default) in filters.OPTIONS.items()
        if name not in skip
    ]


class Command:
    """A command as declared: its function, which takes the command's own parameters and the
    shared options as ``out: Output``, and what it prints. Calling it with the parsed values of
    every parameter (and the root options as ``root``) runs it."""

    def __init__(
        self,
        name: str,
        function: Callable[..., None],
        formats: tuple[OutputFormat, ...],
        tabular: bool,
        record: bool,
        listing: bool,
        filters: bool,
        skip: tuple[str, ...],
    ) -> None:
        self.name = name
        self.function = function
        self.formats = formats
        self.tabular = tabular
        self.record = record
        self.listing = listing
        self.filters = filters
        self.skip = skip
        self.__doc__ = function.__doc__
        self._parameters: list[Parameter] | None = None
        self._shared: set[str] = set()

    def parameters(self) -> list[Parameter]:
        """The command's own parameters, in order, then the shared ones."""
        if self._parameters is None:
            import typing

            code = self.function.__code__
            names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
            hints = typing.get_type_hints(self.function, include_extras=True)
            defaults = dict(
                zip(
                    names[code.co_argcount - len(self.function.__defaults__ or ()) :],
                    self.function.__defaults__ or (),
                    strict=False,
                )
            )
            defaults.update(self.function.__kwdefaults__ or {})
            own = [(n, hints[n], defaults.get(n, REQUIRED)) for n in names if n != "out"]
            shared = _shared_parameters(self.record)
            if self.listing:
                shared += _listing_parameters()
            if self.filters:
                shared += _filter_parameters(self.skip)
            self._shared = {name for name, _, _ in shared}
            self._parameters = own + shared
        return self._parameters

    def __call__(self, root: dict[str, Any], **values: Any) -> None:
        self.parameters()
        options = {name: values.pop(name) for name in list(values) if name in self._shared}
        out = Output(self.name, options, self.formats, self.tabular, root)
        out.limit = out.default_limit(options.get("limit"))
        out.sort = sort_fields(options.get("sort"), bool(options.get("reverse")))
        out.filter_options = {k: v for k, v in options.items() if k not in _NOT_FILTERS}
        self.function(out=out, **values)


def command(
    name: str,
    *,
    formats: tuple[OutputFormat, ...] = LISTING_FORMATS,
    tabular: bool = True,
    record: bool = False,
    listing: bool = False,
    filters: bool = False,
    skip: tuple[str, ...] = (),
) -> Callable[[Callable[..., None]], Command]:
    """Register a command that takes the shared options (--facts, --format/-f, --json,
    --fields, --no-headers, --color) from this one definition; it receives them as
    ``out: Output``. A command that prints only some ``formats``, or no table (not
    ``tabular``), refuses the options it cannot honour instead of ignoring them; a ``record``
    command prints whole records by default. A ``listing`` command also takes --limit, --sort
    and --reverse (``out.limit``, ``out.sort``); with ``filters``, the fact filters (--sector,
    --since, --min, ...; ``out.where()``), but those in ``skip``."""

    def decorate(function: Callable[..., None]) -> Command:
        declared = Command(name, function, formats, tabular, record, listing, filters, skip)
        register(name, declared)
        return declared

    return decorate


_NOT_FILTERS = {
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
