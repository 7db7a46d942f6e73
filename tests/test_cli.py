"""End-to-end through the CLI, on the bundled example corpus and the raw seed scrapes."""

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import dyadscope
from dyadscope.cli import main
from dyadscope.store import EVENTS_ONLY, Store

from conftest import EXAMPLE_JSONL, REPO, seed_store


def run(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    return seed_store(tmp_path_factory)


def _docs(db):
    with Store(db, read_only=True) as store:
        return {d["path"].split("#")[-1][:3]: store.document(d["doc_id"]) for d in store.documents()}


def test_every_command_has_help_and_a_docs_entry():
    docs_text = (REPO / "README.md").read_text() + "".join(p.read_text() for p in (REPO / "docs").glob("*.md"))
    commands = [(name, cmd) for name, cmd in main.commands.items()]
    assert commands
    for name, cmd in commands:
        assert cmd.help and cmd.help.strip(), f"{name} has no help text"
        assert run(name, "--help").exit_code == 0
        assert f"dyadscope {name}" in docs_text, f"dyadscope {name} is not documented"


def test_ingest_example_jsonl_stores_five_documents_with_dates(seed_db):
    docs = _docs(seed_db)
    assert len(docs) == 5
    assert docs["004"]["published"] == "2021-12-24"
    assert docs["001"]["published"] == "2024-04-13" and docs["001"]["published_method"] == "metadata"
    for doc in docs.values():
        assert doc["published_method"] and doc["published_confidence"] is not None
    assert docs["000"]["published_method"] in ("site_header", "content", "unknown")
    assert docs["000"]["published_confidence"] < 0.5


def test_ingest_raw_seed_txt_twice_stores_five_then_none(tmp_path, seeds_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in seeds_dir.glob("*.txt"):
        shutil.copy(f, corpus / f.name)
    db = tmp_path / "t.duckdb"
    first = run("ingest", corpus, "--db", db, "-q")
    assert first.exit_code == 0, first.output
    assert "5 new" in first.output
    second = run("ingest", corpus, "--db", db, "-q")
    assert "0 new" in second.output and "5 already stored" in second.output
    with Store(db, read_only=True) as store:
        assert store.count("documents") == 5


def test_reingest_fills_in_a_publication_date_it_lacked(tmp_path):
    db = tmp_path / "t.duckdb"
    text = "North Korean leader Kim Jong Un met Chinese President Xi Jinping in Beijing on Thursday."
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "text": text}) + "\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "a", "text": text, "published": "2025-09-05"}) + "\n")
    run("ingest", tmp_path / "a.jsonl", "--db", db, "-q")
    result = run("ingest", tmp_path / "b.jsonl", "--db", db, "-q")
    assert "0 new, 1 updated" in result.output
    with Store(db, read_only=True) as store:
        [doc] = store.documents()
        assert doc["published"] == "2025-09-05" and doc["published_method"] == "metadata"


def test_ingest_bad_inputs_report_each_and_store_the_rest(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("North Korean leader Kim Jong Un met Chinese President Xi Jinping in Beijing.\n")
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 20)
    (src / "latin.txt").write_bytes("Caf\xe9 owners in Seoul said prices rose.".encode("latin-1"))
    (src / "feed.jsonl").write_text('{"text": "South Korea and Japan held talks in Tokyo."}\n{oops\n')
    (src / "link.txt").symlink_to(src / "missing.txt")
    with (src / "huge.txt").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    db = tmp_path / "t.duckdb"
    result = run("ingest", src, "--db", db, "-q")
    out = result.output
    assert result.exit_code == 1
    assert f"{src / 'empty.txt'}: empty file" in out
    assert f"{src / 'binary.txt'}: binary" in out
    assert f"{src / 'feed.jsonl'}:2: malformed JSON" in out
    assert f"{src / 'link.txt'}" in out
    assert f"{src / 'huge.txt'}" in out and "--max-size" in out
    assert f"{src / 'latin.txt'}: invalid UTF-8" in out  # a warning: still stored
    with Store(db, read_only=True) as store:
        paths = sorted(Path(d["path"].split("#")[0]).name for d in store.documents())
    assert paths == ["feed.jsonl", "good.txt", "latin.txt"]


def test_events_filters_and_formats(seed_db):
    result = run("events", "--db", seed_db, "--dyad", "CHN,PRK", "--format", "jsonl")
    assert result.exit_code == 0
    events = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert events
    for ev in events:
        pair = {ev["source"]["country"], (ev["target"] or {}).get("country")}
        assert pair == {"CHN", "PRK"}
    directed = run("events", "--db", seed_db, "--dyad", "PRK,CHN", "--directed", "--format", "jsonl")
    for line in directed.output.splitlines():
        if line.startswith("{"):
            assert json.loads(line)["source"]["country"] == "PRK"
    csv_out = run("events", "--db", seed_db, "--actor", "PRK", "--format", "csv").output
    assert csv_out.splitlines()[0].startswith("event_id,")
    since = run("events", "--db", seed_db, "--since", "2024-01-01", "--until", "2024-12-31", "--format", "jsonl")
    for line in since.output.splitlines():
        if line.startswith("{"):
            assert "2024-01-01" <= json.loads(line)["date"] <= "2024-12-31"


