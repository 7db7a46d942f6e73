"""The web app's JSON API and pages, through FastAPI's TestClient, over the seed corpus."""

from __future__ import annotations

import logging
import re
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
from dyadscope.web import dyad as dyad_views  # noqa: E402


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
def seed_docs(db_path):
    """Seed number ("000") -> doc_id."""
    with Store(str(db_path), read_only=True) as s:
        rows = s.query("SELECT doc_id, path FROM documents")
    return {r["path"].split("#")[1][:3]: r["doc_id"] for r in rows}


@pytest.fixture(scope="module")
def visit_story(client, seed_docs):
    """The story of seeds 000, 001 and 003 (Zhao Leji's visit to Pyongyang)."""
    doc = client.get(f"/api/documents/{seed_docs['001']}").json()
    assert doc["story_id"]
    return doc["story_id"]


@pytest.fixture(scope="module")
def kim_zhao(client):
    """The Kim Jong Un - Zhao Leji CONSULT meeting: one event, several sources."""
    items = client.get("/api/events", params={"actor": "KIM_JONG_UN", "type": "CONSULT", "limit": 1000}).json()["items"]
    hits = [e for e in items if {(e["source"] or {}).get("actor_id"), (e["target"] or {}).get("actor_id")}
            == {"KIM_JONG_UN", "ZHAO_LEJI"} and e["modality"] == "asserted"]
    assert len(hits) == 1, hits
    return hits[0]


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
def test_api_root_lists_the_endpoints(client):
    # from the new user's test: /api/ was a 404
    for url in ("/api", "/api/"):
        r = client.get(url)
        assert r.status_code == 200
        paths = {e["path"] for e in r.json()["endpoints"]}
        assert {"/api/events", "/api/series", "/api/documents/{doc_id}"} <= paths
        assert r.json()["openapi"] == "/api/openapi.json"


def test_summary(client):
    v = client.get("/api/summary").json()
    f = v["figures"]
    assert f["documents"] == 5
    # coder 2.0 stores fewer, surer events than the round-1 coder (~35 on the seeds, not 60+);
    # enough for the two pages of 10 that the pagination test reads
    assert f["events"] > 20
    assert f["reports"] > f["events"]  # reports of one happening in several documents count once as events
    assert f["reports"] == client.get("/api/events", params={"reports": True, "limit": 1}).json()["total"]
    assert f["events"] == client.get("/api/events", params={"limit": 1}).json()["total"]
    assert f["stories"] == 3 and f["multi_doc_stories"] == 1
    assert f["first_event"] <= f["last_event"]
    assert v["dyads"][0]["a"] == "CHN" and v["dyads"][0]["b"] == "PRK"
    assert len(v["latest_documents"]) == 5
    latest = v["latest_stories"]
    assert len(latest) == 3 and latest[0]["url"] == f"/story/{latest[0]['story_id']}"
    assert [s["end_date"] for s in latest] == sorted((s["end_date"] for s in latest), reverse=True)


def test_dyads(client):
    v = client.get("/api/dyads", params={"limit": 2}).json()
    assert len(v["items"]) == 2
    top = v["items"][0]
    assert (top["a"], top["b"]) == ("CHN", "PRK")
    assert top["url"] == "/dyad/CHN/PRK"
    assert top["cooperation"] + top["conflict"] == top["events"]
    assert top["reports"] > top["events"]
    assert client.get("/api/dyads", params={"offset": 1, "limit": 1}).json()["items"][0] == v["items"][1]


