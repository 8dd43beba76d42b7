"""A cache of validated fact bases, keyed on content, so that a run with nothing new to validate
needs neither Pydantic nor the models. An entry is the normalised JSON the models produced, stored
under the SHA-256 of the fact base's bytes together with the version of ccifacts and the bytes of
``model.py`` (a changed schema never reuses old entries). Entries are written to a temporary file
and renamed into place, so two processes writing at once each leave a whole entry; a cache
directory that is missing, read-only or full simply means no caching. No pickle: entries are
JSON."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ccifacts import __version__

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
    digest = hashlib.sha256(f"ccifacts {_FORMAT} {__version__}\n".encode())
    with contextlib.suppress(OSError):  # no source shipped: the version tells schemas apart
        digest.update(_MODEL_SOURCE.read_bytes())
    digest.update(data)
    return digest.hexdigest()


def get(entry_key: str) -> dict[str, Any] | None:
    """The normalised fact base stored under ``entry_key``, or None on any miss."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        entry = json.loads((folder / f"{entry_key}.json").read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if (
        isinstance(entry, dict)
        and entry.get("key") == entry_key
        and entry.get("format") == _FORMAT
        and isinstance(entry.get("data"), dict)
    ):
        data: dict[str, Any] = entry["data"]
        return data
    return None


def put(entry_key: str, normalised: dict[str, Any]) -> None:
    """Store ``normalised`` under ``entry_key``; any failure leaves the cache as it was."""
    folder = cache_dir()
    if folder is None:
        return
    entry = {"format": _FORMAT, "key": entry_key, "data": normalised}
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(handle, "wb") as out:
            out.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode())
        Path(temporary).replace(folder / f"{entry_key}.json")
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
