"""Word lists and small tests on phrases that the base and the document resolver share
(generic titles, group nouns, place phrases, subdivisions)."""

from __future__ import annotations

from dataclasses import dataclass

from dyadscope.models import ActorRef
from .text import tokenize

_GENERIC_TITLES = {
    "chairman", "chairwoman", "chair", "president", "head", "leader", "member", "members",
    "spokesman", "spokeswoman", "spokesperson", "director", "chief", "secretary", "official",
    "officials", "speaker", "deputy", "vice", "representative", "delegation", "governor",
}
_PREPS = {"of", "to", "in", "at", "from", "for", "across", "on"}
# fuzzy country words: minimum length, and common words never corrected ("While" is
# not a misspelt "Chile")
_FUZZY_MIN = 5
_FUZZY_STOP = {"while", "where", "which", "there", "these", "those", "their", "about",
               "above", "after", "again", "under", "other", "since", "until", "would",
               "could", "should", "being", "before", "below", "between", "during", "every",
               "often", "still", "though", "through", "whose", "within", "without", "whole",
               "white", "green", "great", "sales", "tiger", "begin", "began", "sedan",
               "tries", "parts", "pairs", "holes", "roles", "rules", "women", "latin"}
_CONTEXT_MAX_TOKENS = 6
_RANKS = {"general", "colonel", "lieutenant", "major", "admiral", "captain", "brigadier",
          "marshal", "commodore", "lt", "gen", "col", "maj", "adm", "capt", "brig", "vice",
          "rear", "field", "air", "chief", "sergeant", "sgt", "corporal"}
_GENERIC_HEADS = {"official", "officials", "officer", "officers", "member", "members", "group",
                  "groups", "leader", "leaders", "head", "chief", "staff", "worker", "workers",
                  "employee", "employees", "spokesman", "spokeswoman", "spokesperson",
                  "representative", "representatives", "personnel", "people", "men", "women",
                  "man", "woman", "person", "persons", "unit", "team", "force", "forces",
                  "gunmen", "fighters", "militants", "supporters"}
_DETS = {"the", "a", "an", "this", "that"}
_FORMER = {"former", "ex", "retired", "onetime", "erstwhile"}
_STATE_MEDIA = {"state", "official", "government", "state-run", "run"}
_PEOPLE_NOUNS = {"people", "residents", "civilians", "citizens", "men", "women", "persons"}
_PLACE_NOUNS = {"park", "market", "school", "village", "town", "city", "region", "regions",
                "areas", "area", "district", "hospital", "mosque", "church", "camp"}
_NUMBERS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "pair": 2, "trio": 3}
_ROLE_SECTOR_HINTS = {"leader": {"GOV", "PTY", "LEG", "MIL"}, "leaders": {"GOV", "PTY", "LEG"},
                      "official": {"GOV", "PTY", "LEG", "MIL", "SPY", "JUD", "COP"},
                      "officials": {"GOV", "PTY", "LEG", "MIL"},
                      "diplomat": {"GOV"}, "envoy": {"GOV"}, "lawmaker": {"LEG"}}


def text_is_upper(text: str, tok) -> bool:
    return text[tok[1]:tok[1] + 1].isupper()


# First-level subdivisions (ISO 3166-2 via pycountry, a runtime dependency): a title
# that names one ("Sindh Chief Minister", "governor of Helmand") is that country's.
# Type words are dropped from the names; a name shared by several countries ("Punjab")
# or that is also an ordinary word ("Central", "Delta") decides nothing.
_SUBDIV_TYPE_WORDS = {"oblast", "oblast'", "sheng", "shi", "respublika", "kray", "kraj",
                      "province", "provincia", "region", "state", "governorate", "district",
                      "territory", "county", "department", "prefecture", "municipality",
                      "autonomous", "zizhiqu", "the", "of", "and", "de", "del", "do", "da"}
_SUBDIV_STOP = {"central", "capital", "north", "south", "east", "west", "northern",
                "southern", "eastern", "western", "centre", "center", "coast", "coastal",
                "delta", "lakes", "upper", "lower", "islands", "island", "plateau", "river",
                "mountain", "mountains", "valley", "national", "federal", "city", "lake",
                "sea", "border", "interior", "littoral", "middle", "highlands", "lagoons",
                "savanes", "plateaux", "union", "unity", "independence", "liberty", "grand",
                "saint", "san", "santa", "new", "la", "el", "al"}
