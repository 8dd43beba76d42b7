"""The cache of compiled fact bases: SQLite databases named by a hash of the fact base's bytes (a
changed base is compiled again even when its size and time stamp did not change; an invalid base
is never cached), an entry that is truncated, foreign, unfinished, damaged or not a regular file is
a miss that gets rebuilt and never a crash or a hang, pruning touches only the program's own
files even in a shared folder, a directory other users can write is refused and one that cannot be
written means a private database for the run, large bases are found again through a pointer file
that a changed file never reuses, two processes compiling at once leave one whole entry and a
killed one leaves none that is used, and a warm run imports neither Pydantic nor Rich. Tests go
through the command line (in-process, or the installed ``ccifacts`` where processes matter) and
look at the files in the cache directory."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ccifacts import build, store
from conftest import ROOT, minimal, run, write

SECTORS = "id\tname\tfact_count\naviation\tAviation\t1\nfinance\tFinance\t1\n"
LABEL = ("get", "aviation.weekly-flights", "--field", "label")
CCIFACTS = str(Path(sys.executable).with_name("ccifacts"))
ENTRY = re.compile(r"[0-9a-f]{64}\.sqlite3")


@pytest.fixture
def cache_dir() -> Path:
    """The test's own cache directory (set by ``own_cache_directory``)."""
    return Path(os.environ["CCIFACTS_CACHE_DIR"])


@pytest.fixture(autouse=True)
def own_cache_directory(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test of the cache starts from an empty cache directory of its own."""
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 5,000-fact base from the benchmark generator (3 MB): compiling it takes a second, long
    enough for two processes to overlap or for one to be killed midway."""
    path = tmp_path_factory.mktemp("generated") / "facts-5000.json"
    generator = ROOT / "benchmarks" / "generate.py"
    subprocess.run([sys.executable, str(generator), "5000", str(path)], check=True)
    return path


@pytest.fixture(scope="module", autouse=True)
def aged_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small base, written when this module starts: by the time the pointer test runs it
    is usually more than two seconds old, so that test seldom has to wait."""
    return write(tmp_path_factory.mktemp("aged") / "aged.json", minimal())


def last_fact(path: Path) -> tuple[str, str]:
    """The id and label of the last fact of a base: reading it needs the whole base compiled."""
    fact = json.loads(path.read_bytes())["facts"][-1]
    return fact["id"], fact["label"]


def key_of(data: bytes) -> str:
    digest = store.new_digest()
    digest.update(data)
    return str(digest.hexdigest())


def entry_of(folder: Path, fact_base: Path) -> Path:
    return folder / f"{key_of(fact_base.read_bytes())}.sqlite3"


def entries(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if ENTRY.fullmatch(path.name))


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(".ccifacts-*.tmp"))


def pointers(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pointer"))


def meta(entry: Path) -> dict[str, Any]:
    """The meta table of a database, read without the program's own code."""
    with contextlib.closing(sqlite3.connect(entry.as_uri() + "?mode=ro", uri=True)) as connection:
        rows = connection.execute("SELECT key, value FROM meta").fetchall()
    return {key: json.loads(value) if isinstance(value, str) else value for key, value in rows}


def assert_finished_entry(entry: Path) -> None:
    """``entry`` is a regular, private file holding the whole database of its own key."""
    status = os.lstat(entry)
    assert stat.S_ISREG(status.st_mode)
    assert stat.S_IMODE(status.st_mode) == 0o600
    found = meta(entry)
    assert (found["key"], found["complete"]) == (entry.name.removesuffix(".sqlite3"), 1)


def refuse_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, any run that is not served from the cache fails."""

    def compile_into(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise AssertionError("the fact base was compiled again instead of served from the cache")

    monkeypatch.setattr(build, "compile_into", compile_into)


def ccifacts(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``ccifacts`` in its own process, with a deadline so that a hang fails."""
    return subprocess.run(
        [CCIFACTS, *args], capture_output=True, text=True, timeout=30, check=False
    )


class Hung(BaseException):
    """Raised by ``deadline``; not an ``Exception`` (nor an ``OSError``), so that no handler in
    the code under test swallows it."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail instead of hanging if the block takes longer than ``seconds`` (the alarm repeats, so
    a second blocking call after the first was interrupted fails too)."""

    def expired(signum: int, frame: Any) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def rewrite_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def other_base(tmp_path: Path, name: str = "Air travel") -> Path:
    """A valid base that differs from the small one: its first sector is called ``name``."""
    document = minimal()
    document["sectors"][0]["name"] = name
    return write(tmp_path / f"{name}.json", document)


# --- compiled once, by content --------------------------------------------------------------------


def test_the_first_run_writes_one_entry_named_by_the_content(
    small_base: Path, cache_dir: Path
) -> None:
    assert list(cache_dir.iterdir()) == []
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)
    entry = entry_of(cache_dir, small_base)
    assert list(cache_dir.iterdir()) == [entry]
    assert entry.read_bytes().startswith(b"SQLite format 3\0")
    assert_finished_entry(entry)
    assert meta(entry)["facts"] == 2


