"""The output formats a command can print, and what ``auto`` stands for. Kept apart from the
renderers (``ccifacts.render``) because every command declares its options with them, and a
command that prints JSON should not pay for importing how tables are drawn."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """The ``--format`` choices; ``auto`` is a table on a terminal and TSV in a pipe."""

    AUTO = "auto"
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    TSV = "tsv"
    MARKDOWN = "markdown"


def resolve_format(fmt: OutputFormat, *, terminal: bool) -> OutputFormat:
    """The format ``auto`` stands for: the table on a terminal, TSV in a pipe (as gh does)."""
    if fmt is OutputFormat.AUTO:
        return OutputFormat.TABLE if terminal else OutputFormat.TSV
    return fmt
