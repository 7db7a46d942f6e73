"""Reading input: files, folders, JSONL feeds and stdin become ``RawDoc`` records.

Bad input never stops a batch: each problem is yielded as one ``ReadProblem`` naming the
file (and line) and why, and the caller reports it and goes on. The guards, and why:

* Only regular files are read. A path is opened without blocking and checked on the open
  descriptor, so a FIFO named ``x.txt`` or a link to ``/dev/zero`` is refused at once
  instead of hanging the run or reading until memory runs out.
* Size is checked on the bytes actually read (at most the limit plus one), never on what
  ``stat`` claims, so a file that grows or lies about its size cannot get past it.
* Folders are walked without following links to folders; one that cannot be listed
  (``chmod 000``) is reported, not skipped in silence.
* File names that are not valid UTF-8 are kept as a readable, storable string (the odd
  bytes written ``\\xff``); the file itself is opened by its real name.
* JSON lines: integers longer than Python will convert, nesting deeper than the parser's
  stack and lone surrogates (``"\\ud800"``) each become a message for their line.
* A file must look like text: UTF-32/UTF-16 by their byte-order marks, else UTF-8, else
  cp1252 only when the result is mostly ASCII (random bytes are not a document), and at
  least three words.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
from collections import Counter
from dataclasses import dataclass, replace
from typing import IO, Iterable, Iterator

from .models import RawDoc, make_doc_id, safe_text

TEXT_EXTS = {".txt", ".text", ".md"}
HTML_EXTS = {".html", ".htm", ".xhtml"}
JSONL_EXTS = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_EXTS | HTML_EXTS | JSONL_EXTS

# One article is rarely over 1 MB; 10 MB leaves room for long reports while refusing a
# dump mistaken for an article (chosen by hand; raise with --max-size).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
JSONL_FIELDS = ("id", "title", "url", "published", "source")
# JSON nested deeper than this is refused before parsing (an article needs one level);
# well under the interpreter's recursion limit so the parser itself never hits it.
MAX_JSON_DEPTH = 64
# Text read through the cp1252 fallback must be mostly ASCII: real cp1252/latin-1 news has
# a few accented letters, random bytes about half (chosen on the fuzz corpus, `make fuzz`).
MAX_FALLBACK_NON_ASCII = 0.3
# A file must hold at least this many words to be a document (a headline has more), and a
# file that is not UTF-8 at least this many characters: 1-10 random bytes often decode as
# cp1252 letters (found by tools/fuzz_ingest.py).
MIN_WORDS = 3
MIN_FALLBACK_CHARS = 16
_WORD = re.compile(r"[^\W\d_]{2,}")
HTML_DATE_PARAMS = {"original_date": True, "extensive_search": False}
_CHUNK = 1 << 20
NOT_FOUND = "file not found (a broken link?)"


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


def display_name(path: str | bytes | os.PathLike) -> str:
    """A file name as a valid Unicode string: bytes that are not UTF-8 written as ``\\xff``."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace")


def iter_inputs(
    paths: Iterable[str],
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: IO[bytes] | None = None,
    *,
    date_field: str | None = None,
    default_date: str | None = None,
) -> Iterator[RawDoc | ReadProblem]:
    """Yield documents and problems from files, folders (recursive) and ``-`` (stdin).

    ``fmt`` forces a format ("text", "html", "jsonl"); by default it follows the file
    extension, and stdin is read as JSONL. ``date_field`` names the JSONL field that holds
    the publication date (else ``published``); ``default_date`` (YYYY-MM-DD) goes on every
    document, to date those nothing else dates (``RawDoc.default_date``).
    """
    items = _iter_inputs(paths, fmt, max_bytes, stdin, date_field)
    if not default_date:
        yield from items
        return
    for item in items:
        yield replace(item, default_date=default_date) if isinstance(item, RawDoc) else item


