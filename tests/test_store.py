import subprocess
import sys

import duckdb
import pytest

from dyadscope.models import ActorRef, CleanDoc, Event, PubDate, RawDoc, Removal, Repair, Sentence
from dyadscope.store import SCHEMA_VERSION, DocRecord, Store, StoreError, StoreLocked


def _record(text="Kim met Xi in Beijing.", published="2025-09-04", **raw_kw) -> DocRecord:
    raw = RawDoc(text=text + "\nShare this", path="x.txt", published=published, **raw_kw)
    clean = CleanDoc(raw=raw, text=text, removed=[Removal("Share this", "share_prompt", len(text))],
                     repairs=[Repair("Kimmet", "Kim met", 0)])
    sent = Sentence(0, 0, len(text), text)
    ev = Event(
        doc_id=raw.doc_id, sent_idx=0, sentence=text, start=0, end=len(text),
        source=ActorRef("Kim", "Kim Jong Un", "PRK", "GOV", "kim_jong_un"),
        target=ActorRef("Xi", "Xi Jinping", "CHN", "GOV", "xi_jinping"),
        cameo="042", plover="CONSULT", mode=None, quad_class=1, goldstein=1.9,
        date="2025-09-04", date_precision="day", coder_version="test", trigger="met",
    )
    return DocRecord(clean, PubDate(published, "metadata", 1.0), [sent], [ev],
                     [(0, 0, 3, "Kim", ev.source)])


def test_store_roundtrip_in_record_format(tmp_path):
    rec = _record()
    with Store(tmp_path / "s.duckdb") as store:
        store.write_batch([rec])
        doc = store.document(rec.clean.doc_id)
        assert doc["removed"] == [{"text": "Share this", "reason": "share_prompt", "at": 22}]
        assert doc["repairs"][0]["to"] == "Kim met"
        [ev] = store.events()
    assert ev["source"]["country"] == "PRK" and ev["target"]["actor_id"] == "xi_jinping"
    assert ev["date"] == "2025-09-04" and ev["doc_ids"] == [rec.clean.doc_id]
    assert ev["num_sources"] == 1 and ev["num_mentions"] == 1
    assert ev["mentions"][0]["sentence"] == "Kim met Xi in Beijing."
    for key in ("event_id", "doc_ids", "sentence", "mentions", "source", "target", "cameo", "plover",
                "mode", "quad_class", "goldstein", "date", "date_precision", "modality",
                "attributed_to", "background", "location", "confidence", "coder_version",
                "num_sources", "num_mentions", "story_id"):
        assert key in ev


def test_store_rewrite_replaces_derived_rows(tmp_path):
    rec = _record()
    with Store(tmp_path / "s.duckdb") as store:
        store.write_batch([rec])
        store.write_batch([rec])
        assert store.count("documents") == 1
        assert store.count("events") == 1
        assert store.count("removed") == 1
        assert store.count("event_mentions") == 1


def test_store_delete_removes_everything_derived(tmp_path):
    a, b = _record(), _record(text="Putin met Kim in Vladivostok.")
    with Store(tmp_path / "s.duckdb") as store:
        store.write_batch([a, b])
        store.delete_document(store.resolve_doc_id(a.clean.doc_id[:8]))
        for table in ("documents", "removed", "repairs", "sentences", "actor_mentions", "event_mentions", "events"):
            assert store.count(table) == 1, table


def test_store_failed_batch_leaves_nothing_half_written(tmp_path):
    good = _record()
    bad = _record(text="Broken record.")
    bad.events[0].quad_class = "not a number"  # fails on insert, after the document row
    with Store(tmp_path / "s.duckdb") as store:
        store.write_batch([good])
        with pytest.raises(duckdb.Error):
            store.write_batch([_record(text="Another doc."), bad])
        assert store.count("documents") == 1
        assert store.count("sentences") == 1


