"""A command line runs the same with or without Typer: ``main`` parses a well-formed one from the
commands' declarations (``ccifacts.cli.fast``) and gives everything else to Typer. Each command
line here, made from every command's declared parameters and from the ways people write options,
is run both ways; stdout, stderr and the exit code must be equal. The rest of the suite runs
through ``main`` too."""

from __future__ import annotations

import typing
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from ccifacts.cli import fast
from ccifacts.cli.params import Arg, Opt, Param
from ccifacts.cli.run import COMMANDS, load_commands
from conftest import SOURCE_TEXT, run

load_commands()

# An argument a command needs, and a value of each option that takes one, in the bundled base.
ARGUMENTS = {
    "sector": ["aviation"],
    "search": ["ILSTC", "ports"],
    "ask": ["how", "many", "weekly", "flights"],
    "get": ["aviation.weekly-flights", "aviation.flight-movements"],
    "define": ["NRA"],
    "cite": ["aviation.weekly-flights"],
    "verify": [str(SOURCE_TEXT)],
    "history": ["weekly-flights"],
    "changes": ["weekly-flights"],
}
VALUES = {
    "facts": "",  # replaced by the bundled base's path
    "fields": "id,label",
    "limit": "2",
    "sort": "-id",
    "sector": "aviation",
    "kind": "metric",
    "term": "NRA",
    "source": "cqdaily-2025-11-10",
    "said_by": "zhang-yongwu",
    "qualifier": "more_than",
    "measure": "weekly-flights",
    "since": "2020",
    "until": "2024",
    "min": "10",
    "max": "USD 1 billion",
    "field": "period.label",
    "style": "bibtex",
    "sqlite": "",  # replaced by a path in the test's folder
}


def _declared(command: str) -> list[tuple[str, Any, Param]]:
    found = []
    for name, annotation, _ in COMMANDS[command].parameters():
        extras = typing.get_args(annotation)[1:]
        found.append((name, typing.get_args(annotation)[0], next(e for e in extras)))
    return found


def _kind(annotation: Any) -> Any:
    members = [m for m in typing.get_args(annotation) or (annotation,) if m is not type(None)]
    kind = members[0]
    if typing.get_origin(kind) is list:
        kind = typing.get_args(kind)[0]
    return kind


def _command_lines(tmp: Path) -> list[list[str]]:
    facts = str(Path(__file__).resolve().parents[1] / "facts.json")
    lines: list[list[str]] = []
    for command in sorted(COMMANDS):
        arguments = ARGUMENTS.get(command, [])
        lines.append([command, *arguments])
        for name, annotation, param in _declared(command):
            if not isinstance(param, Opt):
                continue
            option = param.declarations[0]
            kind = _kind(annotation)
            if kind is bool:
                lines.append([command, *arguments, option])
            elif isinstance(kind, type) and issubclass(kind, Enum):
                for member in kind:
                    lines.append([command, *arguments, option, str(member.value).upper()])
            else:
                value = {"facts": facts, "sqlite": str(tmp / f"{command}.db")}.get(
                    name, VALUES.get(name, "x")
                )
                lines.append([command, *arguments, option, value])
    return lines


