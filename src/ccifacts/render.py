"""Output formats. Each renderer takes a ``Listing`` and returns what to print: a string for the
data formats (JSON, JSON Lines, CSV, TSV, Markdown) or a Rich renderable for the table, which
``to_text`` turns into a string. Renderers never print, so tests compare their exact output, and
Rich is imported only when a table or card is drawn. Every string a fact base supplies is shown
inert: Rich markup and emoji codes are never interpreted, and control, C1 and bidi characters are
escaped (JSON escapes them as \\uXXXX). CSV, made to be opened in a spreadsheet, writes text that
would start a formula (``=``, ``+``, ``-``, ``@``) after a ``'``; numbers and TSV stay exact."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ccifacts.errors import NotFoundError, UsageError
from ccifacts.factbase import Record
from ccifacts.formats import OutputFormat, resolve_format
from ccifacts.text import inert, json_inert, quoted
from ccifacts.views import FACT, Listing, get, header, human, resolve_fields

if TYPE_CHECKING:
    from rich.console import RenderableType

    # What a command prints: text, something Rich draws, or parts printed one after another.
    Drawable = str | RenderableType | tuple[str | RenderableType, ...]
else:
    Drawable = Any


Renderer = Callable[[Listing, "str | None", bool], Drawable]


def dumps(value: object, *, indent: int | None = 2) -> str:
    """JSON text: UTF-8 kept, numbers as numbers, invisible and control characters escaped."""
    separators = (",", ": ") if indent else (",", ":")
    return json_inert(
        json.dumps(value, ensure_ascii=False, indent=indent, separators=separators, allow_nan=False)
    )


def bare(fact: Record, path: str, missing: str | None = None) -> str:
    """The value at ``path`` of ``fact`` as one line: numbers and strings as they are, objects
    and lists as JSON. A missing value is ``missing``, or if that is None ``NotFoundError``."""
    if path not in FACT.valid():
        raise UsageError(f"unknown field {quoted(path)}", f"Fields: {', '.join(FACT.valid())}.")
    value = get(fact, path)
    if value is None and missing is not None:
        return missing
    if value is None:
        raise NotFoundError(
            f"fact {fact['id']} has no {path}", "Try `ccifacts get ID` for the whole fact."
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return dumps(value)
    if isinstance(value, str):
        return inert(value)
    return dumps(value, indent=None)


def select(record: Record, fields: list[str]) -> Record:
    """The named fields of ``record``; a dotted field keeps its nesting (``period.end`` gives
    ``{"period": {"end": ...}}``)."""
    selected: Record = {}
    for path in fields:
        key, _, sub = path.partition(".")
        if not sub:
            selected[key] = record.get(key)
        elif isinstance(selected.get(key, {}), dict):
            selected.setdefault(key, {})[sub] = get(record, path)
    return selected


def render_json(listing: Listing, fields: str | None, headers: bool) -> str:
    return "".join(stream_json(listing, fields, headers, listing.records))


def stream_json(
    listing: Listing, fields: str | None, headers: bool, records: Iterable[Record]
) -> Iterator[str]:
    """The JSON array of ``records``, a record at a time, as ``dumps`` writes the whole array:
    each element indented one level more (a string holds no raw newline, so every newline of
    an element's text is between its lines)."""
    chosen = resolve_fields(listing, fields, flat=False, json=True)
    opening = "[\n  "
    for record in records:
        yield opening + dumps(select(record, chosen)).replace("\n", "\n  ")
        opening = ",\n  "
    yield "[]\n" if opening == "[\n  " else "\n]\n"


def render_jsonl(listing: Listing, fields: str | None, headers: bool) -> str:
    return "".join(stream_jsonl(listing, fields, headers, listing.records))


def stream_jsonl(
    listing: Listing, fields: str | None, headers: bool, records: Iterable[Record]
) -> Iterator[str]:
    chosen = resolve_fields(listing, fields, flat=False, json=True)
    for record in records:
        yield dumps(select(record, chosen), indent=None) + "\n"


def _flat(value: object) -> str:
    """A field in CSV/TSV: numbers exact, lists of strings joined by "; ", else compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "; ".join(value)
    return dumps(value, indent=None)


def _flat_rows(
    listing: Listing, fields: str | None, headers: bool, records: Iterable[Record]
) -> Iterator[list[str]]:
    chosen = resolve_fields(listing, fields, flat=True, json=False)
    if headers:
        yield chosen
    for record in records:
        yield [_flat(get(record, path)) for path in chosen]


# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(...), +, -, @,
# and tab or carriage return before one); OWASP's advice is to write such text after a "'".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> str:
    cell = inert(_flat(value), keep_newlines=True)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return cell  # a number is data, never a formula: -25 stays -25
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def render_csv(listing: Listing, fields: str | None, headers: bool) -> str:
    return "".join(stream_csv(listing, fields, headers, listing.records))


def stream_csv(
    listing: Listing, fields: str | None, headers: bool, records: Iterable[Record]
) -> Iterator[str]:
    import csv

    chosen = resolve_fields(listing, fields, flat=True, json=False)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    if headers:
        writer.writerow(_csv_cell(path) for path in chosen)
    for record in records:
        writer.writerow(_csv_cell(get(record, path)) for path in chosen)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def render_tsv(listing: Listing, fields: str | None, headers: bool) -> str:
    return "".join(stream_tsv(listing, fields, headers, listing.records))


def stream_tsv(
    listing: Listing, fields: str | None, headers: bool, records: Iterable[Record]
) -> Iterator[str]:
    # A tab, newline or backslash inside a value is written as \t, \n or \\ (as PostgreSQL's
    # text format does), so each record stays one line and the value can be recovered.
    for row in _flat_rows(listing, fields, headers, records):
        line = "\t".join(row)
        plain = line.count("\t") == len(row) - 1 and "\\" not in line and "\n" not in line
        if not plain or inert(line, keep_newlines=True) != line:  # one check per row, not cell
            line = "\t".join(inert(cell.replace("\\", "\\\\")) for cell in row)
        yield line + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _markdown_cell(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\r\n", "<br>").replace("\n", "<br>")


def render_markdown(listing: Listing, fields: str | None, headers: bool) -> str:
    return "".join(stream_markdown(listing, fields, headers, listing.records))


def stream_markdown(
    listing: Listing, fields: str | None, headers: bool, records: Iterable[Record]
) -> Iterator[str]:
    chosen = resolve_fields(listing, fields, flat=False, json=False)
    if headers:
        yield "| " + " | ".join(_markdown_cell(header(p)) for p in chosen) + " |\n"
        yield "|" + "|".join(" --- " for _ in chosen) + "|\n"
    for record in records:
        cells = [
            _markdown_cell(human(listing.kind, record, path, keep_newlines=True)) for path in chosen
        ]
        yield "| " + " | ".join(cells) + " |\n"


Streamer = Callable[[Listing, "str | None", bool, Iterable[Record]], Iterator[str]]


def streamer_for(fmt: OutputFormat) -> Streamer | None:
    """How a data format prints records as they come (None for the table, which lays out all
    its rows at once)."""
    streamers: dict[OutputFormat, Streamer] = {
        OutputFormat.JSON: stream_json,
        OutputFormat.JSONL: stream_jsonl,
        OutputFormat.CSV: stream_csv,
        OutputFormat.TSV: stream_tsv,
        OutputFormat.MARKDOWN: stream_markdown,
    }
    return streamers.get(fmt)


def render_table(listing: Listing, fields: str | None, headers: bool) -> RenderableType:
    """The table of ``listing``, laid out at the width it is drawn at (``ccifacts.table``;
    imported here only when a table is drawn)."""
    from ccifacts.table import render_table as draw

    return draw(listing, fields, headers)


def renderer_for(fmt: OutputFormat, *, terminal: bool) -> Renderer:
    """The renderer of an output format (``auto`` resolved by ``resolve_format``)."""
    fmt = resolve_format(fmt, terminal=terminal)
    renderers: dict[OutputFormat, Renderer] = {
        OutputFormat.TABLE: render_table,
        OutputFormat.JSON: render_json,
        OutputFormat.JSONL: render_jsonl,
        OutputFormat.CSV: render_csv,
        OutputFormat.TSV: render_tsv,
        OutputFormat.MARKDOWN: render_markdown,
    }
    return renderers[fmt]


class _Buffer(io.StringIO):
    """A string buffer that tells Rich which encoding the text will be written in; Rich draws
    ASCII borders for an ASCII one."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def to_text(output: Drawable, *, color: bool, width: int | None, ascii_only: bool = False) -> str:
    """What ``output`` prints as: strings unchanged; a Rich renderable drawn at ``width``
    columns (its natural width when None, so nothing is cut), with ANSI styles only if
    ``color``, and with ASCII rules if ``ascii_only`` (a stream that cannot carry UTF-8); the
    parts of a tuple one after the other. Without colour, what can draw itself as plain text
    (a listing's table) does, without Rich's console."""
    if isinstance(output, str):
        return output
    if isinstance(output, tuple):
        return "".join(
            to_text(part, color=color, width=width, ascii_only=ascii_only) for part in output
        )
    plain_text = getattr(output, "plain_text", None)
    if plain_text is not None and not color:
        text: str = plain_text(width, ascii_only)
        return text
    from rich.console import Console
    from rich.measure import Measurement

    console = Console(
        file=_Buffer("ascii" if ascii_only else "utf-8"),
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width or 100_000,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
        _environ={},
    )
    if width is None:
        natural = Measurement.get(console, console.options, output).maximum
        console.width = max(natural, 1)
    with console.capture() as capture:
        console.print(output, crop=False)
    text = capture.get()
    if color:
        return text
    # Rich pads every line to the width it drew at; without styles that is just noise.
    return "".join(line.rstrip() + "\n" for line in text.splitlines())
