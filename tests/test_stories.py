"""Stories: grouping documents by happening, and events counted once with all their sources."""

from __future__ import annotations

import json
import random
import re

import numpy as np
import pytest

from conftest import EXAMPLE_JSONL, seed_store
from dyadscope import stories
from dyadscope.actors import load_kb
from dyadscope.models import RawDoc
from dyadscope.pipeline import Settings, StoryTracker, ingest
from dyadscope.stories import DocFeatures, Report, StoryIndex, linked, merge_events
from dyadscope.store import Store

SEEDS = [json.loads(line) for line in EXAMPLE_JSONL.read_text(encoding="utf-8").splitlines() if line.strip()]


def _vec(*weights: float) -> np.ndarray:
    v = np.zeros(8, dtype=np.float32)
    v[: len(weights)] = weights
    return v / np.linalg.norm(v)


def _f(doc_id, published="2024-04-12", people=(), sigs=(), vec=None, weak=False, copy_of=None,
       lead_people=None, lead_sigs=None):
    return DocFeatures(doc_id, published, weak, frozenset(people), frozenset(sigs),
                       _vec(1, 0) if vec is None else vec, lead=f"lead of {doc_id}", copy_of=copy_of,
                       lead_people=frozenset(people if lead_people is None else lead_people),
                       lead_signatures=frozenset(sigs if lead_sigs is None else lead_sigs))


# -- linking ----------------------------------------------------------------------------

def test_shared_event_within_days_links_and_the_test_is_symmetric():
    a = _f("a", "2024-04-12", people=["KIM"], sigs=["CONSULT|KIM|ZHAO"])
    b = _f("b", "2024-04-14", people=["KIM"], sigs=["CONSULT|KIM|ZHAO"], vec=_vec(1, 0.9))
    assert linked(a, b) and linked(b, a)


def test_same_actors_a_month_apart_are_different_stories():
    a = _f("a", "2024-04-12", sigs=["CONSULT|KIM|ZHAO"])
    b = _f("b", "2024-05-20", sigs=["CONSULT|KIM|ZHAO"])
    assert not linked(a, b)


def test_one_shared_person_needs_a_close_lead():
    a = _f("a", people=["PUTIN"], vec=_vec(1, 0))
    far = _f("b", people=["PUTIN"], vec=_vec(1, 1.4))  # cosine 0.58
    near = _f("c", people=["PUTIN"], vec=_vec(1, 0.3))
    assert stories.cosine(a, far) < stories.COS_WITH_PERSON < stories.cosine(a, near)
    assert not linked(a, far) and linked(a, near)


def test_people_and_events_named_only_in_passing_do_not_link():
    # both mention Putin and a Putin–Xi call deep in the text; neither is what they report
    a = _f("a", people=["KIM", "PUTIN", "XI"], sigs=["CONSULT|PUTIN|XI"], lead_people=["KIM"], lead_sigs=[])
    b = _f("b", people=["MODI", "PUTIN", "XI"], sigs=["CONSULT|PUTIN|XI"], lead_people=["MODI"], lead_sigs=[])
    assert not linked(a, b)
    c = _f("c", people=["PUTIN", "XI"], sigs=["CONSULT|PUTIN|XI"])  # reports the call in its lead
    assert linked(a, c) and linked(b, c)


def test_statement_signatures_and_lead_come_from_the_first_sentences():
    evs = [{"source": {"actor_id": "KIM_JU"}, "target": {"actor_id": "ZHAO_L"}, "cameo": "040", "plover": "CONSULT",
            "sent_idx": 0},
           {"source": {"actor_id": "PUTIN"}, "target": {"actor_id": "XI_JP"}, "cameo": "040", "plover": "CONSULT",
            "sent_idx": stories.LEAD_SENTENCES + 3}]
    f = stories.features("d", "2024-04-13", 0.9, evs)
    assert f.people == {"KIM_JU", "ZHAO_L", "PUTIN", "XI_JP"} and f.lead_people == {"KIM_JU", "ZHAO_L"}
    assert f.lead_signatures == {"CONSULT|KIM_JU|ZHAO_L"} < f.signatures


