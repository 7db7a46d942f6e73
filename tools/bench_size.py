"""Ingest cost against document size (`make bench-size`).

For each size (default 0.1, 0.3, 1 and 2 MB) one document of real news text (the bundled
articles, repeated to the size; ``--corpus`` names other stories, one JSON object with a
``text`` a line, such as the 60 VOA stories in ``../shared/gold/voa/stories_dev.jsonl``:
varied text meets more words and names for the first time than five articles repeated) is
processed by ``pipeline.process`` in a fresh process
(``--processes 1``; model and actor base loaded before the clock starts), and the same
text's sentences are run through spaCy's tagger and parser alone in another fresh process,
after the same warm-up (the bundled articles), so neither path finds words the other put
in spaCy's vocabulary (run in one process, the path run second did: 4-7% faster at 0.1 MB).
With ``--corpus`` each path meets the timed text's words for the first time, as an ingest
does; the default document is the warm-up's own articles repeated, seen by both alike.
Prints seconds per MB for both, their ratio and the process's peak memory, and writes the
table into docs/BENCHMARKS.md between the ``bench-size`` markers.

Sizes under 1 MB take one to four seconds, where a busy moment of the host moves the ratio
by 0.1: they are run ``--runs`` times (5), each in its own fresh process, and the run with
the median ratio is reported (all ratios are printed). Larger sizes run once.

    python tools/bench_size.py [--sizes 0.1,0.3,1,2] [--corpus FILE.jsonl] [--runs 5] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "src" / "dyadscope" / "data" / "examples" / "seeds.jsonl"
DOC = REPO / "docs" / "BENCHMARKS.md"
BEGIN, END = "<!-- bench-size:begin -->", "<!-- bench-size:end -->"


def news_text(size: int, corpus_file: Path = EXAMPLES) -> str:
    lines = Path(corpus_file).read_text(encoding="utf-8").splitlines()
    corpus = "\n\n".join(json.loads(line)["text"] for line in lines if line.strip())
    text = (corpus + "\n\n") * (size // (len(corpus) + 2) + 1)
    cut = text.rfind("\n", 0, size)
    return text[: cut if cut > size // 2 else size]


def one(size_mb: float, corpus_file: Path = EXAMPLES, path: str = "ours") -> dict:
    """Run in a child process: time the pipeline (``ours``) or spaCy alone (``spacy``) on
    one document."""
    from threadpoolctl import threadpool_limits

    from dyadscope import nlp, pipeline
    from dyadscope.actors import load_kb
    from dyadscope.models import RawDoc

    kb = load_kb()
    model = nlp.load_model()
    text = news_text(int(size_mb * 1_000_000), corpus_file)
    # load what processing reads lazily, as ingest does before its first batch (the
    # bundled articles, so the timed text's own words are not seen before the clock starts)
    pipeline.preload(kb)
    # ... and spaCy on a full batch: the first big batch allocates its buffers, a cost that
    # would otherwise fall on whichever of the two timed paths runs first (ours)
    warm = news_text(40_000)
    with model.select_pipes(enable=list(nlp.PIPE_COMPONENTS)):
        for _ in model.pipe([warm[s:e] for s, e in nlp.split_sentences(warm)], batch_size=256):
            pass
    # both paths with the loaded objects set aside from garbage collection, as ingest
    # processes documents (pipeline.frozen_loaded)
    with pipeline.frozen_loaded():
        t0 = time.perf_counter()
        if path == "spacy":
            sentences = [text[s:e] for s, e in nlp.split_sentences(text)]
            with model.select_pipes(enable=list(nlp.PIPE_COMPONENTS)):
                for _ in model.pipe(sentences, batch_size=256):
                    pass
            return {"spacy_seconds": time.perf_counter() - t0, "sentences": len(sentences)}
        with threadpool_limits(limits=1):  # as `ingest --processes 1` runs it
            records, skipped = pipeline.process([RawDoc(text=text, path="big.txt", published="2025-01-01")], kb, False)
        ours = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rec = records[0] if records else None
    return {"mb": len(text.encode("utf-8")) / 1e6, "seconds": ours, "peak_mb": peak_mb,
            "events": len(rec.events) if rec else 0, "skipped": [r for _, r in skipped]}


def _child(size: float, corpus: Path, path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(size), "--corpus", str(corpus), "--path", path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"size {size} MB ({path}) failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="0.1,0.3,1,2")
    ap.add_argument("--corpus", type=Path, default=EXAMPLES,
                    help="stories to build the document from (JSONL with a text field; default: the bundled articles)")
    ap.add_argument("--runs", type=int, default=5,
                    help="fresh-process runs of each size under 1 MB, the median ratio reported (odd: 3, 5)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--child", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--path", default="ours", choices=["ours", "spacy"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(one(args.child, args.corpus, args.path)))
        return
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: no such file")
    rows = []
    for size in [float(s) for s in args.sizes.split(",")]:
        runs = []
        for _ in range(max(1, args.runs) if size < 1 else 1):
            runs.append({**_child(size, args.corpus, "ours"), **_child(size, args.corpus, "spacy")})
        ratios = [f"{x['seconds'] / x['spacy_seconds']:.2f}" for x in runs]  # in run order
        r = sorted(runs, key=lambda x: x["seconds"] / x["spacy_seconds"])[len(runs) // 2]
        r["ratios"] = ratios
        rows.append(r)
        print(f"{r['mb']:.2f} MB: {r['seconds']:.1f} s ({r['seconds'] / r['mb']:.1f} s/MB), spaCy tagger+parser "
              f"{r['spacy_seconds']:.1f} s ({r['spacy_seconds'] / r['mb']:.1f} s/MB), ratio "
              f"{r['seconds'] / r['spacy_seconds']:.2f}"
              f"{' (median of ' + ', '.join(map(str, r['ratios'])) + ')' if len(runs) > 1 else ''}, "
              f"peak {r['peak_mb']:.0f} MB, {r['events']} events", flush=True)
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        growth = (b["seconds"] / a["seconds"]) / (b["mb"] / a["mb"])
        print(f"time per MB at {b['mb']:.2f} MB is {growth:.2f}x that at {a['mb']:.2f} MB (1.0 = linear)")
    if not args.no_write:
        write_doc(rows, None if args.corpus == EXAMPLES else args.corpus)


def _runs(r: dict) -> str:
    return f" ({' / '.join(map(str, r['ratios']))})" if len(r.get("ratios", [])) > 1 else ""


def write_doc(rows: list[dict], corpus: Path | None = None) -> None:
    """The table between the markers (the bundled articles' or, for another corpus, its
    own markers, named by the file's stem)."""
    begin, end = (BEGIN, END) if corpus is None else (f"<!-- bench-size:{corpus.stem}:begin -->",
                                                      f"<!-- bench-size:{corpus.stem}:end -->")
    made_by = "`make bench-size`" if corpus is None else f"`python tools/bench_size.py --corpus {corpus}`"
    lines = [begin, "", "| document | ingest | s/MB | spaCy tagger+parser alone | s/MB | ratio | peak memory | events |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['mb']:.2f} MB | {r['seconds']:.1f} s | {r['seconds'] / r['mb']:.1f} | "
                     f"{r['spacy_seconds']:.1f} s | {r['spacy_seconds'] / r['mb']:.1f} | "
                     f"{r['seconds'] / r['spacy_seconds']:.2f}{_runs(r)} | {r['peak_mb']:.0f} MB | {r['events']} |")
    lines += ["", f"_Written by {made_by} on {time.strftime('%Y-%m-%d')}; under 1 MB the median of fresh-process "
                  "runs (their ratios in brackets)._", "", end]
    block = "\n".join(lines)
    doc = DOC.read_text(encoding="utf-8")
    if begin in doc:
        doc = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
    else:
        title = "" if corpus is None else f": {corpus.name}"
        doc = doc.rstrip() + f"\n\n## Cost against document size{title}\n\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    main()
