"""coder.train: the choices the training makes (the training itself runs in make train)."""

import numpy as np


def test_near_equal_settings_are_told_apart_by_precision():
    from dyadscope.coder.train import F1_TOLERANCE, _most_precise_of_the_best

    opts = [("a", 0.60, 0.450), ("b", 0.70, 0.450 - F1_TOLERANCE / 2), ("c", 0.90, 0.400)]
    assert _most_precise_of_the_best(opts, key_p=1, key_f1=2)[0] == "b"  # c's F1 is too far below
    assert _most_precise_of_the_best([], key_p=1, key_f1=2) is None


PLOVER_RECORDS = [
    {"id": "T-AGREE-1", "event": "AGREE", "text": "Portugal will support Turkey's bid to join the European Union.",
     "source": [{"actorText": "Portugal", "code": "PRT"}], "target": [{"actorText": "Turkey", "code": "TUR"}]},
    {"id": "T-FIGHT-1", "event": "FIGHT", "text": "Israeli troops clashed with Syrian forces near the border.",
     "source": [{"actorText": "Israeli troops", "code": "ISRMIL"}], "target": [{"code": "IGO"}]},
]


def test_plover_sentences_become_one_sentence_documents_without_a_modality(tmp_path):
    import json

    from dyadscope.coder.train import collect_plover

    path = tmp_path / "plover.json"
    path.write_text(json.dumps([{"event": "DOCUMENT", "id": "doc"}] + PLOVER_RECORDS))
    docs = {d.story: d for d in collect_plover(path)}
    assert set(docs) == {"T-AGREE-1", "T-FIGHT-1"}  # the DOCUMENT record is not a sentence
    agree = docs["T-AGREE-1"].gold[0][0]
    assert agree["type"] == "AGREE" and agree["modality"] is None
    assert agree["source"] == [{"country": "PRT"}] and agree["target"] == [{"country": "TUR"}]
    fight = docs["T-FIGHT-1"].gold[0][0]
    assert fight["type"] == "ASSAULT"  # the gold's old type names are read as today's
    assert fight["source"] == [{"country": "ISR"}] and fight["target"] == []  # IGO is no country


def test_events_without_a_coded_modality_are_left_out_of_the_modality_model():
    import numpy as np

    from dyadscope.coder.fitting import MODALITIES, _fit_modality

    x = np.eye(4, dtype=np.float32)
    labels = [[{"type": "ASSAULT", "modality": "asserted"}], [{"type": "ASSAULT", "modality": "negated"}],
              [{"type": "ASSAULT", "modality": None}], [{"type": "ASSAULT", "modality": None}]]
    w, b = _fit_modality(x, labels)
    # rows 2 and 3 taught nothing: their columns keep zero weight
    assert not w[2].any() and not w[3].any() and w[0].any()
    assert len(b) == len(MODALITIES)


def test_plover_folds_pool_to_the_whole_and_in_sample_is_said():
    from types import SimpleNamespace

    from dyadscope.evaluate import plover

    def code(text):
        ref = SimpleNamespace(country="PRT")
        return [SimpleNamespace(plover="AGREE", source=ref, target=ref)] if "Portugal" in text else []

    whole = plover.score_records(PLOVER_RECORDS, code)
    parts = plover.pool([plover.score_records([r], code) for r in PLOVER_RECORDS])
    for key in ("type_recall", "extra_rate", "source_country", "target_country"):
        assert parts[key] == whole[key]
    assert whole["type_recall"] == 0.5 and whole["source_country"] == 1.0 and whole["target_country"] == 0.0
    meta = {"extra": {"file": "plover_gsr_dev.json", "weight": 0.5},
            "plover_cross_validation": {"type_recall": 0.66, "extra_rate": 0.33, "source_country": 0.9,
                                        "target_country": 0.8}}
    assert "IN-SAMPLE" in plover.in_sample_note("../shared/gold/plover_gsr_dev.json", meta)
    assert "0.660" in plover.in_sample_note("x/plover_gsr_dev.json", meta)
    assert plover.in_sample_note("other.json", meta) is None
    assert plover.in_sample_note("plover_gsr_dev.json", {}) is None


def _doc(story, inputs, gold):
    from dyadscope.coder.train import Doc

    return Doc(story, inputs, [], [], None, gold)


