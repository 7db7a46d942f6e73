"""What each page shows, as one plain dict per view.

Every function here takes a :class:`Db` (a read-only, time-capped cursor on the store) and
user parameters, and returns a JSON-ready dict. The API serves these dicts as they are; the
HTML pages render the same dicts through Jinja2 templates. No SQL text ever contains a user
value: values travel as parameters, filters come from :mod:`dyadscope.query`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import duckdb

from ..query import MODALITIES, EventFilter, FilterError, check_date, where_clause
from ..store import event_record

MAX_LIMIT = 1000  # rows any one request may ask for
QUERY_TIMEOUT_S = 5.0  # wall-clock cap per SQL statement (enforced with con.interrupt())
MEASURES = ("events", "reports")

# Quad classes, in order, with an Okabe–Ito colour each (colour-blind safe).
QUADS = {
    1: ("verbal cooperation", "#009E73"),
    2: ("material cooperation", "#0072B2"),
    3: ("verbal conflict", "#E69F00"),
    4: ("material conflict", "#D55E00"),
}
REPORTS_NOTE = (
    "Reports count every sentence that reports an event (event mentions); events count each "
    "deduplicated event once. Until story grouping lands, each event has exactly one mention, "
    "so the two measures are equal."
)
SEARCH_NOTE = (
    "Search is a plain case-insensitive substring match (SQL ILIKE) over document titles, "
    "document text and event sentences; no ranking, stemming or full-text index."
)


class NotFound(LookupError):
    """The thing asked for is not in the store (HTTP 404)."""


class QueryTimeout(RuntimeError):
    """A statement ran past QUERY_TIMEOUT_S and was interrupted (HTTP 503)."""


# -- database access -------------------------------------------------------------------
class Db:
    """One request's cursor on the shared read-only connection, with a time cap.

    DuckDB has no statement timeout, so a timer thread calls ``interrupt()`` on this cursor
    when a statement runs longer than ``timeout`` seconds; the request then fails with 503.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, timeout: float = QUERY_TIMEOUT_S):
        self.cur = con.cursor()
        self.timeout = timeout

    def close(self) -> None:
        self.cur.close()

    def query(self, sql: str, params: list | None = None) -> list[dict]:
        timer = threading.Timer(self.timeout, self.cur.interrupt)
        timer.daemon = True
        timer.start()
        try:
            cur = self.cur.execute(sql, params or [])
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row)) for row in cur.fetchall()]
        except duckdb.InterruptException:
            raise QueryTimeout(
                f"the query ran past the {self.timeout:g} s cap and was stopped; narrow the filters"
            ) from None
        finally:
            timer.cancel()

    def one(self, sql: str, params: list | None = None) -> dict | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: list | None = None) -> Any:
        row = self.one(sql, params)
        return next(iter(row.values())) if row else None


# -- URLs: every link the app renders comes from here -----------------------------------
class Urls:
    """URL builder for pages and API endpoints (one helper, so links never drift)."""

    @staticmethod
    def q(path: str, **params: Any) -> str:
        items = [(k, _qv(v)) for k, v in params.items() if v not in (None, "", False)]
        return path + ("?" + urlencode(items) if items else "")

    def home(self) -> str:
        return "/"

    def dyad(self, a: str, b: str, **params: Any) -> str:
        return self.q(f"/dyad/{_seg(a)}/{_seg(b)}", **params)

    def event(self, event_id: str) -> str:
        return f"/event/{_seg(event_id)}"

    def document(self, doc_id: str, **params: Any) -> str:
        return self.q(f"/document/{_seg(doc_id)}", **params)

    def actor(self, actor_id: str) -> str:
        return f"/actor/{_seg(actor_id)}"

    def events(self, **params: Any) -> str:
        return self.q("/events", **params)

    def documents(self, **params: Any) -> str:
        return self.q("/documents", **params)

    def search(self, **params: Any) -> str:
        return self.q("/search", **params)

    def api(self, path: str, **params: Any) -> str:
        return self.q("/api/" + path.lstrip("/"), **params)

    def static(self, path: str) -> str:
        return "/static/" + path.lstrip("/")


def _seg(value: str) -> str:
    return quote(str(value), safe=":")


def _qv(v: Any) -> str:
    if v is True:
        return "1"
    return str(v)


urls = Urls()


