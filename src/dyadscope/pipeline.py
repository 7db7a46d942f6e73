"""The ingest recipe: read → clean → date → split → find actors → parse → code → store.

Each step is a function from another module; this module only orders them, batches
documents so spaCy and DuckDB see many at once, and keeps the tally the CLI prints.
"""

from __future__ import annotations

import base64
import gc
import json
import multiprocessing
import os
import time
import weakref
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from threadpoolctl import threadpool_limits

from . import clean as clean_stage
from . import coder, copies, dates, embed, nlp, places, spin, stories
from .models import RawDoc, Sentence
from .read import ReadProblem
from .store import DocRecord, Store

# Documents per transaction and per nlp.pipe batch: big enough for spaCy's batching,
# small enough that a killed run loses little work (chosen with `make bench`).
BATCH_DOCS = 32
# Stories are regrouped every few batches (and at the end of a run): a long story costs
# about the same to re-merge for 32 new documents as for 128. Documents written but not yet
# grouped are picked up by the next run if this one is killed.
STORY_EVERY_BATCHES = 4
# A document of more sentences than this (~150 KB of news) is gated, parsed and coded this
# many sentences at a time, so the memory its parse takes is bounded whatever its length
# (issue 11: a 10 MB document within 1 GB). The events are the same as in one piece.
WINDOW_SENTENCES = 1000


def default_processes() -> int:
    """Worker processes for ingest: one per core, at most 4 (each holds a model, ~0.5 GB)."""
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    """Options every stage may read; built once by the CLI (or by library callers).

    ``processes`` > 1 runs cleaning, parsing and coding in that many worker processes,
    started only when the input holds more than one batch; the store is written by the
    calling process alone. ``date_field`` and ``default_date`` are ``ingest``'s options of
    those names for the Dask workers, which read their partitions themselves (the
    single-machine ingest reads in the calling process: ``read.iter_inputs`` takes them).
    """

    batch_docs: int = BATCH_DOCS
    processes: int = 1
    actor_files: tuple[str, ...] = ()
    embed: bool = True  # lead embeddings for story grouping (when the stories extra is installed)
    date_field: str | None = None  # the JSONL field holding the publication date
    default_date: str | None = None  # YYYY-MM-DD for documents nothing else dates


@dataclass
class IngestReport:
    new: int = 0
    updated: int = 0
    already: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reports: int = 0  # coded reports (one sentence of one document each)
    off_topic: int = 0  # documents coder.relevance found not about politics (no events)
    seconds: float = 0.0
    # Known once the run's stories are grouped (Store.tally over the documents processed):
    # events counted once (reports sharing an event_group are one event), and what is undated.
    events: int | None = None
    undated_events: int | None = None
    undated_documents: int | None = None
    default_dated: int = 0  # documents dated only by --default-date
    # how each selected document was counted ("new" or "updated"), so that one the cleaner
    # then skips is counted as skipped only
    counted_as: dict[str, str] = field(default_factory=dict, repr=False)

    def skip(self, raw: RawDoc, reason: str) -> None:
        """Record a selected document as skipped, taking back its "new"/"updated" count."""
        kind = self.counted_as.pop(raw.doc_id, None)
        if kind == "new":
            self.new -= 1
        elif kind == "updated":
            self.updated -= 1
        self.skipped.append((raw.path, reason))

    @property
    def processed(self) -> int:
        return self.new + self.updated

    def add_tally(self, tally: dict[str, int]) -> None:
        self.events, self.undated_events = tally["events"], tally["undated_events"]
        self.undated_documents, self.default_dated = tally["undated_documents"], tally["default_dated"]

    def summary(self) -> str:
        rate = self.processed / self.seconds if self.seconds else 0.0
        parts = [
            f"{self.new} new",
            f"{self.updated} updated",
            f"{self.already} already stored",
            f"{len(self.skipped)} skipped",
            f"{len(self.failed)} failed",
        ]
        if self.warnings:
            parts.append(counted(len(self.warnings), "warning"))
        coded = counted(self.reports, "event report")
        if self.events is not None:
            coded = f"{counted(self.events, 'event')} ({self.undated_events} undated) from {counted(self.reports, 'report')}"
        if self.off_topic:
            coded += f" ({self.off_topic} of {self.processed} documents found not about politics: no events coded from them)"
        dated = ""
        if self.undated_documents is not None:
            dated = f"; {self.undated_documents} of {self.processed} documents undated"
            if self.default_dated:
                dated += f", {self.default_dated} dated by --default-date"
        return f"{', '.join(parts)}; {coded}{dated}; {self.seconds:.1f} s ({rate:.1f} documents/s)"


