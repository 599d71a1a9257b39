"""Word lists the extractors share: states and their demonyms (countryinfo),
titles, organisation and place keywords, and the site's actor registry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..model import Problem, SourceError


@dataclass(frozen=True, slots=True)
class State:
    name: str
    names: tuple[str, ...]      # the name and alternative spellings
    demonyms: tuple[str, ...]
    capital: str


# Common short forms countryinfo lacks, and demonyms of states it leaves out.
_EXTRA_NAMES = {"United States": ("U.S.", "U.S.A.", "America", "the States"), "United Kingdom": ("U.K.", "Britain"),
                "Turkey": ("Türkiye",), "Russia": ("Russian Federation",), "Czech Republic": ("Czechia",)}
_EXTRA_DEMONYMS = {"United States": ("U.S.", "US"), "United Kingdom": ("UK", "U.K."), "Palestine": ("Palestinian",),
                   "Netherlands": ("Dutch",), "South Korea": ("South Korean",), "North Korea": ("North Korean",)}


# Seats of government named for the government: "the Kremlin said".
SEATS = {"White House": "United States", "Pentagon": "United States", "Kremlin": "Russia",
         "Downing Street": "United Kingdom", "Elysee": "France", "Élysée": "France", "Elysee Palace": "France",
         "Élysée Palace": "France", "Zhongnanhai": "China", "Quai d'Orsay": "France"}


@lru_cache(maxsize=1)
def states() -> dict[str, State]:
    """Every state, keyed by each of its names and demonyms."""
    from countryinfo import all_countries

    table: dict[str, State] = {}
    # Shorter names first, so a shared demonym goes to the main state ("French" to France).
    for country in sorted(all_countries(), key=lambda c: (len(c.name()), c.name())):
        name = country.name()
        spellings = [s for s in country.alt_spellings() or () if _usable(s)]
        names = (name, *spellings, *_EXTRA_NAMES.get(name, ()))
        demonym = country.demonym() or ""
        demonyms = tuple(d for d in (demonym, *_EXTRA_DEMONYMS.get(name, ())) if d)
        capital = country.capital() or ""
        state = State(name, tuple(dict.fromkeys(names)), demonyms, capital if isinstance(capital, str) else "")
        for key in (*state.names, *demonyms):
            table.setdefault(key, state)
    return table


@lru_cache(maxsize=1)
def state_codes() -> frozenset[str]:
    """Upper-case short forms of states ("US", "UK"), as acronyms begin with them ("USAF")."""
    return frozenset(k.replace(".", "") for k in states() if k.replace(".", "").isupper() and len(k.replace(".", "")) <= 3)


def _usable(spelling: str) -> bool:
    """Alternative spellings in English letters, and no bare ISO codes but UK/US/USA."""
    return spelling.isascii() and (len(spelling) > 3 or spelling in ("UK", "US", "USA", "UAE"))


@lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    """Capital -> its state ("Washington" as well as "Washington D.C.")."""
    found: dict[str, str] = {}
    for state in sorted(set(states().values()), key=lambda s: s.name):
        for name in (state.capital, state.capital.removesuffix(" D.C.").removesuffix(", D.C.")):
            if name:
                found.setdefault(name, state.name)
    return found


TITLES = frozenset(
    "president vice prime minister foreign defence defense interior finance chancellor king queen prince princess "
    "sheikh emir general gen. colonel col. lieutenant major commander admiral mr mr. mrs mrs. ms ms. dr dr. prof. "
    "professor senator sen. representative rep. governor gov. mayor secretary ambassador envoy spokesman "
    "spokeswoman spokesperson chief executive ceo cfo chairman chairwoman director minister premier pope cardinal "
    "judge justice former new acting deputy leader sir lord lady saint st. analyst officer "
    "sergeant captain capt. marshal commissioner".split()
)
ORG_WORDS = frozenset(
    "ministry department agency council committee commission company corporation corp corp. inc inc. ltd ltd. "
    "plc group bank fund party union association organization organisation institute university airlines "
    "airways motors industries holdings authority office administration court parliament assembly congress "
    "senate army navy force forces guard police service services board federation alliance front movement "
    "brigade brigades militia militias centre center foundation exchange network times post news press "
    "airport airports motor systems technologies media studios records partners capital nations brotherhood "
    "coalition council league "
    "nv n.v sa s.a ag se llc llp gmbh bv co co. company workers union unions"
    .split()
)
ARMED_WORDS = frozenset("militia militias rebels rebel fighters insurgents separatists guerrillas brigade brigades "
                        "army forces militants jihadists".split())
PLACE_WORDS = frozenset("heights mountains mountain river sea ocean gulf strait bay valley island islands peninsula "
                        "province region city desert plateau coast border basin lake canal district governorate dam "
                        "street avenue square "
                        "north south east west".split())
# The abbreviations wire stories use for the states of the United States ("Santa Clara, Calif."), and the states.
US_STATE_ABBREVIATIONS = frozenset(
    "Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss Mo Mont Neb Nev N.H N.J "
    "N.M N.Y N.C N.D Okla Ore Pa R.I S.C S.D Tenn Tex Vt Va Wash W.Va Wis Wyo".split())
US_STATES = US_STATE_ABBREVIATIONS | frozenset(
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Hawaii Idaho Illinois Indiana "
    "Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri Montana "
    "Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Wisconsin Wyoming".split()) | {
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Rhode Island",
    "South Carolina", "South Dakota", "West Virginia"}
CONTINENTS = frozenset(
    ("Europe", "Asia", "Africa", "Americas", "Oceania", "Middle East", "Levant", "Balkans", "Caucasus",
     "Scandinavia", "Latin America", "North America", "South America", "Southeast Asia", "Western Europe",
     "Eastern Europe", "Central Asia", "Persian Gulf", "Mediterranean", "Arctic", "Sahel"))
GOVERNMENT_WORDS = frozenset("government governments ministry officials official military army forces troops "
                             "authorities embassy regime navy air defence defense foreign leadership cabinet "
                             "delegation diplomats".split())


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    name: str
    kind: str
    aliases: tuple[str, ...]
    description: str


def load_registry(path: Path) -> tuple[RegistryEntry, ...]:
    """The site's actors.yml (optional): a list of {name, kind, aliases, description}."""
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SourceError(Problem(path.name, f"actor registry is not valid YAML: {error}", "fix the YAML syntax")) from None
    if not isinstance(data, list):
        raise SourceError(Problem(path.name, "actor registry must be a list of actors", "write `- name: ...` entries"))
    entries = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SourceError(Problem(path.name, f"entry {number} needs a 'name'", "give each actor a name"))
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list):
            raise SourceError(Problem(path.name, f"entry {number}: 'aliases' must be a list", "write aliases: [A, B]"))
        entries.append(RegistryEntry(item["name"].strip(), str(item.get("kind") or "organization"),
                                     tuple(str(a).strip() for a in aliases), str(item.get("description") or "")))
    return tuple(entries)


def strip_possessive(name: str) -> str:
    """A name without its possessive ending: "Assad's" -> "Assad", "Workers'" -> "Workers"."""
    if name.endswith(("'s", "’s")):
        return name[:-2]
    return name[:-1] if name.endswith(("'", "’")) else name
