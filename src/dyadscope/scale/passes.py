"""Copy detection and story grouping over a dataset, as Dask jobs.

Both passes give what the single-machine ingest gives on the same input (a test checks
it), because both are defined on the whole set, not on the order documents arrived in:

* **copies**: a document's copy is the earliest (by date, then ingest order, then length)
  of the documents sharing an LSH bucket with it whose similarity clears the threshold,
  where a bucket holds its first ``copies.BUCKET_CAP`` documents in ingest order. The job:
  (1) each partition's sketches become ``(band key, seq)`` rows, sent to a shard by key;
  (2) each shard sorts its buckets by ingest order, caps them, and lists candidate pairs,
  sent to the partition of the document asking; (3) each partition scores its pairs
  against the partners' sketches (read from their Parquet files) and keeps the earliest.
* **stories**: connected components of ``stories.linked``. (1) each partition's grouping
  keys (people, event signatures) become ``(key, seq, week)`` rows, shuffled by key, plus
  a link from each copy to its original; (2) each shard lists the pairs the single-machine
  index would compare (a shared key, weeks at most one apart, or a weak date), as numpy
  columns; (3) each partition tests its pairs with ``linked``, skipping a pair its earlier
  links already joined, and returns only the links that joined two groups (a spanning
  forest: fewer than its documents, with the components of all its links); (4) the calling
  process joins the forests into components (union-find over ingest orders); (5) chunks of stories are
  summarised and their event reports merged (``stories.merge_events``) by the workers.

Results go to ``global/`` (copies, doc_stories, event_groups, stories), written into a
temporary folder that replaces ``global/`` only when both passes are done.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
import zlib
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np

from .. import copies, stories
from ..pipeline import _features, _report
from ..store import _json_rows
from . import dataset
from .dataset import SEQ_BITS, _scan, _sql_path

# Shards of the shuffles: enough to spread the work over the workers, few enough that the
# per-task overhead stays small (a shard gets one piece from every partition).
MAX_SHARDS = 64


def run(client, root, log=lambda line: None) -> list[int]:
    """Both passes over the dataset at ``root``; marks the dataset as grouped. Returns the
    partition of each document found twice (the later copy, which is not kept). ``log``
    gets a line as each step ends."""
    root = Path(root)
    parts = sorted(dataset.part_dirs(root))
    tmp = root / "_tmp" / f"global-{uuid.uuid4().hex}"
    for name in ("copies", "doc_stories", "event_groups", "stories"):
        (tmp / name).mkdir(parents=True)
    workers = len(client.scheduler_info().get("workers", {})) or 1
    if not parts:
        raise dataset.StoreError(f"{root} holds no partitions: nothing to group")
    shards = max(1, min(MAX_SHARDS, len(parts), 4 * workers))
    step = _Steps(log)
    dups = find_duplicates(root, tmp)
    step.done(f"documents found twice ({len(dups)})")
    copy_pass(client, str(root), str(tmp), parts, shards)
    step.done(f"copies ({len(parts)} partitions, {shards} shards)")
    story_pass(client, str(root), str(tmp), parts, shards, step)
    final, old = root / "global", root / "_tmp" / f"old-{uuid.uuid4().hex}"
    if final.exists():
        os.rename(final, old)
    os.rename(tmp, final)
    shutil.rmtree(old, ignore_errors=True)
    manifest = dataset.read_manifest(root)
    manifest["passes"] = True
    dataset.write_manifest(root, manifest)
    return dups


class _Steps:
    """Tells ``log`` each step of the passes as it ends, with its time."""

    def __init__(self, log):
        self.log, self.t = log, time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        self.log(f"  {what}: {now - self.t:.1f} s")
        self.t = now


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection for this thread, made once: the passes' many small
    queries over a few partitions' Parquet files cost less than opening a connection (~9 ms)
    each. Queries over the whole dataset open their own and close it, since an open
    connection keeps the memory of the biggest query it ran."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
    return con


def find_duplicates(root, tmp) -> list[int]:
    """A document read twice (in two partitions) is kept once, as the single-machine ingest
    keeps it: the first in input order. The others' ingest orders go to ``dups.parquet``,
    which the passes skip and the dataset's views filter out. Returns their partitions."""
    parts = dataset.part_dirs(root)
    con = duckdb.connect()  # a whole-dataset query: its memory goes with the connection
    out = Path(tmp) / "dups" / "dups.parquet"
    out.parent.mkdir(exist_ok=True)
    con.execute(f"COPY (SELECT doc_id, seq, seq >> {SEQ_BITS} AS part FROM (SELECT doc_id, seq, row_number() OVER "
                f"(PARTITION BY doc_id ORDER BY seq) AS n FROM {_scan([str(parts[i] / 'documents.parquet') for i in sorted(parts)])}) "
                f"WHERE n > 1 ORDER BY seq) TO '{_sql_path(out)}' (FORMAT parquet)")
    parts = [r[0] for r in con.execute(f"SELECT part FROM read_parquet('{_sql_path(out)}')").fetchall()]
    con.close()
    return parts