def _iter_inputs(paths, fmt, max_bytes, stdin, date_field) -> Iterator[RawDoc | ReadProblem]:
    for given in paths:
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            if (fmt or "jsonl") == "jsonl":
                yield from _read_jsonl_stream(stream, "<stdin>", max_bytes, date_field)
            else:
                yield from _read_blob(stream.read(max_bytes + 1), "<stdin>", fmt or "text", max_bytes)
            continue
        if os.path.isdir(given):  # a link to a folder named on the command line is followed once
            yield from _walk(given, fmt, max_bytes, date_field)
        elif os.path.lexists(given):
            yield from _read_file(given, fmt, max_bytes, date_field)
        else:
            yield ReadProblem(display_name(given), "no such file or folder")


def count_inputs(paths: Iterable[str], fmt: str | None = None) -> int | None:
    """About how many documents (or failures) ``iter_inputs`` will yield: one a file, one a
    JSONL line (newlines counted in 1 MB pieces, no parsing); None when stdin is read. For
    the progress bar's total, percentage and ETA."""
    total = 0
    for given in paths:
        if given == "-":
            return None
        if os.path.isdir(given):
            for folder, dirs, files in os.walk(given):
                dirs.sort()
                total += sum(_count_file(os.path.join(folder, name), fmt) for name in files
                             if os.path.splitext(name)[1].lower() in SUPPORTED)
        else:
            total += _count_file(given, fmt)
    return total


def _count_file(path: str, fmt: str | None) -> int:
    if _format_for(path, fmt) != "jsonl":
        return 1
    fd, _ = _open_regular(path)
    if fd is None:
        return 1  # its problem is one line
    lines, last = 0, b"\n"
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(1, lines + (last != b"\n"))


def walk(top: str) -> Iterator[str | ReadProblem]:
    """The supported files under ``top``, sorted, without following links to folders; folders
    that cannot be listed as problems; and last, one warning naming how many files of other
    types were not read (hidden files such as ``.DS_Store`` and what hidden folders such as
    ``.git`` hold aside), so none go unnoticed."""
    errors: list[OSError] = []
    other: Counter[str] = Counter()
    for folder, dirs, files in os.walk(top, onerror=errors.append):
        dirs.sort()
        while errors:
            yield _os_problem(errors.pop(0), folder_listing=True)
        hidden = any(part.startswith(".") and part not in (".", "..")
                     for part in os.path.relpath(folder, top).split(os.sep))  # .git/ and the like
        for name in sorted(files):
            ext = os.path.splitext(name)[1].lower()
            if ext in SUPPORTED:
                yield os.path.join(folder, name)
            elif not name.startswith(".") and not hidden:
                other[ext or "(no extension)"] += 1
    while errors:
        yield _os_problem(errors.pop(0), folder_listing=True)
    if other:
        n = sum(other.values())
        kinds = ", ".join(f"{ext} ({k})" for ext, k in sorted(other.items()))
        yield ReadProblem(display_name(top), f"{n} file{'s' if n > 1 else ''} not read, of types ingest does not "
                          f"read: {kinds}; it reads {', '.join(sorted(SUPPORTED))}", fatal=False)


def _walk(top: str, fmt: str | None, max_bytes: int, date_field: str | None = None
          ) -> Iterator[RawDoc | ReadProblem]:
    for item in walk(top):
        if isinstance(item, ReadProblem):
            yield item
        else:
            yield from _read_file(item, fmt, max_bytes, date_field)


def _os_problem(exc: OSError, folder_listing: bool = False) -> ReadProblem:
    name = display_name(exc.filename) if exc.filename is not None else "?"
    if isinstance(exc, PermissionError):
        reason = "permission denied; the folder was skipped" if folder_listing else "permission denied"
    elif isinstance(exc, FileNotFoundError):
        reason = NOT_FOUND
    else:
        reason = f"cannot read: {exc.strerror or exc}"
    return ReadProblem(name, reason)


