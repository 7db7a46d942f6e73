"""Tests for the cleaning stage: small hand-written pages, then the five real seed scrapes."""

from __future__ import annotations

import re
import time

import pytest

from dyadscope.clean import clean, detect_language, normalize_text, split_glued
from dyadscope.models import CleanDoc, RawDoc

ARTICLE = (
    "North Korean leader Kim Jong Un met a senior Chinese official in Pyongyang on Friday, "
    "state media reported, in the highest-level talks between the two countries in years."
)
ARTICLE_2 = (
    "The two sides agreed to expand cooperation in trade and culture, the Korean Central News "
    "Agency said, as they marked 75 years of diplomatic ties."
)


def _clean(text: str, **kw) -> CleanDoc:
    return clean(RawDoc(text=text, path="test.txt", **kw))


def _reasons(doc: CleanDoc) -> dict[str, str]:
    """Removed text -> reason, one entry per removed line."""
    out = {}
    for r in doc.removed:
        for line in r.text.split("\n"):
            out[line] = r.reason
    return out


def _all_text(doc: CleanDoc) -> str:
    """Everything a CleanDoc carries as text: clean text, removed text, repairs."""
    parts = [doc.text]
    parts += [r.text for r in doc.removed]
    parts += [f"{r.frm} {r.to}" for r in doc.repairs]
    return "\n".join(parts)


# --------------------------------------------------------------------------- Unicode and whitespace


def test_clean_repairs_mojibake_and_normalises_whitespace():
    doc = _clean("Chinaâ€™s envoy   arrived.  \r\n\r\n\r\n\r\nKim\u00a0Jong\u00a0Un  met him.\t\r\n")
    assert doc.text == "China's envoy arrived.\n\nKim Jong Un met him."


def test_normalize_text_removes_zero_width_and_keeps_lines():
    assert normalize_text("a\u200bb\u2028c\u3000d") == "ab\nc d"


# --------------------------------------------------------------------------- boilerplate lines


def test_clean_removes_recent_posts_list():
    text = (
        f"{ARTICLE}\n\nShare\n\nRecent Posts\n\nUnder Armour data breach claims trigger alerts\n\n"
        "Sportswear brand Under Armour is investigating claims of a massive data breach after…\n\n"
        "15 hours ago\n\nYouTube lets parents limit Shorts for teens\n\n"
        "YouTube is rolling out new parental controls designed to give families more say over how…\n\n2 days ago"
    )
    doc = _clean(text)
    assert doc.text == ARTICLE
    reasons = _reasons(doc)
    assert reasons["Share"] == "share_prompt"
    assert reasons["Recent Posts"] == "related_stories"
    assert reasons["Under Armour data breach claims trigger alerts"] == "related_stories"
    assert reasons["15 hours ago"] == "related_stories"


def test_clean_list_ends_where_prose_resumes():
    text = f"{ARTICLE}\n\nRead more\n\nKim visits a missile factory\n\n{ARTICLE_2}"
    doc = _clean(text)
    assert ARTICLE_2 in doc.text
    assert "Kim visits a missile factory" not in doc.text


@pytest.mark.parametrize(
    "line,reason",
    [
        ("Leave a Reply", "comment_prompt"),
        ("Your email address will not be published. Required fields are marked *", "comment_prompt"),
        ("Leave a comment", "comment_prompt"),
        ("Share This Article", "share_prompt"),
        ("Follow us on Twitter", "share_prompt"),
        ("Facebook Twitter WhatsApp Email", "share_prompt"),
        ("Sign up for our newsletter", "newsletter_prompt"),
        ("Subscribe", "newsletter_prompt"),
        ("Advertisement", "advertisement"),
        ("© 2024 Example Media Ltd. All rights reserved.", "copyright"),
        ("CLICK HERE TO GET THE FOX NEWS APP", "click_here_promo"),
        ("Supply hyperlink", "source_link"),
        ("Source link", "source_link"),
        ("Categories: World", "category_header"),
        ("Tags: North Korea, China", "category_header"),
        ("US, JAPAN AND SOUTH KOREA RUN MILITARY DRILLS IN DISPUTED EAST CHINA SEA", "headline_allcaps"),
        ("Read more: Kim oversees artillery drills", "related_stories"),
        ("(Reporting by Hyonhee Shin; Editing by Ed Davies)", "byline"),
    ],
)
def test_clean_removes_boilerplate_line(line, reason):
    doc = _clean(f"{ARTICLE}\n\n{line}\n\n{ARTICLE_2}")
    assert doc.text == f"{ARTICLE}\n\n{ARTICLE_2}"
    assert [(r.text, r.reason) for r in doc.removed] == [(line, reason)]
    assert doc.removed[0].at == len(ARTICLE)


