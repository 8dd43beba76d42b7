"""Guards of the bundled fact base, facts.json: it validates, ids are unique, every reference
resolves, every sector has facts, units and qualifiers come from the closed sets, every figure is
in the source text (when the source is beside the checkout), statements do not copy the source's
sentences, and the parts of the program that restate the schema (field registry, unit display,
kinds, the committed JSON Schema) agree with the models."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import sys
import types
from collections import Counter
from typing import Any, cast

import pytest

import ccifacts
from ccifacts import build, kinds, loader, model, units, verify, views
from conftest import ROOT, SOURCE_TEXT, compile_base, minimal

DOCUMENT: dict[str, Any] = json.loads((ROOT / "facts.json").read_text(encoding="utf-8"))
FACTS: list[dict[str, Any]] = DOCUMENT["facts"]
REPORT = "cqdaily-2025-11-10"
"""The source whose text is bundled beside the checkout (the first report the base was built on)."""
REPORT_FACTS = [fact for fact in FACTS if fact["source"] == REPORT]


def test_the_bundled_fact_base_is_valid() -> None:
    meta = compile_base((ROOT / "facts.json").read_bytes(), "facts.json")
    assert meta["facts"] == len(FACTS) == 347
    keys = ("sources", "sectors", "terms", "people", "measures", "synonyms")
    counts = {key: len(DOCUMENT[key]) for key in keys}
    assert counts == {
        "sources": 45,
        "sectors": 10,
        "terms": 42,
        "people": 22,
        "measures": 35,
        "synonyms": 42,
    }
    assert len(REPORT_FACTS) == 64


def test_the_decade_is_told_by_many_sources_as_series() -> None:
    """At least 15 sources from 5 publishers over 8 years; at least 10 measures with 3 or more
    dated points, each point in its measure's unit."""
    sources = DOCUMENT["sources"]
    assert len({source["publisher"] for source in sources}) >= 5
    assert len({source["published"][:4] for source in sources}) >= 8
    units = {measure["id"]: measure["unit"] for measure in DOCUMENT["measures"]}
    points = Counter(fact["measure"] for fact in FACTS if fact["measure"])
    assert sum(1 for count in points.values() if count >= 3) >= 10
    assert [f["id"] for f in FACTS if f["measure"] and f["unit"] != units[f["measure"]]] == []


def test_a_fact_base_compiles_into_any_new_connection() -> None:
    """``compile_into`` is the one gate of validation; a caller's plain connection must do."""
    data = json.dumps(minimal()).encode()
    meta = build.compile_into(sqlite3.connect(""), io.BytesIO(data), "small.json")
    assert meta == {"facts": 2, "schema_version": 1}


def compile_threaded(data: bytes) -> dict[str, Any]:
    connection = sqlite3.connect("", check_same_thread=False, isolation_level=None)
    return build.compile_into(connection, io.BytesIO(data), "small.json", threaded=True)


def test_a_compile_hands_the_interpreter_over_often_and_restores_the_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[float] = []
    begin = build.HANDOVER.begin

    def noted() -> None:
        begin()
        seen.append(sys.getswitchinterval())

    monkeypatch.setattr(build.HANDOVER, "begin", noted)
    host = sys.getswitchinterval()
    assert compile_threaded(json.dumps(minimal()).encode())["facts"] == 2
    assert (seen, sys.getswitchinterval()) == ([0.0005], host)


def test_compiles_that_overlap_restore_the_interval_when_the_last_ends() -> None:
    """Each compile restored what it found: the first to end put the host's interval back, and
    the other then set 0.5 ms again, for good."""
    host = sys.getswitchinterval()
    handover = build.Handover(0.0005)
    handover.begin()
    handover.begin()
    handover.end()
    assert sys.getswitchinterval() == 0.0005
    handover.end()
    assert sys.getswitchinterval() == host


def test_a_shorter_interval_of_the_host_is_kept() -> None:
    """Below a microsecond the interpreter reports 0.0, which it refuses to be set to: that
    failed the compile and left the writing thread running."""
    host = sys.getswitchinterval()
    try:
        sys.setswitchinterval(1e-7)
        assert compile_threaded(json.dumps(minimal()).encode())["facts"] == 2
        assert sys.getswitchinterval() == 0.0
    finally:
        sys.setswitchinterval(host)