def test_a_second_run_is_served_from_the_entry(
    small_base: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    entry = entry_of(cache_dir, small_base)
    written = entry.stat().st_ino  # a rebuilt entry is a new file renamed into place
    refuse_compiling(monkeypatch)
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)
    assert entry.stat().st_ino == written
    assert list(cache_dir.iterdir()) == [entry]


def test_the_key_is_the_content_not_the_name(
    small_base: Path, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    copy = write(tmp_path / "copy.json", small_base.read_bytes())
    refuse_compiling(monkeypatch)
    result = run("sectors", "--facts", str(copy))
    assert (result.stdout, result.code) == (SECTORS, 0)
    assert entries(cache_dir) == [entry_of(cache_dir, small_base)]


def test_an_invalid_base_is_never_cached(tmp_path: Path, cache_dir: Path) -> None:
    document = minimal()
    document["facts"][0]["value"] = "24"
    path = write(tmp_path / "bad.json", document)
    for _ in range(2):
        result = run("sectors", "--facts", str(path))
        assert result.code == 3
        assert result.stdout == ""
        assert "facts[0].value: expected a JSON number, got a string" in result.stderr
    assert list(cache_dir.iterdir()) == []


def test_a_changed_base_is_compiled_again_despite_the_same_size_and_mtime(
    small_base: Path, cache_dir: Path
) -> None:
    assert run(*LABEL, "--facts", str(small_base)).stdout == "Weekly flights\n"
    rewrite_keeping_size_and_mtime(small_base, "Weekly flights", "Weekly planes!")
    result = run(*LABEL, "--facts", str(small_base))
    assert (result.stdout, result.code) == ("Weekly planes!\n", 0)
    assert len(entries(cache_dir)) == 2
    assert entry_of(cache_dir, small_base) in entries(cache_dir)


def test_an_invalid_edit_is_refused_despite_the_entry_of_its_valid_past(
    small_base: Path, cache_dir: Path
) -> None:
    assert run("sectors", "--facts", str(small_base)).stdout == SECTORS
    rewrite_keeping_size_and_mtime(small_base, '"kind": "policy"', '"kind": "polity"')
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.code) == ("", 3)
    assert result.stderr.startswith(f"Error: {small_base}: terms[0].kind: ")
    assert len(entries(cache_dir)) == 1


