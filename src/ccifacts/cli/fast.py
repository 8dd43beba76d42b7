"""Running a well-formed command line without Typer. Importing Typer (and the Click inside it)
takes longer than everything else a lookup does, so ``run`` parses the command line itself from
the commands' own declarations (``Opt`` and ``Arg``), the way Click would, and runs the command.
It takes only what it is sure of: known options, each once, with values of the declared types.
Anything else (help, ``--version``, completion, an unknown or repeated option, a missing or
invalid value, ``--``) returns None, and Typer runs the command line as before, with its
messages. Tests run command lines both ways and compare what they print."""

from __future__ import annotations

import os
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from ccifacts.cli.params import Arg, Opt, Param
from ccifacts.cli.run import COMMANDS, StdoutError, failure, load_commands

# Settings of Opt and Arg that change only help and completion, not what a command line means.
_DISPLAY = {"help", "metavar", "show_default", "autocompletion", "hidden", "rich_help_panel"}
_ROOT = {"--facts": "facts", "--quiet": "quiet", "-q": "quiet"}
_FLAGS = {"quiet"}


class _NotMine(Exception):
    """The command line is not one this parser is sure of: Typer takes it."""


class _Param:
    """What parsing needs to know of one declared parameter."""

    def __init__(self, name: str, annotation: Any, default: Any) -> None:
        if typing.get_origin(annotation) is not typing.Annotated:
            raise _NotMine
        kind, *extras = typing.get_args(annotation)
        declared = [e for e in extras if isinstance(e, Param)]
        if len(declared) != 1 or set(declared[0].settings) - _DISPLAY - {"case_sensitive", "min"}:
            raise _NotMine
        self.name = name
        self.param = declared[0]
        self.default = default
        self.many = False
        members = [k for k in _members(kind) if k is not type(None)]
        if len(members) == 1 and typing.get_origin(members[0]) is list:
            self.many = True
            members = list(typing.get_args(members[0]))
        if len(members) != 1:
            raise _NotMine
        self.kind = members[0]
        if not (self.kind in (str, int, bool, Path) or _is_enum(self.kind)):
            raise _NotMine
        self.flag = self.kind is bool
        if self.flag and (self.many or isinstance(self.param, Arg)):
            raise _NotMine

    def convert(self, text: str) -> Any:
        if self.kind is str:
            return text
        if self.kind is Path:
            return Path(text)
        if self.kind is int:
            try:
                number = int(text.strip())
            except ValueError:
                raise _NotMine from None
            low = self.param.settings.get("min")
            if low is not None and number < low:
                raise _NotMine
            return number
        folded = self.param.settings.get("case_sensitive", True) is False
        for member in self.kind:
            if member.value == text or (folded and member.value.casefold() == text.casefold()):
                return member
        raise _NotMine


def _members(kind: Any) -> tuple[Any, ...]:
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        return typing.get_args(kind)
    return (kind,)


def _is_enum(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Enum)


def parse(args: list[str]) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The command, the values of its parameters and the root options of ``args``; raises
    ``_NotMine`` for a command line Typer must see."""
    root: dict[str, Any] = {"facts": None, "quiet": False}
    given: set[str] = set()
    index = 0
    while index < len(args) and args[index].startswith("-"):
        word, _, attached = args[index].partition("=")
        name = _ROOT.get(word)
        if name is None or name in given:
            raise _NotMine
        given.add(name)
        if name in _FLAGS:
            if attached or "=" in args[index]:
                raise _NotMine
            root[name] = True
        elif "=" in args[index]:
            root[name] = attached
        elif index + 1 < len(args):
            index += 1
            root[name] = args[index]
        else:
            raise _NotMine
        index += 1
    if index == len(args) or args[index] not in COMMANDS:
        raise _NotMine
    command = COMMANDS[args[index]]
    return command, _parse_command(command, args[index + 1 :]), root


def _parse_command(command: Any, args: list[str]) -> dict[str, Any]:
    params = [_Param(*declared) for declared in command.parameters()]
    options: dict[str, _Param] = {}
    for param in params:
        if isinstance(param.param, Opt):
            for declaration in param.param.declarations:
                if "/" in declaration or not declaration.startswith("-"):
                    raise _NotMine
                options[declaration] = param
    values: dict[str, Any] = {}
    positional: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "-" or not arg.startswith("-"):
            positional.append(arg)
            continue
        if arg.startswith("--"):
            word, equals, attached = arg.partition("=")
        elif len(arg) > 2:
            word, equals, attached = arg[:2], "=", arg[2:]  # -n20
        else:
            word, equals, attached = arg, "", ""
        found = options.get(word)
        if found is None or (found.name in values and not found.many):
            raise _NotMine  # unknown, or given twice: Typer says so
        if found.flag:
            if equals:
                raise _NotMine
            values[found.name] = True
            continue
        if not equals:
            if index == len(args):
                raise _NotMine
            attached = args[index]
            index += 1
        value = found.convert(attached)
        if found.many:
            values.setdefault(found.name, []).append(value)
        else:
            values[found.name] = value
    arguments = [p for p in params if isinstance(p.param, Arg)]
    for number, param in enumerate(arguments):
        if param.many:
            if number != len(arguments) - 1:
                raise _NotMine
            taken, positional = positional, []
            if taken:
                values[param.name] = [param.convert(t) for t in taken]
        elif positional:
            values[param.name] = param.convert(positional.pop(0))
        if param.name not in values and param.default is _required():
            raise _NotMine  # a missing argument: Typer's usage error
    if positional:
        raise _NotMine
    for param in params:
        values.setdefault(param.name, param.default)
    return values


def _required() -> Any:
    from ccifacts.cli.output import REQUIRED

    return REQUIRED


def run(args: list[str]) -> int | None:
    """Run ``args`` and give the exit code, or None if Typer must run them."""
    if any(key.startswith("_CCIFACTS_COMPLETE") for key in os.environ):
        return None
    load_commands()
    try:
        command, values, root = parse(args)
    except _NotMine:
        return None
    try:
        command(root=root, **values)
    except StdoutError:
        raise  # said once by main(), however many writes found it
    except Exception as error:
        return failure(error)
    return 0
