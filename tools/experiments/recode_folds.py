"""What a change after the typer is worth, without retraining: the fold models, recoded.

The shipped recipe's nested cross-validation takes ~30 minutes on 2 cores. A change to the
steps after the typer (thresholds, the gate, roles, modality) or to the actor base does not
change what the typer learned much, and the shipped model is not retrained for it either. So
this fits the five fold models once (the shipped recipe: VOA, the PLOVER sentences at 0.5, the
written stories at 1), keeps them in ``--cache``, and scores the held-out stories recoded
under each variation below; the VOA stories are re-read (parse cache) so a change of the actor
base or of the roles shows. ``this checkout`` is the fold models with the checkout's code as it
is: the cross-validation's own output when nothing changed since they were fitted.

    python tools/experiments/recode_folds.py [--gold ../shared/gold] [--cache /tmp/dyadscope-folds]

Session 22's figures are in docs/ACCURACY.md ("Recoding the fold models").
"""

from __future__ import annotations

import argparse
import copy
import pickle
import sys
from pathlib import Path

from dyadscope import actors
from dyadscope.coder import assemble, train
from dyadscope.evaluate import voa

WRITTEN = Path(__file__).resolve().parents[1] / "annotations" / "written"


def recipe() -> dict:
    """What the cached fold models were fitted with: a cache of another recipe is refitted."""
    return {"trigger_weights": list(train.TRIGGER_WEIGHTS), "precision_floor": train.PRECISION_FLOOR,
            "inner_splits": train.INNER_SPLITS, "extra_weight": train.EXTRA_WEIGHT,
            "rows": "written stories, then PLOVER sentences"}


def written_stories(kb=None) -> list:
    """The written stories as the shipped recipe learns from them (weight 1, never scored)."""
    out = []
    for data in train.read_folders([WRITTEN], log=lambda m: None):
        for d in train.collect(data, kb=kb):
            d.weight = 1.0
            out.append(d)
    return out


def fold_models(gold_dir: Path, cache: Path, kb) -> tuple[list, list[int]]:
    """The five fold models of the shipped recipe (fitted once, then read from ``cache``)."""
    path = cache / "models.pkl"
    if path.is_file():
        saved = pickle.loads(path.read_bytes())
        if saved.get("recipe") == recipe():
            return saved["models"], saved["fold_of"]
        print(f"{path}: fitted with another recipe; fitting again", file=sys.stderr)
    print("fitting the fold models (about 30 minutes) ...", file=sys.stderr)
    docs = train.collect(gold_dir / "voa", kb=kb)
    # in `train.train`'s order: the rows' order moves the figures a little
    extra = written_stories(kb) + train.collect_plover(gold_dir / "plover_gsr_dev.json", kb=kb)
    fold_of = train._folds([d.story for d in docs], train.FOLDS, train.SEED)
    models = [train.fit([d for d, g in zip(docs, fold_of) if g != f], log=lambda *a: None, extra=extra)
              for f in range(train.FOLDS)]
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps({"models": models, "fold_of": fold_of, "recipe": recipe()}))
    return models, fold_of


def shifted(d: float):
    def tweak(m):
        m = copy.copy(m)
        m.threshold, m.candidate_threshold = m.threshold + d, m.candidate_threshold + d
        return m
    return tweak


def no_gate(m):
    m = copy.copy(m)
    m.gate_threshold = 0.0
    return m


def setup(description: str):
    """The command line of a script that measures on the fold models: the gold folder, the
    actor base, the fold models and the folds, and the VOA stories as the coder sees them;
    None (after a message) without the gold."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--gold", default="../shared/gold")
    ap.add_argument("--cache", default="/tmp/dyadscope-folds", help="where the fold models are kept")
    args = ap.parse_args()
    gold_dir = Path(args.gold)
    if not (gold_dir / "voa" / "gold_dev.jsonl").is_file():
        print(f"{gold_dir}: needs voa/ and plover_gsr_dev.json; nothing to measure", file=sys.stderr)
        return None
    kb = actors.load_kb()
    models, fold_of = fold_models(gold_dir, Path(args.cache), kb)
    return gold_dir, models, fold_of, train.collect(gold_dir / "voa", kb=kb)


def main() -> int:
    got = setup(__doc__.split("\n")[0])
    if got is None:
        return 1
    gold_dir, models, fold_of, docs = got
    gold = voa.load_gold(gold_dir / "voa")

    def run(name: str, tweak=lambda m: m) -> dict:
        out: dict = {}
        for f, m in enumerate(models):
            out.update(train.code_docs(tweak(m), [d for d, g in zip(docs, fold_of) if g == f]))
        r = voa.score(out, gold)
        print(f"{name:34s} type F1 {r['f1']:.3f} P {r['precision']:.3f} R {r['recall']:.3f}; strict F1 "
              f"{r['strict_f1']:.3f}; dyads right {r['dyad_precision']:.3f}; {r['output']} events", flush=True)
        return out

    print(voa.format_kept(voa.kept_at(run("this checkout"), gold)), flush=True)
    for d in (-0.10, -0.05, 0.05):
        run(f"both thresholds {d:+.2f}", shifted(d))
    run("no gate", no_gate)
    modality = assemble._modality
    assemble._modality = lambda model, probs: "asserted"  # the parse's negation still applies
    run("modality always asserted")
    assemble._modality = modality
    return 0


if __name__ == "__main__":
    sys.exit(main())
