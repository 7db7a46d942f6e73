"""What the learned steps see of a sentence: sparse named features plus a dense embedding.

One function builds the features for training and for coding, so the shipped models see
exactly what they were trained on. Feature names carry a group prefix:

- ``w:`` words and word pairs of the sentence (lower-cased, 2+ characters);
- ``l:`` lemmas of its verbs, nouns and adjectives (from the parse, when there is one);
- ``r:`` what the parse-based candidate coder proposed (PLOVER types, CAMEO roots,
  whether a candidate has a target) and what the gazetteer found (how many countries,
  which sectors);
- ``d:`` who does what to whom, from the parse: each verb's lemma with whether its subject
  and its object (or prepositional object) hold an actor the gazetteer found, with its
  dependency (main clause, complement, relative clause...), and negation;
- ``x:`` what the CAMEO lexicon says a word can mean, whatever its clause looks like: for
  each verb, the PLOVER types of its dictionary block and of its patterns; for each event
  noun, its type. A word the training stories never used still points at a type.

``w:`` and ``l:`` are TF-IDF weighted (sublinear counts) and L2-normalised per group;
``r:`` features are binary. The MiniLM sentence vector (``embed.py``) is appended densely.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .. import cameo
from ..models import ActorRef, Event, Token
from .candidates.sentence import children

_WORD = re.compile(r"\b\w\w+\b")
_CONTENT_POS = frozenset({"VERB", "NOUN", "AUX", "ADJ"})
WEIGHTED = ("w:", "l:")  # groups that are TF-IDF weighted and normalised


@dataclass
class SentenceInput:
    """One sentence as the learned steps see it (built by ``assemble.prepare``)."""

    idx: int
    text: str
    tokens: list[Token]
    mentions: list[tuple[int, int, str, ActorRef]]  # start, end (in the sentence), text, actor
    candidates: list[Event]  # the candidate coder's events for this sentence
    story_countries: Counter = field(default_factory=Counter)  # countries seen so far in the document
    last_seen: dict = field(default_factory=dict)  # country -> sentences since last mentioned
    context_refs: dict = field(default_factory=dict)  # country -> the latest ActorRef naming it
    vector: np.ndarray | None = None
    start: int | None = None  # the sentence's offset in the document (tokens' offsets are the document's)


def words(text: str) -> list[str]:
    toks = [w.lower() for w in _WORD.findall(text)]
    return [f"w:{w}" for w in toks] + [f"w:{a}_{b}" for a, b in zip(toks, toks[1:])]


def lemmas(tokens: list[Token]) -> list[str]:
    return [f"l:{t.lemma.lower()}" for t in tokens if t.pos in _CONTENT_POS]


def candidate_features(s: SentenceInput) -> list[str]:
    out = []
    for e in s.candidates:
        out += [f"r:type={e.plover}", f"r:root={e.cameo[:2]}", f"r:modality={e.modality}"]
        if e.target is not None:
            out.append(f"r:targeted={e.plover}")
    countries = {m[3].country for m in s.mentions if m[3].country}
    out.append(f"r:countries={min(len(countries), 3)}")
    out.append(f"r:mentions={min(len(s.mentions), 4)}")
    out += [f"r:sector={m[3].sector}" for m in s.mentions]
    out.append(f"r:parsed={bool(s.tokens)}")
    return out


def gate_features(text: str, mentions) -> list[str]:
    """What the gate sees before any parse: the words and what the gazetteer found."""
    countries = {m[3].country for m in mentions if m[3].country}
    return words(text) + [f"r:countries={min(len(countries), 3)}", f"r:mentions={min(len(mentions), 4)}"] + [
        f"r:sector={m[3].sector}" for m in mentions]


_SUBJECT = frozenset({"nsubj", "nsubjpass", "agent", "csubj"})
_OBJECT = frozenset({"dobj", "dative", "attr", "oprd"})


def parse_features(s: SentenceInput) -> list[str]:
    """``d:`` features: for each verb, ``d:<lemma>|s<x>|o<y>`` where x and y say whether its
    subject and object hold an actor (``A``), hold none (``-``) or are absent (``0``; a
    prepositional object is ``pA``/``p-``), ``d:<lemma>|<dependency>``, and ``d:neg|<lemma>``."""
    toks = s.tokens
    if not toks or s.start is None:
        return []
    spans = [(m[0] + s.start, m[1] + s.start) for m in s.mentions]
    kids = children(toks)

    def holds_actor(i: int | None) -> str:
        if i is None:
            return "0"
        todo = [i]
        while todo:
            j = todo.pop()
            if any(a <= toks[j].start < b for a, b in spans):
                return "A"
            todo += kids[j]
        return "-"

    out = []
    for i, t in enumerate(toks):
        if t.pos != "VERB":
            continue
        lemma = t.lemma.lower()
        subj = next((k for k in kids[i] if toks[k].dep in _SUBJECT), None)
        obj = next((k for k in kids[i] if toks[k].dep in _OBJECT), None)
        if obj is None:
            pobj = next((g for k in kids[i] if toks[k].dep == "prep" for g in kids[k] if toks[g].dep == "pobj"), None)
            o = "p" + holds_actor(pobj) if pobj is not None else "0"
        else:
            o = holds_actor(obj)
        sa = holds_actor(subj)
        out += [f"d:{lemma}|s{sa}|o{o}", f"d:{lemma}|{t.dep}"]
        if any(toks[k].dep == "neg" for k in kids[i]):
            out.append(f"d:neg|{lemma}")
        if sa == "A":
            out.append(f"d:actor_subject|{t.dep}")
    return out


_LEXICON_TYPES: dict[tuple[str, str, str], tuple[str, ...]] = {}


def _plover_of(code: str | None) -> str | None:
    return cameo.to_plover(code)[0] if code and code != cameo.NULL_CODE else None


def lexicon_types(lemma: str, text: str, pos: str) -> tuple[str, ...]:
    """``v|TYPE`` for a verb's dictionary block, ``vp|TYPE`` for the types its patterns
    name, ``n|TYPE`` for an event noun (the bundled CAMEO lexicon; cached per word)."""
    key = (lemma, text, pos)
    got = _LEXICON_TYPES.get(key)
    if got is None:
        lex = cameo.load_verbs()
        found: set[str] = set()
        if pos in ("VERB", "AUX"):
            for entry in lex.entries(lemma, text):
                found.add(f"v|{_plover_of(entry.code)}")
                found.update(f"vp|{_plover_of(p.code)}" for p in entry.patterns)
        elif pos in ("NOUN", "PROPN"):
            noun = lex.noun(lemma, text)
            if noun is not None:
                found.add(f"n|{_plover_of(noun.code)}")
        got = _LEXICON_TYPES[key] = tuple(sorted(f for f in found if not f.endswith("|None")))
    return got


def lexicon_features(tokens: list[Token]) -> list[str]:
    return [f"x:{k}" for t in tokens for k in lexicon_types(t.lemma.lower(), t.text, t.pos)]


def sentence_features(s: SentenceInput) -> list[str]:
    return (words(s.text) + lemmas(s.tokens) + candidate_features(s) + parse_features(s)
            + lexicon_features(s.tokens))


@dataclass
class Vocabulary:
    """Feature name -> column, with the inverse document frequency of weighted groups."""

    index: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, docs: list[list[str]], min_df: int = 2) -> "Vocabulary":
        df = Counter(f for d in docs for f in set(d))
        names = sorted(f for f, n in df.items() if n >= min_df or not f.startswith(WEIGHTED))
        n = len(docs)
        idf = np.array([math.log((1 + n) / (1 + df[f])) + 1 if f.startswith(WEIGHTED) else 1.0
                        for f in names], dtype=np.float32)
        return cls({f: i for i, f in enumerate(names)}, idf)

    def __post_init__(self) -> None:
        # feature -> (column, its weighted group or None, idf as a Python float): one look-up a feature
        self._info = {f: (j, f[:2] if f.startswith(WEIGHTED) else None, float(self.idf[j]))
                      for f, j in self.index.items()}

    def __len__(self) -> int:
        return len(self.index)

    def row(self, feats: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """One row as (columns, values): known features, weighted groups TF-IDF and
        L2-normalised, the others 1.0."""
        info = self._info
        cols, vals = [], []
        groups: dict[str, list[tuple[int, float]]] = {}
        for f, c in Counter(feats).items():
            hit = info.get(f)
            if hit is None:
                continue
            j, group, idf = hit
            if group is not None:
                groups.setdefault(group, []).append((j, (1 + math.log(c)) * idf))
            else:
                cols.append(j)
                vals.append(1.0)
        for items in groups.values():
            norm = math.sqrt(sum(v * v for _, v in items)) or 1.0
            for j, v in items:
                cols.append(j)
                vals.append(v / norm)
        return np.array(cols, dtype=np.int64), np.array(vals, dtype=np.float32)

    def transform(self, docs: list[list[str]], vectors: np.ndarray | None = None) -> np.ndarray:
        """Dense rows: sparse groups then (optionally) the embedding."""
        dim = len(self) + (vectors.shape[1] if vectors is not None else 0)
        out = np.zeros((len(docs), dim), dtype=np.float32)
        for r, feats in enumerate(docs):
            cols, vals = self.row(feats)
            out[r, cols] = vals
            if vectors is not None:
                out[r, len(self):] = vectors[r]
        return out

    def to_json(self) -> dict:
        names = sorted(self.index, key=self.index.get)
        return {"names": names, "idf": [round(float(x), 5) for x in self.idf]}

    @classmethod
    def from_json(cls, data: dict) -> "Vocabulary":
        return cls({f: i for i, f in enumerate(data["names"])}, np.array(data["idf"], dtype=np.float32))
