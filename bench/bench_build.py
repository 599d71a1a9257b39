#!/usr/bin/env python3
"""Scale benchmark: build sites of N synthetic articles and measure them.

    python bench/bench_build.py [--sizes 100 1000 10000] [--runs N] [--workers N] [--keep DIR]

For each size N this script

1. generates a deterministic synthetic corpus of N articles (its own
   vocabulary and generator: 500-800 words each, 20 regions, recurring
   actors with alias variants, relative and absolute dates, durations,
   uncertainty cues, paragraphs repeated as scrapers do; mostly .md with front
   matter, some .txt and a few .html in region folders);
2. creates a site with ``briefs new``, replaces its example article by the
   corpus, and measures a cold ``briefs build`` (per-stage seconds from
   ``BuildReport.seconds``, wall time, peak memory), ``mkdocs build``, the
   generated site (pages, HTML size, search index), and a warm ``briefs
   build`` after one article changed;
3. prints a table per N, growth ratios between consecutive sizes, the
   extraction throughput on 1 and 2 workers, and PASS/FAIL against the
   targets of the scale issue.

Every build runs in a child process (this script with ``--child``) so that
wall time includes start-up and exit, as the `briefs` command makes them, and
peak memory is that of the build alone.
Peak memory is the larger of (a) the summed proportional set size (PSS, or
RSS where PSS is unavailable) of the child and all its descendants (the
extraction workers), sampled every 50 ms from /proc, and (b) the largest
single process's ``ru_maxrss`` from ``wait4``.

Only the standard library and the project's own dependencies are used; no
files outside this repository are read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
SEED = 20240612

# Defaults of the builder's layout; read from the builder where it exposes them.
CACHE_FOLDER = ".briefs-cache"
STATE_FILE = "briefs-state.json"

# Targets of issue 6 (2-core machine).
TARGET_1K_E2E = 30.0          # s, 1,000 articles cold, briefs build + mkdocs build
TARGET_1K_SHARE = 25.0        # %, builder share of that
TARGET_WARM = 3.0             # s, briefs build after one article changed (1,000 articles)
TARGET_10K_E2E = 360.0        # s, 10,000 articles cold end to end
TARGET_10K_MEM = 2048.0       # MB, peak memory at 10,000
TARGET_PAGE_DRIFT = 20.0      # %, average HTML page size at 10k vs 1k
TARGET_WORDS_PER_CORE = 50_000.0
TARGET_TWO_CORE_RATIO = 1.7


# =============================================================================
# Synthetic corpus
# =============================================================================
# Every name below is invented for this benchmark except the states and their
# demonyms, which are real so that the builder's gazetteer recognises them.

REGIONS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    # region, ((state, demonym, capital), ...)   Names survive slug -> .title().
    ("Sahel", (("Mali", "Malian", "Bamako"), ("Niger", "Nigerien", "Niamey"),
               ("Burkina Faso", "Burkinabe", "Ouagadougou"), ("Chad", "Chadian", "N'Djamena"))),
    ("Great Lakes", (("Rwanda", "Rwandan", "Kigali"), ("Burundi", "Burundian", "Gitega"),
                     ("Uganda", "Ugandan", "Kampala"), ("Tanzania", "Tanzanian", "Dodoma"))),
    ("South Caucasus", (("Armenia", "Armenian", "Yerevan"), ("Azerbaijan", "Azerbaijani", "Baku"),
                        ("Georgia", "Georgian", "Tbilisi"))),
    ("Western Balkans", (("Serbia", "Serbian", "Belgrade"), ("Albania", "Albanian", "Tirana"),
                         ("Montenegro", "Montenegrin", "Podgorica"), ("Croatia", "Croatian", "Zagreb"))),
    ("Levant", (("Lebanon", "Lebanese", "Beirut"), ("Jordan", "Jordanian", "Amman"),
                ("Israel", "Israeli", "Jerusalem"))),
    ("Gulf", (("Qatar", "Qatari", "Doha"), ("Oman", "Omani", "Muscat"), ("Kuwait", "Kuwaiti", "Kuwait City"),
              ("Bahrain", "Bahraini", "Manama"))),
    ("Central Asia", (("Kazakhstan", "Kazakh", "Astana"), ("Uzbekistan", "Uzbek", "Tashkent"),
                      ("Kyrgyzstan", "Kyrgyz", "Bishkek"), ("Tajikistan", "Tajik", "Dushanbe"))),
    ("Andes", (("Peru", "Peruvian", "Lima"), ("Bolivia", "Bolivian", "La Paz"), ("Ecuador", "Ecuadorian", "Quito"),
               ("Colombia", "Colombian", "Bogota"))),
    ("Caribbean", (("Haiti", "Haitian", "Port-au-Prince"), ("Cuba", "Cuban", "Havana"),
                   ("Jamaica", "Jamaican", "Kingston"), ("Bahamas", "Bahamian", "Nassau"))),
    ("Baltic", (("Estonia", "Estonian", "Tallinn"), ("Latvia", "Latvian", "Riga"),
                ("Lithuania", "Lithuanian", "Vilnius"))),
    ("Mekong", (("Cambodia", "Cambodian", "Phnom Penh"), ("Laos", "Laotian", "Vientiane"),
                ("Vietnam", "Vietnamese", "Hanoi"), ("Thailand", "Thai", "Bangkok"))),
    ("Maghreb", (("Morocco", "Moroccan", "Rabat"), ("Algeria", "Algerian", "Algiers"),
                 ("Tunisia", "Tunisian", "Tunis"), ("Libya", "Libyan", "Tripoli"))),
    ("Southern Africa", (("Mozambique", "Mozambican", "Maputo"), ("Zimbabwe", "Zimbabwean", "Harare"),
                         ("Zambia", "Zambian", "Lusaka"), ("Malawi", "Malawian", "Lilongwe"))),
    ("Black Sea", (("Romania", "Romanian", "Bucharest"), ("Bulgaria", "Bulgarian", "Sofia"),
                   ("Moldova", "Moldovan", "Chisinau"), ("Turkey", "Turkish", "Ankara"))),
    ("Himalaya", (("Nepal", "Nepali", "Kathmandu"), ("Bhutan", "Bhutanese", "Thimphu"),
                  ("India", "Indian", "New Delhi"))),
    ("Pacific Islands", (("Fiji", "Fijian", "Suva"), ("Samoa", "Samoan", "Apia"), ("Tonga", "Tongan", "Nuku'alofa"))),
    ("Amazon Basin", (("Brazil", "Brazilian", "Brasilia"), ("Venezuela", "Venezuelan", "Caracas"),
                      ("Guyana", "Guyanese", "Georgetown"), ("Suriname", "Surinamese", "Paramaribo"))),
    ("Nile Basin", (("Egypt", "Egyptian", "Cairo"), ("Sudan", "Sudanese", "Khartoum"),
                    ("Ethiopia", "Ethiopian", "Addis Ababa"))),
    ("Central America", (("Guatemala", "Guatemalan", "Guatemala City"), ("Honduras", "Honduran", "Tegucigalpa"),
                         ("Nicaragua", "Nicaraguan", "Managua"), ("Panama", "Panamanian", "Panama City"))),
    ("East Africa", (("Kenya", "Kenyan", "Nairobi"), ("Somalia", "Somali", "Mogadishu"),
                     ("Djibouti", "Djiboutian", "Djibouti City"))),
)

# topic: (tag, issue phrases, short issue for titles, agreement names)
TOPICS: dict[str, tuple[str, tuple[str, ...], str, tuple[str, ...]]] = {
    "Water Rights": ("water", ("water quotas on the {river}", "the new dam on the {river}", "irrigation rights",
                               "the sharing of river water"), "water quotas",
                     ("the {river} water-sharing accord", "the interim water protocol")),
    "Border Talks": ("border", ("the demarcation of the border", "the disputed border crossings",
                                "customs checks at the frontier"), "border demarcation",
                     ("the border framework agreement", "the joint commission protocol")),
    "Ceasefire Monitoring": ("ceasefire", ("violations of the ceasefire", "the withdrawal of heavy weapons",
                                           "the monitoring mission's access"), "the ceasefire",
                             ("the ceasefire agreement", "the truce signed at {town}")),
    "Elections": ("elections", ("the timetable for the elections", "the voter register", "the electoral law"),
                  "the election timetable", ("the electoral code", "the transition charter")),
    "Energy Deals": ("energy", ("gas exports", "the cross-border power line", "fuel subsidies"), "gas exports",
                     ("the gas supply contract", "the power-sharing memorandum")),
    "Displacement": ("displacement", ("the return of displaced families", "conditions in the camps near {town}",
                                      "aid deliveries to displaced people"), "displacement",
                     ("the returns framework", "the humanitarian access plan")),
    "Mining Concessions": ("mining", ("the lithium concessions", "royalties from the gold mines",
                                      "the review of mining licences"), "mining licences",
                           ("the revised mining code", "the concession agreement")),
    "Port Access": ("ports", ("access to the port of {town}", "shipping fees", "the new container terminal"),
                    "port access", ("the port lease", "the transit agreement")),
    "Sanctions": ("sanctions", ("the sanctions on senior officials", "the asset freezes",
                                "exemptions for food imports"), "sanctions", ("the sanctions package",
                                                                            "the waiver regime")),
    "Drought Response": ("drought", ("the failed harvest", "grain reserves", "livestock losses in the north"),
                         "the drought", ("the emergency food plan", "the drought appeal")),
    "Prisoner Exchange": ("prisoners", ("the release of detainees", "the list of prisoners",
                                        "access for the families of detainees"), "prisoner releases",
                          ("the exchange deal", "the detainee protocol")),
}

FIRST_NAMES = ("Amara", "Bilal", "Carmen", "Dario", "Elif", "Farida", "Goran", "Hana", "Idris", "Jana", "Kofi",
               "Lina", "Marek", "Nadia", "Omar", "Petra", "Quentin", "Rosa", "Samir", "Tamara", "Ugo", "Vera",
               "Wale", "Ximena", "Yusuf", "Zora", "Anouk", "Bruno", "Chidi", "Dalia", "Emil", "Fatou", "Hugo",
               "Ilse", "Karim", "Leila", "Mateo", "Noor", "Oksana", "Pavel")
SURNAME_HEADS = ("Al", "Bar", "Cor", "Dav", "Est", "Fen", "Gal", "Har", "Ist", "Jar", "Kel", "Lor", "Mar", "Nor",
                 "Ost", "Per", "Ras", "Sol", "Tar", "Val")
SURNAME_TAILS = ("ani", "ovic", "enko", "ando", "ez", "ali", "sson", "ura", "eni", "oglu", "aro", "etti", "ski",
                 "anu")
TOWN_HEADS = ("Kar", "Mes", "Tul", "Ben", "Sar", "Dor", "Am", "Zel", "Quar", "Ril", "Vos", "Hal", "Nim", "Orv")
TOWN_TAILS = ("abad", "ford", "ville", "mara", "ton", "grad", "port", "ana", "ek", "isa", "dale", "umi")
RIVER_NAMES = ("Varun", "Osle", "Tamba", "Kedri", "Moravel", "Sanu", "Ilka", "Beruth", "Dovra", "Ombe")
TITLES = (("Foreign Minister", "foreign minister of {state}"), ("Defence Minister", "defence minister of {state}"),
          ("President", "president of {state}"), ("Prime Minister", "prime minister of {state}"),
          ("Opposition leader", "leader of the opposition in {state}"), ("Envoy", "envoy of the {org}"),
          ("General", "army commander in {state}"), ("Governor", "governor of {town} province"),
          ("Spokesperson", "spokesperson for the {org}"), ("Commissioner", "commissioner at the {org}"))
ORG_PATTERNS = ("{region} Security Council", "{region} Water Commission", "{region} Development Bank",
                "Council for {region} Cooperation", "{region} Monitoring Mission")
GLOBAL_ORGS = ("International Monitoring Group", "Humanitarian Access Forum", "Global Grain Initiative",
               "Organisation for Maritime Safety", "International Committee for Missing Persons")
ARMED_PATTERNS = ("{town} Liberation Front", "Movement for the Defence of {town}", "{demonym} Patriotic Army")
MINISTRIES = (("Defence", "defence"), ("Foreign Affairs", "foreign"), ("Energy", "energy"),
              ("Interior", "interior"), ("Finance", "finance"))
THINK_TANKS = ("Meridian Institute for Security Studies", "Northgate Policy Centre", "Halvard Foundation",
               "Institute for Regional Affairs")
OUTLETS = ("Example Wire", "Regional Dispatch", "The Morning Ledger", "Frontier Monitor", "Atlas News Service",
           "Harbour Gazette", "Daily Compass")
EXTRA_TAGS = ("security", "diplomacy", "humanitarian", "economy", "governance", "energy", "migration")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve")
QUOTES = ("We came to listen, not to impose", "Nobody should mistake patience for weakness",
          "The families have waited long enough", "Every day without an agreement costs lives",
          "We will not sign anything that ignores the people of the border", "This is a first step, not the last",
          "The numbers speak for themselves", "Our door remains open")
BOILERPLATE = ("Advertisement", "Read more: Regional roundup of the week", "Sign up for our daily briefing",
               "Share this article", "Related stories: Talks, troops and trade", "Photo: Regional Dispatch archive",
               "Reporting by the regional desk")
FIRST_DATE = dt.date(2021, 1, 4)
LAST_DATE = dt.date(2025, 6, 27)


def _acronym(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w[0].isupper())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(slots=True, frozen=True)
class Person:
    first: str
    last: str
    title: str       # prefix title, "Foreign Minister"
    role: str        # "foreign minister of Mali"


@dataclass(slots=True, frozen=True)
class Org:
    name: str
    acronym: str
    noun: str        # "the commission"


@dataclass(slots=True)
class Region:
    name: str
    slug: str
    states: tuple[tuple[str, str, str], ...]
    persons: list[Person]
    orgs: list[Org]
    groups: list[Org]
    towns: list[str]
    river: str
    topics: list[str]            # topics of this region's articles
    brief_topics: list[str]      # of them, the ones that get a `brief:` of their own
    background: list[str]        # paragraphs that agencies reuse verbatim across articles


def build_world(seed: int) -> list[Region]:
    """The fixed cast of regions, states, people, organisations and places."""
    rng = random.Random(seed)
    surnames = [h + t for h in SURNAME_HEADS for t in SURNAME_TAILS]
    rng.shuffle(surnames)
    towns = [h + t for h in TOWN_HEADS for t in TOWN_TAILS]
    rng.shuffle(towns)
    topic_names = sorted(TOPICS)
    regions = []
    for index, (name, states) in enumerate(REGIONS):
        region_towns = [towns.pop() for _ in range(5)]
        orgs = []
        for pattern in rng.sample(ORG_PATTERNS, 2):
            org_name = pattern.format(region=name)
            orgs.append(Org(org_name, _acronym(org_name), "the " + org_name.split()[-1].lower()
                            if not org_name.startswith("Council") else "the council"))
        groups = []
        for pattern in rng.sample(ARMED_PATTERNS, 2):
            group_name = pattern.format(town=rng.choice(region_towns), demonym=rng.choice(states)[1])
            groups.append(Org(group_name, _acronym(group_name), "the group"))
        persons = []
        for _ in range(7):
            title, role = rng.choice(TITLES)
            state = rng.choice(states)[0]
            persons.append(Person(rng.choice(FIRST_NAMES), surnames.pop(), title,
                                  role.format(state=state, org=orgs[0].name, town=rng.choice(region_towns))))
        topics = rng.sample(topic_names, 3)
        brief_topics = topics[:rng.choice((0, 1, 1, 2))]
        river = RIVER_NAMES[index % len(RIVER_NAMES)]
        (s1, d1, c1), (s2, d2, c2) = states[0], states[1]
        year = 2008 + rng.randrange(12)
        background = [
            f"{s1} and {s2} have disputed control of the {river} valley since {year}, when a survey of the border "
            f"was abandoned. The {orgs[0].name} ({orgs[0].acronym}) was created {rng.choice(NUMBER_WORDS)} years later "
            f"to keep the two governments talking, and it has met in {c1} and {c2} in turn ever since.",
            f"{groups[0].name} has fought {d1} forces in the hills around {region_towns[0]} for more than a decade. "
            f"Its leaders say they defend the interests of farmers in the valley; the government in {c1} calls "
            f"them a criminal network.",
            f"{region_towns[1]} lies on the main road between {c1} and the border with {s2}. About "
            f"{rng.randrange(20, 90)},000 people lived there before the fighting of {year + 5}.",
        ]
        regions.append(Region(name, _slug(name), states, persons, orgs, groups, region_towns, river, topics,
                              brief_topics, background))
    return regions


class _Story:
    """The cast and dates of one article; mentions remember what was said first."""

    __slots__ = ("rng", "region", "published", "persons", "orgs", "group", "states", "topic", "issues",
                 "agreements", "mentioned", "ministry", "deck")

    def __init__(self, rng: random.Random, region: Region, published: dt.date, topic: str):
        self.rng = rng
        self.region = region
        self.published = published
        # Zipf-like: the first people of a region recur in most of its articles.
        weights = [1 / (k + 1) for k in range(len(region.persons))]
        self.persons = list(dict.fromkeys(rng.choices(region.persons, weights, k=3)))
        self.orgs = [rng.choice(region.orgs)] + ([Org(o, _acronym(o), "the " + o.split()[-1].lower())
                                                  for o in [rng.choice(GLOBAL_ORGS)]] if rng.random() < 0.4 else [])
        self.group = rng.choice(region.groups)
        self.states = rng.sample(region.states, 2)
        self.topic = topic
        tag, issues, _, agreements = TOPICS[topic]
        town = rng.choice(region.towns)
        self.issues = [i.format(river=region.river, town=town) for i in issues]
        self.agreements = [a.format(river=region.river, town=town) for a in agreements]
        self.ministry = rng.choice(MINISTRIES)
        self.mentioned: set[str] = set()
        self.deck: list[int] = []

    def sentence(self) -> str:
        """The next sentence: templates dealt like cards, so an article repeats one only after using all."""
        if not self.deck:
            self.deck = list(range(len(SENTENCES)))
            self.rng.shuffle(self.deck)
        return SENTENCES[self.deck.pop()](self)

    # --- actors, with alias variants -------------------------------------
    def person(self) -> str:
        p = self.rng.choice(self.persons)
        key = p.first + p.last
        if key not in self.mentioned:
            self.mentioned.add(key)
            return f"{p.title} {p.first} {p.last}" if self.rng.random() < 0.6 else f"{p.first} {p.last}, the {p.role},"
        return p.last

    def org(self) -> str:
        o = self.rng.choice(self.orgs)
        if o.name not in self.mentioned:
            self.mentioned.add(o.name)
            return f"the {o.name} ({o.acronym})"
        return self.rng.choice((f"the {o.acronym}", f"the {o.acronym}", o.noun))

    def armed(self) -> str:
        g = self.group
        if g.name not in self.mentioned:
            self.mentioned.add(g.name)
            return f"the {g.name} ({g.acronym})"
        return self.rng.choice((f"the {g.acronym}", "the group", f"{g.acronym} fighters"))

    def ministry_of(self) -> str:
        state = self.states[0][0]
        full, short = self.ministry
        key = "ministry" + full
        if key not in self.mentioned:
            self.mentioned.add(key)
            return f"the Ministry of {full} of {state}"
        return self.rng.choice((f"{state}'s {short} ministry", f"the {short} ministry"))

    def state(self, which: int = 0) -> str:
        return self.states[which][0]

    def demonym(self, which: int = 0) -> str:
        return self.states[which][1]

    def capital(self, which: int = 0) -> str:
        return self.states[which][2]

    def town(self) -> str:
        return self.rng.choice(self.region.towns)

    def issue(self) -> str:
        return self.rng.choice(self.issues)

    def agreement(self) -> str:
        return self.rng.choice(self.agreements)

    # --- dates and durations ---------------------------------------------
    def _day(self, lo: int, hi: int) -> dt.date:
        return self.published + dt.timedelta(days=self.rng.randint(lo, hi))

    def _absolute(self, day: dt.date) -> str:
        if self.rng.random() < 0.7:
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"

    def past(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return "on " + self.rng.choice(WEEKDAYS)
        if r < 0.55:
            return self.rng.choice(("last week", "last month", "yesterday", "earlier this month", "two days ago",
                                    "earlier this year", "at the weekend"))
        if r < 0.7:
            day = self._day(-150, -20)
            return f"in {MONTHS[day.month - 1]}"
        return "on " + self._absolute(self._day(-120, -1))

    def future(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return "on " + self.rng.choice(WEEKDAYS)
        if r < 0.6:
            return self.rng.choice(("next week", "next month", "later this year", "by the end of the month",
                                    "within days", "in the coming weeks"))
        if r < 0.75:
            day = self._day(20, 150)
            return f"in {MONTHS[day.month - 1]}"
        return "on " + self._absolute(self._day(1, 120))

    def month_year(self) -> str:
        day = self._day(-700, -60)
        return f"{MONTHS[day.month - 1]} {day.year}"

    def duration(self) -> str:
        n = self.rng.choice(NUMBER_WORDS)
        return self.rng.choice((f"{n} weeks", f"{self.rng.randrange(20, 121)} days", f"{n} months", "48 hours",
                                f"{n} days", "a year"))

    def year(self) -> int:
        return self.published.year - self.rng.randrange(2, 15)


def _cap(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


# Each template is one sentence; together they cover events, quotes, expected
# and unresolved points, background and durations.
SENTENCES: tuple[Callable[[_Story], str], ...] = (
    lambda s: f"{s.person()} met {s.person()} in {s.capital(1)} {s.past()} to discuss {s.issue()}.",
    lambda s: f"{s.demonym()} and {s.demonym(1)} officials signed {s.agreement()} in {s.town()} {s.past()}.",
    lambda s: f"Talks between {s.state()} and {s.state(1)} resumed {s.past()} after a pause of {s.duration()}.",
    lambda s: f"{_cap(s.org())} said {s.past()} that {s.rng.randrange(2, 60)},000 people had fled {s.town()} since "
              f"{s.month_year()}.",
    lambda s: f"{s.demonym()} troops withdrew from positions near {s.town()} {s.past()}, according to {s.org()}.",
    lambda s: f"{_cap(s.armed())} claimed responsibility for an attack on a supply convoy near {s.town()} {s.past()}.",
    lambda s: f"{_cap(s.ministry_of())} said in a statement {s.past()} that it had reinforced the border with "
              f"{s.state(1)}.",
    lambda s: f"{s.person()} told reporters in {s.capital()} that {s.state()} would honour {s.agreement()}.",
    lambda s: f"\u201c{s.rng.choice(QUOTES)},\u201d {s.person()} said {s.past()}.",
    lambda s: f"{_cap(s.agreement())} was signed on {s._absolute(s._day(-400, -30))} and has held for "
              f"{s.duration()}.",
    lambda s: f"{_cap(s.ministry_of())} has not yet responded to requests for comment.",
    lambda s: f"{s.person()} is expected to travel to {s.capital(1)} {s.future()} for talks on {s.issue()}.",
    lambda s: f"It remains unclear whether {s.armed()} will accept the terms of {s.agreement()}.",
    lambda s: f"A second round of talks is due to take place in {s.town()} {s.future()}.",
    lambda s: f"{s.state(1)} has not yet confirmed whether it will send observers to {s.town()}.",
    lambda s: f"{_cap(s.org())} is set to publish its report on {s.issue()} {s.future()}.",
    lambda s: f"{s.demonym(1)} officials warned that the deal could collapse without progress on {s.issue()} "
              f"{s.future()}.",
    lambda s: f"{s.person()} plans to propose a new timetable for {s.issue()} {s.future()}.",
    lambda s: f"Opposition parties in {s.state()} have disputed the figures published by {s.ministry_of()}.",
    lambda s: f"A parliamentary vote on {s.issue()} is scheduled for {s._absolute(s._day(5, 90))}.",
    lambda s: f"{s.state()} and {s.state(1)} have argued over {s.issue()} since {s.year()}.",
    lambda s: f"{_cap(s.org())} was founded in {s.year()} to coordinate relief work across the region.",
    lambda s: f"The ceasefire agreed {s.past()} is meant to last {s.duration()}, but both sides report breaches.",
    lambda s: f"Inspectors will spend {s.duration()} in {s.town()} before reporting to {s.org()}.",
    lambda s: f"Prices for fuel and bread in {s.town()} have risen by {s.rng.randrange(8, 70)} percent since "
              f"{s.month_year()}.",
    lambda s: f"Aid convoys reached {s.town()} {s.past()} after waiting {s.duration()} at the crossing.",
    lambda s: f"{s.person()} described the meeting as constructive but said gaps remained on {s.issue()}.",
    lambda s: f"Analysts at the {s.rng.choice(THINK_TANKS)} said the agreement reflected {s.demonym()} concerns "
              f"over {s.issue()}.",
    lambda s: f"{_cap(s.armed())} has not commented on the reports of fighting near {s.town()}.",
    lambda s: f"Residents of {s.town()} said power had been cut for {s.duration()} and that water was running low.",
    lambda s: f"{s.person()} said the government would decide on {s.issue()} {s.future()}, although no date "
              f"has been set.",
    lambda s: f"The {s.demonym()} parliament approved a budget of {s.rng.randrange(2, 90)} million dollars for "
              f"reconstruction {s.past()}.",
)


@dataclass(slots=True)
class Generated:
    path: str        # relative to sources/
    text: str
    words: int       # words of the article body as written


def _title(s: _Story) -> str:
    short = TOPICS[s.topic][2]
    p = s.persons[0]
    o = s.orgs[0]
    options = (
        f"{s.demonym()} and {s.demonym(1)} officials resume talks on {short}",
        f"{o.acronym} warns of new displacement near {s.region.towns[0]}",
        f"{p.first} {p.last} to visit {s.capital(1)} as {short} talks stall",
        f"Clashes near {s.region.towns[1]} test {s.agreements[0]}",
        f"{s.state()} reinforces border with {s.state(1)} amid dispute over {short}",
        f"{s.group.name} rejects call to disarm",
        f"Donors pledge aid for {s.region.name} as {short} crisis deepens",
    )
    return _cap(s.rng.choice(options))


def _body(s: _Story, target: int) -> tuple[list[str], int]:
    """Paragraphs of 2-4 sentences until ``target`` words; some as scrapers leave them."""
    rng = s.rng
    paragraphs: list[str] = []
    words = 0
    reuse_background = rng.random() < 0.3
    while words < target:
        if reuse_background and len(paragraphs) == 3:
            paragraph = rng.choice(s.region.background)       # reused verbatim across articles
        else:
            sentences = [s.sentence() for _ in range(rng.randint(2, 4))]
            paragraph = " ".join(sentences)
        count = len(paragraph.split())
        if words + count > 800:
            if words >= 500:
                break
            paragraph = " ".join(paragraph.split()[: 800 - words - 1]).rstrip(",;") + "."
            count = len(paragraph.split())
        paragraphs.append(paragraph)
        words += count
    # A scraper's repeat of an earlier paragraph, and a line of site furniture.
    if rng.random() < 0.25 and len(paragraphs) > 3:
        repeat = paragraphs[rng.randrange(1, len(paragraphs) - 1)]
        if words + len(repeat.split()) <= 800:
            paragraphs.insert(rng.randrange(len(paragraphs) // 2, len(paragraphs) + 1), repeat)
            words += len(repeat.split())
    if rng.random() < 0.2:
        line = rng.choice(BOILERPLATE)
        paragraphs.insert(rng.randrange(1, len(paragraphs)), line)
        words += len(line.split())
    return paragraphs, words


def _yaml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)     # a JSON string is a YAML double-quoted scalar


def generate_article(index: int, world: list[Region], seed: int = SEED) -> Generated:
    """Article ``index`` of the corpus: the same whatever the corpus size."""
    rng = random.Random(seed * 1_000_003 + index)
    region = rng.choices(world, [1 / (k + 1) ** 0.8 for k in range(len(world))])[0]
    published = FIRST_DATE + dt.timedelta(days=rng.randrange((LAST_DATE - FIRST_DATE).days + 1))
    topic = rng.choice(region.topics)
    story = _Story(rng, region, published, topic)
    title = _title(story)
    paragraphs, words = _body(story, rng.randint(500, 760))
    stem = f"{published.isoformat()}-{_slug(title)[:48].rstrip('-')}-{index:05d}"
    outlet = rng.choice(OUTLETS)
    url = f"https://example.org/{region.slug}/{published:%Y/%m/%d}/{stem[11:]}"
    kind = rng.random()
    if kind < 0.80:
        tags = [TOPICS[topic][0], region.slug, *rng.sample(EXTRA_TAGS, rng.randint(0, 2))]
        lines = ["---", f"title: {_yaml(title)}", f"published: {published.isoformat()}", f"source: {_yaml(outlet)}",
                 f"url: {url}", f"region: {region.name}"]
        if topic in region.brief_topics and rng.random() < 0.6:
            lines.append(f"brief: {topic}")
        lines.append(f"tags: [{', '.join(dict.fromkeys(tags))}]")
        if rng.random() < 0.05:
            p = story.persons[0]
            lines += ["actors:", f"  - {{name: {p.first} {p.last}, kind: person, role: {_yaml(_cap(p.role))}, "
                                 f"aliases: [{p.last}]}}"]
        if rng.random() < 0.03:
            lines += ["questions:", f"  - {_yaml(f'Will {story.state()} accept {story.agreements[0]}?')}"]
        lines.append("---")
        text = "\n".join(lines) + "\n\n" + "\n\n".join(paragraphs) + "\n"
        return Generated(f"{region.slug}/{stem}.md", text, words)
    if kind < 0.96:
        head = []
        if rng.random() < 0.8:
            head.append(title)
        d = published
        head.append(rng.choice((d.isoformat(), f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
                                f"{d.day} {MONTHS[d.month - 1]} {d.year}")))
        text = "\n\n".join(head + paragraphs) + "\n"
        return Generated(f"{region.slug}/{stem}.txt", text, words)
    body = "\n".join(f"      <p>{html.escape(p)}</p>" for p in paragraphs)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{html.escape(title)} | {html.escape(outlet)}</title>
  <meta property="og:title" content="{html.escape(title)}">
  <meta property="og:site_name" content="{html.escape(outlet)}">
  <meta property="article:published_time" content="{published.isoformat()}T07:30:00Z">
  <link rel="canonical" href="{url}">
</head>
<body>
  <header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/{region.slug}">{region.name}</a>
    <a href="/opinion">Opinion</a> <a href="/subscribe">Subscribe</a></nav></header>
  <div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
  <main>
    <article>
      <h1>{html.escape(title)}</h1>
      <p class="byline">By the {html.escape(region.name)} desk &middot;
        <time datetime="{published.isoformat()}">{published.day} {MONTHS[published.month - 1]} {published.year}</time></p>
{body}
    </article>
  </main>
  <aside><h2>Most read</h2><ul><li><a href="/a">Markets close higher</a></li><li><a href="/b">Weather warning for the coast</a></li></ul></aside>
  <footer>&copy; {published.year} {html.escape(outlet)}. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body>
</html>
"""
    return Generated(f"{region.slug}/{stem}.html", page, words)


