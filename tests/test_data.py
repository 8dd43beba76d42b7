"""Guards of the bundled fact base, facts.json: it validates, ids are unique, every reference
resolves, every sector has facts, units and qualifiers come from the closed sets, every figure is
in the source text (when the source is beside the checkout), statements do not copy the source's
sentences, and the parts of the program that restate the schema (field registry, unit display,
kinds, the committed JSON Schema) agree with the models."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from ccifacts import cli, loader, model, store, units, verify, views
from conftest import ROOT, SOURCE_TEXT

DOCUMENT: dict[str, Any] = json.loads((ROOT / "facts.json").read_text(encoding="utf-8"))
FACTS: list[dict[str, Any]] = DOCUMENT["facts"]


def test_the_bundled_fact_base_is_valid() -> None:
    normalised = model.validate(DOCUMENT, "facts.json")
    assert len(normalised["facts"]) == len(FACTS) == 64


def test_the_bundled_fact_base_is_the_one_found_by_default() -> None:
    assert loader.bundled_path().resolve() == (ROOT / "facts.json").resolve()
    assert store.load().facts_by_id["aviation.weekly-flights"]["value"] == 24


@pytest.mark.parametrize("collection", ["sources", "sectors", "terms", "people", "facts"])
def test_ids_are_unique(collection: str) -> None:
    ids = [item["id"] for item in DOCUMENT[collection]]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_every_reference_resolves() -> None:
    sectors = {s["id"] for s in DOCUMENT["sectors"]}
    terms = {t["id"] for t in DOCUMENT["terms"]}
    people = {p["id"] for p in DOCUMENT["people"]}
    sections = {(s["id"], section["id"]) for s in DOCUMENT["sources"] for section in s["sections"]}
    for fact in FACTS:
        assert fact["sector"] in sectors, fact["id"]
        assert set(fact["terms"]) <= terms, fact["id"]
        assert fact["said_by"] is None or fact["said_by"] in people, fact["id"]
        assert (fact["source"], fact["section"]) in sections, fact["id"]


def test_every_sector_has_facts() -> None:
    counts = Counter(fact["sector"] for fact in FACTS)
    assert {s["id"]: counts[s["id"]] for s in DOCUMENT["sectors"] if counts[s["id"]] == 0} == {}


def test_units_and_qualifiers_come_from_the_closed_sets() -> None:
    assert {f["unit"] for f in FACTS if "unit" in f} - {None} <= set(model.UNITS)
    assert {f.get("qualifier", "exact") for f in FACTS} <= set(model.QUALIFIERS)
    assert {f["kind"] for f in FACTS} <= set(model.FACT_KINDS)


def test_every_fact_says_where_and_when() -> None:
    for fact in FACTS:
        assert fact["source"] == "cqdaily-2025-11-10"
        assert fact["section"], fact["id"]
        period = fact["period"]
        assert period["start"] or period["end"] or period["as_of"], fact["id"]


def test_what_is_inferred_is_marked_inferred() -> None:
    """2025 is inferred (the dateline has no year); 2015, 2024 and 2030 are stated."""
    for fact in FACTS:
        period = fact["period"]
        dates = " ".join(filter(None, (period["start"], period["end"], period["as_of"])))
        assert period["inferred"] == ("2025" in dates), fact["id"]
    (source,) = DOCUMENT["sources"]
    assert source["inferred"], "the source must say what is inferred about it"


def test_the_decade_figures_stand_as_the_source_gives_them() -> None:
    by_id = {fact["id"]: fact for fact in FACTS}
    assert by_id["programme.projects-value"]["value"] == 26_000_000_000
    assert by_id["programme.cross-border-financing"]["value"] == 21_700_000_000
    assert by_id["aviation.weekly-flights"]["baseline"] == {"value": 5, "label": "initially"}
    assert by_id["aviation.flight-movements"]["qualifier"] == "more_than"
    assert by_id["aviation.flight-movements"]["yoy_pct"] == 20.2
    assert by_id["logistics.western-china-asean-trade"]["value"] == 10**12


needs_source = pytest.mark.skipif(
    not SOURCE_TEXT.is_file(), reason="source text not beside checkout"
)


@needs_source
def test_every_figure_is_in_the_source() -> None:
    result = verify.check(store.load(), SOURCE_TEXT.read_text(encoding="utf-8"))
    assert result.untraced == []
    assert result.checked == result.traced == 38


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9~]+", text.lower())


@needs_source
def test_statements_are_in_our_own_words() -> None:
    """No statement, definition or description shares a run of 9 words with the source, once
    quoted phrases and names (which carry over as they are) are taken out."""
    source = _words(SOURCE_TEXT.read_text(encoding="utf-8"))
    runs = {" ".join(source[i : i + 9]) for i in range(len(source) - 8)}
    names = [t["name"] for t in DOCUMENT["terms"]] + [p["name"] for p in DOCUMENT["people"]]
    texts = [f["statement"] for f in FACTS]
    texts += [t["definition"] for t in DOCUMENT["terms"]]
    texts += [s["description"] for s in DOCUMENT["sectors"]]
    copied = []
    for text in texts:
        text = re.sub(r'"[^"]*"', " ~quoted~ ", text)
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, " ~name~ ")
        words = _words(text)
        copied += [
            " ".join(words[i : i + 9])
            for i in range(len(words) - 8)
            if " ".join(words[i : i + 9]) in runs
        ]
    assert copied == []


def test_the_field_registry_matches_the_model() -> None:
    assert views.FACT.fields == tuple(model.Fact.model_fields)
    assert views.FACT.nested["baseline"] == tuple(model.Baseline.model_fields)
    assert views.FACT.nested["period"] == tuple(model.Period.model_fields)


def test_every_unit_and_kind_of_the_model_is_known_to_the_program() -> None:
    assert set(units.UNIT_FORMATS) == set(model.UNITS)
    assert set(units.QUALIFIER_WORDS) == set(model.QUALIFIERS)
    assert cli.FACT_KINDS == model.FACT_KINDS


def test_the_committed_json_schema_is_the_generated_one() -> None:
    committed = json.loads((ROOT / "facts.schema.json").read_text(encoding="utf-8"))
    assert committed == model.json_schema()
    assert DOCUMENT["$schema"] == "./facts.schema.json"