SHAPES = [
    ["sector", "air", "-n3"],
    ["sector", "air", "--limit=3"],
    ["sector", "-n", "3", "air"],
    ["sector", "air", "-fjson"],
    ["sector", "air", "--format=JSON"],
    ["sector", "air", "--format", "Tsv", "--no-headers"],
    ["list", "--sector", "aviation", "--sector", "finance", "-n", "4", "--sort", "-value"],
    ["list", "-s", "aviation", "-k", "metric", "--since", "2024", "--min", "1.9k"],
    ["list", "--sort", "sector", "--sort", "-value", "--limit", "5", "--fields", "ID,Value"],
    ["list", "--reverse"],
    ["list", "--min", "20%", "--max", "USD 1 billion"],
    ["list", "--since", "2025", "--until", "2020"],
    ["--quiet", "search", "ILTSC", "ports", "-n", "2"],
    ["-q", "sector", "air", "-n", "1"],
    ["--facts", "facts.json", "get", "aviation.weekly-flights", "--json"],
    ["--facts=facts.json", "sectors"],
    ["get", "aviation.weekly-flights", "--value"],
    ["get", "aviation.weekly-flights", "-r"],
    ["get", "aviation.weekly-flights", "--raw"],
    ["get", "aviation.weekly-flights", "aviation.air-corridor", "--value"],
    ["get", "aviation.weekly-flights", "--field", "baseline.value"],
    ["get", "aviation.weekly-flights", "--value", "--json"],
    ["get", "weekly-flights"],
    ["get", "no.such-fact"],
    ["get", "aviation.weekly-flights", "-"],
    ["get", "aviation.weekly-flights", "--json", "--format", "csv"],
    ["search", "?!"],
    ["search", "zzzz", "qqqq"],
    ["sector", "nowhere"],
    ["define", "nothing-like-it"],
    ["history", "--limit", "2"],
    ["changes", "--measures", "-n", "2"],
    ["timeline", "--all", "-n", "3", "--format", "markdown"],
    ["cite", "aviation.weekly-flights", "--style", "MARKDOWN"],
    ["verify", str(SOURCE_TEXT), "--source", "cqdaily-2025-11-10"],
    ["--facts", "/no/such/file.json", "sectors"],
    ["validate", "/no/such/file.json"],
    ["export"],
    ["info", "--fields", "id"],
    # An option's value may start with "-": it is the value, not another option.
    ["--facts", "--facts", "sectors"],
    ["sectors", "--fields", "--fields"],
    ["list", "--since", "--since"],
    ["sector", "air", "--fields", "-n", "-n", "3"],
    ["sector", "air", "--min", "--max", "--max", "5"],
]
# Left to Typer: help, version, unknown or repeated options, bad values, "--".
TYPERS_SHAPES = [
    [],
    ["--help"],
    ["-h"],
    ["sector", "--help"],
    ["--version"],
    ["sector"],
    ["sector", "air", "--limit", "-1"],
    ["sector", "air", "--limit", "x"],
    ["sector", "air", "--limit"],
    ["sector", "air", "--format", "yaml"],
    ["sector", "air", "--json", "--json"],
    ["sector", "air", "-n", "1", "--limit", "2"],
    ["sector", "air", "--colour", "never"],
    ["sector", "air", "extra"],
    ["sector", "air", "--json=yes"],
    ["sector", "air", "-jn"],
    ["search", "--", "-x"],
    ["--quiet", "--quiet", "sectors"],
    ["--facts"],
    ["nosuchcommand"],
    ["sectors", "--quiet"],
]


def _both(args: list[str], written: Path | None = None) -> None:
    typer_run = run(*args, fast=False)
    if written is not None:
        written.unlink(missing_ok=True)  # an export writes its file anew each way
    fast_run = run(*args)
    assert (fast_run.code, fast_run.stdout, fast_run.stderr) == (
        typer_run.code,
        typer_run.stdout,
        typer_run.stderr,
    ), args


def test_every_declared_parameter_runs_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    lines = _command_lines(tmp_path)
    assert len(lines) > 150
    for args in lines:
        fast.parse(args)  # each is well-formed: it runs without Typer
        _both(args, tmp_path / f"{args[0]}.db")


