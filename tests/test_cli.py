"""The lookup commands as a user runs them: sectors, sector, search, get and list on the bundled
facts and on a small fact base, with exact JSON, exit codes and the messages on stderr, including
the typo suggestions and the help, version and usage-error behaviour."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ccifacts import __version__
from ccifacts.cli import app
from conftest import MINIMAL, minimal, run, write

WEEKLY_FLIGHTS: dict[str, Any] = {
    "id": "aviation.weekly-flights",
    "sector": "aviation",
    "kind": "metric",
    "label": "Weekly flights, Chongqing-Singapore",
    "value": 24,
    "unit": "per_week",
    "qualifier": "exact",
    "baseline": {"value": 5, "label": "initially"},
    "yoy_pct": None,
    "period": {
        "label": "as of 10 Nov 2025",
        "start": None,
        "end": "2025-11-10",
        "as_of": "2025-11-10",
        "inferred": True,
    },
    "statement": (
        "Flights between Chongqing and Singapore have gone up from five a week at the start "
        "to 24 a week."
    ),
    "terms": ["air-corridor"],
    "said_by": None,
    "source": "cqdaily-2025-11-10",
    "section": "flights-and-people-flow",
    "headline": True,
    "measure": "weekly-flights",
}
# The first aviation facts of the bundled base, in its order: the report's five, then the 2024
# route figures that moved from culture-tourism to aviation; 26 aviation facts in all.
AVIATION_IDS = [
    "aviation.air-corridor",
    "aviation.weekly-flights",
    "aviation.flight-movements",
    "aviation.passengers",
    "aviation.cargo",
    "culture-tourism.route-passengers-2024",
    "culture-tourism.route-passenger-share-2024",
    "aviation.flights-mou-2016-asiaone",
]


def test_sectors_lists_every_sector_with_its_fact_count() -> None:
    result = run("sectors", "--json", "--fields", "id,fact_count")
    assert result.code == 0
    assert result.json() == [
        {"id": "programme", "fact_count": 104},
        {"id": "logistics", "fact_count": 115},
        {"id": "finance", "fact_count": 75},
        {"id": "aviation", "fact_count": 26},
        {"id": "information-technology", "fact_count": 7},
        {"id": "science-education", "fact_count": 5},
        {"id": "culture-tourism", "fact_count": 5},
        {"id": "institutional-innovation", "fact_count": 3},
        {"id": "digital-economy", "fact_count": 4},
        {"id": "green-development", "fact_count": 3},
    ]


@pytest.mark.parametrize("name", ["aviation", "Aviation", "air", "AIR", "flights", "air transport"])
def test_sector_matches_id_name_or_alias_in_any_case(name: str) -> None:
    result = run("sector", name, "--json")
    assert result.code == 0
    ids = [fact["id"] for fact in result.json()]
    assert (ids[: len(AVIATION_IDS)], len(ids)) == (AVIATION_IDS, 26)
    assert result.json()[1] == WEEKLY_FLIGHTS


def test_sector_finance_shows_the_cross_border_financing() -> None:
    ids = [fact["id"] for fact in run("sector", "finance", "--json").json()]
    assert "programme.cross-border-financing" in ids


def test_sector_table_shows_the_weekly_flights_figure() -> None:
    result = run("sector", "aviation", "--format", "table")
    assert result.code == 0
    assert "aviation.weekly-flights" in result.stdout
    assert "24 per week" in result.stdout
    assert "more than 1,900" in result.stdout


def test_an_unknown_sector_suggests_the_closest_names() -> None:
    result = run("sector", "aviatoin")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == "Error: no sector named 'aviatoin'\nHint: did you mean: aviation?\n"


def test_an_unknown_sector_with_nothing_close_points_to_the_listing() -> None:
    result = run("sector", "zzzz")
    assert result.code == 1
    assert (
        result.stderr == "Error: no sector named 'zzzz'\nHint: `ccifacts sectors` shows them all.\n"
    )


def _about_the_ilstc(fact: dict[str, Any]) -> bool:
    return "ILSTC" in fact["terms"] or "D-ILSTC" in fact["terms"] or "ilstc" in fact["id"]


def test_search_finds_the_corridor_by_acronym_or_name() -> None:
    by_acronym = run("search", "ILSTC", "--json").json()
    by_name = run("search", "land-sea trade corridor", "--json").json()
    unquoted = run("search", "Land-Sea", "TRADE", "  corridor", "--json").json()
    ids = {fact["id"] for fact in by_acronym}
    assert ids == {fact["id"] for fact in by_name} == {fact["id"] for fact in unquoted}
    assert {"logistics.rail-sea-transit-days", "logistics.ilstc-ports"} <= ids


def test_search_puts_exactly_the_ilstc_facts_first() -> None:
    """The 99 facts that name the ILSTC (a term or their id) come first; the other logistics
    facts (the sector's alias is "ilstc") follow, and nothing else."""
    found = run("search", "ILSTC", "--json").json()
    about = [_about_the_ilstc(fact) for fact in found]
    assert about == [True] * 99 + [False] * (len(found) - 99)
    assert all(fact["sector"] == "logistics" for fact in found[99:])


def test_search_ranks_label_matches_first() -> None:
    found = [fact["id"] for fact in run("search", "ILSTC", "--json").json()]
    assert set(found[:5]) == {
        "logistics.ilstc-cities",
        "logistics.ilstc-provinces",
        "logistics.ilstc-stations",
        "logistics.ilstc-ports",
        "logistics.ilstc-countries",
    }


def test_search_finds_the_facts_a_person_said() -> None:
    found = run("search", "Zhang Yongwu", "--json").json()
    assert found and all(fact["said_by"] == "zhang-yongwu" for fact in found)


def test_search_with_no_match_is_an_empty_success() -> None:
    result = run("search", "xylophone", "--json")
    assert (result.code, result.stdout) == (0, "[]\n")
    assert result.stderr == (
        "no facts match 'xylophone': no fact has 'xylophone'\n"
        "Try fewer words, a term (`ccifacts terms`) or a sector (`ccifacts sectors`).\n"
    )


def test_search_without_words_is_a_usage_error() -> None:
    result = run("search", "--", "--- !")
    assert result.code == 2
    assert result.stderr.startswith("Error: the query has no words to search for\n")


def test_get_prints_one_fact_as_one_object() -> None:
    result = run("get", "aviation.weekly-flights", "--json")
    assert result.code == 0
    assert result.json() == WEEKLY_FLIGHTS
    assert result.stdout.endswith("}\n")


def test_get_in_full_shows_baseline_change_period_source_and_speaker() -> None:
    result = run("get", "logistics.rail-sea-transit-days", "--format", "table")
    assert result.code == 0
    for shown in (
        "7 days",
        "10 days (before the ILSTC)",
        "0.7x, -30% (derived)",
        "as of 10 Nov 2025 (year inferred)",
        'Chongqing Daily, "CCI Bears Fruitful Cooperation Outcomes Over Decade", 10 November 2025',
        "Li An (Deputy Director-General, Department of Asian Affairs, Ministry of Commerce)",
        "The CCI Demonstrates Three Distinctive Features",
    ):
        assert shown in result.stdout


@pytest.mark.parametrize("flag", ["--value", "--raw", "-r"])
def test_get_value_prints_the_bare_value(flag: str) -> None:
    result = run("get", "programme.projects-value", flag)
    assert (result.code, result.stdout, result.stderr) == (0, "26000000000\n", "")


@pytest.mark.parametrize(
    ("fact_id", "shown"),
    [
        ("aviation.weekly-flights", "24 per week"),
        ("aviation.cargo", "more than 1,400 metric tons"),
        ("aviation.route-cargo-2021-xinhua", "nearly 1,700 metric tons"),
        ("logistics.ilstc-teu-2023-gt", "860,000 TEU"),
        ("logistics.pilot-train-journey-2017-pd", "48 hours"),
        ("logistics.sea-rail-length-2017-pd", "4,080 km"),
        ("logistics.qinzhou-east-daily-trains-2025-xinhua", "about 24 per day"),
    ],
)
def test_a_figure_reads_with_its_qualifier_and_unit(fact_id: str, shown: str) -> None:
    result = run("get", fact_id)
    assert result.code == 0
    assert re.search(rf"^Value +{re.escape(shown)}$", result.stdout, re.MULTILINE), result.stdout


def test_get_field_reaches_into_the_fact() -> None:
    assert run("get", "aviation.weekly-flights", "--field", "baseline.value").stdout == "5\n"
    assert run("get", "aviation.passengers", "--field", "period.end").stdout == "2025-10\n"
    assert run("get", "aviation.passengers", "--field", "yoy_pct").stdout == "13.6\n"


def test_get_value_of_a_fact_without_one_fails_clearly() -> None:
    result = run("get", "programme.launch", "--value")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: fact programme.launch has no value\n")


def test_get_an_unknown_id_suggests_the_closest_ids(small_base: Path) -> None:
    result = run("get", "aviation.weekly-flight", "--facts", str(small_base))
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: no fact with id 'aviation.weekly-flight'\n"
        "Hint: did you mean: aviation.weekly-flights?\n"
    )
    bundled = run("get", "aviation.weekly-flight")
    assert bundled.code == 1
    assert bundled.stderr.startswith(
        "Error: no fact with id 'aviation.weekly-flight'\n"
        "Hint: did you mean: aviation.weekly-flights"
    )