def counted(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1 ("1 event", "2 events")."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def process(raws: list[RawDoc], kb, embed_leads: bool = True, *, code_fn=None,
            all_events: bool = False, parse_all: bool = False) -> tuple[list[DocRecord], list[tuple[RawDoc, str]]]:
    """Run cleaning, dating, parsing and coding over a batch of documents (no I/O).

    ``code_fn`` replaces the coder (``coder.code_document``'s signature; training uses it
    to collect what the coder sees); ``all_events`` keeps unconfirmed candidates too;
    ``parse_all`` parses every sentence naming an actor, past the coder's gate (training)."""
    records: list[DocRecord] = []
    skipped: list[tuple[RawDoc, str]] = []
    pending = []
    # 1. Clean, date and split each document; find actor mentions with the fast gazetteer.
    for raw in raws:
        doc = clean_stage.clean(raw)
        if doc.skip_reason:
            skipped.append((raw, doc.skip_reason))
            continue
        pubdate = dates.publication_date(raw.published, doc.text, doc.removed, url=raw.url,
                                         default=raw.default_date)
        sentences = _sentences(doc)
        resolver = kb.document(pubdate.date)
        mentions, found = [], {}
        for sent in sentences:
            found[sent.idx] = matches = list(resolver.find(sent.text))
            for m in matches:
                mentions.append((sent.idx, sent.start + m.start, sent.start + m.end,
                                 sent.text[m.start:m.end], m.ref))
        politics, vectors = _politics(sentences, found, code_fn, all_events)
        pending.append((doc, pubdate, sentences, mentions, found, politics, vectors))
    # 2. Parse only sentences that name an actor, or refer back to actors as a group
    #    ("the two countries"), and that the coder's gate (words and mentions) lets through:
    #    no actor, no event, so no parse needed.
    #    The gate's verdicts (and the sentence vectors it read) go on to the coder. A long
    #    document is gated and parsed a window at a time in step 3 instead (None here).
    everything = parse_all or all_events
    todo: list[Sentence] = []
    gates: list[dict[int, coder.Gated] | None] = []
    for _, _, sentences, mentions, found, politics, vectors in pending:
        if _off_topic(politics):
            gates.append({})  # not about politics: not parsed, no events
            continue
        if code_fn is None and len(sentences) > WINDOW_SENTENCES:
            gates.append(None)
            continue
        chosen, gated = _to_parse(sentences, found, everything, vectors)
        todo += chosen
        gates.append(gated)
    _parse(todo)
    # 3. Code events per document, with a fresh resolver so coreference starts clean (the
    #    coder gets the mentions found above instead of looking for them again), and
    # 4. place each event where its sentence puts it ("in Pyongyang").
    for (doc, pubdate, sentences, mentions, found, politics, _), gated in zip(pending, gates):
        resolver = kb.document(pubdate.date)
        if _off_topic(politics):
            events = []
        elif code_fn is not None:
            events = code_fn(sentences, resolver, pubdate, doc.doc_id, mentions=found)
            _place(events, sentences)
        elif gated is not None:
            events = coder.code_document(sentences, resolver, pubdate, doc.doc_id,
                                         mentions=found, all_events=all_events, gated=gated)
            _place(events, sentences)
        else:
            # A long document, a window of sentences at a time with the coder's context
            # carried over: the same events, and memory bounded by the window (its parse
            # is dropped once its events are coded and placed).
            events, context = [], coder.DocumentContext()
            for lo in range(0, len(sentences), WINDOW_SENTENCES):
                part = sentences[lo:lo + WINDOW_SENTENCES]
                chosen, gated_part = _to_parse(part, found, everything)
                _parse(chosen)
                got = coder.code_document(part, resolver, pubdate, doc.doc_id, mentions=found,
                                          all_events=all_events, gated=gated_part, context=context)
                _place(got, sentences)
                events += got
                for sent in chosen:
                    sent.tokens = []
        # 5. Measure spin and sketch the text for copy detection (done in the store's process).
        score, evidence = spin.spin_score(doc.text)
        spun = score >= spin.SPIN_THRESHOLD  # a spun copy is found by its skeleton (copies.py)
        sketch = base64.b64encode(copies.encode_sketches(doc.text, spun)).decode("ascii")
        records.append(DocRecord(doc, pubdate, sentences, events, mentions, score, evidence, sketch,
                                 lead=lead_sentence(sentences) or (doc.raw.title or ""),
                                 politics=None if politics is None else politics.probability,
                                 off_topic=_off_topic(politics)))
    # 6. Embed the leads for story grouping (skipped without the stories extra). Only
    #    documents that name someone or code an event between actors can be linked to
    #    another by anything but a copy, so only theirs are embedded.
    embedder = embed.default_embedder() if embed_leads else None
    linkable = [rec for rec in records if any(
        ev.target is not None or (ev.source.actor_id and stories.is_person_key(ev.source.actor_id))
        for ev in rec.events)]
    if embedder is not None and linkable:
        vecs = embedder.encode([embed_text(rec.clean.raw.title, rec.lead) or rec.clean.text[:300]
                                for rec in linkable])
        for rec, vec in zip(linkable, vecs):
            rec.vector = stories.encode_vector(vec)
    return records, skipped


