"""Shared test fixtures: an isolated environment for every test (no colour or fact-base
variables from the caller's shell, and a cache directory of the test session's own: the cache is
keyed by content, so tests share compiled bases as users' runs do, and the cache's own tests give
each test a directory of its own), a helper that runs a command line as the console script does
and returns stdout, stderr and the exit code separately, and a small hand-written fact base for
exact-output tests."""

from __future__ import annotations

import copy
import io
import json
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ccifacts.cli import main

ROOT = Path(__file__).resolve().parents[1]
SOURCE_TEXT = ROOT.parent / "shared" / "sources" / "cci-decade-2025-11-10.txt"


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated_environment(session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("CCIFACTS_FACTS", "NO_COLOR", "FORCE_COLOR", "CCIFACTS_DEBUG", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    for name in ("CCIFACTS_MAX_SIZE", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", str(session_cache))
    yield


@dataclass
class Run:
    """What a command printed and how it exited."""

    stdout: str
    stderr: str
    code: int

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(*args: str, env: dict[str, str] | None = None, fast: bool = True) -> Run:
    """Run ``ccifacts ARGS`` in-process, as a user would type it: through ``main``, which runs
    a well-formed command line without Typer (``fast``) and gives the rest to Typer."""
    with CliRunner().isolation(env=env) as (stdout, stderr, _):
        code = main(list(args), fast=fast)
        sys.stdout.flush()
        sys.stderr.flush()
        # Line ends as Click's runner gives them: CSV's CRLF is checked on the bytes elsewhere.
        out, err = (s.getvalue().decode().replace("\r\n", "\n") for s in (stdout, stderr))
        return Run(out, err, code)


MINIMAL: dict[str, Any] = {
    "schema_version": 1,
    "sources": [
        {
            "id": "test-source",
            "publisher": "Test Gazette",
            "title": "A Test Report",
            "published": "2025-11-10",
            "sections": [{"id": "body", "title": "Body"}],
        }
    ],
    "sectors": [
        {"id": "aviation", "name": "Aviation", "aliases": ["air"], "description": "Flights."},
        {"id": "finance", "name": "Finance", "aliases": [], "description": "Money."},
    ],
    "terms": [
        {
            "id": "NRA",
            "name": "Non-Resident Account",
            "kind": "policy",
            "aliases": ["NRA model"],
            "definition": "An account model.",
        }
    ],
    "people": [{"id": "ann-lee", "name": "Ann Lee", "roles": ["Spokesperson"]}],
    "facts": [
        {
            "id": "aviation.weekly-flights",
            "sector": "aviation",
            "kind": "metric",
            "label": "Weekly flights",
            "value": 24,
            "unit": "per_week",
            "baseline": {"value": 5, "label": "at launch"},
            "period": {"label": "2025", "start": "2025", "end": "2025"},
            "statement": "Flights rose from 5 to 24 a week.",
            "source": "test-source",
            "section": "body",
            "said_by": "ann-lee",
            "headline": True,
        },
        {
            "id": "finance.settlement",
            "sector": "finance",
            "kind": "metric",
            "label": "Settlement, via NRA",
            "value": 400000000,
            "unit": "RMB",
            "qualifier": "more_than",
            "yoy_pct": 12.5,
            "period": {"label": "as of 2025", "as_of": "2025-11-10", "inferred": True},
            "statement": "More than RMB 400 million was settled.",
            "terms": ["NRA"],
            "source": "test-source",
        },
    ],
}


def minimal() -> dict[str, Any]:
    """A fresh copy of the small valid fact base."""
    return copy.deepcopy(MINIMAL)


def write(path: Path, document: Any) -> Path:
    """Write ``document`` as JSON (or bytes/str as they are) and return the path."""
    if isinstance(document, bytes):
        path.write_bytes(document)
    elif isinstance(document, str):
        path.write_text(document, encoding="utf-8")
    else:
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def compile_base(data: bytes, origin: str = "facts.json") -> dict[str, Any]:
    """Validate and compile the fact base ``data`` into a new in-memory database, as the program
    does; its meta data, or ``FactBaseError`` with the problems."""
    from ccifacts import build

    connection = sqlite3.connect("")
    try:
        return build.compile_into(connection, io.BytesIO(data), origin)
    finally:
        connection.close()


@pytest.fixture
def small_base(tmp_path: Path) -> Path:
    """The small fact base, written to a file."""
    return write(tmp_path / "small.json", minimal())
