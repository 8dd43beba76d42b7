"""Finding, reading and parsing a fact base without trusting it. The file is read as bytes (with a
size limit), decoded as UTF-8 (a BOM is accepted), and parsed by the standard library with hooks
that refuse what JSON parsers disagree on: duplicate keys, NaN and Infinity, numbers too large for
a float or too long to be a sane integer, and lone surrogates. Every failure is a
``FactBaseError`` naming the file, the line and column or JSON path, and what to do. Validation
against the schema happens in ``ccifacts.model``, reached through ``ccifacts.store``."""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

from ccifacts.errors import FactBaseError, Problem
from ccifacts.text import inert, quoted

ENV_FACTS = "CCIFACTS_FACTS"
MAX_BYTES = 128 * 1024 * 1024
"""Largest fact base read: 128 MiB, four times a generated base of 100,000 facts."""
MAX_INT_DIGITS = 40
"""Longest integer literal accepted; 10**40 is far beyond any figure a fact base holds."""

_BUNDLED = Path(__file__).with_name("facts.json")
# An editable install or a source checkout keeps facts.json at the top of the repository.
_CHECKOUT = Path(__file__).resolve().parents[2] / "facts.json"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def bundled_path() -> Path:
    """The fact base that ships with ccifacts (inside the wheel, or at the checkout's top)."""
    return _BUNDLED if _BUNDLED.is_file() else _CHECKOUT


def resolve_path(option: str | os.PathLike[str] | None) -> Path:
    """The fact base to use: ``--facts``, else ``$CCIFACTS_FACTS`` (if not empty), else bundled."""
    if option is not None and os.fspath(option) != "":
        return Path(option)
    from_env = os.environ.get(ENV_FACTS, "")
    return Path(from_env) if from_env else bundled_path()


def read_bytes(path: Path) -> bytes:
    """Read a fact base file, refusing anything that is not a readable regular file of sane size."""
    origin = inert(str(path))

    def fail(problem: str, hint: str) -> FactBaseError:
        return FactBaseError(origin, [Problem(problem)], hint=hint)

    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise fail("is a directory", "Pass the path of a .json file inside it.")
        if not stat.S_ISREG(status.st_mode):
            raise fail("not a regular file", "Pass the path of a .json file.")
        if status.st_size > MAX_BYTES:
            raise fail(_too_large(), "Split the fact base into smaller files.")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail(
            "no such file", "Check the path given to --facts or in $CCIFACTS_FACTS."
        ) from None
    except PermissionError:
        raise fail("permission denied", "Make the file readable (chmod +r).") from None
    except OSError as error:
        raise fail(inert(error.strerror or str(error)), "Check the path and the disk.") from None
    if len(data) > MAX_BYTES:
        raise fail(_too_large(), "Split the fact base into smaller files.")
    return data


def _too_large() -> str:
    return f"larger than the limit of {MAX_BYTES / (1024 * 1024):g} MiB"


class _Flagged:
    """A value the parser refused; kept in place so the error can name its JSON path."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _DuplicateKeys(dict[str, Any]):
    __slots__ = ("duplicates",)
    duplicates: list[str]


REFUSED_HINT = "Write plain JSON: finite numbers, unique keys, whole characters."


def parse(data: bytes, origin: str) -> tuple[Any, list[Problem]]:
    """Parse fact-base bytes into Python data. Bytes that are not UTF-8 JSON raise
    ``FactBaseError`` with line and column. Values JSON parsers disagree on are refused but
    not fatal here: each is replaced (by 0, the last of duplicate keys, an escaped string) and
    returned as a problem with its JSON path, so validation can report everything at once."""
    if not data.strip():
        raise FactBaseError(
            origin, [Problem("the file is empty")], hint="A fact base is a JSON object."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise FactBaseError(
            origin,
            [Problem(f"not UTF-8: byte 0x{data[error.start]:02x}", line=line, column=column)],
            hint="Save the file as UTF-8.",
        ) from None
    flagged = False

    def refuse(reason: str) -> _Flagged:
        nonlocal flagged
        flagged = True
        return _Flagged(reason)

    def parse_int(literal: str) -> int | _Flagged:
        if len(literal.lstrip("-")) > MAX_INT_DIGITS:
            return refuse(f"an integer of {len(literal.lstrip('-'))} digits is too long")
        return int(literal)

    def parse_float(literal: str) -> float | _Flagged:
        value = float(literal)
        if not math.isfinite(value):
            return refuse(f"{inert(literal[:20])}... is too large for a number")
        return value

    def parse_constant(name: str) -> _Flagged:
        return refuse(f"{name} is not a JSON number")

    def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            nonlocal flagged
            flagged = True
            clash = _DuplicateKeys(result)
            clash.duplicates = []
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    clash.duplicates.append(key)
                seen.add(key)
            return clash
        return result

    try:
        document = json.loads(
            text,
            parse_int=parse_int,
            parse_float=parse_float,
            parse_constant=parse_constant,
            object_pairs_hook=object_pairs,
        )
    except json.JSONDecodeError as error:
        raise FactBaseError(
            origin,
            [Problem(inert(error.msg), line=error.lineno, column=error.colno)],
            hint="Fix the JSON syntax at that position.",
        ) from None
    except RecursionError:
        raise FactBaseError(
            origin,
            [Problem("nested too deeply to parse")],
            hint="A fact base nests a few levels; check for runaway brackets.",
        ) from None
    if not (flagged or _SURROGATE_ESCAPE.search(text)):
        return document, []
    holder = [document]
    problems = _refuse(holder)
    return holder[0], [Problem(p.message, p.path.removeprefix("[0]").lstrip(".")) for p in problems]


def _refuse(root: list[Any]) -> list[Problem]:
    """Replace, in place, every refused value under ``root`` by a harmless stand-in, and return
    a Problem for each (and for each duplicate key), in document order."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        container, where = stack.pop()
        if isinstance(container, _DuplicateKeys):
            problems += [Problem(f"duplicate key {quoted(k)}", where) for k in container.duplicates]
        if isinstance(container, dict):
            for key in [k for k in container if _has_lone_surrogate(k)]:
                problems.append(Problem("a key holds a lone UTF-16 surrogate escape", where))
                container[_escaped(key)] = container.pop(key)
            items = [(key, f"{where}.{inert(key)}" if where else inert(key)) for key in container]
        else:
            items = [(index, f"{where}[{index}]") for index in range(len(container))]
        pending = []
        for key, path in items:
            value = container[key]
            if isinstance(value, _Flagged):
                problems.append(Problem(value.reason, path))
                container[key] = 0
            elif isinstance(value, str) and _has_lone_surrogate(value):
                problems.append(Problem("the string holds a lone UTF-16 surrogate escape", path))
                container[key] = _escaped(value)
            elif isinstance(value, dict | list):
                pending.append((value, path))
        stack.extend(reversed(pending))  # so the first child's subtree is walked first
    return problems


def _escaped(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
