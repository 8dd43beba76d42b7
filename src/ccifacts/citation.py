"""Citations of a fact's source, ready to paste: plain text, Markdown, or a BibTeX entry. Each
names the publisher, title, date (noting an inferred year), section and, where the source
attributes the fact to someone, the speaker. Strings from the fact base are escaped for the
target format, so a hostile title cannot break a .bib file or a Markdown document: in BibTeX every
brace of a value becomes a balanced group (``{\\textbraceleft}``), since BibTeX counts braces even
after a backslash and ``\\}`` would end the field."""

from __future__ import annotations

import re
from typing import Any

from ccifacts import __version__
from ccifacts.factbase import FactBase, Record
from ccifacts.text import inert

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_BIBTEX_SPECIAL = re.compile(r"[\\{}%&$#_^~]")
# BibTeX ends a field at the brace that balances its opening one, backslash or not, so a brace
# in a value is written as a group of its own holding a text command; the value's braces are
# then balanced whatever the fact base holds, and LaTeX still prints the character.
_BIBTEX_ESCAPES = {
    "\\": "{\\textbackslash}",
    "{": "{\\textbraceleft}",
    "}": "{\\textbraceright}",
    "^": "{\\textasciicircum}",
    "~": "{\\textasciitilde}",
    **{char: "\\" + char for char in "%&$#_"},
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", inert(text))


def _braced(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_ESCAPES[match.group()], inert(text))


def human_date(partial: str) -> str:
    """ "2025-11-10" -> "10 November 2025"; "2025-11" -> "November 2025"; "2025" -> "2025"."""
    parts = partial.split("-")
    if len(parts) == 1:
        return partial
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def _parts(base: FactBase, fact: Record) -> dict[str, Any]:
    source = base.sources_by_id[fact["source"]]
    sections = {section["id"]: section["title"] for section in source["sections"]}
    person = base.people_by_id.get(fact["said_by"] or "")
    return {
        "source": source,
        "date": human_date(source["published"]),
        "inferred": bool(source["inferred"]),
        "section": sections.get(fact["section"] or ""),
        "speaker": f"{person['name']} ({'; '.join(person['roles'])})" if person else None,
    }


def cite(base: FactBase, fact: Record, style: str) -> str:
    """The citation of ``fact`` in ``style`` (plain, markdown or bibtex), ending in a newline."""
    parts = _parts(base, fact)
    source = parts["source"]
    title = source["title"] + (f": {source['subtitle']}" if source["subtitle"] else "")
    date = parts["date"] + (" (date partly inferred)" if parts["inferred"] else "")
    if style == "bibtex":
        return _bibtex(fact, parts, title)
    if style == "markdown":
        text = f"{_md(source['publisher'])}, *{_md(title)}*, {_md(date)}"
        if parts["section"]:
            text += f", section \u201c{_md(parts['section'])}\u201d"
        if parts["speaker"]:
            text += f"; statement by {_md(parts['speaker'])}"
        return text + f". Fact `{inert(fact['id'])}`.\n"
    text = f'{source["publisher"]}. "{title}." {date}.'
    if parts["section"]:
        text += f' Section "{parts["section"]}".'
    if parts["speaker"]:
        text += f" Statement by {parts['speaker']}."
    return inert(text + f" Fact {fact['id']}, via ccifacts {__version__}.") + "\n"


def _bibtex(fact: Record, parts: dict[str, Any], title: str) -> str:
    source = parts["source"]
    key = re.sub(r"[^A-Za-z0-9:._-]", "-", f"{source['id']}:{fact['id']}")
    published = source["published"]
    note = [f"Fact {fact['id']}"]
    if parts["section"]:
        note.append(f"section ``{parts['section']}''")
    if parts["speaker"]:
        note.append(f"statement by {parts['speaker']}")
    if parts["inferred"]:
        note.append("date partly inferred")
    # Both BibTeX's fields (journal, year, month) and biblatex's (journaltitle, date), so the
    # entry reads the same in either; the inner braces keep a style from changing the case of
    # the publisher and of acronyms in the title ("CCI", "ASEAN").
    fields = [
        ("author", "{" + _braced(source["publisher"]) + "}"),
        ("title", "{" + _braced(title) + "}"),
        ("journal", _braced(source["publisher"])),
        ("journaltitle", _braced(source["publisher"])),
        ("year", _braced(published[:4])),
        *([("month", _MONTH_MACROS[int(published[5:7]) - 1])] if len(published) >= 7 else []),
        ("date", _braced(published)),
        ("note", _braced("; ".join(note))),
    ]
    body = "".join(
        f"  {name} = {value},\n" if name == "month" else f"  {name} = {{{value}}},\n"
        for name, value in fields
    )
    return f"@article{{{key},\n{body}}}\n"


_MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def as_record(base: FactBase, fact: Record, style: str, text: str) -> dict[str, Any]:
    """The citation as a JSON object for ``cite --json``."""
    parts = _parts(base, fact)
    source = parts["source"]
    return {
        "fact": fact["id"],
        "style": style,
        "citation": text.rstrip("\n"),
        "source": {key: source[key] for key in ("id", "publisher", "title", "published")},
        "section": parts["section"],
        "said_by": fact["said_by"],
    }