@pytest.mark.parametrize("header", ["Sat. May 18th, 2024", " date 2021-12-24 ", "Published April 12, 2024 8:07am EDT"])
def test_clean_removes_site_date_header(header):
    doc = _clean(f"{header}\n\n{ARTICLE}")
    assert doc.text == ARTICLE
    assert [(r.text, r.reason, r.at) for r in doc.removed] == [(header.strip(), "site_date_header", 0)]


def test_clean_removes_video_promo_block():
    text = (
        "Top Chinese official visits North Korea\n\nclose Video\n\n"
        "China has a history of 'unrestricted' warfare: Anthony Rubin\n\n"
        "Founder Anthony Rubin discusses how foreign agents operate on 'Jesse Watters Primetime.'\n\n"
        f"{ARTICLE}"
    )
    doc = _clean(text)
    assert doc.text == f"Top Chinese official visits North Korea\n\n{ARTICLE}"
    assert [r.reason for r in doc.removed] == ["video_promo"]
    assert "Jesse Watters" in doc.removed[0].text


def test_clean_removes_recommended_stories_block():
    text = (
        f"{ARTICLE}\n\nRecommended Stories\nlist of 3 items\nlist 1 of 3\nKim arrives by train\n"
        f"list 2 of 3\nWhat is behind the parade?\nlist 3 of 3\nPutin hails ties\nend of list\n\n{ARTICLE_2}"
    )
    doc = _clean(text)
    assert doc.text == f"{ARTICLE}\n\n{ARTICLE_2}"
    assert {r.reason for r in doc.removed} == {"recommended_stories"}


def test_clean_removes_spun_recommended_stories_markers():
    doc = _clean(f"{ARTICLE}\n\nBeneficial Tales\n\nlisting of three objectsfinish of listing\n\n{ARTICLE_2}")
    assert doc.text == f"{ARTICLE}\n\n{ARTICLE_2}"
    assert {r.reason for r in doc.removed} == {"recommended_stories"}


def test_clean_removes_bylines_at_top():
    text = f"Kim meets Chinese envoy\n\nBy HYUNG-JIN KIM and KIM TONG-HYUNG\nAssociated Press\n5 Min Read\n\n{ARTICLE}"
    doc = _clean(text)
    assert doc.text == f"Kim meets Chinese envoy\n\n{ARTICLE}"
    assert {r.reason for r in doc.removed} == {"byline"}


def test_clean_keeps_title_and_cuts_site_suffix():
    doc = _clean(f"Kim, Xi hail bond as North Korea pledges support | Xi Jinping Information\n\n{ARTICLE}")
    assert doc.text.startswith("Kim, Xi hail bond as North Korea pledges support\n\n")
    assert [(r.text, r.reason) for r in doc.removed] == [("| Xi Jinping Information", "site_title_suffix")]


def test_clean_keeps_plain_title_without_recording_anything():
    doc = _clean(f"Top Chinese official visits North Korea to discuss boosting cooperation\n\n{ARTICLE}")
    assert doc.text.startswith("Top Chinese official visits North Korea")
    assert doc.removed == []