_SUBDIVS: dict[tuple[str, ...], frozenset] | None = None


def _subdivisions() -> dict[tuple[str, ...], frozenset]:
    global _SUBDIVS
    if _SUBDIVS is None:
        table: dict[tuple[str, ...], set] = {}
        try:
            import pycountry

            subs = [(sd.name, sd.country.alpha_3) for sd in pycountry.subdivisions
                    if sd.parent_code is None]
        except Exception:  # pragma: no cover - pycountry is a declared dependency
            subs = []
        for name, code in subs:
            for part in name.split(","):
                toks = tuple(t for t, _, _ in tokenize(part))
                core = tuple(t for t in toks if t not in _SUBDIV_TYPE_WORDS)
                if core and not (len(core) == 1 and (core[0] in _SUBDIV_STOP or len(core[0]) < 4)) \
                        and not set(core) <= _SUBDIV_STOP and not any(c.isdigit() for t in core for c in t):
                    table.setdefault(core, set()).add(code)
                    if code in ("UKR", "RUS") and len(core) == 1:
                        # adjectival oblast names: Khersonska -> Kherson, Donetska ->
                        # Donetsk, Belgorodskaya -> Belgorod
                        w = core[0]
                        for suf, rep in (("skaya", ""), ("ska", ""), ("a", "")):
                            if w.endswith(suf) and len(w) - len(suf) >= 4:
                                table.setdefault((w[:-len(suf)] + rep,), set()).add(code)
        _SUBDIVS = {k: frozenset(v) for k, v in table.items()}
    return _SUBDIVS


def subdivision_country(text: str, toks=None) -> tuple[str, str] | None:
    """(country, name) when capitalised words of ``text`` name a first-level subdivision
    of exactly one country; None when none does or the name is shared."""
    toks = toks if toks is not None else tokenize(text)
    table = _subdivisions()
    found = None
    i = 0
    while i < len(toks):
        hit = None
        for n in (3, 2, 1):
            span = toks[i:i + n]
            if len(span) < n or not all(text_is_upper(text, t) for t in span):
                continue
            codes = table.get(tuple(t for t, _, _ in span))
            if codes is not None:
                hit = (n, codes, text[span[0][1]:span[-1][2]])
                break
        if hit is None:
            i += 1
            continue
        n, codes, name = hit
        if len(codes) != 1 or (found and found[0] not in codes):
            return None
        found = (next(iter(codes)), name)
        i += n
    return found


# Prepositions that put what follows in a place ("in Kurgan", "near the Russian city
# of"); "to" and "from" do not (a visit to Moscow, a return from Geneva)
_LOCATIVE = {"in", "at", "near", "outside", "inside", "across", "throughout", "around"}
_LOC_SKIP = {"the", "a", "an", "of", "city", "town", "village", "region", "province",
             "state", "district", "capital", "port", "county", "area", "oblast", "'s"}


def _locative_before(text: str, toks, i: int) -> bool:
    """Whether token ``i`` sits in a place phrase: a locative preposition before it,
    past determiners, place nouns and capitalised words ("in the Russian city of")."""
    j = i - 1
    while j >= 0 and i - j <= 5:
        t = toks[j][0]
        if t in _LOCATIVE:
            return True
        if t not in _LOC_SKIP and not (t.isalpha() and text_is_upper(text, toks[j])):
            return False
        j -= 1
    return False


def _names_someone(head: str, core, core_hits) -> bool:
    """Whether a mention names someone the base lacks: in mixed-case text, a
    capitalised word (not a determiner) that no dictionary phrase covers ("Deputy
    Minister Ann Vell", "Sovereign Renewal Front")."""
    if head.islower() or head.isupper():
        return False
    covered = set()
    for a, b, _ in core_hits:
        covered.update(range(a, b))
    return any(i not in covered and t[0].isalpha() and t[0] not in _DETS
               and not (i == 0 and t[0] in _QUANTIFIERS)
               and text_is_upper(head, t) for i, t in enumerate(core))