def test_nothing_in_common_never_links_however_alike_the_leads():
    assert not linked(_f("a", people=["KIM"]), _f("b", people=["XI"]))


def test_copies_link_whatever_their_dates():
    assert linked(_f("a", "2024-01-01"), _f("b", "2025-01-01", copy_of="a"))


def test_weakly_dated_document_needs_a_shared_event_between_two_named_actors():
    weak = _f("w", "2024-05-18", weak=True,
              sigs=["CONSULT|KIM_JONG_UN|ZHAO_LEJI", "CONSULT|C:CHN|C:PRK", "SUPPORT|C:CHN|KIM_JONG_UN"])
    assert linked(weak, _f("a", "2024-04-13", sigs=["CONSULT|KIM_JONG_UN|ZHAO_LEJI"]))
    assert not linked(weak, _f("b", "2024-04-13", sigs=["CONSULT|C:CHN|C:PRK"]))
    # Kim praising some Chinese official, years apart: not enough to bridge an undated text
    assert not linked(weak, _f("c", "2021-12-24", sigs=["SUPPORT|C:CHN|KIM_JONG_UN"]))


def test_an_unnamed_official_and_a_named_one_share_the_event_through_their_country():
    named = [{"source": {"actor_id": "ZHAO_LEJI", "country": "CHN"},
              "target": {"actor_id": "KIM_JONG_UN", "country": "PRK"}, "cameo": "040", "plover": "CONSULT"}]
    unnamed = [{"source": {"actor_id": None, "country": "CHN", "text": "a top Chinese official"},
                "target": {"actor_id": "KIM_JONG_UN", "country": "PRK"}, "cameo": "040", "plover": "CONSULT"}]
    assert stories.signatures(named) == {"CONSULT|KIM_JONG_UN|ZHAO_LEJI", "CONSULT|C:CHN|KIM_JONG_UN",
                                         "CONSULT|C:PRK|ZHAO_LEJI"}
    assert stories.signatures(named) & stories.signatures(unnamed) == {"CONSULT|C:CHN|KIM_JONG_UN"}


def test_statements_and_background_make_no_signature():
    evs = [
        {"source": {"actor_id": "KIM"}, "target": None, "cameo": "010", "plover": None},
        {"source": {"actor_id": "XI"}, "target": {"country": "PRK"}, "cameo": "042", "plover": "CONSULT",
         "background": True},
        {"source": {"actor_id": "ZHAO"}, "target": {"actor_id": "KIM"}, "cameo": "040", "plover": "CONSULT",
         "modality": "hypothetical"},
        {"source": {"actor_id": "ZHAO"}, "target": {"actor_id": "CHOE"}, "cameo": "040", "plover": "CONSULT"},
    ]
    assert stories.signatures(evs) == {"CONSULT|CHOE|ZHAO"}



def test_an_event_whose_source_the_sentence_does_not_name_makes_no_signature():
    unnamed = {"text": "", "name": None, "country": None, "sector": None, "actor_id": None}
    assert stories.actor_key(unnamed) == ""
    evs = [{"source": unnamed, "target": {"text": "Ukrainian soldiers", "country": "UKR"}, "cameo": "190",
            "plover": "ASSAULT"}]
    assert stories.signatures(evs) == frozenset()


def test_reports_with_an_unnamed_source_merge_only_with_the_same_victims_and_place():
    from dyadscope.pipeline import _report

    def row(event_id, target, place):
        return {"event_id": event_id, "doc_id": event_id, "sent_idx": 0, "plover": "ASSAULT", "cameo": "190",
                "modality": "asserted", "source_actor_id": None, "source_country": None, "source_text": "",
                "target_actor_id": None, "target_country": "UKR", "target_text": target, "location_name": place,
                "coded_date": "2024-05-01", "coded_precision": "day", "published": "2024-05-01", "weak": False}

    donetsk = _report(row("a", "Ukrainian soldiers", "Donetsk")).key()
    assert donetsk == _report(row("b", "Ukrainian soldiers", "Donetsk")).key()  # two outlets, one happening
    assert donetsk != _report(row("c", "Ukrainian soldiers", "Kharkiv")).key()
    assert donetsk != _report(row("d", "civilians", "Donetsk")).key()

