"""What is no event of its own, and the passes over a sentence's events: requests and
what they ask for, participles and noun complements, decisions (the act decided is the
event), purposes, one code per trigger, untargeted twins, pressure by non-state groups
read as protest, statements of fact under demand verbs, directives and demands."""

from __future__ import annotations

from dataclasses import replace

from ... import cameo
from ...models import ActorRef, Event
from .actors import _UTTERANCE_NOUNS, _issued_utterance, _reduced_relative
from .modality import _DECISION_HEADS, _SAYING, _purpose_head
from .sentence import _SUBJ, _Sent, _clause_head, _key, _pobj

_MUST = {"must"}
# Directive speech verbs (with an addressee and an infinitive): orders are demands
# (CAMEO 10: "all demands and orders"), the others appeals (02).
_DIRECTIVE_ORDER = frozenset({"tell", "order", "instruct", "command", "direct"})
_DIRECTIVE_ASK = frozenset({"ask", "urge", "call", "invite", "encourage", "advise", "implore",
                            "beg", "appeal", "request", "press", "exhort", "entreat", "plead",
                            "petition"})


def _decided(s: _Sent, v: int) -> int | None:
    """The decision head whose infinitive ``v`` is ("decided to [release] X", "voted to
    impose Y and [expel] Z"), when the decider is the one who acts; else None."""
    c = _clause_head(s, v)
    h = s.head(c)
    if h is None or s.deps[c] != "xcomp" or s.kids(h, "dobj"):
        return None
    if s.toks[h].lemma.lower() not in _DECISION_HEADS:
        return None
    return h


def _drop_decisions(s: _Sent, events: list[Event], triggers: list[int]):
    """"The cabinet decided to lift the ban": the lifting is the event; the bare intent
    code (CAMEO 03) the decision verb carries itself is dropped when its infinitive
    gave an event of the same source."""
    done: dict[int, set] = {}
    for e, i in zip(events, triggers):
        h = _decided(s, i)
        if h is not None:
            done.setdefault(h, set()).add(_key(e.source))
    if not done:
        return events, triggers
    keep = [k for k, (e, i) in enumerate(zip(events, triggers))
            if not (i in done and cameo.root(e.cameo) == 3 and _key(e.source) in done[i])]
    if len(keep) == len(events):
        return events, triggers
    return [events[k] for k in keep], [triggers[k] for k in keep]


def _one_code_per_trigger(events: list[Event], triggers: list[int], weights: list[int]):
    """One word, one reading: when a trigger yields events of different codes for the
    same source and target, only the most specific (the longest pattern match; the first
    found on a tie) is kept."""
    best: dict[tuple, int] = {}
    for k, (e, i) in enumerate(zip(events, triggers)):
        key = (i, _key(e.source), _key(e.target))
        if key not in best or weights[k] > weights[best[key]]:
            best[key] = k
    if len(best) == len(events):
        return events, triggers
    keep = sorted(best.values())
    return [events[k] for k in keep], [triggers[k] for k in keep]


def _drop_untargeted_twins(events: list[Event], triggers: list[int]):
    """"Zhao met Choe and discussed trade": the targetless "discussed" (040, Zhao → —)
    repeats the targeted meeting (040, Zhao → Choe). A targetless event is dropped when
    the same source has an event of the same CAMEO root with a target in the sentence."""
    have = {(_key(e.source), cameo.root(e.cameo)) for e in events if e.target is not None}
    if not have:
        return events, triggers
    keep = [k for k, e in enumerate(events)
            if e.target is not None or (_key(e.source), cameo.root(e.cameo)) not in have]
    if len(keep) == len(events):
        return events, triggers
    return [events[k] for k in keep], [triggers[k] for k in keep]


