"""A partitioned Parquet dataset: what workers write when one DuckDB file is not enough.

Layout (``DIR``)::

    dataset.json                  format, schema version, how the input was partitioned
    parts/00000/documents.parquet one folder per input partition, written by the worker
    parts/00000/events.parquet    that processed it: every table of docs/SCHEMA.md that
    ...                           holds rows of one document, in the store's columns
    global/                       what the global passes decided (passes.py): each
                                  document's copy and story, each event report's group
                                  and date, the stories

A worker writes a partition into ``_tmp/`` and renames the folder into ``parts/`` when
every table is written, so a partition is there whole or not at all (a worker killed
mid-write leaves only a temporary folder, and Dask runs the partition again elsewhere).
The global passes replace ``global/`` the same way.

``DatasetStore`` opens a dataset as a read-only ``Store``: an in-memory DuckDB connection
whose tables are views over the Parquet files (DuckDB reads them in place), so every
reading command and ``dyadscope serve`` take ``--db DIR``. ``merge`` turns a dataset into
(or adds it to) a store.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import duckdb

from ..store import SCHEMA_VERSION, Store, StoreError

# Datasets these versions wrote can be read and merged: schema 6 only added
# documents.about_politics, which a version-5 dataset's views give as NULL (not checked).
READABLE_VERSIONS = (5, SCHEMA_VERSION)

MANIFEST = "dataset.json"
FORMAT = "dyadscope-dataset"
# Tables written per partition (one document's rows each; ``actors`` repeats across parts).
PART_TABLES = ("documents", "removed", "repairs", "sentences", "entities", "actor_mentions", "actors",
               "events", "event_mentions", "sketches", "story_features")
# Partition p's documents get ingest order (p << SEQ_BITS) + n: input order across the dataset.
SEQ_BITS = 32


def is_dataset(path) -> bool:
    return os.path.isdir(path) and os.path.exists(os.path.join(path, MANIFEST))


def part_name(index: int) -> str:
    return f"{index:05d}"


def part_dirs(root) -> dict[int, Path]:
    parts = Path(root) / "parts"
    if not parts.is_dir():
        return {}
    return {int(p.name): p for p in parts.iterdir() if p.name.isdigit() and p.is_dir()}


def read_manifest(root) -> dict:
    return json.loads((Path(root) / MANIFEST).read_text(encoding="utf-8"))


def write_manifest(root, manifest: dict) -> None:
    tmp = Path(root) / f".{MANIFEST}.{uuid.uuid4().hex}"
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, Path(root) / MANIFEST)


# how the command line names what a dataset's plan records
_PLAN_NAMES = {"inputs": "inputs", "format": "--format", "max_bytes": "--max-size", "actors": "--actors",
               "partition_docs": "partition size ($DYADSCOPE_PARTITION_DOCS)", "embed": "sentence vectors",
               "date_field": "--date-field", "default_date": "--default-date"}


def create(root, plan: dict) -> dict:
    """Create ``root`` as a dataset, or check that it holds the same job (to carry it on)."""
    root = Path(root)
    if (root / MANIFEST).exists():
        old = read_manifest(root)
        if old.get("schema_version") != SCHEMA_VERSION:
            raise StoreError(f"{root} was written by another dyadscope (schema {old.get('schema_version')}); "
                             "use a new folder for --dataset")
        if old.get("plan") != plan:
            before = old.get("plan") or {}
            differ = ", ".join(_PLAN_NAMES.get(k, k) for k in sorted(set(plan) | set(before))
                               if before.get(k) != plan.get(k)) or "settings"
            raise StoreError(f"{root} holds another ingest (its {differ} differ); "
                             "use a new folder for --dataset, or the same command to carry that one on")
        return old
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} is a file; give --dataset a new or empty folder")
    if root.exists() and any(root.iterdir()):
        raise StoreError(f"{root} is a folder with other files in it; give --dataset a new or empty folder")
    root.mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "plan": plan, "passes": False}
    write_manifest(root, manifest)
    return manifest


def write_part(root, index: int, records, summary: dict) -> dict:
    """Write one partition's documents (``DocRecord``s) as Parquet, whole or not at all."""
    root = Path(root)
    final = root / "parts" / part_name(index)
    if final.exists():  # written already (a task run twice, or a resumed job)
        return json.loads((final / "part.json").read_text(encoding="utf-8"))
    tmp = root / "_tmp" / f"{part_name(index)}-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    mem = Store(":memory:")
    try:
        mem.write_batch(records)
        base = index << SEQ_BITS
        for table in ("documents", "sketches"):
            mem.con.execute(f"UPDATE {table} SET seq = seq + ?", [base])
        for table in PART_TABLES:
            mem.con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_path(tmp / (table + '.parquet'))}' "
                            "(FORMAT parquet)")
    finally:
        mem.close()
    (tmp / "part.json").write_text(json.dumps(summary), encoding="utf-8")
    final.parent.mkdir(exist_ok=True)
    try:
        os.rename(tmp, final)
    except OSError:  # another run of the same task got there first: keep its copy
        shutil.rmtree(tmp, ignore_errors=True)
    return summary


