"""Convert the shared CAMEO/PLOVER sources into ``src/dyadscope/data/cameo/``.

Run from the repository root: ``python tools/build_cameo.py [--shared ../shared]``.
The output is committed, so the package never reads ``../shared`` at run time. Each
output keeps the licence of its source (MIT for the PETRARCH/text_to_CAMEO files,
CC BY-SA 4.0 for the CAMEO→PLOVER table); the notices are written beside the data.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dyadscope.cameo import parse_verb_dictionary  # noqa: E402

OUT = ROOT / "src" / "dyadscope" / "data" / "cameo"

# Nominal triggers: written for this project (not converted), from the CAMEO manual's
# category definitions. ``symmetric`` marks meetings of equals, where "talks between A
# and B" gives A→B and B→A.
NOUNS = [
    ("visit", "042", False), ("trip", "042", False), ("tour", "042", False),
    ("state visit", "042", False), ("visit to", "042", False),
    ("meeting", "040", True), ("summit", "040", True), ("talk", "040", True),
    ("talks", "040", True), ("consultation", "040", True), ("consultations", "040", True),
    ("negotiation", "046", True), ("negotiations", "046", True),
    ("phone call", "041", True), ("call", "041", True), ("conversation", "040", True),
    ("assembly", "040", True),  # "the assembly between A and B"; "National Assembly" is
                                # a name (PROPN) and never a trigger
    ("sanction", "163", False), ("sanctions", "163", False), ("embargo", "163", False),
    ("attack", "190", False), ("airstrike", "195", False), ("air strike", "195", False),
    ("invasion", "192", False), ("blockade", "191", False),
    # 14 protest: the act named by its noun ("staged a rally", "began a hunger strike").
    ("protest", "140", False), ("protests", "140", False), ("demonstration", "141", False),
    ("rally", "141", False), ("rallies", "141", False), ("sit-in", "141", False),
    ("hunger strike", "142", False), ("general strike", "143", False),
    ("boycott", "143", False),
    ("riot", "145", False),
    # 13 threaten, 09 investigate, 04 mediate, 17 coerce, 19 fight.
    ("ultimatum", "139", False),
    ("investigation", "090", False), ("inquiry", "090", False), ("probe", "090", False),
    ("mediation", "045", False), ("crackdown", "175", False), ("offensive", "190", False),
    ("raid", "190", False), ("bombardment", "195", False),
]

# Support verbs whose object noun carries the event ("staged a rally", "issued an
# ultimatum", "held talks"): the noun is coded, the verb's own default code is not.
LIGHT_VERBS = ["hold", "stage", "launch", "begin", "start", "continue", "conduct", "mount",
               "make", "undertake", "issue", "give", "open", "resume", "carry", "organize",
               "organise", "pay", "step", "deliver", "wage", "announce"]


def build_codes(shared: Path) -> dict:
    """Labels and Goldstein weights: the GDELT table, with labels the CAMEO codefile adds."""
    src = json.loads((shared / "resources/cameo/cameo_codes_gdelt.json").read_text())
    codes: dict[str, dict] = {}
    for code, desc in src["Description"].items():
        g = src["GoldsteinScale"].get(code)
        codes[code] = {
            "label": desc.strip().rstrip(",").strip(),
            "goldstein": float(g) if g not in (None, "") else None,
        }
    for line in (shared / "resources/cameo/CAMEO_codefile.txt").read_text().splitlines():
        m = re.match(r"LABEL:\s*(\d+)\s*=\s*(.+)", line)  # LABEL, not the ICEWS LABELi
        if m and m.group(1) not in codes:
            codes[m.group(1)] = {"label": m.group(2).strip(), "goldstein": None}
    return dict(sorted(codes.items()))


def build_plover(shared: Path) -> dict:
    """CAMEO code → [type, mode] from ``CAMEO2PLOVER-2021.txt`` (``code: TYPE, mode, ctx``)."""
    out: dict[str, list] = {}
    for line in (shared / "resources/plover/CAMEO2PLOVER-2021.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"(\d{2,4}):\s*(.*)$", line)
        if not m:
            continue
        code, rest = m.groups()
        parts = [p.strip() for p in rest.split(",")]
        ptype = parts[0] or None
        mode = parts[1].strip() if len(parts) > 1 and parts[1].strip() else None
        if len(code) == 2:
            # Root lines ("08: CONCEDE" and "08: RETREAT") are headings, not mappings.
            out.setdefault(code + "_root", [ptype, None])
            continue
        out[code] = [ptype, mode]
    # Roots: only where the heading is unambiguous, so unknown 3-digit codes fall back.
    roots: dict[str, set] = {}
    for k, v in list(out.items()):
        if k.endswith("_root"):
            roots.setdefault(k[:2], set()).add(v[0])
            del out[k]
    for r, types in roots.items():
        if len(types) == 1:
            out[r] = [types.pop(), None]
    out.update(appeals_as_requests(out, shared))
    return dict(sorted(out.items()))


def appeals_as_requests(table: dict, shared: Path) -> dict:
    """CAMEO 02 (appeals) → PLOVER REQUEST, sub-code for sub-code as CAMEO 10 (demands).

    ``CAMEO2PLOVER-2021.txt`` lists no 02 lines (the 2016 PLOVER summary,
    ``plover_reference.html``, had left appeals uncoded), but the updated PLOVER codebook
    (``PLOVER_structured_codebook_updated.csv``) defines REQUEST as "All requests,
    demands, and orders", with the modes assist / change / yield / meet that the table
    gives CAMEO 10. CAMEO's 02 and 10 categories are built in parallel (``CAMEO_codefile.txt``:
    020 "Make an appeal or request" / 100 "Demand", 021 / 101 material cooperation, ...
    028 / 108 mediation), so each 02 code takes the REQUEST mode of its 10 twin."""
    codebook = (shared / "resources/plover/PLOVER_structured_codebook_updated.csv").read_text()
    if not re.search(r'^REQUEST,[^,]*,"All requests, demands, and orders', codebook, re.M):
        raise SystemExit("PLOVER codebook no longer defines REQUEST over requests: check 02")
    labels = (shared / "resources/cameo/CAMEO_codefile.txt").read_text()
    out: dict[str, list] = {}
    for m in re.finditer(r"^LABEL:\s*(02\d{1,2})\s*=", labels, re.M):
        code = m.group(1)
        twin = "10" + code[2:]
        got = table.get(twin) or table.get(twin[:3])
        if got and got[0] == "REQUEST":
            out[code] = list(got)
    out.setdefault("02", ["REQUEST", None])
    return out


def restore_pattern_verbs(verbs: dict, min_patterns: int = 3) -> list[str]:
    """Verbs the dictionary's provenance notes name but its verb lines lost.

    Each pattern's comment names the verb it was found for (CAMEO.2.0.txt header). A
    single word that several patterns of one block name, and that is no verb (nor verb
    form) anywhere in the dictionary, is a verb whose line went missing in the TABARI →
    PETRARCH conversion (e.g. URGE: 22 patterns in the DEMAND block, no URGE line). It is
    put back into that block, taking the block's code. Returns "WORD→BLOCK" notes."""
    known = set()
    for b in verbs["blocks"]:
        for v in b["verbs"]:
            known.add(v["word"].lstrip("+"))
            known.update(f.lstrip("+") for f in v.get("forms", []))
    out = []
    for b in verbs["blocks"]:
        counts: dict[str, int] = {}
        for p in b["patterns"]:
            for t in p.get("for", ()):
                if "_" not in t and "-" not in t:
                    counts[t] = counts.get(t, 0) + 1
        for t, n in sorted(counts.items()):
            if n >= min_patterns and t not in known:
                b["verbs"].append({"word": t, "code": None, "forms": []})
                known.add(t)
                out.append(f"{t}→{b['name']}")
    return out


