"""The ``ccifacts`` Typer application, for what the declarations alone do not answer: help,
completion, usage errors and the root options. Each command is made into a Click command from
its declaration (``ccifacts.cli.output.Command``) only when it is first asked for; errors inside
commands become messages and exit codes in ``ccifacts.cli.run.failure``, as when a command
line runs without Typer."""

from __future__ import annotations

import inspect
from collections.abc import Iterator, MutableMapping
from typing import Annotated, Any, get_args, get_origin

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo

from ccifacts import __version__
from ccifacts.cli.params import REQUIRED, Param, to_typer
from ccifacts.cli.run import (
    COMMANDS,
    StdoutError,
    failure,
    load_commands,
    main,
    note,
    report,
)
from ccifacts.text import inert

__all__ = ["EXIT_CODES", "StdoutError", "app", "main", "note", "report"]

EXIT_CODES = """\b
Exit codes:
  0  success (an empty result too; a note goes to stderr)
  1  the named sector, fact, term, person, source, measure or value does not
     exist; verify: some figures are not found in the source text
  2  usage error (unknown option, field or format; an option given twice)
  3  the fact base cannot be read or is invalid
  4  internal error (a bug: please report it)
  5  the output cannot be written (standard output closed, disk full, no such
     folder for an export)"""


class Command(TyperCommand):
    """A command whose usage line names arguments plainly (``ID``, ``QUERY...``) and which
    refuses an option that cannot repeat given twice, instead of keeping the last silently."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in pieces]

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _refuse_repeats(self, ctx, args)
        return super().parse_args(ctx, args)


def _refuse_repeats(command: Any, ctx: typer.Context, args: list[str]) -> None:
    if ctx.resilient_parsing:
        return  # completing: what is typed so far is not an error yet
    single: dict[str, Any] = {}
    valued: set[str] = set()
    for param in command.get_params(ctx):
        if param.param_type_name != "option":
            continue
        names = (*param.opts, *param.secondary_opts)
        if not (param.is_flag or param.count):
            valued.update(names)
        if not (param.multiple or param.count):
            for name in names:
                single[name] = param
    seen: dict[str, str] = {}
    value_next = False
    for arg in args:
        if value_next:  # an option's value, even one that starts with "-" ("--sort -value")
            value_next = False
            continue
        if arg == "--":
            break
        if not arg.startswith("-") or arg == "-":
            continue
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
        attached = "=" in arg if arg.startswith("--") else len(arg) > 2
        value_next = name in valued and not attached
        param = single.get(name)
        if param is None:
            continue
        key = param.name or name
        if key in seen:
            ctx.fail(
                f"{inert(name)} is given twice (also as {inert(seen[key])}); it takes one value"
            )
        seen[key] = name


def _info(name: str, declared: Any) -> CommandInfo:
    """Typer's view of the command ``name`` as ``declared``: a callback whose signature carries
    ``typer.Option`` and ``typer.Argument`` where the declaration has ``Opt`` and ``Arg``."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [inspect.Parameter("ctx", keyword, annotation=typer.Context)]
    for parameter, annotation, default in declared.parameters():
        parameters.append(
            inspect.Parameter(
                parameter,
                keyword,
                annotation=_typer_annotation(annotation),
                default=inspect.Parameter.empty if default is REQUIRED else default,
            )
        )

    def callback(ctx: typer.Context, **values: Any) -> None:
        declared(root=ctx.find_root().obj or {}, **values)

    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__doc__ = declared.__doc__
    callback.__name__ = name.replace("-", "_")
    return CommandInfo(name, cls=Command, callback=callback, epilog=EXIT_CODES)


def _typer_annotation(annotation: Any) -> Any:
    if get_origin(annotation) is not Annotated:
        return annotation
    kind, *extras = get_args(annotation)
    converted = [to_typer(e) if isinstance(e, Param) else e for e in extras]
    return Annotated.__class_getitem__((kind, *converted))


class _Commands(MutableMapping[str, Any]):
    """The group's commands by name, each made from its signature the first time it is looked
    up. Typer would make all twenty on every run, about 50 ms of a start-up that one command
    alone needs a fifth of; help and completion still see every command."""

    def __init__(self, declared: dict[str, Any]) -> None:
        self._declared = declared
        self._made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        command = self._made.get(name)
        if command is None:
            command = typer.main.get_command_from_info(
                _info(name, self._declared[name]),
                pretty_exceptions_short=True,
                rich_markup_mode=None,
            )
            self._made[name] = command
        return command

    def __setitem__(self, name: str, command: Any) -> None:
        self._made[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._declared.pop(name, None)
        self._made.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._declared, *self._made]))

    def __len__(self) -> int:
        return len(self._declared.keys() | self._made.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._declared or name in self._made


class _Group(TyperGroup):
    """The command group, with the one place where errors become messages and exit codes."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        load_commands()
        self.commands = _Commands(dict(COMMANDS))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            # A bare `ccifacts` asks what it can do: the help, and success. (Completing the
            # command's name parses no words either, and must not print the help.)
            typer.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(0)
        _refuse_repeats(self, ctx, args[: _first_command(self, ctx, args)])
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, StdoutError):
            raise  # a stdout that cannot be written is reported by main(), once
        except Exception as error:
            raise typer.Exit(failure(error)) from None


def _first_command(group: Any, ctx: typer.Context, args: list[str]) -> int:
    for index, arg in enumerate(args):
        if arg in group.commands:
            return index
    return len(args)


app = typer.Typer(
    cls=_Group,
    name="ccifacts",
    help=(
        "Exact, sourced figures of the China-Singapore (Chongqing) Demonstration Initiative on "
        "Strategic Connectivity (CCI).\n\n"
        "\b\nExamples:\n"
        "  ccifacts sector aviation\n"
        "  ccifacts search ILSTC --json | jq '.[].id'\n"
        '  ccifacts ask "how many weekly flights"\n'
        "  ccifacts get aviation.weekly-flights --value"
    ),
    epilog=EXIT_CODES,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from ccifacts.cli.output import write

        write(f"ccifacts {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    facts: Annotated[
        str | None,
        typer.Option(
            "--facts",
            metavar="PATH",
            help="Fact base to read; - reads standard input [default: $CCIFACTS_FACTS, else "
            "the bundled CCI facts].",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No progress bar and no notes on stderr (errors still show)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    ctx.obj = {"facts": facts, "quiet": quiet}
