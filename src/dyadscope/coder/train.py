"""Train and cross-validate the event model on sentence-annotated news (``dyadscope train``).

The data is a folder laid out like ``gold/voa/`` (``stories_dev.jsonl`` and
``gold_dev.jsonl``, format in its README). Each story runs through the real pipeline
(clean, split, gazetteer, parse, candidates) exactly as ingest runs it; each sentence the
coder looks at is labelled with the gold sentence it overlaps (the scorer's rule).

Measurement is k-fold cross-validation grouped by story. Inside each training fold an
inner cross-validation chooses the regularisation and the confidence threshold, so no
figure is scored on data that tuned it. The held-out fold is coded by the same
``assemble.code_inputs`` that ingest runs and scored with ``evaluate.voa``; the folds'
output pooled gives the figures and bootstrap intervals. The shipped model is then fitted
on every story with the same inner procedure. ``--plover FILE`` adds a PLOVER gold-standard
file's sentences to every training part (never to an inner held-out part, so thresholds
are chosen on the stories) and cross-validates over them too. Needs scikit-learn (``pip install
'dyadscope[train]'``); the shipped model is read with numpy alone.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..annotations import Annotated, read_folder
from ..api import event_record
from ..evaluate import plover, voa
from . import assemble, calibration
from .features import SentenceInput, Vocabulary, gate_features, sentence_features
from .fitting import (MODALITIES, THRESHOLDS, TYPES, _actor_data, _fit_gate, _fit_modality, _fit_roles, _fit_triggers,
                      _gate_threshold, _sklearn, _sparse_threshold, _trigger_logits)
from .model import MODEL_DIR, CoderModel

C_GRID = (4.0, 16.0)  # typer regularisation (sparse groups), chosen by the inner cross-validation
DENSE_C_GRID = (0.25, 1.0, 4.0)  # ... and for the sentence vector's model
BLEND_GRID = (0.3, 0.5, 0.7)  # the vector model's weight in the blended logit
# Precision first: the threshold is the one with the best F1 among those whose inner
# cross-validated precision reaches this floor (the most precise one when none does).
# 0.65 since session 7: with the blended typer, 0.60 / 0.65 / 0.70 gave cross-validated type
# F1 0.424 / 0.424 / 0.399 at precision 0.605 / 0.653 / 0.675 (docs/ACCURACY.md).
PRECISION_FLOOR = 0.65
# Settings whose inner F1 is this close to the best are told apart by precision, not by F1
# (session 9: the choice of C, blend and thresholds jumped with two sentences changed).
F1_TOLERANCE = 0.01
# How much a sentence of an ``extra`` collection (the PLOVER gold) counts in the typer against
# one of the main one. Session 13 measured 1 / 0.5 / 0.25 (docs/ACCURACY.md, "Another
# collection as training data"): 0.5 kept VOA type F1 and raised PLOVER recall most.
EXTRA_WEIGHT = 0.5
# The weights the trigger scorer's logits may get in the blend with the sentence typer (0: not
# used; chosen by the inner cross-validation). The scorer itself is fitted in fitting.py.
TRIGGER_WEIGHTS = (0.0, 0.3, 0.45)
# The gate also reads the static sentence vector (docs/ACCURACY.md: it parses fewer sentences
# for the same recall of gold events).
GATE_VECTOR = True
# Sentence vectors: "static" (MiniLM word-piece vectors averaged, embed.StaticEmbedder) or
# "minilm" (the transformer on every sentence). Static: cross-validated type F1 0.037 lower
# at ~1/250 of the cost (docs/ACCURACY.md); the sparse pre-filter that decided which
# sentences were worth a MiniLM pass is then not needed.
VECTORS = "static"
FOLDS = 5
INNER_FOLDS = 4
# `train` warns when the cross-validated type F1 is under this (a model that finds little)
WEAK_F1 = 0.2
# The typer's settings (Cs, blend, the two thresholds) are chosen on INNER_SPLITS different
# splits of the training stories into inner folds, one model fitted for each, and the models
# averaged: their weights, and their thresholds as log-odds (still one linear model and two
# thresholds). On one split the choice among near-equal settings was a lottery that moved with
# any small change of the data (thresholds anywhere from 0.60 to 0.80). Session 18: 3 splits
# gave cross-validated type F1 +0.01 on two versions of the data and the same final thresholds
# on both (docs/ACCURACY.md); training takes three times as long.
INNER_SPLITS = 3
SEED = 13
# the confidence map fitted on the cross-validation's held-out events (calibration.py;
# docs/ACCURACY.md, "Confidence that means what it says")
CALIBRATION = "platt"


@dataclass
class Doc:
    """One story as the coder saw it, with gold labels per prepared sentence."""

    story: str
    inputs: list[SentenceInput]
    candidates: list
    sentences: list
    pubdate: object
    gold: list[list[dict]]  # gold events of the sentence each input overlaps ([] if none)
    weight: float | None = None  # as ``extra``, a row's weight in the typer (None: EXTRA_WEIGHT)


def collect(source: str | Path | Annotated, kb=None, on_progress=lambda n, total: None,
            vectors: str = VECTORS) -> list[Doc]:
    """Run every story of an annotation folder (or of one already read) through the
    pipeline and keep what the coder sees. Stories ``annotations.read_folder`` finds a
    problem in are left out."""
    from ..actors import load_kb
    from ..models import RawDoc
    from ..pipeline import process

    from ..embed import embedder_for

    kb = kb or load_kb()
    embedder = embedder_for(vectors)
    data = source if isinstance(source, Annotated) else read_folder(source)
    stories, gold = data.stories, data.gold
    docs: list[Doc] = []
    for n, story in enumerate(stories, 1):
        sid = str(story["id"])
        got: dict = {}

        def keep(sentences, resolver, pubdate, doc_id, *, mentions=None):
            got["inputs"], got["cands"] = assemble.prepare(sentences, resolver, pubdate, doc_id, mentions=mentions)
            assemble.embed_inputs(got["inputs"], embedder)
            got["sentences"], got["pubdate"] = sentences, pubdate
            return []

        raw = RawDoc(text=story["text"], path=sid, published=(story.get("published") or "")[:10] or None)
        process([raw], kb, embed_leads=False, code_fn=keep, parse_all=True)
        if "inputs" not in got:  # skipped by the cleaner
            continue
        sents = gold.get(sid, [])
        words = [voa.words(g["text"]) for g in sents]
        labels = []
        for s in got["inputs"]:
            k = voa.place(s.text, sents, words)
            labels.append(sents[k]["events"] if k is not None else [])
        docs.append(Doc(sid, got["inputs"], got["cands"], got["sentences"], got["pubdate"], labels))
        on_progress(n, len(stories))
    return docs


def collect_plover(path: str | Path, kb=None, vectors: str = VECTORS) -> list[Doc]:
    """The sentences of a PLOVER gold-standard file (``plover_gsr_dev.json``), each a
    one-sentence document with its one gold event, parsed as ``dyadscope eval plover`` parses
    them. The file does not code modality: None keeps its events out of the modality model."""
    from ..actors import load_kb
    from ..embed import embedder_for
    from .. import nlp

    kb = kb or load_kb()
    embedder = embedder_for(vectors)
    docs = []
    for rec in plover.load_gold(path):
        sents = nlp.parse_text(rec["text"])
        inputs, cands = assemble.prepare(sents, kb.document(plover.DOC_DATE), None, rec["id"])
        if not inputs:
            continue
        assemble.embed_inputs(inputs, embedder)
        event = {"type": plover.gold_type(rec["event"]), "modality": None,
                 **{role: [{"country": c} for c in sorted(plover.countries(rec.get(role)))]
                    for role in ("source", "target")}}
        docs.append(Doc(rec["id"], inputs, cands, sents, None, [[event] for _ in inputs]))
    return docs


# -- fitting ------------------------------------------------------------------------------
def _rows(docs: list[Doc]):
    inputs = [s for d in docs for s in d.inputs]
    labels = [g for d in docs for g in d.gold]
    return inputs, labels


def _type_matrix(labels: list[list[dict]]) -> np.ndarray:
    return np.array([[any(e["type"] == t for e in g) for t in TYPES] for g in labels], dtype=int)


def _fit_typer(x: np.ndarray, y: np.ndarray, c: float, weight: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    from scipy import sparse

    LogisticRegression, _ = _sklearn()
    xs = sparse.csr_matrix(x)
    w = np.zeros((x.shape[1], len(TYPES)), dtype=np.float32)
    b = np.full(len(TYPES), -20.0, dtype=np.float32)  # a type never seen is never predicted
    for j in range(len(TYPES)):
        if y[:, j].sum() < 2:
            continue
        if y[:, j].sum() == len(y):  # every sentence has it
            b[j] = 20.0
            continue
        m = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(xs, y[:, j], sample_weight=weight)
        w[:, j], b[j] = m.coef_[0], m.intercept_[0]
    return w, b


def _logits(x, w, b) -> np.ndarray:
    return np.clip(x @ w + b, -30, 30)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _blend(ws: np.ndarray, bs: np.ndarray, wd: np.ndarray, bd: np.ndarray, a: float) -> tuple[np.ndarray, np.ndarray]:
    """One linear typer over [sparse columns, vector] whose logit is (1 - a) times the sparse
    model's plus a times the vector model's (the shipped model keeps its one weight matrix)."""
    return (np.vstack([(1 - a) * ws, a * wd]).astype(np.float32),
            ((1 - a) * bs + a * bd).astype(np.float32))


def _predict(x, w, b) -> np.ndarray:
    return _sigmoid(_logits(x, w, b))


def _threshold(probs: np.ndarray, y: np.ndarray, proposed: np.ndarray) -> tuple[float, float, float, float]:
    """(threshold, candidate threshold, precision, F1) by the precision-first rule. A type
    that the parse-based coder also proposed may pass at a lower threshold than one the
    typer finds alone (the two agreeing is evidence); both are chosen here."""
    ok = []
    most_precise = None
    for t in THRESHOLDS:
        for tc in (x for x in THRESHOLDS if x <= t):
            pred = np.where(proposed, probs >= tc, probs >= t)
            tp = int((pred & (y == 1)).sum())
            p = tp / max(int(pred.sum()), 1)
            f1 = 2 * tp / max(int(pred.sum()) + int(y.sum()), 1)
            if p >= PRECISION_FLOOR:
                ok.append((t, tc, p, f1))
            if most_precise is None or p > most_precise[2]:
                most_precise = (t, tc, p, f1)
    return _most_precise_of_the_best(ok, key_p=2, key_f1=3) or most_precise


def _most_precise_of_the_best(options: list[tuple], key_p: int, key_f1: int) -> tuple | None:
    """Among ``options`` whose F1 is within F1_TOLERANCE of the best, the most precise (the
    first on a tie): differences of F1 that small are noise between inner splits, and on
    noise the precision-first choice wins."""
    if not options:
        return None
    top = max(o[key_f1] for o in options)
    near = [o for o in options if o[key_f1] >= top - F1_TOLERANCE]
    return max(near, key=lambda o: o[key_p])


def proposed_types(inputs: list[SentenceInput]) -> np.ndarray:
    """Which types the candidate coder proposed in each sentence (rows) per type (columns)."""
    return np.array([[any(e.plover == t for e in s.candidates) for t in TYPES] for s in inputs], dtype=bool)


def _folds(groups: list[str], k: int, seed: int) -> list[int]:
    """Fold number per item, whole groups (stories) to a fold, balanced by size."""
    sizes = Counter(groups)
    order = sorted(sizes, key=lambda g: (-sizes[g], g))
    random.Random(seed).shuffle(order)
    load = [0] * k
    fold_of = {}
    for g in sorted(order, key=lambda g: -sizes[g]):
        f = min(range(k), key=lambda i: load[i])
        fold_of[g] = f
        load[f] += sizes[g]
    return [fold_of[g] for g in groups]


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _averaged(models: list[CoderModel], log=print) -> CoderModel:
    """One model from several fitted on the same stories with different inner splits: the
    typer's weights averaged, each threshold averaged as log-odds (a sentence passes the
    average exactly when the models' margins over their own thresholds average to 0 or more).
    The gate, roles and modality are fitted on every story and are the same in each; the
    gate's threshold, chosen inside, is averaged likewise."""
    m = models[0]
    m.typer_w = np.mean([x.typer_w for x in models], axis=0).astype(np.float32)
    m.typer_b = np.mean([x.typer_b for x in models], axis=0).astype(np.float32)
    if m.sparse_w is not None:
        m.sparse_w = np.mean([x.sparse_w for x in models], axis=0).astype(np.float32)
        m.sparse_b = np.mean([x.sparse_b for x in models], axis=0).astype(np.float32)
    for name in ("threshold", "candidate_threshold", "gate_threshold"):
        values = [getattr(x, name) for x in models]
        # 0 means "every sentence" (a gate that found no threshold): it stays 0, not a log-odds
        mean = 0.0 if min(values) <= 0 else float(_sigmoid(np.mean([_logit(min(v, 1 - 1e-6)) for v in values])))
        setattr(m, name, round(mean, 4))
    # the MiniLM pre-filter: each split's threshold keeps fitting.SPARSE_RECALL of its own found events;
    # the lowest keeps at least as many sentences as any of them
    m.sparse_threshold = min(x.sparse_threshold for x in models)
    # every split shares one trigger scorer, each at its own blend weight (0: none): the
    # average of their logits is the scorer's at the average weight
    named = [x for x in models if x.trigger_w is not None]
    if named:
        m.trigger_names = named[0].trigger_names
        m.trigger_w = np.mean([x.trigger_w if x.trigger_w is not None else 0 * named[0].trigger_w
                               for x in models], axis=0).astype(np.float32)
        m.trigger_b = np.mean([x.trigger_b if x.trigger_b is not None else 0 * named[0].trigger_b
                               for x in models], axis=0).astype(np.float32)
        m.trigger_index = {}
    m.meta = {"inner_splits": [x.meta for x in models],
              "inner_precision": round(float(np.mean([x.meta["inner_precision"] for x in models])), 4),
              "inner_f1": round(float(np.mean([x.meta["inner_f1"] for x in models])), 4)}
    log(f"    {len(models)} inner splits averaged: thresholds {m.threshold:.3f} / {m.candidate_threshold:.3f} "
        f"with a candidate, gate {m.gate_threshold:.3f}")
    return m


