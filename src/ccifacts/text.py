"""Text helpers shared by every output path: ``inert`` makes a string safe to print on a terminal
(control, C1, bidirectional and other invisible format characters become visible escapes, so a
fact base cannot clear a screen, set a clipboard or reorder a line), and ``normalize`` folds text
for matching (case, hyphens, punctuation and runs of spaces do not matter)."""

from __future__ import annotations

import re

# C0 controls (tab and newline are handled by the caller's `keep`), DEL and C1 controls, and the
# Unicode format characters that can hide or reorder text: soft hyphen, Arabic letter mark,
# zero-width characters, bidi embeddings/overrides/isolates, word joiners, line/paragraph
# separators, the BOM and interlinear annotation marks.
_FORMAT_CHARS = "\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f" + _FORMAT_CHARS
_UNSAFE_ALL = re.compile(f"[{_UNSAFE}\t\n]")
_UNSAFE_KEEP_NEWLINES = re.compile(f"[{_UNSAFE}]")
_SURROGATES = re.compile("[\ud800-\udfff]")
# What json.dumps(ensure_ascii=False) leaves raw (it escapes only C0 controls) that must not reach
# a terminal: DEL, C1, format characters and lone surrogates.
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_FORMAT_CHARS}\ud800-\udfff]")
_NON_WORD = re.compile(r"[\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char == "\t":
        return "\\t"
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with every character that could act on a terminal shown as an escape.

    Printable text, including markup-like brackets and emoji codes, is left verbatim: it is the
    renderer's job not to interpret it. With ``keep_newlines`` tabs and newlines survive (for
    formats that can hold them, such as quoted CSV fields and table cells).
    """
    pattern = _UNSAFE_KEEP_NEWLINES if keep_newlines else _UNSAFE_ALL
    if pattern.search(text) is None and _SURROGATES.search(text) is None:
        return text
    text = pattern.sub(_escape, text)
    return _SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_inert(json_text: str) -> str:
    """Escape, as \\uXXXX, the characters JSON text may hold raw that a terminal would act on.
    Valid JSON stays valid and means the same: these characters only occur inside strings."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def ascii_json(json_text: str) -> str:
    """JSON text with every non-ASCII character escaped (as a surrogate pair beyond U+FFFF), for
    a stream that cannot carry UTF-8. Valid JSON stays valid and means the same."""
    return _NON_ASCII.sub(_json_escape, json_text)


def _json_escape(match: re.Match[str]) -> str:
    encoded = match.group().encode("utf-16-be", "surrogatepass")
    return "".join(
        f"\\u{int.from_bytes(encoded[i : i + 2], 'big'):04x}" for i in range(0, len(encoded), 2)
    )


def normalize(text: str) -> str:
    """Fold ``text`` for matching: casefolded words separated by single spaces, with
    compatibility forms (full-width letters, ligatures) folded to their plain letters."""
    if not text.isascii():
        import unicodedata

        text = unicodedata.normalize("NFKC", text)
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def quoted(text: str, limit: int = 60) -> str:
    """``text`` in quotes for a message: inert, and cut to ``limit`` characters, so that an
    argument of any length or content echoes as one short, harmless line."""
    shown = inert(text[:limit]) + ("..." if len(text) > limit else "")
    return f"'{shown}'"
