"""Shell completion of a hostile fact base: what ccifacts hands to bash, zsh and fish when Tab is
pressed, exactly as each shell's script from Typer asks for it (the ``_CCIFACTS_COMPLETE``
variable with ``COMP_WORDS``/``COMP_CWORD`` for bash, ``_TYPER_COMPLETE_ARGS`` for zsh and
fish), and what happens in the real shells, run in a pseudo-terminal with the generated script:
no command from the base runs, no control character reaches the terminal and no name is split
into several candidates. A shell that is not installed is skipped, saying so."""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest

from ccifacts.complete import help_text, shell_safe
from conftest import minimal, run, write

# The label from the report: zsh's _arguments evaluates the candidate list, and Typer does not
# escape the backslash, so the quote after it ends the string and `touch` runs.
INJECTION = '\\") ; touch ~/PWNED ; ws=( \\"'
TERMINAL = "Money \x1b]0;OWNED\x07 [bold]x[/bold] \u202eabc :smile:"
# As the help text of each shell after it: zsh alone shows descriptions.
TERMINAL_HELP = "Money 0 OWNED bold x /bold abc smile"
HOSTILE_ALIASES = [
    "air",
    "sci-tech",
    "jet\nzzsplit",  # two bash candidates, "jet" and "zzsplit"
    '\\");touch\t~/PWNED2;ws=(\\"',  # zsh splits on the tab: the same injection
    "$(touch${IFS}~/PWNED3)",
    "-rf",
    "=ls",
    "~root",
    "a*",
    "航空",
    "sky\u3164",
]


def hostile_base() -> dict[str, Any]:
    base = minimal()
    base["facts"][0]["label"] = INJECTION
    base["facts"][1]["label"] = TERMINAL
    base["sectors"][0]["name"] = f"Aviation {TERMINAL}"
    base["sectors"][0]["aliases"] = HOSTILE_ALIASES
    base["terms"][0]["name"] = TERMINAL
    return base


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return write(tmp_path / "hostile.json", hostile_base())


# --- what ccifacts answers to each shell's request ----------------------------------------------


def bash_request(line: str) -> str:
    """What ccifacts prints for Typer's bash script when Tab is pressed after ``line``."""
    words = line.split(" ")
    result = run(
        env={
            "_CCIFACTS_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
        }
    )
    assert (result.code, result.stderr) == (0, "")
    return result.stdout


def zsh_or_fish_request(shell: str, line: str) -> str:
    """What ccifacts prints for Typer's zsh or fish script when Tab is pressed after ``line``."""
    result = run(
        env={
            "_CCIFACTS_COMPLETE": f"complete_{shell}",
            "_TYPER_COMPLETE_ARGS": line,
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        }
    )
    assert (result.code, result.stderr) == (0, "")
    return result.stdout


def test_bash_is_offered_only_plain_words(hostile: Path) -> None:
    assert bash_request(f"ccifacts --facts {hostile} get ") == (
        "aviation.weekly-flights\nfinance.settlement\n"
    )
    assert bash_request(f"ccifacts --facts {hostile} sector ") == (
        "aviation\nair\nsci-tech\nfinance\n"
    )
    assert bash_request(f"ccifacts --facts {hostile} define ") == "NRA\n"


def test_zsh_is_offered_only_plain_words_and_descriptions(hostile: Path) -> None:
    assert zsh_or_fish_request("zsh", f"ccifacts --facts {hostile} get ") == (
        '_arguments \'*: :(("aviation.weekly-flights":"touch /PWNED ws"\n'
        f'"finance.settlement":"{TERMINAL_HELP}"))\'\n'
    )
    assert zsh_or_fish_request("zsh", f"ccifacts --facts {hostile} sector ") == (
        "_arguments '*: :(("
        f'"aviation":"Aviation {TERMINAL_HELP}"\n'
        f'"air":"Aviation {TERMINAL_HELP}"\n'
        f'"sci-tech":"Aviation {TERMINAL_HELP}"\n'
        '"finance":"Finance"))\'\n'
    )
    assert zsh_or_fish_request("zsh", f"ccifacts --facts {hostile} define ") == (
        f'_arguments \'*: :(("NRA":"{TERMINAL_HELP}"))\'\n'
    )


def test_fish_is_offered_only_plain_words_without_descriptions(hostile: Path) -> None:
    assert zsh_or_fish_request("fish", f"ccifacts --facts {hostile} get ") == (
        "aviation.weekly-flights\nfinance.settlement\n"
    )
    assert zsh_or_fish_request("fish", f"ccifacts --facts {hostile} sector ") == (
        "aviation\nair\nsci-tech\nfinance\n"
    )


def test_a_fact_base_named_by_the_environment_completes_the_same(hostile: Path) -> None:
    result = run(
        env={
            "CCIFACTS_FACTS": str(hostile),
            "_CCIFACTS_COMPLETE": "complete_zsh",
            "_TYPER_COMPLETE_ARGS": "ccifacts get f",
        }
    )
    assert result.stdout == f'_arguments \'*: :(("finance.settlement":"{TERMINAL_HELP}"))\'\n'


