"""Do stories written and annotated for the purpose help the typer? VOA cross-validated.

The learning curve (docs/ACCURACY.md, "How much data") says more annotated stories is the
lever, and the VOA collection's other stories are kept apart. So news stories were written
for the purpose (invented happenings, real countries and organisations) and annotated by the
VOA gold's own guide (`tools/annotations/README.md`). This measures what they are worth on
the real news: the shipped recipe's nested 5-fold cross-validation on the 60 VOA stories (the
shipped folds), each fold's model trained on its VOA stories, the PLOVER sentences (weight
0.5, as shipped) and, in every fold, all the written stories at the weights given. The
written stories are never scored: only VOA stories are, so the figure says whether they
carry over to real news.

    python tools/experiments/written_stories.py [FOLDER ...] [--gold ../shared/gold] [--weights 0,0.5,1]

Weight 0 is the shipped recipe (no written stories). About 5 minutes a weight on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dyadscope import actors
from dyadscope.coder import train
from dyadscope.evaluate import voa

DEFAULT = Path(__file__).resolve().parents[1] / "annotations"


def report(name: str, r: dict, fold_of: list[int], docs, outputs: dict, gold: dict) -> str:
    lo, hi = r["interval"]["f1"]
    slo, shi = r["interval"]["strict_f1"]
    per_fold = []
    for f in sorted(set(fold_of)):
        ids = [d.story for d, g in zip(docs, fold_of) if g == f]
        per_fold.append(voa.score({s: outputs[s] for s in ids}, {s: gold[s] for s in ids})["f1"])
    types = ", ".join(f"{t} {v['found']}/{v['gold']} ({v['output']})" for t, v in r["per_type"].items())
    return (f"{name}: type F1 {r['f1']:.3f} [{lo:.3f}, {hi:.3f}] P {r['precision']:.3f} R {r['recall']:.3f}; "
            f"strict F1 {r['strict_f1']:.3f} [{slo:.3f}, {shi:.3f}]; dyads right {r['dyad_precision']:.3f}; "
            f"macro-F1 {r['macro_f1']:.3f}; per fold {' '.join(f'{x:.3f}' for x in per_fold)}\n  by type (found/gold (output)): {types}"
            f"\n  all {r['output']} events, dyadic {r['dyadic']}\n{voa.format_kept(voa.kept_at(outputs, gold))}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folders", nargs="*", help=f"annotation folders of written stories (default: those under {DEFAULT})")
    ap.add_argument("--gold", default="../shared/gold")
    ap.add_argument("--weights", default="0,1", help="weights of a written story's sentences in the typer")
    args = ap.parse_args()
    gold_dir = Path(args.gold)
    if not (gold_dir / "voa" / "gold_dev.jsonl").is_file():
        print(f"{gold_dir}: needs voa/ (and plover_gsr_dev.json); nothing to measure", file=sys.stderr)
        return 1
    folders = [Path(f) for f in args.folders] or sorted(p.parent for p in DEFAULT.glob("*/gold.jsonl"))
    kb = actors.load_kb()
    print("reading and parsing ...", file=sys.stderr)
    docs = train.collect(gold_dir / "voa", kb=kb)
    gold = voa.load_gold(gold_dir / "voa")
    pfile = gold_dir / "plover_gsr_dev.json"
    pdocs = train.collect_plover(pfile, kb=kb) if pfile.is_file() else []
    written = []
    for data in train.read_folders(folders, log=lambda m: print(m, file=sys.stderr)):
        written += train.collect(data, kb=kb)
    n_events = sum(len(e) for d in written for e in d.gold)
    print(f"{len(docs)} VOA stories; {len(pdocs)} PLOVER sentences; {len(written)} written stories from "
          f"{len(folders)} folders ({sum(len(d.inputs) for d in written)} sentences naming an actor, "
          f"{n_events} gold events on them)")
    for w in (float(x) for x in args.weights.split(",")):
        for d in written:
            d.weight = w
        outputs: dict = {}
        r, fold_of = train.cross_validate(docs, gold, log=lambda *a: None, extra=pdocs + (written if w else []),
                                          outputs=outputs)
        print(report(f"written stories at weight {w:g}" if w else "shipped recipe (no written stories)",
                     r, fold_of, docs, outputs, gold), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
