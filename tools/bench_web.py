"""Latency of the web app on a synthetic store of 100,000 events.

    .venv/bin/python tools/bench_web.py [--events 100000] [--runs 50] [--db FILE] [--keep]

Builds the store with SQL inserts straight into the schema of ``dyadscope.store`` (schema v3:
synthetic documents, removed boilerplate, stories of three documents each, events, and
reports: every event has its representative report (``event_group = event_id``), one in four
a second report and one in twelve a third, from other documents of its story, each report with
one mention), then times
requests through FastAPI's TestClient (in-process: no network, but the full app: routing,
validation, SQL, JSON or Jinja2 rendering). Prints median and p95 per URL; target p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

COUNTRIES = ["CHN", "PRK", "USA", "RUS", "KOR", "JPN", "IRN", "ISR", "UKR", "IND", "PAK", "TUR",
             "SAU", "EGY", "FRA", "DEU", "GBR", "BRA", "ZAF", "NGA"]
PLOVER = [("CONSULT", "042", 1, 1.0), ("SUPPORT", "051", 1, 3.5), ("AGREE", "030", 1, 4.0),
          ("COOPERATE", "061", 2, 6.4), ("AID", "070", 2, 7.0), ("DEMAND", "100", 3, -5.0),
          ("DISAPPROVE", "112", 3, -2.0), ("THREATEN", "130", 3, -4.4), ("ASSAULT", "180", 4, -9.0),
          ("SANCTION", "163", 4, -8.0)]


def build(path: str, n_events: int) -> None:
    from dyadscope.store import Store

    n_docs = max(3, n_events // 10)
    n_stories = (n_docs + 2) // 3  # documents 3k, 3k+1, 3k+2 form story k
    store = Store(path)  # creates the schema
    con = store.con
    countries = "['" + "','".join(COUNTRIES) + "']"
    types = ", ".join(f"('{p}', '{c}', {q}, {g})" for p, c, q, g in PLOVER)
    con.execute("BEGIN TRANSACTION")
    con.execute(f"""
        INSERT INTO documents (doc_id, seq, path, url, source, title, format, language, published,
            published_method, published_confidence, text, raw_text, coder_version, ingested_at, story_id,
            copy_of, copy_similarity, spin_score)
        SELECT printf('%016x', i), i, 'bench.jsonl#' || i, 'https://example.org/' || i, 'Bench Wire ' || (i % 7),
            'Synthetic story ' || i, 'jsonl', 'en', DATE '2015-01-01' + CAST((i // 3) % 3650 AS INTEGER),
            'metadata', 0.9,
            repeat('Officials met to discuss cooperation and trade. ', 10) || 'Talks went on. ' ||
            repeat('Analysts said relations remain tense. ', 10),
            'raw', 'bench', now(), printf('%016x', i // 3),
            CASE WHEN i % 3 = 2 THEN printf('%016x', i - 2) END, CASE WHEN i % 3 = 2 THEN 0.93 END,
            CASE WHEN i % 29 = 0 THEN 0.9 ELSE 0.0 END
        FROM range({n_docs}) t(i)""")
    con.execute(f"""
        INSERT INTO removed SELECT printf('%016x', i), 0, 0, 'Subscribe to our newsletter', 'newsletter'
        FROM range({n_docs}) t(i)""")
    con.execute(f"""
        INSERT INTO events (event_id, doc_id, sent_idx, sentence, source_text, source_name, source_country,
            source_sector, source_actor_id, target_text, target_name, target_country, target_sector,
            target_actor_id, cameo, plover, mode, quad_class, goldstein, date, date_precision, modality,
            attributed_to, background, confidence, coder_version, trigger, story_id, event_group, date_method,
            coded_date, coded_precision)
        WITH ty AS (SELECT * FROM (VALUES {types}) v(plover, cameo, quad, gold)),
        ev AS (
            SELECT i, {countries}[1 + CAST(floor(pow(random(), 2) * {len(COUNTRIES)}) AS INTEGER)] AS s,
                   {countries}[1 + CAST(floor(pow(random(), 2) * {len(COUNTRIES)}) AS INTEGER)] AS t,
                   1 + CAST(floor(random() * {len(PLOVER)}) AS INTEGER) AS k
            FROM range({n_events}) r(i))
        SELECT printf('e%015x', i), printf('%016x', i % {n_docs}), 0,
            'Officials met to discuss cooperation and trade.', s, s || ' government', s, 'GOV', s || '_GOV',
            t, t || ' government', t, 'GOV', t || '_GOV', ty.cameo, ty.plover, NULL, ty.quad, ty.gold,
            DATE '2015-01-01' + CAST(((i % {n_docs}) // 3) % 3650 AS INTEGER), 'document',
            CASE WHEN i % 17 = 0 THEN 'hypothetical' ELSE 'asserted' END, NULL, i % 11 = 0, 0.6,
            'bench', 'met', printf('%016x', (i % {n_docs}) // 3), printf('e%015x', i), 'document',
            DATE '2015-01-01' + CAST(((i % {n_docs}) // 3) % 3650 AS INTEGER), 'document'
        FROM ev JOIN (SELECT row_number() OVER () AS k, * FROM ty) ty USING (k)""")
    # More reports of some events, from the other documents of their story (dated from the story).
    con.execute(f"""
        INSERT INTO events
        SELECT * EXCLUDE (doc, n, k) REPLACE (
            printf('r%d%014x', k, n) AS event_id,
            printf('%016x', least({n_docs} - 1, 3 * (doc // 3) + (doc % 3 + k) % 3)) AS doc_id,
            'story' AS date_method)
        FROM (SELECT *, CAST('0x' || doc_id AS UBIGINT) AS doc,
                     CAST('0x' || substr(event_id, 2) AS UBIGINT) AS n FROM events) e,
             (VALUES (1), (2)) x(k)
        WHERE (k = 1 AND n % 4 = 0) OR (k = 2 AND n % 12 = 0)""")
    con.execute("""
        INSERT INTO event_mentions SELECT event_id, doc_id, 0, sentence, 0, 47 FROM events""")
    con.execute(f"""
        INSERT INTO stories SELECT printf('%016x', s), 'Synthetic story ' || (3 * s),
            printf('%016x', 3 * s), DATE '2015-01-01' + CAST(s % 3650 AS INTEGER),
            DATE '2015-01-01' + CAST(s % 3650 AS INTEGER), DATE '2015-01-01' + CAST(s % 3650 AS INTEGER),
            DATE '2015-01-01' + CAST(s % 3650 AS INTEGER), least(3, {n_docs} - 3 * s), 2,
            (SELECT count(*) FROM events e WHERE e.story_id = printf('%016x', s) AND e.event_group = e.event_id)
        FROM range({n_stories}) t(s)""")
    con.execute("""
        INSERT OR IGNORE INTO actors SELECT DISTINCT source_actor_id, source_name, source_country, 'GOV'
        FROM events""")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    store.close()


def measure(client, url: str, runs: int) -> tuple[float, float]:
    client.get(url)  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--db", default=None, help="Store to build (default: a temporary file).")
    ap.add_argument("--keep", action="store_true", help="Keep the built store.")
    args = ap.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from dyadscope.web import create_app

    tmp = tempfile.TemporaryDirectory()
    path = args.db or str(Path(tmp.name) / "bench.duckdb")
    if Path(path).exists():
        print(f"using the existing store {path}")
    else:
        t0 = time.perf_counter()
        build(path, args.events)
        print(f"built {path}: {args.events:,} events in {time.perf_counter() - t0:.1f} s")
    app = create_app(path)
    urls = [
        "/dyad/CHN/PRK",
        "/dyad/CHN/PRK?measure=reports&type=CONSULT&since=2018-01-01&background=hide",
        "/api/dyads/CHN/PRK",
        "/api/events?dyad=CHN,PRK&since=2020-01-01&until=2022-12-31&limit=100",
        "/api/events?actor=USA&type=18&limit=100&offset=500",
        "/api/events?limit=1000",
        "/api/events?dyad=CHN,PRK&reports=true&limit=100",
        "/api/dyads",
        "/",
        "/api/actors/CHN",
        "/api/stories?limit=50",
        "/api/stories/{story}",
        "/story/{story}",
        "/event/{event}",
        "/api/search?q=tense",
    ]
    worst = 0.0
    with TestClient(app) as client:
        figures = client.get("/api/summary").json()["figures"]
        story = client.get("/api/stories", params={"limit": 1}).json()["items"][0]["story_id"]
        event = client.get("/api/events", params={"dyad": "CHN,PRK", "limit": 1, "offset": 200}).json()["items"][0]
        print(f"{figures['events']:,} events, {figures['reports']:,} reports, {figures['stories']:,} stories in the "
              f"store; {args.runs} runs per URL (TestClient, in-process)\n")
        print(f"{'median ms':>10} {'p95 ms':>8}  URL")
        for url in urls:
            url = url.format(story=story, event=event["event_id"])
            med, p95 = measure(client, url, args.runs)
            worst = max(worst, p95) if not url.startswith("/api/search") else worst
            print(f"{med:10.1f} {p95:8.1f}  {url}")
    app.state.store.close()
    if not args.keep:
        tmp.cleanup()
    print(f"\nworst p95 (search excluded): {worst:.1f} ms; target < 200 ms: {'met' if worst < 200 else 'MISSED'}")
    return 0 if worst < 200 else 1


if __name__ == "__main__":
    sys.exit(main())
