"""How the columns of a table share a width: one rule for every listing, driven by each field's
``Rule`` (see views). Every column starts at its natural width (its widest cell or heading). A
table wider than the screen gives way in this order, stopping as soon as it fits:

1. a drawn column (the bars of ``changes``) shrinks, then goes; one that is ``kept`` (the
   chart of ``history``) gives way from here on like prose, down to its narrowest, and stays;
2. columns with a short form (a period's dates) show it;
3. prose columns (labels, names) wrap between words, the widest first, down to a floor (half
   as much again while a less useful column could go instead); the id column narrows so that
   at most a tenth of the ids spill onto a line of their own;
4. the least useful optional column is left out, and the table is laid out again from 1;
5. figures wrap between words; then the id column narrows to its heading, every longer id
   spilling onto a line of its own (as argparse puts a long option on a line of its own);
6. last resort: prose breaks inside words.

Wherever width is shared between columns that wrap, it then moves to wherever that makes the
table shortest (a figure split over two lines counting half a line more). An id or a number is
never broken: when they alone are wider than the screen, the lines run over. Pure: it sees
texts and a function that measures them, never Rich."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from ccifacts.rules import Rule, Wrap

GAP = 2  # spaces between two columns
MIN_KEY = 8  # an id column never narrows below this (or its heading)
SPILL_SHARE = 10  # before a column is left out, at most 1 in this many ids spill


class Column(NamedTuple):
    """One column to lay out: its heading and cells (each maybe of several lines), the cells'
    short forms if the field has them, and ``rank`` > 0 if it may be left out (the highest rank
    first). A drawn column has no text, only ``drawn``: its natural and narrowest widths."""

    header: str
    cells: Sequence[str]
    rule: Rule = Rule()
    short: Sequence[str] | None = None
    rank: int = 0
    drawn: tuple[int, int] | None = None
    kept: bool = False


class Layout(NamedTuple):
    """The columns shown (indexes, in order), their widths, and those shown in short form."""

    shown: tuple[int, ...]
    widths: dict[int, int]
    short: frozenset[int]

    def total(self) -> int:
        return sum(self.widths[i] for i in self.shown) + GAP * max(len(self.shown) - 1, 0)


Measure = Callable[[str], int]


class _Texts:
    """The measures of one form (full or short) of a column's heading and cells."""

    def __init__(self, header: str, cells: Sequence[str], measure: Measure) -> None:
        self.measure = measure
        self.words = [[line.split() for line in cell.split("\n")] for cell in cells]
        self.sizes = [max(measure(line) for line in cell.split("\n")) for cell in cells]
        texts = [header, *cells]
        self.natural = max(measure(line) for text in texts for line in text.split("\n"))
        self.longest_word = max(
            (measure(word) for text in texts for word in text.split()), default=0
        )
        self.header = measure(header)
        widest = sorted(self.sizes, reverse=True)
        spilled = len(widest) // SPILL_SHARE
        self.spill_floor = widest[spilled] if widest else 0  # with at most a tenth spilled
        self._lines: dict[int, list[int]] = {}

    def lines(self, width: int) -> list[int]:
        """The lines each cell takes at ``width``, wrapped between words as Rich wraps them."""
        if width not in self._lines:
            self._lines[width] = [self._wrapped(cell, width) for cell in self.words]
        return self._lines[width]

    def _wrapped(self, cell: list[list[str]], width: int) -> int:
        count = 0
        for words in cell:
            used = None
            count += 1
            for word in words:
                size = self.measure(word)
                if used is not None and used + 1 + size <= width:
                    used += 1 + size
                    continue
                if used is not None:
                    count += 1
                # A word wider than the column folds over several lines (the last resort).
                count += (size - 1) // width if size > width else 0
                used = (size - 1) % width + 1 if size > width else size
        return count

    def spills(self, width: int) -> list[int]:
        """1 for each id wider than ``width``: it takes a line of its own."""
        return [1 if size > width else 0 for size in self.sizes]