def _format_for(path: str, fmt: str | None) -> str | None:
    if fmt:
        return fmt
    ext = os.path.splitext(path)[1].lower()
    if ext in TEXT_EXTS:
        return "text"
    if ext in HTML_EXTS:
        return "html"
    if ext in JSONL_EXTS:
        return "jsonl"
    return None


def _open_regular(path: str) -> tuple[int | None, str | None]:
    """Open ``path`` for reading without blocking; refuse anything but a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return None, NOT_FOUND
    except PermissionError:
        return None, "permission denied"
    except IsADirectoryError:
        return None, "is a folder, not a file"
    except OSError as exc:
        return None, f"cannot open: {exc.strerror or exc}"
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        return None, f"is {kind}, not a regular file; only regular files are read"
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return fd, None


def _read_file(path: str, fmt: str | None, max_bytes: int, date_field: str | None = None
               ) -> Iterator[RawDoc | ReadProblem]:
    name = display_name(path)
    kind = _format_for(path, fmt)
    if kind is None:
        ext = os.path.splitext(name)[1]
        yield ReadProblem(name, f"unsupported file type {ext!r}; use .txt, .html or .jsonl, or --format")
        return
    fd, why = _open_regular(path)
    if fd is None:
        yield ReadProblem(name, why)
        return
    with os.fdopen(fd, "rb") as fh:
        if kind == "jsonl":
            try:
                yield from _read_jsonl_stream(fh, name, max_bytes, date_field)
            except OSError as exc:
                yield ReadProblem(name, f"cannot read: {exc.strerror or exc}")
            return
        try:
            data = _read_at_most(fh, max_bytes + 1)
        except OSError as exc:
            yield ReadProblem(name, f"cannot read: {exc.strerror or exc}")
            return
    yield from _read_blob(data, name, kind, max_bytes)


def _read_at_most(fh: IO[bytes], limit: int) -> bytes:
    parts, got = [], 0
    while got < limit:
        chunk = fh.read(min(_CHUNK, limit - got))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _human(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def _too_big(size: int | None, limit: int) -> str:
    what = f"{_human(size)} is" if size is not None else "it is"
    return (
        f"{what} over the {_human(limit)} limit for one document; "
        "raise it with --max-size (e.g. --max-size 100MB) or DYADSCOPE_MAX_SIZE"
    )


def _read_blob(data: bytes, name: str, kind: str, max_bytes: int) -> Iterator[RawDoc | ReadProblem]:
    if len(data) > max_bytes:
        yield ReadProblem(name, _too_big(None, max_bytes))
        return
    if not data.strip():
        yield ReadProblem(name, "empty file")
        return
    text, warning = decode_text(data)
    if text is None:
        yield ReadProblem(name, warning or "cannot decode")
        return
    if kind != "html" and len(_WORD.findall(text[:4096])) < MIN_WORDS:
        yield ReadProblem(name, f"not a document: {len(text)} characters and fewer than {MIN_WORDS} words")
        return
    if warning and len(text) < MIN_FALLBACK_CHARS:
        yield ReadProblem(name, f"not text: {len(data)} bytes that are not UTF-8 ({warning})")
        return
    if warning:
        yield ReadProblem(name, warning, fatal=False)
    if kind == "html":
        yield from _from_html(text, name)
    else:
        yield RawDoc(text=text, path=name, fmt="text")


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """Decode bytes as UTF-32/UTF-16 (by byte-order mark) or UTF-8 (BOM aware), falling
    back to cp1252 then latin-1 for mostly-ASCII text.

    Returns ``(text, note)``: text None means the bytes are not text at all (binary).
    """
    for boms, codec in (((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "utf-32"),
                        ((b"\xff\xfe", b"\xfe\xff"), "utf-16")):
        if data.startswith(boms):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None, f"invalid {codec.upper()} despite its byte-order mark"
            text = safe_text(text)
            return (None, "binary content (mostly control characters), not text") if _looks_binary(text) else (text, None)
    if b"\x00" in data[:8192]:
        return None, "binary file (contains NUL bytes), not text"
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
        sample = text[:8192]
        if sum(1 for ch in sample if ord(ch) > 127) > MAX_FALLBACK_NON_ASCII * len(sample):
            return None, f"not text: invalid UTF-8 at byte {exc.start} and mostly non-ASCII as {enc}"
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

    try:
        # The date from the page's markup only (article:published_time, JSON-LD
        # datePublished, <meta name="date">, <time>, the URL): htmldate's extensive search
        # guesses from the text, which dates.publication_date reads itself, with its method.
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                             date_extraction_params=HTML_DATE_PARAMS)
    except (ValueError, TypeError, RecursionError, LookupError, AttributeError) as exc:
        # trafilatura and lxml raise these on pages they cannot parse (deep nesting, odd
        # encodings declared inside the page): the page is reported, the batch goes on
        yield ReadProblem(name, f"cannot parse the HTML ({type(exc).__name__})")
        return
    if result is None:
        yield ReadProblem(name, "no article text found in the HTML")
        return
    meta = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = meta.get("text") or ""
    if not text.strip():
        yield ReadProblem(name, "no article text found in the HTML")
        return
    origin = meta.get("url") or meta.get("sitename")
    yield RawDoc(
        text=text,
        path=name,
        url=meta.get("url") or None,
        source=meta.get("sitename") or None,
        title=meta.get("title") or None,
        published=meta.get("date") or None,
        fmt="html",
        doc_id=make_doc_id(safe_text(html), safe_text(origin) if origin else None),
    )


def _read_jsonl_stream(stream: IO[bytes], name: str, max_bytes: int, date_field: str | None = None
                       ) -> Iterator[RawDoc | ReadProblem]:
    any_line = False
    for lineno, line in enumerate(_bounded_lines(stream, max_bytes), start=1):
        if line is None:
            yield ReadProblem(name, "line " + _too_big(None, max_bytes), line=lineno)
            any_line = True
            continue
        if not line.strip():
            continue
        any_line = True
        yield from read_line(line, name, lineno, date_field)
    if not any_line:
        yield ReadProblem(name, "empty file")


def read_line(line: bytes, name: str, lineno: int, date_field: str | None = None) -> list[RawDoc | ReadProblem]:
    """One JSONL line: its document, or a problem. A publication date that is not a date
    ("2024-13-45", or not a string at all: a list, an object) is reported once, as a warning
    naming the line, and the document is kept undated (as ``dyadscope code`` does)."""
    obj, problem = decode_json_line(line)
    if problem is not None:
        return [ReadProblem(name, problem, line=lineno)]
    field = _date_source(obj, date_field) if isinstance(obj, dict) else None
    bad = obj.get(field) if field else None
    if isinstance(bad, str) or (isinstance(bad, int) and not isinstance(bad, bool)):
        bad = None  # a string (or a year) is read as a date below
    if bad is not None:
        obj = {**obj, field: ""}  # empty, not absent: the field that dates the line stays the same
    item = _from_record(obj, name, lineno, date_field)
    if not isinstance(item, RawDoc):
        return [item]
    if bad is not None:
        return [_undated(name, lineno, field, "is not a date", json.dumps(bad)), item]
    if not item.published:
        return [item]
    from .dates import is_future, parse_published

    if parse_published(item.published) is not None:
        return [item]
    what = "is in the future" if is_future(item.published) else "is not a date"
    return [_undated(name, lineno, field, what, repr(item.published[:40])), replace(item, published=None)]


def _undated(name: str, lineno: int, field: str, what: str, shown: str) -> ReadProblem:
    return ReadProblem(name, f"field {field!r} {what}: {shown[:48]}; the document is stored without it",
                       line=lineno, fatal=False)


def decode_json_line(line: bytes) -> tuple[object, str | None]:
    """One JSONL line's value and None, or None and what is wrong with it (not UTF-8, too
    deep, malformed; a JSON error's column counts in the line itself)."""
    try:
        decoded = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start}"
    depth = json_depth(decoded)
    if depth > MAX_JSON_DEPTH:
        return None, f"JSON nested {depth} deep; at most {MAX_JSON_DEPTH} levels are read"
    try:
        return json.loads(decoded.rstrip("\r\n")), None
    except json.JSONDecodeError as exc:
        return None, f"malformed JSON: {exc.msg} (column {exc.colno})"
    except ValueError as exc:  # an integer too long to convert (Python's 4,300-digit limit)
        return None, f"malformed JSON: {str(exc).split(';')[0]}"
    except RecursionError:
        return None, "JSON nested too deep"