@lru_cache(maxsize=4)
def _dropped(tmp: str) -> frozenset[int]:
    path = Path(tmp) / "dups" / "dups.parquet"
    if not path.exists():
        return frozenset()
    con = duckdb.connect()  # a whole-dataset query: its memory goes with the connection
    seqs = frozenset(r[0] for r in con.execute(f"SELECT seq FROM read_parquet('{_sql_path(path)}')").fetchall())
    con.close()
    return seqs


def _shuffle(client, mapped: list, shards: int, reduce_fn, *args) -> list:
    """Reduce shard r of every mapped piece (a list of ``shards`` items) with ``reduce_fn``."""
    from operator import getitem

    out = []
    for r in range(shards):
        pieces = [client.submit(getitem, m, r, pure=False) for m in mapped]
        out.append(client.submit(reduce_fn, *args, *pieces, pure=False))
    return out


def _route(client, reduced: list, parts: list[int], fn, root: str, tmp: str) -> list:
    """Run ``fn(root, tmp, part, pieces for part ...)`` for every partition."""
    futures = []
    for p in parts:
        pieces = [client.submit(_get, r, p, pure=False) for r in reduced]
        futures.append(client.submit(fn, root, tmp, p, *pieces, pure=False))
    return futures


def _get(mapping: dict, key):
    return mapping.get(key, [])


def _part_file(root: str, part: int, table: str) -> str:
    return str(Path(root) / "parts" / dataset.part_name(part) / f"{table}.parquet")


def _write(path: str, rows: list[dict], shape: dict[str, str]) -> None:
    con = _connection()
    cols = ", ".join(shape)
    con.execute(f"COPY (SELECT {cols} FROM {_json_rows(shape)}) TO '{_sql_path(path)}' (FORMAT parquet)",
                [json.dumps(rows, default=str)])


# -- copies ---------------------------------------------------------------------------

def copy_pass(client, root: str, tmp: str, parts: list[int], shards: int) -> None:
    mapped = [client.submit(_band_rows, root, tmp, p, shards, pure=False) for p in parts]
    reduced = _shuffle(client, mapped, shards, _bucket_pairs)
    client.gather(_route(client, reduced, parts, _score_part, root, tmp))


_SKETCH_COLUMNS = "doc_id, sketch, CAST(published AS VARCHAR), seq, length"


def _sketch_rows(root: str, part: int) -> list[tuple]:
    """``(doc_id, sketch, published, seq, length)`` of a partition's documents."""
    return _connection().execute(f"SELECT {_SKETCH_COLUMNS} FROM {_scan([_part_file(root, part, 'sketches')])} "
                                 "ORDER BY seq").fetchall()