def _sql_path(path) -> str:
    return str(path).replace("'", "''")


def _files(root, table: str, parts: dict[int, Path] | None = None) -> list[str]:
    parts = part_dirs(root) if parts is None else parts
    return [str(parts[i] / f"{table}.parquet") for i in sorted(parts)]


def _scan(files: list[str]) -> str:
    return "read_parquet([" + ", ".join(f"'{_sql_path(f)}'" for f in files) + "])"


def _column_names(src: str) -> set[str]:
    return {row[0] for row in duckdb.connect().execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}


def _global_files(root, name: str) -> list[str]:
    folder = Path(root) / "global" / name
    return sorted(str(p) for p in folder.glob("*.parquet")) if folder.is_dir() else []


def create_views(con, root, prefix: str = "", temp: bool = False, overlay: bool = True) -> None:
    """Views named ``{prefix}{table}`` over a dataset's Parquet files, in the store's columns.

    With ``overlay`` (and the global passes done), documents, events and stories carry what
    the passes decided; without, each partition's rows as its worker wrote them."""
    root = Path(root)
    kind = "TEMP VIEW" if temp else "VIEW"
    parts = part_dirs(root)
    if not parts:
        raise StoreError(f"{root} holds no partitions yet; run dyadscope ingest ... --dataset {root}")
    passes = overlay and read_manifest(root).get("passes")
    dups = _global_files(root, "dups") if passes else []
    if dups and duckdb.connect().execute(f"SELECT count(*) FROM {_scan(dups)}").fetchone()[0] == 0:
        dups = []
    for table in PART_TABLES:
        src = _scan(_files(root, table, parts))
        if dups and table != "actors":  # a document read twice: keep the first (passes.find_duplicates)
            src = (f"(SELECT t.* EXCLUDE (filename) FROM {src[:-1]}, filename = true) t ANTI JOIN {_scan(dups)} x "
                   "ON x.doc_id = t.doc_id AND x.part = CAST(regexp_extract(t.filename, '(\\d+)[/\\\\][^/\\\\]+$', 1) AS BIGINT))")
        if table == "documents" and "about_politics" not in _column_names(src):
            src = f"(SELECT *, NULL::DOUBLE AS about_politics FROM {src})"  # written by schema 5
        if table == "actors":
            sql = f"SELECT DISTINCT ON (actor_id) * FROM {src} ORDER BY actor_id"
        elif passes and table == "documents":
            sql = (f"SELECT d.* REPLACE (s.story_id AS story_id, c.copy_of AS copy_of, "
                   f"c.copy_similarity AS copy_similarity) FROM {src} d "
                   f"LEFT JOIN {_scan(_global_files(root, 'copies'))} c ON c.doc_id = d.doc_id "
                   f"LEFT JOIN {_scan(_global_files(root, 'doc_stories'))} s ON s.doc_id = d.doc_id")
        elif passes and table == "events":
            sql = (f"SELECT e.* REPLACE (g.event_group AS event_group, g.story_id AS story_id, "
                   "CAST(g.date AS DATE) AS date, g.date_precision AS date_precision, g.date_method AS date_method) "
                   f"FROM {src} e LEFT JOIN {_scan(_global_files(root, 'event_groups'))} g ON g.event_id = e.event_id")
        elif passes and table == "sketches":
            sql = f"SELECT * REPLACE (TRUE AS copies_checked) FROM {src}"
        elif passes and table == "story_features":
            sql = f"SELECT * REPLACE (TRUE AS grouped) FROM {src}"
        else:
            sql = f"SELECT * FROM {src}"
        con.execute(f"CREATE OR REPLACE {kind} {prefix}{table} AS {sql}")
    stories = _global_files(root, "stories")
    if passes and stories:
        con.execute(f"CREATE OR REPLACE {kind} {prefix}stories AS SELECT * FROM {_scan(stories)}")
    else:  # not grouped yet: no stories
        con.execute(f"CREATE OR REPLACE {kind} {prefix}stories AS SELECT {_EMPTY_STORY} WHERE FALSE")


