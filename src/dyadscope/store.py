"""The DuckDB store: documents, what cleaning removed, sentences, entities, actors, events.

One ``Store`` holds one connection. Each batch of documents is written in a single
transaction, so a run killed mid-ingest leaves only whole documents behind and the next
run carries on. The schema is versioned in the ``meta`` table; see docs/SCHEMA.md.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import duckdb

# DuckDB tries `import pandas` for every parameter it binds; when pandas is not installed
# each failed import walks sys.path again (~3 ms a statement here). Recording the absence
# once makes later attempts fail at once; nothing changes where pandas is installed.
if importlib.util.find_spec("pandas") is None:
    sys.modules.setdefault("pandas", None)

from . import stories
from .models import CleanDoc, Event, PubDate, Sentence

SCHEMA_VERSION = 5
DEFAULT_DB = "dyadscope.duckdb"

SKETCHES_TABLE = """
CREATE TABLE IF NOT EXISTS sketches (
    doc_id VARCHAR PRIMARY KEY, sketch VARCHAR, published DATE, seq BIGINT, length INTEGER,
    copies_checked BOOLEAN
);
"""

STORIES_TABLES = """
CREATE TABLE IF NOT EXISTS stories (
    story_id VARCHAR PRIMARY KEY, title VARCHAR, title_doc_id VARCHAR,
    start_date DATE, end_date DATE, first_published DATE, last_published DATE,
    num_docs INTEGER, num_independent INTEGER, num_events INTEGER
);
CREATE TABLE IF NOT EXISTS story_features (
    doc_id VARCHAR PRIMARY KEY, published DATE, weak BOOLEAN, people VARCHAR,
    signatures VARCHAR, lead_people VARCHAR, lead_signatures VARCHAR, vector VARCHAR, lead VARCHAR,
    grouped BOOLEAN
);
"""

# Each entry upgrades a store from version N to N+1; applied in order inside one transaction.
QUAD_CLASS_FIX = """
UPDATE events SET quad_class = CASE
    WHEN TRY_CAST(substr(cameo, 1, 2) AS INTEGER) BETWEEN 1 AND 5 THEN 1
    WHEN TRY_CAST(substr(cameo, 1, 2) AS INTEGER) BETWEEN 6 AND 8 THEN 2
    WHEN TRY_CAST(substr(cameo, 1, 2) AS INTEGER) BETWEEN 9 AND 13 THEN 3
    WHEN TRY_CAST(substr(cameo, 1, 2) AS INTEGER) BETWEEN 14 AND 20 THEN 4
    ELSE 0 END
"""

# One row per event (the report that represents it), with what its reports add up to and
# where it was first reported: what `dyadscope events` and the Python API's
# `dyadscope.open(path).events()` list, for anyone reading the DuckDB file directly.
UNIQUE_EVENTS_VIEW = """
CREATE OR REPLACE VIEW unique_events AS
WITH m AS (
    SELECT coalesce(e.event_group, e.event_id) AS gid,
           count(DISTINCT em.doc_id) AS num_sources,
           count(DISTINCT em.doc_id || ':' || em.start) AS num_mentions,
           count(DISTINCT coalesce(d.copy_of, d.doc_id)) AS num_independent,
           arg_min(d.doc_id, (coalesce(d.published, DATE '9999-12-31'), d.seq)) AS first_reported
    FROM events e JOIN event_mentions em ON em.event_id = e.event_id
    JOIN documents d ON d.doc_id = em.doc_id
    GROUP BY 1)
SELECT e.*, coalesce(m.num_sources, 1) AS num_sources, greatest(coalesce(m.num_mentions, 1), 1) AS num_mentions,
       coalesce(m.num_independent, 1) AS num_independent, coalesce(m.first_reported, e.doc_id) AS first_reported,
       f.url AS source_url, f.source AS outlet, f.published AS published
