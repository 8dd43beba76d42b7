"""Tracing figures to a source text: the ways a text writes numbers, and ``ccifacts verify`` on
small source texts written for the test (exit 0 when every figure is found, 1 listing the facts
whose value, baseline or year-on-year change is not), plus the bundled base against its source."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ccifacts.verify import numbers_in
from conftest import SOURCE_TEXT, run


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("totaling USD 26 billion", Decimal(26_000_000_000)),
        ("USD 21.7 billion", Decimal(21_700_000_000)),
        ("exceed RMB 1 trillion", Decimal(10**12)),
        ("more than 1,900 flights", Decimal(1900)),
        ("surpassed 230,000", Decimal(230_000)),
        ("24 per week", Decimal(24)),
        ("grew fivefold", Decimal(5)),
        ("more than threefold", Decimal(3)),
        ("a 3-fold rise", Decimal(3)),
        ("up 20.2%", Decimal("20.2")),
        ("the third project", Decimal(3)),
        ("over ten industries", Decimal(10)),
        ("five weekly flights", Decimal(5)),
        ("a 10-year run", Decimal(10)),
        ("two million visitors", Decimal(2_000_000)),
        ("doubled", Decimal(2)),
    ],
)
def test_numbers_are_read_the_ways_reports_write_them(text: str, number: Decimal) -> None:
    assert number in numbers_in(text)


def test_numbers_inside_words_and_codes_are_not_figures() -> None:
    assert numbers_in("often, tenant, A380x, nonetheless, Tenfold-Ltd2") == {Decimal(10)}


def _source(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "source.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_verify_passes_when_every_figure_is_in_the_text(tmp_path: Path, small_base: Path) -> None:
    text = "Flights rose from five to 24 per week. Settlement topped RMB 400 million, up 12.5%."
    result = run("verify", str(_source(tmp_path, text)), "--facts", str(small_base), "--json")
    assert (result.code, result.stdout) == (0, "[]\n")
    assert result.stderr == f"4 of 4 figures found in {tmp_path / 'source.txt'}\n"


def test_verify_lists_what_the_text_does_not_give(tmp_path: Path, small_base: Path) -> None:
    text = "Flights rose to 24 per week. Settlement topped RMB 400 million."
    result = run("verify", str(_source(tmp_path, text)), "--facts", str(small_base), "--json")
    assert result.code == 1
    assert result.json() == [
        {
            "id": "aviation.weekly-flights",
            "field": "baseline.value",
            "value": 5,
            "unit": "per_week",
            "label": "Weekly flights",
        },
        {
            "id": "finance.settlement",
            "field": "yoy_pct",
            "value": 12.5,
            "unit": "percent",
            "label": "Settlement, via NRA",
        },
    ]
    source = tmp_path / "source.txt"
    assert result.stderr == f"2 of 4 figures found in {source}; 2 not found\n"


def test_verify_a_missing_source_is_a_usage_error(small_base: Path) -> None:
    result = run("verify", "no-such-source.txt", "--facts", str(small_base))
    assert result.code == 2
    assert "no-such-source.txt" in result.stderr
    assert "does not exist" in result.stderr


@pytest.mark.skipif(not SOURCE_TEXT.is_file(), reason="source text not beside checkout")
def test_the_bundled_base_is_traced_to_its_source() -> None:
    result = run("verify", str(SOURCE_TEXT))
    assert result.code == 0
    assert result.stderr == f"38 of 38 figures found in {SOURCE_TEXT}\n"
