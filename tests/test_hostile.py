"""Hostile input: fact bases that are missing, unreadable, too large, not JSON, JSON that parsers
disagree on, JSON that breaks the schema or its cross-references, and valid fact bases whose
strings try to take over the terminal. Every refusal must exit with the documented code and print
one ``Error:`` message with a ``Hint:`` on stderr that names what is wrong and where (line and
column, or JSON path), with no traceback, no Pydantic links, no copy of the document and no raw
control characters; every output format must show hostile strings verbatim and inert; and the
loader must turn any bytes at all into either validated data or a ``FactBaseError``."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccifacts.db
import ccifacts.loader
from ccifacts import model
from ccifacts.build import compile_into
from ccifacts.errors import FactBaseError
from conftest import Run, minimal, run, write

RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")
SGR = re.compile(r"\x1b\[[0-9;]*m")
HINT_SCHEMA = "Hint: Fix what is listed; `ccifacts schema` prints the format of a fact base.\n"
HINT_NUMBERS = "Hint: Write plain JSON: finite numbers, unique keys, whole characters.\n"


def assert_refused(result: Run, code: int = 3, *, document: str = "") -> None:
    """One error message with a hint on stderr, nothing on stdout, nothing a user must not see."""
    assert result.code == code, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("Error:") == 1
    assert result.stderr.endswith("\n")
    assert result.stderr.splitlines()[-1].startswith("Hint: "), result.stderr
    for leak in ("Traceback", "pydantic.dev", "errors.pydantic", "ValidationError"):
        assert leak not in result.stderr
    for char in RAW_CONTROLS:
        assert char not in result.stderr
    if len(document) > 40:
        assert document not in result.stderr
    assert len(result.stderr) < 2000


def sectors_of(path: Path) -> Run:
    return run("sectors", "--facts", str(path))


# --- files that cannot be read ------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: no such file\n"
        "Hint: Check the path given to --facts or in $CCIFACTS_FACTS.\n"
    )


def test_missing_file_given_before_the_command(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    result = run("--facts", str(path), "sector", "aviation")
    assert_refused(result)
    assert result.stderr.startswith(f"Error: {path}: no such file\n")


def test_missing_file_named_by_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    result = run("sectors", env={"CCIFACTS_FACTS": str(path)})
    assert_refused(result)
    assert result.stderr.startswith(f"Error: {path}: no such file\n")


def test_bad_file_named_by_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.json", '{"schema_version": 1,')
    result = run("sector", "aviation", env={"CCIFACTS_FACTS": str(path)})
    assert_refused(result)
    assert result.stderr.startswith(f"Error: {path}: line 1, column 22: ")


def test_facts_option_wins_over_the_environment(tmp_path: Path, small_base: Path) -> None:
    missing = tmp_path / "nope.json"
    result = run("sectors", "--facts", str(small_base), env={"CCIFACTS_FACTS": str(missing)})
    assert result.code == 0
    assert result.stdout == "id\tname\tfact_count\naviation\tAviation\t1\nfinance\tFinance\t1\n"


def test_empty_environment_variable_means_the_bundled_base() -> None:
    bundled = run("sectors", "--format", "csv", "--facts", str(ccifacts.loader.bundled_path()))
    assert bundled.code == 0
    assert len(bundled.stdout.splitlines()) > 3  # the bundled base has many sectors
    result = run("sectors", "--format", "csv", env={"CCIFACTS_FACTS": ""})
    assert result.code == 0
    assert result.stderr == ""
    assert result.stdout == bundled.stdout


def test_a_directory(tmp_path: Path) -> None:
    result = sectors_of(tmp_path)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {tmp_path}: is a directory\nHint: Pass the path of a .json file inside it.\n"
    )


def test_an_unreadable_file(small_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests run as root, for whom chmod 000 does not stop reading: refuse the open instead.
    real_open = Path.open

    def refusing_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == small_base:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    result = sectors_of(small_base)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {small_base}: permission denied\nHint: Make the file readable (chmod +r).\n"
    )


def test_an_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.json", b"")
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: the file is empty\nHint: A fact base is a JSON object.\n"
    )


def test_a_file_of_only_whitespace_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "blank.json", b" \n\t\r\n")
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr.startswith(f"Error: {path}: the file is empty\n")


def test_a_file_over_the_size_limit(small_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCIFACTS_MAX_SIZE", "100")
    assert small_base.stat().st_size > 100
    result = sectors_of(small_base)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {small_base}: larger than the limit of 100 bytes\n"
        "Hint: If this is the right file, raise the limit: CCIFACTS_MAX_SIZE=4GiB.\n"
    )


def test_a_file_at_the_size_limit_is_read(
    small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCIFACTS_MAX_SIZE", str(small_base.stat().st_size))
    assert sectors_of(small_base).code == 0


def test_a_path_with_control_characters_is_shown_inert(tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b[2J\u202e.json"
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr.startswith(f"Error: {tmp_path}/evil\\x1b[2J\\u202e.json: no such file\n")


# --- bytes that are not (acceptable) JSON -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            '{\n  "schema_version": 1,\n  "sources" []\n}\n',
            "line 3, column 13",
            "Expecting ':' delimiter",
        ),
        # Cut right after the facts key: it was an internal error (IndexError), exit 4.
        ('{"facts":', "line 1, column 10", "Expecting value"),
    ],
    ids=["missing-colon", "cut-after-facts-key"],
)
def test_broken_json_gives_line_and_column(
    text: str, where: str, message: str, tmp_path: Path
) -> None:
    path = write(tmp_path / "broken.json", text)
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: {where}: {message}\nHint: Fix the JSON syntax at that position.\n"
    )


@pytest.mark.parametrize("indent", [None, 1], ids=["compact", "indented"])
def test_a_file_cut_anywhere_is_broken_json_wherever_a_block_ends(
    indent: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = json.dumps(minimal(), indent=indent)
    for block in (1, 7, 4096):
        monkeypatch.setattr(ccifacts.loader, "_BLOCK", block)
        for end in range(len(text)):
            reader = ccifacts.loader.Reader(io.BytesIO(text[:end].encode()), "cut.json")
            with pytest.raises(FactBaseError) as refused:
                for _ in reader.events():
                    pass
            assert refused.value.problems[0].line is not None or end == 0, (block, end)


def test_truncated_json_gives_line_and_column(tmp_path: Path) -> None:
    text = json.dumps(minimal(), indent=2)
    cut = text[: text.index('"sectors"')]
    assert cut.endswith("],\n  ")
    path = write(tmp_path / "cut.json", cut)
    result = sectors_of(path)
    assert_refused(result, document=cut)
    assert result.stderr == (
        f"Error: {path}: line {cut.count(chr(10)) + 1}, column 3: "
        "Expecting property name enclosed in double quotes\n"
        "Hint: Fix the JSON syntax at that position.\n"
    )


def test_a_utf8_bom_is_accepted(tmp_path: Path, small_base: Path) -> None:
    path = write(tmp_path / "bom.json", b"\xef\xbb\xbf" + small_base.read_bytes())
    result = sectors_of(path)
    assert result.code == 0
    assert result.stderr == ""
    assert result.stdout == sectors_of(small_base).stdout


def test_invalid_utf8_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.json", b'{\n  "label": "caf\xe9"\n}\n')
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: line 2, column 16: not UTF-8: byte 0xe9\nHint: Save the file as UTF-8.\n"
    )


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("NaN", "NaN is not a JSON number"),
        ("Infinity", "Infinity is not a JSON number"),
        ("-Infinity", "-Infinity is not a JSON number"),
        ("1e400", "1e400... is too large for a number"),
        ("-1e400", "-1e400... is too large for a number"),
        ("9" * 5000, "an integer of 5000 digits is too long"),
    ],
    ids=["nan", "infinity", "minus-infinity", "1e400", "minus-1e400", "5000-digits"],
)
def test_numbers_parsers_disagree_on_are_refused_with_their_path(
    tmp_path: Path, literal: str, message: str
) -> None:
    text = json.dumps(minimal()).replace('"value": 24', f'"value": {literal}')
    assert literal in text
    path = write(tmp_path / "numbers.json", text)
    result = sectors_of(path)
    assert_refused(result, document=text)
    assert result.stderr == f"Error: {path}: facts[0].value: {message}\n{HINT_NUMBERS}"


@pytest.mark.parametrize("value", [2**63, -(2**63), 10**30])
def test_an_integer_beyond_what_sqlite_stores_is_refused(tmp_path: Path, value: int) -> None:
    document = minimal()
    document["facts"][0]["value"] = value
    path = write(tmp_path / "huge.json", document)
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: facts[0].value: the integer is too large "
        f"(at most {model.INT_LIMIT} either way)\n{HINT_SCHEMA}"
    )


def test_the_largest_integers_sqlite_stores_are_kept_exactly(tmp_path: Path) -> None:
    document = minimal()
    document["facts"][0]["value"] = model.INT_LIMIT
    document["facts"][0]["baseline"]["value"] = -model.INT_LIMIT
    path = write(tmp_path / "largest.json", document)
    fact = run("get", "aviation.weekly-flights", "--facts", str(path), "--json").json()
    assert (fact["value"], fact["baseline"]["value"]) == (model.INT_LIMIT, -model.INT_LIMIT)


def test_reading_holds_a_few_blocks_however_long_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value cut by the end of a block is read on with twice what it has so far, never twice
    the buffer: that doubled the buffer at every cut, and a 633 MB base peaked at 1.2 GB."""
    monkeypatch.setattr(ccifacts.loader, "_BLOCK", 1024)
    document = minimal()
    fact = document["facts"][0]
    document["facts"] = [{**fact, "id": f"{fact['id']}-{n}"} for n in range(2000)]
    path = write(tmp_path / "long.json", document)
    largest = 0
    read_on = ccifacts.loader.Reader._more

    def measured(reader: ccifacts.loader.Reader, want: int = 0) -> bool:
        nonlocal largest
        more = read_on(reader, want)
        largest = max(largest, len(reader.text))
        return more

    monkeypatch.setattr(ccifacts.loader.Reader, "_more", measured)
    with path.open("rb") as handle:
        events = list(ccifacts.loader.Reader(handle, "long.json").events())
    assert sum(len(e.items) for e in events if isinstance(e, ccifacts.loader.Facts)) == 2000
    assert path.stat().st_size > 500 * 1024
    assert largest <= 4 * 1024


