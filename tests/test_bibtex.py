"""``cite --style bibtex`` against hostile fact bases, checked by parsing the output with pybtex, a
real BibTeX parser: whatever a source's title, subtitle or publisher, a section title or a
speaker's name or roles hold, the entry has exactly its own fields, each with the text it was
given, and no field, entry or value the fact base tried to slip in."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pybtex.database
import pybtex.errors
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import minimal, run, write

KEY = "test-source:aviation.weekly-flights"
FIELDS = {"author", "title", "journal", "journaltitle", "year", "month", "date", "note"}
ATTACK = 'Decade}}, url = "http://evil.example/", year = 1999'
HOSTILE = [
    ATTACK,
    "}",
    "{",
    "Stray } cuts the rest",
    "Unclosed { swallows the rest",
    "\\}\\}} escaped or not",
    "x}, note = {pwned}, title = {y",
    '"}, url = "http://evil.example/',
    "}\n@misc{evil, title = {pwned}}",
    "% not a comment } @comment{",
    "\\textbf{bold} $x^2$ a~b #1 & 50% C_D",
    "\\",
    "ends in a backslash \\",
    "{{{{{{{{{{ deep",
]
# The LaTeX each escape stands for: the test decodes the parsed value with this table, written
# from LaTeX's meaning of the commands, not from the code under test.
LATEX_TEXT = {
    "{\\textbraceleft}": "{",
    "{\\textbraceright}": "}",
    "{\\textbackslash}": "\\",
    "{\\textasciicircum}": "^",
    "{\\textasciitilde}": "~",
    "\\%": "%",
    "\\&": "&",
    "\\$": "$",
    "\\#": "#",
    "\\_": "_",
}


@pytest.fixture(autouse=True)
def strict_pybtex() -> None:
    # A parse problem (an unbalanced brace, a duplicate field) is an exception, not a warning.
    pybtex.errors.set_strict_mode(True)


def latex_text(value: str) -> str:
    """The text a BibTeX value prints as: escapes decoded, left to right."""
    out, i = [], 0
    while i < len(value):
        for escape, char in LATEX_TEXT.items():
            if value.startswith(escape, i):
                out.append(char)
                i += len(escape)
                break
        else:
            assert value[i] not in "{}\\", f"unescaped {value[i]!r} at {i} in {value!r}"
            out.append(value[i])
            i += 1
    return "".join(out)


def parsed(bibtex: str) -> dict[str, str]:
    """The one entry of ``bibtex``, parsed by pybtex: every field by name, persons included."""
    data = pybtex.database.parse_string(bibtex, "bibtex")
    assert list(data.entries) == [KEY]
    entry = data.entries[KEY]
    assert entry.type == "article"
    fields = {name.lower(): value for name, value in entry.fields.items()}
    for role, persons in entry.persons.items():
        assert len(persons) == 1, persons
        fields[role.lower()] = str(persons[0])
    return fields


def cite_bibtex(document: dict[str, Any], tmp_path: Path) -> dict[str, str]:
    result = run(
        "cite",
        "aviation.weekly-flights",
        "--style",
        "bibtex",
        "--facts",
        str(write(tmp_path / "hostile.json", document)),
    )
    assert (result.code, result.stderr) == (0, "")
    return parsed(result.stdout)


def expected(
    title: str = "A Test Report",
    publisher: str = "Test Gazette",
    section: str = "Body",
    speaker: str = "Ann Lee (Spokesperson)",
) -> dict[str, str]:
    """The fields of the small base's entry, as text, with the given strings in their places."""
    return {
        "author": "{" + publisher + "}",
        "title": "{" + title + "}",
        "journal": publisher,
        "journaltitle": publisher,
        "year": "2025",
        "month": "November",
        "date": "2025-11-10",
        "note": f"Fact aviation.weekly-flights; section ``{section}''; statement by {speaker}",
    }


