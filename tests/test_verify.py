"""Tracing figures to a source text: the ways a text writes numbers, and ``ccifacts verify`` on
small source texts written for the test (exit 0 when every figure is found, 1 listing the facts
whose value, baseline or year-on-year change is not), plus the bundled base against its source."""

from __future__ import annotations

import contextlib
import os
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from ccifacts import verify
from ccifacts.verify import numbers_in
from conftest import SOURCE_TEXT, Run, minimal, run, write


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("totaling USD 26 billion", 26_000_000_000, "USD"),
        ("USD 21.7 billion", Decimal(21_700_000_000), "USD"),
        ("US$26 billion", 26_000_000_000, "USD"),
        ("26 billion US dollars", 26_000_000_000, "USD"),
        ("exceed RMB 1 trillion", 10**12, "RMB"),
        ("400 million yuan", 400_000_000, "RMB"),
        ("RMB 5 to 7 billion", 5_000_000_000, "RMB"),
        ("S$ 5 million", 5_000_000, "SGD"),
        ("more than 1,900 flights", 1900, "count"),
        ("surpassed 230,000", 230_000, "count"),
        ("two million visitors", 2_000_000, "count"),
        ("over ten industries", 10, "count"),
        ("24 per week", 24, "per_week"),
        ("five weekly flights", 5, "per_week"),
        ("twenty-four weekly flights", 24, "per_week"),
        ("three flights a week", 3, "per_week"),
        ("from five to 24 per week", 5, "per_week"),
        ("annual exchanges of more than 500 teachers", 500, "per_year"),
        ("grew fivefold", 5, "times"),
        ("more than threefold", 3, "times"),
        ("a 3-fold rise", 3, "times"),
        ("a five-fold rise", 5, "times"),
        ("three times as many", 3, "times"),
        ("doubled", 2, "times"),
        ("up 20.2%", Decimal("20.2"), "percent"),
        ("12 per cent", 12, "percent"),
        ("up 3 percentage points", 3, "percentage_points"),
        ("the third project", 3, "ordinal"),
        ("the 15th Five-Year Plan", 15, "ordinal"),
        ("the 15th Five-Year Plan", 5, "years"),
        ("a 10-year run", 10, "years"),
        ("over the past ten years", 10, "years"),
        ("from 10 days to just 7 days", 10, "days"),
        ("reduced from 10 to 7 days", 10, "days"),
        ("1,400 metric tons", 1400, "metric_tons"),
        ("20 tonnes of cargo", 20, "metric_tons"),
        ("November 10 - as learned", 10, "date"),
        ("since its launch in November 2015, it", 2015, "date"),
        ("in 2024, passenger volume", 2024, "date"),
    ],
)
def test_each_number_is_read_with_its_kind(text: str, value: int | Decimal, kind: str) -> None:
    assert (Decimal(value), kind) in numbers_in(text)


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("growing sevenfold", 7, "days"),
        ("10 days", 10, "count"),
        ("USD 26 billion", 26_000_000_000, "RMB"),
        ("USD 26 billion", 26, "USD"),
        ("26 billion", 26_000_000_000, "USD"),
        ("the third project", 3, "count"),
        ("up 3 percentage points", 3, "percent"),
        ("five weekly flights", 5, "count"),
        ("a 10-year run", 10, "count"),
        ("November 10", 10, "count"),
    ],
)
def test_a_number_is_not_read_as_another_kind(text: str, value: int, kind: str) -> None:
    assert (Decimal(value), kind) not in numbers_in(text)


def test_numbers_inside_words_and_codes_are_not_figures() -> None:
    assert numbers_in("often, tenant, A380x, nonetheless, Tenfold-Ltd2") == {(Decimal(10), "times")}


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
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: no-such-source.txt: no such file\nHint: Check the path of the source text.\n"
    )


def _two_sources(tmp_path: Path) -> Path:
    """The small base with its settlement figure moved to a second source, whose document is
    other.txt."""
    base = minimal()
    base["sources"].append(
        {
            "id": "other",
            "publisher": "Other Paper",
            "title": "Another Report",
            "published": "2024-01-02",
            "document": "other.txt",
        }
    )
    base["facts"][1]["source"] = "other"
    return write(tmp_path / "two.json", base)


def test_verify_checks_the_source_whose_document_the_text_is(tmp_path: Path) -> None:
    facts = _two_sources(tmp_path)
    text = tmp_path / "other.txt"
    text.write_text("Settlement topped RMB 400 million, up 12.5%.", encoding="utf-8")
    result = run("verify", str(text), "--facts", str(facts), "--json")
    assert (result.code, result.stdout) == (0, "[]\n")
    assert result.stderr == f"2 of 2 figures found in {text}\n"