def test_a_base_alternating_between_two_contents_is_served_from_two_entries(
    small_base: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    label = (*LABEL, "--facts", str(small_base))
    for round_ in range(2):
        if round_ == 1:
            refuse_compiling(monkeypatch)  # both contents are compiled by now
        rewrite_keeping_size_and_mtime(small_base, "Weekly flights", "Weekly planes!")
        assert run(*label).stdout == "Weekly planes!\n"
        rewrite_keeping_size_and_mtime(small_base, "Weekly planes!", "Weekly flights")
        assert run(*label).stdout == "Weekly flights\n"
    assert len(entries(cache_dir)) == 2


# --- entries that must never be served ------------------------------------------------------------


def _edited(good: bytes, tmp_path: Path, sql: str) -> bytes:
    """The database ``good`` with ``sql`` run on it (a whole, consistent database file)."""
    copy = tmp_path / "edited.sqlite3"
    copy.write_bytes(good)
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        connection.execute(sql)
        connection.commit()
    return copy.read_bytes()


def _schema_damaged(good: bytes) -> bytes:
    """The first page (the schema) overwritten after the 100-byte file header."""
    page_size = int.from_bytes(good[16:18], "big")
    return good[:100] + b"\xa5" * (page_size - 100) + good[page_size:]


CORRUPTIONS: dict[str, Callable[[bytes, Path], bytes]] = {
    "zero-length": lambda good, tmp: b"",
    "header-only": lambda good, tmp: good[:100],
    "truncated": lambda good, tmp: good[: len(good) // 2],
    "padded": lambda good, tmp: good + bytes(4096),
    "garbage": lambda good, tmp: bytes(range(256)) * (len(good) // 256),
    "no-magic": lambda good, tmp: b"SQLite format 4\0" + good[16:],
    "incomplete": lambda good, tmp: _edited(
        good, tmp, "UPDATE meta SET value = 0 WHERE key = 'complete'"
    ),
    "unfinished": lambda good, tmp: _edited(good, tmp, "DELETE FROM meta WHERE key = 'complete'"),
    "no-key": lambda good, tmp: _edited(good, tmp, "DELETE FROM meta WHERE key = 'key'"),
    "no-meta-table": lambda good, tmp: _edited(good, tmp, "DROP TABLE meta"),
    "damaged-schema": lambda good, tmp: _schema_damaged(good),
    "other-format": lambda good, tmp: _edited(
        good, tmp, "UPDATE meta SET value = 999 WHERE key = 'format'"
    ),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupt_entry_is_a_miss_and_is_rebuilt(
    small_base: Path, tmp_path: Path, cache_dir: Path, corruption: str
) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    entry = entry_of(cache_dir, small_base)
    entry.write_bytes(CORRUPTIONS[corruption](entry.read_bytes(), tmp_path))
    corrupt = entry.stat().st_ino
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)
    assert list(cache_dir.iterdir()) == [entry]
    assert entry.stat().st_ino != corrupt  # a new database was renamed into place
    assert_finished_entry(entry)


def test_an_entry_of_another_base_renamed_to_this_key_is_never_served(
    small_base: Path, tmp_path: Path, cache_dir: Path
) -> None:
    other = other_base(tmp_path)
    assert run("sectors", "--facts", str(other)).stdout.startswith(
        "id\tname\tfact_count\naviation\tAir travel\t"
    )
    entry_of(cache_dir, other).replace(entry_of(cache_dir, small_base))
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.code) == (SECTORS, 0)
    assert entries(cache_dir) == [entry_of(cache_dir, small_base)]
    assert_finished_entry(entry_of(cache_dir, small_base))


def test_an_entry_that_is_a_link_is_replaced_not_written_through(
    small_base: Path, tmp_path: Path, cache_dir: Path
) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    entry = entry_of(cache_dir, small_base)
    elsewhere = tmp_path / "elsewhere.sqlite3"
    good = entry.read_bytes()
    elsewhere.write_bytes(good)
    entry.unlink()
    entry.symlink_to(elsewhere)
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)
    assert_finished_entry(entry)
    assert elsewhere.read_bytes() == good


def test_a_directory_at_the_entrys_name_is_a_miss_not_an_error(
    small_base: Path, cache_dir: Path
) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    entry = entry_of(cache_dir, small_base)
    entry.unlink()
    entry.mkdir()
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)


@pytest.mark.parametrize("kind", ["fifo", "symlink-to-dev-zero"])
def test_an_entry_that_never_ends_is_a_miss_without_a_hang(
    small_base: Path, cache_dir: Path, kind: str
) -> None:
    assert run("sectors", "--facts", str(small_base)).code == 0
    entry = entry_of(cache_dir, small_base)
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)
    else:
        entry.symlink_to("/dev/zero")
    done = ccifacts("sectors", "--facts", str(small_base))  # in a process: a hang times out
    assert (done.stdout, done.stderr, done.returncode) == (SECTORS, "", 0)
    assert_finished_entry(entry)


