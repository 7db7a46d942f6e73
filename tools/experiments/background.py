"""Measure the stored ``background`` flag against the VOA gold, and a learned alternative.

    dyadscope code --input voa_in.jsonl --output voa_out.jsonl   # the VOA stories, one a line
    python tools/experiments/background.py voa_out.jsonl ../shared/gold/voa

Each output event whose sentence matches a gold sentence (the README's word overlap) and
whose type is among that sentence's gold types is compared with the gold events' own
``background``. Then a logistic model (words and word pairs of the sentence, the event's
date against the publication date, the stored flag) is cross-validated by story (5 folds)
at several thresholds. Session 13: the stored flag, decided by the date rules, is as good
(docs/ACCURACY.md, "Background").
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

from dyadscope.evaluate import voa


def matched(out_file: str, folder: Path):
    """(story, output event, publication date, gold background) for each output event that
    the README's rule places in a gold sentence holding a gold event of its type."""
    gold = voa.load_gold(folder)
    published = {str(s["id"]): s["published"][:10] for s in voa.load_stories(folder)}
    rows = []
    for line in open(out_file, encoding="utf-8"):
        r = json.loads(line)
        story = str(r["id"])
        for e in r["events"]:
            if not e.get("plover"):
                continue
            k = voa.place(e["sentence"], gold[story])
            same = [g for g in gold[story][k]["events"] if g["type"] == e["plover"]] if k is not None else []
            if same:
                rows.append((story, e, published[story], int(any(g.get("background") for g in same))))
    return rows


def numbers(e: dict, published: str) -> list[float]:
    months = 0.0
    if e.get("date"):
        months = (int(published[:4]) - int(e["date"][:4])) * 12 + int(published[5:7]) - int(e["date"][5:7])
    return [int(bool(e.get("background"))), min(max(months, 0), 120) / 12, int(months >= 2),
            int(e.get("date_precision") == "document"), int(e.get("date_precision") in ("year", "month"))]


def main(out_file: str, folder: str) -> None:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = matched(out_file, Path(folder))
    y = np.array([r[3] for r in rows])
    stored = np.array([int(bool(r[1].get("background"))) for r in rows])
    texts = [r[1]["sentence"] for r in rows]
    nums = np.array([numbers(r[1], r[2]) for r in rows], dtype=float)
    stories = sorted({r[0] for r in rows})
    random.Random(0).shuffle(stories)
    fold = np.array([stories.index(r[0]) % 5 for r in rows])

    def report(name: str, pred: np.ndarray) -> None:
        tp = int((pred & (y == 1)).sum())
        print(f"{name}: flagged {int(pred.sum())}, precision {tp / max(pred.sum(), 1):.2f}, "
              f"recall {tp / max(y.sum(), 1):.2f}")

    print(f"{len(y)} matched events, {int(y.sum())} background in the gold")
    report("stored flag", stored == 1)
    for c in (0.1, 0.3, 1.0):
        probs = np.zeros(len(y))
        for k in range(5):
            tr, te = fold != k, fold == k
            vec = CountVectorizer(ngram_range=(1, 2), min_df=2, binary=True)
            a = hstack([vec.fit_transform([texts[i] for i in np.flatnonzero(tr)]), csr_matrix(nums[tr])])
            b = hstack([vec.transform([texts[i] for i in np.flatnonzero(te)]), csr_matrix(nums[te])])
            model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(a, y[tr])
            probs[te] = model.predict_proba(b)[:, 1]
        for t in (0.3, 0.4, 0.5, 0.6, 0.7):
            report(f"learned, C {c}, threshold {t}", probs >= t)


if __name__ == "__main__":
    main(*sys.argv[1:3])
