"""The table renderer: a listing drawn as columns that fit the screen (``ccifacts.fit`` decides
the widths), as a Rich renderable that ``ccifacts.render.to_text`` turns into text. Kept apart
from the data formats so that a command printing JSON or TSV never imports it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from ccifacts.fit import GAP, Column, fit, natural_width
from ccifacts.rules import Rule
from ccifacts.text import inert
from ccifacts.views import Listing, header, human, resolve_fields, short

if TYPE_CHECKING:
    from rich.console import RenderableType


_NUMERIC = {"value", "fact_count", "yoy_pct", "before", "after", "ratio", "change_pct"}
_HIGHLIGHTED = {"id", "label", "statement", "terms", "name"}
_BAR_LABEL = " before"  # the wider of the two labels after the bars
_BARS = (16 + len(_BAR_LABEL), 4 + len(_BAR_LABEL))  # widths: natural, and before bars go
_CHART = (24, 8)  # a chart's widths: natural, and narrowest (it has no labels)


def render_table(listing: Listing, fields: str | None, headers: bool) -> RenderableType:
    """The listing as a table that fits the width it is drawn at (see ccifacts.fit). Columns
    named with ``--fields`` are never left out; the default ones may be (``Listing.drop``)."""
    from rich.text import Text

    chosen = resolve_fields(listing, fields, flat=False, json=False)
    drop = listing.kind.drop if listing.drop is None else listing.drop
    columns: list[_Column] = []
    for path in chosen:
        cells = []
        for record in listing.records:
            cell = Text(human(listing.kind, record, path))
            if path == "id":
                cell.stylize("cyan")  # the id, not the padding after it
            if listing.highlight and path in _HIGHLIGHTED:
                cell.highlight_regex(listing.highlight, style="bold magenta")
            cells.append(cell)
        shorts = [short(listing.kind, record, path) for record in listing.records]
        rank = len(drop) - drop.index(path) if fields is None and path in drop else 0
        columns.append(
            _Column(
                header(path),
                cells,
                right=path in _NUMERIC,
                rule=listing.kind.rule(path),
                short=[Text(s) for s in shorts if s is not None] if all(shorts) else None,
                rank=rank,
            )
        )
    if listing.bar is not None:
        bar = listing.bar
        bars: list[Callable[[int], tuple[int, int]]] = [
            functools.partial(bar, r) for r in listing.records
        ]
        columns.append(_Column("", [], bars=bars, chart=listing.chart))
    return _Table(inert(listing.title), columns, headers)


class _Column(NamedTuple):
    """A column of a table to draw: Rich texts, or bars drawn at the width the column gets
    (``bars``: for each row, the lengths of its two bars given the longer one's)."""

    header: str
    cells: list[Any]
    right: bool = False
    rule: Rule = Rule()
    short: list[Any] | None = None
    rank: int = 0
    bars: list[Callable[[int], tuple[int, int]]] | None = None
    chart: bool = False  # one unlabelled bar a row, kept by a narrow table

    def fitted(self, headers: bool) -> Column:
        if self.bars is not None:
            drawn = _CHART if self.chart else _BARS
            return Column("", [""] * len(self.bars), drawn=drawn, kept=self.chart)
        return Column(
            self.header if headers else "",
            [cell.plain for cell in self.cells],
            self.rule,
            [cell.plain for cell in self.short] if self.short is not None else None,
            self.rank,
        )

    def cell(self, row: int, width: int, short: bool, ascii_only: bool) -> Any:
        if self.bars is not None:
            lengths = self.bars[row](width - (0 if self.chart else len(_BAR_LABEL)))
            return _bars(*lengths, glyph="#" if ascii_only else "\u2588")
        return (self.short if short and self.short is not None else self.cells)[row]


class _Table:
    """A listing's table, laid out when it is drawn, at the width it is drawn at: a title,
    headings over a rule, and rows, with two spaces between columns and no borders (as gh and
    sqlite-utils draw them). Measured, it is as wide as its widest layout."""

    def __init__(self, title: str, columns: list[_Column], headers: bool) -> None:
        self.title = title
        self.columns = columns
        self.headers = headers
        self.rows = len(columns[0].bars or columns[0].cells) if columns else 0

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.cells import cell_len
        from rich.measure import Measurement

        fitted = [column.fitted(self.headers) for column in self.columns]
        widest = max(natural_width(fitted, cell_len), cell_len(self.title))
        return Measurement(widest, widest)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.segment import Segment
        from rich.text import Text

        if self.title:
            yield Text(self.title, style="bold")
        for line in self.lines(options.max_width, options.ascii_only, console):
            yield from line.render(console)
            yield Segment.line()

    def plain_text(self, width: int | None, ascii_only: bool) -> str:
        """The table as text without styles, drawn at ``width`` (its natural width if None)
        as a Rich console draws it, without importing the console (a third of Rich's
        import): the lines are made the same way, and only their text is kept."""
        from rich.cells import cell_len
        from rich.text import Text

        if width is None:
            fitted = [column.fitted(self.headers) for column in self.columns]
            width = max(natural_width(fitted, cell_len), cell_len(self.title), 1)
        lines: list[Any] = []
        if self.title:
            # As the console draws a Text: wrapped at the width, long words folded.
            lines += Text(self.title).wrap(_NO_CONSOLE, width, justify="default", overflow="fold")
        lines += self.lines(width, ascii_only, _NO_CONSOLE)
        return "".join(line.plain.rstrip() + "\n" for line in lines)

    def lines(self, width: int, ascii_only: bool, console: Any) -> list[Any]:
        """The table's lines (as Rich texts) below its title, at ``width`` columns."""
        from rich.cells import cell_len
        from rich.text import Text

        fitted = [column.fitted(self.headers) for column in self.columns]
        layout = fit(fitted, width, cell_len)
        shown = [(self.columns[i], layout.widths[i]) for i in layout.shown]
        lines: list[Any] = []
        if self.headers:
            heading = [_wrap(Text.assemble((c.header, "bold")), c, w, console) for c, w in shown]
            lines += _join(heading, shown)
            rule = "-" if ascii_only else "\u2500"
            lines.append(Text((" " * GAP).join(rule * w for _, w in shown)))
        for row in range(self.rows):
            cells: list[list[Any]] = []
            start = 0
            spilled = False
            for i, (column, column_width) in zip(layout.shown, shown, strict=True):
                cell = column.cell(row, column_width, i in layout.short, ascii_only)
                if column.rule.key and cell_len(cell.plain) > column_width:
                    # An id wider than its column goes whole on a line of its own, from where
                    # its column starts if it fits there.
                    indent = min(start, max(width - cell_len(cell.plain), 0))
                    lines.append(Text(" " * indent) + cell)
                    cells.append([])
                    spilled = True
                else:
                    cells.append(_wrap(cell, column, column_width, console))
                start += column_width + GAP
            joined = _join(cells, shown)
            if spilled:  # the id took a line of its own: no blank line if nothing else is left
                joined = [line for line in joined if line.plain.strip()]
            lines += joined
        for line in lines:
            line.rstrip()
        return lines


# Wrapping text left or right aligned asks nothing of the console (Rich's Lines.justify uses it
# only to fully justify); the tests pin the tables drawn both ways.
_NO_CONSOLE: Any = None


def _wrap(text: Any, column: _Column, width: int, console: Any) -> list[Any]:
    """The lines of a cell: wrapped between words (a word wider than the column folds, the last
    resort) and aligned in the column."""
    justify = "right" if column.right else "left"
    return list(text.wrap(console, width, justify=justify, overflow="fold"))


def _join(cells: list[list[Any]], shown: list[tuple[_Column, int]]) -> list[Any]:
    """The lines of a row: its cells side by side, each padded to its column's width."""
    from rich.text import Text

    lines = []
    for k in range(max((len(cell) for cell in cells), default=0)):
        line = Text()
        for n, (cell, (_, width)) in enumerate(zip(cells, shown, strict=True)):
            piece = cell[k] if k < len(cell) else Text()
            line.append(" " * GAP if n else "")
            line.append_text(piece)
            line.append(" " * max(width - piece.cell_len, 0))
        lines.append(line)
    return lines


def _bars(before: int, after: int, glyph: str) -> Any:
    """A before bar over an after bar (a change); with no before, one bar (a point's value)."""
    from rich.text import Text

    bar = Text()
    if before == 0:
        bar.append(glyph * after, style="cyan")
        return bar
    bar.append(glyph * before, style="grey50")
    bar.append(" before\n")
    bar.append(glyph * after, style="green" if after >= before else "red")
    bar.append(" after")
    return bar