def write_corpus(sources: Path, count: int, seed: int = SEED) -> dict[str, int]:
    """Write ``count`` articles under ``sources``; return counts by format and total words."""
    world = build_world(seed)
    totals = {"words": 0, "md": 0, "txt": 0, "html": 0}
    made: set[Path] = set()
    for index in range(count):
        article = generate_article(index, world, seed)
        path = sources / article.path
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(article.text)
        totals["words"] += article.words
        totals[path.suffix[1:]] += 1
    return totals


# =============================================================================
# Children: one build, measured from outside
# =============================================================================

def _maxrss_mb(kilo_or_bytes: int) -> float:
    return kilo_or_bytes / (2**20 if sys.platform == "darwin" else 1024)


def _child_build(site: Path, workers: int | None, out: Path) -> int:
    sys.path.insert(0, str(REPO))
    import resource

    result: dict[str, Any] = {"ok": False}
    try:
        from builder import pipeline
        from builder.config import load_settings

        started = time.perf_counter()
        report = pipeline.build(load_settings(site), workers=workers)
        result["build_wall"] = time.perf_counter() - started
        result["seconds"] = dict(report.seconds)
        for name in ("sources", "articles", "extracted", "briefs", "pages_written", "pages_unchanged",
                     "pages_removed"):
            result[name] = getattr(report, name, None)
        problems = tuple(getattr(report, "problems", ()))
        result["errors"] = sum(getattr(p, "severity", "error") == "error" for p in problems)
        result["warnings"] = len(problems) - result["errors"]
        result["problem_samples"] = _samples([str(p) for p in problems])
        result["summary"] = report.summary() if hasattr(report, "summary") else ""
        result["ok"] = True
    except BaseException as error:  # noqa: BLE001 - reported to the parent
        result["error"] = f"{type(error).__name__}: {error}"
        result["traceback"] = traceback.format_exc(limit=8)
        problems = getattr(error, "problems", ())
        result["problem_samples"] = _samples([str(p) for p in problems])
    result["maxrss_self_mb"] = _maxrss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    result["maxrss_children_mb"] = _maxrss_mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    out.write_text(json.dumps(result), encoding="utf-8")
    return 0 if result["ok"] else 1


