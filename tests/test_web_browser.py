"""The web pages in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Skipped, with the reason, when Chromium, Playwright or the web dependencies are missing.
Screenshots go to the pytest temporary folder (printed); set DYADSCOPE_SCREENSHOTS=DIR to
also copy them there (docs/screenshots/ was made that way).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import seed_store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) "
                "to run the browser tests", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                               "(pip install playwright==1.65.2; never `playwright install`)")
import uvicorn  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from dyadscope.web import create_app

    app = create_app(str(seed_store(tmp_path_factory)))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started:
        if time.time() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    app.state.store.close()


@pytest.fixture(scope="module")
def page(server):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1360, "height": 900})
        pg = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        pg.on("request", lambda r: requests.append(r.url))
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.requests, pg.js_errors = requests, errors  # type: ignore[attr-defined]
        yield pg
        context.close()
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    out = tmp_path_factory.mktemp("screenshots")
    yield out
    print(f"\nscreenshots: {out}")
    keep = os.environ.get("DYADSCOPE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for f in out.glob("*.png"):
            shutil.copy(f, Path(keep) / f.name)


def test_dyad_page_chart_and_timeline(server, page, shots):
    page.goto(f"{server}/dyad/CHN/PRK")
    page.wait_for_selector("#chart[data-rendered='1'] svg", timeout=15000)
    marks = page.locator("#chart svg .mark-rect path").count()
    assert marks >= 5, f"the chart drew only {marks} bars"
    legend = page.locator("#chart svg").text_content()
    assert "verbal cooperation" in legend
    rows = page.locator("table.events tbody tr.event-row")
    # background history is hidden on the dyad page by default (as in dyadscope series)
    # the dyad page lists asserted acts unless asked (as series do); the event list asked for the same
    total = page.request.get(f"{server}/api/events?dyad=CHN,PRK&background=hide&modality=asserted&limit=1"
                             ).json()["total"]
    assert total > 10
    assert rows.count() == min(total, 100)  # every asserted seed event between China and North Korea (one page)
    assert "Kim" in page.locator("table.events").inner_text()
    assert "deduplicated" in page.locator(".notes").inner_text()  # events vs reports explained
    # nothing fetched from anywhere but this server
    assert all(u.startswith(server) for u in page.requests), [u for u in page.requests if not u.startswith(server)]
    assert not page.js_errors, page.js_errors
    page.screenshot(path=str(shots / "dyad.png"), full_page=False)


def test_dyad_interval_switch_background_toggle_and_csv(server, page, shots):
    page.goto(f"{server}/dyad/CHN/PRK")
    page.wait_for_selector("#chart[data-rendered='1'] svg")
    hidden_first = page.get_attribute("#chart", "data-first")
    # the background toggle: shown, the chart starts earlier (the seeds recall 2018-2019 visits)
    page.click("#background-show")
    page.wait_for_selector("#chart[data-rendered='1'] svg")
    assert "background=show" in page.url
    shown_first = page.get_attribute("#chart", "data-first")
    assert shown_first < hidden_first
    # the interval switch keeps the other filters; a year chart has one bar group a year
    page.click("#interval-year")
    page.wait_for_selector("#chart[data-rendered='1'] svg")
    assert "interval=year" in page.url and "background=show" in page.url
    assert page.get_attribute("#chart", "data-interval") == "year"
    segments = page.request.get(f"{server}/api/dyads/CHN/PRK?interval=year&background=show").json()["monthly"]
    assert page.locator("#chart svg .mark-rect path").count() >= len(segments) > 0
    # the CSV download is the current view, the numbers of /api/series
    with page.expect_download() as info:
        page.click("#download-csv")
    text = open(info.value.path(), encoding="utf-8").read()
    lines = text.strip().splitlines()
    assert lines[0].startswith("period,events,verbal_coop")
    api = page.request.get(f"{server}/api/series?dyad=CHN,PRK&interval=year&background=show").json()
    assert len(lines) - 1 == len(api["rows"]) and lines[1].startswith(api["rows"][0]["period"])
    assert page.locator("#undated h3").count() == 1
    assert not page.js_errors, page.js_errors
    page.screenshot(path=str(shots / "dyad-year.png"), full_page=False)


def test_hover_tooltip(server, page):
    page.goto(f"{server}/dyad/CHN/PRK")
    page.wait_for_selector("#chart[data-rendered='1'] svg")
    bar = page.locator("#chart svg .mark-rect path").first
    bar.hover(force=True)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
    assert "Quad class" in page.locator("#vg-tooltip-element").inner_text()


def test_filters_and_toggle_live_in_the_url(server, page):
    page.goto(f"{server}/dyad/CHN/PRK")
    page.fill("input[name=type]", "CONSULT")
    page.select_option("select[name=background]", "show")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "type=CONSULT" in page.url and "background=show" in page.url
    n = page.locator("table.events tbody tr.event-row").count()
    assert 0 < n < 46
    page.click("#measure-reports")
    page.wait_for_load_state()
    assert "measure=reports" in page.url and "type=CONSULT" in page.url
    page.wait_for_selector("#chart[data-rendered='1'] svg")
    # raw reports: more rows than deduplicated events (one visit, reported by three seeds)
    assert page.locator("table.events.reports tbody tr.event-row").count() > n


def test_event_page_highlights_sentence(server, page):
    page.goto(f"{server}/dyad/CHN/PRK")
    first = page.locator("table.events tbody tr.event-row").first
    sentence = first.locator("td.sentence a").inner_text()
    first.locator("a.event-link").click()
    page.wait_for_url("**/event/*")
    mark = page.locator(".mention mark.hl").first
    assert mark.is_visible()
    assert mark.inner_text().strip()[:40] == sentence.strip()[:40]
    assert "Precision" in page.locator("#event-date").inner_text()


def test_document_page_strikes_boilerplate(server, page, shots):
    page.goto(f"{server}/")
    page.locator("#latest-documents a").last.click()  # the first document ingested
    page.wait_for_url("**/document/*")
    removed = page.locator("#doctext del.removed")
    assert removed.count() >= 1
    style = removed.first.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "line-through" in style
    assert page.locator("#doctext .reason").first.inner_text()  # its reason, shown beside it
    assert page.locator("#doctext mark.hl").count() >= 1  # sentences that yield events
    page.screenshot(path=str(shots / "document.png"), full_page=False)


def test_home_and_search(server, page, shots):
    page.goto(f"{server}/")
    assert "CHN – PRK" in page.locator("#dyads").inner_text()
    page.screenshot(path=str(shots / "home.png"), full_page=False)
    page.fill("header input[name=q]", "Zhao Leji")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator("#search-documents mark.hl").count() >= 1


def test_actor_page(server, page, shots):
    page.goto(f"{server}/actor/KIM_JONG_UN")
    assert page.locator("#partners tbody tr").count() >= 2
    page.screenshot(path=str(shots / "actor.png"), full_page=False)


def _visit_story(page, server) -> tuple[str, list[str]]:
    """The story of seeds 000, 001 and 003, and those documents' ids."""
    docs = page.request.get(f"{server}/api/documents").json()["items"]
    ids = {d["path"].split("#")[1][:3]: d["doc_id"] for d in docs}
    seeds = [ids[n] for n in ("000", "001", "003")]
    story = page.request.get(f"{server}/api/documents/{seeds[1]}").json()["story_id"]
    assert story
    return story, seeds