def _sketch_rows_of(root: str, seqs: np.ndarray) -> list[tuple]:
    """The same rows for the documents ``seqs``, wherever they are, in one query over the
    partitions that hold them (a connection a partition cost more than the reading)."""
    if not len(seqs):
        return []
    seqs = np.unique(seqs)
    files = [_part_file(root, int(p), "sketches") for p in np.unique(seqs >> SEQ_BITS)]
    return _connection().execute(f"SELECT {_SKETCH_COLUMNS} FROM {_scan(files)} WHERE seq IN (SELECT unnest(?)) "
                                 "ORDER BY seq", [seqs.tolist()]).fetchall()


def _sketches(encoded: str):
    """(word sketch, spun, skeleton sketch or None) of a stored sketch column."""
    return copies.decode_sketches(base64.b64decode(encoded))


def _band_rows(root: str, tmp: str, part: int, shards: int) -> list:
    """``(index, band key, seq, asks)`` of a partition's documents for both copy indexes
    (0: words, 1: skeletons, as ``copies.CopyFinder``), split into shards by key.
    Documents without shingles are not indexed; those too short to be a copy do not ask."""
    kinds, keys, seqs, asks = [], [], [], []
    drop = _dropped(tmp)
    for _, enc, _, seq, _ in _sketch_rows(root, part):
        if seq in drop:
            continue
        plain, _, skel = _sketches(enc)
        for kind, sk in ((0, plain), (1, skel)):
            if sk is None or not sk.n_shingles:
                continue
            ks = copies._band_keys(sk.signature)
            keys += ks
            kinds += [kind] * len(ks)
            seqs += [seq] * len(ks)
            asks += [sk.n_shingles >= copies.MIN_SHINGLES] * len(ks)
    k = np.array(keys, dtype=np.uint64)
    t = np.array(kinds, dtype=np.int64)
    s = np.array(seqs, dtype=np.int64)
    a = np.array(asks, dtype=bool)
    shard = k % np.uint64(shards)
    return [(t[m], k[m], s[m], a[m]) for m in (shard == np.uint64(r) for r in range(shards))]


def _bucket_pairs(*pieces) -> dict[int, np.ndarray]:
    """Each bucket keeps its first ``BUCKET_CAP`` documents in ingest order; every asking
    document of the bucket is paired with them. Pairs ``(asker, candidate, index)`` by
    the asker's partition."""
    cols = [np.concatenate([p[i] for p in pieces]) for i in range(4)] if pieces else []
    if not pieces or not len(cols[0]):
        return {}
    t, k, s, a = cols
    order = np.lexsort((s, k, t))
    t, k, s, a = t[order], k[order], s[order], a[order]
    new = np.r_[True, (k[1:] != k[:-1]) | (t[1:] != t[:-1])]
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(k)]
    out = []
    for b, e in zip(starts, ends):
        if e - b < 2:
            continue
        members = s[b:min(e, b + copies.BUCKET_CAP)]
        askers = s[b:e][a[b:e]]
        q = np.repeat(askers, len(members))
        m = np.tile(members, len(askers))
        keep = q != m
        out.append(np.stack([q[keep], m[keep], np.full(int(keep.sum()), t[b])], axis=1))
    pairs = np.unique(np.concatenate(out), axis=0) if out else np.zeros((0, 3), np.int64)
    owner = pairs[:, 0] >> SEQ_BITS
    return {int(p): pairs[owner == p] for p in np.unique(owner)}


def _similarity(sig_q, n_q, sig_m, n_m) -> np.ndarray:
    """``CopyIndex._scored``'s similarity (estimated containment), pair by pair."""
    jac = (sig_m == sig_q).mean(axis=1)
    inter = jac * (n_q + n_m) / (1.0 + jac)
    small = np.minimum(n_m, n_q)
    return np.where(small >= copies.MIN_SHINGLES, np.minimum(1.0, inter / np.maximum(small, 1)), 0.0)


