"""The analyst layer: dyadscope.open(), series in three faces, export profiles, schema v5."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import dyadscope
from conftest import REPO, seed_store
from dyadscope.cli import main
from dyadscope.export import EVENT_COLUMNS, PROFILES, profile_columns
from dyadscope.query import FilterError, event_filter
from dyadscope.store import SCHEMA_VERSION, Store, StoreError

pd = pytest.importorskip("pandas", reason="the analysis extra (pandas) is not installed")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return str(seed_store(tmp_path_factory))


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _numbers(rows):
    """Series rows with every value as text, as CSV gives them."""
    return [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows]


def test_series_gives_the_same_numbers_in_cli_python_and_api(db):
    from fastapi.testclient import TestClient

    from dyadscope.web import create_app

    result = run("series", "CHN", "PRK", "--interval", "month", "--format", "csv", "--db", db)
    assert result.exit_code == 0, result.output
    cli_rows = list(csv.DictReader(io.StringIO(result.stdout)))
    with dyadscope.open(db) as store:
        py = store.series(("CHN", "PRK"), interval="month", as_records=True)
        df = store.series(("CHN", "PRK"), interval="month")
    client = TestClient(create_app(db))
    api = client.get("/api/series", params={"dyad": "CHN,PRK", "interval": "month"}).json()
    api_csv = client.get("/api/series", params={"dyad": "CHN,PRK", "interval": "month", "format": "csv"}).text
    client.app.state.store.close()
    assert cli_rows == _numbers(py["rows"]) == _numbers(api["rows"])
    assert list(csv.DictReader(io.StringIO(api_csv))) == cli_rows
    # the pair in one argument, as events --dyad and the API's dyad= take it
    one = run("series", "CHN,PRK", "--interval", "month", "--format", "csv", "--db", db)
    assert one.exit_code == 0 and one.stdout == result.stdout
    assert run("series", "CHN", "--db", db).exit_code != 0
    # the table's short headings are keyed to the names CSV gives them
    table = run("series", "CHN", "PRK", "--interval", "month", "--db", db)
    assert "vcoop" in table.stdout.splitlines()[0] and "verbal_coop" in next(csv.reader(io.StringIO(result.stdout)))
    assert "vcoop = verbal_coop" in table.stderr
    assert len(df) == len(py["rows"]) and int(df["events"].sum()) == py["total"]
    # zero-filled: every month from the first to the last, some of them empty
    periods = [r["period"] for r in cli_rows]
    assert periods[0] == py["first"] and periods[-1] == py["last"]
    y, m = map(int, periods[0][:7].split("-"))
    for p in periods:
        assert p == f"{y:04d}-{m:02d}-01"
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert any(r["events"] == "0" and r["goldstein_mean"] == "" for r in cli_rows)
    # the columns add up: quad classes to the count, Goldstein mean = sum / count
    for r in py["rows"]:
        assert r["verbal_coop"] + r["material_coop"] + r["verbal_conflict"] + r["material_conflict"] <= r["events"]
        if r["events"]:
            assert r["goldstein_mean"] == pytest.approx(r["goldstein_sum"] / r["events"], abs=1e-3)


def test_series_hides_background_unless_asked(db):
    with dyadscope.open(db) as store:
        hidden = store.series(("CHN", "PRK"), interval="year", as_records=True)
        shown = store.series(("CHN", "PRK"), interval="year", background=True, as_records=True)
        events = store.events(dyad=("CHN", "PRK"), modality="asserted")  # what a series counts
    dated = events[events["date"].notna()]
    assert shown["total"] == len(dated)
    assert hidden["total"] == len(dated[~dated["background"]]) < shown["total"]
    assert shown["first"] <= hidden["first"]
    result = run("series", "CHN", "PRK", "--interval", "year", "--format", "jsonl", "--background", "--db", db)
    assert sum(int(__import__("json").loads(line)["events"]) for line in result.stdout.splitlines()) == shown["total"]
    # the same spelling as events, export, the API and Python: --background show|hide; the
    # older bare flag still shows, before the actors too
    for args, want in ((["CHN", "PRK", "--background", "show"], shown["total"]),
                       (["CHN", "PRK", "--background", "hide"], hidden["total"]),
                       (["--background", "CHN", "PRK"], shown["total"])):
        result = run("series", *args, "--interval", "year", "--format", "jsonl", "--db", db)
        assert result.exit_code == 0, result.output
        assert sum(int(__import__("json").loads(line)["events"]) for line in result.stdout.splitlines()) == want



def test_a_bare_background_flag_means_show_in_every_command(db, tmp_path):
    def lines(*args):
        result = run(*args, "--db", db)
        assert result.exit_code == 0, result.output
        return [x for x in result.stdout.splitlines() if x.strip()]

    for cmd in (["events", "--dyad", "CHN,PRK", "--format", "jsonl"], ["timeline", "CHN", "PRK"]):
        assert lines(*cmd, "--background") == lines(*cmd, "--background", "show")
        assert len(lines(*cmd, "--background", "show")) > len(lines(*cmd, "--background", "hide"))
    out, shown = tmp_path / "bare.csv", tmp_path / "show.csv"
    run("export", "--format", "csv", "-o", str(out), "--background", "--db", db)
    run("export", "--format", "csv", "-o", str(shown), "--background", "show", "--db", db)
    assert out.read_text() == shown.read_text()

def test_series_and_the_dyad_page_count_only_asserted_events_unless_asked(db, tmp_path):
    import shutil

    from fastapi.testclient import TestClient

    from dyadscope.web import create_app

    copy = tmp_path / "negated.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))  # one dated report of a CHN-PRK event: "did not ..."
    (gid,) = con.execute("SELECT event_group FROM events WHERE date IS NOT NULL AND NOT background AND modality = 'asserted' AND "
                         "list_sort([source_country, target_country]) = ['CHN', 'PRK'] ORDER BY event_group LIMIT 1").fetchone()
    con.execute("UPDATE events SET modality = 'negated' WHERE event_group = ?", [gid])
    con.close()
    with dyadscope.open(db) as store:
        before = store.series(("CHN", "PRK"), interval="year", as_records=True)
        before_all = store.series(("CHN", "PRK"), interval="year", modality="all", as_records=True)
        before_negated = store.series(("CHN", "PRK"), interval="year", modality="negated", as_records=True)
    with dyadscope.open(str(copy)) as store:
        counted = store.series(("CHN", "PRK"), interval="year", as_records=True)
        every = store.series(("CHN", "PRK"), interval="year", modality="all", as_records=True)
        negated = store.series(("CHN", "PRK"), interval="year", modality="negated", as_records=True)
    # the one event made negated leaves the default count and joins the negated ones; "all" keeps it
    assert negated["total"] == before_negated["total"] + 1
    assert counted["total"] == before["total"] - 1
    assert every["total"] == before_all["total"] > counted["total"]
    cli = {m: sum(int(__import__("json").loads(line)["events"]) for line in
                  run("series", "CHN", "PRK", "--interval", "year", "--format", "jsonl", "--db", str(copy),
                      *(["--modality", m] if m else [])).stdout.splitlines())
           for m in (None, "all")}
    assert cli == {None: counted["total"], "all": every["total"]}
    client = TestClient(create_app(str(copy)))
    try:
        api = {m: client.get("/api/series", params={"dyad": "CHN,PRK", "interval": "year",
                                                    **({"modality": m} if m else {})}).json()["total"]
               for m in (None, "all")}
        page = client.get("/api/dyads/CHN/PRK", params={"modality": "all", "background": "hide"}).json()
        csv_link = client.get("/dyad/CHN/PRK", params={"modality": "all"}).text
        listed = client.get("/api/events", params={"dyad": "CHN,PRK", "background": "hide"}).json()["total"]
    finally:
        client.app.state.store.close()
    assert api == {None: counted["total"], "all": every["total"]}
    assert page["totals"]["events"] - page["totals"]["undated"] == every["total"]
    assert "modality=all" in csv_link  # the page's links keep the choice
    # event lists show every modality by default (undated events too, which series leave out)
    assert listed == every["total"] + every["undated"]
    upper = run("series", "CHN", "PRK", "--interval", "year", "--format", "jsonl", "--db", str(copy),
                "--modality", "ALL")
    assert upper.exit_code == 0, upper.output  # as types and codes, in any case
    from dyadscope.query import parse_background
    assert parse_background(" Show ") is True and parse_background("HIDE") is False


def test_min_confidence_means_the_same_in_every_face(db):
    import json

    from fastapi.testclient import TestClient

    from dyadscope.web import create_app

    with dyadscope.open(db) as store:
        every = store.events(as_records=True)
        sure = store.events(min_confidence=0.9, as_records=True)
        series = store.series(("CHN", "PRK"), interval="year", modality="all", background=True,
                              min_confidence=0.9, as_records=True)
    assert 0 < len(sure) < len(every)
    assert all(r["confidence"] >= 0.9 for r in sure)
    cli = run("events", "--min-confidence", "0.9", "--format", "jsonl", "--limit", "100000", "--db", db)
    assert cli.exit_code == 0, cli.output
    assert [json.loads(line)["event_id"] for line in cli.stdout.splitlines()] == [r["event_id"] for r in sure]
    client = TestClient(create_app(db))
    try:
        api = client.get("/api/events", params={"min_confidence": 0.9, "limit": 1000}).json()
        api_series = client.get("/api/series", params={"dyad": "CHN,PRK", "interval": "year", "modality": "all",
                                                       "background": "show", "min_confidence": 0.9}).json()
        bad = client.get("/api/events", params={"min_confidence": 2})
        page = client.get("/dyad/CHN/PRK", params={"min_confidence": 0.9}).text
        form = client.get("/events", params={"min_confidence": 0.9, "country": "CHN", "quad_class": "1,2"}).text
    finally:
        client.app.state.store.close()
    assert api["total"] == len(sure) and api_series["total"] == series["total"]
    assert bad.status_code == 422 and "min_confidence" in bad.text
    assert "min_confidence=0.9" in page  # the page's links keep it
    for name, value in (("min_confidence", "0.9"), ("country", "CHN"), ("quad_class", "1,2")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in form  # and its filter form
    assert run("events", "--min-confidence", "1.5", "--db", db).exit_code != 0
    with pytest.raises(FilterError, match="min_confidence"):
        event_filter(min_confidence="high")


def test_series_takes_a_story_in_the_cli_as_in_python(db):
    with dyadscope.open(db) as store:
        story = store.sql("SELECT story_id, count(*) AS n FROM events WHERE story_id IS NOT NULL AND date IS NOT NULL "
                          "AND list_sort([source_country, target_country]) = ['CHN', 'PRK'] "
                          "GROUP BY ALL ORDER BY n DESC LIMIT 1")["story_id"][0]
        py = store.series(("CHN", "PRK"), interval="year", story=story[:8], background=True, as_records=True)
        every = store.series(("CHN", "PRK"), interval="year", background=True, as_records=True)
    assert 0 < py["total"] < every["total"]
    result = run("series", "CHN", "PRK", "--interval", "year", "--format", "jsonl", "--background",
                 "--story", story[:8], "--db", db)
    assert result.exit_code == 0, result.output
    assert sum(int(__import__("json").loads(line)["events"]) for line in result.stdout.splitlines()) == py["total"]


def test_a_year_or_month_as_until_takes_in_the_whole_period(db):
    """New-user finding: until=2024 meant 2024-01-01, leaving out the rest of the year."""
    import datetime

    with dyadscope.open(db) as store:
        dated = store.events(as_records=True)
        year = max(r["date"][:4] for r in dated if r["date"])
        in_year = [r for r in dated if (r["date"] or "").startswith(year)]
        assert any(r["date"] > f"{year}-01-01" for r in in_year)  # the case that was cut off
        assert len(store.events(since=year, until=year, as_records=True)) == len(in_year)
        month = max(r["date"][:7] for r in in_year)
        in_month = [r for r in dated if (r["date"] or "").startswith(month)]
        assert len(store.events(since=month, until=month, as_records=True)) == len(in_month)
        # dates as Python and pandas give them
        first = datetime.date.fromisoformat(min(r["date"] for r in in_year))
        assert len(store.events(since=first, until=pd.Timestamp(f"{year}-12-31"), as_records=True)) == len(in_year)
        with pytest.raises(FilterError, match="since"):
            store.events(since=20240101)
        for month in ("2024-13", "2024-00"):  # no month: an error, not a date in another year
            with pytest.raises(FilterError, match="until"):
                store.events(until=month)
        # a range that ends before it starts is an error, not an empty answer
        with pytest.raises(FilterError, match="before since"):
            store.events(since="2024-06-01", until="2024-01-01")
        assert store.events(since="2024-06", until="2024-06", as_records=True) is not None  # one month: fine


def test_series_one_a_day_never_counts_more(db):
    with dyadscope.open(db) as store:
        plain = store.series(("CHN", "PRK"), interval="day", background=True, as_records=True)
        once = store.series(("CHN", "PRK"), interval="day", background=True, one_a_day=True, as_records=True)
    assert once["total"] <= plain["total"]
    assert all(a["events"] <= b["events"] for a, b in zip(once["rows"], plain["rows"]))


def test_series_rejects_a_bad_interval(db):
    result = CliRunner().invoke(main, ["series", "CHN", "PRK", "--interval", "fortnight", "--db", db])
    assert result.exit_code == 2 and "fortnight" in result.output


def test_open_events_is_a_dataframe_of_events_not_reports(db):
    with dyadscope.open(db) as store:
        df = store.events(dyad=("CHN", "PRK"))
        reports = store.events(dyad=("CHN", "PRK"), reports=True)
        records = store.events(dyad="CHN,PRK", as_records=True)
        n_events = store.sql("SELECT count(*) AS n FROM unique_events WHERE "
                             "(source_country = 'CHN' AND target_country = 'PRK') OR "
                             "(source_country = 'PRK' AND target_country = 'CHN')")["n"][0]
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == EVENT_COLUMNS
    assert len(df) == len(records) == n_events < len(reports)
    assert df["event_id"].is_unique
    assert (df["event_group"] == df["event_id"]).all()  # an event names itself; reports name it
    assert set(df["source_country"]) | set(df["target_country"]) <= {"CHN", "PRK"}
    assert str(df["date"].dtype).startswith("datetime64")
    assert df["num_sources"].max() > 1
    # where each event was first reported rides on every record: that document's url, outlet, date
    assert df["outlet"].notna().any() and df["published"].notna().any()
    store = Store(db, read_only=True)
    docs = store.query("SELECT doc_id, url, source, CAST(published AS VARCHAR) AS published FROM documents")
    store.close()
    by_id = {d["doc_id"]: d for d in docs}
    for r in records:
        first = by_id[r["first_reported"]]
        assert (r["source_url"], r["outlet"], r["published"]) == (first["url"], first["source"], first["published"])


def test_filters_mean_the_same_in_every_face(db):
    with dyadscope.open(db) as store:
        conflict = store.events(quad_class=(3, 4), country="CHN")
        coop = store.events(quad_class="1,2", country="CHN")
        everything = store.events(country="CHN")
        gov = store.events(sector="GOV")
    assert len(conflict) + len(coop) == len(everything)
    assert set(conflict["quad_class"]) <= {3, 4}
    assert ((gov["source_sector"] == "GOV") | (gov["target_sector"] == "GOV")).all()
    result = run("events", "--country", "CHN", "--quad-class", "3,4", "--format", "jsonl", "--db", db)
    assert len(result.stdout.splitlines()) == len(conflict)
    with pytest.raises(FilterError) as err:
        event_filter(quad_class=5)
    assert err.value.param == "quad_class"
    bad = CliRunner().invoke(main, ["events", "--quad-class", "9", "--db", db])
    assert bad.exit_code == 1 and "--quad-class:" in bad.output  # the option as typed
    # a CAMEO prefix no code has is a mistake to say, not an empty answer
    bad = CliRunner().invoke(main, ["events", "--type", "99", "--db", db])
    assert bad.exit_code == 1 and "the roots are 01 to 20" in bad.output
    assert CliRunner().invoke(main, ["events", "--type", "20", "--db", db]).exit_code == 0


def test_a_dyad_counts_only_events_whose_both_sides_resolve():
    con = duckdb.connect()
    cols = ", ".join(f"{s}_{k} VARCHAR" for s in ("source", "target") for k in ("text", "name", "country", "actor_id"))
    con.execute(f"CREATE TABLE events ({cols})")
    con.execute("INSERT INTO events VALUES ('Beijing', 'China', 'CHN', NULL, 'Kim', 'Kim Jong Un', 'PRK', 'KJU'), "
                "('Beijing', 'China', 'CHN', NULL, 'Kim', 'Kim', NULL, NULL)")
    where, params = event_filter(dyad=("CHN", "Kim")).where()
    assert con.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0] == 1
    where, params = event_filter(actor="Kim").where()  # an actor filter is not a dyad
    assert con.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0] == 2



def test_an_actor_filter_matches_whole_words_and_a_countrys_name_matches_its_code():
    con = duckdb.connect()
    cols = ", ".join(f"{s}_{k} VARCHAR" for s in ("source", "target") for k in ("text", "name", "country", "actor_id"))
    con.execute(f"CREATE TABLE events ({cols})")
    con.execute("INSERT INTO events VALUES "
                "('Lazaro', 'Theresa Lazaro', 'PHL', NULL, 'Chen Xiaodong', 'Chen Xiaodong', 'CHN', NULL), "
                "('Xi', 'Xi Jinping', 'CHN', 'XI_JINPING', 'Filipino', 'Filipino', 'PHL', NULL), "
                "('U.S. Treasury', NULL, 'USA', NULL, 'Manila', 'Manila', 'PHL', NULL)")

    def count(**kw):
        where, params = event_filter(**kw).where()
        return con.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0]

    assert count(actor="Xi") == 1  # not "Xiaodong"
    assert count(actor="Ma") == 0  # not "Manila"
    assert count(actor="U.S.") == 1
    assert count(actor="Philippines") == count(country="PHL") == 3
    assert count(dyad=("Xi", "Philippines")) == 1

def _documented(profile: str) -> list[str]:
    text = (REPO / "docs" / "ANALYSIS.md").read_text(encoding="utf-8")
    section = text.split(f"### `--profile {profile}`", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)


@pytest.mark.parametrize("profile", [p for p in PROFILES if p != "native"])
def test_export_profile_columns_match_the_documented_mapping(db, tmp_path, profile):
    documented = _documented(profile)
    assert documented == [c for c, _, _ in profile_columns(profile)]
    out = tmp_path / f"{profile}.csv"
    result = run("export", "--profile", profile, "--format", "csv", "-o", str(out), "--db", db, "--dyad", "CHN,PRK")
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out)
    assert list(df.columns) == documented
    with dyadscope.open(db) as store:
        # the layout has no modality column and no background flag: asserted events that are
        # not history a report recalls, unless asked for all
        assert len(df) == len(store.events(dyad=("CHN", "PRK"), modality="asserted", background=False))
        with_history = len(store.events(dyad=("CHN", "PRK"), modality="asserted"))
    assert "Asserted events only" in result.output and "Background history hidden" in result.output
    if profile == "gdelt":  # the seeds recall 1949, 1961, 2018 and 2019: history, not news
        assert with_history > len(df) and df["SQLDATE"].min() >= 20200101
        shown = tmp_path / "history.csv"
        run("export", "--profile", profile, "--format", "csv", "-o", str(shown), "--db", db, "--dyad", "CHN,PRK",
            "--background", "show")
        assert len(pd.read_csv(shown)) == with_history
    if profile == "gdelt":
        assert len(documented) == 61 and documented[:2] == ["GLOBALEVENTID", "SQLDATE"]
        assert documented[-2:] == ["DATEADDED", "SOURCEURL"]
        assert set(df["Actor1CountryCode"]) | set(df["Actor2CountryCode"]) <= {"CHN", "PRK"}
        assert set(df["QuadClass"]) <= {1, 2, 3, 4}
        assert (df["EventRootCode"].astype(str).str.len() <= 2).all()
        bare = tmp_path / "bare.csv"
        run("export", "--profile", "gdelt", "--format", "csv", "--no-header", "-o", str(bare), "--db", db)
        assert not bare.read_text().startswith("GLOBALEVENTID")
        assert len(pd.read_csv(bare, header=None).columns) == 61
    parquet = tmp_path / f"{profile}.parquet"
    run("export", "--profile", profile, "--format", "parquet", "-o", str(parquet), "--db", db)
    assert [d[0] for d in duckdb.sql(f"SELECT * FROM '{parquet}'").description] == documented



def test_field_layouts_hold_asserted_events_unless_asked(tmp_path):
    import json

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "published": "2024-05-06", "text": (
        "The United States did not condemn Israel's strike on Iran, officials said on Monday. "
        "Russian forces launched a missile strike on the Ukrainian city of Kharkiv on Monday.")}) + "\n")
    db = str(tmp_path / "t.duckdb")
    assert run("ingest", str(corpus), "--db", db, "-q").exit_code == 0
    with dyadscope.open(db) as store:
        negated, asserted = len(store.events(modality="negated")), len(store.events(modality="asserted"))
    assert negated and asserted, "the coder stores the denial as negated, the strike as asserted"
    for profile in ("gdelt", "icews", "polecat"):
        out, every = tmp_path / f"{profile}.csv", tmp_path / f"{profile}-all.csv"
        assert "Asserted events only" in run("export", "--profile", profile, "--format", "csv", "-o", str(out),
                                             "--db", db).output
        run("export", "--profile", profile, "--format", "csv", "-o", str(every), "--db", db, "--modality", "all")
        assert len(pd.read_csv(out)) == asserted and len(pd.read_csv(every)) == asserted + negated

def test_events_csv_and_export_csv_share_one_column_order(db, tmp_path):
    listed = run("events", "--dyad", "CHN,PRK", "--format", "csv", "--db", db).stdout
    out = tmp_path / "native.csv"
    run("export", "--format", "csv", "-o", str(out), "--db", db, "--dyad", "CHN,PRK")
    exported = out.read_text(encoding="utf-8")
    assert listed.splitlines()[0] == exported.splitlines()[0] == ",".join(EVENT_COLUMNS)
    assert listed.replace("\r\n", "\n") == exported.replace("\r\n", "\n")


def test_schema_v5_migration_adds_the_unique_events_view(tmp_path, db):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(f"ATTACH '{db}' AS seed (READ_ONLY)")
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = 'seed' "
                                "AND table_type = 'BASE TABLE'").fetchall():
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM seed.{table}")
    con.execute("DETACH seed")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="recode"):
        Store(path, read_only=True)  # read-only commands never migrate
    Store(path).close()
    store = Store(path, read_only=True)
    assert store.query("SELECT value FROM meta WHERE key = 'schema_version'")[0]["value"] == str(SCHEMA_VERSION) == "6"
    n = store.query("SELECT count(*) AS n FROM unique_events")[0]["n"]
    assert n == store.query("SELECT count(*) AS n FROM events WHERE event_group = event_id")[0]["n"] > 0
    row = store.query("SELECT u.num_sources, u.outlet, d.source FROM unique_events u "
                      "JOIN documents d ON d.doc_id = u.first_reported ORDER BY u.num_sources DESC LIMIT 1")[0]
    assert row["num_sources"] > 1 and row["outlet"] == row["source"]
    store.close()


def test_every_new_command_is_documented():
    docs = (REPO / "docs" / "ANALYSIS.md").read_text(encoding="utf-8")
    for text in ("dyadscope series", "dyadscope export --profile gdelt", "dyadscope.open", "/api/series"):
        assert text in docs
    assert Path(REPO / "README.md").read_text(encoding="utf-8").count("docs/ANALYSIS.md")


def test_series_takes_the_event_filters_in_every_face(db):
    from fastapi.testclient import TestClient

    from dyadscope.web import create_app

    filters = {"country": "CHN", "sector": "GOV", "quad_class": "1,2"}
    result = run("series", "CHN", "PRK", "--interval", "year", "--format", "csv", "--db", db,
                 "--country", "CHN", "--sector", "GOV", "--quad-class", "1,2")
    assert result.exit_code == 0, result.output
    cli_rows = list(csv.DictReader(io.StringIO(result.stdout)))
    with dyadscope.open(db) as store:
        py = store.series(("CHN", "PRK"), interval="year", as_records=True, **filters)
        coop = store.series(("CHN", "PRK"), interval="year", as_records=True, quad_class="1,2")
        # quad classes part a dyad's events: on one with cooperation and conflict (in the
        # example corpus, Russia and North Korea)
        both = store.series(("RUS", "PRK"), interval="year", as_records=True)
        part = [store.series(("RUS", "PRK"), interval="year", as_records=True, quad_class=q)["total"]
                for q in ("1,2", "3,4")]
    client = TestClient(create_app(db))
    api = client.get("/api/series", params={"dyad": "CHN,PRK", "interval": "year", **filters}).json()
    bad = client.get("/api/series", params={"dyad": "CHN,PRK", "quad_class": "5"})
    unknown = client.get("/api/series", params={"dyad": "CHN,PRK", "quad": "4"})
    client.app.state.store.close()
    assert cli_rows == _numbers(py["rows"]) == _numbers(api["rows"])
    assert 0 < py["total"]
    assert all(int(r["verbal_conflict"]) == int(r["material_conflict"]) == 0 for r in cli_rows)
    assert sum(part) == both["total"] and min(part) > 0
    assert py["total"] < coop["total"]  # country and sector narrow it further
    assert bad.status_code == 422 and bad.json()["error"]["param"] == "quad_class"
    # an unknown parameter is a 422 whose `param` is its name (not the message)
    assert unknown.status_code == 422 and unknown.json()["error"]["param"] == "quad"
    assert "quad: unknown parameter" in unknown.json()["error"]["message"]


def test_a_lower_case_country_code_and_type_mean_the_upper_case_ones(db):
    with dyadscope.open(db) as ds:
        upper = ds.events(dyad="CHN,PRK")
        lower = ds.events(dyad="chn,prk")
        assert len(upper) > 0 and len(lower) == len(upper)
        assert len(ds.events(type="consult")) == len(ds.events(type="CONSULT")) > 0


def test_an_unknown_plover_type_is_an_error_naming_the_types():
    with pytest.raises(FilterError) as err:
        event_filter(type="FOO").where()
    assert err.value.param == "type" and "CONSULT" in str(err.value)


def test_a_country_code_from_a_users_actor_file_filters_once_its_store_holds_it(tmp_path):
    """Review finding: a code added by --actors (Freedonia, FRD) was 'unknown' to every filter."""
    actors = tmp_path / "freedonia.yaml"
    actors.write_text("countries:\n  - {code: FRD, names: [Freedonia], adjectives: [Freedonian]}\n",
                      encoding="utf-8")
    doc = tmp_path / "news.txt"
    doc.write_text("BEIJING, March 3, 2025 - Chinese President Xi Jinping met Freedonian President Rufus "
                   "Firefly in Beijing on Monday. China and Freedonia signed a trade agreement.\n",
                   encoding="utf-8")
    db = str(tmp_path / "frd.duckdb")
    result = run("ingest", str(doc), "--db", db, "--actors", str(actors), "-q")
    assert result.exit_code == 0, result.output
    # the CLI first: nothing in this process has opened the store yet (the codes a store
    # tells the filters are kept for the process)
    listed = run("events", "--country", "FRD", "--db", db, "--format", "jsonl")
    assert listed.exit_code == 0, listed.output
    for cmd in (["timeline", "CHN", "FRD"], ["series", "CHN", "FRD", "--modality", "all", "--background"]):
        assert run(*cmd, "--db", db).exit_code == 0, cmd
    with dyadscope.open(db) as store:
        stored = store.events(country="FRD", as_records=True)
        assert stored and all("FRD" in (r["source"]["country"], (r["target"] or {}).get("country"))
                              for r in stored)
    assert len(listed.stdout.splitlines()) == len(stored)


def test_an_unknown_sector_is_an_error_naming_the_sectors(db):
    """New-user finding: --sector XYZ returned 0 events in silence, where a country code errs."""
    with pytest.raises(FilterError) as err:
        event_filter(sector="XYZ")
    assert err.value.param == "sector" and "'XYZ'" in str(err.value) and "GOV" in str(err.value)
    result = run("events", "--sector", "XYZ", "--db", db)
    assert result.exit_code != 0 and "unknown sector code" in result.output
    with dyadscope.open(db) as store:
        gov = store.events(sector="gov", as_records=True)
    assert gov and all("GOV" in ((r["source"] or {}).get("sector"), (r["target"] or {}).get("sector")) for r in gov)


def test_an_unknown_country_code_is_an_error_naming_it(db):
    """Fixed: dyad ("CHN", "XYZ") or country="XYZ" gave an empty DataFrame, as if nothing matched."""
    for kwargs, param in [({"dyad": "CHN,XYZ"}, "dyad"), ({"dyad": ("XYZ", "PRK")}, "dyad"),
                          ({"country": "xyz"}, "country"), ({"actor": "XYZ"}, "actor")]:
        with pytest.raises(FilterError) as err:
            event_filter(**kwargs)
        assert err.value.param == param and "'XYZ'" in str(err.value) and "ISO 3166" in str(err.value)
    with dyadscope.open(db) as ds:
        with pytest.raises(FilterError):
            ds.events(dyad=("CHN", "XYZ"))
        with pytest.raises(FilterError):
            ds.series(("CHN", "XYZ"))
        assert len(ds.events(dyad=("CHN", "PRK"))) > 0
    # an old CAMEO code says what events carry instead; IGOs and names are no codes to check
    with pytest.raises(FilterError, match="JPN"):
        event_filter(country="JAP")
    event_filter(country="UNO", dyad=("CHN", "Kim"), actor="kim")


def test_series_spans_the_window_asked_for_so_dyads_line_up(db):
    with dyadscope.open(db) as store:
        full = store.series(("CHN", "PRK"), interval="year", background=True, as_records=True)
        assert full["rows"], "the example corpus has CHN-PRK events"
        first, last = int(full["first"][:4]), int(full["last"][:4])
        wide = store.series(("CHN", "PRK"), interval="year", background=True, since=str(first - 2),
                            until=str(last + 1), as_records=True)
        years = [r["period"][:4] for r in wide["rows"]]
        assert years == [str(y) for y in range(first - 2, last + 2)]
        assert wide["total"] == full["total"]  # zeros added, nothing else
        assert [r["events"] for r in wide["rows"][:2]] == [0, 0]
        # a dyad with no events at all over the window still gives the window's periods
        none = store.series(("NZL", "ISL"), interval="month", since="2024-01", until="2024-03", as_records=True)
        assert [r["period"] for r in none["rows"]] == ["2024-01-01", "2024-02-01", "2024-03-01"]
        assert none["total"] == 0
        with pytest.raises(FilterError, match="interval"):
            store.series(("CHN", "PRK"), interval="day", since="1900", until="2024")


def test_series_counts_events_dated_coarser_than_the_interval_apart(db):
    """An event dated only to a year is in no month of a monthly series (it would pile up in
    January); it is counted apart as ``coarse``, and a yearly series still counts it."""
    with dyadscope.open(db) as store:
        events = store.events(dyad=("CHN", "PRK"), modality="asserted", background="show")
        by = {i: store.series(("CHN", "PRK"), interval=i, background=True, as_records=True)
              for i in ("year", "month", "week")}
        df = store.series(("CHN", "PRK"), interval="month", background=True)
    dated = events[events["date"].notna()]
    precision = dated["date_precision"]
    assert (precision == "year").sum() > 0 and (precision == "month").sum() > 0, "the example corpus has both"
    assert by["year"]["coarse"] == 0 and by["year"]["total"] == len(dated)
    assert by["month"]["coarse"] == (precision == "year").sum()
    assert by["week"]["coarse"] == precision.isin(["month", "year"]).sum()
    for interval, result in by.items():
        assert result["total"] + result["coarse"] == len(dated), interval
    # January holds only the events that happened in January
    fine = dated[precision != "year"]
    for r in by["month"]["rows"]:
        day = pd.Timestamp(r["period"])
        assert r["events"] == ((fine["date"].dt.year == day.year) & (fine["date"].dt.month == day.month)).sum()
    assert df.attrs["coarse"] == by["month"]["coarse"]
    result = run("series", "CHN", "PRK", "--interval", "month", "--background", "--db", db)
    assert f"{by['month']['coarse']} dated only to the year (not in the series)" in result.stderr


def test_one_a_day_never_takes_a_year_dated_event_for_one_of_new_years_day(db, tmp_path):
    """A year-dated event carries 1 January; one-a-day must not merge it with an event that
    happened on 1 January (it would leave the coarse count and hide in the day's)."""
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    year = con.execute("SELECT event_id FROM events WHERE date_precision = 'year' AND source_country = 'PRK' "
                       "AND target_country = 'CHN' AND NOT background ORDER BY event_id LIMIT 1").fetchone()
    assert year, "the example corpus has a year-dated PRK-CHN event"
    # the same codes on the same date, but of day precision, sorting before it
    con.execute("CREATE TEMP TABLE twin AS SELECT * FROM events WHERE event_id = ?", [year[0]])
    con.execute("UPDATE twin SET event_id = '0' || event_id, event_group = '0' || event_group, date_precision = 'day'")
    con.execute("INSERT INTO events SELECT * FROM twin")
    con.close()
    with dyadscope.open(str(copy)) as store:
        plain = store.series(("CHN", "PRK"), interval="month", as_records=True)
        once = store.series(("CHN", "PRK"), interval="month", one_a_day=True, as_records=True)
    assert once["coarse"] == plain["coarse"] >= 1
