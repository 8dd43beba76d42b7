"""Start-up and scale benchmark of ccifacts, against the targets of the speed issue. Every figure
is the median of runs alternated with ``python -c pass`` in the same loop, and is reported as a
ratio to it, so a slower or busier machine moves both alike. Also reports whether the installed
Typer imports Pydantic (the reason Typer is pinned below 0.29). Exits 1 if a target is missed.

Usage: python benchmarks/bench.py [--runs N] [--sizes 1000,10000,100000] [--no-scale]
Run it with the Python of the environment where ccifacts is installed.
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import ccifacts
from generate import write  # benchmarks/ is on sys.path when this script runs

PYTHON = sys.executable
CCIFACTS = str(Path(PYTHON).with_name("ccifacts"))


def timed(command: Sequence[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time in seconds and peak memory in MiB of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({process.returncode}): {error}")
    return elapsed, usage.ru_maxrss // 1024


def alternate(
    commands: Mapping[str, Sequence[str]], env: dict[str, str], runs: int
) -> dict[str, float]:
    """Median wall time of each command, the commands run in turn ``runs`` times."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command, env)[0])
    return {name: statistics.median(values) for name, values in times.items()}


def report(name: str, figure: str, ratio: float | None, target: str, met: bool) -> bool:
    shown = f"{ratio:5.1f}x" if ratio is not None else "      "
    print(f"  {name:<44} {figure:>12} {shown}  target {target:<12} {'met' if met else 'MISSED'}")
    return met


def startup(runs: int, env: dict[str, str]) -> bool:
    completion = {
        **env,
        "_CCIFACTS_COMPLETE": "complete_bash",
        "COMP_WORDS": "ccifacts sector av",
        "COMP_CWORD": "2",
    }
    # Warm the cache once, as every run after the first finds it.
    timed([CCIFACTS, "sectors"], env)
    commands = {
        "python -c pass": [PYTHON, "-c", "pass"],
        "ccifacts get aviation.weekly-flights --json": [
            CCIFACTS,
            "get",
            "aviation.weekly-flights",
            "--json",
        ],
        "ccifacts sector aviation --format table": [
            CCIFACTS,
            "sector",
            "aviation",
            "--format",
            "table",
        ],
    }
    medians = alternate(commands, env, runs)
    completion_runs = [timed([CCIFACTS], completion)[0] for _ in range(runs)]
    base = medians.pop("python -c pass")
    print(f"Start-up, median of {runs} alternating runs (python -c pass: {base * 1000:.1f} ms)")
    ok = True
    for (name, seconds), limit in zip(medians.items(), (7, 9), strict=True):
        ok &= report(
            name,
            f"{seconds * 1000:.1f} ms",
            seconds / base,
            f"<= {limit}x",
            seconds / base <= limit,
        )
    seconds = statistics.median(completion_runs)
    ok &= report(
        "completion request (Tab on `sector av`)",
        f"{seconds * 1000:.1f} ms",
        seconds / base,
        "<= 7x",
        seconds / base <= 7,
    )
    return ok


def scale(sizes: list[int], runs: int, env: dict[str, str], folder: Path) -> bool:
    print("Scale: ccifacts search ILSTC --facts <generated base>")
    ok = True
    warm: dict[int, float] = {}
    for size in sizes:
        base = write(size, folder / f"facts-{size}.json")
        command = [CCIFACTS, "search", "ILSTC", "--facts", str(base)]
        cold_env = {**env, "CCIFACTS_CACHE_DIR": str(folder / f"cache-{size}")}
        first, first_memory = timed(command, cold_env)
        repeats = [timed(command, cold_env) for _ in range(max(3, runs // 4))]
        warm[size] = statistics.median(seconds for seconds, _ in repeats)
        memory = max(first_memory, *(mib for _, mib in repeats))
        megabytes = base.stat().st_size / 1e6
        print(
            f"  {size:>7,} facts ({megabytes:.0f} MB): first run {first:.2f} s, "
            f"repeat {warm[size]:.2f} s, peak {memory} MiB"
        )
        if size == 100_000:
            ok &= report("first run, 100,000 facts", f"{first:.2f} s", None, "<= 3 s", first <= 3)
            ok &= report(
                "repeat run, 100,000 facts", f"{warm[size]:.2f} s", None, "<= 1 s", warm[size] <= 1
            )
            ok &= report(
                "peak memory, 100,000 facts", f"{memory} MiB", None, "<= 400 MiB", memory <= 400
            )
    for small, large in itertools.pairwise(sizes):
        growth = warm[large] / warm[small]
        factor = large / small
        ok &= report(
            f"growth {small:,} -> {large:,} facts",
            f"{growth:.1f}x",
            None,
            f"<= {factor:.0f}x",
            growth <= factor,
        )
    return ok


def typer_imports_pydantic() -> bool:
    code = "import sys, typer; print(typer.__version__, 'pydantic' in sys.modules)"
    version, imported = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    print(f"typer {version} imports pydantic: {'yes' if imported == 'True' else 'no'}")
    return imported == "True"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--no-scale", action="store_true")
    options = parser.parse_args()
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs, {sys.platform}")
    # Byte-compile ccifacts as pip does when it installs a wheel: an editable install run with
    # PYTHONDONTWRITEBYTECODE set would otherwise compile every module on every run.
    compileall.compile_dir(Path(ccifacts.__file__).parent, quiet=1)
    typer_imports_pydantic()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        env = {**os.environ, "CCIFACTS_CACHE_DIR": str(folder / "cache")}
        env.pop("CCIFACTS_FACTS", None)
        ok = startup(options.runs, env)
        if not options.no_scale:
            ok &= scale([int(s) for s in options.sizes.split(",")], options.runs, env, folder)
    print("all targets met" if ok else "some targets MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