class _Fitter:
    def __init__(self, columns: Sequence[Column], width: int, measure: Measure) -> None:
        self.columns = columns
        self.width = width
        self.rows = len(columns[0].cells)
        self.full = [_Texts(c.header, c.cells, measure) for c in columns]
        self.shorter = [
            _Texts(c.header, c.short, measure) if c.short is not None else None for c in columns
        ]

    def texts(self, i: int, short: frozenset[int]) -> _Texts:
        shorter = self.shorter[i] if i in short else None
        return shorter or self.full[i]

    def natural(self, i: int, short: frozenset[int]) -> int:
        drawn = self.columns[i].drawn
        return drawn[0] if drawn else self.texts(i, short).natural

    def floor(
        self,
        i: int,
        short: frozenset[int],
        stage: Wrap | None,
        keys: bool = False,
        spare: int | None = None,
    ) -> int:
        """The narrowest column ``i`` may be at ``stage``: PROSE wraps prose, LATE figures too,
        None breaks words; ids spill a tenth at most, or (``keys``) any that do not fit. While
        ``spare`` (another column) could be left out instead, prose keeps half its floor more."""
        column = self.columns[i]
        texts = self.texts(i, short)
        natural = self.natural(i, short)
        if column.drawn:
            return column.drawn[1] if column.kept else natural
        if column.rule.key:
            least = max(texts.header, MIN_KEY)
            return min(natural, least if keys else max(least, texts.spill_floor))
        if column.rule.wrap is Wrap.NEVER:
            return natural
        if stage is Wrap.PROSE and column.rule.wrap is not Wrap.PROSE:
            return natural
        if stage is None:
            return 1
        floor = column.rule.floor
        if spare is not None and spare != i and column.rule.wrap is Wrap.PROSE:
            floor += floor // 2
        return min(natural, max(floor, texts.longest_word))

    def fits(self, shown: Sequence[int], widths: dict[int, int]) -> bool:
        return sum(widths[i] for i in shown) + GAP * max(len(shown) - 1, 0) <= self.width

    def run(self) -> Layout:
        shown = list(range(len(self.columns)))
        short: frozenset[int] = frozenset()
        while True:
            short = frozenset()
            widths = {i: self.natural(i, short) for i in shown}
            if self.fits(shown, widths):
                return Layout(tuple(shown), widths, short)
            drawn = [i for i in shown if self.columns[i].drawn and not self.columns[i].kept]
            if drawn:
                room = self.width - GAP * (len(shown) - 1)
                room -= sum(widths[i] for i in shown if i not in drawn)
                for n, i in enumerate(drawn):
                    share = room // len(drawn) + (1 if n < room % len(drawn) else 0)
                    widths[i] = min(widths[i], share)
                if all(widths[i] >= (self.columns[i].drawn or (0, 0))[1] for i in drawn):
                    return Layout(tuple(shown), widths, short)
                shown = [i for i in shown if i not in drawn]
                continue
            short = frozenset(i for i in shown if self.shorter[i] is not None)
            widths = {i: self.natural(i, short) for i in shown}
            if self.fits(shown, widths):
                return Layout(tuple(shown), widths, short)
            optional = [i for i in shown if self.columns[i].rank > 0]
            # The highest rank goes first; of equal ranks, the rightmost.
            spare = max(optional, key=lambda i: (self.columns[i].rank, i)) if optional else None
            squeezed = self.squeeze(shown, short, Wrap.PROSE, spare=spare)
            if squeezed is not None:
                return Layout(tuple(shown), squeezed, short)
            if spare is None:
                break
            shown.remove(spare)
        for stage, keys in ((Wrap.LATE, False), (Wrap.LATE, True), (None, True)):
            squeezed = self.squeeze(shown, short, stage, keys)
            if squeezed is not None:
                return Layout(tuple(shown), squeezed, short)
        # Ids and numbers alone are wider than the screen: the lines run over.
        widths = {i: self.floor(i, short, None, keys=True) for i in shown}
        return Layout(tuple(shown), widths, short)

    def squeeze(
        self,
        shown: Sequence[int],
        short: frozenset[int],
        stage: Wrap | None,
        keys: bool = False,
        spare: int | None = None,
    ) -> dict[int, int] | None:
        """Widths that fit, with the columns that give way at ``stage`` narrowed widest first
        (water-filling) down to their floors, then evened out; None if they cannot fit."""
        floors = {i: self.floor(i, short, stage, keys, spare) for i in shown}
        naturals = {i: self.natural(i, short) for i in shown}
        if stage is not Wrap.PROSE:
            # Before a figure wraps, a kept chart is as narrow as it goes.
            naturals.update({i: floors[i] for i in shown if self.columns[i].kept})
        room = self.width - GAP * max(len(shown) - 1, 0)
        if sum(floors.values()) > room:
            return None
        flexible = [i for i in shown if floors[i] < naturals[i]]
        room -= sum(naturals[i] for i in shown if i not in flexible)

        def level(cap: int) -> int:
            return sum(min(naturals[i], max(floors[i], cap)) for i in flexible)

        low, high = 0, max((naturals[i] for i in flexible), default=0)
        while low < high:  # the highest cap that fits
            middle = (low + high + 1) // 2
            if level(middle) <= room:
                low = middle
            else:
                high = middle - 1
        widths = {
            i: min(naturals[i], max(floors[i], low)) if i in flexible else naturals[i]
            for i in shown
        }
        spare = room - level(low)
        for i in sorted(flexible, key=lambda i: (-naturals[i], i)):
            if spare > 0 and widths[i] < naturals[i]:
                widths[i] += 1
                spare -= 1
        # Moves between columns may also wrap figures (which give way only at the late stage)
        # and spill ids, where that makes the table shorter; they never break a whole word.
        least = {
            i: min(widths[i], self.floor(i, short, Wrap.LATE, keys))
            for i in shown
            if not self.columns[i].drawn
        }
        movable = {i: width for i, width in least.items() if width < naturals[i]}
        return self.even_out(widths, movable, naturals, short)

    def even_out(
        self,
        widths: dict[int, int],
        movable: dict[int, int],
        naturals: dict[int, int],
        short: frozenset[int],
    ) -> dict[int, int]:
        """Move width from one column to another while that makes the table shorter: the best
        move first, and of equally good moves the smallest. ``movable`` maps each column that
        may give or take width to the narrowest it may become."""
        if len(movable) < 2:
            return widths
        shown = list(widths)

        def row_lines(i: int, width: int) -> list[int]:
            if self.columns[i].rule.key:
                return [1] * self.rows  # an id never wraps; a spilled one is counted apart
            return self.texts(i, short).lines(width)

        def extra(i: int, width: int) -> int:
            """Lines beyond the rows, doubled: spilled ids, and half a line per figure split."""
            texts = self.texts(i, short)
            if self.columns[i].rule.key:
                return 2 * sum(texts.spills(width))
            if self.columns[i].rule.wrap is Wrap.LATE:
                return sum(texts.lines(width)) - sum(texts.lines(naturals[i]))
            return 0

        def tallest(columns: list[list[int]]) -> list[int]:
            return [max(row) for row in zip(*columns, strict=True)] if columns else [1] * self.rows

        best = dict(widths)
        best_cost = 2 * sum(tallest([row_lines(i, best[i]) for i in shown]))
        best_cost += sum(extra(i, best[i]) for i in shown)
        while True:
            found: tuple[int, int, dict[int, int]] | None = None
            for giver in movable:
                for taker in movable:
                    if giver == taker:
                        continue
                    others = [i for i in shown if i not in (giver, taker)]
                    rest = tallest([row_lines(i, best[i]) for i in others])
                    rest_extra = sum(extra(i, best[i]) for i in others)
                    most = min(best[giver] - movable[giver], naturals[taker] - best[taker])
                    for step in range(1, most + 1):
                        given, taken = best[giver] - step, best[taker] + step
                        lines = map(max, rest, row_lines(giver, given), row_lines(taker, taken))
                        cost = 2 * sum(lines) + rest_extra + extra(giver, given)
                        cost += extra(taker, taken)
                        if cost < best_cost and (found is None or (cost, step) < found[:2]):
                            moved = dict(best)
                            moved[giver], moved[taker] = given, taken
                            found = (cost, step, moved)
            if found is None:
                return best
            best_cost, _, best = found


def fit(columns: Sequence[Column], width: int, measure: Measure = len) -> Layout:
    """The layout of ``columns`` in ``width`` screen columns (see the module docstring)."""
    if not columns:
        return Layout((), {}, frozenset())
    return _Fitter(columns, width, measure).run()


def natural_width(columns: Sequence[Column], measure: Measure = len) -> int:
    """The width of the table with every column at its natural width."""
    return fit(columns, 10**9, measure).total() if columns else 0