def test_events_bad_filter_is_a_clear_error(seed_db):
    result = run("events", "--db", seed_db, "--since", "last tuesday")
    assert result.exit_code == 1
    assert "Error: --since: expected a date" in result.output  # the option as typed


def test_timeline_prints_dated_events_with_sentences(seed_db):
    result = run("timeline", "CHN", "PRK", "--db", seed_db)
    assert result.exit_code == 0
    dates = [line.split()[0] for line in result.output.splitlines() if line[:2] in ("19", "20")]
    assert dates and dates == sorted(dates)
    assert "“" in result.output
    # the pair as one argument, as series and events --dyad take it
    assert run("timeline", "CHN,PRK", "--db", seed_db).output == result.output
    one = run("timeline", "CHN", "--db", seed_db)
    assert one.exit_code == 1 and "give two actors" in one.output


def test_timeline_takes_date_type_and_confidence_filters(seed_db):
    """New-user finding: timeline had no --since/--until/--type."""
    every = run("timeline", "CHN", "PRK", "--db", seed_db).output.splitlines()
    lines = run("timeline", "CHN", "PRK", "--since", "2024", "--until", "2024", "--type", "CONSULT",
                "--db", seed_db).output.splitlines()
    dated = [line for line in lines if line[:2] in ("19", "20")]
    assert dated and len(dated) < len([line for line in every if line[:2] in ("19", "20")])
    assert all(line.startswith("2024") and line.split()[2] == "CONSULT" for line in dated)
    assert run("timeline", "CHN", "PRK", "--min-confidence", "2", "--db", seed_db).exit_code != 0


def test_ingest_of_only_missing_paths_makes_no_store(tmp_path):
    db = tmp_path / "x.duckdb"
    result = run("ingest", str(tmp_path / "nothere"), str(tmp_path / "nothere"), "--db", str(db))
    assert result.exit_code != 0 and not db.exists()
    assert f"no such file or folder: {tmp_path / 'nothere'}" in result.output
    assert result.output.count("nothere") == 1  # named once though given twice


def test_a_db_that_is_no_duckdb_file_is_named_plainly(tmp_path):
    feed = tmp_path / "in.jsonl"
    feed.write_text('{"text": "x"}\n', encoding="utf-8")
    result = run("events", "--db", str(feed))
    assert result.exit_code != 0 and "is not a DuckDB file" in result.output and "input file" in result.output
    assert feed.read_text(encoding="utf-8") == '{"text": "x"}\n'  # and left as it was


def test_events_table_marks_background_history(seed_db):
    lines = run("events", "--dyad", "CHN,PRK", "--db", seed_db).output.splitlines()
    marked = [line for line in lines if line.endswith("(background)")]
    with dyadscope.open(seed_db) as store:
        history = [r for r in store.events(dyad="CHN,PRK", as_records=True) if r["background"]]
    assert marked and len(marked) == len(history)  # the seeds' history: 1949, 1961, ...
    shown = run("events", "--dyad", "CHN,PRK", "--background", "hide", "--db", seed_db).output
    assert "(background)" not in shown


def test_docs_show_prints_text_and_removals(seed_db):
    docs = _docs(seed_db)
    result = run("docs", "show", docs["003"]["doc_id"][:10], "--db", seed_db)
    assert result.exit_code == 0
    assert "Zhao Leji" in result.output
    assert "# removed" in result.output and "[" in result.output


def test_docs_delete_retracts_everything(tmp_path):
    db = tmp_path / "t.duckdb"
    run("ingest", EXAMPLE_JSONL, "--db", db, "-q")
    with Store(db, read_only=True) as store:
        other, victim = (d["doc_id"] for d in store.documents()[:2])
    # it says what it would delete and asks; "no" (or no answer) deletes nothing
    kept = run("docs", "delete", victim[:8], "--db", db, input="n\n")
    assert kept.exit_code == 1 and victim in kept.output and "Delete it?" in kept.output
    with Store(db, read_only=True) as store:
        assert store.count("documents") == 5
    result = run("docs", "delete", victim, "--db", db, input="y\n")
    assert result.exit_code == 0 and f"Deleted {victim}" in result.output
    con = duckdb.connect(str(db), read_only=True)
    for table in ("documents", "sentences", "removed", "actor_mentions", "event_mentions"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE doc_id = ?", [victim]).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM events WHERE doc_id = ?", [victim]).fetchone()[0] == 0
    # no actor is left that nothing stored names any more (actor pages would offer it)
    assert con.execute(
        "SELECT count(*) FROM actors WHERE actor_id NOT IN (SELECT actor_id FROM actor_mentions "
        "WHERE actor_id IS NOT NULL UNION SELECT source_actor_id FROM events WHERE source_actor_id IS NOT NULL "
        "UNION SELECT target_actor_id FROM events WHERE target_actor_id IS NOT NULL)").fetchone()[0] == 0
    con.close()
    assert run("docs", "delete", "ffffffffff", "--db", db, "--yes").exit_code == 1
    # --yes for scripts: no question
    assert run("docs", "delete", other, "--db", db, "--yes").exit_code == 0
    # every story's figures are its remaining events' (the analyst's test: the deleted
    # document's events were still counted)
    with Store(db, read_only=True) as store:
        stale = store.query(
            "SELECT s.story_id FROM stories s WHERE s.num_events <> (SELECT count(*) FROM events e "
            "WHERE e.story_id = s.story_id AND e.event_group = e.event_id)")
        assert stale == [] and store.count("stories") > 0


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_formats(seed_db, tmp_path, fmt):
    out = tmp_path / f"events.{fmt}"
    result = run("export", "--db", seed_db, "--format", fmt, "-o", out)
    assert result.exit_code == 0
    with Store(seed_db, read_only=True) as store:  # one record per event, not per report
        n = store.query(f"SELECT count(*) AS n FROM events WHERE {EVENTS_ONLY}")[0]["n"]
        assert n < store.count("events")  # the seeds report some events more than once
    con = duckdb.connect()
    reader = {"jsonl": "read_json_auto", "csv": "read_csv_auto", "parquet": "read_parquet"}[fmt]
    assert con.execute(f"SELECT count(*) FROM {reader}('{out}')").fetchone()[0] == n


