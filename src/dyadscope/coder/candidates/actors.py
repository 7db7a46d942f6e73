"""Roles: who acts and who is acted on. The source of a verb (subject, passive agent,
the antecedent of a pronoun, the subject a gerund or predicate adjective lends) and its
target (object, prepositional object, a pattern's slot, the first actor named after it)."""

from __future__ import annotations

from ... import cameo
from ...models import ActorRef
from .patterns import _right_context
from .sentence import _HYPO_HEADS, _INTENT_HEADS, _NEG_HEADS, _SUBJ, _Found, _Sent, _pobj

# Prepositions whose object can be the target, best first.
_TARGET_PREPS = ("with", "against", "to", "toward", "towards", "into", "on", "upon", "at",
                 "for", "over", "from", "between", "about", "of")
_PLACE_PREPS = ("in", "to", "for")  # targets of travel verbs/nouns ("arrived in Beijing")
_TRAVEL_CODES = ("032", "042", "043", "040", "044")
# "by visiting", "after meeting": the gerund's subject is the main clause's subject
# (not so after "of", "for", "to": "accused X of violating", "deported X for entering").
_MANNER_PREPS = frozenset({"by", "after", "before", "while", "upon", "on", "through",
                           "without", "when"})
# Nouns naming an utterance, whose "that ... must" clause or request participle is what
# the one who issues them says ("issued a statement demanding ...").
_UTTERANCE_NOUNS = frozenset({
    "statement", "declaration", "communique", "letter", "message", "note", "resolution",
    "reminder", "warning", "appeal", "petition", "memorandum", "decree", "ultimatum",
    "announcement", "proclamation", "manifesto", "motion"})


def _subject(s: _Sent, v: int, depth: int = 0) -> tuple[list[tuple[int, ActorRef]], bool]:
    """Source actors of verb ``v`` (following xcomp/conj/relcl up), and passive flag."""
    toks = s.toks
    passive = bool(s.kids(v, "nsubjpass", "auxpass"))
    if passive:
        for a in s.kids(v, "agent"):
            for p in s.kids(a, "pobj"):
                if s.actor(p) is None and not s.group(p):
                    # "hit by gunfire and a driver went missing": an agent that is no
                    # actor (a weapon, a force of nature) lends none to the phrase the
                    # parser joined to it.
                    return [], True
                return s.actors(p), True
        return [], True
    for c in s.kids(v, *_SUBJ):
        if _reduced_relative(s, c):
            # "The Red Cross working in Syria said ...": the parser reads a participle
            # modifying the subject as a clause subject with a subject of its own.
            c = s.kids(c, "nsubj")[0]
        got = s.actors(c)
        if not got and _is_anaphor(s, c):
            got = _antecedent(s, v)
        return got, False
    if depth > 4:
        return [], False
    dep = toks[v].dep
    h = s.head(v)
    if h is None:
        return [], False
    if dep == "xcomp" and toks[h].pos == "VERB":
        # Object control: "urged X to sign", "forced Y to withdraw": the one who is to
        # act is the object, not the one who urges.
        for o in s.kids(h, "dobj"):
            return s.actors(o), False
    if dep in ("xcomp", "conj", "advcl") and toks[h].pos in ("VERB", "AUX", "ADJ"):
        return _subject(s, h, depth + 1)
    if dep == "pcomp" and toks[h].dep == "prep" and _predicate_adjective(s, s.head(h)):
        # "X and Y are guilty of violating the truce", "X is committed to supporting Y":
        # the gerund's subject is the subject of the adjective's copula.
        return _subject(s, s.head(s.head(h)), depth + 1)
    if dep == "pcomp" and toks[h].dep == "prep" and toks[h].text.lower() in _MANNER_PREPS:
        # "X returned the favor by visiting Y", "after meeting Y, X said": the gerund's
        # subject is the subject of the verb the phrase modifies.
        hh = s.head(h)
        if hh is not None and toks[hh].pos in ("VERB", "AUX"):
            return _subject(s, hh, depth + 1)
        return [], False
    if dep == "acl" and _issued_utterance(s, v):
        # "X issued a statement demanding ...": X, who issued it, demands.
        return _subject(s, s.head(h), depth + 1)
    if dep in ("acl", "relcl") and toks[h].pos in ("NOUN", "PROPN"):
        return s.actors(h), False
    if dep == "xcomp" or (dep == "acomp"):
        return _subject(s, h, depth + 1)
    return [], False