FROM events e LEFT JOIN m ON m.gid = e.event_id
LEFT JOIN documents f ON f.doc_id = coalesce(m.first_reported, e.doc_id)
WHERE e.event_group IS NULL OR e.event_group = e.event_id
"""

MIGRATIONS: dict[int, list[str]] = {
    # 2: copy detection keeps one MinHash sketch per document (documents ingested under
    # version 1 have none and are not found as copies until `dyadscope recode`).
    1: [SKETCHES_TABLE],
    # 3: stories. Event rows become reports of an event (`event_group` names the report
    # that represents it); the coder's own date is kept beside the date a story gives.
    # Documents ingested before have no grouping features until `dyadscope recode`.
    2: [
        STORIES_TABLES,
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS event_group VARCHAR",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS date_method VARCHAR",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS coded_date DATE",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS coded_precision VARCHAR",
        "UPDATE events SET event_group = event_id, coded_date = date, coded_precision = date_precision, "
        "date_method = CASE WHEN date_precision = 'document' THEN 'document' ELSE 'text' END",
    ],
    # 4: quad classes follow the field's mapping (GDELT, ICEWS, Phoenix): roots 01-05
    # verbal cooperation, 06-08 material cooperation, 09-13 verbal conflict, 14-20 material
    # conflict. Versions before 4 stored roots 09 and 14 one class off.
    3: [QUAD_CLASS_FIX],
    # 5: the `unique_events` view (one row per event, with num_sources, num_mentions,
    # first_reported and its source_url, outlet and published date).
    4: [UNIQUE_EVENTS_VIEW],
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS ingest_seq;
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    seq BIGINT,
    path VARCHAR, url VARCHAR, source VARCHAR, title VARCHAR,
    format VARCHAR, language VARCHAR,
    published DATE, published_method VARCHAR, published_confidence DOUBLE,
    text VARCHAR, raw_text VARCHAR, published_given VARCHAR,
    story_id VARCHAR, copy_of VARCHAR, copy_similarity DOUBLE,
    spin_score DOUBLE, spin_evidence VARCHAR,
    coder_version VARCHAR,
    ingested_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS removed (
    doc_id VARCHAR, n INTEGER, position INTEGER, text VARCHAR, reason VARCHAR
);
CREATE TABLE IF NOT EXISTS repairs (
    doc_id VARCHAR, n INTEGER, position INTEGER, frm VARCHAR, "to" VARCHAR, kind VARCHAR
);
CREATE TABLE IF NOT EXISTS sentences (
    doc_id VARCHAR, idx INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
    is_caption BOOLEAN, parsed BOOLEAN
);
CREATE TABLE IF NOT EXISTS entities (
    doc_id VARCHAR, sent_idx INTEGER, start INTEGER, "end" INTEGER, text VARCHAR, label VARCHAR
);
CREATE TABLE IF NOT EXISTS actor_mentions (
    doc_id VARCHAR, sent_idx INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
    actor_id VARCHAR, name VARCHAR, country VARCHAR, sector VARCHAR, method VARCHAR
);
CREATE TABLE IF NOT EXISTS actors (
    actor_id VARCHAR PRIMARY KEY, name VARCHAR, country VARCHAR, sector VARCHAR
);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR, sent_idx INTEGER, sentence VARCHAR,
    source_text VARCHAR, source_name VARCHAR, source_country VARCHAR, source_sector VARCHAR,
    source_actor_id VARCHAR,
    target_text VARCHAR, target_name VARCHAR, target_country VARCHAR, target_sector VARCHAR,
    target_actor_id VARCHAR,
    cameo VARCHAR, plover VARCHAR, mode VARCHAR, quad_class INTEGER, goldstein DOUBLE,
    date DATE, date_precision VARCHAR, modality VARCHAR, attributed_to VARCHAR,
    background BOOLEAN,
    location_name VARCHAR, location_country VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
    confidence DOUBLE, coder_version VARCHAR, trigger VARCHAR, story_id VARCHAR,
    event_group VARCHAR, date_method VARCHAR, coded_date DATE, coded_precision VARCHAR
);
CREATE TABLE IF NOT EXISTS sketches (
    doc_id VARCHAR PRIMARY KEY, sketch VARCHAR, published DATE, seq BIGINT, length INTEGER,
    copies_checked BOOLEAN
);
CREATE TABLE IF NOT EXISTS event_mentions (
    event_id VARCHAR, doc_id VARCHAR, sent_idx INTEGER, sentence VARCHAR,
    start INTEGER, "end" INTEGER
);
""" + STORIES_TABLES + UNIQUE_EVENTS_VIEW

# Tables whose rows derive from one document (deleted with it, rewritten on re-ingest).
DERIVED = ("removed", "repairs", "sentences", "entities", "actor_mentions", "event_mentions", "sketches",
           "story_features")


class StoreError(Exception):
    """A store problem the user can fix; the message says how."""


class StoreLocked(StoreError):
    """Another process has the store open for writing."""


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


def default_db_path() -> str:
    return os.environ.get("DYADSCOPE_DB") or DEFAULT_DB



