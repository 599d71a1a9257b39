"""Actors: one actor per entity, and nothing that is not an actor.

Each case is a short article of my own; the check is what a reader of the
brief sees in its actor list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from builder.pipeline import extract_json
from support import write


def actors(tmp_path: Path, body: str) -> list[dict]:
    source = write(tmp_path / "article.txt", "A headline for the test\n\n" + body + "\n")
    return extract_json(source, dt.date(2025, 4, 10))["actors"]


def holding(found: list[dict], name: str) -> list[dict]:
    """The actors that carry ``name`` as their name or an alias."""
    return [a for a in found if name == a["name"] or name in a["aliases"]]


def test_an_acronym_the_article_defines_folds_into_its_name(tmp_path):
    found = actors(tmp_path, "The grain contract went to the Northern Grain Board (NGB) on Monday. "
                             "NGB said deliveries would begin in May.")

    assert len(holding(found, "Northern Grain Board")) == 1
    assert holding(found, "Northern Grain Board") == holding(found, "NGB")


def test_an_acronym_defined_for_an_event_is_not_an_actor(tmp_path):
    found = actors(tmp_path, "Delegates gathered at the Regional Water Conference (RWC) in the capital. "
                             "The Danube Basin Authority opened the RWC with a speech.")

    assert not holding(found, "RWC")
    assert holding(found, "Danube Basin Authority")


def test_a_misspelt_name_folds_into_the_name(tmp_path):
    found = actors(tmp_path, "Velmark Industries cut 300 jobs. A Velmark spokesman said the cuts were final. "
                             "Critics said Vlemark had ignored the unions.")

    assert len([a for a in found if a["name"].startswith(("Velmark", "Vlemark"))]) == 1


def test_a_seat_of_government_speaks_for_its_state(tmp_path):
    found = actors(tmp_path, "The Kremlin said on Monday that talks with Ukraine would continue. "
                             "Russia has denied the reports.")

    assert len(holding(found, "Russia")) == 1
    assert "Kremlin" in holding(found, "Russia")[0]["aliases"]


def test_a_state_only_describing_a_company_is_not_an_actor(tmp_path):
    found = actors(tmp_path, "United States carmaker Harlow Motors recalled 40,000 vans. "
                             "Harlow Motors said no one was hurt.")

    assert holding(found, "Harlow Motors")
    assert not holding(found, "United States")


def test_a_first_name_folds_into_the_person_the_article_is_about(tmp_path):
    found = actors(tmp_path, "Mira Kovac founded the firm in 1990. Mira Kovac led it for two decades, "
                             "and Mira Kovac hired Mira Lenz as her deputy. Staff said Mira had built it from nothing.")

    assert len(holding(found, "Mira")) == 1
    assert holding(found, "Mira") == holding(found, "Mira Kovac")


def test_a_subsidiary_named_for_a_state_is_not_its_parent(tmp_path):
    found = actors(tmp_path, "The government gave Ardent Australia a grant for its plant. "
                             "Ardent said the grant would secure 300 jobs at Ardent Australia.")

    assert holding(found, "Ardent Australia") != holding(found, "Ardent")


def test_a_name_called_out_in_a_quotation_is_not_an_actor(tmp_path):
    found = actors(tmp_path, 'The minister wrote to the contractor, Kestrel Aviation, saying, "Well done, Old Friend. '
                             'Kestrel Aviation will get the next order too."')

    assert not holding(found, "Old Friend")
    assert holding(found, "Kestrel Aviation")


def test_products_and_things_counted_are_not_actors(tmp_path):
    found = actors(tmp_path, "Skyline Air ordered 12 new Corvane 550 Stratoliners on Monday. "
                             "The Stratoliner will enter service next year, a plan called \"Blue Horizon\".")

    assert holding(found, "Skyline Air")
    assert not holding(found, "Stratoliner") and not holding(found, "Stratoliners")
    assert not holding(found, "Blue Horizon")


def test_a_state_named_with_a_possessive_is_one_state(tmp_path):
    found = actors(tmp_path, "The People's Republic of China signed the deal. China will pay in yuan.")

    assert len(holding(found, "China")) == 1
    assert not holding(found, "Taiwan")


def test_a_name_beginning_with_an_article_keeps_it(tmp_path):
    found = actors(tmp_path, "The German weekly Der Spiegel reported the leak on Monday.")

    assert holding(found, "Der Spiegel")


def test_a_state_named_bare_after_its_airline_is_the_airline(tmp_path):
    found = actors(tmp_path, "Airbus won an order from Qatar Airways on Monday. Qatar Airways will take 60 jets. "
                             "Qatar has a previous order for two larger aircraft.")

    assert len(holding(found, "Qatar Airways")) == 1
    assert holding(found, "Qatar") == holding(found, "Qatar Airways")


def test_a_name_ending_in_s_after_a_number_is_still_an_actor(tmp_path):
    found = actors(tmp_path, "Troops killed 3 Hamas fighters near the border on Monday, the army said.")

    assert holding(found, "Hamas")


def test_names_titles_and_capitals_of_world_news(tmp_path):
    found = actors(tmp_path, "U.S. Secretary of State Kale Morden, speaking in Amman on Monday, urged restraint. "
                             "Washington said it was deeply concerned. UN Secretary-General Ban Ki-moon called for calm, "
                             "and the United Nations sent observers. Hezbollah, the Lebanese Shiite movement, "
                             "denied the report, and the Muslim Brotherhood stayed silent.")
    kinds = {a["name"]: a["kind"] for a in found}

    assert kinds.get("Kale Morden") == "person"
    assert "Secretary of State" in holding(found, "Kale Morden")[0]["role"]
    assert "Washington" in holding(found, "United States")[0]["aliases"]
    assert kinds.get("Ban Ki-moon") == "person"
    assert kinds.get("United Nations") == "organization"
    assert kinds.get("Muslim Brotherhood") == "organization"
    assert not holding(found, "Lebanese Shiite") and not holding(found, "Amman")


def test_a_wire_dateline_is_not_an_actor(tmp_path):
    found = actors(tmp_path, "NEW YORK (AP) — Shares rose on Wednesday after the Federal Reserve kept rates on hold.")

    assert not [a for a in found if a["name"] in ("YORK", "NEW YORK", "AP") or "AP" in a["aliases"]]
    assert [a["kind"] for a in holding(found, "Federal Reserve")] == ["organization"]


def test_leaders_long_names_and_their_parties(tmp_path):
    found = actors(tmp_path, "Hamas leader Khaled Meshaal met Qatar's emir, Sheikh Tamim bin Hamad Al Thani, on Thursday. "
                             "Turkish Prime Minister Recep Tayyip Erdogan's AK Party called for calm. "
                             "The Syrian Observatory for Human Rights, a monitoring group, counted 40 dead.")
    kinds = {a["name"]: a["kind"] for a in found}

    assert kinds.get("Hamas") == "organization"
    assert kinds.get("Tamim bin Hamad Al Thani") == "person"
    assert kinds.get("Recep Tayyip Erdogan") == "person"
    assert kinds.get("AK Party") == "organization"
    assert kinds.get("Syrian Observatory for Human Rights") == "organization"


def test_business_and_congress_wording(tmp_path):
    found = actors(tmp_path, "House Speaker John Boehner and Sen. John McCain, R-Ariz., called for hearings. "
                             "Lawmakers said Wall Street had changed. Standard & Poor's cut its outlook, and "
                             "Moody's Investors Service said a downgrade was possible. The United Kingdom's "
                             "Royal Air Force flew the jets.")
    kinds = {a["name"]: a["kind"] for a in found}

    assert kinds.get("John Boehner") == "person" and "Speaker" in holding(found, "John Boehner")[0]["role"]
    assert not [name for name in kinds if name.startswith(("R-Ariz", "Wall Street", "House Speaker"))]
    assert kinds.get("Moody's Investors Service") == "organization"
    assert [a for a in found if a["name"].startswith("Standard & Poor")]
    assert holding(found, "Royal Air Force") and not holding(found, "United Kingdom's Royal Air Force")


def test_groups_of_world_politics(tmp_path):
    found = actors(tmp_path, "The Kurdistan Workers' Party (PKK) declared a ceasefire on Thursday, and the PKK said "
                             "its fighters would withdraw. Officials said the Taliban and al-Qaeda were blamed. "
                             "Egyptian security forces arrested dozens.")

    assert holding(found, "PKK") == holding(found, "Kurdistan Workers' Party")
    assert holding(found, "Taliban") and holding(found, "al-Qaeda")
    assert "Egyptian security forces" in holding(found, "Egypt")[0]["aliases"]


def test_a_us_city_and_state_in_a_dateline_phrase_are_places(tmp_path):
    found = actors(tmp_path, "Mr. Grove said the Santa Clara, Calif., company would cut spending. "
                             "Texas Instruments Inc. reports next week, and California sued the agency. "
                             "Officials said Ohio had sued too.")
    names = [a["name"] for a in found]

    assert "Santa Clara" not in names and "Calif" not in names
    assert "Texas Instruments Inc." in names and "California" in names and "Ohio" in names
