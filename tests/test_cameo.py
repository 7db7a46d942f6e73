"""Code tables and the PETRARCH-format lexicon reader."""

import pytest

from dyadscope import cameo


def test_goldstein_weights_come_from_the_table():
    assert cameo.goldstein("042") == pytest.approx(1.9)
    assert cameo.goldstein("190") < -9
    assert cameo.goldstein("9999") == 0.0


@pytest.mark.parametrize(
    "code,quad",
    # the field's mapping (GDELT, ICEWS, Phoenix): 01-05 verbal cooperation, 06-08 material
    # cooperation, 09-13 verbal conflict, 14-20 material conflict; each boundary pinned
    [("010", 1), ("057", 1), ("061", 2), ("0874", 2), ("08", 2), ("090", 3), ("094", 3),
     ("112", 3), ("130", 3), ("138", 3), ("140", 4), ("145", 4), ("173", 4), ("204", 4),
     ("999", 0), ("", 0)]
)
def test_quad_class_follows_the_fields_mapping(code, quad):
    assert cameo.quad_class(code) == quad


def test_plain_statement_has_no_plover_type():
    assert cameo.to_plover("010") == (None, None)
    assert cameo.to_plover("012") == (None, None)


def test_appeals_are_requests_with_the_mode_of_their_demand_twin():
    # PLOVER's REQUEST covers "all requests, demands, and orders"; CAMEO 02 parallels 10.
    assert cameo.to_plover("020") == ("REQUEST", None)
    assert cameo.to_plover("0212") == ("REQUEST", "assist")
    assert cameo.to_plover("024") == cameo.to_plover("104") == ("REQUEST", "change")
    assert cameo.to_plover("026") == cameo.to_plover("106") == ("REQUEST", "meet")
    for code in ("021", "0234", "0253", "028"):
        assert cameo.to_plover(code) == cameo.to_plover("10" + code[2:])


def test_plover_type_and_mode_from_table():
    assert cameo.to_plover("042") == ("CONSULT", "visit")
    assert cameo.to_plover("163") == ("COERCE", "restrict")
    assert cameo.to_plover("1823") == ("ASSAULT", None)
    # An unknown sub-code falls back to its parent.
    assert cameo.to_plover("0429")[0] == "CONSULT"


def test_label():
    assert cameo.label("042") == "Make a visit"
    assert cameo.label("nope") is None


def test_default_lexicon_has_multiword_verbs_and_nouns():
    lex = cameo.load_verbs()
    meet = lex.entries("meet")
    assert any(e.particles == ("with",) for e in meet)
    assert lex.entries("visit")[0].code == "042"
    assert lex.entries("visit")[0].reverse == "043"
    assert lex.noun("talks").symmetric
    assert lex.noun("visit").code == "042"


PETR_TEXT = """
&TIETYPES
+MILITARY
+ECONOMIC

--- ABANDON  [345]  ---
ABANDON    # a comment
+GIVE_UP {+GAVE_UP +GIVEN_UP}
- * NEW_&TIETYPES_RELATIONS [903]
- * EFFORT  [987]
- NOT * [---]

--- CALL [041:041] ---
CALL
- * (FOR) [020]
"""


def test_petrarch_format_parses(tmp_path):
    path = tmp_path / "mine.verbs.txt"
    path.write_text(PETR_TEXT)
    lex = cameo.load_verbs(path)
    ab = lex.entries("abandon")[0]
    assert ab.code == "345"
    pats = {p.code for p in ab.patterns}
    assert {"903", "987", cameo.NULL_CODE} <= pats
    syn = next(p for p in ab.patterns if p.code == "903")
    assert ("ECONOMIC",) in syn.after[1].alts and syn.after[1].adjacent
    give = lex.entries("give")[0]
    assert give.particles == ("up",)
    call = lex.entries("call")[0]
    assert (call.code, call.reverse) == ("041", "041")


def test_parenthesised_word_is_a_preposition():
    pat = cameo._compile_pattern("* (TO SUMMIT)", "042:043", {})
    assert pat.after[0].prep and not pat.after[1].prep


def test_extra_block_coded_null_makes_a_verb_pattern_only():
    main = cameo._build_lexicon(cameo.parse_verb_dictionary(
        "--- TELLX [010] ---\nEXPRESSX [110]\nSTATEX\n- * WORRY [012]\n"))
    extra = cameo._build_lexicon(cameo.parse_verb_dictionary(
        "--- ONLY [---] ---\nEXPRESSX\n- * THANKS [051]\n"))
    cameo.merge_defaults(main, extra)
    e = main.entries("expressx")[0]
    assert e.code is None and e.reverse is None
    assert [p.code for p in e.patterns] == ["051", "012"]
    assert main.entries("statex")[0].code == "010"  # the block's other verb keeps its code


def test_bundled_generic_verbs_code_only_through_patterns():
    lex = cameo.load_verbs()
    assert lex.entries("express")[0].code is None
    assert any(e.code == "060" for e in lex.entries("deepen"))


