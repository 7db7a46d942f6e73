"""Fitting the event model's parts other than the typer (``train.fit`` puts them together).

Each function fits one part on labelled sentences (``SentenceInput``s and the gold events of
the sentence each overlaps) and returns plain arrays; nothing here chooses settings by
cross-validation or scores anything:

- the gate, which decides before the parse which sentences are worth parsing, and the
  threshold that keeps GATE_RECALL of the gold events;
- the sparse pre-filter's threshold (which sentences are worth a sentence vector);
- the trigger scorer (``triggers.py``): one logistic model per type over content words;
- the role scorers (which country is each side) and the actor scorers (which mention stands
  for it), ``roles.py``;
- the modality model (asserted, negated, hypothetical, future).

Needs scikit-learn (the ``train`` extra); the fitted model is read with numpy alone.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from ..evaluate import voa
from . import roles, triggers
from .features import Vocabulary

TYPES = list(voa.PLOVER_TYPES)
MODALITIES = ["asserted", "negated", "hypothetical", "future"]
# The thresholds tried wherever one is chosen (the typer's in train.py too).
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.15, 0.91, 0.05))
ROLE_C = 1.0  # also the mentions' scorer's, where 0.1-3 gave the same choices within 0.03
# The trigger scorer: its regularisation, how often a feature must occur in the training
# words to be kept, and how many trigger words a type needs to be learned at all. Session 24:
# it learns from the written stories too (their gold names the trigger words); the PLOVER
# sentences name none, so they are not its training rows.
TRIGGER_C = 0.5
TRIGGER_MIN_COUNT = 2
TRIGGER_MIN_WORDS = 2
MODALITY_C = 1.0
# Words that do not make two actors' words the same one ("the", "of"): the scorer of which
# mention stands for a side is taught by a shared content word with the gold actor.
_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "and", "s", "in", "on", "for", "to"})
# Sentences are embedded only where the typer without the vector finds this share of the
# events the full typer finds (true positives, inner cross-validation).
SPARSE_RECALL = 0.97
# The gate keeps the sentences where this share of gold events (inner cross-validation) lies.
# A design choice between speed and recall, measured on the outer folds (docs/ACCURACY.md):
# 0.95 parses ~82% of the VOA sentences naming an actor, 0.90 ~69% for type F1 -0.002, 0.85
# ~62% for -0.011.
GATE_RECALL = 0.90
GATE_C = 4.0


def _sklearn():
    import sys

    # store.py records a missing pandas as None in sys.modules (a DuckDB speed-up);
    # scikit-learn reads that entry directly, so it is taken out again for training.
    if "pandas" in sys.modules and sys.modules["pandas"] is None:
        del sys.modules["pandas"]
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise SystemExit("training needs scikit-learn: pip install 'dyadscope[train]'") from exc
    return LogisticRegression, DictVectorizer


def _fit_gate(feats: list[list[str]], y: np.ndarray, vecs: np.ndarray | None = None
              ) -> tuple[Vocabulary, np.ndarray, float]:
    """The gate over words and mentions, and the sentence vector when ``vecs`` is given
    (static vectors cost nothing before the parse; MiniLM ones would)."""
    LogisticRegression, _ = _sklearn()
    vocab = Vocabulary.fit(feats)
    width = len(vocab) + (vecs.shape[1] if vecs is not None else 0)
    if len(set(y.tolist())) < 2:  # nothing to tell apart: let every sentence through
        return vocab, np.zeros(width, dtype=np.float32), 20.0
    m = LogisticRegression(C=GATE_C, max_iter=3000, class_weight="balanced").fit(vocab.transform(feats, vecs), y)
    return vocab, m.coef_[0].astype(np.float32), float(m.intercept_[0])


def _gate_threshold(probs: np.ndarray, weight: np.ndarray) -> float:
    """The highest threshold that keeps GATE_RECALL of the gold events (``weight``: events
    per sentence)."""
    total = weight.sum()
    for t in sorted(THRESHOLDS + (0.05, 0.1), reverse=True):
        if total and weight[probs >= t].sum() / total >= GATE_RECALL:
            return float(t)
    return 0.0


def _sparse_threshold(sparse_probs: np.ndarray, hits: np.ndarray) -> float:
    """The highest threshold on the sparse typer's best type that keeps SPARSE_RECALL of the
    sentences where the full typer is right."""
    best = sparse_probs.max(axis=1)
    wanted = hits.any(axis=1)
    if not wanted.any():
        return 0.0
    for t in sorted((0.02, 0.05, 0.1) + THRESHOLDS, reverse=True):
        if (best[wanted] >= t).mean() >= SPARSE_RECALL:
            return float(t)
    return 0.0


def _fit_triggers(inputs, labels) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The trigger scorer: one logistic model per type over content words, labelled with the
    gold trigger words (``triggers.token_labels``). Returns feature names, weights
    (features, types) and biases; a type with too few trigger words stays neutral (zeros)."""
    from scipy import sparse

    LogisticRegression, _ = _sklearn()
    words, tags = [], []
    for s, gold in zip(inputs, labels):
        words += [f for _, f in triggers.token_features(s)]
        tags += triggers.token_labels(s, gold)
    counts = Counter(name for fs in words for name in set(fs))
    names = sorted(f for f, n in counts.items() if n >= TRIGGER_MIN_COUNT)
    index = {f: i for i, f in enumerate(names)}
    rows, cols = [], []
    for r, fs in enumerate(words):
        kept = [index[f] for f in fs if f in index]
        rows += [r] * len(kept)
        cols += kept
    # a feature named twice for one word counts twice, as in triggers.sentence_logits
    x = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(words), len(names)))
    w = np.zeros((len(names), len(TYPES)), dtype=np.float32)
    b = np.zeros(len(TYPES), dtype=np.float32)
    for j, t in enumerate(TYPES):
        yy = np.array([t in tag for tag in tags], dtype=int)
        if yy.sum() < TRIGGER_MIN_WORDS or yy.sum() == len(yy):
            continue
        m = LogisticRegression(C=TRIGGER_C, max_iter=3000, class_weight="balanced").fit(x, yy)
        w[:, j], b[j] = m.coef_[0], m.intercept_[0]
    return names, w, b