def test_export_limit_writes_the_first_records_as_events_lists_them(seed_db, tmp_path):
    out = tmp_path / "three.jsonl"
    result = run("export", "--db", seed_db, "--format", "jsonl", "-o", out, "--limit", "3")
    assert result.exit_code == 0 and "Wrote 3 events" in result.output
    listed = run("events", "--db", seed_db, "--format", "jsonl", "--limit", "3")
    ids = [json.loads(line)["event_id"] for line in listed.output.splitlines() if line.startswith("{")]
    assert [json.loads(line)["event_id"] for line in out.read_text().splitlines()] == ids
    docs = tmp_path / "docs.jsonl"
    assert run("export", "--db", seed_db, "--format", "jsonl", "--what", "documents", "-o", docs,
               "--limit", "2").exit_code == 0
    assert len(docs.read_text().splitlines()) == 2


def test_missing_store_is_a_clear_error(tmp_path):
    result = run("events", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 1
    assert "no store at" in result.output


def test_demo_runs_on_the_bundled_corpus(tmp_path):
    result = run("demo", "--db", tmp_path / "demo.duckdb")
    assert result.exit_code == 0
    assert "China–North Korea timeline" in result.output


def test_code_command_one_line_per_input_and_bad_lines_reported(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "North Korean leader Kim Jong Un met Chinese President Xi Jinping "
                    "in Beijing on Thursday.", "date": "2025-09-05"}) + "\n"
        + "{broken\n"
        + json.dumps({"id": "b", "text": "It rained all day."}) + "\n"
    )
    result = run("code", "--input", src)
    assert result.exit_code == 1
    assert f"{src}:2:" in result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [r["id"] for r in lines] == ["a", "b"]
    assert lines[1]["events"] == []
    ev = lines[0]["events"][0]
    assert ev["plover"] == "CONSULT" and ev["date"] == "2025-09-04"
    assert "doc_ids" not in ev and "num_sources" not in ev and "coder_version" in ev


def test_code_lines_sharing_an_id_keep_their_own_events(tmp_path):
    # from the new user's test: every line with id "x" got the last one's events
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "x", "text": "North Korean leader Kim Jong Un met Chinese President Xi Jinping "
                    "in Beijing on Thursday.", "date": "2025-09-05"}) + "\n"
        + json.dumps({"id": "x", "text": "It rained all day."}) + "\n"
        + json.dumps({"id": 3, "text": "Russia criticized China on Monday.", "date": "2025-09-05"}) + "\n"
        + json.dumps({"text": "It rained again."}) + "\n"  # named by its line number, 4
    )
    result = run("code", "--input", src)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [r["id"] for r in lines] == ["x", "x", 3, 4]
    assert [e["plover"] for e in lines[0]["events"]] == ["CONSULT"] and lines[1]["events"] == []
    assert lines[2]["events"] and lines[3]["events"] == []
    assert all(r["about_politics"] is None for r in lines)  # one sentence each: not checked


def test_code_refuses_a_binary_file_in_one_message_and_says_an_empty_one_is_empty(tmp_path):
    binary = tmp_path / "blob.jsonl"
    binary.write_bytes(b"\x7fELF\x00\x01\n" * 50)
    result = run("code", "--input", binary)
    assert result.exit_code != 0 and result.output.count("binary file") == 1
    utf16 = tmp_path / "ps.jsonl"
    utf16.write_text('{"id": "a", "text": "Russia criticized China."}\n', encoding="utf-16")
    result = run("code", "--input", utf16)
    assert result.exit_code != 0 and "UTF-16 text" in result.output and "binary file" not in result.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = run("code", "--input", empty)
    assert result.exit_code == 0 and "empty file, nothing to code" in result.output