def as_text(fields: dict[str, str]) -> dict[str, str]:
    """The fields as text. The author and the title are one brace group (so that a style keeps
    their case), which pybtex keeps; inside it, as everywhere else, every brace is escaped."""
    text = {}
    for name, value in fields.items():
        if name in {"author", "title"}:
            assert (value[:1], value[-1:]) == ("{", "}"), value
            text[name] = "{" + latex_text(value[1:-1]) + "}"
        else:
            text[name] = latex_text(value)
    return text


def test_the_issue_title_stays_inside_the_title(tmp_path: Path) -> None:
    document = minimal()
    document["sources"][0]["title"] = ATTACK
    result = run(
        "cite",
        "aviation.weekly-flights",
        "--style",
        "bibtex",
        "--facts",
        str(write(tmp_path / "hostile.json", document)),
    )
    assert result.stdout == (
        "@article{test-source:aviation.weekly-flights,\n"
        "  author = {{Test Gazette}},\n"
        '  title = {{Decade{\\textbraceright}{\\textbraceright}, url = "http://evil.example/", '
        "year = 1999}},\n"
        "  journal = {Test Gazette},\n"
        "  journaltitle = {Test Gazette},\n"
        "  year = {2025},\n"
        "  month = nov,\n"
        "  date = {2025-11-10},\n"
        "  note = {Fact aviation.weekly-flights; section ``Body''; statement by Ann Lee "
        "(Spokesperson)},\n"
        "}\n"
    )
    fields = parsed(result.stdout)
    assert set(fields) == FIELDS
    assert fields["year"] == "2025"
    assert as_text(fields) == expected(title=ATTACK)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_title_and_subtitle_stay_in_the_title(tmp_path: Path, text: str) -> None:
    document = minimal()
    document["sources"][0]["title"] = f"T {text}"
    document["sources"][0]["subtitle"] = f"S {text}"
    shown = f"T {text}: S {text}".replace("\n", "\\n")  # inert: a newline is shown as \n
    assert as_text(cite_bibtex(document, tmp_path)) == expected(title=shown)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_publisher_stays_in_author_and_journal(tmp_path: Path, text: str) -> None:
    document = minimal()
    document["sources"][0]["publisher"] = f"P {text}"
    shown = f"P {text}".replace("\n", "\\n")
    assert as_text(cite_bibtex(document, tmp_path)) == expected(publisher=shown)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_section_and_speaker_stay_in_the_note(tmp_path: Path, text: str) -> None:
    document = minimal()
    document["sources"][0]["sections"][0]["title"] = f"Sec {text}"
    document["people"][0]["name"] = f"Name {text}"
    document["people"][0]["roles"] = [f"Role {text}", "Two"]
    shown = text.replace("\n", "\\n")
    assert as_text(cite_bibtex(document, tmp_path)) == expected(
        section=f"Sec {shown}", speaker=f"Name {shown} (Role {shown}; Two)"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet=st.sampled_from('{}\\%&$#_^~"@,= x'), max_size=40),
    st.sampled_from(["title", "publisher", "section", "speaker"]),
)
def test_any_string_anywhere_parses_to_exactly_the_entry(text: str, place: str) -> None:
    document = minimal()
    value = f"w{text}"  # a name needs a word character
    if place == "title":
        document["sources"][0]["title"] = value
    elif place == "publisher":
        document["sources"][0]["publisher"] = value
    elif place == "section":
        document["sources"][0]["sections"][0]["title"] = value
    else:
        document["people"][0]["name"] = value
        document["people"][0]["roles"] = [value]
    with tempfile.TemporaryDirectory() as folder:
        fields = spaced(as_text(cite_bibtex(document, Path(folder))))
    if place == "speaker":
        assert fields == spaced(expected(speaker=f"{value} ({value})"))
    else:
        assert fields == spaced(expected(**{place: value}))


def spaced(fields: dict[str, str]) -> dict[str, str]:
    # BibTeX reads a run of spaces as one and drops them at the ends of a field.
    return {name: " ".join(value.split()) for name, value in fields.items()}
