"""Score event coding against the VOA real-news gold (``gold/voa/``).

The rule is the one in ``gold/voa/README.md``, applied to ``dyadscope code`` output records
(one per story): each output event with a PLOVER type is placed in the gold sentence of its
story whose lower-cased word set overlaps its sentence's most (Jaccard >= 0.5, else it
matches nothing); in a sentence a gold event is *found* when an unused output event there
has its type, and *strict* also needs the source (target) country to be among the gold's
where the gold names any, and the output asserted exactly when the gold is asserted.

Intervals are 95% percentile bootstraps over stories (the unit the data is sampled in).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Iterable

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
_WORD = re.compile(r"\w+")


def words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text or ""))


def load_stories(folder: str | Path) -> list[dict]:
    """The stories, unchecked (``annotations.read_folder`` checks them; eval and training
    read folders through it)."""
    from ..annotations import annotation_files

    path = annotation_files(folder)[0]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_gold(folder: str | Path) -> dict[str, list[dict]]:
    """Gold sentences per story id, in order."""
    from ..annotations import annotation_files

    out: dict[str, list[dict]] = defaultdict(list)
    path = annotation_files(folder)[1]
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[str(rec["story"])].append(rec)
    for sents in out.values():
        sents.sort(key=lambda r: r["i"])
    return dict(out)


def coder_inputs(stories: Iterable[dict]) -> list[dict]:
    """The README's input lines: ``{"id", "text", "date": published[:10]}``."""
    return [{"id": str(s["id"]), "text": s["text"], "date": (s.get("published") or "")[:10] or None}
            for s in stories]


def _countries(actors) -> set[str]:
    return {a["country"] for a in actors or [] if a.get("country")}


def _asserted(modality: str | None) -> bool:
    return (modality or "asserted") == "asserted"


def place(event_sentence: str, gold_sents: list[dict], gold_words: list[frozenset] | None = None) -> int | None:
    """Index of the gold sentence an output event belongs to (Jaccard >= 0.5), else None."""
    ws = words(event_sentence)
    gold_words = gold_words or [words(g["text"]) for g in gold_sents]
    best, best_j = None, 0.0
    for k, gw in enumerate(gold_words):
        union = ws | gw
        j = len(ws & gw) / len(union) if union else 0.0
        if j > best_j:
            best, best_j = k, j
    return best if best_j >= 0.5 else None


def _strict_ok(out: dict, gold: dict) -> bool:
    gs, gt = _countries(gold.get("source")), _countries(gold.get("target"))
    src = ((out.get("source") or {}).get("country"))
    tgt = ((out.get("target") or {}).get("country"))
    if gs and src not in gs:
        return False
    if gt and tgt not in gt:
        return False
    return _asserted(out.get("modality")) == _asserted(gold.get("modality"))


def _dyad_right(out: dict, golds: list[dict]) -> bool:
    """A gold event of the output's type names a country on both sides, and the output's
    source and target countries are among them."""
    src = (out.get("source") or {}).get("country")
    tgt = (out.get("target") or {}).get("country")
    return any(g["type"] == out["plover"] and src in _countries(g.get("source")) and tgt in _countries(g.get("target"))
               for g in golds)


def match_story(events: list[dict], gold_sents: list[dict]) -> dict:
    """Counts for one story: gold events, outputs, found/strict matches, per type; and,
    beyond the README's rule, how many outputs name a country on both sides (``dyadic``:
    what dyad views count) and how many of those are right in type and both countries."""
    gold_words = [words(g["text"]) for g in gold_sents]
    by_sent: dict[int, list[dict]] = defaultdict(list)
    n_out = dyadic = dyad_right = 0
    per_type = defaultdict(lambda: [0, 0, 0, 0])  # gold, output, found, strict
    for ev in events:
        if not ev.get("plover"):
            continue
        n_out += 1
        per_type[ev["plover"]][1] += 1
        k = place(ev.get("sentence", ""), gold_sents, gold_words)
        if k is not None:
            by_sent[k].append(ev)
        if (ev.get("source") or {}).get("country") and (ev.get("target") or {}).get("country"):
            dyadic += 1
            dyad_right += k is not None and _dyad_right(ev, gold_sents[k]["events"])
    found = strict = n_gold = 0
    for k, g in enumerate(gold_sents):
        outs = by_sent.get(k, [])
        used_f: set[int] = set()
        used_s: set[int] = set()
        for gev in g["events"]:
            n_gold += 1
            per_type[gev["type"]][0] += 1
            same = [j for j, o in enumerate(outs) if o["plover"] == gev["type"]]
            f = next((j for j in same if j not in used_f), None)
            if f is not None:
                used_f.add(f)
                found += 1
                per_type[gev["type"]][2] += 1
            # strict pairs separately, preferring an output that meets every condition
            s = next((j for j in same if j not in used_s and _strict_ok(outs[j], gev)), None)
            if s is not None:
                used_s.add(s)
                strict += 1
                per_type[gev["type"]][3] += 1
    return {"gold": n_gold, "output": n_out, "found": found, "strict": strict,
            "dyadic": dyadic, "dyad_right": dyad_right, "per_type": {t: list(v) for t, v in per_type.items()}}


