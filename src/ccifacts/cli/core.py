"""The ``ccifacts`` Typer application and the one place where errors become messages and exit
codes: ``_Group.invoke`` catches the ``CcifactsError`` family, prints ``Error: ...`` with a hint on
stderr and exits with the error's documented code; ``main`` does the same for what happens around
the commands (help, version, a stdout that is closed or full, Ctrl-C). No traceback reaches a
user unless ``CCIFACTS_DEBUG`` is set."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, MutableMapping
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo

from ccifacts import __version__
from ccifacts.errors import CcifactsError, ExitCode, OutputError
from ccifacts.text import inert

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


class StdoutError(OutputError):
    """Standard output cannot be written: reported by ``main`` once, after the command, however
    many writes found it (an export's file that cannot be written is an ``OutputError``, said
    where it happens)."""


def report(message: str, hint: str | None = None) -> None:
    """An ``Error:`` line (and a ``Hint:``) on stderr."""
    _stderr(f"Error: {message}\n" + (f"Hint: {hint}\n" if hint else ""))


def note(message: str) -> None:
    """A message for the user on stderr, never mixed into the data on stdout."""
    _stderr(f"{message}\n")


def _stderr(text: str) -> None:
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass  # nowhere left to say it


def silence_stdout() -> None:
    """Send whatever is still buffered for stdout to /dev/null, so the interpreter's final flush
    cannot fail with "Exception ignored" after the reader went away or the disk filled up."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


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
    single: dict[str, Any] = {}
    for param in command.get_params(ctx):
        repeatable = getattr(param, "multiple", False) or getattr(param, "count", False)
        if param.param_type_name == "option" and not repeatable:
            for name in (*param.opts, *param.secondary_opts):
                single[name] = param
    seen: dict[str, str] = {}
    for arg in args:
        if arg == "--":
            break
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
        param = single.get(name)
        if param is None or not arg.startswith("-"):
            continue
        key = param.name or name
        if key in seen:
            ctx.fail(
                f"{inert(name)} is given twice (also as {inert(seen[key])}); it takes one value"
            )
        seen[key] = name


_COMMANDS: dict[str, CommandInfo] = {}


def register(name: str, callback: Callable[..., Any]) -> None:
    """Add the command ``name``; its Click command is made only when it is first asked for."""
    _COMMANDS[name] = CommandInfo(name, cls=Command, callback=callback, epilog=EXIT_CODES)


class _Commands(MutableMapping[str, Any]):
    """The group's commands by name, each made from its signature the first time it is looked
    up. Typer would make all twenty on every run, about 50 ms of a start-up that one command
    alone needs a fifth of; help and completion still see every command."""

    def __init__(self, infos: dict[str, CommandInfo]) -> None:
        self._infos = infos
        self._made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        command = self._made.get(name)
        if command is None:
            command = typer.main.get_command_from_info(
                self._infos[name], pretty_exceptions_short=True, rich_markup_mode=None
            )
            self._made[name] = command
        return command

    def __setitem__(self, name: str, command: Any) -> None:
        self._made[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._infos.pop(name, None)
        self._made.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._infos, *self._made]))

    def __len__(self) -> int:
        return len(self._infos.keys() | self._made.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._infos or name in self._made


class _Group(TyperGroup):
    """The command group, with the one place where errors become messages and exit codes."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands(_COMMANDS)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args:
            # A bare `ccifacts` asks what it can do: the help, and success.
            typer.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(0)
        _refuse_repeats(self, ctx, args[: _first_command(self, ctx, args)])
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, StdoutError):
            raise  # a stdout that cannot be written is reported by main(), once
        except CcifactsError as error:
            report(error.message, error.hint)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            raise
        except Exception as error:
            if os.environ.get("CCIFACTS_DEBUG"):
                raise
            report(
                f"internal error: {type(error).__name__}: {inert(str(error))[:300]}",
                "This is a bug in ccifacts; please report it with the command you ran "
                "(CCIFACTS_DEBUG=1 shows the traceback).",
            )
            raise typer.Exit(ExitCode.INTERNAL) from None


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


class _GuardedStdout:
    """stdout for which a reader that went away (``ccifacts list | head -1``) ends the output
    quietly, and a closed or full stdout is a ``StdoutError``, whatever is writing: a command,
    ``--help`` or ``--version``."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.broken = False
        # Kept as well as raised: code that probes the stream (Click writes "" to see what kind
        # it is) may swallow the exception, and main() must still report it.
        self.failed: StdoutError | None = None

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str")  # a text stream, as Click probes
        if self.broken or not text:
            return len(text)
        if self._stream is None:
            self.failed = StdoutError(
                "standard output is closed", "Give the command somewhere to write."
            )
            raise self.failed
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            self._broke()
            return len(text)
        except OSError as error:
            self.failed = _output_error(error)
            raise self.failed from None

    def flush(self) -> None:
        if self.broken or self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._broke()
        except OSError as error:
            self.failed = _output_error(error)
            raise self.failed from None

    def _broke(self) -> None:
        self.broken = True
        silence_stdout()

    def isatty(self) -> bool:
        return self._stream is not None and bool(self._stream.isatty())

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _output_error(error: OSError) -> StdoutError:
    reason = inert(error.strerror or str(error)).lower()
    return StdoutError(f"cannot write the output: {reason}", "Check where the output goes.")


def main(argv: list[str] | None = None) -> int:
    """Run ``ccifacts``; the console script and ``python -m ccifacts`` call this."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A locale that cannot encode a name must not crash the output.
            reconfigure(errors="backslashreplace")
    stdout = sys.stdout
    guarded = _GuardedStdout(stdout)
    sys.stdout = guarded
    code = 0
    try:
        app(args=argv, prog_name="ccifacts")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except OutputError as error:
        if guarded.failed is None:
            # An output other than stdout (an export's file): said here. A failed stdout is
            # reported below, once, however many writes found it.
            report(error.message, error.hint)
            code = error.exit_code
    except KeyboardInterrupt:
        # Ctrl-C while loading or drawing: the shell convention, not 1 ("not found").
        code = 130
    finally:
        with contextlib.suppress(OutputError):
            guarded.flush()
        sys.stdout = stdout
    if guarded.failed is not None:
        # What is still buffered for stdout goes nowhere, so the interpreter's last flush
        # cannot fail again with "Exception ignored".
        silence_stdout()
        report(guarded.failed.message, guarded.failed.hint)
        code = guarded.failed.exit_code
    return code
