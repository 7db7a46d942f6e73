"""Scale-out on Dask (src/dyadscope/scale/): the cluster ingest, the Parquet dataset and its
global passes must store exactly what the single-process ingest stores."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import signal
from datetime import date, timedelta
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from click.testing import CliRunner  # noqa: E402

from dyadscope import copies, pipeline, stories  # noqa: E402
from dyadscope.bench import example_articles, make_corpus  # noqa: E402
from dyadscope.cli import main  # noqa: E402
from dyadscope.models import PubDate  # noqa: E402
from dyadscope.read import DEFAULT_MAX_BYTES, iter_inputs  # noqa: E402
from dyadscope.scale import cluster, dataset, partitions, passes  # noqa: E402
from dyadscope.store import Store  # noqa: E402


def snapshot(store) -> dict:
    """What a store holds, independent of when it was written: every table's rows, the
    ingest order as a rank (not the sequence numbers), no write times."""
    q = store.query
    out = {"documents": q("SELECT * EXCLUDE (seq, ingested_at), row_number() OVER (ORDER BY seq) AS rank "
                          "FROM documents ORDER BY doc_id")}
    for table, key in (("events", "event_id"), ("stories", "story_id"), ("actors", "actor_id")):
        out[table] = q(f"SELECT * FROM {table} ORDER BY {key}")
    for table in ("removed", "repairs", "sentences", "entities", "actor_mentions", "event_mentions"):
        out[table] = q(f"SELECT * FROM {table} ORDER BY ALL")
    out["sketches"] = q("SELECT * EXCLUDE (seq) FROM sketches ORDER BY doc_id")
    out["story_features"] = q("SELECT * FROM story_features ORDER BY doc_id")
    return out


def assert_same(got: dict, want: dict) -> None:
    for table in want:
        assert len(got[table]) == len(want[table]), table
        for a, b in zip(got[table], want[table]):
            assert a == b, (table, {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Four of the example articles (000, 001 and 003 report one visit: a story) and two
    generated variants of 000 and 001 (copies of them)."""
    path = tmp_path_factory.mktemp("scale") / "corpus.jsonl"
    arts = [a for a in example_articles() if a["id"][:3] in ("000", "001", "002", "003")]
    lines = [json.dumps(a) for a in arts]
    for d in make_corpus(2):
        lines.append(json.dumps({"id": d.path.split("#")[1], "text": d.text, "published": d.published,
                                 "source": d.source}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(corpus, kb):
    """The single-process ingest of the corpus (and the records it processed)."""
    seen = []
    real = pipeline.process

    def keep(*args, **kwargs):
        result = real(*args, **kwargs)
        seen.extend(result[0])
        return result

    db = corpus.with_name("reference.duckdb")
    pipeline.preload(kb)  # its warm-up article is processed too: not one of the corpus' records
    pipeline.process = keep
    try:
        with Store(db) as store:
            report = pipeline.ingest(store, iter_inputs([str(corpus)]), kb, pipeline.Settings(processes=1))
    finally:
        pipeline.process = real
    assert report.new == 6 and not report.failed
    with Store(db, read_only=True) as store:
        snap = snapshot(store)
    # the corpus exercises what the passes must reproduce: copies and a story of several documents
    assert sum(1 for d in snap["documents"] if d["copy_of"]) >= 2
    assert max(s["num_docs"] for s in snap["stories"]) >= 3
    return snap, seen


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with Client(lc) as c:
            yield c


def test_partitions_yield_what_iter_inputs_reads(tmp_path):
    big = tmp_path / "feed.jsonl"
    rows = []
    for i in range(150):
        rows.append(json.dumps({"text": f"Report number {i} says the ministers met", "id": str(i) if i % 3 else None}))
        if i % 40 == 5:
            rows += ["", "{not json", json.dumps({"text": "A story with a bad date", "published": "2024-13-45"})]
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    for i in range(9):
        (tmp_path / "sub" / f"a{i}.txt").write_text(f"Article {i} in plain text words", encoding="utf-8")
    (tmp_path / "sub" / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    paths = [str(tmp_path), str(tmp_path / "missing")]
    parts = list(partitions.plan(paths, docs_per_part=16))
    assert len(parts) > 5 and all(p.docs <= 16 for p in parts)
    assert any(piece[0] == "lines" for p in parts for piece in p.pieces)  # the big file was split
    got = [item for p in parts for item in partitions.read_partition(p, None, DEFAULT_MAX_BYTES)]
    assert got == list(iter_inputs(paths))


def _written(parts):
    return {p.index: partitions.fingerprint(p, DEFAULT_MAX_BYTES) for p in parts}


def test_partitions_end_where_an_earlier_run_s_ended(tmp_path):
    """A feed grown since a dataset was written keeps that run's partitions, the last one
    not full included, and what was appended makes new ones (``written``)."""
    feed = tmp_path / "feed.jsonl"
    rows = [json.dumps({"text": f"Report {i} says the ministers met"}) + "\n" for i in range(3)]
    feed.write_text("".join(rows), encoding="utf-8")
    before = list(partitions.plan([str(feed)], docs_per_part=2))
    assert [p.docs for p in before] == [2, 1]
    written = _written(before)
    feed.write_text("".join(rows) + "\n" + "".join(json.dumps({"text": f"Later report {i}"}) + "\n"
                                                  for i in range(3)), encoding="utf-8")
    after = list(partitions.plan([str(feed)], docs_per_part=2, written=written))
    assert [p.docs for p in after] == [2, 1, 2, 1]
    assert [p.pieces for p in after[:2]] == [p.pieces for p in before]
    got = [item for p in after for item in partitions.read_partition(p, None, DEFAULT_MAX_BYTES)]
    assert got == list(iter_inputs([str(feed)]))
    assert [p.docs for p in partitions.plan([str(feed)], docs_per_part=2)] == [2, 2, 2]  # as a new job


@pytest.mark.parametrize("layout", ["folder", "files", "twice", "empty and missing"])
def test_partitions_of_an_unchanged_input_are_the_written_ones(tmp_path, layout):
    """Carrying on over an input that did not change gives the partitions written, whatever
    follows the last byte range of a partition (a whole file, a folder's warning, an empty
    or missing file, the same file again)."""
    top = tmp_path / "in"
    top.mkdir()
    feed = top / "a.jsonl"
    feed.write_text("".join(json.dumps({"text": f"Report {i} on the talks"}) + "\n" for i in range(3)),
                    encoding="utf-8")
    paths = {"folder": [str(top)], "files": [str(feed), str(top / "b.txt")],
             "twice": [str(feed), str(feed)], "empty and missing": [str(feed), str(top / "e.jsonl"),
                                                                     str(top / "missing")]}[layout]
    (top / "b.txt").write_text("A note on the talks", encoding="utf-8")
    (top / "x.csv").write_text("a,b\n", encoding="utf-8")  # a file the folder reader warns about
    (top / "e.jsonl").write_text("", encoding="utf-8")
    for per_part in (2, 4, 8):
        before = list(partitions.plan(paths, docs_per_part=per_part))
        again = list(partitions.plan(paths, docs_per_part=per_part, written=_written(before)))
        assert [p.pieces for p in again] == [p.pieces for p in before], (layout, per_part)


def test_partitions_read_the_date_options_as_iter_inputs_does(tmp_path):
    """--date-field and --default-date reach the workers (the cluster ingest refused them)."""
    feed = tmp_path / "feed.jsonl"
    rows = [{"text": f"Report {i} says the ministers met", "when": f"2024-03-{i + 1:02d}"} for i in range(5)]
    rows += [{"text": "An undated report of talks"}]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (tmp_path / "note.txt").write_text("A plain text note on the talks", encoding="utf-8")
    opts = {"date_field": "when", "default_date": "2024-01-31"}
    parts = list(partitions.plan([str(tmp_path)], docs_per_part=2, **opts))
    got = [item for p in parts for item in partitions.read_partition(p, None, DEFAULT_MAX_BYTES, **opts)]
    want = list(iter_inputs([str(tmp_path)], **opts))
    assert got == want
    assert [d.published for d in got][:5] == [r["when"] for r in rows[:5]]
    assert {d.default_date for d in got} == {"2024-01-31"}


def test_cluster_ingest_into_the_store_equals_the_single_process_ingest(corpus, reference, client, tmp_path):
    with Store(tmp_path / "cluster.duckdb") as store:
        report = cluster.ingest_to_store(client, store, [str(corpus)], None, DEFAULT_MAX_BYTES,
                                         pipeline.Settings(), docs_per_part=2)
        assert (report.new, report.failed) == (6, [])
        assert_same(snapshot(store), reference[0])


def test_dataset_with_global_passes_equals_the_single_process_ingest(corpus, reference, client, tmp_path):
    root = tmp_path / "ds"
    report = cluster.ingest_to_dataset(client, str(root), [str(corpus)], None, DEFAULT_MAX_BYTES,
                                       pipeline.Settings(), docs_per_part=2)
    assert report.new == 6
    assert len(dataset.part_dirs(root)) == 3
    with Store(root, read_only=True) as ds:  # a dataset folder opens as a read-only store
        assert_same(snapshot(ds), reference[0])
    # reading commands take the folder as --db
    runner = CliRunner()
    ref_db = corpus.with_name("reference.duckdb")
    for args in (["events", "--format", "jsonl"], ["stories", "--format", "jsonl"], ["docs", "--format", "jsonl"]):
        a = runner.invoke(main, args + ["--db", str(root)])
        b = runner.invoke(main, args + ["--db", str(ref_db)])
        assert a.exit_code == 0 and a.output == b.output
    # so does the web app
    from fastapi.testclient import TestClient

    from dyadscope.web.app import create_app

    for url in ("/api/events", "/api/stories"):
        assert TestClient(create_app(str(root))).get(url).json() == TestClient(create_app(str(ref_db))).get(url).json()
    # and merge turns it into a store equal to the single-process one
    merged = tmp_path / "merged.duckdb"
    result = runner.invoke(main, ["merge", str(root), "--db", str(merged)])
    assert result.exit_code == 0, result.output
    with Store(merged, read_only=True) as store:
        assert_same(snapshot(store), reference[0])
    assert runner.invoke(main, ["ingest", str(corpus), "--db", str(root)]).exit_code == 1  # read-only
    # the same job run again writes nothing and says so: every document is already there
    again = cluster.ingest_to_dataset(client, str(root), [str(corpus)], None, DEFAULT_MAX_BYTES,
                                      pipeline.Settings(), docs_per_part=2)
    assert (again.new, again.already) == (0, 6)


def test_a_worker_killed_mid_job_loses_nothing(corpus, reference, client, tmp_path):
    class KillOnce(cluster.Progress):
        killed = None

        def done(self, docs):
            super().done(docs)
            if self.killed is None:
                busy = [w for w, keys in client.processing().items() if keys]
                victim = (busy or list(client.scheduler_info()["workers"]))[0]
                pid = client.run(os.getpid, workers=[victim])[victim]
                os.kill(pid, signal.SIGKILL)
                self.killed = victim

    progress = KillOnce(True, None)
    with Store(tmp_path / "killed.duckdb") as store:
        report = cluster.ingest_to_store(client, store, [str(corpus)], None, DEFAULT_MAX_BYTES,
                                         pipeline.Settings(), progress=progress, docs_per_part=1)
        assert progress.killed is not None and progress.killed not in client.scheduler_info()["workers"]
        assert (report.new, report.failed) == (6, [])
        assert_same(snapshot(store), reference[0])


def _clones(records, n: int) -> list:
    """``n`` variants of each processed record, in groups of five dated ten days apart:
    the first ten copies (whole, a paragraph dropped, cut to 60 %), the rest reworded (every
    third word replaced: no longer copies, but reporting the same events, so grouped by
    date into stories); some weakly dated, some flagged as spun. What the global passes
    must get right at a few hundred documents."""
    out = []
    for k in range(n):
        for r, rec in enumerate(records):
            rec = dataclasses.replace(rec)
            text = rec.clean.text
            paras = text.split("\n")
            if k >= 10:
                text = " ".join(w if i % 3 else f"w{k}" for i, w in enumerate(text.split(" ")))
            elif k % 3 == 1 and len(paras) > 2:
                text = "\n".join(paras[:1] + paras[2:])
            elif k % 3 == 2:
                text = text[: int(len(text) * 0.6)]
            raw = dataclasses.replace(rec.clean.raw, text=f"{rec.clean.raw.text} [{k}]", path=f"clone{k}#{r}",
                                      doc_id="")
            rec.clean = dataclasses.replace(rec.clean, raw=raw, text=text)
            if k % 11 == 4 and k < 10:  # some copies undated
                rec.pubdate = PubDate(None, "unknown", 0.0)
            elif k >= 10 or rec.pubdate.date:  # reworded reports firmly dated (a weak one links across dates)
                base = "2024-05-16" if k >= 10 else rec.pubdate.date  # reworded: all articles in step
                day = date.fromisoformat(base) + timedelta(days=(k // 5) * 10)
                rec.pubdate = (PubDate(day.isoformat(), "metadata", 1.0) if k >= 10
                               else PubDate(day.isoformat(), rec.pubdate.method, rec.pubdate.confidence))
            weak = rec.pubdate.date is None or rec.pubdate.confidence < stories.WEAK_CONFIDENCE
            if weak and rec.vector:  # a weak report close to every lead would chain all the groups
                rec.vector = stories.encode_vector(-stories.decode_vector(rec.vector))
            events = []
            for ev in rec.events:
                ev = dataclasses.replace(ev, doc_id=raw.doc_id)
                events.append(ev)
            rec.events = events
            rec.sketch = base64.b64encode(copies.encode_sketches(text, k % 7 == 3 and k < 10)).decode("ascii")
            out.append(rec)
    return out


def test_global_passes_equal_the_store_trackers_on_a_few_hundred_documents(reference, client, tmp_path):
    records = _clones(reference[1], 50)
    assert len(records) == 300
    # the single-machine way: batches of 32, copies after each, stories every 4 batches
    with Store(tmp_path / "ref.duckdb") as store:
        tracker, story_tracker = pipeline.CopyTracker(store), pipeline.StoryTracker(store)
        for i in range(0, len(records), 32):
            store.write_batch(records[i:i + 32])
            story_tracker.update(tracker.update(), every=pipeline.STORY_EVERY_BATCHES)
        story_tracker.update()
        want = snapshot(store)
    assert sum(1 for d in want["documents"] if d["copy_of"]) > 30
    assert sum(1 for s in want["stories"] if s["num_docs"] > 1) >= 3
    # the dataset way: the same records in partitions of 32, then the passes on Dask
    root = tmp_path / "ds"
    dataset.create(root, {"test": True})
    for p, i in enumerate(range(0, len(records), 32)):
        dataset.write_part(root, p, records[i:i + 32], {})
    # merged before the passes, the store's own trackers place the documents: the same result
    with Store(tmp_path / "merged.duckdb") as store:
        assert dataset.merge(root, store)["documents"] == 300
        assert_same(snapshot(store), want)
    lines: list[str] = []
    passes.run(client, root, log=lines.append)
    with Store(root, read_only=True) as ds:
        assert_same(snapshot(ds), want)
    # each step of the passes is told as it ends, with what it found
    assert [line.split(":")[0].strip().split(" (")[0] for line in lines] == [
        "documents found twice", "copies", "story links", "stories",
        "story summaries and event reports merged", "story dates and counts"]
    assert any(line.startswith(f"  stories ({len(want['stories'])})") for line in lines)


def test_cluster_without_dask_says_how_to_install(monkeypatch, corpus, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name in ("dask", "distributed") or name.startswith(("dask.", "distributed.")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--cluster", "local:2",
                                       "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1
    assert "pip install 'dyadscope[dask]'" in result.output


def test_dataset_needs_cluster_and_processes_is_not_for_cluster(corpus, tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["ingest", str(corpus), "--dataset", str(tmp_path / "d")])
    assert r.exit_code == 1 and "--dataset needs --cluster" in r.output
    r = runner.invoke(main, ["ingest", str(corpus), "--cluster", "local:2", "--processes", "2",
                             "--db", str(tmp_path / "x.duckdb")])
    assert r.exit_code == 1 and "--processes" in r.output


def test_a_document_in_two_partitions_is_kept_once(reference, client, tmp_path):
    records = reference[1]
    with Store(tmp_path / "ref.duckdb") as store:
        store.write_batch(records)
        pipeline.StoryTracker(store).update(pipeline.CopyTracker(store).update())
        want = snapshot(store)
    root = tmp_path / "ds"
    dataset.create(root, {"test": True})
    dataset.write_part(root, 0, records[:4], {})
    dataset.write_part(root, 1, records[2:], {})  # records 2 and 3 again
    assert passes.run(client, root) == [1, 1]  # the later copies, in partition 1
    with Store(root, read_only=True) as ds:
        assert_same(snapshot(ds), want)


def test_candidate_pairs_are_the_pairs_a_shared_key_and_near_weeks_give():
    """The vectorised pair listing against the rule written out pair by pair: a shared key,
    and weeks at most one apart unless either document is weakly dated (week -1)."""
    import numpy as np

    rng = np.random.default_rng(7)
    n = 300
    seqs = (rng.integers(0, 4, n) << dataset.SEQ_BITS) + np.arange(n)
    weeks = np.where(rng.random(n) < 0.2, -1, rng.integers(100, 110, n))
    rows = [(int(k), int(s), int(w)) for s, w in zip(seqs, weeks)
            for k in rng.choice(12, size=rng.integers(1, 4), replace=False)]
    expected = set()
    for i, (ka, a, wa) in enumerate(rows):
        for kb, b, wb in rows[i + 1:]:
            if ka == kb and a != b and (wa < 0 or wb < 0 or abs(wa - wb) <= 1):
                expected.add((min(a, b), max(a, b)))
    half = len(rows) // 2  # two pieces, as from two partitions
    pieces = [tuple(np.array(col, dtype=dt) for col, dt in zip(zip(*part), (np.uint64, np.int64, np.int64)))
              for part in (rows[:half], rows[half:])]
    got = passes._candidate_pairs(*pieces)
    listed = [tuple(p) for arr in got.values() for p in arr.tolist()]
    assert len(listed) == len(set(listed))  # each pair once
    assert set(listed) == expected
    assert all(a >> dataset.SEQ_BITS == part for part, arr in got.items() for a, _ in arr.tolist())


def test_story_links_keep_a_forest_with_the_same_groups(monkeypatch):
    """A partition returns only the links that join two groups: as many as the documents
    less the groups, and the groups are those of every link."""
    import numpy as np

    feats = {q: q for q in range(10)}
    same = {frozenset(g) for g in ({0, 1, 2, 3}, {4, 5}, {6}, {7, 8, 9})}
    group_of = {q: g for g in same for q in g}
    monkeypatch.setattr(passes, "_feature_rows", lambda root, tmp, need: [{"seq": q} for q in feats])
    monkeypatch.setattr(passes, "_features", lambda row: row["seq"])
    monkeypatch.setattr(passes.stories, "linked", lambda a, b: group_of[a] is group_of[b])
    pairs = np.array([(a, b) for a in range(10) for b in range(a + 1, 10)], dtype=np.int64)
    links = passes._test_links("root", "tmp", 0, pairs[:20], pairs[20:])
    assert len(links) == 10 - len(same)
    forest = passes._Forest()
    for a, b in links.tolist():
        assert group_of[a] is group_of[b]
        forest.union(a, b)
    assert {frozenset(q for q in range(10) if forest.find(q) == forest.find(r)) for r in range(10)} == same


def test_a_dataset_carried_on_after_its_input_changed(corpus, reference, client, tmp_path):
    """Carrying a job on reads each written partition's input again: lines appended to a
    feed are ingested as new partitions, also after a last partition that was not full (and
    the result is the single-process one), while a written partition whose lines changed
    stops the run with a clear error instead of silently keeping the old partition."""
    from dyadscope.scale import ScaleError

    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    grown = tmp_path / "grown.jsonl"
    grown.write_text("".join(lines[:3]), encoding="utf-8")  # partitions of 2 and 1
    root = tmp_path / "ds"

    def ingest():
        return cluster.ingest_to_dataset(client, str(root), [str(grown)], None, DEFAULT_MAX_BYTES,
                                         pipeline.Settings(), docs_per_part=2)

    assert ingest().new == 3
    grown.write_text("".join(lines[:3]) + "\n" + "".join(lines[3:]), encoding="utf-8")  # three more
    again = ingest()
    assert (again.new, again.already) == (3, 3)
    assert sorted(int(p.name) for p in (root / "parts").iterdir() if p.name.isdigit()) == [0, 1, 2, 3]
    with Store(root, read_only=True) as ds:
        got = snapshot(ds)
    want = dict(reference[0])
    for snap in (got, want):  # the same lines, read from another file
        snap["documents"] = [{k: v for k, v in d.items() if k != "path"} for d in snap["documents"]]
    assert_same(got, want)
    grown.write_text("".join(lines[:3]) + "\n" + lines[3].replace('"text": "', '"text": "Edited. ', 1)
                     + "".join(lines[4:]), encoding="utf-8")
    with pytest.raises(ScaleError, match=r"input changed .*grown\.jsonl.*partition 2"):
        ingest()


def test_cluster_addresses_and_dataset_folders_are_checked_with_clear_errors(corpus, tmp_path):
    """``localhost:8786`` is a scheduler, not ``local:N``; an unreadable address, too many
    local workers or a file as --dataset are refused with a message, not a traceback, and a
    store the failed command created is not left behind empty."""
    assert cluster.is_local("local") and cluster.is_local("local:3")
    assert not cluster.is_local("localhost:3") and not cluster.is_local("tcp://host:8786")
    runner = CliRunner()
    db = tmp_path / "x.duckdb"
    for spec, says in (("foo://bar", "unknown address scheme"), ("local:65", "1 <= N <= 64"),
                       ("localhost", "give local:N or a scheduler address")):
        result = runner.invoke(main, ["ingest", str(corpus), "--cluster", spec, "--db", str(db)])
        assert result.exit_code == 1 and says in result.output, (spec, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert not db.exists(), spec
    afile = tmp_path / "afile.txt"
    afile.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(corpus), "--cluster", "local:1", "--dataset", str(afile)])
    assert result.exit_code == 1 and "is a file; give --dataset a new or empty folder" in result.output
    result = runner.invoke(main, ["merge", str(tmp_path / "nothing"), "--db", str(db)])
    assert result.exit_code == 1 and not db.exists()


def test_an_unfinished_dataset_is_read_with_a_warning(corpus, client, tmp_path):
    """A dataset whose global passes have not run (an interrupted ingest) has no stories
    yet: reading commands say so instead of showing other counts than the finished one."""
    root = tmp_path / "ds"
    cluster.ingest_to_dataset(client, str(root), [str(corpus)], None, DEFAULT_MAX_BYTES, pipeline.Settings(),
                              docs_per_part=3)
    runner = CliRunner()
    assert "has not finished" not in runner.invoke(main, ["stories", "--db", str(root)]).output
    manifest = dataset.read_manifest(root)
    dataset.write_manifest(root, {**manifest, "passes": False})
    result = runner.invoke(main, ["stories", "--db", str(root)])
    assert result.exit_code == 0 and "its ingest has not finished" in result.output


def test_a_dataset_written_by_schema_5_is_read_and_merged_with_about_politics_unchecked(corpus, client, tmp_path):
    """Schema 6 only added documents.about_politics: a version-5 dataset is not locked out."""
    import duckdb

    root = tmp_path / "ds"
    cluster.ingest_to_dataset(client, str(root), [str(corpus)], None, DEFAULT_MAX_BYTES, pipeline.Settings(),
                              docs_per_part=3)
    for part in dataset.part_dirs(root).values():  # as schema 5 wrote them: no about_politics
        path = str(part / "documents.parquet")
        duckdb.connect().execute(f"COPY (SELECT * EXCLUDE (about_politics) FROM read_parquet('{path}')) "
                                 f"TO '{path}.new' (FORMAT parquet)")
        (part / "documents.parquet.new").replace(part / "documents.parquet")
    dataset.write_manifest(root, {**dataset.read_manifest(root), "schema_version": 5})
    with Store(root, read_only=True) as ds:
        docs = ds.documents()
        assert len(docs) == 6 and {d["about_politics"] for d in docs} == {None}
    merged = tmp_path / "merged.duckdb"
    result = CliRunner().invoke(main, ["merge", str(root), "--db", str(merged)])
    assert result.exit_code == 0, result.output
    with Store(merged, read_only=True) as store:
        assert store.count("documents") == 6 and store.count("events") > 0


def test_a_partition_fingerprint_is_path_spelling_free_and_never_blocks(tmp_path, monkeypatch):
    """The same bytes named by a relative or an absolute path are the same input; a named
    pipe is not read (it would block) and a large file is read only as far as a read goes."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "one"}\n{"text": "two"}\n', encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 5000)
    monkeypatch.chdir(tmp_path)
    rel = partitions.Partition(0, [("lines", "feed.jsonl", 0, 16, 1), ("file", "big.txt")])
    absolute = partitions.Partition(0, [("lines", str(feed), 0, 16, 1), ("file", str(big))])
    assert partitions.same_input(partitions.fingerprint(rel, 100), partitions.fingerprint(absolute, 100)) is None
    before = partitions.fingerprint(absolute, 100)
    big.write_bytes(b"x" * 50 + b"y" + b"x" * 4949)  # within the bytes a read looks at
    assert partitions.same_input(before, partitions.fingerprint(absolute, 100)) == str(big)
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    fp = partitions.fingerprint(partitions.Partition(1, [("file", str(pipe))]), 100)
    assert fp[0][-1] is None  # not read: a read reports the pipe instead
