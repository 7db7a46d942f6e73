"""Stories: documents that report the same happening, and their events counted once.

GDELT counts reports, not events: five outlets and three reposts of one visit make eight
"events". Here every document belongs to a story (alone, if nothing else reports its
happening), and events reported by several documents of a story become one event that
carries all its mentions.

How documents are linked, and why:

* A **link** between two documents is a pairwise test on what each says (``linked``):
  they are copies of each other; or their dates are within ``WINDOW_DAYS`` and they share
  a coded event (same type, same actors) or a named person, with sentence embeddings of
  their leads agreeing. Different reports of one visit share almost no wording (seeds 000,
  001, 003), so plain text similarity cannot see them, while embeddings alone cannot tell
  this month's China–North Korea visit from last year's: each signal covers the other's
  blind spot.
* A **story** is a connected component of the links. Components do not depend on the order
  documents arrive in, so any ingest order gives the same stories; ``StoryIndex`` keeps
  them incrementally (union-find) and looks up only documents that share a key (an event
  signature or a person) in nearby weeks, so a new document costs the same whatever the
  size of the store.
* Within a story, event reports are merged (``merge_events``) when they have the same type
  and modality, the same actors (either direction for meetings and for events coded both
  ways in one sentence) and compatible dates. A document with no date of its own, or only a
  weak one (seed 000: a site header), takes its dates from the other reports.

Everything here is pure: the store and the pipeline feed it rows and write back what it
returns (``pipeline.StoryTracker``).
"""

from __future__ import annotations

import base64
import calendar
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

# Two reports of one happening appear within days of each other (seeds: 001 and 003 a
# day apart); a follow-up a week later is a new story.
WINDOW_DAYS = 4
# Cosine of lead embeddings (MiniLM) needed beside a shared event signature, or beside a
# shared named person only. Reports of one visit on the seeds score 0.55–0.65 and reports of
# different China–North Korea happenings 0.40–0.56, which is why a cosine alone never links.
COS_WITH_EVENT = 0.45
COS_WITH_PEOPLE = 0.50  # two or more named people in common
COS_WITH_PERSON = 0.70  # one
# A document dated only weakly is compared across all dates, so it must agree more.
COS_WEAK = 0.55
# Publication dates below this confidence (a site header, a guess from the content) do not
# anchor a document in time.
WEAK_CONFIDENCE = 0.5
# A document's lead: its first sentences, where news says what happened. Shared people and
# events only link two documents when they are in the lead of at least one of them, so a
# famous name mentioned in passing does not chain unrelated stories together.
LEAD_SENTENCES = 5
# Event types whose two actors play the same role, so A–B and B–A are one event.
SYMMETRIC_TYPES = frozenset({"CONSULT"})


@dataclass
class DocFeatures:
    """What story grouping needs to know of one document."""

    doc_id: str
    published: str | None  # ISO date
    weak: bool  # the publication date is missing or a guess
    people: frozenset[str] = frozenset()  # actor ids of named actors in its events
    signatures: frozenset[str] = frozenset()  # "TYPE|A|B" of its current, asserted events
    vector: np.ndarray | None = None  # unit-length lead embedding, or None without the extra
    lead: str = ""  # title or first sentence: a story's title is its most central lead
    copy_of: str | None = None
    lead_people: frozenset[str] = frozenset()  # those of ``people`` named in the lead
    lead_signatures: frozenset[str] = frozenset()  # those of ``signatures`` coded in the lead

    @property
    def day(self) -> date | None:
        return None if self.weak or not self.published else date.fromisoformat(self.published)

    def keys(self) -> set[str]:
        return {f"p:{p}" for p in self.people} | {f"e:{s}" for s in self.signatures}


def actor_key(actor: dict | None) -> str:
    """An actor as grouping sees it: its id, else its country, else its words ("" for none,
    and for a source the sentence does not name: such an event gives no signature)."""
    if not actor or not (actor.get("actor_id") or actor.get("country") or actor.get("text")):
        return ""
    if actor.get("actor_id"):
        return actor["actor_id"]
    if actor.get("country"):
        return f"C:{actor['country']}"
    return f"T:{(actor.get('text') or '').lower()}"


