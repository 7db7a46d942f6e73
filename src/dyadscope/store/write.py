"""Writing a store: whole batches of documents in one transaction, metadata filled in,
documents retracted, and what the copy and story trackers read back and write (copies,
grouping features, event reports, stories)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from .. import stories
from ..models import CleanDoc, Event, PubDate, Sentence
from ..query import FilterError, NotFound, resolve_doc_id
from .schema import DERIVED, StoreError


@dataclass
class DocRecord:
    """Everything stored for one processed document."""

    clean: CleanDoc
    pubdate: PubDate
    sentences: list[Sentence]
    events: list[Event]
    actor_mentions: list[tuple] = field(default_factory=list)  # (sent_idx, start, end, text, ActorRef)
    spin_score: float | None = None
    spin_evidence: list[str] = field(default_factory=list)
    sketch: str | None = None  # base64 MinHash sketch of the clean text (see copies.py)
    lead: str = ""  # title or first sentence (story titles)
    vector: str | None = None  # base64 float16 lead embedding (see embed.py), None without it
    politics: float | None = None  # coder.relevance's probability; None where not checked
    off_topic: bool = False  # under coder.relevance's threshold: not parsed, no events


class _Writing:
    """``Store``'s writing methods (a ``Store`` holds ``con``, ``_transaction`` and ``query``)."""

    def existing(self, doc_ids: Iterable[str]) -> dict[str, dict]:
        """Stored metadata of the given ids, for skip / fill-in decisions."""
        ids = list(doc_ids)
        if not ids:
            return {}
        rows = self.con.execute(
            "SELECT doc_id, url, source, title, CAST(published AS VARCHAR), published_method, language "
            "FROM documents WHERE doc_id IN (SELECT unnest(?))",
            [ids],
        ).fetchall()
        keys = ("url", "source", "title", "published", "published_method", "language")
        return {r[0]: dict(zip(keys, r[1:])) for r in rows}

    def write_batch(self, records: list[DocRecord]) -> None:
        """Write whole documents in one transaction (replacing any earlier version of each).

        Rows are gathered per table and inserted with one statement each, passed as one
        JSON parameter: DuckDB's ``executemany`` costs milliseconds per row here.
        """
        if not records:
            return
        rows, rewritten = self._rows(records)
        with self._transaction() as con:
            if rewritten:  # only documents stored before have rows to replace
                self._delete_derived(rewritten)
                con.execute("DELETE FROM documents WHERE doc_id IN (SELECT unnest(?))", [rewritten])
                con.execute("DELETE FROM events WHERE event_id IN (SELECT unnest(?))",
                            [[r[0] for r in rows["events"]]])
            # an actor seen before keeps its row, unless documents are coded again (recode,
            # perhaps with other dictionaries): then the new coding's name, country, sector
            actor_verb = "OR REPLACE " if rewritten else "OR IGNORE "
            for table, table_rows in rows.items():
                self._bulk_insert(table, table_rows, actor_verb if table == "actors" else "")

    def _rows(self, records: list[DocRecord]) -> tuple[dict[str, list[tuple]], list[str]]:
        """Every row the batch writes, per table, in column order, and the ids of documents
        that were stored before (whose old rows must go)."""
        ids = [rec.clean.doc_id for rec in records]
        old = {
            r[0]: r[1:]
            for r in self.con.execute(
                "SELECT doc_id, seq, ingested_at, copy_of, copy_similarity FROM documents "
                "WHERE doc_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        }
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        n_new = len({i for i in ids if i not in old})
        fresh_seqs = iter(
            r[0] for r in self.con.execute("SELECT nextval('ingest_seq') FROM range(?)", [n_new]).fetchall()
        )
        out: dict[str, list[tuple]] = {t: [] for t in (
            "documents", "removed", "repairs", "sentences", "entities", "actor_mentions", "actors",
            "events", "event_mentions", "sketches", "story_features")}
        actors: dict[str, tuple] = {}
        events: dict[str, tuple] = {}
        for rec in records:
            doc, raw = rec.clean, rec.clean.raw
            doc_id = doc.doc_id
            if doc_id in old:
                seq, ingested, copy_of, copy_sim = old[doc_id]
            else:
                seq, ingested = next(fresh_seqs), now
                copy_of = copy_sim = None
            coder_version = rec.events[0].coder_version if rec.events else None
            out["documents"].append((
                doc_id, seq, raw.path, raw.url, raw.source, raw.title, raw.fmt, doc.language,
                rec.pubdate.date, rec.pubdate.method, rec.pubdate.confidence, doc.text, raw.text,
                raw.published, None, copy_of, copy_sim, rec.spin_score,
                json.dumps(rec.spin_evidence, ensure_ascii=False) if rec.spin_evidence else None,
                coder_version, ingested, rec.politics,
            ))
            if rec.sketch is not None:
                out["sketches"].append((doc_id, rec.sketch, rec.pubdate.date, seq, len(doc.text), False))
            feats = stories.features(doc_id, rec.pubdate.date, rec.pubdate.confidence,
                                     [ev_dict(ev) for ev in rec.events])
            out["story_features"].append((doc_id, rec.pubdate.date, feats.weak,
                                          json.dumps(sorted(feats.people), ensure_ascii=False),
                                          json.dumps(sorted(feats.signatures), ensure_ascii=False),
                                          json.dumps(sorted(feats.lead_people), ensure_ascii=False),
                                          json.dumps(sorted(feats.lead_signatures), ensure_ascii=False),
                                          rec.vector, rec.lead, False))
            out["removed"] += [(doc_id, i, r.at, r.text, r.reason) for i, r in enumerate(doc.removed)]
            out["repairs"] += [(doc_id, i, r.at, r.frm, r.to, r.kind) for i, r in enumerate(doc.repairs)]
            out["sentences"] += [
                (doc_id, st.idx, st.start, st.end, st.text, st.is_caption, st.parsed or bool(st.tokens))
                for st in rec.sentences
            ]
            out["entities"] += [
                (doc_id, st.idx, e.start, e.end, doc.text[e.start:e.end], e.label)
                for st in rec.sentences for e in st.entities
            ]
            for si, st, en, text, ref in rec.actor_mentions:
                out["actor_mentions"].append(
                    (doc_id, si, st, en, text, ref.actor_id, ref.name, ref.country, ref.sector, ref.method))
                if ref.actor_id:
                    actors.setdefault(ref.actor_id, (ref.actor_id, ref.name, ref.country, ref.sector))
            for ev in rec.events:
                for ref in (ev.source, ev.target):
                    if ref is not None and ref.actor_id:
                        actors.setdefault(ref.actor_id, (ref.actor_id, ref.name, ref.country, ref.sector))
                eid = ev.event_id
                if eid not in events:
                    events[eid] = _event_row(ev)
                    out["event_mentions"].append((eid, ev.doc_id, ev.sent_idx, ev.sentence, ev.start, ev.end))
        out["actors"] = list(actors.values())
        out["events"] = list(events.values())
        return out, [doc_id for doc_id in ids if doc_id in old]

    def _bulk_insert(self, table: str, rows: list[tuple], verb: str = "") -> None:
        if not rows:
            return
        columns = self._columns(table)
        names = [name for name, _ in columns]
        payload = json.dumps([dict(zip(names, row)) for row in rows], ensure_ascii=False, default=str)
        shape = json.dumps([{name: typ for name, typ in columns}])
        cols = ", ".join(f'"{n}"' for n in names)
        self.con.execute(
            f"INSERT {verb}INTO {table} ({cols}) SELECT {cols} FROM "
            "(SELECT unnest(from_json_strict(?::JSON, ?), recursive := true))",
            [payload, shape],
        )

    def _columns(self, table: str) -> list[tuple[str, str]]:
        cache = self.__dict__.setdefault("_column_cache", {})
        if table not in cache:
            cache[table] = [
                (r[0], r[1]) for r in self.con.execute(f'DESCRIBE "{table}"').fetchall()
            ]
        return cache[table]

    def _delete_derived(self, doc_ids: list[str]) -> None:
        con = self.con
        con.execute(
            "DELETE FROM events WHERE event_id IN (SELECT event_id FROM event_mentions "
            "WHERE doc_id IN (SELECT unnest(?))) AND event_id NOT IN (SELECT event_id FROM "
            "event_mentions WHERE doc_id NOT IN (SELECT unnest(?)))",
            [doc_ids, doc_ids],
        )
        for table in DERIVED:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest(?))", [doc_ids])

    def fill_metadata(self, doc_id: str, values: dict[str, Any]) -> None:
        """Fill metadata fields that are still empty (never overwrite what is stored)."""
        for key, value in values.items():
            if key not in ("url", "source", "title"):
                raise ValueError(key)
            self.con.execute(
                f"UPDATE documents SET {key} = ? WHERE doc_id = ? AND {key} IS NULL", [value, doc_id]
            )

    def resolve_doc_id(self, prefix: str) -> str:
        """Full id of the document ``prefix`` names: its id or a unique prefix of at least 6
        characters (``query.resolve_doc_id``, as ``/api/documents/{id}``); StoreError if none
        or several match."""
        try:
            return resolve_doc_id(self.query, prefix)
        except NotFound as exc:
            raise StoreError(f"{exc}; list them with: dyadscope docs") from None
        except FilterError as exc:
            raise StoreError(str(exc)) from None

    def sketches(self, checked: bool) -> list[tuple]:
        """``(doc_id, sketch, published, seq, length)`` of stored documents whose copies were
        (``checked``) or were not yet looked for, in ingest order."""
        return self.con.execute(
            "SELECT doc_id, sketch, CAST(published AS VARCHAR), seq, length FROM sketches "
            "WHERE copies_checked = ? ORDER BY seq", [checked]
        ).fetchall()

    def set_copies(self, copies: dict[str, tuple[str | None, float]], checked: list[str]) -> None:
        """Record each document's earliest copy, and that its copies were looked for."""
        with self._transaction() as con:
            if copies:
                con.execute(
                    "UPDATE documents SET copy_of = u.c, copy_similarity = u.s FROM "
                    f"{_json_rows({'d': 'VARCHAR', 'c': 'VARCHAR', 's': 'DOUBLE'})} WHERE documents.doc_id = u.d",
                    [json.dumps([{"d": d, "c": c, "s": s} for d, (c, s) in copies.items()])],
                )
            con.execute("UPDATE sketches SET copies_checked = TRUE WHERE doc_id IN (SELECT unnest(?))", [checked])

    def story_features(self, grouped: bool | None = None, doc_ids: list[str] | None = None) -> list[dict]:
        """Grouping features of stored documents, with their copy link and current story,
        in ingest order: those already grouped, those not yet, or the given ones."""
        cond, params = "TRUE", []
        if grouped is not None:
            cond, params = "f.grouped = ?", [grouped]
        if doc_ids is not None:
            cond, params = "f.doc_id IN (SELECT unnest(?))", [list(doc_ids)]
        return self.query(
            "SELECT f.doc_id, CAST(f.published AS VARCHAR) AS published, f.weak, f.people, f.signatures, "
            "f.lead_people, f.lead_signatures, "
            "f.vector, f.lead, d.copy_of, d.story_id FROM story_features f JOIN documents d USING (doc_id) "
            f"WHERE {cond} ORDER BY d.seq", params)

    def story_reports(self, doc_ids: list[str], types: set[str] | None = None,
                      keys: set[str] | None = None) -> list[dict]:
        """The event rows of these documents as coded, for merging (see stories.merge_events);
        with ``types`` and ``keys``, only those of one of the types (``stories.event_type``)
        with an actor among the keys (``stories.actor_key``)."""
        cond, params = "", [list(doc_ids)]
        if types is not None:
            cond = (f" AND coalesce(e.plover, 'CAMEO' || substr(coalesce(e.cameo, ''), 1, 2)) IN (SELECT unnest(?))"
                    f" AND ({_ACTOR_KEY.format(side='source')} IN (SELECT unnest(?))"
                    f" OR (e.target_text IS NOT NULL AND {_ACTOR_KEY.format(side='target')} IN (SELECT unnest(?))))")
            params += [sorted(types), sorted(keys or ()), sorted(keys or ())]
        return self.query(
            "SELECT e.event_id, e.doc_id, e.sent_idx, e.plover, e.cameo, e.modality, "
            "e.source_actor_id, e.source_country, e.source_text, e.target_actor_id, e.target_country, "
            "e.target_text, e.location_name, CAST(e.coded_date AS VARCHAR) AS coded_date, e.coded_precision, e.background, "
            "CAST(d.published AS VARCHAR) AS published, f.weak, e.event_group, e.story_id, "
            "CAST(e.date AS VARCHAR) AS date, e.date_precision, e.date_method "
            "FROM events e JOIN documents d USING (doc_id) LEFT JOIN story_features f USING (doc_id) "
            f"WHERE e.doc_id IN (SELECT unnest(?)){cond} ORDER BY e.event_id", params)

    def write_stories(self, stories: list[dict], doc_story: dict[str, str], assignments: list[dict],
                      stale: list[str], grouped: list[str], renames: dict[str, str] | None = None) -> None:
        """Replace the given stories (and drop ``stale`` ones), set each listed document's
        story and each event report's group and date, rename stories whose first report
        changed, fill each story's event count and dates from its events, and mark documents
        grouped: one transaction."""
        with self._transaction() as con:
            drop = sorted(set(stale) | {s["story_id"] for s in stories} | set(renames or ()))
            if drop:
                con.execute("DELETE FROM stories WHERE story_id IN (SELECT unnest(?))", [drop])
            self._bulk_insert("stories", [tuple(s[c] for c, _ in self._columns("stories")) for s in stories])
            for old, new in (renames or {}).items():
                con.execute("UPDATE documents SET story_id = ? WHERE story_id = ?", [new, old])
                con.execute("UPDATE events SET story_id = ? WHERE story_id = ?", [new, old])
            if doc_story:
                con.execute(
                    f"UPDATE documents SET story_id = u.s FROM {_json_rows({'d': 'VARCHAR', 's': 'VARCHAR'})} "
                    "WHERE documents.doc_id = u.d",
                    [json.dumps([{"d": d, "s": s} for d, s in doc_story.items()])])
            if assignments:
                con.execute(
                    "UPDATE events SET event_group = u.g, story_id = u.s, date = CAST(u.d AS DATE), "
                    f"date_precision = u.p, date_method = u.m FROM {_json_rows(dict.fromkeys('egsdpm', 'VARCHAR'))} "
                    "WHERE events.event_id = u.e", [json.dumps(assignments, default=str)])
            if stories:
                _story_figures(con, [s["story_id"] for s in stories])
            if grouped:
                con.execute("UPDATE story_features SET grouped = TRUE WHERE doc_id IN (SELECT unnest(?))",
                            [grouped])

    def delete_document(self, doc_id: str) -> None:
        """Retract a document and everything derived from it, in one transaction.

        Documents that named it as their original lose that link (their ``copy_of`` is
        set again the next time a copy of them is ingested).
        """
        with self._transaction() as con:
            touched = [r[0] for r in con.execute(
                "SELECT DISTINCT story_id FROM events WHERE doc_id = ? AND story_id IS NOT NULL", [doc_id]).fetchall()]
            self._delete_derived([doc_id])
            con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
            if touched:  # its events were counted in these stories' figures
                _story_figures(con, touched)
            con.execute("UPDATE documents SET copy_of = NULL, copy_similarity = NULL WHERE copy_of = ?", [doc_id])
            self._prune_actors(con)

    def prune_actors(self) -> None:
        """Drop the ``actors`` rows no mention or event names any more (after a recode with
        other dictionaries, or a deletion), so that actor pages and look-ups by name do not
        offer actors the store no longer holds."""
        with self._transaction() as con:
            self._prune_actors(con)

    @staticmethod
    def _prune_actors(con) -> None:
        con.execute(
            "DELETE FROM actors WHERE actor_id NOT IN (SELECT actor_id FROM actor_mentions WHERE actor_id IS NOT NULL "
            "UNION SELECT source_actor_id FROM events WHERE source_actor_id IS NOT NULL "
            "UNION SELECT target_actor_id FROM events WHERE target_actor_id IS NOT NULL)")


def _story_figures(con, story_ids: list[str]) -> None:
    """Set these stories' event counts and dates from their events (a story with none left
    keeps its publication dates and counts 0). A story's dates are its own events': not
    background, day-level where any are (a "this year" aside must not stretch the range back
    to January)."""
    con.execute(
        "UPDATE stories SET num_events = coalesce(x.n, 0), "
        "start_date = coalesce(x.s1, x.s2, stories.first_published), "
        "end_date = coalesce(x.e1, x.e2, stories.last_published) FROM (SELECT s.story_id, e.n, e.s1, e.s2, e.e1, e.e2 "
        "FROM (SELECT unnest(?) AS story_id) s LEFT JOIN ("
        "SELECT story_id, count(*) AS n, "
        "min(date) FILTER (WHERE NOT background AND date_precision IN ('day', 'document')) AS s1, "
        "min(date) FILTER (WHERE NOT background) AS s2, "
        "max(date) FILTER (WHERE NOT background AND date_precision IN ('day', 'document')) AS e1, "
        "max(date) FILTER (WHERE NOT background) AS e2 "
        "FROM events WHERE story_id IN (SELECT unnest(?)) AND event_group = event_id "
        "GROUP BY story_id) e USING (story_id)) x WHERE stories.story_id = x.story_id",
        [story_ids, story_ids])


def _json_rows(shape: dict[str, str]) -> str:
    """A subquery ``u`` of rows from one JSON parameter (a list of objects of this shape):
    one statement updates many rows, where DuckDB's executemany costs milliseconds a row."""
    return f"(SELECT unnest(from_json_strict(?::JSON, '{json.dumps([shape])}'), recursive := true)) u"


# An actor as story grouping keys it (stories.actor_key): its id, else its country, else its words
# ("" for a source the sentence does not name).
_ACTOR_KEY = ("(CASE WHEN coalesce(e.{side}_actor_id, '') <> '' THEN e.{side}_actor_id "
              "WHEN coalesce(e.{side}_country, '') <> '' THEN 'C:' || e.{side}_country "
              "WHEN coalesce(e.{side}_text, '') <> '' THEN 'T:' || lower(e.{side}_text) ELSE '' END)")


def _event_row(ev: Event) -> list:
    s, t, loc = ev.source, ev.target, ev.location
    return [
        ev.event_id, ev.doc_id, ev.sent_idx, ev.sentence,
        s.text, s.name, s.country, s.sector, s.actor_id,
        t.text if t else None, t.name if t else None, t.country if t else None,
        t.sector if t else None, t.actor_id if t else None,
        ev.cameo, ev.plover, ev.mode, ev.quad_class, ev.goldstein,
        ev.date, ev.date_precision, ev.modality, ev.attributed_to, ev.background,
        loc.name if loc else None, loc.country if loc else None,
        loc.lat if loc else None, loc.lon if loc else None,
        ev.confidence, ev.coder_version, ev.trigger, None,
        ev.event_id, "document" if ev.date_precision == "document" else "text", ev.date, ev.date_precision,
    ]


def ev_dict(ev: Event) -> dict:
    """The fields of a coded event that story grouping reads, as in the record format."""
    return {
        "source": ev.source.record(), "target": ev.target.record() if ev.target else None,
        "plover": ev.plover, "cameo": ev.cameo, "modality": ev.modality, "background": ev.background,
        "sent_idx": ev.sent_idx,
    }
