"""Hostile set-ups of the hardening issue that are not about one output format: a standard output
that is closed or full, validation gaps (non-ASCII digits, numbers that underflow, unknown keys
of any name, an empty field name), runaway queries and problem counts, and TERM=dumb. Each case
runs through the CLI, most in a real process, as a user meets it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import minimal, run, write

CCIFACTS = str(Path(sys.executable).with_name("ccifacts"))
FULL = (
    "Error: cannot write the output: no space left on device\nHint: Check where the output goes.\n"
)


def shell(command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CCIFACTS_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_a_closed_stdout_is_one_error_and_exit_5(tmp_path: Path) -> None:
    result = shell(f"'{CCIFACTS}' get aviation.weekly-flights --value >&-", tmp_path)
    assert result.returncode == 5
    assert result.stderr == (
        "Error: standard output is closed\nHint: Give the command somewhere to write.\n"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "args",
    ["--help", "--version", "sector --help", "", "list", "get aviation.weekly-flights --json"],
)
def test_a_full_disk_is_one_error_and_exit_5(args: str, tmp_path: Path) -> None:
    result = shell(f"'{CCIFACTS}' {args} > /dev/full", tmp_path)
    assert (result.returncode, result.stderr) == (5, FULL)


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    result = shell(f"'{CCIFACTS}' list --format table --limit 0 | head -1", tmp_path)
    assert result.returncode == 0
    assert result.stdout == "Facts\n"
    assert result.stderr == ""


def refused(tmp_path: Path, document: object) -> str:
    path = write(tmp_path / "base.json", document)
    result = run("validate", str(path))
    assert result.code == 3, result.stdout
    return result.stderr.removeprefix(f"Error: {path}: ")


def test_dates_in_other_digits_are_refused(tmp_path: Path) -> None:
    base = minimal()
    base["facts"][0]["period"]["start"] = "\uff12\uff10\uff12\uff15"  # full-width 2025
    assert refused(tmp_path, base) == (
        "facts[0].period.start: a date is written YYYY, YYYY-MM or YYYY-MM-DD, in ASCII digits "
        "(got '\uff12\uff10\uff12\uff15')\n"
        "Hint: Fix what is listed; `ccifacts schema` prints the format of a fact base.\n"
    )


def test_a_number_too_small_to_hold_is_refused(tmp_path: Path) -> None:
    text = json.dumps(minimal()).replace('"value": 24', '"value": 1e-400')
    assert refused(tmp_path, text) == (
        "facts[0].value: 1e-400 is too small for a number (it is not 0)\n"
        "Hint: Write plain JSON: finite numbers, unique keys, whole characters.\n"
    )


@pytest.mark.parametrize("key", ["int", "str", "float", "bool", "a[b", "function-plain"])
def test_an_unknown_key_is_named_whatever_it_is_called(key: str, tmp_path: Path) -> None:
    base = minimal()
    base["facts"][1][key] = 1
    assert refused(tmp_path, base).startswith(
        f"facts[1].{key}: unknown key (not part of the format; check its spelling)\n"
    )


def test_an_empty_field_name_is_a_usage_error() -> None:
    result = run("get", "aviation.weekly-flights", "--field", "")
    assert result.code == 2
    assert result.stderr == (
        "Error: --field needs a field name\nHint: Try: --field value, --field period.end\n"
    )


def test_a_base_of_many_broken_facts_lists_a_thousand_problems_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    base = minimal()
    base["facts"] = [{}] * 20_000  # each fact misses its 7 required keys
    stderr = refused(tmp_path, base)
    lines = stderr.splitlines()
    assert lines[0] == "140,000 problems; the first 1,000 are listed"
    assert lines[1] == (
        "  facts[0].id, facts[0].sector, facts[0].kind and 997 more: required key is missing"
    )
    assert lines[2] == "  ... and 139,000 more"
    assert len(stderr) < 2000


def test_a_word_given_many_times_is_looked_for_once(small_base: Path) -> None:
    once = run("search", "weekly", "--json", "--facts", str(small_base))
    many = run("search", *["weekly"] * 50, "--json", "--facts", str(small_base))
    assert many.json() == once.json() != []
    assert many.stderr == ""


def test_a_query_of_thousands_of_words_looks_for_the_first_24(small_base: Path) -> None:
    words = ["weekly"] + [f"word{n}x" for n in range(3000)]
    result = run("search", *words, "--json", "--facts", str(small_base))
    assert result.code == 0
    assert "note: only the first 24 words of the query are looked for\n" in result.stderr


@pytest.mark.parametrize(
    ("env", "coloured"),
    [
        ({"TERM": "dumb"}, False),
        ({"TERM": "xterm"}, True),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, False),
    ],
)
def test_term_dumb_gets_no_colour(
    env: dict[str, str], coloured: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ccifacts.cli.output.stdout_is_terminal", lambda: True)
    result = run("sectors", env=env)
    assert result.code == 0
    assert ("\x1b[" in result.stdout) is coloured


def test_colour_always_overrides_term_dumb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ccifacts.cli.output.stdout_is_terminal", lambda: True)
    result = run("sectors", "--color", "always", env={"TERM": "dumb"})
    assert "\x1b[" in result.stdout
