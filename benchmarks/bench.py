"""Speed and memory of ccifacts against the targets of the engine issue (#9). Every time is the
median of runs alternated with its reference in the same loop (``python -c pass`` for start-up,
``grep -c ILSTC`` on the same file for lookups, ``json.load`` for compiling), and is reported as
a ratio to it, so a slower or busier machine moves both alike. Exits 1 if a target is missed.

Repeat runs of listing commands ask for a screenful (``--limit 20``, what a terminal shows), so
that a lookup's cost is measured rather than the cost of printing 15,000 rows; the time to print
every match is reported too, without a target.

Usage: python benchmarks/bench.py [--runs N] [--sizes 1000,10000,100000,1000000] [--quick]
Run it with the Python of the environment where ccifacts is installed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import ccifacts
from ccifacts.loader import bundled_path

PYTHON = sys.executable
GENERATE = str(Path(__file__).with_name("generate.py"))
CCIFACTS = str(Path(PYTHON).with_name("ccifacts"))
MIB = 1024 * 1024


def timed(command: Sequence[str], env: Mapping[str, str], expect: int = 0) -> tuple[float, float]:
    """Wall time in seconds and peak memory in MiB of one run of ``command``, which must exit
    with ``expect`` (a lookup that fails fast would flatter the figures)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if code != expect:
        sys.exit(f"{' '.join(command)} exited {code}, not {expect}: {error}")
    return elapsed, usage.ru_maxrss / 1024


def alternate(
    commands: Mapping[str, Sequence[str]], env: Mapping[str, str], runs: int
) -> dict[str, tuple[float, float]]:
    """Median wall time and peak memory of each command, the commands run in turn."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, float] = dict.fromkeys(commands, 0.0)
    for _ in range(runs):
        for name, command in commands.items():
            seconds, mib = timed(command, env, 1 if "unknown" in name else 0)
            times[name].append(seconds)
            memory[name] = max(memory[name], mib)
    return {name: (statistics.median(values), memory[name]) for name, values in times.items()}


class Report:
    def __init__(self) -> None:
        self.ok = True

    def line(self, name: str, figure: str, ratio: float | None, target: str, met: bool) -> None:
        self.ok &= met
        shown = f"{ratio:6.2f}x" if ratio is not None else "       "
        verdict = "met" if met else "MISSED"
        print(f"  {name:<50} {figure:>11} {shown}  target {target:<22} {verdict}")


BARE_TYPER = """
import json
import typer

app = typer.Typer()


@app.command()
def get(fact_id: str, json_: bool = typer.Option(False, "--json")) -> None:
    print(json.dumps({"id": fact_id}))


@app.command()
def other() -> None:
    pass


