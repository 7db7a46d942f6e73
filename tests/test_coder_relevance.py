"""The document-level check: is a document about politics at all? (coder/relevance.py)"""

from types import SimpleNamespace

import numpy as np
import pytest

from click.testing import CliRunner

from dyadscope.api import code_many
from dyadscope.cli import main
from dyadscope.store import Store
from dyadscope.coder import relevance
from dyadscope.models import ActorRef, RawDoc
from dyadscope.pipeline import IngestReport, process

# Written for these tests (not in tools/relevance/, so never trained on).
POLITICS = (
    "The foreign ministers of India and Pakistan met in Geneva on Monday for talks on the "
    "disputed border, a week after soldiers exchanged fire near the Line of Control. India "
    "accused Pakistan of sheltering militants, a charge Islamabad rejected. The United "
    "Nations urged both governments to keep the ceasefire."
)
SPORT = (
    "Argentina beat Brazil 2-1 in a friendly in Buenos Aires on Tuesday. The home side "
    "attacked from the first minute and scored twice before half-time. Brazil's coach praised "
    "his young defenders but warned that the team must finish its chances. The two sides meet "
    "again in March."
)


def test_mention_features_count_sentences_naming_a_country_or_a_political_sector():
    usa = SimpleNamespace(ref=ActorRef("Washington", country="USA"))  # as the gazetteer's matches
    army = SimpleNamespace(ref=ActorRef("the army", sector="MIL"))
    fans = SimpleNamespace(ref=ActorRef("fans", sector="CVL"))
    feats = relevance.mention_features([[usa, army], [fans], []])
    assert feats[0] == pytest.approx(1 / 3)  # one sentence of three names a country
    assert feats[1] == pytest.approx(1 / 3)  # one names a political sector (the army, not fans)
    assert feats[2] == pytest.approx(np.log1p(1))  # one distinct country


def test_a_model_survives_saving_and_loading(tmp_path):
    m = relevance.RelevanceModel(np.arange(131, dtype=np.float32) / 100, -0.5, 0.3, {"C": 1.0})
    m.save(tmp_path / "r.json")
    back = relevance.RelevanceModel.load(tmp_path / "r.json")
    x = np.ones(131, dtype=np.float32)
    assert back.probability(x) == pytest.approx(m.probability(x), abs=1e-5)
    assert back.threshold == 0.3 and back.meta == {"C": 1.0}


def test_the_shipped_model_keeps_diplomacy_and_drops_a_match_between_national_teams(kb):
    pol, sport = code_many([("pol", POLITICS, "2025-03-03"), ("sport", SPORT, "2025-03-03")], kb=kb)
    threshold = relevance.default_model().threshold
    assert pol["about_politics"] >= threshold and pol["events"]
    assert sport["about_politics"] < threshold and sport["events"] == []


def test_a_document_not_about_politics_is_not_parsed_and_gives_no_events(kb):
    [rec], _ = process([RawDoc(text=SPORT, path="sport.txt", published="2025-03-03")], kb, False)
    assert rec.off_topic and rec.events == []
    assert not any(s.parsed for s in rec.sentences)
    # --all-events (research) skips the check: the candidates come back
    [rec], _ = process([RawDoc(text=SPORT, path="sport.txt", published="2025-03-03")], kb, False, all_events=True)
    assert rec.politics is None and not rec.off_topic
    assert any(s.parsed for s in rec.sentences)


def test_dyadscope_relevance_off_switches_the_check_off(monkeypatch):
    monkeypatch.setenv("DYADSCOPE_RELEVANCE", "off")
    relevance.default_model.cache_clear()
    try:
        assert relevance.default_model() is None
        three = ["Argentina beat Brazil.", "The coach praised his team.", "They meet again in March."]
        assert relevance.check(three, [[], [], []]) is None
    finally:
        monkeypatch.delenv("DYADSCOPE_RELEVANCE")
        relevance.default_model.cache_clear()
    assert relevance.default_model() is not None


