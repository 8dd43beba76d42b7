"""Output for people and for pipes: every listing command in every --format (auto, table, json,
jsonl, csv, tsv, markdown) with the shared --json, --fields, --no-headers and --color options;
exact JSON, JSON Lines, CSV and TSV of the small fact base; RFC 4180 quoting and one-line TSV
records; auto turning into a coloured table on a terminal and into TSV in a pipe, with NO_COLOR,
FORCE_COLOR and --color deciding colour; search highlighting; bare values from get; the
OutputFormat enum against its renderers; the installed console script writing into a pipe that
closes early, under a C or ASCII locale; and shell completion of sectors, ids, terms, kinds and
fields, both through the callbacks and through a real completion request."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

import ccifacts
from ccifacts import complete, kinds, views
from ccifacts.cli import app, output
from ccifacts.formats import OutputFormat
from ccifacts.render import renderer_for, to_text
from conftest import minimal, run, write

ANSI = "\x1b["
ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")
# The rule under a table's headings: one run of U+2500 per column, two spaces apart.
TABLE_RULE = re.compile(r"^\u2500+(?:  \u2500+)*$", re.MULTILINE)
FORMATS = [member.value for member in OutputFormat]
DATA_FORMATS = ["json", "jsonl", "csv", "tsv", "markdown"]
LISTING_COMMANDS = [
    ("list",),
    ("sector", "aviation"),
    ("search", "ILSTC"),
    ("sectors",),
    ("terms",),
    ("people",),
    ("sources",),
    ("timeline",),
    ("changes",),
    ("summary",),
]
COMMAND_IDS = [command[0] for command in LISTING_COMMANDS]
NON_ASCII_LABEL = "Chongqing–Singapore 重庆"

# `ccifacts list --facts small.json --json`, exactly.
SMALL_LIST_JSON = """\
[
  {
    "id": "aviation.weekly-flights",
    "sector": "aviation",
    "kind": "metric",
    "label": "Weekly flights",
    "value": 24,
    "unit": "per_week",
    "qualifier": "exact",
    "baseline": {
      "value": 5,
      "label": "at launch"
    },
    "yoy_pct": null,
    "period": {
      "label": "2025",
      "start": "2025",
      "end": "2025",
      "as_of": null,
      "inferred": false
    },
    "statement": "Flights rose from 5 to 24 a week.",
    "terms": [],
    "said_by": "ann-lee",
    "source": "test-source",
    "section": "body",
    "headline": true,
    "measure": null
  },
  {
    "id": "finance.settlement",
    "sector": "finance",
    "kind": "metric",
    "label": "Settlement, via NRA",
    "value": 400000000,
    "unit": "RMB",
    "qualifier": "more_than",
    "baseline": null,
    "yoy_pct": 12.5,
    "period": {
      "label": "as of 2025",
      "start": null,
      "end": null,
      "as_of": "2025-11-10",
      "inferred": true
    },
    "statement": "More than RMB 400 million was settled.",
    "terms": [
      "NRA"
    ],
    "said_by": null,
    "source": "test-source",
    "section": null,
    "headline": false,
    "measure": null
  }
]
"""
SMALL_LIST_JSONL = (
    '{"id":"aviation.weekly-flights","sector":"aviation","kind":"metric",'
    '"label":"Weekly flights","value":24,"unit":"per_week","qualifier":"exact",'
    '"baseline":{"value":5,"label":"at launch"},"yoy_pct":null,'
    '"period":{"label":"2025","start":"2025","end":"2025","as_of":null,"inferred":false},'
    '"statement":"Flights rose from 5 to 24 a week.","terms":[],"said_by":"ann-lee",'
    '"source":"test-source","section":"body","headline":true,"measure":null}\n'
    '{"id":"finance.settlement","sector":"finance","kind":"metric",'
    '"label":"Settlement, via NRA","value":400000000,"unit":"RMB","qualifier":"more_than",'
    '"baseline":null,"yoy_pct":12.5,'
    '"period":{"label":"as of 2025","start":null,"end":null,"as_of":"2025-11-10",'
    '"inferred":true},'
    '"statement":"More than RMB 400 million was settled.","terms":["NRA"],"said_by":null,'
    '"source":"test-source","section":null,"headline":false,"measure":null}\n'
)
SMALL_LIST_CSV = (
    b"id,sector,label,value,unit,qualifier,period.label\r\n"
    b"aviation.weekly-flights,aviation,Weekly flights,24,per_week,exact,2025\r\n"
    b'finance.settlement,finance,"Settlement, via NRA",400000000,RMB,more_than,as of 2025\r\n'
)
SMALL_LIST_TSV = (
    "id\tsector\tlabel\tvalue\tunit\tqualifier\tperiod.label\n"
    "aviation.weekly-flights\taviation\tWeekly flights\t24\tper_week\texact\t2025\n"
    "finance.settlement\tfinance\tSettlement, via NRA\t400000000\tRMB\tmore_than\tas of 2025\n"
)
FACT_FIELDS = [
    "id",
    "sector",
    "kind",
    "label",
    "value",
    "unit",
    "qualifier",
    "baseline",
    "yoy_pct",
    "period",
    "statement",
    "terms",
    "said_by",
    "source",
    "section",
    "headline",
    "measure",
]
UNKNOWN_FIELD_ERROR = (
    "Error: unknown field 'nope' for --fields\n"
    "Hint: Fact fields are: id, sector, kind, label, value, unit, qualifier, baseline, yoy_pct, "
    "period, statement, terms, said_by, source, section, headline, measure, baseline.value, "
    "baseline.label, period.label, period.start, period.end, period.as_of, period.inferred, "
    "or all.\n"
)


# --- helpers -----------------------------------------------------------------------------------


def base_with_labels(tmp_path: Path, *labels: str) -> Path:
    """The small fact base with its facts relabelled, in order."""
    document = minimal()
    for fact, label in zip(document["facts"], labels, strict=False):
        fact["label"] = label
    return write(tmp_path / "labelled.json", document)


def stdout_bytes(*args: str) -> bytes:
    """What ``ccifacts ARGS`` wrote to stdout, byte for byte (``run`` folds CRLF into LF)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)


