"""Assemble: many articles make one regional brief; each merge rule on small
hand-written articles, then what a returning reader sees change."""

from __future__ import annotations

import re

import feedparser
import pytest

from builder.assemble import briefs as assemble
from builder.pipeline import extract_file
from support import brief_pages, invoke, new_site, write

FIRST = """---
title: Dam talks open in Lakeport
published: 2025-03-03
source: River Wire
url: https://example.org/dam-talks
region: Vell Basin
---
Engineers from Ardia and Bruma met on Monday in Lakeport to discuss sharing water from the Vell dam.

The Bruma government has not yet accepted the proposal for a joint water commission.

Ardia has built three dams on the Vell river since 1990, and farmers downstream depend on its flow.
"""

SECOND = """---
title: Water commission agreed
published: 2025-03-20
source: Basin Herald
region: Vell Basin
---
The two governments signed a water deal on Wednesday after weeks of talks.

The Bruma government accepted the proposal for a joint water commission on Wednesday.

Engineers from Ardia and Bruma met on 3 March in Lakeport to discuss sharing water from the Vell dam.

Ardia has built three dams on the Vell river since 1990, and farmers downstream rely on its flow.
"""

OTHER_DATE = """---
title: Another account of the dam talks
published: 2025-03-10
source: Hill Post
region: Vell Basin
---
Engineers from Ardia and Bruma met on 2 March in Lakeport to discuss sharing water from the Vell dam.
"""


@pytest.fixture
def articles(tmp_path):
    return [extract_file(write(tmp_path / name, text)) for name, text in
            (("first.md", FIRST), ("second.md", SECOND), ("other.md", OTHER_DATE))]


@pytest.fixture
def brief(articles):
    (made,), problems = assemble(articles[:2])
    assert problems == []
    return made


def test_articles_of_one_region_make_one_brief(brief):
    assert brief.region == "Vell Basin"
    assert brief.title == "Vell Basin"
    assert [a.title for a in brief.articles] == ["Water commission agreed", "Dam talks open in Lakeport"]


def test_summary_is_the_newest_lead(brief):
    assert brief.summary[0].text.startswith("The two governments signed a water deal")


def test_the_same_event_from_two_sources_is_shown_once_citing_both(brief):
    meetings = [e for e in brief.timeline if "met on" in e.event]
    assert len(meetings) == 1
    assert meetings[0].date == "2025-03-03"
    assert len({c.source for c in meetings[0].citations}) == 2


def test_conflicting_dates_are_shown_side_by_side(articles):
    (made,), _ = assemble(articles)
    meeting = next(e for e in made.timeline if "met on" in e.event)
    dates = {meeting.date, *(d for d, _ in meeting.other_dates)}
    assert dates == {"2025-03-03", "2025-03-02"}


def test_timeline_is_sorted_with_undated_last(brief):
    dated = [e.date for e in brief.timeline if e.date]
    assert dated == sorted(dated)
    assert all(e.date for e in brief.timeline[:len(dated)])


def test_near_duplicate_background_is_merged_citing_both(brief):
    dams = [s for s in brief.background if "three dams" in s.text]
    assert len(dams) == 1
    assert len({c.source for c in dams[0].citations}) == 2


def test_a_question_a_later_source_settles_is_marked_answered(brief):
    question = next(q for q in brief.open_questions if "commission" in q.citation.text)
    assert question.answered_by is not None
    assert "accepted the proposal" in question.answered_by.text


def test_actors_merge_across_articles_with_all_aliases(brief):
    names = [a.name for a in brief.actors]
    assert len(names) == len(set(names))
    assert "Ardia" in names and "Bruma" in names


def test_group_article_keeps_one_brief_per_article(articles):
    made, _ = assemble(articles, group="article")
    assert len(made) == 3