def test_code_reports_each_bad_line_and_a_bad_date_and_codes_the_rest(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        (json.dumps({"id": "a", "text": "Russia criticized China.", "date": "bad-date"}) + "\n").encode()
        + b'{"id": "b", "text": "x",}\n'  # trailing comma
        + b"\xff\xfe not UTF-8\n"
        + (json.dumps({"id": "c", "text": "It rained."}) + "\n").encode()
    )
    result = run("code", "--input", src)
    assert result.exit_code == 1
    assert f"{src}:1: \"date\" is not a date" in result.output
    assert f"{src}:2: malformed JSON" in result.output and "(column 25)" in result.output
    assert f"{src}:3: invalid UTF-8" in result.output
    assert [json.loads(x)["id"] for x in result.output.splitlines() if x.startswith("{")] == ["a", "c"]


@pytest.mark.parametrize("command", ["code", "resolve"])
def test_code_and_resolve_refuse_a_missing_file_or_a_folder_without_a_traceback(tmp_path, command):
    for path, says in ((tmp_path / "missing.jsonl", "no such file"), (tmp_path, "is a folder")):
        result = run(command, "--input", path)
        assert result.exit_code == 1 and says in result.output
        assert not isinstance(result.exception, (OSError, UnicodeError)), result.exception


def test_outputs_in_a_missing_folder_are_refused_before_any_work(tmp_path, seed_db):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "It rained."}) + "\n")
    got = run("code", "--input", src, "--output", tmp_path / "nodir" / "o.jsonl")
    assert got.exit_code == 1 and "cannot write" in got.output
    for args in (["export", "--format", "csv"], ["series", "CHN", "PRK"]):
        got = run(*args, "--db", seed_db, "-o", tmp_path / "nodir" / "x.csv")
        assert got.exit_code == 2 and "does not exist" in got.output


@pytest.mark.parametrize("command", ["events", "docs", "stories"])
def test_limit_must_be_positive(seed_db, command):
    for bad in ("0", "-1"):
        got = run(command, "--db", seed_db, "--limit", bad)
        assert got.exit_code == 2 and "--limit" in got.output


def test_resolve_command_names_country_and_sector(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "1", "text": "North Korean leader Kim Jong Un"}) + "\n"
        + json.dumps({"id": "2", "text": "puppies"}) + "\n"
    )
    result = run("resolve", "--input", src)
    assert result.exit_code == 0
    first, second = [json.loads(line) for line in result.output.splitlines()]
    assert (first["country"], first["sector"]) == ("PRK", "GOV")
    assert second == {"id": "2", "country": None, "sector": None, "actor_id": None, "name": None, "method": None}


def test_recode_keeps_document_ids(tmp_path):
    db = tmp_path / "r.duckdb"
    run("ingest", EXAMPLE_JSONL, "--db", db, "-q")
    with Store(db, read_only=True) as store:
        before = [d["doc_id"] for d in store.documents()]
        n_events = store.count("events")
    # an actor the old coding left (as another dictionary, or an older base, would)
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO actors VALUES ('P:NOBODY_NOW', 'Nobody Now', 'USA', 'GOV')")
    con.execute("UPDATE actors SET name = 'Stale Name' WHERE actor_id = 'KIM_JONG_UN'")
    con.close()
    result = run("recode", "--db", db, "-q")
    assert result.exit_code == 0
    with Store(db, read_only=True) as store:
        assert [d["doc_id"] for d in store.documents()] == before
        assert store.count("events") == n_events
        assert all(e["coder_version"] for e in store.events())
        assert not store.query("SELECT 1 FROM actors WHERE actor_id = 'P:NOBODY_NOW'")  # pruned
        assert store.query("SELECT name FROM actors WHERE actor_id = 'KIM_JONG_UN'") == [{"name": "Kim Jong Un"}]


def test_eval_skips_with_a_message_when_gold_is_absent(tmp_path):
    result = run("eval", "plover", tmp_path / "absent.json")
    assert result.exit_code == 0
    assert "skipped" in result.output and "not found" in result.output


def test_actors_lists_known_and_unresolved_names(seed_db):
    known = run("actors", "--db", seed_db)
    assert known.exit_code == 0 and "KIM_JONG_UN" in known.output
    unresolved = run("actors", "--unresolved", "--db", seed_db)
    assert unresolved.exit_code == 0
    names = [line.split(None, 1)[1] for line in unresolved.output.splitlines()
             if line[:5].strip().isdigit()]
    assert names
    for known_name in ("Kim Jong Un", "Zhao Leji", "Xi Jinping", "Zhao", "Thursday"):
        assert known_name not in names


def test_ingest_with_progress_bar_reports_and_finishes(tmp_path):
    # Without -q the progress bar is on; it must never be tested for truth (tqdm raises
    # on bool() of an open-ended bar), so problems and progress both go through it.
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("China and North Korea held talks in Beijing on Monday about trade.\n")
    (src / "empty.txt").write_text("")
    db = tmp_path / "p.duckdb"
    result = run("ingest", src, "--db", db)
    assert result.exit_code == 1, result.output
    assert "empty.txt" in result.output
    assert "1 new" in result.output


