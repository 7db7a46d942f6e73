"""The ingest recipe: batches, skips, and a run killed half-way."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from dyadscope.cli import main
from dyadscope.models import RawDoc
from dyadscope.pipeline import process
from dyadscope.store import Store

ARTICLE = (
    "North Korean leader Kim Jong Un met Chinese President Xi Jinping in Beijing on Thursday, "
    "state media reported.\nThe two leaders discussed trade.\nIt rained in the afternoon."
)


def test_process_codes_events_and_parses_only_actor_sentences(kb):
    raw = RawDoc(text=ARTICLE, path="a.txt", published="2025-09-05")
    [rec], skipped = process([raw], kb)
    assert skipped == []
    assert rec.pubdate.date == "2025-09-05" and rec.pubdate.method == "metadata"
    parsed = {s.text: bool(s.tokens) for s in rec.sentences}
    assert parsed["It rained in the afternoon."] is False
    assert parsed[ARTICLE.split("\n")[0]] is True
    meet = [e for e in rec.events if e.plover == "CONSULT"]
    assert meet, rec.events
    assert {meet[0].source.country, meet[0].target.country} == {"PRK", "CHN"}
    assert meet[0].date == "2025-09-04"


def test_a_long_document_coded_in_windows_gives_the_events_of_one_piece(kb, monkeypatch):
    # the bundled articles one after another (~60 sentences): windows of 7 sentences cut
    # through paragraphs, back-referenced dates and coreference chains
    import dyadscope.pipeline as pipeline
    from dyadscope.bench import example_articles

    text = "\n\n".join(a["text"] for a in example_articles())

    def coded(window):
        monkeypatch.setattr(pipeline, "WINDOW_SENTENCES", window)
        [rec], _ = process([RawDoc(text=text, path="long.txt", published="2025-09-05")], kb, False)
        return ([(e.sent_idx, e.plover, e.cameo, e.source, e.target, e.modality, e.date, e.date_precision,
                  e.location, e.confidence) for e in rec.events],
                [(s.parsed, s.entities) for s in rec.sentences])

    whole, windowed = coded(10**6), coded(7)
    assert len(whole[1]) > 3 * 7 and len(whole[0]) > 10
    assert windowed == whole


def test_process_skips_non_english_with_reason(kb):
    raw = RawDoc(text="북한 김정은 국무위원장이 중국 시진핑 주석과 베이징에서 회담했다고 조선중앙통신이 보도했다.", path="ko.txt")
    records, skipped = process([raw], kb)
    assert records == []
    assert "non-English" in skipped[0][1] and "ko" in skipped[0][1]



def test_ingest_summary_counts_a_skipped_document_as_skipped_not_new(tmp_path, kb):
    from dyadscope.pipeline import Settings, ingest

    korean = "북한 김정은 국무위원장이 중국 시진핑 주석과 베이징에서 회담했다고 조선중앙통신이 보도했다."
    store = Store(tmp_path / "s.duckdb")
    report = ingest(store, iter([RawDoc(text=ARTICLE, path="a.txt", published="2025-09-05"),
                                 RawDoc(text=korean, path="ko.txt")]), kb, Settings(processes=1))
    assert (report.new, len(report.skipped)) == (1, 1)
    assert report.summary().startswith("1 new, 0 updated, 0 already stored, 1 skipped")
    assert store.count("documents") == 1
    store.close()


KILL_SCRIPT = """
import os, signal, sys
from dyadscope.actors import load_kb
from dyadscope.pipeline import Settings, ingest
from dyadscope.read import iter_inputs
from dyadscope.store import Store

done = 0
def progress(n):
    global done
    done += 1
    if done == 2:  # two batches committed: die without any cleanup
        os.kill(os.getpid(), signal.SIGKILL)

ingest(Store(sys.argv[1]), iter_inputs([sys.argv[2]]), load_kb(), Settings(batch_docs=3),
       on_progress=progress)
