"""Glued words found from word statistics (glue.py) and the counts behind them (ngrams.py)."""

from __future__ import annotations

import pytest

from dyadscope.clean import clean, split_glued
from dyadscope.glue import find_glues, split_token
from dyadscope.models import RawDoc
from dyadscope.ngrams import BIGRAM_FLOOR, ngrams


def test_counts_are_loaded_with_unigrams_and_bigrams():
    ng = ngrams()
    assert ng is not None
    assert ng.count("the") > ng.count("president") > 0
    assert ng.pair("according", "to") > BIGRAM_FLOOR
    assert ng.log_p("xqzvbn") is None
    # an unlisted pair is bounded by the table's floor, and never above chance
    assert ng.log_p_next("communist", "celebration") <= ng.log_p("celebration")


@pytest.mark.parametrize(
    "token,split",
    [
        # word + word
        ("accordingto", "according to"),
        ("presidentsaid", "president said"),
        ("governmentofficials", "government officials"),
        # word + Capitalised
        ("saidBiden", "said Biden"),
        ("toState", "to State"),
        ("theNational", "the National"),
        # name + short word
        ("Erdoganfor", "Erdogan for"),
        ("Jinjunfor", "Jinjun for"),
        ("Zelenskyywith", "Zelenskyy with"),
    ],
)
def test_split_token_splits_the_three_shapes(token, split):
    hit = split_token(token)
    assert hit is not None, token
    assert hit[0] == split
    assert hit[1] > 0
    assert "likelier" in hit[2]


@pytest.mark.parametrize(
    "token",
    [
        # words and names the counts or the model know, including unusual ones
        "according", "understand", "antigovernment", "nuclearization", "ceasefire", "Kremlin",
        "Putin", "Clinton", "Kagame", "Erdogan",
        # names unknown to the counts whose letters end like a short word
        "Jinping", "Tshisekedi", "Mohammadian", "Goldfein",
        # CamelCase brands and name particles
        "iPhone", "eBay", "YouTube", "PowerPoint", "WhatsApp", "TikTok", "McDonald", "DeSantis", "MacArthur",
        # acronyms
        "NATO", "DPRK",
    ],
)
def test_split_token_leaves_words_names_and_brands_alone(token):
    assert split_token(token) is None


@pytest.mark.parametrize(
    "text",
    [
        "Follow #StandWithUkraine and #accordingto on social media.",
        "Read more at www.accordingto.com/saidBiden or https://example.org/presidentsaid today.",
        "Write to press@saidBiden.org for comment.",
        "The X5accordingto model and the file report_presidentsaid.pdf were shown.",
    ],
)
def test_hashtags_urls_addresses_and_codes_are_left_alone(text):
    assert find_glues(text) == []


def test_clean_records_statistical_splits_with_evidence():
    raw = RawDoc(
        text="The talks ended on Monday, accordingto the ministry, and the ministersaid more talks would follow.",
        path="t",
    )
    doc = clean(raw)
    assert "according to the ministry" in doc.text
    assert "the minister said more" in doc.text
    got = {(r.frm, r.to): r for r in doc.repairs}
    assert set(got) == {("accordingto", "according to"), ("ministersaid", "minister said")}
    for r in doc.repairs:
        assert r.kind == "split"
        assert doc.text[r.at : r.at + len(r.to)] == r.to
        assert "P(" in r.evidence and "likelier" in r.evidence


def test_rule_based_splits_say_why():
    _text, reps = split_glued("ties with North Korea,according to KCNA")
    assert [(f, t) for f, t, _at, _ev in reps] == [("Korea,according", "Korea, according")]
    assert reps[0][3] == "no space after punctuation"
