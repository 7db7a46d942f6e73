"""The learned coder end to end, on sentences written for these tests (never gold text)."""

import json

import pytest

from dyadscope import cameo
from dyadscope.api import code_text
from dyadscope.coder import assemble
from dyadscope.coder.model import CoderModel, ModelMissing, default_model
from dyadscope.evaluate.voa import PLOVER_TYPES
from dyadscope.models import ActorRef


def test_shipped_model_loads_with_every_plover_type_and_a_threshold():
    model = default_model()
    assert model.types == list(PLOVER_TYPES)
    assert 0.0 < model.threshold < 1.0
    assert model.typer_w.shape == (len(model.vocab) + model.embedding_dim, len(PLOVER_TYPES))
    assert set(model.role_names) == {"source", "target"}
    assert model.modalities[0] == "asserted"


def test_shipped_model_records_how_it_was_trained_and_measured():
    meta = default_model().meta
    assert len(meta["stories"]) >= 50  # the VOA development stories, by id only
    cv = meta["cross_validation"]
    assert set(cv["folds"]) == set(meta["stories"])
    assert 0.0 < cv["f1"] < 1.0 and cv["interval"]["f1"][0] <= cv["f1"] <= cv["interval"]["f1"][1]


def test_a_missing_model_says_how_to_train_one(tmp_path):
    with pytest.raises(ModelMissing, match="dyadscope train"):
        CoderModel.load(tmp_path)


@pytest.mark.parametrize("ptype", PLOVER_TYPES)
def test_events_typed_without_a_candidate_get_a_general_cameo_code_of_their_type(ptype):
    code, _mode = assemble.default_code(ptype)
    assert cameo.to_plover(code)[0] == ptype
    assert cameo.quad_class(code) in (1, 2, 3, 4)


def test_political_actors_are_countries_igos_or_political_sectors():
    assert assemble.political(ActorRef("Ruritania", country="RUR"))
    assert assemble.political(ActorRef("rebels", sector="REB"))
    assert not assemble.political(ActorRef("customers", sector="BUS"))
    assert not assemble.political(ActorRef("residents"))
    assert not assemble.political(None)


def test_text_that_is_not_about_politics_gives_no_event():
    text = ("Check the batteries in your smoke alarm every month. Keep matches away from children "
            "and never leave candles burning in an empty room. The bakery on Main Street opens at "
            "seven and sells bread until noon.")
    assert code_text(text, date="2024-05-02") == []


def test_an_attack_between_states_is_coded_with_both_countries():
    text = ("Russian forces launched a missile strike on the Ukrainian city of Kharkiv on Monday, "
            "killing four civilians, Ukrainian officials said.")
    events = code_text(text, date="2024-05-07")
    assault = [e for e in events if e["plover"] == "ASSAULT"]
    assert assault, events
    e = assault[0]
    assert e["source"]["country"] == "RUS" and e["target"]["country"] == "UKR"
    assert e["quad_class"] == 4 and e["goldstein"] < 0
    assert e["coder_version"] == assemble.CODER_VERSION and 0 < e["confidence"] <= 1


def test_a_side_that_is_a_country_itself_carries_the_countrys_name():
    # "Russia" names no actor of the base and no sector: the country is the actor, named as
    # a person's side is named by its own (source_name in every export)
    events = code_text("Russia attacked Ukraine with drones and missiles on Tuesday.", date="2024-05-07")
    e = next(e for e in events if e["plover"] == "ASSAULT")
    assert (e["source"]["text"], e["source"]["name"], e["source"]["country"]) == ("Russia", "Russia", "RUS")
    assert e["target"]["name"] == "Ukraine"
    # a sector of a country is not the country itself: no name is made up for it
    e = next(e for e in code_text("Russian forces shelled Kharkiv on Monday, killing four civilians.",
                                  date="2024-05-07") if e["plover"] == "ASSAULT")
    assert e["source"]["sector"] and e["source"]["name"] is None


def test_every_stored_event_has_a_political_side_and_a_plover_type():
    text = ("The foreign ministers of India and Pakistan met in Islamabad on Tuesday and agreed to "
            "resume trade talks. Protesters in Lahore burned tyres. A local bakery raised prices.")
    for e in code_text(text, date="2024-05-08"):
        assert e["plover"], e
        sides = [e["source"], e["target"] or {}]
        assert any(s.get("country") or s.get("sector") in assemble.POLITICAL_SECTORS for s in sides)