def _family(code: str | None) -> str | None:
    """The codes a CAMEO code stands for: a category's "not specified" code (030, 170)
    stands for its whole category (03, 17); any other code for itself and its
    sub-codes (171 → 171, 1711, 1712)."""
    main = (code or "").split(":", 1)[0].strip()
    if not main[:2].isdigit():
        return None
    return main[:2] if len(main) == 3 and main.endswith("0") else main


def general_verbs(verbs: dict, restored: list[str], min_codes: int = 5) -> list[str]:
    """Verbs that take their block's default code only by being filed in the block.

    CAMEO 2.0 pools verbs into synonym blocks and gives each block one default code, the
    head verb's (the block's name). The pattern comments say for which verb each pattern
    was found (CAMEO.2.0.txt header). A verb other than the head, without a code of its
    own, whose own patterns spread over ``min_codes`` or more different codes and none of
    them of the block code's kind (``_family``), is a general verb whose
    meaning lies in its object: TAKE, filed under APPREHEND [171], has patterns for
    taking part (030, 046), taking in refugees (075), taking up positions (154), taking
    into detention (173) ... and none for seizing property. Such a verb keeps its patterns
    and loses the block default ("---"): alone it says nothing of the block's kind.
    Verbs restored to a block (``restore_pattern_verbs``) are left alone. Returns
    "WORD@BLOCK" notes."""
    back = {r.split("→")[0] for r in restored}
    out = []
    for b in verbs["blocks"]:
        fam = _family(b.get("code"))
        if fam is None:
            continue
        head = b["name"].split("_")[0]
        own: dict[str, set[str]] = {}
        for p in b["patterns"]:
            main = (p["code"] or "").split(":", 1)[0].strip()
            if not main[:2].isdigit():
                continue
            for t in p.get("for", ()):
                own.setdefault(t, set()).add(main)
        for v in b["verbs"]:
            word = v["word"].lstrip("+")
            if v.get("code") or word in (b["name"], head) or word in back or "_" in word:
                continue
            codes = set()
            for k in (word, *(f.lstrip("+") for f in v.get("forms", []))):
                codes |= own.get(k, set())
            if len(codes) >= min_codes and not any(c.startswith(fam) for c in codes):
                v["code"] = "---"
                out.append(f"{word}@{b['name']}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    OUT.mkdir(parents=True, exist_ok=True)

    codes = build_codes(shared)
    plover = build_plover(shared)
    verbs = parse_verb_dictionary(
        (shared / "resources/cameo/CAMEO.2.0.txt").read_text(encoding="utf-8", errors="replace")
    )
    restored = restore_pattern_verbs(verbs)
    general = general_verbs(verbs, restored)
    verbs["source"] = "CAMEO.2.0.txt (PETRARCH-2 verb dictionary, Open Event Data Alliance, MIT)"
    if restored:
        verbs["restored_verbs"] = restored
    if general:
        verbs["general_verbs"] = general
    nouns = {
        "source": "written for dyadscope from the CAMEO manual's category definitions",
        "nouns": [{"lemma": w, "code": c, "symmetric": s} for w, c, s in NOUNS],
        "light_verbs": LIGHT_VERBS,
    }
    dump = {"ensure_ascii": False, "separators": (",", ":")}
    (OUT / "codes.json").write_text(json.dumps(codes, indent=0, ensure_ascii=False))
    (OUT / "cameo2plover.json").write_text(
        json.dumps(
            {"_licence": "CC BY-SA 4.0, converted from PLOVER CAMEO2PLOVER-2021.txt (CAMEO 02 rows derived from the PLOVER codebook's REQUEST definition); see "
             "NOTICE.md", **plover}, indent=0
        )
    )
    (OUT / "verbs.json").write_text(json.dumps(verbs, **dump))
    (OUT / "nouns.json").write_text(json.dumps(nouns, indent=1))
    shutil.copy(shared / "resources/cameo/LICENSE.petrarch2", OUT / "LICENSE.petrarch2")
    shutil.copy(shared / "resources/cameo/LICENSE.text_to_CAMEO", OUT / "LICENSE.text_to_CAMEO")
    (OUT / "NOTICE.md").write_text(NOTICE)
    n_pat = sum(len(b["patterns"]) for b in verbs["blocks"])
    print(f"codes {len(codes)}, plover {len(plover)}, verb blocks {len(verbs['blocks'])}, "
          f"patterns {n_pat}, nouns {len(NOUNS)}, restored verbs {restored}, "
          f"general verbs {general} -> {OUT}")
    return 0


NOTICE = """# Sources and licences of the CAMEO data

| file | converted from | licence |
|---|---|---|
| `verbs.json` | `CAMEO.2.0.txt`, the PETRARCH-2 CAMEO verb pattern dictionary (Open Event Data Alliance, 2015); verbs that the dictionary's own pattern comments name for a block but that have no verb line anywhere are put back into that block (`restored_verbs`); a verb other than the block's head whose own patterns (by those comments) spread over five or more codes, none of the block code's kind, codes only through its patterns (`general_verbs`, e.g. TAKE under APPREHEND) | MIT, see `LICENSE.petrarch2` |
| `codes.json` | `cameo_codes_gdelt.json` (labels, Goldstein weights) and `CAMEO_codefile.txt` (text_to_CAMEO, Philip Schrodt) | MIT, see `LICENSE.text_to_CAMEO` |
| `cameo2plover.json` | `CAMEO2PLOVER-2021.txt`, PLOVER CAMEO→PLOVER conversion table, Philip Schrodt / Open Event Data Alliance, 17 Sept 2021; CAMEO 02 appeals added as REQUEST (the table has no 02 lines): the updated PLOVER codebook `PLOVER_structured_codebook_updated.csv` defines REQUEST as "All requests, demands, and orders", and each 02 code takes the mode of its CAMEO 10 twin (020↔100 … 028↔108, `CAMEO_codefile.txt`) | **CC BY-SA 4.0** (https://creativecommons.org/licenses/by-sa/4.0/). This converted table is an adaptation and is shared under the same licence. |
| `nouns.json` | written for dyadscope | MIT (the project's licence) |

Regenerate with `python tools/build_cameo.py`.
"""

if __name__ == "__main__":
    raise SystemExit(main())
