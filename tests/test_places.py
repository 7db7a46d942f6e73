"""Places: gazetteer look-ups and the location of an event in a parsed sentence."""

from __future__ import annotations

import pytest

from dyadscope.nlp import parse_text
from dyadscope.places import event_location, fold, resolve_place


def _sent(text: str):
    sentences = parse_text(text)
    assert len(sentences) == 1
    return sentences[0]


def _index(sentence, word: str) -> int:
    return next(i for i, t in enumerate(sentence.tokens) if t.text == word)


# --- resolve_place ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "name, place, country",
    [
        ("Pyongyang", "Pyongyang", "PRK"),
        ("Beijing", "Beijing", "CHN"),
        ("Peking", "Beijing", "CHN"),
        ("Moscow", "Moscow", "RUS"),
        ("Kyiv", "Kyiv", "UKR"),
        ("Kiev", "Kyiv", "UKR"),
        ("Seoul", "Seoul", "KOR"),
        ("Vladivostok", "Vladivostok", "RUS"),
        ("Saigon", "Ho Chi Minh City", "VNM"),
        ("Sao Paulo", "São Paulo", "BRA"),
        ("Zürich", "Zürich", "CHE"),
        ("Mansudae Assembly Hall in Pyongyang", "Pyongyang", "PRK"),
        ("Beijing, China", "Beijing", "CHN"),
        ("Singapore", "Singapore", "SGP"),
        ("New York", "New York City", "USA"),
    ],
)
def test_resolve_city(name, place, country):
    loc = resolve_place(name)
    assert loc is not None and (loc.name, loc.country) == (place, country)
    assert loc.lat is not None and loc.lon is not None


@pytest.mark.parametrize("name", ["Africa", "Asia", "Europe", "North", "West"])
def test_a_continent_or_a_point_of_the_compass_is_no_place(name):
    # small towns carry these names ("Asia" in the Philippines; "Africa", Mahdia's old name)
    assert resolve_place(name) is None


def test_resolve_coordinates():
    loc = resolve_place("Beijing")
    assert loc.lat == pytest.approx(39.9, abs=0.1) and loc.lon == pytest.approx(116.4, abs=0.1)


def test_washington_is_the_capital_not_the_state_or_a_small_town():
    loc = resolve_place("Washington")
    assert loc.country == "USA"
    assert loc.lat == pytest.approx(38.9, abs=0.1) and loc.lon == pytest.approx(-77.0, abs=0.1)
    assert resolve_place("Washington, D.C.") == loc


def test_most_populous_wins_unless_narrowed():
    assert resolve_place("Moscow").country == "RUS"
    idaho = resolve_place("Moscow, Idaho")
    assert idaho.country == "USA" and idaho.lon == pytest.approx(-117.0, abs=0.1)


@pytest.mark.parametrize(
    "name, code",
    [("North Korea", "PRK"), ("DPRK", "PRK"), ("the United States", "USA"), ("U.S.", "USA"),
     ("Britain", "GBR"), ("Russia", "RUS"), ("Lebanon", "LBN"), ("Georgia", "GEO"),
     ("Burma", "MMR"), ("Côte d'Ivoire", "CIV")],
)
def test_resolve_country_has_no_point(name, code):
    loc = resolve_place(name)
    assert loc is not None and loc.country == code
    assert loc.lat is None and loc.lon is None  # no country centroids offline


def test_us_state():
    loc = resolve_place("California")
    assert (loc.name, loc.country, loc.lat) == ("California", "USA", None)


@pytest.mark.parametrize("name", ["Xyzzyville", "", "   ", "White House", "Hall", "Trump",
                                  "Mansudae Assembly Hall", "Korea"])
def test_unknown_names(name):
    assert resolve_place(name) is None


def test_fold():
    assert fold("the U.S.") == "us"
    assert fold("Zürich") == "zurich"
    assert fold("Washington, D.C.") == "washington dc"


# --- event_location --------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, place, country",
    [
        ("Kim met Xi in Beijing on Thursday.", "Beijing", "CHN"),
        ("Kim Jong Un and Moon Jae-in agreed to cooperate during their meeting Saturday "
         "in Pyongyang.", "Pyongyang", "PRK"),
        ("Kim hosted a reception at the Mansudae Assembly Hall in Pyongyang.",
         "Pyongyang", "PRK"),
        ("Putin and Kim met in Vladivostok, Russia, on Thursday.", "Vladivostok", "RUS"),
        ("The envoys met in Washington on Friday.", "Washington", "USA"),
        ("Officials met in Kiev last week.", "Kyiv", "UKR"),
        ("Lavrov held talks in Moscow with his counterpart.", "Moscow", "RUS"),
        ("Speaking in Seoul, Moon said the talks would continue.", "Seoul", "KOR"),
        ("Xi hosted Kim in Beijing's Great Hall of the People.", "Beijing", "CHN"),
        ("The summit took place in the capital, Pyongyang.", "Pyongyang", "PRK"),
        ("They met in the city of Vladivostok.", "Vladivostok", "RUS"),
        ("Xi visited Pyongyang last year.", "Pyongyang", "PRK"),
    ],
)
def test_event_location(text, place, country):
    loc = event_location(_sent(text))
    assert loc is not None and (loc.name, loc.country) == (place, country)


def test_beijing_coordinates_from_sentence():
    loc = event_location(_sent("Kim met Xi in Beijing on Thursday."))
    assert loc.lat == pytest.approx(39.9, abs=0.1) and loc.lon == pytest.approx(116.4, abs=0.1)


def test_arrival_in_a_country_gives_the_country():
    loc = event_location(_sent("Zhao arrived in North Korea on Tuesday."))
    assert (loc.name, loc.country, loc.lat) == ("North Korea", "PRK", None)


@pytest.mark.parametrize(
    "text",
    [
        "The two leaders met in 2019.",
        "Seoul protested in response to the missile launch.",
        "North Korea held a parade in honor of the army.",
        "Pyongyang remained defiant in the face of sanctions.",
        "The launch was in violation of UN resolutions.",
        "Kim met Xi at the invitation of Putin in January.",
        "Kim flew to Moscow for talks.",  # a destination, not where the event happened
        "Trump visited Kim at his residence.",
        "Moon Jae-in criticized Japan.",
        "Kim threatened Japan.",
    ],
)
def test_no_event_location(text):
    assert event_location(_sent(text)) is None


def test_trigger_index_selects_the_clause():
    s = _sent("Kim said he met Xi in Beijing.")
    assert event_location(s) is None  # the saying has no place
    assert event_location(s, _index(s, "met")).name == "Beijing"


def test_trigger_below_the_place():
    s = _sent("Lavrov held talks in Moscow with his counterpart.")
    assert event_location(s, _index(s, "talks")).name == "Moscow"


def test_unparsed_sentence():
    from dyadscope.models import Sentence

    assert event_location(Sentence(0, 0, 3, "Hi.")) is None