SCOPED_TEXT = """
--- PHONEX [041:041] ---
RINGX
PHONEX
- * (ON) [020]  # RINGX
- * CONDOLENCES [018]  # RINGX
- * (FOR) [020]
- * (WITH) [042]  # pas 3/2/02
"""


def test_construction_patterns_read_only_the_verb_they_were_found_for():
    lex = cameo._build_lexicon(cameo.parse_verb_dictionary(SCOPED_TEXT))
    ring = {p.code for p in lex.entries("ringx")[0].patterns}
    phone = {p.code for p in lex.entries("phonex")[0].patterns}
    # "(ON)" is RINGX's own construction ("ring on" someone): not PHONEX's.
    assert "020" in ring and [p for p in lex.entries("phonex")[0].patterns
                              if p.code == "020" and p.after[0].alts == (("ON",),)] == []
    # An object word serves the block's synonyms; untagged patterns and patterns whose
    # comment names a coder, not a verb, serve every verb.
    assert {"018", "042"} <= phone and {"018", "042"} <= ring
    assert any(p.code == "020" and p.after[0].alts == (("FOR",),)
               for p in lex.entries("phonex")[0].patterns)


def test_bundled_call_on_pattern_does_not_read_telephone():
    lex = cameo.load_verbs()
    tel = lex.entries("telephone")[0]
    assert not any(p.after and p.after[0].alts == (("ON",),) for p in tel.patterns)
    call = next(e for e in lex.entries("call") if not e.particles)
    assert any(p.code == "020" and p.after and p.after[0].alts == (("ON",),)
               for p in call.patterns)


def _build_tool():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "build_cameo.py"
    spec = importlib.util.spec_from_file_location("build_cameo", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GENERAL_TEXT = """
--- GRASPX  [171]  ---
GRASPX
HOLDX
CLUTCHX
- * PART                [030]   # HOLDX
- * TALKS               [046]   # HOLDX
- * (IN REFUGEES)       [075]   # HOLDX
- * (INTO CUSTODY)      [173]   # HOLDX
- * POSITION            [154]   # HOLDX
- * CARGO               [1711]  # CLUTCHX
- * ASSETS              [1711]  # CLUTCHX
- * MEDIA               [1721]  # CLUTCHX
- * PROTEST             [140]   # CLUTCHX
- * RIGHTS              [112]   # CLUTCHX
"""


def test_general_verb_loses_the_block_default_it_never_shows():
    # HOLDX's own patterns spread over five codes, none of the block's 171 kind: it is a
    # general verb and codes only through patterns. CLUTCHX has 1711 among its own (a
    # 171 sub-code) and the head verb keeps the block code whatever its patterns.
    tool = _build_tool()
    raw = cameo.parse_verb_dictionary(GENERAL_TEXT)
    notes = tool.general_verbs(raw, [])
    assert notes == ["HOLDX@GRASPX"]
    lex = cameo._build_lexicon(raw)
    assert lex.entries("holdx")[0].code is None and lex.entries("holdx")[0].patterns
    assert lex.entries("clutchx")[0].code == "171"
    assert lex.entries("graspx")[0].code == "171"


def test_bundled_lexicon_takes_general_verbs_out_of_their_blocks():
    lex = cameo.load_verbs()
    take = [e for e in lex.entries("take") if not e.particles and e.block == "APPREHEND"]
    assert take and take[0].code is None and take[0].patterns
    assert any(e.code == "171" for e in lex.entries("seize"))


def test_a_promise_or_threat_of_an_act_takes_the_intent_or_threat_code():
    assert cameo.code_for_type("070", "AGREE") == "033"  # "will provide aid"
    assert cameo.code_for_type("036", "AGREE") == "036"  # already an intent
    assert cameo.code_for_type("190", "THREATEN") == "138"  # "said it would strike"
    assert cameo.code_for_type("112", "ACCUSE") == "112"
    assert cameo.code_for_type("112", "AGREE") == ""  # no intent code: the caller's general one
    for code in ("033", "138"):
        assert cameo.quad_class(code) in (1, 3)  # verbal, as a promise or threat is


def test_events_typed_as_a_promise_store_the_intent_code_with_its_quad_class_and_weight():
    from dyadscope.coder import assemble
    from dyadscope.models import ActorRef, Event

    # the candidate coder types a future act of aid as AGREE (PLOVER: an intention)
    e = Event(doc_id="d", sent_idx=0, sentence="s", start=0, end=1, source=ActorRef("China", country="CHN"),
              target=ActorRef("North Korea", country="PRK"), cameo="070", plover="AGREE", mode=None,
              quad_class=2, goldstein=7.0, date=None, date_precision="unknown", modality="future")
    fixed = assemble._as_typed(e)
    assert (fixed.cameo, fixed.quad_class, fixed.goldstein) == ("033", 1, cameo.goldstein("033"))
    assert assemble._as_typed(fixed) is fixed  # consistent already: unchanged
    assert assemble._typed_code("112", "accusation", "AGREE") == ("030", None)  # no intent twin: the general code