# -- the index: stories are components, whatever the order ---------------------------------

def _random_features(rng: random.Random, n: int) -> list[DocFeatures]:
    people = [f"P{i}" for i in range(30)]
    out = []
    for i in range(n):
        who = rng.sample(people, 2)
        day = f"2024-04-{rng.randint(1, 28):02d}"
        sig = f"CONSULT|{min(who)}|{max(who)}"
        vec = _vec(*(abs(rng.gauss(0, 1)) for _ in range(8)))  # cosines spread over 0.3–0.95
        out.append(_f(f"d{i:03d}", day, people=who, sigs=[sig] if rng.random() < 0.7 else [], vec=vec,
                      weak=rng.random() < 0.1))
    return out


def _partition(index: StoryIndex) -> set[tuple[str, ...]]:
    return {tuple(sorted(g)) for g in index.groups.values()}


def test_any_order_gives_the_same_stories():
    feats = _random_features(random.Random(3), 120)
    partitions = set()
    for seed in range(4):
        order = feats[:]
        random.Random(seed).shuffle(order)
        idx = StoryIndex()
        for f in order:
            idx.add(f)
        partitions.add(frozenset(_partition(idx)))
    assert len(partitions) == 1
    (only,) = partitions
    # and the grouping is neither trivial nor one giant story
    assert 1 < len(only) < len(feats)
    assert max(len(g) for g in only) < len(feats) // 2


def test_index_finds_exactly_the_pairwise_links():
    feats = _random_features(random.Random(5), 80)
    idx = StoryIndex()
    for f in feats:
        idx.add(f)
    for i, a in enumerate(feats):
        for b in feats[i + 1:]:
            if linked(a, b):
                assert idx.find(a.doc_id) == idx.find(b.doc_id)


def test_removing_a_bridge_splits_its_story():
    a = _f("a", people=["KIM", "ZHAO"], sigs=["CONSULT|KIM|ZHAO"])
    bridge = _f("b", people=["KIM", "ZHAO", "XI"], sigs=["CONSULT|KIM|ZHAO", "CONSULT|KIM|XI"])
    c = _f("c", people=["KIM", "XI"], sigs=["CONSULT|KIM|XI"], vec=_vec(1, 1.9))  # cosine 0.47 with a and b
    idx = StoryIndex()
    for f in (a, bridge, c):
        idx.add(f)
    assert len(idx.groups) == 1
    assert idx.remove("b") == [("a",), ("c",)]


def test_story_id_names_the_first_firm_report_not_the_arrival_order():
    a, b, w = _f("a", "2024-04-12"), _f("b", "2024-04-13"), _f("w", "2024-04-01", weak=True)
    assert stories.story_id([b, w, a]) == stories.story_id([a, b, w]) != stories.story_id([b, w])


# -- merging event reports -------------------------------------------------------------------

def _r(eid, doc, src, tgt, date, precision="day", typ="CONSULT", sent=0, weak=False, modality="asserted",
       published="2024-04-14"):
    return Report(eid, doc, sent, typ, modality, src, tgt, date, precision, published, weak)


def test_a_meeting_reported_both_ways_by_three_documents_is_one_event():
    got = merge_events([
        _r("e1", "d1", "KIM", "ZHAO", "2024-04-13"),
        _r("e2", "d2", "ZHAO", "KIM", "2024-04-13"),
        _r("e3", "d3", "KIM", "ZHAO", "2024-04-14", "document"),
    ])
    assert len({a.group for a in got.values()}) == 1