def test_dyad_view_matches_cli_filters(client):
    # background history is hidden on dyad views unless asked for (as by dyadscope series)
    show = {"background": "show"}
    both = client.get("/api/dyads/CHN/PRK", params=show).json()
    there = client.get("/api/dyads/CHN/PRK", params={"directed": 1, **show}).json()
    back = client.get("/api/dyads/PRK/CHN", params={"directed": 1, **show}).json()
    assert both["totals"]["events"] == there["totals"]["events"] + back["totals"]["events"]
    assert both["timeline"]["total"] == len(both["timeline"]["items"]) == both["totals"]["events"]
    # dyad views count asserted acts unless asked; the event list, asked for the same, agrees
    events = client.get("/api/events", params={"dyad": "CHN,PRK", "modality": "asserted"}).json()
    assert events["total"] == both["totals"]["events"]
    every = client.get("/api/dyads/CHN/PRK", params={"modality": "all", **show}).json()
    assert client.get("/api/events", params={"dyad": "CHN,PRK"}).json()["total"] == every["totals"]["events"]
    # monthly counts add up to the dated events, less those dated only to a year (in no month);
    # quad classes are labelled
    assert both["series"]["coarse"] > 0  # the seeds recall years ("In 2018, ...")
    assert sum(m["count"] for m in both["monthly"]) == \
        both["totals"]["events"] - both["totals"]["undated"] - both["series"]["coarse"]
    yearly = client.get("/api/dyads/CHN/PRK", params={"interval": "year", **show}).json()
    assert yearly["series"]["coarse"] == 0
    assert sum(m["count"] for m in yearly["monthly"]) == yearly["totals"]["events"] - yearly["totals"]["undated"]
    assert {m["quad"] for m in both["monthly"]} <= {q[0] for q in views.QUADS.values()}
    assert sum(t["events"] for t in both["by_type"]) == both["totals"]["events"]
    # the balance is the sum of Goldstein scores per month (of the events placed in a month)
    dated = [e for e in both["timeline"]["items"] if e["date"] and e["date_precision"] != "year"]
    assert len(dated) == sum(m["count"] for m in both["monthly"])
    assert round(sum(b["goldstein"] for b in both["balance"]), 1) == round(sum(e["goldstein"] for e in dated), 1)
    assert any("deduplicated" in n for n in both["notes"])
    assert not any("equal" in n for n in both["notes"])  # the old "until stories land" note is gone
    # the reports measure is what `dyadscope events --reports` lists
    reports = client.get("/api/events", params={"dyad": "CHN,PRK", "reports": True, "limit": 1000,
                                                "modality": "asserted"}).json()
    assert reports["total"] == both["totals"]["reports"] == len(reports["items"])


def test_dyad_measure_and_filters(client):
    ev = client.get("/api/dyads/CHN/PRK", params={"background": "show"}).json()
    rep = client.get("/api/dyads/CHN/PRK", params={"measure": "reports", "background": "show"}).json()
    assert rep["measure"] == "reports"
    # deduplicated events and raw reports really differ on the seeds (seeds 000, 001, 003: one visit)
    assert rep["totals"] == ev["totals"] | {"mean_goldstein": rep["totals"]["mean_goldstein"],
                                            "first": rep["totals"]["first"], "last": rep["totals"]["last"]}
    assert ev["totals"]["reports"] > ev["totals"]["events"]
    assert sum(m["count"] for m in rep["monthly"]) == \
        rep["totals"]["reports"] - rep["totals"]["undated_reports"] - rep["series"]["coarse"]
    assert sum(m["count"] for m in rep["monthly"]) > sum(m["count"] for m in ev["monthly"])
    assert sum(t["count"] for t in rep["by_type"]) == rep["totals"]["reports"]
    assert rep["timeline"]["reports"] and rep["timeline"]["total"] == rep["totals"]["reports"]
    assert len(rep["timeline"]["items"]) == rep["totals"]["reports"] > len(ev["timeline"]["items"])
    assert all(e["num_sources"] == 1 for e in rep["timeline"]["items"])
    assert any(e["num_sources"] > 1 for e in ev["timeline"]["items"])
    spec = dyad_views.dyad_chart_spec(rep)
    assert spec["vconcat"][0]["encoding"]["y"]["title"] == "reports per month"
    hidden = client.get("/api/dyads/CHN/PRK", params={"background": "hide"}).json()
    assert hidden["totals"]["events"] < ev["totals"]["events"]
    assert client.get("/api/dyads/CHN/PRK").json()["totals"] == hidden["totals"]  # hidden by default
    assert not any(e["background"] for e in hidden["timeline"]["items"])
    consult = client.get("/api/dyads/CHN/PRK", params={"type": "CONSULT", "since": "2024-01-01"}).json()
    assert consult["timeline"]["items"]
    assert all(e["plover"] == "CONSULT" and e["date"] >= "2024-01-01" for e in consult["timeline"]["items"])
    hyp = client.get("/api/dyads/CHN/PRK", params={"modality": "asserted"}).json()
    assert all(e["modality"] == "asserted" for e in hyp["timeline"]["items"])