def _politics(sentences: list[Sentence], found: dict, code_fn, all_events: bool):
    """The document-level check (``coder.relevance``): is the document about politics?
    ``None`` where it does not apply: training (``code_fn``) and ``all_events`` see every
    document. Also the sentences' static vectors where the check read them and the gate
    reads the same (a document gated whole, not a window at a time), else None."""
    if code_fn is not None or all_events or not coder.relevance.applies(len(sentences)):
        return None, None
    texts = [s.text for s in sentences]
    vectors = coder.gate_vectors(texts, static_only=True) if len(sentences) <= WINDOW_SENTENCES else None
    return coder.relevance.check(texts, [found.get(s.idx, []) for s in sentences], vectors=vectors), vectors


def _off_topic(verdict) -> bool:
    """Whether the check found the document not about politics (not parsed, no events)."""
    return verdict is not None and not verdict.passed


def _to_parse(sentences: list[Sentence], found: dict, everything: bool, vectors=None
              ) -> tuple[list[Sentence], dict[int, coder.Gated]]:
    """The sentences to parse (those naming an actor, or referring back to actors as a
    group, that the coder's gate lets through; all of those with ``everything``) and the
    gate's verdicts by sentence index. ``vectors``: every sentence's, in order, if known."""
    named = [k for k, s in enumerate(sentences) if found.get(s.idx) or coder.needs_parse(s.text)]
    vectors = vectors[named] if vectors is not None else None
    named = [sentences[k] for k in named]
    if everything or not named:
        return named, {}
    verdicts = coder.gate_many([(s.text, found.get(s.idx, [])) for s in named], vectors=vectors)
    return [s for s, g in zip(named, verdicts) if g.passed], {s.idx: g for s, g in zip(named, verdicts)}


def _parse(todo: list[Sentence]) -> None:
    for sent, (tokens, ents) in zip(todo, nlp.parse((s.text, s.start) for s in todo)):
        sent.tokens = tokens
        sent.entities = ents
        sent.parsed = True


def _place(events, sentences: list[Sentence]) -> None:
    """Give each event without a place the one its sentence names ("in Pyongyang")."""
    for ev in events:
        if ev.location is None:
            sent = sentences[ev.sent_idx]
            ev.location = places.event_location(sent, _token_index(sent, ev.trigger))


def lead_sentence(sentences: list[Sentence]) -> str:
    """A document's first real sentence: news puts the happening there, so it is what a
    story's title shows (the story picks its most representative one)."""
    return next((s.text.strip() for s in sentences if not s.is_caption and len(s.text.split()) >= 6), "")[:600]


def embed_text(title: str | None, lead: str) -> str:
    """What story grouping embeds: the title, when there is one, and the lead sentence."""
    title = (title or "").strip()
    if title and lead and not lead.lower().startswith(title.lower()[:40]):
        return f"{title}. {lead}"
    return lead or title