def test_get_ignores_case_when_that_is_unambiguous() -> None:
    assert run("get", "Aviation.Weekly-Flights", "--value").stdout == "24\n"


def test_list_filters_by_sector_kind_and_term() -> None:
    ids = [f["id"] for f in run("list", "--sector", "air", "--kind", "metric", "--json").json()]
    assert (ids[:6], len(ids)) == (AVIATION_IDS[1:7], 21)
    nra = run("list", "--term", "Non-Resident Account", "--json").json()
    assert [f["id"] for f in nra] == ["finance.nra-settlement"]
    targets = run("list", "--kind", "target", "--json").json()
    assert [f["id"] for f in targets] == ["programme.goal-2030"]


def test_list_with_an_unknown_kind_is_a_usage_error() -> None:
    result = run("list", "--kind", "rumour")
    assert result.code == 2
    assert result.stderr == (
        "Error: unknown kind 'rumour'\n"
        "Hint: Kinds are: metric, milestone, policy, plan, target, profile.\n"
    )


def test_list_with_an_unknown_term_suggests_terms() -> None:
    result = run("list", "--term", "NRAA")
    assert result.code == 1
    assert result.stderr == "Error: no term named 'NRAA'\nHint: did you mean: NRA?\n"


def test_an_empty_listing_is_valid_json_and_a_note_on_stderr(small_base: Path) -> None:
    result = run("list", "--facts", str(small_base), "--sector", "air", "--term", "NRA", "--json")
    assert (result.code, result.stdout) == (0, "[]\n")
    assert result.stderr == "no facts match the filters\n"