def _score_part(root: str, tmp: str, part: int, *pieces) -> int:
    """Each document's earliest copy among its candidates, as ``CopyFinder.copy_of``: by
    words, or by skeleton where either document is flagged as spun."""
    drop = _dropped(tmp)
    mine = [row for row in _sketch_rows(root, part) if row[3] not in drop]
    pairs = [p for p in pieces if len(p)]
    pairs = np.unique(np.concatenate(pairs), axis=0) if pairs else np.zeros((0, 3), np.int64)
    info = {row[3]: row for row in _sketch_rows_of(root, pairs[:, 1])}
    for row in mine:
        info[row[3]] = row
    sk = {seq: _sketches(row[1]) for seq, row in info.items()}
    best: dict[int, tuple] = {}
    for kind, threshold in ((0, copies.COPY_THRESHOLD), (1, copies.SPUN_COPY_THRESHOLD)):
        sel = pairs[pairs[:, 2] == kind] if len(pairs) else pairs
        if not len(sel):
            continue
        which = 0 if kind == 0 else 2
        sig_q = np.stack([sk[int(q)][which].signature for q in sel[:, 0]])
        sig_m = np.stack([sk[int(m)][which].signature for m in sel[:, 1]])
        n_q = np.array([sk[int(q)][which].n_shingles for q in sel[:, 0]], dtype=np.int64)
        n_m = np.array([sk[int(m)][which].n_shingles for m in sel[:, 1]], dtype=np.int64)
        for (q, m, _), s in zip(sel.tolist(), _similarity(sig_q, n_q, sig_m, n_m).tolist()):
            if s < threshold or (kind == 1 and not (sk[q][1] or sk[m][1])):
                continue
            key = copies._order_key(info[m][2], m, info[m][4])
            if key >= copies._order_key(info[q][2], q, info[q][4]):
                continue
            # the earliest copy wins; by words before by skeleton when it is the same one
            if q not in best or key < best[q][0]:
                best[q] = (key, info[m][0], round(s, 3))
    rows = [{"doc_id": d, "copy_of": best[seq][1] if seq in best else None,
             "copy_similarity": best[seq][2] if seq in best else 0.0} for d, _, _, seq, _ in mine]
    _write(str(Path(tmp) / "copies" / f"{dataset.part_name(part)}.parquet"), rows,
           {"doc_id": "VARCHAR", "copy_of": "VARCHAR", "copy_similarity": "DOUBLE"})
    return len(rows)


# -- stories --------------------------------------------------------------------------

def story_pass(client, root: str, tmp: str, parts: list[int], shards: int, step: _Steps | None = None) -> None:
    step = step or _Steps(lambda line: None)
    mapped = [client.submit(_key_rows, root, tmp, p, shards, pure=False) for p in parts]
    from operator import getitem

    keyed = [client.submit(getitem, m, 0, pure=False) for m in mapped]
    reduced = _shuffle(client, keyed, shards, _candidate_pairs)
    edges = client.gather(_route(client, reduced, parts, _test_links, root, tmp))
    heads = client.gather([client.submit(getitem, m, 1, pure=False) for m in mapped])
    step.done(f"story links ({sum(len(e) for e in edges)} that join documents)")
    # components of the links (union-find over ingest orders; the links are a forest, at
    # most one fewer than the documents)
    forest, seq_of = _Forest(), {}
    for docs, _ in heads:
        for doc_id, seq in docs:
            seq_of[doc_id] = seq
            forest.find(seq)
    for _, copy_links in heads:
        for a, b in copy_links:
            if b in seq_of:
                forest.union(seq_of[a], seq_of[b])
    for links in edges:
        for a, b in links.tolist():
            forest.union(a, b)
    comps: dict[int, list] = defaultdict(list)
    for d, seq in seq_of.items():
        comps[forest.find(seq)].append((d, seq))
    chunks: list[list] = [[] for _ in parts]
    for members in comps.values():
        first = min(m[0] for m in members)
        chunks[zlib.crc32(first.encode()) % len(chunks)].append(sorted(members))
    step.done(f"stories ({len(comps)})")
    client.gather([client.submit(_merge_chunk, root, tmp, i, chunk, pure=False)
                   for i, chunk in enumerate(chunks) if chunk])
    step.done("story summaries and event reports merged")
    _finish_stories(root, tmp)
    step.done("story dates and counts")


