"""Event records out: flat rows in one column order, and the field's layouts (profiles).

``native`` is dyadscope's own record format (docs/SCHEMA.md); ``gdelt``, ``icews`` and
``polecat`` name and fill each column as those datasets' codebooks do, so scripts written
for them read dyadscope's output. Every column of every profile, and what has no
equivalent here, is documented in docs/ANALYSIS.md (a test compares the two).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from .actors import country_name

PROFILES = ("native", "gdelt", "icews", "polecat")
FORMATS = ("csv", "jsonl", "parquet")

_ACTOR = ("text", "name", "country", "sector", "actor_id")
# The flat (CSV, DataFrame) form of the event record, in record order: nested actors and
# location become prefixed columns. `events --format csv` and `export --format csv` share it.
EVENT_COLUMNS = [
    "event_id", "doc_ids", "sentence", "mentions",
    *(f"source_{k}" for k in _ACTOR), *(f"target_{k}" for k in _ACTOR),
    "cameo", "plover", "mode", "quad_class", "goldstein", "date", "date_precision", "modality",
    "attributed_to", "background", "location_name", "location_country", "location_lat", "location_lon",
    "confidence", "coder_version", "num_sources", "num_mentions", "story_id",
    "num_independent", "first_reported", "date_method", "source_url", "outlet", "published", "event_group",
]


def flatten(record: dict, keep_lists: bool = False) -> dict:
    """An event record as one flat row with exactly EVENT_COLUMNS (missing target or
    location: empty columns). Lists become ``;``-joined ids and JSON mentions unless
    ``keep_lists``."""
    out = {}
    for col in EVENT_COLUMNS:
        head, _, tail = col.partition("_")
        if head in ("source", "target", "location") and tail and col not in record:
            value = (record.get(head) or {}).get(tail)
        else:
            value = record.get(col)
        if not keep_lists and isinstance(value, list):
            value = json.dumps(value, ensure_ascii=False) if col == "mentions" else ";".join(map(str, value))
        out[col] = value
    return out


# -- profiles ---------------------------------------------------------------------------------
QUAD_NAMES = {1: "VERBAL COOPERATION", 2: "MATERIAL COOPERATION", 3: "VERBAL CONFLICT", 4: "MATERIAL CONFLICT"}


def _side(rec: dict, side: str, key: str):
    return (rec.get(side) or {}).get(key)


def _name(rec: dict, side: str):
    return _side(rec, side, "name") or _side(rec, side, "text")


def _code(rec: dict, side: str):
    """The CAMEO actor code: country then sector (CHNGOV)."""
    return "".join(x for x in (_side(rec, side, "country"), _side(rec, side, "sector")) if x) or None


def _ymd(value: str | None) -> int | None:
    return int(value[:10].replace("-", "")) if value else None


def _fraction(value: str | None) -> float | None:
    if not value:
        return None
    from datetime import date

    d = date.fromisoformat(value[:10])
    return round(d.year + d.timetuple().tm_yday / 365, 4)


def _geo_type(rec: dict) -> int | None:
    loc = rec.get("location")
    if not loc:
        return None
    return 1 if loc.get("lat") is None or loc.get("name") in (loc.get("country"), country_name(loc.get("country"))) else 4


def _city(rec: dict):
    return (rec.get("location") or {}).get("name") if _geo_type(rec) == 4 else None


def _loc(key: str) -> Callable[[dict], object]:
    return lambda r: (r.get("location") or {}).get(key)


def _label(code: str | None) -> str | None:
    from . import cameo

    return cameo.label(code) if code else None


NONE = None  # a column the dataset has and dyadscope has no equivalent for: left empty

# profile -> [(column, type, value from an event record, or NONE)]; documented in docs/ANALYSIS.md
Column = tuple[str, str, "Callable[[dict], object] | None"]


def _gdelt() -> list[Column]:
    cols: list[Column] = [
        ("GLOBALEVENTID", "str", lambda r: r["event_id"]),
        ("SQLDATE", "int", lambda r: _ymd(r["date"])),
        ("MonthYear", "int", lambda r: _ymd(r["date"]) // 100 if r["date"] else None),
        ("Year", "int", lambda r: int(r["date"][:4]) if r["date"] else None),
        ("FractionDate", "float", lambda r: _fraction(r["date"])),
    ]
    for n, side in ((1, "source"), (2, "target")):
        cols += [
            (f"Actor{n}Code", "str", lambda r, s=side: _code(r, s)),
            (f"Actor{n}Name", "str", lambda r, s=side: _name(r, s)),
            (f"Actor{n}CountryCode", "str", lambda r, s=side: _side(r, s, "country")),
            (f"Actor{n}KnownGroupCode", "str", NONE),
            (f"Actor{n}EthnicCode", "str", NONE),
            (f"Actor{n}Religion1Code", "str", NONE),
            (f"Actor{n}Religion2Code", "str", NONE),
            (f"Actor{n}Type1Code", "str", lambda r, s=side: _side(r, s, "sector")),
            (f"Actor{n}Type2Code", "str", NONE),
            (f"Actor{n}Type3Code", "str", NONE),
        ]
    cols += [
        ("IsRootEvent", "int", NONE),
        ("EventCode", "str", lambda r: r["cameo"]),
        ("EventBaseCode", "str", lambda r: r["cameo"][:3] if r["cameo"] else None),
        ("EventRootCode", "str", lambda r: r["cameo"][:2] if r["cameo"] else None),
        ("QuadClass", "int", lambda r: r["quad_class"]),
        ("GoldsteinScale", "float", lambda r: r["goldstein"]),
        ("NumMentions", "int", lambda r: r["num_mentions"]),
        ("NumSources", "int", lambda r: r["num_independent"]),
        ("NumArticles", "int", lambda r: r["num_sources"]),
        ("AvgTone", "float", NONE),
    ]
    for geo in ("Actor1Geo", "Actor2Geo", "ActionGeo"):
        action = geo == "ActionGeo"
        cols += [
            (f"{geo}_Type", "int", _geo_type if action else NONE),
            (f"{geo}_FullName", "str", _loc("name") if action else NONE),
            (f"{geo}_CountryCode", "str", _loc("country") if action else NONE),
            (f"{geo}_ADM1Code", "str", NONE),
            (f"{geo}_ADM2Code", "str", NONE),
            (f"{geo}_Lat", "float", _loc("lat") if action else NONE),
            (f"{geo}_Long", "float", _loc("lon") if action else NONE),
            (f"{geo}_FeatureID", "str", NONE),
        ]
    cols += [
        ("DATEADDED", "int", lambda r: _ymd(r.get("published")) * 1000000 if r.get("published") else None),
        ("SOURCEURL", "str", lambda r: r.get("source_url") or r.get("outlet")),
    ]
    return cols


def _icews() -> list[Column]:
    def actor(prefix: str, side: str) -> list[Column]:
        return [
            (f"{prefix} Name", "str", lambda r: _name(r, side)),
            (f"{prefix} Sectors", "str", lambda r: _side(r, side, "sector")),
            (f"{prefix} Country", "str", lambda r: country_name(_side(r, side, "country"))),
        ]
    return [
        ("Event ID", "str", lambda r: r["event_id"]),
        ("Event Date", "str", lambda r: r["date"]),
        *actor("Source", "source"),
        ("Event Text", "str", lambda r: _label(r["cameo"])),
        ("CAMEO Code", "str", lambda r: r["cameo"]),
        ("Intensity", "float", lambda r: r["goldstein"]),
        *actor("Target", "target"),
        ("Story ID", "str", lambda r: r["story_id"]),
        ("Sentence Number", "int", NONE),
        ("Publisher", "str", lambda r: r.get("outlet")),
        ("City", "str", _city),
        ("District", "str", NONE),
        ("Province", "str", NONE),
        ("Country", "str", lambda r: country_name((r.get("location") or {}).get("country"))),
        ("Latitude", "float", _loc("lat")),
        ("Longitude", "float", _loc("lon")),
    ]


def _polecat() -> list[Column]:
    def actor(prefix: str, side: str) -> list[Column]:
        return [
            (f"{prefix} Name", "str", lambda r: _name(r, side)),
            (f"{prefix} Country", "str", lambda r: _side(r, side, "country")),
            (f"{prefix} COW", "str", NONE),
            (f"Primary {prefix} Sector", "str", lambda r: _side(r, side, "sector")),
            (f"{prefix} Sectors", "str", lambda r: _side(r, side, "sector")),
            (f"{prefix} Title", "str", NONE),
            (f"{prefix} Name Raw", "str", lambda r: _side(r, side, "text")),
            (f"Wikipedia {prefix} ID", "str", NONE),
        ]
    return [
        ("Event ID", "str", lambda r: r["event_id"]),
        ("Event Date", "str", lambda r: r["date"]),
        ("Event Type", "str", lambda r: r["plover"]),
        ("Event Mode", "str", lambda r: r["mode"]),
        ("Event Intensity", "float", lambda r: r["goldstein"]),
        ("Quad Code", "str", lambda r: QUAD_NAMES.get(r["quad_class"])),
        ("Contexts", "str", NONE),
        *actor("Actor", "source"),
        *actor("Recipient", "target"),
        ("Placename", "str", _loc("name")),
        ("City", "str", _city),
        ("District", "str", NONE),
        ("Province", "str", NONE),
        ("Country", "str", _loc("country")),
        ("Latitude", "float", _loc("lat")),
        ("Longitude", "float", _loc("lon")),
        ("GeoNames ID", "str", NONE),
        ("Raw Placename", "str", _loc("name")),
        ("Feature Type", "str", NONE),
        ("Source", "str", lambda r: r.get("outlet")),
        ("Publication Date", "str", lambda r: r.get("published")),
        ("Story People", "str", NONE),
        ("Story Organizations", "str", NONE),
        ("Story Locations", "str", NONE),
        ("Language", "str", NONE),
        ("Version", "str", lambda r: r["coder_version"]),
    ]


_PROFILE_COLUMNS = {"gdelt": _gdelt, "icews": _icews, "polecat": _polecat}


def profile_columns(profile: str) -> list[Column]:
    if profile == "native":
        return [(c, "any", None) for c in EVENT_COLUMNS]
    return _PROFILE_COLUMNS[profile]()


def profile_rows(records: Iterable[dict], profile: str) -> Iterable[dict]:
    """Rows of the profile's columns (``native``: the flat record)."""
    if profile == "native":
        yield from (flatten(r) for r in records)
        return
    cols = profile_columns(profile)
    for r in records:
        yield {name: (fn(r) if fn is not None else None) for name, _, fn in cols}


