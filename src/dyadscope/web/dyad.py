"""The dyad page and ``/api/series``: counts over time between two actors.

The chart's numbers come from :func:`dyadscope.series.series`, the function behind
``dyadscope series`` and ``dyadscope.open(...).series``, so the page, its CSV download, the
API and the CLI agree. Background events are hidden by default here as there (a toggle
shows them), so a 1949 aside does not stretch a chart of 2024 visits over 76 years.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from ..query import EventFilter, FilterError, nowhere_note
from ..series import QUAD_COLUMNS, check_interval, counts_nothing, series
from .views import DEDUP, MEASURES, QUADS, REPORTS_NOTE, Db, check_page, fetch_events, urls

UNDATED_LISTED = 50  # undated events listed beside the chart


def series_view(db: Db, q: EventFilter, interval: str = "month", reports: bool = False,
                one_a_day: bool = False) -> dict:
    """``/api/series``: the series dict of dyadscope.series with the filters that made it."""
    if q.dyad is None:
        raise FilterError("dyad", "expected two actors such as CHN,PRK")
    result = series(db.query, q, interval, reports=reports, one_a_day=one_a_day)
    return {"dyad": list(q.dyad), "directed": q.directed, "one_a_day": one_a_day, "reports": reports,
            "note": nowhere_note(db.query, q) if counts_nothing(result) else None,
            "background": "show" if q.background else "hide",
            "filters": _filters(q), **result}


def _filters(q: EventFilter) -> dict:
    """The filters as link parameters, for pages whose defaults differ from the event
    lists': background hidden (only ``show`` travels) and only asserted events counted
    (every modality travels as ``all``)."""
    filters = {k: v for k, v in q.params().items() if v and k not in ("actor", "background")}
    if q.background:
        filters["background"] = "show"
    if q.modality is None:
        filters["modality"] = "all"
    return filters


def series_csv(view: dict) -> str:
    """The series rows as CSV (header row first), as ``dyadscope series --format csv``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=view["columns"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(view["rows"])
    return out.getvalue()


def dyad(db: Db, a: str, b: str, q: EventFilter, measure: str = "events", limit: int = 100,
         offset: int = 0, interval: str = "month") -> dict:
    """Everything the dyad page shows: counts per period by quad class, the Goldstein
    balance, counts by PLOVER type, the undated events and a page of the timeline, all under
    the same filters.

    ``measure=events`` counts deduplicated events (one row per event, see store.EVENTS_ONLY);
    ``measure=reports`` counts every coded report, each under its own type, direction and
    date, and lists reports in the timeline (``dyadscope events --reports``)."""
    if measure not in MEASURES:
        raise FilterError("measure", f"expected events or reports, got {measure!r}")
    check_interval(interval)
    check_page(limit, offset)
    q = replace(q, dyad=(a, b), actor=None)
    where, params = q.where()
    reports = measure == "reports"
    by = "" if reports else " FILTER (WHERE ev)"
    # One scan of the filtered reports for the totals and the types; `ev` marks the rows that
    # stand for an event, so both measures come from the same pass.
    rows = db.query(
        f"WITH x AS (SELECT date, quad_class, plover, goldstein, {DEDUP} AS ev FROM events WHERE {where}) "
        "SELECT GROUPING(plover) AS g, coalesce(plover, '(none)') AS plover, "
        "count(*) FILTER (WHERE ev) AS events, count(*) AS reports, "
        "count(*) FILTER (WHERE ev AND date IS NULL) AS undated, "
        "count(*) FILTER (WHERE date IS NULL) AS undated_reports, "
        f"count(*) FILTER (WHERE {'' if reports else 'ev AND '}quad_class <= 2) AS cooperation, "
        f"count(*) FILTER (WHERE {'' if reports else 'ev AND '}quad_class >= 3) AS conflict, "
        f"round(avg(goldstein){by}, 2) AS mean_goldstein, "
        f"CAST(min(date){by} AS VARCHAR) AS first, CAST(max(date){by} AS VARCHAR) AS last "
        "FROM x GROUP BY GROUPING SETS ((plover), ())", params)
    totals = {"events": 0, "reports": 0, "undated": 0, "undated_reports": 0, "mean_goldstein": None,
              "first": None, "last": None}
    by_type = []
    for r in rows:
        count = r["reports"] if reports else r["events"]
        if r["g"] == 1:
            totals = {k: r[k] for k in totals}
        elif count:
            by_type.append({k: r[k] for k in ("plover", "events", "reports", "cooperation", "conflict",
                                               "mean_goldstein")} | {"count": count})
    by_type.sort(key=lambda t: (-t["count"], t["plover"]))
    # the chart: the series of `dyadscope series`, one bar segment per period and quad class
    ser = series(db.query, q, interval, reports=reports)
    count_col = "reports" if reports else "events"
    monthly, balance = [], []
    for row in ser["rows"]:
        period = row["period"][:7] if interval == "month" else row["period"]
        known = 0
        for qc, col in QUAD_COLUMNS.items():
            known += row[col]
            if row[col]:
                monthly.append({"month": period, "period": row["period"], "quad_class": qc, "quad": QUADS[qc][0],
                                "count": row[col]})
        if row[count_col] > known:  # no quad class (no CAMEO root)
            monthly.append({"month": period, "period": row["period"], "quad_class": 0, "quad": "unknown",
                            "count": row[count_col] - known})
        balance.append({"month": period, "period": row["period"], "goldstein": row["goldstein_sum"],
                        "mean": row["goldstein_mean"], "count": row[count_col]})
    total = totals["reports"] if reports else totals["events"]
    timeline = fetch_events(db, where, params, limit, offset, reports=reports)
    undated = fetch_events(db, f"({where}) AND date IS NULL", params, UNDATED_LISTED, reports=reports)
    filters = _filters(q)
    keep = dict(filters, directed=q.directed, measure=None if measure == "events" else measure,
                interval=None if interval == "month" else interval)
    csv_url = urls.api("series", dyad=f"{a},{b}", directed=q.directed, interval=interval, reports=reports,
                       **filters, format="csv")
    return {
        "a": a, "b": b, "directed": q.directed, "measure": measure, "interval": interval,
        "background": "show" if q.background else "hide",
        "filters": filters,
        "keep": keep,
        "totals": totals,
        "monthly": monthly,
        "balance": balance,
        "series": {k: ser[k] for k in ("interval", "first", "last", "undated", "coarse", "total")},
        "by_type": by_type,
        "undated": {"total": totals["undated_reports"] if reports else totals["undated"], "items": undated},
        "csv_url": csv_url,
        "timeline": {"total": total, "reports": reports, "limit": limit, "offset": offset,
                     "next_offset": offset + limit if offset + limit < total else None,
                     "items": timeline},
        "notes": [REPORTS_NOTE,
                  f"Undated {measure} are counted in the totals and listed beside the chart, not charted; "
                  f"{measure} dated only to a month or year are charted only in a series of that interval or "
                  "longer" + (f" ({ser['coarse']} here are not charted per {interval})." if ser["coarse"] else "."),
                  "Background history (events a report recalls, such as a visit decades ago) is "
                  + ("shown." if q.background else "hidden; show it with the Background toggle.")],
    }


_TIME_UNITS = {"day": ("yearmonthdate", "%d %b %Y"), "week": ("yearmonthdate", "%d %b %Y"),
               "month": ("yearmonth", "%b %Y"), "year": ("year", "%Y")}


def dyad_chart_spec(view: dict) -> dict:
    """A Vega-Lite spec for the dyad page: stacked counts per period by quad class above the
    Goldstein balance per period (sum of Goldstein scores, weighted by the chosen measure)."""
    measure = view["measure"]
    interval = view.get("interval", "month")
    unit, fmt = _TIME_UNITS[interval]
    order = [QUADS[k][0] for k in sorted(QUADS)]
    colours = [QUADS[k][1] for k in sorted(QUADS)]
    unknown = ["unknown"] if any(m["quad_class"] == 0 for m in view["monthly"]) else []
    x = {"field": "period", "type": "temporal", "timeUnit": unit, "title": None,
         "axis": {"format": fmt, "labelAngle": 0, "grid": False}}
    label = {"day": "Day", "week": "Week of", "month": "Month", "year": "Year"}[interval]
    return {
        "width": "container",
        "config": {"font": "system-ui, -apple-system, 'Segoe UI', sans-serif",
                   "axis": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": 500,
                            "labelColor": "#333", "titleColor": "#333", "domainColor": "#999",
                            "tickColor": "#999", "gridColor": "#e6e6e6"},
                   "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "top"},
                   "view": {"stroke": None}},
        "vconcat": [
            {
                "height": 200,
                "width": "container",
                "data": {"values": view["monthly"]},
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": x,
                    "y": {"aggregate": "sum", "field": "count", "type": "quantitative",
                          "title": f"{measure} per {interval}", "axis": {"tickMinStep": 1}},
                    "color": {"field": "quad", "type": "nominal", "title": "Quad class",
                              "scale": {"domain": order + unknown, "range": colours + ["#999999"] * len(unknown)},
                              "sort": order},
                    "order": {"field": "quad_class"},
                    "tooltip": [
                        {"field": "period", "type": "temporal", "timeUnit": unit, "title": label},
                        {"field": "quad", "title": "Quad class"},
                        {"field": "count", "title": measure.capitalize()},
                    ],
                },
            },
            {
                "height": 110,
                "width": "container",
                "data": {"values": view["balance"]},
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": x,
                    "y": {"field": "goldstein", "type": "quantitative", "title": "Goldstein balance"},
                    "color": {"condition": {"test": "datum.goldstein < 0", "value": QUADS[4][1]},
                              "value": QUADS[1][1]},
                    "tooltip": [
                        {"field": "period", "type": "temporal", "timeUnit": unit, "title": label},
                        {"field": "goldstein", "title": "Goldstein sum", "format": "+.1f"},
                        {"field": "mean", "title": "Mean per " + measure[:-1], "format": "+.2f"},
                        {"field": "count", "title": measure.capitalize()},
                    ],
                },
            },
        ],
    }