def test_clean_removes_wordpress_header_and_footer():
    text = (
        "Home » News » World\n\nKim hosts Chinese delegation\n\nPosted by Admin | April 13, 2024 | 0 comments\n\n"
        f"{ARTICLE}\n\nRelated Posts\n\nKim oversees drills\n\nApril 10, 2024\n\n"
        "Leave a Reply Cancel reply\n\nYou must be logged in to post a comment."
    )
    doc = _clean(text)
    assert doc.text == f"Kim hosts Chinese delegation\n\n{ARTICLE}"
    reasons = _reasons(doc)
    assert reasons["Home » News » World"] == "navigation"
    assert reasons["Posted by Admin | April 13, 2024 | 0 comments"] == "byline"
    assert reasons["April 10, 2024"] == "related_stories"  # another story's date, not this page's


def test_clean_removes_fox_style_bio_and_tip_line():
    text = f"{ARTICLE}\n\nGreg Norman is a reporter for Fox News Digital.\n\nStory tips can be sent to greg@example.com."
    doc = _clean(text)
    assert doc.text == ARTICLE
    assert [r.reason for r in doc.removed] == ["byline"]
    assert "@" not in _all_text(doc)


def test_clean_joins_hard_wrapped_lines():
    text = (
        "SEOUL, Sept 4 (Reuters) - North Korean leader Kim Jong Un told Chinese President Xi Jinping that\n"
        "he would support China, state media said.\n\nXi said China was willing to work with Pyongyang."
    )
    doc = _clean(text)
    assert "Xi Jinping that he would support China" in doc.text
    assert doc.text.count("\n\n") == 1


# --------------------------------------------------------------------------- spans inside paragraphs


def test_clean_cuts_related_coverage_run_on_to_end_of_paragraph():
    text = (
        f"{ARTICLE} Speculation is growing that Kim could visit China. Related coverage: China's third "
        "leader pledges strong ties. ceremony Japan, US and South Korea hold maritime exercise"
    )
    doc = _clean(text)
    assert doc.text == f"{ARTICLE} Speculation is growing that Kim could visit China."
    assert doc.removed[0].reason == "related_stories"
    assert doc.removed[0].text.startswith("Related coverage: China's third")
    assert doc.removed[0].at == len(doc.text)


def test_clean_cuts_author_bio_and_image_credit():
    text = f"{ARTICLE} {ARTICLE_2} Jane Doe is a news and foreign affairs writer for the Example Interest. Image: Reuters"
    doc = _clean(text)
    assert doc.text == f"{ARTICLE} {ARTICLE_2}"
    assert [(r.reason, r.at) for r in doc.removed] == [("byline", len(doc.text))]
    assert doc.removed[0].text.endswith("Image: Reuters")


def test_clean_keeps_expert_sentence_that_is_not_a_bio():
    last = "Li is a career diplomat at the Chinese Foreign Ministry."
    doc = _clean(f"{ARTICLE} {last}")
    assert doc.text.endswith(last)
    assert doc.removed == []


# --------------------------------------------------------------------------- e-mail


def test_clean_masks_email_in_removed_text():
    doc = _clean(f"Kim meets Chinese envoy\n\nBy Jane Doe, jane.doe@example.com\n\n{ARTICLE}")
    assert "@" not in _all_text(doc)
    assert any("[email]" in r.text for r in doc.removed)


def test_clean_removes_email_only_line_with_reason_email():
    doc = _clean(f"Kim meets Chinese envoy\n\nreporter.name@outlook.com\n5 Min Read\n\n{ARTICLE}")
    assert ("[email]", "email") in [(r.text, r.reason) for r in doc.removed]
    assert "outlook" not in _all_text(doc)


def test_clean_removes_email_inside_a_sentence():
    doc = _clean(f"{ARTICLE} Tips can be sent to tips@example.org at any time.")
    assert "example.org" not in _all_text(doc)
    assert "Tips can be sent to at any time." in doc.text
    email = [r for r in doc.removed if r.reason == "email"]
    assert email and email[0].text == "[email]"
    assert doc.text[email[0].at - 3 : email[0].at] == "to "