def right_types(events: list[dict], gold_sents: list[dict]) -> list[bool]:
    """For each output event of one story, whether its type is right by the README's rule:
    its sentence holds a gold event of its type not taken by a surer output of the same type
    (the surest outputs take the gold events first). Events without a PLOVER type are not
    right. What ``calibration`` learns a confidence from."""
    gold_words = [words(g["text"]) for g in gold_sents]
    left: dict[tuple, int] = defaultdict(int)
    for k, g in enumerate(gold_sents):
        for e in g["events"]:
            left[(k, e["type"])] += 1
    right = [False] * len(events)
    for i in sorted(range(len(events)), key=lambda i: -(events[i].get("confidence") or 0)):
        ev = events[i]
        if not ev.get("plover"):
            continue
        key = (place(ev.get("sentence", ""), gold_sents, gold_words), ev["plover"])
        if key[0] is not None and left[key] > 0:
            left[key] -= 1
            right[i] = True
    return right


def _prf(hit: int, gold: int, out: int) -> tuple[float, float, float]:
    r = hit / gold if gold else 0.0
    p = hit / out if out else 0.0
    return r, p, (2 * p * r / (p + r) if p + r else 0.0)


def summarise(counts: list[dict]) -> dict:
    """Micro figures over stories, plus macro-F1 over types with gold events."""
    g = sum(c["gold"] for c in counts)
    o = sum(c["output"] for c in counts)
    f = sum(c["found"] for c in counts)
    s = sum(c["strict"] for c in counts)
    dyadic = sum(c.get("dyadic", 0) for c in counts)
    dyad_right = sum(c.get("dyad_right", 0) for c in counts)
    r, p, f1 = _prf(f, g, o)
    sr, sp, sf1 = _prf(s, g, o)
    types = defaultdict(lambda: [0, 0, 0, 0])
    for c in counts:
        for t, v in c["per_type"].items():
            for i in range(4):
                types[t][i] += v[i]
    per_type = {t: {"gold": v[0], "output": v[1], "found": v[2],
                    "f1": _prf(v[2], v[0], v[1])[2]} for t, v in sorted(types.items())}
    with_gold = [v["f1"] for v in per_type.values() if v["gold"]]
    return {"stories": len(counts), "gold": g, "output": o, "found": f, "strict": s,
            "recall": r, "precision": p, "f1": f1,
            "strict_recall": sr, "strict_precision": sp, "strict_f1": sf1,
            "dyadic": dyadic, "dyad_precision": dyad_right / dyadic if dyadic else 0.0,
            "macro_f1": sum(with_gold) / len(with_gold) if with_gold else 0.0, "per_type": per_type}


def bootstrap(counts: list[dict], keys=("f1", "strict_f1", "recall", "precision", "dyad_precision"),
              n: int = 1000, seed: int = 0) -> dict[str, tuple[float, float]]:
    """95% percentile intervals, resampling stories with replacement."""
    rng = random.Random(seed)
    draws = defaultdict(list)
    for _ in range(n):
        sample = [counts[rng.randrange(len(counts))] for _ in counts]
        s = summarise(sample)
        for k in keys:
            draws[k].append(s[k])
    out = {}
    for k, v in draws.items():
        v.sort()
        out[k] = (v[int(0.025 * n)], v[min(n - 1, int(0.975 * n))])
    return out


def score(outputs: dict[str, list[dict]], gold: dict[str, list[dict]]) -> dict:
    """Score ``{story id: [output event records]}`` against the gold of those stories."""
    counts = [match_story(outputs.get(sid, []), sents) for sid, sents in gold.items()]
    result = summarise(counts)
    result["interval"] = bootstrap(counts)
    result["counts"] = counts
    return result


def kept_at(outputs: dict[str, list[dict]], gold: dict[str, list[dict]],
            thresholds=(0.7, 0.8, 0.9)) -> list[dict]:
    """What ``--min-confidence t`` leaves an analyst, for each ``t``: how many events, the
    share with the right type, and the share of dyadic ones with the right type and both
    countries (not bootstrapped: cheap enough to print after every cross-validation)."""
    out = []
    for t in thresholds:
        sure = {sid: [e for e in events if (e.get("confidence") or 0) >= t] for sid, events in outputs.items()}
        r = summarise([match_story(sure.get(sid, []), sents) for sid, sents in gold.items()])
        out.append({"min_confidence": t, "events": r["output"], "precision": round(r["precision"], 4),
                    "dyad_precision": round(r["dyad_precision"], 4)})
    return out


def format_kept(kept: list[dict]) -> str:
    return "  what --min-confidence keeps: " + "; ".join(
        f">= {k['min_confidence']:g}: {k['events']} events, right type {k['precision']:.3f}, "
        f"type and both countries {k['dyad_precision']:.3f}" for k in kept)


def format_report(result: dict, title: str = "VOA gold") -> str:
    ci = result.get("interval", {})

    def fig(key: str) -> str:
        lo_hi = ci.get(key)
        return f"{result[key]:.3f}" + (f"  [{lo_hi[0]:.3f}, {lo_hi[1]:.3f}]" if lo_hi else "")

    lines = [
        f"{title}: {result['stories']} stories, {result['gold']} gold events, {result['output']} output events",
        f"  type    F1 {fig('f1')}   recall {result['recall']:.3f}  precision {result['precision']:.3f}",
        f"  strict  F1 {fig('strict_f1')}   recall {result['strict_recall']:.3f}  "
        f"precision {result['strict_precision']:.3f}",
        f"  macro-F1 over types {result['macro_f1']:.3f}",
        f"  dyads (not in the README's rule): {result['dyadic']} output events name a country on both sides; "
        f"{fig('dyad_precision')} of them have the right type and both countries",
        "  by type (found/gold, output): " + ", ".join(
            f"{t} {v['found']}/{v['gold']} ({v['output']})" for t, v in result["per_type"].items()),
    ]
    return "\n".join(lines)
