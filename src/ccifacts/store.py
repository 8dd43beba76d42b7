"""Where compiled fact bases live: a cache of SQLite databases keyed by content. The key is a
BLAKE2b hash of the fact base's bytes, the program's version and the bytes of the schema modules,
so a changed base, or a changed schema, never reuses an old database. A database is compiled into
a temporary file in the cache directory and renamed into place (two processes compiling at once
each leave a whole one; one killed midway leaves none that is used), then opened read-only. An
entry that is not a regular file of ours, is truncated, or is not a finished database of this key
is a miss and is rebuilt. A large file is not hashed again on every run: a small pointer file
maps its path, inode, size and change times to the key (only when the file was already older
than the clock's resolution, so an edit cannot hide). The cache directory is the platform's
(``platformdirs``), or ``$CCIFACTS_CACHE_DIR``; one that other users can write is refused, and a
missing, read-only or refused one means a private temporary database for the run."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ccifacts import __version__, db, loader
from ccifacts.errors import FactBaseError, Problem
from ccifacts.text import inert

if TYPE_CHECKING:
    from ccifacts import build

try:
    # hashlib loads OpenSSL (2 ms, a tenth of a run's budget); BLAKE2 is built in.
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b

ENV_CACHE_DIR = "CCIFACTS_CACHE_DIR"
KEEP = 8
"""Databases kept: the most recently used (each is about twice the size of its fact base)."""
KEEP_POINTERS = 64
POINTER_MIN_BYTES = 1024 * 1024
"""Smaller fact bases are hashed on every run (a millisecond); larger ones use a pointer."""
_SETTLED_NS = 2_000_000_000
_ENTRY = re.compile(r"[0-9a-f]{64}\.sqlite3")
_POINTER = re.compile(r"[0-9a-f]{32}\.pointer")
_TEMPORARY = re.compile(r"\.ccifacts-[0-9a-z_]+\.tmp")
# What decides a compiled database's content: a change to any of them is a new key.
_SCHEMA_MODULES = ("model.py", "db.py", "loader.py", "build.py", "text.py")


def cache_dir() -> Path | None:
    """Where entries live: ``$CCIFACTS_CACHE_DIR`` (empty disables the cache), else the user's
    cache directory of the platform (from ``platformdirs``)."""
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured is not None:
        return Path(configured) if configured else None
    import platformdirs

    try:
        folder = Path(platformdirs.user_cache_dir("ccifacts", appauthor=False))
    except Exception:  # no home directory at all (a uid without a passwd entry): no cache
        return None
    return folder if folder.is_absolute() else None


def _fingerprint() -> bytes:
    digest = blake2b(f"ccifacts {__version__} {db.FORMAT}\n".encode(), digest_size=32)
    here = Path(__file__).parent
    for name in _SCHEMA_MODULES:
        with contextlib.suppress(OSError):  # no source shipped: the version tells schemas apart
            digest.update((here / name).read_bytes())
    return digest.digest()


def new_digest() -> blake2b:
    """A hash to feed a fact base's bytes to; ``key`` of it is the cache key."""
    return blake2b(_fingerprint(), digest_size=32)


class Opened:
    """A compiled fact base, open read-only, and what it came from."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        key: str,
        entry: Path | None,
        notes: list[str] | None = None,
    ) -> None:
        self.connection = connection
        self.path = path
        self.key = key
        self.entry = entry
        self.notes = notes if notes is not None else []

    @property
    def bundled(self) -> bool:
        return not loader.is_stdin(self.path) and self.path == loader.bundled_path()


def _safe_folder(folder: Path | None, notes: list[str]) -> Path | None:
    """``folder``, created if missing, if it is a directory that only its owner (this user or
    root) can write; else None (and a note saying why, when it is unsafe)."""
    if folder is None:
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return None
    if not stat.S_ISDIR(status.st_mode):
        return None
    owner_ok = status.st_uid in (os.getuid(), 0) if hasattr(os, "getuid") else True
    if not owner_ok or status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        notes.append(
            f"not using the cache directory {inert(str(folder))}: other users can write to it "
            f"(chmod go-w it, or set {ENV_CACHE_DIR} to a private directory)"
        )
        return None
    return folder


def _pointer_name(path: Path, status: os.stat_result) -> str:
    text = "\0".join(
        str(part)
        for part in (
            os.path.realpath(path),
            status.st_dev,
            status.st_ino,
            status.st_size,
            status.st_mtime_ns,
            status.st_ctime_ns,
        )
    )
    return (
        blake2b(
            _fingerprint() + text.encode("utf-8", "surrogateescape"), digest_size=16
        ).hexdigest()
        + ".pointer"
    )


def _read_small(path: Path, size: int) -> bytes | None:
    """Up to ``size`` bytes of a regular file of ours; None for anything else (a FIFO or a
    device never blocks or floods the read)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_uid != _uid():
            return None
        return os.read(descriptor, size)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def _entry_is_whole(path: Path) -> bool:
    """Whether ``path`` is a regular file of ours holding a whole SQLite database: its header
    names a page size and page count whose product is the file's size (a truncated or padded
    file is not)."""
    try:
        status = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(status.st_mode) or status.st_uid != _uid():
        return False
    header = _read_small(path, 100)
    if header is None or len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid_count = header[24:28] == header[92:96]
    return valid_count and page_size >= 512 and pages * page_size == status.st_size


def _uri(path: Path) -> str:
    # SQLite's URI file names: "%", "?" and "#" would end or change the name (RFC 3986).
    name = str(path.absolute()).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    # "file://" and an empty authority: a path that starts with "//" is not taken for a host.
    return f"file://{name}?mode=ro&immutable=1"


