"""Behaviour pinned before the engine is rewritten (issue 9): each test here fails on a bug that was
seeded in the source and that the rest of the suite let through: TSV escaping of backslashes,
Markdown line breaks, the exit code of an unknown --field, the debug traceback, periods that end
before they start, ordinal suffixes, percent changes from a negative baseline, the phrase bonus
of search ranking, the printed JSON Schema, and a quiet Ctrl-C."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import ccifacts.db
from ccifacts import cli, model
from ccifacts.cli import core
from conftest import ROOT, minimal, run, write

HINT_SCHEMA = "Hint: Fix what is listed; `ccifacts schema` prints the format of a fact base.\n"


def fact(fact_id: str, **fields: Any) -> dict[str, Any]:
    """A valid fact of the small base's finance sector, with ``fields`` changed."""
    return {
        "id": fact_id,
        "sector": "finance",
        "kind": "metric",
        "label": f"Fact {fact_id}",
        "period": {"label": "2025", "start": "2025", "end": "2025"},
        "statement": "A statement.",
        "source": "test-source",
        **fields,
    }


def base_of(path: Path, *facts: dict[str, Any]) -> str:
    document = minimal()
    document["facts"] = list(facts)
    return str(write(path, document))


# --- 1. TSV doubles a backslash -------------------------------------------------------------------


def test_tsv_writes_a_backslash_as_two(tmp_path: Path) -> None:
    path = base_of(
        tmp_path / "facts.json",
        fact("windows.path", label=r"Saved to C:\data\new"),
        fact("plain.row", label="Nothing to escape"),
    )
    result = run("list", "--facts", path, "--format", "tsv", "--fields", "id,label")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == (
        "id\tlabel\nwindows.path\tSaved to C:\\\\data\\\\new\nplain.row\tNothing to escape\n"
    )


# --- 2. a newline in a Markdown cell is <br> ------------------------------------------------------


def test_markdown_writes_a_newline_in_a_cell_as_br(tmp_path: Path) -> None:
    path = base_of(
        tmp_path / "facts.json", fact("two.lines", statement="First line.\nSecond line.")
    )
    result = run("list", "--facts", path, "--format", "markdown", "--fields", "id,statement")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == (
        "| ID | Statement |\n| --- | --- |\n| two.lines | First line.<br>Second line. |\n"
    )


def test_a_newline_in_a_table_or_card_shows_as_an_escape_and_forges_no_line(
    tmp_path: Path,
) -> None:
    path = base_of(
        tmp_path / "facts.json",
        fact("two.lines", statement="First line.\nForged: 999 per week"),
    )
    fields = ("--fields", "id,statement", "--format", "table")
    listed = run("list", "--facts", path, *fields, env={"COLUMNS": "200"})
    card = run("get", "two.lines", "--facts", path, *fields, env={"COLUMNS": "200"})
    for result in (listed, card):
        assert (result.code, result.stderr) == (0, "")
        assert "First line.\\nForged: 999 per week" in result.stdout
        assert not any(line.startswith("Forged") for line in result.stdout.splitlines())


def test_a_card_title_wraps_between_words_not_inside_them() -> None:
    result = run("define", "NRA", "--fields", "id", "--format", "table", env={"COLUMNS": "80"})
    assert (result.code, result.stdout) == (0, "Non-Resident Account\nID  NRA\n")


# --- 3. get --field with an unknown field is a usage error --------------------------------------


def test_get_an_unknown_field_exits_2(small_base: Path) -> None:
    result = run("get", "aviation.weekly-flights", "--field", "nope", "--facts", str(small_base))
    assert result.code == 2
    assert result.stdout == ""
    # The option is --field, which takes one field and refuses "all": the message names it and
    # offers only what it takes.
    assert result.stderr == (
        "Error: unknown field 'nope' for --field\n"
        "Hint: Fact fields are: id, sector, kind, label, value, unit, qualifier, baseline, "
        "yoy_pct, period, statement, terms, said_by, source, section, headline, measure, "
        "baseline.value, baseline.label, period.label, period.start, period.end, period.as_of, "
        "or period.inferred.\n"
    )


def test_get_a_misspelt_field_suggests_the_closest(small_base: Path) -> None:
    result = run("get", "aviation.weekly-flights", "--field", "Lable", "--facts", str(small_base))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.endswith("\nHint: did you mean: label?\n")
    shown = run("get", "aviation.weekly-flights", "--field", "Label", "--facts", str(small_base))
    assert (shown.code, shown.stdout) == (0, "Weekly flights\n")


# --- 4. CCIFACTS_DEBUG=1 shows the traceback of an internal error -------------------------------