def test_events_filters_and_pagination(client):
    all_ = client.get("/api/events", params={"limit": 1000}).json()
    assert all_["total"] == len(all_["items"]) > 20  # two pages of 10 are read below
    first = client.get("/api/events", params={"limit": 10}).json()
    second = client.get("/api/events", params={"limit": 10, "offset": 10}).json()
    assert first["next_offset"] == 10
    assert [e["event_id"] for e in first["items"] + second["items"]] == [e["event_id"] for e in all_["items"][:20]]
    chn = client.get("/api/events", params={"actor": "CHN"}).json()
    assert all("CHN" in ((e["source"] or {}).get("country"), (e["target"] or {}).get("country"))
               for e in chn["items"])
    cameo = client.get("/api/events", params={"type": "04"}).json()
    assert cameo["items"] and all(e["cameo"].startswith("04") for e in cameo["items"])
    until = client.get("/api/events", params={"until": "2019"}).json()  # the whole of 2019
    assert until["items"] and all(e["date"] <= "2019-12-31" for e in until["items"])
    # a page size other than 100 travels with the page's links
    page = client.get("/events", params={"limit": 3, "offset": 3}).text
    assert 'href="/events?limit=3&amp;offset=6"' in page and 'href="/events?limit=3"' in page
    assert 'href="/events?reports=1&amp;limit=3"' in page  # and the events/reports toggle
    # a year or month filter is shown (and so kept) by the form, which a date input could not
    assert '<input name="until" value="2019"' in client.get("/events", params={"until": "2019"}).text
    # the record format is the stable one from docs/SCHEMA.md
    keys = {"event_id", "doc_ids", "sentence", "mentions", "source", "target", "cameo", "plover", "mode",
            "quad_class", "goldstein", "date", "date_precision", "modality", "attributed_to", "background",
            "location", "confidence", "coder_version", "num_sources", "num_mentions", "story_id"}
    extensions = {"num_independent", "first_reported", "date_method",
                  "source_url", "outlet", "published",  # where it was first reported (schema v5)
                  "event_group"}  # the event a report belongs to (an event names itself)
    assert set(all_["items"][0]) == keys | extensions
    assert all(e["event_group"] == e["event_id"] for e in all_["items"])
    assert all_["reports"] is False


def test_events_reports_mirror_the_cli(client, db_path):
    """`reports=true` lists every coded report, as `dyadscope events --reports`."""
    events = client.get("/api/events", params={"limit": 1000}).json()
    reports = client.get("/api/events", params={"limit": 1000, "reports": "true"}).json()
    assert reports["reports"] is True
    assert reports["total"] > events["total"]
    with Store(str(db_path), read_only=True) as s:
        assert reports["total"] == len(s.events(reports=True))
        assert [e["event_id"] for e in events["items"]] == [e["event_id"] for e in s.events()]
        assert [e["event_id"] for e in reports["items"]] == [e["event_id"] for e in s.events(reports=True)]
    # every mention of every report is in exactly one deduplicated event
    ev_mentions = sorted((m["doc_id"], m["start"]) for e in events["items"] for m in e["mentions"])
    rep_mentions = sorted({(m["doc_id"], m["start"]) for e in reports["items"] for m in e["mentions"]})
    assert sorted(set(ev_mentions)) == rep_mentions
    assert sum(e["num_sources"] for e in events["items"]) > events["total"]


def test_events_story_filter(client, visit_story, seed_docs):
    v = client.get("/api/events", params={"story": visit_story[:8], "limit": 1000}).json()
    assert v["filters"]["story"] == visit_story[:8]
    assert v["total"] == len(v["items"]) > 0
    assert all(e["story_id"] == visit_story for e in v["items"])
    docs = {d for e in v["items"] for d in e["doc_ids"]}
    assert docs <= {seed_docs[n] for n in ("000", "001", "003")}
    r = client.get("/api/events", params={"story": visit_story, "reports": 1, "limit": 1000}).json()
    assert r["total"] > v["total"]
    dyad = client.get("/api/dyads/CHN/PRK", params={"story": visit_story}).json()
    assert 0 < dyad["totals"]["events"] <= v["total"]
    assert all(e["story_id"] == visit_story for e in dyad["timeline"]["items"])