class CopyTracker:
    """The store's copy index, loaded once; after each write it finds the earliest copy of
    every document written since, and of the stored copies that now have an earlier one.

    Documents whose copies were not yet looked for (a run killed between the two steps)
    are picked up by the next run, so the result does not depend on where a run stopped.
    """

    def __init__(self, store: Store):
        self.store = store
        self.index: copies.CopyFinder | None = None

    def update(self) -> dict[str, tuple[str | None, float]]:
        """Find copies of what was written since; returns ``{doc_id: (copy_of, similarity)}``
        for every document whose copy was (re)decided."""
        if self.index is None:
            self.index = copies.CopyFinder()
            for row in self.store.sketches(checked=True):
                self._add(row)
        fresh = self.store.sketches(checked=False)
        if not fresh:
            return {}
        for row in fresh:
            self._add(row)
        affected: set[str] = set()
        for row in fresh:
            affected.add(row[0])
            affected.update(self.index.later_copies(row[0]))
        found = {d: self.index.copy_of(d) for d in affected}
        self.store.set_copies(found, [row[0] for row in fresh])
        return found

    def _add(self, row) -> None:
        doc_id, encoded, published, seq, length = row
        self.index.add(doc_id, published=published, seq=seq, length=length, encoded=base64.b64decode(encoded))


class StoryTracker:
    """The store's story index, loaded once; after each write it groups the documents not
    yet grouped, re-merges the events the new documents can affect, and writes both back.

    Stories are loaded as stored (no links recomputed), so opening a large store is cheap.
    A document joining one story re-merges only the reports that share an event type and
    an actor with its own (event groups are per type and actors, so the rest cannot
    change), which keeps the cost per document flat however long a story runs; stories
    that merge or split are re-merged whole. Documents not yet grouped (a run killed
    between the two steps) are picked up by the next run.
    """

    def __init__(self, store: Store):
        self.store = store
        self.index: stories.StoryIndex | None = None
        self.story_of: dict[str, str | None] = {}  # doc_id -> story_id as stored
        self.pending_copies: dict[str, tuple[str | None, float]] = {}
        self.waiting = 0  # batches written since the last grouping

    def _load(self) -> None:
        self.index = stories.StoryIndex()
        by_story: dict[str, list] = {}
        for row in self.store.story_features(grouped=True):
            by_story.setdefault(row["story_id"] or row["doc_id"], []).append(_features(row))
            self.story_of[row["doc_id"]] = row["story_id"]
        for members in by_story.values():
            self.index.load_group(members)

    def update(self, copy_changes: dict[str, tuple[str | None, float]] | None = None, every: int = 0) -> None:
        """Group what was written since; with ``every``, only on every ``every``-th call
        (copy links found meanwhile are kept for then)."""
        self.pending_copies.update(copy_changes or {})
        self.waiting += 1
        if every and self.waiting < every:
            return
        self.waiting = 0
        if self.index is None:
            self._load()
        fresh = self.store.story_features(grouped=False)
        copy_changes, self.pending_copies = self.pending_copies, {}
        if not fresh and not copy_changes:
            return
        touched: set[str] = set()
        split: set[str] = set()  # documents whose story may have lost links
        for row in fresh:
            f = _features(row)
            self.story_of.setdefault(f.doc_id, row["story_id"])
            if f.doc_id in self.index.docs:  # re-processed: take it out, then link it again
                for group in self.index.remove(f.doc_id):
                    touched.update(group)
                    split.update(group)
                split.add(f.doc_id)
            self.index.add(f)
            touched.add(f.doc_id)
        for doc_id, (copy_of, _) in copy_changes.items():
            if self.index.link_copy(doc_id, copy_of) is not None:
                touched.add(doc_id)
        new = {row["doc_id"] for row in fresh}
        self._write(touched, new, split)

    def remove(self, doc_id: str) -> None:
        """Regroup what stays of a deleted document's story."""
        if self.index is None:
            self._load()
        groups = self.index.remove(doc_id)
        members = {d for g in groups for d in g}
        stale = self.story_of.pop(doc_id, None)
        self._write(members, set(), members, extra_stale={stale} if stale else set())

    def _write(self, touched: set[str], new: set[str], split: set[str],
               extra_stale: set[str] = frozenset()) -> None:
        roots = {self.index.find(d) for d in touched if d in self.index.docs}
        story_rows, doc_story, assignments, renames = [], {}, [], {}
        stale = set(extra_stale)
        for root in roots:
            members = self.index.members(root)
            summary = stories.summarize(members)
            old = [f for f in members if f.doc_id not in new]
            old_ids = {self.story_of.get(f.doc_id) for f in old}
            whole = (not old or len(old_ids) != 1 or None in old_ids
                     or any(f.doc_id in split for f in members))
            if whole:
                rows = self.store.story_reports([f.doc_id for f in members])
                changed = [f.doc_id for f in members]
                stale |= {i for i in old_ids if i}
            else:
                # Only reports sharing a type and an actor with the new documents' reports
                # (or with those of weakly dated members, which may take a new story date).
                (previous,) = old_ids
                probe = [f.doc_id for f in members if f.doc_id in new or f.weak]
                types, keys = set(), set()
                for r in self.store.story_reports(probe):
                    rep = _report(r)
                    types.add(rep.type)
                    keys.update(k for k in (rep.source, rep.target) if k)
                rows = self.store.story_reports([f.doc_id for f in members], types, keys) if types else []
                changed = [f.doc_id for f in members if f.doc_id in new]
                if previous != summary.story_id:
                    renames[previous] = summary.story_id
            merged = stories.merge_events([_report(r) for r in rows], stories.anchor_date(members))
            for r in rows:  # write only what changed: a long story keeps most of its groups
                a = merged[r["event_id"]]
                if (r["event_group"], r["story_id"], r["date"], r["date_precision"], r["date_method"]) != (
                        a.group, summary.story_id, a.date, a.precision, a.method):
                    assignments.append({"e": r["event_id"], "g": a.group, "s": summary.story_id, "d": a.date,
                                        "p": a.precision, "m": a.method})
            for d in changed:
                doc_story[d] = summary.story_id
            for f in members:
                self.story_of[f.doc_id] = summary.story_id
            story_rows.append({
                "story_id": summary.story_id, "title": summary.title, "title_doc_id": summary.title_doc_id,
                "start_date": None, "end_date": None,  # from its events, in the store
                "first_published": summary.first_published, "last_published": summary.last_published,
                "num_docs": len(members), "num_independent": summary.num_independent, "num_events": 0,
            })
        stale -= {s["story_id"] for s in story_rows}
        self.store.write_stories(story_rows, doc_story, assignments, sorted(stale), sorted(new), renames)


