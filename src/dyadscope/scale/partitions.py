"""The input cut into partitions while it is listed, for workers that read their own.

A partition is a list of pieces, each one of: a whole file (read by ``read._read_file``,
as the single-machine ingest reads it), a byte range of a JSONL file (whole lines; the
calling process finds line ends by reading ahead, never holding more than one line), or
documents read already (stdin, which workers cannot open) and problems found while
listing. Partitions come out in the order ``read.iter_inputs`` yields documents, so the
documents a cluster ingest stores, and their ingest order, are those of the single-machine
ingest of the same input.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

from .. import read
from ..models import RawDoc
from ..read import ReadProblem

# Documents per partition: one store batch, a task of a few seconds or more (32 documents
# at 75 ms to 1 s each in one worker), long enough that Dask's per-task overhead (~1 ms) is
# noise, short enough that a worker lost mid-task costs little and that a few hundred
# documents still keep every worker busy to the end (300 documents: 10 partitions).
# Runs of millions of documents want 1,000 or more ($DYADSCOPE_PARTITION_DOCS; docs/SCALE.md).
PARTITION_DOCS = 32


@dataclass
class Partition:
    index: int
    pieces: list[tuple] = field(default_factory=list)  # ("file", path) | ("lines", path, start, end, lineno) | ("items", [...])
    docs: int = 0  # documents (JSONL lines, files) it holds, as counted while listing


def plan(paths: Iterable[str], fmt: str | None = None, max_bytes: int = read.DEFAULT_MAX_BYTES,
         docs_per_part: int = PARTITION_DOCS, stdin=None, *, date_field: str | None = None,
         default_date: str | None = None, written: dict[int, list] | None = None) -> Iterator[Partition]:
    """Partitions of the input, yielded as soon as each is full (nothing is read whole).
    The date options apply to what is read here (stdin); workers apply them to the rest
    (``read_partition``). ``written``: partition index -> the ``fingerprint`` of the partition
    an earlier run of the job wrote. Such a partition ends where it ended then, full or not,
    so lines appended since to the file it read last make new partitions."""
    part = Partition(0)
    written = written or {}

    def closes(piece: tuple) -> bool:
        """Whether ``piece`` (just added) ends the partition an earlier run wrote."""
        before = written.get(part.index)
        return bool(before) and len(part.pieces) == len(before) and _same_piece(piece, before[-1])

    def stop(path: str, start: int) -> int | None:
        """Where a byte range of ``path`` from ``start`` must end: the end of the written
        partition's last piece, when this range would be that piece."""
        before = written.get(part.index)
        if before and len(part.pieces) == len(before) - 1 and before[-1][0] == "lines" \
                and before[-1][1] == path and before[-1][2] == start:
            return before[-1][3]
        return None

    def add(piece: tuple, docs: int):
        nonlocal part
        part.pieces.append(piece)
        part.docs += docs
        if part.docs >= docs_per_part or closes(piece):
            full, part = part, Partition(part.index + 1)
            return full
        return None

    dates = {"date_field": date_field, "default_date": default_date}
    for piece, docs in _pieces(paths, fmt, max_bytes, docs_per_part, lambda: docs_per_part - part.docs, stdin,
                               dates, stop if written else None):
        full = add(piece, docs)
        if full is not None:
            yield full
    if part.pieces:
        yield part


def _where(piece: tuple) -> list:
    """What a file piece reads, as ``fingerprint`` saves it: kind, absolute path, start, end
    (None: the whole file)."""
    start, end = (piece[2], piece[3]) if piece[0] == "lines" else (0, None)
    return [piece[0], os.path.abspath(piece[1]), start, end]


def _same_piece(piece: tuple, saved: list) -> bool:
    """Whether a piece is the one a fingerprint (``fingerprint``) saved: same kind, file and
    byte range, or as many documents read already."""
    if piece[0] == "items":
        return saved[:2] == ["items", len(piece[1])]
    return saved[:4] == _where(piece)


def _pieces(paths, fmt, max_bytes, docs_per_part, room, stdin, dates=None, stop=None) -> Iterator[tuple[tuple, int]]:
    for given in paths:
        if given == "-":  # workers cannot read our stdin: read it here, in partition-sized pieces
            items: list = []
            for item in read.iter_inputs(["-"], fmt=fmt, max_bytes=max_bytes, stdin=stdin, **(dates or {})):
                items.append(item)
                if isinstance(item, RawDoc) and sum(isinstance(i, RawDoc) for i in items) >= room():
                    yield ("items", items), sum(isinstance(i, RawDoc) for i in items)
                    items = []
            if items:
                yield ("items", items), sum(isinstance(i, RawDoc) for i in items)
        elif os.path.isdir(given):
            yield from _walk(given, fmt, max_bytes, room, stop)
        elif os.path.lexists(given):
            yield from _file(given, fmt, max_bytes, room, stop)
        else:
            yield ("items", [ReadProblem(read.display_name(given), "no such file or folder")]), 0


def _walk(top, fmt, max_bytes, room, stop=None):
    """``read.walk``'s files, in pieces; its problems and warnings as items."""
    for item in read.walk(top):
        if isinstance(item, ReadProblem):
            yield ("items", [item]), 0
        else:
            yield from _file(item, fmt, max_bytes, room, stop)