"""


def test_killed_ingest_leaves_whole_documents_and_the_next_run_carries_on(tmp_path):
    feed = tmp_path / "feed.jsonl"
    lines = [
        {"id": f"n{i}", "text": f"Item {i}: South Korea and Japan held talks in Tokyo on trade, officials said.",
         "published": "2024-03-0%d" % (i % 9 + 1)}
        for i in range(8)
    ]
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines))
    db = tmp_path / "k.duckdb"
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(db), str(feed)], capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    with Store(db, read_only=True) as store:
        assert store.count("documents") == 6
        per_doc = store.query("SELECT d.doc_id, count(s.idx) AS n FROM documents d "
                              "LEFT JOIN sentences s USING (doc_id) GROUP BY d.doc_id")
        assert all(row["n"] >= 1 for row in per_doc)
    result = CliRunner().invoke(main, ["ingest", str(feed), "--db", str(db), "-q"])
    assert result.exit_code == 0
    assert "2 new" in result.output and "6 already stored" in result.output


def test_worker_processes_store_the_same_as_one_process(tmp_path, kb):
    from dyadscope.pipeline import Settings, ingest
    from dyadscope.read import iter_inputs

    from conftest import EXAMPLE_JSONL

    def run(processes):
        with Store(tmp_path / f"p{processes}.duckdb") as store:
            report = ingest(store, iter_inputs([str(EXAMPLE_JSONL)]), kb,
                            Settings(batch_docs=2, processes=processes))
            events = sorted((e["event_id"], e["date"], e["cameo"]) for e in store.events())
        return report, events

    one, events_one = run(1)
    two, events_two = run(2)
    assert (one.new, two.new) == (5, 5)
    assert events_two == events_one and events_one


def _seed_records():
    from conftest import EXAMPLE_JSONL

    return [json.loads(line) for line in EXAMPLE_JSONL.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("copy_first", [False, True])
def test_copies_point_to_the_earliest_report_whatever_the_ingest_order(tmp_path, kb, copy_first):
    from dyadscope.pipeline import Settings, ingest

    seeds = {r["id"][:3]: r for r in _seed_records()}
    original = dict(seeds["003"])
    paras = original["text"].split("\n\n")
    copy = {"id": "copy", "source": "Another Outlet", "published": "2024-04-14",
            "text": "\n\n".join(paras[: len(paras) * 2 // 3])}  # a truncated reprint, a day later
    items = [RawDoc(text=r["text"], path=r["id"], published=r.get("published"), source=r.get("source"))
             for r in ([copy, original] if copy_first else [original, copy])]
    with Store(tmp_path / "c.duckdb") as store:
        for item in items:  # one at a time: the second meets the first in the index
            ingest(store, iter([item]), kb, Settings(processes=1))
        docs = {d["path"]: d for d in store.documents()}
    assert docs["copy"]["copy_of"] == docs[original["id"]]["doc_id"]
    assert docs[original["id"]]["copy_of"] is None


def test_spin_score_flags_the_spun_seed_only(kb):
    raws = [RawDoc(text=r["text"], path=r["id"], published=r.get("published")) for r in _seed_records()]
    records, _ = process(raws, kb)
    scores = {rec.clean.raw.path[:3]: rec.spin_score for rec in records}
    from dyadscope.spin import SPIN_THRESHOLD

    assert scores["002"] >= SPIN_THRESHOLD
    assert all(score < SPIN_THRESHOLD for key, score in scores.items() if key != "002")
    spun = next(rec for rec in records if rec.clean.raw.path.startswith("002"))
    assert any("language President" in phrase for phrase in spun.spin_evidence)


@pytest.mark.parametrize("spun_first", [False, True])
def test_spun_copy_is_linked_to_its_original_and_not_an_independent_source(tmp_path, kb, spun_first):
    # a synonym spinner rewrites seed 003 a day later: few word 5-shingles survive, but the
    # spun text is flagged and its skeleton is the original's
    import random

    from dyadscope.clean import clean
    from dyadscope.evaluate.repair import spin_text
    from dyadscope.pipeline import Settings, ingest

    original = {r["id"][:3]: r for r in _seed_records()}["003"]
    text = clean(RawDoc(text=original["text"], path="o")).text
    spun_text, swapped = spin_text(text, random.Random(0))
    assert swapped > 50
    spun = {"id": "spun", "source": "Scraper Site", "published": "2024-04-14", "text": spun_text}
    items = [RawDoc(text=r["text"], path=r["id"], published=r.get("published"), source=r.get("source"))
             for r in ([spun, original] if spun_first else [original, spun])]
    with Store(tmp_path / "s.duckdb") as store:
        for item in items:
            ingest(store, iter([item]), kb, Settings(processes=1))
        docs = {d["path"]: d for d in store.documents()}
        spun_row = store.query("SELECT spin_score FROM documents WHERE doc_id = ?", [docs["spun"]["doc_id"]])[0]
        independent = store.query("SELECT max(num_independent) AS n FROM unique_events")[0]["n"]
    assert spun_row["spin_score"] >= 0.5
    assert docs["spun"]["copy_of"] == docs[original["id"]]["doc_id"]
    assert docs[original["id"]]["copy_of"] is None
    assert independent == 1


PRELOAD_CHECK = r"""
import importlib, inspect, json, pkgutil, sys
import dyadscope
from dyadscope import pipeline
from dyadscope.actors import load_kb
from dyadscope.models import RawDoc