@pytest.mark.parametrize("args", SHAPES, ids=lambda a: " ".join(a)[:60])
def test_how_people_write_options_runs_the_same_both_ways(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    fast.parse(args)  # well-formed: it runs without Typer
    _both(args)


@pytest.mark.parametrize("args", TYPERS_SHAPES, ids=lambda a: " ".join(a)[:60] or "(none)")
def test_what_typer_says_is_said_the_same_through_main(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    with pytest.raises(fast._NotMine):
        fast.parse(args)
    _both(args)


@pytest.mark.parametrize(
    "args",
    [
        ["sector", "air", "-n3"],
        ["--facts=facts.json", "-q", "list", "-s", "aviation", "--sort", "-value"],
        ["get", "aviation.weekly-flights", "--json"],
        ["search", "ILSTC", "--limit=2", "--format", "JSON"],
        ["get", "no.such-fact"],  # an error the command finds is said without Typer too
    ],
)
def test_well_formed_command_lines_do_not_need_typer(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    command, _, _ = fast.parse(args)
    assert command.name in args
    assert fast.run(args) is not None


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["get", "-h"],
        ["--version"],
        ["sector", "air", "--limit", "-1"],
        ["sector", "air", "-n", "1", "-n", "2"],
        ["search", "--", "-x"],
        ["sector"],
        ["sector", "a", "b"],
        ["sectors", "--no-such-option"],
    ],
)
def test_what_typer_must_say_is_left_to_typer(args: list[str]) -> None:
    assert fast.run(args) is None


@pytest.mark.parametrize(
    "line", ["ccifacts se", "ccifacts sector --li", "ccifacts --facts fa", "ccifacts x --y=z"]
)
def test_completing_names_is_left_to_typer(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in _completion_env("bash", line).items():
        monkeypatch.setenv(name, value)
    assert fast.complete() is None


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_can_run_without_typer(command: str) -> None:
    # A parameter of a type the fast parser does not know would send every use of the
    # command to Typer, silently slower: the parser must know every declared parameter.
    for name, annotation, default in COMMANDS[command].parameters():
        fast._Param(name, annotation, default)
    assert all(isinstance(p, Opt | Arg) for _, _, p in _declared(command))


COMPLETING = [
    "ccifacts sector av",
    "ccifacts sector ",
    "ccifacts sector zz",
    "ccifacts sector air ",
    "ccifacts get aviation.weekly-f",
    "ccifacts get aviation.weekly-flights avi",
    "ccifacts --facts facts.json list --sector fi",
    "ccifacts -q list --kind m",
    "ccifacts list --fields id,la",
    "ccifacts terms --fields na",
    "ccifacts get x --field base",
    "ccifacts define N",
    "ccifacts define n",
    "ccifacts cite aviation.air",
    "ccifacts search ILSTC --sector log",
    "ccifacts --facts /no/such.json sector a",
    "ccifacts se",
    "ccifacts sector --li",
    "ccifacts sector aviation --format j",
    "ccifacts --facts fa",
    "ccifacts list --sector=fi",
    "ccifacts history weekly",
    "ccifacts 'sector' \"av",
    "ccifacts sector -n 1 -n 2 --li",
    "ccifacts -q -q sector av",
    "ccifacts list --limit 1 --limit 2 --kind m",
]


def _completion_env(shell: str, line: str, action: str = "get-args") -> dict[str, str]:
    if shell == "bash":
        words = line.split()
        index = len(words) if line.endswith(" ") else len(words) - 1
        return {"_CCIFACTS_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(index)}
    env = {"_CCIFACTS_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = action
    if shell == "powershell":
        env["_TYPER_COMPLETE_WORD_TO_COMPLETE"] = "" if line.endswith(" ") else line.split()[-1]
    return env


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
@pytest.mark.parametrize("line", COMPLETING)
def test_completion_answers_the_same_both_ways(
    shell: str, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    actions = ["get-args", "is-args"] if shell == "fish" else ["get-args"]
    for action in actions:
        env = _completion_env(shell, line, action)
        typer_run = run(env=env, fast=False)
        fast_run = run(env=env)
        assert (fast_run.code, fast_run.stdout, fast_run.stderr) == (
            typer_run.code,
            typer_run.stdout,
            typer_run.stderr,
        )


@pytest.mark.parametrize(
    "line", ["ccifacts sector av", "ccifacts get aviation.w", "ccifacts list --kind m"]
)
def test_completing_a_value_does_not_need_typer(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in _completion_env("bash", line).items():
        monkeypatch.setenv(name, value)
    assert fast.complete() == 0
