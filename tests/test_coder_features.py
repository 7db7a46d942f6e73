"""The learned steps' inputs: features, vocabulary, role features (sentences written here)."""

from collections import Counter

import numpy as np

from dyadscope.coder import roles
from dyadscope.coder.features import SentenceInput, Vocabulary, sentence_features, words
from dyadscope.models import ActorRef, Event, Token


def _input(text="Ruritania accused Borduria of shelling.", mentions=None, candidates=(), tokens=(),
           story=None, last=None):
    mentions = mentions if mentions is not None else [
        (0, 9, "Ruritania", ActorRef("Ruritania", country="RUR")),
        (18, 26, "Borduria", ActorRef("Borduria", country="BOR")),
    ]
    return SentenceInput(idx=0, text=text, tokens=list(tokens), mentions=mentions,
                         candidates=list(candidates),
                         story_countries=Counter(story or {"RUR": 1, "BOR": 1}),
                         last_seen=last or {"RUR": 0, "BOR": 0},
                         vector=np.zeros(4, dtype=np.float32))


def _event(plover, src, tgt=None):
    return Event(doc_id="d", sent_idx=0, sentence="s", start=0, end=1, source=src, target=tgt,
                 cameo="112", plover=plover, mode=None, quad_class=3, goldstein=-2.0, date=None,
                 date_precision="unknown", trigger="accused")


def test_words_are_lowercased_unigrams_and_pairs():
    assert words("The Army shelled") == ["w:the", "w:army", "w:shelled", "w:the_army", "w:army_shelled"]


def test_sentence_features_name_candidate_types_and_countries():
    s = _input(candidates=[_event("ACCUSE", ActorRef("Ruritania", country="RUR"), ActorRef("B", country="BOR"))])
    feats = sentence_features(s)
    assert "r:type=ACCUSE" in feats and "r:targeted=ACCUSE" in feats
    assert "r:countries=2" in feats and "r:parsed=False" in feats


def test_vocabulary_drops_rare_words_but_keeps_rule_features():
    docs = [["w:a", "w:b", "r:x"], ["w:a", "r:y"]]
    vocab = Vocabulary.fit(docs, min_df=2)
    assert "w:a" in vocab.index and "w:b" not in vocab.index
    assert {"r:x", "r:y"} <= set(vocab.index)


def test_vocabulary_rows_are_normalised_per_group_and_carry_the_vector():
    docs = [["w:a", "w:b", "r:x"], ["w:a", "w:b", "r:y"]]
    vocab = Vocabulary.fit(docs)
    x = vocab.transform([["w:a", "w:a", "w:b", "r:x"]], np.array([[0.5, 0.5]], dtype=np.float32))
    words_part = x[0, [vocab.index["w:a"], vocab.index["w:b"]]]
    assert abs(np.linalg.norm(words_part) - 1.0) < 1e-5
    assert words_part[0] > words_part[1]  # a repeated word weighs more
    assert x[0, vocab.index["r:x"]] == 1.0 and x[0, vocab.index["r:y"]] == 0.0
    assert list(x[0, len(vocab):]) == [0.5, 0.5]


def test_vocabulary_round_trips_through_json():
    vocab = Vocabulary.fit([["w:a", "r:x"], ["w:a"]])
    again = Vocabulary.from_json(vocab.to_json())
    assert again.index == vocab.index and np.allclose(again.idf, vocab.idf)


def test_role_features_tell_order_and_candidate_roles():
    cand = _event("ACCUSE", ActorRef("Ruritania", country="RUR"), ActorRef("Borduria", country="BOR"))
    s = _input(candidates=[cand])
    info = roles.mention_info(s)
    first = roles.role_features(s, info, "RUR", "ACCUSE")
    second = roles.role_features(s, info, "BOR", "ACCUSE")
    assert first["order0"] == 1 and second["order1"] == 1
    assert first["cand_source_same"] == 1 and "cand_source" not in second
    assert second["cand_target_same"] == 1


def test_countries_named_only_earlier_are_candidates_from_context():
    s = _input(text="He condemned the attack.", mentions=[],
               story={"RUR": 3, "BOR": 1}, last={"RUR": 1, "BOR": 4})
    assert roles.candidate_countries(s) == ["RUR", "BOR"]
    f = roles.role_features(s, roles.mention_info(s), "RUR", "ACCUSE")
    assert f["out"] == 1 and f["rank0"] == 1 and f["top"] == 1.0 and f["since1"] == 1


