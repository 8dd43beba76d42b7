"""What people type finds the right fact first (issue 10), through the CLI on the bundled base:
questions, plurals and short words, typos, joined and split words, synonyms and numbers as people
write them; `ask` answers each as a sentence; typo corrections are said on stderr, never silently.
The wider measure is `benchmarks/search_quality.py`, on questions these tests do not list."""

from __future__ import annotations

import pytest

from conftest import run

FIRST = {
    # questions: their filler words ("how", "many", "when") are in no fact
    "how many flights per week between Chongqing and Singapore": "aviation.weekly-flights",
    "when was the CCI launched": "programme.launch-date-2015-xinhua",
    "how much cross-border financing": "programme.cross-border-financing",
    # plurals and short words
    "PhD": "science-education.phds-trained",
    # joined and split words
    "ecommerce": "finance.e-commerce-platform",
    "e-commerce": "finance.e-commerce-platform",
    "e commerce": "finance.e-commerce-platform",
    # synonyms kept in the data, apart from what the sources say
    "digital yuan": "digital-economy.digital-rmb-pilots",
    "doctorates": "science-education.phds-trained",
    "startups incubated": "science-education.firms-incubated",
    # numbers as people type them, matched on the stored value
    "1900 flights": "aviation.flight-movements",
    "1.9k flights": "aviation.flight-movements",
    "230000 passengers": "aviation.passengers",
    "USD 26bn": "programme.projects-value",
    "26 billion": "programme.projects-value",
    "26000000000": "programme.projects-value",
}


@pytest.mark.parametrize(("query", "expected"), FIRST.items())
def test_the_right_fact_comes_first(query: str, expected: str) -> None:
    result = run("search", *query.split(), "--json", "--limit", "3")
    assert result.code == 0
    assert result.json()[0]["id"] == expected


@pytest.mark.parametrize(("query", "expected"), FIRST.items())
def test_ask_answers_with_that_fact_in_a_sentence(query: str, expected: str) -> None:
    result = run("ask", *query.split(), "--json")
    assert result.code == 0
    best = result.json()[0]
    fact = best["fact"]
    assert fact["id"] == expected
    # A figure is given with its label; a fact without one (a milestone) in its statement.
    opening = f"{fact['label']}: " if fact["value"] is not None else fact["statement"][:-1]
    assert best["answer"].startswith(opening)
    assert best["answer"].endswith(").")  # the source (and speaker) in brackets closes it


@pytest.mark.parametrize(
    ("typed", "corrected", "expected"),
    [
        ("ILTSC ports", "ILSTC", "logistics.ilstc-ports"),
        ("aviaton cargo", "aviation", "aviation.cargo"),
        # The word as the best fact writes it, not as the first one in the file does.
        ("fligths", "flights", "aviation.weekly-flights"),
    ],
)
def test_a_typo_is_corrected_and_the_correction_said_on_stderr(
    typed: str, corrected: str, expected: str
) -> None:
    result = run("search", *typed.split(), "--json", "--limit", "1")
    assert result.code == 0
    assert result.json()[0]["id"] == expected
    misspelt = typed.split()[0].lower()
    assert result.stderr.startswith(f"showing results for {corrected} (not {misspelt})\n")


@pytest.mark.parametrize(("one", "other"), [("airline", "airlines"), ("land-sea", "land sea")])
def test_word_forms_find_the_same_facts(one: str, other: str) -> None:
    def found(query: str) -> list[str]:
        result = run("search", *query.split(), "--json", "--limit", "0")
        assert result.code == 0
        return sorted(fact["id"] for fact in result.json())

    assert found(one) == found(other) != []


def test_nonsense_finds_nothing_says_why_and_succeeds() -> None:
    result = run("search", "zzqqxx", "--json")
    assert (result.code, result.stdout) == (0, "[]\n")
    assert result.stderr == (
        "no facts match 'zzqqxx': no fact has 'zzqqxx'\n"
        "Try fewer words, a term (`ccifacts terms`) or a sector (`ccifacts sectors`).\n"
    )


def test_of_one_measure_the_most_recent_point_comes_first() -> None:
    ids = [f["id"] for f in run("search", "weekly", "flights", "--json", "--limit", "0").json()]
    dated = [run("get", i, "--json").json() for i in ids if i.startswith("aviation.weekly-fl")]
    ends = [f["period"]["end"] or f["period"]["as_of"] or "" for f in dated]
    assert ends[0] == max(ends)


@pytest.mark.parametrize("question", ["how long", "what is the highest figure", "how much money"])
def test_a_question_without_a_subject_finds_nothing(question: str) -> None:
    result = run("ask", *question.split())
    assert (result.code, result.stdout) == (0, "")
    assert result.stderr.startswith(f"no facts match '{question}'")
    assert "showing results for" not in result.stderr


@pytest.mark.parametrize("query", [["Singapore"], ["chongqing", "singapore"], ["Chongqing"]])
def test_words_that_are_background_in_a_question_are_found_alone(query: list[str]) -> None:
    # In "how many flights from Chongqing" the city says little; asked alone, it is the subject.
    result = run("search", *query, "--fields", "id,label", "--no-headers", "-n", "5")
    assert result.code == 0
    rows = result.stdout.splitlines()
    assert len(rows) == 5
    assert all(any(w.lower() in row.lower() for w in query) for row in rows), rows
    assert "more not shown" in result.stderr


def test_the_head_index_answers_as_the_whole_index() -> None:
    # The ranking asks its best candidates' questions of a small index made from the tables
    # (the main index keeps no text): it must find exactly what the main index finds.
    import ccifacts
    from ccifacts import db

    connection = ccifacts.load(None).connection
    positions = [r[0] for r in connection.execute("SELECT position FROM facts")]
    words = [r[0] for r in connection.execute("SELECT word FROM words ORDER BY docs DESC")]
    labels = [r[0] for r in connection.execute("SELECT label FROM facts LIMIT 60")]
    expressions = [f'"{w}"' for w in words[::7]] + [f'"{w}"*' for w in words[3::29]]
    expressions += ['"' + " ".join(label.split()[:2]).replace('"', "") + '"' for label in labels]
    expressions = [
        f"{columns}{e}"
        for e in expressions
        for columns in ("", "{id label} : ", "{names} : ", "{sector speaker} : ")
    ]
    db.index_head(connection, positions)
    assert len(expressions) > 500
    for expression in expressions:
        expected = db.matching(connection, expression, positions)
        assert db.head_matching(connection, expression) == expected, expression


def test_a_common_word_is_ranked_among_its_first_matches_and_counted_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ccifacts
    from ccifacts import db, search

    base = ccifacts.load(None)
    monkeypatch.setattr(db, "SCAN", 20)
    monkeypatch.setattr(search, "CANDIDATES", 10)
    every = base.search("Singapore")
    best = base.search("Singapore", limit=5)
    assert best.total == every.total == len(every.facts) > 200
    first = {
        str(row[0])
        for row in base.connection.execute(
            "SELECT f.id FROM facts_fts JOIN facts AS f ON f.position = facts_fts.rowid "
            "WHERE facts_fts MATCH 'singapore' ORDER BY facts_fts.rowid LIMIT 20"
        )
    }
    assert len(best.facts) == 5
    assert {fact.id for fact in best.facts} <= first
    # Asked for all, or for more than the scan, every match is ranked.
    assert [f.id for f in base.search("Singapore", limit=300).facts] == [f.id for f in every.facts]
    assert [f.id for f in base.search("Singapore").facts] == [f.id for f in every.facts]