def test_store_refuses_newer_schema_with_instructions(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.close()
    with pytest.raises(StoreError, match="upgrade"):
        Store(path)


def test_store_refuses_foreign_duckdb_file(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INT)")
    con.close()
    with pytest.raises(StoreError, match="not a dyadscope store"):
        Store(path)


def test_store_read_only_missing_file_says_how_to_create(tmp_path):
    with pytest.raises(StoreError, match="dyadscope ingest"):
        Store(tmp_path / "absent.duckdb", read_only=True)


def test_store_locked_by_another_process_gives_clear_error(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(30)",
         str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreLocked, match="in use by another process"):
            Store(path)
    finally:
        holder.kill()
        holder.wait()


def test_store_locked_by_serve_names_the_holder(tmp_path):
    # the holder looks like `dyadscope serve` (a script named dyadscope): the message says
    # which process holds the store instead of guessing it is an ingest
    path = tmp_path / "s.duckdb"
    Store(path).close()
    script = tmp_path / "dyadscope"
    script.write_text(
        "import duckdb, sys, time\n"
        "c = duckdb.connect(sys.argv[3], read_only=True)\n"
        "print('ok', flush=True)\n"
        "time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, str(script), "serve", "--db", str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreLocked) as caught:
            Store(path)
        assert f"PID {holder.pid}: dyadscope serve" in str(caught.value)
        assert "ingest" not in str(caught.value)
    finally:
        holder.kill()
        holder.wait()


def _store_as_of(path, version: int, *statements: str):
    """A store made now, taken back to an older schema ``version`` by ``statements``."""
    Store(path).close()
    con = duckdb.connect(str(path))
    for sql in statements:
        con.execute(sql)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    con.close()
    return path


def test_store_migrates_a_version_1_store(tmp_path):
    path = _store_as_of(tmp_path / "old.duckdb", 1, "DROP TABLE sketches")
    with pytest.raises(StoreError, match="dyadscope recode --db"):
        Store(path, read_only=True)
    with Store(path) as store:
        assert store.count("sketches") == 0
        assert store.query("SELECT value FROM meta WHERE key = 'schema_version'")[0]["value"] == str(SCHEMA_VERSION)


def test_store_migrates_a_version_2_store_to_stories(tmp_path):
    path = _store_as_of(
        tmp_path / "v2.duckdb", 2,
        *(f"ALTER TABLE events DROP COLUMN {col}" for col in ("event_group", "date_method", "coded_date", "coded_precision")),
        "DROP TABLE stories", "DROP TABLE story_features",
        "INSERT INTO events (event_id, doc_id, sent_idx, cameo, date, date_precision) "
        "VALUES ('e1', 'd1', 0, '040', DATE '2024-04-13', 'day'), ('e2', 'd1', 1, '010', NULL, 'document')")
    with Store(path) as store:
        rows = {r["event_id"]: r for r in store.query(
            "SELECT event_id, event_group, date_method, CAST(coded_date AS VARCHAR) AS coded_date FROM events")}
        assert rows["e1"] == {"event_id": "e1", "event_group": "e1", "date_method": "text", "coded_date": "2024-04-13"}
        assert rows["e2"]["event_group"] == "e2" and rows["e2"]["date_method"] == "document"
        assert store.count("stories") == 0 and store.count("story_features") == 0


def test_store_migration_to_v4_fixes_quad_classes_of_roots_09_and_14(tmp_path):
    # what versions before 4 stored: 09x as material cooperation, 14x as verbal conflict
    path = _store_as_of(tmp_path / "v3.duckdb", 3,
                        "INSERT INTO events (event_id, doc_id, sent_idx, cameo, quad_class) VALUES "
                        "('a', 'd', 0, '090', 2), ('b', 'd', 1, '141', 3), ('c', 'd', 2, '042', 1), "
                        "('d', 'd', 3, '190', 4), ('e', 'd', 4, '071', 2)")
    with Store(path) as store:
        quads = {r["event_id"]: r["quad_class"] for r in store.query("SELECT event_id, quad_class FROM events")}
    assert quads == {"a": 3, "b": 4, "c": 1, "d": 4, "e": 2}


def test_store_migration_to_v6_adds_about_politics_unchecked(tmp_path):
    path = _store_as_of(tmp_path / "v5.duckdb", 5, "ALTER TABLE documents DROP COLUMN about_politics",
                        "INSERT INTO documents (doc_id, seq, text) VALUES ('d', 1, 'x')")
    with Store(path) as store:
        assert store.query("SELECT doc_id, about_politics FROM documents") == [{"doc_id": "d", "about_politics": None}]
