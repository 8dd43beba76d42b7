"""Shell-completion callbacks: sector names and aliases, fact ids, term ids and names, fact kinds
and field names. They run on every Tab, so they load the fact base through the same cache as
commands (no Pydantic on a hit) and never raise: a broken fact base just completes nothing. This
is part of the command-line layer: Typer reads the callbacks' annotations at run time."""

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ccifacts.api import Lookups as FactBase

Candidates = list[tuple[str, str]]
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


def _base(ctx: typer.Context) -> "FactBase | None":
    from ccifacts import api
    from ccifacts.errors import CcifactsError

    option: str | os.PathLike[str] | None = None
    current: typer.Context | None = ctx
    while current is not None and option is None:
        option = current.params.get("facts")
        current = current.parent  # type: ignore[assignment]
    try:
        return api.load(Path(option) if option else None).lookups()
    except CcifactsError:
        return None


def _matching(incomplete: str, candidates: Candidates) -> Candidates:
    prefix = incomplete.casefold()
    seen: set[str] = set()
    found: Candidates = []
    for value, help_text in candidates:
        if value.casefold().startswith(prefix) and value not in seen:
            seen.add(value)
            found.append((value, help_text))
    return found


def sectors(ctx: typer.Context, incomplete: str) -> Candidates:
    base = _base(ctx)
    if base is None:
        return []
    return _matching(
        incomplete,
        [
            (name, s["name"])
            for s in base.sectors
            for name in (s["id"], *s["aliases"])
            if " " not in name
        ],
    )


def fact_ids(ctx: typer.Context, incomplete: str) -> Candidates:
    base = _base(ctx)
    return [] if base is None else _matching(incomplete, base.fact_ids(incomplete.lower()))


def terms(ctx: typer.Context, incomplete: str) -> Candidates:
    base = _base(ctx)
    return [] if base is None else _matching(incomplete, [(t["id"], t["name"]) for t in base.terms])


def kinds(ctx: typer.Context, incomplete: str) -> Candidates:
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
    return [(prefix + p, "") for p in options if p.startswith(last)]


def fields(ctx: typer.Context, incomplete: str) -> Candidates:
    return _field_candidates(_COMMAND_KINDS.get(ctx.info_name or "", "fact"), incomplete)


def fact_fields(ctx: typer.Context, incomplete: str) -> Candidates:
    return _field_candidates("fact", incomplete)