def test_without_a_model_every_document_is_kept(kb, monkeypatch):
    three = ["Argentina beat Brazil.", "The coach praised his team.", "They meet again in March."]
    assert relevance.check(three, [[], [], []]) is not None  # with the shipped model: checked
    monkeypatch.setattr(relevance, "default_model", lambda: None)
    assert relevance.check(three, [[], [], []]) is None
    [rec], _ = process([RawDoc(text=SPORT, path="sport.txt", published="2025-03-03")], kb, False)
    assert rec.politics is None and not rec.off_topic


def test_the_ingest_summary_counts_documents_not_about_politics():
    report = IngestReport(new=3, off_topic=2, reports=4, seconds=1.0)
    assert "2 of 3 documents found not about politics: no events coded" in report.summary()


def test_ingest_stores_the_check_and_docs_show_says_why_a_document_has_no_events(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sport.txt").write_text(SPORT, encoding="utf-8")
    (folder / "talks.txt").write_text(POLITICS, encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(folder), "--db", db, "-q"])
    assert result.exit_code == 0, result.output
    assert "1 of 2 documents found not about politics" in result.output
    with Store(db, read_only=True) as store:
        rows = {r["path"].rsplit("/", 1)[-1]: r for r in store.query(
            "SELECT d.path, d.doc_id, d.about_politics, count(e.event_id) AS n FROM documents d "
            "LEFT JOIN events e USING (doc_id) GROUP BY ALL")}
    threshold = relevance.default_model().threshold
    assert rows["sport.txt"]["about_politics"] < threshold and rows["sport.txt"]["n"] == 0
    assert rows["talks.txt"]["about_politics"] >= threshold and rows["talks.txt"]["n"] > 0
    shown = runner.invoke(main, ["docs", "--db", db, "show", rows["sport.txt"]["doc_id"]])
    assert f"under the check's threshold {threshold:.3f}: the coder gives such a document no events" in shown.output
    # the web's document page says the same
    from fastapi.testclient import TestClient

    from dyadscope.web.app import create_app

    page = TestClient(create_app(db)).get(f"/document/{rows['sport.txt']['doc_id']}")
    assert page.status_code == 200 and f"under the check&#39;s threshold {threshold:.3f}" in page.text


def test_inputs_of_two_sentences_are_not_checked_three_are(kb):
    sentences = SPORT.split(". ")
    two, three = ". ".join(sentences[:2]) + ".", ". ".join(sentences[:3]) + "."
    got = code_many([("two", two, "2025-03-03"), ("three", three, "2025-03-03")], kb=kb)
    assert got[0]["about_politics"] is None
    assert got[1]["about_politics"] is not None and got[1]["about_politics"] < relevance.default_model().threshold


def test_a_long_document_coded_in_windows_is_checked_as_a_whole(kb, monkeypatch):
    import dyadscope.pipeline as pipeline

    monkeypatch.setattr(pipeline, "WINDOW_SENTENCES", 2)  # the window path, for a 4-sentence document
    [sport], _ = process([RawDoc(text=SPORT, path="sport.txt", published="2025-03-03")], kb, False)
    assert sport.off_topic and sport.events == [] and not any(s.parsed for s in sport.sentences)
    [talks], _ = process([RawDoc(text=POLITICS, path="talks.txt", published="2025-03-03")], kb, False)
    assert not talks.off_topic and talks.events


def test_ingest_embeds_each_sentence_once_for_the_check_the_gate_and_the_typer(kb, monkeypatch):
    """The check reads every sentence's static vector; the gate and the typer reuse them."""
    from dyadscope import embed

    static = embed.static_embedder()
    read, encode = [], static.encode
    monkeypatch.setattr(static, "encode", lambda texts, *a, **k: (read.extend(texts), encode(texts, *a, **k))[1])
    [rec], _ = process([RawDoc(text=POLITICS, path="talks.txt", published="2025-03-03")], kb, False)
    assert rec.politics is not None and rec.events
    assert sorted(read) == sorted(s.text for s in rec.sentences)  # each sentence once
