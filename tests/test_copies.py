"""Copy detection stress tests: copies made from the seeds must be found, different reports not.

The copies are made the way reposting sites make them: paragraphs reordered, the article cut
after 50-70 %, other header and footer, a fifth of the sentences dropped, a few words
changed, and a mix. Seeds 000, 001 and 003 report the same April 2024 visit in different
words: they must stay separate documents. Timing is measured by tools/bench_copies.py.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re

import pytest

from dyadscope.clean import clean
from dyadscope.copies import COPY_THRESHOLD, CopyIndex, Sketch, sketch
from dyadscope.models import RawDoc

from conftest import EXAMPLE_JSONL, REPO

_spec = importlib.util.spec_from_file_location("bench_copies", REPO / "tools" / "bench_copies.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

SEEDS = [json.loads(line) for line in EXAMPLE_JSONL.read_text(encoding="utf-8").splitlines() if line.strip()]
CLEAN = {s["id"][:3]: clean(RawDoc(text=s["text"], path=s["id"])).text for s in SEEDS}
DATES = {s["id"][:3]: s.get("published") for s in SEEDS}
_SENT = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")


def _units(text: str) -> list[str]:
    """Paragraphs, or sentences for the seeds that came as one block (001, 004)."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    return paras if len(paras) >= 4 else _SENT.split(text)


def shuffled(text: str, rng: random.Random) -> str:
    units = _units(text)
    while len(units) > 1:
        order = rng.sample(units, len(units))
        if order != units:
            return "\n\n".join(order)
    return text


def truncated(text: str, share: float) -> str:
    words = text.split(" ")
    return " ".join(words[: int(len(words) * share)])


def dropped(text: str, rng: random.Random, share: float = 0.2) -> str:
    sents = [s for p in text.split("\n\n") for s in _SENT.split(p)]
    drop = set(rng.sample(range(len(sents)), max(1, round(share * len(sents)))))
    return " ".join(s for i, s in enumerate(sents) if i not in drop)


def edited(text: str, rng: random.Random, n: int = 6) -> str:
    words = text.split(" ")
    for i in rng.sample(range(len(words)), n):
        words[i] = rng.choice(["however", "reportedly", "officials", "the", "new", "Monday"])
    return " ".join(words)


def reboilered(text: str) -> str:
    """The article under another site's header and footer, through the cleaner."""
    raw = (
        "Home | World | Asia\n\nBREAKING NEWS\n\nBy Staff Writer\n\n"
        + text
        + "\n\nShare this article\n\nRelated Posts\n\nFollow us on Twitter\n\nCopyright 2024 Daily Wire Service"
    )
    return clean(RawDoc(text=raw, path="copy.txt")).text


def _transforms(text: str, rng: random.Random) -> dict[str, str]:
    return {
        "shuffle": shuffled(text, rng),
        "truncate50": truncated(text, 0.5),
        "truncate60": truncated(text, 0.6),
        "truncate70": truncated(text, 0.7),
        "boilerplate": reboilered(text),
        "drop20": dropped(text, rng),
        "edits": edited(text, rng),
        "mix": edited(shuffled(truncated(reboilered(text), 0.7), rng), rng, 3),
    }


@pytest.fixture(scope="module")
def seed_index() -> CopyIndex:
    idx = CopyIndex()
    for seq, (sid, text) in enumerate(CLEAN.items()):
        idx.add(sid, text, DATES[sid], seq, len(text))
    return idx


def test_seeds_are_not_copies_of_each_other(seed_index):
    for sid, text in CLEAN.items():
        assert seed_index.copy_of(sid) == (None, 0.0)
        assert [d for d, _ in seed_index.query(text)] == [sid]


@pytest.mark.parametrize("sid", sorted(CLEAN))
def test_transformed_copies_are_found(seed_index, sid):
    rng = random.Random(int(sid))
    for kind, text in _transforms(CLEAN[sid], rng).items():
        assert text != CLEAN[sid] or kind == "boilerplate"
        found, sim = seed_index.copy_of(text)
        assert found == sid, (kind, found, sim)
        assert sim >= COPY_THRESHOLD
        assert seed_index.query(text)[0][0] == sid