def _file(path, fmt, max_bytes, room, stop=None):
    """A file's pieces: the whole file, or a JSONL file's lines in byte ranges that end where
    the partition is full, or where ``stop(absolute path, start)`` says an earlier run's
    partition ended."""
    if read._format_for(path, fmt) != "jsonl":
        yield ("file", path), 1
        return
    fd, _ = read._open_regular(path)
    if fd is None:  # the worker reports why, as the single-machine ingest does
        yield ("file", path), 1
        return
    whole = os.path.abspath(path)
    with os.fdopen(fd, "rb") as fh:
        start = lineno = first = docs = 0
        any_line = False
        until = stop(whole, start) if stop else None
        try:
            for line in read._bounded_lines(fh, max_bytes):
                lineno += 1
                blank = line is not None and not line.strip()
                if not blank:
                    any_line = True
                    docs += 1
                full = not blank and docs >= room()
                if full or until is not None:
                    end = fh.tell()
                    if full or end == until:
                        yield ("lines", path, start, end, first + 1), docs
                        start, first, docs = end, lineno, 0
                        until = stop(whole, start) if stop else None
        except OSError:
            yield ("file", path), 1  # let the worker meet (and report) the same error
            return
        if not any_line:
            yield ("file", path), 1  # "empty file", reported by the worker
        elif docs or start < fh.tell():
            yield ("lines", path, start, fh.tell(), first + 1), docs


def fingerprint(part: Partition, max_bytes: int) -> list:
    """What a partition reads, to tell on a later run whether its input is still the same:
    each piece's kind, absolute path, byte range, size and a CRC-32 of those bytes (of the
    first ``max_bytes`` + 1 of a whole file, which is all a read looks at). The CRC is None
    where the file cannot be read as a regular file (read then reports why)."""
    out = []
    for piece in part.pieces:
        if piece[0] == "items":
            out.append(["items", len(piece[1])])
            continue
        kind, path, start, end = _where(piece)
        size = crc = None
        fd, _ = read._open_regular(path)  # never blocks on a pipe or reads a device
        if fd is not None:
            with os.fdopen(fd, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                fh.seek(start)
                left = (end - start) if end is not None else max_bytes + 1
                crc = 0
                while left > 0:
                    chunk = fh.read(min(left, 1 << 20))
                    if not chunk:
                        break
                    crc, left = zlib.crc32(chunk, crc), left - len(chunk)
        out.append([kind, path, start, end, size if end is None else None, crc])
    return out


def same_input(before: list, now: list) -> str | None:
    """The path of the first piece that differs between two fingerprints, else None; a
    piece that could not be read on either side is compared without its bytes."""
    for i, piece in enumerate(now):
        old = before[i] if i < len(before) else None
        if old is None or len(old) != len(piece):
            return piece[1] if piece[0] != "items" else "the input"
        if piece[0] == "items":
            if old != piece:
                return "the input"
            continue
        if old[:4] != piece[:4] or (None not in (old[-1], piece[-1]) and old[4:] != piece[4:]):
            return piece[1]
    return None if len(before) == len(now) else "the input"


def read_partition(part: Partition, fmt: str | None, max_bytes: int, *, date_field: str | None = None,
                   default_date: str | None = None) -> list[RawDoc | ReadProblem]:
    """A partition's documents and problems, in input order (run by a worker), read with
    ``ingest``'s date options as ``read.iter_inputs`` reads them."""
    out: list = []
    for piece in part.pieces:
        kind = piece[0]
        if kind == "items":  # read by ``plan`` with the same options
            out.extend(piece[1])
        else:
            items = (read._read_file(piece[1], fmt, max_bytes, date_field) if kind == "file"
                     else _read_lines(*piece[1:], max_bytes=max_bytes, date_field=date_field))
            if not os.path.lexists(piece[1]):  # listed by the calling process, but not there for this worker
                items = [replace(it, reason=WORKER_NOT_FOUND) if isinstance(it, ReadProblem)
                         and it.reason == read.NOT_FOUND else it for it in items]
            out.extend(items)
    if default_date:
        out = [replace(it, default_date=default_date) if isinstance(it, RawDoc) else it for it in out]
    return out


WORKER_NOT_FOUND = ("file not found by the worker (every worker must see the input at the path the "
                    "ingest command was given; use absolute paths on a shared file system)")


def _read_lines(path: str, start: int, end: int, lineno: int, max_bytes: int,
                date_field: str | None = None) -> Iterator[RawDoc | ReadProblem]:
    """Whole JSONL lines in ``[start, end)``, numbered from ``lineno`` (as ``read`` numbers them)."""
    name = read.display_name(path)
    fd, why = read._open_regular(path)
    if fd is None:
        yield ReadProblem(name, why)
        return
    with os.fdopen(fd, "rb") as fh:
        fh.seek(start)
        try:
            for n, line in enumerate(read._bounded_lines(fh, max_bytes), start=lineno):
                if line is None:
                    yield ReadProblem(name, "line " + read._too_big(None, max_bytes), line=n)
                elif line.strip():
                    yield from read.read_line(line, name, n, date_field)
                if fh.tell() >= end:
                    return
        except OSError as exc:
            yield ReadProblem(name, f"cannot read: {exc.strerror or exc}")