@pytest.mark.parametrize(
    "separators",
    [(",", ":"), (", ", ": "), (",\n" + " " * 99, " :\t ")],
    ids=["compact", "spaced", "wide"],
)
def test_a_valid_file_reads_the_same_wherever_a_block_ends(
    separators: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A block may end anywhere: inside a string, a number, a name, just after a colon (which
    once made a valid file "Expecting value"), or inside the white space before a fact (which
    did too, when facts were first read without the careful path)."""
    document = minimal()
    fact = document["facts"][0]
    document["facts"] += [{**fact, "id": f"{fact['id']}-{n}"} for n in range(3)]
    text = json.dumps(document, ensure_ascii=False, separators=separators)
    path = write(tmp_path / "facts.json", text)
    for block in [*range(1, 48), 97, 256, 1000]:
        monkeypatch.setattr(ccifacts.loader, "_BLOCK", block)
        with path.open("rb") as handle:
            read: dict[str, Any] = {"facts": []}
            for event in ccifacts.loader.Reader(handle, "facts.json").events():
                if isinstance(event, ccifacts.loader.Header):
                    read[event.key] = event.value
                else:
                    read["facts"] += event.items
        assert read == document, f"blocks of {block} characters"


def test_a_lone_surrogate_is_refused_wherever_a_block_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The escape's place in the buffer moves when the parsed text before it is dropped, and it
    may straddle two blocks: it was missed at 14 of these 260 block sizes, and the label then
    reached the schema as a string it could not read."""
    text = json.dumps(minimal()).replace('"Weekly flights"', '"Weekly \\ud800 flights"')
    path = write(tmp_path / "surrogate.json", text)
    for block in range(1, 261):
        monkeypatch.setattr(ccifacts.loader, "_BLOCK", block)
        with path.open("rb") as handle:
            problems = [
                (problem.path, problem.message)
                for event in ccifacts.loader.Reader(handle, "surrogate.json").events()
                for problem in event.problems
            ]
        expected = ("facts[0].label", "the string holds a lone UTF-16 surrogate escape")
        assert problems == [expected], f"blocks of {block} characters"


def test_every_figure_of_a_fact_is_held_to_the_limit(tmp_path: Path) -> None:
    document = minimal()
    document["facts"][0]["baseline"]["value"] = 2**63
    document["facts"][1]["yoy_pct"] = -(2**63) - 5
    path = write(tmp_path / "huge.json", document)
    result = run("validate", str(path))
    assert (result.code, result.stdout) == (3, "")
    too_large = f"the integer is too large (at most {model.INT_LIMIT} either way)"
    assert result.stderr == (
        f"Error: {path}: 2 problems\n"
        f"  facts[0].baseline.value: {too_large}\n"
        f"  facts[1].yoy_pct: {too_large}\n"
        f"{HINT_SCHEMA}"
    )


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "deep.json", '{"facts": ' + "[" * 100_000)
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: facts[0]: nested too deeply to parse\n"
        "Hint: A fact base nests a few levels; check for runaway brackets.\n"
    )