def test_verify_a_text_of_no_known_document_checks_every_fact(tmp_path: Path) -> None:
    facts = _two_sources(tmp_path)
    text = _source(tmp_path, "Settlement topped RMB 400 million, up 12.5%.")
    result = run("verify", str(text), "--facts", str(facts), "--json")
    assert result.code == 1
    assert [(row["id"], row["field"]) for row in result.json()] == [
        ("aviation.weekly-flights", "value"),
        ("aviation.weekly-flights", "baseline.value"),
    ]
    assert result.stderr == (
        f"note: no source names {text.name} as its document, so the figures of every source "
        "are looked for; --source ID checks one source's\n"
        f"2 of 4 figures found in {text}; 2 not found\n"
    )


def test_verify_source_chooses_the_facts_to_check(tmp_path: Path) -> None:
    facts = _two_sources(tmp_path)
    text = tmp_path / "other.txt"
    text.write_text("Flights rose from five to 24 per week.", encoding="utf-8")
    result = run("verify", str(text), "--facts", str(facts), "--source", "test-source", "--json")
    assert (result.code, result.stdout) == (0, "[]\n")
    assert result.stderr == f"2 of 2 figures found in {text}\n"
    unknown = run("verify", str(text), "--facts", str(facts), "--source", "Test")
    assert (unknown.code, unknown.stdout) == (1, "")
    assert unknown.stderr == "Error: no source named 'Test'\nHint: did you mean: test-source?\n"


@pytest.mark.skipif(not SOURCE_TEXT.is_file(), reason="source text not beside checkout")
def test_the_bundled_base_is_traced_to_its_source() -> None:
    result = run("verify", str(SOURCE_TEXT))
    assert result.code == 0
    assert result.stderr == f"38 of 38 figures found in {SOURCE_TEXT}\n"


def _untraced(result: Run) -> list[tuple[str, str]]:
    return [(row["id"], row["field"]) for row in result.json()]


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        (
            "Flights grew fivefold, to 24 per week. Settlement topped RMB 400 million, up 12.5%.",
            [("aviation.weekly-flights", "baseline.value")],
        ),
        (
            "Flights rose from five to 24 per week. Settlement topped USD 400 million, up 12.5%.",
            [("finance.settlement", "value")],
        ),
        (
            "Flights rose from five to 24 per week. Settlement topped RMB 400, up 12.5%.",
            [("finance.settlement", "value")],
        ),
        (
            "Flights rose from five to 24 per week. Settlement topped RMB 400 million, "
            "up 12.5 percentage points.",
            [("finance.settlement", "yoy_pct")],
        ),
        (
            "Flights rose from five to 24 per week, 24 days in a row. Settlement topped "
            "RMB 400 million, up 12.5%, in 5 days.",
            [],
        ),
        (
            "Flights rose from 5 a week to 24 a day. Settlement topped RMB 400 million, up 12.5%.",
            [("aviation.weekly-flights", "value")],
        ),
    ],
    ids=["multiple-is-not-rate", "currency", "scale", "points", "extra-numbers", "per-day"],
)
def test_verify_finds_a_figure_only_as_the_kind_its_unit_names(
    tmp_path: Path, small_base: Path, text: str, missing: list[tuple[str, str]]
) -> None:
    result = run("verify", str(_source(tmp_path, text)), "--facts", str(small_base), "--json")
    assert (result.code, _untraced(result)) == (1 if missing else 0, missing)


def _counting_base(tmp_path: Path) -> Path:
    document = minimal()
    document["facts"] = [
        {
            "id": f"finance.{name}",
            "sector": "finance",
            "kind": "metric",
            "label": label,
            "value": 10,
            "unit": "count",
            "period": {"label": "2025", "start": "2025", "end": "2025"},
            "statement": statement,
            "source": "test-source",
        }
        for name, label, statement in (
            (
                "regions",
                "Western regions served by the financing channel",
                "Ten western provinces have drawn on the financing channel.",
            ),
            (
                "industries",
                "Local industries supported",
                "The data channel supports ten key local industries.",
            ),
        )
    ]
    return write(tmp_path / "counts.json", document)


