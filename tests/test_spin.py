"""Spin detection: the spun seed and spun paragraphs about other news are flagged, normal news is not.

The extra paragraphs were written for these tests: spun ones use the same spinner habits on
other subjects (sport, business, diplomacy elsewhere, a disaster), normal ones use the same
vocabulary the way news English does, including words a spinner would produce ("assembly",
"based on", "Chinese-language") in ordinary use.
"""

from __future__ import annotations

import json

import pytest

from dyadscope.clean import clean
from dyadscope.models import RawDoc
from dyadscope.spin import SPIN_THRESHOLD, is_spun, spin_hits, spin_score

from conftest import EXAMPLE_JSONL

SEEDS = {
    json.loads(line)["id"][:3]: json.loads(line)
    for line in EXAMPLE_JSONL.read_text(encoding="utf-8").splitlines()
    if line.strip()
}


def _clean(sid: str) -> str:
    s = SEEDS[sid]
    return clean(RawDoc(text=s["text"], path=s["id"])).text


SPUN = {
    "football": (
        "The residence workforce got here again from a aim down to beat Leeds 2-1 on Saturday, with the "
        "successful aim arriving in harm time. The supervisor informed reporters after the recreation that "
        "the gamers had proven nice character. It was their third win in 4 video games and strikes them "
        "three factors away from the highest 4. Followers had been within the stands for the reason that early "
        "morning, and 1000's celebrated exterior the bottom."
    ),
    "markets": (
        "Shares on the inventory market fell sharply on Tuesday after the central financial institution raised "
        "curiosity charges for the third time this yr. The corporate's chief govt officer mentioned gross sales "
        "progress had slowed within the final quarter, and internet revenue dropped 12 p.c. from final yr. "
        "Analysts blamed issues within the provide chain and the weak financial system."
    ),
    "diplomacy": (
        "Indian Overseas Minister Subrahmanyam Jaishankar met his Japanese language counterpart in Tokyo on "
        "Monday, based on the ministry. The 2 ministers mentioned safety cooperation within the area and agreed "
        "to carry a bilateral assembly later this yr. The talks got here as each international locations face "
        "stress over commerce, Indian officers mentioned."
    ),
    "wildfire": (
        "Not less than 12 folks have been killed when a wildfire unfold by way of villages close to the coast, "
        "native officers mentioned. Firefighters battled the blaze for 3 days, and scientists say local weather "
        "change made such fires extra probably. The nationwide safety council will meet on Friday, the protection "
        "ministry mentioned in an announcement."
    ),
}

NORMAL = {
    "g7": (
        "Finance ministers from the Group of Seven met in Rome on Tuesday to discuss interest rates and the "
        "global economy, according to a statement from the Italian presidency. Central bank governors also "
        "attended, officials said, and the talks came as markets fell for a third day."
    ),
    "football": (
        "The home team came from a goal down to beat Leeds 2-1 on Saturday, with the winning goal arriving in "
        "injury time. The manager told reporters after the game that his players had shown great character, "
        "and thousands of fans celebrated outside the ground."
    ),
    "anniversary": (
        "Thousands of people gathered in the capital on Sunday to mark 80 years since the end of the war, state "
        "media reported. The president laid a wreath as an army band played. Chinese-language newspapers in "
        "Malaysia printed the speech in full, and the foreign ministry said the ceremony was a success."
    ),
    "assembly": (
        "The Supreme People's Assembly, North Korea's rubber-stamp parliament, met in Pyongyang for a two-day "
        "session. Analysts said the assembly rarely changes policy; the meeting came after weeks of missile "
        "tests, and estimates based on satellite images suggest more launches. The party newspaper mentioned "
        "none of this."
    ),
}


def test_spun_seed_is_flagged_with_evidence():
    score, evidence = spin_score(_clean("002"))
    assert score >= SPIN_THRESHOLD
    low = [e.lower() for e in evidence]
    for phrase in ("chinese language president", "communist celebration", "korean central information company",
                   "folks's liberation military", "fact social", "based on kcna"):
        assert any(phrase in e.replace("’", "'") for e in low), phrase
    assert len(evidence) >= 20


@pytest.mark.parametrize("sid", ["000", "001", "003", "004"])
def test_other_seeds_are_not_spun(sid):
    # 001 is a machine translation: its oddities are sentence breaks and word order, not
    # synonym swaps inside collocations, so it scores like normal news (see spin.py)
    score, evidence = spin_score(_clean(sid))
    assert score < SPIN_THRESHOLD, evidence
    assert not is_spun(_clean(sid))