def _features(row: dict) -> stories.DocFeatures:
    return stories.DocFeatures(
        row["doc_id"], row["published"], bool(row["weak"]),
        frozenset(json.loads(row["people"] or "[]")), frozenset(json.loads(row["signatures"] or "[]")),
        stories.decode_vector(row["vector"]), row["lead"] or "", row["copy_of"],
        frozenset(json.loads(row["lead_people"] or "[]")), frozenset(json.loads(row["lead_signatures"] or "[]")))


def _report(row: dict) -> stories.Report:
    src = stories.actor_key({"actor_id": row["source_actor_id"], "country": row["source_country"],
                             "text": row["source_text"]})
    tgt = stories.actor_key({"actor_id": row["target_actor_id"], "country": row["target_country"],
                             "text": row["target_text"]}) if row["target_text"] is not None else ""
    if not src:
        # a source the sentence does not name ("three soldiers were killed"): reports of one
        # happening share the victims' words and the place, not only the victims' country
        src = f"?:{(row['target_text'] or '').lower()}@{(row['location_name'] or '').lower()}"
    return stories.Report(
        row["event_id"], row["doc_id"], row["sent_idx"],
        stories.event_type({"plover": row["plover"], "cameo": row["cameo"]}), row["modality"] or "asserted",
        src, tgt, row["coded_date"], row["coded_precision"] or "unknown", row["published"], bool(row["weak"]),
        row["cameo"] or "")


def _token_index(sent: Sentence, word: str) -> int | None:
    """Index of the event's trigger word in its sentence (None: use the root)."""
    for i, tok in enumerate(sent.tokens):
        if tok.text == word:
            return i
    return None


def _sentences(doc) -> list[Sentence]:
    caps = [(c.start, c.end) for c in doc.captions]
    out = []
    for i, (s, e) in enumerate(nlp.split_sentences(doc.text)):
        is_cap = any(cs <= s < ce or cs < e <= ce for cs, ce in caps)
        out.append(Sentence(i, s, e, doc.text[s:e], is_caption=is_cap))
    return out


