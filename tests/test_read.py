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
    docs, problems = _split(list(iter_inputs([str(tmp_path)])))
    assert sorted(os.path.basename(d.path) for d in docs) == ["a.txt", "b.txt"]
    assert problems == []


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
    with pytest.raises(ValueError):
        parse_size("lots")
    assert DEFAULT_MAX_BYTES < 50 * 1024 * 1024