def _explode(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    raise RuntimeError("boom")


def test_an_internal_error_is_exit_4_and_with_debug_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ccifacts.db, "sectors", _explode)
    quiet = run("sectors")
    assert (quiet.code, quiet.stdout) == (4, "")
    assert quiet.stderr == (
        "Error: internal error: RuntimeError: boom\n"
        "Hint: This is a bug in ccifacts; please report it with the command you ran "
        "(CCIFACTS_DEBUG=1 shows the traceback).\n"
    )
    with pytest.raises(RuntimeError, match=r"^boom$"):
        run("sectors", env={"CCIFACTS_DEBUG": "1"})


def test_debug_prints_the_traceback_from_the_console_script(tmp_path: Path) -> None:
    # As a user runs it: main() lets the error out, and Python prints the traceback.
    script = textwrap.dedent(
        """
        import sys
        import ccifacts.db
        from ccifacts.cli import main

        def explode(connection):
            raise RuntimeError("boom")

        ccifacts.db.sectors = explode
        sys.exit(main(["sectors"]))
        """
    )
    env = {"CCIFACTS_CACHE_DIR": str(tmp_path), "PYTHONIOENCODING": "utf-8"}
    debug = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "CCIFACTS_DEBUG": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert debug.returncode == 1
    assert debug.stderr.startswith("Traceback (most recent call last):\n")
    assert "in explode\n" in debug.stderr
    assert debug.stderr.endswith("RuntimeError: boom\n")
    quiet = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert quiet.returncode == 4
    assert quiet.stderr.startswith("Error: internal error: RuntimeError: boom\nHint: ")
    assert "Traceback" not in quiet.stderr


# --- 5. a period that starts after it ends is refused -------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"), [("2025-03", "2024"), ("2025-03", "2025-01"), ("2025-01-02", "2025-01-01")]
)
def test_a_period_that_starts_after_it_ends_is_refused(
    tmp_path: Path, start: str, end: str
) -> None:
    period = {"label": "backwards", "start": start, "end": end}
    path = base_of(tmp_path / "facts.json", fact("backwards", period=period))
    result = run("validate", path)
    assert (result.code, result.stdout) == (3, "")
    assert result.stderr == (
        f"Error: {path}: facts[0].period: start {start} is after end {end}\n" + HINT_SCHEMA
    )


def test_a_period_within_one_year_or_month_is_valid(tmp_path: Path) -> None:
    # Only the precision both dates share is compared: March 2025 is within 2025.
    path = base_of(
        tmp_path / "facts.json",
        fact("in.year", period={"label": "March of 2025", "start": "2025-03", "end": "2025"}),
        fact("in.month", period={"label": "March", "start": "2025-03-31", "end": "2025-03"}),
    )
    result = run("validate", path, "--json")
    assert (result.code, result.stderr) == (0, "")
    assert result.json()["valid"] is True


# --- 6. ordinal suffixes ------------------------------------------------------------------------

ORDINALS = {
    1: "1st",
    2: "2nd",
    3: "3rd",
    4: "4th",
    11: "11th",
    12: "12th",
    13: "13th",
    21: "21st",
    22: "22nd",
    23: "23rd",
    101: "101st",
    111: "111th",
    112: "112th",
    113: "113th",
}


def test_ordinals_read_with_their_english_suffix(tmp_path: Path) -> None:
    facts = [fact(f"rank.n{n}", value=n, unit="ordinal") for n in ORDINALS]
    path = base_of(tmp_path / "facts.json", *facts)
    result = run("list", "--facts", path, "--format", "markdown", "--fields", "id,value")
    assert (result.code, result.stderr) == (0, "")
    rows = "".join(f"| rank.n{n} | {shown} |\n" for n, shown in ORDINALS.items())
    assert result.stdout == "| ID | Value |\n| --- | --- |\n" + rows


# --- 7. percent change keeps its sign from a negative baseline ----------------------------------


def change(fact_id: str, before: float, after: float, ratio: float, pct: float) -> dict[str, Any]:
    return {
        "id": fact_id,
        "sector": "finance",
        "label": f"Fact {fact_id}",
        "unit": "count",
        "qualifier": "exact",
        "basis": "before_after",
        "before": before,
        "before_label": "before",
        "after": after,
        "ratio": ratio,
        "change_pct": pct,
        "derived": ["ratio", "change_pct"],
        "period": {
            "label": "2025",
            "start": "2025",
            "end": "2025",
            "as_of": None,
            "inferred": False,
        },
    }


