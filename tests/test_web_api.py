"""The web app's JSON API and pages, through FastAPI's TestClient, over the seed corpus."""

from __future__ import annotations

import logging
import threading
import warnings

import pytest

from conftest import seed_store


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dyadscope.store import Store, StoreError  # noqa: E402
from dyadscope.web import create_app  # noqa: E402
from dyadscope.web import app as webapp  # noqa: E402
from dyadscope.web import views  # noqa: E402


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return seed_store(tmp_path_factory)


@pytest.fixture(scope="module")
def client(db_path):
    app = create_app(str(db_path))
    with TestClient(app) as c:
        yield c
    app.state.store.close()


@pytest.fixture(scope="module")
def some_event(client):
    return client.get("/api/events", params={"dyad": "CHN,PRK", "limit": 1}).json()["items"][0]


@pytest.fixture(scope="module")
def doc_with_removed(db_path):
    with Store(str(db_path), read_only=True) as s:
        return s.query("SELECT doc_id FROM removed GROUP BY doc_id ORDER BY count(*) DESC LIMIT 1")[0]["doc_id"]


def assert_error(r, status: int, param: str | None):
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "param", "message"}
    assert body["error"]["status"] == status
    assert body["error"]["param"] == param
    assert body["error"]["message"]


# -- API --------------------------------------------------------------------------------------
def test_summary(client):
    v = client.get("/api/summary").json()
    assert v["figures"]["documents"] == 5
    assert v["figures"]["events"] > 50
    assert v["figures"]["first_event"] <= v["figures"]["last_event"]
    assert v["dyads"][0]["a"] == "CHN" and v["dyads"][0]["b"] == "PRK"
    assert len(v["latest_documents"]) == 5


def test_dyads(client):
    v = client.get("/api/dyads", params={"limit": 2}).json()
    assert len(v["items"]) == 2
    top = v["items"][0]
    assert (top["a"], top["b"]) == ("CHN", "PRK")
    assert top["url"] == "/dyad/CHN/PRK"
    assert top["cooperation"] + top["conflict"] == top["events"]
    assert client.get("/api/dyads", params={"offset": 1, "limit": 1}).json()["items"][0] == v["items"][1]


def test_dyad_view_matches_cli_filters(client):
    both = client.get("/api/dyads/CHN/PRK").json()
    there = client.get("/api/dyads/CHN/PRK", params={"directed": 1}).json()
    back = client.get("/api/dyads/PRK/CHN", params={"directed": 1}).json()
    assert both["totals"]["events"] == there["totals"]["events"] + back["totals"]["events"]
    assert both["timeline"]["total"] == len(both["timeline"]["items"]) == both["totals"]["events"]
    events = client.get("/api/events", params={"dyad": "CHN,PRK"}).json()
    assert events["total"] == both["totals"]["events"]
    # monthly counts add up to the dated events; quad classes are labelled
    assert sum(m["count"] for m in both["monthly"]) == both["totals"]["events"] - both["totals"]["undated"]
    assert {m["quad"] for m in both["monthly"]} <= {q[0] for q in views.QUADS.values()}
    assert sum(t["events"] for t in both["by_type"]) == both["totals"]["events"]
    # the balance is the sum of Goldstein scores per month
    dated = [e for e in both["timeline"]["items"] if e["date"]]
    assert round(sum(b["goldstein"] for b in both["balance"]), 1) == round(sum(e["goldstein"] for e in dated), 1)
    assert any("equal" in n for n in both["notes"])