def test_event(client, some_event):
    v = client.get(f"/api/events/{some_event['event_id']}").json()
    assert v["event"] == some_event
    assert v["date_explained"]
    assert v["report_id"] is None
    m = v["mentions"][0]
    marked = [p for p in m["segments"] if p["kind"] == "mark"]
    assert len(marked) == 1 and marked[0]["text"] == m["sentence"]
    assert "".join(p["text"] for p in m["segments"])  # the whole document text around it

def test_an_event_id_prefix_as_lists_show_it_leads_to_the_event(client, some_event):
    full = some_event["event_id"]
    assert client.get(f"/api/events/{full[:10]}").json()["event"] == some_event  # as `dyadscope events` prints it
    assert client.get(f"/event/{full[:10]}").status_code == 200
    assert client.get(f"/api/events/{full[:3]}").status_code == 404  # too short to name one


def test_event_with_several_sources(client, kim_zhao, seed_docs, visit_story):
    """The Kim Jong Un - Zhao Leji meeting is one event reported by several seed documents:
    its page shows every mention in every document, the outlets, and the story."""
    assert kim_zhao["num_sources"] >= 2
    v = client.get(f"/api/events/{kim_zhao['event_id']}").json()
    ev = v["event"]
    assert ev["event_id"] == kim_zhao["event_id"] and ev["story_id"] == visit_story
    assert v["story"]["story_id"] == visit_story
    # every mention highlighted in its own document, in at least two documents
    assert len({m["doc_id"] for m in v["mentions"]}) == ev["num_sources"] >= 2
    assert len(v["mentions"]) == ev["num_mentions"]
    for m in v["mentions"]:
        marked = [p for p in m["segments"] if p["kind"] == "mark"]
        assert len(marked) == 1 and marked[0]["text"] == m["sentence"]
    # sources: one row per document, with outlet and copy fields; the first report flagged
    assert {d["doc_id"] for d in v["sources"]} == set(ev["doc_ids"])
    assert sum(d["first"] for d in v["sources"]) == 1
    assert all({"source", "copy_of", "spun", "published"} <= set(d) for d in v["sources"])
    assert set(ev["doc_ids"]) <= {seed_docs[n] for n in ("000", "001", "003")}
    # every report of the event, one representing it, each with how its date was found
    assert len(v["reports"]) >= ev["num_sources"]
    assert sum(r["representative"] for r in v["reports"]) == 1
    assert all(r["date_explained"] for r in v["reports"])
    # seed 000 has only a site-header date: its report is dated from another document of the story
    borrowed = [r for r in v["reports"] if r["date_method"] == "story"]
    assert borrowed and all(r["doc_id"] == seed_docs["000"] for r in borrowed)
    assert all(r["date"] == ev["date"] != r["coded_date"] for r in borrowed)
    assert all("in the same story" in r["date_explained"] for r in borrowed)
    assert "in the same story" in v["date_explained"]
    # the id of any report leads to the same event
    other = next(r for r in v["reports"] if not r["representative"])
    w = client.get(f"/api/events/{other['event_id']}").json()
    assert w["event"] == ev and w["report_id"] == other["event_id"]


def test_stories_list(client, visit_story):
    v = client.get("/api/stories").json()
    assert v["total"] == len(v["items"]) == 3 and v["next_offset"] is None
    # latest first, as `dyadscope stories`
    ends = [s["end_date"] for s in v["items"]]
    assert ends == sorted(ends, reverse=True)
    keys = {"story_id", "title", "title_doc_id", "start_date", "end_date", "first_published", "last_published",
            "num_docs", "num_independent", "num_events", "url"}
    assert all(set(s) == keys for s in v["items"])
    assert sum(s["num_docs"] for s in v["items"]) == 5
    page = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert page["items"] == v["items"][1:2] and page["next_offset"] == 2
    multi = client.get("/api/stories", params={"min_docs": 2}).json()
    assert [s["story_id"] for s in multi["items"]] == [visit_story]