def test_deep_but_closed_nesting_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "deep.json", '{"facts": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr.startswith(f"Error: {path}: facts[0]: nested too deeply to parse\n")


@pytest.mark.parametrize("document", ["[" * 100_000, "[]"], ids=["deep", "empty"])
def test_a_top_level_array_is_refused_before_it_is_read(tmp_path: Path, document: str) -> None:
    path = write(tmp_path / "array.json", document)
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: the document must be a JSON object, not an array\n"
        'Hint: A fact base is a JSON object: {"schema_version": 1, ...}.\n'
    )


def test_duplicate_keys_are_refused_naming_key_and_path(tmp_path: Path) -> None:
    text = json.dumps(minimal()).replace('"label": "at launch"', '"label": "a", "label": "b"')
    path = write(tmp_path / "twice.json", text)
    result = sectors_of(path)
    assert_refused(result, document=text)
    assert (
        result.stderr == f"Error: {path}: facts[0].baseline: duplicate key 'label'\n{HINT_NUMBERS}"
    )


def test_duplicate_top_level_key_is_refused(tmp_path: Path) -> None:
    text = json.dumps(minimal())
    text = text[:-1] + ', "facts": []}'
    path = write(tmp_path / "twice.json", text)
    result = sectors_of(path)
    assert_refused(result, document=text)
    assert "duplicate key 'facts'" in result.stderr


