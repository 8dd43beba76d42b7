"""Output formats. Each renderer takes a ``Listing`` and returns what to print: a string for the
data formats (JSON, JSON Lines, CSV, TSV, Markdown) or a Rich renderable for the table, which
``to_text`` turns into a string. Renderers never print, so tests compare their exact output, and
Rich is imported only when a table or card is drawn. Every string a fact base supplies is shown
inert: Rich markup and emoji codes are never interpreted, and control, C1 and bidi characters are
escaped (JSON escapes them as \\uXXXX)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ccifacts.errors import NotFoundError, UsageError
from ccifacts.factbase import Record
from ccifacts.text import inert, json_inert, quoted
from ccifacts.views import FACT, Listing, get, header, human, resolve_fields

if TYPE_CHECKING:
    from rich.console import RenderableType

    Drawable = str | RenderableType
else:
    Drawable = Any


class OutputFormat(StrEnum):
    """The ``--format`` choices; ``auto`` is a table on a terminal and TSV in a pipe."""

    AUTO = "auto"
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    TSV = "tsv"
    MARKDOWN = "markdown"


Renderer = Callable[[Listing, "str | None", bool], Drawable]


def dumps(value: object, *, indent: int | None = 2) -> str:
    """JSON text: UTF-8 kept, numbers as numbers, invisible and control characters escaped."""
    separators = (",", ": ") if indent else (",", ":")
    return json_inert(
        json.dumps(value, ensure_ascii=False, indent=indent, separators=separators, allow_nan=False)
    )


def bare(fact: Record, path: str) -> str:
    """The value at ``path`` of ``fact`` as one line: numbers and strings as they are, objects
    and lists as JSON. A missing value is ``NotFoundError`` (nothing to substitute)."""
    if path not in FACT.valid():
        raise UsageError(f"unknown field {quoted(path)}", f"Fields: {', '.join(FACT.valid())}.")
    value = get(fact, path)
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
    chosen = resolve_fields(listing, fields, flat=False, json=True)
    return dumps([select(record, chosen) for record in listing.records]) + "\n"


def render_jsonl(listing: Listing, fields: str | None, headers: bool) -> str:
    chosen = resolve_fields(listing, fields, flat=False, json=True)
    return "".join(dumps(select(record, chosen), indent=None) + "\n" for record in listing.records)


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


def _flat_rows(listing: Listing, fields: str | None, headers: bool) -> list[list[str]]:
    chosen = resolve_fields(listing, fields, flat=True, json=False)
    rows = [[_flat(get(record, path)) for path in chosen] for record in listing.records]
    return [chosen, *rows] if headers else rows


def render_csv(listing: Listing, fields: str | None, headers: bool) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    for row in _flat_rows(listing, fields, headers):
        writer.writerow(inert(cell, keep_newlines=True) for cell in row)
    return out.getvalue()


def render_tsv(listing: Listing, fields: str | None, headers: bool) -> str:
    # A tab, newline or backslash inside a value is written as \t, \n or \\ (as PostgreSQL's
    # text format does), so each record stays one line and the value can be recovered.
    lines = []
    for row in _flat_rows(listing, fields, headers):
        line = "\t".join(row)
        plain = line.count("\t") == len(row) - 1 and "\\" not in line and "\n" not in line
        if not plain or inert(line, keep_newlines=True) != line:  # one check per row, not cell
            line = "\t".join(inert(cell.replace("\\", "\\\\")) for cell in row)
        lines.append(line + "\n")
    return "".join(lines)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _markdown_cell(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\r\n", "<br>").replace("\n", "<br>")


def render_markdown(listing: Listing, fields: str | None, headers: bool) -> str:
    chosen = resolve_fields(listing, fields, flat=False, json=False)
    lines = []
    if headers:
        lines.append("| " + " | ".join(_markdown_cell(header(p)) for p in chosen) + " |")
        lines.append("|" + "|".join(" --- " for _ in chosen) + "|")
    for record in listing.records:
        cells = [_markdown_cell(human(listing.kind, record, path)) for path in chosen]
        lines.append("| " + " | ".join(cells) + " |")
    return "".join(line + "\n" for line in lines)


_NUMERIC = {"value", "fact_count", "yoy_pct", "before", "after", "ratio", "change_pct"}
_BAR_WIDTH = 16


def render_table(listing: Listing, fields: str | None, headers: bool) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    chosen = resolve_fields(listing, fields, flat=False, json=False)
    table = Table(
        title=inert(listing.title) or None,
        show_header=headers,
        header_style="bold",
        title_style="bold",
        show_lines=False,
    )
    for path in chosen:
        table.add_column(
            header(path),
            justify="right" if path in _NUMERIC else "left",
            style="cyan" if path == "id" else None,
            overflow="fold",
        )
    if listing.bar is not None:
        table.add_column("", no_wrap=True)
    for record in listing.records:
        cells: list[Text] = []
        for path in chosen:
            cell = Text(human(listing.kind, record, path))
            if listing.highlight and path in {"id", "label", "statement", "terms", "name"}:
                cell.highlight_regex(listing.highlight, style="bold magenta")
            cells.append(cell)
        if listing.bar is not None:
            cells.append(_bars(*listing.bar(record, _BAR_WIDTH)))
        table.add_row(*cells)
    return table


def _bars(before: int, after: int) -> Any:
    from rich.text import Text

    bar = Text()
    bar.append("█" * before, style="grey50")
    bar.append(" before\n")
    bar.append("█" * after, style="green" if after >= before else "red")
    bar.append(" after")
    return bar


def resolve_format(fmt: OutputFormat, *, terminal: bool) -> OutputFormat:
    """The format ``auto`` stands for: the table on a terminal, TSV in a pipe (as gh does)."""
    if fmt is OutputFormat.AUTO:
        return OutputFormat.TABLE if terminal else OutputFormat.TSV
    return fmt


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
    ``color``, and with ASCII borders if ``ascii_only`` (a stream that cannot carry UTF-8)."""
    if isinstance(output, str):
        return output
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
        console.print(output)
    text = capture.get()
    if color:
        return text
    # Rich pads every line to the width it drew at; without styles that is just noise.
    return "".join(line.rstrip() + "\n" for line in text.splitlines())