def ingest(
    store: Store,
    items: Iterable[RawDoc | ReadProblem],
    kb,
    settings: Settings = Settings(),
    on_problem: Callable[[str], None] = lambda line: None,
    on_progress: Callable[[int], None] = lambda n: None,
) -> IngestReport:
    """Store every readable document; report each problem through ``on_problem`` and go on.

    Batches are processed in order and each is written in one transaction, so a killed
    run leaves whole documents and the next run skips them.
    """
    report = IngestReport()
    started = time.perf_counter()
    seen: set[str] = set()
    written: list[str] = []  # documents stored by this run, for the closing tally
    tracker = CopyTracker(store)
    story_tracker = StoryTracker(store)
    batches = _batches(items, settings.batch_docs, report, on_problem, on_progress)

    def finish(batch: list[RawDoc], result) -> None:
        records, skipped = result
        for raw, reason in skipped:
            report.skip(raw, reason)
            on_problem(f"skipped {raw.path}: {reason}")
        store.write_batch(records)
        story_tracker.update(tracker.update(), every=STORY_EVERY_BATCHES)
        report.reports += sum(len(rec.events) for rec in records)
        report.off_topic += sum(rec.off_topic for rec in records)
        written.extend(rec.clean.doc_id for rec in records)
        on_progress(len(batch))

    first = next(batches, None)
    second = next(batches, None) if first is not None else None
    if first is None:
        pass
    elif second is None or settings.processes <= 1:
        preload(kb)
        with threadpool_limits(limits=1), frozen_loaded():  # see _worker_init
            for batch in _chain(first, second, batches):
                finish(batch, process(_select(store, batch, report, seen), kb, settings.embed))
    else:
        with _WorkerPool(settings) as pool:
            pending: deque = deque()
            for batch in _chain(first, second, batches):
                pending.append((batch, pool.submit(_select(store, batch, report, seen))))
                while len(pending) > 2 * settings.processes:
                    done, job = pending.popleft()
                    finish(done, job.get())
            while pending:
                done, job = pending.popleft()
                finish(done, job.get())
    story_tracker.update()  # whatever is left
    report.add_tally(store.tally(written))
    report.seconds = time.perf_counter() - started
    return report


def _chain(first, second, rest):
    yield first
    if second is not None:
        yield second
        yield from rest


class _WorkerPool:
    """Processes that each load the model and the actor base once, then process batches."""

    def __init__(self, settings: Settings):
        ctx = multiprocessing.get_context("spawn")  # no fork: the parent holds DuckDB threads
        self.pool = ctx.Pool(settings.processes, initializer=_worker_init, initargs=(settings,))

    def submit(self, raws: list[RawDoc]):
        return self.pool.apply_async(_worker_process, (raws,))

    def __enter__(self) -> "_WorkerPool":
        return self

    def __exit__(self, exc_type, *rest) -> None:
        if exc_type is None:
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()


_WORKER: dict = {}


def _worker_init(settings: Settings) -> None:
    from .actors import load_kb

    # One process per core, each on one thread. NumPy's OpenBLAS otherwise starts a thread
    # per core in every worker, for matrices far too small to share out: on 2 cores the
    # threads of two workers spun against each other and cost a third of the ingest's CPU
    # time (docs/BENCHMARKS.md, run 20). spaCy's own matrix library (blis) is single-threaded.
    threadpool_limits(limits=1)
    _WORKER["kb"] = load_kb(extra=list(settings.actor_files))
    _WORKER["embed"] = settings.embed
    preload(_WORKER["kb"])
    gc.freeze()  # for the worker's life: see frozen_loaded


_PRELOADED: "weakref.WeakSet" = weakref.WeakSet()  # actor bases warmed up (a freed one's id may recur)


def _warm_text() -> str:
    from importlib import resources

    path = resources.files("dyadscope") / "data" / "examples" / "seeds.jsonl"
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])["text"]
    # the glued word makes the glue repair read its word tables
    return first[:3000] + "\n\nThe talks went on, accordingto state media."


def preload(kb) -> None:
    """Load everything processing reads (spaCy, the coder's model, the word, place and
    verb tables) by processing a short bundled article, once per process and actor base,
    so that no document pays for it and ``frozen_loaded`` can set it all aside."""
    if kb in _PRELOADED:
        return
    # all_events: parsed whatever a retrained "about politics?" check makes of the text
    process([RawDoc(text=_warm_text(), path="(warm-up)", published="2025-01-01")], kb, False, all_events=True)
    coder.relevance.default_model()  # which all_events does not read
    _PRELOADED.add(kb)