@pytest.mark.parametrize(
    "value",
    ["aviation", "aviation.weekly-flights", "NRA", "id,label", "fact_count", "a:b", "x=1", "u@h"],
)
def test_plain_words_are_shell_safe(value: str) -> None:
    assert shell_safe(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "two words",
        "jet\nzzsplit",
        "tab\there",
        "$(id)",
        "`id`",
        'a"b',
        "a'b",
        "a\\b",
        "a;b",
        "a&b",
        "a|b",
        "a>b",
        "(a)",
        "a*",
        "a?",
        "[ab]",
        "{a,b}",
        "-rf",
        "--facts",
        "=ls",
        "~root",
        "#x",
        "!x",
        ".hidden",
        "航空",
        "sky\u3164",
        "a\u200bb",
        "a\x1bb",
    ],
)
def test_other_words_are_not_shell_safe(value: str) -> None:
    assert not shell_safe(value)


def test_help_text_is_plain_for_zsh_and_absent_elsewhere() -> None:
    assert help_text(INJECTION, "zsh") == "touch /PWNED ws"
    assert help_text(TERMINAL, "zsh") == TERMINAL_HELP
    assert help_text("Settlement, via NRA", "zsh") == "Settlement, via NRA"
    assert help_text("line\nbreak\ttab\u3164\u200b$`'\"\\:[]", "zsh") == "line break tab"
    for shell in ("bash", "fish", "powershell", "pwsh", ""):
        assert help_text("Settlement, via NRA", shell) == ""


# --- the real shells ------------------------------------------------------------------------------


class Terminal:
    """A program running in a pseudo-terminal of its own (as its controlling terminal, so that
    the shell's line editor and job control behave as for a user)."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.master, slave = os.openpty()
        # 24 rows, 100 columns: wide enough that no listing wraps.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, bytes([24, 0, 100, 0, 0, 0, 0, 0]))
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.transcript = b""

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def expect(self, *texts: str, timeout: float = 15.0) -> bytes:
        """Read until each of ``texts`` appears in what is written after this call; return
        what was."""
        start = len(self.transcript)
        deadline = time.monotonic() + timeout
        while not all(text.encode() in self.transcript[start:] for text in texts):
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                pytest.fail(f"not all of {texts!r} in {self.transcript[start:]!r}")
            if select.select([self.master], [], [], left)[0]:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the shell has exited
                    chunk = b""
                # A shell that asks what the terminal is (fish 4) waits for the answer.
                if b"\x1b[c" in chunk or b"\x1b[0c" in chunk:
                    os.write(self.master, b"\x1b[?62;c")
                self.transcript += chunk
        return self.transcript[start:]

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self.master)


# How to start each shell without the user's start-up files, load Typer's completion script for
# ccifacts into it, and print 42 (computed, so that the echo of the command does not match).
SHELLS = {
    "bash": (
        ["bash", "--norc", "--noprofile", "-i"],
        'eval "$(_CCIFACTS_COMPLETE=source_bash ccifacts)"; echo READY-$((40 + 2))',
        "\t\t",  # bash lists the candidates on the second Tab
    ),
    "zsh": (
        ["zsh", "-f", "-i"],
        "autoload -Uz compinit && compinit -u -D"
        ' && eval "$(_CCIFACTS_COMPLETE=source_zsh ccifacts)"; echo READY-$((40 + 2))',
        "\t",
    ),
    "fish": (
        ["fish", "--no-config", "-i"],
        "_CCIFACTS_COMPLETE=source_fish ccifacts | source; echo READY-(math 40 + 2)",
        "\t",
    ),
}


@pytest.mark.parametrize("shell", list(SHELLS))
def test_tab_in_a_real_shell_runs_nothing_from_the_fact_base(
    shell: str, hostile: Path, tmp_path: Path
) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} not installed")
    argv, setup, tab = SHELLS[shell]
    home = tmp_path / "home"
    home.mkdir()
    console_script = Path(sys.executable).with_name("ccifacts")
    env = {
        "PATH": f"{console_script.parent}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
        "HOME": str(home),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "CCIFACTS_FACTS": str(hostile),
        "CCIFACTS_CACHE_DIR": os.environ["CCIFACTS_CACHE_DIR"],
    }
    terminal = Terminal(argv, env, home)
    try:
        terminal.type(f"{setup}\n")
        terminal.expect("READY-42")
        terminal.type(f"ccifacts get {tab}")
        descriptions = [TERMINAL_HELP] if shell == "zsh" else []
        terminal.expect("aviation.weekly-flights", "finance.settlement", *descriptions)
        terminal.type(f"\x15ccifacts sector {tab}")  # Ctrl-U: a new line
        terminal.expect("aviation", "air", "sci-tech", "finance")
    finally:
        terminal.close()
    assert not (home / "PWNED").exists()
    assert not (home / "PWNED2").exists()
    assert not (home / "PWNED3").exists()
    for shown in (b"\x1b]0;OWNED", "\u202e".encode(), "\u3164".encode(), b"zzsplit", b"PWNED2"):
        assert shown not in terminal.transcript


def test_tab_on_a_command_name_lists_the_commands_not_the_help() -> None:
    env = {"_CCIFACTS_COMPLETE": "complete_bash", "COMP_WORDS": "ccifacts se", "COMP_CWORD": "1"}
    result = run(env=env, fast=False)  # command names are completed by Typer
    assert (result.code, result.stdout, result.stderr) == (0, "sector\nsearch\nsectors\n", "")