def test_stories_list_show_and_story_filter(seed_db):
    listed = run("stories", "--db", seed_db, "--format", "jsonl")
    assert listed.exit_code == 0
    rows = [json.loads(line) for line in listed.output.splitlines() if line.startswith("{")]
    assert len(rows) == 3 and sorted(r["num_docs"] for r in rows) == [1, 1, 3]
    big = next(r for r in rows if r["num_docs"] == 3)
    shown = run("stories", "show", big["story_id"][:8], "--db", seed_db)
    assert shown.exit_code == 0
    assert "3 documents" in shown.output and "Zhao Leji" in shown.output
    events = run("events", "--db", seed_db, "--story", big["story_id"][:8], "--format", "jsonl")
    story_events = [json.loads(line) for line in events.output.splitlines() if line.startswith("{")]
    assert story_events and all(e["story_id"] == big["story_id"] for e in story_events)
    # a story's events are marked as the timeline marks them: history and unasserted acts
    marked = [e for e in story_events if e["background"] or e["modality"] != "asserted"]
    assert marked
    lines = [line for line in shown.output.splitlines() if " -> " in line]
    assert len(lines) == len(story_events)
    assert sum("(background" in line or "(future" in line or "(hypothetical" in line or "(negated" in line
               for line in lines) == len(marked)
    assert run("stories", "show", "ffffffff", "--db", seed_db).exit_code == 1
    bad = run("events", "--db", seed_db, "--story", "not-an-id")
    assert bad.exit_code == 1 and "story" in bad.output


def test_events_once_per_event_or_every_report(seed_db):
    def count(*extra):
        out = run("events", "--db", seed_db, "--format", "jsonl", *extra).output
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    events, reports = count(), count("--reports")
    assert len(events) < len(reports)
    assert any(e["num_sources"] > 1 for e in events)
    assert all(r["num_sources"] == 1 for r in reports)


# -- undated input, messages, summary (issue 10, parts 4 and 5) ----------------------------------
def test_ingest_date_field_stores_that_date_as_published(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": "Kim Jong Un met Xi Jinping in Beijing on Thursday.",
                                "pubDate": "2024-04-13"}) + "\n")
    db = tmp_path / "t.duckdb"
    result = run("ingest", feed, "--db", db, "-q", "--date-field", "pubDate")
    assert result.exit_code == 0, result.output
    with Store(db, read_only=True) as store:
        [doc] = store.documents()
        doc = store.document(doc["doc_id"])
    assert doc["published"] == "2024-04-13" and doc["published_method"] == "metadata"
    with Store(db, read_only=True) as store:  # as the input gave it
        assert store.query("SELECT published_given FROM documents")[0]["published_given"] == "2024-04-13"


def test_ingest_default_date_dates_only_what_nothing_else_dates(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "text": "Kim Jong Un met Xi Jinping in Beijing.", "published": "2024-04-13"},
        {"id": "b", "text": "Xi Jinping met Kim Jong Un in Pyongyang.", "url": "https://x.org/2024/05/02/xi"},
        {"id": "c", "text": "China and North Korea held talks in Beijing."},
    ]) + "\n")
    db = tmp_path / "t.duckdb"
    first = run("ingest", feed, "--db", db, "-q")
    assert "1 of 3 documents undated" in first.output, first.output
    # run again with a default date: the undated document takes it (re-processed), the others stay
    result = run("ingest", feed, "--db", db, "-q", "--default-date", "2024-06-01")
    assert result.exit_code == 0, result.output
    assert "0 new, 1 updated, 2 already stored" in result.output
    assert "0 of 1 documents undated, 1 dated by --default-date" in result.output
    with Store(db, read_only=True) as store:
        got = {d["path"].split("#")[1]: (d["published"], d["published_method"]) for d in store.documents()}
    assert got == {"a": ("2024-04-13", "metadata"), "b": ("2024-05-02", "url"), "c": ("2024-06-01", "default")}
    bad = run("ingest", feed, "--db", db, "-q", "--default-date", "2024-13-45")
    assert bad.exit_code == 1 and "--default-date" in bad.output and "YYYY-MM-DD" in bad.output


@pytest.mark.parametrize("quiet", [True, False])
def test_each_input_problem_is_printed_exactly_once(tmp_path, quiet):
    # Fixed bug: every problem was printed as it happened and again under the summary.
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("North Korean leader Kim Jong Un met Chinese President Xi Jinping in Beijing.\n")
    (src / "empty.txt").write_bytes(b"")
    (src / "feed.jsonl").write_text('{"text": "South Korea and Japan held talks in Tokyo.", "published": "2024-13-45"}\n'
                                    '{oops\n')
    db = tmp_path / "t.duckdb"
    result = run("ingest", src, "--db", db, *(["-q"] if quiet else []))
    assert result.exit_code == 1
    out = result.output
    for message in (f"{src / 'empty.txt'}: empty file", f"{src / 'feed.jsonl'}:2: malformed JSON",
                    f"{src / 'feed.jsonl'}:1: field 'published' is not a date: '2024-13-45'"):
        assert out.count(message) == 1, out
    assert "2 failed, 1 warning;" in out
    with Store(db, read_only=True) as store:  # the badly dated document is stored, undated
        [feed_doc] = [d for d in store.documents() if "feed.jsonl" in d["path"]]
        assert feed_doc["published"] is None


