"""The cache of validated fact bases: keyed on content, so a fact base whose bytes changed is
validated again even when its size and time stamp did not, and an invalid file is never served
from an entry left by its valid past; entries are whole JSON files (no pickle) in the user's cache
directory, a corrupted or foreign entry is a miss that gets rewritten, a cache directory that
cannot be created or written (or ``CCIFACTS_CACHE_DIR=""``) means no caching and no failure, a
warm cache spares the import of Pydantic and Rich, and many threads or processes writing the same
entry at once leave one whole entry and no temporary files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

import ccifacts.store
from ccifacts import cache, store
from conftest import minimal, run, write

SECTORS = "id\tname\tfact_count\naviation\tAviation\t1\nfinance\tFinance\t1\n"


@pytest.fixture
def cache_dir() -> Path:
    """The test's own cache directory (set by the autouse fixture of conftest)."""
    return Path(os.environ["CCIFACTS_CACHE_DIR"])


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(".tmp-*"))


def entry_path(folder: Path, fact_base: Path) -> Path:
    return folder / f"{cache.key(fact_base.read_bytes())}.json"


def refuse_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, any load that is not served from the cache fails."""

    def validate_bytes(data: bytes, path: Path) -> dict[str, Any]:
        raise AssertionError(f"{path} was validated again instead of served from the cache")

    monkeypatch.setattr(ccifacts.store, "validate_bytes", validate_bytes)


def test_first_load_writes_one_json_entry(small_base: Path, cache_dir: Path) -> None:
    assert entries(cache_dir) == []
    result = run("sectors", "--facts", str(small_base))
    assert result.code == 0
    assert result.stdout == SECTORS
    assert entries(cache_dir) == [entry_path(cache_dir, small_base)]
    raw = entry_path(cache_dir, small_base).read_bytes()
    assert not raw.startswith(b"\x80")  # not a pickle (protocol 2 and later start with 0x80)
    entry = json.loads(raw)
    assert sorted(entry) == ["data", "format", "key"]
    assert entry["key"] == cache.key(small_base.read_bytes())
    assert entry["data"]["facts"][0]["label"] == "Weekly flights"
    assert entry["data"]["facts"][0]["qualifier"] == "exact"  # normalised: defaults filled in
    assert leftovers(cache_dir) == []


def test_second_load_of_the_same_bytes_is_served_from_the_cache(
    small_base: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    written = entry_path(cache_dir, small_base).stat().st_ino  # a rewrite renames a new file in
    refuse_validation(monkeypatch)
    result = run("sectors", "--facts", str(small_base))
    assert result.code == 0
    assert result.stdout == SECTORS
    assert entries(cache_dir) == [entry_path(cache_dir, small_base)]
    assert entry_path(cache_dir, small_base).stat().st_ino == written


def test_the_key_is_the_content_not_the_name(
    small_base: Path, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    copy = write(tmp_path / "elsewhere.json", small_base.read_bytes())
    refuse_validation(monkeypatch)
    result = run("sectors", "--facts", str(copy))
    assert result.code == 0
    assert result.stdout == SECTORS
    assert len(entries(cache_dir)) == 1


def test_an_invalid_fact_base_is_not_cached(tmp_path: Path, cache_dir: Path) -> None:
    base = minimal()
    base["facts"][0]["value"] = "24"
    path = write(tmp_path / "bad.json", base)
    for _ in range(2):
        result = run("sectors", "--facts", str(path))
        assert result.code == 3
        assert "facts[0].value: expected a JSON number, got a string" in result.stderr
    assert entries(cache_dir) == []


# --- only the content counts ----------------------------------------------------------------------


def rewrite_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_changed_content_with_same_size_and_mtime_is_served_fresh(
    small_base: Path, cache_dir: Path
) -> None:
    label = ("get", "aviation.weekly-flights", "--field", "label", "--facts", str(small_base))
    assert run(*label).stdout == "Weekly flights\n"
    rewrite_keeping_size_and_mtime(small_base, "Weekly flights", "Weekly planes!")
    result = run(*label)
    assert result.code == 0
    assert result.stdout == "Weekly planes!\n"
    assert len(entries(cache_dir)) == 2


def test_invalid_content_with_same_size_and_mtime_is_refused_despite_the_cache(
    small_base: Path, cache_dir: Path
) -> None:
    assert run("sectors", "--facts", str(small_base)).stdout == SECTORS
    assert len(entries(cache_dir)) == 1
    rewrite_keeping_size_and_mtime(small_base, '"kind": "policy"', '"kind": "polity"')
    result = run("sectors", "--facts", str(small_base))
    assert result.code == 3
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {small_base}: terms[0].kind: ")
    assert len(entries(cache_dir)) == 1


def test_the_same_name_alternating_between_two_contents(small_base: Path) -> None:
    label = ("get", "aviation.weekly-flights", "--field", "label", "--facts", str(small_base))
    for _ in range(2):
        rewrite_keeping_size_and_mtime(small_base, "Weekly flights", "Weekly planes!")
        assert run(*label).stdout == "Weekly planes!\n"
        rewrite_keeping_size_and_mtime(small_base, "Weekly planes!", "Weekly flights")
        assert run(*label).stdout == "Weekly flights\n"


# --- corrupted entries ----------------------------------------------------------------------------

OTHER_KEY = "0" * 64


@pytest.mark.parametrize(
    "corrupt",
    [
        b"",
        b"\x80\x04garbage",
        b'{"format": 1, "key": "',
        b"[]",
        b"null",
        b'{"format": 1}',
        b'{"format": 2, "key": "KEY", "data": DATA}',
        b'{"format": 1, "key": "KEY", "data": []}',
        b'{"format": 1, "key": "KEY", "data": {}}',
        b'{"format": 1, "key": "KEY", "data": {"facts": "x"}}',
        b'{"format": 1, "key": "' + OTHER_KEY.encode() + b'", "data": DATA}',
        b"[" * 100_000,
    ],
    ids=[
        "empty",
        "pickle-like",
        "truncated",
        "array",
        "null",
        "no-key",
        "other-format",
        "data-array",
        "data-empty",
        "data-wrong-shape",
        "key-mismatch",
        "deep",
    ],
)
def test_a_corrupted_entry_is_a_miss_and_is_rewritten(
    small_base: Path, cache_dir: Path, corrupt: bytes
) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    entry = entry_path(cache_dir, small_base)
    good = entry.read_bytes()
    data = json.dumps(json.loads(good)["data"]).encode()
    entry.write_bytes(corrupt.replace(b"KEY", entry.stem.encode()).replace(b"DATA", data))
    result = run("sectors", "--facts", str(small_base))
    assert result.code == 0, result.stderr
    assert result.stdout == SECTORS
    assert json.loads(entry.read_bytes()) == json.loads(good)
    assert entries(cache_dir) == [entry]


def test_an_entry_of_another_fact_base_is_never_served(
    small_base: Path, tmp_path: Path, cache_dir: Path
) -> None:
    other = minimal()
    other["sectors"][0]["name"] = "Air travel"
    other_path = write(tmp_path / "other.json", other)
    assert run("sectors", "--facts", str(other_path)).code == 0
    # The other base's entry, copied under the small base's file name: its "key" does not match.
    entry_path(cache_dir, other_path).replace(entry_path(cache_dir, small_base))
    result = run("sectors", "--facts", str(small_base))
    assert result.code == 0
    assert result.stdout == SECTORS
    rewritten = json.loads(entry_path(cache_dir, small_base).read_bytes())
    assert rewritten["key"] == entry_path(cache_dir, small_base).stem
    assert rewritten["data"]["sectors"][0]["name"] == "Aviation"


# --- a cache directory that cannot be used --------------------------------------------------------


def test_a_cache_directory_that_cannot_be_created_means_no_caching(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = write(tmp_path / "a-file", "not a directory")
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", str(blocker / "ccifacts"))
    for _ in range(2):
        result = run("sectors", "--facts", str(small_base))
        assert result.code == 0
        assert result.stdout == SECTORS
        assert result.stderr == ""
    assert blocker.read_text() == "not a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "small.json"]


def test_a_read_only_cache_directory_means_no_caching(
    small_base: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root writes through chmod 555, so make the write itself fail as on a read-only mount.
    def read_only(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    for _ in range(2):
        result = run("sectors", "--facts", str(small_base))
        assert result.code == 0
        assert result.stdout == SECTORS
        assert result.stderr == ""
    assert list(cache_dir.iterdir()) == []


def test_a_full_disk_leaves_no_temporary_file(
    small_base: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle: int, mode: str) -> None:
            self.file = real_fdopen(handle, mode)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", FullDisk)
    result = run("sectors", "--facts", str(small_base))
    assert result.code == 0
    assert result.stdout == SECTORS
    assert list(cache_dir.iterdir()) == []


def test_an_empty_cache_variable_disables_the_cache(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", "")
    assert cache.cache_dir() is None
    for _ in range(2):
        result = run("sectors", "--facts", str(small_base))
        assert result.code == 0
        assert result.stdout == SECTORS
    assert list(home.iterdir()) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG applies on Linux")
def test_the_default_cache_directory_follows_xdg(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CCIFACTS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "ccifacts"
    assert run("sectors", "--facts", str(small_base)).code == 0
    assert entries(tmp_path / "xdg" / "ccifacts") == [
        entry_path(tmp_path / "xdg" / "ccifacts", small_base)
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG applies on Linux")
def test_without_xdg_the_cache_is_under_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CCIFACTS_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / ".cache" / "ccifacts"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    assert cache.cache_dir() == tmp_path / ".cache" / "ccifacts"


# --- what a warm cache spares ---------------------------------------------------------------------

PROBE = """
import json, sys
from ccifacts import store
base = store.load(sys.argv[1])
print(json.dumps({
    "labels": [fact["label"] for fact in base.facts],
    "imported": sorted(name for name in ("pydantic", "rich", "pickle") if name in sys.modules),
}))
"""

CLI_PROBE = """
import json, sys
from ccifacts.cli import main
code = main(["sectors", "--facts", sys.argv[1], "--format", "tsv"])
imported = sorted(name for name in ("pydantic", "rich", "pickle") if name in sys.modules)
print(json.dumps({"code": code, "imported": imported}), file=sys.stderr)
"""


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code args`` in a fresh interpreter with this test's environment."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=True,
    )


def test_a_warm_cache_needs_neither_pydantic_nor_rich(small_base: Path, cache_dir: Path) -> None:
    cold = json.loads(python(PROBE, str(small_base)).stdout)
    assert cold == {"labels": ["Weekly flights", "Settlement, via NRA"], "imported": ["pydantic"]}
    assert len(entries(cache_dir)) == 1
    warm = json.loads(python(PROBE, str(small_base)).stdout)
    assert warm == {"labels": ["Weekly flights", "Settlement, via NRA"], "imported": []}


def test_a_command_on_a_warm_cache_needs_neither_pydantic_nor_rich(small_base: Path) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    done = python(CLI_PROBE, str(small_base))
    assert done.stdout == SECTORS
    assert json.loads(done.stderr) == {"code": 0, "imported": []}


# --- writers at once ------------------------------------------------------------------------------


def big_base() -> dict[str, Any]:
    """The small base with enough facts that an entry takes many writes to the disk."""
    base = minimal()
    template = base["facts"][1]
    base["facts"] += [dict(template, id=f"finance.copy-{i}") for i in range(2000)]
    return base


def test_many_threads_writing_one_entry_leave_it_whole(cache_dir: Path) -> None:
    data = json.dumps(big_base()).encode()
    normalised = store.validate_bytes(data, Path("big.json"))
    entry_key = cache.key(data)
    cache.put(entry_key, normalised)  # from now on every reader must find the whole entry
    start = threading.Barrier(16)
    seen: list[dict[str, Any] | None] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            start.wait()
            for _ in range(5):
                cache.put(entry_key, normalised)
                seen.append(cache.get(entry_key))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(seen) == 80
    assert all(found == normalised for found in seen)
    assert entries(cache_dir) == [cache_dir / f"{entry_key}.json"]
    assert leftovers(cache_dir) == []
    assert cache.get(entry_key) == normalised


WRITER = """
import json, sys
from pathlib import Path
from ccifacts import cache
entry_key, normalised = sys.argv[1], json.loads(Path(sys.argv[2]).read_text())
print("ready", flush=True)
sys.stdin.readline()
for _ in range(40):
    cache.put(entry_key, normalised)
    found = cache.get(entry_key)
    assert found == normalised, "a partial entry was read"
