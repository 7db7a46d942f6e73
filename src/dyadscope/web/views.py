"""What each page shows, as one plain dict per view.

Every function here takes a :class:`Db` (a read-only, time-capped cursor on the store) and
user parameters, and returns a JSON-ready dict. The API serves these dicts as they are; the
HTML pages render the same dicts through Jinja2 templates. No SQL text ever contains a user
value: values travel as parameters, filters come from :mod:`dyadscope.query`.
"""

from __future__ import annotations

import re
import threading
from datetime import date
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode

import duckdb

from ..query import (  # noqa: F401
    COUNTED_MODALITY, MODALITIES, EventFilter, FilterError, NotFound, known_code,
    nowhere_note, parse_background, resolve_doc_id, resolve_actor_id, resolve_event_id, resolve_story_id,
    where_clause,
)
from ..actors import country_name
from ..coder.relevance import describe as describe_politics
from ..spin import SPIN_THRESHOLD
from ..store import EVENTS_ONLY, event_record

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
    "Events count each deduplicated event once: reports of one happening by several documents of "
    "a story are merged into one event (see the Sources column). Reports count every coded report "
    "on its own, under its own type and direction (what dyadscope events --reports lists), so the "
    "reports measure is at least the events measure and grows with press attention."
)
# Events: one row per event, the report that represents it (see store.EVENTS_ONLY).
DEDUP = f"({EVENTS_ONLY})"
SEARCH_NOTE = (
    "Search is a plain case-insensitive substring match (SQL ILIKE) over document titles, "
    "document text and event sentences; no ranking, stemming or full-text index."
)


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

    def story(self, story_id: str) -> str:
        return f"/story/{_seg(story_id)}"

    def stories(self, **params: Any) -> str:
        return self.q("/stories", **params)

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
# The web's event filters are the library's: one dataclass, one constructor (query.event_filter).
EventQuery = EventFilter


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise FilterError("limit", f"expected 1 to {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise FilterError("offset", f"expected 0 or more, got {offset}")


# -- events -------------------------------------------------------------------------------
def fetch_events(db: Db, where: str, params: list, limit: int, offset: int = 0,
                 newest_first: bool = False, reports: bool = False) -> list[dict]:
    """Event records (the stable format of docs/SCHEMA.md), one page of them.

    As ``Store.events``: by default one record per deduplicated event (the report that
    represents it, with the mentions of all its reports merged: num_sources, num_mentions,
    num_independent, first_reported); ``reports=True`` gives each coded report on its own.
    The filter, order and page apply first, so mentions are gathered for one page only.
    """
    direction = "DESC" if newest_first else ""
    order = "date {d} NULLS LAST, doc_id, sent_idx, event_id".format(d=direction)
    page = db.query(
        f"SELECT *, CAST(date AS VARCHAR) AS date_s FROM events WHERE {'TRUE' if reports else DEDUP} AND ({where}) "
        f"ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}", params)
    if not page:
        return []
    # The mentions of every report of the page's events (in `reports` mode, of the page's
    # own reports), with their documents; the small reports set is materialized first so
    # DuckDB never joins the whole events table with every mention. Grouped here in Python,
    # as Store.events groups them in SQL.
    if reports:
        rep_cte = "r AS MATERIALIZED (SELECT unnest(?) AS event_id, event_id AS gid)"
    else:
        rep_cte = ("r AS MATERIALIZED (SELECT event_id, coalesce(event_group, event_id) AS gid FROM events "
                   "WHERE coalesce(event_group, event_id) IN (SELECT unnest(?)))")
    rows = db.query(
        f"WITH {rep_cte}, em AS MATERIALIZED (SELECT r.gid, x.* FROM event_mentions x JOIN r ON x.event_id = r.event_id "
        "WHERE x.event_id IN (SELECT event_id FROM r)) "
        "SELECT em.gid, em.doc_id, em.sentence, em.start, em.\"end\", em.sent_idx, d.published, d.seq, d.copy_of, "
        "d.url, d.source "
        "FROM em JOIN documents d ON d.doc_id = em.doc_id",
        [[r["event_id"] for r in page]])
    by_gid: dict[str, list[dict]] = {}
    for m in rows:
        by_gid.setdefault(m["gid"], []).append(m)
    far = date.max
    for r in page:
        ms = sorted(by_gid.get(r["event_id"], []),
                    key=lambda m: (m["published"] is None, m["published"] or far, m["seq"], m["sent_idx"]))
        r["mentions"] = [{"doc_id": m["doc_id"], "sentence": m["sentence"], "start": m["start"], "end": m["end"]}
                         for m in ms]
        r["num_independent"] = len({m["copy_of"] or m["doc_id"] for m in ms}) or None
        first = min(ms, key=lambda m: (m["published"] or far, m["seq"]), default=None)
        r["first_reported"] = first["doc_id"] if first else None
        if first:
            r["first_url"], r["first_outlet"] = first["url"], first["source"]
            r["first_published"] = first["published"].isoformat() if first["published"] else None
    return [event_record(r) for r in page]


def count_events(db: Db, where: str, params: list, reports: bool = False) -> int:
    dedup = "TRUE" if reports else DEDUP
    return db.scalar(f"SELECT count(*) FROM events WHERE {dedup} AND ({where})", params)


def events(db: Db, q: EventQuery, limit: int = 100, offset: int = 0, reports: bool = False) -> dict:
    """A page of deduplicated events (or, ``reports``, of raw reports) matching the filters,
    oldest first, with the total; ``note`` says why none match when a name matches no stored
    event at all (as the CLI's note does), else None."""
    check_page(limit, offset)
    where, params = q.where()
    total = count_events(db, where, params, reports)
    items = fetch_events(db, where, params, limit, offset, reports=reports)
    return {
        "note": nowhere_note(db.query, q) if not total else None,
        "filters": {k: v for k, v in q.params().items() if v} | (
            {"dyad": list(q.dyad), "directed": q.directed} if q.dyad else {}),
        "reports": reports,
        "total": total, "limit": limit, "offset": offset,
        "next_offset": offset + limit if offset + limit < total else None,
        "items": items,
    }


# a document's first line (its label when it has no title, as ``dyadscope docs`` lists it)
_FIRST_LINE = "left(split_part(ltrim({t}text), chr(10), 1), 200) AS first_line"


def _first_line(text: str | None) -> str:
    return (text or "").lstrip().split("\n", 1)[0][:200]


_DOC_COLS = (
    "d.doc_id, d.title, d.source, d.url, d.path, CAST(d.published AS VARCHAR) AS published, d.published_method, "
    "d.published_confidence, d.story_id, d.copy_of, d.copy_similarity, d.spin_score, " + _FIRST_LINE.format(t="d.")
)


def _doc_flags(d: dict) -> dict:
    d["label"] = _doc_label(d)
    d["spun"] = d.get("spin_score") is not None and d["spin_score"] >= SPIN_THRESHOLD
    return d


def event(db: Db, event_id: str) -> dict:
    """One deduplicated event: its fields, how its date was found, every report of it (with
    its outlet, copies and own date) and every mention highlighted in its document.

    The id of any report of the event leads here too (``report_id`` names it), and so does a
    unique prefix of either, as lists show them."""
    event_id = resolve_event_id(db.query, event_id)  # NotFound unless one event or report has it
    row = db.one("SELECT coalesce(event_group, event_id) AS grp FROM events WHERE event_id = ?", [event_id])
    rows = fetch_events(db, "event_id = ?", [row["grp"]], 1)
    if not rows:  # a report whose representative is gone: show the report itself
        rows = fetch_events(db, "event_id = ?", [event_id], 1, reports=True)
    ev = rows[0]
    reports = db.query(
        "SELECT e.event_id, e.doc_id, e.sent_idx, e.sentence, e.cameo, e.plover, e.source_name, e.source_text, "
        "e.target_name, e.target_text, CAST(e.date AS VARCHAR) AS date, e.date_precision, e.date_method, "
        "CAST(e.coded_date AS VARCHAR) AS coded_date, e.coded_precision, e.event_id = ? AS representative "
        "FROM events e JOIN documents d USING (doc_id) WHERE coalesce(e.event_group, e.event_id) = ? "
        f"ORDER BY d.published NULLS LAST, d.seq, e.sent_idx, e.event_id LIMIT {MAX_LIMIT}",
        [ev["event_id"], ev["event_id"]],
    )
    doc_ids = sorted(set(ev["doc_ids"]) | {r["doc_id"] for r in reports})
    docs = {
        d["doc_id"]: _doc_flags(d)
        for d in db.query(
            f"SELECT {_DOC_COLS}, d.text, o.title AS copy_of_title, o.source AS copy_of_source "
            "FROM documents d LEFT JOIN documents o ON o.doc_id = d.copy_of "
            "WHERE d.doc_id IN (SELECT unnest(?)) ORDER BY d.published NULLS LAST, d.seq",
            [doc_ids],
        )
    }
    story = None
    if ev.get("story_id"):
        story = db.one("SELECT story_id, title, num_docs FROM stories WHERE story_id = ?", [ev["story_id"]])
    rep_doc = docs.get(next((r["doc_id"] for r in reports if r["representative"]), ev["doc_ids"][0]))
    anchor = _anchor_doc(db, ev) if ev["date_method"] == "story" else None
    for r in reports:
        d = docs.get(r["doc_id"])
        r["doc_label"] = d["label"] if d else r["doc_id"]
        r["date_explained"] = _report_date(r, ev, rep_doc, anchor)
    mentions = []
    for m in ev["mentions"]:
        d = docs.get(m["doc_id"])
        if d is None:
            continue
        mentions.append({
            "doc_id": m["doc_id"], "title": d["title"], "label": d["label"], "source": d["source"],
            "published": d["published"], "copy_of": d["copy_of"], "sentence": m["sentence"],
            "start": m["start"], "end": m["end"],
            "segments": _segments(d["text"], [], [(m["start"], m["end"], "mention")]),
        })
    sources = []
    for d in docs.values():
        sources.append({k: d.get(k) for k in (
            "doc_id", "label", "title", "source", "url", "published", "published_method", "copy_of",
            "copy_of_title", "copy_of_source", "copy_similarity", "spin_score", "spun", "story_id")}
            | {"mentions": sum(1 for m in mentions if m["doc_id"] == d["doc_id"]),
               "first": d["doc_id"] == ev["first_reported"]})
    return {"event": ev, "report_id": event_id if event_id != ev["event_id"] else None,
            "date_explained": _date_explained(ev, rep_doc, anchor, reports),
            "quad_label": QUADS.get(ev["quad_class"], ("?", ""))[0], "story": story,
            "sources": sources, "reports": reports, "mentions": mentions}


def _anchor_doc(db: Db, ev: dict) -> dict | None:
    """The story document whose firm publication date a floating event took (stories.anchor_date)."""
    if not ev.get("story_id") or not ev.get("date"):
        return None
    d = db.one(
        f"SELECT {_DOC_COLS} FROM documents d WHERE d.story_id = ? AND d.published = CAST(? AS DATE) "
        "AND coalesce(d.published_confidence, 0) >= 0.5 ORDER BY d.seq LIMIT 1", [ev["story_id"], ev["date"]])
    return _doc_flags(d) if d else None


def _pub(doc: dict | None) -> str:
    if not doc or not doc.get("published"):
        return ""
    return f" ({doc['published']}, found by {doc['published_method']})"


def _date_explained(ev: dict, doc: dict | None, anchor: dict | None = None,
                    reports: list[dict] | None = None) -> str:
    p = ev["date_precision"]
    if ev.get("date_method") == "story":
        where = f"that of “{anchor['label']}”" if anchor else "the latest firm publication date"
        text = ("No report of this event gives a firm date of its own, so it is dated from another "
                f"document in the same story: {where} ({ev['date']}).")
    else:
        text = {
            "day": "The sentence (or its paragraph) names the day.",
            "month": "The text names only the month; the date is the first day of that month.",
            "year": "The text names only the year; the date is 1 January of that year.",
            "document": f"No date in the sentence: the event takes the document's publication date{_pub(doc)}.",
            "unknown": "No date could be found for this event or its document.",
        }.get(p, f"date precision: {p}")
    borrowed = [r for r in reports or [] if r["date_method"] == "story" and not r["representative"]]
    if borrowed and ev.get("date_method") != "story":
        n = len({r["doc_id"] for r in borrowed})
        text += (f" {len(borrowed)} other report{'s' if len(borrowed) != 1 else ''} in {n} "
                 f"document{'s' if n != 1 else ''} had no firm date and {'were' if len(borrowed) != 1 else 'was'} "
                 f"dated from “{doc['label'] if doc else ev['doc_ids'][0]}” in the same story.")
    return text


def _report_date(r: dict, ev: dict, rep_doc: dict | None, anchor: dict | None) -> str:
    """How one report's date was found."""
    if r["date_method"] == "story":
        src = anchor if (r["representative"] or ev.get("date_method") == "story") else rep_doc
        label = src["label"] if src else "another document"
        return f"dated from “{label}” in the same story"
    if r["date_method"] == "document":
        return "its document's publication date"
    return "named in its text" + (f" ({r['date_precision']} precision)" if r["date_precision"] != "day" else "")


# -- documents ---------------------------------------------------------------------------
def documents(db: Db, limit: int = 100, offset: int = 0) -> dict:
    check_page(limit, offset)
    total = db.scalar("SELECT count(*) FROM documents")
    # events: the deduplicated events this document reports (a report of its own in each)
    items = db.query(
        f"WITH page AS (SELECT {_DOC_COLS}, d.seq, length(d.text) AS chars FROM documents d "
        "ORDER BY d.seq DESC LIMIT ? OFFSET ?), "
        "n AS (SELECT doc_id, count(DISTINCT coalesce(event_group, event_id)) AS events, count(*) AS reports "
        "FROM events WHERE doc_id IN (SELECT doc_id FROM page) GROUP BY doc_id) "
        "SELECT page.*, coalesce(n.events, 0) AS events, coalesce(n.reports, 0) AS reports "
        "FROM page LEFT JOIN n USING (doc_id) ORDER BY page.seq DESC",
        [limit, offset],
    )
    for d in items:
        _doc_flags(d)
    return {"total": total, "limit": limit, "offset": offset,
            "next_offset": offset + limit if offset + limit < total else None, "items": items}


def document(db: Db, doc_id: str) -> dict:
    """A document's clean text with removed boilerplate re-inserted where it stood (its id
    or a unique prefix of at least 6 characters, as lists show them, will do)."""
    doc_id = resolve_doc_id(db.query, doc_id)
    doc = db.one(
        "SELECT doc_id, path, url, source, title, language, CAST(published AS VARCHAR) AS published, "
        "published_method, published_confidence, published_given, text, story_id, copy_of, copy_similarity, "
        "spin_score, coder_version, CAST(ingested_at AS VARCHAR) AS ingested_at, about_politics "
        "FROM documents WHERE doc_id = ?",
        [doc_id],
    )
    if doc is None:
        raise NotFound(f"no document with id {doc_id!r}")
    doc["about_politics_text"] = describe_politics(doc["about_politics"])
    doc["first_line"] = _first_line(doc["text"])
    doc["story"] = None
    if doc["story_id"]:
        doc["story"] = db.one("SELECT story_id, title, num_docs, num_events FROM stories WHERE story_id = ?",
                              [doc["story_id"]])
    doc["copy_of_doc"] = None
    if doc["copy_of"]:
        doc["copy_of_doc"] = db.one("SELECT doc_id, title, source, CAST(published AS VARCHAR) AS published, "
                                    f"{_FIRST_LINE.format(t='')} FROM documents WHERE doc_id = ?", [doc["copy_of"]])
        if doc["copy_of_doc"]:
            doc["copy_of_doc"]["label"] = _doc_label(doc["copy_of_doc"])
    removed = db.query("SELECT n, position AS at, text, reason FROM removed WHERE doc_id = ? ORDER BY n", [doc_id])
    repairs = db.query(
        "SELECT n, position AS at, frm AS \"from\", \"to\", kind FROM repairs WHERE doc_id = ? ORDER BY n", [doc_id])
    # The deduplicated events with a report in this document; each keeps the mentions of all
    # its reports, and the sentences of this document are highlighted, tagged with the event.
    evs = fetch_events(db, "event_id IN (SELECT coalesce(event_group, event_id) FROM events WHERE doc_id = ?)",
                       [doc_id], MAX_LIMIT)
    spans = []
    for ev in evs:
        for m in ev["mentions"]:
            if m["doc_id"] == doc_id:
                spans.append((m["start"], m["end"], ev["event_id"]))
    _doc_flags(doc)
    doc["removed"] = removed
    doc["repairs"] = repairs
    doc["segments"] = _segments(doc["text"], removed, spans)
    doc["events"] = evs
    return doc


def _doc_label(d: dict) -> str:
    """The title, else the text's first line (as ``dyadscope docs`` shows it), else where
    and when the document is from."""
    if d.get("title"):
        return d["title"]
    first = (d.get("first_line") or "").strip()
    if first:
        return first if len(first) <= 90 else first[:89].rstrip() + "…"
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
    """Country pairs with the most (deduplicated) events, undirected; events inside one
    country left out. ``reports`` counts their raw reports. Counted as the dyad page each
    links to counts by default: asserted events, background history left out."""
    check_page(limit, offset)
    rows = db.query(
        f"WITH x AS (SELECT *, {DEDUP} AS ev FROM events WHERE source_country IS NOT NULL "
        "AND target_country IS NOT NULL AND source_country <> target_country "
        f"AND modality = '{COUNTED_MODALITY}' AND NOT coalesce(background, false)) "
        "SELECT least(source_country, target_country) AS a, greatest(source_country, target_country) AS b, "
        "count(*) FILTER (WHERE ev) AS events, count(*) AS reports, "
        "count(*) FILTER (WHERE ev AND quad_class <= 2) AS cooperation, "
        "count(*) FILTER (WHERE ev AND quad_class >= 3) AS conflict, "
        "round(avg(goldstein) FILTER (WHERE ev), 2) AS mean_goldstein, "
        "CAST(max(date) FILTER (WHERE ev) AS VARCHAR) AS last_date "
        "FROM x GROUP BY ALL HAVING count(*) FILTER (WHERE ev) > 0 ORDER BY events DESC, reports DESC, a, b "
        "LIMIT ? OFFSET ?",
        [limit, offset],
    )
    for r in rows:
        r["url"] = urls.dyad(r["a"], r["b"])
    return {"limit": limit, "offset": offset, "items": rows}


# dyad() and dyad_chart_spec() live in web/dyad.py (the dyad page and /api/series).


# -- actors ----------------------------------------------------------------------------------
def actor(db: Db, actor_id: str, limit: int = 100) -> dict:
    """An actor (named as ``query.resolve_actor_id`` reads it: an id, a name, a country's
    code or name for everyone of that country): who it is, how often it acts and is acted
    upon, who it deals with most, and its latest events."""
    check_page(limit, 0)
    actor_id, is_country = resolve_actor_id(db.query, actor_id)  # NotFound, or FilterError for several
    if is_country:
        info = {"actor_id": actor_id, "name": country_name(actor_id), "country": actor_id, "sector": None}
        s_cond, t_cond = "source_country = ?", "target_country = ?"
    else:
        info = db.one("SELECT actor_id, name, country, sector FROM actors WHERE actor_id = ?", [actor_id])
        s_cond, t_cond = "source_actor_id = ?", "target_actor_id = ?"
    # Deduplicated events (the report standing for each event); `reports` counts them all.
    roles = db.one(
        f"WITH x AS (SELECT *, {DEDUP} AS ev FROM events WHERE {s_cond} OR {t_cond}) "
        f"SELECT count(*) FILTER (WHERE ev AND {s_cond}) AS as_source, "
        f"count(*) FILTER (WHERE ev AND {t_cond}) AS as_target, "
        "count(*) FILTER (WHERE ev) AS events, count(*) AS reports, "
        "CAST(min(date) FILTER (WHERE ev) AS VARCHAR) AS first, CAST(max(date) FILTER (WHERE ev) AS VARCHAR) AS last, "
        "round(avg(goldstein) FILTER (WHERE ev), 2) AS mean_goldstein FROM x",
        [actor_id] * 4,
    )
    # The counterpart of each event: the other side, at actor level (country level for countries).
    key = "country" if is_country else "actor_id"
    partners = db.query(
        f"WITH mine AS (SELECT *, {s_cond} AS is_src FROM events WHERE {DEDUP} AND ({s_cond} OR {t_cond})), "
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
    # one scan of the events table for every event figure
    figures = db.one(
        f"WITH x AS (SELECT {DEDUP} AS ev, date FROM events), "
        "e AS (SELECT count(*) FILTER (WHERE ev) AS events, count(*) AS reports, "
        "CAST(min(date) FILTER (WHERE ev) AS VARCHAR) AS first_event, "
        "CAST(max(date) FILTER (WHERE ev) AS VARCHAR) AS last_event FROM x), "
        "d AS (SELECT count(*) AS documents, CAST(min(published) AS VARCHAR) AS first_published, "
        "CAST(max(published) AS VARCHAR) AS last_published FROM documents), "
        "s AS (SELECT count(*) AS stories, count(*) FILTER (WHERE num_docs > 1) AS multi_doc_stories FROM stories) "
        "SELECT d.documents, s.stories, s.multi_doc_stories, e.events, e.reports, "
        "(SELECT count(*) FROM event_mentions) AS mentions, (SELECT count(*) FROM actors) AS actors, "
        "e.first_event, e.last_event, d.first_published, d.last_published FROM e, d, s"
    )
    return {"figures": figures, "dyads": dyads(db, 10)["items"], "latest_stories": stories(db, 10)["items"],
            "latest_documents": documents(db, 10)["items"]}


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
        d["first_line"] = _first_line(text)
        d["label"] = _doc_label(d)
        if hit:
            s = max(0, hit - 1 - 80)
            d["snippet"] = _segments(text[s: hit - 1 + len(q) + 80], [],
                                     [(hit - 1 - s, hit - 1 - s + len(q), "hit")])
            d["snippet_cut"] = [s > 0, hit - 1 + len(q) + 80 < len(text)]
        else:
            d["snippet"], d["snippet_cut"] = [], [False, False]
    # events any of whose reports' sentences match (each event once, all its mentions)
    evs = fetch_events(db, "event_id IN (SELECT coalesce(event_group, event_id) FROM events "
                           "WHERE sentence ILIKE ? ESCAPE '\\')", [pat], limit, newest_first=True)
    return {"q": q, "documents": docs, "events": evs, "limit": limit, "note": SEARCH_NOTE}


# -- stories -----------------------------------------------------------------------------------
_STORY_COLS = (
    "story_id, title, title_doc_id, CAST(start_date AS VARCHAR) AS start_date, CAST(end_date AS VARCHAR) AS end_date, "
    "CAST(first_published AS VARCHAR) AS first_published, CAST(last_published AS VARCHAR) AS last_published, "
    "num_docs, num_independent, num_events"
)


def stories(db: Db, limit: int = 50, offset: int = 0, min_docs: int = 1) -> dict:
    """Stories, latest first (by their last event date, then last publication), as
    ``dyadscope stories``."""
    check_page(limit, offset)
    if min_docs < 1:
        raise FilterError("min_docs", f"expected 1 or more, got {min_docs}")
    total = db.scalar("SELECT count(*) FROM stories WHERE num_docs >= ?", [min_docs])
    items = db.query(
        f"SELECT {_STORY_COLS} FROM stories WHERE num_docs >= ? "
        "ORDER BY end_date DESC NULLS LAST, last_published DESC NULLS LAST, story_id LIMIT ? OFFSET ?",
        [min_docs, limit, offset])
    for st in items:
        st["url"] = urls.story(st["story_id"])
    return {"min_docs": min_docs, "total": total, "limit": limit, "offset": offset,
            "next_offset": offset + limit if offset + limit < total else None, "items": items}


def story(db: Db, story_id: str, limit: int = 200) -> dict:
    """One story (a unique prefix of its id will do): its documents, earliest first, copies
    and spun text marked, and its deduplicated events with their sources."""
    check_page(limit, 0)
    story_id = resolve_story_id(db.query, story_id)  # FilterError (malformed, ambiguous) or NotFound
    st = db.one(f"SELECT {_STORY_COLS} FROM stories WHERE story_id = ?", [story_id])
    sid = st["story_id"]
    st["documents"] = db.query(
        f"SELECT {_DOC_COLS}, o.title AS copy_of_title, o.source AS copy_of_source, "
        "(SELECT count(DISTINCT coalesce(e.event_group, e.event_id)) FROM events e WHERE e.doc_id = d.doc_id) "
        "AS events FROM documents d LEFT JOIN documents o ON o.doc_id = d.copy_of WHERE d.story_id = ? "
        f"ORDER BY d.published NULLS LAST, d.seq LIMIT {MAX_LIMIT}", [sid])
    for d in st["documents"]:
        _doc_flags(d)
        d["url_page"] = urls.document(d["doc_id"])
        d["title_doc"] = d["doc_id"] == st["title_doc_id"]
    where, params = where_clause(EventFilter(story=sid))
    st["events_total"] = count_events(db, where, params)
    st["reports_total"] = count_events(db, where, params, reports=True)
    st["events"] = fetch_events(db, where, params, limit)
    st["events_url"] = urls.events(story=sid)
    return st
