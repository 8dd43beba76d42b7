"""Whatever a valid fact base holds (any text, any finite number, any unit and qualifier, with or
without baselines and year-on-year changes), every listing and record command prints it in every
format with exit 0: no internal error, and no raw control character on stdout. Hypothesis builds
the fact bases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccifacts import model
from conftest import run

# Text that passes the schema (it needs a letter or digit), otherwise anything Hypothesis likes.
TEXT = st.text(max_size=40).map(lambda text: "a" + text)
NUMBER = st.one_of(
    st.integers(min_value=-model.INT_LIMIT, max_value=model.INT_LIMIT),
    st.floats(allow_nan=False, allow_infinity=False),
)
PERIOD = st.fixed_dictionaries(
    {"label": TEXT, "as_of": st.sampled_from(["2025", "2025-11", "2025-11-10"])},
    optional={"start": st.just("2015-11"), "end": st.just("2030")},
)


@st.composite
def fact_bases(draw: st.DrawFn) -> dict[str, Any]:
    sectors = ["alpha", "beta"]
    facts = []
    for number in range(draw(st.integers(min_value=1, max_value=4))):
        valued = draw(st.booleans())
        fact: dict[str, Any] = {
            "id": f"{sectors[number % 2]}.fact-{number}",
            "sector": sectors[number % 2],
            "kind": draw(st.sampled_from(model.FACT_KINDS)),
            "label": draw(TEXT),
            "period": draw(PERIOD),
            "statement": draw(TEXT),
            "source": "s",
            "headline": draw(st.booleans()),
        }
        if valued:
            fact["value"] = draw(NUMBER)
            fact["unit"] = draw(st.sampled_from(model.UNITS))
            fact["qualifier"] = draw(st.sampled_from(model.QUALIFIERS))
            if draw(st.booleans()):
                fact["baseline"] = {"value": draw(st.none() | NUMBER), "label": draw(TEXT)}
            if draw(st.booleans()):
                fact["yoy_pct"] = draw(NUMBER)
        facts.append(fact)
    return {
        "schema_version": 1,
        "sources": [{"id": "s", "publisher": draw(TEXT), "title": draw(TEXT), "published": "2025"}],
        "sectors": [
            {"id": sector, "name": sector.title(), "description": draw(TEXT)} for sector in sectors
        ],
        "facts": facts,
    }


# "a" is a stop word, so search for a sector's name, which every alpha fact has.
COMMANDS = [["list"], ["changes"], ["summary"], ["timeline", "--all"], ["search", "alpha"]]
FORMATS = ["table", "json", "jsonl", "csv", "tsv", "markdown"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=fact_bases(), fmt=st.sampled_from(FORMATS))
def test_any_valid_base_prints_in_every_format(
    document: dict[str, Any], fmt: str, tmp_path: Path
) -> None:
    path = tmp_path / "any.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert run("validate", str(path)).code == 0
    for command in [*COMMANDS, ["get", document["facts"][0]["id"]], ["cite", "alpha.fact-0"]]:
        args = [*command, "--facts", str(path)]
        if command[0] != "cite":
            args += ["--format", fmt]
        result = run(*args)
        assert result.code == 0, (args, result.stderr)
        assert "\x1b" not in result.stdout and "\x9b" not in result.stdout, args
        if fmt == "json" and command[0] != "cite":
            json.loads(result.stdout)