def test_story(client, visit_story, seed_docs, kim_zhao):
    v = client.get(f"/api/stories/{visit_story}").json()
    assert v["story_id"] == visit_story
    assert v["title"] and v["start_date"] <= v["end_date"]
    assert {d["doc_id"] for d in v["documents"]} == {seed_docs[n] for n in ("000", "001", "003")}
    assert v["num_docs"] == 3 and all({"copy_of", "spun", "label", "url_page"} <= set(d) for d in v["documents"])
    assert not any(d["spun"] for d in v["documents"])
    assert v["events_total"] == len(v["events"]) == v["num_events"]
    assert v["reports_total"] > v["events_total"]
    assert all(e["story_id"] == visit_story for e in v["events"])
    assert kim_zhao["event_id"] in {e["event_id"] for e in v["events"]}
    assert any(e["num_sources"] >= 2 for e in v["events"])
    # a unique prefix will do, as in `dyadscope stories show`
    assert client.get(f"/api/stories/{visit_story[:6]}").json()["story_id"] == visit_story
    # the spun seed (002) is flagged in its own story
    spun = client.get(f"/api/documents/{seed_docs['002']}").json()
    other = client.get(f"/api/stories/{spun['story_id']}").json()
    assert [d["spun"] for d in other["documents"]] == [True]


def test_document_links_its_story(client, seed_docs, visit_story):
    v = client.get(f"/api/documents/{seed_docs['000']}").json()
    assert v["story"]["story_id"] == visit_story
    # events of the document are deduplicated: those reported elsewhere too keep all their sources
    assert any(e["num_sources"] > 1 for e in v["events"])
    assert len({e["event_id"] for e in v["events"]}) == len(v["events"])
    docs = client.get("/api/documents").json()["items"]
    assert all(d["reports"] >= d["events"] for d in docs)
    assert any(d["reports"] > d["events"] for d in docs)


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
    assert v["roles"]["reports"] > v["roles"]["events"] == len(v["events"])
    assert len({e["event_id"] for e in v["events"]}) == len(v["events"])
    counts = [p["events"] for p in v["partners"]]
    assert counts == sorted(counts, reverse=True) and counts
    assert all(p["id"] != "KIM_JONG_UN" for p in v["partners"])
    c = client.get("/api/actors/CHN").json()
    assert c["kind"] == "country" and c["partners"][0]["id"] == "PRK"
    assert c["actor"]["name"] == "China"


@pytest.mark.parametrize("named, want", [
    ("kim_jong_un", "KIM_JONG_UN"),  # an id in any case
    ("Zhao Leji", "ZHAO_LEJI"), ("Putin", "VLADIMIR_PUTIN"),  # words of one stored actor's name
    ("China", "CHN"), ("chn", "CHN"),  # a country by its name or its code in any case
    ("Russia", "RUS"), ("US", "USA"), ("UN", "UNO"),  # as the actor base reads them ("UN" is not Kim Jong Un)
])
def test_an_actor_can_be_named_as_a_user_would(client, named, want):
    v = client.get(f"/api/actors/{named}").json()
    assert v["actor"]["actor_id"] == want
    assert client.get(f"/actor/{named}").status_code == 200


def test_words_naming_several_actors_say_which(client):
    # "Workers" is in two stored names (the Workers' Party, the Workers' Party of Korea)
    r = client.get("/api/actors/Workers")
    assert r.status_code == 422
    assert "O:WORKERS_PARTY_OF_KOREA" in r.text and "several actors" in r.text
    assert client.get("/api/actors/Zorbania Front").status_code == 404


def test_search(client):
    v = client.get("/api/search", params={"q": "Zhao Leji"}).json()
    assert v["documents"] and v["events"]
    assert any(p["kind"] == "mark" and p["text"].lower() == "zhao leji" for p in v["documents"][0]["snippet"])
    # events any of whose reports' sentences match, each once with all its mentions
    assert all(any("zhao leji" in m["sentence"].lower() for m in e["mentions"]) for e in v["events"])
    assert len({e["event_id"] for e in v["events"]}) == len(v["events"])
    # LIKE wildcards are matched literally
    assert client.get("/api/search", params={"q": "%%"}).json()["documents"] == []


