"""Benchmark the copy index: time per document (query + add) and recall/precision of copies.

Generates news-like documents from sentence templates whose slots (actors, places,
countries, days, numbers, verbs, topics) vary per document, so unrelated documents share
template wording but rarely five words in a row with the same slot fillers; a known share
are planted copies of an earlier document (truncated, shuffled, sentences dropped, words
edited, boilerplate swapped, or a mix). Each document is first asked ``copy_of`` and then
added, as an ingest would. Timing excludes generation.

    .venv/bin/python tools/bench_copies.py            # 1k, 10k, 100k
    .venv/bin/python tools/bench_copies.py 1000 5000  # chosen sizes
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta

from dyadscope.copies import CopyIndex, sketch

ACTORS = [f"{f} {l}" for f in ("Ali", "Maria", "John", "Chen", "Olga", "Ahmed", "Yuki", "Pierre", "Fatima",
                               "Igor", "Lina", "Kofi", "Rosa", "Sanjay", "Ewa", "Tomas", "Amina", "Jorge")
          for l in ("Hassan", "Lopez", "Smith", "Wei", "Petrova", "Karimi", "Tanaka", "Dubois", "Nkosi",
                    "Ivanov", "Haddad", "Mensah", "Silva", "Gupta", "Nowak", "Berg", "Diallo", "Costa")]
TITLES = ["President", "Prime Minister", "Foreign Minister", "Defence Minister", "opposition leader",
          "army chief", "central bank governor", "Interior Minister", "rebel commander", "trade envoy"]
COUNTRIES = ["Kenya", "Peru", "Poland", "Vietnam", "Egypt", "Chile", "Nigeria", "Ukraine", "Iran", "Japan",
             "Brazil", "Turkey", "India", "Mexico", "Ghana", "Sudan", "Serbia", "Qatar", "Nepal", "Bolivia",
             "Algeria", "Colombia", "Ethiopia", "Jordan", "Latvia", "Morocco", "Norway", "Pakistan"]
PLACES = [f"{p}{s}" for p in ("North", "South", "East", "West", "Upper", "Lower", "New", "Port", "San", "El")
          for s in (" Riverside", " Hills", " Valley", " Harbour", " Junction", "field", "ton", " Plains", " Bay")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
TOPICS = ["border security", "grain exports", "energy prices", "refugee returns", "water rights", "debt relief",
          "fishing quotas", "arms control", "election monitoring", "mining licences", "rail links",
          "vaccine supplies", "customs duties", "port access", "air defence", "climate finance"]
VERBS = ["condemned", "welcomed", "rejected", "praised", "criticised", "backed", "questioned", "endorsed"]
GROUPS = ["protesters", "farmers", "students", "soldiers", "traders", "nurses", "miners", "fishermen"]

TEMPLATES = [
    "{a}, the {t} of {c}, met {b} in {p} on {d} to discuss {x}.",
    "{c} {v} the plan by {c2} on {x}, officials in {p} said on {d}.",
    "Talks between {c} and {c2} on {x} ended without agreement in {p} late on {d}.",
    "{a} told reporters in {p} that {c} would not accept new terms on {x} before {m}.",
    "At least {n} {g} were detained in {p} after clashes over {x}, police in {c} said.",
    "The {t} of {c2}, {b}, said the talks on {x} had made progress since {m}.",
    "{n} {g} marched through {p} on {d} demanding action on {x} from {a}.",
    "{c} recalled its ambassador from {c2} on {d} in a dispute over {x}.",
    "According to {c} state media, {a} will visit {c2} in {m} for talks on {x}.",
    "{b} {v} the decision, calling it a threat to {x} in {p} and beyond.",
    "The two sides signed {n} agreements on {x} and trade during the visit to {p}.",
    "Troops from {c} and {c2} held joint drills near {p} on {d}, the defence ministry said.",
    "{a} accused {c2} of breaking a {m} deal on {x}, a charge {b} denied.",
    "Prices of {x} in {p} rose {n} percent in {m}, the statistics office of {c} said.",
    "A court in {p} sentenced {n} {g} over protests about {x}, their lawyers said on {d}.",
    "{c} and {c2} agreed on {d} to resume flights to {p} suspended since {m}.",
    "Envoys from {c}, {c2} and {c3} will meet in {p} in {m} to review {x}.",
    "The government of {c} said {n} people were killed when {g} clashed with police in {p}.",
    "{b}, who took office in {m}, has made {x} the centre of talks with {c2}.",
    "Analysts in {p} said the row over {x} could delay a summit between {a} and {b}.",
]
BOILER_HEAD = ["Home | World | Politics", "Breaking News", "Updated {d}", "Sign up for our newsletter",
               "World News Desk", "Latest Stories"]
BOILER_FOOT = ["Share this article", "Read more: {x} talks stall", "Copyright {n} News Group",
               "Follow us on social media", "Related coverage: {c} news", "Leave a comment"]
EDITS = {"said": "stated", "talks": "negotiations", "officials": "authorities", "agreed": "decided",
         "visit": "trip", "rose": "climbed", "killed": "dead", "accused": "blamed", "demanding": "seeking"}


def _fill(rng: random.Random, tpl: str, slots: dict[str, str]) -> str:
    return tpl.format(**slots)


def make_doc(rng: random.Random) -> str:
    """One article: 12-22 sentences in 3-5 paragraphs about one cast of actors and countries."""
    c, c2, c3 = rng.sample(COUNTRIES, 3)
    slots_base = {"a": rng.choice(ACTORS), "b": rng.choice(ACTORS), "c": c, "c2": c2, "c3": c3,
                  "t": rng.choice(TITLES), "x": rng.choice(TOPICS)}
    sents = []
    for tpl in rng.sample(TEMPLATES, rng.randint(12, 20)):
        s = dict(slots_base, p=rng.choice(PLACES), d=rng.choice(DAYS), m=rng.choice(MONTHS),
                 v=rng.choice(VERBS), g=rng.choice(GROUPS), n=str(rng.randint(2, 400)))
        if rng.random() < 0.3:
            s["x"] = rng.choice(TOPICS)
        sents.append(_fill(rng, tpl, s))
    paras, i = [], 0
    while i < len(sents):
        k = rng.randint(2, 4)
        paras.append(" ".join(sents[i : i + k]))
        i += k
    return "\n\n".join(paras)


def _sentences(para: str) -> list[str]:
    return [s for s in para.replace(". ", ".\n").split("\n") if s]


def make_copy(rng: random.Random, text: str, kind: str | None = None) -> tuple[str, str]:
    """A transformed copy of ``text`` and the name of the transformation."""
    kind = kind or rng.choice(["truncate", "shuffle", "drop", "edit", "boiler", "mix"])
    paras = text.split("\n\n")
    if kind in ("truncate", "mix"):
        words = text.split(" ")
        text = " ".join(words[: int(len(words) * rng.uniform(0.5, 0.7))])
        paras = text.split("\n\n")
    if kind in ("shuffle", "mix"):
        rng.shuffle(paras)
    if kind in ("drop", "mix"):
        paras = [" ".join(s for s in _sentences(p) if rng.random() >= 0.2) for p in paras]
        paras = [p for p in paras if p]
    text = "\n\n".join(paras)
    if kind in ("edit", "mix"):
        words = text.split(" ")
        spots = [i for i, w in enumerate(words) if w in EDITS]
        for i in rng.sample(spots, min(len(spots), rng.randint(2, 5))):
            words[i] = EDITS[words[i]]
        text = " ".join(words)
    if kind in ("boiler", "mix"):
        slots = {"d": rng.choice(DAYS), "x": rng.choice(TOPICS), "n": str(rng.randint(1990, 2030)),
                 "c": rng.choice(COUNTRIES)}
        head = "\n".join(h.format(**slots) for h in rng.sample(BOILER_HEAD, 2))
        foot = "\n".join(f.format(**slots) for f in rng.sample(BOILER_FOOT, 2))
        text = f"{head}\n\n{text}\n\n{foot}"
    return text, kind


def corpus(n: int, copy_share: float = 0.1, seed: int = 7):
    """Yield ``(doc_id, text, published, original_id | None, kind | None)``; copies follow their original."""
    rng = random.Random(seed)
    originals: list[tuple[str, str]] = []
    for i in range(n):
        day = (date(2024, 1, 1) + timedelta(days=i * 365 // max(n, 1))).isoformat()  # never decreases
        if originals and rng.random() < copy_share:
            oid, otext = rng.choice(originals[-5000:])
            text, kind = make_copy(rng, otext)
            yield f"d{i}", text, day, oid, kind
        else:
            text = make_doc(rng)
            originals.append((f"d{i}", text))
            yield f"d{i}", text, day, None, None


def run(n: int, rows: int | None = None, bands: int | None = None) -> dict:
    docs = list(corpus(n))
    idx = CopyIndex() if rows is None else CopyIndex(rows=rows, bands=bands)
    per_kind: dict[str, list[int]] = {}
    tp = fp = fn = same_group = 0
    group: dict[str, str] = {}  # planted copy -> its original
    t_all = 0.0
    t_last = 0.0
    last = min(1000, n)
    compared_before_last = 0
    for seq, (doc_id, text, day, orig, kind) in enumerate(docs):
        if seq == n - last:
            compared_before_last = idx.compared
        t0 = time.perf_counter()
        sk = sketch(text)  # once per document, as an ingest would (and a store could persist it)
        found, _sim = idx.copy_of(sk, published=day, seq=seq, length=len(text))
        idx.add(doc_id, published=day, seq=seq, length=len(text), sketch_=sk)
        dt = time.perf_counter() - t0
        t_all += dt
        if seq >= n - last:
            t_last += dt
        if orig is not None:
            group[doc_id] = orig
        if kind is not None:
            per_kind.setdefault(kind, [0, 0])[0] += 1
            per_kind[kind][1] += found == orig
        if found is not None:
            if found == orig:
                tp += 1
            else:
                fp += 1
                same_group += orig is not None and group.get(found) == orig
                if orig is not None:
                    fn += 1
        elif orig is not None:
            fn += 1
    planted = sum(1 for d in docs if d[3] is not None)
    return {
        "n": n,
        "planted": planted,
        "ms_per_doc": 1000 * t_all / n,
        "ms_per_doc_last_1k": 1000 * t_last / last,
        "recall": tp / planted if planted else 1.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "precision_group": (tp + same_group) / (tp + fp) if tp + fp else 1.0,
        "compared_per_query_last_1k": (idx.compared - compared_before_last) / last,
        "index_mb": len(idx.to_bytes()) / 1e6,
        "recall_by_kind": {k: round(v[1] / v[0], 3) for k, v in sorted(per_kind.items())},
        "mean_words": sum(len(d[1].split()) for d in docs) / n,
    }


def main(argv: list[str]) -> None:
    rows = bands = None
    if argv and argv[0].startswith("--lsh="):  # e.g. --lsh=2x64: rows x bands
        rows, bands = (int(v) for v in argv.pop(0)[6:].split("x"))
    sizes = [int(a) for a in argv] or [1000, 10_000, 100_000]
    print(f"{'docs':>8} {'planted':>8} {'ms/doc':>8} {'ms/doc last 1k':>15} {'recall':>7} {'precision':>9} {'dump MB':>8}")
    for n in sizes:
        t0 = time.perf_counter()
        r = run(n, rows, bands)
        print(f"{r['n']:>8} {r['planted']:>8} {r['ms_per_doc']:>8.3f} {r['ms_per_doc_last_1k']:>15.3f} "
              f"{r['recall']:>7.4f} {r['precision']:>9.4f} {r['index_mb']:>8.1f}   ({time.perf_counter() - t0:.0f}s total)",
              flush=True)
        print(f"{'':>8} recall by kind: {r['recall_by_kind']}; precision counting another copy of the same "
              f"original as right: {r['precision_group']:.4f}; candidates compared per query (last 1k): "
              f"{r['compared_per_query_last_1k']:.1f}; mean words/doc {r['mean_words']:.0f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