def test_actor_for_a_context_country_says_so():
    s = _input(text="He condemned it.", mentions=[])
    s.context_refs = {"RUR": ActorRef("the Ruritanian minister", country="RUR", sector="GOV")}
    ref = roles.actor_for(s, {}, "RUR")
    assert ref.country == "RUR" and ref.method == "context" and ref.text == "the Ruritanian minister"


def test_one_mention_is_not_both_sides_when_the_document_named_the_country_otherwise():
    """Both sides of one country, the sentence naming it once: the other side is the
    document's earlier mention of that country, not the same words twice; with no other
    mention anywhere the words are repeated (the country is still the model's choice)."""
    berisha = ActorRef("Berisha", country="RUR", sector="OPP")
    s = _input(text="Berisha was charged.", mentions=[(0, 7, "Berisha", berisha)])
    source = roles.actor_for(s, {}, "RUR", "source")
    assert source is berisha
    s.context_refs = {"RUR": ActorRef("Ruritania's prosecutors", country="RUR", sector="JUD")}
    target = roles.actor_for(s, {}, "RUR", "target", other=source)
    assert target.text == "Ruritania's prosecutors" and target.method == "context"
    s.context_refs = {"RUR": ActorRef("Berisha", country="RUR")}
    assert roles.actor_for(s, {}, "RUR", "target", other=source) is berisha


def test_mention_info_uses_the_parse_for_dependency_and_side_of_the_verb():
    toks = [Token("Ruritania", "Ruritania", "PROPN", "NNP", "nsubj", 1, 0),
            Token("accused", "accuse", "VERB", "VBD", "ROOT", 1, 10),
            Token("Borduria", "Borduria", "PROPN", "NNP", "dobj", 1, 18)]
    s = _input(tokens=toks)
    info = roles.mention_info(s)
    assert info["RUR"]["dep"] == "nsubj" and info["RUR"]["before"] is True
    assert info["BOR"]["dep"] == "dobj" and info["BOR"]["before"] is False


def test_parse_features_say_whether_subject_and_object_hold_an_actor():
    from dyadscope.coder.features import parse_features

    # "Ruritania accused Borduria of shelling." at document offset 100
    toks = [Token("Ruritania", "Ruritania", "PROPN", "NNP", "nsubj", 1, 100),
            Token("accused", "accuse", "VERB", "VBD", "ROOT", 1, 110),
            Token("Borduria", "Borduria", "PROPN", "NNP", "dobj", 1, 118)]
    s = _input(tokens=toks)
    s.start = 100
    feats = parse_features(s)
    assert "d:accuse|sA|oA" in feats and "d:accuse|ROOT" in feats and "d:actor_subject|ROOT" in feats
    assert "d:accuse|sA|oA" in sentence_features(s)
    # the same verb with nobody named, negated: "Critics did not accuse him."
    toks = [Token("Critics", "critic", "NOUN", "NNS", "nsubj", 3, 0),
            Token("did", "do", "AUX", "VBD", "aux", 3, 8),
            Token("not", "not", "PART", "RB", "neg", 3, 12),
            Token("accuse", "accuse", "VERB", "VB", "ROOT", 3, 16),
            Token("him", "he", "PRON", "PRP", "dobj", 3, 23)]
    s = _input("Critics did not accuse him.", mentions=[], tokens=toks)
    s.start = 0
    feats = parse_features(s)
    assert "d:accuse|s-|o-" in feats and "d:neg|accuse" in feats and "d:actor_subject|ROOT" not in feats
    # without a parse (or an offset) there are none
    assert parse_features(_input()) == []