def test_clean_removes_email_placeholder():
    doc = _clean(f"Kim meets Chinese envoy\n\n[e-mail address withheld]\n\n{ARTICLE}")
    assert "withheld" not in _all_text(doc)


# --------------------------------------------------------------------------- captions


@pytest.mark.parametrize(
    "caption",
    [
        "The combined photo shows North Korean leader Kim Jong Un (R) (KCNA/Kyodo) and Zhao Leji (Kyodo).",
        "Choe Ryong Hae, right, speaks with Zhao Leji, left, in Pyongyang on April 11, 2024. "
        "(Korean Central News Agency/Korea News Service via AP)",
        "Zhao Leji (center left) and Choe Ryong Hae (center right) attend a ceremony in Pyongyang. (Kyodo)",
        "FILE - In this photo provided by the government, Kim watches a missile launch. (AP Photo/File)",
    ],
)
def test_clean_marks_photo_captions(caption):
    doc = _clean(f"{ARTICLE} {caption} {ARTICLE_2}")
    assert caption in doc.text  # kept
    assert [doc.text[c.start : c.end] for c in doc.captions] == [caption]
    assert {c.label for c in doc.captions} == {"caption"}


def test_clean_marks_caption_paragraph():
    cap = "Kim Jong Un, left, shakes hands with Zhao Leji in Pyongyang. (Korean Central News Agency via AP)"
    doc = _clean(f"{ARTICLE}\n\n{cap}\n\n{ARTICLE_2}")
    assert [doc.text[c.start : c.end] for c in doc.captions] == [cap]


@pytest.mark.parametrize(
    "sentence",
    [
        "Kim met the envoy, according to the Korean Central News Agency (KCNA).",
        "A published photo captures the exchange, portraying a cordial atmosphere.",
        "Parties on the left, right, and centre criticised the visit.",
    ],
)
def test_clean_does_not_mark_ordinary_sentences_as_captions(sentence):
    assert _clean(f"{ARTICLE} {sentence}").captions == []


# --------------------------------------------------------------------------- glued words


@pytest.mark.parametrize(
    "glued,fixed",
    [
        ("Ambassador Li Jinjunfor his efforts", "Ambassador Li Jinjun for his efforts"),
        ("Supreme Leader Kim Jong-uncongratulated the ambassador", "Supreme Leader Kim Jong-un congratulated the ambassador"),
        ("according toState-run media", "according to State-run media"),
        ("ties with North Korea,according to KCNA", "ties with North Korea, according to KCNA"),
        ("the official Choe RyongHae said", "the official Choe Ryong Hae said"),
        ("officials said.The meeting ended", "officials said. The meeting ended"),
    ],
)
def test_clean_splits_glued_words(glued, fixed):
    doc = _clean(f"{glued}.")
    assert doc.text == f"{fixed}."
    assert len(doc.repairs) == 1
    rep = doc.repairs[0]
    assert rep.kind == "split"
    assert doc.text[rep.at : rep.at + len(rep.to)] == rep.to
    assert rep.frm.replace(" ", "") == rep.to.replace(" ", "")


def test_clean_splits_glued_function_word():
    doc = _clean("He thanked Ambassador Li Jinjunfor his work.")
    assert doc.text == "He thanked Ambassador Li Jinjun for his work."
    assert [(r.frm, r.to) for r in doc.repairs] == [("Jinjunfor", "Jinjun for")]


@pytest.mark.parametrize(
    "word",
    ["iPhone", "YouTube", "McDonald's", "PowerPoint", "BlackRock", "PlayStation", "LinkedIn", "WhatsApp",
     "TikTok", "PyeongChang", "DeSantis", "MacArthur", "eBay", "DPRK", "Jong-un", "unhappy", "understand"],
)
def test_clean_keeps_camelcase_brands_and_real_words(word):
    text = f"Officials mentioned {word} during the talks."
    assert split_glued(text) == (text, [])