def check_json(stdout: str) -> None:
    records = json.loads(stdout)
    assert isinstance(records, list)
    assert records
    assert all(isinstance(record, dict) for record in records)


def check_jsonl(stdout: str) -> None:
    assert stdout.endswith("\n")
    lines = stdout.splitlines()
    assert lines
    assert all(isinstance(json.loads(line), dict) for line in lines)


def check_csv(stdout: str) -> None:
    rows = csv_rows(stdout)
    assert len(rows) >= 2
    assert "id" in rows[0]
    assert {len(row) for row in rows} == {len(rows[0])}


def check_tsv(stdout: str) -> None:
    lines = stdout.splitlines()
    assert len(lines) >= 2
    assert lines[0].split("\t")[0] == "id"
    assert {line.count("\t") for line in lines} == {lines[0].count("\t")}
    assert ANSI not in stdout


def check_markdown(stdout: str) -> None:
    lines = stdout.splitlines()
    assert len(lines) >= 3
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert re.fullmatch(r"\|( --- \|)+", lines[1])


def check_table(stdout: str) -> None:
    assert stdout.strip()
    assert TABLE_RULE.search(stdout)
    assert ANSI not in stdout


CHECKS: dict[str, Callable[[str], None]] = {
    "auto": check_tsv,
    "table": check_table,
    "json": check_json,
    "jsonl": check_jsonl,
    "csv": check_csv,
    "tsv": check_tsv,
    "markdown": check_markdown,
}


# --- every listing command, every format (bundled fact base) ----------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", LISTING_COMMANDS, ids=COMMAND_IDS)
def test_every_listing_command_speaks_every_format(command: tuple[str, ...], fmt: str) -> None:
    result = run(*command, "--format", fmt)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    CHECKS[fmt](result.stdout)


@pytest.mark.parametrize("command", LISTING_COMMANDS, ids=COMMAND_IDS)
def test_json_flag_and_short_format_option_equal_format_json(command: tuple[str, ...]) -> None:
    long_form = run(*command, "--format", "json")
    assert long_form.code == 0
    assert run(*command, "--json").stdout == long_form.stdout
    assert run(*command, "-f", "json").stdout == long_form.stdout


@pytest.mark.parametrize("command", LISTING_COMMANDS, ids=COMMAND_IDS)
def test_auto_in_a_pipe_is_exactly_the_tsv(command: tuple[str, ...]) -> None:
    assert run(*command).stdout == run(*command, "--format", "tsv").stdout


@pytest.mark.parametrize("command", LISTING_COMMANDS, ids=COMMAND_IDS)
def test_every_listing_command_takes_the_shared_options(command: tuple[str, ...]) -> None:
    ids = [record["id"] for record in run(*command, "--json").json()]
    result = run(*command, "--fields", "id", "-f", "csv", "--no-headers", "--color", "never")
    assert result.code == 0, result.stderr
    assert result.stdout == "".join(f"{record_id}\n" for record_id in ids)


# --- exact output of the small fact base -------------------------------------------------------


def test_list_json_of_the_small_base_is_exact(small_base: Path) -> None:
    assert run("list", "--facts", str(small_base), "--json").stdout == SMALL_LIST_JSON


def test_list_jsonl_of_the_small_base_is_exact(small_base: Path) -> None:
    assert run("list", "--facts", str(small_base), "-f", "jsonl").stdout == SMALL_LIST_JSONL


def test_list_csv_of_the_small_base_is_exact_with_crlf(small_base: Path) -> None:
    assert stdout_bytes("list", "--facts", str(small_base), "-f", "csv") == SMALL_LIST_CSV


def test_list_tsv_of_the_small_base_is_exact(small_base: Path) -> None:
    assert run("list", "--facts", str(small_base), "-f", "tsv").stdout == SMALL_LIST_TSV


def test_json_keeps_numbers_as_numbers_and_has_no_nan(small_base: Path) -> None:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} is not JSON")

    records = json.loads(
        run("list", "--facts", str(small_base), "--json").stdout, parse_constant=refuse
    )
    assert [type(record["value"]) for record in records] == [int, int]
    assert records[1]["yoy_pct"] == 12.5
    assert records[0]["baseline"] == {"value": 5, "label": "at launch"}


