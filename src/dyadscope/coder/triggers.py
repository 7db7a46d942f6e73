"""The trigger scorer: which word of a sentence names an event, and of which type.

The sentence typer (``features.py``) reads a sentence as a bag of words and parse facts, so
the evidence for an event is diluted by every other word of a long news sentence. This step
looks at one content word at a time (verbs, nouns, adjectives): its lemma, what the CAMEO
lexicon lets it mean, its dependency and its head, its dependents and whether they hold an
actor the gazetteer found, its prepositions, negation and its neighbours. A logistic model per
PLOVER type scores each word; a sentence's score for a type is that of its best word. The
VOA gold and the written stories (``tools/annotations``) name the trigger words of each event,
which is what this model is trained on (``token_labels``); its sentence scores are blended into
the typer's logits (``model.py``), with the blend weight chosen by the inner cross-validation
(``train.py``). Measured in session 8 on VOA alone and not shipped; shipped in session 24 with
the written stories' trigger words beside VOA's (docs/ACCURACY.md, "The trigger scorer again").
"""

from __future__ import annotations

import re

import numpy as np

from .candidates.sentence import children
from .features import SentenceInput, lexicon_types

# the words that can name an event (proper nouns, function words and numbers do not)
TRIGGER_POS = frozenset({"VERB", "NOUN", "ADJ"})
# dependents whose holding an actor (or not) tells who does what to whom
_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "agent", "dative", "prep", "poss", "compound"})
_WORD = re.compile(r"\w+")


def _actor_spans(s: SentenceInput) -> list[tuple[int, int]]:
    return [(m[0] + s.start, m[1] + s.start) for m in s.mentions]


def token_features(s: SentenceInput) -> list[tuple[int, list[str]]]:
    """(token index, feature names) for each content word of a parsed sentence."""
    toks = s.tokens
    if not toks or s.start is None:
        return []
    spans = _actor_spans(s)
    kids = children(toks)
    holds: dict[int, str] = {}

    def holds_actor(i: int) -> str:
        if i not in holds:
            found, todo = "-", [i]
            while todo and found == "-":
                j = todo.pop()
                if any(a <= toks[j].start < b for a, b in spans):
                    found = "A"
                todo += kids[j]
            holds[i] = found
        return holds[i]

    out = []
    for i, t in enumerate(toks):
        if t.pos not in TRIGGER_POS:
            continue
        lemma = t.lemma.lower()
        f = [f"lem={lemma}", f"pos={t.pos}", f"tag={t.tag}", f"dep={t.dep}", f"lem|dep={lemma}|{t.dep}"]
        for k in lexicon_types(lemma, t.text, t.pos):
            f += [f"x={k}", f"x|dep={k}|{t.dep}"]
        h = t.head
        if h != i and 0 <= h < len(toks):
            head = toks[h].lemma.lower()
            f += [f"head={head}", f"head|dep={head}|{t.dep}"]
            f += [f"headx={k}" for k in lexicon_types(head, toks[h].text, toks[h].pos)]
        for k in kids[i]:
            dep, word = toks[k].dep, toks[k].lemma.lower()
            f += [f"kid={dep}", f"kid={dep}|{word}"]
            if dep in _ARGUMENTS:
                a = holds_actor(k)
                f += [f"kidA={dep}|{a}", f"lem|kidA={lemma}|{dep}|{a}"]
            if dep == "prep":
                f += [f"prep={word}", f"lem|prep={lemma}|{word}"]
            elif dep == "neg":
                f.append("neg")
        if i > 0:
            f.append(f"prev={toks[i - 1].text.lower()}")
        if i + 1 < len(toks):
            f.append(f"next={toks[i + 1].text.lower()}")
        out.append((i, f))
    return out


def token_labels(s: SentenceInput, gold: list[dict]) -> list[set[str]]:
    """For each of ``token_features(s)``'s words, the gold event types whose trigger words
    include it (training labels)."""
    triggers = [({w.lower() for w in _WORD.findall(e.get("trigger") or "")}, e["type"]) for e in gold]
    return [{t for words, t in triggers if s.tokens[i].text.lower() in words} for i, _ in token_features(s)]


def sentence_logits(inputs: list[SentenceInput], index: dict[str, int], w: np.ndarray, b: np.ndarray
                    ) -> np.ndarray:
    """Per sentence and type, the best content word's logit (the bias alone for a sentence
    with none). ``w``: (features, types); used in training and when coding alike."""
    out = np.tile(b.astype(np.float64), (len(inputs), 1))
    for r, s in enumerate(inputs):
        best = None
        for _, feats in token_features(s):
            cols = [index[f] for f in feats if f in index]
            z = w[cols].sum(axis=0) if cols else np.zeros(w.shape[1])
            best = z if best is None else np.maximum(best, z)
        if best is not None:
            out[r] += best
    return out