def _trigger_part(docs: list[Doc], extra: list[Doc], inner_folds: int, seed: int, log=print):
    """The trigger scorer for ``fit``: its held-out logits on every row (``docs``' rows
    scored by a scorer fitted on the other inner folds of one split, which every inner split's
    choice of blend weight reads) and the scorer fitted on every row. Rows whose gold names no
    trigger words (the PLOVER sentences) are not its training rows."""
    inputs, labels = _rows(list(docs) + list(extra))
    named = [all(e.get("trigger") for e in g) for g in labels]
    groups = [d.story for d in docs for _ in d.inputs]
    inner = _folds(groups, inner_folds, seed) + [-1] * (len(inputs) - len(groups))
    z = np.zeros((len(inputs), len(TYPES)))
    started = time.time()
    for f in range(inner_folds):
        tr = [i for i, g in enumerate(inner) if g != f and named[i]]
        te = [i for i, g in enumerate(inner) if g == f]
        z[te] = _trigger_logits([inputs[i] for i in te],
                                _fit_triggers([inputs[i] for i in tr], [labels[i] for i in tr]))
    rows = [i for i in range(len(inputs)) if named[i]]
    fitted = _fit_triggers([inputs[i] for i in rows], [labels[i] for i in rows])
    log(f"    inner: trigger scorer on {len(rows)} sentences, {len(fitted[0])} word features "
        f"({time.time() - started:.0f} s)")
    return z, fitted


