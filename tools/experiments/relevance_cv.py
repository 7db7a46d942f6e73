"""What the "about politics?" check costs on VOA, cross-validated.

The shipped coder's nested 5-fold cross-validation by story (``train.cross_validate``), scored
twice: as it is, and with every story dropped that the relevance model of the same fold
(trained without that fold's VOA stories, ``tools/train_relevance.py``) scores under its
fold's threshold. The folds of the two are the same, so nothing is scored by a model that
saw it.

    python tools/experiments/relevance_cv.py [../shared]

About 5 minutes on 2 cores (docs/ACCURACY.md, "Documents not about politics").
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import train_relevance  # noqa: E402

from dyadscope import actors  # noqa: E402
from dyadscope.coder import train  # noqa: E402
from dyadscope.evaluate import voa  # noqa: E402


def main() -> int:
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared")
    kb = actors.load_kb()
    docs = train_relevance.training_documents(shared)
    parts = train_relevance.featurise(docs, kb)
    y = np.array([d["political"] for d in docs], dtype=int)
    oof, thr, _ = train_relevance.cross_validate(docs, parts, y)
    dropped = {d["id"] for d, p, t in zip(docs, oof, thr) if d["kind"] == "voa" and p < t}
    folder = shared / "gold" / "voa"
    gold = voa.load_gold(folder)
    vdocs = train.collect(folder, kb)
    extra = train.collect_plover(shared / "gold" / "plover_gsr_dev.json", kb)
    outputs: dict = {}
    result, fold_of = train.cross_validate(vdocs, gold, extra=extra, outputs=outputs)
    shipped = {d["id"]: f for d, f in zip(docs, train_relevance.folds_for(docs)) if d["kind"] == "voa"}
    same = all(shipped[d.story] == f for d, f in zip(vdocs, fold_of))
    print(f"relevance folds are the coder's folds: {same}")
    checked = voa.score({s: ([] if s in dropped else evs) for s, evs in outputs.items()}, gold)
    gone = [e for s in dropped for e in outputs.get(s, [])]
    print(f"stories dropped: {len(dropped)}; the coder's output in them: {len(gone)} events")
    for name, r in (("as shipped", result), ("with the check", checked)):
        print(f"{name}: type F1 {r['f1']:.3f} {r['interval']['f1']}, P {r['precision']:.3f} R {r['recall']:.3f}, "
              f"strict F1 {r['strict_f1']:.3f} {r['interval']['strict_f1']}, dyads {r['dyad_precision']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
