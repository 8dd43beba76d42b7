"""Running a well-formed command line without Typer. Importing Typer (and the Click inside it)
takes longer than everything else a lookup does, so ``run`` parses the command line itself from
the commands' own declarations (``Opt`` and ``Arg``), the way Click would, and runs the command.
It takes only what it is sure of: known options, each once, with values of the declared types.
Anything else (help, ``--version``, an unknown or repeated option, a missing or invalid value,
``--``) returns None, and Typer runs the command line as before, with its messages. A Tab on an
argument or an option's value is answered here too; completing the name of a command or an
option is left to Typer. Tests run command lines both ways and compare what they print."""

from __future__ import annotations

import os
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from ccifacts.cli.params import REQUIRED, Arg, Opt, Param
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
        if param.name not in values and param.default is REQUIRED:
            raise _NotMine  # a missing argument: Typer's usage error
    if positional:
        raise _NotMine
    for param in params:
        values.setdefault(param.name, param.default)
    return values


def run(args: list[str]) -> int | None:
    """Run ``args`` and give the exit code, or None if Typer must run them."""
    load_commands()
    if "_CCIFACTS_COMPLETE" in os.environ:
        return complete()
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


# --- completion ---------------------------------------------------------------------------------
#
# A Tab on a command's argument or on an option's value, which is what people press it for, is
# answered here in the shell's format as Typer gives it; the names of commands and options, and
# anything unusual, are left to Typer.

_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


class _Context:
    """What the completion callbacks read of Click's context: the values given so far, the
    parent (the root command) and the command's name."""

    def __init__(self, params: dict[str, Any], parent: _Context | None, info_name: str) -> None:
        self.params = params
        self.parent = parent
        self.info_name = info_name


def complete() -> int | None:
    """Answer the shell's completion request of ``$_CCIFACTS_COMPLETE``, or None for Typer."""
    action, _, shell = os.environ["_CCIFACTS_COMPLETE"].partition("_")
    if action != "complete" or shell not in _SHELLS:
        return None
    args, incomplete = _words(shell)
    if incomplete.startswith("-") or any("=" in word for word in (*args, incomplete)):
        return None  # option names, and values joined with "=": Typer knows those
    try:
        context, callback = _target(args)
    except _NotMine:
        return None
    found = callback(context, incomplete)
    items = [(v, "") if isinstance(v, str) else (v[0], v[1] or "") for v in found]
    # Typer keeps the candidates that start with what was typed, in its case.
    return _answer(shell, [(v, h) for v, h in items if v.startswith(incomplete)])


def _split(text: str) -> list[str]:
    # As Click splits a command line for completion: shell words, an unfinished one kept.
    import shlex

    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        words.extend(lexer)
    except ValueError:
        words.append(lexer.token)
    return words


def _words(shell: str) -> tuple[list[str], str]:
    """The words before the one being completed, and that one, as the shell's script sends
    them (Typer's way for each shell)."""
    if shell == "bash":
        words = _split(os.environ.get("COMP_WORDS", ""))
        index = int(os.environ.get("COMP_CWORD", "0") or 0)
        return words[1:index], words[index] if index < len(words) else ""
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = _split(line)[1:]
    if shell in ("powershell", "pwsh"):
        incomplete = os.environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        return (words[:-1] if incomplete else words), incomplete
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def _target(args: list[str]) -> tuple[_Context, Any]:
    """The context and completion callback of the parameter whose value comes next."""
    root: dict[str, Any] = {"facts": None, "quiet": False}
    index = 0
    while index < len(args) and args[index].startswith("-"):
        name = _ROOT.get(args[index])
        if name is None:
            raise _NotMine
        if name not in _FLAGS:
            index += 1
            if index == len(args):
                raise _NotMine  # the value of --facts: Typer completes it
            root[name] = args[index]
        else:
            root[name] = True
        index += 1
    if index == len(args) or args[index] not in COMMANDS:
        raise _NotMine
    command = COMMANDS[args[index]]
    params = [_Param(*declared) for declared in command.parameters()]
    options = {d: p for p in params if isinstance(p.param, Opt) for d in p.param.declarations}
    values: dict[str, Any] = {p.name: p.default for p in params}
    given = 0
    pending: _Param | None = None
    for arg in args[index + 1 :]:
        if pending is not None:
            values[pending.name] = pending.convert(arg)
            pending = None
        elif arg == "-" or not arg.startswith("-"):
            given += 1
        elif arg in options and options[arg].flag:
            values[options[arg].name] = True
        elif arg in options:
            pending = options[arg]
        else:
            raise _NotMine
    chosen = pending or _argument(params, given)
    callback = chosen.param.settings.get("autocompletion")
    if callback is None:
        raise _NotMine
    parent = _Context(root, None, "ccifacts")
    return _Context(values, parent, args[index]), callback


def _argument(params: list[_Param], given: int) -> _Param:
    """The argument the next positional word fills, after ``given`` of them."""
    for param in (p for p in params if isinstance(p.param, Arg)):
        if param.many:
            return param
        if given == 0:
            return param
        given -= 1
    raise _NotMine


def _answer(shell: str, items: list[tuple[str, str]]) -> int:
    from ccifacts.cli.output import write

    if shell == "bash":
        text = "\n".join(value for value, _ in items)
    elif shell == "zsh":
        if not items:
            text = "_files"
        else:
            candidates = "\n".join(
                f'"{_zsh(value)}":"{_zsh(help)}"' if help else f'"{_zsh(value)}"'
                for value, help in items
            )
            text = f"_arguments '*: :(({candidates}))'"
    elif shell == "fish":
        action = os.environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return 0 if items else 1
        lines = [f"{value}\t{_one_line(help)}" if help else value for value, help in items]
        text = "\n".join(lines) if action == "get-args" else ""
    else:
        text = "\n".join(f"{value}:::{help or ' '}" for value, help in items)
    write(text + "\n")
    return 0


def _one_line(text: str) -> str:
    return "".join(" " if char.isspace() else char for char in text)


def _zsh(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )
