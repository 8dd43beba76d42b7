"""``ask``'s answers: a fact as one sentence a person can paste, built from the fact itself (its
figure with qualifier and unit, baseline, period, stated change, source and speaker), never
from a source's words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccifacts.text import inert
from ccifacts.units import figure, percent_change

if TYPE_CHECKING:
    from ccifacts.api import FactBase


def sentence(fact: dict[str, Any], source: dict[str, Any], speaker: dict[str, Any] | None) -> str:
    """ "Weekly flights, Chongqing-Singapore: 24 per week (5 initially), as of 10 Nov 2025
    (Chongqing Daily, 10 November 2025)." A fact without a figure is its statement."""
    from ccifacts.citation import human_date

    cited = f"{source['publisher']}, {human_date(source['published'])}"
    if speaker is not None:
        cited += f"; said by {speaker['name']}"
    if fact["value"] is None:
        body = fact["statement"].rstrip(".")
        return f"{body} ({cited})."
    text = f"{fact['label']}: {figure(fact['value'], fact['unit'], fact['qualifier'])}"
    baseline = fact["baseline"]
    if baseline is not None and baseline["value"] is not None:
        text += f" (from {figure(baseline['value'], fact['unit'])} {baseline['label']})"
    text += f", {_mid_sentence(fact['period']['label'])}"
    if fact["yoy_pct"] is not None:
        text += f", {percent_change(fact['yoy_pct'])} year on year"
    return f"{text} ({cited})."


def record(base: FactBase, fact: dict[str, Any], rank: int) -> dict[str, Any]:
    """One answer of ``ask --json``: its rank, its sentence and the fact."""
    lookups = base.lookups()
    source = lookups.sources_by_id[fact["source"]]
    speaker = lookups.people_by_id.get(fact["said_by"] or "")
    return {"rank": rank, "answer": sentence(fact, source, speaker), "fact": fact}


def text(answers: list[dict[str, Any]]) -> str:
    """The best answer on its own line, then the runners-up."""
    if not answers:
        return ""
    lines = [inert(answers[0]["answer"])]
    if len(answers) > 1:
        lines.append("")
        lines.append("Also:")
        lines += [f"  {inert(a['answer'])} [{inert(a['fact']['id'])}]" for a in answers[1:]]
    lines.insert(1, f"  [{inert(answers[0]['fact']['id'])}]")
    return "".join(line + "\n" for line in lines)


_MONTHS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}


def _mid_sentence(label: str) -> str:
    """A period label as it reads after a comma: "Up to 6 March 2025" becomes "up to ...";
    a month, an acronym ("CCI Financial Summit") or a name keeps its capital."""
    first = label.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first.casefold() not in _MONTHS:
        return label[0].lower() + label[1:]
    return label
