"""The progress bar of a long compile: on stderr, only when stderr is a terminal and not
``--quiet``, drawn with Rich (facts read and validated, then indexing; elapsed and remaining
time). Rich is imported only once a compile has run for a moment, so a small base never pays
for it."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccifacts.build import Progress

_DELAY = 0.5
"""Seconds a compile runs before a bar appears (a small base finishes before that)."""


class _Bar:
    """A ``ccifacts.build.Progress`` drawn with Rich."""

    def __init__(self) -> None:
        self._total: int | None = None
        self._done = 0
        self._facts = 0
        self._started = time.monotonic()
        self._rich: Any = None
        self._task: Any = None

    def start(self, total: int | None) -> None:
        self._total = total
        self._started = time.monotonic()

    def _show(self) -> None:
        if self._rich is not None or time.monotonic() - self._started < _DELAY:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._rich = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        self._rich.start()
        self._task = self._rich.add_task("compiling", total=self._total, completed=self._done)

    def read(self, size: int, facts: int) -> None:
        self._done += size
        self._facts = facts
        self._show()
        if self._rich is not None:
            self._rich.update(
                self._task,
                completed=self._done,
                description=f"reading and validating: {facts:,} facts",
            )

    def stage(self, name: str) -> None:
        self._show()
        if self._rich is not None:
            self._rich.update(self._task, description=name)

    def stop(self) -> None:
        if self._rich is not None:
            self._rich.stop()


def progress_bar(*, quiet: bool) -> Progress | None:
    """A progress bar for stderr, or None where none belongs (a pipe, ``--quiet``)."""
    if quiet:
        return None
    try:
        if not sys.stderr.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return _Bar()  # type: ignore[return-value]  # duck-typed: build is not imported to check