# -- parameters ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EventQuery:
    """Event filters as the web takes them: the CLI's filters plus modality and background."""

    actor: str | None = None
    dyad: tuple[str, str] | None = None
    directed: bool = False
    since: str | None = None
    until: str | None = None
    type: str | None = None
    modality: str | None = None
    background: bool = True  # False hides events flagged as background history

    def where(self, dated_only: bool = False) -> tuple[str, list]:
        f = EventFilter(actor=self.actor or None, dyad=self.dyad, directed=self.directed,
                        since=self.since or None, until=self.until or None, type=self.type or None,
                        include_background=self.background, dated_only=dated_only,
                        modality=self.modality or None)
        return where_clause(f)

    def check(self) -> "EventQuery":
        """Raise FilterError (naming the parameter) for any bad value."""
        check_date("since", self.since or None)
        check_date("until", self.until or None)
        self.where()
        return self

    def params(self) -> dict:
        """The filters as URL query parameters (for links that keep them)."""
        return {
            "actor": self.actor, "since": self.since, "until": self.until, "type": self.type,
            "modality": self.modality, "background": None if self.background else "hide",
        }


def parse_background(value: str | None) -> bool:
    if value in (None, "", "show", "1", "true", "yes"):
        return True
    if value in ("hide", "0", "false", "no"):
        return False
    raise FilterError("background", f"expected show or hide, got {value!r}")


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise FilterError("limit", f"expected 1 to {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise FilterError("offset", f"expected 0 or more, got {offset}")


# -- events -------------------------------------------------------------------------------
def fetch_events(db: Db, where: str, params: list, limit: int, offset: int = 0,
                 newest_first: bool = False) -> list[dict]:
    """Event records (the stable format of docs/SCHEMA.md), one page of them."""
    direction = "DESC" if newest_first else ""
    order = "date {d} NULLS LAST, doc_id, sent_idx, event_id".format(d=direction)
    sql = (
        f"WITH page AS MATERIALIZED (SELECT * FROM events WHERE {where} ORDER BY {order} "
        f"LIMIT {int(limit)} OFFSET {int(offset)}), "
        "m AS (SELECT event_id, list(struct_pack(doc_id := doc_id, sentence := sentence, start := start, "
        "\"end\" := \"end\") ORDER BY doc_id, sent_idx) AS mentions FROM event_mentions "
        "WHERE event_id IN (SELECT event_id FROM page) GROUP BY event_id) "
        "SELECT page.*, CAST(page.date AS VARCHAR) AS date_s, m.mentions FROM page LEFT JOIN m USING (event_id) "
        f"ORDER BY {order}"
    )
    return [event_record(r) for r in db.query(sql, params)]


def events(db: Db, q: EventQuery, limit: int = 100, offset: int = 0) -> dict:
    """A page of events matching the filters, oldest first, with the total."""
    check_page(limit, offset)
    where, params = q.where()
    total = db.scalar(f"SELECT count(*) FROM events WHERE {where}", params)
    items = fetch_events(db, where, params, limit, offset)
    return {
        "filters": {k: v for k, v in q.params().items() if v} | (
            {"dyad": list(q.dyad), "directed": q.directed} if q.dyad else {}),
        "total": total, "limit": limit, "offset": offset,
        "next_offset": offset + limit if offset + limit < total else None,
        "items": items,
    }


def event(db: Db, event_id: str) -> dict:
    """One event: its fields, how its date was found, every mention in its document."""
    rows = fetch_events(db, "event_id = ?", [event_id], 1)
    if not rows:
        raise NotFound(f"no event with id {event_id!r}")
    ev = rows[0]
    docs = {
        d["doc_id"]: d
        for d in db.query(
            "SELECT doc_id, title, source, url, CAST(published AS VARCHAR) AS published, "
            "published_method, text FROM documents WHERE doc_id IN (SELECT unnest(?))",
            [ev["doc_ids"]],
        )
    }
    mentions = []
    for m in ev["mentions"]:
        d = docs.get(m["doc_id"])
        if d is None:
            continue
        mentions.append({
            "doc_id": m["doc_id"], "title": d["title"], "source": d["source"],
            "published": d["published"], "sentence": m["sentence"], "start": m["start"], "end": m["end"],
            "segments": _segments(d["text"], [], [(m["start"], m["end"], "mention")]),
        })
    return {"event": ev, "date_explained": _date_explained(ev, docs.get(ev["doc_ids"][0])),
            "quad_label": QUADS.get(ev["quad_class"], ("?", ""))[0], "mentions": mentions}


def _date_explained(ev: dict, doc: dict | None) -> str:
    p = ev["date_precision"]
    pub = f" ({doc['published']}, found by {doc['published_method']})" if doc and doc.get("published") else ""
    return {
        "day": "The sentence (or its paragraph) names the day.",
        "month": "The text names only the month; the date is the first day of that month.",
        "year": "The text names only the year; the date is 1 January of that year.",
        "document": f"No date in the sentence: the event takes the document's publication date{pub}.",
        "unknown": "No date could be found for this event or its document.",
    }.get(p, f"date precision: {p}")


# -- documents ---------------------------------------------------------------------------
def documents(db: Db, limit: int = 100, offset: int = 0) -> dict:
    check_page(limit, offset)
    total = db.scalar("SELECT count(*) FROM documents")
    items = db.query(
        "SELECT d.doc_id, d.title, d.source, d.url, d.path, CAST(d.published AS VARCHAR) AS published, "
        "d.published_method, length(d.text) AS chars, "
        "(SELECT count(DISTINCT event_id) FROM event_mentions m WHERE m.doc_id = d.doc_id) AS events "
        "FROM documents d ORDER BY d.seq DESC LIMIT ? OFFSET ?",
        [limit, offset],
    )
    for d in items:
        d["label"] = _doc_label(d)
    return {"total": total, "limit": limit, "offset": offset,
            "next_offset": offset + limit if offset + limit < total else None, "items": items}


def document(db: Db, doc_id: str) -> dict:
    """A document's clean text with removed boilerplate re-inserted where it stood."""
    doc = db.one(
        "SELECT doc_id, path, url, source, title, language, CAST(published AS VARCHAR) AS published, "
        "published_method, published_confidence, published_given, text, story_id, copy_of, spin_score, "
        "coder_version, CAST(ingested_at AS VARCHAR) AS ingested_at FROM documents WHERE doc_id = ?",
        [doc_id],
    )
    if doc is None:
        raise NotFound(f"no document with id {doc_id!r}")
    removed = db.query("SELECT n, position AS at, text, reason FROM removed WHERE doc_id = ? ORDER BY n", [doc_id])
    repairs = db.query(
        "SELECT n, position AS at, frm AS \"from\", \"to\", kind FROM repairs WHERE doc_id = ? ORDER BY n", [doc_id])
    evs = fetch_events(db, "event_id IN (SELECT event_id FROM event_mentions WHERE doc_id = ?)", [doc_id],
                       MAX_LIMIT)
    spans = []
    for ev in evs:
        for m in ev["mentions"]:
            if m["doc_id"] == doc_id:
                spans.append((m["start"], m["end"], ev["event_id"]))
    doc["label"] = _doc_label(doc)
    doc["removed"] = removed
    doc["repairs"] = repairs
    doc["segments"] = _segments(doc["text"], removed, spans)
    doc["events"] = evs
    return doc


def _doc_label(d: dict) -> str:
    if d.get("title"):
        return d["title"]
    return f"{d.get('source') or 'Untitled document'}, {d.get('published') or 'date unknown'}"


def _segments(text: str, removed: list[dict], spans: list[tuple[int, int, str]]) -> list[dict]:
    """Split ``text`` into pieces for display.

    ``removed`` spans (boilerplate) are inserted at their ``at`` offset as ``removed``
    pieces; ``spans`` (start, end, tag) mark highlighted sentences (``kind: "mark"``, with
    every tag of the sentence). Overlapping marks are merged into one piece.
    """
    marks: dict[tuple[int, int], list[str]] = {}
    for s, e, tag in spans:
        marks.setdefault((max(0, s), min(len(text), e)), []).append(tag)
    merged: list[list] = []
    for (s, e), tags in sorted(marks.items()):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            merged[-1][2] += tags
        else:
            merged.append([s, e, list(tags)])
    inserts = sorted(((r["at"], i, r) for i, r in enumerate(removed)), key=lambda x: (x[0], x[1]))
    out: list[dict] = []
    pos = 0

    def plain(upto: int) -> None:
        nonlocal pos
        while pos < upto:
            nxt = next((m for m in merged if m[1] > pos), None)
            if nxt is None or nxt[0] >= upto:
                out.append({"kind": "text", "text": text[pos:upto]})
                pos = upto
            elif nxt[0] > pos:
                out.append({"kind": "text", "text": text[pos:nxt[0]]})
                pos = nxt[0]
            else:
                end = min(nxt[1], upto)
                out.append({"kind": "mark", "text": text[pos:end], "tags": nxt[2]})
                pos = end

    for at, _, r in inserts:
        at = max(0, min(at, len(text)))
        plain(at)
        out.append({"kind": "removed", "text": r["text"], "reason": r["reason"]})
    plain(len(text))
    return [p for p in out if p["text"]]


# -- dyads ---------------------------------------------------------------------------------
def dyads(db: Db, limit: int = 20, offset: int = 0) -> dict:
    """Country pairs with the most events (undirected; events inside one country left out)."""
    check_page(limit, offset)
    rows = db.query(
        "SELECT least(source_country, target_country) AS a, greatest(source_country, target_country) AS b, "
        "count(*) AS events, sum(CASE WHEN quad_class <= 2 THEN 1 ELSE 0 END) AS cooperation, "
        "sum(CASE WHEN quad_class >= 3 THEN 1 ELSE 0 END) AS conflict, round(avg(goldstein), 2) AS mean_goldstein, "
        "CAST(max(date) AS VARCHAR) AS last_date "
        "FROM events WHERE source_country IS NOT NULL AND target_country IS NOT NULL "
        "AND source_country <> target_country GROUP BY ALL ORDER BY events DESC, a, b LIMIT ? OFFSET ?",
        [limit, offset],
    )
    for r in rows:
        r["url"] = urls.dyad(r["a"], r["b"])
    return {"limit": limit, "offset": offset, "items": rows}


def dyad(db: Db, a: str, b: str, q: EventQuery, measure: str = "events", limit: int = 100,
         offset: int = 0) -> dict:
    """Everything the dyad page shows: monthly counts by quad class, the Goldstein balance,
    counts by PLOVER type and a page of the timeline, all under the same filters."""
    if measure not in MEASURES:
        raise FilterError("measure", f"expected events or reports, got {measure!r}")
    check_page(limit, offset)
    q = EventQuery(**{**q.__dict__, "dyad": (a, b), "actor": None})
    where, params = q.where()
    weight = "n" if measure == "reports" else "1"
    # One scan: the filtered events (with their mention counts) aggregated three ways.
    rows = db.query(
        f"WITH f AS MATERIALIZED (SELECT event_id, date, quad_class, plover, goldstein FROM events WHERE {where}), "
        "m AS (SELECT event_id, count(*) AS n FROM event_mentions "
        "WHERE event_id IN (SELECT event_id FROM f) GROUP BY event_id), "
        "x AS (SELECT f.*, coalesce(m.n, 1) AS n, strftime(f.date, '%Y-%m') AS month FROM f LEFT JOIN m USING (event_id)) "
        "SELECT GROUPING(month, quad_class, plover) AS g, month, quad_class, coalesce(plover, '(none)') AS plover, "
        "count(*) AS events, sum(n) AS reports, "
        f"sum(coalesce(goldstein, 0) * {weight}) AS goldstein, "
        "count(*) FILTER (WHERE date IS NULL) AS undated, "
        "sum(CASE WHEN quad_class <= 2 THEN 1 ELSE 0 END) AS cooperation, "
        "sum(CASE WHEN quad_class >= 3 THEN 1 ELSE 0 END) AS conflict, round(avg(goldstein), 2) AS mean_goldstein, "
        "CAST(min(date) AS VARCHAR) AS first, CAST(max(date) AS VARCHAR) AS last "
        "FROM x GROUP BY GROUPING SETS ((month, quad_class), (plover), ()) ORDER BY month, quad_class",
        params,
    )
    monthly, balance, by_type = [], {}, []
    totals = {"events": 0, "undated": 0, "reports": 0, "mean_goldstein": None, "first": None, "last": None}
    for r in rows:
        if r["g"] == 0b111:  # the grand total
            totals = {"events": r["events"], "undated": r["undated"], "reports": int(r["reports"] or 0),
                      "mean_goldstein": r["mean_goldstein"], "first": r["first"], "last": r["last"]}
        elif r["g"] == 0b110:  # per PLOVER type
            by_type.append({k: r[k] for k in ("plover", "events", "cooperation", "conflict", "mean_goldstein")})
        elif r["month"] is not None:  # per month and quad class (dated events only)
            label, _colour = QUADS.get(r["quad_class"], ("unknown", "#999999"))
            count = r["events"] if measure == "events" else int(r["reports"])
            monthly.append({"month": r["month"], "quad_class": r["quad_class"], "quad": label,
                            "events": r["events"], "reports": int(r["reports"]), "count": count})
            bal = balance.setdefault(r["month"], {"month": r["month"], "goldstein": 0.0, "count": 0})
            bal["goldstein"] += float(r["goldstein"] or 0)
            bal["count"] += count
    for bal in balance.values():
        bal["goldstein"] = round(bal["goldstein"], 2)
        bal["mean"] = round(bal["goldstein"] / bal["count"], 2) if bal["count"] else None
    by_type.sort(key=lambda t: (-t["events"], t["plover"]))
    timeline = fetch_events(db, where, params, limit, offset)
    return {
        "a": a, "b": b, "directed": q.directed, "measure": measure,
        "filters": {k: v for k, v in q.params().items() if v and k != "actor"},
        "totals": totals,
        "monthly": monthly,
        "balance": list(balance.values()),
        "by_type": by_type,
        "timeline": {"total": totals["events"], "limit": limit, "offset": offset,
                     "next_offset": offset + limit if offset + limit < totals["events"] else None,
                     "items": timeline},
        "notes": [REPORTS_NOTE,
                  "Dates of month or year precision sit on the first day of their period; "
                  "undated events are counted in the totals but not charted."],
    }


def dyad_chart_spec(view: dict) -> dict:
    """A Vega-Lite spec for the dyad page: stacked monthly counts by quad class above the
    monthly Goldstein balance (sum of Goldstein scores, weighted by the chosen measure)."""
    measure = view["measure"]
    order = [QUADS[k][0] for k in sorted(QUADS)]
    colours = [QUADS[k][1] for k in sorted(QUADS)]
    x = {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": None,
         "axis": {"format": "%b %Y", "labelAngle": 0, "grid": False}}
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
                          "title": f"{measure} per month", "axis": {"tickMinStep": 1}},
                    "color": {"field": "quad", "type": "nominal", "title": "Quad class",
                              "scale": {"domain": order, "range": colours},
                              "sort": order},
                    "order": {"field": "quad_class"},
                    "tooltip": [
                        {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": "Month"},
                        {"field": "quad", "title": "Quad class"},
                        {"field": "events", "title": "Events"},
                        {"field": "reports", "title": "Reports"},
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
                    "y": {"field": "goldstein", "type": "quantitative",
                          "title": "Goldstein balance"},
                    "color": {"condition": {"test": "datum.goldstein < 0", "value": QUADS[4][1]},
                              "value": QUADS[1][1]},
                    "tooltip": [
                        {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": "Month"},
                        {"field": "goldstein", "title": "Goldstein sum", "format": "+.1f"},
                        {"field": "mean", "title": "Mean per " + measure[:-1], "format": "+.2f"},
                        {"field": "count", "title": measure.capitalize()},
                    ],
                },
            },
        ],
    }


