"""E-mail addresses: masked in every form, in every stored field (issue 11)."""

import json

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from dyadscope.cli import main
from dyadscope.privacy import EMAIL_MASK, EMAIL_RE, find_emails, mask_emails, may_hold_email


@pytest.mark.parametrize("text", [
    "john.doe@example.com",
    "J.O'Neil+news@sub.example.co.uk",
    "müller@bücher.de",
    "用户@例子.广告",
    "ivan@пример.рф",
    "name [at] example.com",
    "name [ at ] example [ dot ] org",
    "name(at)example(dot)com",
    "name{at}example{dot}com",
    "name <at> example.com",
    "x at y dot com",
    "press AT ministry DOT gov DOT uk",
    "john%40example.com",
    "bob＠example.jp",
    "[email protected]",
])
def test_mask_emails_masks_every_form(text):
    masked = mask_emails(f"Contact {text} for details.")
    assert masked == f"Contact {EMAIL_MASK} for details.", masked


# addresses of every form, built from random parts and set in random prose: the cheap
# pre-check must let through every text the full pattern finds an address in, or an
# address would be kept
_AT = st.sampled_from(["@", "＠", "%40", " at ", " AT ", "[at]", " (at) ", "{ @ }", "<at>"])
_DOT = st.sampled_from([".", " dot ", " DOT ", "(dot)", " [ . ] ", "{dot}"])
_WORD = st.sampled_from(["john", "x", "müller", "press", "example", "mofa", "gov", "co"])
_TLD = st.sampled_from(["com", "uk", "org", "de", "xn--p1ai", "jp"])
_ADDRESS = st.tuples(_WORD, _AT, _WORD, st.lists(st.tuples(_DOT, _WORD), max_size=2), _DOT, _TLD).map(
    lambda t: t[0] + t[1] + t[2] + "".join(a + b for a, b in t[3]) + t[4] + t[5])
_PROSE = st.sampled_from(["", "Contact ", "met at noon; ", "[update] ", "the dot-com era, ", "(AP) "])


@settings(max_examples=300, deadline=None)
@given(_PROSE, st.one_of(_ADDRESS, st.sampled_from(["[email protected]", "[ e-mail withheld ]"])), _PROSE)
def test_the_pre_check_passes_every_text_holding_an_address(before, address, after):
    text = before + address + " " + after
    if EMAIL_RE.search(text):
        assert may_hold_email(text), text


@pytest.mark.parametrize("text", [
    "Kim met Xi at Beijing on Thursday.",
    "He stood at the dot of noon.",
    "Shares rose at home dot com retailers.",
    "The talks at Geneva ended at 5 p.m.",
    "The dot-com bubble burst in 2000.",
    "Visit example.com for more.",
    "Follow @KCNA_news on X.",
    "The ratio was 3 @ 4%.",
    "Officials met at a hotel. Dot matrix printers were seen.",
])
def test_mask_emails_leaves_prose_alone(text):
    assert mask_emails(text) == text
    assert find_emails(text) == []


def test_mask_emails_is_linear_on_hostile_text():
    import time

    for piece in ("a.b", "x at y ", "a@", "name [at] "):
        small, big = piece * 20_000, piece * 200_000
        t0 = time.perf_counter()
        mask_emails(small)
        t1 = time.perf_counter()
        mask_emails(big)
        t2 = time.perf_counter()
        assert (t2 - t1) < 20 * max(t1 - t0, 0.005), (piece, t1 - t0, t2 - t1)


PLANTED = [  # (form as written, a token of it that must not survive anywhere)
    ("zqplanta@zqdomaina.com", "zqplanta"),
    ("zqplantb [at] zqdomainb.org", "zqplantb"),
    ("zqplantc(at)zqdomainc(dot)com", "zqplantc"),
    ("zqplantd at zqdomaind dot com", "zqplantd"),
    ("zqplante@zqdomaine.de", "zqdomaine"),
    ("zqplantü@zqdomainü.de", "zqplantü"),
    ("zqplantf%40zqdomainf.net", "zqplantf"),
    ("zqplantg@zqdomaing.io", "zqplantg"),
    ("zqplanth@zqdomainh.com", "zqplanth"),
    ("zqplanti@zqdomaini.com", "zqplanti"),
    ("zqplantj{at}zqdomainj{dot}org", "zqplantj"),
    ("zqplantk@zqdomaink.com", "zqplantk"),
    ("zqplantl@zqdomainl.com", "zqplantl"),
]


def test_no_planted_address_is_stored_anywhere(tmp_path):
    a, b, c, d, e, f, g, h, i, j, k, l_, m = (p for p, _ in PLANTED)
    folder = tmp_path / "in"
    folder.mkdir()
    body = ("North Korean leader Kim Jong Un met Chinese President Xi Jinping in Beijing on Thursday, "
            "state media reported.\nThe two leaders discussed trade and tourism.\n")
    (folder / f"story {a}.txt").write_text(
        body + f"Reporting by Lee; e-mail {b} with tips.\n"
        f"South Korea protested, a spokesman, reachable as {c}, told reporters in Seoul.\n"
        f"Contact: {d}\n", encoding="utf-8")
    feed = [
        {"id": e, "title": f"Kim meets Xi ({f})", "url": f"https://example.com/a?c={f}&u={g}",
         "source": h, "published": f"2025-09-05 {i}",
         "text": body + f"Japan condemned the meeting, said {j} of the foreign ministry.\n{k}"},
        {"id": "2", "text": body.replace("Thursday", "Friday") + f"Send letters to {l_}. Or {m}.",
         "published": "2025-09-06"},
    ]
    (folder / "feed.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in feed),
                                       encoding="utf-8")
    db = tmp_path / "s.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db))
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    tokens = [t.lower() for _, t in PLANTED]
    checked = 0
    for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' AND data_type NOT IN ('INTEGER','BIGINT','DOUBLE','FLOAT','BOOLEAN',"
            "'DATE','TIMESTAMP','SMALLINT','TINYINT','HUGEINT','UBIGINT','UINTEGER','DECIMAL')").fetchall():
        if table.startswith("v_"):
            continue
        rows = con.execute(f'SELECT lower(CAST("{column}" AS VARCHAR)) FROM "{table}"').fetchall()
        checked += 1
        for (value,) in rows:
            if value is None:
                continue
            for token in tokens:
                assert token not in value, (table, column, value[:300])
            assert "@" not in value or "@" not in mask_emails(value), (table, column)
    assert checked >= 20
    raw = con.execute("SELECT raw_text, title, url, source, path, published_given FROM documents").fetchall()
    assert any(EMAIL_MASK in (v or "") for row in raw for v in row)
    con.execute("CHECKPOINT")
    con.close()
    data = db.read_bytes()
    for token in tokens:
        for enc in ("utf-8", "utf-16-le"):
            assert token.encode(enc) not in data, token