def test_raw_spun_seed_with_boilerplate():
    # the scraped page still carries "Supply hyperlink" (Source link) in its footer
    score, evidence = spin_score(SEEDS["002"]["text"])
    assert score >= SPIN_THRESHOLD
    assert "Supply hyperlink" in evidence


@pytest.mark.parametrize("name", sorted(SPUN))
def test_spun_paragraphs_about_other_news(name):
    score, evidence = spin_score(SPUN[name])
    assert score >= SPIN_THRESHOLD, (score, evidence)
    assert len(evidence) >= 3


@pytest.mark.parametrize("name", sorted(NORMAL))
def test_normal_news_paragraphs(name):
    score, evidence = spin_score(NORMAL[name])
    assert score < SPIN_THRESHOLD, (score, evidence)
    assert evidence == []


def test_hits_explain_themselves():
    hits = spin_hits("Kim met the International Minister, based on KCNA.")
    assert [(h.phrase, h.expected) for h in hits] == [
        ("International Minister", "foreign minister"),
        ("based on KCNA", "'based on' for 'according to'"),
    ]
    text = "Kim met the International Minister, based on KCNA."
    assert all(text[h.start : h.end] == h.phrase for h in hits)


def test_score_is_bounded_and_empty_text_is_zero():
    assert spin_score("") == (0.0, [])
    score, _ = spin_score(" ".join([SPUN["markets"]] * 20))
    assert 0.0 <= score <= 1.0


# --------------------------------------------------------------------------- word statistics


def _wordnet_spun(text: str, seed: int = 0) -> str:
    import random

    from dyadscope.evaluate.repair import spin_text

    return spin_text(text, random.Random(seed))[0]


@pytest.mark.parametrize("sid", ["000", "001", "003", "004"])
def test_text_spun_by_another_dictionary_is_flagged_from_word_statistics(sid):
    # the evaluation's WordNet spinner shares none of spin_tables.yaml's substitutions
    from dyadscope.spin import naturalness

    original, spun = _clean(sid), _wordnet_spun(_clean(sid))
    assert naturalness(spun).value < naturalness(original).value
    score, evidence = spin_score(spun)
    assert score >= SPIN_THRESHOLD, (score, evidence)
    assert any(e in spun for e in evidence)


def test_unexpected_pairs_are_kept_as_evidence_with_offsets():
    from dyadscope.spin import naturalness

    spun = _clean("002")
    nat = naturalness(spun)
    assert nat.pairs > 100 and nat.unexpected
    for h in nat.unexpected:
        assert spun[h.start : h.end] == h.phrase
        assert h.expected.startswith("unexpected pair")
    score, evidence = spin_score(spun)
    known = spin_hits(spun)
    for h in nat.unexpected:  # kept, unless inside a known spinner phrase already shown
        assert h.phrase in evidence or any(k.start < h.end and h.start < k.end for k in known)


def test_names_titles_and_weekdays_are_not_read_as_unexpected_pairs():
    # the 2006 word counts lack "on Saturday", "The Philippines": a short, name-dense news
    # paragraph was flagged as spun on such pairs (0.87)
    from dyadscope.spin import naturalness

    text = ("The Philippines on Saturday accused China of firing water cannon at a Philippine Coast Guard "
            "vessel near Second Thomas Shoal. Manila summoned the Chinese ambassador on Monday. Beijing "
            "said the Philippine ship had entered Chinese waters.")
    score, evidence = spin_score(text)
    assert score < 0.5
    assert not any(w[:1].isupper() for h in naturalness(text).unexpected for w in h.phrase.split()[1:])


def test_short_texts_weigh_little_on_word_statistics():
    from dyadscope.spin import naturalness

    assert naturalness("").pairs == 0
    assert naturalness("Ambassador residence workforce curiosity charges.").excess < 0.2


def test_spinner_phrases_across_the_reading_chunks_are_found(monkeypatch):
    # the words are read a chunk at a time; a phrase that starts near a chunk's end must be
    # found as it is when the whole text fits in one chunk
    from dyadscope import spin

    spun = _clean("002")
    whole = [(h.start, h.end, h.expected) for h in spin_hits(spun)]
    assert len(whole) >= 3
    for size in (1, 2, 3, 7, 50):
        monkeypatch.setattr(spin, "_CHUNK_WORDS", size)
        assert [(h.start, h.end, h.expected) for h in spin_hits(spun)] == whole, size
