"""Running ``ccifacts`` without importing Typer: ``main`` (the console script's entry), the
registry of commands, stdout and stderr, and the one place where errors become messages and exit
codes (``failure``, used by both ways a command line runs). ``main`` first offers the command line
to ``ccifacts.cli.fast``, which runs a well-formed one from the commands' own declarations; help,
completion, usage errors and anything else go to the Typer application (``ccifacts.cli.core``).
No traceback reaches a user unless ``CCIFACTS_DEBUG`` is set."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, Protocol

from ccifacts.errors import CcifactsError, ExitCode, OutputError
from ccifacts.text import inert


class Declared(Protocol):
    """A command as its module declares it (``ccifacts.cli.output.Command``)."""

    name: str

    def parameters(self) -> list[tuple[str, Any, Any]]:
        """(name, ``Annotated`` type with its ``Opt`` or ``Arg``, default) of each parameter."""
        ...

    def __call__(self, root: dict[str, Any], **values: Any) -> None:
        """Run with the parsed ``values`` and the root options (``--facts``, ``--quiet``)."""
        ...


COMMANDS: dict[str, Declared] = {}


def register(name: str, command: Declared) -> None:
    """Add the command ``name``."""
    COMMANDS[name] = command


class Exit(Exception):
    """End the command with ``code`` and no message (it said what it had to say)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


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


def failure(error: Exception) -> int:
    """Say what went wrong in a command and give its exit code: a ``CcifactsError`` as its
    message and hint, anything else as an internal error (a bug), whose traceback only
    ``CCIFACTS_DEBUG`` shows (the error is then raised again)."""
    if isinstance(error, Exit):
        return error.code
    if isinstance(error, CcifactsError):
        report(error.message, error.hint)
        return int(error.exit_code)
    if os.environ.get("CCIFACTS_DEBUG"):
        raise error
    report(
        f"internal error: {type(error).__name__}: {inert(str(error))[:300]}",
        "This is a bug in ccifacts; please report it with the command you ran "
        "(CCIFACTS_DEBUG=1 shows the traceback).",
    )
    return int(ExitCode.INTERNAL)


def silence_stdout() -> None:
    """Send whatever is still buffered for stdout to /dev/null, so the interpreter's final flush
    cannot fail with "Exception ignored" after the reader went away or the disk filled up."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


class GuardedStdout:
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


def load_commands() -> None:
    """Register every command (their modules declare them without Typer)."""
    from ccifacts.cli import base, facts, lists  # noqa: F401


def main(argv: list[str] | None = None, *, fast: bool = True) -> int:
    """Run ``ccifacts``; the console script and ``python -m ccifacts`` call this. Without
    ``fast``, every command line goes to Typer (tests compare the two ways)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A locale that cannot encode a name must not crash the output.
            reconfigure(errors="backslashreplace")
    stdout = sys.stdout
    guarded = GuardedStdout(stdout)
    sys.stdout = guarded
    code = 0
    try:
        ran = None
        if fast:
            from ccifacts.cli import fast as fast_path

            ran = fast_path.run(sys.argv[1:] if argv is None else argv)
        if ran is None:
            from ccifacts.cli.core import app

            app(args=argv, prog_name="ccifacts")
        else:
            code = ran
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
