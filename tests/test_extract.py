"""Extract: behaviour that must stay true while extraction improves.

These check what a reader of the brief relies on (a date resolved against
the publication date, one actor per entity, questions only where the article
leaves something open), not the exact wording, order or count of what is
found. Exact output is the golden test's business.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from builder.pipeline import extract_json
from support import write

THURSDAY = dt.date(2025, 4, 10)

TALKS = """\
Border talks resume in a quiet town

Officials from Armenia and Georgia met on Wednesday in a border town to discuss customs checks.

A second round is set to take place on Friday, a spokesperson said.

The talks follow a quarrel that began in December, when lorries were held at the crossing for days.

The valley has seen 13 years of war and slow recovery.
"""


def extract(tmp_path: Path, text: str, published: dt.date | None = None, name: str = "article.txt") -> dict[str, Any]:
    return extract_json(write(tmp_path / name, text), published)


def entries_for(timeline: list[dict], words: str) -> list[dict]:
    """Timeline entries whose date expression or event mentions ``words``."""
    return [e for e in timeline if words.lower() in (e["text"] + " " + e["event"]).lower()]


# --- dates ----------------------------------------------------------------


@pytest.fixture
def talks(tmp_path: Path) -> dict[str, Any]:
    return extract(tmp_path, TALKS, THURSDAY)


def test_past_weekday_resolves_to_the_day_before_publication(talks):
    (met,) = [e for e in talks["timeline"] if "Wednesday" in e["text"]]

    assert (met["date"], met["precision"]) == ("2025-04-09", "day")
    assert met["status"] == "occurred"


def test_scheduled_weekday_resolves_forward_and_is_scheduled(talks):
    (second,) = [e for e in talks["timeline"] if "Friday" in e["text"]]

    assert (second["date"], second["precision"]) == ("2025-04-11", "day")
    assert second["status"] == "scheduled"


def test_month_named_in_the_past_resolves_to_the_previous_year_at_month_precision(tmp_path):
    text = ("Rebels toppled the old government in December, after a swift advance.\n\n"
            "The new council met for the first time this week.\n")

    found = extract(tmp_path, text, THURSDAY)

    december = [e for e in found["timeline"] if "December" in e["text"]]
    assert december and all((e["date"], e["precision"]) == ("2024-12", "month") for e in december)
    assert all(e["status"] != "scheduled" for e in december)


def test_a_span_of_years_is_a_duration_not_a_date(talks):
    durations = [t for t in talks["temporal_expressions"] if "13 years" in t["text"]]

    assert durations and all((t["type"], t["value"]) == ("DURATION", "P13Y") for t in durations)
    assert not [e for e in talks["timeline"] if "13 years" in e["text"]]
    assert not [e for e in talks["timeline"] if (e["date"] or "").startswith(("2012", "2038"))]


def test_every_resolved_timeline_date_is_a_calendar_date(talks):
    for event in talks["timeline"]:
        if event["date"] is not None:
            length = {"year": 4, "month": 7, "day": 10}[event["precision"]]
            assert len(event["date"]) == length
            dt.date.fromisoformat(event["date"] + "-01" * ((10 - length) // 3))


UNDATED = """\
Ministers meet again after a long pause

Ministers from the two neighbours met on Wednesday after the talks stalled last month.

A follow-up meeting is planned for next year, and a technical team will travel on Monday morning.

The parties signed a short memo in June, and in late March they agreed on a hotline.

The ceasefire has held for six months. A new round is expected at the end of the month, and the envoy returns this evening.
"""


def test_without_a_publication_date_no_timeline_entry_gets_a_date(tmp_path):
    found = extract(tmp_path, UNDATED, None, name="ministers.txt")

    assert found["published"] is None
    assert found["timeline"], "the relative dates should still be listed, unresolved"
    assert [e["date"] for e in found["timeline"]] == [None] * len(found["timeline"])
    assert [e["precision"] for e in found["timeline"]] == [None] * len(found["timeline"])


def test_without_a_publication_date_no_year_is_invented(tmp_path):
    text = UNDATED + "\nThe first talks were held in 2019, long before the memo.\n"

    found = extract(tmp_path, text, None, name="ministers.txt")

    years_in_text = set(re.findall(r"\b\d{4}\b", text))
    for expression in found["temporal_expressions"]:
        assert set(re.findall(r"\d{4}", expression["value"])) <= years_in_text, expression
    for event in found["timeline"]:
        assert event["date"] is None or event["date"][:4] in years_in_text, event


# --- actors ---------------------------------------------------------------

ACTORS = """\
Rebels press on in the north

Rebel fighters said on Tuesday that Bashar al-Assad had lost control of two more towns. Residents said Assad had not appeared in public since the weekend.

The Turkish government said its patrols along the frontier would continue, and officials said Turkish troops would stay.