def test_a_lone_surrogate_in_a_label_is_refused(tmp_path: Path) -> None:
    text = json.dumps(minimal()).replace('"Weekly flights"', '"Weekly \\ud800 flights"')
    path = write(tmp_path / "surrogate.json", text)
    result = sectors_of(path)
    assert_refused(result, document=text)
    assert result.stderr == (
        f"Error: {path}: facts[0].label: the string holds a lone UTF-16 surrogate escape\n"
        f"{HINT_NUMBERS}"
    )


def test_a_surrogate_pair_is_a_character_and_accepted(tmp_path: Path) -> None:
    text = json.dumps(minimal()).replace('"Weekly flights"', '"Weekly \\ud83d\\ude80 flights"')
    path = write(tmp_path / "pair.json", text)
    result = run("get", "aviation.weekly-flights", "--field", "label", "--facts", str(path))
    assert result.code == 0
    assert result.stdout == "Weekly \U0001f680 flights\n"


def test_a_top_level_array_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "array.json", [minimal()])
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr.startswith(
        f"Error: {path}: the document must be a JSON object, not an array\n"
    )


# --- JSON that breaks the schema ----------------------------------------------------------------


def test_a_number_written_as_a_string_is_refused(tmp_path: Path) -> None:
    base = minimal()
    base["facts"][0]["value"] = "24"
    path = write(tmp_path / "strict.json", base)
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: facts[0].value: expected a JSON number, got a string\n{HINT_SCHEMA}"
    )