def test_dyad_measure_and_filters(client):
    ev = client.get("/api/dyads/CHN/PRK").json()
    rep = client.get("/api/dyads/CHN/PRK", params={"measure": "reports"}).json()
    assert rep["measure"] == "reports"
    assert rep["totals"]["reports"] == ev["totals"]["events"]  # one mention per event until stories land
    hidden = client.get("/api/dyads/CHN/PRK", params={"background": "hide"}).json()
    assert hidden["totals"]["events"] < ev["totals"]["events"]
    assert not any(e["background"] for e in hidden["timeline"]["items"])
    consult = client.get("/api/dyads/CHN/PRK", params={"type": "CONSULT", "since": "2024-01-01"}).json()
    assert consult["timeline"]["items"]
    assert all(e["plover"] == "CONSULT" and e["date"] >= "2024-01-01" for e in consult["timeline"]["items"])
    hyp = client.get("/api/dyads/CHN/PRK", params={"modality": "asserted"}).json()
    assert all(e["modality"] == "asserted" for e in hyp["timeline"]["items"])


def test_events_filters_and_pagination(client):
    all_ = client.get("/api/events", params={"limit": 1000}).json()
    assert all_["total"] == len(all_["items"]) > 50
    first = client.get("/api/events", params={"limit": 10}).json()
    second = client.get("/api/events", params={"limit": 10, "offset": 10}).json()
    assert first["next_offset"] == 10
    assert [e["event_id"] for e in first["items"] + second["items"]] == [e["event_id"] for e in all_["items"][:20]]
    chn = client.get("/api/events", params={"actor": "CHN"}).json()
    assert all("CHN" in ((e["source"] or {}).get("country"), (e["target"] or {}).get("country"))
               for e in chn["items"])
    cameo = client.get("/api/events", params={"type": "04"}).json()
    assert cameo["items"] and all(e["cameo"].startswith("04") for e in cameo["items"])
    until = client.get("/api/events", params={"until": "2019"}).json()
    assert until["items"] and all(e["date"] <= "2019-01-01" for e in until["items"])
    # the record format is the stable one from docs/SCHEMA.md
    keys = {"event_id", "doc_ids", "sentence", "mentions", "source", "target", "cameo", "plover", "mode",
            "quad_class", "goldstein", "date", "date_precision", "modality", "attributed_to", "background",
            "location", "confidence", "coder_version", "num_sources", "num_mentions", "story_id"}
    extensions = {"num_independent", "first_reported", "date_method"}
    assert set(all_["items"][0]) == keys | extensions


def test_event(client, some_event):
    v = client.get(f"/api/events/{some_event['event_id']}").json()
    assert v["event"] == some_event
    assert v["date_explained"]
    m = v["mentions"][0]
    marked = [p for p in m["segments"] if p["kind"] == "mark"]
    assert len(marked) == 1 and marked[0]["text"] == m["sentence"]
    assert "".join(p["text"] for p in m["segments"])  # the whole document text around it


def test_documents_and_document(client, doc_with_removed):
    docs = client.get("/api/documents").json()
    assert docs["total"] == 5 and len(docs["items"]) == 5
    v = client.get(f"/api/documents/{doc_with_removed}").json()
    assert v["removed"]
    removed = [p for p in v["segments"] if p["kind"] == "removed"]
    assert [p["text"] for p in removed] == [r["text"] for r in v["removed"]]
    assert all(p["reason"] for p in removed)
    # the clean text survives intact once the re-inserted boilerplate is taken out
    assert "".join(p["text"] for p in v["segments"] if p["kind"] != "removed") == v["text"]
    assert v["events"] and all(doc_with_removed in e["doc_ids"] for e in v["events"])


def test_repairs_are_listed(client, db_path):
    with Store(str(db_path), read_only=True) as s:
        rows = s.query("SELECT doc_id, count(*) AS n FROM repairs GROUP BY doc_id LIMIT 1")
    if not rows:
        pytest.skip("no repairs in the seed corpus")
    v = client.get(f"/api/documents/{rows[0]['doc_id']}").json()
    assert len(v["repairs"]) == rows[0]["n"]
    assert {"from", "to", "at", "kind"} <= set(v["repairs"][0])


