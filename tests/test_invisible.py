"""Invisible characters: every format character (Unicode category Cf, such as the TAG characters
that can hide a message inside a label) and every blank look-alike (the Hangul fillers, variation
selectors, U+2800 ...) is shown as an escape in every output format and in error messages, while
JSON still decodes to the original text. The written-out set of format characters is checked
against unicodedata here, so a new Unicode version cannot make it drift."""

from __future__ import annotations

import functools
import json
import unicodedata
from pathlib import Path

import pytest

from ccifacts import text
from ccifacts.text import inert, json_inert
from conftest import minimal, run, write

# "hi" in TAG characters between LANGUAGE TAG and CANCEL TAG, and a Hangul filler: a label that
# looks like "Weekly flights" on a terminal.
HIDDEN = "\U000e0001\U000e0068\U000e0069\U000e007f"
LABEL = f"Weekly{HIDDEN} flights\u3164"
SHOWN = "Weekly\\U000e0001\\U000e0068\\U000e0069\\U000e007f flights\\u3164"
RAW = ("\U000e0001", "\U000e0068", "\U000e0069", "\U000e007f", "\u3164")
BLANK_LOOK_ALIKES = [
    0x034F,  # COMBINING GRAPHEME JOINER
    0x115F,  # HANGUL CHOSEONG FILLER
    0x1160,  # HANGUL JUNGSEONG FILLER
    0x17B4,  # KHMER VOWEL INHERENT AQ
    0x17B5,  # KHMER VOWEL INHERENT AA
    *range(0x180B, 0x180E),  # MONGOLIAN FREE VARIATION SELECTOR ONE..THREE
    0x180F,  # MONGOLIAN FREE VARIATION SELECTOR FOUR
    0x2065,  # reserved, default-ignorable
    0x2800,  # BRAILLE PATTERN BLANK
    0x3164,  # HANGUL FILLER
    *range(0xFE00, 0xFE10),  # VARIATION SELECTOR-1..16
    0xFFA0,  # HALFWIDTH HANGUL FILLER
    *range(0xFFF0, 0xFFF9),  # reserved, default-ignorable
    *range(0xE0000, 0xE1000),  # tags, VARIATION SELECTOR-17..256 and reserved
]


@functools.cache
def format_characters() -> list[int]:
    """Every code point of category Cf, from unicodedata (a tenth of a second)."""
    return [code for code in range(0x110000) if unicodedata.category(chr(code)) == "Cf"]