def test_unknown_keys_are_refused_with_their_paths(tmp_path: Path) -> None:
    base = minimal()
    base["facts"][1]["colour"] = "red"
    base["sectors"][0]["emoji"] = ":plane:"
    path = write(tmp_path / "extra.json", base)
    result = sectors_of(path)
    assert_refused(result)
    unknown = "unknown key (not part of the format; check its spelling)"
    assert result.stderr == (
        f"Error: {path}: 2 problems\n"
        f"  sectors[0].emoji: {unknown}\n"
        f"  facts[1].colour: {unknown}\n"
        f"{HINT_SCHEMA}"
    )


def test_a_hostile_key_is_named_inert(tmp_path: Path) -> None:
    base = minimal()
    base["facts"][0]["\x1b]52;c;aGk=\x07"] = 1
    path = write(tmp_path / "key.json", base)
    result = sectors_of(path)
    assert_refused(result)
    assert "facts[0].\\x1b]52;c;aGk=\\x07: unknown key" in result.stderr


def test_a_hostile_value_is_quoted_inert(tmp_path: Path) -> None:
    base = minimal()
    base["facts"][0]["unit"] = "\x1b[2J\u202e"
    path = write(tmp_path / "unit.json", base)
    result = sectors_of(path)
    assert_refused(result)
    assert result.stderr.startswith(f"Error: {path}: facts[0].unit: ")
    assert "\\x1b[2J\\u202e" in result.stderr


def test_validate_lists_every_problem_with_its_path(tmp_path: Path) -> None:
    base = minimal()
    base["facts"][0]["sector"] = "aviaton"
    base["facts"][1]["value"] = "400000000"
    unlabelled = dict(base["facts"][1], id="finance.unlabelled", value=1)
    del unlabelled["label"]
    base["facts"].append(unlabelled)
    path = write(tmp_path / "three.json", base)
    result = run("validate", str(path))
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: 3 problems\n"
        "  facts[0].sector: unknown sector 'aviaton' (did you mean: aviation?)\n"
        "  facts[1].value: expected a JSON number, got a string\n"
        "  facts[2].label: required key is missing\n"
        f"{HINT_SCHEMA}"
    )


def test_problems_outside_the_facts_come_first(tmp_path: Path) -> None:
    base = minimal()
    del base["sectors"][1]["name"]
    base["facts"][0]["value"] = True
    path = write(tmp_path / "two.json", base)
    result = run("validate", str(path))
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: 2 problems\n"
        "  sectors[1].name: required key is missing\n"
        "  facts[0].value: expected a JSON number, got a boolean\n"
        f"{HINT_SCHEMA}"
    )


def test_validate_a_missing_label(tmp_path: Path) -> None:
    base = minimal()
    del base["facts"][1]["label"]
    path = write(tmp_path / "nolabel.json", base)
    result = run("validate", str(path))
    assert_refused(result)
    assert result.stderr == (
        f"Error: {path}: facts[1].label: required key is missing\n{HINT_SCHEMA}"
    )


def test_validate_a_valid_file(small_base: Path) -> None:
    result = run("validate", str(small_base))
    assert result.code == 0
    assert result.stderr == ""
    assert result.stdout == (f"{small_base}: valid: 2 facts in 2 sectors (aviation 1, finance 1)\n")


def test_validate_reads_the_environment_variable(tmp_path: Path) -> None:
    path = write(tmp_path / "array.json", "[]")
    result = run("validate", env={"CCIFACTS_FACTS": str(path)})
    assert result.code == 3
    assert result.stderr.startswith(f"Error: {path}: the document must be a JSON object")


def test_validate_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    result = run("validate", str(path))
    assert_refused(result)
    assert result.stderr.startswith(f"Error: {path}: no such file\n")


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("sources", 5, "sources: Input should be a valid list (got 5)"),
        ("sources", True, "sources: Input should be a valid list (got True)"),
        ("facts", 5, "facts: Input should be a valid list (got 5)"),
        ("sectors", "aviation", "sectors: Input should be a valid list (got 'aviation')"),
    ],
    ids=["sources-int", "sources-bool", "facts-int", "sectors-string"],
)
def test_a_collection_that_is_not_a_list_is_refused(
    tmp_path: Path, key: str, value: object, problem: str
) -> None:
    base = minimal()
    base[key] = value
    path = write(tmp_path / "shape.json", base)
    result = run("validate", str(path))
    assert_refused(result)
    assert f"{problem}\n" in result.stderr