def _child_mkdocs(site: Path, out: Path) -> int:
    """``mkdocs build`` through MkDocs' own command line, timing the briefs
    plugin's builder pass (which runs again inside it) on the side."""
    sys.path.insert(0, str(REPO))
    result: dict[str, Any] = {"plugin_build_wall": None}
    try:
        from builder import pipeline

        original = pipeline.build

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                result["plugin_build_wall"] = (result["plugin_build_wall"] or 0.0) + time.perf_counter() - started
        pipeline.build = timed
    except Exception:  # noqa: BLE001 - the timing is optional
        pass
    from mkdocs.__main__ import cli

    os.chdir(site)
    code = 0
    try:
        cli.main(["build", "-f", str(site / "mkdocs.yml")], prog_name="mkdocs", standalone_mode=False)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException as error:  # noqa: BLE001
        result["error"] = f"{type(error).__name__}: {error}"
        code = 1
    out.write_text(json.dumps(result), encoding="utf-8")
    return code


def _samples(messages: list[str], limit: int = 6) -> list[str]:
    """A few distinct problems: one per message shape (numbers and paths blanked)."""
    seen: dict[str, str] = {}
    for message in messages:
        shape = re.sub(r"\d+", "#", re.sub(r"^\S+", "", message))[:120]
        seen.setdefault(shape, message)
    return [m[:300] for m in list(seen.values())[:limit]] + ([f"... {len(messages)} in all"] if messages else [])


