"""The package as a user installs it: a wheel built from this checkout carries facts.json and
its JSON Schema, and its real ``ccifacts`` console script answers from another directory with the
bundled facts; ``python -m ccifacts`` runs the same program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hatchling.builders.wheel import WheelBuilder

    out = tmp_path_factory.mktemp("dist")
    return Path(
        next(iter(WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"])))
    )


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed (not editable) into a fresh target directory."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    return target


def test_the_wheel_ships_the_fact_base_and_its_schema(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "ccifacts/facts.json" in names
    assert "ccifacts/facts.schema.json" in names
    assert "ccifacts/model.py" in names


def test_the_installed_script_answers_from_another_directory(
    installed: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(installed), "CCIFACTS_CACHE_DIR": str(tmp_path / "c")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = installed / "bin" / "ccifacts"
    table = subprocess.run(
        [str(script), "sector", "aviation"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert (table.returncode, table.stderr) == (0, "")
    assert (
        "aviation.weekly-flights\taviation\tWeekly flights, Chongqing-Singapore\t24\t"
        in table.stdout
    )
    info = subprocess.run(
        [str(script), "info", "--json"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert json.loads(info.stdout)["path"] == str(installed / "ccifacts" / "facts.json")


def test_python_m_ccifacts_runs_the_program(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ccifacts", "get", "aviation.weekly-flights", "--value"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "24\n", "")