def fit(docs: list[Doc], log=print, inner_folds: int = INNER_FOLDS, vectors: str = VECTORS,
        extra: list[Doc] = (), inner_seed: int | None = None, shared: CoderModel | None = None,
        trig=None) -> CoderModel:
    """A model from these stories; C and the threshold chosen by an inner cross-validation.
    ``vectors`` names where the stories' sentence vectors came from (``collect``).
    ``extra`` documents (another collection's sentences) are in every inner training part
    and never in an inner held-out part, so the thresholds are chosen on ``docs`` alone.
    ``shared``: a model fitted on the same stories whose gate, roles and modality are taken
    as they are (they do not depend on the inner split; a third of a fit's time).
    ``trig``: the trigger scorer's part (``_trigger_part``), computed once for every split."""
    if trig is None and any(TRIGGER_WEIGHTS):
        trig = _trigger_part(docs, extra, inner_folds, SEED + 1, log)
    if inner_seed is None and INNER_SPLITS > 1:
        first = fit(docs, log, inner_folds, vectors, extra, inner_seed=SEED + 1, trig=trig)
        return _averaged([first, *(fit(docs, log, inner_folds, vectors, extra, inner_seed=SEED + 1 + k, shared=first,
                                       trig=trig)
                                   for k in range(1, INNER_SPLITS))], log)
    inner_seed = SEED + 1 if inner_seed is None else inner_seed
    filtered = vectors != "static"  # a sparse pre-filter saves MiniLM passes, not look-ups
    if not any(d.inputs for d in docs):
        raise ValueError(f"the {len(docs)} training stories have no sentence naming an actor: "
                         "fewer --folds, or more stories")
    inputs, labels = _rows(list(docs) + list(extra))
    feats = [sentence_features(s) for s in inputs]
    vecs = np.vstack([s.vector for s in inputs])
    y = _type_matrix(labels)
    groups = [d.story for d in docs for _ in d.inputs]
    inner = _folds(groups, inner_folds, inner_seed) + [-1] * sum(len(d.inputs) for d in extra)
    scored = np.array([g >= 0 for g in inner])
    weight = np.array([1.0] * len(groups) + [EXTRA_WEIGHT if d.weight is None else d.weight
                                             for d in extra for _ in d.inputs])
    proposed = proposed_types(inputs)
    gfeats = [gate_features(s.text, s.mentions) for s in inputs]
    gy = np.array([bool(g) for g in labels], dtype=int)
    gweight = np.array([len(g) for g in labels], dtype=float)
    gvecs = vecs if vectors == "static" and GATE_VECTOR else None
    goof = np.zeros(len(inputs))
    for f in range(inner_folds):
        tr = [i for i, g in enumerate(inner) if g != f]
        te = [i for i, g in enumerate(inner) if g == f]
        gv, gw, gb = _fit_gate([gfeats[i] for i in tr], gy[tr], gvecs[tr] if gvecs is not None else None)
        goof[te] = _predict(gv.transform([gfeats[i] for i in te], gvecs[te] if gvecs is not None else None), gw, gb)
    gate_t = _gate_threshold(goof[scored], gweight[scored])
    log(f"    inner: gate threshold {gate_t:.2f} keeps {np.mean(goof[scored] >= gate_t):.0%} of the sentences")
    # The typer is two linear models whose logits are blended: one over the sparse groups
    # (words, lemmas, candidates, parse, lexicon), one over the dense sentence vector, each
    # with its own regularisation. One model over both let the many sparse columns crowd out
    # the vector (docs/ACCURACY.md). Both Cs and the blend are chosen here, by inner CV.
    zs = {c: np.zeros(y.shape) for c in C_GRID}
    zd = {c: np.zeros(y.shape) for c in DENSE_C_GRID}
    for f in range(inner_folds):
        tr = [i for i, g in enumerate(inner) if g != f]
        te = [i for i, g in enumerate(inner) if g == f]
        vocab = Vocabulary.fit([feats[i] for i in tr])
        xs_tr, xs_te = vocab.transform([feats[i] for i in tr]), vocab.transform([feats[i] for i in te])
        for c in C_GRID:
            w, b = _fit_typer(xs_tr, y[tr], c, weight[tr])
            zs[c][te] = _logits(xs_te, w, b)
        for c in DENSE_C_GRID:
            w, b = _fit_typer(vecs[tr], y[tr], c, weight[tr])
            zd[c][te] = _logits(vecs[te], w, b)
    options = []
    for c in C_GRID:
        for dc in DENSE_C_GRID:
            for a in BLEND_GRID:
                for k in (TRIGGER_WEIGHTS if trig is not None else (0.0,)):
                    z = (1 - a) * zs[c][scored] + a * zd[dc][scored]
                    if k:
                        z = (1 - k) * z + k * trig[0][scored]
                    oof = _sigmoid(z)
                    t, tc, p, f1 = _threshold(oof, y[scored], proposed[scored])
                    options.append((c, dc, a, k, t, tc, f1, p, oof))
    c, dc, a, k, t, tc, f1, p, oof = _most_precise_of_the_best(options, key_p=7, key_f1=6)
    log(f"    inner: C={c:g} (sparse) / {dc:g} (vector), vector weight {a:g}, trigger weight {k:g}, "
        f"thresholds {t:.2f} / {tc:.2f} with a candidate: sentence-type precision {p:.3f}, F1 {f1:.3f}")
    vocab = Vocabulary.fit(feats)
    xs = vocab.transform(feats)
    ws, bs = _fit_typer(xs, y, c, weight)
    w, b = _blend(ws, bs, *_fit_typer(vecs, y, dc, weight), a)
    trigger = {}
    if k:
        names, tw, tb = trig[1]
        w, b = (1 - k) * w, (1 - k) * b
        trigger = {"trigger_names": names, "trigger_w": (k * tw).astype(np.float32),
                   "trigger_b": (k * tb).astype(np.float32)}
    sw, sb, sparse_t = None, None, 0.0
    if filtered:
        hits = np.where(proposed[scored], oof >= tc, oof >= t) & (y[scored] == 1)
        sparse_t = _sparse_threshold(_sigmoid(zs[c][scored]), hits)
        log(f"    inner: embedding threshold {sparse_t:.2f} embeds "
            f"{np.mean(_sigmoid(zs[c][scored]).max(axis=1) >= sparse_t):.0%} of the sentences")
        sw, sb = ws, bs
    if shared is not None:
        role_names, role_w, role_b = shared.role_names, shared.role_w, shared.role_b
        actor_names, actor_w, actor_b = shared.actor_names, shared.actor_w, shared.actor_b
        mw, mb = shared.modality_w, shared.modality_b
        gv, gw, gb = shared.gate_vocab, shared.gate_w, shared.gate_b
    else:
        role_names, role_w, role_b = _fit_roles(inputs, labels)
        actor_names, actor_w, actor_b = _fit_roles(inputs, labels, _actor_data)
        mw, mb = _fit_modality(np.hstack([xs, vecs]), labels)
        gv, gw, gb = _fit_gate(gfeats, gy, gvecs)
    return CoderModel(gate_vocab=gv, gate_w=gw, gate_b=gb, gate_threshold=gate_t,
                      sparse_w=sw, sparse_b=sb, sparse_threshold=sparse_t, vocab=vocab, types=TYPES, typer_w=w, typer_b=b, threshold=float(t),
                      candidate_threshold=float(tc),
                      role_names=role_names, role_w=role_w, role_b=role_b, modalities=MODALITIES,
                      actor_names=actor_names, actor_w=actor_w, actor_b=actor_b,
                      modality_w=mw, modality_b=mb, vectors=vectors, embedding_dim=int(vecs.shape[1]), **trigger,
                      meta={"C": c, "vector_C": dc, "vector_weight": a, "trigger_weight": k,
                            "inner_precision": round(p, 4),
                            "inner_f1": round(f1, 4)})