def test_every_listing_of_the_small_base_is_exact(small_base: Path) -> None:
    result = run("list", "--facts", str(small_base), "--json", "--fields", "id,value,unit")
    assert result.json() == [
        {"id": "aviation.weekly-flights", "value": 24, "unit": "per_week"},
        {"id": "finance.settlement", "value": 400000000, "unit": "RMB"},
    ]


def test_the_small_base_is_normalised_with_every_key(small_base: Path) -> None:
    fact = run("get", "finance.settlement", "--facts", str(small_base), "--json").json()
    assert fact == {
        **MINIMAL["facts"][1],
        "baseline": None,
        "period": {
            "label": "as of 2025",
            "start": None,
            "end": None,
            "as_of": "2025-11-10",
            "inferred": True,
        },
        "said_by": None,
        "section": None,
        "headline": False,
        "measure": None,
    }


def test_version() -> None:
    result = run("--version")
    assert (result.code, result.stdout) == (0, f"ccifacts {__version__}\n")


COMMANDS = [
    "sectors",
    "sector",
    "list",
    "search",
    "get",
    "info",
    "validate",
    "schema",
    "verify",
    "terms",
    "define",
    "sources",
    "cite",
    "people",
    "timeline",
    "changes",
    "summary",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.code == 0
    assert "Example" in result.stdout
    assert "--facts" in result.stdout


def test_the_main_help_documents_the_exit_codes() -> None:
    result = run("--help")
    assert result.code == 0
    for line in ("0  success", "1  the named", "2  usage error", "3  the fact base", "4  internal"):
        assert line in result.stdout


def test_no_command_shows_the_help() -> None:
    result = run()
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == run("--help").stdout
    assert "Commands:" in result.stdout


def test_an_unknown_option_is_a_usage_error_on_stderr() -> None:
    result = run("sectors", "--colour", "never")
    assert (result.code, result.stdout) == (2, "")
    assert "Error: No such option: --colour" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_and_a_different_format_disagree() -> None:
    result = run("sectors", "--json", "--format", "csv")
    assert result.code == 2
    assert result.stderr == "Error: --json and --format csv ask for different formats\n"


def test_facts_before_the_command_is_used(small_base: Path) -> None:
    result = run("--facts", str(small_base), "sector", "aviation", "--json")
    assert [f["id"] for f in result.json()] == ["aviation.weekly-flights"]


def test_facts_after_the_command_wins_over_the_one_before(small_base: Path) -> None:
    result = run("--facts", "missing.json", "sectors", "--facts", str(small_base), "--json")
    assert [s["id"] for s in result.json()] == ["aviation", "finance"]


def test_the_environment_names_the_fact_base(small_base: Path) -> None:
    result = run("sectors", "--json", env={"CCIFACTS_FACTS": str(small_base)})
    assert [s["id"] for s in result.json()] == ["aviation", "finance"]
    bundled = run("sectors", "--json", env={"CCIFACTS_FACTS": ""})
    assert len(bundled.json()) == 10


def test_info_says_which_fact_base_is_in_use(small_base: Path) -> None:
    info = run("info", "--facts", str(small_base), "--json").json()
    assert info["path"] == str(small_base)
    assert info["bundled"] is False
    assert info["counts"] == {
        "sources": 1,
        "sectors": 2,
        "terms": 1,
        "people": 1,
        "measures": 0,
        "facts": 2,
    }
    assert info["sources"] == [
        {
            "id": "test-source",
            "publisher": "Test Gazette",
            "title": "A Test Report",
            "published": "2025-11-10",
        }
    ]
    text = run("info").stdout
    assert "(bundled)" in text and "45 sources" in text and "347 facts" in text


def test_get_in_a_pipe_prints_the_whole_fact_as_text() -> None:
    result = run("get", "aviation.weekly-flights")
    assert result.code == 0
    for shown in ("Statement", "5 per week (initially)", "4.8x, +380% (derived)", "Section"):
        assert shown in result.stdout
    assert "\x1b" not in result.stdout


def test_get_value_and_field_together_is_a_usage_error() -> None:
    result = run("get", "aviation.weekly-flights", "--value", "--field", "label")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: --value and --field both choose what to print\nHint: Give one of them.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["schema", "-f", "csv"], "Error: schema cannot print csv\nHint: It prints: auto, json.\n"),
        (
            ["info", "--format", "jsonl"],
            "Error: info cannot print jsonl\nHint: It prints: auto, table, json.\n",
        ),
        (
            ["cite", "programme.launch", "--fields", "id"],
            "Error: cite prints no table, so it takes no --fields\n",
        ),
        (
            ["validate", "--no-headers"],
            "Error: validate prints no table, so it takes no --no-headers\n",
        ),
    ],
)
def test_options_a_command_cannot_honour_are_refused(args: list[str], message: str) -> None:
    result = run(*args)
    assert (result.code, result.stdout, result.stderr) == (2, "", message)