def loaders():
    out = {}
    for m in pkgutil.walk_packages(dyadscope.__path__, "dyadscope."):
        if ".evaluate" in m.name or m.name.endswith("__main__") or ".web" in m.name:
            continue
        mod = importlib.import_module(m.name)
        for name, f in vars(mod).items():
            if hasattr(f, "cache_info") and getattr(f, "__module__", None) == m.name \
                    and not inspect.signature(f).parameters:
                out[m.name + "." + name] = f
    return out

kb = load_kb()
pipeline.preload(kb)
before = {k: f.cache_info().misses for k, f in loaders().items()}
text = sys.stdin.read()
pipeline.process([RawDoc(text=text, path="t.txt", published="2024-05-02")], kb, False)
after = {k: f.cache_info().misses for k, f in loaders().items()}
print(json.dumps({"loaded": sum(1 for v in before.values() if v),
                  "loaded_late": [k for k in after if after[k] > before.get(k, 0)]}))
"""


def test_preload_loads_every_table_processing_reads():
    """After ``preload``, processing news that meets places, dates, glued words and events
    loads nothing more (in a fresh process: this one has loaded everything already)."""
    text = ("Chinese Foreign Minister Wang Yi met his Russian counterpart Sergei Lavrov in "
            "Vientiane on Thursday. The two sides agreedto deepen cooperation, the ministry said. "
            "Ukrainian drones struck an oil depot near Novorossiysk on July 3, 2024.")
    out = subprocess.run([sys.executable, "-c", PRELOAD_CHECK], input=text, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["loaded"] >= 10  # the check sees the loaders
    assert result["loaded_late"] == []


def test_frozen_loaded_sets_objects_aside_and_gives_them_back():
    import gc

    from dyadscope.pipeline import frozen_loaded

    assert gc.get_freeze_count() == 0
    with frozen_loaded():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a process that froze its own objects keeps them frozen
    try:
        n = gc.get_freeze_count()
        with frozen_loaded():
            pass
        # still frozen: objects that die meanwhile leave the count, so it may drop a
        # little (CI saw 914,829 -> 914,827), but gc.unfreeze() would empty it
        assert gc.get_freeze_count() > n // 2
    finally:
        gc.unfreeze()


def test_ingest_in_one_process_leaves_garbage_collection_as_it_found_it(tmp_path, kb):
    import gc

    from dyadscope.pipeline import Settings, ingest

    store = Store(tmp_path / "s.duckdb")
    docs = [RawDoc(text="Russian forces shelled Kharkiv on Monday, Ukrainian officials said.",
                   path="a.txt", published="2024-05-06")]
    ingest(store, iter(docs), kb, Settings(processes=1))
    store.close()
    assert gc.get_freeze_count() == 0
