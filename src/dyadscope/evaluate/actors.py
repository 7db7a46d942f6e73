"""Score actor resolution against an NGEC-style gold file (gold/README.md, actors_dev.jsonl).

Metric: share of cases where every expected field matches. ``"country": ""`` expects no
country; a list of sectors means any of them; ``{"unresolved": true}`` matches when neither
country nor sector is returned. Legacy codes (JAP, VTN) are mapped before comparing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from dyadscope.actors import LEGACY, ActorKB, load_kb


def _norm(code):
    if code in (None, ""):
        return None
    return LEGACY.get(code, code)


def _predict(kb: ActorKB, case: dict):
    kind = case["kind"]
    text, context, date = case["text"], case.get("context") or None, case.get("date")
    if kind == "agent_to_code":
        return kb.resolve(text, context, date)
    return kb.resolve(text, context, None)


def check(expected: dict, ref) -> bool:
    if expected.get("unresolved"):
        return ref.country is None and ref.sector is None
    for key, want in expected.items():
        got = ref.country if key == "country" else ref.sector if key == "sector" else None
        if key not in ("country", "sector"):
            continue
        if isinstance(want, list):
            if _norm(got) not in {_norm(w) for w in want}:
                return False
        elif _norm(got) != _norm(want):
            return False
    return True


def score_actors(path: str | Path, kb: ActorKB | None = None) -> dict:
    """Overall and per-kind accuracy plus the failures, for ``format_report``."""
    kb = kb or load_kb()
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    n = ok = 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        ref = _predict(kb, case)
        good = check(case["expected"], ref)
        n += 1
        ok += good
        by_kind[case["kind"]][0] += good
        by_kind[case["kind"]][1] += 1
        if not good:
            failures.append({"id": case["id"], "kind": case["kind"], "text": case["text"],
                             "context": case.get("context"), "date": case.get("date"),
                             "expected": case["expected"],
                             "got": {"country": ref.country, "sector": ref.sector,
                                     "actor_id": ref.actor_id, "method": ref.method,
                                     "evidence": ref.evidence}})
    return {
        "n": n,
        "correct": ok,
        "accuracy": ok / n if n else 0.0,
        "by_kind": {k: {"n": v[1], "correct": v[0], "accuracy": v[0] / v[1]}
                    for k, v in sorted(by_kind.items())},
        "failures": failures,
    }


def format_report(result: dict, max_failures: int = 50) -> str:
    lines = [f"actors: {result['correct']}/{result['n']} = {result['accuracy']:.3f}"]
    for k, v in result["by_kind"].items():
        lines.append(f"  {k:22s} {v['correct']:4d}/{v['n']:<4d} {v['accuracy']:.3f}")
    if result["failures"] and max_failures:
        lines.append(f"failures ({len(result['failures'])}):")
        for f in result["failures"][:max_failures]:
            g = f["got"]
            lines.append(f"  {f['kind'][:5]} {f['text']!r} date={f['date']!r} "
                         f"want={f['expected']} got={g['country']}/{g['sector']} "
                         f"({g['method']}: {g['evidence']})")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m dyadscope.evaluate.actors GOLD.jsonl
    import sys

    print(format_report(score_actors(sys.argv[1]), max_failures=500))