def test_the_trigger_scorer_learns_only_from_sentences_whose_gold_names_the_trigger(monkeypatch):
    from dyadscope.coder import train

    seen = []

    def fake_fit(inputs, labels):
        seen.append(list(labels))
        return ["lem=x"], np.zeros((1, len(train.TYPES)), dtype=np.float32), np.zeros(len(train.TYPES), dtype=np.float32)

    monkeypatch.setattr(train, "_fit_triggers", fake_fit)
    monkeypatch.setattr(train, "_trigger_logits", lambda inputs, fitted: np.ones((len(inputs), len(train.TYPES))))
    named = [{"type": "ASSAULT", "trigger": "attacked"}]
    plover_row = [{"type": "ASSAULT", "modality": None}]  # the PLOVER file names no trigger words
    docs = [_doc(f"s{i}", [object()], [named if i % 2 else []]) for i in range(4)]
    extra = [_doc("p", [object()], [plover_row])]
    z, fitted = train._trigger_part(docs, extra, inner_folds=2, seed=1, log=lambda m: None)
    assert all(plover_row not in labels for labels in seen)  # never a training row
    assert len(seen) == 3 and len(seen[-1]) == 4  # two inner folds, then every named row
    assert z[:4].all() and not z[4].any()  # held-out logits for the stories; the extra row is never scored


def test_splits_that_blend_the_trigger_scorer_differently_average_to_its_mean_weight():
    from dyadscope.coder import train
    import copy

    from dyadscope.coder.model import default_model

    base = default_model()
    tw, tb = np.ones((2, len(base.types)), dtype=np.float32), np.full(len(base.types), -1.0, dtype=np.float32)
    models = []
    for k in (0.0, 0.3, 0.45):
        m = copy.copy(base)
        m.meta = {"inner_precision": 0.7, "inner_f1": 0.5, "trigger_weight": k}
        if k:
            m.trigger_names, m.trigger_w, m.trigger_b = ["a", "b"], k * tw, k * tb
        else:
            m.trigger_names = m.trigger_w = m.trigger_b = None
        models.append(m)
    got = train._averaged(models, log=lambda m: None)
    assert got.trigger_names == ["a", "b"]
    assert np.allclose(got.trigger_w, 0.25 * tw) and np.allclose(got.trigger_b, 0.25 * tb)


def test_model_format_is_written_and_older_models_still_load(tmp_path):
    """``save`` records the format; a model from before the field (format 1) still loads."""
    import json
    import shutil

    from dyadscope.coder.model import MODEL_DIR, MODEL_FORMAT, CoderModel

    model = CoderModel.load(MODEL_DIR)
    model.calibration = {"kind": "platt", "a": 0.1, "b": 0.9}
    model.save(tmp_path / "saved")
    assert json.loads((tmp_path / "saved" / "model.json").read_text())["format"] == MODEL_FORMAT
    again = CoderModel.load(tmp_path / "saved")
    assert "format" not in again.meta and "calibration" not in again.meta  # parts, not training metadata
    assert again.calibration == model.calibration
    # without a calibration, the oldest format that holds the rest: older code can still read it
    model.calibration = None
    model.save(tmp_path / "plain")
    assert json.loads((tmp_path / "plain" / "model.json").read_text())["format"] == 2 < MODEL_FORMAT
    old = tmp_path / "old"
    shutil.copytree(MODEL_DIR, old)
    meta = json.loads((old / "model.json").read_text())
    del meta["format"]
    (old / "model.json").write_text(json.dumps(meta))
    assert CoderModel.load(old).threshold == model.threshold


def test_calibration_is_fitted_on_held_out_events_and_scored_cross_fitted():
    """Each fold's events get the map fitted on the other folds' events (what --min-confidence
    keeps is measured on events no map saw); the shipped map is fitted on them all."""
    from types import SimpleNamespace

    import numpy as np

    import pytest
    pytest.importorskip("sklearn")
    from dyadscope.coder import calibration, train

    rng = np.random.default_rng(1)
    docs, outputs, gold, fold_of = [], {}, {}, []
    for k in range(40):
        text = f"Sentence number {k} says the army of one country attacked another."
        ok = bool(rng.uniform() < 0.6)
        p = round(float(rng.uniform(0.5, 1.0)), 3)
        docs.append(SimpleNamespace(story=f"s{k}", inputs=[SimpleNamespace(text=text, candidates=[])]))
        outputs[f"s{k}"] = [{"sentence": text, "plover": "ASSAULT", "confidence": p}]
        gold[f"s{k}"] = [{"text": text, "events": [{"type": "ASSAULT" if ok else "ACCUSE"}]}]
        fold_of.append(k % 2)
    cal, crossed, report = train.calibrate(docs, outputs, gold, fold_of, kind="platt")
    p = np.array([outputs[d.story][0]["confidence"] for d in docs])
    y = np.array([gold[d.story][0]["events"][0]["type"] == "ASSAULT" for d in docs], dtype=float)
    f = np.array(fold_of)
    zero = calibration.apply(calibration.fit(p[f == 1], np.zeros(20), y[f == 1], "platt"), p[f == 0])
    assert [crossed[d.story][0]["confidence"] for d, g in zip(docs, fold_of) if g == 0] == \
        [round(float(v), 3) for v in zero]
    assert cal == calibration.fit(p, np.zeros(40), y, "platt")
    assert report["events"] == 40 and report["right"] == int(y.sum())
    assert outputs["s0"][0]["confidence"] == p[0]  # the raw outputs are left as they were