def test_copy_of_names_the_earliest_copy():
    orig = CLEAN["003"]
    idx = CopyIndex()
    idx.add("late_full", orig, "2024-04-14", 0, len(orig))
    idx.add("early_half", truncated(orig, 0.5), "2024-04-12", 1, len(orig) // 2)
    idx.add("undated", orig, None, 2, len(orig))
    idx.add("same_day_later_seq", shuffled(orig, random.Random(1)), "2024-04-12", 3, len(orig))
    assert idx.copy_of("late_full")[0] == "early_half"
    assert idx.copy_of("undated")[0] == "early_half"
    assert idx.copy_of("same_day_later_seq")[0] == "early_half"
    assert idx.copy_of("early_half") == (None, 0.0)
    # a new text: any stored copy, or only those before it when its own date is given
    assert idx.copy_of(orig)[0] == "early_half"
    assert idx.copy_of(orig, published="2024-04-01") == (None, 0.0)
    # same date and ingest position: the longest copy wins
    tie = CopyIndex()
    tie.add("short", truncated(orig, 0.6), "2024-04-12", 5, 100)
    tie.add("long", orig, "2024-04-12", 5, 1000)
    assert tie.copy_of(orig)[0] == "long"


def test_generated_unrelated_docs_never_merged(seed_index):
    rng = random.Random(11)
    idx = CopyIndex()
    docs = [bench.make_doc(rng) for _ in range(400)]
    for seq, text in enumerate(docs):
        assert idx.copy_of(text) == (None, 0.0), seq
        idx.add(f"g{seq}", text, "2024-05-01", seq, len(text))
    for text in CLEAN.values():
        assert idx.copy_of(text) == (None, 0.0)
    for text in docs[:50]:
        assert seed_index.copy_of(text) == (None, 0.0)
    # a query is compared with few stored documents, not all of them
    assert len(idx._candidates(sketch(bench.make_doc(rng)).signature)) < 40


def test_planted_copies_in_generated_corpus():
    idx = CopyIndex()
    misses = wrong = planted = 0
    for seq, (doc_id, text, day, orig, _kind) in enumerate(bench.corpus(1500, seed=3)):
        found, _ = idx.copy_of(text, published=day, seq=seq)
        idx.add(doc_id, text, day, seq, len(text))
        planted += orig is not None
        misses += orig is not None and found != orig
        wrong += found is not None and found != orig
    assert planted > 100
    assert wrong == 0
    assert misses <= 0.05 * planted


def test_short_texts_are_not_called_copies(seed_index):
    headline = CLEAN["003"].split("\n")[0]  # the title line, 15 words
    assert len(headline.split()) < 20
    assert seed_index.copy_of(headline) == (None, 0.0)


def test_state_round_trips(seed_index):
    data = seed_index.to_bytes()
    again = CopyIndex.from_bytes(data)
    assert len(again) == len(seed_index) == 5
    text = truncated(CLEAN["000"], 0.6)
    assert again.query(text) == seed_index.query(text)
    assert again.copy_of("001") == seed_index.copy_of("001")
    sk = seed_index.sketch_of("002")
    assert len(sk.to_bytes()) == 4 + 4 * sk.signature.size
    sk2 = Sketch.from_bytes(sk.to_bytes())
    assert sk2.n_shingles == sk.n_shingles and (sk2.signature == sk.signature).all()
    # a stored sketch is as good as the text, and the same text always gives the same sketch
    fresh = CopyIndex()
    fresh.add("x", sketch_=sk2, published=None, seq=0, length=10)
    assert fresh.copy_of(CLEAN["002"])[0] == "x"
    assert (sketch(CLEAN["002"]).signature == sk.signature).all()
    with pytest.raises(ValueError):
        CopyIndex.from_bytes(b"nonsense")


def test_later_copies_are_only_those_after_the_document():
    from dyadscope.copies import CopyIndex

    text = " ".join(f"word{i} sentence about the talks in the capital number {i}." for i in range(60))
    idx = CopyIndex()
    idx.add("early", text, published="2024-01-01", seq=2)
    idx.add("late", text, published="2024-02-01", seq=1)
    idx.add("undated", text, published=None, seq=0)
    assert sorted(idx.later_copies("early")) == ["late", "undated"]
    assert idx.later_copies("undated") == []


# --------------------------------------------------------------------------- spun copies


def _spun(text: str, seed: int = 0) -> str:
    from dyadscope.evaluate.repair import spin_text

    return spin_text(text, random.Random(seed))[0]


def test_skeleton_keeps_function_words_and_numbers_and_collapses_the_rest():
    from dyadscope.copies import skeleton

    assert skeleton("Kim Jong Un met the Chinese envoy in 2024, state media said.") == [
        "_", "the", "_", "in", "2024", "_", "said"]


def test_encoded_sketches_round_trip_and_old_sketches_still_read():
    from dyadscope.copies import decode_sketches, encode_sketches

    text = CLEAN["003"]
    plain, spun, skel = decode_sketches(encode_sketches(text, True))
    assert spun is True
    assert (plain.signature == sketch(text).signature).all()
    assert (skel.signature == sketch(text, skeleton_=True).signature).all()
    assert Sketch.from_bytes(encode_sketches(text, False)).n_shingles == sketch(text).n_shingles
    old = decode_sketches(sketch(text).to_bytes())  # stored before skeletons existed
    assert old[1] is False and old[2] is None


@pytest.mark.parametrize("sid", ["000", "001", "003", "004"])
def test_spun_copy_is_found_by_its_skeleton_not_its_words(sid):
    from dyadscope.copies import CopyFinder

    spun = _spun(CLEAN[sid])
    finder = CopyFinder()
    for i, (key, text) in enumerate(sorted(CLEAN.items())):
        finder.add(key, text, published=DATES[key], seq=i)
    assert finder.words.copy_of(spun) == (None, 0.0)  # word shingles do not survive spinning
    assert finder.copy_of_text(spun, spun=True)[0] == sid
    finder.add("spun", spun, published=DATES[sid], seq=99, spun=True)  # same day, ingested later
    assert finder.copy_of("spun")[0] == sid
    assert "spun" in finder.later_copies(sid)


def test_skeletons_link_nothing_without_a_spun_document():
    # different reports of one event (000, 001, 003) and unrelated seeds: no skeleton link,
    # and none is even looked for between two documents not flagged as spun
    from dyadscope.copies import CopyFinder

    finder = CopyFinder()
    for i, (key, text) in enumerate(sorted(CLEAN.items())):
        finder.add(key, text, published=DATES[key], seq=i)
    for key in CLEAN:
        assert finder.copy_of(key) == (None, 0.0)
        assert finder.copy_of_text(CLEAN[key] + " ", spun=False)[0] in (key, None)
