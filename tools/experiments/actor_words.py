"""How often the words stored for an event's source and target are the gold's actor.

The README's strict rule compares countries only, but an analyst reads the actor's words
("Ukrainian soldiers", not "Donetsk"). This takes the pooled held-out output of the shipped
recipe's cross-validation (5 folds by story, trained on VOA and the PLOVER sentences as
``make train`` does) and, for each output event whose type the gold finds in its sentence
and whose country on a side is acceptable (and whose gold actor there is not only a
pronoun), asks whether the stored words share a content word with one of the gold's actors
on that side. It also gives two ceilings: the best any
mention of the same country in the sentence could do (what a better choice among those
mentions could gain), and the best any gazetteer mention of the sentence could do.

    python tools/experiments/actor_words.py ../shared/gold/voa ../shared/gold/plover_gsr_dev.json

About 2 minutes on 2 cores. Session 15's figures are in docs/ACCURACY.md ("Actor words").
"""

from __future__ import annotations

import sys
from collections import Counter

from dyadscope.coder import train
from dyadscope.coder.fitting import actor_words
from dyadscope.evaluate import voa

# A gold actor given as a pronoun cannot be judged by its words (its antecedent is right):
# such sides are left out.
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "its", "our", "him", "them", "us"}


def tally(docs, outputs: dict, gold: dict) -> Counter:
    inputs = {(d.story, s.text): s for d in docs for s in d.inputs}
    counts: Counter = Counter()
    for story, events in outputs.items():
        for e in events:
            if not e.get("plover"):
                continue
            k = voa.place(e.get("sentence", ""), gold[story])
            same = [g for g in gold[story][k]["events"] if g["type"] == e["plover"]] if k is not None else []
            s = inputs.get((story, e.get("sentence")))
            for role in ("source", "target"):
                out = e.get(role) or {}
                golds = [a for g in same for a in (g.get(role) or [])]
                if not golds or not out or all(actor_words(a.get("text")) <= _PRONOUNS for a in golds):
                    continue
                countries = {a.get("country") for a in golds} - {None}
                if countries and out.get("country") not in countries:
                    continue
                counts[role, "events"] += 1
                counts[role, "gold has no country"] += not countries
                counts[role, "stored words"] += any(actor_words(out.get("text")) & actor_words(a.get("text")) for a in golds)
                mentions = s.mentions if s is not None else []
                # stricter: no mention of the sentence shares more words with that gold actor
                counts[role, "stored words, best match"] += any(
                    actor_words(out.get("text")) & actor_words(a.get("text"))
                    and len(actor_words(out.get("text")) & actor_words(a.get("text")))
                    >= max((len(actor_words(m[2]) & actor_words(a.get("text"))) for m in mentions), default=0)
                    for a in golds)
                counts[role, "best same-country mention"] += any(
                    actor_words(m[2]) & actor_words(a.get("text")) for m in mentions
                    if m[3].country == out.get("country") for a in golds) or any(
                    actor_words(out.get("text")) & actor_words(a.get("text")) for a in golds)
                counts[role, "best mention"] += any(
                    actor_words(m[2]) & actor_words(a.get("text")) for m in mentions for a in golds) or any(
                    actor_words(out.get("text")) & actor_words(a.get("text")) for a in golds)
    return counts


def main(folder: str, plover_file: str | None = None) -> None:
    docs = train.collect(folder)
    extra = train.collect_plover(plover_file) if plover_file else []
    gold = voa.load_gold(folder)
    outputs: dict = {}
    result, _ = train.cross_validate(docs, gold, log=lambda *a: None, extra=extra, outputs=outputs)
    print(f"type F1 {result['f1']:.3f}, strict F1 {result['strict_f1']:.3f} (the shipped recipe's folds)")
    counts = tally(docs, outputs, gold)
    for role in ("source", "target"):
        n = counts[role, "events"]
        print(f"{role}: {n} found events with an acceptable country ({counts[role, 'gold has no country']} "
              "where the gold names none)")
        for key in ("stored words", "stored words, best match", "best same-country mention", "best mention"):
            print(f"  {key:<26} {counts[role, key]:>4}  ({counts[role, key] / n:.2f})")


if __name__ == "__main__":
    main(*sys.argv[1:3])
