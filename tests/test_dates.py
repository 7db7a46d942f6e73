"""Publication dates and event dates: found in the text, never invented.

Sentences here are written for these tests. The seed tests read ../shared/seeds and
skip when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

from dyadscope.dates import EventDate, find_dates, publication_date, resolve_event_date
from dyadscope.models import PubDate, Removal

SEEDS = REPO_ROOT.parent / "shared" / "seeds"

SAT = PubDate("2024-04-13", "metadata", 1.0)  # a Saturday
UNKNOWN = PubDate(None, "unknown", 0.0)


def event(sentence: str, pub: PubDate = SAT, previous=(), trigger: str | None = None) -> EventDate:
    offset = sentence.index(trigger) if trigger else None
    return resolve_event_date(sentence, pub, previous, offset)


# --------------------------------------------------------------------------- absolute


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Seoul and Tokyo signed the accord on March 2, 2023.", "2023-03-02"),
        ("The envoys first met on October 6, 1949 in Moscow.", "1949-10-06"),
        ("The ministry protested March 2 2023 in a note.", "2023-03-02"),
        ("Talks resumed 2 March 2023 after a pause.", "2023-03-02"),
        ("Talks resumed on the 2nd of March 2023.", "2023-03-02"),
        ("Officials met on 2023-03-02 in Geneva.", "2023-03-02"),
        ("The cabinet met on Thursday, March 2, 2023.", "2023-03-02"),
        ("Ankara recalled its envoy Sept. 4, 2022.", "2022-09-04"),
    ],
)
def test_absolute_day_dates(sentence, expected):
    assert event(sentence) == EventDate(expected, "day", event(sentence).evidence)
    assert event(sentence).evidence  # the words the date came from


@pytest.mark.parametrize(
    "sentence, date, precision",
    [
        ("The premier toured the region in August 2017.", "2017-08-01", "month"),
        ("Rebels seized the town in 2016.", "2016-01-01", "year"),
        ("He has led the delegation since 2012.", "2012-01-01", "year"),
        ("Clashes broke out in early 2020.", "2020-01-01", "year"),
        ("Trade collapsed by the end of 2011, officials said.", "2011-01-01", "year"),
    ],
)
def test_month_and_year_dates_store_the_first_day_of_the_period(sentence, date, precision):
    got = event(sentence)
    assert (got.date, got.precision) == (date, precision)


@pytest.mark.parametrize(
    "sentence",
    [
        "The parties celebrated the 60th anniversary of the pact.",
        "Relations have improved over the past seven years.",
        "A total of 2000 troops crossed the border.",
        "May the talks bring peace, the bishop said.",
        "Protesters joined a march through the capital.",
    ],
)
def test_numbers_and_words_that_are_not_dates(sentence):
    assert find_dates(sentence, "2024-04-13") == []
    assert event(sentence).precision == "document"


def test_day_without_year_takes_the_year_of_the_publication_unless_that_is_later():
    assert event("The talks ended on March 3.").date == "2024-03-03"
    # reported in the past but after the publication day: last year's May 5
    assert event("The talks ended on May 5.").date == "2023-05-05"
    # a future cue keeps it ahead
    assert event("The vote will be held on May 5.").date == "2024-05-05"


# --------------------------------------------------------------------------- relative


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The envoy arrived on Saturday.", "2024-04-13"),  # the publication day itself
        ("The envoy arrived Friday.", "2024-04-12"),
        ("The envoy met the minister later Thursday.", "2024-04-11"),
        ("Pyongyang fired a missile on Sunday.", "2024-04-07"),
        ("The envoy arrived last Saturday.", "2024-04-06"),
        ("The envoy will arrive next Monday.", "2024-04-15"),
        ("The envoy will arrive on Monday.", "2024-04-15"),
        ("On Monday, the two leaders will meet.", "2024-04-15"),
        ("Seoul protested yesterday.", "2024-04-12"),
        ("Seoul protests today.", "2024-04-13"),
        ("Seoul will protest tomorrow.", "2024-04-14"),
        ("The two sides clashed three days ago.", "2024-04-10"),
    ],
)
def test_days_relative_to_the_publication_day(sentence, expected):
    got = event(sentence)
    assert (got.date, got.precision) == (expected, "day")
    assert "publication date 2024-04-13" in got.evidence


def test_future_cue_belongs_to_its_own_clause():
    assert event("The envoy, who arrived Thursday, will meet the minister.").date == "2024-04-11"


def test_weekday_after_until_is_a_bound_not_the_event_date():
    got = event("The minister said he will stay in the capital until Monday.")
    assert got.precision == "document"


def test_a_week_is_dated_as_the_month_or_year_that_holds_it():
    """A week is stored as docs/SCHEMA.md stores a period: the first day of the smallest
    month or year holding all of it (a new user found "next week" stored as its Monday with
    month precision, 2024-04-15, which monthly series and exports read as a day)."""
    # 2024-04-01..07 lies in April
    assert event("The ministers met last week.") == EventDate(
        "2024-04-01", "month", "last week (from metadata publication date 2024-04-13)"
    )
    # 2024-04-15..21, announced on the 14th: April, not its Monday
    got = event("Kim Jong Un will visit Russia next week.", PubDate("2024-04-14", "metadata", 1.0))
    assert (got.date, got.precision) == ("2024-04-01", "month")
    # 2024-05-27..06-02 straddles two months: only the year is certain
    june = PubDate("2024-06-05", "metadata", 1.0)
    got = event("The ministers met last week.", june)
    assert (got.date, got.precision) == ("2024-01-01", "year")
    # 2025-12-29..2026-01-04 crosses New Year: the year of its Thursday (ISO 8601), 2026
    got = event("Talks were held this week.", PubDate("2026-01-02", "metadata", 1.0))
    assert (got.date, got.precision) == ("2026-01-01", "year")


@pytest.mark.parametrize(
    "sentence, date, precision",
    [
        ("The leaders spoke by phone last month.", "2024-03-01", "month"),
        ("Exchanges are expected later this year.", "2024-01-01", "year"),
        ("The border reopened last year.", "2023-01-01", "year"),
        ("The premier travelled to Hanoi in September.", "2023-09-01", "month"),
        ("The premier will travel to Hanoi in September.", "2024-09-01", "month"),
        ("The premier travelled to Hanoi in April.", "2024-04-01", "month"),
    ],
)
def test_months_and_years_relative_to_the_publication(sentence, date, precision):
    got = event(sentence)
    assert (got.date, got.precision) == (date, precision)


def test_relative_dates_without_a_publication_date_stay_unknown():
    got = event("The envoy arrived on Saturday.", UNKNOWN)
    assert got.date is None and got.precision == "unknown"
    assert "Saturday" in got.evidence
    assert [m.date for m in find_dates("Seoul protested yesterday.")] == [None]


def test_low_confidence_publication_date_is_still_used_and_named():
    header = PubDate("2024-05-18", "site_header", 0.3)
    got = event("The envoy arrived on Friday.", header)
    assert got.date == "2024-05-17"
    assert "site_header" in got.evidence


# --------------------------------------------------------------------------- back-references


def test_that_year_refers_to_the_previous_sentence():
    got = event(
        "That year, the two states signed a treaty.",
        previous=["The states have been allies since 1958."],
    )
    assert (got.date, got.precision) == ("1958-01-01", "year")
    assert "back-reference" in got.evidence


def test_the_same_day_skips_sentences_without_dates():
    got = event(
        "The same day, Seoul summoned the ambassador.",
        previous=["Residents fled to shelters.", "A rocket hit the port on March 3, 2024."],
    )
    assert (got.date, got.precision) == ("2024-03-03", "day")


def test_back_references_chain_through_earlier_back_references():
    got = event(
        "The next day, Tokyo protested.",
        previous=["The next day, Seoul protested.", "A rocket hit the port on March 3, 2024."],
    )
    assert got.date == "2024-03-05"


def test_back_reference_within_the_sentence():
    s = "A rocket hit the port on March 3, 2024, and two days later Seoul protested."
    assert event(s, trigger="protested").date == "2024-03-05"


def test_finer_back_reference_keeps_the_anchor_precision():
    got = event("The next day, Seoul protested.", previous=["Talks began in June 2019."])
    assert (got.date, got.precision) == ("2019-06-01", "month")


def test_back_reference_to_an_unresolvable_date_is_unknown():
    got = event(
        "The same day, Seoul protested.",
        UNKNOWN,
        previous=["A rocket hit the port on Sunday.", "Talks began in June 2019."],
    )
    assert got.date is None and got.precision == "unknown"


def test_back_reference_with_nothing_to_refer_to_is_unknown():
    got = event("That year, the two states signed a treaty.")
    assert got.date is None and got.precision == "unknown"


# --------------------------------------------------------------------------- choosing


def test_the_date_nearest_the_trigger_wins():
    s = "On Thursday the minister recalled the treaty signed on October 6, 1949."
    assert event(s, trigger="recalled").date == "2024-04-11"
    assert event(s, trigger="signed").date == "1949-10-06"


def test_noun_phrase_dates_lose_to_clause_dates():
    s = "On Thursday the minister praised Wednesday's parade."
    assert event(s, trigger="praised").date == "2024-04-11"
    # alone, it is still the best the sentence offers
    assert event("The minister praised Wednesday's parade.").date == "2024-04-10"


def test_document_date_when_the_sentence_has_none():
    got = event("The minister praised the parade.")
    assert got == EventDate("2024-04-13", "document", "publication date (metadata)")


def test_never_invented_without_any_date():
    assert event("The minister praised the parade.", UNKNOWN) == EventDate(None, "unknown", None)


def test_find_dates_reports_kind_and_role():
    mentions = find_dates("Since 2015 he met her on Friday until May 3, 2024.", "2024-04-13")
    assert [(m.text, m.kind, m.role) for m in mentions] == [
        ("2015", "absolute", "time"),
        ("Friday", "relative", "time"),
        ("May 3, 2024", "absolute", "bound"),
    ]


# --------------------------------------------------------------------------- publication


@pytest.mark.parametrize(
    "published",
    [
        "2024-04-13",
        "2024-04-13T23:30:00-05:00",  # the local date as written, not shifted to UTC
        "2024-04-13 08:00:00",
        "Sat, 13 Apr 2024 08:00:00 GMT",
        "April 13, 2024",
        "20240413",
    ],
)
def test_metadata_dates(published):
    assert publication_date(published, "Body text.") == PubDate("2024-04-13", "metadata", 1.0)


@pytest.mark.parametrize("published", ["2 hours ago", "yesterday", "2024-04", ""])
def test_relative_or_partial_metadata_is_not_a_date(published):
    # "2 hours ago" read at scrape time would invent a date
    assert publication_date(published, "The envoy left.").method == "unknown"


def test_unreadable_metadata_falls_through_to_the_text():
    got = publication_date("sometime", "Published: 12 March 2024\nBody text.")
    assert got == PubDate("2024-03-12", "text", 0.9)


@pytest.mark.parametrize(
    "text, expected",
    [
        (" date 2021-12-24 \n\n\nThe envoy left.", "2021-12-24"),
        ("Published: 12 March 2024\nThe envoy left.", "2024-03-12"),
        ("Updated 3:05 PM EST, Fri April 12, 2024\nThe envoy left.", "2024-04-12"),
        ("Posted on 5 May 2023 | 4 min read\nThe envoy left.", "2023-05-05"),
    ],
)
def test_explicit_date_markers_in_the_text(text, expected):
    got = publication_date(None, text)
    assert (got.date, got.method) == (expected, "text")
    assert got.confidence >= 0.8


def test_published_outranks_updated():
    text = "Updated 14 March 2024\nPublished 12 March 2024\nBody."
    assert publication_date(None, text).date == "2024-03-12"


def test_markers_in_removed_text_are_read():
    removed = [Removal(" date 2021-12-24 ", "site_date_header", 0)]
    assert publication_date(None, "The envoy left.", removed) == PubDate(
        "2021-12-24", "text", 0.9
    )


def test_removed_blocks_about_other_articles_are_ignored():
    removed = [Removal("Published: 1 January 2020", "related_stories", 40)]
    assert publication_date(None, "The envoy left.", removed).method == "unknown"


def test_lone_date_lines_down_the_page_are_not_a_site_header():
    removed = [Removal("January 1, 2020", "date_line", 900)]
    assert publication_date(None, "The envoy left.", removed).method == "unknown"
    removed = [Removal("Posted on January 1, 2020", "date_line", 900)]
    assert publication_date(None, "The envoy left.", removed).date == "2020-01-01"


@pytest.mark.parametrize("where", ["text", "removed", "header"])
def test_lone_site_header_date_has_low_confidence(where):
    header = "Tue. Jan 9th, 2024"
    body = "The envoy left for talks."
    if where == "text":
        got = publication_date(None, f"{header}\n\n{body}")
    elif where == "removed":
        got = publication_date(None, body, [Removal(header, "site_date_header", 0)])
    else:
        got = publication_date(None, body, header_text=header)
    assert (got.date, got.method) == ("2024-01-09", "site_header")
    assert got.confidence <= 0.3


def test_site_header_corroborated_by_content_gains_confidence():
    text = "Tue. Jan 9th, 2024\n\nThe envoy arrived on January 8, 2024 for talks."
    got = publication_date(None, text)
    assert got.method == "site_header" and 0.3 < got.confidence < 0.9


def test_content_inference_uses_latest_date_and_following_weekdays():
    text = (
        "Officials met on March 7, 2024 in the capital (a Thursday). "
        "State media reported the meeting Friday."
    )
    got = publication_date(None, text)
    assert (got.date, got.method) == ("2024-03-08", "content")
    assert 0.4 <= got.confidence <= 0.6


def test_content_inference_from_a_full_date_alone_is_a_lower_bound():
    got = publication_date(None, "Officials met on March 7, 2024 in the capital.")
    assert got == PubDate("2024-03-07", "content", 0.4)


@pytest.mark.parametrize(
    "text",
    [
        "The minister travelled to Hanoi in June 2019.",  # no day: none invented
        "Officials met on March 7, 2019 and again in 2021.",  # a later year: day unknown
        "State media reported the meeting on Friday.",  # weekday with nothing to count from
        "The minister praised the parade.",
    ],
)
def test_publication_unknown_when_nothing_justifies_a_day(text):
    assert publication_date(None, text) == PubDate(None, "unknown", 0.0)


def test_future_dates_do_not_date_the_publication():
    text = "Officials met on March 7, 2024. Elections will be held on November 5, 2024."
    got = publication_date(None, text)
    assert got.date == "2024-03-07"


# --------------------------------------------------------------------------- seeds


def _seeds() -> dict[str, dict]:
    if not (SEEDS / "seeds.jsonl").exists():
        pytest.skip(f"seed corpus not found at {SEEDS} (../shared is absent)")
    with open(SEEDS / "seeds.jsonl", encoding="utf-8") as f:
        return {d["id"][:3]: d for d in map(json.loads, f)}


def test_seed_004_date_line_is_a_text_marker():
    d = _seeds()["004"]
    assert publication_date(d.get("published"), d["text"]) == PubDate("2021-12-24", "text", 0.9)


def test_seed_000_header_is_a_low_confidence_site_header():
    d = _seeds()["000"]
    got = publication_date(d.get("published"), d["text"])
    assert (got.date, got.method) == ("2024-05-18", "site_header")
    assert got.confidence <= 0.3


@pytest.mark.parametrize("seed", ["001", "002", "003"])
def test_seed_feed_dates_are_metadata(seed):
    d = _seeds()[seed]
    got = publication_date(d.get("published"), d["text"])
    assert got == PubDate(d["published"], "metadata", 1.0)


@pytest.mark.parametrize("seed", ["001", "003"])
def test_seed_content_inference_without_the_feed_date(seed):
    d = _seeds()[seed]
    got = publication_date(None, d["text"])
    assert (got.date, got.method) == (d["published"], "content")


def test_seed_004_that_year_is_1961():
    d = _seeds()["004"]
    text = d["text"]
    i = text.index("That year")
    previous = [text[:i].rstrip().rsplit(". ", 1)[-1]]
    sentence = text[i : text.index(".", i) + 1]
    pub = publication_date(d.get("published"), text)
    got = resolve_event_date(sentence, pub, previous, sentence.index("signed"))
    assert (got.date, got.precision) == ("1961-01-01", "year")


# --------------------------------------------------------------------------- undated input


@pytest.mark.parametrize("url, expected", [
    ("https://example.com/world/2024/04/13/kim-meets-xi/", "2024-04-13"),
    ("https://example.com/2024/4/3/kim", "2024-04-03"),
    ("https://example.com/news/20240413/kim-xi.html", "2024-04-13"),
    ("https://example.com/news/20240413-kim-xi", "2024-04-13"),
    ("http://example.com/2024/04/kim", None),  # a month: no day to take
    ("http://example.com/2024/13/45/kim", None),  # not a calendar day
    ("http://example.com/a/b?date=2024/04/13", None),  # the query string is not the path
    ("http://2024.example.com/story-12345678", None),
    ("https://example.com/id/202404139/kim", None),  # a longer number is an id, not a date
    (None, None),
])
def test_url_date_reads_day_dates_in_the_path_only(url, expected):
    from dyadscope.dates import url_date

    d = url_date(url)
    assert (d.isoformat() if d else None) == expected


def test_publication_date_from_the_url_when_no_metadata():
    text = "Kim Jong Un met Xi Jinping in Beijing."
    url = "https://example.com/2024/04/13/kim"
    assert publication_date(None, text, url=url) == PubDate("2024-04-13", "url", 0.9)
    # the feed's own date wins over the URL's
    assert publication_date("2024-04-12", text, url=url).method == "metadata"


def test_default_date_only_when_nothing_else_dates_the_document():
    undated = "Kim Jong Un met Xi Jinping in Beijing."
    got = publication_date(None, undated, default="2024-06-01")
    assert (got.date, got.method) == ("2024-06-01", "default") and got.confidence < 0.5
    dated = "Published: 12 March 2024\nKim Jong Un met Xi Jinping in Beijing."
    assert publication_date(None, dated, default="2024-06-01").method == "text"
    assert publication_date(None, undated, default="2024-13-45") == UNKNOWN


@pytest.mark.parametrize("value, expected", [
    ("2024-04-13", "2024-04-13"), ("2024-04-13T08:00:00Z", "2024-04-13"), ("13 April 2024", "2024-04-13"),
    ("2024-13-45", None), ("yesterday", None), ("", None), (None, None),
])
def test_parse_published_says_what_is_a_date(value, expected):
    from dyadscope.dates import parse_published

    assert parse_published(value) == expected


def test_one_sentences_dater_gives_each_trigger_its_nearest_date():
    # event_dater reads a sentence's date words once; each trigger still gets the date
    # nearest to it, as resolve_event_date gives it
    from dyadscope.dates import event_dater

    sentence = ("Kim arrived in Beijing on Monday, met Xi on Wednesday and left the same day, "
                "two days before the parade.")
    previous = ["The visit was announced on April 2."]
    at = event_dater(sentence, SAT, previous)
    for trigger in ("arrived", "met", "left", "parade"):
        offset = sentence.index(trigger)
        assert at(offset) == resolve_event_date(sentence, SAT, previous, offset)
    assert at(sentence.index("arrived")).date == "2024-04-08"
    assert at(None) == resolve_event_date(sentence, SAT, previous)


def test_a_guessed_default_date_anchors_no_relative_date():
    # --default-date is the user's guess: "on Friday" counted back from it would be a made-up
    # day, so the event keeps the guessed date as a document date; a date stated in full
    # still counts
    guess = PubDate("2024-08-15", "default", 0.2)
    got = resolve_event_date("Russian forces shelled Kharkiv on Friday.", guess)
    assert (got.date, got.precision) == ("2024-08-15", "document")
    got = resolve_event_date("Russian forces shelled Kharkiv on March 3, 2024.", guess)
    assert (got.date, got.precision) == ("2024-03-03", "day")
    firm = PubDate("2024-08-15", "metadata", 1.0)
    assert resolve_event_date("Russian forces shelled Kharkiv on Friday.", firm).date == "2024-08-09"
    # the weekday nearest the act still decides: not a farther year in a side clause
    side = "On Friday, Russian forces shelled Kharkiv, which they had captured in 2022."
    got = resolve_event_date(side, guess, trigger_offset=side.index("shelled"))
    assert (got.date, got.precision) == ("2024-08-15", "document")
