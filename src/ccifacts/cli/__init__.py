"""The ``ccifacts`` command line: a thin layer over the Python API (``ccifacts.api``) that parses
options, asks the core, picks a renderer and prints. ``core`` holds the application and its
error handling, and the commands live by what they are about: ``facts`` (list, sector, search,
ask, get, timeline, changes, summary, history), ``lists`` (sectors, terms, define, people,
sources, cite) and ``base`` (info, validate, schema, verify, export)."""

from ccifacts.cli import base, facts, lists  # noqa: F401 - registers the commands
from ccifacts.cli.core import app, main
from ccifacts.cli.output import stdout_is_terminal

__all__ = ["app", "main", "stdout_is_terminal"]