def test_all_events_adds_the_unconfirmed_candidates():
    text = ("The foreign ministers of India and Pakistan met in Islamabad on Tuesday. The minister "
            "said the talks were useful and praised the hosts.")
    default = code_text(text, date="2024-05-08")
    everything = code_text(text, date="2024-05-08", all_events=True)
    ids = {e["event_id"] for e in everything}
    assert {e["event_id"] for e in default} <= ids
    assert len(everything) >= len(default)
    extra = [e for e in everything if e["event_id"] not in {d["event_id"] for d in default}]
    assert all(e["confidence"] <= 0.1 for e in extra)


def test_training_on_a_small_annotated_folder_gives_a_model_that_codes(tmp_path):
    """`dyadscope train` on a folder in the gold/voa layout, written here."""
    from dyadscope.coder import train

    stories, gold = [], []
    acts = [("Russian troops shelled villages in Ukraine on Monday.", "ASSAULT", "RUS", "UKR"),
            ("Ukraine accused Russia of war crimes.", "ACCUSE", "UKR", "RUS"),
            ("The French president met the German chancellor in Vienna.", "CONSULT", "FRA", "DEU")]
    filler = "The French economy grew by two percent, and Russian markets were quiet."
    for k in range(6):
        sents = [acts[k % 3][0], filler, acts[(k + 1) % 3][0]]
        text = " ".join(sents)
        stories.append({"id": f"s{k}", "text": text, "published": "2024-05-0%dT10:00:00Z" % (k + 1)})
        pos = 0
        for i, sent in enumerate(sents):
            start = text.index(sent, pos)
            act = next((a for a in acts if a[0] == sent), None)
            events = [{"type": act[1], "mode": None, "source": [{"text": "x", "country": act[2]}],
                       "target": [{"text": "y", "country": act[3]}], "modality": "asserted",
                       "background": False, "trigger": sent.split()[2]}] if act else []
            gold.append({"story": f"s{k}", "i": i, "start": start, "end": start + len(sent),
                         "text": sent, "events": events})
            pos = start + len(sent)
    folder = tmp_path / "gold"
    folder.mkdir()
    (folder / "stories_dev.jsonl").write_text("\n".join(json.dumps(s) for s in stories) + "\n")
    (folder / "gold_dev.jsonl").write_text("\n".join(json.dumps(g) for g in gold) + "\n")
    lines = []
    model = train.train(folder, tmp_path / "model", folds=2, log=lines.append)
    assert any("cross-validated" in line for line in lines)
    again = CoderModel.load(tmp_path / "model")
    assert again.meta["stories"] == sorted(f"s{k}" for k in range(6))
    assert again.threshold == model.threshold
    assert set(again.meta["cross_validation"]["folds"].values()) == {0, 1}


def test_the_gate_ranks_an_attack_above_everyday_text_and_lets_it_through():
    # the gate is permissive by design (it keeps 95% of gold events); the typer and the
    # political-actor rule do the rest, so only the ranking and the attack are asserted
    from dyadscope.actors import load_kb

    model = default_model()
    assert model.gate_vocab is not None and 0.0 < model.gate_threshold < 1.0
    res = load_kb().document("2024-05-07")
    attack = "Russian forces shelled the Ukrainian city of Kharkiv, killing four civilians."
    chores = "Residents should test smoke alarms monthly and replace the batteries once a year."

    def mentions(text):
        return [(m.start, m.end, text[m.start:m.end], m.ref) for m in res.find(text)]

    assert assemble.worth_parsing(attack, list(res.find(attack)), model)
    assert model.gate_probability(attack, mentions(attack)) > model.gate_probability(chores, mentions(chores))


def test_a_model_without_a_gate_lets_every_sentence_through():
    model = default_model()
    ungated = CoderModel(**{**model.__dict__, "gate_vocab": None})
    assert ungated.passes_gate("Residents should test smoke alarms monthly.", [])


def test_the_shipped_model_reads_static_vectors_for_every_sentence():
    import numpy as np

    from dyadscope import embed

    model = default_model()
    assert model.vectors == "static" and isinstance(model.embedder(), embed.StaticEmbedder)
    assert model.embedding_dim == model.embedder().dim
    assert model.worth_embedding(np.zeros((2, len(model.vocab)), dtype=np.float32)).all()  # no pre-filter