def _feature_rows(root: str, tmp: str, by_part: dict[int, list[int]] | None, part: int | None = None) -> list[dict]:
    """Grouping features (``Store.story_features``' columns, copy links from the copy pass)
    of one whole partition, or of the given documents by partition."""
    wanted = {part: None} if part is not None else by_part
    if not wanted:
        return []

    def one(p: int) -> str:
        return ("SELECT f.doc_id, CAST(f.published AS VARCHAR) AS published, f.weak, f.people, f.signatures, "
                "f.lead_people, f.lead_signatures, f.vector, f.lead, c.copy_of, d.seq "
                f"FROM read_parquet('{_sql_path(_part_file(root, p, 'story_features'))}') f "
                f"JOIN read_parquet('{_sql_path(_part_file(root, p, 'documents'))}') d USING (doc_id) "
                f"LEFT JOIN read_parquet('{_sql_path(str(Path(tmp) / 'copies' / (dataset.part_name(p) + '.parquet')))}') c "
                "USING (doc_id)" + ("" if part is not None else " WHERE d.seq IN (SELECT unnest($1))"))

    return _rows_by_part(wanted, one, "seq", None if part is not None else wanted)


def _rows_by_part(parts, select, order: str, seqs_by_part: dict | None) -> list[dict]:
    """The rows of ``select(part)`` for every partition, as one query (a query a partition,
    per partition, made the passes quadratic in the number of partitions); ``$1`` in the
    select is the list of the documents' ingest orders, when ``seqs_by_part`` gives them."""
    sql = " UNION ALL ".join(f"({select(p)})" for p in sorted(parts)) + f" ORDER BY {order}"
    params = [] if seqs_by_part is None else [sorted({int(q) for seqs in seqs_by_part.values() for q in seqs})]
    cur = _connection().execute(sql, params)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _key_rows(root: str, tmp: str, part: int, shards: int) -> tuple[list, tuple]:
    """A partition's ``(key hash, seq, week)`` columns by shard (week -1: weakly dated), and
    its documents and copy links. A 64-bit hash stands for the key: two keys sharing one
    only add pairs to test, never a link."""
    drop = _dropped(tmp)
    rows = [row for row in _feature_rows(root, tmp, None, part) if row["seq"] not in drop]
    keys, seqs, weeks = [], [], []
    for row in rows:
        f = _features(row)
        week = f.day.toordinal() // 7 if f.day is not None else -1
        for key in f.keys():
            keys.append(int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little"))
            seqs.append(row["seq"])
            weeks.append(week)
    k = np.array(keys, dtype=np.uint64)
    s = np.array(seqs, dtype=np.int64)
    w = np.array(weeks, dtype=np.int64)
    shard = k % np.uint64(shards)
    out = [(k[m], s[m], w[m]) for m in (shard == np.uint64(r) for r in range(shards))]
    docs = [(r["doc_id"], r["seq"]) for r in rows]
    links = [(r["doc_id"], r["copy_of"]) for r in rows if r["copy_of"]]
    return out, (docs, links)


def _ranges(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row ``i`` paired with every index in ``starts[i]:ends[i]``, as two index columns."""
    counts = np.maximum(ends - starts, 0)
    rows = np.repeat(np.arange(len(starts)), counts)
    first = np.repeat(starts - np.r_[0, np.cumsum(counts)[:-1]], counts)
    return rows, first + np.arange(int(counts.sum()))


def _candidate_pairs(*pieces) -> dict[int, np.ndarray]:
    """The pairs ``StoryIndex.candidates`` compares: a shared key, and weeks at most one
    apart when both are firmly dated (any week when either is not). Pairs ``(a, b)``,
    ``a < b``, by the partition of ``a``."""
    if not pieces or not sum(len(p[0]) for p in pieces):
        return {}
    k, s, w = (np.concatenate([p[i] for p in pieces]) for i in range(3))
    order = np.lexsort((s, w, k))  # by key, then week (weakly dated first), then ingest order
    k, s, w = k[order], s[order], w[order]
    group = np.cumsum(np.r_[0, k[1:] != k[:-1]])
    g_start = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    g_end = np.r_[g_start[1:], len(k)]
    # dated after dated: the later rows of the same key up to the next week
    place = group * (1 << 21) + (w + 1)  # 0 <= week + 1 < 2^20 (year 9999): groups never touch
    dated = w >= 0
    i = np.flatnonzero(dated)
    a1, b1 = _ranges(i + 1, np.searchsorted(place, place[i] + 1, side="right"))
    a1 = i[a1]
    # weakly dated: every other row of the key
    j = np.flatnonzero(~dated)
    a2, b2 = _ranges(g_start[group[j]], g_end[group[j]])
    a2 = j[a2]
    a = s[np.r_[a1, a2]]
    b = s[np.r_[b1, b2]]
    keep = a != b
    pairs = _unique_pairs(np.stack([np.minimum(a, b)[keep], np.maximum(a, b)[keep]], axis=1))
    owner = pairs[:, 0] >> SEQ_BITS
    return {int(p): pairs[owner == p] for p in np.unique(owner)}


def _unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """The distinct rows of a two-column array, sorted (``np.unique(axis=0)``, faster)."""
    if not len(pairs):
        return pairs.reshape(0, 2)
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    return pairs[np.r_[True, (pairs[1:] != pairs[:-1]).any(axis=1)]]


class _Forest:
    """Union-find over integers."""

    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def _test_links(root: str, tmp: str, part: int, *pieces) -> np.ndarray:
    """The links among a partition's pairs that join two groups not yet joined: a spanning
    forest of its links, which has their connected components. A pair whose documents an
    earlier link already joined is not tested, since its link could change nothing."""
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return np.zeros((0, 2), np.int64)
    pairs = _unique_pairs(np.concatenate(pieces))
    need: dict[int, list[int]] = defaultdict(list)
    for q in np.unique(pairs).tolist():
        need[q >> SEQ_BITS].append(q)
    feats = {row["seq"]: _features(row) for row in _feature_rows(root, tmp, need)}
    forest, out = _Forest(), []
    for a, b in pairs.tolist():
        if forest.find(a) != forest.find(b) and stories.linked(feats[a], feats[b]):
            forest.union(a, b)
            out.append((a, b))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def _merge_chunk(root: str, tmp: str, chunk: int, comps: list[list[tuple[str, int]]]) -> int:
    """Summarise stories and merge their event reports (as ``StoryTracker`` does)."""
    need: dict[int, list[int]] = defaultdict(list)
    for members in comps:
        for _, seq in members:
            need[seq >> SEQ_BITS].append(seq)
    feats = {row["doc_id"]: _features(row) for row in _feature_rows(root, tmp, need)}

    def one(p: int) -> str:
        return ("SELECT e.event_id, e.doc_id, e.sent_idx, e.plover, e.cameo, e.modality, "
                "e.source_actor_id, e.source_country, e.source_text, e.target_actor_id, e.target_country, "
                "e.target_text, e.location_name, CAST(e.coded_date AS VARCHAR) AS coded_date, e.coded_precision, "
                "CAST(d.published AS VARCHAR) AS published, f.weak "
                f"FROM read_parquet('{_sql_path(_part_file(root, p, 'events'))}') e "
                f"JOIN read_parquet('{_sql_path(_part_file(root, p, 'documents'))}') d USING (doc_id) "
                f"LEFT JOIN read_parquet('{_sql_path(_part_file(root, p, 'story_features'))}') f USING (doc_id) "
                "WHERE d.seq IN (SELECT unnest($1))")

    reports: dict[str, list[dict]] = defaultdict(list)
    for row in _rows_by_part(need, one, "event_id", need):
        reports[row["doc_id"]].append(row)
    doc_rows, event_rows, story_rows = [], [], []
    for members in comps:
        fs = [feats[d] for d, _ in sorted(members)]
        summary = stories.summarize(fs)
        rows = sorted((r for f in fs for r in reports.get(f.doc_id, ())), key=lambda r: r["event_id"])
        merged = stories.merge_events([_report(r) for r in rows], stories.anchor_date(fs))
        for r in rows:
            a = merged[r["event_id"]]
            event_rows.append({"event_id": r["event_id"], "event_group": a.group, "story_id": summary.story_id,
                               "date": a.date, "date_precision": a.precision, "date_method": a.method})
        doc_rows += [{"doc_id": f.doc_id, "story_id": summary.story_id} for f in fs]
        story_rows.append({"story_id": summary.story_id, "title": summary.title,
                           "title_doc_id": summary.title_doc_id, "first_published": summary.first_published,
                           "last_published": summary.last_published, "num_docs": len(fs),
                           "num_independent": summary.num_independent})
    name = f"{chunk:05d}.parquet"
    _write(str(Path(tmp) / "doc_stories" / name), doc_rows, {"doc_id": "VARCHAR", "story_id": "VARCHAR"})
    _write(str(Path(tmp) / "event_groups" / name), event_rows,
           {"event_id": "VARCHAR", "event_group": "VARCHAR", "story_id": "VARCHAR", "date": "VARCHAR",
            "date_precision": "VARCHAR", "date_method": "VARCHAR"})
    _write(str(Path(tmp) / "stories" / name), story_rows,
           {"story_id": "VARCHAR", "title": "VARCHAR", "title_doc_id": "VARCHAR", "first_published": "DATE",
            "last_published": "DATE", "num_docs": "INTEGER", "num_independent": "INTEGER"})
    return len(comps)


def _finish_stories(root: str, tmp: str) -> None:
    """Stories' dates and event counts from their events, as ``Store.write_stories`` fills them."""
    tmp = Path(tmp)
    story_files = sorted(str(p) for p in (tmp / "stories").glob("*.parquet"))
    event_files = sorted(str(p) for p in (tmp / "event_groups").glob("*.parquet"))
    parts = dataset.part_dirs(root)
    con = duckdb.connect()  # a whole-dataset query: its memory goes with the connection
    out = tmp / "stories" / "all.parquet"
    con.execute(
        "COPY (WITH ev AS (SELECT DISTINCT ON (e.event_id) g.story_id, g.event_group, e.event_id, CAST(g.date AS DATE) AS date, "
        f"g.date_precision, e.background FROM {_scan([str(parts[i] / 'events.parquet') for i in sorted(parts)])} e "
        f"JOIN {_scan(event_files)} g USING (event_id)), "
        "x AS (SELECT story_id, count(*) AS n, "
        "min(date) FILTER (WHERE NOT background AND date_precision IN ('day', 'document')) AS s1, "
        "min(date) FILTER (WHERE NOT background) AS s2, "
        "max(date) FILTER (WHERE NOT background AND date_precision IN ('day', 'document')) AS e1, "
        "max(date) FILTER (WHERE NOT background) AS e2 "
        "FROM ev WHERE event_group = event_id GROUP BY story_id) "
        "SELECT s.story_id, s.title, s.title_doc_id, "
        "CASE WHEN x.story_id IS NULL THEN NULL ELSE coalesce(x.s1, x.s2, s.first_published) END AS start_date, "
        "CASE WHEN x.story_id IS NULL THEN NULL ELSE coalesce(x.e1, x.e2, s.last_published) END AS end_date, "
        "s.first_published, s.last_published, s.num_docs, s.num_independent, "
        "CAST(coalesce(x.n, 0) AS INTEGER) AS num_events "
        f"FROM {_scan(story_files)} s LEFT JOIN x USING (story_id) ORDER BY s.story_id) "
        f"TO '{_sql_path(out)}' (FORMAT parquet)")
    con.close()
    for f in story_files:
        os.remove(f)
