"""The one error family of ccifacts. Core modules raise subclasses of ``CcifactsError``; only the
command-line layer catches them, prints ``Error: <message>`` and the hint on stderr, and exits with
the error's documented code. Each class fixes its exit code so that the mapping lives here and
nowhere else."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``ccifacts`` command, as documented in README and ``--help``."""

    OK = 0
    NOT_FOUND = 1
    USAGE = 2
    BAD_FACT_BASE = 3
    INTERNAL = 4
    OUTPUT = 5


class CcifactsError(Exception):
    """Base of every error ccifacts reports to a user."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFoundError(CcifactsError):
    """A named sector, fact, term, person or source (or a fact's value) does not exist."""

    exit_code = ExitCode.NOT_FOUND


class UsageError(CcifactsError):
    """The command line asks for something that cannot be given, such as an unknown field."""

    exit_code = ExitCode.USAGE


class OutputError(CcifactsError):
    """The output cannot be written: standard output is closed, or the disk is full."""

    exit_code = ExitCode.OUTPUT


class Problem:
    """One thing wrong with a fact base: where (JSON path, or line and column) and what."""

    __slots__ = ("column", "line", "message", "path")

    def __init__(
        self, message: str, path: str = "", line: int | None = None, column: int | None = None
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __str__(self) -> str:
        if self.line is not None:
            return f"line {self.line}, column {self.column}: {self.message}"
        return f"{self.path}: {self.message}" if self.path else self.message


class FactBaseError(CcifactsError):
    """The fact base cannot be read, is not JSON, or does not follow the schema. ``more``
    counts the problems found beyond those listed (a report lists a bounded number)."""

    exit_code = ExitCode.BAD_FACT_BASE

    def __init__(
        self, origin: str, problems: list[Problem], hint: str | None = None, more: int = 0
    ) -> None:
        self.origin = origin
        self.problems = problems
        self.more = more
        if len(problems) == 1 and not more:
            message = f"{origin}: {problems[0]}"
        else:
            listed = "".join(f"\n  {line}" for line in _grouped(problems))
            total = len(problems) + more
            shown = f"; the first {len(problems):,} are listed" if more else ""
            tail = f"\n  ... and {more:,} more" if more else ""
            message = f"{origin}: {total:,} problems{shown}{listed}{tail}"
        super().__init__(message, hint)


def _grouped(problems: list[Problem]) -> list[str]:
    """One line per problem, except that a message repeated at many paths (one wrong sector id
    makes every fact of it wrong) is one line naming the first paths and the count."""
    paths: dict[str, list[str]] = {}
    for problem in problems:
        if problem.path and problem.line is None:
            paths.setdefault(problem.message, []).append(problem.path)
    lines = []
    for problem in problems:
        where = paths.get(problem.message, [])
        if len(where) <= 3:
            lines.append(str(problem))
        elif problem.path == where[0]:
            shown = ", ".join(where[:3])
            lines.append(f"{shown} and {len(where) - 3} more: {problem.message}")
    return lines