# -- actors ----------------------------------------------------------------------------------
_COUNTRY = re.compile(r"^[A-Z]{3}$")


def actor(db: Db, actor_id: str, limit: int = 100) -> dict:
    """An actor (an actor id, or a country code for everyone of that country): who it is,
    how often it acts and is acted upon, who it deals with most, and its latest events."""
    check_page(limit, 0)
    info = db.one("SELECT actor_id, name, country, sector FROM actors WHERE actor_id = ?", [actor_id])
    is_country = info is None and bool(_COUNTRY.match(actor_id))
    if info is None and not is_country:
        raise NotFound(f"no actor with id {actor_id!r} (use an actor id such as KIM_JONG_UN or a country code)")
    if is_country:
        info = {"actor_id": actor_id, "name": actor_id, "country": actor_id, "sector": None}
        s_cond, t_cond = "source_country = ?", "target_country = ?"
    else:
        s_cond, t_cond = "source_actor_id = ?", "target_actor_id = ?"
    roles = db.one(
        f"SELECT count(*) FILTER (WHERE {s_cond}) AS as_source, count(*) FILTER (WHERE {t_cond}) AS as_target, "
        f"count(*) AS events, CAST(min(date) AS VARCHAR) AS first, CAST(max(date) AS VARCHAR) AS last, "
        f"round(avg(goldstein), 2) AS mean_goldstein FROM events WHERE {s_cond} OR {t_cond}",
        [actor_id] * 4,
    )
    # The counterpart of each event: the other side, at actor level (country level for countries).
    key = "country" if is_country else "actor_id"
    partners = db.query(
        f"WITH mine AS (SELECT *, {s_cond} AS is_src FROM events WHERE {s_cond} OR {t_cond}), "
        "other AS (SELECT CASE WHEN is_src THEN target_" + key + " ELSE source_" + key + " END AS id, "
        "CASE WHEN is_src THEN target_name ELSE source_name END AS name, "
        "CASE WHEN is_src THEN target_country ELSE source_country END AS country, "
        "is_src, quad_class, goldstein FROM mine) "
        "SELECT id, any_value(name) AS name, any_value(country) AS country, count(*) AS events, "
        "count(*) FILTER (WHERE is_src) AS outgoing, count(*) FILTER (WHERE NOT is_src) AS incoming, "
        "sum(CASE WHEN quad_class <= 2 THEN 1 ELSE 0 END) AS cooperation, "
        "sum(CASE WHEN quad_class >= 3 THEN 1 ELSE 0 END) AS conflict, round(avg(goldstein), 2) AS mean_goldstein "
        "FROM other WHERE id IS NOT NULL AND id <> ? GROUP BY id ORDER BY events DESC, id LIMIT 25",
        [actor_id, actor_id, actor_id, actor_id],
    )
    for p in partners:
        if is_country:
            p["name"] = p["id"]
        p["url"] = urls.actor(p["id"])
        a, b = (actor_id, p["id"]) if is_country else (info["country"], p["country"])
        p["dyad_url"] = urls.dyad(a, b) if a and b and a != b else None
    evs = fetch_events(db, f"({s_cond} OR {t_cond})", [actor_id, actor_id], limit, newest_first=True)
    return {"actor": info, "kind": "country" if is_country else "actor", "roles": roles,
            "partners": partners, "events": evs, "events_total": roles["events"],
            "events_url": urls.events(actor=actor_id)}