# --- process-tree memory ----------------------------------------------------

def _tree(root: int) -> list[int]:
    """The process and its descendants: from each task's list of children, or
    (where the kernel keeps no such list) from every process's parent."""
    if not _CHILDREN_LISTED:
        return _tree_from_parents(root)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                    todo.extend(map(int, handle.read().split()))
        except OSError:  # gone meanwhile
            continue
        found.append(pid)
    return found or [root]


_CHILDREN_LISTED = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def _tree_from_parents(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return [root]
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def _memory_mb(pid: int) -> tuple[float, float]:
    """(PSS, RSS) of one process in MB; PSS falls back to RSS."""
    rss = pss = 0.0
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            rss = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0, 0.0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    pss = int(line.split()[1]) / 1024
                    break
    except (OSError, ValueError):
        pass
    return (pss or rss), rss


def _busy_seconds() -> float | None:
    """CPU-seconds all processes have spent so far, from /proc/stat (None off Linux)."""
    try:
        with open("/proc/stat", "rb") as handle:
            fields = handle.readline().split()[1:]
        user, nice, system, idle, iowait, irq, softirq = (int(f) for f in fields[:7])
        return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None


@dataclass
class Measured:
    code: int
    wall: float
    peak_mb: float            # max(sampled tree PSS, largest process maxrss)
    tree_pss_mb: float
    largest_rss_mb: float
    stdout: str
    stderr: str
    result: dict[str, Any] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # CPU time of the measured process tree
    others: float = float("nan")   # cores kept busy by other processes meanwhile (this script's sampling included)


def run_measured(command: list[str], cwd: Path, env: dict[str, str], result_file: Path | None = None,
                 interval: float = 0.2) -> Measured:
    """Run a command; its wall time and the peak memory of its process tree,
    sampled every ``interval`` s: reading a process's PSS walks its page tables
    (~5 ms a sample for a 1,000-article build's processes), and sampling 20
    times a second took a tenth of a core from the build it measured."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy_before = _busy_seconds()
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        tree_peak = 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            tree_peak = max(tree_peak, sum(_memory_mb(p)[0] for p in _tree(process.pid)))
            time.sleep(interval)
        wall = time.perf_counter() - started
        busy_after = _busy_seconds()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    largest = _maxrss_mb(usage.ru_maxrss)
    result = {}
    if result_file is not None and result_file.is_file():
        try:
            result = json.loads(result_file.read_text(encoding="utf-8"))
        except ValueError:
            pass
        result_file.unlink()
    cpu = usage.ru_utime + usage.ru_stime
    others = (max(0.0, busy_after - busy_before - cpu) / wall
              if busy_before is not None and busy_after is not None and wall > 0 else float("nan"))
    return Measured(process.returncode, wall, max(tree_peak, largest), tree_peak, largest, stdout, stderr, result,
                    cpu, others)


def _spin(count: int) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(count):
        total += i
    return time.perf_counter() - started


def cpu_speedup(count: int = 6_000_000) -> float:
    """How much faster two processes do two equal pure-Python loops than one
    process does one of them twice: the machine's own ceiling for 2 workers."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_spin, (1000, 1000)))                     # start the workers first
        serial = sum(_spin(count) for _ in range(2))
        started = time.perf_counter()
        list(pool.map(_spin, (count, count)))
        parallel = time.perf_counter() - started
    return serial / parallel if parallel else float("nan")


# =============================================================================
# One size
# =============================================================================

def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def _briefs_command() -> list[str]:
    beside = Path(sys.executable).parent / "briefs"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("briefs")
    return [found] if found else [sys.executable, "-m", "builder.cli"]


def _output_dir(site: Path) -> Path:
    try:
        sys.path.insert(0, str(REPO))
        from builder.config import load_settings

        return load_settings(site).output_path
    except Exception:  # noqa: BLE001 - the default layout
        return site / "docs" / "briefs"


SET_ASIDE = ".set-aside"  # beside the sites: what clean_build_state took away, deleted when the benchmark ends


def clean_build_state(site: Path) -> None:
    """What a cold build must not find: the cache, the generated pages, the
    state file. Moved aside, not deleted: on a filesystem without a journal
    (this machine's ext4) the kernel skips inodes freed in the last 30 s when it
    makes a file, so deleting the last run's thousand pages just before a build
    made that build's page writing scan past them all (median 0.26 s more
    rendering, 0.4 s more build for 1,000 articles): a cost of the benchmark's
    cleaning, not of a cold build."""
    aside = site.parent / SET_ASIDE
    aside.mkdir(exist_ok=True)
    for found in (site / CACHE_FOLDER, _output_dir(site), *(site / "docs").glob(".briefs-staging-*"), site / STATE_FILE):
        if found.exists():
            found.rename(aside / f"{time.monotonic_ns()}-{found.name}")


def new_site(site: Path, env: dict[str, str]) -> None:
    if site.exists():
        shutil.rmtree(site)
    done = subprocess.run([*_briefs_command(), "new", str(site)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"briefs new {site} failed ({done.returncode}):\n{done.stderr}")
    sources = site / "sources"
    shutil.rmtree(sources, ignore_errors=True)       # the example article
    sources.mkdir()


def child_build(site: Path, env: dict[str, str], workers: int | None, scratch: Path) -> Measured:
    result_file = scratch / f"build-{time.monotonic_ns()}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "build", "--site", str(site),
               "--out", str(result_file)] + (["--workers", str(workers)] if workers else [])
    measured = run_measured(command, site, env, result_file)
    if measured.code != 0 or not measured.result.get("ok"):
        detail = measured.result.get("traceback") or measured.result.get("error") or measured.stderr[-3000:]
        print(f"    !! briefs build failed (exit {measured.code}): {detail}", file=sys.stderr)
    return measured


def child_mkdocs(site: Path, env: dict[str, str], scratch: Path) -> Measured:
    result_file = scratch / f"mkdocs-{time.monotonic_ns()}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "mkdocs", "--site", str(site),
               "--out", str(result_file)]
    measured = run_measured(command, site, env, result_file)
    if measured.code != 0:
        print(f"    !! mkdocs build failed (exit {measured.code}):\n{measured.stderr[-3000:]}", file=sys.stderr)
    return measured


