"""Temporal values: one sentence, one expression, the TimeML value a reader
of the timeline relies on, resolved against a Thursday publication date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builder.pipeline import extract_json
from support import write

THURSDAY = dt.date(2025, 4, 10)

CASES = [
    # (sentence, expression as written, value)
    ("The ministers met on Wednesday in the capital.", "Wednesday", "2025-04-09"),
    ("A second round is set for Friday.", "Friday", "2025-04-11"),
    ("The rebels entered the city in December.", "December", "2024-12"),
    ("Elections will be held in December.", "December", "2025-12"),
    ("Prices rose sharply this year.", "this year", "2025"),
    ("Shelling continued over the past week.", "the past week", "2025-W14"),
    ("The envoy arrived earlier this month.", "earlier this month", "2025-04"),
    ("The company expects growth in Q3.", "Q3", "2025-Q3"),
    ("The pipeline was finished in mid-2024.", "mid-2024", "2024"),
    ("The truce was agreed on March 3, 2025. Two days later it was broken.", "Two days later", "2025-03-05"),
    ("Exports fell 20% in February, compared to the same month a year ago.", "the same month a year ago", "2024-02"),
    ("Sales rose in the first quarter of 2025 compared to the same period last year.", "the same period last year",
     "2024-Q1"),
    ("The firm lost $2 billion in the fourth quarter of 2023 and $5 billion for the entire year.",
     "the entire year", "2023"),
    ("Licences will not be renewed after October of next year.", "October", "2026-10"),
    ("The ceremony began at 16:15 UTC, March 1st, in the old hall.", "16:15 UTC", "2025-03-01T16:15Z"),
    ("The border has been closed since 2019.", "2019", "2019"),
    ("Talks were held two years ago.", "two years ago", "2023"),
    ("The convoy crossed the border an hour ago.", "an hour ago", "2025-04-10"),
    ("Clashes erupted over the weekend.", "the weekend", "2025-W14-WE"),
    ("Envoys will meet over the weekend.", "the weekend", "2025-W15-WE"),
    ("The parliament rejected a plan on Tuesday to tax deposits.", "Tuesday", "2025-04-08"),
    ("The island must find its own solution by Monday.", "Monday", "2025-04-14"),
    ("Earnings rose in the third quarter.", "the third quarter", "2024-Q3"),
    ("Profit fell in the second half.", "the second half", "2024-H2"),
    ("The town was founded in the 12th century.", "the 12th century", "11"),
    ("In 2011 protesters toppled the government; two years later the army returned.", "two years later", "2013"),
    ("He has been in prison since 2019 and faces trial in May.", "May", "2025-05"),
    ("Officials said the drill would begin in the coming days.", "the coming days", "FUTURE_REF"),
    ("The president spoke at 10 a.m. local time on Monday.", "10 a.m. local time on Monday", "2025-04-07T10:00"),
    ("He moved to the capital in 2005 and later that year joined the firm.", "later that year", "2005"),
    ("The rebels took the town on March 3, 2025; the day before, the army had left.", "the day before", "2025-03-02"),
]


@pytest.mark.parametrize("sentence, text, value", CASES, ids=[c[1] for c in CASES])
def test_expression_gets_its_timeml_value(tmp_path: Path, sentence: str, text: str, value: str):
    source = write(tmp_path / "article.txt", f"A headline for the test\n\n{sentence}\n")

    found = extract_json(source, THURSDAY)["temporal_expressions"]

    assert (text, value) in [(t["text"], t["value"]) for t in found], found


def test_durations_and_sets_are_not_dates(tmp_path: Path):
    source = write(tmp_path / "article.txt", "A headline for the test\n\n"
                   "The valley has seen 13 years of war, and convoys cross every week.\n")

    found = {t["text"]: (t["type"], t["value"]) for t in extract_json(source, THURSDAY)["temporal_expressions"]}

    assert found["13 years"] == ("DURATION", "P13Y")
    assert found["every week"] == ("SET", "P1W")


def test_the_past_few_years_is_a_duration_not_a_past_date(tmp_path: Path):
    source = write(tmp_path / "article.txt", "A headline for the test\n\nPrices have doubled over the past few years.\n")

    found = [(t["text"], t["type"]) for t in extract_json(source, THURSDAY)["temporal_expressions"]]

    assert found == [("the past few years", "DURATION")]



@pytest.mark.parametrize("text", ["Talks resumed on 5 ſept. 2024 in Geneva.", "It ended in the ſecond quarter.",
                                  "They met in İune."])
def test_letters_that_only_look_ascii_make_no_date_and_no_crash(tmp_path, text):
    source = write(tmp_path / "article.txt", text + "\n")

    found = extract_json(source, THURSDAY)["temporal_expressions"]

    assert all(t["text"].isascii() for t in found), found
