"""A cache of validated fact bases, keyed on content, so that a run with nothing new to validate
needs neither Pydantic nor the models. An entry is the normalised JSON the models produced, stored
under a BLAKE2b hash of the fact base's bytes, the version of ccifacts and the bytes of
``model.py`` (a changed schema never reuses old entries). Entries are written to a temporary file
and renamed into place, so two processes writing at once each leave a whole entry; a cache
directory that is missing, read-only or full simply means no caching. No pickle: entries are
JSON."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from ccifacts import __version__

try:
    # hashlib loads OpenSSL (2 ms, a tenth of a run's budget); BLAKE2 is built in.
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b

ENV_CACHE_DIR = "CCIFACTS_CACHE_DIR"
_FORMAT = 1
_MODEL_SOURCE = Path(__file__).with_name("model.py")


def cache_dir() -> Path | None:
    """Where entries live: ``$CCIFACTS_CACHE_DIR`` (empty disables the cache), else the user's
    cache directory of the platform."""
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured is not None:
        return Path(configured) if configured else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ccifacts"


def key(data: bytes) -> str:
    """The cache key of a fact base's bytes."""
    digest = blake2b(f"ccifacts {_FORMAT} {__version__}\n".encode(), digest_size=32)
    with contextlib.suppress(OSError):  # no source shipped: the version tells schemas apart
        digest.update(_MODEL_SOURCE.read_bytes())
    digest.update(data)
    return digest.hexdigest()


def get(entry_key: str) -> dict[str, Any] | None:
    """The normalised fact base stored under ``entry_key``, or None on any miss."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{entry_key}.json"
    try:
        entry = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not (
        isinstance(entry, dict)
        and entry.get("key") == entry_key
        and entry.get("format") == _FORMAT
        and isinstance(entry.get("data"), dict)
    ):
        return None
    data: dict[str, Any] = entry["data"]
    # Only ccifacts writes entries, but a damaged one must be a miss, not a crash later.
    if not isinstance(data.get("schema_version"), int) or not all(
        isinstance(data.get(key), list) for key in _COLLECTIONS
    ):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept when older entries are pruned
    return data


_COLLECTIONS = ("sources", "sectors", "terms", "people", "facts")


def put(entry_key: str, normalised: dict[str, Any]) -> None:
    """Store ``normalised`` under ``entry_key``; any failure leaves the cache as it was."""
    import tempfile

    folder = cache_dir()
    if folder is None:
        return
    entry = {"format": _FORMAT, "key": entry_key, "data": normalised}
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(handle, "wb") as out:
            # ASCII JSON: a str of ASCII costs one byte per character while it is encoded.
            out.write(json.dumps(entry, separators=(",", ":")).encode("ascii"))
        Path(temporary).replace(folder / f"{entry_key}.json")
        temporary = None
        _prune(folder)
    except OSError:
        pass
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


KEEP = 16
"""Entries kept: the most recently used. Every edit of a fact base makes a new entry, as large
as the base, so old ones are removed when a new one is written."""


def _prune(folder: Path) -> None:
    """Remove all but the ``KEEP`` most recently used entries, and temporary files that a
    killed process left behind (older than an hour)."""
    import time

    entries = []
    for path in folder.iterdir():
        try:
            modified = path.stat().st_mtime
        except OSError:
            continue
        if path.name.startswith(".tmp-"):
            if time.time() - modified > 3600:
                with contextlib.suppress(OSError):
                    path.unlink()
        elif path.suffix == ".json":
            entries.append((modified, path))
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            path.unlink()