def site_stats(site: Path) -> dict[str, Any]:
    built = site / "site"
    pages = [p for p in built.rglob("*.html")] if built.is_dir() else []
    html_bytes = sum(p.stat().st_size for p in pages)
    index = built / "search" / "search_index.json"
    output = _output_dir(site)
    markdown = list(output.rglob("*.md")) if output.is_dir() else []
    return {
        "pages": len(pages),
        "index_pages": sum(p.name == "index.html" for p in pages),
        "html_mb": html_bytes / 2**20,
        "avg_page_kb": html_bytes / len(pages) / 1024 if pages else 0.0,
        "largest_page_kb": max((p.stat().st_size for p in pages), default=0) / 1024,
        "search_index_mb": index.stat().st_size / 2**20 if index.is_file() else 0.0,
        "markdown_pages": len(markdown),
        "markdown_mb": sum(p.stat().st_size for p in markdown) / 2**20,
    }


def _warnings(stderr: str) -> list[str]:
    lines = [line.strip() for line in stderr.splitlines() if re.match(r"\s*(WARNING|ERROR)\b", line)]
    return _samples(lines) if lines else []


def _median(values: list[float]) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def _stage_medians(runs: list[Measured]) -> dict[str, float]:
    stages: dict[str, list[float]] = {}
    for run in runs:
        for stage, seconds in run.result.get("seconds", {}).items():
            stages.setdefault(stage, []).append(seconds)
    return {stage: _median(values) for stage, values in stages.items()}