def test_actor_and_country(client):
    v = client.get("/api/actors/KIM_JONG_UN").json()
    assert v["actor"]["country"] == "PRK" and v["kind"] == "actor"
    assert v["roles"]["as_source"] + v["roles"]["as_target"] >= v["roles"]["events"] > 0
    counts = [p["events"] for p in v["partners"]]
    assert counts == sorted(counts, reverse=True) and counts
    assert all(p["id"] != "KIM_JONG_UN" for p in v["partners"])
    c = client.get("/api/actors/CHN").json()
    assert c["kind"] == "country" and c["partners"][0]["id"] == "PRK"


def test_search(client):
    v = client.get("/api/search", params={"q": "Zhao Leji"}).json()
    assert v["documents"] and v["events"]
    assert any(p["kind"] == "mark" and p["text"].lower() == "zhao leji" for p in v["documents"][0]["snippet"])
    assert all("zhao leji" in e["sentence"].lower() for e in v["events"])
    # LIKE wildcards are matched literally
    assert client.get("/api/search", params={"q": "%%"}).json()["documents"] == []


def test_openapi(client):
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/dyads", "/api/events", "/api/events/{event_id}", "/api/documents",
                 "/api/documents/{doc_id}", "/api/actors/{actor_id}", "/api/search"):
        assert path in spec["paths"]
    assert not any(p.startswith("/dyad/") for p in spec["paths"])  # pages stay out of the API
    assert client.get("/api/docs").status_code == 404  # Swagger UI would load from a CDN: off


# -- errors: 422 names the parameter, one shape everywhere -----------------------------------
@pytest.mark.parametrize("url, params, param", [
    ("/api/events", {"since": "yesterday"}, "since"),
    ("/api/events", {"until": "2024-13-01"}, "until"),
    ("/api/events", {"type": "not a type!"}, "type"),
    ("/api/events", {"dyad": "CHN"}, "dyad"),
    ("/api/events", {"modality": "maybe"}, "modality"),
    ("/api/events", {"background": "sometimes"}, "background"),
    ("/api/events", {"limit": 1001}, "limit"),
    ("/api/events", {"limit": 0}, "limit"),
    ("/api/events", {"offset": -1}, "offset"),
    ("/api/events", {"directed": "perhaps"}, "directed"),
    ("/api/dyads", {"limit": "many"}, "limit"),
    ("/api/dyads/CHN/PRK", {"measure": "vibes"}, "measure"),
    ("/api/dyads/CHN/PRK", {"since": "2024-02-30"}, "since"),
    ("/api/documents", {"limit": 5000}, "limit"),
    ("/api/actors/CHN", {"limit": 5000}, "limit"),
    ("/api/search", {"q": "x"}, "q"),
    ("/api/search", {}, "q"),
])
def test_422_names_the_parameter(client, url, params, param):
    assert_error(client.get(url, params=params), 422, param)


@pytest.mark.parametrize("url", ["/api/events/0000", "/api/documents/nope", "/api/actors/NOBODY_AT_ALL",
                                 "/api/nothing-here"])
def test_404_same_shape(client, url):
    assert_error(client.get(url), 404, None)


def test_sql_injection_is_just_a_value(client):
    r = client.get("/api/events", params={"actor": "x' OR 1=1 --"})
    assert r.status_code == 200 and r.json()["total"] == 0
    assert client.get("/api/documents/' OR '1'='1").status_code == 404


def test_query_time_cap(db_path):
    """A statement running past the cap is interrupted and answered with 503."""
    app = create_app(str(db_path), query_timeout=0.2)
    with TestClient(app) as c:
        db = views.Db(app.state.store.con, timeout=0.2)
        with pytest.raises(views.QueryTimeout):
            db.query("SELECT count(*) FROM range(10000000000) a")
        db.close()
        assert c.get("/api/summary").status_code == 200  # the connection still works
    app.state.store.close()


