"""An event's confidence as how often such events are right.

The typer's probability for a type is not the share of such events that are right: two
thresholds, three averaged inner models and the trigger scorer's blend all move it. So
``dyadscope train`` fits a map from that probability to the share of right events, on the
held-out output of its own cross-validation (each event right when its sentence holds a gold
event of its type, the VOA scoring rule), and the model applies it to every event's
``confidence``. Which events are output does not change: the thresholds compare the typer's
own probability. Measured in docs/ACCURACY.md ("Confidence that means what it says");
``tools/experiments/calibration.py`` compares the maps.

A map is a small dict stored in ``model.json`` (``calibration``):
``{"kind": "platt", "a": ..., "b": ...}`` gives sigmoid(a + b * logit(p)), with ``"c"`` added
to the sum for a type a parse candidate proposed when the kind is ``platt+proposed``;
``{"kind": "isotonic", "x": [...], "y": [...]}`` interpolates between the fitted steps.
"""

from __future__ import annotations

import numpy as np

KINDS = ("platt", "platt+proposed", "isotonic")
_EPS = 1e-4


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def fit(p, proposed, right, kind: str = "platt") -> dict:
    """A map fitted on raw probabilities ``p``, whether a candidate proposed each event's type
    (``proposed``) and whether each event was right (``right``). Needs scikit-learn."""
    if kind not in KINDS:
        raise ValueError(f"calibration kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    p, right = np.asarray(p, dtype=np.float64), np.asarray(right, dtype=int)
    if len(set(right.tolist())) < 2:
        raise ValueError(f"a calibration needs right and wrong events; got {len(right)} events, all "
                         f"{'right' if right.all() else 'wrong'}")
    if kind == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, right)
        return {"kind": kind, "x": [round(float(v), 4) for v in iso.X_thresholds_],
                "y": [round(float(v), 4) for v in iso.y_thresholds_]}
    from sklearn.linear_model import LogisticRegression

    cols = [_logit(p)] + ([np.asarray(proposed, dtype=np.float64)] if kind == "platt+proposed" else [])
    m = LogisticRegression(C=1e4, max_iter=1000).fit(np.column_stack(cols), right)
    out = {"kind": kind, "a": round(float(m.intercept_[0]), 4), "b": round(float(m.coef_[0][0]), 4)}
    if kind == "platt+proposed":
        out["c"] = round(float(m.coef_[0][1]), 4)
    return out


def apply(cal: dict | None, p, proposed=None) -> np.ndarray:
    """The calibrated confidence of raw probabilities ``p`` (``p`` itself without a map)."""
    p = np.asarray(p, dtype=np.float64)
    if not cal:
        return p
    if cal["kind"] == "isotonic":
        return np.interp(p, cal["x"], cal["y"])
    z = cal["a"] + cal["b"] * _logit(p)
    if "c" in cal:
        z = z + cal["c"] * np.asarray(proposed if proposed is not None else np.zeros_like(p), dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-z))