@pytest.mark.parametrize(
    "text",
    [
        "the Kyiv-controlled area and Moscow-backed forces",
        "North Korea-controlled waters near South Korea-backed islands",
        "Washington, Toronto, Putin, Kremlin, Holland, Berlin and Kyoto",
        "1,000 troops, U.S. officials and e.g. visits at 10:30 a.m.",
        "see www.example.com/NewsRoom for details",
    ],
)
def test_split_glued_leaves_ordinary_text_alone(text):
    assert split_glued(text) == (text, [])


# --------------------------------------------------------------------------- offsets


def test_clean_offsets_point_into_clean_text():
    text = (
        "Sat. May 18th, 2024\n\nKim meets envoy | Example News\n\nKim Jong-uncongratulated Li Jinjunfor his work, "
        "according toState-run media.\n\nAdvertisement\n\nThe two sides agreed,according to KCNA, to meet again. "
        "(Kyodo)\n\nLeave a Reply"
    )
    doc = _clean(text)
    for rep in doc.repairs:
        assert doc.text[rep.at : rep.at + len(rep.to)] == rep.to
    for r in doc.removed:
        assert 0 <= r.at <= len(doc.text)
    ad = next(r for r in doc.removed if r.reason == "advertisement")
    assert doc.text[: ad.at].endswith("according to State-run media.")
    assert [r.reason for r in doc.removed] == ["site_date_header", "site_title_suffix", "advertisement", "comment_prompt"]
    assert doc.removed[-1].at == len(doc.text)


# --------------------------------------------------------------------------- language and skipping


@pytest.mark.parametrize(
    "text,code",
    [
        (ARTICLE, "en"),
        ("북한 김정은 국무위원장이 중국 대사를 만났다고 조선중앙통신이 보도했다.", "ko"),
        ("朝鲜最高领导人金正恩会见了中国大使，双方表示将加强合作。", "zh"),
        ("北朝鮮の金正恩総書記は中国の大使と会談した。", "ja"),
        ("Лидер КНДР Ким Чен Ын встретился с послом Китая в Пхеньяне.", "ru"),
        ("التقى الزعيم الكوري الشمالي كيم جونغ أون بالسفير الصيني في بيونغ يانغ.", "ar"),
        ("Le dirigeant nord-coréen a rencontré l'ambassadeur de la Chine dans la capitale pour des discussions.", "fr"),
        ("Der nordkoreanische Machthaber hat den chinesischen Botschafter in der Hauptstadt getroffen und mit ihm gesprochen.", "de"),
        ("El líder norcoreano se reunió con el embajador de China en la capital para hablar de la cooperación.", "es"),
    ],
)
def test_detect_language(text, code):
    lang, conf = detect_language(text)
    assert lang == code
    assert 0.0 < conf <= 1.0


def test_detect_language_undetermined_without_letters():
    assert detect_language("2024 — 12:30 / 45%")[0] == "und"


def test_clean_skips_non_english_document():
    doc = _clean("북한 김정은 국무위원장이 중국 대사를 만났다고 조선중앙통신이 보도했다. 양국 관계가 새로운 단계에 들어섰다.")
    assert doc.language == "ko"
    assert doc.skip_reason == "non-English text (detected: ko)"


def test_clean_skips_document_empty_after_cleaning():
    doc = _clean("Sat. May 18th, 2024\n\nShare\n\nLeave a Reply\n\n")
    assert doc.text == ""
    assert doc.skip_reason == "empty after cleaning"


def test_clean_english_article_is_not_skipped():
    doc = _clean(f"{ARTICLE}\n\n{ARTICLE_2}")
    assert doc.language == "en"
    assert doc.skip_reason is None


# --------------------------------------------------------------------------- false-positive guards


