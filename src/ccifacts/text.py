"""Text helpers shared by every output path: ``inert`` makes a string safe to print on a terminal
(control, C1, format and other invisible or blank-looking characters become visible escapes, so a
fact base cannot clear a screen, set a clipboard, reorder a line or hide text), and ``normalize``
folds text for matching (case, hyphens, punctuation and runs of spaces do not matter)."""

from __future__ import annotations

import re

# Every character of Unicode category Cf (format: bidi controls, zero-width characters, the BOM,
# the TAG characters that can hide text, ...) in Unicode 14.0, Python 3.11's unicodedata. Written
# out because deriving it takes 0.1 s, on every run; tests/test_invisible.py derives it and fails,
# printing the new value, when another Python's unicodedata disagrees.
_FORMAT_CHARS = (
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# Blank look-alikes: the default-ignorable code points that are not Cf (a terminal draws them as
# nothing): the combining grapheme joiner, the Hangul fillers, the Khmer inherent vowels, the
# Mongolian and other variation selectors, the reserved U+2065, U+FFF0-FFF8 and the rest of
# U+E0000-E0FFF; and U+2800 BRAILLE PATTERN BLANK, which looks like a space but is not one.
_BLANK_CHARS = (
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2065\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\ufff0-\ufff8\U000e0000-\U000e0fff"
)
# C0 controls (tab and newline are handled by the caller's `keep`), DEL and C1 controls, the line
# and paragraph separators, format characters and blank look-alikes.
_INVISIBLE = f"\u2028\u2029{_FORMAT_CHARS}{_BLANK_CHARS}"
_UNSAFE = f"\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}"
_UNSAFE_ALL = re.compile(f"[{_UNSAFE}\t\n]")
_UNSAFE_KEEP_NEWLINES = re.compile(f"[{_UNSAFE}]")
_SURROGATES = re.compile("[\ud800-\udfff]")
# What json.dumps(ensure_ascii=False) leaves raw (it escapes only C0 controls) that must not reach
# a terminal: DEL, C1, the characters above and lone surrogates.
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_INVISIBLE}\ud800-\udfff]")
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
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def inert(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with every character that could act on a terminal, or hide, shown as an
    escape.

    Escaped are C0 and C1 controls, DEL, the line and paragraph separators, every format (Cf)
    character, blank look-alikes (the Hangul fillers, variation selectors, U+2800 ...) and lone
    surrogates. Tab, newline and carriage return become ``\\t``, ``\\n`` and ``\\r``; any other
    character becomes Python's escape for it, whose letter fixes its length: ``\\xhh`` up to
    U+00FF, ``\\uhhhh`` up to U+FFFF and ``\\Uhhhhhhhh`` above (U+E0041 is ``\\U000e0041``).
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
    """Escape, as ``\\uXXXX`` (a surrogate pair above U+FFFF, as JSON requires), the characters
    JSON text may hold raw that a terminal would act on or that hide text: those ``inert``
    escapes. Valid JSON stays valid and means the same: these characters only occur inside
    strings."""
    return _JSON_UNSAFE.sub(_json_escape, json_text)


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
