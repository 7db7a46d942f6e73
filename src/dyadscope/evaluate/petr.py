"""Score event coding on PETRARCH's unit-test records (fictional actors, own dictionaries).

A coder passes these only if it loads user-supplied PETRARCH dictionaries: the actors
and agents files go to the actor base, the verbs file to the verb lexicon. Metrics as in
``shared/gold/README.md``: share of full (source, target, code) codings found, and events
produced on "no event" records. Actor codes compare in PETRARCH's convention, country
code followed by agent code ("DAG" + "GOV" → "DAGGOV"); where the actor base composed
PETRARCH codes from the loaded dictionaries (``ActorRef.codes``) those are used, and a
mention with several codes (a compound dictionary code) stands for each of them, as
PETRARCH writes one event per source and target code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

RECORDS = "PETR.UnitTest.records.jsonl"


def actor_code(ref) -> str:
    """PETRARCH-style code of a resolved actor: country then sector, or the actor id."""
    if ref is None:
        return "---"  # PETRARCH writes a missing actor as ---
    if getattr(ref, "codes", ()):
        return ref.codes[0]
    if ref.country:
        return ref.country + (ref.sector or "")
    if ref.sector:
        return "---" + ref.sector
    return ref.actor_id or "---"


def actor_codes(ref) -> list[str]:
    """Every PETRARCH code a mention stands for (several for a compound code)."""
    codes = getattr(ref, "codes", ()) if ref is not None else ()
    return list(codes) if codes else [actor_code(ref)]


def _norm(code: str | None) -> str:
    return (code or "").strip().upper()


def load_records(directory: str | Path) -> list[dict]:
    path = Path(directory) / RECORDS
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_petr(directory: str | Path, code_fn: Callable[[str, str], list] | None = None) -> dict:
    """Score ``code_fn(text, date)`` (default: dyadscope with the records' dictionaries)."""
    directory = Path(directory)
    records = load_records(directory)
    if code_fn is None:
        code_fn = coder_fn(directory)
    full = found = 0
    noevent_records = noevent_events = 0
    rows = []
    for rec in records:
        codings = rec.get("codings") or []
        if any("error" in c for c in codings):
            continue
        events = code_fn(rec["text"], rec.get("date"))
        got = {(s.upper(), t.upper(), e.cameo.upper()) for e in events
               for s in actor_codes(e.source) for t in actor_codes(e.target)}
        if any("noevents" in c for c in codings) or not codings:
            noevent_records += 1
            noevent_events += len(events)
            rows.append({"id": rec["id"], "noevents": True, "produced": sorted(got)})
            continue
        for c in codings:
            if not {"sourcecode", "targetcode", "eventcode"} <= set(c):
                continue  # partial codings are not scored
            full += 1
            want = (_norm(c["sourcecode"]), _norm(c["targetcode"]), _norm(c["eventcode"]))
            ok = want in got
            found += ok
            rows.append({"id": rec["id"], "want": want, "ok": ok, "produced": sorted(got)})
    return {
        "full_codings": full,
        "found": found,
        "share_found": found / full if full else 0.0,
        "noevent_records": noevent_records,
        "noevent_events": noevent_events,
        "rows": rows,
    }


def format_report(result: dict) -> str:
    return "\n".join([
        f"PETRARCH unit records: {result['found']}/{result['full_codings']} full codings found "
        f"({result['share_found']:.1%})",
        f"  events produced on {result['noevent_records']} 'no event' records: "
        f"{result['noevent_events']}",
    ])


def coder_fn(directory: str | Path) -> Callable[[str, str], list]:
    """dyadscope loaded with the unit records' own dictionaries only. These cases test
    dictionary-driven coding with fictional actors and verbs, which the learned typer has
    never seen, so they score the parse-based candidate coder (``coder.candidates``)."""
    from .. import actors, cameo, nlp
    from ..coder import candidates as coding

    directory = Path(directory)
    kb = actors.load_kb(
        extra=[directory / "PETR.Validate.actors.txt", directory / "PETR.Validate.agents.txt"],
        include_default=False,
    )
    lex = cameo.load_verbs(directory / "PETR.Validate.verbs.txt")

    def run(text: str, date: str | None) -> list:
        iso = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if date and len(date) == 8 else date
        res = kb.document(iso)
        out = []
        for sent in nlp.parse_text(text):
            out.extend(coding.code_sentence(sent, res, lexicon=lex))
        return out

    return run


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Score dyadscope on PETRARCH unit records")
    ap.add_argument("dir", nargs="?", default="../shared/gold/petr_unittest")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if not (Path(args.dir) / RECORDS).exists():
        print(f"skipped: {args.dir} has no {RECORDS}")
        return 0
    result = score_petr(args.dir)
    print(format_report(result))
    if args.verbose:
        for r in result["rows"]:
            if not r.get("ok"):
                print(r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