def test_a_weakly_dated_report_takes_the_date_of_the_story():
    got = merge_events([
        _r("firm", "d1", "KIM", "ZHAO", "2024-04-13", published="2024-04-13"),
        _r("weak", "d0", "ZHAO", "KIM", "2024-05-18", "document", weak=True, published="2024-05-18"),
        _r("aside", "d0", "ZHAO", "", "2024-05-18", "document", typ="SUPPORT", weak=True, published="2024-05-18"),
    ], anchor="2024-04-13")
    assert got["weak"].group == "firm"
    assert (got["weak"].date, got["weak"].precision, got["weak"].method) == ("2024-04-13", "day", "story")
    # a report that matches nothing takes the story's date as its document date
    assert (got["aside"].date, got["aside"].precision, got["aside"].method) == ("2024-04-13", "document", "story")
    assert (got["firm"].date, got["firm"].method) == ("2024-04-13", "text")


def test_the_same_pair_on_different_days_is_two_events():
    got = merge_events([
        _r("e1", "d1", "KIM", "ZHAO", "2024-04-01"),
        _r("e2", "d2", "KIM", "ZHAO", "2024-04-20"),
    ])
    assert got["e1"].group != got["e2"].group


def test_directed_events_keep_their_direction_and_modality_counts():
    got = merge_events([
        _r("a", "d1", "USA", "PRK", "2024-04-13", typ="ACCUSE"),
        _r("b", "d2", "PRK", "USA", "2024-04-13", typ="ACCUSE"),
        _r("c", "d3", "USA", "PRK", "2024-04-13", typ="ACCUSE", modality="hypothetical"),
        _r("d", "d4", "USA", "PRK", "2024-04-13", typ="ACCUSE", sent=2),
    ])
    assert len({got[x].group for x in "abc"}) == 3
    assert got["d"].group == got["a"].group


def test_merging_does_not_depend_on_report_order():
    reports = [
        _r("e1", "d1", "KIM", "ZHAO", "2024-04-13"),
        _r("e2", "d2", "ZHAO", "KIM", "2024-04-01", "month"),
        _r("e3", "d3", "KIM", "ZHAO", None, "unknown"),
        _r("e4", "d4", "KIM", "ZHAO", "2024-04-25"),
        _r("e5", "d5", "KIM", "ZHAO", "2024-04-25", "document"),
    ]
    first = merge_events(list(reports))
    for seed in range(5):
        shuffled = [Report(**vars(r)) for r in reports]
        random.Random(seed).shuffle(shuffled)
        assert merge_events(shuffled) == first


# -- the seeds, end to end ------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    return seed_store(tmp_path_factory)


def _stories_by_seed(store: Store) -> dict[str, str]:
    return {r["path"].split("#")[-1][:3]: r["story_id"] for r in store.query("SELECT path, story_id FROM documents")}


def test_seed_stories(seed_db):
    with Store(seed_db, read_only=True) as store:
        sid = _stories_by_seed(store)
        assert sid["000"] == sid["001"] == sid["003"]
        assert len({sid["000"], sid["002"], sid["004"]}) == 3
        assert store.count("stories") == 3
        story = store.story(sid["001"])
        assert story["num_docs"] == 3 and story["title"]
        assert story["start_date"] <= "2024-04-11" and story["end_date"] == "2024-04-13"


def test_a_storys_dates_are_its_events_else_its_publication_dates():
    span = stories.date_span
    assert span({"start_date": "2024-04-11", "end_date": "2024-04-13"}) == "2024-04-11..2024-04-13"
    assert span({"start_date": "2024-04-11", "end_date": "2024-04-11"}, " → ") == "2024-04-11"
    # no dated event (fire-safety tips): shown by publication, and said to be that
    assert span({"start_date": None, "end_date": None, "first_published": "2025-02-01",
                 "last_published": "2025-02-03"}) == "2025-02-01..2025-02-03 (published)"
    assert span({"start_date": None, "first_published": None}) == "?"