@pytest.mark.parametrize(
    ("fmt", "written"),
    [("json", f'"label": "{NON_ASCII_LABEL}",'), ("jsonl", f'"label":"{NON_ASCII_LABEL}",')],
)
def test_json_writes_utf8_text_unescaped(tmp_path: Path, fmt: str, written: str) -> None:
    base = base_with_labels(tmp_path, NON_ASCII_LABEL)
    result = run("list", "--facts", str(base), "--format", fmt)
    assert result.code == 0
    assert written in result.stdout
    assert "\\u" not in result.stdout


@pytest.mark.parametrize(("fmt", "expected"), [("json", "[]\n"), ("jsonl", ""), ("table", "")])
def test_an_empty_result_is_empty_output_and_a_note(
    small_base: Path, fmt: str, expected: str
) -> None:
    result = run("list", "--facts", str(small_base), "--kind", "plan", "--format", fmt)
    assert (result.code, result.stdout, result.stderr) == (
        0,
        expected,
        "no facts match the filters\n",
    )


def test_the_json_contract_lists_every_key_of_a_fact_in_order() -> None:
    """docs/json.md is what scripts are written against: its table of a fact's keys must be
    what `get --json` prints, no key missing, none extra."""
    contract = (Path(__file__).resolve().parents[1] / "docs" / "json.md").read_text()
    section = contract.split("## Fact", 1)[1].split("##", 1)[0]
    documented = re.findall(r"^\| `(\w+)` \|", section, re.MULTILINE)
    result = run("get", "aviation.weekly-flights", "--json")
    assert (result.code, documented) == (0, list(json.loads(result.stdout)))


# --- --fields and --no-headers ------------------------------------------------------------------


def test_fields_select_and_order_json_keys(small_base: Path) -> None:
    result = run("list", "--facts", str(small_base), "--json", "--fields", "value,id,label")
    assert result.stdout == (
        "[\n"
        '  {\n    "value": 24,\n    "id": "aviation.weekly-flights",\n'
        '    "label": "Weekly flights"\n  },\n'
        '  {\n    "value": 400000000,\n    "id": "finance.settlement",\n'
        '    "label": "Settlement, via NRA"\n  }\n'
        "]\n"
    )


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            "jsonl",
            '{"value":24,"id":"aviation.weekly-flights","label":"Weekly flights"}\n'
            '{"value":400000000,"id":"finance.settlement","label":"Settlement, via NRA"}\n',
        ),
        (
            "csv",
            "value,id,label\n"
            "24,aviation.weekly-flights,Weekly flights\n"
            '400000000,finance.settlement,"Settlement, via NRA"\n',
        ),
        (
            "tsv",
            "value\tid\tlabel\n"
            "24\taviation.weekly-flights\tWeekly flights\n"
            "400000000\tfinance.settlement\tSettlement, via NRA\n",
        ),
        (
            "markdown",
            "| Value | ID | Label |\n"
            "| --- | --- | --- |\n"
            "| 24 per week | aviation.weekly-flights | Weekly flights |\n"
            "| more than RMB 400 million | finance.settlement | Settlement, via NRA |\n",
        ),
    ],
)
def test_fields_select_and_order_columns(small_base: Path, fmt: str, expected: str) -> None:
    result = run("list", "--facts", str(small_base), "-f", fmt, "--fields", "value,id,label")
    assert result.stdout == expected


def test_fields_select_and_order_table_columns(small_base: Path) -> None:
    result = run("list", "--facts", str(small_base), "-f", "table", "--fields", "value,id,label")
    header = result.stdout.splitlines()[1]
    assert re.split(r"\s{2,}", header.strip()) == ["Value", "ID", "Label"]
    assert "Period" not in result.stdout


def test_dotted_fields_nest_in_json(small_base: Path) -> None:
    result = run(
        "list", "--facts", str(small_base), "--json", "--fields", "id,baseline.value,period.end"
    )
    assert result.json() == [
        {"id": "aviation.weekly-flights", "baseline": {"value": 5}, "period": {"end": "2025"}},
        {"id": "finance.settlement", "baseline": {"value": None}, "period": {"end": None}},
    ]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            "csv",
            "id,baseline.value,period.end\naviation.weekly-flights,5,2025\nfinance.settlement,,\n",
        ),
        (
            "tsv",
            "id\tbaseline.value\tperiod.end\n"
            "aviation.weekly-flights\t5\t2025\n"
            "finance.settlement\t\t\n",
        ),
    ],
)
def test_dotted_fields_are_columns_in_csv_and_tsv(
    small_base: Path, fmt: str, expected: str
) -> None:
    result = run(
        "list", "--facts", str(small_base), "-f", fmt, "--fields", "id,baseline.value,period.end"
    )
    assert result.stdout == expected


def test_fields_all_gives_every_field(small_base: Path) -> None:
    as_json = run("list", "--facts", str(small_base), "--json", "--fields", "all").json()
    assert [list(record) for record in as_json] == [FACT_FIELDS, FACT_FIELDS]
    as_csv = run("list", "--facts", str(small_base), "-f", "csv", "--fields", "all").stdout
    assert csv_rows(as_csv)[0] == FACT_FIELDS
    assert csv_rows(as_csv)[1][FACT_FIELDS.index("baseline")] == '{"value":5,"label":"at launch"}'


