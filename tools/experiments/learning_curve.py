"""How the cross-validated VOA figures grow with the number of training stories.

The same nested 5-fold cross-validation as ``dyadscope train`` (same folds, grouped by story),
except that each fold's model is trained on a random subset of that fold's training stories.
Every held-out story is still scored, so the figures are comparable with the shipped model's.
Answers "how many annotated stories would the targets need with this learner?"
(docs/ACCURACY.md, "How much data").

    python tools/experiments/learning_curve.py [../shared/gold/voa] [--fractions 0.25,0.5,0.75,1] [--repeats 3]

About 15-45 s a run on 2 cores (the stories are parsed once, ~15 s).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

from dyadscope.coder import train
from dyadscope.evaluate import voa


def run(docs, gold, fraction: float, seed: int) -> dict:
    fold_of = train._folds([d.story for d in docs], train.FOLDS, train.SEED)
    outputs: dict[str, list[dict]] = {}
    sizes = []
    for f in range(train.FOLDS):
        pool = [d for d, g in zip(docs, fold_of) if g != f]
        test = [d for d, g in zip(docs, fold_of) if g == f]
        keep = set(random.Random(seed * 100 + f).sample(range(len(pool)), min(len(pool), max(8, round(fraction * len(pool))))))
        chosen = [d for k, d in enumerate(pool) if k in keep]  # in the collection's order, as train sees them
        sizes.append(len(chosen))
        model = train.fit(chosen, log=lambda *a: None)
        outputs.update(train.code_docs(model, test))
    result = voa.score(outputs, {d.story: gold[d.story] for d in docs})
    result["stories"] = statistics.mean(sizes)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", default="../shared/gold/voa")
    ap.add_argument("--fractions", default="0.25,0.5,0.75,1")
    ap.add_argument("--repeats", type=int, default=3, help="random subsets per fraction (one at 1)")
    args = ap.parse_args()
    if not (Path(args.folder) / "gold_dev.jsonl").is_file():
        print(f"{args.folder}: no VOA gold there (gold_dev.jsonl); nothing to measure", file=sys.stderr)
        return 1
    print("reading and parsing the stories ...", file=sys.stderr)
    docs = train.collect(args.folder)
    gold = voa.load_gold(args.folder)
    print(f"{'training stories':>16}  {'type F1':>18}  {'strict F1':>18}  {'precision':>9}  {'recall':>6}")
    for fraction in [float(x) for x in args.fractions.split(",")]:
        runs = [run(docs, gold, fraction, s) for s in range(1 if fraction >= 1 else args.repeats)]

        def span(key: str) -> str:
            vals = [r[key] for r in runs]
            return f"{statistics.mean(vals):.3f}" + (f" ({min(vals):.3f}-{max(vals):.3f})" if len(vals) > 1 else "")

        print(f"{runs[0]['stories']:>16.0f}  {span('f1'):>18}  {span('strict_f1'):>18}  "
              f"{statistics.mean(r['precision'] for r in runs):>9.3f}  {statistics.mean(r['recall'] for r in runs):>6.3f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