def _participial(s: _Sent, v: int) -> bool:
    """``v`` describes rather than reports: a participle modifying a noun ("refugees
    fleeing the war", "a team trying to [broker] peace"), or a bare passive participle
    beside a clause ("..., expected to be joined by Y"), whose implied subject is the one
    acted on, not an agent; or a verb completing one ("expected to be [joined]")."""
    cur = v
    if _reduced_relative(s, v):
        return True
    for _ in range(5):
        c = s.toks[cur]
        if c.dep == "acl" and c.tag in ("VBN", "VBG"):
            h = s.head(cur)
            if _issued_utterance(s, cur):
                return False  # "issued a declaration demanding that ...": the issuer's act
            return h is not None and s.toks[h].pos in ("NOUN", "PROPN", "PRON")
        if c.dep == "relcl" and c.tag == "VBN" and s.kids(cur, "auxpass"):
            # "a helicopter that was seized by X", the full form of "a helicopter
            # seized by X": what is said of the noun, not the news told
            h = s.head(cur)
            return h is not None and s.toks[h].pos in ("NOUN", "PROPN")
        if c.dep == "advcl" and c.tag == "VBN" and not s.kids(
                cur, "nsubj", "nsubjpass", "aux", "auxpass", "mark"):
            return True
        h = s.head(cur)
        if c.dep != "xcomp" or h is None:
            return False
        cur = h
    return False


def _noun_complement(s: _Sent, v: int) -> bool:
    """``v`` (or the conjunction it belongs to) is the infinitive that completes a noun:
    "the right [to fire]", "steps [to enhance X and promote Y]", "an ultimatum [to
    halt attacks]". What a right, effort or plan is for has not been done; the noun (or
    the verb governing it) carries whatever event there is."""
    c = _clause_head(s, v)
    for _ in range(4):  # "a drive to convince X to [amend] Y": up the xcomp chain
        h = s.head(c)
        if s.deps[c] != "xcomp" or h is None or s.toks[h].pos not in ("VERB", "AUX"):
            break
        c = _clause_head(s, h)
    # (the parser sometimes calls the infinitive a relative clause: "a drive to convince")
    if s.deps[c] not in ("acl", "relcl") or not any(
            s.toks[a].tag == "TO" for a in s.kids(c, "aux")):
        return False
    h = s.head(c)
    return h is not None and s.toks[h].pos in ("NOUN", "PROPN", "PRON")


def _is_request(s: _Sent, i: int, lex: cameo.VerbLexicon, coded: dict[int, str]) -> bool:
    """Token ``i`` asks for something: a verb coded, or by default coded, as an appeal or
    demand (CAMEO 02, 10), or a noun of such a verb ("their demands")."""
    t = s.toks[i]
    if t.pos in ("VERB", "AUX") and _directive(s, i) is not None:
        return True  # "told X to sign", "instructed X to withdraw": an order
    if t.lemma.lower() in _SAYING and not any(
            s.toks[c].tag == "VB" and s.kids(c, "nsubj") and not s.kids(c, "aux")
            for c in s.kids(i, "ccomp")):
        # "X reported/said [Y will ...]": reported content, coded as such. (A bare
        # subjunctive, "insisted that Y withdraw", is asked for: read on.)
        return False
    code = coded.get(i)
    if code is None:
        code = next((e.code for e in lex.entries(t.lemma, t.text)
                     if not e.particles and not e.prefix and e.code), None)
    return cameo.root(code or "") in (2, 10)


def _requested(s: _Sent, v: int, lex: cameo.VerbLexicon, coded: dict[int, str]) -> bool:
    """``v`` is what someone asks for: the clause completing a request verb ("demanded
    that X release Y", "pushing for X to support Y", "demanded a meeting to discuss Y"),
    or a clause completing a noun that is a request or is asked for ("its demands that
    X grant Y", "demanded an admission that X killed Y"). Asked-for acts are not done."""
    c = _clause_head(s, v)
    if s.deps[c] not in ("ccomp", "xcomp", "advcl", "acl"):
        return False
    h = s.head(c)
    if h is None:
        return False
    if s.toks[h].pos in ("VERB", "AUX"):
        if s.deps[c] == "advcl" and not (
            any(s.toks[a].tag == "TO" for a in s.kids(c, "aux"))
            or any(s.toks[m].text.lower() == "for" for m in s.kids(c, "mark"))
        ):
            return False  # "demanded X after Y attacked": a time or cause, not the content
        # A purpose ("telephoned X to discuss Y") is asked for only when the verb itself
        # means asking; a pattern's reading of its object does not make it a request.
        return _is_request(s, h, lex, {} if s.deps[c] == "advcl" else coded)
    if s.deps[c] != "acl" or s.toks[h].pos not in ("NOUN", "PROPN"):
        return False
    if _is_request(s, h, lex, coded):
        return True
    # The noun is what a request verb asks for ("demanded an admission that ...").
    g = s.head(h)
    if g is not None and s.deps[h] == "pobj" and s.deps[g] == "prep":
        g = s.head(g)
    return (g is not None and s.deps[h] in ("dobj", "pobj") and s.toks[g].pos == "VERB"
            and _is_request(s, g, lex, coded))


