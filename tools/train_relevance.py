"""Train and measure the "is this document about politics?" model (``coder/relevance.py``).

    python tools/train_relevance.py [--shared ../shared] [--out FILE] [--dry-run]

Training documents:
- the VOA dev stories (``SHARED/gold/voa``), labelled political when their gold codes at
  least ``EVENTS_PER_SENTENCE`` events a sentence (a story with no events, such as medical
  tourism, is not); skipped with a message when the folder is absent;
- short articles written for the purpose (``tools/relevance/train_*.jsonl``, see its README).

Measured: 5-fold cross-validation (the VOA stories keep the shipped coder's folds, so the
stories a fold would drop are the ones the coder's own cross-validation scores there), the
regularisation C and the threshold chosen inside each training fold; then the final model on
``tools/relevance/heldout.jsonl``, written apart and never trained on. The threshold is the
highest whose inner cross-validated recall of political documents is at least
``RECALL_FLOOR``: a political document dropped loses all its events. Also measured: the
same documents cut to their first k sentences (``SHORT``), digests of held-out articles
(``DIGESTS``), and the PLOVER gold sentences as one-sentence documents.

Measured variants, not shipped (docs/ACCURACY.md, "Documents not about politics"):
``--leads`` trains on each document's first sentence too; ``--windows`` also scores every
window of ``WINDOW`` sentences; ``--blend`` blends a vector model and a mention model.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dyadscope import actors, clean  # noqa: E402
from dyadscope.coder import relevance  # noqa: E402
from dyadscope.embed import static_embedder  # noqa: E402
from dyadscope.models import RawDoc  # noqa: E402
from dyadscope.pipeline import _sentences  # noqa: E402

DATA = ROOT / "tools" / "relevance"
EVENTS_PER_SENTENCE = 0.1
RECALL_FLOOR = 0.98
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BLEND_GRID = (0.3, 0.5, 0.7)  # --blend: the vector model's weight
N_MENTION = len(relevance.MENTION_FEATURES)
FOLDS = 5
SHORT = (1, 2, 3, 4, 5, 6)  # inputs cut to this many sentences, measured too
DIGESTS = (3, 5, 8)  # other articles put with each held-out one, measured too
WINDOW, STRIDE = 8, 4  # --windows: sentences a window, and every how many one starts
SEED = 13


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def voa_documents(shared: Path) -> list[dict]:
    folder = shared / "gold" / "voa"
    if not folder.exists():
        print(f"no VOA gold at {folder}: training on the written articles alone", file=sys.stderr)
        return []
    from dyadscope.evaluate.voa import load_gold, load_stories

    gold = load_gold(folder)
    docs = []
    for s in load_stories(folder):
        sents = gold.get(str(s["id"]), [])
        events = sum(len(r.get("events") or []) for r in sents)
        rate = events / max(len(sents), 1)
        docs.append({"id": str(s["id"]), "text": s["text"], "date": (s.get("published") or "")[:10],
                     "political": rate >= EVENTS_PER_SENTENCE, "kind": "voa", "events": events,
                     "title": s.get("title", "")})
    return docs


def written(name: str) -> list[dict]:
    path = DATA / name
    return [dict(d, kind=name.split(".")[0], date="2025-06-01") for d in read_jsonl(path)] if path.exists() else []


def featurise(docs: list[dict], kb, lead: int = 0, windows: bool = False) -> list[np.ndarray]:
    """Each document as ingest sees it: cleaned, split, the gazetteer's mentions per sentence
    (``lead``: its first ``lead`` sentences alone, as a short input to ``dyadscope code`` is).
    Per document, its rows: the whole (``relevance.document_features``), and with
    ``windows`` (a measured variant) each window of ``WINDOW`` sentences too. Models are
    trained on the whole rows; a document's score is the highest of its rows'."""
    embedder = static_embedder()
    parts = []
    for d in docs:
        doc = clean.clean(RawDoc(text=d["text"], path=d["id"], published=d.get("date") or None))
        sents = _sentences(doc)[:lead] if lead else _sentences(doc)
        resolver = kb.document(d.get("date") or None)
        mentions = [list(resolver.find(s.text)) for s in sents]
        texts = [s.text for s in sents]
        rows = [relevance.document_features(texts, mentions, embedder)]
        if windows and len(texts) > WINDOW:
            starts = list(range(0, len(texts) - WINDOW + 1, STRIDE))
            starts += [len(texts) - WINDOW] if starts[-1] != len(texts) - WINDOW else []
            rows += [relevance.document_features(texts[s:s + WINDOW], mentions[s:s + WINDOW], embedder)
                     for s in starts]
        parts.append(np.vstack(rows))
    return parts


def whole(parts: list[np.ndarray]) -> np.ndarray:
    return np.vstack([p[0] for p in parts])


def score(fitted, parts: list[np.ndarray]) -> np.ndarray:
    """Each document's probability: the highest of its rows'."""
    probs = fitted.predict_proba(np.vstack(parts))[:, 1]
    ends = np.cumsum([len(p) for p in parts])
    return np.array([probs[e - len(p):e].max() for p, e in zip(parts, ends)])


class Linear:
    """A linear model over the raw features: ``weights``, ``bias``."""

    def __init__(self, weights: np.ndarray, bias: float):
        self.weights, self.bias = weights.astype(np.float32), float(bias)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))
        return np.column_stack([1 - p, p])


def _logistic(x, y, c) -> Linear:
    """A logistic model on standardised features, folded back to the raw features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    fitted = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000, class_weight="balanced")).fit(x, y)
    scaler, lr = fitted[0], fitted[1]
    w = lr.coef_[0] / scaler.scale_
    return Linear(w, lr.intercept_[0] - np.sum(w * scaler.mean_))


