"""Malformed input through `dyadscope ingest`, in a few batched runs (`make fuzz`).

Each run gets a folder mixing good articles with generated bad input: JSONL lines broken
in every way the reader guards against (malformed JSON, integers over 4,300 digits, deep
nesting, lone surrogates, wrong types, missing text, invalid UTF-8, over-long lines) and
files (random bytes, tiny files, NUL bytes, UTF-16 without sense, empty, FIFOs, links to
/dev/zero, names that are not UTF-8). It then checks: no traceback, exit code 1, every bad
input reported by file (and line), every good article stored.

    python tools/fuzz_ingest.py [--inputs 10000] [--runs 4] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

GOOD = ("{actor} and {other} held talks in {city} on {day}, officials said, the {n}th round this year. "
        "The two sides agreed to expand trade and to meet again next month.")
ACTORS = ["China", "North Korea", "South Korea", "Japan", "Russia", "the United States", "India", "Germany"]
CITIES = ["Beijing", "Seoul", "Tokyo", "Moscow", "Pyongyang", "New Delhi", "Berlin"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def good_article(rng: random.Random, i: int) -> str:
    a, b = rng.sample(ACTORS, 2)
    return GOOD.format(actor=a, other=b, city=rng.choice(CITIES), day=rng.choice(DAYS), n=i)


def bad_line(rng: random.Random, max_bytes: int) -> bytes:
    """One JSONL line the reader must refuse (each kind is a fatal ReadProblem)."""
    text = json.dumps(good_article(rng, rng.randint(1, 999)))
    kind = rng.randrange(12)
    if kind == 0:  # truncated or mangled JSON
        s = f'{{"text": {text}}}'
        cut = rng.randrange(1, len(s) - 1)
        return (s[:cut] + rng.choice(["", "}", "]", ",", '"', "\\", "{"])).encode()
    if kind == 1:  # integer beyond Python's 4,300-digit limit
        return f'{{"text": {text}, "id": {"9" * rng.randint(4301, 20000)}}}'.encode()
    if kind == 2:  # nesting deeper than the reader takes
        d = rng.randint(65, 50000)
        return ("[" * d + "]" * d).encode() if rng.random() < 0.5 else \
            f'{{"text": {text}, "x": {"[" * d + "]" * d}}}'.encode()
    if kind == 3:  # lone surrogate in a field
        field = rng.choice(["text", "title", "source", "url", "id"])
        sur = "\\u%04x" % rng.randint(0xD800, 0xDFFF)
        obj = f'{{"text": {text}, "{field}": "a{sur}b"}}' if field != "text" else f'{{"text": "x {sur} {text[1:-1]}"}}'
        return obj.encode()
    if kind == 4:  # wrong types
        field = rng.choice(["text", "title", "url", "published", "source", "id"])
        value = rng.choice(["[1, 2]", '{"a": 1}', "true", "1.5e300", "null" if field == "text" else "[]"])
        return (f'{{"text": {value}}}' if field == "text" else f'{{"text": {text}, "{field}": {value}}}').encode()
    if kind == 5:  # not an object
        return rng.choice([b"[1, 2, 3]", b'"just a string"', b"42", b"null", b"true"])
    if kind == 6:  # missing or empty text
        return rng.choice([b'{"title": "no text"}', b'{"text": ""}', b'{"text": "   \\n\\t "}', b"{}"])
    if kind == 7:  # invalid UTF-8
        raw = f'{{"text": {text}}}'.encode()
        pos = rng.randrange(len(raw))
        return raw[:pos] + bytes([rng.choice([0x80, 0xC0, 0xFF, 0xFE, 0xED])]) + raw[pos:]
    if kind == 8:  # over-long line
        return b'{"text": "' + b"a" * (max_bytes + rng.randint(1, 1000)) + b'"}'
    if kind == 9:  # random bytes (no newline inside)
        return bytes(rng.choice(range(1, 256)) for _ in range(rng.randint(1, 80))).replace(b"\n", b"{").replace(b"\r", b"[") + b"{"
    if kind == 10:  # a NaN or Infinity where a string belongs
        return f'{{"text": {text}, "published": {rng.choice(["NaN", "Infinity", "-Infinity"])}}}'.encode()
    return f'{{"text": {text}, "id": {rng.choice(["{}", "[]", "1.0"])}}}'.encode()


def bad_file(rng: random.Random, folder: Path, i: int, max_bytes: int) -> str | None:
    """Create one bad file; returns the name the report will show (None: not created)."""
    kind = rng.randrange(8)
    name = folder / f"bad{i:05d}.txt"
    if kind == 0:
        name.write_bytes(os.urandom(rng.randint(1, 10)))
    elif kind == 1:
        name.write_bytes(os.urandom(rng.randint(100, 5000)))
    elif kind == 2:
        name.write_bytes(b"")
    elif kind == 3:
        name.write_bytes(b"Kim met Xi\x00\x00\x00 in Beijing" * rng.randint(1, 50))
    elif kind == 4:
        os.mkfifo(name)
    elif kind == 5:
        name.symlink_to("/dev/zero")
    elif kind == 6:
        name.write_bytes(b"x" * (max_bytes + rng.randint(1, 5000)))
    else:
        raw = os.fsencode(folder) + b"/bad%05d-\xff\xfe.txt" % i
        with open(raw, "wb") as fh:
            fh.write(os.urandom(rng.randint(1, 64)))
        return raw.decode("utf-8", "backslashreplace")
    return str(name)


def one_run(run: int, n_bad: int, rng: random.Random, dyadscope: str, keep: Path) -> dict:
    max_bytes = 20_000
    folder = keep / f"run{run}"
    folder.mkdir(parents=True)
    expected: set[str] = set()
    good_paths: list[str] = []
    n_files = n_bad // 20
    for i in range(n_files):
        expected.add(bad_file(rng, folder, i, max_bytes))
    lines_per_file = 200
    n_lines = n_bad - n_files
    g = 0
    for f in range((n_lines + lines_per_file - 1) // lines_per_file):
        path = folder / f"feed{f:04d}.jsonl"
        with path.open("wb") as fh:
            for ln in range(1, min(lines_per_file, n_lines - f * lines_per_file) + 1):
                if ln % 50 == 1:  # a good article now and then, on its own line
                    g += 1
                    rec = {"id": f"g{run}-{g}", "text": good_article(rng, g), "published": "2025-03-0%d" % (g % 9 + 1)}
                    fh.write(json.dumps(rec).encode() + b"\n")
                    good_paths.append(f"{path}#g{run}-{g}")
                    continue
                fh.write(bad_line(rng, max_bytes).replace(b"\n", b" ") + b"\n")
                expected.add(f"{path}:{ln}")
    db = keep / f"run{run}.duckdb"
    t0 = time.perf_counter()
    proc = subprocess.run([dyadscope, "ingest", str(folder), "--db", str(db), "-q", "--processes", "1",
                           "--max-size", str(max_bytes)], capture_output=True, timeout=3600)
    seconds = time.perf_counter() - t0
    out = proc.stderr.decode("utf-8", "backslashreplace") + proc.stdout.decode("utf-8", "backslashreplace")
    reported = set()
    for line in out.splitlines():
        line = line.strip()
        for prefix in ("error: ", "failed  ", "skipped "):
            if line.startswith(prefix):
                where = line[len(prefix):]
                reported.add(where.split(": ", 1)[0])
    missing = sorted(expected - reported)
    con = duckdb.connect(str(db), read_only=True)
    stored = {r[0] for r in con.execute("SELECT path FROM documents").fetchall()}
    con.close()
    return {"run": run, "bad": len(expected), "good": len(good_paths), "exit": proc.returncode,
            "tracebacks": out.count("Traceback"), "unreported": missing[:10], "n_unreported": len(missing),
            "good_missing": sorted(set(good_paths) - stored)[:10], "seconds": round(seconds, 1),
            "tail": out[-1500:] if "Traceback" in out else ""}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inputs", type=int, default=10_400, help="inputs in all, good included (default 10,400: over 10,000 malformed)")
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    dyadscope = shutil.which("dyadscope", path=str(Path(sys.executable).parent)) or "dyadscope"
    rng = random.Random(args.seed)
    keep = Path(tempfile.mkdtemp(prefix="dyadscope-fuzz-"))
    ok = True
    total_bad = total_good = 0
    for run in range(args.runs):
        r = one_run(run, args.inputs // args.runs, rng, dyadscope, keep)
        total_bad += r["bad"]
        total_good += r["good"]
        print(json.dumps({k: v for k, v in r.items() if k != "tail"}), flush=True)
        if r["tracebacks"] or r["n_unreported"] or r["good_missing"] or r["exit"] != 1:
            ok = False
            print(r["tail"], file=sys.stderr)
    print(f"{total_bad} malformed inputs and {total_good} good articles in {args.runs} runs: "
          f"{'all reported, all good stored, no traceback' if ok else 'FAILED'} (inputs kept in {keep})")
    if ok:
        shutil.rmtree(keep, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