PER_ARTICLE = ("ingest", "normalize", "extract")


def _extraction_rates(run: Measured, words: int) -> tuple[float, float]:
    """(words per second of per-article stage time, i.e. per core; words per
    second of the extraction phase's wall time, i.e. what the machine did)."""
    seconds = run.result.get("seconds", {})
    per_core = sum(seconds.get(s, 0.0) for s in PER_ARTICLE)
    rest = sum(v for k, v in seconds.items() if k not in PER_ARTICLE)
    phase = run.result.get("build_wall", 0.0) - rest
    return (words / per_core if per_core else float("nan"), words / phase if phase > 0 else float("nan"))


def bench_size(n: int, args: argparse.Namespace, root: Path, scratch: Path, env: dict[str, str],
               throughput: bool) -> dict[str, Any]:
    runs = args.runs if n <= 1000 else 1
    site = root / str(n)
    log = lambda message: print(f"[{n}] {message}", file=sys.stderr, flush=True)  # noqa: E731
    new_site(site, env)
    started = time.perf_counter()
    corpus = write_corpus(site / "sources", n, args.seed)
    log(f"corpus: {n} articles ({corpus['md']} md, {corpus['txt']} txt, {corpus['html']} html), "
        f"{corpus['words']:,} words, generated in {time.perf_counter() - started:.1f}s")
    out: dict[str, Any] = {"n": n, "runs": runs, "corpus": corpus, "site": str(site)}

    cold = []
    for run in range(runs):
        clean_build_state(site)
        measured = child_build(site, env, args.workers, scratch)
        cold.append(measured)
        log(f"cold briefs build {run + 1}/{runs}: {measured.wall:.2f}s, peak {measured.peak_mb:.0f} MB"
            + ("" if measured.result.get("ok") else "  FAILED"))
    out["cold_ok"] = all(m.result.get("ok") for m in cold)
    out["stages"] = _stage_medians(cold)
    out["briefs_wall"] = _median([m.wall for m in cold])
    out["briefs_build_wall"] = _median([m.result.get("build_wall") for m in cold])
    out["briefs_peak_mb"] = max(m.peak_mb for m in cold)
    out["briefs_largest_rss_mb"] = max(m.largest_rss_mb for m in cold)
    out["briefs_cpu"] = _median([m.cpu_seconds for m in cold])
    last = cold[-1].result
    out["report"] = {k: last.get(k) for k in ("sources", "articles", "extracted", "briefs", "pages_written",
                                               "errors", "warnings")}
    out["problem_samples"] = last.get("problem_samples", [])
    out["summary"] = last.get("summary", "")
    out["build_stderr"] = _warnings(cold[-1].stderr)

    mk = []
    for run in range(runs):
        measured = child_mkdocs(site, env, scratch)
        mk.append(measured)
        log(f"mkdocs build {run + 1}/{runs}: {measured.wall:.2f}s, peak {measured.peak_mb:.0f} MB"
            + ("" if measured.code == 0 else "  FAILED"))
    out["mkdocs_ok"] = all(m.code == 0 for m in mk)
    out["mkdocs_wall"] = _median([m.wall for m in mk])
    out["mkdocs_peak_mb"] = max(m.peak_mb for m in mk)
    out["mkdocs_plugin_wall"] = _median([m.result.get("plugin_build_wall") for m in mk])
    out["mkdocs_warnings"] = _warnings(mk[-1].stderr)
    out.update(site_stats(site))

    warm = []
    articles = sorted((site / "sources").rglob("*.md"))
    for run in range(runs):
        with open(articles[0], "a", encoding="utf-8") as handle:
            handle.write(f"\nOfficials said on Tuesday that a further meeting was expected in the coming weeks "
                         f"(update {run + 1}).\n")
        measured = child_build(site, env, args.workers, scratch)
        warm.append(measured)
        log(f"warm briefs build {run + 1}/{runs} (one article changed): {measured.wall:.2f}s, "
            f"{measured.result.get('extracted')} extracted")
    out["warm_wall"] = _median([m.wall for m in warm])
    out["warm_build_wall"] = _median([m.result.get("build_wall") for m in warm])
    out["warm_extracted"] = max((m.result.get("extracted") or 0) for m in warm)
    out["warm_stages"] = _stage_medians(warm)
    out["warm_ok"] = all(m.result.get("ok") for m in warm)
    out["others"] = max((m.others for m in cold + mk + warm if m.others == m.others), default=float("nan"))

    if throughput:
        rates: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
        others = []
        machine = []
        for run in range(runs):
            machine.append(cpu_speedup())  # beside each pair of runs: the machine's own speed-up varies by the minute
            for workers in (1, 2):
                clean_build_state(site)
                measured = child_build(site, env, workers, scratch)
                rates[workers].append(_extraction_rates(measured, corpus["words"]))
                others.append(measured.others)
                log(f"throughput run {run + 1}/{runs}, {workers} worker(s): {measured.wall:.2f}s")
        out["throughput"] = {w: {"per_core": _median([r[0] for r in values]),
                                 "effective": _median([r[1] for r in values])} for w, values in rates.items()}
        out["throughput_others"] = max((o for o in others if o == o), default=float("nan"))
        out["cpu_speedup"] = _median(machine)
        log(f"machine: two processes run {out['cpu_speedup']:.2f}x as fast as one on a pure-Python loop "
            f"(median of {', '.join(f'{m:.2f}' for m in machine)})")
    return out