def _fit(x, y, setting) -> Linear:
    """One model over every feature (``setting`` = C), or with ``--blend`` (``setting`` =
    (C, a)) a model over the sentence vector and one over the three mention numbers, their
    log-odds blended with weight ``a`` on the vector's: the 128 vector columns cannot then
    crowd out the mentions. Either way one weight vector, as the shipped file holds."""
    if not isinstance(setting, tuple):
        return _logistic(x, y, setting)
    c, a = setting
    vec, men = _logistic(x[:, :-N_MENTION], y, c), _logistic(x[:, -N_MENTION:], y, c)
    return Linear(np.concatenate([a * vec.weights, (1 - a) * men.weights]), a * vec.bias + (1 - a) * men.bias)


def _oof(parts, y, folds, c) -> np.ndarray:
    out, x = np.zeros(len(y)), whole(parts)
    for f in sorted(set(folds)):
        tr, te = folds != f, folds == f
        out[te] = score(_fit(x[tr], y[tr], c), [p for p, t in zip(parts, te) if t])
    return out


def _threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The highest threshold keeping at least RECALL_FLOOR of the political documents."""
    pos = np.sort(p[y == 1])
    k = int(np.floor((1 - RECALL_FLOOR) * len(pos)))
    return float(pos[k]) if len(pos) else 0.5


def choose(parts, y, seed, settings=C_GRID) -> tuple[float, float]:
    """The setting (C, or C and the blend) by inner log-loss, and the threshold, on inner
    folds of the given documents."""
    inner = np.random.default_rng(seed).integers(0, 4, len(y))
    best = None
    for c in settings:
        p = np.clip(_oof(parts, y, inner, c), 1e-6, 1 - 1e-6)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        if best is None or loss < best[0]:
            best = (loss, c, p)
    return best[1], _threshold(best[2], y)


def folds_for(docs: list[dict]) -> np.ndarray:
    """A VOA story keeps its fold from the shipped coder's cross-validation; a written
    article gets a random one."""
    shipped = json.loads((ROOT / "src/dyadscope/data/coder/model.json").read_text())["cross_validation"]["folds"]
    rng = np.random.default_rng(SEED)
    return np.array([int(shipped[d["id"]]) if d["kind"] == "voa" and d["id"] in shipped
                     else int(rng.integers(0, FOLDS)) for d in docs])


def cross_validate(docs: list[dict], parts: list[np.ndarray], y: np.ndarray, log=print,
                   leads: list[np.ndarray] | None = None, also: dict | None = None, settings=C_GRID
                   ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Each document's held-out probability, the threshold its fold's training part chose,
    and the held-out probabilities of the documents in each entry of ``also`` (the same
    documents cut short, say). ``leads``: first sentences, trained on beside the documents."""
    folds = folds_for(docs)
    oof, thr_of = np.zeros(len(y)), np.zeros(len(y))
    more = {name: np.zeros(len(y)) for name in (also or {})}
    for f in range(FOLDS):
        tr, te = folds != f, folds == f
        pt = [p for p, t in zip(parts, tr) if t]
        yt = y[tr]
        if leads is not None:
            pt, yt = pt + [p for p, t in zip(leads, tr) if t], np.concatenate([yt, yt])
        c, thr = choose(pt, yt, SEED + f, settings)
        fitted = _fit(whole(pt), yt, c)
        oof[te] = score(fitted, [p for p, t in zip(parts, te) if t])
        for name, m in (also or {}).items():
            more[name][te] = score(fitted, [p for p, t in zip(m, te) if t])
        thr_of[te] = thr
        log(f"fold {f}: C {c}, threshold {thr:.3f}")
    return oof, thr_of, more


