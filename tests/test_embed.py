"""The lead embedder (the `stories` extra): real MiniLM vectors, offline."""

import numpy as np
import pytest

from dyadscope import embed

pytestmark = pytest.mark.skipif(not embed.available(), reason="needs the stories extra")


@pytest.fixture(scope="module")
def embedder():
    return embed.default_embedder()


def test_vectors_are_unit_length_and_batch_independent(embedder):
    texts = ["The minister arrived in the capital on Tuesday.", "Rain is expected over the weekend.",
             "A much longer sentence about trade talks between two neighbouring countries that went on for hours."]
    together = embedder.encode(texts, batch_size=8)
    alone = np.stack([embedder.encode([t])[0] for t in texts])
    assert together.shape == (3, embed.DIM)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-4)  # padding does not leak into the mean
    assert embedder.encode([]).shape == (0, embed.DIM)


def test_the_same_happening_in_other_words_is_closer_than_another_happening(embedder):
    a, b, c = embedder.encode([
        "The foreign minister of Chile held talks with his Peruvian counterpart in Lima on Monday.",
        "Chile's top diplomat met Peru's foreign minister in the Peruvian capital at the start of the week.",
        "Floods forced thousands of people from their homes in southern Bangladesh.",
    ])
    assert float(a @ b) > 0.6 > float(a @ c)


@pytest.fixture(scope="module")
def static():
    return embed.static_embedder()


def test_static_vectors_are_unit_length_and_zero_for_no_text(static):
    vecs = static.encode(["The minister arrived in the capital on Tuesday.", "", "Rain."])
    assert vecs.shape == (3, static.dim)
    assert np.allclose(np.linalg.norm(vecs[[0, 2]], axis=1), 1.0, atol=1e-5)
    assert not vecs[1].any()  # nothing but special pieces: no direction
    assert static.encode([]).shape == (0, static.dim)


def test_static_vectors_are_the_batch_tokeniser_s_one_sentence_at_a_time(static):
    """Sentences are tokenised one at a time (no thread pool); the vectors are exactly those
    of the batch tokeniser's pieces, whatever else is in the batch."""
    texts = ["Troops crossed the border at dawn.", "The talks resumed in Doha.", "", "Rain.",
             "Troops crossed the border at dawn."]

    def batch_path(batch):
        out = np.zeros((len(batch), static.dim), dtype=np.float32)
        for r, enc in enumerate(static.tokenizer.encode_batch(batch)):
            ids = np.array(enc.ids, dtype=np.int64)
            ids = ids[static.keep[ids]]
            if len(ids):
                out[r] = static.table[ids].mean(axis=0)
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-9, None)

    assert np.array_equal(static.encode(texts), batch_path(texts))
    assert np.array_equal(static.encode(texts[::-1])[::-1], static.encode(texts))


def test_static_vectors_put_related_wording_closer_than_unrelated(static):
    # a bag of word pieces, so the test uses shared topic words rather than paraphrase
    a, b, c = static.encode([
        "Troops fired artillery shells at the border town overnight.",
        "Soldiers shelled the frontier village with heavy guns.",
        "The bakery sells fresh bread and cakes every morning.",
    ])
    assert float(a @ b) > float(a @ c) + 0.1


def test_static_vectors_follow_the_transformer_on_single_pieces(static, embedder):
    # the table is MiniLM's own output for each piece, so piece-level neighbours agree
    words = ["missile", "rocket", "bread"]
    s, m = static.encode(words), embedder.encode(words)
    assert (s[0] @ s[1] > s[0] @ s[2]) and (m[0] @ m[1] > m[0] @ m[2])