_PROTEST_ROOT = 14  # CAMEO 14: protests, demonstrations, strikes, boycotts


def _protesting_group(s: _Sent, v: int, lex: cameo.VerbLexicon) -> bool:
    """``v`` is a present participle of protest (CAMEO 14) describing a group named by a
    common noun that is an actor ("police dispersed students [protesting] the fees",
    "farmers [demonstrating] against X"): a crowd named by what it is doing is reported
    doing it, unlike "refugees fleeing the war", which only describes them."""
    t = s.toks[v]
    h = s.head(v)
    if t.dep != "acl" or t.tag != "VBG" or h is None or s.toks[h].pos != "NOUN":
        return False
    code = next((e.code for e in lex.entries(t.lemma, t.text)
                 if not e.particles and not e.prefix and e.code), None)
    return cameo.root(code or "") == _PROTEST_ROOT and bool(s.actors(h))


def _drop_purposes(s: _Sent, events: list[Event], triggers: list[int]) -> list[Event]:
    """One event per purposeful act: when the main verb (or its object noun) is an
    event, an infinitive of purpose attached to it is its motive, not a second event."""
    typed = {i for e, i in zip(events, triggers) if e.plover}
    if not typed:
        return events
    drop = set()
    protests = {i for e, i in zip(events, triggers) if cameo.root(e.cameo) == _PROTEST_ROOT}
    for i in set(triggers):
        if i in protests:
            continue  # "shunned work to protest X": the act done is the protest's form
        h = _purpose_head(s, i)
        if h is None:
            continue
        if h in typed or any(c in typed for c in s.kids(h, "dobj", "prep")) or any(
            o in typed for p in s.kids(h, "prep") for o in _pobj(s, p)
        ):
            drop.add(i)
    if not drop:
        return events
    return [e for e, i in zip(events, triggers) if i not in drop]


COERCE_CODE = "170"
PROTEST_CODE = "140"
# Sectors that act for the state: their pressure is coercion whatever it is for.
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "JUD"})


def _state_actor(ref: ActorRef) -> bool:
    return (ref.sector or "").upper() in _STATE_SECTORS or bool(
        ref.country and not ref.sector)


def _pressure_as_protest(s: _Sent, events: list[Event], triggers: list[int]):
    """Pressure by people, not the state, to protest or to demand is protest: "workers
    shunned the talks to protest X", "crowds blocked streets to demand Y". CAMEO 14 is
    collective dissent (demonstrations, strikes, boycotts, obstruction); the bare
    coercion code (170) the pressure verb carries names the same act. With a protest
    purpose (kept beside the act) the coercion is dropped; with a demand purpose (a
    motive, dropped later) it becomes dissent (140)."""
    by_trigger: dict[int, list[int]] = {}
    for k, i in enumerate(triggers):
        by_trigger.setdefault(i, []).append(k)
    drop: set[int] = set()
    recode: set[int] = set()
    for i, ks in by_trigger.items():
        h = _purpose_head(s, i)
        if h is None or h not in by_trigger:
            continue
        roots = {cameo.root(events[k].cameo) for k in ks}
        if not roots & {10, _PROTEST_ROOT}:
            continue
        who = {_key(events[k].source) for k in ks}
        for k in by_trigger[h]:
            e = events[k]
            if e.cameo != COERCE_CODE or _state_actor(e.source) or _key(e.source) not in who:
                continue
            (drop if _PROTEST_ROOT in roots else recode).add(k)
    if not drop and not recode:
        return events, triggers
    out_e, out_t = [], []
    for k, (e, i) in enumerate(zip(events, triggers)):
        if k in drop:
            continue
        if k in recode:
            ptype, mode = cameo.to_plover(PROTEST_CODE)
            e = replace(e, cameo=PROTEST_CODE, plover=ptype, mode=mode,
                        quad_class=cameo.quad_class(PROTEST_CODE),
                        goldstein=cameo.goldstein(PROTEST_CODE))
        out_e.append(e)
        out_t.append(i)
    return out_e, out_t