# -- pages ---------------------------------------------------------------------------------------
def test_pages_render(client, some_event, doc_with_removed):
    pages = {
        "/": "Most active dyads",
        "/dyad/CHN/PRK": "chart-spec",
        "/dyad/CHN/PRK?directed=1&measure=reports&type=CONSULT&background=hide": "Reports (mentions)",
        "/events?actor=CHN&since=2024": "Events",
        f"/event/{some_event['event_id']}": "mark class=\"hl\"",
        "/documents": "Documents",
        f"/document/{doc_with_removed}": "<del class=\"removed\"",
        "/actor/KIM_JONG_UN": "Deals most with",
        "/actor/CHN": "Deals most with",
        "/search?q=Pyongyang": "Pyongyang",
        "/search": "Search",
    }
    for url, needle in pages.items():
        r = client.get(url)
        assert r.status_code == 200, url
        assert needle in r.text, url
        assert "https://" not in r.text, url  # no CDN, no remote schema


def test_page_errors_render_html(client):
    r = client.get("/dyad/CHN/PRK", params={"since": "soon"})
    assert r.status_code == 422 and "text/html" in r.headers["content-type"]
    assert 'data-param="since"' in r.text
    assert client.get("/event/nope").status_code == 404


def test_static_assets_bundled(client):
    for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
        r = client.get(f"/static/vendor/{name}")
        assert r.status_code == 200 and len(r.content) > 50_000
    for name in ("LICENSE.vega", "LICENSE.vega-lite", "LICENSE.vega-embed"):
        assert (webapp.HERE / "static" / "vendor" / name).is_file()


def test_urls_helper():
    u = views.urls
    assert u.dyad("CHN", "PRK", directed=True, type=None) == "/dyad/CHN/PRK?directed=1"
    assert u.actor("O:UNITED_NATIONS") == "/actor/O:UNITED_NATIONS"
    assert u.event("a/b") == "/event/a%2Fb"
    assert u.events(actor="A B", since="2024") == "/events?actor=A+B&since=2024"


# -- serving -------------------------------------------------------------------------------------
def test_loopback_check():
    assert webapp.is_loopback("127.0.0.1") and webapp.is_loopback("::1") and webapp.is_loopback("localhost")
    assert not webapp.is_loopback("0.0.0.0") and not webapp.is_loopback("192.168.1.10")


def test_locked_store_retries_then_says_so(tmp_path, caplog):
    """While a writer holds the store, opening it read-only retries with a log line, then
    fails with one sentence (no traceback)."""
    import subprocess
    import sys
    import textwrap

    db = tmp_path / "locked.duckdb"
    Store(str(db)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from dyadscope.store import Store
            s = Store({str(db)!r})
            print("ready", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with caplog.at_level(logging.WARNING, logger="dyadscope.web"):
            with pytest.raises(StoreError) as exc:
                webapp.open_read_only(str(db), retries=2, wait_s=0.05)
        assert "in use by another process" in str(exc.value)
        assert any("retrying" in r.getMessage() for r in caplog.records)
    finally:
        holder.stdin.close()
        holder.wait(10)
    # once the writer is gone the server opens it
    webapp.open_read_only(str(db), retries=1).close()


def test_serve_warns_off_loopback(monkeypatch, db_path, caplog):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: seen.update(host=host, port=port))
    with caplog.at_level(logging.INFO, logger="dyadscope.web"):
        webapp.serve(str(db_path), host="0.0.0.0", port=8123)
    assert seen == {"host": "0.0.0.0", "port": 8123}
    assert any("not a loopback" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="dyadscope.web"):
        webapp.serve(str(db_path))
    assert not any("not a loopback" in r.getMessage() for r in caplog.records)


def test_concurrent_requests(client):
    """Requests run in a thread pool: each gets its own cursor on the shared connection."""
    errors = []

    def hit():
        try:
            for _ in range(5):
                assert client.get("/api/dyads/CHN/PRK").status_code == 200
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
