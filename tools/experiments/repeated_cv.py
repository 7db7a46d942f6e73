"""The shipped recipe's cross-validation on other partitions of the stories into folds.

`make train` reports one 5-fold cross-validation (seed 13: which stories fall in which fold,
and the inner splits). Its bootstrap interval says how much the figure would move with other
stories; this says how much it moves with another partition of the same stories, which is
what a figure just over a target has to survive. Each seed re-runs the whole nested
cross-validation of `make train` (VOA stories scored; the written stories and the PLOVER
sentences at half weight trained on in every fold), about 25 minutes a seed on 2 cores.

    python tools/experiments/repeated_cv.py [--gold ../shared/gold] [--seeds 14 15]

Session 25's figures are in docs/ACCURACY.md ("Other partitions into folds").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recode_folds import written_stories  # noqa: E402

from dyadscope.coder import train  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", default="../shared/gold")
    ap.add_argument("--seeds", type=int, nargs="+", default=[14, 15])
    args = ap.parse_args()
    gold_dir = Path(args.gold)
    if not (gold_dir / "voa" / "gold_dev.jsonl").is_file() or not (gold_dir / "plover_gsr_dev.json").is_file():
        print(f"{gold_dir}: needs voa/ and plover_gsr_dev.json; nothing to measure", file=sys.stderr)
        return 1
    data = train.read_folders([gold_dir / "voa"], log=lambda m: None)[0]
    docs = train.collect(data)
    # in `train.train`'s order (the rows' order moves the figures a little)
    extra = written_stories() + train.collect_plover(gold_dir / "plover_gsr_dev.json")
    figures = []
    for seed in args.seeds:
        t0 = time.time()
        train.SEED = seed  # the outer folds and the inner splits
        result, _ = train.cross_validate(docs, data.gold, extra=extra, log=print)
        lo, hi = result["interval"]["f1"]
        print(f"seed {seed}: type F1 {result['f1']:.3f} [{lo:.3f}, {hi:.3f}] P {result['precision']:.3f} "
              f"R {result['recall']:.3f}; strict F1 {result['strict_f1']:.3f}; dyads right "
              f"{result['dyad_precision']:.3f}; macro-F1 {result['macro_f1']:.3f} ({time.time() - t0:.0f} s)",
              flush=True)
        figures.append(result)
    if len(figures) > 1:
        for key in ("f1", "precision", "strict_f1", "dyad_precision"):
            xs = [r[key] for r in figures]
            print(f"{key}: mean {statistics.mean(xs):.3f}, range {min(xs):.3f}-{max(xs):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