app()
"""


def startup(report: Report, runs: int, env: dict[str, str], folder: Path) -> None:
    completion = {
        **env,
        "_CCIFACTS_COMPLETE": "complete_bash",
        "COMP_WORDS": "ccifacts sector av",
        "COMP_CWORD": "2",
    }
    timed([CCIFACTS, "sectors"], env)  # compile the bundled base once, as a first run does
    bare = folder / "bare_typer.py"
    bare.write_text(BARE_TYPER, encoding="utf-8")
    commands = {
        "pass": [PYTHON, "-c", "pass"],
        "get aviation.weekly-flights --json": [
            CCIFACTS,
            "get",
            "aviation.weekly-flights",
            "--json",
        ],
        "sector aviation --format table": [CCIFACTS, "sector", "aviation", "--format", "table"],
        # The floor: a two-command Typer app that prints one line of JSON and reads nothing.
        "bare": [PYTHON, str(bare), "get", "x", "--json"],
    }
    medians = alternate(commands, env, runs)
    bare_seconds = medians.pop("bare")[0]
    completions = [timed([CCIFACTS], completion)[0] for _ in range(runs)]
    base = medians.pop("pass")[0]
    print(f"Start-up on the bundled base, medians of {runs} (python -c pass: {base * 1000:.1f} ms)")
    print(
        f"  (the floor, a bare two-command Typer app: {bare_seconds * 1000:.1f} ms, "
        f"{bare_seconds / base:.2f}x pass)"
    )
    for (name, (seconds, _)), limit in zip(medians.items(), (6, 8), strict=True):
        ratio = seconds / base
        report.line(name, f"{seconds * 1000:.1f} ms", ratio, f"<= {limit}x pass", ratio <= limit)
    seconds = statistics.median(completions)
    ratio = seconds / base
    report.line(
        "completion (Tab on `sector av`)",
        f"{seconds * 1000:.1f} ms",
        ratio,
        "<= 6x pass",
        ratio <= 6,
    )


def copy_id(fact_id: str) -> str:
    """The id of the first copy of a bundled fact in a generated base (generate.py names the
    copy of the i-th fact ``<id>.n<i>``)."""
    facts = json.loads(bundled_path().read_text(encoding="utf-8"))["facts"]
    return f"{fact_id}.n{[fact['id'] for fact in facts].index(fact_id)}"


# The repeat runs the engine issue sets targets for (the typo search is reported beside them).
ISSUE_LOOKUPS = (
    "search ILSTC",
    "get <id> --json",
    "sector aviation",
    "sectors",
    "get <unknown-id>",
)


def lookups(base_file: Path, env: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    facts = ["--facts", str(base_file)]
    known = copy_id("aviation.weekly-flights")
    unknown = known.replace("flights", "flight")
    commands = {
        "pass": [PYTHON, "-c", "pass"],
        "grep": ["grep", "-c", "ILSTC", str(base_file)],
        "search ILSTC": [CCIFACTS, *facts, "search", "ILSTC", "--limit", "20"],
        "get <id> --json": [CCIFACTS, *facts, "get", known, "--json"],
        "sector aviation": [CCIFACTS, *facts, "sector", "aviation", "--limit", "20"],
        "sectors": [CCIFACTS, *facts, "sectors"],
        "get <unknown-id>": [CCIFACTS, *facts, "get", unknown],
        "search with a typo (ILTSC ports)": [
            CCIFACTS,
            *facts,
            "search",
            "ILTSC",
            "ports",
            "-n",
            "20",
        ],
    }
    return alternate(commands, env, runs)


def scale(report: Report, sizes: list[int], runs: int, env: dict[str, str], folder: Path) -> None:
    repeats: dict[int, dict[str, tuple[float, float]]] = {}
    for size in sizes:
        base_file = folder / f"facts-{size}.json"
        # In a process of its own, so that this one stays small: a child's peak memory counts
        # the memory of the parent it was forked from.
        subprocess.run([PYTHON, GENERATE, str(size), str(base_file)], check=True)
        megabytes = base_file.stat().st_size / 1e6
        load = [PYTHON, "-c", f"import json; json.load(open({str(base_file)!r}))"]
        first_env = {**env, "XDG_CACHE_HOME": str(folder / f"cache-{size}")}
        first_runs = 1 if size >= 1_000_000 else 3
        first: list[float] = []
        loads: list[float] = []
        first_memory = 0.0
        for _ in range(first_runs):
            for path in (folder / f"cache-{size}").glob("ccifacts/*"):
                path.unlink()
            seconds, mib = timed([CCIFACTS, "--facts", str(base_file), "sectors"], first_env)
            first.append(seconds)
            first_memory = max(first_memory, mib)
            loads.append(timed(load, first_env)[0])
        print(f"\n{size:,} facts ({megabytes:.0f} MB)")
        ratio = statistics.median(first) / statistics.median(loads)
        seconds = statistics.median(first)
        report.line(
            "first run (parse, validate, compile)",
            f"{seconds:.2f} s",
            ratio,
            "<= 3.5x json.load" if size == 100_000 else "(json.load ratio)",
            ratio <= 3.5 or size != 100_000,
        )
        limit = 1024.0 if size >= 1_000_000 else float("inf")
        report.line(
            "first run, peak memory",
            f"{first_memory:.0f} MiB",
            None,
            "<= 1 GiB" if size >= 1_000_000 else "",
            first_memory <= limit,
        )
        repeat_runs = max(3, runs // (3 if size >= 1_000_000 else 1))
        measured = lookups(base_file, first_env, repeat_runs)
        repeats[size] = measured
        base = measured.pop("pass")[0]
        grep = measured.pop("grep")[0]
        print(
            f"  repeat runs, medians of {repeat_runs}: python -c pass {base * 1000:.1f} ms, "
            f"grep -c ILSTC {grep * 1000:.1f} ms"
        )
        for name, (seconds, mib) in measured.items():
            ratio = seconds / base
            figures = f"{seconds / grep:.2f} of grep, {mib:.0f} MiB"
            if name not in ISSUE_LOOKUPS or size < 100_000:
                # Reported, without a target: small bases, and the typo search, which the
                # issue does not list.
                print(f"  {name:<50} {seconds * 1000:>8.1f} ms {ratio:6.2f}x  ({figures})")
                continue
            met = ratio <= 10 and seconds <= grep / 2 and mib <= 80
            report.line(
                name,
                f"{seconds * 1000:.1f} ms",
                ratio,
                f"<= 10x, <= grep/2 ({figures} <= 80)",
                met,
            )
        everything = [CCIFACTS, "--facts", str(base_file), "search", "ILSTC"]
        seconds, mib = timed(everything, first_env)
        print(f"  (search ILSTC printing every match: {seconds * 1000:.0f} ms, {mib:.0f} MiB)")
        seconds, mib = timed([CCIFACTS, "--facts", str(base_file), "list"], first_env)
        print(f"  (list printing every fact: {seconds * 1000:.0f} ms, {mib:.0f} MiB)")
    print("\nRepeat-run cost by size (search ILSTC / get <id> --json, ms):")
    for size, measured in repeats.items():
        search, get = measured["search ILSTC"][0], measured["get <id> --json"][0]
        print(f"  {size:>9,} facts  {search * 1000:7.1f}  {get * 1000:7.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--quick", action="store_true", help="start-up and 100,000 facts only")
    options = parser.parse_args()
    print(
        f"ccifacts {ccifacts.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    # Byte-compile ccifacts as pip does when it installs a wheel: an editable install run with
    # PYTHONDONTWRITEBYTECODE set would otherwise compile every module on every run.
    compileall.compile_dir(Path(ccifacts.__file__).parent, quiet=1)
    report = Report()
    sizes = [100_000] if options.quick else [int(s) for s in options.sizes.split(",")]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        # The cache directory comes from platformdirs, as for a user (no CCIFACTS_CACHE_DIR).
        env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
        for name in ("CCIFACTS_FACTS", "CCIFACTS_CACHE_DIR"):
            env.pop(name, None)
        env["CCIFACTS_MAX_SIZE"] = "2GiB"
        startup(report, options.runs, env, folder)
        scale(report, sizes, options.runs, env, folder)
    print("\nall targets met" if report.ok else "\nsome targets MISSED")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