def test_story_page_lists_its_documents(server, page, shots):
    story, seeds = _visit_story(page, server)
    page.goto(f"{server}/")
    assert page.locator("#figure-stories .n").inner_text().strip() == "3"
    page.locator(f"#latest-stories a[href='/story/{story}']").click()  # from the home page's latest stories
    page.wait_for_url(f"**/story/{story}")
    rows = page.locator("#story-documents tbody tr.doc-row")
    assert rows.count() == 3
    assert sorted(rows.nth(i).get_attribute("data-doc-id") for i in range(3)) == sorted(seeds)
    assert page.locator("#story-documents").inner_text().count("spun text") == 0
    events = page.locator("table.events tbody tr.event-row")
    assert events.count() >= 5
    sources = [int(events.nth(i).locator("td.sources").inner_text().split()[0]) for i in range(events.count())]
    assert max(sources) >= 2  # one event, several documents
    assert not page.js_errors, page.js_errors
    page.screenshot(path=str(shots / "story.png"), full_page=False)
    # each document links to its page, which links back to the story
    page.locator(f"#story-documents a[href='/document/{seeds[0]}']").click()
    page.wait_for_url(f"**/document/{seeds[0]}")
    assert page.locator(f"#doc-story a[href='/story/{story}']").count() == 1


def test_event_page_shows_every_source(server, page, shots):
    story, seeds = _visit_story(page, server)
    items = page.request.get(f"{server}/api/events?story={story}&type=CONSULT&limit=1000").json()["items"]
    ev = max(items, key=lambda e: e["num_sources"])
    assert ev["num_sources"] >= 2
    page.goto(f"{server}/event/{ev['event_id']}")
    mentions = page.locator("section.mention")
    assert mentions.count() == ev["num_mentions"]
    assert all(mentions.nth(i).locator("mark.hl").count() == 1 for i in range(mentions.count()))
    assert page.locator("#event-sources tbody tr").count() == ev["num_sources"]
    assert page.locator(f"#event-story a[href='/story/{story}']").count() == 1
    assert "in the same story" in page.locator("#event-date").inner_text() + page.locator("#event-reports").inner_text()
    page.screenshot(path=str(shots / "event.png"), full_page=True)