@contextmanager
def frozen_loaded():
    """Keep the garbage collector off what is loaded while documents are processed.

    The models and tables are ~550,000 Python objects that live as long as the process,
    and every full collection walks them all: 5% of the time on 0.3 MB of news
    (docs/BENCHMARKS.md, session 10). ``gc.freeze`` sets the objects that exist now aside
    and ``gc.unfreeze`` gives them back on the way out, so nothing is kept that would
    otherwise be freed. A process that froze objects itself is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _worker_process(raws: list[RawDoc]):
    records, skipped = process(raws, _WORKER["kb"], _WORKER["embed"])
    for rec in records:  # the store keeps no tokens: don't pickle them back
        for sent in rec.sentences:
            sent.tokens = []
    return records, skipped


def _batches(items, size: int, report: IngestReport, on_problem,
             on_progress=lambda n: None) -> Iterator[list[RawDoc]]:
    batch: list[RawDoc] = []
    for item in items:
        if isinstance(item, ReadProblem):
            if item.fatal:
                report.failed.append((item.path if item.line is None else f"{item.path}:{item.line}", item.reason))
                on_problem(f"error: {item}")
                on_progress(1)  # an input that failed is done too (read.count_inputs counts it)
            else:
                report.warnings.append(str(item))
                on_problem(f"warning: {item}")
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _select(store: Store, batch: list[RawDoc], report: IngestReport, seen: set[str]) -> list[RawDoc]:
    """Drop documents already stored; fill in metadata they lacked.

    A newly known publication date changes event dates, so that document is processed
    again (counted as updated); other new metadata is filled in place.
    """
    stored = store.existing(r.doc_id for r in batch)
    todo: list[RawDoc] = []
    for raw in batch:
        if raw.doc_id in seen:
            report.already += 1
            continue
        seen.add(raw.doc_id)
        old = stored.get(raw.doc_id)
        if old is None:
            todo.append(raw)
            report.new += 1
            report.counted_as[raw.doc_id] = "new"
            continue
        fill = {k: getattr(raw, k) for k in ("url", "source", "title") if getattr(raw, k) and not old[k]}
        if fill:
            store.fill_metadata(raw.doc_id, fill)
        if (raw.published and old["published_method"] != "metadata") or (
                raw.default_date and old["published_method"] == "unknown"):
            todo.append(raw)
            report.updated += 1
            report.counted_as[raw.doc_id] = "updated"
        else:
            report.already += 1
    return todo


def recode(store: Store, kb, settings: Settings = Settings(), on_progress=lambda n: None,
           on_total=lambda n: None) -> IngestReport:
    """Re-run cleaning and coding on every stored document, keeping document ids
    (``on_total`` hears how many there are before the first batch)."""
    report = IngestReport()
    started = time.perf_counter()
    tracker = CopyTracker(store)
    story_tracker = StoryTracker(store)
    rows = store.query(
        "SELECT doc_id, raw_text, path, url, source, title, published_given, format, "
        "CASE WHEN published_method = 'default' THEN CAST(published AS VARCHAR) END AS default_date "
        "FROM documents ORDER BY seq"
    )
    on_total(len(rows))
    written: list[str] = []
    for i in range(0, len(rows), settings.batch_docs):
        raws = [
            RawDoc(text=r["raw_text"], path=r["path"], url=r["url"], source=r["source"], title=r["title"],
                   published=r["published_given"], fmt=r["format"], doc_id=r["doc_id"],
                   default_date=r["default_date"])
            for r in rows[i:i + settings.batch_docs]
        ]
        with threadpool_limits(limits=1), frozen_loaded():  # see _worker_init
            records, skipped = process(raws, kb, settings.embed)
        store.write_batch(records)
        story_tracker.update(tracker.update(), every=STORY_EVERY_BATCHES)
        report.updated += len(records)
        report.reports += sum(len(r.events) for r in records)
        report.off_topic += sum(r.off_topic for r in records)
        written.extend(rec.clean.doc_id for rec in records)
        report.skipped.extend((raw.path, reason) for raw, reason in skipped)
        on_progress(len(raws))
    story_tracker.update()
    store.prune_actors()  # actors only the old dictionaries found
    report.add_tally(store.tally(written))
    report.seconds = time.perf_counter() - started
    return report