# words that open a phrase capitalised without naming anything ("Some workers")
_QUANTIFIERS = {"some", "many", "several", "most", "all", "few", "any", "each", "every",
                "other", "another", "both", "these", "those", "his", "her", "their", "its",
                "our", "about", "nearly", "almost", "over", "around", "hundreds",
                "thousands", "dozens", "more", "fewer", "one", "two", "three", "four",
                "five", "six", "seven", "eight", "nine", "ten"}


def _gazetteer_country(name: str) -> str | None:
    """Country of a town in the GeoNames gazetteer (places.py), or None."""
    try:
        from dyadscope.places import resolve_place
    except Exception:  # pragma: no cover
        return None
    loc = resolve_place(name)
    return loc.country if loc is not None and loc.country else None


def _place_country(text: str, toks) -> tuple[str, str] | None:
    """(country, name) for capitalised words of ``text`` that name a gazetteer town
    after a preposition ("mayor of Turbat", "governor in Kisumu"), when they all name
    one country."""
    found = None
    for i, (t, s, e) in enumerate(toks):
        if t not in _PREPS and t not in _LOCATIVE:
            continue
        j = i + 1 + (i + 1 < len(toks) and toks[i + 1][0] in _DETS)
        run = []
        while j < len(toks) and len(run) < 3 and text_is_upper(text, toks[j]) \
                and toks[j][0].isalpha():
            run.append(toks[j])
            j += 1
        if not run:
            continue
        name = text[run[0][1]:run[-1][2]]
        c = _gazetteer_country(name)
        if c is None:
            continue
        if found and found[0] != c:
            return None
        found = (c, name)
    return found


@dataclass
class _Seen:
    ref: ActorRef
    keys: set[str]


# heads of a definite description that name an institution, not a person: "the
# bilateral assembly" must not refer back to a lawmaker seen earlier
_INSTITUTION_HEADS = {
    "assembly", "parliament", "congress", "council", "committee", "commission", "ministry",
    "government", "administration", "cabinet", "party", "court", "agency", "army", "navy",
    "military", "forces", "force", "police", "senate", "house", "chamber", "legislature",
    "department", "office", "bureau", "service", "services", "regime", "state", "states",
    "country", "countries", "nation", "nations", "side", "sides", "talks", "meeting",
    "summit", "session", "delegation", "organization", "organisation", "union", "bloc",
    "alliance", "group", "media", "agency's", "body", "board", "authority", "authorities",
    "leadership", "politburo", "presidium", "secretariat", "embassy", "mission",
}
# group nouns: countries or people
_GROUP_COUNTRY_NOUNS = {"countries", "nations", "sides", "states", "governments", "neighbours",
                        "neighbors", "allies", "capitals", "parties", "koreas", "powers"}
_GROUP_PEOPLE_NOUNS = {"leaders", "presidents", "ministers", "men", "women", "officials",
                       "heads", "premiers", "leader", "diplomats", "envoys", "lawmakers",
                       "chiefs", "generals", "counterparts", "sides'"}


# heads that name many people or a body of them: "the people", "the officers", "the
# group" never refer back to one person
_COLLECTIVE_HEADS = {"people", "men", "women", "children", "police", "staff", "personnel",
                     "public", "crowd", "population", "group", "team", "family", "couple",
                     "they", "them", "youth", "militia", "clergy", "military", "troops"}
# "the country's forces": a phrase opening with one of these nouns and 's (and no
# preposition after) points back to the last country named
_COUNTRY_ANAPHORS = {"country", "nation", "state", "kingdom", "republic"}
# "each side", "each leader": without a number, the two last named (a bilateral reading)
_EACH = {"each", "every"}
_SINGULAR_GROUP = {"country": "countries", "nation": "nations", "side": "sides",
                   "state": "states", "government": "governments", "capital": "capitals",
                   "party": "parties", "leader": "leaders", "president": "presidents",
                   "minister": "ministers", "man": "men", "woman": "women",
                   "official": "officials", "head": "heads", "premier": "premiers",
                   "diplomat": "diplomats", "envoy": "envoys", "lawmaker": "lawmakers",
                   "chief": "chiefs", "general": "generals", "counterpart": "counterparts"}


def _plural_head(tok: str) -> bool:
    """A head noun naming several people or a collective ("the people", "officers")."""
    if tok in _COLLECTIVE_HEADS:
        return True
    return len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is", "'s"))
