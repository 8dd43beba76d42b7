"""Finding and reading a fact base without trusting it, as a stream: the bytes are read in blocks
(hashed as they go, up to a size limit a user can raise), decoded as UTF-8 (a BOM is accepted),
and parsed by the standard library's JSON scanner one top-level value, and one fact, at a time, so
memory does not grow with the number of facts. Hooks refuse what JSON parsers disagree on:
duplicate keys, NaN and Infinity, numbers too large or too small for a float or too long to be a
sane integer, and lone surrogates; each refused value becomes a problem with its JSON path, so
validation can report everything at once. Broken JSON is a ``FactBaseError`` with line and
column. Validation against the schema happens in ``ccifacts.model``, driven by
``ccifacts.build``."""

from __future__ import annotations

import codecs
import json
import math
import os
import re
import stat
import sys
from bisect import bisect_left
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from ccifacts.errors import FactBaseError, Problem, UsageError
from ccifacts.text import inert, quoted

ENV_FACTS = "CCIFACTS_FACTS"
ENV_MAX_SIZE = "CCIFACTS_MAX_SIZE"
DEFAULT_MAX_BYTES = 1024**3
"""Largest fact base read unless $CCIFACTS_MAX_SIZE says otherwise: 1 GiB, enough for about 1.7
million facts. A guard against reading the wrong file, not a ceiling: raise it as needed."""
MAX_INT_DIGITS = 40
"""Longest integer literal parsed; 10**40 is far beyond any figure a fact base holds."""
STDIN = "-"
"""The name that reads a fact base from standard input."""

_BUNDLED = Path(__file__).with_name("facts.json")
# An editable install or a source checkout keeps facts.json at the top of the repository.
_CHECKOUT = Path(__file__).resolve().parents[2] / "facts.json"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SPACE = re.compile(r"[ \t\n\r]*")
_BLOCK = 4 * 1024 * 1024


def bundled_path() -> Path:
    """The fact base that ships with ccifacts (inside the wheel, or at the checkout's top)."""
    return _BUNDLED if _BUNDLED.is_file() else _CHECKOUT


def resolve_path(option: str | os.PathLike[str] | None) -> Path:
    """The fact base to use: ``--facts``, else ``$CCIFACTS_FACTS`` (if not empty), else bundled.
    ``-`` stands for standard input."""
    if option is not None and os.fspath(option) != "":
        return Path(option)
    from_env = os.environ.get(ENV_FACTS, "")
    return Path(from_env) if from_env else bundled_path()


def is_stdin(path: Path) -> bool:
    return os.fspath(path) == STDIN


def max_bytes() -> int:
    """The size limit: ``$CCIFACTS_MAX_SIZE`` (bytes, or with KiB, MiB, GiB, KB, MB, GB), else
    ``DEFAULT_MAX_BYTES``."""
    configured = os.environ.get(ENV_MAX_SIZE, "").strip()
    if not configured:
        return DEFAULT_MAX_BYTES
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?", configured, re.IGNORECASE)
    if match is None:
        raise UsageError(
            f"${ENV_MAX_SIZE} is not a size: {quoted(configured)}",
            "Write bytes or a size with its unit, such as 2GiB or 500MB.",
        )
    scale = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
    scale |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
    return int(float(match[1]) * scale[(match[2] or "").upper()])


def size_text(size: int) -> str:
    """A size as people write it: 1 GiB, 128 MiB, 1 KiB, 100 bytes."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.4g} {unit}"
    return f"{size} bytes"


def _too_large(limit: int) -> Problem:
    return Problem(f"larger than the limit of {size_text(limit)}")


TOO_LARGE_HINT = f"If this is the right file, raise the limit: {ENV_MAX_SIZE}=4GiB."


def open_source(path: Path) -> tuple[IO[bytes], os.stat_result | None]:
    """Open a fact base for reading: a regular file (with its status, for the cache), or a pipe,
    a device or standard input (``-``), which are read as a stream. Refuses directories, missing
    and unreadable files, and regular files over the size limit, with one message each."""
    origin = inert(str(path))

    def fail(problem: str | Problem, hint: str) -> FactBaseError:
        found = problem if isinstance(problem, Problem) else Problem(problem)
        return FactBaseError(origin, [found], hint=hint)

    if is_stdin(path):
        return sys.stdin.buffer, None
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise fail(
            "no such file", "Check the path given to --facts or in $CCIFACTS_FACTS."
        ) from None
    except IsADirectoryError:
        raise fail("is a directory", "Pass the path of a .json file inside it.") from None
    except PermissionError:
        raise fail("permission denied", "Make the file readable (chmod +r).") from None
    except OSError as error:
        raise fail(inert(error.strerror or str(error)), "Check the path and the disk.") from None
    status = os.fstat(handle.fileno())
    if stat.S_ISDIR(status.st_mode):
        handle.close()
        raise fail("is a directory", "Pass the path of a .json file inside it.")
    if not stat.S_ISREG(status.st_mode):
        return handle, None
    limit = max_bytes()
    if status.st_size > limit:
        handle.close()
        raise fail(_too_large(limit), TOO_LARGE_HINT)
    return handle, status


class _Flagged:
    """A value the parser refused; kept in place so the error can name its JSON path."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _DuplicateKeys(dict[str, Any]):
    __slots__ = ("duplicates",)
    duplicates: list[str]