# --- cross-references ---------------------------------------------------------------------------


def cross_reference_problems(tmp_path: Path, change: dict[str, Any]) -> str:
    base = minimal()
    for dotted, value in change.items():
        collection, index, key = dotted.split(".")
        base[collection][int(index)][key] = value
    path = write(tmp_path / "refs.json", base)
    result = run("validate", str(path))
    assert_refused(result)
    prefix = f"Error: {path}: "
    assert result.stderr.startswith(prefix)
    return result.stderr.removeprefix(prefix).removesuffix(HINT_SCHEMA)


def test_unknown_sector(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"facts.1.sector": "money"})
    assert problems == "facts[1].sector: unknown sector 'money'\n"


def test_unknown_term(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"facts.1.terms": ["NRB"]})
    assert problems == "facts[1].terms: unknown term 'NRB' (did you mean: NRA?)\n"


def test_unknown_person(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"facts.0.said_by": "bob-ray"})
    assert problems == "facts[0].said_by: unknown person 'bob-ray'\n"


def test_unknown_source(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"facts.1.source": "test-sauce"})
    assert problems == "facts[1].source: unknown source 'test-sauce' (did you mean: test-source?)\n"


def test_unknown_section(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"facts.1.section": "tail"})
    assert problems == "facts[1].section: unknown section 'tail' of source 'test-source'\n"


def test_duplicate_fact_ids(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"facts.1.id": "aviation.weekly-flights"})
    duplicate = "duplicate id 'aviation.weekly-flights': 2 entries of facts use it"
    assert problems == f"2 problems\n  facts[0].id: {duplicate}\n  facts[1].id: {duplicate}\n"


def test_duplicate_sector_ids(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"sectors.1.id": "aviation"})
    assert problems.startswith("3 problems\n  sectors[0].id: duplicate id 'aviation': 2 entries")
    assert "  sectors[1].id: duplicate id 'aviation': 2 entries of sectors use it\n" in problems


# --- strings that try to take over the terminal -------------------------------------------------

HOSTILE = {
    "markup": "[bold]x[/bold]",
    "path": "[/tmp/x]",
    "link": "[link=http://e]a[/link]",
    "emoji": ":smile:",
    "clear": "\x1b[2J",
    "clipboard": "\x1b]52;c;aGk=\x07",
    "c1": "\x9b31m",
    "bidi": "\u202egnp.exe",
}
HOSTILE_TEXT = " ".join(HOSTILE.values())
VERBATIM = ("[bold]x[/bold]", "[/tmp/x]", "[link=http://e]a[/link]", ":smile:")


def hostile_base() -> dict[str, Any]:
    base = minimal()
    base["facts"][0]["label"] = f"Flights {HOSTILE_TEXT}"
    base["facts"][0]["statement"] = f"Flights said {HOSTILE_TEXT}"
    base["facts"][1]["label"] = f"Money {HOSTILE_TEXT}"
    base["sectors"][0]["name"] = f"Aviation {HOSTILE_TEXT}"
    base["sectors"][0]["description"] = f"Planes {HOSTILE_TEXT}"
    base["people"][0]["name"] = f"Ann {HOSTILE_TEXT}"
    base["people"][0]["roles"] = [f"Role {HOSTILE_TEXT}"]
    return base


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return write(tmp_path / "hostile.json", hostile_base())


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


FORMATS = [
    ("table",),
    ("table", "--color", "always"),
    ("json",),
    ("jsonl",),
    ("csv",),
    ("tsv",),
    ("markdown",),
]
COMMANDS = [
    ("sector", "aviation"),
    ("search", "flights"),
    ("get", "aviation.weekly-flights"),
    ("people",),
    ("sectors",),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: "-".join(f))