def _trigger_logits(inputs, fitted) -> np.ndarray:
    names, w, b = fitted
    return np.clip(triggers.sentence_logits(inputs, {f: i for i, f in enumerate(names)}, w, b), -30, 30)


def _role_data(inputs, labels, role: str):
    feats, ys = [], []
    for s, gold in zip(inputs, labels):
        if not gold:
            continue
        info = roles.mention_info(s)
        countries = roles.candidate_countries(s)
        ranks = roles.story_ranks(s)
        for e in gold:
            want = {a["country"] for a in e[role] if a.get("country")}
            if not want:
                continue
            # the target scorer sees the source's country (teacher forcing: the gold one)
            src = {a["country"] for a in e["source"] if a.get("country")} if role == "target" else set()
            for c in countries:
                feats.append(roles.role_features(s, info, c, e["type"], src, ranks))
                ys.append(int(c in want))
    return feats, ys


def actor_words(text: str | None) -> set[str]:
    """An actor's content words, lower-cased (what tells whether a mention is the gold's actor)."""
    return {w for w in re.findall(r"\w+", (text or "").lower()) if w not in _FUNCTION_WORDS}


def _actor_data(inputs, labels, role: str):
    """Rows for the scorer of which mention stands for a side: for each gold event whose side
    names a country and some words, the sentence's candidate mentions for that country
    (``roles.actor_candidates``), positive when they share the most content words with the
    gold's actor (a gold actor "Zhao Leji, the No. 3 head of China's ruling party" makes
    "Zhao Leji" the positive, not "China"). Events where no candidate shares a word teach
    nothing and are left out."""
    feats, ys = [], []
    for s, gold in zip(inputs, labels):
        for e in gold:
            texts = [actor_words(a.get("text")) for a in e[role]]
            for c in sorted({a["country"] for a in e[role] if a.get("country")}):
                cands, _, rows = roles.actor_rows(s, c, e["type"], role)
                shared = [max((len(actor_words(m[2]) & t) for t in texts), default=0) for m in cands]
                y = [int(n > 0 and n == max(shared)) for n in shared]
                if any(y):
                    feats += rows
                    ys += y
    return feats, ys


def _fit_roles(inputs, labels, data=_role_data) -> tuple[dict, dict, dict]:
    """One logistic scorer per role over the rows ``data`` makes: candidate countries by
    default, candidate mentions with ``_actor_data``. (For the mentions, a model taught by
    pairs of one choice, right minus wrong, did no better; docs/ACCURACY.md, "Actor words".)"""
    LogisticRegression, DictVectorizer = _sklearn()
    names, weights, bias = {}, {}, {}
    for role in roles.ROLES:
        feats, ys = data(inputs, labels, role)
        dv = DictVectorizer()
        xs = dv.fit_transform(feats) if feats else None
        names[role] = list(dv.get_feature_names_out()) if feats else []
        if len(set(ys)) < 2:  # nothing to tell apart: every candidate scores alike
            weights[role], bias[role] = np.zeros(len(names[role])), 0.0
            continue
        m = LogisticRegression(C=ROLE_C, max_iter=3000).fit(xs, ys)
        weights[role], bias[role] = m.coef_[0].astype(np.float64), float(m.intercept_[0])
    return names, weights, bias


def _fit_modality(x: np.ndarray, labels) -> tuple[np.ndarray, np.ndarray]:
    LogisticRegression, _ = _sklearn()
    rows, ys = [], []
    for r, gold in enumerate(labels):
        for e in gold:
            if "modality" in e and e["modality"] is None:  # a collection that does not code it
                continue
            onehot = np.zeros(len(TYPES), dtype=np.float32)
            onehot[TYPES.index(e["type"])] = 1.0
            rows.append(np.concatenate([x[r], onehot]))
            ys.append(MODALITIES.index(e.get("modality") or "asserted"))
    # balanced: 93% of gold events are asserted, and an unbalanced model calls everything
    # asserted; a planned or denied act stored as done is the costlier error for analysts
    w = np.zeros((x.shape[1] + len(TYPES), len(MODALITIES)), dtype=np.float32)
    b = np.full(len(MODALITIES), -20.0, dtype=np.float32)
    if len(set(ys)) < 2:  # one modality in the data (or none coded): always that one
        b[ys[0] if ys else 0] = 0.0
        return w, b
    m = LogisticRegression(C=MODALITY_C, max_iter=3000, class_weight="balanced").fit(np.vstack(rows), ys)
    for k, cls in enumerate(m.classes_):
        if len(m.classes_) > 2:
            w[:, cls], b[cls] = m.coef_[k], m.intercept_[k]
        else:  # binary: the softmax of (-z/2, z/2) is the logistic of z
            sign = 0.5 if k else -0.5
            w[:, cls], b[cls] = sign * m.coef_[0], sign * m.intercept_[0]
    return w, b