"""


def test_two_processes_writing_one_entry_leave_it_whole(tmp_path: Path, cache_dir: Path) -> None:
    data = json.dumps(big_base()).encode()
    normalised = store.validate_bytes(data, Path("big.json"))
    entry_key = cache.key(data)
    source = write(tmp_path / "normalised.json", normalised)
    cache.put(entry_key, normalised)  # from now on every reader must find the whole entry
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, entry_key, str(source)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for _ in range(2)
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
    for process in processes:  # both are loaded; let them go at once
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    readings = []
    while any(process.poll() is None for process in processes):
        readings.append(cache.get(entry_key))
    for process in processes:
        _, stderr = process.communicate()
        assert process.returncode == 0, stderr
    assert readings
    assert all(found == normalised for found in readings)
    assert entries(cache_dir) == [cache_dir / f"{entry_key}.json"]
    assert leftovers(cache_dir) == []
    assert cache.get(entry_key) == normalised


def test_a_load_while_another_writes_gets_whole_data(small_base: Path, cache_dir: Path) -> None:
    data = small_base.read_bytes()
    loaded: list[list[str]] = []

    def loader() -> None:
        for _ in range(20):
            loaded.append([fact["id"] for fact in store.load(small_base).facts])

    threads = [threading.Thread(target=loader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loaded == [["aviation.weekly-flights", "finance.settlement"]] * 80
    assert entries(cache_dir) == [cache_dir / f"{cache.key(data)}.json"]
    assert leftovers(cache_dir) == []


def test_old_entries_are_pruned_and_recently_used_ones_kept(
    small_base: Path, cache_dir: Path
) -> None:
    """Every edit of a fact base writes a new entry as large as the base: only the most
    recently used ``cache.KEEP`` stay, and temporary files of killed processes go."""
    stale = cache_dir / ".tmp-abandoned.json"
    stale.write_text("{")
    os.utime(stale, (1, 1))

    def edit(number: int) -> Path:
        document = minimal()
        document["sectors"][0]["description"] = f"Edit {number}."
        return write(small_base.with_name(f"edit-{number}.json"), document)

    assert run("sectors", "--facts", str(small_base)).code == 0
    used = entry_path(cache_dir, small_base)
    for number in range(cache.KEEP + 3):
        assert run("sectors", "--facts", str(edit(number))).code == 0
        os.utime(used, (1, 1))  # the oldest entry...
        assert run("sectors", "--facts", str(small_base)).code == 0  # ...until it is used again
    assert len(entries(cache_dir)) == cache.KEEP
    assert used in entries(cache_dir)
    assert entry_path(cache_dir, edit(0)) not in entries(cache_dir)
    assert not stale.exists()
