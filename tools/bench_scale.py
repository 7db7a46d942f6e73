"""Scale-out benchmark (``make bench-scale``): the same ingest on 1 and on 2 workers of a
local Dask cluster, and the parallel efficiency T1 / (2 x T2).

The corpus is the ingest benchmark's (``dyadscope.bench.make_corpus``: realistic variants of
the bundled articles), written to a JSONL file the workers read in partitions. Each run
ingests into a fresh DuckDB store (the default destination: results gathered to the one
writing process, copies and stories found as the single-machine ingest finds them).

Two times per run: ``ingest`` from the first partition submitted to the last story
written, with the workers started and their models loaded; ``end to end`` adds starting
the cluster and loading the model and actor base in every worker. The 2-worker store must
equal the 1-worker one (checked, printed).

``--dataset``: the other destination. The workers write a Parquet dataset themselves and
the global passes (copies, stories) run as Dask jobs over it; ``ingest`` then runs from the
first partition submitted to the end of the passes. Each dataset is merged into a store
afterwards (untimed) to check that the result equals the other worker counts'.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def run(workers: int, corpus: str, db: Path, docs_per_part: int, dataset: Path | None = None) -> dict:
    from dyadscope.pipeline import Settings
    from dyadscope.read import DEFAULT_MAX_BYTES
    from dyadscope.scale import cluster
    from dyadscope.store import Store

    class Steps(cluster.Progress):  # quiet, but keeps what the global passes tell
        def __init__(self):
            super().__init__(True, None)
            self.lines: list[str] = []

        def write(self, line: str) -> None:
            self.lines.append(line.strip())

    settings = Settings()
    steps = Steps()
    t0 = time.perf_counter()
    client = cluster.connect(f"local:{workers}")
    cluster.register(client, settings)  # every worker loads the model and the actor base
    t_start = time.perf_counter() - t0
    try:
        if dataset is not None:
            t1 = time.perf_counter()
            report = cluster.ingest_to_dataset(client, str(dataset), [corpus], None, DEFAULT_MAX_BYTES, settings,
                                               docs_per_part=docs_per_part, progress=steps)
            t_ingest = time.perf_counter() - t1
        else:
            with Store(db) as store:
                t1 = time.perf_counter()
                report = cluster.ingest_to_store(client, store, [corpus], None, DEFAULT_MAX_BYTES, settings,
                                                 docs_per_part=docs_per_part)
                t_ingest = time.perf_counter() - t1
    finally:
        lc = client.cluster
        client.close()
        lc.close()
    if dataset is not None:  # the store the dataset makes, for the comparison (untimed)
        from dyadscope.scale.dataset import merge

        with Store(db) as store:
            merge(str(dataset), store)
    return {"workers": workers, "documents": report.processed, "reports": report.reports,
            "startup_s": round(t_start, 1), "ingest_s": round(t_ingest, 1),
            "docs_per_s": round(report.processed / t_ingest, 2),
            "end_to_end_docs_per_s": round(report.processed / (t_start + t_ingest), 2),
            **({"passes": steps.lines[1:]} if steps.lines else {})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents to generate (default 2000)")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2,4 (default 1,2)")
    parser.add_argument("--partition-docs", type=int, default=None, help="documents per partition")
    parser.add_argument("--dataset", action="store_true",
                        help="workers write a Parquet dataset (no central writer) instead of a store")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    from dyadscope.bench import make_corpus
    from dyadscope.scale import partitions, require_dask
    from dyadscope.store import Store

    require_dask()
    counts = [int(w) for w in args.workers.split(",")]
    per_part = args.partition_docs or partitions.PARTITION_DOCS
    print(f"Generating {args.docs} documents; {load()}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as fh:
            for d in make_corpus(args.docs):
                fh.write(json.dumps({"id": d.path.split("#")[1], "text": d.text, "published": d.published,
                                     "source": d.source}) + "\n")
        runs = []
        for w in counts:
            print(f"ingesting with {w} worker(s)...", file=sys.stderr)
            runs.append(run(w, str(corpus), Path(tmp) / f"w{w}.duckdb", per_part,
                            Path(tmp) / f"w{w}.ds" if args.dataset else None))
            print(f"  {runs[-1]}; {load()}", file=sys.stderr)
        same = None
        if len(counts) > 1:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
            from test_scale import snapshot

            snaps = []
            for w in counts:
                with Store(Path(tmp) / f"w{w}.duckdb", read_only=True) as store:
                    snaps.append(snapshot(store))
            same = all(s == snaps[0] for s in snaps[1:])
    base = runs[0]
    result = {"documents": args.docs, "partition_docs": per_part, "destination": "dataset" if args.dataset else "store",
              "runs": runs, "same_result": same,
              "load_after": load()}
    for r in runs[1:]:
        k = r["workers"] / base["workers"]
        r["efficiency"] = round(base["ingest_s"] / (k * r["ingest_s"]), 2)
        r["end_to_end_efficiency"] = round((base["startup_s"] + base["ingest_s"])
                                           / (k * (r["startup_s"] + r["ingest_s"])), 2)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"destination: {result['destination']}")
    print(f"{'workers':>7}  {'docs/s':>7}  {'end-to-end docs/s':>17}  {'start-up s':>10}  {'ingest s':>8}  "
          f"{'efficiency':>10}  {'end-to-end eff.':>15}")
    for r in runs:
        print(f"{r['workers']:>7}  {r['docs_per_s']:>7}  {r['end_to_end_docs_per_s']:>17}  {r['startup_s']:>10}  "
              f"{r['ingest_s']:>8}  {r.get('efficiency', '-'):>10}  {r.get('end_to_end_efficiency', '-'):>15}")
    if same is not None:
        print(f"stores equal across worker counts: {same}")
    print(f"parallel efficiency T1 / (2 x T2) target >= 0.8: "
          f"{'met' if len(runs) > 1 and runs[1].get('efficiency', 0) >= 0.8 else 'NOT met'}; {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