@pytest.mark.parametrize(
    ("regions", "industries", "missing"),
    [
        ("10", "ten", []),
        ("11", "ten", [("finance.regions", "value")]),
        ("10", "eleven", [("finance.industries", "value")]),
    ],
)
def test_a_count_supplies_only_the_facts_that_count_the_same_things(
    tmp_path: Path, regions: str, industries: str, missing: list[tuple[str, str]]
) -> None:
    text = (
        f"The financing channel has benefited {regions} western provinces. The data channel "
        f"supports over {industries} key local industries. The two sides signed 10 accords."
    )
    result = run(
        "verify", str(_source(tmp_path, text)), "--facts", str(_counting_base(tmp_path)), "--json"
    )
    assert (result.code, _untraced(result)) == (1 if missing else 0, missing)


# --- source texts are capped as fact bases are --------------------------------------------------


def test_verify_refuses_a_device_instead_of_reading_it_forever(small_base: Path) -> None:
    result = run("verify", "/dev/zero", "--facts", str(small_base))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: /dev/zero: not a regular file\nHint: Pass the path of a plain-text source file.\n"
    )


def test_verify_refuses_a_fifo_without_opening_it(tmp_path: Path, small_base: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    # Should verify open the pipe after all, a writer that comes and goes lets it read an empty
    # text and fail this test, instead of waiting forever for a writer.
    done = threading.Event()

    def unblock() -> None:
        while not done.wait(0.5):
            with contextlib.suppress(OSError):  # no reader yet
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    watchdog = threading.Thread(target=unblock, daemon=True)
    watchdog.start()
    try:
        result = run("verify", str(fifo), "--facts", str(small_base))
    finally:
        done.set()
        watchdog.join()
    assert result.code == 2
    assert result.stderr == (
        f"Error: {fifo}: not a regular file\nHint: Pass the path of a plain-text source file.\n"
    )


def test_verify_refuses_a_source_text_over_the_limit(tmp_path: Path, small_base: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(verify.MAX_SOURCE_BYTES + 1)  # sparse: nothing is written
    result = run("verify", str(huge), "--facts", str(small_base))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: {huge}: larger than the limit of 4 MiB for a source text\n"
        "Hint: Pass the plain text of the report itself (verify reads up to 4 MiB).\n"
    )


SMALL_TEXT = "Flights rose from five to 24 per week. Settlement topped RMB 400 million, up 12.5%."


def test_verify_reads_a_source_text_at_the_limit(
    tmp_path: Path, small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify, "MAX_SOURCE_BYTES", 100)
    path = tmp_path / "full.txt"
    path.write_bytes(SMALL_TEXT.encode().ljust(100))
    result = run("verify", str(path), "--facts", str(small_base))
    assert (result.code, result.stderr) == (0, f"4 of 4 figures found in {path}\n")
    path.write_bytes(SMALL_TEXT.encode().ljust(101))
    result = run("verify", str(path), "--facts", str(small_base))
    assert result.code == 2
    assert result.stderr.startswith(f"Error: {path}: larger than the limit of ")


def test_verify_refuses_a_text_of_nothing_but_numbers(tmp_path: Path, small_base: Path) -> None:
    # Within the size limit, yet each number is read closely: minutes without a limit.
    for name, number in (("digits", "1 "), ("words", "one ")):
        path = tmp_path / f"{name}.txt"
        path.write_text(number * (verify.MAX_SOURCE_NUMBERS + 1))
        result = run("verify", str(path), "--facts", str(small_base))
        assert (result.code, result.stdout) == (2, "")
        assert result.stderr == (
            f"Error: {path}: writes more than 100,000 numbers, the limit for a source text\n"
            "Hint: Pass the report itself, not a table of data.\n"
        )


def test_verify_reads_a_text_of_as_many_numbers_as_the_limit(
    tmp_path: Path, small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify, "MAX_SOURCE_NUMBERS", 5)  # SMALL_TEXT writes 4
    path = _source(tmp_path, SMALL_TEXT + " Twice.")
    result = run("verify", str(path), "--facts", str(small_base))
    assert (result.code, result.stderr) == (0, f"4 of 4 figures found in {path}\n")
    path.write_text(SMALL_TEXT + " Twice, thrice.")
    result = run("verify", str(path), "--facts", str(small_base))
    assert result.code == 2
    assert result.stderr.startswith(f"Error: {path}: writes more than 5 numbers")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_verify_reads_no_more_than_the_limit_when_the_size_says_less(
    small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /proc files are regular files whose size reads 0; the read itself must stop at the limit.
    assert Path("/proc/self/status").stat().st_size == 0
    monkeypatch.setattr(verify, "MAX_SOURCE_BYTES", 64)
    result = run("verify", "/proc/self/status", "--facts", str(small_base))
    assert result.code == 2
    assert result.stderr.startswith("Error: /proc/self/status: larger than the limit of ")
