"""End to end on the bundled seed articles (src/dyadscope/data/examples/seeds.jsonl):
ingest through the CLI, then check the events the articles plainly report."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import EXAMPLE_JSONL
from dyadscope.cli import main
from dyadscope.store import Store


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("seeds") / "seeds.duckdb")
    got = CliRunner().invoke(main, ["ingest", str(EXAMPLE_JSONL), "--db", db, "-q"])
    assert got.exit_code == 0, got.output
    store = Store(db, read_only=True)
    try:
        # every coded report: these tests check the coder, sentence by sentence
        # (events merged across reports are tested in test_stories.py)
        return [_Ev(e) for e in store.events(reports=True)]
    finally:
        close = getattr(store, "close", None)
        if close:
            close()


class _Ref:
    def __init__(self, d: dict) -> None:
        self.text = d.get("text")
        self.country = d.get("country")
        self.actor_id = d.get("actor_id")
        self.sector = d.get("sector")


class _Ev:
    """Attribute access over a stored event row."""

    def __init__(self, d: dict) -> None:
        self.source = _Ref(d["source"])
        self.target = _Ref(d["target"]) if d.get("target") else None
        self.cameo = d["cameo"] or ""
        self.plover = d.get("plover")
        self.date = d.get("date") or ""
        self.background = bool(d.get("background"))
        self.sentence = d.get("sentence") or ""


def _id(ref):
    return (ref.actor_id or "").lower() if ref is not None else ""


def _find(events, src, tgt=None, *, plover=None, code=None, either=False):
    out = []
    for e in events:
        s, t = _id(e.source), _id(e.target) if e.target is not None else ""
        pair = (src in s and (tgt is None or tgt in t)) or (
            either and tgt is not None and tgt in s and src in t)
        if pair and (plover is None or e.plover == plover) and (
                code is None or e.cameo.startswith(code)):
            out.append(e)
    return out


def test_kim_and_zhao_consult_on_the_13th(events):
    got = _find(events, "kim_jong", "zhao_leji", plover="CONSULT", either=True)
    assert any(e.date == "2024-04-13" for e in got)


def test_zhao_meets_choe_on_the_11th(events):
    choe = _find(events, "zhao_leji", "choe_ryong", plover="CONSULT", either=True)
    assert any(e.date == "2024-04-11" for e in choe)


# Missed by session 17's model (CONSULT 0.61 under its threshold 0.65); coded again since
# session 18's retrain (threshold about 0.52 for a type a candidate proposed). docs/ACCURACY.md.
def test_zhao_arrives_in_north_korea_on_the_11th(events):
    arrive = [e for e in _find(events, "zhao_leji", plover="CONSULT")
              if e.target is not None and e.target.country == "PRK" and not e.target.actor_id]
    assert any(e.date == "2024-04-11" for e in arrive)


def test_xi_and_kim_meet_on_september_4(events):
    got = _find(events, "xi_jinping", "kim_jong", plover="CONSULT", either=True)
    assert any(e.date == "2025-09-04" for e in got)


def test_the_praise_of_ambassador_li_is_north_korean_support_dated_december_2021(events):
    got = [e for e in events if e.plover == "SUPPORT" and e.cameo.startswith("051")
           and "li_jinjun" in _id(e.target) and e.source.country == "PRK"]
    assert got and all(e.date.startswith("2021-12") for e in got)
    assert not _find(events, "kim_jong", "li_jinjun", code="04", either=True)  # praise, not a meeting


# Missed by the models of sessions 21-22 (the praise coded only in the sentence where Choe
# Ryong Hae conveys Kim's remarks, with Choe as its source); found again by session 23's
# retrain, which codes Kim's own sentence.
def test_kim_praises_ambassador_li(events):
    got = _find(events, "kim_jong", "li_jinjun", plover="SUPPORT", code="051")
    assert got and all(e.date.startswith("2021-12") for e in got)
    assert not _find(events, "kim_jong", "li_jinjun", code="04", either=True)


def test_treaty_of_1961_is_background_between_china_and_north_korea(events):
    got = [e for e in events if e.cameo == "057"
           and {e.source.country, e.target.country if e.target else None} == {"CHN", "PRK"}]
    assert got and all(e.date.startswith("1961") and e.background for e in got)


def test_the_2019_visit_is_history_dated_in_june_2019(events):
    # the criterion: the 2019 visit is never current news. It is told in two
    # sentences, the visit's own ("returned the favor") and "since Xi's trip in June 2019";
    # it is coded in at least one of them (which one moves between retrains of the model),
    # and everything coded in either is dated June 2019, background, and no assault
    told = [e for e in events if "returned the favor" in e.sentence
            or "since Xi's trip in June 2019" in e.sentence]
    assert told and all(e.date.startswith("2019-06") and e.background for e in told)
    assert not any(e.plover == "ASSAULT" for e in told)


# Missed by session 17's model (CONSULT 0.59 under its threshold 0.65); coded again since
# session 18's retrain.
def test_xi_visit_of_2019_is_background(events):
    got = [e for e in _find(events, "xi_jinping", code="042")
           if e.target is not None and e.target.country == "PRK"
           and "returned the favor" in e.sentence]
    assert got and all(e.date.startswith("2019-06") and e.background for e in got)


def test_every_source_is_an_actor(events):
    # Sources are actors: a person, a country, or a role word with its sector (the
    # articles' "each leaders" is GOV without a country until the resolver reads "each"
    # as "both"). Never an event or abstract noun with a country word inside it.
    assert events
    assert all(e.source.country or e.source.actor_id or e.source.sector for e in events)
    heads = {"pursuit", "willingness", "commitment", "ceremony", "assembly", "delegation led",
             "embassies", "sending", "battle", "ammunition", "position", "victory"}
    for e in events:
        for ref in (e.source, e.target):
            text = (ref.text or "").lower() if ref is not None else ""
            assert not any(h in text for h in heads), (e.cameo, text, e.sentence)
