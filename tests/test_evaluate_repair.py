"""The planted-text evaluation (evaluate/repair.py): planting and spinning are seeded,
follow their stated rules, and the scorer counts right and wrong repairs."""

from __future__ import annotations

import json
import random

import pytest

from dyadscope.clean import is_word
from dyadscope.evaluate import repair
from dyadscope.ngrams import ngrams

from conftest import EXAMPLE_JSONL

SEEDS = [json.loads(line) for line in EXAMPLE_JSONL.read_text(encoding="utf-8").splitlines() if line.strip()]
TEXT = " ".join(s["text"] for s in SEEDS if not s["id"].startswith("002"))


def test_planting_is_reproducible_and_depends_on_the_seed():
    a = repair.plant_glues(TEXT, random.Random(1))
    assert a == repair.plant_glues(TEXT, random.Random(1))
    assert a != repair.plant_glues(TEXT, random.Random(2))


def test_planted_glues_follow_the_rules():
    glued, planted = repair.plant_glues(TEXT, random.Random(3))
    assert planted
    ng = ngrams()
    eligible = sum(1 for _ in _eligible(TEXT))
    assert len(planted) == round(repair.GLUE_RATE * eligible)
    for g, expected, shape in planted:
        assert g in glued and expected in TEXT
        assert g == expected.replace(" ", "")
        assert not is_word(g) and ng.count(g.lower()) < ng.total / 1e6  # never itself a word
        left, right = expected.split(" ")
        assert {"word+word": left.islower() and right.islower(),
                "word+Capitalised": left.islower() and right.istitle(),
                "name+short word": left.istitle() and right.islower() and len(right) <= 4}[shape]
    assert len(glued) == len(TEXT) - len(planted)


def _eligible(text):
    pos = 0
    while (m := repair._PAIR.search(text, pos)) is not None:
        pos = m.start(2)
        if repair._shape(text, m) and not repair._is_wordlike(m.group(1) + m.group(2).split("-")[0]):
            yield m


def test_spinner_swaps_words_for_wordnet_synonyms_keeping_case():
    text = "The President said the agency would meet on Monday."
    spun, n = repair.spin_text(text, random.Random(0), rate=1.0)
    assert n >= 3 and spun != text
    assert spun.startswith("The ")  # function words stay
    assert repair.spin_text(text, random.Random(0), rate=1.0) == (spun, n)
    assert repair.spin_text(text, random.Random(0), rate=0.0) == (text, 0)


def test_auc_counts_ties_as_half():
    assert repair.auc([1.0, 2.0], [0.0]) == 1.0
    assert repair.auc([0.5], [0.5]) == 0.5
    assert repair.auc([0.0], [1.0]) == 0.0


@pytest.mark.parametrize("seed", [13, 5])
def test_scorer_on_the_bundled_seeds(seed):
    stories = [{"id": s["id"], "text": s["text"]} for s in SEEDS if not s["id"].startswith("002")]
    r = repair.score_half("seeds", stories, seed)
    assert r.planted > 0
    assert r.correct + len(r.missed) == r.planted
    assert r.correct + len(r.wrong) == r.repairs
    assert r.copies_found == len(stories) and r.copies_false == 0
    report = repair.format_report((r,))
    assert "glue   precision" in report and "spin   AUC" in report