def _open_entry(path: Path, key: str) -> sqlite3.Connection | None:
    """The database at ``path``, open read-only, if it is a finished one of ``key``."""
    if not _entry_is_whole(path):
        return None
    try:
        connection = sqlite3.connect(_uri(path), uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        meta = db.read_meta(connection)
        if meta.get("key") == key and meta.get("format") == db.FORMAT and meta.get("complete") == 1:
            return connection
    except sqlite3.Error:
        pass
    connection.close()
    return None


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept when older entries are pruned


def open_base(
    option: str | os.PathLike[str] | None = None, *, progress: build.Progress | None = None
) -> Opened:
    """The fact base named by ``--facts``/``$CCIFACTS_FACTS`` (or the bundled one), compiled (or
    found compiled in the cache) and open read-only."""
    path = loader.resolve_path(option)
    notes: list[str] = []
    folder = _safe_folder(cache_dir(), notes)
    handle, status = loader.open_source(path)
    with handle:
        key = None
        pointer = None
        started = time.time_ns()
        if status is not None and folder is not None:
            if status.st_size >= POINTER_MIN_BYTES:
                pointer = folder / _pointer_name(path, status)
                found = _read_small(pointer, 65)
                if found is not None and re.fullmatch(rb"[0-9a-f]{64}\n", found):
                    key = found.decode().strip()
            if key is None:
                # Hashing is a fraction of compiling: look before compiling again.
                key = _hash(handle)
                handle.seek(0)
            entry = folder / f"{key}.sqlite3"
            connection = _open_entry(entry, key)
            if connection is not None:
                _touch(entry)
                _remember(pointer, status, key, started)
                return Opened(connection, path, key, entry, notes)
        opened = _compile(path, handle, status, folder, progress)
        opened.notes += notes
    if opened.entry is not None:
        _remember(pointer, status, opened.key, started)
    return opened


def _hash(handle: IO[bytes]) -> str:
    digest = new_digest()
    limit = loader.max_bytes()
    read = 0
    while block := handle.read(4 * 1024 * 1024):
        read += len(block)
        if read > limit:
            break  # the compile that follows reports the limit
        digest.update(block)
    return digest.hexdigest()


def _remember(pointer: Path | None, status: os.stat_result | None, key: str, started: int) -> None:
    """Write the pointer from a large file's status to its key, once the file is older than
    the clock's resolution (so an edit in the same tick cannot keep its time stamps)."""
    if pointer is None or status is None:
        return
    if max(status.st_mtime_ns, status.st_ctime_ns) < started - _SETTLED_NS:
        if _read_small(pointer, 65) != f"{key}\n".encode():
            _write_atomically(pointer, f"{key}\n".encode())
        else:
            _touch(pointer)


def _compile(
    path: Path,
    handle: IO[bytes],
    status: os.stat_result | None,
    folder: Path | None,
    progress: build.Progress | None,
) -> Opened:
    from ccifacts import build

    origin = inert(str(path))
    digest = new_digest()
    temporary = _temporary(folder)
    target = str(temporary) if temporary is not None else ""
    # An empty name is SQLite's private temporary database: in memory, spilling to disk if big.
    connection = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
    try:
        build.compile_into(
            connection,
            handle,
            origin,
            digest=digest,
            progress=progress,
            total=status.st_size if status is not None else None,
            threaded=True,
        )
        key = digest.hexdigest()
    except BaseException:
        connection.close()
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    if temporary is None or folder is None:
        return Opened(connection, path, key, None)
    connection.close()
    # Opened before it is renamed into place: whatever happens to the name afterwards (another
    # process's pruning, a directory squatting it), this run reads the file it wrote.
    opened = _open_entry(temporary, key)
    if opened is None:
        temporary.unlink(missing_ok=True)
        raise FactBaseError(
            origin, [Problem("the compiled database could not be read back")], hint="Run it again."
        )
    entry = folder / f"{key}.sqlite3"
    try:
        temporary.replace(entry)
    except OSError:
        temporary.unlink(missing_ok=True)  # still open: a private database for this run
        return Opened(opened, path, key, None)
    _prune(folder)
    return Opened(opened, path, key, entry)


def _temporary(folder: Path | None) -> Path | None:
    if folder is None:
        return None
    import secrets

    candidate = folder / f".ccifacts-{secrets.token_hex(8)}.tmp"
    try:
        descriptor = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError:
        return None
    os.close(descriptor)
    return candidate


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = _temporary(path.parent)
    if temporary is None:
        return
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    """Remove all but the most recently used databases and pointers, and temporary files that
    a killed process left behind (older than an hour); nothing else in the folder is touched."""
    entries: list[tuple[float, Path]] = []
    pointers: list[tuple[float, Path]] = []
    now = time.time()
    try:
        paths = list(folder.iterdir())
    except OSError:
        return
    for path in paths:
        name = path.name
        kind = entries if _ENTRY.fullmatch(name) else pointers if _POINTER.fullmatch(name) else None
        if kind is None and not _TEMPORARY.fullmatch(name):
            continue
        try:
            status = os.lstat(path)
        except OSError:
            continue
        if kind is None:
            if now - status.st_mtime > 3600:
                with contextlib.suppress(OSError):
                    path.unlink()
        else:
            kind.append((status.st_mtime, path))
    for listed, keep in ((entries, KEEP), (pointers, KEEP_POINTERS)):
        for _, path in sorted(listed, reverse=True)[keep:]:
            with contextlib.suppress(OSError):
                path.unlink()


def forget(opened: Opened) -> None:
    """Remove a cache entry found damaged while it was read, so the next run rebuilds it."""
    if opened.entry is not None:
        with contextlib.suppress(OSError):
            opened.entry.unlink()