_BRACKETS = re.compile(r'[\[\]{}"\\]')


def json_depth(s: str) -> int:
    """Deepest nesting of arrays and objects in a JSON text (brackets in strings ignored).

    Linear; visits only brackets, quotes and backslashes."""
    depth = deepest = 0
    in_str = False
    escaped_at = -1  # position of the character a backslash escapes
    for m in _BRACKETS.finditer(s):
        ch, pos = m.group(), m.start()
        if in_str:
            if pos == escaped_at:
                continue
            if ch == "\\":
                escaped_at = pos + 1
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _bounded_lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """Lines of a stream; an over-long line yields None once, and is skipped, not buffered."""
    reader = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    while True:
        line = reader.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the line in bounded pieces
                rest = reader.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def _date_source(obj: dict, date_field: str | None = None) -> str:
    """The field a line's publication date is read from: ``--date-field NAME`` when the
    line has NAME, else ``published``, else ``date`` (what ``dyadscope code`` reads), so one
    file dates its documents alike in both commands."""
    if date_field and obj.get(date_field) is not None:
        return date_field
    if obj.get("published") is None and obj.get("date") is not None:
        return "date"
    return "published"


def _from_record(obj: object, name: str, lineno: int, date_field: str | None = None) -> RawDoc | ReadProblem:
    if not isinstance(obj, dict):
        return ReadProblem(name, "each line must be a JSON object with a \"text\" field", line=lineno)
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        kind = {bool: "true/false", int: "a number", float: "a number", list: "an array", dict: "an object"}
        return ReadProblem(name, f"\"text\" must be a string, not {kind.get(type(text), type(text).__name__)}",
                           line=lineno)
    if not text or not text.strip():
        return ReadProblem(name, "missing or empty \"text\" field", line=lineno)
    fields = {}
    for key in JSONL_FIELDS:
        src = _date_source(obj, date_field) if key == "published" else key
        value = obj.get(src)
        if value is not None and (not isinstance(value, (str, int)) or isinstance(value, bool)):
            return ReadProblem(name, f"field {src!r} must be a string", line=lineno)
        if isinstance(value, str) and safe_text(value) != value:
            return ReadProblem(name, f"field {src!r} holds a lone surrogate (\\ud800-\\udfff), not valid Unicode",
                               line=lineno)
        fields[key] = str(value).strip() or None if value is not None else None
    if safe_text(text) != text:
        return ReadProblem(name, "field 'text' holds a lone surrogate (\\ud800-\\udfff), not valid Unicode",
                           line=lineno)
    ident = fields.pop("id") or str(lineno)
    return RawDoc(text=text, path=f"{name}#{ident}", fmt="jsonl", **fields)


def parse_size(value: str) -> int:
    """Parse '10MB', '500k', '1G' or a byte count."""
    units = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
    v = value.strip().lower().replace(" ", "")
    num = v.rstrip("kmgb")
    unit = v[len(num):]
    try:
        if not num or unit not in units or float(num) < 0:
            raise ValueError
        return int(float(num) * units[unit])
    except ValueError:
        raise ValueError(f"not a size: {value!r} (try 10MB)") from None


def env_max_bytes() -> int:
    raw = os.environ.get("DYADSCOPE_MAX_SIZE")
    return parse_size(raw) if raw else DEFAULT_MAX_BYTES