def test_kim_meeting_zhao_is_one_event_backed_by_001_and_000(seed_db):
    with Store(seed_db, read_only=True) as store:
        ids = {r["path"].split("#")[-1][:3]: r["doc_id"] for r in store.query("SELECT path, doc_id FROM documents")}
        consults = [e for e in store.events()
                    if e["plover"] == "CONSULT" and e["target"] is not None
                    and {e["source"]["actor_id"], e["target"]["actor_id"]} == {"KIM_JONG_UN", "ZHAO_LEJI"}]
        # Seed 001 also speculates about a later state visit by Kim: a different event,
        # which must not be stored as done (nor merged into the meeting).
        assert all(e["modality"] != "asserted" for e in consults if "possibility of a state visit" in e["sentence"])
        meetings = [e for e in consults if e["modality"] == "asserted"]
        assert len(meetings) == 1
        ev = meetings[0]
        assert ev["date"] == "2024-04-13" and ev["date_precision"] == "day"
        assert {ids["001"], ids["000"]} <= set(ev["doc_ids"])
        assert ev["num_sources"] == len(ev["doc_ids"]) >= 2
        assert ev["num_mentions"] >= ev["num_sources"]
        assert ev["story_id"] == store.story(ev["story_id"])["story_id"]
        # seed 000 reports it too, and its only date is a site header: the story dates it
        from_000 = [r for r in store.events(reports=True)
                    if r["doc_ids"] == [ids["000"]] and r["plover"] == "CONSULT"
                    and r["target"] and r["target"]["actor_id"] in ("KIM_JONG_UN", "ZHAO_LEJI")]
        assert from_000 and all(r["date"] == "2024-04-13" and r["date_method"] == "story" for r in from_000)


def test_events_list_each_event_once_and_reports_each_report(seed_db):
    with Store(seed_db, read_only=True) as store:
        events, reports = store.events(), store.events(reports=True)
        assert len(events) < len(reports)
        assert sum(1 for r in reports if r["num_sources"] > 1) == 0
        assert len({e["event_id"] for e in events}) == len(events)
        # each report names the event it belongs to, and every event is some reports' group
        ids = {e["event_id"] for e in events}
        assert {r["event_group"] for r in reports} == ids
        assert any(r["event_group"] != r["event_id"] for r in reports)


# -- stress set: copies of the seeds, in any order ----------------------------------------

_SENT = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")


def _variants(seed: dict, rng: random.Random) -> dict[str, str]:
    text = seed["text"]
    paras = [p for p in text.split("\n\n") if p.strip()]
    sents = [s for p in paras for s in _SENT.split(p)]
    keep = [s for i, s in enumerate(sents) if i == 0 or rng.random() > 0.2]
    return {
        "shuffled": "\n\n".join(paras[:1] + rng.sample(paras[1:], len(paras) - 1)) if len(paras) > 2
        else " ".join(sents[:1] + rng.sample(sents[1:], len(sents) - 1)),
        "truncated": " ".join(text.split(" ")[: int(len(text.split(" ")) * 0.6)]),
        "reboilered": "Home | World | Asia\n\nBy Staff Writer\n\n" + text
                      + "\n\nShare this article\n\nRelated Posts\n\nCopyright 2024 Daily Wire Service",
        "deleted": " ".join(keep),
    }


def _stress_docs() -> list[RawDoc]:
    rng = random.Random(11)
    docs = []
    for seed in SEEDS:
        sid = seed["id"][:3]
        docs.append(RawDoc(text=seed["text"], path=f"orig-{sid}", url=seed.get("url"),
                           title=seed.get("title"), published=seed.get("published")))
        for kind, text in _variants(seed, rng).items():
            docs.append(RawDoc(text=text, path=f"{kind}-{sid}", source=f"mirror-{kind}.example",
                               published=seed.get("published")))
    return docs


def _ingest(tmp_path, name, docs):
    store = Store(tmp_path / f"{name}.duckdb")
    ingest(store, docs, load_kb(), Settings(batch_docs=4))
    rows = store.query("SELECT path, story_id, copy_of FROM documents")
    ids = {r["path"]: r for r in store.query("SELECT path, doc_id FROM documents")}
    store.close()
    return rows, ids