def test_ingest_summary_says_events_and_reports_apart(tmp_path):
    import re

    db = tmp_path / "t.duckdb"
    result = run("ingest", EXAMPLE_JSONL, "--db", db, "-q")
    assert result.exit_code == 0, result.output
    m = re.search(r"(\d+) events \((\d+) undated\) from (\d+) reports; (\d+) of (\d+) documents undated", result.output)
    assert m, result.output
    events, undated, reports, undated_docs, docs = map(int, m.groups())
    with Store(db, read_only=True) as store:
        assert reports == store.count("events")
        assert events == store.query("SELECT count(*) AS n FROM unique_events")[0]["n"]
        assert undated == store.query("SELECT count(*) AS n FROM unique_events WHERE date IS NULL")[0]["n"]
        assert undated_docs == store.query("SELECT count(*) AS n FROM documents WHERE published IS NULL")[0]["n"]
        assert docs == store.count("documents") == 5
    assert events < reports  # the example corpus reports some events more than once


def _code_with_model(monkeypatch, folder):
    """``dyadscope code`` on one line with $DYADSCOPE_MODEL naming ``folder`` (the process's
    model is loaded again before and after)."""
    from dyadscope.coder.model import default_model

    monkeypatch.setenv("DYADSCOPE_MODEL", str(folder))
    default_model.cache_clear()
    try:
        return CliRunner().invoke(main, ["code", "--input", "-"], input='{"id": "a", "text": "Troops fired."}\n')
    finally:
        monkeypatch.delenv("DYADSCOPE_MODEL")
        default_model.cache_clear()


def test_dyadscope_model_naming_no_model_is_one_clear_error(tmp_path, monkeypatch):
    got = _code_with_model(monkeypatch, tmp_path / "nowhere")
    assert got.exit_code == 1
    assert "no event model in" in got.output and "dyadscope train" in got.output
    assert "Traceback" not in got.output


def test_code_output_dash_is_stdout_not_a_file_named_dash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    got = CliRunner().invoke(main, ["code", "--input", "-", "--output", "-"],
                             input='{"id": "a", "text": "Rain fell on the town."}\n')
    assert got.exit_code == 0 and json.loads(got.output.strip()) == {"id": "a", "events": [], "about_politics": None}
    assert not (tmp_path / "-").exists()


def test_python_dash_m_dyadscope_runs_the_same_command_line():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "dyadscope", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for command in ("ingest", "code", "series", "export", "train", "eval"):
        assert f"  {command} " in out.stdout


def test_unknown_country_code_is_an_error_in_every_command(seed_db):
    """Fixed: --dyad CHN,XYZ, --country XYZ and `timeline CHN XYZ` printed no events, as if none matched."""
    for args in (["events", "--dyad", "CHN,XYZ"], ["events", "--country", "XYZ"], ["series", "CHN", "XYZ"],
                 ["timeline", "CHN", "XYZ"], ["export", "--format", "csv", "-o", "-", "--dyad", "XYZ,PRK"]):
        result = run(*args, "--db", seed_db)
        assert result.exit_code == 1, args
        assert "unknown country or IGO code 'XYZ'" in result.output and "ISO 3166" in result.output, args
        # the pair of timeline and series is their arguments: the message says so, not --dyad
        assert ("FIRST SECOND:" in result.output) == (args[0] in ("timeline", "series")), args


def test_country_takes_a_code_in_any_case_or_a_countrys_name(seed_db):
    by_code = run("events", "--country", "PRK", "--format", "jsonl", "--db", seed_db).stdout
    assert by_code
    for named in ("prk", "North Korea", "north korea"):
        assert run("events", "--country", named, "--format", "jsonl", "--db", seed_db).stdout == by_code, named
    usa = run("events", "--country", "USA", "--format", "jsonl", "--db", seed_db).stdout
    assert usa and all(run("events", "--country", named, "--format", "jsonl", "--db", seed_db).stdout == usa
                       for named in ("US", "United States"))  # as the actor base reads them
    bad = run("events", "--country", "Narnia", "--db", seed_db)
    assert bad.exit_code == 1 and "got 'Narnia'" in bad.output and "country's name" in bad.output


def test_timeline_counts_the_undated_events_it_leaves_out(seed_db, tmp_path):
    """Fixed: the timeline dropped undated events without saying so."""
    assert "undated" not in run("timeline", "CHN", "PRK", "--db", seed_db).stderr  # all seed events are dated
    db = tmp_path / "undated.duckdb"
    shutil.copy(seed_db, db)
    con = duckdb.connect(str(db))
    con.execute(f"UPDATE events SET date = NULL WHERE event_id IN (SELECT event_id FROM events WHERE {EVENTS_ONLY} "
                "AND source_country = 'CHN' AND target_country = 'PRK' ORDER BY event_id LIMIT 2)")
    con.close()
    result = run("timeline", "CHN", "PRK", "--db", db)
    assert result.exit_code == 0
    assert "2 undated events between CHN and PRK not shown" in result.stderr
    assert "undated" not in run("timeline", "CHN", "USA", "--db", db).stderr


