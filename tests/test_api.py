"""The Python API as a script uses it: the examples of docs/api.md run as doctests, records
give exactly what the CLI prints with --json, and errors are the documented family."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import ccifacts
from conftest import ROOT, run


def test_the_examples_of_the_api_guide_hold() -> None:
    result = doctest.testfile(
        str(ROOT / "docs" / "api.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 10
    assert result.failed == 0


def test_importing_the_package_loads_nothing_heavy() -> None:
    heavy = "('ccifacts.api', 'pydantic', 'rich', 'sqlite3')"
    code = f"import sys, ccifacts; print(sorted(m for m in {heavy} if m in sys.modules))"
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_dir_lists_the_lazy_names_for_a_repl() -> None:
    assert {"load", "FactBase", "Fact", "NotFoundError", "__version__"} <= set(dir(ccifacts))


def test_a_fact_is_what_get_json_prints(small_base: Path) -> None:
    kb = ccifacts.load(small_base)
    fact = kb.get("aviation.weekly-flights")
    assert (
        fact.to_dict()
        == run("get", "aviation.weekly-flights", "--json", "--facts", str(small_base)).json()
    )
    assert fact.value == 24
    assert fact.period.label == "2025"
    assert fact.baseline is not None and fact.baseline.value == 5


def test_listings_are_what_the_cli_prints(small_base: Path) -> None:
    kb = ccifacts.load(small_base)
    facts = run("list", "--json", "--facts", str(small_base)).json()
    assert [fact.to_dict() for fact in kb.facts()] == facts
    assert [s.to_dict() for s in kb.sectors()] == run(
        "sectors", "--json", "--facts", str(small_base)
    ).json()
    assert [t.to_dict() for t in kb.terms()] == run(
        "terms", "--json", "--facts", str(small_base)
    ).json()


def test_records_are_read_only(small_base: Path) -> None:
    fact = ccifacts.load(small_base).get("aviation.weekly-flights")
    with pytest.raises(AttributeError):
        fact.value = 25
    changed = fact.to_dict()
    changed["value"] = 25
    assert fact.value == 24


def test_errors_are_the_documented_family(small_base: Path, tmp_path: Path) -> None:
    kb = ccifacts.load(small_base)
    with pytest.raises(ccifacts.NotFoundError) as missing:
        kb.get("aviation.weekly-flight")
    assert missing.value.exit_code == 1
    assert missing.value.hint == "did you mean: aviation.weekly-flights?"
    with pytest.raises(ccifacts.UsageError):
        kb.facts(kind="nonsense")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ccifacts.FactBaseError) as invalid:
        ccifacts.load(broken)
    assert invalid.value.exit_code == 3
    assert isinstance(invalid.value, ccifacts.CcifactsError)


def test_the_api_holds_its_arguments_to_what_the_cli_accepts(small_base: Path) -> None:
    """A wrong type is a TypeError, a value that asks for nothing is a UsageError: neither
    returns a silent empty list nor everything."""
    kb = ccifacts.load(small_base)
    for wrong in (
        lambda: kb.facts(min="1000"),
        lambda: kb.facts(max=True),
        lambda: kb.facts(limit=2.5),  # type: ignore[arg-type]
        lambda: kb.get(None),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError):
            wrong()
    for empty in (
        lambda: kb.facts(limit=-1),
        lambda: kb.search("flights", limit=-1),
        lambda: kb.facts(since="2019", until="2018"),
        lambda: kb.facts(min=10, max=5),
    ):
        with pytest.raises(ccifacts.UsageError):
            empty()
    assert kb.facts(sort="-value") == kb.facts(sort=["-value"])
    assert [f.id for f in kb.facts(since="2018", until="2018-12")] == [
        f.id for f in kb.facts(since="2018-01", until="2018")
    ]


def test_an_id_without_its_sector_is_suggested_with_it() -> None:
    result = run("get", "weekly-flights")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: no fact with id 'weekly-flights'\nHint: did you mean: aviation.weekly-flights?\n"
    )