def code_docs(model: CoderModel, docs: list[Doc]) -> dict[str, list[dict]]:
    """Output records per story, exactly as ``dyadscope code`` writes them."""
    out = {}
    for d in docs:
        inputs = [s for s in d.inputs if model.passes_gate(s.text, s.mentions)]
        events = assemble.code_inputs(model, inputs, d.candidates, d.sentences, d.story, d.pubdate)
        out[d.story] = [event_record(e) for e in events]
    return out


def cross_validate(docs: list[Doc], gold: dict, folds: int = FOLDS, log=print,
                   vectors: str = VECTORS, extra: list[Doc] = (),
                   outputs: dict | None = None) -> tuple[dict, list[int]]:
    """Pooled held-out output of ``folds`` story-grouped folds, scored with the VOA rule
    (``extra``: trained on in every fold, never scored). ``outputs``, when given, receives
    the pooled output records per story (for measurements beyond the rule's)."""
    fold_of = _folds([d.story for d in docs], folds, SEED)
    outputs = {} if outputs is None else outputs
    for f in range(folds):
        t0 = time.time()
        train = [d for d, g in zip(docs, fold_of) if g != f]
        test = [d for d, g in zip(docs, fold_of) if g == f]
        model = fit(train, log=log, vectors=vectors, extra=extra)
        outputs.update(code_docs(model, test))
        part = voa.score({d.story: outputs[d.story] for d in test}, {d.story: gold[d.story] for d in test})
        log(f"  fold {f + 1}/{folds}: {len(test)} stories, thresholds {model.threshold:.2f} / "
            f"{model.candidate_threshold:.2f}, "
            f"type F1 {part['f1']:.3f}, strict F1 {part['strict_f1']:.3f} ({time.time() - t0:.0f} s)")
    result = voa.score(outputs, {d.story: gold[d.story] for d in docs})
    return result, fold_of