def test_clean_keeps_article_lines_that_start_like_boilerplate():
    lines = [
        "Share prices in Seoul fell after the launch, and the won weakened against the dollar on Friday.",
        "More than 100 officials attended the ceremony in Pyongyang, state media said on Saturday.",
        "Next week, the two leaders are expected to meet again in Beijing for further talks.",
        "Source: officials in Seoul said the missile flew about 600 km before landing in the sea.",
        "Video footage released by KCNA showed Kim inspecting the launch from an observation post.",
    ]
    doc = _clean("\n\n".join(lines))
    assert doc.text == "\n\n".join(lines)
    assert doc.removed == []


def test_line_rules_file_loads_with_known_reasons():
    from dyadscope.clean.boilerplate import _LINE_RULES

    assert {reason for reason, _, _ in _LINE_RULES} >= {
        "share_prompt", "comment_prompt", "click_here_promo", "source_link", "recommended_stories", "byline",
    }
    assert all(max_words > 0 for _, max_words, _ in _LINE_RULES)


# --------------------------------------------------------------------------- speed


def test_clean_is_fast_on_a_typical_page():
    page = "\n\n".join([ARTICLE, ARTICLE_2] * 10 + ["Share", "Recent Posts", "Some headline", "2 days ago"])
    clean(RawDoc(text=page, path="warm.txt"))  # load the vocabulary once
    start = time.perf_counter()
    for _ in range(20):
        clean(RawDoc(text=page, path="p.txt"))
    per_doc_ms = (time.perf_counter() - start) / 20 * 1000
    assert per_doc_ms < 25  # measured ~2 ms; the bound only catches a pathological slowdown


# --------------------------------------------------------------------------- the seed scrapes

SEED_KEEP = {
    "000": [
        "North Korean leader Kim Jong Un and China's high-ranking official Zhao Leji have lauded the commencement",
        "Despite international pressure, notably from the US and its allies, China has consistently shielded",
        "A published photo captures the exchange",
        "China and North Korea reaffirm their commitment to advancing mutual interests and fostering regional stability.",
    ],
    "001": [
        "North Korean leader Kim Jong Un and Zhao Leji, the No. 3 head of China's ruling Communist Party, pledged",
        "The combined photo shows North Korean leader Kim Jong Un (R) (KCNA/Kyodo)",
        "Zhao is the highest-ranking Chinese official to visit North Korea since Xi's trip in June 2019.",
        "Speculation is growing that Kim could visit China later this year to mark the anniversary.",
    ],
    "002": [
        "Kim, Xi hail bond as North Korea says it's going to shield China's pursuits",
        "Goodwill messages continued this week's unprecedented public show of diplomatic unity",
        "In an article revealed on Friday by North Korea's state-run outlet",
        "Kim additionally reportedly informed Putin his nation would \"totally help\" Russia's military",
    ],
    "003": [
        "Top Chinese official visits North Korea to discuss boosting cooperation in highest-level meeting in years",
        "A top Chinese official arrived in North Korea and held talks on how to boost their cooperation",
        "The two also exchanged views on unspecified regional and international issues of mutual concerns, KCNA said.",
        "Kim traveled to Russia in September for a summit with Russian President Vladimir Putin. The U.S., South Korea "
        "and others accuse North Korea of supplying conventional weapons for Russia's war in Ukraine in return for "
        "advanced weapons technologies and other support.",
    ],
    "004": [
        "North Korean Supreme Leader Kim Jong-un congratulated the outgoing Chinese Ambassador Li Jinjun for his efforts",
        "the two countries for the first time signed a Treaty of Friendship, Cooperation and Mutual Assistance, which is "
        "the only treaty of defense that either nation currently has on the books.",
        "China had been a party to the six-party talks aimed at preventing North Korean nuclearization since 2003 and was "
        "hampered by the failed talks.",
    ],
}

