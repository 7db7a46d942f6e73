"""Does an event's ``confidence`` say how often such an event is right? And would a
calibration map make it say so?

``confidence`` is the typer's probability for the event's type. The typer's two thresholds
(one for a type a parse candidate proposed, one for a type nothing proposed) and its blend
with the trigger scorer mean a raw probability of 0.9 need not be right 90% of the time
(session 24: events at ``--min-confidence 0.9`` had the right type 0.82 of the time). This
recodes the held-out VOA stories with the shipped recipe's five fold models
(``recode_folds.py``'s cache), labels each output event right when its sentence holds a gold
event of its type (the README's rule, one gold event per output), and compares maps from the
raw probability to a calibrated one, each fitted on four folds' held-out events and scored
on the fifth (so no map is scored on the events it was fitted on):

- none: the raw probability;
- Platt: a logistic model over logit(p);
- Platt + proposed: the same, with whether a candidate proposed the type;
- isotonic: scikit-learn's isotonic regression over p.

    python tools/experiments/calibration.py [--gold ../shared/gold] [--cache /tmp/dyadscope-folds]

Session 26's figures are in docs/ACCURACY.md ("Confidence that means what it says").
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recode_folds import setup  # noqa: E402

from dyadscope.coder import assemble, calibration, train  # noqa: E402
from dyadscope.evaluate import voa  # noqa: E402

LEVELS = (0.6, 0.7, 0.8, 0.9)


def held_out(models, fold_of, docs) -> list[dict]:
    """Every held-out output event (raw probability as ``confidence``), with whether a
    candidate proposed its type, its fold and its story."""
    proposed: dict[tuple[str, str], bool] = {}
    original = assemble._event

    def recording(model, s, sent, ptype, *args, **kw):
        proposed[(s.text, ptype)] = any(e.plover == ptype for e in s.candidates)
        return original(model, s, sent, ptype, *args, **kw)

    assemble._event = recording
    rows = []
    try:
        for f, m in enumerate(models):
            m.calibration = None  # the raw probability, whatever the model carries
            for d in (d for d, g in zip(docs, fold_of) if g == f):
                for ev in train.code_docs(m, [d])[d.story]:
                    rows.append({"fold": f, "story": d.story, "event": ev,
                                 "proposed": proposed[(ev["sentence"], ev["plover"])]})
    finally:
        assemble._event = original
    return rows


def label(rows: list[dict], gold: dict) -> None:
    """``right``: the README's matching, event by event (``voa.right_types``)."""
    by_story = defaultdict(list)
    for r in rows:
        by_story[r["story"]].append(r)
    for sid, rs in by_story.items():
        for r, ok in zip(rs, voa.right_types([r["event"] for r in rs], gold[sid])):
            r["right"] = ok


def scores(p: np.ndarray, y: np.ndarray) -> dict:
    eps = 1e-6
    q = np.clip(p, eps, 1 - eps)
    bins = np.minimum((p * 10).astype(int), 9)
    ece = sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).sum() for b in set(bins)) / len(p)
    out = {"log_loss": float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))),
           "brier": float(np.mean((p - y) ** 2)), "ece": float(ece)}
    for t in LEVELS:
        kept = p >= t
        out[f"at {t}"] = (int(kept.sum()), float(y[kept].mean()) if kept.any() else float("nan"))
    return out


def main() -> int:
    got = setup(__doc__.split("\n")[0])
    if got is None:
        return 1
    gold_dir, models, fold_of, docs = got
    gold = voa.load_gold(gold_dir / "voa")
    rows = held_out(models, fold_of, docs)
    label(rows, gold)
    p = np.array([r["event"]["confidence"] for r in rows])
    prop = np.array([r["proposed"] for r in rows], dtype=float)
    y = np.array([r["right"] for r in rows], dtype=float)
    fold = np.array([r["fold"] for r in rows])
    print(f"{len(rows)} held-out events, {int(y.sum())} right ({y.mean():.3f}); "
          f"{int(prop.sum())} of a type a candidate proposed")
    for name, kind in (("none (raw)", None), ("Platt", "platt"), ("Platt + proposed", "platt+proposed"),
                       ("isotonic", "isotonic")):
        cal = np.zeros_like(p)
        for f in sorted(set(fold)):
            tr, te = fold != f, fold == f
            if kind is None:
                cal[te] = p[te]
            else:
                params = calibration.fit(p[tr], prop[tr], y[tr], kind)
                cal[te] = calibration.apply(params, p[te], prop[te])
        s = scores(cal, y)
        at = "; ".join(f">= {t}: {s[f'at {t}'][0]} events, {s[f'at {t}'][1]:.3f} right" for t in LEVELS)
        print(f"{name:18s} log loss {s['log_loss']:.3f}  Brier {s['brier']:.3f}  ECE {s['ece']:.3f}  | {at}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