def test_hostile_strings_are_printed_inert(
    hostile: Path, command: tuple[str, ...], fmt: tuple[str, ...]
) -> None:
    result = run(*command, "--facts", str(hostile), "--format", *fmt)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    shown = SGR.sub("", result.stdout) if "always" in fmt else result.stdout
    if "always" in fmt:
        assert shown != result.stdout  # colour was on, yet only plain SGR styles were written
    for char in RAW_CONTROLS:
        assert char not in shown
    assert "\U0001f604" not in result.stdout  # :smile: is not an emoji
    assert "]8;" not in result.stdout  # [link=...] is not a hyperlink
    name = fmt[0]
    if name in {"json", "jsonl"}:
        lines = result.stdout.splitlines() if name == "jsonl" else [result.stdout]
        strings = {text for line in lines for text in strings_in(json.loads(line))}
        assert any(HOSTILE_TEXT in text for text in strings)
        originals = set(strings_in(hostile_base()))
        assert {text for text in strings if HOSTILE_TEXT in text} <= originals
    elif name == "markdown":
        assert "\\[bold\\]x\\[/bold\\]" in shown
        assert ":smile:" in shown
    else:
        for text in VERBATIM:
            assert text in shown
        for text in ("\\x1b[2J", "\\x1b]52;c;aGk=\\x07", "\\x9b31m", "\\u202egnp.exe"):
            assert text in shown


def test_json_gives_back_the_exact_label(hostile: Path) -> None:
    result = run("get", "aviation.weekly-flights", "--json", "--facts", str(hostile))
    assert result.code == 0
    assert json.loads(result.stdout)["label"] == f"Flights {HOSTILE_TEXT}"
    listed = run("sector", "aviation", "--format", "jsonl", "--facts", str(hostile))
    assert json.loads(listed.stdout)["statement"] == f"Flights said {HOSTILE_TEXT}"


def test_the_table_shows_markup_verbatim(hostile: Path) -> None:
    result = run("get", "aviation.weekly-flights", "--format", "table", "--facts", str(hostile))
    assert result.code == 0
    for line in result.stdout.splitlines():
        if line.startswith("Label"):
            assert line.split(maxsplit=1)[1].rstrip() == (
                "Flights [bold]x[/bold] [/tmp/x] [link=http://e]a[/link] :smile: "
                "\\x1b[2J \\x1b]52;c;aGk=\\x07 \\x9b31m \\u202egnp.exe"
            )
            break
    else:
        pytest.fail(f"no Label line in {result.stdout!r}")


def test_a_bare_hostile_field_is_inert(hostile: Path) -> None:
    result = run("get", "aviation.weekly-flights", "--field", "label", "--facts", str(hostile))
    assert result.code == 0
    assert result.stdout == (
        "Flights [bold]x[/bold] [/tmp/x] [link=http://e]a[/link] :smile: "
        "\\x1b[2J \\x1b]52;c;aGk=\\x07 \\x9b31m \\u202egnp.exe\n"
    )


def test_a_hostile_query_that_finds_nothing_is_inert(small_base: Path) -> None:
    result = run("search", "zebra\x1b[2J", "--facts", str(small_base), "--format", "csv")
    assert result.code == 0
    assert result.stdout == "id,sector,label,value,unit,qualifier,period.label\n"
    assert result.stderr == (
        "no facts match 'zebra\\x1b[2J': no fact has 'zebra', '2j'\n"
        "Try fewer words, a term (`ccifacts terms`) or a sector (`ccifacts sectors`).\n"
    )


# --- a crash deep inside --------------------------------------------------------------------------


def test_a_crash_shows_no_traceback_and_no_locals(monkeypatch: pytest.MonkeyPatch) -> None:
    def exploding(connection: Any) -> list[dict[str, Any]]:
        secret = "hunter2-do-not-print"
        if secret and connection:
            raise RuntimeError("boom")
        return []

    monkeypatch.setattr(ccifacts.db, "sectors", exploding)
    result = run("sectors")
    assert result.code == 4
    assert result.stdout == ""
    assert result.stderr.startswith("Error: internal error")
    assert result.stderr == (
        "Error: internal error: RuntimeError: boom\n"
        "Hint: This is a bug in ccifacts; please report it with the command you ran "
        "(CCIFACTS_DEBUG=1 shows the traceback).\n"
    )
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr


# --- any input at all: data or FactBaseError ------------------------------------------------------

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


