"""Reading input: files, folders, JSONL feeds and stdin become ``RawDoc`` records.

Bad input never stops a batch: each problem is yielded as a ``ReadProblem`` naming the
file (and line) and why, and the caller reports it and goes on. Sizes are checked before
anything is read, so a huge file is refused at once instead of hanging the run.
"""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

from .models import RawDoc, make_doc_id

TEXT_EXTS = {".txt", ".text", ".md"}
HTML_EXTS = {".html", ".htm", ".xhtml"}
JSONL_EXTS = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_EXTS | HTML_EXTS | JSONL_EXTS

# One article is rarely over 1 MB; 10 MB leaves room for long reports while refusing a
# dump mistaken for an article (chosen by hand; raise with --max-size).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
JSONL_FIELDS = ("id", "title", "url", "published", "source")


@dataclass(frozen=True)
class ReadProblem:
    """A file or line that could not be read (``fatal``) or was read with a caveat."""

    path: str
    reason: str
    line: int | None = None
    fatal: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


def iter_inputs(
    paths: Iterable[str],
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: IO[bytes] | None = None,
) -> Iterator[RawDoc | ReadProblem]:
    """Yield documents and problems from files, folders (recursive) and ``-`` (stdin).

    ``fmt`` forces a format ("text", "html", "jsonl"); by default it follows the file
    extension, and stdin is read as JSONL.
    """
    for given in paths:
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            if (fmt or "jsonl") == "jsonl":
                yield from _read_jsonl_stream(stream, "<stdin>", max_bytes)
            else:
                yield from _read_blob(stream.read(max_bytes + 1), "<stdin>", fmt or "text", max_bytes)
            continue
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink()):
                if child.suffix.lower() in SUPPORTED:
                    yield from _read_file(child, fmt, max_bytes)
        elif path.exists() or path.is_symlink():
            yield from _read_file(path, fmt, max_bytes)
        else:
            yield ReadProblem(str(path), "no such file or folder")


def _format_for(path: Path, fmt: str | None) -> str | None:
    if fmt:
        return fmt
    ext = path.suffix.lower()
    if ext in TEXT_EXTS:
        return "text"
    if ext in HTML_EXTS:
        return "html"
    if ext in JSONL_EXTS:
        return "jsonl"
    return None


def _read_file(path: Path, fmt: str | None, max_bytes: int) -> Iterator[RawDoc | ReadProblem]:
    kind = _format_for(path, fmt)
    name = str(path)
    if kind is None:
        yield ReadProblem(name, f"unsupported file type {path.suffix!r}; use .txt, .html or .jsonl, or --format")
        return
    try:
        size = path.stat().st_size
        if kind == "jsonl":
            with path.open("rb") as fh:
                yield from _read_jsonl_stream(fh, name, max_bytes)
            return
        if size > max_bytes:
            yield ReadProblem(name, _too_big(size, max_bytes))
            return
        data = path.read_bytes()
    except FileNotFoundError:
        yield ReadProblem(name, "file not found (a broken link?)")
        return
    except PermissionError:
        yield ReadProblem(name, "permission denied")
        return
    except IsADirectoryError:
        yield ReadProblem(name, "is a folder, not a file")
        return
    except OSError as exc:
        yield ReadProblem(name, f"cannot read: {exc.strerror or exc}")
        return
    yield from _read_blob(data, name, kind, max_bytes)


def _too_big(size: int, limit: int) -> str:
    return (
        f"{size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for one document; "
        "raise it with --max-size (e.g. --max-size 100MB) or DYADSCOPE_MAX_SIZE"
    )