def test_validate_json_reports_the_counts(small_base: Path) -> None:
    result = run("validate", str(small_base), "--json")
    assert result.code == 0
    assert result.json() == {
        "path": str(small_base),
        "valid": True,
        "facts": 2,
        "sectors": {"aviation": 1, "finance": 1},
    }


def test_an_empty_facts_option_means_the_bundled_base() -> None:
    result = run("--facts", "", "sectors", "--facts", "", "--json")
    assert (result.code, len(result.json())) == (0, 10)


def test_force_color_zero_does_not_force_colour() -> None:
    result = run("sector", "air", "--format", "table", env={"FORCE_COLOR": "0"})
    assert "\x1b[" not in result.stdout
    forced = run("sector", "air", "--format", "table", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout


def test_ctrl_c_exits_130_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    from ccifacts import cli
    from ccifacts.cli import core

    def interrupted(**_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(core, "app", interrupted)
    assert cli.main(["sectors"], fast=False) == 130


def test_a_name_without_letters_or_digits_names_nothing() -> None:
    result = run("sector", "?!")
    assert result.code == 1
    assert result.stderr.startswith("Error: no sector named '?!'\n")


def test_a_huge_argument_is_echoed_short() -> None:
    result = run("sector", "x" * 100_000)
    assert result.code == 1
    assert result.stderr.startswith("Error: no sector named '" + "x" * 60 + "...'\n")
    assert len(result.stderr) < 300


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("D-ILSTC", ["digital-economy.container-data-sharing", "digital-economy.single-document"]),
        ("20.2%", ["aviation.flight-movements"]),
    ],
)
def test_short_query_words_match_whole_words(query: str, found: list[str]) -> None:
    assert [fact["id"] for fact in run("search", query, "--json").json()] == found