def test_a_minilm_model_embeds_only_what_its_sparse_typer_gives_a_chance():
    import numpy as np

    from dyadscope import embed

    base = default_model()
    w = np.zeros((len(base.vocab), len(PLOVER_TYPES)), dtype=np.float32)
    w[base.vocab.index["w:killed"], 0] = 10.0
    model = CoderModel(**{**base.__dict__, "vectors": "minilm", "sparse_w": w,
                          "sparse_b": np.full(len(PLOVER_TYPES), -5.0, dtype=np.float32), "sparse_threshold": 0.5})
    rows = np.zeros((2, len(model.vocab)), dtype=np.float32)
    rows[1, model.vocab.index["w:killed"]] = 1.0
    assert model.worth_embedding(rows).tolist() == [False, True]
    assert isinstance(model.embedder(), embed.Embedder)


def test_dyadscope_model_points_the_coder_at_a_retrained_model(tmp_path, monkeypatch):
    from dyadscope.coder import model as model_mod

    assert model_mod.model_dir() == model_mod.MODEL_DIR
    default_model().save(tmp_path)
    monkeypatch.setenv("DYADSCOPE_MODEL", str(tmp_path))
    assert model_mod.model_dir() == tmp_path
    again = CoderModel.load(model_mod.model_dir())
    assert again.vectors == default_model().vectors and again.threshold == default_model().threshold


def test_typing_in_chunks_gives_the_same_events(monkeypatch):
    # long documents are typed CHUNK sentences at a time to bound memory; each sentence
    # carries its own document context, so the chunk size must not change the output
    from conftest import EXAMPLE_JSONL

    text = "\n\n".join(json.loads(line)["text"] for line in EXAMPLE_JSONL.read_text(encoding="utf-8").splitlines()[:3])
    whole = code_text(text, date="2025-09-05")
    monkeypatch.setattr(assemble, "CHUNK", 3)
    assert whole and code_text(text, date="2025-09-05") == whole


def test_the_gate_scores_a_batch_as_it_scores_each_sentence():
    # the pipeline and prepare score a document's sentences in one batch (and prepare hands
    # the gate's vectors on to the typer); the decision must not depend on the batching
    model = default_model()
    texts = ["Russian forces shelled the city of Kharkiv on Monday.",
             "Keep matches away from children.",
             "The two leaders signed a trade agreement in Beijing."]
    batch = model.gate_probabilities(texts, [[], [], []])
    assert [round(p, 6) for p in batch] == [round(model.gate_probability(t, []), 6) for t in texts]
    assert batch[0] > batch[1]


def test_the_blended_typer_is_one_linear_model_with_the_blended_logit():
    import numpy as np

    from dyadscope.coder import train

    rng = np.random.default_rng(0)
    xs, xd = rng.normal(size=(5, 7)), rng.normal(size=(5, 3))
    ws, bs = rng.normal(size=(7, 2)), rng.normal(size=2)
    wd, bd = rng.normal(size=(3, 2)), rng.normal(size=2)
    w, b = train._blend(ws, bs, wd, bd, 0.3)
    assert w.shape == (10, 2)
    want = 0.7 * (xs @ ws + bs) + 0.3 * (xd @ wd + bd)
    assert np.allclose(np.hstack([xs, xd]) @ w + b, want, atol=1e-4)
    # the shipped model records the blend each inner split chose
    splits = default_model().meta["inner_splits"]
    assert len(splits) == train.INNER_SPLITS
    assert all(m["vector_weight"] in train.BLEND_GRID and m["vector_C"] in train.DENSE_C_GRID for m in splits)


def test_models_of_several_inner_splits_average_their_weights_and_their_thresholds_as_log_odds():
    import copy

    import numpy as np

    from dyadscope.coder import train

    base = default_model()
    one, two = copy.deepcopy(base), copy.deepcopy(base)
    one.threshold, two.threshold = 0.6, 0.8
    one.meta, two.meta = {"inner_precision": 0.6, "inner_f1": 0.4}, {"inner_precision": 0.7, "inner_f1": 0.5}
    two.typer_w = 3 * one.typer_w
    got = train._averaged([one, two], log=lambda *a: None)
    assert np.allclose(got.typer_w, 2 * base.typer_w, atol=1e-3)
    want = 1 / (1 + np.exp(-(np.log(0.6 / 0.4) + np.log(0.8 / 0.2)) / 2))
    assert abs(got.threshold - want) < 1e-4 and abs(got.threshold - 0.70) > 0.005  # not the plain mean
    assert got.meta["inner_splits"][1]["inner_f1"] == 0.5 and got.meta["inner_f1"] == 0.45


@pytest.mark.parametrize("text", [
    "The United States did not condemn Israel's strike on Iran, officials said on Monday.",
    "China never accused Japan of violating the agreement, the ministry said on Friday.",
])
def test_an_act_the_sentence_negates_is_stored_as_negated(text):
    events = code_text(text, date="2024-05-01")
    assert events, "the sentence names two states and an act between them"
    assert all(e["modality"] == "negated" for e in events), events


