"""Event counts over time for a dyad (or any event filter): one row per period.

The one function behind ``dyadscope series``, ``dyadscope.open(...).series`` and
``GET /api/series``, so the three faces give the same numbers. Periods run from the first to
the last dated event that passes the filters, every period present (zero-filled); undated
events are counted apart (``undated``), never dropped silently. Month and year precision
dates sit on the first day of their period, as everywhere in dyadscope; so an event dated only
to a year or a month is counted apart (``coarse``) in a series of a shorter interval, where it
would otherwise pile up in January (or on the 1st) as events that did not happen then.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from .query import PLOVER_TYPES, EventFilter, FilterError, check_date, where_clause
from .store import EVENTS_ONLY

INTERVALS = ("day", "week", "month", "year")
# The date precisions too coarse to place an event in one period of each interval.
COARSE = {"day": ("month", "year"), "week": ("month", "year"), "month": ("year",), "year": ()}
# CAMEO quad classes as columns, in the names the event-data field aggregates them under.
QUAD_COLUMNS = {1: "verbal_coop", 2: "material_coop", 3: "verbal_conflict", 4: "material_conflict"}
# The PLOVER types a CAMEO code maps to (data/cameo/cameo2plover.json); one column each.

Query = Callable[[str, list], list[dict]]


def columns(reports: bool = False) -> list[str]:
    """The series' columns, in order (``events`` reads ``reports`` when counting reports)."""
    return ["period", "reports" if reports else "events", *QUAD_COLUMNS.values(), *PLOVER_TYPES,
            "goldstein_sum", "goldstein_mean"]


def check_interval(interval: str) -> str:
    if interval not in INTERVALS:
        raise FilterError("interval", f"expected one of {', '.join(INTERVALS)}, got {interval!r}")
    return interval


def period_start(d: date, interval: str) -> date:
    if interval == "day":
        return d
    if interval == "week":  # ISO weeks start on Monday (DuckDB's date_trunc('week') agrees)
        return d - timedelta(days=d.weekday())
    if interval == "month":
        return d.replace(day=1)
    return d.replace(month=1, day=1)


def next_period(d: date, interval: str) -> date:
    if interval == "day":
        return d + timedelta(days=1)
    if interval == "week":
        return d + timedelta(days=7)
    if interval == "month":
        return date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date(d.year + 1, 1, 1)


# The most periods --since/--until may stretch a series to (a day series from 1900 would be
# 45,000 rows); the periods the events themselves span are always given.
MAX_PERIODS = 20_000


def _periods(first: date, last: date, interval: str) -> int:
    """How many periods from the one starting on ``first`` to the one starting on ``last``."""
    if interval in ("day", "week"):
        return (last - first).days // (1 if interval == "day" else 7) + 1
    months = (last.year - first.year) * 12 + last.month - first.month
    return (months if interval == "month" else last.year - first.year) + 1


def counts_nothing(result: dict) -> bool:
    """Whether a series found no event at all: none in its periods, none undated, none coarse."""
    return not (result["total"] or result["undated"] or result["coarse"])


