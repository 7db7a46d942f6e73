"""The trigger scorer: features of each content word, its training labels, sentence logits."""

from collections import Counter

import numpy as np
import pytest

from dyadscope.coder import triggers
from dyadscope.coder.features import SentenceInput
from dyadscope.coder.model import default_model
from dyadscope.models import ActorRef, Token

TEXT = "Borduria attacked Ruritania."


def _attack() -> SentenceInput:
    toks = [Token("Borduria", "Borduria", "PROPN", "NNP", "nsubj", 1, 0),
            Token("attacked", "attack", "VERB", "VBD", "ROOT", 1, 9),
            Token("Ruritania", "Ruritania", "PROPN", "NNP", "dobj", 1, 18),
            Token(".", ".", "PUNCT", ".", "punct", 1, 27)]
    mentions = [(0, 8, "Borduria", ActorRef("Borduria", country="BOR")),
                (18, 27, "Ruritania", ActorRef("Ruritania", country="RUR"))]
    return SentenceInput(idx=0, text=TEXT, tokens=toks, mentions=mentions, candidates=[],
                         story_countries=Counter({"BOR": 1, "RUR": 1}), start=0)


def test_only_content_words_are_scored_with_their_lexicon_types_and_actor_arguments():
    words = triggers.token_features(_attack())
    assert [i for i, _ in words] == [1]  # proper nouns and punctuation name no event
    feats = words[0][1]
    assert "lem=attack" in feats and "x=v|ASSAULT" in feats
    assert "kidA=nsubj|A" in feats and "kidA=dobj|A" in feats and "lem|kidA=attack|dobj|A" in feats
    # an unparsed sentence has no words to score
    assert triggers.token_features(SentenceInput(0, TEXT, [], [], [])) == []


def test_a_word_is_labelled_with_the_types_whose_trigger_names_it():
    s = _attack()
    assert triggers.token_labels(s, [{"type": "ASSAULT", "trigger": "Attacked"}]) == [{"ASSAULT"}]
    assert triggers.token_labels(s, [{"type": "ACCUSE", "trigger": "said"}]) == [set()]


def test_a_sentence_scores_each_type_by_its_best_word():
    s = _attack()
    index = {"lem=attack": 0, "x=v|ASSAULT": 1}
    w = np.array([[2.0, -1.0], [0.5, 0.0]])
    b = np.array([-1.0, -3.0])
    got = triggers.sentence_logits([s, SentenceInput(1, "Rain.", [], [], [])], index, w, b)
    assert np.allclose(got[0], [1.5, -4.0])  # attack: 2.0 + 0.5 - 1, -1.0 + 0 - 3
    assert np.allclose(got[1], b)  # no content word: the bias alone


def test_the_trigger_scorer_learns_which_words_name_a_type():
    pytest.importorskip("sklearn")
    from dyadscope.coder import fitting

    s = _attack()
    calm = SentenceInput(1, "Borduria welcomed Ruritania.", [
        Token("Borduria", "Borduria", "PROPN", "NNP", "nsubj", 1, 0),
        Token("welcomed", "welcome", "VERB", "VBD", "ROOT", 1, 9),
        Token("Ruritania", "Ruritania", "PROPN", "NNP", "dobj", 1, 18)], s.mentions, [], start=0)
    gold = [{"type": "ASSAULT", "trigger": "attacked"}]
    names, w, b = fitting._fit_triggers([s, calm] * 3, [gold, []] * 3)
    j = fitting.TYPES.index("ASSAULT")
    assert w[names.index("lem=attack"), j] > 0 > w[names.index("lem=welcome"), j]
    assert not w[:, fitting.TYPES.index("CONSULT")].any()  # no trigger word of that type: neutral


def test_a_model_with_a_trigger_scorer_needs_the_sentences_and_adds_their_logits():
    model = default_model()
    assert model.trigger_w is not None and len(model.trigger_names) == len(model.trigger_w)
    x = np.zeros((1, model.typer_w.shape[0]), dtype=np.float32)
    with pytest.raises(ValueError, match="inputs"):
        model.type_probabilities(x)
    bare = model.type_probabilities(x, [SentenceInput(0, "", [], [], [])])
    attack = model.type_probabilities(x, [_attack()])
    k = model.types.index("ASSAULT")
    assert attack[0, k] > bare[0, k]
    weights = [split["trigger_weight"] for split in model.meta["inner_splits"]]  # chosen in each inner split
    assert 0 < np.mean(weights) < 1