# -- home and search ------------------------------------------------------------------------
def home(db: Db) -> dict:
    figures = db.one(
        "SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM events) AS events, "
        "(SELECT count(*) FROM event_mentions) AS reports, (SELECT count(*) FROM actors) AS actors, "
        "(SELECT CAST(min(date) AS VARCHAR) FROM events) AS first_event, "
        "(SELECT CAST(max(date) AS VARCHAR) FROM events) AS last_event, "
        "(SELECT CAST(min(published) AS VARCHAR) FROM documents) AS first_published, "
        "(SELECT CAST(max(published) AS VARCHAR) FROM documents) AS last_published"
    )
    return {"figures": figures, "dyads": dyads(db, 10)["items"], "latest_documents": documents(db, 10)["items"]}


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(db: Db, q: str, limit: int = 50) -> dict:
    q = (q or "").strip()
    if len(q) < 2 or len(q) > 200:
        raise FilterError("q", "expected 2 to 200 characters")
    check_page(limit, 0)
    pat = _like(q)
    docs = db.query(
        "SELECT doc_id, title, source, CAST(published AS VARCHAR) AS published, "
        "strpos(lower(text), lower(?)) AS hit, text FROM documents "
        "WHERE title ILIKE ? ESCAPE '\\' OR text ILIKE ? ESCAPE '\\' ORDER BY published DESC NULLS LAST, doc_id "
        "LIMIT ?",
        [q, pat, pat, limit],
    )
    for d in docs:
        text, hit = d.pop("text"), d.pop("hit")
        d["label"] = _doc_label(d)
        if hit:
            s = max(0, hit - 1 - 80)
            d["snippet"] = _segments(text[s: hit - 1 + len(q) + 80], [],
                                     [(hit - 1 - s, hit - 1 - s + len(q), "hit")])
            d["snippet_cut"] = [s > 0, hit - 1 + len(q) + 80 < len(text)]
        else:
            d["snippet"], d["snippet_cut"] = [], [False, False]
    evs = fetch_events(db, "sentence ILIKE ? ESCAPE '\\'", [pat], limit, newest_first=True)
    return {"q": q, "documents": docs, "events": evs, "limit": limit, "note": SEARCH_NOTE}