SEED_GONE = {
    "000": {"Sat. May 18th, 2024": "site_date_header", "Leave a Reply": "comment_prompt",
            "Your email address will not be published. Required fields are marked *": "comment_prompt"},
    "001": {"Related coverage: China's third leader pledges strong ties": "related_stories",
            "Japan, US and South Korea hold maritime exercise in East China Sea": "related_stories"},
    "002": {"| Xi Jinping Information": "site_title_suffix", "[email]": "email", "5 Min Read": "byline",
            "Beneficial Tales": "recommended_stories", "listing of three objectsfinish of listing": "recommended_stories",
            "Supply hyperlink": "source_link", "Share This Article": "share_prompt", "Leave a comment": "comment_prompt"},
    "003": {"Categories: World": "category_header", "close Video": "video_promo",
            "China has a history of 'unrestricted, asymmetrical' warfare: Anthony Rubin": "video_promo",
            "US, JAPAN AND SOUTH KOREA RUN MILITARY DRILLS IN DISPUTED EAST CHINA SEA": "headline_allcaps",
            "CLICK HERE TO GET THE FOX NEWS APP": "click_here_promo", "Share": "share_prompt",
            "Recent Posts": "related_stories", "Under Armour data breach claims trigger alerts for millions of users":
            "related_stories", "Tiny autonomous robots can now swim on their own": "related_stories",
            "3 days ago": "related_stories"},
    "004": {"date 2021-12-24": "site_date_header", "TrevorFilse is a news and foreign affairs writer": "byline",
            "Image: Reuters": "byline"},
}


def _seed(seeds_dir, key: str) -> CleanDoc:
    (path,) = seeds_dir.glob(f"{key}_*.txt")
    return clean(RawDoc(text=path.read_text(encoding="utf-8"), path=str(path)))


@pytest.mark.parametrize("key", sorted(SEED_KEEP))
def test_seed_keeps_article_sentences(seeds_dir, key):
    doc = _seed(seeds_dir, key)
    for sentence in SEED_KEEP[key]:
        assert sentence in doc.text
    assert doc.language == "en"
    assert doc.skip_reason is None


@pytest.mark.parametrize("key", sorted(SEED_GONE))
def test_seed_removes_boilerplate_with_reasons(seeds_dir, key):
    doc = _seed(seeds_dir, key)
    for piece, reason in SEED_GONE[key].items():
        assert piece not in doc.text
        hits = [r for r in doc.removed if piece in r.text]
        assert hits, f"{piece!r} not recorded as removed"
        assert hits[0].reason == reason
    for r in doc.removed:
        assert 0 <= r.at <= len(doc.text)


def test_seed_003_drops_every_recent_post_and_promo(seeds_dir):
    doc = _seed(seeds_dir, "003")
    for gone in ("Muckraker", "Jesse Watters", "Under Armour", "Amazon", "YouTube", "iPhone", "Humanoid", "hours ago",
                 "CLICK HERE"):
        assert gone not in doc.text
    summit = "Kim traveled to Russia in September for a summit with Russian President Vladimir Putin."
    assert summit in doc.text


def test_seed_002_email_appears_nowhere(seeds_dir):
    doc = _seed(seeds_dir, "002")
    everything = _all_text(doc)
    assert "thesakshamsharm" not in everything
    assert not re.search(r"\S+@\S+\.\w+", everything)


def test_seed_004_records_glued_word_repairs(seeds_dir):
    doc = _seed(seeds_dir, "004")
    got = {(r.frm, r.to) for r in doc.repairs}
    assert {
        ("Jong-uncongratulated", "Jong-un congratulated"),
        ("Jinjunfor", "Jinjun for"),
        ("Korea,according", "Korea, according"),
        ("toState", "to State"),
        ("RyongHae", "Ryong Hae"),
    } <= got
    for r in doc.repairs:
        assert doc.text[r.at : r.at + len(r.to)] == r.to