# -- writing ----------------------------------------------------------------------------------
def write_csv(rows: Iterable[dict], columns: list[str], fh, header: bool = True) -> int:
    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
    if header:
        writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


_SQL_TYPES = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE"}


def write_events(records: list[dict], output: str, fmt: str, profile: str = "native", header: bool = True) -> int:
    """Write event records to ``output`` (``-``: stdout, CSV and JSONL only) in a profile's
    layout; a file is written under a temporary name and renamed when complete."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    if output == "-":
        if fmt == "parquet":
            raise ValueError("parquet needs a file: give -o FILE")
        return _write(records, sys.stdout, fmt, profile, header)
    out = Path(output)
    tmp = out.with_name(out.name + ".part")
    if fmt == "parquet":
        _write_parquet(records, tmp, profile)
        n = len(records)
    else:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            n = _write(records, fh, fmt, profile, header)
    os.replace(tmp, out)
    return n


def _write(records, fh, fmt: str, profile: str, header: bool) -> int:
    if fmt == "jsonl":
        rows = records if profile == "native" else profile_rows(records, profile)
        n = 0
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            n += 1
        return n
    return write_csv(profile_rows(records, profile), [c for c, _, _ in profile_columns(profile)], fh, header)


def _write_parquet(records: list[dict], path: Path, profile: str) -> None:
    import duckdb

    con = duckdb.connect()
    try:
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / "rows.jsonl"
            if profile == "native":  # nested actors and mentions stay structs and lists
                rows, read = records, "read_json_auto('{src}', format='newline_delimited')"
            else:
                cols = profile_columns(profile)
                spec = "{" + ", ".join(f"'{c}': '{_SQL_TYPES[t]}'" for c, t, _ in cols) + "}"
                rows, read = profile_rows(records, profile), "read_json('{src}', format='newline_delimited', columns=" + spec + ")"
            with src.open("w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            if records:
                con.execute(f"COPY (SELECT * FROM {read.replace('{src}', str(src))}) TO '{path}' (FORMAT parquet)")
            else:
                cols = [c for c, _, _ in profile_columns(profile)]
                select = ", ".join(f'CAST(NULL AS VARCHAR) AS "{c}"' for c in cols)
                con.execute(f"COPY (SELECT {select} WHERE FALSE) TO '{path}' (FORMAT parquet)")
    finally:
        con.close()
