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


def gold_type(name: str) -> str:
    return OLD_TYPES.get(name, name)


def _countries(actors: Iterable[dict]) -> set[str]:
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
    gold = load_gold(path)
    found = extra = 0
    src_n = src_ok = tgt_n = tgt_ok = 0
    rows = []
    for rec in gold:
        gtype = gold_type(rec["event"])
        events = [e for e in code_fn(rec["text"]) if getattr(e, "plover", None)]
        hits = [e for e in events if e.plover == gtype]
        n_extra = sum(1 for e in events if e.plover != gtype)
        extra += n_extra
        ok = bool(hits)
        found += ok
        row = {"id": rec["id"], "gold": gtype, "found": ok, "extra": n_extra,
               "predicted": [e.plover for e in events]}
        if ok:
            gs, gt = _countries(rec.get("source")), _countries(rec.get("target"))
            if gs:
                src_n += 1
                row["source_ok"] = any(_country(e.source) in gs for e in hits)
                src_ok += row["source_ok"]
            if gt:
                tgt_n += 1
                row["target_ok"] = any(_country(e.target) in gt for e in hits)
                tgt_ok += row["target_ok"]
        rows.append(row)
    n = len(gold)
    return {
        "sentences": n,
        "type_recall": found / n if n else 0.0,
        "extra_rate": extra / n if n else 0.0,
        "source_country": src_ok / src_n if src_n else 0.0,
        "source_scored": src_n,
        "target_country": tgt_ok / tgt_n if tgt_n else 0.0,
        "target_scored": tgt_n,
        "rows": rows,
    }


def format_report(result: dict) -> str:
    lines = [
        f"PLOVER gold: {result['sentences']} sentences",
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
             candidates_only: bool = False) -> Callable[[str], list]:
    """A ``code_fn`` running the real coder on the sentence as a one-sentence document
    (``candidates_only``: the parse-based candidate coder alone, as before coder 2.0)."""
    from .. import nlp
    from ..coder import assemble, candidates

    if kb is None:
        from .. import actors

        kb = actors.load_kb()

    def run(text: str) -> list:
        res = kb.document("2000-01-01")
        sents = nlp.parse_text(text)
        if candidates_only:
            out = [e for sent in sents for e in candidates.code_sentence(sent, res, date=None)]
        else:
            out = assemble.code_document(sents, res, None, "plover")
        return [e for e in out if include_negated or e.modality not in exclude]

    return run


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