def test_a_brief_topic_splits_a_region(tmp_path):
    topical = FIRST.replace("region: Vell Basin", "region: Vell Basin\nbrief: Water")
    one = extract_file(write(tmp_path / "a.md", topical))
    two = extract_file(write(tmp_path / "b.md", SECOND))
    made, _ = assemble([one, two])
    assert sorted(b.slug for b in made) == ["vell-basin", "water"]


def test_two_regions_written_alike_in_a_url_get_two_folders(tmp_path):
    site = new_site(tmp_path / "site")
    write(site / "sources" / "a.md", FIRST.replace("region: Vell Basin", "region: Vell Basin!"))
    write(site / "sources" / "b.md", SECOND.replace("region: Vell Basin", "region: Vell-Basin"))
    result = invoke("build", "--site", site, "--strict")
    assert result.exit_code == 0, result.output
    pages = sorted(brief_pages(site / "docs" / "briefs"))
    assert [p for p in pages if p.startswith("vell")] == ["vell-basin-2/vell-basin.md", "vell-basin/vell-basin.md"]


def test_two_topics_written_alike_publish_both_with_a_notice(tmp_path):
    one = extract_file(write(tmp_path / "a.md", FIRST.replace("region: Vell Basin", "region: Vell Basin\nbrief: Water!")))
    two = extract_file(write(tmp_path / "b.md", SECOND.replace("region: Vell Basin", "region: Vell Basin\nbrief: Water?")))
    made, problems = assemble([one, two])
    assert sorted(b.slug for b in made) == ["water", "water-2"]
    assert [p.severity for p in problems] == ["notice"]
    assert "rename one of the topics" in str(problems[0])


def test_two_articles_with_one_slug_are_a_warning_in_group_article(tmp_path):
    one = extract_file(write(tmp_path / "a.md", FIRST.replace("region: Vell Basin", "slug: dam")))
    two = extract_file(write(tmp_path / "b.md", SECOND.replace("region: Vell Basin", "slug: dam")))
    made, problems = assemble([one, two], group="article")
    assert sorted(b.slug for b in made) == ["dam", "dam-2"]
    assert [p.severity for p in problems] == ["warning"]


# --- the site: cross pages, what changed, the feed ------------------------------------


@pytest.fixture
def basin_site(tmp_path):
    site = new_site(tmp_path / "site")
    write(site / "sources" / "2025-03-03-dam-talks.md", FIRST)
    assert invoke("build", "--site", site).exit_code == 0
    return site


def test_actor_timeline_and_sources_pages_link_back_to_the_brief(basin_site):
    output = basin_site / "docs" / "briefs"
    ardia = (output / "actors" / "ardia.md").read_text(encoding="utf-8")
    assert "](../vell-basin/vell-basin.md)" in ardia
    assert "](vell-basin/vell-basin.md)" in (output / "timeline.md").read_text(encoding="utf-8")
    assert "Dam talks open in Lakeport" in (output / "sources.md").read_text(encoding="utf-8")


def test_a_new_source_shows_what_it_added_and_a_rebuild_changes_nothing(basin_site):
    output = basin_site / "docs" / "briefs"
    assert "New since the previous build" not in brief_pages(output)["vell-basin/vell-basin.md"]
    write(basin_site / "sources" / "2025-03-20-commission.md", SECOND)

    assert invoke("build", "--site", basin_site).exit_code == 0
    page = brief_pages(output)["vell-basin/vell-basin.md"]
    new = page.split("## New since the previous build", 1)[1].split("## Summary", 1)[0]
    assert "Source: Water commission agreed" in new
    assert "Dam talks open in Lakeport" not in new
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    state = (basin_site / "briefs-state.json").read_bytes()

    assert invoke("build", "--site", basin_site).exit_code == 0
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    assert (basin_site / "briefs-state.json").read_bytes() == state


def test_the_feed_is_valid_atom_with_an_entry_per_brief(basin_site):
    parsed = feedparser.parse((basin_site / "docs" / "briefs" / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    assert "Dam talks open in Lakeport" in [e.title for e in parsed.entries]  # beside the example article
    assert re.match(r"https?://", parsed.entries[0].link)