def test_an_acronym_finds_its_term_not_words_it_starts() -> None:
    """BRI finds the facts of the Belt and Road Initiative, not the "bring in" of the virtual
    power plant."""
    found = run("search", "BRI", "--json").json()
    assert found[0]["id"] == "programme.belt-and-road"
    assert [f["id"] for f in found if "belt-and-road" not in f["terms"]] == []
    assert "green-development.virtual-power-plant" not in {f["id"] for f in found}


def test_a_short_word_matches_whole_words_only(tmp_path: Path) -> None:
    base = minimal()
    base["facts"][0]["statement"] = "Airlines bring in 24 flights a week."
    base["facts"][1]["statement"] = "The BRI settled more than RMB 400 million."
    facts = str(write(tmp_path / "bri.json", base))
    found = run("search", "BRI", "--facts", facts, "--json").json()
    assert [fact["id"] for fact in found] == ["finance.settlement"]


def test_full_width_letters_search_like_plain_ones() -> None:
    assert (
        run("search", "\uff21\uff49\uff52", "--json").json()
        == run("search", "Air", "--json").json()
    )


@pytest.mark.parametrize("query", ["flights", "Flight", "FLIGHTS"])
def test_a_word_finds_its_other_forms(query: str, small_base: Path) -> None:
    found = run("search", query, "--facts", str(small_base), "--json")
    assert found.stdout == run("search", "flight", "--facts", str(small_base), "--json").stdout
    assert [fact["id"] for fact in found.json()] == ["aviation.weekly-flights"]


# --- search: word forms, typos, synonyms, questions and the fallback ----------------------------


def test_a_typo_is_corrected_and_the_correction_said_on_stderr(small_base: Path) -> None:
    result = run("search", "flihgts", "--facts", str(small_base), "--json")
    assert result.code == 0
    assert [fact["id"] for fact in result.json()] == ["aviation.weekly-flights"]
    assert result.stderr == "showing results for flights (not flihgts)\n"