def _damage_all_but_the_meta(entry: Path) -> None:
    """Overwrite every page of the database but those of its schema and of the meta table, so
    that the entry opens and its meta says it is finished, and any other query fails."""
    uri = entry.as_uri() + "?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        try:
            kept = {
                page
                for (page,) in connection.execute(
                    "SELECT pageno FROM dbstat WHERE name IN ('sqlite_schema', 'meta')"
                )
            }
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to find the pages with")
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    assert 1 in kept
    data = bytearray(entry.read_bytes())
    for number in range(1, len(data) // page_size + 1):
        if number not in kept:
            data[(number - 1) * page_size : number * page_size] = b"\xa5" * page_size
    entry.write_bytes(bytes(data))


DAMAGED_QUERIES = {
    "get": (("get", "aviation.weekly-flights", "--field", "label"), "Weekly flights\n"),
    "sectors": (("sectors",), SECTORS),
    "search": (
        ("search", "flights", "--fields", "id", "--no-headers"),
        "aviation.weekly-flights\n",
    ),
    "list": (
        ("list", "--fields", "id", "--no-headers"),
        "aviation.weekly-flights\nfinance.settlement\n",
    ),
}


@pytest.mark.parametrize("command", list(DAMAGED_QUERIES))
def test_an_entry_found_damaged_mid_query_is_removed_and_the_base_compiled_again(
    small_base: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    args, expected = DAMAGED_QUERIES[command]
    assert run(*args, "--facts", str(small_base)).stdout == expected
    entry = entry_of(cache_dir, small_base)
    damaged_inode = entry.stat().st_ino
    _damage_all_but_the_meta(entry)
    forgotten: list[Path | None] = []
    forget = store.forget

    def spy(opened: store.Opened) -> None:
        forgotten.append(opened.entry)
        forget(opened)

    monkeypatch.setattr(store, "forget", spy)
    result = run(*args, "--facts", str(small_base))
    assert (result.stdout, result.stderr, result.code) == (expected, "", 0)
    assert forgotten == [entry]  # it opened as whole, and failed only when asked
    assert entry.stat().st_ino != damaged_inode
    assert_finished_entry(entry)
    with contextlib.closing(sqlite3.connect(entry.as_uri() + "?mode=ro", uri=True)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_damaged_entry_is_never_a_traceback_in_a_process(
    small_base: Path, cache_dir: Path
) -> None:
    assert run("get", "aviation.weekly-flights", "--json", "--facts", str(small_base)).code == 0
    _damage_all_but_the_meta(entry_of(cache_dir, small_base))
    done = ccifacts("get", "aviation.weekly-flights", "--json", "--facts", str(small_base))
    assert (done.stderr, done.returncode) == ("", 0)
    assert json.loads(done.stdout)["label"] == "Weekly flights"


# --- pruning in a shared folder -------------------------------------------------------------------


def test_pruning_removes_only_the_programs_own_files_in_a_shared_folder(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``CCIFACTS_CACHE_DIR=.`` in a project folder: the oldest databases and pointers beyond
    the ones kept, and temporary files of killed processes older than an hour, go; the
    project's files, even ones that look alike, stay."""
    shared = tmp_path / "project"
    shared.mkdir(mode=0o700)
    long_ago = time.time() - 7200
    theirs = {
        "package.json": b'{"name": "project"}',
        "notes.sqlite3": b"SQLite format 3\0 theirs",
        "x.json": b"{}",
        "README": b"read me",
        "old.json": b"[]",
        "A" * 64 + ".sqlite3": b"upper case is not ours",
        "0" * 64 + ".sqlite3.bak": b"a backup",
        "0" * 32 + ".pointer.txt": b"not a pointer",
        ".ccifacts-fresh.tmp": b"another process is writing this",
    }
    for name, data in theirs.items():
        (shared / name).write_bytes(data)
    os.utime(shared / "old.json", (long_ago, long_ago))
    os.utime(shared / ("A" * 64 + ".sqlite3"), (1, 1))
    stale = shared / ".ccifacts-0123abcd.tmp"
    stale.write_bytes(b"left by a killed process")
    os.utime(stale, (long_ago, long_ago))
    old_pointers = [shared / f"{digit * 32}.pointer" for digit in "123"]
    for age, pointer in enumerate(old_pointers):
        pointer.write_text("f" * 64 + "\n")
        os.utime(pointer, (1000 + age, 1000 + age))

    monkeypatch.setattr(store, "KEEP", 2)
    monkeypatch.setattr(store, "KEEP_POINTERS", 2)
    monkeypatch.chdir(shared)
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", ".")
    second = other_base(tmp_path, "Flying")
    third = other_base(tmp_path, "Air travel")

    assert run("sectors", "--facts", str(small_base)).stdout == SECTORS
    assert run("sectors", "--facts", str(second)).code == 0
    os.utime(entry_of(shared, small_base), (long_ago, long_ago))
    os.utime(entry_of(shared, second), (long_ago + 60, long_ago + 60))
    assert run("sectors", "--facts", str(small_base)).stdout == SECTORS  # used: kept
    assert run("sectors", "--facts", str(third)).code == 0  # compiled: prunes

    assert entries(shared) == sorted([entry_of(shared, small_base), entry_of(shared, third)])
    assert not stale.exists()
    assert pointers(shared) == old_pointers[1:]
    for name, data in theirs.items():
        assert (shared / name).read_bytes() == data, name


# --- cache directories that cannot be used --------------------------------------------------------


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757, 0o1777], ids=oct)
def test_a_cache_directory_others_can_write_is_refused(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    folder = tmp_path / "shared-cache"
    folder.mkdir()
    folder.chmod(mode)
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", str(folder))
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.code) == (SECTORS, 0)
    assert result.stderr == (
        f"note: not using the cache directory {folder}: other users can write to it "
        "(chmod go-w it, or set CCIFACTS_CACHE_DIR to a private directory)\n"
    )
    quiet = run("--quiet", "sectors", "--facts", str(small_base))
    assert (quiet.stdout, quiet.stderr, quiet.code) == (SECTORS, "", 0)
    assert list(folder.iterdir()) == []
    assert stat.S_IMODE(folder.stat().st_mode) == mode


def test_a_missing_cache_directory_is_created_private(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "new" / "ccifacts"
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", str(folder))
    assert run("sectors", "--facts", str(small_base)).stdout == SECTORS
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert entries(folder) == [entry_of(folder, small_base)]


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param(lambda folder: str(folder / "what?#100%25 done"), id="uri-characters"),
        pytest.param(
            lambda folder: "/" + str(folder),
            id="two-leading-slashes",
        ),
    ],
)
def test_a_cache_directory_of_any_name_is_used(
    small_base: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spelling: Callable[[Path], str],
) -> None:
    configured = spelling(tmp_path / "cache")
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", configured)
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)
    folder = Path(configured)
    assert entries(folder) == [entry_of(folder, small_base)]
    refuse_compiling(monkeypatch)
    assert run("sectors", "--facts", str(small_base)).stdout == SECTORS