REFUSED_HINT = "Write plain JSON: finite numbers, unique keys, whole characters."


class Header:
    """One top-level value other than the facts, with the problems the parser found in it."""

    def __init__(self, key: str, value: Any, problems: list[Problem] | None = None) -> None:
        self.key = key
        self.value = value
        self.problems = problems if problems is not None else []


class Facts:
    """A batch of raw facts, the first at document index ``first``, with the parser's problems
    and each fact's JSON text as the document writes it."""

    def __init__(
        self,
        first: int,
        items: list[Any],
        problems: list[Problem] | None = None,
        texts: list[str] | None = None,
    ) -> None:
        self.first = first
        self.items = items
        self.problems = problems if problems is not None else []
        self.texts = texts if texts is not None else []


Event = Header | Facts


class Reader:
    """Reads a fact base from a binary stream, top-level value by value and fact by fact. Feeds
    every byte read to ``digest`` (the cache key is a hash of the content) and reports progress
    in bytes to ``progress``."""

    def __init__(
        self,
        handle: IO[bytes],
        origin: str,
        *,
        digest: Callable[[bytes], Any] | None = None,
        progress: Callable[[int], None] | None = None,
        batch: int = 2000,
    ) -> None:
        self.handle = handle
        self.origin = origin
        self.digest = digest
        self.progress = progress
        self.batch = batch
        self.limit = max_bytes()
        self.bytes_read = 0
        self.text = ""
        self.pos = 0
        self.eof = False
        self.saw_facts = False
        self.last_text = (0, 0)
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        # Where the buffer starts in the document: for line and column of an error.
        self._line = 1
        self._column = 1
        self._byte_lines = 0
        self._byte_column = 0
        self._surrogates: list[int] = []
        self._flagged = False
        self._scan = self._scanner()

    # --- reading ------------------------------------------------------------------------------

    def _more(self, want: int = 0) -> bool:
        """Append the next block of text to the buffer (dropping what was parsed); False at the
        end of the input."""
        if self.eof:
            return False
        if self.pos:
            consumed = self.text[: self.pos]
            newlines = consumed.count("\n")
            if newlines:
                self._line += newlines
                self._column = self.pos - consumed.rfind("\n")
            else:
                self._column += self.pos
            self.text = self.text[self.pos :]
            # The escapes found so far move with the text they are in.
            self._surrogates = [p - self.pos for p in self._surrogates if p >= self.pos]
            self.pos = 0
        data = self.handle.read(max(want, _BLOCK))
        if self.digest is not None and data:
            self.digest(data)
        self.bytes_read += len(data)
        if self.bytes_read > self.limit:
            raise FactBaseError(self.origin, [_too_large(self.limit)], hint=TOO_LARGE_HINT)
        if self.progress is not None:
            self.progress(len(data))
        try:
            chunk = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise self._not_utf8(data, error) from None
        self._count_bytes(data)
        if not data:
            self.eof = True
        base = len(self.text)
        self.text += chunk
        start = max(0, base - 8)  # an escape may straddle two blocks
        if self.text.find("\\", start) >= 0:
            found = [m.start() for m in _SURROGATE_ESCAPE.finditer(self.text, start)]
            last = self._surrogates[-1] if self._surrogates else -1
            self._surrogates += [p for p in found if p > last]
        return bool(data) or bool(chunk)

    def _count_bytes(self, data: bytes) -> None:
        newlines = data.count(b"\n")
        if newlines:
            self._byte_lines += newlines
            self._byte_column = len(data) - data.rfind(b"\n") - 1
        else:
            self._byte_column += len(data)

    def _not_utf8(self, data: bytes, error: UnicodeDecodeError) -> FactBaseError:
        start = error.start
        line = self._byte_lines + data.count(b"\n", 0, start) + 1
        newline = data.rfind(b"\n", 0, start)
        column = start - newline if newline >= 0 else self._byte_column + start + 1
        byte = data[start] if start < len(data) else 0
        return FactBaseError(
            self.origin,
            [Problem(f"not UTF-8: byte 0x{byte:02x}", line=line, column=column)],
            hint="Save the file as UTF-8.",
        )

    def _where(self, pos: int) -> tuple[int, int]:
        newlines = self.text.count("\n", 0, pos)
        if newlines:
            return self._line + newlines, pos - self.text.rfind("\n", 0, pos)
        return self._line, self._column + pos

    def _syntax(self, message: str, pos: int) -> FactBaseError:
        line, column = self._where(pos)
        return FactBaseError(
            self.origin,
            [Problem(inert(message), line=line, column=column)],
            hint="Fix the JSON syntax at that position.",
        )

    def _peek(self) -> str:
        """The next character that is not white space ("" at the end of the input)."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._more():
                return ""

    # --- parsing ------------------------------------------------------------------------------

    def _scanner(self) -> Callable[[str, int], tuple[Any, int]]:
        reader = self

        def parse_int(literal: str) -> int | _Flagged:
            digits = len(literal.lstrip("-"))
            if digits > MAX_INT_DIGITS:
                return reader._refuse(f"an integer of {digits} digits is too long")
            return int(literal)

        def parse_float(literal: str) -> float | _Flagged:
            value = float(literal)
            if not math.isfinite(value):
                return reader._refuse(f"{inert(literal[:20])}... is too large for a number")
            if value == 0 and re.search(r"[1-9]", literal.lower().partition("e")[0]):
                return reader._refuse(
                    f"{inert(literal[:20])} is too small for a number (it is not 0)"
                )
            return value

        def parse_constant(name: str) -> _Flagged:
            return reader._refuse(f"{name} is not a JSON number")

        def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            result = dict(pairs)
            if len(result) == len(pairs):
                return result
            reader._flagged = True
            clash = _DuplicateKeys(result)
            clash.duplicates = []
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    clash.duplicates.append(key)
                seen.add(key)
            return clash

        decoder = json.JSONDecoder(
            parse_int=parse_int,
            parse_float=parse_float,
            parse_constant=parse_constant,
            object_pairs_hook=object_pairs,
        )
        return decoder.scan_once  # type: ignore[attr-defined,no-any-return]

    def _refuse(self, reason: str) -> _Flagged:
        self._flagged = True
        return _Flagged(reason)

    def _value(self, where: str) -> tuple[Any, list[Problem]]:
        """Parse the JSON value at the current position, reading more input as needed."""
        while True:
            start = self.pos
            self._flagged = False
            try:
                value, end = self._scan(self.text, start)
            except StopIteration as stop:
                # The scanner says where a value was missing: at the end of the buffer, inside
                # the value ({"a": cut here), it is a value cut by the block, not an error.
                at = stop.value if isinstance(stop.value, int) else start
                if not self.eof and at >= len(self.text) - 16:
                    self._more(2 * (len(self.text) - start))
                    continue
                raise self._syntax("Expecting value", at) from None
            except json.JSONDecodeError as error:
                near_end = error.pos >= len(self.text) - 16
                if not self.eof and (near_end or error.msg.startswith("Unterminated string")):
                    self._more(2 * (len(self.text) - start))  # a value cut by the block: read on
                    continue
                raise self._syntax(error.msg, error.pos) from None
            except RecursionError:
                raise FactBaseError(
                    self.origin,
                    [Problem("nested too deeply to parse", where)],
                    hint="A fact base nests a few levels; check for runaway brackets.",
                ) from None
            if end >= len(self.text) and not self.eof:
                # A number at the end of the block may go on. (What is asked for is twice the
                # value read so far, not twice the buffer: that would double every block.)
                self._more(2 * (len(self.text) - start))
                continue
            self.pos = end
            self.last_text = (start, end)
            surrogate = bool(self._surrogates) and self._escape_in(start, end)
            if not (self._flagged or surrogate):
                return value, []
            holder = [value]
            problems = _refused(holder, where)
            return holder[0], problems

    def _escape_in(self, start: int, end: int) -> bool:
        index = bisect_left(self._surrogates, start)
        return index < len(self._surrogates) and self._surrogates[index] < end

    def _expect(self, char: str, message: str) -> None:
        if self._peek() != char:
            raise self._syntax(message, self.pos)
        self.pos += 1

    def events(self) -> Iterator[Event]:
        """The document's top-level values, and its facts in batches, in document order."""
        first = self._peek()
        if first == "":
            raise FactBaseError(
                self.origin, [Problem("the file is empty")], hint="A fact base is a JSON object."
            )
        if first != "{":
            if first in '["-0123456789tfn':
                kind = {"[": "an array", '"': "a string", "t": "a boolean", "f": "a boolean"}
                name = kind.get(first, "null" if first == "n" else "a number")
                raise FactBaseError(
                    self.origin,
                    [Problem(f"the document must be a JSON object, not {name}")],
                    hint='A fact base is a JSON object: {"schema_version": 1, ...}.',
                )
            raise self._syntax("Expecting value", self.pos)
        self.pos += 1
        seen: set[str] = set()
        if self._peek() == "}":
            self.pos += 1
        else:
            while True:
                if self._peek() != '"':
                    raise self._syntax(
                        "Expecting property name enclosed in double quotes", self.pos
                    )
                key, _ = self._value("")
                self._expect(":", "Expecting ':' delimiter")
                value_starts = self._peek()  # "" at the end of the input: the value says so
                where = inert(key)
                duplicate = [Problem(f"duplicate key {quoted(key)}")] if key in seen else []
                seen.add(key)
                if key == "facts" and value_starts == "[" and not duplicate:
                    self.saw_facts = True
                    yield from self._facts()
                else:
                    value, problems = self._value(where)
                    yield Header(key, value, duplicate + problems)
                following = self._peek()
                self.pos += 1
                if following == "}":
                    break
                if following != ",":
                    raise self._syntax("Expecting ',' delimiter", self.pos - 1)
        if self._peek() != "":
            raise self._syntax("Extra data", self.pos)

    def _facts(self) -> Iterator[Facts]:
        self.pos += 1  # the "["
        index = 0
        batch: list[Any] = []
        texts: list[str] = []
        problems: list[Problem] = []
        if self._peek() == "]":
            self.pos += 1
            yield Facts(0, [])
            return
        scan = self._scan
        # White space, perhaps none: the pattern matches at every position.
        space = cast("Callable[[str, int], re.Match[str]]", _SPACE.match)
        ahead = _BLOCK // 16
        while True:
            # Most facts lie whole inside the buffer and hold nothing the parser refused: they are
            # read here, with a few steps a fact fewer. Any other (cut by the end of the block,
            # refused, broken) is read again the careful way, which reads on or reports it.
            text = self.text
            start = space(text, self.pos).end()
            if len(text) - start < ahead and not self.eof:
                # Read on before a fact is cut by the block: a cut one costs two scans and two
                # exceptions that each count the lines of the whole buffer.
                self.pos = start
                self._more()
                text = self.text
                start = space(text, self.pos).end()
            self._flagged = False
            try:
                value, end = scan(text, start)
            except (StopIteration, ValueError, RecursionError):
                end = -1
            if (
                end < 0
                or end >= len(text)
                or self._flagged
                or (self._surrogates and self._escape_in(start, end))
            ):
                self.pos = start
                self._peek()  # white space may run on into the next block
                value, found = self._value(f"facts[{index}]")
                start, end = self.last_text
                text = self.text
                problems += found
            batch.append(value)
            texts.append(text[start:end])
            index += 1
            if len(batch) >= self.batch:
                yield Facts(index - len(batch), batch, problems, texts)
                batch, problems, texts = [], [], []
            after = space(text, end).end()
            if after < len(text):
                following = text[after]
                self.pos = after + 1
            else:
                self.pos = end
                following = self._peek()
                self.pos += 1
            if following == "]":
                break
            if following != ",":
                raise self._syntax("Expecting ',' delimiter", self.pos - 1)
        yield Facts(index - len(batch), batch, problems, texts)


def _refused(root: list[Any], where: str) -> list[Problem]:
    """Replace, in place, every refused value under ``root[0]`` by a harmless stand-in, and
    return a Problem for each (and for each duplicate key), in document order; paths start at
    ``where``."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        container, at = stack.pop()
        if isinstance(container, _DuplicateKeys):
            problems += [Problem(f"duplicate key {quoted(k)}", at) for k in container.duplicates]
        if isinstance(container, dict):
            for key in [k for k in container if _has_lone_surrogate(k)]:
                problems.append(Problem("a key holds a lone UTF-16 surrogate escape", at))
                container[_escaped(key)] = container.pop(key)
            items = [(key, f"{at}.{inert(key)}" if at else inert(key)) for key in container]
        else:
            items = [(index, f"{at}[{index}]") for index in range(len(container))]
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
    prefix = where
    return [
        Problem(
            p.message,
            (prefix + p.path.removeprefix("[0]"))
            if prefix
            else p.path.removeprefix("[0]").lstrip("."),
        )
        for p in problems
    ]


def _escaped(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