def paths_of(value: object, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_of(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_of(item, (*prefix, index))


TOP_PATHS = [(key,) for key in minimal()]
ALL_PATHS = list(paths_of(minimal()))


@st.composite
def mutated_bases(draw: st.DrawFn) -> dict[str, Any]:
    """The small base with one to three keys (top-level ones as often as all others together)
    replaced by any JSON value or deleted."""
    base = minimal()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(TOP_PATHS) | st.sampled_from(ALL_PATHS))
        parent: Any = base
        try:
            for part in path[:-1]:
                parent = parent[part]
            if draw(st.booleans()):
                parent[path[-1]] = draw(json_scalars | json_values)
            else:
                del parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    return base


def loads_or_refuses(data: bytes) -> None:
    try:
        result = compile_into(sqlite3.connect(""), io.BytesIO(data), "x.json")
    except FactBaseError as error:
        assert error.message.startswith("x.json: ")
        assert error.problems
    else:
        assert isinstance(result["facts"], int)


@settings(max_examples=200, deadline=None)
@given(document=json_values, ascii_only=st.booleans())
def test_any_json_document_is_data_or_a_fact_base_error(document: Any, ascii_only: bool) -> None:
    loads_or_refuses(json.dumps(document, ensure_ascii=ascii_only).encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=mutated_bases())
def test_a_damaged_base_is_data_or_a_fact_base_error(document: dict[str, Any]) -> None:
    loads_or_refuses(json.dumps(document).encode())


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200))
def test_any_bytes_are_data_or_a_fact_base_error(data: bytes) -> None:
    loads_or_refuses(data)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(min_size=1, max_size=40), at=st.integers(min_value=0))
def test_bytes_spliced_into_a_valid_base_are_data_or_a_fact_base_error(
    data: bytes, at: int
) -> None:
    valid = json.dumps(minimal()).encode()
    at %= len(valid)
    loads_or_refuses(valid[:at] + data + valid[at:])


# --- validate reports everything in one run -------------------------------------------------------


def test_validate_reports_refused_values_with_the_schema_problems(tmp_path: Path) -> None:
    document = minimal()
    document["facts"][0]["sector"] = "money"
    document["facts"][1]["colour"] = "red"
    text = json.dumps(document).replace('"value": 24', '"value": NaN')
    result = run("validate", str(write(tmp_path / "three.json", text)))
    assert_refused(result)
    assert result.stderr == (
        f"Error: {tmp_path / 'three.json'}: 3 problems\n"
        "  facts[0].value: NaN is not a JSON number\n"
        "  facts[0].sector: unknown sector 'money'\n"
        "  facts[1].colour: unknown key (not part of the format; check its spelling)\n"
        f"{HINT_SCHEMA}"
    )


def test_checks_between_keys_run_even_when_other_keys_are_wrong(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"facts.0.unit": None, "facts.0.label": 5})
    assert problems == (
        "2 problems\n"
        "  facts[0].label: Input should be a valid string (got 5)\n"
        "  facts[0].unit: value and unit go together: give both or neither\n"
    )


def test_a_name_that_leads_to_two_sectors_is_reported(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"sectors.1.aliases": ["AIR"]})
    assert problems == (
        "2 problems\n"
        "  sectors[0].aliases: the name 'air' also leads to sector 'finance'\n"
        "  sectors[1].aliases: the name 'AIR' also leads to sector 'aviation'\n"
    )


def test_one_wrong_sector_id_is_one_line_not_one_per_fact(tmp_path: Path) -> None:
    document = minimal()
    document["facts"] = [
        {**document["facts"][1], "id": f"finance.copy-{n}", "sector": "money"} for n in range(9)
    ]
    result = run("validate", str(write(tmp_path / "many.json", document)))
    assert_refused(result)
    assert result.stderr == (
        f"Error: {tmp_path / 'many.json'}: 9 problems\n"
        "  facts[0].sector, facts[1].sector, facts[2].sector and 6 more: unknown sector 'money'\n"
        f"{HINT_SCHEMA}"
    )


def test_a_malformed_id_is_explained_in_words(tmp_path: Path) -> None:
    problems = cross_reference_problems(tmp_path, {"facts.0.id": "Weekly Flights"})
    assert problems == (
        "facts[0].id: an id is lowercase letters and digits, in words joined by '.' or '-' "
        "(like aviation.weekly-flights) (got 'Weekly Flights')\n"
    )