@pytest.mark.parametrize("fmt", [*FORMATS])
def test_an_unknown_field_is_a_usage_error_listing_the_valid_ones(
    small_base: Path, fmt: str
) -> None:
    result = run("list", "--facts", str(small_base), "-f", fmt, "--fields", "id,nope")
    assert (result.code, result.stdout, result.stderr) == (2, "", UNKNOWN_FIELD_ERROR)


@pytest.mark.parametrize(
    ("command", "fields", "suggestion"),
    [("list", "id,lable", "label"), ("sectors", "nme", "name"), ("list", "valeu", "value")],
)
def test_a_misspelt_field_suggests_the_closest(
    small_base: Path, command: str, fields: str, suggestion: str
) -> None:
    result = run(command, "--facts", str(small_base), "--fields", fields)
    wrong = fields.split(",")[-1]
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: unknown field '{wrong}' for --fields\nHint: did you mean: {suggestion}?\n"
    )


def test_field_names_ignore_case(small_base: Path) -> None:
    result = run("list", "--facts", str(small_base), "-f", "csv", "--fields", "ID,Value,Period.End")
    assert result.stdout == (
        "id,value,period.end\naviation.weekly-flights,24,2025\nfinance.settlement,400000000,\n"
    )


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", SMALL_LIST_CSV.decode().replace("\r\n", "\n").split("\n", 1)[1]),
        ("tsv", SMALL_LIST_TSV.split("\n", 1)[1]),
    ],
)
def test_no_headers_leaves_out_the_header_row(small_base: Path, fmt: str, expected: str) -> None:
    result = run("list", "--facts", str(small_base), "-f", fmt, "--no-headers")
    assert result.stdout == expected


@pytest.mark.parametrize(
    ("fmt", "why"),
    [
        ("markdown", "a Markdown table needs its header"),
        ("json", "json has no header row"),
        ("jsonl", "jsonl has no header row"),
    ],
)
def test_no_headers_where_there_is_no_header_row_is_refused(
    small_base: Path, fmt: str, why: str
) -> None:
    result = run("list", "--facts", str(small_base), "-f", fmt, "--no-headers")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: --no-headers does not apply: {why}\nHint: Use it with table, csv or tsv.\n"
    )


# --- CSV and TSV with awkward values ------------------------------------------------------------


def test_csv_quotes_commas_quotes_and_newlines_and_round_trips(tmp_path: Path) -> None:
    awkward = 'Say "hi", then\nleave'
    base = base_with_labels(tmp_path, awkward)
    raw = stdout_bytes("list", "--facts", str(base), "-f", "csv", "--fields", "id,label")
    assert raw == (
        b"id,label\r\n"
        b'aviation.weekly-flights,"Say ""hi"", then\nleave"\r\n'
        b'finance.settlement,"Settlement, via NRA"\r\n'
    )
    rows = csv_rows(raw.decode("utf-8"))
    assert rows == [
        ["id", "label"],
        ["aviation.weekly-flights", awkward],
        ["finance.settlement", "Settlement, via NRA"],
    ]


def test_tsv_writes_tabs_and_newlines_in_values_as_escapes(tmp_path: Path) -> None:
    base = base_with_labels(tmp_path, "Tab\there", "Line\nbreak")
    result = run("list", "--facts", str(base), "-f", "tsv", "--fields", "id,label")
    assert result.stdout == (
        "id\tlabel\naviation.weekly-flights\tTab\\there\nfinance.settlement\tLine\\nbreak\n"
    )


def test_markdown_escapes_pipes_so_each_row_keeps_its_cells(tmp_path: Path) -> None:
    base = base_with_labels(tmp_path, "A | B")
    result = run("list", "--facts", str(base), "-f", "markdown", "--fields", "id,label")
    assert result.stdout.splitlines()[2] == "| aviation.weekly-flights | A \\| B |"


# --- auto, table width and colour ---------------------------------------------------------------


def test_auto_in_a_pipe_is_tsv_without_colour(small_base: Path) -> None:
    result = run("list", "--facts", str(small_base))
    assert result.stdout == SMALL_LIST_TSV


def test_auto_on_a_terminal_is_a_coloured_table(
    small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_a_terminal(monkeypatch)
    result = run("list", "--facts", str(small_base))
    assert result.code == 0
    assert TABLE_RULE.search(result.stdout)
    assert ANSI in result.stdout
    assert "\t" not in result.stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [
        ((), {"NO_COLOR": "1"}),
        (("--color", "never"), {}),
        (("--color", "never"), {"FORCE_COLOR": "1"}),
    ],
    ids=["NO_COLOR", "never", "never-beats-FORCE_COLOR"],
)
def test_a_table_on_a_terminal_without_colour(
    small_base: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
) -> None:
    on_a_terminal(monkeypatch)
    result = run("list", "--facts", str(small_base), *args, env=env)
    assert TABLE_RULE.search(result.stdout)
    assert ANSI not in result.stdout


def test_a_table_on_a_terminal_fits_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_a_terminal(monkeypatch)
    base = base_with_labels(tmp_path, "Weekly flights " + "between two cities " * 8)
    # Columns named with --fields are never left out: the label wraps to fill the width.
    args = ("--fields", "id,label", "--color", "never")
    result = run("list", "--facts", str(base), *args, env={"COLUMNS": "60"})
    assert max(len(line) for line in result.stdout.splitlines()) == 60