def test_lexicon_features_say_what_the_cameo_dictionary_lets_a_word_mean():
    from dyadscope.coder.features import lexicon_features

    toks = [Token("Police", "police", "NOUN", "NNS", "nsubj", 1, 0),
            Token("arrested", "arrest", "VERB", "VBD", "ROOT", 1, 7),
            Token("protesters", "protester", "NOUN", "NNS", "dobj", 1, 16)]
    feats = lexicon_features(toks)
    assert "x:v|COERCE" in feats  # the verb's own dictionary block (CAMEO 173, arrest)
    assert all(f.startswith(("x:v|", "x:vp|")) for f in feats)  # the nouns name no event
    talks = lexicon_features([Token("talks", "talk", "NOUN", "NNS", "ROOT", 0, 0)])
    assert talks == ["x:n|CONSULT"]
    assert lexicon_features([Token("rained", "rain", "VERB", "VBD", "ROOT", 0, 0)]) == []
    s = _input(tokens=toks)
    assert "x:v|COERCE" in sentence_features(s)


def test_role_features_say_how_a_country_hangs_on_a_word_of_the_events_type():
    # "Ruritania's troops were attacked by Borduria."
    toks = [Token("Ruritania", "Ruritania", "PROPN", "NNP", "poss", 2, 0),
            Token("'s", "'s", "PART", "POS", "case", 0, 9),
            Token("troops", "troop", "NOUN", "NNS", "nsubjpass", 4, 12),
            Token("were", "be", "AUX", "VBD", "auxpass", 4, 19),
            Token("attacked", "attack", "VERB", "VBN", "ROOT", 4, 24),
            Token("by", "by", "ADP", "IN", "agent", 4, 33),
            Token("Borduria", "Borduria", "PROPN", "NNP", "pobj", 5, 36)]
    text = "Ruritania's troops were attacked by Borduria."
    s = _input(text, mentions=[(0, 9, "Ruritania", ActorRef("Ruritania", country="RUR")),
                               (36, 44, "Borduria", ActorRef("Borduria", country="BOR"))], tokens=toks)
    assert "ASSAULT" in roles.governor(toks, 6)[1]
    rel, types = roles.governor(toks, 0)  # through its possessor noun to the verb
    assert rel == "poss" and "ASSAULT" in types
    info = roles.mention_info(s)
    f = roles.role_features(s, info, "BOR", "ASSAULT")
    assert f["gov=agent|True"] == 1 and f["gov=agent|True|ASSAULT"] == 1
    assert "gov=agent|False" in roles.role_features(s, info, "BOR", "CONSULT")
    # a word no lexicon entry types: nothing to hang on
    assert roles.governor([Token("Rain", "rain", "NOUN", "NN", "ROOT", 0, 0)], 0) == ("none", ())


def test_story_ranks_order_countries_by_how_often_named_ties_first_named():
    s = _input(story={"RUR": 1, "BOR": 3, "SYL": 1})
    assert roles.story_ranks(s) == {"BOR": 0, "RUR": 1, "SYL": 2}
    assert roles.role_features(s, {}, "BOR", "ACCUSE")["top"] == 1.0


def test_distinct_candidates_keep_the_best_scored_country_of_a_long_document():
    # a document that named 40 countries; the sentence names two of them
    story = {"RUR": 5, "BOR": 4}
    story.update({f"C{k:02d}": 1 for k in range(40)})
    last = {c: k % 6 for k, c in enumerate(story)}
    s = _input(story=story, last=last,
               candidates=[_event("ACCUSE", ActorRef("x", country="C30"), ActorRef("y", country="RUR"))])
    info, ranks = roles.mention_info(s), roles.story_ranks(s)
    full = roles.candidate_countries(s)
    kept = roles.distinct_candidates(s, info, ranks, frozenset({"C33"}))
    assert len(kept) < 12 and {"RUR", "BOR", "C30", "C33"} <= set(kept)
    assert kept == [c for c in full if c in kept]  # the document's order is kept
    rng = np.random.default_rng(0)
    names = sorted({k for c in full for k in roles.role_features(s, info, c, "ACCUSE", {"C33"}, ranks)})
    for trial in range(20):  # whatever the weights, the winner is the same
        w = dict(zip(names, rng.normal(size=len(names))))
        w[f"since{trial % 4}"] += 10  # ... also when a country the sentence does not name wins

        def best(countries):
            scores = [sum(w[k] * v for k, v in roles.role_features(s, info, c, "ACCUSE", {"C33"}, ranks).items())
                      for c in countries]
            return countries[int(np.argmax(scores))]

        assert best(kept) == best(full)