def test_docs_show_takes_the_short_id_the_web_takes(seed_db):
    full = _docs(seed_db)["003"]["doc_id"]
    assert run("docs", "show", full[:6], "--db", seed_db).output.startswith(f"# {full}")
    short = run("docs", "show", full[:5], "--db", seed_db)
    assert short.exit_code == 1 and "at least 6 characters" in short.output


def test_export_help_says_how_to_read_parquet():
    text = " ".join(run("export", "--help").output.split())
    assert "pyarrow" in text and "duckdb.read_parquet" in text


def test_parquet_export_reads_as_documented_without_pyarrow(seed_db, tmp_path):
    pytest.importorskip("pandas")
    out = tmp_path / "events.parquet"
    assert run("export", "--format", "parquet", "-o", out, "--db", seed_db).exit_code == 0
    df = duckdb.read_parquet(str(out)).df()  # as docs/ANALYSIS.md and the help say
    assert len(df) > 0 and "event_id" in df.columns


def test_code_reads_published_when_there_is_no_date(tmp_path):
    # as ingest reads a JSONL line: the same file gives the same dates in both commands
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Iran and Iraq signed a trade deal last Tuesday.",
                               "published": "2024-02-09"}) + "\n", encoding="utf-8")
    result = run("code", "--input", src)
    assert result.exit_code == 0, result.output
    events = json.loads(result.output.splitlines()[-1])["events"]
    assert events and {e["date"] for e in events} == {"2024-02-06"}


def test_code_reads_a_date_given_as_a_number_as_ingest_does(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Iran and Iraq signed a trade deal last Tuesday.",
                               "published": 20240209}) + "\n", encoding="utf-8")
    result = run("code", "--input", src)
    assert result.exit_code == 0 and "not a date" not in result.output
    events = json.loads(result.output.splitlines()[-1])["events"]
    assert events and {e["date"] for e in events} == {"2024-02-06"}
    from dyadscope.read import ReadProblem, iter_inputs

    docs = [x for x in iter_inputs([str(src)]) if not isinstance(x, ReadProblem)]
    assert [d.published for d in docs] == ["20240209"]  # ingest: the same date, as text


def test_train_with_a_missing_plover_file_names_it(tmp_path):
    (tmp_path / "stories_dev.jsonl").write_text("")
    result = run("train", tmp_path, "--plover", tmp_path / "absent.json", "--no-eval")
    assert result.exit_code != 0
    assert "absent.json" in result.output and "--plover" in result.output


def test_events_show_explains_one_event_by_a_prefix_of_its_id(seed_db):
    import json

    listed = run("events", "--dyad", "CHN,PRK", "--format", "jsonl", "--db", seed_db)
    ev = max((json.loads(line) for line in listed.stdout.splitlines()), key=lambda e: e["num_sources"])
    table = run("events", "--dyad", "CHN,PRK", "--db", seed_db).stdout
    assert ev["event_id"][:10] in table  # the table gives the id to ask about
    shown = run("events", "show", ev["event_id"][:8], "--db", seed_db)
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    assert out.startswith(f"# event {ev['event_id']}")
    assert f"date {ev['date'] or '?'} ({ev['date_precision']})" in out
    assert "\nReports (" in out and f"Sources ({ev['num_sources']})" in out
    assert " ".join(ev["sentence"].split())[:60] in " ".join(out.split())
    as_json = json.loads(run("events", "show", ev["event_id"], "--format", "json", "--db", seed_db).stdout)
    assert as_json["event"]["event_id"] == ev["event_id"]
    assert {s["doc_id"] for s in as_json["sources"]} == set(ev["doc_ids"])
    missing = run("events", "show", "ffffffffff", "--db", seed_db)
    assert missing.exit_code == 1 and "no event with id 'ffffffffff'" in missing.output


def test_a_document_can_be_named_by_the_id_its_feed_gave_it(tmp_path):
    import json

    line = {"id": "scs-1", "published": "2024-05-02",
            "text": "China accused the Philippines of provoking tensions in the South China Sea on Monday."}
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps(line) + "\n")
    db = tmp_path / "t.duckdb"
    assert run("ingest", a, "--db", db, "-q").exit_code == 0
    shown = run("docs", "show", "scs-1", "--db", db)
    assert shown.exit_code == 0 and "a.jsonl#scs-1" in shown.output
    # the same id fed from another file: ambiguous, and said so
    b.write_text(json.dumps({**line, "text": line["text"].replace("Monday", "Tuesday")}) + "\n")
    assert run("ingest", b, "--db", db, "-q").exit_code == 0
    again = run("docs", "show", "scs-1", "--db", db)
    assert again.exit_code == 1 and "several documents were fed with the id 'scs-1'" in again.output


