"""The VOA scoring rule (../shared/gold/voa/README.md) on a story made up here."""

from __future__ import annotations

from dyadscope.evaluate.voa import match_story, right_types, summarise


def actor(country=None, text="x"):
    return {"text": text, "country": country}


GOLD = [
    {"text": "Chinese and North Korean leaders met in Pyongyang on Saturday.",
     "events": [{"type": "CONSULT", "source": [actor("CHN")], "target": [actor("PRK")], "modality": "asserted"}]},
    {"text": "Police arrested dozens of protesters in the capital.",
     "events": [{"type": "COERCE", "source": [actor("KOR", "police")], "target": [actor(None, "protesters")],
                 "modality": "asserted"}]},
    {"text": "The weather was mild.", "events": []},
]


def out(sentence, plover, src, tgt, modality="asserted"):
    return {"sentence": sentence, "plover": plover, "modality": modality,
            "source": {"country": src}, "target": {"country": tgt} if tgt is not None else None}


def test_found_strict_and_dyads_are_counted_apart():
    events = [
        out("Chinese and North Korean leaders met in Pyongyang on Saturday.", "CONSULT", "CHN", "PRK"),
        # right type, the gold names no target country: strict passes, but it is no right dyad
        out("Police arrested dozens of protesters in the capital.", "COERCE", "KOR", "USA"),
        out("The weather was mild.", "ASSAULT", "RUS", "UKR"),  # nothing of the type there
        out("A sentence the story does not have at all.", "AID", "USA", None),  # placed nowhere
    ]
    c = match_story(events, GOLD)
    assert (c["gold"], c["output"], c["found"], c["strict"]) == (2, 4, 2, 2)
    assert (c["dyadic"], c["dyad_right"]) == (3, 1)
    s = summarise([c])
    assert s["precision"] == 0.5 and s["recall"] == 1.0
    assert abs(s["dyad_precision"] - 1 / 3) < 1e-9


def test_strict_needs_the_gold_countries_and_the_same_assertedness():
    swapped = out("Chinese and North Korean leaders met in Pyongyang on Saturday.", "CONSULT", "PRK", "CHN")
    negated = out("Chinese and North Korean leaders met in Pyongyang on Saturday.", "CONSULT", "CHN", "PRK",
                  modality="negated")
    for ev in (swapped, negated):
        c = match_story([ev], GOLD[:1])
        assert (c["found"], c["strict"], c["dyad_right"]) == (1, 0, int(ev is negated))


def test_one_output_matches_one_gold_event():
    gold = [{"text": "Rebels attacked two villages and an army post.",
             "events": [{"type": "ASSAULT", "source": [actor("SDN")], "target": [actor("SDN")]}] * 2}]
    one = out("Rebels attacked two villages and an army post.", "ASSAULT", "SDN", "SDN")
    assert match_story([one], gold)["found"] == 1
    assert match_story([one, dict(one)], gold)["found"] == 2


def test_what_min_confidence_keeps_is_counted_on_the_surer_events_only():
    from dyadscope.evaluate.voa import kept_at

    sure = dict(out("Chinese and North Korean leaders met in Pyongyang on Saturday.", "CONSULT", "CHN", "PRK"),
                confidence=0.95)
    unsure = dict(out("The weather was mild.", "ASSAULT", "RUS", "UKR"), confidence=0.75)
    low = dict(out("Police arrested dozens of protesters in the capital.", "COERCE", "KOR", "USA"), confidence=0.5)
    got = kept_at({"s": [sure, unsure, low]}, {"s": GOLD}, thresholds=(0.7, 0.9))
    assert [k["events"] for k in got] == [2, 1]
    assert [k["precision"] for k in got] == [0.5, 1.0]
    assert [k["dyad_precision"] for k in got] == [0.5, 1.0]


def test_right_types_marks_the_outputs_the_rule_matches_surest_first():
    """What a confidence calibration learns from: as many right events as the rule finds, and
    where two outputs compete for one gold event, the surer one is right."""
    s0, s1, s2 = (g["text"] for g in GOLD)
    events = [
        out(s0, "CONSULT", "CHN", "PRK") | {"confidence": 0.7},
        out(s0, "CONSULT", "PRK", "CHN") | {"confidence": 0.9},  # takes the one gold CONSULT
        out(s1, "ASSAULT", "KOR", None) | {"confidence": 0.95},  # a type the sentence lacks
        out(s1, "COERCE", "KOR", None) | {"confidence": 0.8},
        out(s2, "AID", "USA", None) | {"confidence": 0.99},
        out("A sentence the story does not have at all.", "COERCE", "KOR", None) | {"confidence": 0.99},
    ]
    right = right_types(events, GOLD)
    assert right == [False, True, False, True, False, False]
    assert sum(right) == match_story(events, GOLD)["found"]