def cross_validate_plover(docs: list[Doc], pdocs: list[Doc], path: str | Path, folds: int = FOLDS, log=print,
                          vectors: str = VECTORS, also: list[Doc] = ()) -> dict:
    """The PLOVER sentences in ``folds`` random folds: each scored (PLOVER rule) by a model
    trained on every story of ``docs``, the other folds' sentences and ``also`` (extra stories)."""
    records = plover.load_gold(path)
    order = random.Random(SEED).sample(records, len(records))
    fold_of = {rec["id"]: k % folds for k, rec in enumerate(order)}
    parts = []
    for f in range(folds):
        model = fit(docs, log=lambda *a: None, vectors=vectors,
                    extra=[*also, *(d for d in pdocs if fold_of[d.story] != f)])
        part = plover.score_records([r for r in records if fold_of[r["id"]] == f], plover.coder_fn(model=model))
        log(f"  PLOVER fold {f + 1}/{folds}: type recall {part['type_recall']:.3f}, extra {part['extra_rate']:.3f}")
        parts.append(part)
    return plover.pool(parts)


def read_folders(folders: list[str | Path], log=print) -> list[Annotated]:
    """Each annotation folder read and checked; every problem logged (file and line). Story
    ids must differ across folders (each is a fold's unit and a model's record)."""
    out: list[Annotated] = []
    seen: dict[str, Path] = {}
    for folder in folders:
        data = read_folder(folder)
        for problem in data.problems:
            log(f"  {problem}")
        for sid in data.gold:
            if sid in seen:
                raise ValueError(f"story {sid} is in both {seen[sid]} and {data.folder}: the same text "
                                 "annotated twice? Keep it in one folder (or give each story its own id)")
            seen[sid] = data.folder
        out.append(data)
    return out