# =============================================================================
# Report
# =============================================================================

STAGES = ("ingest", "normalize", "extract", "assemble", "changes", "render", "write", "cache")


def _derived(r: dict[str, Any]) -> dict[str, float]:
    e2e = r["briefs_wall"] + r["mkdocs_wall"]
    plugin = r["mkdocs_plugin_wall"] if r["mkdocs_plugin_wall"] == r["mkdocs_plugin_wall"] else 0.0
    per_article = sum(r["stages"].get(s, 0.0) for s in PER_ARTICLE)
    return {
        "e2e": e2e,
        "share": 100 * (r["briefs_wall"] + plugin) / e2e if e2e else float("nan"),
        "share_cold_only": 100 * r["briefs_wall"] / e2e if e2e else float("nan"),
        "mkdocs_per_page_ms": 1000 * (r["mkdocs_wall"] - plugin) / r["pages"] if r["pages"] else float("nan"),
        "words_per_s": r["corpus"]["words"] / per_article if per_article else float("nan"),
        "peak_mb": max(r["briefs_peak_mb"], r["mkdocs_peak_mb"]),
    }


def _rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    d = _derived(r)
    c = r["corpus"]
    rows = [
        ("articles (md / txt / html)", f"{r['n']:,} ({c['md']} / {c['txt']} / {c['html']})"),
        ("words", f"{c['words']:,}"),
        ("cold runs (median of)", str(r["runs"])),
    ]
    rows += [(f"  {stage} s", f"{r['stages'].get(stage, float('nan')):.2f}") for stage in STAGES]
    extra = sorted(set(r["stages"]) - set(STAGES))
    rows += [(f"  {stage} s", f"{r['stages'][stage]:.2f}") for stage in extra]
    rows += [
        ("briefs build s (process; in build())", f"{r['briefs_wall']:.2f} ({r['briefs_build_wall']:.2f})"),
        ("mkdocs build s (builder pass inside)", f"{r['mkdocs_wall']:.2f} ({r['mkdocs_plugin_wall']:.2f})"),
        ("end to end s (briefs + mkdocs)", f"{d['e2e']:.2f}"),
        ("builder share % (cold only)", f"{d['share']:.1f} ({d['share_cold_only']:.1f})"),
        ("peak memory MB briefs / mkdocs", f"{r['briefs_peak_mb']:.0f} / {r['mkdocs_peak_mb']:.0f}"),
        ("HTML pages (index.html)", f"{r['pages']:,} ({r['index_pages']:,})"),
        ("Markdown pages generated", f"{r['markdown_pages']:,} ({r['markdown_mb']:.1f} MB)"),
        ("site HTML MB", f"{r['html_mb']:.1f}"),
        ("average / largest page KB", f"{r['avg_page_kb']:.1f} / {r['largest_page_kb']:.0f}"),
        ("search index MB", f"{r['search_index_mb']:.2f}"),
        ("mkdocs ms per page (without builder pass)", f"{d['mkdocs_per_page_ms']:.1f}"),
        ("warm rebuild s, 1 article changed", f"{r['warm_wall']:.2f} ({r['warm_extracted']} extracted)"),
        ("extraction words/s per core", f"{d['words_per_s']:,.0f}"),
        ("briefs: briefs / problems", f"{r['report'].get('briefs')} / {r['report'].get('errors')} errors, "
                                      f"{r['report'].get('warnings')} warnings"),
        ("other processes' load, cores (max)", f"{r['others']:.2f}"),
    ]
    if not (r["cold_ok"] and r["mkdocs_ok"] and r["warm_ok"]):
        rows.append(("FAILED", f"cold ok={r['cold_ok']} mkdocs ok={r['mkdocs_ok']} warm ok={r['warm_ok']}"))
    return rows


