import io
import json
import os

import pytest

from dyadscope.read import DEFAULT_MAX_BYTES, ReadProblem, decode_text, iter_inputs, parse_size
from dyadscope.models import RawDoc


def _split(items):
    docs = [i for i in items if isinstance(i, RawDoc)]
    problems = [i for i in items if isinstance(i, ReadProblem)]
    return docs, problems


def test_read_folder_recursively_by_extension(tmp_path):
    (tmp_path / "a.txt").write_text("North Korea said something.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("China said something else.", encoding="utf-8")
    (tmp_path / "sub" / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "sub" / "feed.json").write_text("[]", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "objects" / "ab12").write_bytes(b"\0")
    docs, problems = _split(list(iter_inputs([str(tmp_path)])))
    assert sorted(os.path.basename(d.path) for d in docs) == ["a.txt", "b.txt"]
    # the files of other types are not read, and one warning (not a failure) says so;
    # hidden files, and what hidden folders hold, are not counted
    [warning] = problems
    assert not warning.fatal and warning.path == str(tmp_path)
    assert "2 files not read" in warning.reason and ".json (1), .pdf (1)" in warning.reason


def test_read_txt_strips_bom_and_falls_back_to_cp1252(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffKim met Xi.".encode("utf-8"))
    (tmp_path / "cp.txt").write_bytes("Kim met Xi \u2013 again.".encode("cp1252"))
    items = list(iter_inputs([str(tmp_path / "bom.txt"), str(tmp_path / "cp.txt")]))
    docs, problems = _split(items)
    assert docs[0].text == "Kim met Xi."
    assert docs[1].text == "Kim met Xi \u2013 again."
    assert len(problems) == 1 and not problems[0].fatal
    assert "invalid UTF-8" in problems[0].reason and problems[0].path.endswith("cp.txt")


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"   \n\n", "empty file"),
        (b"\x00\x01\x02binary\x00" * 50, "binary"),
        (bytes(range(0, 32)) * 40, "binary"),
    ],
)
def test_read_bad_txt_is_one_problem_naming_the_file(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    docs, problems = _split(list(iter_inputs([str(path)])))
    assert docs == []
    assert len(problems) == 1 and problems[0].fatal
    assert reason in problems[0].reason
    assert str(path) in str(problems[0])


def test_read_refuses_oversized_file_before_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing to read
    docs, problems = _split(list(iter_inputs([str(path)])))
    assert docs == []
    assert "limit" in problems[0].reason and "--max-size" in problems[0].reason


def test_read_jsonl_reports_malformed_line_and_keeps_the_rest(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": "First article.", "published": "2024-04-12", "source": "Wire"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Third article."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, problems = _split(list(iter_inputs([str(path)])))
    assert [d.path for d in docs] == [f"{path}#a1", f"{path}#4"]
    assert docs[0].published == "2024-04-12" and docs[0].source == "Wire"
    assert [(p.line, p.fatal) for p in problems] == [(2, True), (3, True)]
    assert "malformed JSON" in problems[0].reason
    assert '"text"' in problems[1].reason


def test_read_stdin_jsonl_and_text():
    feed = io.BytesIO(b'{"id": "x", "text": "Kim met Xi."}\n')
    docs, _ = _split(list(iter_inputs(["-"], stdin=feed)))
    assert docs[0].path == "<stdin>#x"
    docs, _ = _split(list(iter_inputs(["-"], fmt="text", stdin=io.BytesIO(b"Plain text news."))))
    assert docs[0].text == "Plain text news."


def test_read_missing_and_dangling_paths(tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    _, problems = _split(list(iter_inputs([str(tmp_path / "absent.txt"), str(link)])))
    assert [p.fatal for p in problems] == [True, True]
    assert "no such file" in problems[0].reason
    assert "not found" in problems[1].reason


def test_read_html_extracts_text_and_metadata(tmp_path):
    html = (
        "<html><head><title>Kim meets Zhao</title>"
        "<meta property='article:published_time' content='2024-04-13'></head><body><article>"
        "<h1>Kim meets Zhao</h1><p>North Korean leader Kim Jong Un met Zhao Leji in Pyongyang on "
        "Saturday, state media said, in the highest-level talks between the two in years.</p>"
        "<p>The two sides pledged to deepen ties during the anniversary year of relations.</p>"
        "</article></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    docs, problems = _split(list(iter_inputs([str(tmp_path)])))
    assert problems == []
    assert "Kim Jong Un met Zhao Leji" in docs[0].text
    assert docs[0].title == "Kim meets Zhao"
    assert docs[0].published == "2024-04-13"


def test_doc_id_depends_on_raw_text_and_origin_only():
    a = RawDoc(text="Same wire story.", path="a.txt")
    b = RawDoc(text="Same wire story.", path="b.txt", title="other title")
    c = RawDoc(text="Same wire story.", path="c.txt", url="https://outlet.example/x")
    assert a.doc_id == b.doc_id
    assert a.doc_id != c.doc_id


def test_decode_text_rejects_nul_bytes():
    text, note = decode_text(b"abc\x00def")
    assert text is None and "binary" in note


def test_parse_size():
    assert parse_size("10MB") == 10 * 1024 * 1024
    assert parse_size("500k") == 500 * 1024
    assert parse_size("2048") == 2048
    for bad in ("lots", "-5", "MB"):
        with pytest.raises(ValueError, match="not a size"):
            parse_size(bad)
    assert DEFAULT_MAX_BYTES < 50 * 1024 * 1024


# --------------------------------------------------------------------------- hardening (issue 11)

def _one_problem(items, where):
    docs, problems = _split(items)
    assert docs == []
    assert len(problems) == 1 and problems[0].fatal, problems
    assert str(problems[0]).startswith(where), str(problems[0])
    return problems[0]


@pytest.mark.parametrize("line, reason", [
    ('{"text": "Kim met Xi.", "id": ' + "9" * 5000 + "}", "malformed JSON"),
    ('{"text": "Kim met Xi \\ud800 in Beijing."}', "lone surrogate"),
    ('{"text": "Kim met Xi.", "title": "\\udfff"}', "lone surrogate"),
    ("[" * 1000 + "]" * 1000, "nested"),
    ('{"text": "Kim met Xi.", "x": ' + "[" * 100000 + "]" * 100000 + "}", "nested"),
    ('{"text": "Kim met Xi.", "id": true}', "must be a string"),
    ('{"id": "f5", "text": 12}', '"text" must be a string, not a number'),  # was "missing or empty"
])
def test_read_jsonl_hostile_line_is_one_problem_naming_file_and_line(tmp_path, line, reason):
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"text": "China and North Korea held talks."})
    path.write_text(good + "\n" + line + "\n" + good.replace("talks", "more talks") + "\n", encoding="utf-8")
    docs, problems = _split(list(iter_inputs([str(path)])))
    assert [d.path for d in docs] == [f"{path}#1", f"{path}#3"]
    assert len(problems) == 1 and problems[0].line == 2 and reason in problems[0].reason
    assert str(problems[0]).startswith(f"{path}:2: ")


def test_json_depth_ignores_brackets_inside_strings():
    from dyadscope.read import json_depth
    assert json_depth('{"text": "[[[[{{{{ \\" [[[ \\\\"}') == 1
    assert json_depth('{"a": [{"b": [1]}]}') == 4
    assert json_depth('"\\\\" [[') == 2


def test_read_refuses_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    problem = _one_problem(list(iter_inputs([str(fifo)])), str(fifo))
    assert "FIFO" in problem.reason and "regular file" in problem.reason


def test_read_refuses_link_to_dev_zero_inside_a_folder(tmp_path):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "ok.txt").write_text("North Korea said something.", encoding="utf-8")
    docs, problems = _split(list(iter_inputs([str(tmp_path)])))
    assert [os.path.basename(d.path) for d in docs] == ["ok.txt"]
    assert len(problems) == 1 and "device" in problems[0].reason
    assert problems[0].path.endswith("zero.txt")


def test_read_checks_size_on_bytes_read_not_on_stat(tmp_path, monkeypatch):
    path = tmp_path / "grows.txt"
    path.write_bytes(b"word " * 400)
    real_fstat = os.fstat

    class Small:  # stat claims 10 bytes; reading must still stop at the limit
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    problem = _one_problem(list(iter_inputs([str(path)], max_bytes=1000)), str(path))
    assert "limit" in problem.reason


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_read_reports_unreadable_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("China said something.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("North Korea said something.", encoding="utf-8")
    locked.chmod(0)
    try:
        docs, problems = _split(list(iter_inputs([str(tmp_path)])))
    finally:
        locked.chmod(0o755)
    assert [os.path.basename(d.path) for d in docs] == ["b.txt"]
    assert len(problems) == 1 and "permission denied" in problems[0].reason
    assert problems[0].path == str(locked)


def test_read_non_utf8_file_name_is_stored_as_valid_text(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(b"North Korea said something.")
    docs, problems = _split(list(iter_inputs([str(tmp_path)])))
    assert problems == []
    assert docs[0].path.endswith("caf\\xe9.txt")
    docs[0].path.encode("utf-8")  # storable


@pytest.mark.parametrize("content", [b"\x9a", b"\xe4\xf1", b"\xc3\x28\xfa\xfb\xfc\xfd", b"\x8f\xb2x\xd5\xe9\xaa\xd0\x17\xf0\x91",
                                     b"ab", b"x1 y"])
def test_read_tiny_random_file_is_not_a_document(tmp_path, content):
    path = tmp_path / "r.txt"
    path.write_bytes(content)
    _one_problem(list(iter_inputs([str(path)])), str(path))


def test_read_detects_utf32_by_its_bom(tmp_path):
    for codec in ("utf-32-le", "utf-32-be"):
        path = tmp_path / f"{codec}.txt"
        bom = b"\xff\xfe\x00\x00" if codec.endswith("le") else b"\x00\x00\xfe\xff"
        path.write_bytes(bom + "Kim met Xi in Beijing.".encode(codec))
        docs, problems = _split(list(iter_inputs([str(path)])))
        assert problems == [] and docs[0].text == "Kim met Xi in Beijing."


def test_read_jsonl_fields_hold_no_email_address(tmp_path):
    path = tmp_path / "feed.jsonl"
    rec = {"text": "Write to kim@example.org or lee [at] example.com.", "title": "From x@y.com",
           "url": "https://example.com/?c=a%40b.org", "source": "desk(at)wire(dot)com", "id": "j@k.io"}
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    (doc,) = list(iter_inputs([str(path)]))
    for value in (doc.text, doc.title, doc.url, doc.source, doc.path):
        assert "@" not in value and "[at]" not in value and "(at)" not in value, value
    assert doc.text == "Write to [email] or [email]."


def test_read_reports_folder_it_cannot_list_even_as_root(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("China said something.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("North Korea said something.", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    docs, problems = _split(list(iter_inputs([str(tmp_path)])))
    assert [os.path.basename(d.path) for d in docs] == ["b.txt"]
    assert len(problems) == 1 and "permission denied" in problems[0].reason
    assert problems[0].path == str(locked)


def test_read_eight_random_bytes_found_by_fuzzing_are_not_a_document(tmp_path):
    path = tmp_path / "bad00021.txt"
    path.write_bytes(bytes.fromhex("35387a4696657699"))  # "58zF–ev™" as cp1252
    _one_problem(list(iter_inputs([str(path)])), str(path))


# --------------------------------------------------------------------------- dates of undated input


def test_jsonl_date_field_names_where_the_publication_date_is(tmp_path):
    f = tmp_path / "feed.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "Kim Jong Un met Xi Jinping.", "pubDate": "2024-04-13"}) + "\n"
                 + json.dumps({"id": "b", "text": "Xi Jinping met Kim Jong Un.", "published": "2024-04-14"}) + "\n")
    docs, problems = _split(list(iter_inputs([str(f)], date_field="pubDate")))
    assert problems == []
    assert [d.published for d in docs] == ["2024-04-13", "2024-04-14"]  # else `published`
    docs, _ = _split(list(iter_inputs([str(f)])))
    assert [d.published for d in docs] == [None, "2024-04-14"]  # a field of its own name is read only when named


def test_jsonl_bad_published_is_one_warning_with_its_line_and_the_document_kept(tmp_path):
    f = tmp_path / "feed.jsonl"
    f.write_text(json.dumps({"text": "Kim Jong Un met Xi Jinping.", "published": "2024-04-13"}) + "\n"
                 + json.dumps({"text": "Xi Jinping met Kim Jong Un.", "published": "2024-13-45"}) + "\n")
    docs, problems = _split(list(iter_inputs([str(f)])))
    assert [d.published for d in docs] == ["2024-04-13", None]
    [warning] = problems
    assert (warning.line, warning.fatal) == (2, False)
    assert "'published'" in warning.reason and "2024-13-45" in warning.reason


def test_default_date_rides_on_every_document_read(tmp_path):
    (tmp_path / "a.txt").write_text("Kim Jong Un met Xi Jinping in Beijing.", encoding="utf-8")
    [doc] = iter_inputs([str(tmp_path / "a.txt")], default_date="2024-06-01")
    assert doc.default_date == "2024-06-01" and doc.published is None


@pytest.mark.parametrize("head, expected", [
    ('<meta property="article:published_time" content="2024-04-13T08:00:00Z">', "2024-04-13"),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-04-14"}</script>',
     "2024-04-14"),
    ('<meta name="date" content="2024-04-15">', "2024-04-15"),
    ('<link rel="canonical" href="https://example.com/news/2024/04/16/kim-xi">', "2024-04-16"),
    ("", None),  # a date written in the text is the dater's to read (method text), not metadata
])
def test_html_date_comes_from_the_markup_only(tmp_path, head, expected):
    body = "<p>" + "Kim Jong Un met Xi Jinping in Beijing on Thursday, state media said. " * 5 + \
           "</p><p>Posted 12 March 2023.</p>"
    (tmp_path / "a.html").write_text(f"<html><head>{head}<title>T</title></head><body><article>{body}"
                                     "</article></body></html>", encoding="utf-8")
    [doc] = iter_inputs([str(tmp_path / "a.html")])
    assert doc.published == expected


def test_count_inputs_counts_files_and_jsonl_lines(tmp_path):
    from dyadscope.read import count_inputs

    (tmp_path / "a.txt").write_text("Kim Jong Un met Xi Jinping.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "feed.jsonl").write_text('{"text": "a b c"}\n{"text": "d e f"}\n{"text": "g h i"}')
    (tmp_path / "sub" / "notes.pdf").write_bytes(b"%PDF")
    assert count_inputs([str(tmp_path)]) == 4
    assert count_inputs([str(tmp_path / "a.txt"), "-"]) is None  # stdin: unknown
    items = list(iter_inputs([str(tmp_path)]))
    # every document or failed input counts; the warning about notes.pdf advances nothing
    inputs = [i for i in items if not (isinstance(i, ReadProblem) and not i.fatal)]
    assert len(inputs) == count_inputs([str(tmp_path)]) and len(items) == len(inputs) + 1


def test_a_json_error_names_the_column_in_its_own_line():
    from dyadscope.read import read_line

    (problem,) = read_line(b'{"id": "b", "text": "x",\n', "feed.jsonl", 3)  # cut after a comma
    assert isinstance(problem, ReadProblem) and problem.line == 3
    assert "(column 25)" in str(problem)


def test_a_small_size_limit_is_reported_in_bytes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("North Korea fired a missile. " * 10)
    _, problems = _split(list(iter_inputs([str(path)], max_bytes=100)))
    assert "over the 100 bytes limit" in problems[0].reason


def test_jsonl_date_is_read_from_date_when_there_is_no_published(tmp_path):
    # "date" is what `dyadscope code` reads: ingest reads it too when "published" is absent,
    # so one file dates its documents alike in both commands; "published" wins over "date"
    f = tmp_path / "feed.jsonl"
    f.write_text('{"id": "a", "text": "Iran and Iraq signed a trade deal.", "date": "2024-02-09"}\n'
                 '{"id": "b", "text": "Iran and Iraq signed a trade deal.", "published": "2024-03-01", "date": "2024-02-09"}\n'
                 '{"id": "c", "text": "Iran and Iraq signed a trade deal.", "date": "soon"}\n', encoding="utf-8")
    docs, problems = _split(list(iter_inputs([str(f)])))
    assert [d.published for d in docs] == ["2024-02-09", "2024-03-01", None]
    assert len(problems) == 1 and "field 'date' is not a date" in problems[0].reason and problems[0].line == 3


def test_a_date_that_is_not_a_string_is_a_warning_and_the_document_is_kept(tmp_path):
    # as `dyadscope code` treats it: a list or an object is not a date (even one holding a
    # date), so the document is stored undated and the line named, not dropped
    f = tmp_path / "feed.jsonl"
    f.write_text('{"id": "a", "text": "Iran and Iraq signed a trade deal.", "published": ["2024-02-09"]}\n'
                 '{"id": "b", "text": "Iran and Iraq signed a trade deal.", "date": {"day": "2024-02-09"}}\n'
                 '{"id": "c", "text": "Iran and Iraq signed a trade deal.", "published": "2024-02-09"}\n', encoding="utf-8")
    docs, problems = _split(list(iter_inputs([str(f)])))
    assert [d.path.split("#")[1] for d in docs] == ["a", "b", "c"]
    assert [d.published for d in docs] == [None, None, "2024-02-09"]
    assert [(p.line, p.fatal) for p in problems] == [(1, False), (2, False)]
    assert "field 'published' is not a date: [\"2024-02-09\"]" in problems[0].reason
    assert "field 'date' is not a date" in problems[1].reason and "stored without it" in problems[1].reason


def test_a_publication_date_in_the_future_is_reported_and_dropped(tmp_path):
    """A feed cannot have published a story after tomorrow: such a date (a typo, a
    placeholder) is a warning naming the line, and the document is kept undated."""
    from datetime import date, timedelta

    later = (date.today() + timedelta(days=3)).isoformat()
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Ruritania and Borduria signed a treaty.", "published": later})
                    + "\n" + json.dumps({"id": "b", "text": "Talks went on.", "published": date.today().isoformat()})
                    + "\n", encoding="utf-8")
    items = list(iter_inputs([str(path)]))
    problems = [i for i in items if isinstance(i, ReadProblem)]
    docs = [i for i in items if not isinstance(i, ReadProblem)]
    assert len(problems) == 1 and problems[0].line == 1 and not problems[0].fatal
    assert "'published' is in the future" in problems[0].reason
    assert [d.published for d in docs] == [None, date.today().isoformat()]
