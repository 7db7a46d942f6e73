"""The event coder: candidates → learned type → roles → modality → events (precision first).

1. ``candidates.code_document`` proposes events from the lexicon and the parse.
2. ``prepare`` turns each sentence that names an actor and passes the gate (a cheap model
   over words and gazetteer mentions that ingest also uses to skip the parse) into a
   ``SentenceInput`` with the document context (countries named so far) and its vector.
3. The typer gives each PLOVER type a probability; a type at or above the model's
   threshold is an event (a lower threshold applies when a candidate proposed that type;
   both chosen on cross-validated precision, ``docs/ACCURACY.md``).
4. The role scorer picks its source and target country among those the document named.
5. The modality model says whether it is asserted, negated, hypothetical or future.
6. An event is kept only when one side is a political actor; plain statements (CAMEO 01)
   and candidates the typer does not confirm are not events. ``all_events=True`` keeps the
   unconfirmed candidates too, for research (``dyadscope code --all-events``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date as _date

import numpy as np

from .. import cameo
from ..models import ActorRef, Event, Sentence
from . import candidates, roles
from .features import SentenceInput, sentence_features
from .model import CoderModel, default_model

# 2.1 (session 26): an event's confidence is calibrated by the model's map (calibration.py),
# no longer the typer's raw probability; stores mixing the two tell them apart by this
CODER_VERSION = "dyadscope-coder 2.1"
# Sectors that make an actor political on their own (a country or an IGO always does).
POLITICAL_SECTORS = frozenset({
    "GOV", "MIL", "COP", "JUD", "LEG", "PTY", "OPP", "REB", "UAF", "IGO", "NGO", "SPY", "ELI",
    "INS", "SEP", "IMG", "PRM", "ACT", "HRI", "UNO", "EUR", "CRM",
})
BACKGROUND_DAYS = 365
CHUNK = 256  # sentences typed at a time (memory: CHUNK x vocabulary floats)


def political(ref: ActorRef | None) -> bool:
    return ref is not None and bool(ref.country or (ref.sector and ref.sector in POLITICAL_SECTORS))


def worth_parsing(text: str, matches, model: CoderModel | None = None) -> bool:
    """The gate, for the pipeline: may this sentence (with its gazetteer ``matches``,
    offsets in the sentence) hold an event? Sentences that fail are not parsed."""
    return gate_many([(text, matches)], model)[0].passed


@dataclass(frozen=True, slots=True)
class Gated:
    """The gate's verdict on one sentence, and the sentence vector it read (``None`` for
    a gate that reads none): the typer reads the same vector, so it is computed once."""

    passed: bool
    vector: np.ndarray | None = None


def gate_many(items: list[tuple[str, list]], model: CoderModel | None = None,
              vectors: np.ndarray | None = None) -> list[Gated]:
    """The gate on a document's sentences, ``(text, gazetteer matches)``, in one batch.
    ``vectors``: the sentences' vectors as ``gate_vectors`` gives them, when the caller has
    them already."""
    model = model or default_model()
    texts = [text for text, _ in items]
    ments = [[(m.start, m.end, text[m.start:m.end], m.ref) for m in matches] for text, matches in items]
    vecs = vectors if vectors is not None else gate_vectors(texts, model)
    probs = model.gate_probabilities(texts, ments, vecs)
    return [Gated(bool(p >= model.gate_threshold), None if vecs is None else vecs[i])
            for i, p in enumerate(probs)]


def gate_vectors(texts: list[str], model: CoderModel | None = None, static_only: bool = False) -> np.ndarray | None:
    """The sentences' vectors as the gate reads them; None when it reads none (or, with
    ``static_only``, when they are not the static ones that the "about politics?" check reads
    too, so that ingest computes them once for both)."""
    model = model or default_model()
    if not model.gate_reads_vectors or not texts or (static_only and model.vectors != "static"):
        return None
    return model.embedder().encode(texts)


@dataclass
class DocumentContext:
    """What the coder carries from one part of a document to the next when a long document
    is coded a window of sentences at a time (``pipeline``): the countries named so far
    (how often, where last, by which mention), the texts of the earlier sentences (date
    back-references) and how many sentences came before. A part coded with the context of
    the parts before it gives the events the whole document would."""

    counts: Counter = field(default_factory=Counter)
    last: dict = field(default_factory=dict)  # country -> position of the sentence naming it last
    refs: dict = field(default_factory=dict)  # country -> the latest ActorRef naming it
    texts: list = field(default_factory=list)  # earlier sentences' texts, in document order


def prepare(sentences: list[Sentence], resolver, pubdate, doc_id: str, *,
            mentions: dict[int, list] | None = None, model: CoderModel | None = None,
            gated: dict[int, Gated] | None = None,
            context: DocumentContext | None = None) -> tuple[list[SentenceInput], list[Event]]:
    """The candidate events of a document and the sentences the learned steps look at
    (those naming an actor and passing ``model``'s gate; every one without a model), with
    the document context each one has. ``gated``: the gate's verdicts the caller has
    already (by sentence index, for the same ``mentions``), not computed again.
    ``context``: ``sentences`` are a part of a longer document; the context of the parts
    before them is read, and updated to include them."""
    context = context if context is not None else DocumentContext()
    offset = len(context.texts)
    cands = candidates.code_document(sentences, resolver, pubdate, doc_id, mentions=mentions,
                                     earlier=context.texts)
    by_sent: dict[int, list[Event]] = {}
    for e in cands:
        by_sent.setdefault(e.sent_idx, []).append(e)
    all_ments, found_at = [], []
    for sent in sentences:
        found = mentions.get(sent.idx) if mentions is not None else None
        if found is None:
            found = list(resolver.find(sent.text)) if hasattr(resolver, "find") else []
        found_at.append(found)
        all_ments.append([(m.start, m.end, sent.text[m.start:m.end], m.ref) for m in found])
    # the gate, on the sentences that name an actor or hold a candidate, in one batch; its
    # sentence vectors (a static-vector model's gate reads them) are the typer's too
    looked = [k for k, sent in enumerate(sentences) if all_ments[k] or by_sent.get(sent.idx)]
    vectors: dict[int, np.ndarray] = {}
    passed = set(looked)
    if model is not None and looked:
        known = dict(gated or {})
        todo = [k for k in looked if sentences[k].idx not in known]
        if todo:
            fresh = gate_many([(sentences[k].text, found_at[k]) for k in todo], model)
            known.update((sentences[k].idx, g) for k, g in zip(todo, fresh))
        verdicts = [(k, known[sentences[k].idx]) for k in looked]
        passed = {k for k, g in verdicts if g.passed}
        vectors = {k: g.vector for k, g in verdicts if g.vector is not None}
    counts, last, refs = context.counts, context.last, context.refs
    inputs: list[SentenceInput] = []
    for k, sent in enumerate(sentences):
        at = offset + k  # the sentence's position in the whole document
        for _, _, _, ref in all_ments[k]:
            if ref.country:
                counts[ref.country] += 1
                last[ref.country] = at
                refs[ref.country] = ref
        if k in passed:
            inputs.append(SentenceInput(
                idx=sent.idx, text=sent.text, tokens=sent.tokens, mentions=all_ments[k],
                candidates=by_sent.get(sent.idx, []), story_countries=Counter(counts),
                last_seen={c: at - j for c, j in last.items()}, context_refs=dict(refs),
                vector=vectors.get(k), start=sent.start))
    context.texts.extend(sent.text for sent in sentences)
    return inputs, cands


def embed_inputs(inputs: list[SentenceInput], embedder) -> None:
    """Give the sentences that have none their vector from ``embedder`` (in place)."""
    todo = [s for s in inputs if s.vector is None]
    if not todo:
        return
    for s, v in zip(todo, embedder.encode([s.text for s in todo])):
        s.vector = v


def features_matrix(model: CoderModel, inputs: list[SentenceInput], with_vectors: bool = True) -> np.ndarray:
    if not with_vectors:
        return model.vocab.transform([sentence_features(s) for s in inputs])
    vecs = np.vstack([s.vector for s in inputs]) if inputs else np.zeros((0, model.embedding_dim))
    return model.vocab.transform([sentence_features(s) for s in inputs], vecs)


def code_document(sentences: list[Sentence], resolver, pubdate, doc_id: str, *,
                  mentions: dict[int, list] | None = None, model: CoderModel | None = None,
                  all_events: bool = False, embedder=None,
                  gated: dict[int, Gated] | None = None,
                  context: DocumentContext | None = None) -> list[Event]:
    """The events of one document, as ingest stores them (``all_events``: with every
    unconfirmed candidate of the parse-based coder as well; ``gated``, ``context``: see
    ``prepare``)."""
    model = model or default_model()
    inputs, cands = prepare(sentences, resolver, pubdate, doc_id, mentions=mentions, model=model,
                            gated=gated, context=context)
    return code_inputs(model, inputs, cands, sentences, doc_id, pubdate, all_events=all_events,
                       embedder=embedder)


def code_inputs(model: CoderModel, inputs: list[SentenceInput], cands: list[Event],
                sentences: list[Sentence], doc_id: str, pubdate, *, all_events: bool = False,
                embedder=None) -> list[Event]:
    """Steps 3-6 on prepared sentences (training scores held-out folds through this too).
    With a MiniLM model, only sentences that the sparse typer (no vector) gives some chance
    are embedded. Sentences go through in chunks of ``CHUNK``: each holds its own document
    context, so the result is the same, and a long document's feature rows (vocabulary-wide,
    dense) never all sit in memory at once."""
    events: list[Event] = []
    by_idx = {s.idx: s for s in sentences}
    pub = getattr(pubdate, "date", pubdate)
    for start in range(0, len(inputs), CHUNK):
        chunk = inputs[start:start + CHUNK]
        if model.sparse_w is not None:
            sparse = features_matrix(model, chunk, with_vectors=False)
            chunk = [s for s, keep in zip(chunk, model.worth_embedding(sparse)) if keep]
        if not chunk:
            continue
        embed_inputs(chunk, embedder or model.embedder())
        x = features_matrix(model, chunk)
        probs = model.type_probabilities(x, chunk)
        typed = []
        for r, s in enumerate(chunk):
            proposed = {e.plover for e in s.candidates}
            # the thresholds read the typer's probability; the event carries its calibrated confidence
            typed += [(r, t, model.confidence(float(probs[r, j]), t in proposed)) for j, t in enumerate(model.types)
                      if probs[r, j] >= (model.candidate_threshold if t in proposed else model.threshold)]
        mods = model.modality_probabilities(x[[r for r, _, _ in typed]], [t for _, t, _ in typed]) if typed else []
        for (r, ptype, p), mp in zip(typed, mods):
            s = chunk[r]
            ev = _event(model, s, by_idx[s.idx], ptype, p, _modality(model, mp), doc_id, pubdate, pub)
            if ev is not None and (political(ev.source) or political(ev.target)):
                events.append(ev)
    if all_events:
        kept = {(e.sent_idx, e.plover) for e in events}
        events += [replace(_as_typed(e), confidence=min(e.confidence, 0.1)) for e in cands
                   if (e.sent_idx, e.plover) not in kept]
    return events


def _modality(model: CoderModel, probs: np.ndarray) -> str:
    """Asserted unless the model finds another modality more likely than asserted.

    The model learned from 73 non-asserted gold events, 16 of them negated: too few to learn
    "did not condemn" or "refused to recognise". Where the event has a candidate of its type,
    the parse's negation of that candidate (``candidates.modality``: a ``neg`` dependent, a
    refusing or preventing head) makes it negated (``_event``). Cross-validated, this changes
    2 of 454 outputs and no score (neither was a gold match); taking the parse's future and
    hypothetical too lowered strict F1 0.295 → 0.288, since the gold codes a pledge or plan
    as the asserted act of pledging (docs/ACCURACY.md, "Modality")."""
    best = int(np.argmax(probs))
    return model.modalities[best]


def _choose(model: CoderModel, s: SentenceInput, info: dict, ptype: str, role: str,
            source: str | None = None) -> str | None:
    """The best-scored country for ``role``; the target is scored knowing the chosen source.
    (Choosing the pair jointly, by the product of the two scores over the three best sources,
    gave cross-validated strict F1 0.319 against 0.309 (session 7, measured with an earlier
    version of the governor features), all of it in targets, but lost
    source countries on both sets: VOA 296 → 294 right, PLOVER dev 0.932 → 0.880. The source
    is what a dyad's direction rests on, so it is chosen first; docs/ACCURACY.md.)"""
    src = frozenset([source]) if source else frozenset()
    ranks = roles.story_ranks(s)
    countries = roles.distinct_candidates(s, info, ranks, src)
    if not countries:
        return None
    scores = model.role_scores(role, [roles.role_features(s, info, c, ptype, src, ranks) for c in countries])
    return countries[int(np.argmax(scores))]


def _event(model: CoderModel, s: SentenceInput, sent: Sentence, ptype: str, p: float, modality: str,
           doc_id: str, pubdate, pub: str | None) -> Event | None:
    info = roles.mention_info(s)
    same = [e for e in s.candidates if e.plover == ptype]
    cand = max(same, key=lambda e: e.target is not None) if same else None
    src_c = _choose(model, s, info, ptype, "source")
    tgt_c = _choose(model, s, info, ptype, "target", source=src_c)
    # A candidate of the same type whose parse names two different countries keeps its
    # roles: cross-validated strict F1 0.294 with this, 0.288 without (docs/ACCURACY.md).
    if cand is not None and cand.target is not None and cand.source.country and cand.target.country \
            and cand.source.country != cand.target.country:
        src_c, tgt_c = cand.source.country, cand.target.country
    patient = None
    if src_c is not None:
        source, patient = roles.pick_source(model, s, info, src_c, ptype, cand=cand)
    elif cand is not None:
        source = cand.source
    elif s.candidates:
        source = s.candidates[0].source
    else:
        return None
    target = None
    if patient is not None:
        # the words for the source are whom the act was done to ("three soldiers were killed"):
        # they are the target, the source is unnamed, and the event stays out of dyad views
        # (docs/ACCURACY.md, "Agentless passives")
        target = patient
    elif tgt_c is not None:
        target = roles.pick_actor(model, s, info, tgt_c, ptype, "target", other=source, cand=cand)
    elif cand is not None:
        target = cand.target
    if cand is not None and cand.modality == "negated":
        modality = "negated"  # the parse's negation of the act's own word; see _modality
    code, mode = _typed_code(cand.cameo, cand.mode, ptype) if cand is not None else default_code(ptype)
    date, precision = (cand.date, cand.date_precision) if cand is not None else _date_of(sent.text, pubdate)
    return Event(
        doc_id=doc_id, sent_idx=s.idx, sentence=s.text, start=sent.start, end=sent.end,
        source=roles.with_country_name(source), target=roles.with_country_name(target), cameo=code, plover=ptype, mode=mode,
        quad_class=cameo.quad_class(code), goldstein=cameo.goldstein(code), date=date,
        date_precision=precision, modality=modality,
        attributed_to=cand.attributed_to if cand is not None else None,
        background=cand.background if cand is not None else _background(date, pub),
        location=cand.location if cand is not None else None, confidence=round(p, 3),
        coder_version=model.coder_version, trigger=cand.trigger if cand is not None else "",
    )


def _typed_code(code: str, mode: str | None, ptype: str | None) -> tuple[str, str | None]:
    """The CAMEO code (and PLOVER mode) an event of type ``ptype`` stores: the candidate's,
    or for a promise or threat of its act the CAMEO intent or threat code, so that quad
    class and Goldstein value follow the type (``cameo.code_for_type``)."""
    fixed = cameo.code_for_type(code, ptype)
    if fixed == code:
        return code, mode
    fixed = fixed or default_code(ptype)[0]
    return fixed, cameo.to_plover(fixed)[1]


def _as_typed(e: Event) -> Event:
    source, target = roles.with_country_name(e.source), roles.with_country_name(e.target)
    if source is not e.source or target is not e.target:
        e = replace(e, source=source, target=target)
    code, mode = _typed_code(e.cameo, e.mode, e.plover)
    if code == e.cameo:
        return e
    return replace(e, cameo=code, mode=mode, quad_class=cameo.quad_class(code), goldstein=cameo.goldstein(code))


_DEFAULT_CODES: dict[str, tuple[str, str | None]] = {}


def default_code(ptype: str) -> tuple[str, str | None]:
    """A general CAMEO code for an event typed with no candidate of that type: the "X0" code
    of the CAMEO root that most of the CAMEO→PLOVER table's codes for ``ptype`` fall under
    (ACCUSE → 110, not 090), or the most general code of the type inside that root."""
    if not _DEFAULT_CODES:
        table = {c: e for c, e in cameo._plover().items() if not c.startswith("_") and isinstance(e, list)}
        by_type: dict[str, Counter] = {}
        for code, entry in table.items():
            if entry[0]:
                by_type.setdefault(entry[0], Counter())[code[:2]] += 1
        for t, roots in by_type.items():
            root = max(sorted(roots), key=lambda r: roots[r])
            codes = sorted((c for c, e in table.items() if e[0] == t and c.startswith(root)),
                           key=lambda c: (len(c), c))
            code = codes[0] if len(codes[0]) > 2 else root + "0"
            _DEFAULT_CODES[t] = (code, table.get(code, [t, None])[1])
    return _DEFAULT_CODES.get(ptype, ("", None))


def _date_of(text: str, pubdate) -> tuple[str | None, str]:
    if pubdate is None or not hasattr(pubdate, "date"):
        return None, "unknown"
    try:
        from ..dates import resolve_event_date
    except ImportError:
        return getattr(pubdate, "date", None), "document"
    ed = resolve_event_date(text, pubdate)
    return getattr(ed, "date", None), getattr(ed, "precision", "unknown")


def _background(date: str | None, pub: str | None) -> bool:
    if not date or not pub or len(date) < 10 or len(pub) < 10:
        return False
    try:
        return (_date.fromisoformat(pub[:10]) - _date.fromisoformat(date[:10])).days >= BACKGROUND_DAYS
    except ValueError:
        return False