A delegation later flew to talks in Azerbaijan, where diplomats met behind closed doors. Analysts said Assad would struggle to regain the territory.
"""


@pytest.fixture
def actors(tmp_path: Path) -> list[dict]:
    return extract(tmp_path, ACTORS, THURSDAY)["actors"]


def names(actor: dict) -> set[str]:
    return {actor["name"], *actor["aliases"]}


def test_short_form_of_a_name_folds_into_the_full_name(actors):
    assads = [a for a in actors if any("Assad" in n for n in names(a))]

    assert len(assads) == 1, assads
    assert {"Bashar al-Assad", "Assad"} <= names(assads[0])
    assert assads[0]["kind"] == "person"


def test_demonym_is_counted_as_its_state(actors):
    (turkey,) = [a for a in actors if a["name"] == "Turkey"]

    assert turkey["kind"] == "state"
    assert "Turkish" in turkey["aliases"]
    assert not [a for a in actors if a["name"].startswith("Turkish")]


def test_a_place_named_only_as_a_setting_is_not_an_actor(actors):
    assert not [a for a in actors if any("Azerbaijan" in n for n in names(a))]


def test_actor_kinds_are_the_documented_ones(actors):
    assert {a["kind"] for a in actors} <= {"person", "organization", "state", "armed group"}


# --- open questions ---------------------------------------------------------

UNCERTAIN = "The regional council has not yet responded to the request for more money."
SETTLED = [
    "The new bridge over the Sava opened to traffic on Tuesday.",
    "Hundreds of people walked across it in the first hour.",
    "The mayor thanked the engineers and the crews.",
]


def test_open_questions_come_only_from_sentences_that_leave_something_open(tmp_path):
    text = f"{SETTLED[0]}\n\n{SETTLED[1]} {UNCERTAIN}\n\n{SETTLED[2]}\n"

    questions = extract(tmp_path, text, THURSDAY)["open_questions"]

    assert questions, "the unanswered request should give a question"
    assert {q["sentence"] for q in questions} == {UNCERTAIN}
    assert all(q["question"].rstrip().endswith("?") for q in questions)


def test_a_settled_article_has_no_open_question(tmp_path):
    questions = extract(tmp_path, "\n\n".join(SETTLED) + "\n", THURSDAY)["open_questions"]

    assert questions == []


# --- the editor's additions in front matter -------------------------------

EDITED = """\
---
title: Port strike talks
published: 2025-04-10
actors:
  - name: Harbour Workers Union
    kind: organization
    role: Represents the dock workers
  - name: Amara Osei
    kind: person
    role: Port director
    aliases: [Osei]
events:
  - date: 2025-03-01
    event: The strike began at the container terminal
  - date: 2025-05
    event: A review of the contract is due
    status: scheduled
questions:
  - Will the strike resume if the review fails?
  - question: Who pays for the repairs to the cranes?
background:
  - The port handles most of the country's grain imports.
---
Port director Amara Osei met union leaders on Wednesday. Osei said the talks had gone well.

The port reopened last week after a short closure.
"""


@pytest.fixture
def edited(tmp_path: Path) -> dict[str, Any]:
    return extract(tmp_path, EDITED, name="port.md")


def test_front_matter_actors_are_added_and_correct_extracted_ones(edited):
    by_name = {a["name"]: a for a in edited["actors"]}

    assert by_name["Harbour Workers Union"]["kind"] == "organization"
    assert by_name["Harbour Workers Union"]["role"] == "Represents the dock workers"
    assert by_name["Amara Osei"]["role"] == "Port director"
    assert by_name["Amara Osei"]["kind"] == "person"
    assert len([a for a in edited["actors"] if names(a) & {"Amara Osei", "Osei"}]) == 1


def test_front_matter_events_join_the_timeline(edited):
    by_event = {e["event"]: e for e in edited["timeline"]}

    strike = by_event["The strike began at the container terminal"]
    assert (strike["date"], strike["precision"], strike["status"]) == ("2025-03-01", "day", "occurred")
    review = by_event["A review of the contract is due"]
    assert (review["date"], review["precision"], review["status"]) == ("2025-05", "month", "scheduled")


def test_front_matter_questions_and_background_are_merged_in(edited):
    questions = [q["question"] for q in edited["open_questions"]]
    assert "Will the strike resume if the review fails?" in questions
    assert "Who pays for the repairs to the cranes?" in questions

    assert "The port handles most of the country's grain imports." in [b["text"] for b in edited["background"]]


def test_front_matter_title_and_date_win(edited):
    assert edited["title"] == "Port strike talks"
    assert edited["published"] == "2025-04-10"


def test_published_argument_overrides_the_source_date(tmp_path):
    found = extract(tmp_path, TALKS, dt.date(2025, 4, 17), name="2025-04-10-talks.txt")

    assert found["published"] == "2025-04-17"
    (met,) = [e for e in found["timeline"] if "Wednesday" in e["text"]]
    assert met["date"] == "2025-04-16"


def test_json_has_the_documented_keys(talks):
    assert {"title", "published", "summary", "background", "actors", "timeline", "temporal_expressions",
            "open_questions"} <= set(talks)
    assert talks["published"] == "2025-04-10"
    assert isinstance(talks["summary"], str) and talks["summary"]
    assert talks["summary"].startswith("Officials from Armenia and Georgia met on Wednesday")