def _says_what_is(s: _Sent, v: int, code: str) -> bool:
    """``v``, coded by its default as a demand (10) or an accusation (11), only states
    something: a demand verb whose content clause tells what happened (a past or
    perfect verb, no modal: "insisted the unrest reflected ethnic tensions"), or an
    accusing verb whose content is its own subject's act ("claims to be building
    weapons": no one else is accused)."""
    r = cameo.root(code or "")
    if r == 10:
        for c in s.kids(v, "ccomp"):
            t = s.toks[c]
            aux = [s.toks[a] for a in s.kids(c, "aux", "auxpass")]
            if any(a.tag == "MD" or a.tag == "TO" for a in aux):
                continue
            if t.tag == "VBD" or (t.tag == "VBN" and any(
                    a.lemma.lower() == "have" for a in aux)):
                return True
        return False
    if r == 11:
        return not s.kids(v, "dobj") and any(
            any(s.toks[a].tag == "TO" for a in s.kids(c, "aux")) for c in s.kids(v, "xcomp"))
    return False


def _directive(s: _Sent, v: int) -> int | None:
    """The infinitive asked for when ``v`` is a directive speech verb with an addressee
    ("told X to sign", "ordered X to appear", "called on X to release Y", "X was
    instructed to withdraw"); None otherwise. The telling is a request or an order;
    what it asks for has not been done."""
    lem = s.toks[v].lemma.lower()
    if lem not in _DIRECTIVE_ORDER and lem not in _DIRECTIVE_ASK:
        return None
    preps = ("on", "upon") if lem == "call" else ("on", "upon", "to")
    addressed = (lem != "call" and bool(s.kids(v, "dobj", "nsubjpass"))) or any(
        s.toks[p].text.lower() in preps and _pobj(s, p) for p in s.kids(v, "prep"))
    if not addressed:
        return None
    for c in s.kids(v, "xcomp"):
        if any(s.toks[a].tag == "TO" for a in s.kids(c, "aux")):
            return c
    return None


def _demand(s: _Sent, v: int):
    """(speaker token, addressee actors) when ``v`` is what a speaker says someone
    "must" do; None otherwise. The speaker is the subject of a speech verb ("X said Y
    must ..."), also of one in a participle ("..., saying Y must ..."), or the one who
    issues an utterance noun ("X issued a reminder to Y that it must ...")."""
    if not any(s.toks[a].text.lower() in _MUST for a in s.kids(v, "aux")):
        return None
    h = s.head(v)
    if h is None:
        return None
    subj = [c for c in s.kids(v, *_SUBJ)]
    if s.toks[v].dep == "ccomp" and h in s.speaker_tok:
        if subj and s.toks[subj[0]].pos == "PRON" and s.toks[subj[0]].text.lower() in (
                "i", "we", "it", "he", "she"):
            return None  # "X said it must raise taxes": its own obligation
        return s.speaker_tok[h], (s.actors(subj[0]) if subj else [])
    if s.toks[v].dep in ("acl", "ccomp") and s.toks[h].lemma.lower() in _UTTERANCE_NOUNS \
            and s.deps[h] == "dobj":
        g = s.head(h)
        speaker = next(iter(s.kids(g, "nsubj")), None) if g is not None else None
        if speaker is None:
            return None
        tgt = s.actors(subj[0]) if subj and s.toks[subj[0]].pos != "PRON" else []
        if not tgt:  # "a reminder to Y that it must ...": the one addressed
            tgt = [x for p in s.kids(h, "prep") + s.kids(g, "prep", "dative")
                   if s.toks[p].text.lower() == "to" for o in _pobj(s, p)
                   for x in s.actors(o)]
        return speaker, tgt
    return None
