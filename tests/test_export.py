"""`ccifacts export --sqlite`: a standalone database that sqlite3 reads and Datasette serves with
a search box; checked with Datasette's own client, as a user of `datasette cci.db` would see it."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import ccifacts.db
from conftest import run


def test_export_writes_every_table(tmp_path: Path) -> None:
    target = tmp_path / "cci.db"
    result = run("export", "--sqlite", str(target))
    assert result.code == 0, result.stderr
    assert result.stderr == f"wrote {target}\n"
    with sqlite3.connect(target) as connection:
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("facts", "sectors", "terms", "people", "sources", "measures")
        }
        flights = connection.execute(
            "SELECT value, unit, qualifier FROM facts WHERE id = 'aviation.weekly-flights'"
        ).fetchone()
    listed = {
        name: len(run(name, "--json").json()) for name in ("sectors", "terms", "people", "sources")
    }
    assert counts["facts"] == len(run("list", "--json").json())
    assert {k: counts[k] for k in listed} == listed
    assert counts["measures"] == len(run("history", "--json").json())
    assert flights == (24, "per_week", "exact")


def test_export_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "cci.db"
    target.write_text("mine", encoding="utf-8")
    result = run("export", "--sqlite", str(target))
    assert result.code == 2
    assert result.stderr == f"Error: {target} already exists\nHint: Choose a new file name.\n"
    assert target.read_text(encoding="utf-8") == "mine"


def test_export_into_a_missing_folder_is_an_output_error_not_a_bug(tmp_path: Path) -> None:
    cache_dir = Path(os.environ["CCIFACTS_CACHE_DIR"])
    run("sectors")  # the bundled base is compiled into the cache
    cached = sorted(p.name for p in cache_dir.iterdir())
    target = tmp_path / "missing" / "cci.db"
    result = run("export", "--sqlite", str(target))
    assert (result.code, result.stdout) == (5, "")
    assert result.stderr == (
        f"Error: cannot write {target}: there is no folder {target.parent}\n"
        "Hint: Create the folder first, or choose another path.\n"
    )
    # The fact base read from is fine: its cache entry is neither removed nor rebuilt.
    assert sorted(p.name for p in cache_dir.iterdir()) == cached


def test_an_export_that_fails_midway_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def filling_the_disk(connection: sqlite3.Connection, destination: str) -> None:
        Path(destination).write_bytes(b"half a database")
        raise ccifacts.db.WriteError("database or disk is full")

    monkeypatch.setattr(ccifacts.db, "export", filling_the_disk)
    target = tmp_path / "cci.db"
    result = run("export", "--sqlite", str(target))
    assert (result.code, result.stdout) == (5, "")
    assert result.stderr == (
        f"Error: cannot write {target}: database or disk is full\n"
        "Hint: Check that the folder can be written and has room.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_export_to_standard_output_is_refused(tmp_path: Path) -> None:
    result = run("export", "--sqlite", "-")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: an SQLite database cannot be written to standard output\n"
        "Hint: Give a file name: ccifacts export --sqlite cci.db\n"
    )
    assert not Path("-").exists()


def test_export_needs_a_target() -> None:
    result = run("export")
    assert result.code == 2
    assert result.stderr.startswith("Error: export needs a target\n")


def datasette_rows(path: Path, query: str) -> Any:
    from datasette.app import Datasette

    async def get() -> Any:
        response = await Datasette([str(path)]).client.get(f"/{path.stem}/facts.json?{query}")
        assert response.status_code == 200
        return response.json()

    return asyncio.run(get())


def test_datasette_searches_the_export(tmp_path: Path) -> None:
    target = tmp_path / "cci.db"
    assert run("export", "--sqlite", str(target)).code == 0
    found = {row["id"] for row in datasette_rows(target, "_search=ILSTC&_shape=array&_size=max")}
    with sqlite3.connect(target) as connection:
        mentioning = {
            row[0]
            for row in connection.execute(
                "SELECT DISTINCT fact FROM fact_terms WHERE term IN ('ILSTC', 'D-ILSTC')"
            )
        }
    assert "logistics.ilstc-ports" in found
    assert mentioning <= found
    assert datasette_rows(target, "_search=zzqqxx&_shape=array") == []
