"""Reading a store back: documents, stories and events in the stable record formats
(docs/SCHEMA.md), and what a batch added."""

from __future__ import annotations

import json
from typing import Iterable

import duckdb

from .schema import EVENTS_ONLY, StoreError


class _Reading:
    """``Store``'s reading methods (a ``Store`` holds ``con``)."""

    def remember_codes(self) -> None:
        """Tell the query layer which country and sector codes this store's events carry, so
        that a code from a user's actor file filters as a known one (``query.known_code``)."""
        from ..query import remember_codes

        try:
            codes, sectors = self.con.execute(
                "SELECT list_distinct(list(source_country) || list(target_country)), "
                "list_distinct(list(source_sector) || list(target_sector)) FROM events").fetchone()
        except duckdb.Error:  # no events table yet (a store being created)
            return
        remember_codes(codes or [], sectors or [])

    def tally(self, doc_ids: Iterable[str]) -> dict[str, int]:
        """What the given documents hold: ``documents``, ``undated_documents``,
        ``default_dated`` (dated by --default-date), ``reports`` (coded reports), ``events``
        (each event once: reports of one event share its ``event_group``) and
        ``undated_events`` (events whose representative report has no date)."""
        ids = list(doc_ids)
        if not ids:
            return dict.fromkeys(("documents", "undated_documents", "default_dated", "reports", "events",
                                  "undated_events"), 0)
        return self._tally("doc_id IN (SELECT unnest(?))", [ids])

    def tally_where(self, where: str, params: list) -> dict[str, int]:
        """``tally`` of the documents matching ``where`` (SQL over ``documents``), for sets
        too large to pass as a list of ids."""
        return self._tally(f"doc_id IN (SELECT doc_id FROM documents WHERE {where})", params)

    def _tally(self, cond: str, params: list) -> dict[str, int]:
        out = {}
        (out["documents"], out["undated_documents"], out["default_dated"]), = self.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE published IS NULL), "
            f"count(*) FILTER (WHERE published_method = 'default') FROM documents WHERE {cond}",
            params).fetchall()
        (out["reports"], out["events"], out["undated_events"]), = self.con.execute(
            f"WITH mine AS (SELECT event_id, coalesce(event_group, event_id) AS gid FROM events WHERE {cond}), "
            "groups AS (SELECT DISTINCT gid FROM mine) "
            "SELECT (SELECT count(*) FROM mine), count(*), count(*) FILTER (WHERE r.date IS NULL) "
            "FROM groups LEFT JOIN events r ON r.event_id = groups.gid", params).fetchall()
        return out

    def query(self, sql: str, params: list | None = None) -> list[dict]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def documents(self, limit: int | None = None) -> list[dict]:
        sql = (
            "SELECT doc_id, path, url, source, title, language, CAST(published AS VARCHAR) AS published, "
            "published_method, published_confidence, text, story_id, copy_of, copy_similarity, "
            "spin_score, spin_evidence, about_politics "
            "FROM documents ORDER BY seq"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.query(sql)

    def document(self, doc_id: str) -> dict:
        rows = self.query(
            "SELECT doc_id, path, url, source, title, language, CAST(published AS VARCHAR) AS published, "
            "published_method, published_confidence, text, story_id, copy_of, copy_similarity, "
            "spin_score, spin_evidence, about_politics "
            "FROM documents WHERE doc_id = ?",
            [doc_id],
        )
        if not rows:
            raise StoreError(f"no document with id {doc_id!r}")
        doc = rows[0]
        doc["removed"] = self.query(
            "SELECT text, reason, position AS at FROM removed WHERE doc_id = ? ORDER BY n", [doc_id]
        )
        doc["repairs"] = [
            {"from": r["frm"], "to": r["to"], "at": r["at"]}
            for r in self.query("SELECT frm, \"to\", position AS at FROM repairs WHERE doc_id = ? ORDER BY n", [doc_id])
        ]
        return doc

    def stories(self, limit: int | None = None, min_docs: int = 1) -> list[dict]:
        """Stories, latest first (by their last event date, then first publication)."""
        sql = (
            f"SELECT {_STORY_COLS} FROM stories WHERE num_docs >= ? "
            "ORDER BY end_date DESC NULLS LAST, last_published DESC NULLS LAST, story_id"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.query(sql, [min_docs])

    def story(self, story_id: str) -> dict:
        """One story (a unique id prefix will do, ``query.resolve_story_id``) with its
        documents, earliest first. StoreError for a malformed, unknown or ambiguous id."""
        from ..query import FilterError, NotFound, resolve_story_id

        try:
            story_id = resolve_story_id(self.query, story_id)
        except (FilterError, NotFound) as exc:
            raise StoreError(str(exc).removeprefix("story_id: ")) from None
        story = self.query(f"SELECT {_STORY_COLS} FROM stories WHERE story_id = ?", [story_id])[0]
        story["documents"] = self.query(
            "SELECT doc_id, path, url, source, title, CAST(published AS VARCHAR) AS published, "
            "published_method, copy_of, copy_similarity, spin_score FROM documents WHERE story_id = ? "
            "ORDER BY published NULLS LAST, seq", [story["story_id"]])
        return story

    def events(self, where: str = "TRUE", params: list | None = None, limit: int | None = None,
               reports: bool = False) -> list[dict]:
        """Event records in the stable record format, oldest event first.

        By default one record per event: the report that represents it, with the mentions
        of every report merged into it (see stories.py). ``reports=True`` gives every coded
        report on its own. The filter and limit apply before mentions are gathered, so a
        small page of a large store stays cheap.
        """
        limit_sql = f" LIMIT {int(limit)}" if limit else ""
        dedup = "TRUE" if reports else f"({EVENTS_ONLY})"
        # the reports behind each event of the page, found before anything is joined
        reports_sql = ("SELECT event_id, event_id AS gid FROM page" if reports else
                       "SELECT event_id, coalesce(event_group, event_id) AS gid FROM events "
                       "WHERE coalesce(event_group, event_id) IN (SELECT event_id FROM page)")
        sql = (
            "WITH page AS (SELECT *, CAST(date AS VARCHAR) AS date_s FROM events "
            f"WHERE {dedup} AND ({where}) ORDER BY date NULLS LAST, doc_id, sent_idx, event_id{limit_sql}), "
            f"r AS MATERIALIZED ({reports_sql}), "
            "m AS (SELECT r.gid, list(struct_pack(doc_id := em.doc_id, sentence := em.sentence, "
            "start := em.start, \"end\" := em.\"end\") ORDER BY d.published NULLS LAST, d.seq, em.sent_idx) "
            "AS mentions, count(DISTINCT coalesce(d.copy_of, d.doc_id)) AS num_independent, "
            "arg_min(d.doc_id, (coalesce(d.published, DATE '9999-12-31'), d.seq)) AS first_reported "
            "FROM r JOIN event_mentions em ON em.event_id = r.event_id "
            "JOIN documents d ON d.doc_id = em.doc_id GROUP BY r.gid) "
            "SELECT page.*, m.mentions, m.num_independent, m.first_reported, f.url AS first_url, "
            "f.source AS first_outlet, CAST(f.published AS VARCHAR) AS first_published FROM page "
            "LEFT JOIN m ON m.gid = page.event_id "
            "LEFT JOIN documents f ON f.doc_id = coalesce(m.first_reported, page.doc_id) "
            "ORDER BY page.date NULLS LAST, page.doc_id, page.sent_idx, page.event_id"
        )
        return [event_record(r) for r in self.query(sql, params)]


_STORY_COLS = (
    "story_id, title, title_doc_id, CAST(start_date AS VARCHAR) AS start_date, "
    "CAST(end_date AS VARCHAR) AS end_date, CAST(first_published AS VARCHAR) AS first_published, "
    "CAST(last_published AS VARCHAR) AS last_published, num_docs, num_independent, num_events"
)


def _actor(row: dict, side: str) -> dict | None:
    if side == "target" and row.get("target_text") is None:
        return None
    return {k: row.get(f"{side}_{k}") for k in ("text", "name", "country", "sector", "actor_id")}


def event_record(row: dict) -> dict:
    """A stored event row as the stable JSONL record (see the core-engine record format).

    Fields after ``story_id`` are extensions: ``num_independent`` (sources, copies counted
    once), ``first_reported`` (the document that reported it first), ``date_method``
    (``text``, ``document`` or ``story``: taken from another report of the same story), and
    that first report's ``source_url``, ``outlet`` and ``published`` date, and
    ``event_group`` (with ``--reports``: the event each report belongs to).
    """
    mentions, seen = [], set()
    for m in row.get("mentions") or []:
        key = (m["doc_id"], m["start"])
        if key not in seen:  # a sentence coded both ways is one mention
            seen.add(key)
            mentions.append(dict(m))
    doc_ids = sorted({m["doc_id"] for m in mentions}) or [row["doc_id"]]
    loc = None
    if row.get("location_name"):
        loc = {
            "name": row["location_name"],
            "country": row["location_country"],
            "lat": row["location_lat"],
            "lon": row["location_lon"],
        }
    return {
        "event_id": row["event_id"],
        "doc_ids": doc_ids,
        "sentence": row["sentence"],
        "mentions": mentions,
        "source": _actor(row, "source"),
        "target": _actor(row, "target"),
        "cameo": row["cameo"],
        "plover": row["plover"],
        "mode": row["mode"],
        "quad_class": row["quad_class"],
        "goldstein": row["goldstein"],
        "date": row.get("date_s"),
        "date_precision": row["date_precision"],
        "modality": row["modality"],
        "attributed_to": row["attributed_to"],
        "background": bool(row["background"]),
        "location": loc,
        "confidence": row["confidence"],
        "coder_version": row["coder_version"],
        "num_sources": len(doc_ids),
        "num_mentions": max(len(mentions), 1),
        "story_id": row.get("story_id"),
        # extensions
        "num_independent": row.get("num_independent") or 1,
        "first_reported": row.get("first_reported") or row["doc_id"],
        "date_method": row.get("date_method") or ("document" if row["date_precision"] == "document" else "text"),
        # where the event was first reported: that document's URL, outlet and publication date
        "source_url": row.get("first_url"),
        "outlet": row.get("first_outlet"),
        "published": row.get("first_published"),
        # the event a report belongs to (the event_id of the report that represents it);
        # an event's own record names itself
        "event_group": row.get("event_group") or row["event_id"],
    }


def doc_record(doc: dict) -> dict:
    """A stored document as the stable JSONL record (see the core-engine record format)."""
    return {
        "doc_id": doc["doc_id"],
        "path": doc["path"],
        "url": doc["url"],
        "source": doc["source"],
        "title": doc["title"],
        "language": doc["language"],
        "published": doc["published"],
        "published_method": doc["published_method"],
        "published_confidence": doc["published_confidence"],
        "text": doc["text"],
        "removed": [{"text": r["text"], "reason": r["reason"]} for r in doc.get("removed", [])],
        "repairs": [{"from": r["from"], "to": r["to"]} for r in doc.get("repairs", [])],
        "story_id": doc["story_id"],
        "copy_of": doc["copy_of"],
        "spin_score": doc["spin_score"],
        # extensions (after the stable fields)
        "copy_similarity": doc.get("copy_similarity"),
        "spin_evidence": json.loads(doc["spin_evidence"]) if doc.get("spin_evidence") else [],
        "about_politics": doc.get("about_politics"),
    }


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, default=str)