def test_a_piped_table_is_drawn_at_full_width(tmp_path: Path) -> None:
    label = "Weekly flights " + "between Chongqing and Singapore " * 4
    assert len(label) > 120
    base = base_with_labels(tmp_path, label)
    result = run("list", "--facts", str(base), "--format", "table")
    assert any(len(line) > 120 and label in line for line in result.stdout.splitlines())


def test_a_piped_table_takes_the_width_columns_names(tmp_path: Path) -> None:
    label = "Weekly flights " + "between Chongqing and Singapore " * 4
    base = base_with_labels(tmp_path, label)
    args = ("--format", "table", "--fields", "id,label")
    result = run("list", "--facts", str(base), *args, env={"COLUMNS": "80"})
    assert max(len(line) for line in result.stdout.splitlines()) == 80
    assert label not in result.stdout  # wrapped


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ((), {}, False),
        (("--color", "auto"), {}, False),
        (("--color", "always"), {}, True),
        (("--color", "never"), {}, False),
        ((), {"NO_COLOR": "1"}, False),
        ((), {"FORCE_COLOR": "1"}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
    ],
    ids=[
        "piped",
        "auto",
        "always",
        "never",
        "NO_COLOR",
        "FORCE_COLOR",
        "never-beats-FORCE_COLOR",
        "always-beats-NO_COLOR",
    ],
)
def test_colour_of_a_piped_table(
    small_base: Path, args: tuple[str, ...], env: dict[str, str], coloured: bool
) -> None:
    result = run("list", "--facts", str(small_base), "-f", "table", *args, env=env)
    assert result.code == 0
    assert (ANSI in result.stdout) is coloured
    plain = run("list", "--facts", str(small_base), "-f", "table", "--color", "never").stdout
    assert [line.rstrip() for line in ANSI_STYLE.sub("", result.stdout).splitlines()] == [
        line.rstrip() for line in plain.splitlines()
    ]


