"""Generate large fact bases for the scale benchmark: the bundled base's sources, sectors, terms
and people, and its facts repeated under new ids (with the repeat number in the label) until
there are N facts. Written compactly, as a real exported base would be.

Usage: python benchmarks/generate.py N OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ccifacts.loader import bundled_path


def generate(count: int) -> dict[str, Any]:
    """A valid fact base of ``count`` facts built from the bundled one."""
    base: dict[str, Any] = json.loads(bundled_path().read_text(encoding="utf-8"))
    template = base["facts"]
    facts = []
    for number in range(count):
        fact = dict(template[number % len(template)])
        fact["id"] = f"{fact['id']}.n{number}"
        fact["label"] = f"{fact['label']} (copy {number})"
        facts.append(fact)
    base["facts"] = facts
    base.pop("$schema", None)
    return base


def write(count: int, path: Path) -> Path:
    path.write_text(json.dumps(generate(count), ensure_ascii=False, separators=(",", ":")))
    return path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    write(int(sys.argv[1]), Path(sys.argv[2]))