_EMPTY_STORY = ("NULL::VARCHAR AS story_id, NULL::VARCHAR AS title, NULL::VARCHAR AS title_doc_id, "
                "NULL::DATE AS start_date, NULL::DATE AS end_date, NULL::DATE AS first_published, "
                "NULL::DATE AS last_published, NULL::INTEGER AS num_docs, NULL::INTEGER AS num_independent, "
                "NULL::INTEGER AS num_events")


class DatasetStore(Store):
    """A dataset opened as a read-only store (``Store(DIR)`` gives one)."""

    def __init__(self, path, read_only: bool = False):
        self.path = str(path)
        self.read_only = True
        if not is_dataset(self.path):
            raise StoreError(f"{self.path} is a folder, neither a store nor a dataset (no {MANIFEST}); "
                             "give --db a DuckDB file or a folder written by ingest --dataset")
        if not read_only:
            raise StoreError(f"{self.path} is a Parquet dataset, which commands only read; turn it into a "
                             f"store with: dyadscope merge {self.path} --db FILE")
        manifest = read_manifest(self.path)
        if manifest.get("format") != FORMAT:
            raise StoreError(f"{self.path} is not a dyadscope dataset")
        if manifest.get("schema_version") not in READABLE_VERSIONS:
            raise StoreError(f"{self.path} was written with store schema {manifest.get('schema_version')}, "
                             f"this dyadscope reads {SCHEMA_VERSION}; ingest it again with --dataset")
        # False while the global passes have not run (an interrupted ingest): no copies, stories
        # or event groups yet
        self.grouped = bool(manifest.get("passes"))
        self.con = duckdb.connect(":memory:")
        self.con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        create_views(self.con, self.path)
        self.remember_codes()


def merge(root, store: Store) -> dict:
    """Add a dataset's documents to a store; returns counts.

    Into an empty store, after the global passes, everything is copied as the passes
    decided it. Otherwise documents the store lacks are added as written by the workers,
    and the store's own copy and story trackers place them among what it holds (as if they
    had been ingested in one batch)."""
    from ..pipeline import CopyTracker, StoryTracker

    root = Path(root)
    if not is_dataset(root):
        raise StoreError(f"{root} is not a dyadscope dataset (no {MANIFEST}); write one with "
                         "dyadscope ingest SRC --cluster local:N --dataset DIR")
    manifest = read_manifest(root)
    if manifest.get("schema_version") not in READABLE_VERSIONS:
        raise StoreError(f"{root} was written with store schema {manifest.get('schema_version')}; "
                         f"this dyadscope writes {SCHEMA_VERSION}: ingest it again with --dataset")
    con = store.con
    whole = bool(manifest.get("passes")) and store.count("documents") == 0
    create_views(con, root, prefix="ds_", temp=True, overlay=whole)
    con.execute("CREATE OR REPLACE TEMP TABLE ds_new AS SELECT doc_id, row_number() OVER (ORDER BY seq) AS rn "
                "FROM ds_documents WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
    n = con.execute("SELECT count(*) FROM ds_new").fetchone()[0]
    if n == 0:
        return {"documents": 0, "events": 0}
    last = con.execute("SELECT max(nextval('ingest_seq')) FROM range(?)", [n]).fetchone()[0]
    con.execute("BEGIN TRANSACTION")
    try:
        for table in PART_TABLES:
            cols = ", ".join(f'"{c}"' for c, _ in store._columns(table))
            if table == "actors":
                con.execute(f"INSERT OR IGNORE INTO actors ({cols}) SELECT {cols} FROM ds_actors")
            elif table in ("documents", "sketches"):
                con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM (SELECT t.* REPLACE "
                            f"(? - ? + n.rn AS seq) FROM ds_{table} t JOIN ds_new n USING (doc_id))", [last, n])
            elif table == "events":
                con.execute(f"INSERT INTO events ({cols}) SELECT {cols} FROM ds_events WHERE doc_id IN "
                            "(SELECT doc_id FROM ds_new) AND event_id NOT IN (SELECT event_id FROM events)")
            else:
                con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM ds_{table} "
                            "WHERE doc_id IN (SELECT doc_id FROM ds_new)")
        if whole:
            cols = ", ".join(f'"{c}"' for c, _ in store._columns("stories"))
            con.execute(f"INSERT INTO stories ({cols}) SELECT {cols} FROM ds_stories")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    events = con.execute("SELECT count(*) FROM ds_events WHERE doc_id IN (SELECT doc_id FROM ds_new)").fetchone()[0]
    if not whole:  # place the new documents among the stored ones, as ingest would
        StoryTracker(store).update(CopyTracker(store).update())
    return {"documents": n, "events": events}