def test_percent_change_from_a_negative_baseline_has_the_sign_of_the_change(
    tmp_path: Path,
) -> None:
    def moved(fact_id: str, before: int, after: int) -> dict[str, Any]:
        baseline = {"value": before, "label": "before"}
        return fact(fact_id, value=after, unit="count", baseline=baseline)

    path = base_of(
        tmp_path / "facts.json",
        moved("loss.to.profit", -10, 5),  # up by 15 from -10: +150%
        moved("deeper.loss", -10, -20),  # down by 10 from -10: -100%
        moved("smaller.loss", -20, -5),  # up by 15 from -20: +75%
        moved("plain.drop", 20, 5),  # down by 15 from 20: -75%
    )
    result = run("changes", "--facts", path, "--json")
    assert (result.code, result.stderr) == (0, "")
    assert result.json() == [
        change("loss.to.profit", -10, 5, -0.5, 150.0),
        change("deeper.loss", -10, -20, 2.0, -100.0),
        change("smaller.loss", -20, -5, 0.25, 75.0),
        change("plain.drop", 20, 5, 0.25, -75.0),
    ]
    assert [row["change_pct"] for row in result.json()] == [150, -100, 75, -75]


# --- 8. search ranks the words as a phrase first ------------------------------------------------

ADJACENT = "A green corridor opened."
APART = "The corridor turned green."


def ranked(path: str) -> list[str]:
    result = run("search", "green", "corridor", "--facts", path, "--json")
    assert (result.code, result.stderr) == (0, "")
    return [found["id"] for found in result.json()]


def test_a_fact_with_the_words_as_a_phrase_ranks_first(tmp_path: Path) -> None:
    # The two facts differ only in whether the words stand together; the phrase fact comes
    # second in the base, and then first, so order in the base cannot decide the ranking.
    later = base_of(
        tmp_path / "later.json",
        fact("first.fact", statement=APART),
        fact("second.fact", statement=ADJACENT),
    )
    assert ranked(later) == ["second.fact", "first.fact"]
    earlier = base_of(
        tmp_path / "earlier.json",
        fact("first.fact", statement=ADJACENT),
        fact("second.fact", statement=APART),
    )
    assert ranked(earlier) == ["first.fact", "second.fact"]


# --- 9. ccifacts schema -------------------------------------------------------------------------


def test_schema_prints_the_models_json_schema_as_committed() -> None:
    result = run("schema")
    assert (result.code, result.stderr) == (0, "")
    printed = json.loads(result.stdout)
    assert printed == model.json_schema()
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert printed["$id"] == "https://ccifacts.invalid/facts.schema.json"
    assert printed["title"] == "ccifacts fact base"
    assert printed["type"] == "object"
    assert printed["additionalProperties"] is False
    assert printed["required"] == ["schema_version", "sources", "sectors", "facts"]
    assert set(printed["properties"]) == {
        "$schema",
        "schema_version",
        "sources",
        "sectors",
        "terms",
        "people",
        "measures",
        "synonyms",
        "facts",
    }
    assert printed["$defs"]["Fact"]["required"] == [
        "id",
        "sector",
        "kind",
        "label",
        "period",
        "statement",
        "source",
    ]
    assert printed["$defs"]["Fact"]["properties"]["unit"]["anyOf"][0]["enum"] == list(model.UNITS)
    # `ccifacts schema > facts.schema.json` regenerates the committed file byte for byte.
    assert result.stdout == (ROOT / "facts.schema.json").read_text(encoding="utf-8")
    assert run("schema", "--json").stdout == result.stdout


# --- 10. Ctrl-C ---------------------------------------------------------------------------------


def _interrupt(*_: object, **__: object) -> Any:
    raise KeyboardInterrupt


def _assert_quiet(stderr: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) <= 1 and all(len(line) <= 80 for line in lines), stderr
    assert "Traceback" not in stderr
    assert "Error" not in stderr


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("where", ["in a command", "around the command"])
def test_ctrl_c_exits_130_with_at_most_one_short_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: str, fast: bool
) -> None:
    if where == "in a command":
        monkeypatch.setattr(ccifacts.db, "sectors", _interrupt)
    else:
        monkeypatch.setattr(core, "app", _interrupt)
        monkeypatch.setattr(cli.fast, "run", _interrupt)
    assert cli.main(["sectors"], fast=fast) == 130
    captured = capsys.readouterr()
    assert captured.out == ""
    _assert_quiet(captured.err)


def test_ctrl_c_in_a_command_is_130_through_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ccifacts.db, "sectors", _interrupt)
    result = run("sectors")
    assert (result.code, result.stdout) == (130, "")
    _assert_quiet(result.stderr)
