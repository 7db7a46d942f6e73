"""coder.train: the choices the training makes (the training itself runs in make train)."""

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

    from dyadscope.coder.train import MODALITIES, _fit_modality

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