def _read_blob(data: bytes, name: str, kind: str, max_bytes: int) -> Iterator[RawDoc | ReadProblem]:
    if len(data) > max_bytes:
        yield ReadProblem(name, _too_big(len(data), max_bytes))
        return
    if not data.strip():
        yield ReadProblem(name, "empty file")
        return
    text, warning = decode_text(data)
    if text is None:
        yield ReadProblem(name, warning or "cannot decode")
        return
    if warning:
        yield ReadProblem(name, warning, fatal=False)
    if kind == "html":
        yield from _from_html(text, name)
    else:
        yield RawDoc(text=text, path=name, fmt="text")


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """Decode bytes as UTF-8 (BOM aware), falling back to cp1252 then latin-1.

    Returns ``(text, note)``: text None means the bytes are not text at all (binary).
    """
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, "binary file (contains NUL bytes), not text"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, "invalid UTF-16 despite its byte-order mark"
    try:
        text = data.decode("utf-8-sig")
        note = None
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
            enc = "cp1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            enc = "latin-1"
        note = f"invalid UTF-8 at byte {exc.start}; read as {enc}"
    if _looks_binary(text):
        return None, "binary content (mostly control characters), not text"
    return text, note


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0x80 <= ord(ch) < 0xA0)
    return bad / len(sample) > 0.05


def _from_html(html: str, name: str) -> Iterator[RawDoc | ReadProblem]:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if result is None:
        yield ReadProblem(name, "no article text found in the HTML")
        return
    meta = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = meta.get("text") or ""
    if not text.strip():
        yield ReadProblem(name, "no article text found in the HTML")
        return
    yield RawDoc(
        text=text,
        path=name,
        url=meta.get("url") or None,
        source=meta.get("sitename") or None,
        title=meta.get("title") or None,
        published=meta.get("date") or None,
        fmt="html",
        doc_id=make_doc_id(html, meta.get("url") or meta.get("sitename")),
    )


def _read_jsonl_stream(stream: IO[bytes], name: str, max_bytes: int) -> Iterator[RawDoc | ReadProblem]:
    any_line = False
    for lineno, line in enumerate(_bounded_lines(stream, max_bytes), start=1):
        if line is None:
            yield ReadProblem(name, "line " + _too_big(max_bytes + 1, max_bytes), line=lineno)
            continue
        if not line.strip():
            continue
        any_line = True
        try:
            obj = json.loads(line.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            yield ReadProblem(name, f"invalid UTF-8 at byte {exc.start}", line=lineno)
            continue
        except json.JSONDecodeError as exc:
            yield ReadProblem(name, f"malformed JSON: {exc.msg} (column {exc.colno})", line=lineno)
            continue
        yield _from_record(obj, name, lineno)
    if not any_line:
        yield ReadProblem(name, "empty file")


def _bounded_lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """Lines of a stream; an over-long line yields None once, and is skipped, not buffered."""
    reader = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    while True:
        line = reader.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the line in bounded pieces
                rest = reader.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def _from_record(obj: object, name: str, lineno: int) -> RawDoc | ReadProblem:
    if not isinstance(obj, dict):
        return ReadProblem(name, "each line must be a JSON object with a \"text\" field", line=lineno)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return ReadProblem(name, "missing or empty \"text\" field", line=lineno)
    fields = {}
    for key in JSONL_FIELDS:
        value = obj.get(key)
        if value is not None and not isinstance(value, (str, int)):
            return ReadProblem(name, f"field {key!r} must be a string", line=lineno)
        fields[key] = str(value).strip() or None if value is not None else None
    ident = fields.pop("id") or str(lineno)
    return RawDoc(text=text, path=f"{name}#{ident}", fmt="jsonl", **fields)


def parse_size(value: str) -> int:
    """Parse '10MB', '500k', '1G' or a byte count."""
    units = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
    v = value.strip().lower().replace(" ", "")
    num = v.rstrip("kmgb")
    unit = v[len(num):]
    if not num or unit not in units:
        raise ValueError(f"not a size: {value!r} (try 10MB)")
    return int(float(num) * units[unit])


def env_max_bytes() -> int:
    raw = os.environ.get("DYADSCOPE_MAX_SIZE")
    return parse_size(raw) if raw else DEFAULT_MAX_BYTES