def test_the_bundled_fact_base_is_the_one_found_by_default() -> None:
    assert loader.bundled_path().resolve() == (ROOT / "facts.json").resolve()
    assert ccifacts.load().get("aviation.weekly-flights").value == 24


@pytest.mark.parametrize(
    "collection", ["sources", "sectors", "terms", "people", "measures", "facts"]
)
def test_ids_are_unique(collection: str) -> None:
    ids = [item["id"] for item in DOCUMENT[collection]]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_every_reference_resolves() -> None:
    sectors = {s["id"] for s in DOCUMENT["sectors"]}
    terms = {t["id"] for t in DOCUMENT["terms"]}
    people = {p["id"] for p in DOCUMENT["people"]}
    sources = {s["id"] for s in DOCUMENT["sources"]}
    measures = {m["id"] for m in DOCUMENT["measures"]}
    sections = {
        (s["id"], section["id"]) for s in DOCUMENT["sources"] for section in s["sections"] or []
    }
    for fact in FACTS:
        assert fact["sector"] in sectors, fact["id"]
        assert set(fact["terms"]) <= terms, fact["id"]
        assert fact["said_by"] is None or fact["said_by"] in people, fact["id"]
        assert fact["source"] in sources, fact["id"]
        assert fact["section"] is None or (fact["source"], fact["section"]) in sections, fact["id"]
        assert fact["measure"] is None or fact["measure"] in measures, fact["id"]


def test_every_sector_has_facts() -> None:
    counts = Counter(fact["sector"] for fact in FACTS)
    assert {s["id"]: counts[s["id"]] for s in DOCUMENT["sectors"] if counts[s["id"]] == 0} == {}


def test_units_and_qualifiers_come_from_the_closed_sets() -> None:
    assert {f["unit"] for f in FACTS if "unit" in f} - {None} <= set(model.UNITS)
    assert {f.get("qualifier", "exact") for f in FACTS} <= set(model.QUALIFIERS)
    assert {f["kind"] for f in FACTS} <= set(model.FACT_KINDS)


def test_every_fact_says_where_and_when() -> None:
    for fact in FACTS:
        period = fact["period"]
        assert period["start"] or period["end"] or period["as_of"], fact["id"]
    # The report with sections places each of its facts in one.
    assert [fact["id"] for fact in REPORT_FACTS if not fact["section"]] == []


def test_every_source_says_what_it_is_and_how_much_was_read() -> None:
    for source in DOCUMENT["sources"]:
        assert source["kind"] in model.SOURCE_KINDS, source["id"]
        assert source["coverage"] in ("full", "partial"), source["id"]
        assert source["published"][:4] >= "2015", source["id"]
        assert {"url", "kind", "coverage", "coverage_note"} <= set(source), source["id"]
        assert source["coverage"] == "full" or source["coverage_note"], source["id"]


def test_what_is_inferred_is_marked_inferred() -> None:
    """In the report of 10 November 2025, 2025 is inferred (the dateline has no year); 2015, 2024
    and 2030 are stated."""
    for fact in REPORT_FACTS:
        period = fact["period"]
        dates = " ".join(filter(None, (period["start"], period["end"], period["as_of"])))
        assert period["inferred"] == ("2025" in dates), fact["id"]
    (source,) = [source for source in DOCUMENT["sources"] if source["id"] == REPORT]
    assert source["inferred"], "the source must say what is inferred about it"


