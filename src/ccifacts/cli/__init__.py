"""The ``ccifacts`` command line: a thin layer over the Python API (``ccifacts.api``) that parses
options, asks the core, picks a renderer and prints. ``run`` holds ``main`` and the error
handling, ``fast`` runs a well-formed command line straight from the commands' declarations, and
``core`` is the Typer application for everything else (help, completion, usage errors). The
commands live by what they are about: ``facts`` (list, sector, search, ask, get, timeline,
changes, summary, history), ``lists`` (sectors, terms, define, people, sources, cite) and
``base`` (info, validate, schema, verify, export)."""

from typing import Any

from ccifacts.cli.output import stdout_is_terminal
from ccifacts.cli.run import main

__all__ = ["app", "main", "stdout_is_terminal"]


def __getattr__(name: str) -> Any:
    # Typer is imported only when a command line needs it (help, completion, an error).
    if name == "app":
        from ccifacts.cli.core import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
