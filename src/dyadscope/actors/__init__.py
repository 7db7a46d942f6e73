"""Actor knowledge base and resolver: who is a mention, on a given date.

The knowledge base is compiled once by ``tools/build_actors.py`` from the Phoenix
(PETRARCH, MIT) dictionaries plus curated public-record files into
``data/actors/kb.json.gz``; nothing here reads outside the package at run time.

Matching works on lowercased, accent-folded tokens through a nested-dict trie, so
``find`` costs one dict walk per token rather than one regex per entry: it is used as
a pre-filter on every sentence.

User dictionaries extend or override the built-in base (``load_kb(extra=[...])``):

* YAML (``.yaml``/``.yml``)::

    people:
      - name: Zhao Leji
        aliases: [Zhao]
        country: CHN
        roles: [{sector: LEG, office: Chairman of the NPC Standing Committee, start: 2023-03-10}]
      # compact form, same meaning: "NAME | CTRY | SECTOR office START..END; ... | alias, alias"
      - "Li Jinjun | CHN | GOV Ambassador to North Korea 2015-03-01..2021-12-31"
    organisations:
      - {name: Korean Central News Agency, aliases: [KCNA], country: PRK, sector: GOV}
    countries:                       # extra names for a country; capitals are metonyms (GOV)
      - {code: PRK, names: [DPRK], adjectives: [North Korean], capitals: [Pyongyang]}
    agents: {"top lawmaker": LEG}     # role words: sector only, country comes from context
    surnames: {Xi: Xi Jinping, Kim: {name: Kim Jong Un, context: PRK}}  # bare surnames

  Mistakes raise ValueError naming the file, the section and the entry.

* PETRARCH/TABARI ``.actors``/``.agents`` dictionaries (detected by content: ``[CODE]``
  brackets, ``+ALIAS`` lines, ``[~SEC]`` agent codes), so fictional test dictionaries load
  with ``include_default=False``.

Dates: roles carry ISO start/end; ``date`` accepts ISO, "10 May 2015", "May 10, 2015",
"today" or None. With no date a person gets the most recent office they held (not aged
to ELI), because an undated mention is more likely about that office than about retirement,
unless every office ended more than five years before today: then ELI.

The package, one module a step, lower ones first: ``text`` (folding, tokens, dates, codes),
``records`` (actors, roles, matches), ``words`` (shared word lists), ``files`` (user
dictionaries), ``resolver`` (``DocResolver``: one document's view), ``codes`` (PETRARCH
composite codes), ``infer`` (country and sector from a phrase's words), ``phrases``
(resolving a noun phrase, the fuzzy fallback), ``kb`` (``ActorKB``: the base and finding
mentions, with the three before as its steps); loading is here.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .files import (
    load_petrarch, load_yaml, parse_code_dates, parse_compact_person, parse_petr_code,
    parse_petrarch_actors, parse_petrarch_agent_codes, parse_petrarch_agents, person_from_dict,
    plural, split_code,
)
from .kb import ActorKB
from .records import Actor, ActorMatch, Role
from .resolver import DocResolver, unresolved
from .text import DATA_DIR, FAMILY_FIRST, KB_FILE, LEGACY, SECTORS, acronym_forms, fold, norm_phrase, parse_date, replace, tokenize
from .words import _subdivisions, subdivision_country, text_is_upper

__all__ = [
    "DATA_DIR", "FAMILY_FIRST", "KB_FILE", "LEGACY", "SECTORS", "Actor", "ActorKB", "ActorMatch",
    "DocResolver", "Role", "acronym_forms", "fold", "known_codes", "known_sectors", "load_kb", "load_petrarch", "load_yaml",
    "norm_phrase",
    "parse_code_dates", "parse_compact_person", "parse_date", "parse_petr_code",
    "parse_petrarch_actors", "parse_petrarch_agent_codes", "parse_petrarch_agents",
    "person_from_dict", "plural", "replace", "split_code", "subdivision_country",
    "text_is_upper", "tokenize", "unresolved",
]


# ----------------------------------------------------------------------------- loading
@lru_cache(maxsize=1)
def _compiled(path: Path) -> dict:
    """The compiled base's JSON, parsed (~0.5 s, ~40 MB). Kept until ``release_compiled``
    (``load_kb`` calls it), so that building the base and listing its name words
    (``name_words``) parse it once."""
    import gzip

    with gzip.open(path, "rb") as f:
        return json.loads(f.read())


def release_compiled() -> None:
    """Let the parsed JSON go once the base and its name words are built."""
    _compiled.cache_clear()


@lru_cache(maxsize=1)
def name_words() -> frozenset[str]:
    """Lower-cased words of three letters or more of the built-in base's phrases ("jinjun",
    "tshisekedi"), for glue repair; empty when the compiled base is missing."""
    if not KB_FILE.is_file():
        return frozenset()
    phrases = _compiled(KB_FILE).get("phrases", {})
    return frozenset(t for ph in phrases for t in ph.split() if len(t) >= 3 and t.isalpha())


def _load_compiled(kb: ActorKB, path: Path) -> None:
    data = _compiled(path)
    for code, c in data["countries"].items():
        kb.countries[code] = {"name": c["name"]}
    add = kb._add_phrase
    for phrase, items in data["phrases"].items():
        toks = tuple(phrase.split(" "))
        for p, kind, val in items:
            add(toks, (kind, val), p)
    for a in data["actors"]:
        aid, name, kind, country, sector, roles, src = a
        kb._ids[aid] = len(kb.actors)
        kb.actors.append(Actor(aid, name, kind, country, sector,
                               [Role(r[0], r[1], r[2], r[3], r[4]) for r in roles], [], src))
    for i, als in data.get("aliases", {}).items():
        kb.actors[int(i)].aliases = als
    for sn, (aid, ctx) in data.get("surnames", {}).items():
        kb.add_surname(sn, aid, ctx, prio=1)
    for key, owners in data.get("acronyms", {}).items():
        for idx, forms in owners.items():
            kb.acronyms.setdefault(key, {})[int(idx)] = set(forms)


@lru_cache(maxsize=1)
def _known() -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    """(country and IGO codes, sector codes, country names by code) of the built-in base,
    read from the compiled file without building the base (about 0.1 s, once)."""
    import gzip

    import pycountry

    with gzip.open(KB_FILE, "rb") as f:
        data = json.loads(f.read())
    codes = {c.alpha_3 for c in pycountry.countries} | set(data["countries"]) | {"IGO"}
    codes |= {a[3] for a in data["actors"] if a[3]}
    sectors = {val for items in data["phrases"].values() for _, kind, val in items if kind == "G"}
    sectors |= {a[4] for a in data["actors"] if a[4]}
    sectors |= {r[0] for a in data["actors"] for r in a[5] if r[0]}
    names = {code: c["name"] for code, c in data["countries"].items() if c.get("name")}
    return frozenset(codes), frozenset(s for s in sectors if isinstance(s, str)), names


def known_codes() -> frozenset[str]:
    """Every country or IGO code an actor of the built-in base can carry: ISO 3166 alpha-3
    (pycountry, which subdivisions and places answer in too), the base's countries (with
    ``UNO``, ``EUR``, ``XKX``), ``IGO``, and the regional codes of Phoenix actors (``MEA``)."""
    return _known()[0]


def country_name(code: str | None) -> str | None:
    """The name the actor base gives a country or IGO code ("RUS" -> "Russia", "COD" ->
    "DR Congo", "UNO" -> "United Nations"), else pycountry's, else the code itself; ``None``
    for none."""
    if not code:
        return None
    name = _known()[2].get(code)
    if name:
        return name.replace("_", " ")  # the base writes a few as "Cook_Islands"
    import pycountry

    c = pycountry.countries.get(alpha_3=code)
    return (getattr(c, "common_name", None) or c.name) if c else code


def country_code(name: str, loose: bool = False) -> str | None:
    """The code of the country or IGO called ``name`` as the actor base names it ("Russia",
    "DR Congo", "United Nations"; any case), else as pycountry does ("Russian Federation",
    "Philippines"), and with ``loose`` else as the actor base reads the words ("US",
    "Britain", "Korea"); ``None`` for a name of none."""
    key = (name or "").strip().casefold()
    if not key:
        return None
    for code, known in _known()[2].items():
        if known.replace("_", " ").casefold() == key:
            return code
    import pycountry

    try:
        return pycountry.countries.lookup(name.strip()).alpha_3
    except LookupError:
        if not loose:
            return None
    # what the actor base reads as the country itself ("US", "Britain", "Burma")
    ref = load_kb().resolve(name.strip(), None, None)
    return ref.country if ref.country and not ref.actor_id and not ref.sector else None


def known_sectors() -> frozenset[str]:
    """Every sector code the built-in base gives an actor or a role word (GOV, MIL, REB, ...)."""
    return _known()[1]


_DEFAULT: ActorKB | None = None


def load_kb(extra: Iterable[str | Path] = (), include_default: bool = True) -> ActorKB:
    """The built-in base (cached per process) plus user YAML / PETRARCH dictionaries."""
    global _DEFAULT
    extra = [Path(p) for p in extra]
    if include_default and not extra and _DEFAULT is not None:
        return _DEFAULT
    kb = ActorKB()
    if include_default:
        _load_compiled(kb, KB_FILE)
        name_words()  # from the same parse (glue repair reads them), which then goes
        release_compiled()
    for p in extra:
        if p.suffix.lower() in (".yaml", ".yml"):
            load_yaml(kb, p)
        else:
            load_petrarch(kb, p)
    if include_default and not extra:
        _DEFAULT = kb
    _subdivisions()  # the provinces table (from pycountry) is part of the base: built with it, not mid-document
    return kb
