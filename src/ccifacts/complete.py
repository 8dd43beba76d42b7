"""Shell-completion callbacks: sector ids and aliases, fact ids, term ids, fact kinds and field
names. They run on every Tab, so they load the fact base through the same cache as commands (no
Pydantic on a hit) and never raise: a broken fact base just completes nothing. What they hand to
the shell comes from a fact base anyone may have written, and shells evaluate it (zsh's
``_arguments`` evals the candidate list), so every candidate passes ``shell_safe`` and every
description goes through ``help_text``. This is part of the command-line layer; it does not import
Typer, which calls each callback with its ``typer.Context`` through ``params.to_typer``."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccifacts.api import Lookups as FactBase

Candidates = list[tuple[str, str]]
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
# Characters that mean themselves inside a word in every shell: no quotes, backslash, `$`,
# backquote, glob or brace characters, `~`, `#`, `!`, `;`, `&`, `|`, `<`, `>`, parentheses,
# whitespace, control or non-ASCII characters.
_WORD_CHARS = _ALNUM | frozenset("_.:@%+=,/-")
# What a description may hold: nothing zsh's double quotes, Rich markup or emoji codes act on,
# nothing zsh globs (with GLOB_SUBST) and no control or invisible characters.
_HELP_CHARS = _ALNUM | frozenset(" .,+&/-")
# Which kind of record each command lists, for completing --fields.
_COMMAND_KINDS = {
    "sectors": "sector",
    "terms": "term",
    "define": "term",
    "people": "person",
    "sources": "source",
    "changes": "change",
    "verify": "untraced",
}


def _base(ctx: Any) -> "FactBase | None":
    from ccifacts import api
    from ccifacts.errors import CcifactsError

    option: str | os.PathLike[str] | None = None
    current: Any = ctx
    while current is not None and option is None:
        option = current.params.get("facts")
        current = current.parent
    try:
        return api.load(Path(option) if option else None).lookups()
    except CcifactsError:
        return None


def shell_safe(value: str) -> bool:
    """Whether ``value`` can be offered to any shell as a completion: a word that means itself
    unquoted in bash, zsh and fish (ASCII letters, digits and ``_.:@%+=,/-``), that starts with
    a letter or digit (so it is neither an option, nor ``=cmd`` in zsh, nor ``~user``)."""
    return value[:1] in _ALNUM and all(char in _WORD_CHARS for char in value)


def help_text(text: str, shell: str) -> str:
    """The description to show next to a candidate in ``shell``: ``text`` with every run of
    characters outside ASCII letters, digits, space and ``.,+&/-`` made one space, for zsh;
    nothing for other shells. Typer's bash script never shows descriptions, and its fish and
    PowerShell output puts Rich's rendering of the description (wrapped at the terminal's
    width) on the candidate's line, so a long one turns its wrapped lines into candidates."""
    if shell != "zsh":
        return ""
    return " ".join("".join(char if char in _HELP_CHARS else " " for char in text).split())


def _shell() -> str:
    # Typer names the shell it completes for in the instruction, such as "complete_zsh".
    return os.environ.get("_CCIFACTS_COMPLETE", "").partition("_")[2]


def _matching(incomplete: str, candidates: Candidates) -> Candidates:
    prefix = incomplete.casefold()
    shell = _shell()
    seen: set[str] = set()
    found: Candidates = []
    for value, text in candidates:
        if value.casefold().startswith(prefix) and value not in seen and shell_safe(value):
            seen.add(value)
            found.append((value, help_text(text, shell)))
    return found


def sectors(ctx: Any, incomplete: str) -> Candidates:
    base = _base(ctx)
    if base is None:
        return []
    return _matching(
        incomplete,
        [(name, s["name"]) for s in base.sectors for name in (s["id"], *s["aliases"])],
    )


def fact_ids(ctx: Any, incomplete: str) -> Candidates:
    base = _base(ctx)
    return [] if base is None else _matching(incomplete, base.fact_ids(incomplete.lower()))


def terms(ctx: Any, incomplete: str) -> Candidates:
    base = _base(ctx)
    return [] if base is None else _matching(incomplete, [(t["id"], t["name"]) for t in base.terms])


def kinds(ctx: Any, incomplete: str) -> Candidates:
    from ccifacts.kinds import FACT_KINDS

    return _matching(incomplete, [(kind, "") for kind in FACT_KINDS])


def _field_candidates(kind_name: str, incomplete: str) -> Candidates:
    from ccifacts import views

    kind = next(k for k in views.KINDS if k.name == kind_name)
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    chosen = set(done.split(",")) if done else set()
    # "all" stands alone: it cannot follow other fields.
    options = [p for p in kind.valid() if p not in chosen] + ([] if done else ["all"])
    # The typed fields come back in every candidate: they must be safe words too.
    return [(prefix + p, "") for p in options if p.startswith(last) and shell_safe(prefix + p)]


def fields(ctx: Any, incomplete: str) -> Candidates:
    return _field_candidates(_COMMAND_KINDS.get(ctx.info_name or "", "fact"), incomplete)


def fact_fields(ctx: Any, incomplete: str) -> Candidates:
    return _field_candidates("fact", incomplete)