def is_person_key(key: str) -> bool:
    # Country keys ("C:CHN") are shared by most news about a country; only named actors
    # (people, organisations with an id other than a bare country) are specific enough.
    return bool(key) and not key.startswith(("C:", "T:")) and len(key) > 3


def event_type(ev: dict) -> str:
    return ev.get("plover") or f"CAMEO{(ev.get('cameo') or '')[:2]}"


def signatures(events: list[dict], lead_only: bool = False) -> frozenset[str]:
    """Signatures of the events a document asserts about the present (not background)."""
    out = set()
    for ev in events:
        if lead_only and ev.get("sent_idx", 0) >= LEAD_SENTENCES:
            continue
        if ev.get("background") or ev.get("modality") not in (None, "asserted"):
            continue
        if (ev.get("cameo") or "").startswith("01"):  # "X said": too common to tell stories apart
            continue
        src, tgt = ev.get("source"), ev.get("target")
        a, b = actor_key(src), actor_key(tgt)
        if not a:
            continue
        typ = event_type(ev)
        out.add(signature(typ, a, b))
        # One outlet names "Zhao Leji", another "a top Chinese official": the same event with
        # one named side seen as its country also counts (never both sides at once).
        for person, other, ref in ((a, b, src), (b, a, tgt)):
            if is_person_key(person) and is_person_key(other) and ref and ref.get("country"):
                out.add(signature(typ, f"C:{ref['country']}", other))
    return frozenset(out)


def signature(typ: str, a: str, b: str) -> str:
    """An event's signature, ``TYPE|A|B``: actor keys in order, B empty without a target."""
    pair = sorted((a, b)) if b else [a, ""]
    return f"{typ}|{pair[0]}|{pair[1]}"


def features(doc_id: str, published: str | None, confidence: float | None, events: list[dict],
             vector=None, lead: str = "", copy_of: str | None = None) -> DocFeatures:
    """Grouping features of a document from its coded events (event records as dicts)."""
    people, lead_people = set(), set()
    for ev in events:
        if ev.get("background"):
            continue
        for side in ("source", "target"):
            key = actor_key(ev.get(side))
            if is_person_key(key):
                people.add(key)
                if ev.get("sent_idx", 0) < LEAD_SENTENCES:
                    lead_people.add(key)
    weak = not published or (confidence is not None and confidence < WEAK_CONFIDENCE)
    vec = None if vector is None else np.asarray(vector, dtype=np.float32)
    return DocFeatures(doc_id, published, weak, frozenset(people), signatures(events), vec, lead, copy_of,
                       frozenset(lead_people), signatures(events, lead_only=True))


def cosine(a: DocFeatures, b: DocFeatures) -> float | None:
    if a.vector is None or b.vector is None:
        return None
    return float(np.dot(a.vector, b.vector))


def linked(a: DocFeatures, b: DocFeatures) -> bool:
    """Do two documents report the same happening? Symmetric, so stories are order-free."""
    if a.copy_of == b.doc_id or b.copy_of == a.doc_id or (a.copy_of and a.copy_of == b.copy_of):
        return True
    da, db = a.day, b.day
    if da and db and abs((da - db).days) > WINDOW_DAYS:
        return False
    shared_events = a.signatures & b.signatures
    shared_people = a.people & b.people
    if not shared_events & (a.lead_signatures | b.lead_signatures):
        shared_events = frozenset()
    if not shared_people & (a.lead_people | b.lead_people):
        shared_people = frozenset()
    if not shared_events and not shared_people:
        return False
    cos = cosine(a, b)
    if da is None or db is None:
        # Undated: only a shared event between two named actors, and a close lead, will do.
        specific = any(all(is_person_key(k) for k in s.split("|")[1:]) for s in shared_events)
        return specific and (cos is None or cos >= COS_WEAK)
    if shared_events:
        return cos is None or cos >= COS_WITH_EVENT
    if cos is None:
        return False
    return cos >= (COS_WITH_PEOPLE if len(shared_people) >= 2 else COS_WITH_PERSON)