def test_nonsense_finds_nothing_and_says_what_to_try(small_base: Path) -> None:
    result = run("search", "zzqqxx", "--facts", str(small_base), "--json")
    assert (result.code, result.stdout) == (0, "[]\n")
    assert result.stderr == (
        "no facts match 'zzqqxx': no fact has 'zzqqxx'\n"
        "Try fewer words, a term (`ccifacts terms`) or a sector (`ccifacts sectors`).\n"
    )


@pytest.mark.parametrize("query", ["how many", "what is the", "?!"])
def test_a_query_of_only_question_words_is_a_usage_error(query: str, small_base: Path) -> None:
    result = run("search", query, "--facts", str(small_base))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: the query has no words to search for\n")


def test_question_words_are_dropped(small_base: Path) -> None:
    asked = run("search", "how many weekly flights are there", "--facts", str(small_base))
    assert asked.stdout == run("search", "weekly flights", "--facts", str(small_base)).stdout
    assert asked.stdout.splitlines()[1:] == [
        "aviation.weekly-flights\taviation\tWeekly flights\t24\tper_week\texact\t2025"
    ]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # No fact has every word: those with the most of them come first.
        ("weekly flights account", ["aviation.weekly-flights", "finance.settlement"]),
        ("settlement account flights", ["finance.settlement", "aviation.weekly-flights"]),
    ],
)
def test_without_a_fact_of_every_word_the_most_words_rank_first(
    query: str, found: list[str], small_base: Path
) -> None:
    result = run("search", query, "--facts", str(small_base), "--json")
    assert (result.code, result.stderr) == (0, "")
    assert [fact["id"] for fact in result.json()] == found


def test_synonyms_come_from_the_fact_base(tmp_path: Path) -> None:
    base = minimal()
    plain = str(write(tmp_path / "plain.json", base))
    assert run("search", "payments", "--facts", plain, "--json").json() == []
    base["synonyms"] = [{"words": ["settlement", "payments"]}]
    with_synonyms = str(write(tmp_path / "synonyms.json", base))
    # Any form of the synonym (payment, payments) finds the facts of the other words.
    for query in ("payments", "Payment"):
        result = run("search", query, "--facts", with_synonyms, "--json")
        assert (result.code, result.stderr) == (0, "")
        assert [fact["id"] for fact in result.json()] == ["finance.settlement"]


@pytest.mark.parametrize("query", ["400 million", "400000000", "RMB 400 million", "400m"])
def test_a_number_finds_the_fact_of_that_figure(query: str, small_base: Path) -> None:
    result = run("search", query, "--facts", str(small_base), "--json")
    assert [fact["id"] for fact in result.json()] == ["finance.settlement"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "2019", "--until", "2018"), "since '2019' is after until '2018'"),
        (("--min", "10", "--max", "5"), "min 10 is more than max 5"),
    ],
)
def test_a_range_with_nothing_in_between_is_a_usage_error(
    args: tuple[str, ...], message: str
) -> None:
    result = run("list", *args)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: {message}: ")


def test_get_dash_with_the_base_on_stdin_too_is_refused(small_base: Path) -> None:
    result = CliRunner().invoke(
        app, ["--facts", "-", "get", "-"], input=small_base.read_text(), catch_exceptions=False
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: get - and --facts - both read standard input\n"
        "Hint: Give the fact base as a file, or the ids as arguments.\n"
    )


@pytest.mark.parametrize("command", [["sector", "air"], ["search", "ILSTC"], ["timeline"]])
def test_a_limit_beyond_any_base_shows_everything(command: list[str]) -> None:
    huge = run(*command, "--limit", "9" * 30)
    assert (huge.code, huge.stderr) == (0, "")
    assert huge.stdout == run(*command, "--limit", "0").stdout