def test_a_cache_directory_that_cannot_be_created_means_a_private_database(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = write(tmp_path / "a-file", "not a directory")
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", str(blocker / "ccifacts"))
    for _ in range(2):
        result = run("sectors", "--facts", str(small_base))
        assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)
    assert blocker.read_text() == "not a directory"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file", "small.json"]


def test_a_read_only_cache_directory_means_a_private_database(
    small_base: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root writes through chmod 555, so make creating files there fail as on a read-only mount.
    real_open = os.open

    def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_CREAT and Path(path).parent == cache_dir:
            raise OSError(30, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    for _ in range(2):
        result = run("sectors", "--facts", str(small_base))
        assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)
    assert list(cache_dir.iterdir()) == []


def test_an_empty_cache_variable_disables_the_cache(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("CCIFACTS_CACHE_DIR", "")
    for _ in range(2):
        result = run("sectors", "--facts", str(small_base))
        assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)
    summary = run("info", "--json", "--facts", str(small_base)).json()
    assert (summary["cache_dir"], summary["cached"]) == (None, False)
    assert list(home.iterdir()) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG applies on Linux")
def test_the_default_cache_directory_comes_from_platformdirs(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CCIFACTS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "xdg" / "ccifacts"
    summary = run("info", "--json", "--facts", str(small_base)).json()
    assert (summary["cache_dir"], summary["cached"]) == (str(folder), True)
    assert entries(folder) == [entry_of(folder, small_base)]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG applies on Linux")
def test_an_empty_home_does_not_send_the_cache_to_the_root(tmp_path: Path) -> None:
    # Asked of the code rather than by running a command: as root, a wrong answer would write
    # into /.cache, and a right one into the real user's cache.
    env = {k: v for k, v in os.environ.items() if k not in ("CCIFACTS_CACHE_DIR", "XDG_CACHE_HOME")}
    done = subprocess.run(
        [sys.executable, "-c", "from ccifacts import store; print(store.cache_dir())"],
        capture_output=True,
        text=True,
        env=env | {"HOME": ""},
        cwd=tmp_path,
        timeout=30,
        check=True,
    )
    home = pwd.getpwuid(os.getuid()).pw_dir
    assert done.stdout == f"{Path(home) / '.cache' / 'ccifacts'}\n"
    assert not done.stdout.startswith("/.cache")


def test_no_home_at_all_means_no_cache_not_a_crash(
    small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unknown_user(uid: int) -> Any:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.delenv("CCIFACTS_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")
    monkeypatch.setattr(pwd, "getpwuid", unknown_user)
    monkeypatch.chdir(tmp_path)
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.code) == (SECTORS, 0)


# --- large bases: pointers ------------------------------------------------------------------------


def wait_until_settled(path: Path) -> None:
    """Sleep until the file's last change is more than two seconds old (its ctime cannot be set
    back, which is the point of checking it)."""
    changed = max(path.stat().st_mtime, path.stat().st_ctime)
    time.sleep(max(0.0, changed + 2.2 - time.time()))


def test_a_large_base_changed_less_than_two_seconds_ago_gets_no_pointer(
    small_base: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "POINTER_MIN_BYTES", 64)  # the small base counts as large
    label = (*LABEL, "--facts", str(small_base))
    assert run(*label).stdout == "Weekly flights\n"
    assert entries(cache_dir) == [entry_of(cache_dir, small_base)]
    assert pointers(cache_dir) == []
    # An mtime set back does not make it settled: its change time still says now.
    os.utime(small_base, (time.time() - 3600, time.time() - 3600))
    assert run(*label).stdout == "Weekly flights\n"
    assert pointers(cache_dir) == []
    assert entries(cache_dir) == [entry_of(cache_dir, small_base)]


def test_a_large_base_is_found_again_through_a_pointer_that_a_change_never_reuses(
    aged_base: Path, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "POINTER_MIN_BYTES", 64)  # the small base counts as large
    label = (*LABEL, "--facts", str(aged_base))
    wait_until_settled(aged_base)
    assert run(*label).stdout == "Weekly flights\n"
    (pointer,) = pointers(cache_dir)
    key = entry_of(cache_dir, aged_base).name.removesuffix(".sqlite3")
    assert pointer.read_text() == f"{key}\n"

    # Found through the pointer: neither compiled nor even hashed again.
    with monkeypatch.context() as served:
        refuse_compiling(served)

        def no_hashing() -> Any:
            raise AssertionError("the large base was hashed despite its pointer")

        served.setattr(store, "new_digest", no_hashing)
        assert run(*label).stdout == "Weekly flights\n"

    # A pointer that is garbage, names a missing entry or is a FIFO is a miss, then rewritten.
    for damage in ("garbage", "missing entry", "fifo"):
        pointer.unlink()
        if damage == "fifo":
            os.mkfifo(pointer)
        else:
            pointer.write_text("zz\n" if damage == "garbage" else "0" * 64 + "\n")
        with deadline(10):
            result = run(*label)
        assert (result.stdout, result.stderr, result.code) == ("Weekly flights\n", "", 0)
        assert pointer.is_file(), damage
        assert pointer.read_text() == f"{key}\n", damage

    # Edited in place, same size and mtime (the change time moves): a fresh answer.
    rewrite_keeping_size_and_mtime(aged_base, "Weekly flights", "Weekly planes!")
    assert run(*label).stdout == "Weekly planes!\n"
    # Replaced by another file of the same size and mtime (a new inode): a fresh answer.
    before = aged_base.stat()
    replacement = tmp_path / "replacement.json"
    replacement.write_text(
        aged_base.read_text(encoding="utf-8").replace("Weekly planes!", "Weekly trains!"),
        encoding="utf-8",
    )
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    replacement.replace(aged_base)
    assert aged_base.stat().st_ino != before.st_ino
    assert run(*label).stdout == "Weekly trains!\n"
    assert pointers(cache_dir) == [pointer]  # the changed files are too fresh for pointers
    assert len(entries(cache_dir)) == 3


# --- processes at once, and killed ----------------------------------------------------------------


def test_two_processes_compiling_one_base_at_once_leave_one_entry(
    generated: Path, cache_dir: Path
) -> None:
    fact_id, label = last_fact(generated)
    command = [CCIFACTS, "get", fact_id, "--field", "label", "--facts", str(generated)]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for process in processes:
        stdout, stderr = process.communicate(timeout=60)
        assert (stdout, stderr, process.returncode) == (f"{label}\n", "", 0)
    assert entries(cache_dir) == [entry_of(cache_dir, generated)]
    assert_finished_entry(entry_of(cache_dir, generated))
    assert leftovers(cache_dir) == []


def test_a_process_killed_mid_compile_leaves_no_entry_that_is_used(
    generated: Path, cache_dir: Path
) -> None:
    fact_id, label = last_fact(generated)
    process = subprocess.Popen(
        [CCIFACTS, "get", fact_id, "--facts", str(generated)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started = time.monotonic()
        while not leftovers(cache_dir) and time.monotonic() - started < 20:
            time.sleep(0.01)
        time.sleep(0.2)
        assert process.poll() is None, "the compile ended before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert entries(cache_dir) == []
    # Even the half-written database, put where the entry goes, is not used.
    (half,) = leftovers(cache_dir)
    entry = entry_of(cache_dir, generated)
    half.replace(entry)
    result = run("get", fact_id, "--field", "label", "--facts", str(generated))
    assert (result.stdout, result.stderr, result.code) == (f"{label}\n", "", 0)
    assert entries(cache_dir) == [entry]
    assert_finished_entry(entry)


def test_an_entry_removed_by_another_process_right_after_it_is_stored_is_not_an_error(
    small_base: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prune = store._prune

    def with_another_process_pruning(folder: Path) -> None:
        prune(folder)
        for entry in entries(folder):  # as a process pruning after compiling newer bases does
            entry.unlink()

    monkeypatch.setattr(store, "_prune", with_another_process_pruning)
    result = run("sectors", "--facts", str(small_base))
    assert (result.stdout, result.stderr, result.code) == (SECTORS, "", 0)


# --- what a warm run spares -----------------------------------------------------------------------

PROBE = """
import json, sys
fast = sys.argv[1] == "fast"
made = []
if not fast:
    import typer.main
    make = typer.main.get_command_from_info
    def counted(info, **options):
        made.append(info.name)
        return make(info, **options)
    typer.main.get_command_from_info = counted
from ccifacts.cli import main
code = main(sys.argv[2:], fast=fast)
imported = sorted(n for n in ("pydantic", "rich", "typer") if n in sys.modules)
print(json.dumps({"code": code, "imported": imported, "made": made}), file=sys.stderr)
"""


def _probe(way: str, command: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, way, *command],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(done.stdout), json.loads(done.stderr)


def test_a_warm_run_imports_neither_pydantic_nor_rich_nor_typer(
    small_base: Path, cache_dir: Path
) -> None:
    command = ["get", "aviation.weekly-flights", "--json", "--facts", str(small_base)]
    cold_fact, cold = _probe("fast", command)
    assert cold_fact["label"] == "Weekly flights"
    assert cold["code"] == 0
    assert "pydantic" in cold["imported"]  # the probe sees what compiling needs
    assert len(entries(cache_dir)) == 1
    warm_fact, warm = _probe("fast", command)
    assert warm_fact == cold_fact
    # Typer's import alone is more than the rest of a warm run.
    assert (warm["code"], warm["imported"]) == (0, [])


def test_through_typer_a_warm_run_makes_only_its_own_command(
    small_base: Path, cache_dir: Path
) -> None:
    command = ["get", "aviation.weekly-flights", "--json", "--facts", str(small_base)]
    cold_fact, _ = _probe("typer", command)
    warm_fact, warm = _probe("typer", command)
    assert warm_fact == cold_fact
    # Typer would make the Click command of all twenty commands, a third of its run.
    assert warm == {"code": 0, "imported": ["typer"], "made": ["get"]}