def training_documents(shared: Path) -> list[dict]:
    return voa_documents(shared) + written("train_political.jsonl") + written("train_other.jsonl")


def report(name: str, docs: list[dict], p: np.ndarray, thr) -> dict:
    y = np.array([d["political"] for d in docs])
    keep = p >= thr
    pos, neg = y.sum(), (~y).sum()
    out = {"documents": len(docs), "political": int(pos), "other": int(neg),
           "political_kept": round(float(keep[y].mean()), 3) if pos else None,
           "other_dropped": round(float((~keep[~y]).mean()), 3) if neg else None}
    print(f"{name}: {out}")
    return out


def plover_sentences(shared: Path) -> list[dict]:
    """The PLOVER gold-standard sentences (every one reports a political event), for
    measuring one-sentence inputs; never trained on here."""
    path = shared / "gold" / "plover_gsr_dev.json"
    if not path.exists():
        return []
    from dyadscope.evaluate.plover import load_gold

    return [{"id": str(r.get("id", n)), "text": r["text"], "political": True, "kind": "plover",
             "date": "2016-01-01"} for n, r in enumerate(load_gold(path))]


def digests(held: list[dict], k: int, seed: int = SEED) -> list[dict]:
    """News digests made of held-out articles: each political article after ``k``
    non-political ones, in a random order (political, as a whole), and as many digests of
    ``k + 1`` non-political articles (not political)."""
    rng = np.random.default_rng(seed + k)
    other = [d for d in held if not d["political"]]
    out = []
    for n, d in enumerate(held):
        items = [other[i] for i in rng.choice(len(other), k + (not d["political"]), replace=False)
                 if other[i] is not d]
        items = items[:k] + ([d] if d["political"] else items[k:k + 1])
        rng.shuffle(items)
        out.append({"id": f"digest{k}-{n}", "text": "\n\n".join(x["text"] for x in items),
                    "political": d["political"], "date": "2025-06-01"})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(relevance.MODEL_FILE))
    ap.add_argument("--dry-run", action="store_true", help="measure only; write no model")
    ap.add_argument("--leads", action="store_true",
                    help="train on each document's first sentence too (a measured variant, not shipped)")
    ap.add_argument("--blend", action="store_true",
                    help="a vector model and a mention model blended (a measured variant, not shipped)")
    ap.add_argument("--windows", action="store_true",
                    help="score each window of WINDOW sentences too, keeping a document when any passes "
                         "(a measured variant, not shipped)")
    args = ap.parse_args(argv)
    windows = args.windows
    settings = tuple((c, a) for c in C_GRID for a in BLEND_GRID) if args.blend else C_GRID
    kb = actors.load_kb()
    docs = training_documents(Path(args.shared))
    held = written("heldout.jsonl")
    print(f"training documents: {len(docs)} ({sum(d['political'] for d in docs)} political); held out: {len(held)}")
    parts, y = featurise(docs, kb, windows=windows), np.array([d["political"] for d in docs], dtype=int)
    leads = featurise(docs, kb, lead=1) if args.leads else None
    short = {k: featurise(docs, kb, lead=k) for k in SHORT}
    oof, thr_of, short_oof = cross_validate(docs, parts, y, leads=leads, also=short, settings=settings)
    kinds = sorted({d["kind"] for d in docs})
    cv = {kind: report(f"cross-validated, {kind}", [d for d in docs if d["kind"] == kind],
                       oof[[d["kind"] == kind for d in docs]], thr_of[[d["kind"] == kind for d in docs]])
          for kind in kinds}
    for k, p in short_oof.items():
        cv[f"first_{k}_sentences"] = report(f"cross-validated, first {k} sentences alone", docs, p, thr_of)
    voa = [(d, p, t) for d, p, t in zip(docs, oof, thr_of) if d["kind"] == "voa"]
    lost = [(d, p) for d, p, t in voa if p < t]
    if voa:
        total = sum(d["events"] for d, _, _ in voa)
        gone = sum(d["events"] for d, _ in lost)
        print(f"VOA stories dropped in cross-validation: {len(lost)} of {len(voa)}, holding {gone} of {total} gold events")
        for d, p in sorted(lost, key=lambda t: t[1]):
            print(f"  {p:.3f}  {d['events']:>3} events  {d['title'][:70]}")
        cv["voa_gold_events_lost"] = [gone, total]
    pt, yt = (parts, y) if leads is None else (parts + leads, np.concatenate([y, y]))
    c, thr = choose(pt, yt, SEED, settings)
    final = _fit(whole(pt), yt, c)
    out = {}
    if held:
        ph = score(final, featurise(held, kb, windows=windows))
        out["documents"] = report("held out (final model)", held, ph, thr)
        for d, p in sorted(zip(held, ph), key=lambda t: t[1]):
            if (p >= thr) != d["political"]:
                print(f"  wrong: {p:.3f} {'political' if d['political'] else 'other'}  {d['id']} {d.get('topic', '')}: {d['text'][:80]}")
        for k in SHORT:
            out[f"first_{k}_sentences"] = report(f"held out, first {k} sentences alone", held,
                                                 score(final, featurise(held, kb, lead=k)), thr)
        for k in DIGESTS:
            dig = digests(held, k)
            out[f"digests_of_{k + 1}"] = report(f"held out, digests of {k + 1} articles", dig,
                                                score(final, featurise(dig, kb, windows=windows)), thr)
    plover = plover_sentences(Path(args.shared))
    if plover:
        out["plover_sentences"] = report("PLOVER gold sentences, each one document (if checked: ingest checks none "
                                         "under relevance.MIN_SENTENCES)", plover, score(final, featurise(plover, kb)), thr)
    meta = {"C": c, "recall_floor": RECALL_FLOOR, "events_per_sentence": EVENTS_PER_SENTENCE,
            "leads": leads is not None, "windows": [WINDOW, STRIDE] if windows else None,
            "trained_on": {k: sum(d["kind"] == k for d in docs) for k in kinds},
            "cross_validation": cv, "heldout": out, "features": ["static vector mean (128)", *relevance.MENTION_FEATURES]}
    print(f"final: C {c}, threshold {thr:.3f}")
    if not args.dry_run:
        relevance.RelevanceModel(final.weights, final.bias, thr, meta).save(args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
