"""How far a second annotator agrees with the written stories' annotations.

A second writer, who had not seen the stories' annotations, annotated 6 of the written stories
(one from each of 6 first-round writers, drawn at random) with the same guide, another 4 of
round 4's (writers 22, 24, 26 and 27, one story each drawn at random; session 22), and 4 of round
5's (writers 29, 30, 33 and 35, drawn the same way; session 23):
``second/input.jsonl`` (the stories' sentences, in the guide's input layout) and
``second/events.jsonl`` (that annotation). Agreement is measured as the VOA gold's README
measures the second annotation of its own stories: in each sentence, events are matched by
type; F1 over events, one annotation taken as gold and the other as output.

    python tools/annotations/agreement.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDERS = ("written", "round4", "round5")  # the shipped recipe's stories, and rounds 4 and 5 (measured)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def writer_rounds() -> dict[str, int]:
    """Story id -> the round of the writer who wrote it (7 writers a round; ``path`` is w{k}-NN)."""
    rows = [r for folder in FOLDERS for r in lines(HERE / folder / "stories.jsonl")]
    return {r["id"]: (int(r["path"].split("-")[0][1:]) - 1) // 7 + 1 for r in rows}


def report(name: str, first: dict, second: dict) -> None:
    matched = same_source = 0
    for key, events in first.items():
        a, b = Counter(e["type"] for e in events), Counter(e["type"] for e in second[key])
        matched += sum((a & b).values())
        for e in events:  # of the events matched by type, do the source countries agree?
            other = next((o for o in second[key] if o["type"] == e["type"]), None)
            if other is not None:
                same_source += ({x.get("country") for x in e["source"]} == {x.get("country") for x in other["source"]})
    n1, n2 = sum(map(len, first.values())), sum(map(len, second.values()))
    p, r = (matched / n2 if n2 else 0.0), (matched / n1 if n1 else 0.0)
    both = sum(bool(first[k]) == bool(second[k]) for k in first)
    print(f"{name}: {len({k[0] for k in first})} stories, {len(first)} sentences: {n1} events in the written "
          f"stories' annotation, {n2} in the second; {matched} matched by type")
    print(f"  type F1 {2 * p * r / (p + r) if p + r else 0.0:.3f} (precision {p:.3f}, recall {r:.3f}); sentences "
          f"where both say 'an event' or both 'none': {both} of {len(first)}; same source countries in "
          f"{same_source} of the matched events")


def main() -> int:
    second = {(r["story"], r["i"]): r["events"] for r in lines(HERE / "second" / "events.jsonl")}
    first = {(r["story"], r["i"]): r["events"] for folder in FOLDERS for r in lines(HERE / folder / "gold.jsonl")
             if (r["story"], r["i"]) in second}
    missing = sorted(set(second) - set(first))
    if missing:
        print(f"second/events.jsonl: {len(missing)} sentences in none of {', '.join(FOLDERS)}/ gold.jsonl, the first "
              f"{missing[:3]} (story, i)", file=sys.stderr)
        return 1
    rounds = writer_rounds()
    for name, keys in [("all", list(first))] + [
            (f"round {r}", [k for k in first if rounds.get(k[0]) == r]) for r in sorted(set(rounds.values()))]:
        if keys:
            report(name, {k: first[k] for k in keys}, {k: second[k] for k in keys})
    return 0


if __name__ == "__main__":
    sys.exit(main())