def test_openapi(client):
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/dyads", "/api/events", "/api/events/{event_id}", "/api/documents",
                 "/api/documents/{doc_id}", "/api/actors/{actor_id}", "/api/search", "/api/stories",
                 "/api/stories/{story_id}"):
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
    ("/api/events", {"story": "not-a-story"}, "story"),
    ("/api/events", {"reports": "some"}, "reports"),
    ("/api/dyads/CHN/PRK", {"story": "xyz"}, "story"),
    ("/api/stories", {"limit": 0}, "limit"),
    ("/api/stories", {"limit": 1001}, "limit"),
    ("/api/stories", {"offset": -1}, "offset"),
    ("/api/stories", {"min_docs": 0}, "min_docs"),
    ("/api/stories/zz", {}, "story_id"),
    ("/api/stories/not-hex!", {}, "story_id"),
    ("/api/stories/0123456789abcdef0", {}, "story_id"),
    ("/api/stories/abcd", {"limit": 0}, "limit"),
])
def test_422_names_the_parameter(client, url, params, param):
    assert_error(client.get(url, params=params), 422, param)


@pytest.mark.parametrize("url", ["/api/events/0000", "/api/documents/nope", "/api/actors/NOBODY_AT_ALL",
                                 "/api/nothing-here", "/api/stories/abcdef0123456789", "/api/stories/ffff"])
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
def test_pages_render(client, some_event, doc_with_removed, visit_story, kim_zhao, seed_docs):
    pages = {
        "/stories": visit_story,
        f"/story/{visit_story}": seed_docs["003"],
        f"/story/{visit_story[:8]}": 'id="story-documents"',
        f"/event/{kim_zhao['event_id']}": "in the same story",
        f"/document/{seed_docs['001']}": f"/story/{visit_story}",
        f"/events?story={visit_story}&reports=1": "Reports (each coded report)",
        "/dyad/CHN/PRK?measure=reports": "reports (each coded report on its own)",
        "/": "Most active dyads",
        "/dyad/CHN/PRK": "chart-spec",
        "/dyad/CHN/PRK?directed=1&measure=reports&type=CONSULT&background=hide": "Reports (raw)",
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
    assert client.get("/story/abcd").status_code == 404
    r = client.get("/story/nope")
    assert r.status_code == 422 and 'data-param="story_id"' in r.text
    r = client.get("/events", params={"story": "?!"})
    assert r.status_code == 422 and 'data-param="story"' in r.text


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
    assert u.story("76a0ef59") == "/story/76a0ef59"
    assert u.events(story="76a0", reports=True) == "/events?story=76a0&reports=1"


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


# -- fixed after a new-user test --------------------------------------------------------------
def test_unknown_country_code_is_a_422_naming_it(client):
    """Fixed: a dyad CHN,XYZ or country=XYZ answered 200 with nothing, as if no event matched."""
    for url, params, param in [("/api/events", {"dyad": "CHN,XYZ"}, "dyad"),
                               ("/api/events", {"country": "XYZ"}, "country"),
                               ("/api/events", {"actor": "XYZ"}, "actor"),
                               ("/api/series", {"dyad": "XYZ,PRK"}, "dyad"),
                               ("/api/series", {"dyad": "CHN,PRK", "country": "xyz"}, "country"),
                               ("/api/dyads/CHN/XYZ", {}, "dyad")]:
        r = client.get(url, params=params)
        assert_error(r, 422, param)
        assert "'XYZ'" in r.json()["error"]["message"] and "ISO 3166" in r.json()["error"]["message"]
    # codes the actor base knows stay filters, IGOs and Phoenix's regional codes included
    for params in ({"dyad": "CHN,PRK"}, {"country": "UNO"}, {"country": "MEA"}, {"dyad": "USA,IGO"}):
        assert client.get("/api/events", params=params).status_code == 200


def test_unknown_actor_code_is_a_404(client):
    """Fixed: /api/actors/XYZ answered 200 with an empty actor; the schema states the 404."""
    r = client.get("/api/actors/XYZ")
    assert_error(r, 404, None)
    assert "XYZ" in r.json()["error"]["message"]
    assert client.get("/actor/XYZ").status_code == 404
    assert client.get("/api/actors/CHN").status_code == 200
    spec = client.get("/api/openapi.json").json()
    assert "404" in spec["paths"]["/api/actors/{actor_id}"]["get"]["responses"]


def test_document_by_short_id(client, seed_docs):
    """Fixed: the 8-character ids that lists and the README show answered 404."""
    full = seed_docs["001"]
    for short in (full[:8], full[:6], full):
        r = client.get(f"/api/documents/{short}")
        assert r.status_code == 200 and r.json()["doc_id"] == full
    assert client.get(f"/document/{full[:8]}").status_code == 200
    r = client.get(f"/api/documents/{full[:5]}")  # too short to look up as a prefix
    assert_error(r, 404, None)
    assert "at least 6" in r.json()["error"]["message"]
    assert_error(client.get("/api/documents/ffffffffffff"), 404, None)


def test_an_ambiguous_document_prefix_names_the_number_of_matches():
    import duckdb

    from dyadscope.query import FilterError, NotFound, resolve_doc_id

    con = duckdb.connect()
    con.execute("CREATE TABLE documents (doc_id VARCHAR, path VARCHAR)")  # as the store's, in part
    con.execute("INSERT INTO documents VALUES ('abcdef0123456789', 'a.txt'), ('abcdef9876543210', 'b.txt'), "
                "('0123456789abcdef', 'feed.jsonl#abcdee')")
    db = views.Db(con)
    assert resolve_doc_id(db.query, "abcdef01") == "abcdef0123456789"
    with pytest.raises(FilterError) as err:
        resolve_doc_id(db.query, "abcdef")
    assert err.value.param == "doc_id" and "2 documents" in str(err.value)
    assert resolve_doc_id(db.query, "abcdee") == "0123456789abcdef"  # the id its feed gave it
    with pytest.raises(NotFound):
        resolve_doc_id(db.query, "abcdea")
    db.close()


def _documented_api_params() -> dict[str, set[str]]:
    """Endpoint (``/api/events/{}``) -> the parameters docs/WEB.md's JSON API table lists:
    the backticked names of the parameters column, outside parentheses."""
    from conftest import REPO

    text = (REPO / "docs" / "WEB.md").read_text(encoding="utf-8")
    documented = {}
    for line in text.split("## JSON API", 1)[1].splitlines():
        m = re.match(r"^\| `GET (/api/[^`]*)` \| (.*?) \| .* \|$", line)
        if m:
            cell = m.group(2)
            while re.search(r"\([^()]*\)", cell):
                cell = re.sub(r"\([^()]*\)", "", cell)
            documented[re.sub(r"\{[^}]*\}", "{}", m.group(1))] = set(re.findall(r"`([a-z_]+)`", cell))
    return documented


def test_web_docs_list_every_api_parameter(client):
    """docs/WEB.md listed /api/series without country, sector and quad_class: each endpoint's
    documented parameters must be those the OpenAPI schema declares."""
    spec = client.get("/api/openapi.json").json()
    declared = {re.sub(r"\{[^}]*\}", "{}", path): {p["name"] for p in ops["get"].get("parameters", [])
                                                    if p["in"] == "query"}
                for path, ops in spec["paths"].items()}
    assert _documented_api_params() == declared


def test_a_document_without_a_title_is_labelled_by_its_first_line(tmp_path):
    # as `dyadscope docs` lists it, not as "Untitled document"
    from dyadscope.actors import load_kb
    from dyadscope.pipeline import Settings, ingest
    from dyadscope.read import iter_inputs
    from dyadscope.store import Store

    (tmp_path / "a.txt").write_text("Ukraine condemns strike on Kyiv\n\nUkraine's foreign ministry on Tuesday "
                                    "condemned a Russian missile strike on Kyiv.\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    with Store(db) as store:
        ingest(store, iter_inputs([str(tmp_path / "a.txt")]), load_kb(), Settings(processes=1))
    app = create_app(str(db))
    with TestClient(app) as c:
        [doc] = c.get("/api/documents").json()["items"]
        assert doc["label"] == "Ukraine condemns strike on Kyiv"
        assert c.get(f"/api/documents/{doc['doc_id']}").json()["label"] == "Ukraine condemns strike on Kyiv"
        assert "Ukraine condemns strike on Kyiv" in c.get("/documents").text
    app.state.store.close()


def test_a_story_id_is_read_alike_by_the_cli_and_the_web(client, db_path):
    # one resolver (query.resolve_story_id): the same words for a malformed or unknown id
    from click.testing import CliRunner

    from dyadscope.cli import main

    for bad, status in (("zz", 422), ("ffffffff", 404)):
        web = client.get(f"/api/stories/{bad}")
        cli = CliRunner().invoke(main, ["stories", "show", bad, "--db", str(db_path)])
        assert web.status_code == status and cli.exit_code == 1
        words = "expected a story id" if status == 422 else f"no story with id '{bad}'"
        assert words in web.text and words in cli.output


def test_a_story_filter_naming_no_story_is_a_404_everywhere(client, some_event, db_path):
    # as /api/stories/{id} answers it, not an empty page that looks like "no events"
    for path, extra in (("/api/events", {}), ("/api/series", {"dyad": "CHN,PRK"}),
                        ("/api/dyads/CHN/PRK", {})):
        got = client.get(path, params={"story": "deadbeef", **extra})
        assert got.status_code == 404, (path, got.text)
        assert "no story with id 'deadbeef'" in got.text
    story = some_event["story_id"]
    got = client.get("/api/events", params={"story": story[:8]})
    assert got.status_code == 200 and got.json()["items"]
    # the CLI and Python say the same
    from click.testing import CliRunner

    from dyadscope.cli import main
    from dyadscope.query import NotFound

    result = CliRunner().invoke(main, ["events", "--story", "deadbeef", "--db", str(db_path)])
    assert result.exit_code == 1 and "no story with id 'deadbeef'" in result.output
    import dyadscope

    with dyadscope.open(str(db_path)) as store:
        with pytest.raises(NotFound, match="no story"):
            store.series(("CHN", "PRK"), story="deadbeef", as_records=True)


def test_an_event_whose_source_is_not_named_shows_so_and_stays_out_of_dyads(tmp_path):
    # "three soldiers were killed": the coder leaves the source unnamed (coder/roles.py)
    import json

    from click.testing import CliRunner

    from dyadscope.cli import main

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "published": "2024-05-06", "text":
                                  "Three Ukrainian soldiers were killed in Donetsk on Sunday."}) + "\n")
    db = str(tmp_path / "t.duckdb")
    assert CliRunner().invoke(main, ["ingest", str(corpus), "--db", db, "-q"]).exit_code == 0
    listed = CliRunner().invoke(main, ["events", "--db", db])
    assert "(not named)" in listed.output, listed.output
    app = create_app(db)
    with TestClient(app) as c:
        items = c.get("/api/events").json()["items"]
        unnamed = [e for e in items if e["source"]["text"] == "" and e["source"]["country"] is None]
        assert unnamed and unnamed[0]["target"]["country"] == "UKR"
        page = c.get(f"/event/{unnamed[0]['event_id']}").text
        assert "(not named)" in page and "as written: “”" not in page
        assert c.get("/api/dyads").json()["items"] == []  # its only event has no source country
    app.state.store.close()


def test_an_empty_answer_says_when_a_name_matches_no_stored_event(client):
    """As the CLI's note: /api/events and /api/series say why a name gives nothing."""
    events = client.get("/api/events", params={"actor": "Nobody"}).json()
    assert events["total"] == 0 and "'Nobody'" in events["note"]
    assert "'Nobody'" in client.get("/api/series", params={"dyad": "Nobody,PRK"}).json()["note"]
    # a known actor that the other filters leave without events: no note
    assert client.get("/api/events", params={"actor": "CHN", "since": "2030-01-01"}).json()["note"] is None
    assert client.get("/api/events", params={"actor": "CHN"}).json()["note"] is None
    page = client.get("/events", params={"actor": "Nobody"})
    assert page.status_code == 200 and 'id="nowhere"' in page.text
