"""How a command declares its options and arguments without importing Typer: ``Opt`` and ``Arg``
hold exactly what ``typer.Option`` and ``typer.Argument`` would be given, in ``Annotated``
aliases declared once. Typer gets them (``to_typer``) only when it builds a command, for help,
completion and errors; a well-formed command line is parsed from the same declarations by
``ccifacts.cli.fast`` without Typer, whose import is most of a run's start-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

REQUIRED: Any = object()
"""The default of a parameter that has none (an argument that must be given)."""


class Param:
    """What ``typer.Option`` (``Opt``) or ``typer.Argument`` (``Arg``) would be given."""

    __slots__ = ("declarations", "settings")

    def __init__(self, *declarations: str, **settings: Any) -> None:
        self.declarations = declarations
        self.settings = settings

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self.declarations!r}"


class Opt(Param):
    """An option: its names (``"--limit", "-n"``) and ``typer.Option``'s keyword arguments."""

    __slots__ = ()


class Arg(Param):
    """An argument: ``typer.Argument``'s keyword arguments."""

    __slots__ = ()


def to_typer(param: Param) -> Any:
    """The ``typer.Option`` or ``typer.Argument`` that ``param`` declares."""
    import typer

    settings = dict(param.settings)
    callback = settings.get("autocompletion")
    if callback is not None:
        settings["autocompletion"] = _completion(callback)
    if isinstance(param, Opt):
        return typer.Option(*param.declarations, **settings)
    return typer.Argument(*param.declarations, **settings)


def _completion(callback: Callable[[Any, str], Any]) -> Callable[..., Any]:
    """``callback`` as Typer calls a completion: it passes what the annotations ask for."""
    import typer

    def completion(ctx: typer.Context, incomplete: str) -> Any:
        return callback(ctx, incomplete)

    completion.__annotations__ = {"ctx": typer.Context, "incomplete": str, "return": Any}
    return completion
