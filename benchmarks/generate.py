"""Generate large fact bases for the scale benchmark: the bundled base's sources, sectors, terms
and people, and its facts repeated under new ids (with the repeat number in the label) until
there are N facts. Written compactly, as a real exported base would be.

Usage: python benchmarks/generate.py N OUT.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ccifacts.loader import bundled_path


def generate(count: int) -> Iterator[str]:
    """The JSON text of a valid fact base of ``count`` facts built from the bundled one, in
    pieces, so that a million facts are written without holding them all."""
    base: dict[str, Any] = json.loads(bundled_path().read_text(encoding="utf-8"))
    base.pop("$schema", None)
    template = base.pop("facts")
    compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    yield compact(base)[:-1] + ',"facts":['
    for number in range(count):
        fact = dict(template[number % len(template)])
        fact["id"] = f"{fact['id']}.n{number}"
        fact["label"] = f"{fact['label']} (copy {number})"
        yield ("," if number else "") + compact(fact)
    yield "]}"


def write(count: int, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(generate(count))
    return path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    write(int(sys.argv[1]), Path(sys.argv[2]))
