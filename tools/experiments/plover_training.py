"""Does another collection's gold help the typer? The PLOVER dev sentences as extra training data.

The PLOVER gold (``plover_gsr_dev.json``, 213 one-sentence examples, CC BY-SA 4.0) covers the
types the 60 VOA stories hardly hold (PROTEST, CONCEDE, RETREAT, AID, AGREE). Two measurements,
each against the shipped recipe on the same splits:

1. VOA, nested 5-fold cross-validation by story (the shipped folds): each fold's model is
   trained on its VOA stories, with or without every PLOVER sentence added (``train.fit``'s
   ``extra``: in every inner training part, never in an inner held-out part, so thresholds
   are still chosen on VOA).
2. PLOVER, 5-fold cross-validation over its sentences: each fold's model is trained on all
   60 VOA stories plus the other four PLOVER folds and scored on the fifth with the PLOVER
   rule (type recall, extra events a sentence). The baseline is the model on VOA alone,
   scored on every sentence.

    python tools/experiments/plover_training.py [../shared/gold] [--weights 1,0.5]

About 5 minutes on 2 cores (docs/ACCURACY.md, "Another collection as training data").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dyadscope import actors
from dyadscope.coder import train
from dyadscope.evaluate import plover, voa


def line(result: dict) -> str:
    return (f"type recall {result['type_recall']:.3f}, extra {result['extra_rate']:.3f} a sentence "
            f"({result['sentences']} sentences)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", nargs="?", default="../shared/gold")
    ap.add_argument("--weights", default="1", help="weights of a PLOVER sentence in the typer, e.g. 1,0.5")
    args = ap.parse_args()
    gold_dir = Path(args.gold)
    if not (gold_dir / "plover_gsr_dev.json").is_file() or not (gold_dir / "voa" / "gold_dev.jsonl").is_file():
        print(f"{gold_dir}: needs plover_gsr_dev.json and voa/; nothing to measure", file=sys.stderr)
        return 1
    kb = actors.load_kb()
    print("reading and parsing ...", file=sys.stderr)
    docs = train.collect(gold_dir / "voa", kb=kb)
    gold = voa.load_gold(gold_dir / "voa")
    records = plover.load_gold(gold_dir / "plover_gsr_dev.json")
    pdocs = train.collect_plover(gold_dir / "plover_gsr_dev.json", kb=kb)
    print(f"{len(pdocs)} of {len(records)} PLOVER sentences name an actor the coder sees", file=sys.stderr)

    weights = [float(w) for w in args.weights.split(",")]
    runs = [("VOA only (shipped recipe)", [], 1.0)] + [(f"VOA + PLOVER sentences, weight {w:g}", pdocs, w) for w in weights]
    for name, extra, w in runs:
        train.EXTRA_WEIGHT = w
        r, _ = train.cross_validate(docs, gold, log=lambda *a: None, extra=extra)
        lo, hi = r["interval"]["f1"]
        print(f"VOA CV, {name}: type F1 {r['f1']:.3f} [{lo:.3f}, {hi:.3f}] (P {r['precision']:.3f} "
              f"R {r['recall']:.3f}), strict F1 {r['strict_f1']:.3f}, dyads {r['dyad_precision']:.3f}, "
              f"macro-F1 {r['macro_f1']:.3f}", flush=True)

    base = train.fit(docs, log=lambda *a: None)
    print(f"PLOVER, VOA only: {line(plover.score_records(records, plover.coder_fn(kb, model=base)))}", flush=True)
    for w in weights:
        train.EXTRA_WEIGHT = w
        r = train.cross_validate_plover(docs, pdocs, gold_dir / "plover_gsr_dev.json", log=lambda *a: None)
        print(f"PLOVER {train.FOLDS}-fold, VOA + the other PLOVER folds, weight {w:g}: {line(r)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
