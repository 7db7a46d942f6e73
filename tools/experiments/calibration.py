"""Does an event's ``confidence`` say how often such an event is right? And would a
calibration map make it say so?

``confidence`` is the typer's probability for the event's type. The typer's two thresholds
(one for a type a parse candidate proposed, one for a type nothing proposed) and its blend
with the trigger scorer mean a raw probability of 0.9 need not be right 90% of the time
(session 24: events at ``--min-confidence 0.9`` had the right type 0.82 of the time). This
recodes the held-out VOA stories with the shipped recipe's five fold models
(``recode_folds.py``'s cache) and compares maps from the raw probability to a calibrated one
with ``train.calibrate``, as ``make train`` fits them: each event right when its sentence holds
a gold event of its type (the README's rule, one gold event per output), each fold's events
mapped by a map fitted on the other four folds' events (so no map is scored on the events it
was fitted on):

- none: the raw probability;
- Platt: a logistic model over logit(p);
- Platt + proposed: the same, with whether a candidate proposed the type;
- isotonic: scikit-learn's isotonic regression over p.

    python tools/experiments/calibration.py [--gold ../shared/gold] [--cache /tmp/dyadscope-folds]

Session 26's figures are in docs/ACCURACY.md ("Confidence that means what it says").
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recode_folds import setup  # noqa: E402

from dyadscope.coder import train  # noqa: E402
from dyadscope.evaluate import voa  # noqa: E402

LEVELS = (0.6, 0.7, 0.8, 0.9)
MAPS = (("none (raw)", None), ("Platt", "platt"), ("Platt + proposed", "platt+proposed"), ("isotonic", "isotonic"))


def scores(p: np.ndarray, y: np.ndarray) -> str:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    log_loss = float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))
    at = "; ".join(f">= {t}: {int((p >= t).sum())} events, {y[p >= t].mean():.3f} right" for t in LEVELS)
    return f"log loss {log_loss:.3f}  Brier {np.mean((p - y) ** 2):.3f}  ECE {train._ece(p, y):.3f}  | {at}"


def main() -> int:
    got = setup(__doc__.split("\n")[0])
    if got is None:
        return 1
    gold_dir, models, fold_of, docs = got
    gold = voa.load_gold(gold_dir / "voa")
    outputs: dict = {}
    for f, m in enumerate(models):
        m.calibration = None  # the raw probability, whatever the model carries
        outputs.update(train.code_docs(m, [d for d, g in zip(docs, fold_of) if g == f]))
    stories = [d.story for d in docs]
    y = np.array([ok for sid in stories for ok in voa.right_types(outputs[sid], gold[sid])], dtype=float)
    print(f"{len(y)} held-out events, {int(y.sum())} right ({y.mean():.3f})")
    for name, kind in MAPS:
        mapped = outputs if kind is None else train.calibrate(docs, outputs, gold, fold_of, kind)[1]
        p = np.array([ev["confidence"] for sid in stories for ev in mapped[sid]])
        print(f"{name:18s} {scores(p, y)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