def _lock_holder(message: str) -> str:
    """Who holds a DuckDB file's lock, in words: DuckDB's message names the process id, and
    the system (Linux) shows that process's command line."""
    found = re.search(r"PID (\d+)", message)
    if not found:
        return "another process"
    pid = found.group(1)
    try:
        argv = [a.decode("utf-8", "replace") for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        argv = []
    program = next((i for i, a in enumerate(argv) if Path(a).name in ("dyadscope", "dyadscope.cli")), None)
    if program is not None:
        sub = next((a for a in argv[program + 1:] if not a.startswith("-")), "")
        return f"another process (PID {pid}: dyadscope {sub})".replace(" )", ")")
    if argv:
        return f"another process (PID {pid}: {' '.join(' '.join(argv).split())[:80]})"
    return f"another process (PID {pid})"

class Store:
    """A dyadscope DuckDB file. ``read_only`` stores never migrate or write.

    A folder holding a Parquet dataset (``ingest --dataset``) opens as a read-only
    ``scale.dataset.DatasetStore`` with the same methods."""

    def __new__(cls, path: str | os.PathLike | None = None, read_only: bool = False):
        if cls is Store and os.path.isdir(path or default_db_path()):
            from .scale.dataset import DatasetStore

            return super().__new__(DatasetStore)
        return super().__new__(cls)

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool = False):
        self.path = str(path or default_db_path())
        self.read_only = read_only
        if read_only and not Path(self.path).exists():
            raise StoreError(f"no store at {self.path}; create one with: dyadscope ingest PATH --db {self.path}")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreLocked(
                    f"the store {self.path} is in use by {_lock_holder(msg)}; "
                    "wait for it to finish or stop it, or use another file with --db"
                ) from None
            raise StoreError(f"cannot open {self.path}: {msg}") from None
        except duckdb.Error as exc:
            raise StoreError(f"{self.path} is not a DuckDB file dyadscope can open: {exc}") from None
        self._check_schema()

    # -- schema ---------------------------------------------------------------------
    def _check_schema(self) -> None:
        tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in tables:
            if tables - {"meta"}:
                raise StoreError(f"{self.path} is a DuckDB file but not a dyadscope store; use another --db")
            if self.read_only:
                raise StoreError(f"{self.path} is empty; run dyadscope ingest first")
            self.con.execute(SCHEMA)
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            return
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this dyadscope "
                f"(version {SCHEMA_VERSION}); upgrade with: pip install --upgrade dyadscope"
            )
        if version < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(
                    f"{self.path} has schema version {version}; migrate it to {SCHEMA_VERSION} by "
                    f"opening it for writing once: dyadscope recode --db {self.path}"
                )
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        missing = [v for v in range(version, SCHEMA_VERSION) if v not in MIGRATIONS]
        if missing:
            raise StoreError(
                f"{self.path} has schema version {version} and no migration exists from it; "
                "re-create the store: dyadscope export the events you need, then ingest again into a new --db"
            )
        with self._transaction() as con:
            for v in range(version, SCHEMA_VERSION):
                for stmt in MIGRATIONS[v]:
                    con.execute(stmt)
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def _transaction(self):
        """One transaction: committed when the block ends, rolled back if anything raises
        (a SIGKILL leaves the previous state, so only whole batches are ever stored)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------
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
            for table, table_rows in rows.items():
                self._bulk_insert(table, table_rows, "OR IGNORE " if table == "actors" else "")

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
                coder_version, ingested,
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
        """Full id of the one document whose id starts with ``prefix`` (git-style short ids)."""
        rows = self.con.execute(
            "SELECT doc_id FROM documents WHERE doc_id LIKE ? || '%' ESCAPE '\\' LIMIT 3",
            [prefix.replace("%", "\\%").replace("_", "\\_")],
        ).fetchall()
        if not rows:
            raise StoreError(f"no document with id {prefix!r}; list them with: dyadscope docs")
        if len(rows) > 1:
            raise StoreError(f"id {prefix!r} is ambiguous; give more characters")
        return rows[0][0]

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
            "e.target_text, CAST(e.coded_date AS VARCHAR) AS coded_date, e.coded_precision, e.background, "
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
                # a story's dates are its own events': not background, day-level where any are
                # (a "this year" aside must not stretch the range back to January)
                con.execute(
                    "UPDATE stories SET num_events = x.n, "
                    "start_date = coalesce(x.s1, x.s2, stories.first_published), "
                    "end_date = coalesce(x.e1, x.e2, stories.last_published) FROM ("
                    "SELECT story_id, count(*) AS n, "
                    "min(date) FILTER (WHERE NOT background AND date_precision IN ('day', 'document')) AS s1, "
                    "min(date) FILTER (WHERE NOT background) AS s2, "
                    "max(date) FILTER (WHERE NOT background AND date_precision IN ('day', 'document')) AS e1, "
                    "max(date) FILTER (WHERE NOT background) AS e2 "
                    "FROM events WHERE story_id IN (SELECT unnest(?)) AND event_group = event_id "
                    "GROUP BY story_id) x WHERE stories.story_id = x.story_id",
                    [[s["story_id"] for s in stories]])
            if grouped:
                con.execute("UPDATE story_features SET grouped = TRUE WHERE doc_id IN (SELECT unnest(?))",
                            [grouped])

    def delete_document(self, doc_id: str) -> None:
        """Retract a document and everything derived from it, in one transaction.

        Documents that named it as their original lose that link (their ``copy_of`` is
        set again the next time a copy of them is ingested).
        """
        with self._transaction() as con:
            self._delete_derived([doc_id])
            con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
            con.execute("UPDATE documents SET copy_of = NULL, copy_similarity = NULL WHERE copy_of = ?", [doc_id])

    # -- reading --------------------------------------------------------------------
    def tally(self, doc_ids: Iterable[str]) -> dict[str, int]:
        """What the given documents hold: ``documents``, ``undated_documents``,
        ``default_dated`` (dated by --default-date), ``reports`` (coded reports), ``events``
        (each event once: reports of one event share its ``event_group``) and
        ``undated_events`` (events whose representative report has no date)."""
        ids = list(doc_ids)
        out = dict.fromkeys(("documents", "undated_documents", "default_dated", "reports", "events",
                             "undated_events"), 0)
        if not ids:
            return out
        (out["documents"], out["undated_documents"], out["default_dated"]), = self.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE published IS NULL), "
            "count(*) FILTER (WHERE published_method = 'default') FROM documents "
            "WHERE doc_id IN (SELECT unnest(?))", [ids]).fetchall()
        (out["reports"], out["events"], out["undated_events"]), = self.con.execute(
            "WITH mine AS (SELECT event_id, coalesce(event_group, event_id) AS gid FROM events "
            "WHERE doc_id IN (SELECT unnest(?))), groups AS (SELECT DISTINCT gid FROM mine) "
            "SELECT (SELECT count(*) FROM mine), count(*), count(*) FILTER (WHERE r.date IS NULL) "
            "FROM groups LEFT JOIN events r ON r.event_id = groups.gid", [ids]).fetchall()
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
            "spin_score, spin_evidence "
            "FROM documents ORDER BY seq"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.query(sql)

    def document(self, doc_id: str) -> dict:
        rows = self.query(
            "SELECT doc_id, path, url, source, title, language, CAST(published AS VARCHAR) AS published, "
            "published_method, published_confidence, text, story_id, copy_of, copy_similarity, "
            "spin_score, spin_evidence "
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
        """One story (a unique id prefix will do) with its documents, earliest first."""
        rows = self.query(f"SELECT {_STORY_COLS} FROM stories WHERE starts_with(story_id, ?) LIMIT 2", [story_id])
        if not rows:
            raise StoreError(f"no story with id {story_id!r}; list them with: dyadscope stories")
        if len(rows) > 1:
            raise StoreError(f"story id {story_id!r} is ambiguous; give more characters")
        story = rows[0]
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


def _json_rows(shape: dict[str, str]) -> str:
    """A subquery ``u`` of rows from one JSON parameter (a list of objects of this shape):
    one statement updates many rows, where DuckDB's executemany costs milliseconds a row."""
    return f"(SELECT unnest(from_json_strict(?::JSON, '{json.dumps([shape])}'), recursive := true)) u"


# An actor as story grouping keys it (stories.actor_key): its id, else its country, else its words.
_ACTOR_KEY = ("(CASE WHEN coalesce(e.{side}_actor_id, '') <> '' THEN e.{side}_actor_id "
              "WHEN coalesce(e.{side}_country, '') <> '' THEN 'C:' || e.{side}_country "
              "ELSE 'T:' || lower(coalesce(e.{side}_text, '')) END)")

# One row per event: the report that represents it (rows of old stores have no group yet).
EVENTS_ONLY = "event_group IS NULL OR event_group = event_id"


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


def _actor(row: dict, side: str) -> dict | None:
    if side == "target" and row.get("target_text") is None:
        return None
    return {k: row.get(f"{side}_{k}") for k in ("text", "name", "country", "sector", "actor_id")}


def event_record(row: dict) -> dict:
    """A stored event row as the stable JSONL record (see the core-engine record format).

    Fields after ``story_id`` are extensions: ``num_independent`` (sources, copies counted
    once), ``first_reported`` (the document that reported it first), ``date_method``
    (``text``, ``document`` or ``story``: taken from another report of the same story), and
    that first report's ``source_url``, ``outlet`` and ``published`` date.
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
    }


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, default=str)