# The ids of the first base (one report, 64 facts): people use them, so they keep working.
FIRST_IDS = [
    "programme.projects-signed",
    "programme.projects-value",
    "programme.cross-border-financing",
    "programme.institutional-outcomes",
    "programme.years-of-implementation",
    "programme.launch",
    "programme.intergovernmental-rank",
    "programme.evolution",
    "programme.beyond-park-model",
    "programme.dual-hubs",
    "programme.priority-sectors",
    "programme.theme",
    "programme.three-features",
    "programme.positioning",
    "programme.framework",
    "programme.two-way-benefits",
    "programme.belt-and-road",
    "programme.mofcom-support",
    "programme.more-areas",
    "programme.next-phase-priorities",
    "programme.cooperation-path",
    "programme.goal-2030",
    "programme.flagship-project-areas",
    "logistics.rail-sea-transit-days",
    "logistics.container-cost-cut",
    "logistics.corridor-exports",
    "logistics.ilstc-cities",
    "logistics.ilstc-provinces",
    "logistics.ilstc-stations",
    "logistics.ilstc-ports",
    "logistics.ilstc-countries",
    "logistics.western-china-asean-trade",
    "finance.financing-channel-regions",
    "finance.e-commerce-platform",
    "finance.nra-settlement",
    "finance.qdlp-pilot",
    "finance.digital-rmb-settlement-pilot",
    "aviation.air-corridor",
    "aviation.weekly-flights",
    "aviation.flight-movements",
    "aviation.passengers",
    "aviation.cargo",
    "information-technology.data-channel",
    "information-technology.transmission-efficiency",
    "information-technology.industries-supported",
    "science-education.nus-research-institute",
    "science-education.firms-incubated",
    "science-education.phds-trained",
    "science-education.annual-exchanges",
    "culture-tourism.people-flow-growth",
    "culture-tourism.singapore-overnight-tourists-growth",
    "culture-tourism.route-passengers-2024",
    "culture-tourism.route-passenger-share-2024",
    "culture-tourism.mutual-markets",
    "institutional-innovation.single-declaration-dual-reporting",
    "institutional-innovation.bonded-aircraft-spares",
    "institutional-innovation.replicable-experience",
    "digital-economy.pain-points",
    "digital-economy.container-data-sharing",
    "digital-economy.single-document",
    "digital-economy.digital-rmb-pilots",
    "green-development.focus-areas",
    "green-development.virtual-power-plant",
    "green-development.low-carbon-parks",
]


def test_the_ids_of_the_first_report_keep_working() -> None:
    assert [fact["id"] for fact in REPORT_FACTS] == FIRST_IDS
    moved = {
        fact["id"]: fact["sector"]
        for fact in REPORT_FACTS
        if fact["id"].split(".")[0] != fact["sector"]
    }
    assert moved == {
        "programme.cross-border-financing": "finance",
        "culture-tourism.route-passengers-2024": "aviation",
        "culture-tourism.route-passenger-share-2024": "aviation",
    }


def test_some_report_periods_end_on_the_day_they_are_stated() -> None:
    ends = [
        fact["id"]
        for fact in REPORT_FACTS
        if fact["period"]["end"] and fact["period"]["end"] == fact["period"]["as_of"]
    ]
    assert ends == [
        "logistics.ilstc-cities",
        "logistics.ilstc-provinces",
        "logistics.ilstc-stations",
        "logistics.ilstc-ports",
        "logistics.ilstc-countries",
        "logistics.western-china-asean-trade",
        "finance.financing-channel-regions",
        "aviation.weekly-flights",
    ]


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
    base = ccifacts.load()
    report = base.facts(where=base.filters(source=[REPORT]))
    # verify reads only the facts of what it is given, as the command hands it one source's.
    facts = types.SimpleNamespace(facts=[fact.to_dict() for fact in report])
    result = verify.check(cast(Any, facts), SOURCE_TEXT.read_text(encoding="utf-8"))
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
    texts = [f["statement"] for f in REPORT_FACTS]
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
    assert views.FACT.fields == model.FACT_KEYS
    assert views.FACT.nested["baseline"] == model.BASELINE_KEYS
    assert views.FACT.nested["period"] == model.PERIOD_KEYS
    assert FACTS[0]["measure"] is not None and list(FACTS[0])[-1] == "measure"


def test_every_unit_and_qualifier_of_the_model_has_its_words() -> None:
    assert set(units.UNIT_FORMATS) == set(model.UNITS)
    assert set(units.QUALIFIER_WORDS) == set(model.QUALIFIERS)


def test_every_kind_and_qualifier_of_the_model_is_known_to_the_command_line() -> None:
    assert kinds.FACT_KINDS == model.FACT_KINDS
    assert kinds.QUALIFIERS == model.QUALIFIERS
    assert kinds.QUALIFIERS == model.QUALIFIERS


def test_the_committed_json_schema_is_the_generated_one() -> None:
    committed = json.loads((ROOT / "facts.schema.json").read_text(encoding="utf-8"))
    assert committed == model.json_schema()
    assert DOCUMENT["$schema"] == "./facts.schema.json"