def character_class(codes: list[int]) -> str:
    """``codes`` (ascending) as the body of a regular-expression class: runs of three or more as
    ranges."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(
        chr(first) + ("-" if last - first > 1 else "") + (chr(last) if last > first else "")
        for first, last in runs
    )


def escape(code: int) -> str:
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def test_the_format_characters_are_every_cf_character_of_unicodedata() -> None:
    expected = character_class(format_characters())
    assert expected == text._FORMAT_CHARS, (
        f"unicodedata {unicodedata.unidata_version} differs: set _FORMAT_CHARS to {expected!a}"
    )


def test_the_blank_look_alikes_are_those_listed() -> None:
    assert character_class(sorted(BLANK_LOOK_ALIKES)) == text._BLANK_CHARS


@pytest.mark.parametrize(
    "codes", [format_characters(), BLANK_LOOK_ALIKES], ids=["format", "blank-look-alikes"]
)
def test_every_invisible_character_is_escaped(codes: list[int]) -> None:
    for code in codes:
        char = chr(code)
        assert inert(f"a{char}b") == f"a{escape(code)}b"
        assert inert(f"a{char}b", keep_newlines=True) == f"a{escape(code)}b"
        escaped_json = json_inert(json.dumps(f"a{char}b", ensure_ascii=False))
        assert escaped_json.isascii()
        assert json.loads(escaped_json) == f"a{char}b"


def test_visible_text_is_left_as_it_is() -> None:
    visible = "Chongqing 重庆 café – “RMB 400 million” ❤ 😀 \u00a0 \u3000 한국 العربية"
    assert inert(visible) == visible
    assert json_inert(json.dumps(visible, ensure_ascii=False)) == json.dumps(
        visible, ensure_ascii=False
    )


def test_characters_above_the_bmp_have_an_eight_digit_escape() -> None:
    assert inert("\U000e0041") == "\\U000e0041"
    assert inert("\U0001d173") == "\\U0001d173"
    assert json_inert(json.dumps("\U000e0041", ensure_ascii=False)) == '"\\udb40\\udc41"'


# --- through the command line ---------------------------------------------------------------------


@pytest.fixture
def hidden(tmp_path: Path) -> Path:
    base = minimal()
    base["facts"][0]["label"] = LABEL
    base["sectors"][0]["name"] = f"Aviation{HIDDEN}"
    base["sources"][0]["title"] = f"A Test Report{HIDDEN}"
    return write(tmp_path / "hidden.json", base)


def assert_no_raw(*outputs: str) -> None:
    for output in outputs:
        for char in RAW:
            assert char not in output


@pytest.mark.parametrize("command", ["get", "list"])
@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "markdown"])
def test_every_text_format_shows_the_escapes(hidden: Path, command: str, fmt: str) -> None:
    args = ["get", "aviation.weekly-flights"] if command == "get" else ["list"]
    result = run(*args, "--facts", str(hidden), "--format", fmt, env={"COLUMNS": "200"})
    assert (result.code, result.stderr) == (0, "")
    assert_no_raw(result.stdout)
    # Markdown escapes the backslash of each escape as it does any other.
    shown = SHOWN.replace("\\", "\\\\") if fmt == "markdown" else SHOWN
    assert shown in result.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_escapes_them_and_decodes_to_the_original(hidden: Path, fmt: str) -> None:
    result = run("get", "aviation.weekly-flights", "--facts", str(hidden), "--format", fmt)
    assert (result.code, result.stderr) == (0, "")
    assert_no_raw(result.stdout)
    assert '"Weekly\\udb40\\udc01\\udb40\\udc68\\udb40\\udc69\\udb40\\udc7f flights\\u3164"' in (
        result.stdout
    )
    assert json.loads(result.stdout)["label"] == LABEL
    listed = run("list", "--facts", str(hidden), "--format", fmt)
    assert_no_raw(listed.stdout)
    lines = listed.stdout.splitlines()
    records = [json.loads(line) for line in lines] if fmt == "jsonl" else json.loads(listed.stdout)
    assert records[0]["label"] == LABEL


def test_a_bare_field_shows_the_escapes(hidden: Path) -> None:
    result = run("get", "aviation.weekly-flights", "--field", "label", "--facts", str(hidden))
    assert (result.code, result.stdout, result.stderr) == (0, f"{SHOWN}\n", "")


def test_sectors_show_the_escapes(hidden: Path) -> None:
    result = run("sectors", "--facts", str(hidden), "--format", "tsv")
    assert "\tAviation\\U000e0001\\U000e0068\\U000e0069\\U000e007f\t" in result.stdout
    assert_no_raw(result.stdout)


@pytest.mark.parametrize(
    ("style", "title"),
    [
        ("plain", '"A Test Report\\U000e0001\\U000e0068\\U000e0069\\U000e007f."'),
        ("markdown", "*A Test Report\\\\U000e0001\\\\U000e0068\\\\U000e0069\\\\U000e007f*"),
    ],
)
def test_a_citation_shows_the_escapes(hidden: Path, style: str, title: str) -> None:
    result = run("cite", "aviation.weekly-flights", "--style", style, "--facts", str(hidden))
    assert (result.code, result.stderr) == (0, "")
    assert title in result.stdout
    assert_no_raw(result.stdout)


def test_error_messages_show_the_escapes(hidden: Path) -> None:
    result = run("get", f"nope{HIDDEN}\u3164", "--facts", str(hidden))
    assert result.code == 1
    assert result.stderr.startswith(
        "Error: no fact with id 'nope\\U000e0001\\U000e0068\\U000e0069\\U000e007f\\u3164'\n"
    )
    assert_no_raw(result.stderr)
    result = run("search", f"nope{HIDDEN}", "--facts", str(hidden), "--format", "csv")
    assert result.stderr == (
        "no facts match 'nope\\U000e0001\\U000e0068\\U000e0069\\U000e007f': no fact has 'nope'\n"
        "Try fewer words, a term (`ccifacts terms`) or a sector (`ccifacts sectors`).\n"
    )
