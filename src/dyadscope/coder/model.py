"""The shipped event model: three small linear models, read with numpy alone.

``data/coder/model.json`` holds the vocabularies, labels, the confidence threshold and how
the model was trained and measured; ``data/coder/model.npz`` the weights. Both are written
by ``dyadscope train`` (``coder/train.py``); nothing here needs scikit-learn.

- typer: one logistic model per PLOVER type over the sentence (``features.py``), plus the
  logit of the sentence's best trigger word per type (``triggers.py``), when trained with one;
- roles: one logistic scorer per role over (sentence, candidate country, type) (``roles.py``),
  and one per role over the mentions that may stand for that side (``roles.actor_features``);
- modality: a multinomial logistic model over the sentence and the event's type;
- calibration: a map from the typer's probability to the share of such events that are right
  (``calibration.py``), applied to each event's ``confidence``, when trained with one.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import triggers
from .features import Vocabulary, gate_features

MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "coder"


# The model files' format. Raise it whenever a model gains a part that older code would
# read without error and silently leave out (session 24's trigger scorer was such a part):
# code refuses a model of a newer format instead of coding with part of it. Models written
# before the field existed are format 1.
MODEL_FORMAT = 3  # 2: the trigger scorer (session 24); 3: the confidence calibration (session 26)


class ModelMissing(RuntimeError):
    """No trained event model where one was expected."""


class ModelUnusable(ModelMissing):
    """A model folder whose files are there but cannot be used; the message says why."""


class ModelTooNew(ModelUnusable):
    """A model written by a newer dyadscope, holding parts this code cannot use."""


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass
class CoderModel:
    vocab: Vocabulary
    types: list[str]
    typer_w: np.ndarray  # (features + embedding, types)
    typer_b: np.ndarray
    threshold: float  # an event is kept when its type's probability reaches this
    candidate_threshold: float  # ... or this, when the candidate coder proposed the type too
    role_names: dict[str, list[str]]  # role -> feature names
    role_w: dict[str, np.ndarray]
    role_b: dict[str, float]
    modalities: list[str]
    modality_w: np.ndarray  # (features + embedding + types, modalities)
    modality_b: np.ndarray
    meta: dict = field(default_factory=dict)
    embedding_dim: int = 384
    # where sentence vectors come from: "static" (MiniLM word-piece vectors, a look-up) or
    # "minilm" (the transformer run on every sentence, ~250x the cost); docs/ACCURACY.md
    vectors: str = "minilm"
    # the gate: a logistic model over words and gazetteer mentions, before any parse;
    # sentences under its threshold are neither parsed nor typed (None: every sentence)
    gate_vocab: Vocabulary | None = None
    gate_w: np.ndarray | None = None
    gate_b: float = 0.0
    gate_threshold: float = 0.0

    # the sparse typer: the typer without the sentence vector; a sentence none of whose types
    # it scores at sparse_threshold or more is not embedded (embedding is most of the cost)
    sparse_w: np.ndarray | None = None
    sparse_b: np.ndarray | None = None
    sparse_threshold: float = 0.0
    # which mention stands for a side: role -> feature names, weights, bias (empty in models
    # trained before session 15: roles.actor_for's order then applies)
    actor_names: dict = field(default_factory=dict)
    actor_w: dict = field(default_factory=dict)
    actor_b: dict = field(default_factory=dict)
    # the trigger scorer (triggers.py): feature names and weights per type, already scaled by
    # their blend weight; a sentence's trigger logits are added to the typer's
    trigger_names: list[str] | None = None
    trigger_w: np.ndarray | None = None
    trigger_b: np.ndarray | None = None
    trigger_index: dict = field(default_factory=dict, repr=False, compare=False)
    # (scorer, role) -> feature name -> column, built on first use from the names
    role_index: dict = field(default_factory=dict, repr=False, compare=False)
    # the map from the typer's probability to the confidence an event carries (calibration.py);
    # None: the probability itself (models trained before session 26, or without evaluation)
    calibration: dict | None = None
    # which model this is, where it is not the package's: its folder's name and the first
    # digits of its weights' SHA-256 (recorded in every event's coder_version; load sets it)
    source: str = ""

    @property
    def coder_version(self) -> str:
        """The version every event this model codes records: the coder's, plus the model's
        ``source`` when it is not the shipped one (a model of your own annotations)."""
        from .assemble import CODER_VERSION

        return f"{CODER_VERSION} + model {self.source}" if self.source else CODER_VERSION

    def embedder(self):
        """The embedder this model's sentence vectors come from."""
        from .. import embed

        return embed.embedder_for(self.vectors)

    def worth_embedding(self, sparse_x: np.ndarray) -> np.ndarray:
        if self.sparse_w is None:
            return np.ones(len(sparse_x), dtype=bool)
        return (_sigmoid(sparse_x @ self.sparse_w + self.sparse_b) >= self.sparse_threshold).any(axis=1)

    @property
    def gate_reads_vectors(self) -> bool:
        """Whether the gate also reads the sentence vector (a static-vector model's does)."""
        return self.gate_vocab is not None and len(self.gate_w) > len(self.gate_vocab)

    def gate_probabilities(self, texts: list[str], mentions: list, vectors: np.ndarray | None = None) -> np.ndarray:
        """How likely the gate finds it that each sentence holds an event (1.0 without a
        gate). ``vectors``: the sentences' vectors when the caller has them already."""
        if self.gate_vocab is None:
            return np.ones(len(texts))
        if self.gate_reads_vectors and vectors is None and texts:
            vectors = self.embedder().encode(texts)
        z = np.zeros(len(texts), dtype=self.gate_w.dtype)
        for r, (text, ments) in enumerate(zip(texts, mentions)):
            cols, vals = self.gate_vocab.row(gate_features(text, ments))  # one sparse row
            z[r] = vals @ self.gate_w[cols] + self.gate_b
        if self.gate_reads_vectors and len(texts):
            # one product for the batch (the sums' order differs from a row at a time by
            # float32 rounding, ~1e-7)
            z += np.asarray(vectors) @ self.gate_w[len(self.gate_vocab):]
        return _sigmoid(z).astype(np.float64)

    def gate_probability(self, text: str, mentions) -> float:
        return float(self.gate_probabilities([text], [mentions])[0])

    def passes_gate(self, text: str, mentions) -> bool:
        return self.gate_probability(text, mentions) >= self.gate_threshold

    # -- scoring ----------------------------------------------------------------------
    def type_probabilities(self, x: np.ndarray, inputs: list | None = None) -> np.ndarray:
        """Per sentence (rows of ``x``) and type, the probability that the sentence holds such
        an event; ``inputs`` (the sentences themselves) for the trigger scorer's part."""
        z = x @ self.typer_w + self.typer_b
        if self.trigger_w is not None:
            if inputs is None or len(inputs) != len(x):
                raise ValueError("this model scores trigger words too: pass the sentences as inputs")
            if not self.trigger_index:
                self.trigger_index.update({f: i for i, f in enumerate(self.trigger_names)})
            z = z + triggers.sentence_logits(inputs, self.trigger_index, self.trigger_w, self.trigger_b)
        return _sigmoid(z)

    def confidence(self, p: float, proposed: bool) -> float:
        """The confidence an event typed with probability ``p`` carries (``calibration.py``)."""
        if not self.calibration:
            return p
        from . import calibration

        return float(calibration.apply(self.calibration, [p], [float(proposed)])[0])

    def modality_probabilities(self, x: np.ndarray, types: list[str]) -> np.ndarray:
        onehot = np.zeros((len(types), len(self.types)), dtype=np.float32)
        for r, t in enumerate(types):
            onehot[r, self.types.index(t)] = 1.0
        z = np.hstack([x, onehot]) @ self.modality_w + self.modality_b
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def role_scores(self, role: str, feats: list[dict[str, float]]) -> np.ndarray:
        return self._linear(("role", role), self.role_names[role], self.role_w[role], self.role_b[role], feats)

    def actor_scores(self, role: str, feats: list[dict[str, float]]) -> np.ndarray:
        return self._linear(("actor", role), self.actor_names[role], self.actor_w[role], self.actor_b[role], feats)

    def _linear(self, key, names: list[str], w: np.ndarray, b: float, feats: list[dict[str, float]]) -> np.ndarray:
        if key not in self.role_index:
            self.role_index[key] = {f: i for i, f in enumerate(names)}
        index = self.role_index[key]
        z = np.array([sum(w[index[k]] * v for k, v in f.items() if k in index) for f in feats],
                     dtype=np.float64) + b
        return _sigmoid(z)

    # -- files --------------------------------------------------------------------------
    def format(self) -> int:
        """The oldest model format that holds every part this model has, so that older code
        still reads a model without the newer parts: 3 with a confidence calibration, else 2
        (a new part that needs a new format adds its own test here)."""
        return 3 if self.calibration else 2

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "vocabulary": self.vocab.to_json(), "types": self.types, "threshold": self.threshold,
            "candidate_threshold": self.candidate_threshold, "role_features": self.role_names, "role_bias": self.role_b, "modalities": self.modalities,
            "actor_features": self.actor_names, "actor_bias": self.actor_b,
            "embedding_dim": self.embedding_dim, "vectors": self.vectors, "gate_threshold": self.gate_threshold,
            "gate_bias": self.gate_b, "sparse_threshold": self.sparse_threshold,
            "gate_vocabulary": self.gate_vocab.to_json() if self.gate_vocab is not None else None,
            "trigger_features": self.trigger_names, "calibration": self.calibration, **self.meta,
            "format": self.format(),
        }
        (folder / "model.json").write_text(json.dumps(meta, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        np.savez_compressed(
            folder / "model.npz", typer_w=self.typer_w.astype(np.float16), typer_b=self.typer_b,
            role_source=self.role_w["source"], role_target=self.role_w["target"],
            **{f"actor_{role}": w for role, w in self.actor_w.items()},
            modality_w=self.modality_w.astype(np.float16), modality_b=self.modality_b,
            gate_w=self.gate_w if self.gate_w is not None else np.zeros(0, dtype=np.float32),
            **({"sparse_w": self.sparse_w.astype(np.float16), "sparse_b": self.sparse_b}
               if self.sparse_w is not None else {}),
            **({"trigger_w": self.trigger_w.astype(np.float16), "trigger_b": self.trigger_b}
               if self.trigger_w is not None else {}))

    @classmethod
    def load(cls, folder: str | Path = MODEL_DIR) -> "CoderModel":
        folder = Path(folder)
        if not (folder / "model.json").exists() or not (folder / "model.npz").exists():
            raise ModelMissing(f"no event model in {folder}; train one with: dyadscope train")
        try:
            return cls._read(folder)
        except ModelUnusable:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, zipfile.BadZipFile) as exc:
            # a truncated or hand-edited file: name it, not a traceback from deep inside
            raise ModelUnusable(f"{folder}: the model's files cannot be read ({type(exc).__name__}: {exc}); "
                                "copy them again, or retrain (dyadscope train)") from exc

    @classmethod
    def _read(cls, folder: Path) -> "CoderModel":
        try:
            meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ModelUnusable(f"{folder / 'model.json'}: not valid JSON ({exc}); copy it again, or retrain "
                                "(dyadscope train)") from exc
        if not isinstance(meta, dict):
            raise ModelUnusable(f"{folder / 'model.json'}: not a model's description (a JSON object)")
        fmt = meta.get("format", 1)
        if not isinstance(fmt, int) or fmt > MODEL_FORMAT:
            raise ModelTooNew(
                f"{folder / 'model.json'}: model format {fmt!r}, but this dyadscope reads formats up to "
                f"{MODEL_FORMAT}: the model was written by a newer dyadscope and has parts this one would "
                "leave out; upgrade dyadscope, or retrain the model with this one (dyadscope train)")
        arrays = np.load(folder / "model.npz")
        source = ""
        if folder.resolve() != MODEL_DIR.resolve():
            import hashlib

            # the weights, and the confidence map when there is one (it lives in model.json)
            content = (folder / "model.npz").read_bytes() + (
                json.dumps(meta["calibration"], sort_keys=True).encode() if meta.get("calibration") else b"")
            digest = hashlib.sha256(content).hexdigest()[:8]
            source = f"{folder.resolve().name} {digest}"
        known = {"vocabulary", "types", "threshold", "candidate_threshold", "role_features", "role_bias", "modalities",
                 "embedding_dim", "vectors", "gate_threshold", "gate_bias", "gate_vocabulary", "sparse_threshold",
                 "actor_features", "actor_bias", "trigger_features", "calibration", "format"}
        actor_names = meta.get("actor_features") or {}
        return cls(
            vocab=Vocabulary.from_json(meta["vocabulary"]), types=meta["types"],
            typer_w=arrays["typer_w"].astype(np.float32), typer_b=arrays["typer_b"].astype(np.float32),
            threshold=float(meta["threshold"]),
            candidate_threshold=float(meta.get("candidate_threshold", meta["threshold"])),
            role_names=meta["role_features"],
            role_w={"source": arrays["role_source"], "target": arrays["role_target"]},
            role_b={k: float(v) for k, v in meta["role_bias"].items()},
            actor_names=actor_names, actor_w={r: arrays[f"actor_{r}"] for r in actor_names if f"actor_{r}" in arrays},
            actor_b={k: float(v) for k, v in (meta.get("actor_bias") or {}).items()},
            modalities=meta["modalities"], modality_w=arrays["modality_w"].astype(np.float32),
            modality_b=arrays["modality_b"].astype(np.float32),
            meta={k: v for k, v in meta.items() if k not in known},
            embedding_dim=int(meta.get("embedding_dim", 384)), vectors=meta.get("vectors", "minilm"),
            gate_vocab=Vocabulary.from_json(meta["gate_vocabulary"]) if meta.get("gate_vocabulary") else None,
            gate_w=arrays["gate_w"].astype(np.float32) if "gate_w" in arrays else None,
            gate_b=float(meta.get("gate_bias", 0.0)), gate_threshold=float(meta.get("gate_threshold", 0.0)),
            sparse_w=arrays["sparse_w"].astype(np.float32) if "sparse_w" in arrays else None,
            sparse_b=arrays["sparse_b"].astype(np.float32) if "sparse_b" in arrays else None,
            sparse_threshold=float(meta.get("sparse_threshold", 0.0)), source=source,
            trigger_names=meta.get("trigger_features"), calibration=meta.get("calibration"),
            trigger_w=arrays["trigger_w"].astype(np.float32) if "trigger_w" in arrays else None,
            trigger_b=arrays["trigger_b"].astype(np.float32) if "trigger_b" in arrays else None)


def model_dir() -> Path:
    """Where the coder's model is read from: $DYADSCOPE_MODEL (a folder written by
    ``dyadscope train --out``), else the model shipped in the package."""
    return Path(os.environ.get("DYADSCOPE_MODEL") or MODEL_DIR)


@lru_cache(maxsize=1)
def default_model() -> CoderModel:
    """The process's model (``model_dir()``), loaded once per process."""
    return CoderModel.load(model_dir())