def calibrate(docs: list[Doc], outputs: dict[str, list[dict]], gold: dict, fold_of: list[int],
              kind: str = CALIBRATION) -> tuple[dict, dict[str, list[dict]], dict]:
    """The confidence map, fitted on the cross-validation's pooled held-out events (their
    ``confidence`` the fold model's raw probability; right by the VOA rule), and the same
    outputs with each event's confidence cross-fitted: mapped by a map fitted on the other
    folds' events, so that what ``--min-confidence`` keeps is measured on events no map saw.
    Returns (map or None when the events are all right or all wrong, cross-fitted outputs,
    {"events", "right", "ece_raw", "ece"})."""
    rows = []  # (story, index, fold, raw p, proposed, right)
    for d, f in zip(docs, fold_of):
        events = outputs.get(d.story, [])
        proposed = {s.text: {e.plover for e in s.candidates} for s in d.inputs}
        for i, (ev, ok) in enumerate(zip(events, voa.right_types(events, gold[d.story]))):
            if ev.get("plover"):
                rows.append((d.story, i, f, ev["confidence"], ev["plover"] in proposed.get(ev["sentence"], ()), ok))
    fold = np.array([r[2] for r in rows])
    p, prop, y = (np.array([r[k] for r in rows], dtype=float) for k in (3, 4, 5))
    crossed = np.array(p)
    for f in sorted(set(fold.tolist())):
        other = fold != f
        if len(set(y[other].tolist())) == 2:
            crossed[fold == f] = calibration.apply(calibration.fit(p[other], prop[other], y[other], kind),
                                                   p[fold == f], prop[fold == f])
    out = {sid: [dict(ev) for ev in events] for sid, events in outputs.items()}
    for (sid, i, *_), c in zip(rows, crossed):
        out[sid][i]["confidence"] = round(float(c), 3)
    report = {"events": len(rows), "right": int(y.sum()), "ece_raw": round(_ece(p, y), 4),
              "ece": round(_ece(crossed, y), 4)}
    # too few held-out events to tell right from wrong (a tiny corpus): the raw probability
    return (calibration.fit(p, prop, y, kind) if len(set(y.tolist())) == 2 else None), out, report