def _reduced_relative(s: _Sent, c: int) -> bool:
    """``c``, in subject position, is a participle phrase modifying a noun subject that the
    parser took for the participle's own subject ("officials [speaking] on condition of
    anonymity said", "aid groups [working] in X warned"): a present participle with a
    non-pronoun subject and neither auxiliary nor marker."""
    t = s.toks[c]
    if s.deps[c] not in _SUBJ or t.tag != "VBG" or s.kids(c, "aux", "auxpass", "mark"):
        return False
    subj = s.kids(c, "nsubj")
    return len(subj) == 1 and s.toks[subj[0]].pos in ("NOUN", "PROPN") and subj[0] < c


# Predicate adjectives whose gerund complement is the subject's act, done ("guilty of
# attacking") or with a modality the modality heads give ("ready to", "committed to",
# "capable of", "unable to"). Others ("opposed to sending", "interested in buying") say
# nothing of whether the act is done, and lend no subject.
_FACT_ADJ = frozenset({"guilty", "responsible", "culpable"})


def _predicate_adjective(s: _Sent, a: int | None) -> bool:
    """``a`` is an adjective (or adjectival participle) complementing a copula ("are
    [guilty] of", "is [committed] to") from the lists above."""
    if a is None or s.deps[a] != "acomp":
        return False
    lem = s.toks[a].lemma.lower()
    low = s.toks[a].text.lower()
    if not ({lem, low} & (_FACT_ADJ | _HYPO_HEADS | _INTENT_HEADS | _NEG_HEADS)):
        return False
    h = s.head(a)
    return h is not None and s.toks[h].lemma.lower() in ("be", "remain", "become", "stay")


_ANAPHORS = {"he", "she", "it", "they"}


def _is_anaphor(s: _Sent, i: int) -> bool:
    return s.toks[i].pos == "PRON" and s.toks[i].text.lower() in _ANAPHORS


def _antecedent(s: _Sent, v: int) -> list[tuple[int, ActorRef]]:
    """Who a pronoun subject of an embedded clause stands for: the subject of the clause
    that governs it ("Syria says it will withdraw", "X announced that he will visit")."""
    cur = v
    for _ in range(4):
        t = s.toks[cur]
        h = s.head(cur)
        if h is None or t.dep not in ("ccomp", "xcomp", "advcl", "conj", "acomp", "pcomp",
                                      "pobj", "prep", "parataxis"):
            return []
        if s.toks[h].pos in ("VERB", "AUX") and t.dep in ("ccomp", "xcomp", "advcl", "conj",
                                                          "parataxis"):
            if s.kids(h, "nsubjpass"):
                return []
            for c in s.kids(h, *_SUBJ):
                if s.toks[c].pos == "PRON":
                    return []
                return s.actors(c)
        cur = h
    return []


def _target(
    s: _Sent, v: int, found: _Found, passive: bool, places: bool = True
) -> list[tuple[int, ActorRef]]:
    toks = s.toks
    pat = found.pattern
    if passive:
        for c in s.kids(v, "nsubjpass"):
            got = s.actors(c) or (_antecedent(s, v) if _is_anaphor(s, c) else [])
            if got:
                return got
    # A pattern that names the target's preposition ("(WITH +)") is the best guide.
    if pat and pat.target_after:
        for j in _right_context(s, v):
            if toks[j].dep == "prep" and toks[j].text.upper() == pat.target_after:
                for o in _pobj(s, j):
                    got = s.actors(o)
                    if got:
                        return got
    # What a statement is about belongs to its subject's side ("conveyed China's
    # willingness", "stressed his pride in X's progress"): its possessor is no target.
    about = cameo.root(found.code or found.reverse or "") != 1
    for c in s.kids(v, "dobj", "dative", "iobj", "attr"):
        got = s.actors(c) or (_np_target(s, c) if about else [])
        if got:
            return got
    preps = s.kids(v, "prep", "prt", "agent")
    # xcomp children: "agreed to cooperate with X" is still with X.
    for x in s.kids(v, "xcomp"):
        preps += s.kids(x, "prep")
        for c in s.kids(x, "dobj"):
            got = s.actors(c)
            if got:
                return got
            preps += s.kids(c, "prep")
    order = {p: k for k, p in enumerate(_TARGET_PREPS)}
    travel = places and (found.code or found.reverse or "").startswith(_TRAVEL_CODES)
    cands = sorted(
        (p for p in preps if toks[p].text.lower() in order
         or (travel and toks[p].text.lower() in _PLACE_PREPS)),
        key=lambda p: order.get(toks[p].text.lower(), len(order)),
    )
    for prep in cands:
        if toks[prep].dep == "agent":
            continue
        for o in _pobj(s, prep):
            got = s.actors(o)
            if got:
                return got
            got = _np_target(s, o)
            if got:
                return got
    return _first_mention(s, v) if places else []