def _table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = lambda row: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                                 for i, (c, w) in enumerate(zip(row, widths)))
    return "\n".join([title, line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def print_size(r: dict[str, Any]) -> None:
    print()
    print(_table(f"== {r['n']:,} articles ==", ["metric", "value"], [list(row) for row in _rows(r)]))
    if r["problem_samples"]:
        print("builder problems (one per kind):")
        for sample in r["problem_samples"]:
            print(f"  {sample}")
    if r["mkdocs_warnings"]:
        print("mkdocs warnings/errors (one per kind):")
        for sample in r["mkdocs_warnings"]:
            print(f"  {sample}")
    sys.stdout.flush()


def _ratio(a: float, b: float) -> float:
    return b / a if a else float("nan")


def _stage_growth(a: dict[str, Any], b: dict[str, Any], stage: str) -> str:
    """A stage's time ratio between two sizes, and that over the size ratio;
    "-" where the smaller size spent too little in it to compare (under 0.05 s)."""
    before, after = a["stages"].get(stage, 0.0), b["stages"].get(stage, 0.0)
    if before < 0.05:
        return f"- ({before:.2f} s -> {after:.2f} s)"
    ratio = _ratio(before, after)
    return f"{ratio:.2f} (x{ratio / (b['n'] / a['n']):.2f})"


def print_summary(results: list[dict[str, Any]]) -> None:
    if len(results) > 1:
        header = ["metric", *[f"{r['n']:,}" for r in results]]
        first_rows = [_rows(r) for r in results]
        rows = [[name, *[rows[i][1] for rows in first_rows]] for i, (name, _) in enumerate(first_rows[0])
                if all(i < len(rows) and rows[i][0] == name for rows in first_rows)]
        print()
        print(_table("== all sizes ==", header, rows))
        growth = []
        for a, b in zip(results, results[1:]):
            da, db = _derived(a), _derived(b)
            size = b["n"] / a["n"]
            entry = [f"{a['n']:,} -> {b['n']:,}", f"{size:.1f}"]
            for key_a, key_b in ((a["briefs_wall"], b["briefs_wall"]), (a["mkdocs_wall"], b["mkdocs_wall"]),
                                 (da["e2e"], db["e2e"]), (a["warm_wall"], b["warm_wall"]),
                                 (a["pages"], b["pages"]), (a["avg_page_kb"], b["avg_page_kb"]),
                                 (da["mkdocs_per_page_ms"], db["mkdocs_per_page_ms"]),
                                 (a["search_index_mb"], b["search_index_mb"]), (da["peak_mb"], db["peak_mb"])):
                entry.append(f"{_ratio(key_a, key_b):.2f}")
            growth.append(entry)
        print()
        print(_table("== growth between consecutive sizes (ratio new / old; linear time = size ratio) ==",
                     ["sizes", "size", "briefs", "mkdocs", "end-to-end", "warm", "pages", "avg page",
                      "mkdocs/page", "search idx", "peak mem"], growth))
        stage_rows = []
        for stage in STAGES:
            stage_rows.append([stage, *[_stage_growth(a, b, stage) for a, b in zip(results, results[1:])]])
        print()
        print(_table("== stage growth: time ratio (time ratio / size ratio; > 1 is faster than linear growth) ==",
                     ["stage", *[f"{a['n']:,} -> {b['n']:,}" for a, b in zip(results, results[1:])]], stage_rows))

    with_throughput = [r for r in results if "throughput" in r]
    if with_throughput:
        r = with_throughput[-1]
        t = r["throughput"]
        one, two = t[1], t[2]
        print()
        print(_table(f"== extraction throughput, {r['n']:,} articles, cold, workers=1 vs workers=2 ==",
                     ["", "1 worker", "2 workers", "ratio"],
                     [["words/s per core (ingest+normalize+extract time)", f"{one['per_core']:,.0f}",
                       f"{two['per_core']:,.0f}", f"{_ratio(one['per_core'], two['per_core']):.2f}"],
                      ["words/s of the extraction phase (wall)", f"{one['effective']:,.0f}",
                       f"{two['effective']:,.0f}", f"{_ratio(one['effective'], two['effective']):.2f}"],
                      ["machine: pure-Python loop, 2 processes vs 1", "", "", f"{r['cpu_speedup']:.2f}"]]))
        if r["throughput_others"] > 0.2:
            print(f"note: other processes kept {r['throughput_others']:.2f} cores busy during these runs")
    busy = [r for r in results if r["others"] > 0.2]
    if busy:
        print()
        print("note: other processes were busy during the measurements ("
              + ", ".join(f"{r['n']:,}: up to {r['others']:.2f} cores" for r in busy)
              + "); times are inflated accordingly.")
    print()
    print(_table("== targets (issue 6) ==", ["target", "measured", "result"], targets(results)))


def targets(results: list[dict[str, Any]]) -> list[list[str]]:
    by_n = {r["n"]: r for r in results}
    rows = []

    def check(name: str, n: int | None, value: Callable[[], float] | None, limit: float, unit: str,
              higher: bool = False, beside: str = "") -> None:
        if value is None or (n is not None and n not in by_n):
            rows.append([name, f"n/a ({n:,} articles not run)" if n else "n/a", "n/a"])
            return
        measured = value()
        ok = measured >= limit if higher else measured <= limit
        rows.append([name, f"{measured:,.2f} {unit}{beside}", "PASS" if ok else "FAIL"])

    r1, r10 = by_n.get(1000), by_n.get(10000)
    check("1,000 cold end to end <= 30 s", 1000, r1 and (lambda: _derived(r1)["e2e"]), TARGET_1K_E2E, "s")
    check("1,000 builder share <= 25 %", 1000, r1 and (lambda: _derived(r1)["share"]), TARGET_1K_SHARE, "%")
    check("1,000, one changed article <= 3 s", 1000, r1 and (lambda: r1["warm_wall"]), TARGET_WARM, "s")
    check("10,000 cold end to end <= 6 min", 10000, r10 and (lambda: _derived(r10)["e2e"]), TARGET_10K_E2E, "s")
    check("10,000 peak memory <= 2 GB", 10000, r10 and (lambda: _derived(r10)["peak_mb"]), TARGET_10K_MEM, "MB")
    if r1 and r10:
        check("avg page at 10,000 within 20 % of 1,000", 10000,
              lambda: abs(100 * (r10["avg_page_kb"] / r1["avg_page_kb"] - 1)), TARGET_PAGE_DRIFT, "%")
    else:
        rows.append(["avg page at 10,000 within 20 % of 1,000", "n/a (needs 1,000 and 10,000)", "n/a"])
    with_throughput = [r for r in results if "throughput" in r]
    if with_throughput:
        t = with_throughput[-1]["throughput"]
        check(f"extraction >= 50,000 words/s per core ({with_throughput[-1]['n']:,})", None,
              lambda: t[1]["effective"], TARGET_WORDS_PER_CORE, "words/s", higher=True)
        # The target ("50,000 words/s per core, >= 1.7x that on two cores") read both ways: the rate
        # on two cores against 1.7 x 50,000, and the speed-up over one core, which also depends on how
        # much this machine speeds up on two processes at the time (printed beside it).
        check("extraction on two cores >= 1.7 x 50,000 words/s", None, lambda: t[2]["effective"],
              TARGET_TWO_CORE_RATIO * TARGET_WORDS_PER_CORE, "words/s", higher=True)
        check("two cores >= 1.7x one core", None, lambda: _ratio(t[1]["effective"], t[2]["effective"]),
              TARGET_TWO_CORE_RATIO, "x", higher=True,
              beside=f" (machine: {with_throughput[-1]['cpu_speedup']:.2f} x on a pure-Python loop)")
    else:
        rows.append(["extraction throughput", "n/a (no size <= 1,000 run)", "n/a"])
    return rows


# =============================================================================
# Command line
# =============================================================================

def _child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_build.py --child")
    parser.add_argument("what", choices=("build", "mkdocs"))
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args(argv)
    if args.what == "build":
        code = _child_build(args.site.resolve(), args.workers, args.out)
        from builder.cli import leave

        leave(code)  # exit as the `briefs` command does
    return _child_mkdocs(args.site.resolve(), args.out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000], metavar="N",
                        help="corpus sizes to build (default: 100 1000 10000)")
    parser.add_argument("--runs", type=int, default=3,
                        help="cold runs per size of at most 1,000 articles, the median is shown (default 3; "
                             "larger sizes run once)")
    parser.add_argument("--workers", type=int, default=None,
                        help="extraction processes for the builds (default: the builder's, one per core)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the sites in DIR/<N> (replaced if present) and keep them "
                             "(default: a temporary folder, removed)")
    parser.add_argument("--seed", type=int, default=SEED, help="corpus seed (default %(default)s)")
    parser.add_argument("--no-throughput", action="store_true",
                        help="skip the workers=1 vs workers=2 extraction measurement")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw results as JSON")
    parser.add_argument("--generate-only", type=Path, metavar="DIR",
                        help="only write the corpus of the first size into DIR (a sources/ folder) and exit")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes) or args.runs < 1 or (args.workers is not None and args.workers < 1):
        parser.error("sizes, --runs and --workers must be positive")
    if args.generate_only:
        started = time.perf_counter()
        totals = write_corpus(args.generate_only, args.sizes[0], args.seed)
        print(f"{args.sizes[0]} articles, {totals['words']:,} words ({totals['md']} md, {totals['txt']} txt, "
              f"{totals['html']} html) in {time.perf_counter() - started:.1f}s -> {args.generate_only}")
        return 0

    sizes = sorted(dict.fromkeys(args.sizes))
    small = [n for n in sizes if n <= 1000]
    throughput_at = None if args.no_throughput or not small else small[-1]
    env = _env()
    temporary = None
    if args.keep:
        root = args.keep.resolve()
        root.mkdir(parents=True, exist_ok=True)
    else:
        temporary = tempfile.mkdtemp(prefix="bench-build-")
        root = Path(temporary)
    scratch = Path(tempfile.mkdtemp(prefix="bench-results-"))
    print(f"bench_build: sizes {', '.join(map(str, sizes))}; runs {args.runs}; workers "
          f"{args.workers or f'builder default ({os.cpu_count()} cores)'}; sites in {root}", flush=True)
    results = []
    try:
        for n in sizes:
            result = bench_size(n, args, root, scratch, env, n == throughput_at)
            results.append(result)
            print_size(result)
        print_summary(results)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(root / SET_ASIDE, ignore_errors=True)
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    failed = [r["n"] for r in results if not (r["cold_ok"] and r["mkdocs_ok"] and r["warm_ok"])]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
