"""Property tests (Hypothesis) over the reader and the cleaner, and schemathesis over the
API on a small store. Small by default so the suite stays fast; `make fuzz` runs them with
DYADSCOPE_FUZZ_EXAMPLES=500 and tools/fuzz_ingest.py over 10,000 malformed inputs."""

from __future__ import annotations

import io
import json
import os

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from dyadscope.clean import clean  # noqa: E402
from dyadscope.models import RawDoc  # noqa: E402
from dyadscope.privacy import find_emails, mask_emails  # noqa: E402
from dyadscope.read import ReadProblem, decode_text, iter_inputs, json_depth  # noqa: E402

EXAMPLES = int(os.environ.get("DYADSCOPE_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
records = st.fixed_dictionaries({}, optional={k: json_values | st.text() for k in
                                              ("text", "id", "title", "url", "published", "source")})


def _check(items, name):
    for item in items:
        if isinstance(item, ReadProblem):
            assert item.path == name and item.reason
            str(item).encode("utf-8")
        else:
            assert isinstance(item, RawDoc) and item.text.strip()
            for value in (item.text, item.path, item.title, item.url, item.source, item.published):
                if value is not None:
                    value.encode("utf-8")  # storable: no lone surrogate


@FUZZ
@given(st.binary(max_size=3000))
def test_reader_never_raises_on_bytes_as_text(data):
    _check(list(iter_inputs(["-"], fmt="text", stdin=io.BytesIO(data))), "<stdin>")


@FUZZ
@given(st.lists(st.one_of(records.map(lambda r: json.dumps(r).encode()), st.binary(max_size=200)), max_size=8))
def test_reader_never_raises_on_jsonl(lines):
    items = list(iter_inputs(["-"], stdin=io.BytesIO(b"\n".join(l.replace(b"\n", b" ") for l in lines))))
    _check(items, "<stdin>")
    for item in items:
        if isinstance(item, ReadProblem) and item.reason != "empty file":
            assert item.line is not None and 1 <= item.line <= max(1, len(lines))


@FUZZ
@given(st.text(alphabet="[]{}\"\\ ax", max_size=60))
def test_json_depth_matches_the_parser(s):
    try:
        obj = json.loads(s)
    except ValueError:
        return

    def depth(o):
        if isinstance(o, list):
            return 1 + max(map(depth, o), default=0)
        if isinstance(o, dict):
            return 1 + max(map(depth, o.values()), default=0)
        return 0

    assert json_depth(s) == depth(obj)


@FUZZ
@given(st.binary(max_size=2000))
def test_decode_text_returns_text_or_a_reason(data):
    text, note = decode_text(data)
    assert text is not None or note
    if text is not None:
        text.encode("utf-8")


@FUZZ
@given(st.text(max_size=2000))
def test_cleaner_never_raises_and_keeps_offsets_in_range(text):
    doc = clean(RawDoc(text=text or "x", path="f.txt"))
    for r in doc.removed:
        assert 0 <= r.at <= len(doc.text)
    for c in doc.captions:
        assert 0 <= c.start <= c.end <= len(doc.text)


local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=12).filter(
    lambda s: s[0].isalnum())
label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
prose = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="@"), max_size=80)


@FUZZ
@given(prose, local, label, st.sampled_from(["com", "org", "de", "co.uk", "io"]), prose,
       st.sampled_from(["{l}@{d}.{t}", "{l} [at] {d}.{t}", "{l}(at){d}(dot){t}", "{l} at {d} dot com",
                        "{l}%40{d}.{t}"]))
def test_planted_address_never_survives_masking_or_cleaning(before, loc, dom, tld, after, form):
    address = form.format(l=loc, d=dom, t=tld)
    text = f"{before} {address} {after}"
    masked = mask_emails(text)
    assert address not in masked
    doc = clean(RawDoc(text=text, path="f.txt"))
    assert address not in doc.text
    assert all(address not in r.text for r in doc.removed)
    assert find_emails(doc.text) == []


# -- the API, fuzzed from its own OpenAPI schema ------------------------------------------------
schemathesis = pytest.importorskip("schemathesis")


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    from conftest import seed_store
    from dyadscope.web import create_app

    app = create_app(str(seed_store(tmp_path_factory)))  # the session's small seed store
    yield app
    app.state.store.close()


def test_api_schema_fuzz_no_server_error_and_responses_match_schema(api_app):
    from schemathesis import openapi
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                                   status_code_conformance)

    schema = openapi.from_asgi("/api/openapi.json", api_app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    failures = []
    for op in schema.get_all_operations():
        operation = op.ok()

        @settings(max_examples=max(4, EXAMPLES // 5), deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True)
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call()
            try:
                case.validate_response(response, checks=checks)
            except Exception as exc:  # collect every operation's failure, then report them together
                failures.append(f"{operation.label}: {str(exc)[:400]}")
                raise

        before = len(failures)
        try:
            run()
        except Exception:
            if len(failures) == before:  # not a check failure: a broken test, say so
                raise
    assert not failures, "\n".join(failures[:5])