@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stress")
    docs = _stress_docs()
    backwards = list(reversed(docs))
    shuffled = docs[:]
    random.Random(2).shuffle(shuffled)
    return [_ingest(tmp, name, order) for name, order in
            (("forward", docs), ("backward", backwards), ("shuffled", shuffled))]


def _groups(rows) -> set[frozenset[str]]:
    by_story: dict[str, set[str]] = {}
    for r in rows:
        by_story.setdefault(r["story_id"], set()).add(r["path"])
    return {frozenset(g) for g in by_story.values()}


def test_stress_copies_are_all_found(stress):
    # Each seed and its four altered copies: one of them (the earliest stored) is the
    # original of all the others, whichever order they came in.
    for rows, ids in stress:
        path_of = {v["doc_id"]: p for p, v in ids.items()}
        for seed in SEEDS:
            family = {r["path"]: r for r in rows if r["path"].endswith("-" + seed["id"][:3])}
            assert len(family) == 5
            roots = [p for p, r in family.items() if r["copy_of"] is None]
            assert len(roots) == 1, f"{seed['id'][:3]}: not all copies found: {roots}"
            assert all(path_of[r["copy_of"]] == roots[0] for r in family.values() if r["copy_of"])


def test_stress_stories_are_the_seed_stories_in_any_order(stress):
    expected = {
        frozenset(p for p in (r["path"] for r in stress[0][0]) if p.endswith(tuple(f"-{s}" for s in group)))
        for group in (("000", "001", "003"), ("002",), ("004",))
    }
    for rows, _ in stress:
        assert _groups(rows) == expected


def test_deleting_a_document_regroups_its_story(tmp_path):
    seeds = [RawDoc(text=s["text"], path=s["id"][:3], url=s.get("url"), title=s.get("title"),
                    published=s.get("published")) for s in SEEDS]
    store = Store(tmp_path / "d.duckdb")
    ingest(store, seeds, load_kb(), Settings(batch_docs=5))
    ids = {r["path"]: r["doc_id"] for r in store.query("SELECT path, doc_id FROM documents")}
    StoryTracker(store).remove(ids["001"])
    store.delete_document(ids["001"])
    sid = {r["path"]: r["story_id"] for r in store.query("SELECT path, story_id FROM documents")}
    assert "001" not in sid
    # 000 and 003 still report the same visit (shared people and a shared Zhao event)
    assert store.count("stories") == len(set(sid.values()))
    assert all(s is not None for s in sid.values())
    store.close()


def test_incremental_merging_equals_merging_each_story_whole(tmp_path):
    # Documents arrive a few at a time, so stories grow by re-merging only the reports the
    # new documents can affect; the result must be what merging each story whole gives.
    from dyadscope.pipeline import _report

    docs = _stress_docs()
    random.Random(4).shuffle(docs)
    store = Store(tmp_path / "inc.duckdb")
    ingest(store, docs, load_kb(), Settings(batch_docs=3))
    stored = {r["event_id"]: r for r in store.query(
        "SELECT event_id, event_group, story_id, CAST(date AS VARCHAR) AS date, date_precision, date_method "
        "FROM events")}
    tracker = StoryTracker(store)
    tracker._load()
    checked = 0
    for root in {tracker.index.find(d) for d in tracker.index.docs}:
        members = tracker.index.members(root)
        rows = store.story_reports([f.doc_id for f in members])
        whole = merge_events([_report(r) for r in rows], stories.anchor_date(members))
        sid = stories.story_id(members)
        for event_id, a in whole.items():
            got = stored[event_id]
            assert (got["event_group"], got["date"], got["date_precision"], got["date_method"], got["story_id"]) \
                == (a.group, a.date, a.precision, a.method, sid)
            checked += 1
    assert checked == len(stored)
    for s in store.stories():  # each story's figures come from its events
        n = store.query("SELECT count(*) AS n FROM events WHERE story_id = ? AND event_group = event_id",
                        [s["story_id"]])[0]["n"]
        assert s["num_events"] == n
    store.close()
