"""The commands that explain what ccifacts returns: define and terms (the glossary), sources and
cite (provenance, ready citations), people (who said what), timeline (dated facts in order),
changes (before/after and year-on-year figures with derived ratios, drawn as bars) and summary
(the headline figures), each with exact output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ccifacts import __version__
from conftest import minimal, run, write

RULE = "\u2500"  # the rule under a table's headings


def test_define_explains_a_term_and_lists_its_facts() -> None:
    result = run("define", "NRA", "--format", "table")
    assert result.code == 0
    assert "Non-Resident Account" in result.stdout
    assert "The account model developed in the CCI's finance work" in result.stdout
    assert "(general knowledge, not from the source)" in result.stdout
    assert "finance.nra-settlement" in result.stdout
    assert "more than RMB 400 million" in result.stdout


def test_define_finds_a_term_by_any_alias() -> None:
    for name in ("nra", "Non-Resident Account", "NRA model", "non resident account"):
        term = run("define", name, "--json").json()
        assert term == {
            "id": "NRA",
            "name": "Non-Resident Account",
            "kind": "policy",
            "aliases": ["NRA model", "Non-Resident Account model"],
            "definition": (
                "The account model developed in the CCI's finance work, through which "
                "companies in western China have settled cross-border payments."
            ),
            "background": (
                "A non-resident account is a bank account in China held by an entity based "
                "outside the mainland."
            ),
            "facts": ["finance.nra-settlement"],
        }


def test_define_an_unknown_term_suggests_one() -> None:
    result = run("define", "QDPL")
    assert result.code == 1
    assert result.stderr == "Error: no term named 'QDPL'\nHint: did you mean: QDLP?\n"


def test_a_term_without_facts_says_so(tmp_path: Path) -> None:
    document = minimal()
    document["terms"].append(
        {"id": "QDLP", "name": "Qualified Domestic LP", "kind": "policy", "definition": "A pilot."}
    )
    base = write(tmp_path / "unused-term.json", document)
    result = run("define", "QDLP", "--facts", str(base), "--format", "table")
    assert (result.code, result.stderr) == (0, "")
    assert "No fact mentions this term." in result.stdout


@pytest.mark.parametrize(
    "term",
    [
        "CCI",
        "ILSTC",
        "D-ILSTC",
        "QDLP",
        "NRA",
        "digital-rmb",
        "nus-chongqing-research-institute",
        "ASEAN",
        "single-declaration-dual-reporting",
        "bonded-aircraft-spares-distribution",
    ],
)
def test_every_acronym_and_programme_of_the_source_is_a_term(term: str) -> None:
    assert run("define", term, "--json").code == 0


def test_a_search_for_an_alias_finds_the_terms_facts() -> None:
    by_alias = {fact["id"] for fact in run("search", "e-CNY", "--json").json()}
    assert by_alias == {
        "finance.digital-rmb-settlement-pilot",
        "digital-economy.digital-rmb-pilots",
    }


def test_terms_lists_every_term_with_its_facts() -> None:
    terms = run("terms", "--json").json()
    assert len(terms) == 42
    assert {key: terms[3][key] for key in ("id", "facts")} == {
        "id": "QDLP",
        "facts": [
            "finance.qdlp-pilot",
            "finance.qdlp-first-2021-mti",
            "finance.qdlp-quota-2023-mti",
            "finance.singapore-institutions-2023-mti",
            "finance.icham-qdlp-2021-xinhua",
        ],
    }


def test_sources_lists_the_source_with_its_fact_count(small_base: Path) -> None:
    result = run("sources", "--format", "tsv", "--facts", str(small_base))
    assert result.stdout == (
        "id\tpublisher\ttitle\tpublished\tkind\turl\tfact_count\n"
        "test-source\tTest Gazette\tA Test Report\t2025-11-10\tnews_report\t\t2\n"
    )


def test_a_source_record_says_what_kind_it_is_and_how_much_was_read(small_base: Path) -> None:
    (source,) = run("sources", "--json", "--facts", str(small_base)).json()
    assert source == {
        "id": "test-source",
        "publisher": "Test Gazette",
        "title": "A Test Report",
        "subtitle": None,
        "published": "2025-11-10",
        "url": None,
        "kind": "news_report",
        "document": None,
        "language": "en",
        "coverage": "full",
        "coverage_note": None,
        "sections": [{"id": "body", "title": "Body"}],
        "inferred": [],
        "fact_count": 2,
    }


def test_sources_lists_every_source_of_the_bundled_base() -> None:
    lines = run("sources", "--format", "tsv").stdout.splitlines()
    assert len(lines) == 1 + 45
    assert lines[1] == (
        "cqdaily-2025-11-10\tChongqing Daily\tCCI Bears Fruitful Cooperation Outcomes Over Decade"
        "\t2025-11-10\tnews_report\t\t64"
    )


@pytest.fixture
def cited_base(tmp_path: Path) -> Path:
    document = minimal()
    document["sources"][0]["inferred"] = ["The year is inferred."]
    document["sources"][0]["title"] = "Flights_Up 100% {again}"
    return write(tmp_path / "cited.json", document)


def test_cite_plain(cited_base: Path) -> None:
    result = run("cite", "aviation.weekly-flights", "--facts", str(cited_base))
    assert result.stdout == (
        'Test Gazette. "Flights_Up 100% {again}." 10 November 2025 (date partly inferred). '
        'Section "Body". Statement by Ann Lee (Spokesperson). '
        f"Fact aviation.weekly-flights, via ccifacts {__version__}.\n"
    )


def test_cite_markdown_escapes_markup(cited_base: Path) -> None:
    result = run(
        "cite", "aviation.weekly-flights", "--style", "markdown", "--facts", str(cited_base)
    )
    assert result.stdout == (
        "Test Gazette, *Flights\\_Up 100% {again}*, 10 November 2025 (date partly inferred), "
        "section \u201cBody\u201d; statement by Ann Lee (Spokesperson). "
        "Fact `aviation.weekly-flights`.\n"
    )


def test_cite_bibtex_pastes_into_a_bib_file(cited_base: Path) -> None:
    result = run("cite", "aviation.weekly-flights", "--style", "bibtex", "--facts", str(cited_base))
    assert result.stdout == (
        "@article{test-source:aviation.weekly-flights,\n"
        "  author = {{Test Gazette}},\n"
        "  title = {{Flights\\_Up 100\\% {\\textbraceleft}again{\\textbraceright}}},\n"
        "  journal = {Test Gazette},\n"
        "  journaltitle = {Test Gazette},\n"
        "  year = {2025},\n"
        "  month = nov,\n"
        "  date = {2025-11-10},\n"
        "  note = {Fact aviation.weekly-flights; section ``Body''; statement by Ann Lee "
        "(Spokesperson); date partly inferred},\n"
        "}\n"
    )
    assert result.stdout.count("{") - result.stdout.count("\\{") == result.stdout.count(
        "}"
    ) - result.stdout.count("\\}")


def test_cite_json(cited_base: Path) -> None:
    result = run("cite", "finance.settlement", "--json", "--facts", str(cited_base))
    assert result.json() == {
        "fact": "finance.settlement",
        "style": "plain",
        "citation": (
            'Test Gazette. "Flights_Up 100% {again}." 10 November 2025 (date partly inferred). '
            f"Fact finance.settlement, via ccifacts {__version__}."
        ),
        "source": {
            "id": "test-source",
            "publisher": "Test Gazette",
            "title": "Flights_Up 100% {again}",
            "published": "2025-11-10",
        },
        "section": None,
        "said_by": None,
    }


def test_people_lists_officials_roles_and_their_facts() -> None:
    people = run("people", "--json").json()
    assert len(people) == 22
    assert [(p["id"], p["name"]) for p in people[:4]] == [
        ("zhang-yongwu", "Zhang Yongwu"),
        ("li-an", "Li An"),
        ("sun-xiyong", "Sun Xiyong"),
        ("chan-chun-sing", "Chan Chun Sing"),
    ]
    assert people[2]["roles"] == [
        "Deputy Director-General, Chongqing Municipal CCI Administration Bureau",
        "Deputy director, Chongqing Commerce Commission (Xinhua, 2025)",
    ]
    assert people[2]["facts"] == ["programme.more-areas", "aviation.route-passengers-2024-xinhua"]
    assert "programme.goal-2030" in people[0]["facts"]


def test_people_of_the_small_base_are_exact(small_base: Path) -> None:
    result = run("people", "--facts", str(small_base), "--json")
    assert result.json() == [
        {
            "id": "ann-lee",
            "name": "Ann Lee",
            "roles": ["Spokesperson"],
            "facts": ["aviation.weekly-flights"],
        }
    ]


def _ends_late(partial: str) -> str:
    """A partial date as the last day it covers: 2025 is 2025-12-31, 2025-11 is 2025-11-31."""
    return partial + {4: "-12-31", 7: "-31"}.get(len(partial), "")


def _starts_early(partial: str) -> str:
    return partial + {4: "-01-01", 7: "-01"}.get(len(partial), "")


def test_timeline_runs_from_the_first_proposal_to_the_2030_goal_in_date_order() -> None:
    facts = run("timeline", "--json").json()
    ids = [fact["id"] for fact in facts]
    assert len(facts) == 267
    assert ids[0] == "programme.proposed-2013-asiaone"  # "late 2013"
    assert ids.index("programme.launch") < ids.index("aviation.route-passengers-2024-xinhua")
    assert ids.index("aviation.passengers") < ids.index("programme.projects-signed")
    assert ids[-1] == "programme.goal-2030"
    # By the end of the period, a year ending with its December; then by its start.
    keys = [
        (
            _ends_late(f["period"]["end"] or f["period"]["start"]),
            _starts_early(f["period"]["start"] or f["period"]["end"]),
        )
        for f in facts
    ]
    assert keys == sorted(keys)


def test_timeline_table_shows_the_period_first() -> None:
    lines = run("timeline", "--format", "markdown").stdout.splitlines()
    assert lines[0] == "| Period | ID | Label | Value |"
    assert (
        lines[2]
        == "| late 2013 | programme.proposed-2013-asiaone | Project first proposed by China |  |"
    )


def test_changes_compute_ratios_and_mark_them_derived() -> None:
    rows = {row["id"]: row for row in run("changes", "--json").json()}
    assert rows["aviation.weekly-flights"] == {
        "id": "aviation.weekly-flights",
        "sector": "aviation",
        "label": "Weekly flights, Chongqing-Singapore",
        "unit": "per_week",
        "qualifier": "exact",
        "basis": "before_after",
        "before": 5,
        "before_label": "initially",
        "after": 24,
        "ratio": 4.8,
        "change_pct": 380.0,
        "derived": ["ratio", "change_pct"],
        "period": {
            "label": "as of 10 Nov 2025",
            "start": None,
            "end": "2025-11-10",
            "as_of": "2025-11-10",
            "inferred": True,
        },
    }
    transit = rows["logistics.rail-sea-transit-days"]
    assert (transit["before"], transit["after"], transit["ratio"], transit["change_pct"]) == (
        10,
        7,
        0.7,
        -30.0,
    )
    passengers = rows["aviation.passengers"]
    assert (
        passengers["basis"],
        passengers["ratio"],
        passengers["change_pct"],
        passengers["derived"],
    ) == ("year_on_year", 1.136, 13.6, ["ratio"])
    # n-fold: the ratio is the figure; the change is derived from it, (5 - 1) x 100.
    fivefold = rows["culture-tourism.people-flow-growth"]
    assert (
        fivefold["basis"],
        fivefold["ratio"],
        fivefold["change_pct"],
        fivefold["derived"],
    ) == ("multiple", 5, 400, ["change_pct"])
    sevenfold = rows["culture-tourism.singapore-overnight-tourists-growth"]
    assert (sevenfold["ratio"], sevenfold["change_pct"]) == (7, 600)
    # Every fact with a year-on-year change (13), a baseline figure (12) or an n-fold unit (4).
    assert len(rows) == 29
    assert "logistics.vietnam-transit-days-2022-pd" not in rows  # its baseline has no figure


def test_changes_draw_bars_on_a_terminal() -> None:
    table = run("changes", "--format", "table").stdout
    flights = table[table.index("aviation.weekly-flights") :]
    # 5 -> 24: a short "before" bar (16 / 4.8) and a full "after" bar of 16 blocks.
    assert "\u2588" * 3 + " before" in flights
    assert "\u2588" * 16 + " after" in flights
    transit = table[table.index("logistics.rail-sea") :]
    assert "\u2588" * 16 + " before" in transit
    assert "\u2588" * 11 + " after" in transit


@pytest.mark.parametrize(
    ("command", "columns", "headings"),
    [
        ("changes", "80", ["ID", "After", "Change"]),
        ("changes", "100", ["ID", "After", "Change"]),
        ("list", "80", ["ID", "Label", "Value"]),
        ("list", "100", ["ID", "Label", "Value"]),
        ("summary", "80", ["Label", "Value", "Period"]),
        ("summary", "100", ["Label", "Value", "Period", "Source"]),
        ("timeline", "80", ["Period", "Label"]),
        ("timeline", "100", ["Period", "Label", "Value"]),
    ],
)
def test_tables_on_a_terminal_fit_it_and_keep_every_column_readable(
    command: str, columns: str, headings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ccifacts.cli.output.stdout_is_terminal", lambda: True)
    result = run(command, "--color", "never", env={"COLUMNS": columns})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    # Every heading shown stands whole on the heading line: columns that do not fit are left
    # out rather than squeezed to a sliver.
    assert re.split(r"\s{2,}", lines[1].strip()) == headings


def test_changes_in_every_format_carry_the_same_rows() -> None:
    ids = [row["id"] for row in run("changes", "--json").json()]
    tsv = run("changes", "--format", "tsv").stdout.splitlines()[1:]
    assert [line.split("\t")[0] for line in tsv] == ids


def test_summary_shows_the_headline_figures() -> None:
    table = run("summary", "--format", "table").stdout
    for shown in ("USD 26 billion", "USD 21.7 billion", "24 per week", "more than RMB 1 trillion"):
        assert shown in table
    assert table.startswith("Headline figures\n")
    # The latest point of each of the 10 headline measures, and the 8 headline facts of no
    # measure.
    summary = run("summary", "--json").json()
    assert len(summary) == 18
    assert {fact["id"] for fact in summary} >= {
        "programme.projects-signed-2025-ichongqing",  # to Dec 2025, later than the report
        "aviation.weekly-flights",
        "aviation.passengers",
        "programme.singapore-investment-2024-mti",
    }


def test_define_in_a_pipe_prints_the_definition_and_the_facts() -> None:
    result = run("define", "NRA")
    assert result.code == 0
    assert "Definition  The account model developed in the CCI's finance work" in result.stdout
    assert "finance.nra-settlement" in result.stdout


def test_define_in_a_pipe_prints_text_and_its_facts_as_tsv(tmp_path: Path) -> None:
    # As every other command does in a pipe: no drawn table, the facts as tab-separated rows.
    base = write(tmp_path / "small.json", minimal())
    result = run("define", "NRA", "--facts", str(base), env={"COLUMNS": "50"})
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == (
        "Non-Resident Account\n"
        "Term        NRA\n"
        "Name        Non-Resident Account\n"
        "Kind        policy\n"
        "Aliases     NRA model\n"
        "Definition  An account model.\n"
        "\n"
        "Facts that mention NRA\n"
        "id\tsector\tlabel\tvalue\tunit\tqualifier\tperiod.label\n"
        "finance.settlement\tfinance\tSettlement, via NRA\t400000000\tRMB\tmore_than\tas of 2025\n"
    )


def test_define_as_a_table_in_a_pipe_takes_the_width_columns_names(tmp_path: Path) -> None:
    base = write(tmp_path / "small.json", minimal())
    args = ("define", "NRA", "--facts", str(base), "--format", "table")
    result = run(*args, env={"COLUMNS": "50"})
    assert result.stdout.endswith(
        "Facts that mention NRA\n"
        "ID                                      Value\n"
        f"{RULE * 18}  {RULE * 25}\n"
        "finance.settlement  more than RMB 400 million\n"
    )
    wide = run(*args).stdout  # no COLUMNS: the natural width, every column
    assert (
        "finance.settlement  Settlement, via NRA  more than RMB 400 million  as of 2025\n" in wide
    )


def test_timeline_all_adds_the_facts_stated_as_of_the_report() -> None:
    dated = run("timeline", "--json").json()
    everything = run("timeline", "--all", "--json").json()
    assert len(dated) == 267
    assert len(everything) == 347
    ids = [fact["id"] for fact in everything]
    # January-October 2025, then as of 10 November 2025, then by 2030.
    assert ids.index("aviation.cargo") < ids.index("aviation.weekly-flights") < len(ids) - 1
    assert ids[-1] == "programme.goal-2030"


def test_summary_keeps_the_ids_to_follow_up() -> None:
    lines = run("summary", "--format", "markdown").stdout.splitlines()
    assert lines[0] == "| Label | Value | Period | Source | ID |"
    assert lines[2] == (
        "| Total value of cooperation projects | USD 26 billion "
        "| Nov 2015 to Nov 2025 (cumulative) | cqdaily-2025-11-10 | programme.projects-value |"
    )


def test_changes_of_extreme_figures_have_no_ratio_instead_of_a_crash(tmp_path: Path) -> None:
    document = minimal()
    document["facts"][0]["value"] = 1e308
    document["facts"][0]["baseline"] = {"value": 1e-308, "label": "tiny"}
    document["facts"][1]["yoy_pct"] = 1e308
    path = write(tmp_path / "extreme.json", document)
    for fmt in ("json", "csv", "table"):
        result = run("changes", "--facts", str(path), "--format", fmt)
        assert (result.code, result.stderr) == (0, "")
    rows = run("changes", "--facts", str(path), "--json").json()
    assert [(r["ratio"], r["change_pct"], r["derived"]) for r in rows] == [
        (None, None, []),
        (1e306, 1e308, ["ratio"]),
    ]
    card = run("get", "aviation.weekly-flights", "--facts", str(path), "--format", "table")
    assert card.code == 0
    assert "Infinity" not in card.stdout


def test_a_card_leaves_out_what_the_record_does_not_have() -> None:
    card = run("define", "ASEAN").stdout  # no aliases
    assert "Aliases" not in card
    assert "Background" in card
    milestone = run("get", "programme.launch").stdout  # no value, no baseline
    assert "Value" not in milestone and "Baseline" not in milestone


@pytest.fixture
def measured_base(tmp_path: Path) -> Path:
    """The small base with a measure of weekly flights: 17 in 2016, then 24 in 2025."""
    document = minimal()
    document["measures"] = [
        {
            "id": "weekly-flights",
            "name": "Weekly flights",
            "aliases": ["flights a week"],
            "unit": "per_week",
            "description": "Direct flights a week.",
        }
    ]
    document["facts"][0]["measure"] = "weekly-flights"
    document["facts"].insert(
        0,
        {
            "id": "aviation.weekly-flights-2016",
            "sector": "aviation",
            "kind": "metric",
            "label": "Weekly flights in 2016",
            "value": 17,
            "unit": "per_week",
            "period": {"label": "2016", "start": "2016", "end": "2016"},
            "statement": "Flights were 17 a week in 2016.",
            "source": "test-source",
            "measure": "weekly-flights",
        },
    )
    return write(tmp_path / "measured.json", document)


def test_changes_of_a_measure_compare_its_first_and_latest_points(measured_base: Path) -> None:
    result = run("changes", "weekly-flights", "--facts", str(measured_base), "--json")
    assert (result.code, result.stderr) == (0, "")
    assert result.json() == [
        {
            "id": "weekly-flights",
            "sector": None,
            "label": "Weekly flights",
            "unit": "per_week",
            "qualifier": "exact",
            "basis": "first_latest",
            "before": 17,
            "before_label": "2016, test-source",
            "after": 24,
            "ratio": 1.4118,
            "change_pct": 41.18,
            "derived": ["before", "after", "ratio", "change_pct"],
            "period": {
                "label": "2016 to 2025",
                "start": "2016",
                "end": "2025",
                "as_of": None,
                "inferred": False,
            },
        }
    ]
    by_alias = run("changes", "flights a week", "--facts", str(measured_base), "--json")
    assert by_alias.stdout == result.stdout
    every = run("changes", "--measures", "--facts", str(measured_base), "--json")
    assert every.stdout == result.stdout


def test_changes_of_an_unknown_measure_points_to_the_list(measured_base: Path) -> None:
    result = run("changes", "nope", "--facts", str(measured_base))
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: no measure named 'nope'\nHint: `ccifacts history` shows them all.\n"
    )


def test_changes_of_the_bundled_measures_run_from_the_first_point_to_the_latest() -> None:
    rows = {row["id"]: row for row in run("changes", "--measures", "--json").json()}
    assert {row["basis"] for row in rows.values()} == {"first_latest"}
    flights = rows["weekly-flights"]
    # About five a week at the 2015 launch (iChongqing), 24 as of 10 Nov 2025 (Chongqing Daily).
    assert (flights["before"], flights["after"], flights["ratio"], flights["change_pct"]) == (
        5,
        24,
        4.8,
        380.0,
    )
    ports = rows["ilstc-ports"]
    assert (ports["before"], ports["after"]) == (116, 581)  # Sep 2018, then 10 Nov 2025


# --- ask: one sentence to paste -----------------------------------------------------------------


def test_ask_answers_with_one_sentence_then_two_others() -> None:
    result = run("ask", "how many ports does the ILSTC reach")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == (
        "Ports reached by the ILSTC: 581, as of 10 Nov 2025 (Chongqing Daily, 10 November "
        "2025).\n"
        "  [logistics.ilstc-ports]\n"
        "\n"
        "Also:\n"
        "  Ports reached by the ILSTC: 581, as of end of October 2025 (Xinhua, 10 November "
        "2025). [logistics.ilstc-ports-2025-10-xinhua]\n"
        # A period label that begins a sentence elsewhere reads on after the comma.
        "  Ports reached by the ILSTC: 555, up to 6 March 2025 (cumulative) (iChongqing, "
        "7 March 2025; said by Yuan Jiajun). [logistics.ilstc-ports-2025-ichongqing]\n"
    )


def test_ask_json_gives_the_sentence_and_the_fact_as_get_prints_it() -> None:
    answers = run("ask", "how many weekly flights", "--json").json()
    assert [a["rank"] for a in answers] == [1, 2, 3]
    assert answers[0]["fact"] == run("get", "aviation.weekly-flights", "--json").json()
    assert answers[0]["answer"] == (
        "Weekly flights, Chongqing-Singapore: 24 per week (from 5 per week initially), as of "
        "10 Nov 2025 (Chongqing Daily, 10 November 2025)."
    )


def test_ask_without_an_answer_says_so_and_succeeds() -> None:
    result = run("ask", "zzqqxx", "--json")
    assert (result.code, result.stdout) == (0, "[]\n")
    assert result.stderr.startswith("no facts match 'zzqqxx'")
    empty = run("ask", "  ")
    assert (empty.code, empty.stdout) == (2, "")
    assert empty.stderr.startswith("Error: the question has no words\n")
