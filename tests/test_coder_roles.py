"""Which words stand for each side of an event (coder/roles.py), on sentences written for
these tests (never gold text)."""

from dataclasses import replace

import numpy as np
import pytest

from dyadscope import nlp
from dyadscope.actors import load_kb
from dyadscope.coder import assemble, roles
from dyadscope.coder.model import default_model
from dyadscope.models import ActorRef


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _last_sentence(kb, text: str):
    sents = nlp.parse_text(text)
    inputs, _ = assemble.prepare(sents, kb.document("2024-04-12"), None, "t")
    return inputs[-1]


def _model(weights: dict[str, float]):
    """The shipped model with a words scorer that weighs only the given features."""
    names = sorted(weights)
    w = np.array([weights[n] for n in names])
    return replace(default_model(), actor_names={"source": names, "target": names},
                   actor_w={"source": w, "target": w}, actor_b={"source": 0.0, "target": 0.0}, role_index={})


def test_the_shipped_model_has_a_words_scorer_for_both_sides():
    model = default_model()
    assert set(model.actor_names) == {"source", "target"}
    assert all(len(model.actor_w[r]) == len(model.actor_names[r]) > 0 for r in roles.ROLES)


def test_candidates_are_the_countrys_mentions_and_sector_mentions_naming_no_country(kb):
    s = _last_sentence(kb, "Somali security forces clashed with militants near the Kenyan border on Monday.")
    texts = {m[2] for m in roles.actor_candidates(s, "SOM")}
    assert any("militants" in t for t in texts)  # a sector, no country: it may stand for Somalia's side
    assert not any("Kenya" in t for t in texts)  # another country's mention never does


@pytest.mark.parametrize("text, place, country", [
    ("Police arrested two journalists in Lagos on Tuesday.", "Lagos", "NGA"),
    ("Soldiers opened fire on protesters near Nablus on Friday.", "Nablus", "PSE"),
])
def test_a_place_named_as_where_it_happened_is_no_sides_words_while_others_are_left(kb, text, place, country):
    s = _last_sentence(kb, text)
    placed = [m for m in s.mentions if m[2] == place]
    assert placed and roles.where_it_happened(s, placed[0])
    texts = [m[2] for m in roles.actor_candidates(s, country)]
    assert texts and place not in texts


def test_a_place_is_a_sides_words_when_nothing_else_names_its_country(kb):
    s = _last_sentence(kb, "Russian forces launched new attacks in Ukraine on Monday.")
    assert [m[2] for m in roles.actor_candidates(s, "UKR")] == ["Ukraine"]
    # ... and a country as the subject is a side, not a place
    s = _last_sentence(kb, "Ukraine accused Russia of shelling civilians.")
    assert not any(roles.where_it_happened(s, m) for m in s.mentions)


def test_a_mention_naming_only_a_sector_takes_the_sides_country(kb):
    s = _last_sentence(kb, "Militants attacked a police station in Somalia on Monday.")
    model = _model({"kind=sector": 5.0})
    ref = roles.pick_actor(model, s, roles.mention_info(s), "SOM", "ASSAULT", "source")
    assert ref.text.lower() == "militants"
    assert (ref.country, ref.sector, ref.method) == ("SOM", "REB", "inferred")


def test_someone_the_actor_base_names_comes_before_other_mentions(kb):
    s = _last_sentence(kb, "Chinese President Xi Jinping met Chinese business leaders in Beijing on Friday.")
    model = _model({"named=False": 5.0})  # a scorer that would rather have anyone else
    ref = roles.pick_actor(model, s, roles.mention_info(s), "CHN", "CONSULT", "source")
    assert ref.actor_id == "XI_JINPING"


def test_the_other_side_and_its_description_are_never_chosen(kb):
    s = _last_sentence(kb, "Zhao Leji, China's top lawmaker, met North Korean officials in Pyongyang.")
    source = roles.pick_actor(_model({}), s, roles.mention_info(s), "CHN", "CONSULT", "source")
    assert source.actor_id == "ZHAO_LEJI"
    # a Chinese target here could only be Zhao again or his description: the country stands
    # in, by its name (never its code as if the sentence had said "CHN")
    target = roles.pick_actor(_model({"kind=country": 5.0}), s, roles.mention_info(s), "CHN", "CONSULT", "target",
                              other=source)
    assert target.actor_id != "ZHAO_LEJI" and "lawmaker" not in target.text
    assert (target.text, target.name, target.country) == ("China", "China", "CHN")


def test_a_model_without_a_words_scorer_keeps_the_order_of_actor_for(kb):
    s = _last_sentence(kb, "Militants attacked a police station in Somalia on Monday.")
    old = replace(default_model(), actor_names={}, actor_w={}, actor_b={}, role_index={})
    info = roles.mention_info(s)
    assert roles.pick_actor(old, s, info, "SOM", "ASSAULT", "source") == roles.actor_for(s, info, "SOM", "source")