def _ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the mean gap between confidence and the share right, over
    ten equal-width bins of confidence, weighted by their events."""
    b = np.minimum((p * bins).astype(int), bins - 1)
    return float(sum(abs(p[b == k].mean() - y[b == k].mean()) * (b == k).sum() for k in set(b.tolist())) / len(p)) \
        if len(p) else 0.0


def train(folder: str | Path | list, out: str | Path = MODEL_DIR, *, folds: int = FOLDS, evaluate: bool = True,
          log=print, vectors: str = VECTORS, plover_file: str | Path | None = None,
          extra_folders: list[str | Path] = (), extra_weight: float = 1.0) -> CoderModel:
    """Collect, cross-validate (optional), fit on everything, save into ``out``. ``folder``:
    one annotation folder or a list of them (the VOA gold and your own, ``docs/ANNOTATING.md``),
    whose stories are pooled. With ``plover_file``, its sentences are trained on too (weight
    EXTRA_WEIGHT) and scored by their own cross-validation. The stories of ``extra_folders``
    (weight ``extra_weight``) are trained on in every fold and never scored, nor used to
    choose a threshold: stories written for the purpose (``tools/annotations/``), whose
    worth is then measured on the others alone."""
    t0 = time.time()
    folders = [folder] if isinstance(folder, (str, Path)) else list(folder)
    extra_folders = list(extra_folders)
    log(f"reading and parsing the stories in {', '.join(map(str, folders + extra_folders))} ...")
    docs: list[Doc] = []
    gold: dict = {}
    annotated = read_folders(folders + extra_folders, log=log)
    left_out = sum(data.left_out for data in annotated)
    learn_only: list[Doc] = []
    for data in annotated[len(folders):]:
        got = collect(data, vectors=vectors)
        for d in got:
            d.weight = extra_weight
        log(f"  {data.folder}: {len(got)} stories to learn from, never scored (weight {extra_weight:g})")
        learn_only += got
    annotated = annotated[:len(folders)]
    for data in annotated:
        got = collect(data, vectors=vectors)
        log(f"  {data.folder}: {len(got)} stories")
        docs += got
        gold.update(data.gold)
    if not docs:
        raise ValueError("no annotated story to train on")
    if not any(events for d in docs for events in d.gold):
        raise ValueError("no sentence of these stories has an event: fill in the events in gold.jsonl "
                         "first (docs/ANNOTATING.md)")
    if evaluate and len(docs) < folds:
        raise ValueError(f"{len(docs)} annotated stories are too few for {folds}-fold cross-validation "
                         "(fewer folds: --folds; none: --no-eval)")
    log(f"  {len(docs)} stories, {sum(len(d.inputs) for d in docs)} sentences naming an actor "
        f"({time.time() - t0:.0f} s)")
    meta: dict = {"trained_on": " + ".join(Path(f).name for f in folders), "stories": sorted(d.story for d in docs),
                  "stories_left_out": left_out}
    if learn_only:
        meta["extra_stories"] = {"folders": [str(f) for f in extra_folders], "weight": extra_weight,
                                 "stories": sorted(d.story for d in learn_only)}
    pdocs: list[Doc] = []
    if plover_file:
        pdocs = collect_plover(plover_file, vectors=vectors)
        log(f"  and {len(pdocs)} PLOVER sentences from {plover_file} (weight {EXTRA_WEIGHT:g}; "
            f"{plover.LICENCE}: the model trained on them is shared under that licence)")
        meta["extra"] = {"file": Path(plover_file).name, "sentences": sorted(d.story for d in pdocs),
                         "weight": EXTRA_WEIGHT, "licence": plover.LICENCE}
    if evaluate:
        log(f"{folds}-fold cross-validation grouped by story (nested: C and threshold chosen inside each fold)")
        outputs: dict = {}
        result, fold_of = cross_validate(docs, gold, folds, log=log, vectors=vectors, extra=learn_only + pdocs,
                                         outputs=outputs)
        log(voa.format_report(result, title="cross-validated"))
        cal, crossed, cal_report = calibrate(docs, outputs, gold, fold_of)
        if cal is None:
            log(f"  confidence not calibrated: the {cal_report['events']} held-out events are all right or all wrong")
        else:
            log(f"  confidence calibrated ({cal['kind']}): expected calibration error {cal_report['ece_raw']:.3f} "
                f"raw, {cal_report['ece']:.3f} calibrated (cross-fitted over the folds)")
        kept = voa.kept_at(crossed, {d.story: gold[d.story] for d in docs})
        log(voa.format_kept(kept))
        if result["f1"] < WEAK_F1:
            log(f"warning: cross-validated type F1 {result['f1']:.3f} is under {WEAK_F1}: on stories it was "
                "not trained on, this model finds few events right (the VOA recipe gives ~0.40). More "
                "annotated stories are what helps (docs/ANNOTATING.md).")
        for data in annotated if len(annotated) > 1 else ():  # each folder's stories on their own
            mine = {sid: gold[sid] for sid in data.gold if sid in outputs}
            log(voa.format_report(voa.score(outputs, mine), title=f"cross-validated, the {len(mine)} stories of {data.folder}"))
        meta["cross_validation"] = {
            "folds": {d.story: f for d, f in zip(docs, fold_of)},
            **{k: round(result[k], 4) for k in ("f1", "recall", "precision", "strict_f1", "strict_recall",
                                                   "strict_precision", "macro_f1", "dyad_precision")},
            "interval": {k: [round(a, 4), round(b, 4)] for k, (a, b) in result["interval"].items()},
            "min_confidence": kept,
            "calibration": cal_report,
        }
        if pdocs:
            log(f"{folds}-fold cross-validation over the PLOVER sentences (trained on every story and the other folds)")
            pres = cross_validate_plover(docs, pdocs, plover_file, folds, log=log, vectors=vectors, also=learn_only)
            log(plover.format_report(pres, title="cross-validated"))
            meta["plover_cross_validation"] = {k: round(pres[k], 4) for k in (
                "type_recall", "extra_rate", "source_country", "target_country")}
    log("fitting the final model on every story ...")
    model = fit(docs, log=log, vectors=vectors, extra=learn_only + pdocs)
    if evaluate:
        model.calibration = cal
    model.meta.update(meta)
    model.save(out)
    log(f"saved to {out} (thresholds {model.threshold:.2f} / {model.candidate_threshold:.2f} with a candidate, "
        f"{time.time() - t0:.0f} s in all)")
    return model