def date_span(story: dict, sep: str = "..") -> str:
    """A story's dates as the CLI and the web show them: its own events' dates
    (``start_date``, ``end_date``); for a story with no dated event, its documents'
    publication dates marked "(published)"; "?" when it has neither."""
    start, end, note = story.get("start_date"), story.get("end_date"), ""
    if not start:
        start, end, note = story.get("first_published"), story.get("last_published"), " (published)"
    if not start:
        return "?"
    return (f"{start}{sep}{end}" if end and end != start else str(start)) + note


def story_id(members: list[DocFeatures]) -> str:
    """Named after its first report (firmly dated first, then by date, then by id), so the
    id does not depend on the order documents arrived in."""
    first = min(members, key=lambda f: (f.weak, f.published or "9999", f.doc_id))
    return hashlib.sha256(f"story:{first.doc_id}".encode()).hexdigest()[:16]


def encode_vector(vec) -> str:
    """A unit vector as stored: base64 of float16 (768 bytes; cosines move by < 0.002)."""
    return base64.b64encode(np.asarray(vec, dtype=np.float16).tobytes()).decode("ascii")


def decode_vector(text: str | None) -> np.ndarray | None:
    if not text:
        return None
    return np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)


class StoryIndex:
    """Stories as connected components, kept incrementally.

    ``add`` links a new document to every stored document it is ``linked`` with (found
    through shared keys in nearby weeks) and merges their stories; it returns the root of
    the new document's story. ``members(root)`` lists a story's documents.
    """

    def __init__(self) -> None:
        self.docs: dict[str, DocFeatures] = {}
        self.parent: dict[str, str] = {}
        self.groups: dict[str, set[str]] = {}
        self.dated: dict[tuple[str, int], list[str]] = defaultdict(list)  # (key, week) -> docs
        self.undated: dict[str, list[str]] = defaultdict(list)  # key -> weakly dated docs
        self.weeks: dict[str, set[int]] = defaultdict(set)  # key -> weeks with dated docs
        self.candidates_seen = 0

    def __len__(self) -> int:
        return len(self.docs)

    def find(self, doc_id: str) -> str:
        root = doc_id
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[doc_id] != root:  # path compression
            self.parent[doc_id], doc_id = root, self.parent[doc_id]
        return root

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self.groups[ra]) < len(self.groups[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.groups[ra] |= self.groups.pop(rb)
        return ra

    def members(self, doc_id: str) -> list[DocFeatures]:
        return [self.docs[d] for d in sorted(self.groups[self.find(doc_id)])]

    def candidates(self, f: DocFeatures) -> set[str]:
        out: set[str] = set()
        day = f.day
        for key in f.keys():
            if day is not None:
                week = day.toordinal() // 7
                for w in (week - 1, week, week + 1):
                    out.update(self.dated.get((key, w), ()))
            elif key.startswith("e:"):
                for w in self.weeks.get(key, ()):
                    out.update(self.dated[(key, w)])
            out.update(self.undated.get(key, ()))
        if f.copy_of and f.copy_of in self.docs:
            out.add(f.copy_of)
        out.discard(f.doc_id)
        return out

    def add(self, f: DocFeatures) -> str:
        if f.doc_id in self.docs:
            self.remove(f.doc_id)
        self.docs[f.doc_id] = f
        self.parent[f.doc_id] = f.doc_id
        self.groups[f.doc_id] = {f.doc_id}
        cands = self.candidates(f)
        self.candidates_seen += len(cands)
        for other in sorted(cands):
            # a candidate already in the story cannot change it: its link is not tested
            if self.find(other) != self.find(f.doc_id) and linked(f, self.docs[other]):
                self.union(f.doc_id, other)
        self._post(f)
        return self.find(f.doc_id)

    def _post(self, f: DocFeatures) -> None:
        day = f.day
        for key in f.keys():
            if day is None:
                self.undated[key].append(f.doc_id)
            else:
                week = day.toordinal() // 7
                self.dated[(key, week)].append(f.doc_id)
                self.weeks[key].add(week)

    def load_group(self, members: list[DocFeatures]) -> None:
        """Restore a stored story as it was grouped, without testing its links again."""
        root = members[0].doc_id
        for f in members:
            self.docs[f.doc_id] = f
            self.parent[f.doc_id] = root
            self._post(f)
        self.groups[root] = {f.doc_id for f in members}

    def link_copy(self, doc_id: str, copy_of: str | None) -> str | None:
        """Record a copy relation found after the documents were added."""
        if doc_id not in self.docs:
            return None
        f = self.docs[doc_id]
        f.copy_of = copy_of
        if copy_of and copy_of in self.docs:
            return self.union(doc_id, copy_of)
        return self.find(doc_id)

    def remove(self, doc_id: str) -> list[list[str]]:
        """Drop a document; its former story is split into what stays connected.

        Returns the new groups of the former members."""
        if doc_id not in self.docs:
            return []
        others = [d for d in self.groups[self.find(doc_id)] if d != doc_id]
        f = self.docs.pop(doc_id)
        for key in f.keys():
            for bucket in ([self.undated.get(key)] if f.day is None
                           else [self.dated.get((key, w)) for w in self.weeks.get(key, ())]):
                if bucket and doc_id in bucket:
                    bucket.remove(doc_id)
        for d in others + [doc_id]:
            root = self.find(d)
            self.groups.pop(root, None)
        for d in others:
            self.parent[d] = d
            self.groups[d] = {d}
        del self.parent[doc_id]
        for i, a in enumerate(others):
            for b in others[i + 1:]:
                if self.find(a) != self.find(b) and linked(self.docs[a], self.docs[b]):
                    self.union(a, b)
        return sorted({tuple(sorted(self.groups[self.find(d)])) for d in others})


def title(members: list[DocFeatures]) -> tuple[str, str | None]:
    """The story's most representative lead: the one closest to the mean of all leads
    (the earliest report's when there are no embeddings). Returns (text, doc_id)."""
    with_lead = [f for f in members if f.lead]
    if not with_lead:
        return "", None
    vecs = [f for f in with_lead if f.vector is not None]
    if len(vecs) >= 2:
        centre = np.mean([f.vector for f in vecs], axis=0)
        best = min(vecs, key=lambda f: (-round(float(np.dot(f.vector, centre)), 6), f.doc_id))
    else:
        best = min(with_lead, key=lambda f: (f.weak, f.published or "9999", f.doc_id))
    return best.lead, best.doc_id


# -- events counted once ------------------------------------------------------------

_RANK = {"day": 0, "document": 1, "month": 2, "year": 3}


@dataclass
class Report:
    """One coded event in one sentence: a row of the events table, as coded."""

    event_id: str
    doc_id: str
    sent_idx: int
    type: str
    modality: str
    source: str
    target: str
    date: str | None  # as coded
    precision: str  # as coded
    doc_published: str | None = None
    doc_weak: bool = False
    cameo: str = ""
    symmetric: bool = False  # coded both ways in its sentence

    @property
    def floating(self) -> bool:
        """No time of its own: undated, or dated only by a weak document date."""
        return self.date is None or self.precision == "unknown" or (
            self.precision == "document" and self.doc_weak)

    def interval(self) -> tuple[date, date] | None:
        if self.floating:
            return None
        d = date.fromisoformat(self.date)
        if self.precision == "day":
            return d, d
        if self.precision == "document":  # happened on or shortly before publication
            return d - timedelta(days=WINDOW_DAYS - 1), d
        if self.precision == "month":
            return d, d.replace(day=calendar.monthrange(d.year, d.month)[1])
        return d.replace(month=1, day=1), d.replace(month=12, day=31)

    def key(self) -> tuple:
        pair = (self.source, self.target)
        if self.target and (self.symmetric or self.type in SYMMETRIC_TYPES):
            pair = tuple(sorted(pair))
        return (self.type, self.modality) + pair

    def rank(self) -> tuple:
        # Best date first, then the earliest report; within a sentence the lower CAMEO code
        # (042 "visit" over 043 "host", 040 over 046), which names the actor who acted.
        return (4 if self.floating else _RANK.get(self.precision, 4), self.doc_published or "9999",
                self.doc_id, self.sent_idx, self.cameo, self.event_id)


@dataclass
class Assignment:
    """What merging decided for one report."""

    group: str  # event_id of the report that represents the event
    date: str | None
    precision: str
    method: str  # text | document | story


def mark_symmetric(reports: list[Report]) -> None:
    """Events coded in both directions from one sentence ("Kim and Zhao pledged to ...")
    are one joint event: their actor order does not matter."""
    seen = {(r.doc_id, r.sent_idx, r.type, r.source, r.target) for r in reports}
    for r in reports:
        if r.target and (r.doc_id, r.sent_idx, r.type, r.target, r.source) in seen:
            r.symmetric = True


def merge_events(reports: list[Report], anchor: str | None = None) -> dict[str, Assignment]:
    """Group the event reports of one story into events; the result depends only on the set.

    ``anchor`` is the story's date for reports of weakly dated documents that match no
    firmly dated report (the latest firm publication date in the story).
    """
    mark_symmetric(reports)
    by_key: dict[tuple, list[Report]] = defaultdict(list)
    for r in reports:
        by_key[r.key()].append(r)
    out: dict[str, Assignment] = {}
    for group in by_key.values():
        for cluster in _date_clusters(group):
            best = min(cluster, key=Report.rank)
            dated = not best.floating
            for r in cluster:
                own = Assignment(best.event_id, r.date, r.precision,
                                 "document" if r.precision == "document" else "text")
                if not r.floating:
                    out[r.event_id] = own
                elif dated:
                    out[r.event_id] = Assignment(best.event_id, best.date, best.precision, "story")
                elif anchor and r.doc_weak:
                    out[r.event_id] = Assignment(best.event_id, anchor, "document", "story")
                else:
                    out[r.event_id] = own
    return out


def _date_clusters(reports: list[Report]) -> list[list[Report]]:
    """Split reports of one key into happenings by their dates.

    Day-level reports overlapping in time form one cluster; month- and year-level reports
    join the overlapping cluster with most documents (or group among themselves); reports
    with no time of their own join the cluster with most documents."""
    fine = sorted((r for r in reports if not r.floating and r.precision in ("day", "document")),
                  key=lambda r: (r.interval(), r.event_id))
    clusters: list[list[Report]] = []
    spans: list[list[date]] = []
    for r in fine:
        lo, hi = r.interval()
        if spans and lo <= spans[-1][1] + timedelta(days=1):
            clusters[-1].append(r)
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            clusters.append([r])
            spans.append([lo, hi])

    def weight(i: int) -> tuple:
        return (len({r.doc_id for r in clusters[i]}), -spans[i][0].toordinal(), -i)

    coarse = sorted((r for r in reports if not r.floating and r.precision not in ("day", "document")),
                    key=Report.rank)
    extra: dict[tuple, list[Report]] = {}
    for r in coarse:
        lo, hi = r.interval()
        hits = [i for i, (a, b) in enumerate(spans) if a <= hi and lo <= b]
        if hits:
            clusters[max(hits, key=weight)].append(r)
        else:
            extra.setdefault((r.precision, r.date), []).append(r)
    floating = sorted((r for r in reports if r.floating), key=Report.rank)
    if floating:
        if clusters:
            clusters[max(range(len(clusters)), key=weight)].extend(floating)
        elif extra:
            max(extra.values(), key=lambda c: (len({r.doc_id for r in c}), c[0].date or "")).extend(floating)
        else:
            clusters.append(floating)
    return clusters + list(extra.values())


def anchor_date(members: list[DocFeatures]) -> str | None:
    """The latest firm publication date in a story: reports happen on or before it."""
    firm = [f.published for f in members if not f.weak and f.published]
    return max(firm) if firm and len(firm) < len(members) else None


@dataclass
class StorySummary:
    story_id: str
    title: str
    title_doc_id: str | None
    first_published: str | None = None
    last_published: str | None = None
    num_independent: int = 0  # documents, copies counted once


def summarize(members: list[DocFeatures]) -> StorySummary:
    text, doc = title(members)
    dates = sorted(f.published for f in members if f.published and not f.weak)
    roots = {f.copy_of or f.doc_id for f in members}
    return StorySummary(story_id(members), text, doc,
                        dates[0] if dates else None, dates[-1] if dates else None, len(roots))