@pytest.mark.parametrize(
    "key,caption_starts",
    [
        ("001", ["The combined photo shows North Korean leader", "Zhao Leji (center left), number 3 leader"]),
        ("003", ["Choe Ryong Hae, right, vice-chairman of the central committee"]),
    ],
)
def test_seed_captions_are_marked(seeds_dir, key, caption_starts):
    doc = _seed(seeds_dir, key)
    spans = [doc.text[c.start : c.end] for c in doc.captions]
    assert len(spans) == len(caption_starts)
    for span, start in zip(spans, caption_starts):
        assert span.startswith(start)
    assert spans[-1].endswith(("(Kyodo)", "(Korean Central News Agency/Korea News Service via AP)"))


def test_seed_clean_time_per_document(seeds_dir):
    raws = [RawDoc(text=p.read_text(encoding="utf-8"), path=str(p)) for p in sorted(seeds_dir.glob("*.txt"))]
    for raw in raws:
        clean(raw)
    start = time.perf_counter()
    for _ in range(10):
        for raw in raws:
            clean(raw)
    per_doc_ms = (time.perf_counter() - start) / (10 * len(raws)) * 1000
    assert per_doc_ms < 25  # measured ~2 ms on the seeds; generous so a busy CI machine does not flake


@pytest.mark.parametrize("text, dateline", [
    ("PYONGYANG, March 5, 2024 (Reuters) - North Korea fired two missiles.", "PYONGYANG, March 5, 2024 (Reuters) - "),
    ("SEOUL, Jan. 5 (Yonhap) -- North Korea test-fired a cruise missile.", "SEOUL, Jan. 5 (Yonhap) -- "),
    ("WASHINGTON — The United States said on Monday it would talk.", "WASHINGTON — "),
    # a plain hyphen after a place the gazetteer knows (a place alone could be "NATO - ")
    ("KYIV - Russia launched more than 80 drones at Ukraine overnight.", "KYIV - "),
])
def test_a_wire_dateline_is_removed_and_recorded(text, dateline):
    doc = clean(RawDoc(text=text, path="x.txt"))
    assert doc.text == text[len(dateline):]
    assert [(r.text, r.reason) for r in doc.removed] == [(dateline.strip(), "dateline header")]


def test_a_dateline_under_a_headline_is_removed_too():
    # a wire story saved with its headline: the dateline opens the second line, and its
    # place is no actor of the story; under a line that is a sentence, a dateline-like
    # opening stays (it is not the story's start)
    text = "Ukraine condemns strike on Kyiv\n\nKYIV, March 12, 2024 - Ukraine's foreign ministry condemned it."
    doc = clean(RawDoc(text=text, path="x.txt"))
    assert "KYIV," not in doc.text and doc.text.startswith("Ukraine condemns strike on Kyiv")
    assert [(r.text, r.reason) for r in doc.removed] == [("KYIV, March 12, 2024 -", "dateline header")]
    text = "Kim met Xi on Monday.\n\nBEIJING, May 6, 2024 - Wang met Choe."
    assert clean(RawDoc(text=text, path="x.txt")).text == text


@pytest.mark.parametrize("text", ["NATO - the alliance met in Brussels on Monday.",
                                  "US - China talks began in Geneva.", "KCNA said on Monday that it had tested a missile.",
                                  # a plain hyphen between a headline's two sides, even where the
                                  # first is a country or a name some town carries
                                  "CHINA - US relations soured after the tariffs.", "KIM - TRUMP SUMMIT",
                                  "HAMAS - ISRAEL TRUCE HOLDS"])
def test_text_that_only_looks_like_a_dateline_stays(text):
    assert clean(RawDoc(text=text, path="x.txt")).text == text


def test_a_dateline_with_its_year_dates_the_document():
    from dyadscope.dates import publication_date

    doc = clean(RawDoc(text="PYONGYANG, March 5, 2024 (Reuters) - North Korea fired two missiles on Monday, "
                            "a week after the March 11, 2023 talks.", path="x.txt"))
    pub = publication_date(None, doc.text, doc.removed)
    assert (pub.date, pub.method) == ("2024-03-05", "text")