@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_data_formats_never_carry_colour(
    small_base: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    on_a_terminal(monkeypatch)
    result = run("search", "weekly", "--facts", str(small_base), "-f", fmt, "--color", "always")
    assert result.code == 0
    assert "aviation.weekly-flights" in result.stdout
    assert ANSI not in result.stdout


# --- search highlighting ------------------------------------------------------------------------


def test_search_highlights_the_matched_word_when_coloured(small_base: Path) -> None:
    result = run("search", "weekly", "--facts", str(small_base), "-f", "table", "--color", "always")
    assert re.search(r"\x1b\[[0-9;]+mWeekly\x1b\[0m flights", result.stdout)
    listed = run("list", "--facts", str(small_base), "-f", "table", "--color", "always")
    assert "m  Weekly flights " in listed.stdout  # just after the id's style ends


def test_search_highlights_on_a_terminal_by_default(
    small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_a_terminal(monkeypatch)
    result = run("search", "weekly", "--facts", str(small_base), env={"COLUMNS": "120"})
    assert re.search(r"\x1b\[[0-9;]+mWeekly\x1b\[0m flights", result.stdout)


@pytest.mark.parametrize(
    ("args", "env"),
    [(("--color", "never"), {}), ((), {}), ((), {"NO_COLOR": "1"})],
    ids=["never", "piped", "NO_COLOR"],
)
def test_search_does_not_highlight_without_colour(
    small_base: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    result = run("search", "weekly", "--facts", str(small_base), "-f", "table", *args, env=env)
    assert "aviation.weekly-flights  Weekly flights  " in result.stdout
    assert ANSI not in result.stdout


# --- get: bare values and single records --------------------------------------------------------


@pytest.mark.parametrize("flag", ["--value", "-r", "--raw"])
def test_get_value_prints_one_number(flag: str) -> None:
    result = run("get", "aviation.weekly-flights", flag)
    assert (result.code, result.stdout, result.stderr) == (0, "24\n", "")


def test_get_field_prints_a_nested_value() -> None:
    result = run("get", "aviation.weekly-flights", "--field", "baseline.value")
    assert (result.code, result.stdout) == (0, "5\n")


def test_get_json_is_one_object() -> None:
    record = run("get", "aviation.weekly-flights", "--json").json()
    assert isinstance(record, dict)
    assert (record["id"], record["value"]) == ("aviation.weekly-flights", 24)
    assert list(record) == FACT_FIELDS


def test_get_several_ids_prints_a_list_in_json(small_base: Path) -> None:
    args = ("get", "finance.settlement", "aviation.weekly-flights", "--facts", str(small_base))
    result = run(*args, "--json", "--fields", "id,value")
    assert result.json() == [
        {"id": "finance.settlement", "value": 400000000},
        {"id": "aviation.weekly-flights", "value": 24},
    ]
    assert run(*args, "--value").stdout == "400000000\n24\n"
    tsv = run(*args, "-f", "tsv", "--fields", "id,value", "--no-headers")
    assert tsv.stdout == "finance.settlement\t400000000\naviation.weekly-flights\t24\n"


def test_get_dash_reads_the_ids_from_stdin(small_base: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["get", "-", "--facts", str(small_base), "--value"],
        input="finance.settlement\naviation.weekly-flights\n",
        catch_exceptions=False,
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, "400000000\n24\n", "")
    empty = CliRunner().invoke(
        app, ["get", "-", "--facts", str(small_base)], input="", catch_exceptions=False
    )
    assert (empty.exit_code, empty.stdout) == (2, "")
    assert empty.stderr == "Error: no ids on standard input\nHint: Give one fact id a line.\n"


def test_get_value_of_several_ids_keeps_one_line_a_fact(small_base: Path) -> None:
    """A fact without a value gets an empty line, so the lines still match the ids (the
    first aviation fact of the bundled base, the air corridor, has none)."""
    ids = run("list", "--sector", "aviation", "--fields", "id", "--limit", "3", "-f", "tsv")
    listed = ids.stdout.splitlines()[1:]
    result = CliRunner().invoke(
        app, ["get", "-", "--value"], input="\n".join(listed) + "\n", catch_exceptions=False
    )
    values = [run("get", fact_id, "--json").json()["value"] for fact_id in listed]
    assert None in values
    expected = "".join(("" if v is None else str(v)) + "\n" for v in values)
    without = [fact_id for fact_id, v in zip(listed, values, strict=True) if v is None]
    assert (result.exit_code, result.stdout) == (0, expected)
    assert result.stderr == (
        f"{len(without)} of 3 facts have no value (an empty line): {', '.join(without)}\n"
    )
    alone = run("get", without[0], "--value")
    assert (alone.code, alone.stdout) == (1, "")
    assert alone.stderr.startswith(f"Error: fact {without[0]} has no value\n")


def test_get_several_ids_with_one_unknown_prints_nothing(small_base: Path) -> None:
    args = ("get", "aviation.weekly-flights", "nope", "--facts", str(small_base), "--value")
    result = run(*args)
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: no fact with id 'nope'\n")


def test_get_csv_is_a_header_and_one_row(small_base: Path) -> None:
    raw = stdout_bytes("get", "aviation.weekly-flights", "--facts", str(small_base), "-f", "csv")
    assert raw == b"".join(SMALL_LIST_CSV.splitlines(keepends=True)[:2])


def test_get_csv_of_the_bundled_base_is_a_header_and_one_row() -> None:
    rows = csv_rows(run("get", "aviation.weekly-flights", "--format", "csv").stdout)
    assert len(rows) == 2
    assert rows[0] == list(views.FACT.flat)
    assert rows[1][:2] == ["aviation.weekly-flights", "aviation"]
    assert rows[1][3] == "24"


# --- the OutputFormat enum and its renderers ----------------------------------------------------


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
@pytest.mark.parametrize("fmt", list(OutputFormat), ids=FORMATS)
def test_every_output_format_has_a_renderer(
    small_base: Path, fmt: OutputFormat, terminal: bool
) -> None:
    facts = [fact.to_dict() for fact in ccifacts.load(small_base).facts()]
    listing = views.Listing(views.FACT, facts, title="Facts")
    render = renderer_for(fmt, terminal=terminal)
    assert callable(render)
    text = to_text(render(listing, None, True), color=False, width=None)
    assert "aviation.weekly-flights" in text
    assert "finance.settlement" in text


@pytest.mark.parametrize(("terminal", "same_as"), [(True, "table"), (False, "tsv")])
def test_auto_renders_as_a_table_on_a_terminal_and_tsv_in_a_pipe(
    terminal: bool, same_as: str
) -> None:
    auto = renderer_for(OutputFormat.AUTO, terminal=terminal)
    assert auto is renderer_for(OutputFormat(same_as), terminal=terminal)


# --- the installed console script ---------------------------------------------------------------

BIG_COUNT = 3000
BIG_LABEL = "Weekly flights between Chongqing and Singapore, counted again " * 4


@pytest.fixture(scope="module")
def big_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small base with 3000 more facts whose long labels make any listing far larger than a
    pipe's buffer (64 KiB on Linux), so the writer is still writing when the reader hangs up."""
    document = minimal()
    template = document["facts"][0]
    for number in range(BIG_COUNT):
        fact = copy.deepcopy(template)
        fact["id"] = f"aviation.flights-{number}"
        fact["label"] = f"{BIG_LABEL}{number}"
        document["facts"].append(fact)
    assert BIG_COUNT * len(BIG_LABEL) > 10 * 64 * 1024
    return write(tmp_path_factory.mktemp("big") / "big.json", document)


@pytest.fixture
def console_script() -> Path:
    script = Path(sys.executable).with_name("ccifacts")
    assert script.is_file(), f"the console script is not installed next to {sys.executable}"
    return script


def script_env(**changes: str | None) -> dict[str, str]:
    """This test's environment (its own cache) with ``changes``; None removes a variable."""
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@pytest.mark.parametrize(
    ("fmt", "first_line"),
    [
        ("tsv", b"id\tsector\tlabel\tvalue\tunit\tqualifier\tperiod.label\n"),
        ("jsonl", b'{"id":"aviation.weekly-flights",'),
        ("table", b"Facts"),
    ],
    ids=["tsv", "jsonl", "table"],
)
def test_a_reader_that_hangs_up_early_is_not_an_error(
    console_script: Path, big_base: Path, fmt: str, first_line: bytes
) -> None:
    # ccifacts list --format tsv | head -1
    # (PYTHONUNBUFFERED would make Python drop the short write silently: no EPIPE to handle.)
    process = subprocess.Popen(
        [str(console_script), "list", "--facts", str(big_base), "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=script_env(PYTHONUNBUFFERED=None),
    )
    assert process.stdout is not None
    assert process.stderr is not None
    line = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    code = process.wait(timeout=120)
    assert line.lstrip().startswith(first_line)
    assert (code, stderr) == (0, b"")


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--format", "tsv"),
        ("list", "--format", "table"),
        ("list", "--json"),
        ("get", "aviation.weekly-flights", "--value"),
        ("list", "--help"),
        ("--help",),
        ("--version",),
    ],
    ids=" ".join,
)
def test_a_reader_gone_before_the_first_write_is_not_an_error(
    console_script: Path, small_base: Path, args: tuple[str, ...]
) -> None:
    # ccifacts ... | true: the read end is closed before ccifacts has even started, so the
    # output (small enough to sit in Python's buffer) fails on the flush, not on the write.
    process = subprocess.Popen(
        [str(console_script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=script_env(PYTHONUNBUFFERED=None, CCIFACTS_FACTS=str(small_base)),
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert (process.wait(timeout=120), stderr) == (0, b"")


def test_a_pipe_that_stays_open_gets_every_record(console_script: Path, big_base: Path) -> None:
    completed = subprocess.run(
        [str(console_script), "list", "--facts", str(big_base), "-f", "tsv", "--no-headers"],
        capture_output=True,
        env=script_env(),
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (0, b"")
    assert len(completed.stdout.splitlines()) == BIG_COUNT + 2


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", [("sectors",), ("--help",), ()], ids=["sectors", "help", "bare"])
def test_output_that_cannot_be_written_is_exit_5(
    console_script: Path, small_base: Path, args: tuple[str, ...]
) -> None:
    # ccifacts sectors > /dev/full: the disk is full.
    with Path("/dev/full").open("wb") as full:
        completed = subprocess.run(
            [str(console_script), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            env=script_env(CCIFACTS_FACTS=str(small_base)),
            check=False,
        )
    assert (completed.returncode, completed.stderr) == (
        5,
        b"Error: cannot write the output: no space left on device\n"
        b"Hint: Check where the output goes.\n",
    )


LOCALES = {
    "C": {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": None, "PYTHONUTF8": None},
    "C-no-utf8-mode": {
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONIOENCODING": None,
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
    },
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii", "PYTHONUTF8": None},
}


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize(
    "output", [("--format", "table"), ("--json",), ("--format", "tsv")], ids=" ".join
)
def test_a_non_utf8_locale_does_not_crash(
    console_script: Path, tmp_path: Path, locale: str, output: tuple[str, ...]
) -> None:
    base = base_with_labels(tmp_path, NON_ASCII_LABEL)
    completed = subprocess.run(
        [str(console_script), "list", "--facts", str(base), *output],
        capture_output=True,
        env=script_env(**LOCALES[locale]),
        check=False,
    )
    assert b"UnicodeEncodeError" not in completed.stderr
    assert (completed.returncode, completed.stderr) == (0, b"")
    assert b"Chongqing" in completed.stdout
    if output == ("--json",):
        assert json.loads(completed.stdout)[0]["label"] == NON_ASCII_LABEL


def test_json_in_an_ascii_locale_stays_valid_json_beyond_the_bmp(
    console_script: Path, tmp_path: Path
) -> None:
    label = f"{NON_ASCII_LABEL} 𠀀"  # U+20000, outside the Basic Multilingual Plane
    base = base_with_labels(tmp_path, label)
    completed = subprocess.run(
        [str(console_script), "list", "--facts", str(base), "--json"],
        capture_output=True,
        env=script_env(PYTHONIOENCODING="ascii", PYTHONUTF8=None),
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (0, b"")
    assert json.loads(completed.stdout)[0]["label"] == label


# --- shell completion ---------------------------------------------------------------------------


def completion_context(command: str, *args: str, facts: Path | None = None) -> typer.Context:
    """The context a completion callback gets for ``ccifacts [--facts F] COMMAND ARGS``."""
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    root = typer.Context(group, info_name="ccifacts", resilient_parsing=True)
    group.parse_args(root, [*(["--facts", str(facts)] if facts else []), command])
    sub_command = group.get_command(root, command)
    assert sub_command is not None
    context = typer.Context(sub_command, info_name=command, parent=root, resilient_parsing=True)
    sub_command.parse_args(context, list(args))
    return context


def in_zsh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Complete as for zsh, the one shell that is given descriptions."""
    monkeypatch.setenv("_CCIFACTS_COMPLETE", "complete_zsh")


def test_sectors_complete_by_id_and_alias(
    small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = completion_context("sector", facts=small_base)
    assert complete.sectors(context, "a") == [("aviation", ""), ("air", "")]
    in_zsh(monkeypatch)
    assert complete.sectors(context, "a") == [("aviation", "Aviation"), ("air", "Aviation")]
    assert complete.sectors(context, "FIN") == [("finance", "Finance")]


def test_fact_ids_complete_with_their_labels(
    small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_zsh(monkeypatch)
    context = completion_context("get", facts=small_base)
    assert complete.fact_ids(context, "aviation.w") == [
        ("aviation.weekly-flights", "Weekly flights")
    ]
    assert complete.fact_ids(context, "") == [
        ("aviation.weekly-flights", "Weekly flights"),
        ("finance.settlement", "Settlement, via NRA"),
    ]


def test_facts_after_the_command_is_used_by_completion(
    small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_zsh(monkeypatch)
    context = completion_context("get", "--facts", str(small_base))
    assert complete.fact_ids(context, "f") == [("finance.settlement", "Settlement, via NRA")]


def test_term_ids_complete_in_any_case(small_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    in_zsh(monkeypatch)
    context = completion_context("define", facts=small_base)
    assert complete.terms(context, "n") == [("NRA", "Non-Resident Account")]


def test_kinds_complete() -> None:
    context = completion_context("list")
    assert complete.kinds(context, "m") == [("metric", ""), ("milestone", "")]
    assert [kind for kind, _ in complete.kinds(context, "")] == list(kinds.FACT_KINDS)


@pytest.mark.parametrize(
    ("command", "incomplete", "expected"),
    [
        ("list", "id,la", ["id,label"]),
        ("list", "period.e", ["period.end"]),
        ("sectors", "fact", ["fact_count"]),
        ("people", "id,r", ["id,roles"]),
        ("changes", "change", ["change_pct"]),
    ],
)
def test_fields_complete_for_the_kind_the_command_lists(
    command: str, incomplete: str, expected: list[str]
) -> None:
    context = completion_context(command)
    assert [value for value, _ in complete.fields(context, incomplete)] == expected


def test_get_field_completes_nested_fact_fields() -> None:
    context = completion_context("get")
    assert complete.fact_fields(context, "baseline.") == [
        ("baseline.value", ""),
        ("baseline.label", ""),
    ]


def test_every_completed_field_list_is_accepted(small_base: Path) -> None:
    context = completion_context("sectors", facts=small_base)
    offered = [value for value, _ in complete.fields(context, "id,")]
    assert offered
    rejected = [
        value
        for value in offered
        if run("sectors", "--facts", str(small_base), "--json", "--fields", value).code != 0
    ]
    assert rejected == []


def test_a_broken_fact_base_completes_nothing(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.json", "{not json")
    context = completion_context("sector", facts=broken)
    assert complete.sectors(context, "") == []
    assert complete.fact_ids(context, "") == []
    assert complete.terms(context, "") == []


def complete_through_the_script(console_script: Path, words: str) -> str:
    completed = subprocess.run(
        [str(console_script)],
        capture_output=True,
        env=script_env(
            _CCIFACTS_COMPLETE="complete_bash",
            COMP_WORDS=words,
            COMP_CWORD=str(len(words.split()) - 1),
        ),
        check=False,
        text=True,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    return completed.stdout


def test_bash_completes_a_sector(console_script: Path) -> None:
    candidates = complete_through_the_script(console_script, "ccifacts sector av").splitlines()
    assert "aviation" in candidates
    assert all(candidate.startswith("av") for candidate in candidates)


def test_bash_completes_a_fact_id(console_script: Path) -> None:
    candidates = complete_through_the_script(console_script, "ccifacts get aviation.w")
    assert "aviation.weekly-flights" in candidates.splitlines()
    assert all(candidate.startswith("aviation.w") for candidate in candidates.splitlines())


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("ccifacts --facts {base} sector a", "aviation\nair\n"),
        ("ccifacts get --facts {base} aviation.w", "aviation.weekly-flights\n"),
        ("ccifacts --facts {base} define N", "NRA\n"),
        ("ccifacts list --fields id,la", "id,label\n"),
        ("ccifacts list --kind m", "metric\nmilestone\n"),
    ],
)
def test_bash_completion_of_the_small_base(
    console_script: Path, small_base: Path, words: str, expected: str
) -> None:
    assert complete_through_the_script(console_script, words.format(base=small_base)) == expected


STREAMED = [
    ["list"],
    ["list", "--sort", "-value", "--fields", "id,value,period.end"],
    ["list", "--sector", "aviation", "--no-headers"],
    ["list", "--since", "2099"],  # nothing: the empty output and its note
    ["sector", "logistics", "--kind", "metric"],
    ["search", "ILSTC"],
    ["search", "ILTSC", "ports"],  # corrected, said on stderr
    ["search", "flights", "--sector", "aviation", "--fields", "id,label"],
    ["search", "zzzz", "qqqq"],  # nothing: the empty output and why
]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "markdown"])
@pytest.mark.parametrize("command", STREAMED, ids=" ".join)
def test_every_fact_printed_as_read_is_what_a_listing_prints(command: list[str], fmt: str) -> None:
    streamed = run(*command, "--format", fmt)
    listed = run(*command, "--format", fmt, "--limit", "100000")  # a listing, built whole
    assert (streamed.code, streamed.stdout, streamed.stderr) == (
        listed.code,
        listed.stdout,
        listed.stderr,
    )


def test_every_fact_is_written_a_buffer_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []
    real = output.write

    def counted(text: str) -> None:
        written.append(text)
        real(text)

    monkeypatch.setattr(output, "write", counted)
    result = run("list", "--json")
    assert len(written) > 3  # the bundled base is about 400 kB of JSON: several buffers
    assert "".join(written) == result.stdout
    assert len(result.json()) == 347
