"""Score event coding against the PLOVER gold standard (``plover_gsr_dev.json``).

The metrics follow ``shared/gold/README.md`` exactly: type recall, extra rate, and
source/target country agreement on sentences whose type was found. ``code_fn(text)``
returns the events for one sentence, so any coder (or a baseline) can be scored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable

OLD_TYPES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT",
             "INVESTIGATE": "ACCUSE"}
LEGACY_COUNTRY = {"JAP": "JPN", "VTN": "VNM"}
NOT_COUNTRIES = {"IGO", "NGO", "IMG", "ISM", "ITL"}
# Each sentence is coded alone, as a document of this date (the gold's own placeholder date).
DOC_DATE = "2000-01-01"
LICENCE = "CC BY-SA 4.0 (PLOVER gold standard, Open Event Data Alliance, 2016)"


def gold_type(name: str) -> str:
    return OLD_TYPES.get(name, name)


def countries(actors: Iterable[dict]) -> set[str]:
    """The country codes of a gold side (legacy codes mapped; IGO, NGO ... are not countries)."""
    out = set()
    for a in actors or []:
        code = (a.get("code") or "").strip().upper()[:3]
        code = LEGACY_COUNTRY.get(code, code)
        if len(code) == 3 and code.isalpha() and code not in NOT_COUNTRIES:
            out.add(code)
    return out


def _country(ref) -> str | None:
    if ref is None:
        return None
    c = (getattr(ref, "country", None) or "").upper()
    return LEGACY_COUNTRY.get(c, c) or None


def load_gold(path: str | Path) -> list[dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [r for r in data if r.get("event") != "DOCUMENT"]


def score_plover(path: str | Path, code_fn: Callable[[str], list]) -> dict:
    """Score ``code_fn`` on every gold sentence; returns the figures and per-case rows."""
    return score_records(load_gold(path), code_fn)


def score_records(gold: list[dict], code_fn: Callable[[str], list]) -> dict:
    """``score_plover`` on gold records already read (a fold of the file, say)."""
    rows = []
    for rec in gold:
        gtype = gold_type(rec["event"])
        events = [e for e in code_fn(rec["text"]) if getattr(e, "plover", None)]
        hits = [e for e in events if e.plover == gtype]
        row = {"id": rec["id"], "gold": gtype, "found": bool(hits),
               "extra": sum(1 for e in events if e.plover != gtype), "predicted": [e.plover for e in events]}
        if hits:
            gs, gt = countries(rec.get("source")), countries(rec.get("target"))
            if gs:
                row["source_ok"] = any(_country(e.source) in gs for e in hits)
            if gt:
                row["target_ok"] = any(_country(e.target) in gt for e in hits)
        rows.append(row)
    return _summary(rows)


def pool(parts: list[dict]) -> dict:
    """One result from the results of disjoint parts (cross-validation folds)."""
    return _summary([r for part in parts for r in part["rows"]])


def _summary(rows: list[dict]) -> dict:
    n = len(rows)
    src = [r["source_ok"] for r in rows if "source_ok" in r]
    tgt = [r["target_ok"] for r in rows if "target_ok" in r]
    return {
        "sentences": n,
        "type_recall": sum(r["found"] for r in rows) / n if n else 0.0,
        "extra_rate": sum(r["extra"] for r in rows) / n if n else 0.0,
        "source_country": sum(src) / len(src) if src else 0.0,
        "source_scored": len(src),
        "target_country": sum(tgt) / len(tgt) if tgt else 0.0,
        "target_scored": len(tgt),
        "rows": rows,
    }


def format_report(result: dict, title: str = "") -> str:
    lines = [
        f"PLOVER gold{f' ({title})' if title else ''}: {result['sentences']} sentences",
        f"  type recall     {result['type_recall']:.3f}",
        f"  extra rate      {result['extra_rate']:.3f}",
        f"  source country  {result['source_country']:.3f}  (of {result['source_scored']})",
        f"  target country  {result['target_country']:.3f}  (of {result['target_scored']})",
    ]
    by_type: dict[str, list[int]] = {}
    for r in result["rows"]:
        c = by_type.setdefault(r["gold"], [0, 0])
        c[0] += r["found"]
        c[1] += 1
    lines.append("  by type: " + ", ".join(f"{t} {a}/{b}" for t, (a, b) in sorted(by_type.items())))
    return "\n".join(lines)


def coder_fn(kb=None, *, include_negated: bool = False, exclude=("negated",),
             candidates_only: bool = False, model=None) -> Callable[[str], list]:
    """A ``code_fn`` running the real coder (``model``, or the shipped one) on the sentence as
    a one-sentence document (``candidates_only``: the parse-based candidate coder alone, as
    before coder 2.0)."""
    from .. import nlp
    from ..coder import assemble, candidates

    if kb is None:
        from .. import actors

        kb = actors.load_kb()

    def run(text: str) -> list:
        res = kb.document(DOC_DATE)
        sents = nlp.parse_text(text)
        if candidates_only:
            out = [e for sent in sents for e in candidates.code_sentence(sent, res, date=None)]
        else:
            out = assemble.code_document(sents, res, None, "plover", model=model)
        return [e for e in out if include_negated or e.modality not in exclude]

    return run


def in_sample_note(path: str | Path, meta: dict) -> str | None:
    """A warning when the model was trained on this very file, with its cross-validated figure."""
    extra = meta.get("extra") or {}
    if extra.get("file") != Path(path).name:
        return None
    cv = meta.get("plover_cross_validation") or {}
    line = f"IN-SAMPLE: the model was trained on these sentences (weight {extra.get('weight')})."
    if cv:
        line += (f" Cross-validated over them (5 folds, `dyadscope train --plover`): type recall "
                 f"{cv['type_recall']:.3f}, extra {cv['extra_rate']:.3f}, source country "
                 f"{cv['source_country']:.3f}, target country {cv['target_country']:.3f}.")
    return line


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Score dyadscope on the PLOVER gold set")
    ap.add_argument("path", nargs="?", default="../shared/gold/plover_gsr_dev.json")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if not Path(args.path).exists():
        print(f"skipped: {args.path} not found")
        return 0
    result = score_plover(args.path, coder_fn())
    print(format_report(result))
    if args.verbose:
        for r in result["rows"]:
            if not r["found"] or r["extra"]:
                print(r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