def _slot_roles(s: _Sent, v: int, found: _Found, sources, passive: bool):
    """(sources, targets) where the matched pattern places the source after the verb
    (PETRARCH's ``$`` slot: "- + * FROM $", "- + WAS * DEAD IN $"): the actor in that
    slot is the source, and a ``+`` before the verb makes the clause's subject (the one
    acted on, for a passive) the target. None when the pattern assigns no such roles or
    its source slot holds no actor."""
    pat = found.pattern
    if pat is None or pat.source_after is None:
        return None
    slot = _slot_actors(s, v, pat.source_after)
    if not slot:
        return None
    if pat.target_before:
        subj = sources
        if passive:
            # The one acted on: the passive subject, of this verb or of the passive it
            # completes ("X was seen to break in ..."); a possessor stands for a head the
            # actor base does not know ("X's palace guard was freed").
            subj, cur = [], v
            for _ in range(4):
                for c in s.kids(cur, "nsubjpass"):
                    subj = s.actors(c) or _np_target(s, c)
                if subj or s.deps[cur] != "xcomp" or s.head(cur) is None:
                    break
                cur = s.head(cur)
        return slot, subj
    if pat.target_after:
        return slot, _target(s, v, found, passive)
    return slot, ([] if passive else sources)


def _slot_actors(s: _Sent, v: int, word: str) -> list[tuple[int, ActorRef]]:
    """The actor in a pattern slot after the verb: the object of the preposition
    ``word`` ("FROM $"), else the first actor after ``word`` ("MONEY $"), or after the
    verb when the slot follows it directly."""
    right = _right_context(s, v)
    toks = s.toks
    start = v
    if word:
        at = next((j for j in right if toks[j].text.upper() == word), None)
        if at is None:
            return []
        if s.deps[at] == "prep":
            for o in _pobj(s, at):
                got = s.actors(o)
                if got:
                    return got
        start = at
    for j in right:
        if j <= start or toks[j].pos != "PROPN":
            continue
        h = j
        while True:
            ref = s.actor(h)
            if ref is not None:
                return [(h, ref)]
            if s.deps[h] != "compound" or s.head(h) is None:
                break
            h = s.head(h)
    return []


def _np_target(s: _Sent, n: int, depth: int = 0) -> list[tuple[int, ActorRef]]:
    """An actor inside an object phrase: "Turkey's efforts", "resumption of ties with
    Osgiliath", "the population of Gondor"."""
    if depth > 3:
        return []
    toks = s.toks
    for p in s.kids(n, "poss"):
        got = s.actors(p)
        if got:
            return got
    order = {p: k for k, p in enumerate(_TARGET_PREPS)}
    for prep in sorted(s.kids(n, "prep"), key=lambda p: order.get(toks[p].text.lower(), 99)):
        if toks[prep].text.lower() not in order:
            continue
        for o in _pobj(s, prep):
            got = s.actors(o) or _np_target(s, o, depth + 1)
            if got:
                return got
    return []


def _first_mention(s: _Sent, v: int) -> list[tuple[int, ActorRef]]:
    """Last resort, as PETRARCH does: the first known actor after the verb in its clause."""
    right = _right_context(s, v)
    if not right:
        return []
    for j in right:
        t = s.toks[j]
        if t.pos == "PROPN" and t.dep in ("pobj", "dobj", "compound", "poss", "appos", "conj"):
            h = j
            while s.toks[h].dep == "compound" and s.head(h) is not None:
                h = s.head(h)
            ref = s.actor(h)
            if ref is not None:
                return [(h, ref)]
    return []


def _issued_utterance(s: _Sent, v: int) -> bool:
    """``v`` is a present participle of saying or asking that describes an utterance
    noun which is the object of a verb ("issued a statement [calling for] X", "sent a
    letter [urging] Y to ...", "released a communique [saying] ..."): what the statement
    says, its issuer says."""
    t = s.toks[v]
    h = s.head(v)
    if t.dep != "acl" or t.tag != "VBG" or h is None or s.deps[h] != "dobj":
        return False
    if s.toks[h].lemma.lower() not in _UTTERANCE_NOUNS:
        return False
    g = s.head(h)
    return g is not None and s.toks[g].pos in ("VERB", "AUX") and bool(s.kids(g, "nsubj"))
