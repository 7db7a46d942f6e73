"""Are the candidate coder's hand-written rules still needed beside the learned typer?

Issue 9 asks to remove the rules that the learned components make unnecessary rather than
keep both. This switches off groups of the parse-based candidate coder's rules
(``coder/candidates``), re-runs the shipped recipe's nested 5-fold cross-validation on the
VOA stories (same folds), and scores the PLOVER dev sentences with a model fitted on all 60
stories under the same switches. Nothing is changed on disk. The groups:

* ``skip``: the passes that drop a verb before coding it: participles used as descriptions,
  noun complements ("the right to fire"), acts asked for, directives and demands, narrating
  verbs, media as speakers, light verbs with an event noun, a body in session, purposes.
* ``post``: the passes over a sentence's events: decisions, pressure read as protest,
  purposes, untargeted twins.
* ``rewrite``: the passes that change a code: statements under demand verbs, "agreed to"
  as intent, conditioned force as threat, refusals as rejection.

    python tools/experiments/rule_ablation.py skip,post,rewrite [--no-plover]

About 1.5 minutes a run on 2 cores (the stories are parsed again under the switches), plus
about 3 minutes for the PLOVER figure. Results: docs/ACCURACY.md, "The candidate coder's
rules" (session 12).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import dyadscope.coder.candidates as C
from dyadscope.coder import assemble, train
from dyadscope.evaluate import plover, voa


def _off(name: str, value) -> None:
    """Replace ``name`` in every module of the candidate coder that holds it (a module that
    imported it keeps its own reference)."""
    for mod in (C, C.actors, C.filters, C.modality, C.nominal, C.patterns, C.sentence):
        if hasattr(mod, name):
            setattr(mod, name, value)


def _skip() -> None:
    _off("_participial", lambda s, v: False)
    _off("_noun_complement", lambda s, v: False)
    _off("_requested", lambda s, v, lex, coded: False)
    _off("_directive", lambda s, v: None)
    _off("_demand", lambda s, v: None)
    _off("_INTRANSITIVE_SENSE", frozenset())
    _off("_NARRATING", frozenset())
    _off("_is_media", lambda s, subj: False)
    _off("_issued_utterance", lambda s, a: False)
    _off("_CONVENE", frozenset())
    _off("_purpose_of", lambda s, v: None)


def _post() -> None:
    _off("_drop_decisions", lambda s, events, triggers: (events, triggers))
    _off("_pressure_as_protest", lambda s, events, triggers: (events, triggers))
    _off("_drop_purposes", lambda s, events, triggers: events)
    _off("_drop_untargeted_twins", lambda events, triggers: (events, triggers))


def _rewrite() -> None:
    _off("_says_what_is", lambda s, v, code: False)
    _off("_INTENT_AGREE", set())
    _off("_threat_code", lambda code: None)
    _off("_ACCEPTANCE", set())


GROUPS = {"skip": _skip, "post": _post, "rewrite": _rewrite}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("groups", help="comma-separated: skip, post, rewrite, or none (the shipped coder)")
    ap.add_argument("--voa", default="../shared/gold/voa")
    ap.add_argument("--plover", default="../shared/gold/plover_gsr_dev.json")
    ap.add_argument("--no-plover", action="store_true")
    args = ap.parse_args()
    if not (Path(args.voa) / "gold_dev.jsonl").is_file():
        print(f"{args.voa}: no VOA gold there (gold_dev.jsonl); nothing to measure", file=sys.stderr)
        return 1
    groups = args.groups.split(",")
    unknown = [g for g in groups if g != "none" and g not in GROUPS]
    if unknown:
        ap.error(f"unknown group {', '.join(unknown)}: choose from {', '.join(GROUPS)} or none")
    for g in groups:
        if g != "none":
            GROUPS[g]()
    docs = train.collect(args.voa)
    gold = voa.load_gold(args.voa)
    res, _ = train.cross_validate(docs, gold, log=lambda *a: None)
    lo, hi = res["interval"]["f1"]
    print(f"{args.groups}: VOA CV type F1 {res['f1']:.3f} [{lo:.3f}, {hi:.3f}], precision {res['precision']:.3f}, "
          f"recall {res['recall']:.3f}, strict F1 {res['strict_f1']:.3f}, dyads {res['dyad_precision']:.3f}")
    if not args.no_plover and Path(args.plover).is_file():
        model = train.fit(docs, log=lambda *a: None)
        assemble.default_model = lambda: model  # the coder reads the model fitted here
        r = plover.score_plover(args.plover, plover.coder_fn())
        print(f"{args.groups}: PLOVER dev type recall {r['type_recall']:.3f}, extra {r['extra_rate']:.3f}, "
              f"source country {r['source_country']:.3f}, target country {r['target_country']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