def test_a_model_of_a_newer_format_is_refused_not_half_used(tmp_path, monkeypatch):
    """Code pointed at a model with parts it does not know must say so, not code without them."""
    import shutil

    from dyadscope.coder.model import MODEL_DIR, MODEL_FORMAT

    folder = tmp_path / "newer"
    shutil.copytree(MODEL_DIR, folder)
    meta = json.loads((folder / "model.json").read_text())
    meta["format"] = MODEL_FORMAT + 1
    (folder / "model.json").write_text(json.dumps(meta))
    got = _code_with_model(monkeypatch, folder)
    assert got.exit_code == 1
    assert f"model format {MODEL_FORMAT + 1}" in got.output and str(folder / "model.json") in got.output
    assert "upgrade dyadscope" in got.output
    assert isinstance(got.exception, SystemExit)  # the CLI's own error, not an uncaught exception


def test_code_refuses_to_write_over_its_own_input(tmp_path):
    src = tmp_path / "in.jsonl"
    text = json.dumps({"id": "a", "text": "Iran and Iraq signed a trade deal."}) + "\n"
    src.write_text(text, encoding="utf-8")
    (tmp_path / "link.jsonl").symlink_to(src)
    for out in (src, tmp_path / "link.jsonl"):
        got = run("code", "--input", src, "--output", out)
        assert got.exit_code == 1 and "is the input file itself" in got.output
        assert src.read_text(encoding="utf-8") == text  # not emptied


def test_code_dates_a_line_with_both_fields_as_ingest_does(tmp_path):
    """ingest reads "published" before "date": code must give the same event dates."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Iran and Iraq signed a trade deal last Tuesday.",
                               "date": "2025-09-05", "published": "2024-02-09"}) + "\n", encoding="utf-8")
    result = run("code", "--input", src)
    assert result.exit_code == 0, result.output
    events = json.loads(result.output.splitlines()[-1])["events"]
    db = tmp_path / "t.duckdb"
    assert run("ingest", src, "--db", db, "-q").exit_code == 0
    with Store(db, read_only=True) as store:
        stored = {str(r["date"]) for r in store.query("SELECT date FROM unique_events")}
    assert events and {e["date"] for e in events} == {"2024-02-06"} == stored


def test_a_model_file_that_cannot_be_read_is_named(tmp_path, monkeypatch):
    import shutil

    from dyadscope.coder.model import MODEL_DIR

    folder = tmp_path / "broken"
    shutil.copytree(MODEL_DIR, folder)
    (folder / "model.json").write_text("{")
    got = _code_with_model(monkeypatch, folder)
    (folder / "model.json").unlink()
    gone = _code_with_model(monkeypatch, folder)
    assert got.exit_code == 1 and isinstance(got.exception, SystemExit)
    assert f"{folder / 'model.json'}: not valid JSON" in got.output
    assert gone.exit_code == 1 and "(model.json missing)" in gone.output  # names the file that is gone


def test_dyad_takes_country_names_of_several_words(seed_db):
    """New-user finding: --dyad "China,North Korea" was refused (split at the space) while
    --country "North Korea" worked."""
    by_code = run("events", "--dyad", "CHN,PRK", "--format", "jsonl", "--db", seed_db).stdout
    assert by_code
    for named in ("China,North Korea", "China / North Korea", "CHN PRK", "CHN-PRK"):
        got = run("events", "--dyad", named, "--format", "jsonl", "--db", seed_db)
        assert got.exit_code == 0 and got.stdout == by_code, named
    assert run("series", "China,North Korea", "--format", "csv", "--db", seed_db).stdout == \
        run("series", "CHN", "PRK", "--format", "csv", "--db", seed_db).stdout
    three = run("events", "--dyad", "CHN,PRK,RUS", "--db", seed_db)
    assert three.exit_code == 1 and "expected two actors" in three.output


def test_a_name_no_event_holds_is_said_not_answered_with_silence(seed_db):
    """New-user finding: --actor Nobody printed "0 events" as a quiet actor would."""
    for args in (["events", "--actor", "Nobody"], ["events", "--dyad", "CHN,Nobody"], ["timeline", "Nobody", "PRK"],
                 ["series", "Nobody", "PRK"], ["export", "--format", "csv", "-o", "-", "--actor", "Nobody"]):
        result = run(*args, "--db", seed_db)
        assert result.exit_code == 0, args
        assert "no stored event names 'Nobody'" in result.stderr, args
    # a known actor whose events the other filters leave out: no such note
    quiet = run("events", "--actor", "Kim", "--type", "ASSAULT", "--db", seed_db)
    assert quiet.exit_code == 0 and "0 events" in quiet.stderr and "no stored event" not in quiet.stderr
    # a name read as a country says which country it was read as
    korea = run("events", "--dyad", "China,Korea", "--db", seed_db)
    assert "'Korea' (read as the country KOR)" in korea.stderr
    # a country's other names are the country in every option, as --country reads them
    dprk = run("events", "--dyad", "China,DPRK", "--format", "jsonl", "--db", seed_db)
    assert dprk.stdout and dprk.stdout == run("events", "--dyad", "CHN,PRK", "--format", "jsonl", "--db", seed_db).stdout
    import dyadscope

    with dyadscope.open(seed_db) as store, pytest.warns(UserWarning, match="'Nobody'"):
        store.events(actor="Nobody")
