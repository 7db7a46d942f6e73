"""The confidence map (coder/calibration.py): fitted on right and wrong events, applied to
the typer's probability."""

from __future__ import annotations

import numpy as np
import pytest

from dyadscope.coder import calibration

pytest.importorskip("sklearn", reason="fitting a map needs the train extra (scikit-learn)")


def _events(n=3000, seed=0):
    """Events whose raw probability overstates how often they are right (0.8 * p)."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.5, 1.0, n)
    proposed = rng.integers(0, 2, n)
    right = (rng.uniform(size=n) < 0.8 * p).astype(int)
    return p, proposed, right


@pytest.mark.parametrize("kind", calibration.KINDS)
def test_a_fitted_map_says_how_often_events_are_right(kind):
    p, proposed, right = _events()
    cal = calibration.fit(p, proposed, right, kind)
    got = calibration.apply(cal, p, proposed)
    assert abs(got.mean() - right.mean()) < 0.01  # the raw mean is 0.75 against 0.60 right
    sure = got >= np.quantile(got, 0.8)
    assert abs(got[sure].mean() - right[sure].mean()) < 0.04
    # never reorders the events it is given with the same proposal flag
    order = np.argsort(p)
    for flag in (0, 1):
        seq = got[order][proposed[order] == flag]
        assert np.all(np.diff(seq) >= -1e-9)


def test_no_map_leaves_the_probability_as_it_is():
    p = np.array([0.2, 0.55, 0.99])
    assert calibration.apply(None, p).tolist() == p.tolist()


def test_a_map_needs_right_and_wrong_events_and_a_known_kind():
    p, proposed, right = _events(50)
    with pytest.raises(ValueError, match="right and wrong"):
        calibration.fit(p, proposed, np.ones_like(right))
    with pytest.raises(ValueError, match="kind"):
        calibration.fit(p, proposed, right, "beta")