def test_the_same_act_without_negation_is_asserted():
    events = code_text("The United States condemned Israel's strike on Iran, officials said on Monday.",
                       date="2024-05-01")
    assert events and all(e["modality"] == "asserted" for e in events), events


@pytest.mark.parametrize("text, country", [
    ("Three Ukrainian soldiers were killed in Donetsk on Sunday.", "UKR"),
    # session 21's retrain ranked the place "in Lagos" above the patient and made it the arrester;
    # a place named as where it happened is no side's words (roles.where_it_happened)
    ("Two Nigerian journalists were arrested in Lagos on Tuesday.", "NGA"),
])
def test_an_agentless_passive_names_who_it_was_done_to_and_no_doer(text, country):
    events = code_text(text, date="2024-05-01")
    assert events, "the sentence reports an act against a country's people"
    for e in events:
        assert e["target"]["country"] == country, e  # the passive's subject: done to, not doing
        assert (e["source"]["text"], e["source"]["country"]) == ("", None), e


def test_the_object_of_the_act_is_never_its_source():
    # "He" is the accuser; the militants (a sector, no country) must not stand for him
    events = code_text("Kenyan President William Ruto spoke in Nairobi on Monday. "
                       "He accused the militants of killing civilians.", date="2024-05-01")
    accuse = [e for e in events if e["plover"] == "ACCUSE"]
    assert accuse, events
    assert all(e["source"]["text"] != "militants" for e in accuse), accuse
    assert accuse[0]["target"]["text"] == "militants"


def test_a_passive_with_its_agent_keeps_the_agent_as_source():
    events = code_text("Three Ukrainian soldiers were killed by Russian forces in Donetsk on Sunday.",
                       date="2024-05-01")
    assault = [e for e in events if e["plover"] == "ASSAULT"]
    assert assault and assault[0]["source"]["country"] == "RUS" and assault[0]["target"]["country"] == "UKR"


def test_the_gate_on_a_batch_agrees_with_the_gate_on_each_sentence():
    # the gate's vector part is one matrix product for a batch: the same verdicts, and
    # probabilities within float32 rounding of one sentence at a time
    import numpy as np

    from dyadscope.actors import load_kb
    from dyadscope.coder.model import default_model

    model = default_model()
    doc = load_kb().document("2024-05-01")
    texts = ["China and North Korea held talks in Beijing on Monday.",
             "The weather was mild and the market was busy.",
             "Russian forces shelled the city of Kharkiv overnight, Ukraine said."]
    ments = [[(m.start, m.end, t[m.start:m.end], m.ref) for m in doc.find(t)] for t in texts]
    batch = model.gate_probabilities(texts, ments)
    one = np.array([model.gate_probabilities([t], [m])[0] for t, m in zip(texts, ments)])
    assert batch.dtype == np.float64
    assert np.allclose(batch, one, rtol=0, atol=1e-6)
    assert list(batch >= model.gate_threshold) == list(one >= model.gate_threshold)


def test_a_gate_threshold_of_zero_in_one_split_stays_zero_when_averaged():
    import copy

    from dyadscope.coder import train

    models = [copy.deepcopy(default_model()) for _ in range(3)]
    for m, g in zip(models, (0.0, 0.3, 0.3)):
        m.gate_threshold = g  # 0: that split's gate lets every sentence through
        m.meta = {"inner_precision": 0.7, "inner_f1": 0.4}
    assert train._averaged(models, log=lambda *a: None).gate_threshold == 0.0


def test_the_calibration_sets_the_confidence_but_not_which_events_are_kept(monkeypatch):
    """The thresholds read the typer's own probability; the map only rewrites the confidence
    an event carries (coder/calibration.py)."""
    text = ("Russian forces launched a missile strike on the Ukrainian city of Kharkiv on Monday, "
            "killing four civilians, Ukrainian officials said. The foreign ministers of India and "
            "Pakistan met in Islamabad on Tuesday.")
    model = default_model()
    monkeypatch.setattr(model, "calibration", None)
    raw = code_text(text, date="2024-05-07")
    monkeypatch.setattr(model, "calibration", {"kind": "platt", "a": -5.0, "b": 0.0})  # 1 / (1 + e^5)
    low = code_text(text, date="2024-05-07")
    assert raw and [(e["event_id"], e["plover"]) for e in low] == [(e["event_id"], e["plover"]) for e in raw]
    assert all(e["confidence"] == 0.007 for e in low) and all(e["confidence"] >= 0.4 for e in raw)
