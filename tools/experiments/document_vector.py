"""Does the typer gain from knowing what the whole document is about?

Each sentence's vector gets the document's vector appended: the mean of all its sentences'
static vectors at unit length, the same vector the "about politics?" check reads
(``coder/relevance.py``), so ingest would get it for free. A story about a war makes
ASSAULT likelier for a sentence whose own words are vague. The gate, the typer's vector model
and the modality model read the longer vector; everything else is the shipped recipe. Nested
5-fold cross-validation by story, the shipped folds, PLOVER sentences at half weight (a
one-sentence document is its own context).

    python tools/experiments/document_vector.py [../shared] [--scale 1.0]

About 5 minutes on 2 cores (docs/ACCURACY.md, "Documents not about politics").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from dyadscope import actors
from dyadscope.coder import assemble, relevance, train
from dyadscope.embed import static_embedder
from dyadscope.evaluate import voa
from dyadscope.api import event_record


def with_document_vector(docs, scale: float) -> None:
    """Append the document's vector (times ``scale``) to each input's own, in place."""
    emb = static_embedder()
    for d in docs:
        texts = [s.text for s in d.sentences] or [s.text for s in d.inputs]
        doc_vec = relevance.document_features(texts, [[] for _ in texts], emb)[:emb.dim] * scale
        for s in d.inputs:
            s.vector = np.concatenate([s.vector, doc_vec]).astype(np.float32)


def code_docs(model, docs):
    """``train.code_docs``, with the gate reading the inputs' own (longer) vectors."""
    out = {}
    for d in docs:
        if d.inputs:
            probs = model.gate_probabilities([s.text for s in d.inputs], [s.mentions for s in d.inputs],
                                             np.vstack([s.vector for s in d.inputs]))
            inputs = [s for s, p in zip(d.inputs, probs) if p >= model.gate_threshold]
        else:
            inputs = []
        events = assemble.code_inputs(model, inputs, d.candidates, d.sentences, d.story, d.pubdate)
        out[d.story] = [event_record(e) for e in events]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("shared", nargs="?", default="../shared")
    ap.add_argument("--scale", type=float, default=1.0, help="the document vector's weight against the sentence's")
    args = ap.parse_args()
    shared = Path(args.shared)
    kb = actors.load_kb()
    folder = shared / "gold" / "voa"
    gold = voa.load_gold(folder)
    docs = train.collect(folder, kb)
    extra = train.collect_plover(shared / "gold" / "plover_gsr_dev.json", kb)
    with_document_vector(docs, args.scale)
    with_document_vector(extra, args.scale)
    train.code_docs = code_docs
    result, _ = train.cross_validate(docs, gold, extra=extra)
    print(f"document vector x{args.scale:g}: type F1 {result['f1']:.3f} {result['interval']['f1']}, "
          f"P {result['precision']:.3f} R {result['recall']:.3f}, strict F1 {result['strict_f1']:.3f} "
          f"{result['interval']['strict_f1']}, dyads {result['dyad_precision']:.3f}, macro {result.get('macro_f1', 0):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