def test_an_organisation_gets_no_priority_over_the_sentences_subject(kb):
    # people come first so that one person is one actor in every report; an organisation
    # does not, or the one that reports an act ("the Treasury Department said") would be
    # credited with it
    s = _last_sentence(kb, "The United States imposed new sanctions on Iranian oil exports on Tuesday, "
                           "the Treasury Department said.")
    ref = roles.pick_actor(_model({"dep=nsubj": 5.0}), s, roles.mention_info(s), "USA", "SANCTION", "source")
    assert "United States" in ref.text
    assert roles.is_person(ActorRef("Xi", actor_id="XI_JINPING", kind="person"))
    assert not roles.is_person(ActorRef("Treasury", actor_id="O:TREASURY_DEPARTMENT", kind="org"))
    assert not roles.is_person(ActorRef("China", country="CHN"))


def test_a_person_who_only_reports_the_act_gets_no_priority(kb):
    s = _last_sentence(kb, "Ukrainian forces shot down 20 Russian drones overnight, President Volodymyr Zelensky said.")
    # a scorer with no preference takes the first candidate left: people first would have
    # left only Zelensky, who reports the act
    ref = roles.pick_actor(_model({}), s, roles.mention_info(s), "UKR", "ASSAULT", "source")
    assert "Ukrainian forces" in ref.text


def test_a_person_named_in_pieces_gives_the_longest_piece(kb):
    s = _last_sentence(kb, "Chinese Foreign Minister Wang Yi met Sergei Lavrov in Moscow.")
    pieces = [m for m in roles.actor_candidates(s, "CHN") if m[3].actor_id == "WANG_YI"]
    ref = roles.pick_actor(_model({"order=1": 5.0}), s, roles.mention_info(s), "CHN", "CONSULT", "source")
    assert ref.actor_id == "WANG_YI"
    assert len(ref.text) == max(len(m[2]) for m in pieces)


@pytest.mark.parametrize("text, ptype, want", [
    ("Three Ukrainian soldiers were killed in Donetsk on Sunday.", "ASSAULT", True),
    ("Three Ukrainian soldiers were killed by Russian forces in Donetsk.", "ASSAULT", True),
    ("Ukrainian soldiers killed three Russian troops in Donetsk on Sunday.", "ASSAULT", False),
    ("Russian forces killed three Ukrainian soldiers in Donetsk on Sunday.", "ASSAULT", True),  # the object
    ("Three Ukrainian soldiers were killed in Donetsk on Sunday.", "CONSULT", False),  # not the act's word
])
def test_the_passive_subject_or_object_of_the_events_word_is_its_patient(kb, text, ptype, want):
    s = _last_sentence(kb, text)
    ukr = next(m for m in s.mentions if m[3].country == "UKR")
    assert roles.patient(s, roles._head(s, ukr[0], ukr[1]), ptype) is want


def test_the_source_is_never_the_acts_patient(kb):
    # a person the base names comes first, except the one the act was done to
    s = _last_sentence(kb, "A Bosnian court sentenced Milorad Dodik to one year in prison.")
    dodik = next(m for m in s.mentions if m[3].kind == "person")
    assert roles.patient(s, roles._head(s, dodik[0], dodik[1]), "COERCE")
    source = roles.pick_actor(_model({}), s, roles.mention_info(s), "BIH", "COERCE", "source")
    assert source.text == "Bosnian court"
    # where the scorer ranks the patient first, the source is left unnamed
    model = _model({"dep=nsubjpass": 5.0})
    s = _last_sentence(kb, "Three Ukrainian soldiers were killed in Donetsk on Sunday.")
    source = roles.pick_actor(model, s, roles.mention_info(s), "UKR", "ASSAULT", "source")
    assert source.method == "patient" and (source.text, source.country) == ("", None)
    source, target = roles.pick_source(model, s, roles.mention_info(s), "UKR", "ASSAULT")
    assert source.method == "patient" and (target.text, target.country) == ("Ukrainian soldiers", "UKR")


def test_only_the_object_of_the_acts_own_word_is_its_patient(kb):
    s = _last_sentence(kb, "Russian officials accused Ukraine of hiding Russian prisoners.")
    prisoners = next(m for m in s.mentions if "prisoners" in m[2])
    assert not roles.patient(s, roles._head(s, prisoners[0], prisoners[1]), "ACCUSE")  # hidden, not accused
    ukraine = next(m for m in s.mentions if m[2] == "Ukraine")
    assert roles.patient(s, roles._head(s, ukraine[0], ukraine[1]), "ACCUSE")


@pytest.mark.parametrize("text", [
    "Pakistan's foreign ministry told reporters that India had shelled two villages.",
    "In a statement to media, Pakistan's army said Indian troops had shelled two villages.",
])
def test_whom_a_report_is_told_to_is_never_the_target(kb, text):
    s = _last_sentence(kb, text)
    told = next(m for m in s.mentions if m[2] in ("reporters", "media"))
    assert roles.addressee(s, roles._head(s, told[0], told[1]))
    model = _model({f"dep={d}": 5.0 for d in ("dobj", "dative", "pobj")})  # a scorer that would take them
    country = "PAK"
    target = roles.pick_actor(model, s, roles.mention_info(s), country, "ASSAULT", "target")
    assert target is None or target.text not in ("reporters", "media")
