"""Does the typer gain from what it says about the sentences around? A stacking measurement.

The typer scores each sentence alone. Real news runs in threads (an accusation follows an
attack, a story about a war holds many attacks), so a second stage could read the first's
held-out probabilities of the neighbouring sentences and of the whole story, or all sixteen
types' probabilities of the same sentence (an "ACCUSE" next to an "ASSAULT" is often the gold's
reading of "X accused Y of attacking"). This measures that on the shipped recipe's five fold
models (``recode_folds.py``'s cache: each VOA sentence's probabilities come from the model that
never saw its story), with a second stage cross-validated over the same folds and every
comparison made at the same sentence-level precision. Sentences the gate drops stay dropped.

    python tools/experiments/context_stacking.py [--gold ../shared/gold] [--cache /tmp/dyadscope-folds]

Session 23's figures are in docs/ACCURACY.md ("The typer's neighbours").
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recode_folds import setup  # noqa: E402

from dyadscope.coder import assemble, train  # noqa: E402


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def held_out(docs, models, fold_of):
    """Per sentence: each type's probability from the fold model that never saw the story,
    gold types, the candidate coder's types, the gate's verdict, the fold, and context."""
    rows = {k: [] for k in ("p", "y", "proposed", "gate", "fold", "prev", "next", "story")}
    for d, f in zip(docs, fold_of):
        m = models[f]
        p = m.type_probabilities(assemble.features_matrix(m, d.inputs), d.inputs)
        z, idx = logit(p), [s.idx for s in d.inputs]
        near = np.full_like(z, -8.0)
        prev, nxt = near.copy(), near.copy()
        for r in range(len(z)):  # the neighbours the coder reads, at most two sentences away
            if r and idx[r] - idx[r - 1] <= 2:
                prev[r] = z[r - 1]
            if r + 1 < len(z) and idx[r + 1] - idx[r] <= 2:
                nxt[r] = z[r + 1]
        rows["p"].append(p)
        rows["y"].append(train._type_matrix(d.gold))
        rows["proposed"].append(train.proposed_types(d.inputs))
        rows["gate"].append(np.array([m.passes_gate(s.text, s.mentions) for s in d.inputs]))
        rows["fold"].append(np.full(len(p), f))
        rows["prev"].append(prev)
        rows["next"].append(nxt)
        rows["story"].append((p.sum(0, keepdims=True) - p) / max(len(p) - 1, 1))  # the story's other sentences
    return {k: np.concatenate(v) for k, v in rows.items()}


def best_at(probs: np.ndarray, y: np.ndarray, gate: np.ndarray, floor: float) -> tuple[float, float, float]:
    """The best sentence-level (precision, recall, F1) of one threshold whose precision reaches ``floor``."""
    best = (0.0, 0.0, 0.0)
    for t in np.arange(0.05, 0.96, 0.005):
        pred = gate[:, None] & (probs >= t)
        tp = int((pred & (y == 1)).sum())
        p, f1 = tp / max(int(pred.sum()), 1), 2 * tp / (int(pred.sum()) + int(y.sum()))
        if p >= floor and f1 > best[2]:
            best = (p, tp / y.sum(), f1)
    return best


def stacked(data: dict, columns) -> np.ndarray:
    """A second stage per type, cross-validated over the folds, on ``columns(j)``."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros_like(data["p"])
    for j in range(out.shape[1]):
        x = columns(j)
        for f in np.unique(data["fold"]):
            tr, te = data["fold"] != f, data["fold"] == f
            if data["y"][tr, j].sum() < 2:
                continue
            model = LogisticRegression(C=1.0, max_iter=3000).fit(x[tr], data["y"][tr, j])
            out[te, j] = model.predict_proba(x[te])[:, 1]
    return out


def main() -> int:
    got = setup(__doc__.split("\n")[0])
    if got is None:
        return 1
    _, models, fold_of, docs = got
    data = held_out(docs, models, fold_of)
    z, prop = logit(data["p"]), data["proposed"].astype(float)
    own = lambda j: np.column_stack([z[:, j], prop[:, j], z[:, j] * prop[:, j]])  # noqa: E731
    variants = {
        "the typer alone": data["p"],
        "recalibrated (own logit, candidate)": stacked(data, own),
        "+ the neighbours' logits": stacked(data, lambda j: np.column_stack([own(j), data["prev"][:, j],
                                                                             data["next"][:, j]])),
        "+ the story's mean": stacked(data, lambda j: np.column_stack([own(j), data["story"][:, j]])),
        "+ all 16 types' logits": stacked(data, lambda j: np.column_stack([own(j), z])),
    }
    print("sentence level, held out, the best threshold at each precision floor (pooled; flatters every row alike)")
    for name, probs in variants.items():
        cells = [f"P>={floor:.2f}: P {p:.3f} R {r:.3f} F1 {f1:.3f}"
                 for floor in (0.65, 0.70, 0.75) for p, r, f1 in [best_at(probs, data["y"], data["gate"], floor)]]
        print(f"{name:38s} " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
