"""Web hardening (issue 11): links, Content-Security-Policy, bounded offsets, the OpenAPI
schema's errors and constraints, 405 with Allow, unknown parameters."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from dyadscope.cli import main  # noqa: E402
from dyadscope.web import create_app  # noqa: E402

ARTICLE = ("North Korean leader Kim Jong Un met Chinese President Xi Jinping in Beijing on Thursday, "
           "state media reported. The two leaders discussed trade.")
LIST_ENDPOINTS = ["/api/dyads", "/api/events", "/api/documents", "/api/stories", "/api/dyads/CHN/PRK",
                  "/dyad/CHN/PRK", "/events", "/documents", "/stories"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("webhard")
    feed = folder / "feed.jsonl"
    rows = [
        {"id": "js", "url": "javascript:alert(document.cookie)", "text": ARTICLE, "published": "2025-09-05"},
        {"id": "data", "url": "data:text/html,<script>alert(1)</script>", "text": ARTICLE.replace("Thursday", "Friday"),
         "published": "2025-09-06"},
        {"id": "ok", "url": "https://news.example/kim-xi", "text": ARTICLE.replace("Thursday", "Monday"),
         "published": "2025-09-08"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = folder / "w.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(feed), "--db", str(db), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def client(store):
    app = create_app(str(store))
    with TestClient(app) as c:
        yield c
    app.state.store.close()


def _doc_ids(store):
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        return dict(con.execute("SELECT url, doc_id FROM documents").fetchall())
    finally:
        con.close()


def test_only_http_urls_become_links(client, store):
    ids = _doc_ids(store)
    for url, doc_id in ids.items():
        html = client.get(f"/document/{doc_id}").text
        if url.startswith("https://"):
            assert f'href="{url}"' in html
        else:
            assert "javascript:" not in html.split("original URL")[0][-300:]
            assert 'href="javascript:' not in html and 'href="data:' not in html
            assert "original URL" not in html


@pytest.mark.parametrize("path", ["/", "/documents", "/api/summary", "/api/documents", "/api/nothing",
                                  "/nothing", "/static/style.css", "/api/openapi.json"])
def test_every_response_carries_a_strict_csp(client, path):
    r = client.get(path)
    csp = r.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers.get("x-content-type-options") == "nosniff"


def test_no_inline_script_in_pages(client, store):
    import re

    doc_id = next(iter(_doc_ids(store).values()))
    for path in ["/", "/documents", f"/document/{doc_id}", "/stories", "/search?q=Kim"]:
        html = client.get(path).text
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), path


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
@pytest.mark.parametrize("offset", [2**63, 2**64 + 5, 10**13])
def test_huge_offset_is_a_422_not_a_500(client, path, offset):
    r = client.get(path, params={"offset": offset})
    assert r.status_code == 422, (path, r.status_code, r.text[:200])
    if path.startswith("/api/"):
        assert r.json()["error"]["param"] == "offset"


@pytest.mark.parametrize("path", ["/api/documents", "/api/stories", "/api/dyads"])
def test_largest_offset_answers(client, path):
    from dyadscope.web.app import MAX_OFFSET

    r = client.get(path, params={"offset": MAX_OFFSET})
    assert r.status_code == 200, r.text[:300]


def test_405_names_the_allowed_methods(client):
    for path in ["/api/documents", "/documents", "/api/summary"]:
        r = client.post(path)
        assert r.status_code == 405
        assert r.headers.get("allow") == "GET"


def test_unknown_parameter_is_a_422_naming_it(client):
    r = client.get("/api/documents", params={"limt": 5})
    assert r.status_code == 422
    assert r.json()["error"]["param"] == "limt"
    assert client.get("/api/documents", params={"limit": 5}).status_code == 200


def test_openapi_states_errors_and_constraints(client):
    spec = client.get("/api/openapi.json").json()
    for path, ops in spec["paths"].items():
        op = ops["get"]
        assert "422" in op["responses"], path
        if "{" in path:
            assert "404" in op["responses"], path
        for param in op.get("parameters", []):
            if param["name"] in ("offset", "limit"):
                schema = param["schema"]
                assert "maximum" in schema and "minimum" in schema, (path, param)
    body = spec["paths"]["/api/documents/{doc_id}"]["get"]["responses"]["404"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(spec["components"]["schemas"][ref]["properties"]) == {"error"}


def test_serve_on_a_port_in_use_says_so_and_names_another(store):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--db", str(store), "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.output and f"--port {port + 1}" in result.output