def series(query: Query, f: EventFilter, interval: str = "month", *, reports: bool = False,
           one_a_day: bool = False) -> dict:
    """Counts per period for the events matching ``f``: from ``f.since`` (else the first dated
    event) to ``f.until`` (else the last), empty periods as zeros.

    ``query(sql, params) -> list[dict]`` runs SQL on the store (``Store.query`` or the web's
    time-capped ``Db.query``). ``reports`` counts every coded report instead of each event
    once. ``one_a_day`` keeps one event per day, source, target and CAMEO code, sides as
    CAMEO actor codes (country and sector), as the R ``events`` package's ``one_a_day``.

    Returns ``{"interval", "columns", "rows", "undated", "coarse", "first", "last", "total"}``;
    each row has ``period`` (the first day of the period, ISO), the count, one count per quad
    class and PLOVER type, ``goldstein_sum`` and ``goldstein_mean`` (None for an empty period).
    ``coarse`` counts the events dated less precisely than the interval (only to the year in a
    monthly series, to the month or year in a weekly or daily one): like undated events they are
    in no period, since a period they do not fall in would be charted with them.
    """
    check_interval(interval)
    where, params = where_clause(f)
    dedup = "TRUE" if reports else f"({EVENTS_ONLY})"
    base = f"SELECT * FROM events WHERE {dedup} AND ({where})"
    if one_a_day:
        code = ("coalesce({s}_country, '') || coalesce({s}_sector, '') || "
                "CASE WHEN coalesce({s}_country, '') || coalesce({s}_sector, '') = '' "
                "THEN lower(coalesce({s}_text, '')) ELSE '' END")
        # a month- or year-dated event carries the period's first day: never one with an event of that day
        base = (f"SELECT * FROM ({base}) QUALIFY row_number() OVER (PARTITION BY date, "
                "CASE WHEN date_precision IN ('month', 'year') THEN date_precision ELSE 'day' END, "
                f"{code.format(s='source')}, {code.format(s='target')}, cameo "
                "ORDER BY date_precision = 'day' DESC, event_id) = 1 OR date IS NULL")
    coarse_sql = "date_precision IN ({})".format(", ".join(f"'{p}'" for p in COARSE[interval])) \
        if COARSE[interval] else "FALSE"
    rows = query(
        f"WITH x AS ({base}) "
        f"SELECT CAST(date_trunc('{interval}', date) AS DATE) AS period, quad_class, plover, count(*) AS n, "
        "sum(goldstein) AS g, count(goldstein) AS ng FROM x "
        f"WHERE date IS NOT NULL AND NOT coalesce({coarse_sql}, FALSE) GROUP BY ALL", params)
    apart = query(f"SELECT count(*) FILTER (WHERE date IS NULL) AS undated, "
                  f"count(*) FILTER (WHERE date IS NOT NULL AND {coarse_sql}) AS coarse FROM ({base})", params)[0]
    undated, coarse = apart["undated"], apart["coarse"]
    count_col = "reports" if reports else "events"
    cols = columns(reports)
    # the periods asked for (since / until), so that series of different dyads line up
    since, until = check_date("since", f.since), check_date("until", f.until, end=True)
    lo = period_start(date.fromisoformat(since), interval) if since else None
    hi = period_start(date.fromisoformat(until), interval) if until else None
    if not rows and not (lo and hi):
        return {"interval": interval, "columns": cols, "rows": [], "undated": undated, "coarse": coarse,
                "first": None, "last": None, "total": 0}
    acc: dict[date, dict] = {}
    for r in rows:
        row = acc.setdefault(r["period"], {"n": 0, "g": 0.0, "ng": 0, "quad": {}, "type": {}})
        row["n"] += r["n"]
        row["g"] += float(r["g"] or 0.0)
        row["ng"] += r["ng"]
        if r["quad_class"] in QUAD_COLUMNS:
            row["quad"][r["quad_class"]] = row["quad"].get(r["quad_class"], 0) + r["n"]
        if r["plover"] in PLOVER_TYPES:
            row["type"][r["plover"]] = row["type"].get(r["plover"], 0) + r["n"]
    first, last = lo or min(acc), hi or max(acc)
    span = _periods(min(acc), max(acc), interval) if acc else 0  # what the events span is always given
    if (lo or hi) and _periods(first, last, interval) > max(MAX_PERIODS, span):
        raise FilterError("interval", f"{first} to {last} is more than {MAX_PERIODS:,} periods of a {interval}: "
                                      "give a longer interval or a shorter range")
    out = []
    p = first
    while p <= last:
        a = acc.get(p)
        row = {"period": p.isoformat(), count_col: a["n"] if a else 0}
        for q, name in QUAD_COLUMNS.items():
            row[name] = a["quad"].get(q, 0) if a else 0
        for t in PLOVER_TYPES:
            row[t] = a["type"].get(t, 0) if a else 0
        row["goldstein_sum"] = round(a["g"], 3) if a else 0.0
        row["goldstein_mean"] = round(a["g"] / a["ng"], 3) if a and a["ng"] else None
        out.append(row)
        p = next_period(p, interval)
    return {"interval": interval, "columns": cols, "rows": out, "undated": undated, "coarse": coarse,
            "first": first.isoformat(), "last": last.isoformat(), "total": sum(r[count_col] for r in out)}
