"""Is a document about politics? A small learned model that ingest asks before parsing.

The typer learned from international news only (the VOA stories), so it has never seen a
fire-safety notice, a sports report or a customer complaint, and reads "officials urged
residents" or "Japan beat Germany" as events. This model reads the whole document: the
mean of its sentences' static vectors (the typer's own, ``embed.StaticEmbedder``) and how
many of its sentences name a political actor the gazetteer knows. A document it scores
under the threshold produces no events and is not parsed; ``--all-events`` skips the check,
and so does a document of fewer than ``MIN_SENTENCES`` sentences.

Trained by ``tools/train_relevance.py`` on the VOA stories (labelled by their gold events)
and short articles written for the purpose (``tools/relevance/``); what it is worth, and
what it costs on VOA, is in docs/ACCURACY.md ("Documents not about politics").
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .assemble import POLITICAL_SECTORS

MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "coder" / "relevance.json"

# A shorter input is not checked: a sentence or two says too little about what a document is
# about (documents cut to their first one or two sentences kept 0.81 and 0.86 of the political
# ones, cross-validated, against 0.98 whole), and a one-line input to `dyadscope code` is
# usually a sentence already chosen for its event (docs/ACCURACY.md, "Documents not about
# politics"). A 3-sentence input is judged less surely than a whole article (0.91).
MIN_SENTENCES = 3
CHUNK = 512  # sentences embedded at a time
MENTION_FEATURES = ("share naming a country", "share naming a political sector", "distinct countries")


def mention_features(mentions: list[list]) -> np.ndarray:
    """What the gazetteer found, per sentence (its matches, each with the ``.ref`` it
    resolved to: ``ActorKB.document(...).find``), as three numbers: the share of sentences naming a country, the
    share naming an actor of a political sector (a government, an army, a party, the UN...)
    and log(1 + distinct countries)."""
    n = max(len(mentions), 1)
    country = sector = 0
    countries = set()
    for found in mentions:
        refs = [m.ref for m in found]
        if any(r.country for r in refs):
            country += 1
        if any(r.sector in POLITICAL_SECTORS for r in refs):
            sector += 1
        countries.update(r.country for r in refs if r.country)
    return np.array([country / n, sector / n, np.log1p(len(countries))], dtype=np.float32)


def document_features(texts: list[str], mentions: list[list], embedder,
                      vectors: np.ndarray | None = None) -> np.ndarray:
    """One row: the mean of the sentences' vectors at unit length (the mean of many unit
    vectors is shorter than one, so unscaled it would tell long documents from short ones
    rather than topics), then ``mention_features``. ``vectors``: the sentences' static vectors
    when the caller has them already."""
    total = np.zeros(embedder.dim, dtype=np.float64)
    for lo in range(0, len(texts), CHUNK):  # a long document's vectors never all in memory
        part = vectors[lo:lo + CHUNK] if vectors is not None else embedder.encode(texts[lo:lo + CHUNK])
        total += part.sum(axis=0)
    mean = (total / max(float(np.linalg.norm(total)), 1e-9)).astype(np.float32)
    return np.concatenate([mean, mention_features(mentions)])


@dataclass(frozen=True)
class RelevanceModel:
    """A logistic model over ``document_features``; ``threshold`` on its probability."""

    weights: np.ndarray
    bias: float
    threshold: float
    meta: dict

    def probability(self, features: np.ndarray) -> float:
        z = float(features @ self.weights + self.bias)
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: str | Path = MODEL_FILE) -> None:
        Path(path).write_text(json.dumps({
            "weights": [round(float(w), 6) for w in self.weights], "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4), "meta": self.meta}, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path = MODEL_FILE) -> "RelevanceModel":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(np.asarray(data["weights"], dtype=np.float32), float(data["bias"]),
                   float(data["threshold"]), data.get("meta", {}))


@lru_cache(maxsize=1)
def default_model() -> RelevanceModel | None:
    """The shipped model; ``None`` (every document kept) when its file is absent or
    ``$DYADSCOPE_RELEVANCE`` is ``off`` (a corpus the check would wrongly drop: say, your
    own annotated kind of news that it was not trained on)."""
    if os.environ.get("DYADSCOPE_RELEVANCE", "").strip().lower() == "off":
        return None
    return RelevanceModel.load() if MODEL_FILE.exists() else None


def describe(probability: float | None) -> str:
    """A stored ``about_politics`` in words, against the installed model's threshold (a
    retrained model may have another one than the model that checked the document)."""
    model = default_model()
    if probability is None:
        return f"not checked (fewer than {MIN_SENTENCES} sentences, or ingested before the check)"
    if model is None:
        return f"{probability:.3f}"
    if probability < model.threshold:
        return f"{probability:.3f}, under the check's threshold {model.threshold:.3f}: the coder gives such a document no events"
    return f"{probability:.3f} (the check's threshold: {model.threshold:.3f})"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The model's probability that a document is about politics, and whether it passed."""

    probability: float
    passed: bool


def applies(sentences: int, model: RelevanceModel | None = None) -> bool:
    """Whether ``check`` judges a document of this many sentences (a model is installed and
    the document is not shorter than ``MIN_SENTENCES``)."""
    return (model or default_model()) is not None and sentences >= MIN_SENTENCES


def check(texts: list[str], mentions: list[list], model: RelevanceModel | None = None,
          vectors: np.ndarray | None = None) -> Verdict | None:
    """Is a document, given as its sentences' texts and the gazetteer's mentions in each,
    about politics? ``None`` (kept unchecked) when there is no model or the document is
    shorter than ``MIN_SENTENCES``. ``vectors``: the sentences' static vectors
    (``embed.StaticEmbedder``), when the caller has them (ingest's gate reads the same)."""
    model = model or default_model()
    if not applies(len(texts), model):
        return None
    from ..embed import static_embedder

    p = round(model.probability(document_features(texts, mentions, static_embedder(), vectors)), 4)
    return Verdict(p, p >= model.threshold)  # decided on the value stored
