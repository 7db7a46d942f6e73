"""Candidate events: who did what to whom, from the CAMEO lexicon and one parsed sentence.

Since coder 2.0 these are candidates, not output: the learned typer (``assemble.py``)
decides which PLOVER types a sentence holds, and a candidate of that type lends the event
its CAMEO code, trigger, date and actors. The candidates' types are also features of the
typer. PETRARCH-style user dictionaries (``--actors``, verb files) act through here.

A verb (or an event noun such as "visit" or "talks") found in the CAMEO lexicon gives
the action; the dependency parse gives the source (subject, passive agent, possessor)
and the target (object, prepositional object, the other member of a pair that met).
Over-generation is the main failure of event coders, so an event needs both a lexicon
action and a resolved source actor; everything else (modality, attribution, background)
is recorded on the event rather than used to drop it.

One act gives one event: a verb's patterns read only its own clause (not the clauses of
the nouns in it); what is asked for, planned for or conditioned on (the clause of a
request, a noun's infinitive, a purpose, an "if" clause) and what describes a noun (a
participle) are no events of their own; a trigger keeps one code per source/target pair.

The steps, one module each, lower ones first (a module imports only those above it):

- ``sentence.py``: ``_Sent``, the view over one parsed sentence (heads, children, the
  actors its phrases name, coordination), and the helpers and word lists several steps share;
- ``patterns.py``: the verb lexicon, matching a verb's patterns against its own clause;
- ``actors.py``: the source and target of an act (subjects, objects, prepositional and
  slot targets, antecedents of pronouns);
- ``nominal.py``: event nouns ("talks", "hunger strike") and the verbs that carry them;
- ``modality.py``: modality, intent, attribution to a speaker, background, purposes and
  conditions (threats);
- ``filters.py``: what is no event of its own (requests, participles, purposes,
  decisions), one code per trigger, pressure read as protest, demands and directives;
- ``__init__.py`` (here): ``code_sentence`` and ``code_document``, which run the steps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ... import cameo
from ...models import Event, Sentence
from .actors import _issued_utterance, _slot_roles, _subject, _target
from .filters import (
    _DIRECTIVE_ORDER, _demand, _directive, _drop_decisions, _drop_purposes, _drop_untargeted_twins,
    _is_request, _noun_complement, _one_code_per_trigger, _participial, _pressure_as_protest,
    _protesting_group, _requested, _says_what_is,
)
from .modality import (
    _FACTUAL_PREPS, _FUTURE_PREPS, _SPEECH, _agreed_to_thing, _attribution, _background, _chain,
    _conditioned, _is_media, _modality, _nominal_modality, _own_intent, _purpose_of, _refusal,
    _speaker_for, _threat_code, _time_anchor,
)
from .nominal import _NARRATING, _carried, _light_nominal, _nominal, _noun_entry
from .patterns import (
    _has_event_verb, _match_verb, _may_have_event, _pattern_context, _right_context,
)
from .sentence import _SUBJ, _Found, _Sent, _clause_head, _key, _known, _verb_of

CODER_VERSION = "dyadscope-coder 0.5"
# Confidence parts (hand-set; checked against the PLOVER/PETR dev scores, see report).
BASE_CONFIDENCE = 0.45
PATTERN_BONUS = 0.2  # a pattern word matched, not only the verb
TARGET_BONUS = 0.15
NOMINAL_PENALTY = 0.1
DEMAND_CODE = "100"
APPEAL_CODE = "020"
STATEMENT_CODE = "010"
# Verbs of acceptance whose refusal is itself an event: "will not accept", "refused to
# recognise" are REJECT (CAMEO 12), not a negated acceptance.
_ACCEPTANCE = {"accept", "agree", "allow", "permit", "approve", "recognize", "recognise",
               "comply", "obey", "endorse", "ratify", "consent"}
REJECT_CODE = "120"
_INTENT_AGREE = {"agree", "consent"}  # "agree to do", "agree that": intent (03), not 05
# Verbs of coming together: alone, with one subject and no one met, a body in session.
_CONVENE = frozenset({"meet", "convene", "gather", "assemble", "reconvene"})
# CAMEO roots where "A and B met" means A↔B: consult (04), and intents/agreements made
# together (03, 05 sign, 06 cooperate).
_SYMMETRIC_ROOTS = {3, 4, 5, 6}
# Verbs whose default code is their intransitive sense only.
_INTRANSITIVE_SENSE = frozenset({"demonstrate", "march", "rally"})


def code_sentence(
    sent: Sentence,
    resolver,
    *,
    doc_id: str = "",
    date: str | None = None,
    lexicon: cameo.VerbLexicon | None = None,
    pubdate: str | None = None,
    date_precision: str | None = None,
    date_for=None,
    mentions=None,
) -> list[Event]:
    """Code one parsed sentence into events.

    ``resolver`` is the document's actor resolver (``actors.ActorKB.document``); ``date``
    the event date when known; ``pubdate`` (ISO) lets old events be flagged background.
    ``date_for(offset)`` → ``(date, precision)``, when given, dates each event from the
    words nearest its trigger (``offset`` counted from the sentence start).
    ``mentions``: what ``resolver.find(sent.text)`` returned, when already known.
    """
    if not sent.tokens:
        return []
    lex = lexicon or cameo.load_verbs()
    if not _may_have_event(sent.tokens, lex):
        return []
    s = _Sent(sent, resolver, mentions)
    toks = s.toks
    according, speakers = _attribution(s)
    events: list[Event] = []
    seen: set[tuple] = set()
    coded_verbs: dict[int, str] = {}

    dates: dict[int, tuple] = {}
    triggers: list[int] = []  # token index of each event's trigger, parallel to events
    weights: list[int] = []  # how specific the pattern that coded each event was

    def emit(src_tok, src, tgt, code, trigger, weight, nominal, modality, attributed,
             background):
        ev_date, ev_prec = date, date_precision
        if date_for is not None:
            if trigger not in dates:
                try:
                    dates[trigger] = date_for(toks[trigger].start - sent.start)
                except Exception:  # a dating failure must not lose the event
                    dates[trigger] = (None, "unknown")
            ev_date, ev_prec = dates[trigger]
            background = background or _background(s, trigger, ev_date, pubdate)
        if not code or not _known(src) or (tgt is not None and _key(src) == _key(tgt)):
            return
        if tgt is None and not (src.country or src.actor_id) and (
            cameo.quad_class(code) in (1, 2) or cameo.root(code) == 16
        ):
            # "the government said", "the embassies closed": a relation with nobody, by
            # nobody in particular. (Protests, demands and attacks by "refugees" or
            # "police" stay: they need no counterpart.)
            return
        key = (_key(src), _key(tgt), code[:3] if len(code) >= 3 else code)
        if key in seen:
            return
        seen.add(key)
        triggers.append(trigger)
        weights.append(weight)
        ptype, mode = cameo.to_plover(code)
        q = cameo.quad_class(code)
        if ptype and modality in ("future", "hypothetical") and q in (1, 2) and ptype not in (
                "AGREE", "REQUEST"):
            # PLOVER: cooperative actions in the future tense are intentions (AGREE). An
            # appeal (02) is a verbal act either way: a request stays a request. What is
            # only possible ("could support", "may visit") or wished of the actor by
            # someone else ("urged X to support Y") is no intent of the actor's own, and
            # no PLOVER event of the actor's (the CAMEO code is kept, as for statements).
            if modality == "future" or _own_intent(s, _verb_of(s, trigger)):
                ptype, mode = "AGREE", None
            else:
                ptype, mode = None, None
        elif ptype and modality == "future" and q == 4 and cameo.root(code) != 16:
            # A stated plan of force ("said it would blockade X") threatens; a declared
            # sanction ("would prohibit all aid to X") is the sanction decision itself.
            ptype, mode = "THREATEN", None
        conf = BASE_CONFIDENCE + (PATTERN_BONUS if weight else 0.0)
        conf += TARGET_BONUS if tgt is not None else 0.0
        conf -= NOMINAL_PENALTY if nominal else 0.0
        conf -= 0.1 if src.method in ("inferred", "coreference") else 0.0
        events.append(
            Event(
                doc_id=doc_id,
                sent_idx=sent.idx,
                sentence=sent.text,
                start=sent.start,
                end=sent.end,
                source=src,
                target=tgt,
                cameo=code,
                plover=ptype,
                mode=mode,
                quad_class=q,
                goldstein=cameo.goldstein(code),
                date=ev_date,
                date_precision=ev_prec or ("day" if ev_date and len(ev_date) >= 10 else
                                           "unknown" if not ev_date else "month"),
                modality=modality,
                attributed_to=attributed,
                background=background,
                confidence=round(max(0.05, min(conf, 0.95)), 2),
                coder_version=CODER_VERSION,
                trigger=toks[trigger].text,
            )
        )

    # 1. Verbs.
    for v, t in enumerate(toks):
        if t.pos not in ("VERB",) and not (t.pos == "AUX" and t.dep == "ROOT"):
            continue
        if _participial(s, v) and not _protesting_group(s, v, lex):
            continue  # "refugees fleeing the war", "arms seized last year": description
        if t.dep in ("xcomp", "ccomp") and any(
            s.toks[a].tag in ("WRB", "WP") for a in s.kids(v, "advmod", "dobj", "mark")
        ):
            continue  # "discussed how to promote trade": the topic, not an act
        if any(s.toks[m].text.lower() in ("if", "unless", "until")
               for m in s.kids(_clause_head(s, v), "mark")):
            # "if X goes ahead with Y", "withholding aid until a new government takes
            # over": a condition, not something that happened
            continue
        if _noun_complement(s, v):
            continue  # "the right to fire", "efforts to end the war": not something done
        found = _match_verb(s, v, lex)
        refused = t.lemma.lower() in _ACCEPTANCE and _refusal(s, v)
        if refused and (found is None or cameo.quad_class(found.code or found.reverse or "")
                        in (0, 1, 2)):
            # "will not accept X", "refused to recognise Y": a rejection (CAMEO 12).
            found = _Found(v, REJECT_CODE, None, 0)
        if _directive(s, v) is not None and (
                found is None or cameo.root(found.code or "") not in (2, 10)):
            # "told X to sign", "ordered X to attack Y": an order or appeal to X, whatever
            # a pattern reads in the act asked for.
            found = _Found(v, DEMAND_CODE if t.lemma.lower() in _DIRECTIVE_ORDER
                           else APPEAL_CODE, None, 1)
        if found is None and _demand(s, v) is not None:
            found = _Found(v, DEMAND_CODE, None, 0)  # "said X must lift Y": the demand
        if found is None:
            continue
        lemma = t.lemma.lower()
        if found.weight == 0 and lemma in _INTRANSITIVE_SENSE and s.kids(v, "dobj"):
            continue  # "demonstrated its resolve" shows; "demonstrated" alone protests
        if any(_noun_entry(s, c, lex) and any(
            toks[p].text.lower() in ("between", "among") for p in s.kids(c, "prep"))
            for c in s.kids(v, "dobj")
        ):
            continue  # "held meetings between A and B": the noun names the parties
        if found.weight == 0 and lemma in lex.light and any(
            _noun_entry(s, c, lex) for c in s.kids(v, "dobj")
        ):
            continue  # "issued an ultimatum", "staged rallies": the noun is the event
        if any(_issued_utterance(s, a) and _is_request(s, a, lex, {})
               for c in s.kids(v, "dobj") for a in s.kids(c, "acl")):
            continue  # "sent a letter urging X to ...": the urging is the act
        if lemma in _NARRATING and found.pattern is not None and \
                cameo.root(found.code or found.reverse or "") not in (None, 1):
            # "X reported an attack", "described the raid": CAMEO patterns read the event
            # told of as the teller's own; the teller only tells of it.
            continue
        subj_toks = s.kids(v, *_SUBJ)
        if lemma in _SPEECH and subj_toks and _is_media(s, subj_toks[0]):
            continue  # "Xinhua said": attribution, not an event
        if lemma in _SPEECH and found.code.startswith("01") and any(
            c for c in s.kids(v, "ccomp") if _has_event_verb(s, c, lex)
        ):
            # "Kim said X will visit": the content is the event; the saying is kept only
            # as a plain statement by a known speaker.
            pass
        modality = "asserted" if refused and found.code == REJECT_CODE else _modality(s, v)
        if _requested(s, v, lex, coded_verbs):
            continue  # "demanded that X withdraw": the demand is the event, not the withdrawal
        ph = _purpose_of(s, v)
        if ph is not None and modality == "asserted":
            # What an act is for shares its fate: the purpose of an act asked for is asked
            # for too ("said X must ensure security to allow aid in"), that of an act only
            # intended or possible is intended or possible ("willing to send arms to help").
            if _requested(s, ph, lex, coded_verbs) or _demand(s, ph) is not None:
                continue
            modality = _modality(s, ph)
        # An intent verb's embedded action ("agreed to hold talks") is the intent itself.
        gov = next((c for c in _chain(s, v)[1:] if c in coded_verbs), None)
        if gov is not None and modality != "asserted" and not coded_verbs[gov].startswith("01"):
            continue
        if lemma in _INTENT_AGREE and cameo.root(found.code or "") == 5 and (
            s.kids(v, "xcomp", "ccomp") or (found.pattern is None and _agreed_to_thing(s, v))
        ):
            # "agreed to hold talks", and "agreed to an extension of X" as CAMEO 2.0's own
            # "* (TO) PROPOSAL" reads "agreed to the proposal": an intent (03)
            found.code, found.reverse = "030", None
        if found.weight == 0 and found.pattern is None and _says_what_is(s, v, found.code):
            # "X insisted the unrest reflected old tensions", "X claims to be building
            # Y": a demand verb stating what happened, an accusing verb whose content is
            # the speaker's own act, only state something.
            found.code, found.reverse = STATEMENT_CODE, None
        demand = _demand(s, v)
        if demand is not None:
            speaker_tok, embedded_subj = demand
            for _, src in s.actors(speaker_tok):
                for _, tgt in embedded_subj or [(None, None)]:
                    emit(v, src, tgt, DEMAND_CODE, v, 1, False, "asserted", according, False)
            coded_verbs[v] = DEMAND_CODE
            continue
        coded_verbs[v] = found.code or found.reverse or ""
        sources, passive = _subject(s, v)
        targets = _target(s, v, found, passive, places=False)
        attributed = according or _speaker_for(s, v, speakers)
        bg = _background(s, v, date, pubdate) or _time_anchor(s, v)
        slotted = _slot_roles(s, v, found, sources, passive)
        if slotted is not None:
            sources, targets = slotted
        if not sources:
            continue
        code, rev = found.code, found.reverse
        symmetric = (cameo.root(code or rev or "") in _SYMMETRIC_ROOTS)
        if not targets and cameo.root(code or "") in (2, 10) and not passive:
            # "demanded that X release Y", "urged that X withdraw": the one asked is the
            # subject of the content clause.
            for c in s.kids(v, "ccomp"):
                for subj in s.kids(c, "nsubj"):
                    if s.toks[subj].pos != "PRON":
                        targets = s.actors(subj)
                if targets:
                    break
        if not targets and not (len(sources) > 1 and symmetric):
            targets = _target(s, v, found, passive)  # "arrived in Beijing"
        if modality in ("future", "hypothetical") and _threat_code(code or "") and \
                _conditioned(s, v, targets):
            # "will boycott the vote unless X resigns", "would strike Y if Y does not
            # withdraw": force or sanction announced on a condition is a threat (CAMEO 13).
            code, rev = _threat_code(code or ""), None
            coded_verbs[v] = code
        if not targets and len(sources) == 1 and found.weight == 0 and cameo.root(
                code or rev or "") == 4 and (lemma in _CONVENE or s.toks[
                    _purpose_of(s, v) if _purpose_of(s, v) is not None else v
                ].lemma.lower() in _CONVENE):
            # "the cabinet met on Sunday (to discuss the budget)": a body in session, no
            # one consulted
            continue
        if not targets and found.weight == 0 and cameo.root(code or rev or "") in (18, 19, 20) \
                and s.kids(v, "dobj") and not passive:
            # "detonated a nuclear device", "fired a missile": force used on a thing
            # with no one it was used against is no assault (CAMEO has no test code).
            continue
        if not targets and len(sources) > 1 and symmetric:
            for i, (_, a) in enumerate(sources):
                for j, (_, b) in enumerate(sources):
                    if i != j:
                        emit(v, a, b, code or rev, v, found.weight, False, modality,
                             attributed, bg)
            continue
        for _, src in sources:
            tgts = targets or [(None, None)]
            for _, tgt in tgts:
                if code:
                    emit(v, src, tgt, code, v, found.weight, False, modality, attributed, bg)
                if rev and tgt is not None:
                    emit(v, tgt, src, rev, v, found.weight, False, modality, attributed, bg)

    # 2. Event nouns ("Zhao's visit to Pyongyang", "talks between A and B").
    for n, t in enumerate(toks):
        if t.pos not in ("NOUN", "PROPN"):
            continue
        entry = _noun_entry(s, n, lex)
        if entry is None:
            entry = _light_nominal(s, n, lex, coded_verbs)
        if entry is None:
            continue
        # "completed its investigation", "began the withdrawal": the act a support or
        # aspectual verb carries is being done, not mentioned again.
        carried = _carried(s, n, lex)
        if any(c in coded_verbs for c in s.ancestors(n) if s.toks[c].pos == "VERB"
               and n in _right_context(s, c) and t.dep in ("dobj",)):
            continue  # "held talks with X" was coded from the verb
        h = s.head(n)
        if t.dep == "pobj" and h is not None and s.deps[h] == "prep" and \
                s.toks[h].text.lower() not in _FACTUAL_PREPS | _FUTURE_PREPS and \
                s.head(h) in coded_verbs and not coded_verbs[s.head(h)].startswith("01"):
            continue  # "called for sanctions": what the verb asks for or acts on, coded there
        sources, targets, paired = _nominal(s, n, entry)
        if not sources:
            continue
        if not targets and not paired and not carried and not (
                entry.symmetric and len(sources) > 1) \
                and cameo.quad_class(entry.code) in (1, 2) and (
            s.kids(n, "poss")
            or any(s.toks[d].text.lower() in ("the", "this", "that") for d in s.kids(n, "det"))
        ):
            # "Zhao's visit also featured ...", "the meeting lasted an hour": a definite
            # mention of a visit or meeting told elsewhere, without its counterpart, is
            # not a new one ("their hunger strike" needs no counterpart and stays).
            continue
        modality = _nominal_modality(s, n)
        attributed = according or _speaker_for(s, n, speakers)
        bg = _background(s, n, date, pubdate)
        if paired or (entry.symmetric and not targets and len(sources) > 1):
            for i, (_, a) in enumerate(sources):
                for j, (_, b) in enumerate(sources):
                    if i != j:
                        emit(n, a, b, entry.code, n, 0, True, modality, attributed, bg)
            continue
        for _, src in sources:
            for _, tgt in targets or [(None, None)]:
                emit(n, src, tgt, entry.code, n, 0, True, modality, attributed, bg)
    events, triggers = _one_code_per_trigger(events, triggers, weights)
    events, triggers = _drop_untargeted_twins(events, triggers)
    events, triggers = _drop_decisions(s, events, triggers)
    events, triggers = _pressure_as_protest(s, events, triggers)
    return _drop_purposes(s, events, triggers)


def code_document(
    sentences: list[Sentence],
    resolver,
    pubdate,
    doc_id: str,
    *,
    mentions: dict[int, list] | None = None,
    earlier: list[str] | None = None,
) -> list[Event]:
    """Code every sentence of a document, dating each event from the date words nearest
    its trigger (``dates.resolve_event_date``), earlier sentences serving as anchors for
    back-references ("the same day").

    ``mentions`` maps a sentence's ``idx`` to the ``ActorMatch`` list that
    ``resolver.find(sentence.text)`` returned (offsets within the sentence), so a caller
    that has already run the actor pre-filter does not pay for it twice; such a caller has
    also decided which sentences to parse (the pipeline's gate), so sentences it left
    unparsed stay so here, in every process alike. A resolver with
    a ``learn(matches)`` method is taught each sentence's mentions when the sentence is
    coded, keeping its coreference memory as if it had run ``find`` itself.
    ``earlier``: the texts of the document's sentences before these, when these are a
    part of it (their dates anchor back-references)."""
    pub = getattr(pubdate, "date", pubdate)
    dater = _event_dater()
    lex = cameo.load_verbs()
    if mentions is None:  # a caller with the pre-pass (the pipeline) has decided what to parse
        _parse_group_sentences(sentences, resolver)
    texts = list(earlier or ()) + [sent.text for sent in sentences]
    first = len(texts) - len(sentences)
    events: list[Event] = []
    for k, sent in enumerate(sentences, first):
        date_for = None
        if dater is not None and pubdate is not None and hasattr(pubdate, "date"):
            date_for = _SentenceDates(dater, sent.text, pubdate, _RecentFirst(texts, k))
        events.extend(
            code_sentence(sent, resolver, doc_id=doc_id, lexicon=lex, pubdate=pub,
                          date_for=date_for,
                          mentions=None if mentions is None else mentions.get(sent.idx))
        )
    return events


class _RecentFirst(Sequence):
    """``items[lo:hi]`` most recent (last) first, without copying: a document's earlier
    sentences as each of its sentences sees them (a copy per sentence cost time quadratic
    in the document's length)."""

    __slots__ = ("items", "lo", "hi")

    def __init__(self, items: list[str], hi: int, lo: int = 0):
        self.items, self.lo, self.hi = items, lo, hi

    def __len__(self) -> int:
        return self.hi - self.lo

    def __getitem__(self, i):
        n = self.hi - self.lo
        if isinstance(i, slice):
            start, stop, step = i.indices(n)
            if step != 1:
                return [self[j] for j in range(start, stop, step)]
            return _RecentFirst(self.items, self.hi - start, self.hi - max(stop, start))
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self.items[self.hi - 1 - i]


_GROUP_IN_TEXT = re.compile(
    r"\b(the\s+)?(two|both)\s+(\w+\s+)?(leaders|sides|countries|nations|presidents|"
    r"ministers|parties|governments|officials|states|heads)\b", re.I)


def needs_parse(text: str) -> bool:
    """A sentence naming no actor may still hold an event through a group phrase that
    refers back ("the two countries signed a treaty"): such sentences need a parse too.
    (For callers that parse only sentences with actor mentions.)"""
    return bool(_GROUP_IN_TEXT.search(text))


def _parse_group_sentences(sentences: list[Sentence], resolver) -> None:
    """Parse, in place, the unparsed sentences whose actors are a group phrase only."""
    if not hasattr(resolver, "resolve_group"):
        return
    todo = [s for s in sentences if not s.tokens and s.text and needs_parse(s.text)]
    if not todo:
        return
    try:
        from ... import nlp

        for sent, (tokens, ents) in zip(todo, nlp.parse((s.text, s.start) for s in todo)):
            sent.tokens = tokens
            sent.entities = ents
    except Exception:  # no parser model: such sentences stay uncoded
        return


def _event_dater():
    try:
        from ...dates import event_dater
    except Exception:  # dates.py is optional for coding
        return None
    return event_dater


class _SentenceDates:
    """``date_for(offset)`` of one sentence: the date nearest a trigger at ``offset`` and its
    precision, the sentence's date words read at the first call only."""

    __slots__ = ("_make", "_at")

    def __init__(self, dater, text: str, pubdate, previous: Sequence[str]):
        self._make = lambda: dater(text, pubdate, previous)
        self._at = None

    def __call__(self, offset: int) -> tuple[str | None, str]:
        if self._at is None:
            self._at = self._make()
        ed = self._at(offset)
        return getattr(ed, "date", None), getattr(ed, "precision", "unknown")
