"""Nominal events: event nouns ("visit", "talks", "hunger strike") with the actor who
holds them, the frames around them ("a mediation mission"), and the light, phase and pace
verbs that carry the event their object noun names ("held talks", "completed the
withdrawal")."""

from __future__ import annotations

from ... import cameo
from ...models import ActorRef
from .actors import _subject
from .patterns import _ADJUNCT_PREPS, _match_verb
from .sentence import _Sent, _pobj

# Verbs that tell of what others did ("reported an attack", "described the raid"): their
# object is the news, not the teller's act.
_NARRATING = frozenset({"report", "describe", "mention", "cite", "note", "recount", "detail",
                        "narrate", "depict", "document", "recall", "witness", "record"})
# Nouns that frame an act named by their modifier ("a mediation mission", "protest
# campaign", "sanctions efforts").
_EVENT_FRAMES = frozenset({"mission", "effort", "bid", "attempt", "initiative", "campaign",
                           "operation", "drive"})


def _clause_subject(s: _Sent, n: int) -> list[tuple[int, ActorRef]]:
    """Subject of the clause a noun sits in ("Zhao ... on a visit to X" → Zhao)."""
    for a in s.ancestors(n):
        t = s.toks[a]
        if t.pos in ("VERB", "AUX") or t.dep == "ROOT":
            got, passive = _subject(s, a)
            if got and not passive:
                return got
            if t.dep == "relcl":
                h = s.head(a)
                if h is not None:
                    return s.actors(h)
            if got:
                return got
            return []
    return []


def _nominal(s: _Sent, n: int, entry: cameo.NounEntry):
    """(sources, targets) of an event noun; sources empty when none can be found."""
    toks = s.toks
    sources: list[tuple[int, ActorRef]] = []
    targets: list[tuple[int, ActorRef]] = []
    pair: list[tuple[int, ActorRef]] = []
    poss_pron = False
    # "rallies by the X group": the agent is named; if it is unknown, the event has no
    # known source (it is not the subject of the clause around the noun).
    agent_named = any(toks[p].text.lower() == "by" and _pobj(s, p) for p in s.kids(n, "prep"))
    # "the rally staged by students": the agent of a passive participle describing the
    # noun is the noun's agent, as "by" after the noun is.
    for a in s.kids(n, "acl"):
        if toks[a].tag != "VBN":
            continue
        for p in s.kids(a, "agent", "prep"):
            if toks[p].text.lower() == "by" and _pobj(s, p):
                agent_named = True
                sources = sources or [x for o in _pobj(s, p) for x in s.actors(o)]
    for p in s.kids(n, "poss"):
        if toks[p].pos == "PRON":
            poss_pron = True
        else:
            sources = s.actors(p)
    for prep in s.kids(n, "prep"):
        w = toks[prep].text.lower()
        for o in _pobj(s, prep):
            if w == "between" or (w == "among"):
                pair = s.actors(o)
            elif w in ("to", "with", "in") and not targets:
                if w == "in" and (entry.symmetric or not entry.code.startswith("04")):
                    continue  # "their meeting in Pyongyang": a place, not a party
                targets = s.actors(o)
            elif w in ("on", "against") and (entry.code.startswith("16")
                                             or cameo.quad_class(entry.code) >= 3):
                targets = s.actors(o)
            elif w == "from" and not targets and cameo.root(entry.code) == 8:
                targets = s.actors(o)  # "the withdrawal of troops from X"
            elif w == "of" and not targets and cameo.root(entry.code) == 8:
                # "the withdrawal of troops from X", the parser hanging "from" on troops
                targets = [x for p in s.kids(o, "prep") if toks[p].text.lower() == "from"
                           for q in _pobj(s, p) for x in s.actors(q)]
            elif w == "of" and not targets and cameo.root(entry.code) in (15, 16, 17, 18,
                                                                          19, 20):
                targets = s.actors(o)  # "the invasion of X", "a blockade of Y"
            elif not sources and (w == "by" or (w == "of" and entry.code.startswith("04"))):
                sources = s.actors(o)
    h = s.head(n)
    if not targets and not pair and toks[n].dep == "dobj" and h is not None:
        # "issued an ultimatum to X", "staged rallies against Y": the verb's phrase.
        for prep in s.kids(h, "prep"):
            if toks[prep].text.lower() in ("to", "against", "with", "on"):
                for o in _pobj(s, prep):
                    targets = targets or s.actors(o)
    # Compounds "Kim-Zhao talks", "a China visit" are too ambiguous: skipped.
    if pair and entry.symmetric:
        return pair, [], True
    if pair and not targets:
        # "mediation between A and B": a third party's act toward both, not A's with B
        targets = pair
    bare_pp = toks[n].dep == "pobj" and not targets and not poss_pron
    if bare_pp and not pair and entry.symmetric and h is not None and \
            toks[h].text.lower() == "for" and s.deps[h] == "prep":
        # "A and B negotiators returned to Geneva for talks": the talks the parties came
        # for are between them (one party alone "for talks" names no counterpart).
        g = s.head(h)
        if g is not None and toks[g].pos in ("VERB", "AUX"):
            got = _clause_subject(s, n)
            if len(got) > 1:
                return got, [], True
    told_of = toks[n].dep == "dobj" and h is not None and toks[h].lemma.lower() in _NARRATING
    # "halted aid after attacks on X", "fled because of fighting": force named as the
    # cause or time of another act is not the act's subject's.
    cause = toks[n].dep == "pobj" and cameo.quad_class(entry.code) >= 3 and any(
        toks[a].text.lower() in _ADJUNCT_PREPS for a in s.ancestors(n)
        if toks[a].dep in ("prep", "pcomp"))
    if not sources and not bare_pp and not agent_named and not told_of and not cause and (
        poss_pron or toks[n].dep in ("pobj", "dobj", "nsubj", "attr")
    ):
        # "during the visit", "at the round of talks": a setting, not a new event.
        sources = _clause_subject(s, n)
    return sources, targets, False


def _noun_entry(s: _Sent, n: int, lex: cameo.VerbLexicon):
    """The nominal trigger at token ``n``: "hunger strike" (with its compound word) before
    the bare noun; None when the noun is no event."""
    t = s.toks[n]
    if t.pos not in ("NOUN", "PROPN"):
        return None
    if n in s._nouns:
        return s._nouns[n]
    lem, low = t.lemma.lower(), t.text.lower()
    if lem not in lex.nouns and low not in lex.nouns and lem not in lex.compound_heads \
            and lem not in _EVENT_FRAMES:
        s._nouns[n] = None
        return None
    got = s._nouns[n] = _noun_entry_at(s, n, lex)
    return got


def _noun_entry_at(s: _Sent, n: int, lex: cameo.VerbLexicon):
    t = s.toks[n]
    if t.pos == "PROPN" and n > 0 and t.text[:1].isupper() and (
        s.kids(n, "compound") or s.toks[n - 1].pos == "PROPN"
        or any(s.toks[p].pos == "PROPN" for p in s.kids(n, "poss"))
    ):
        # part of a name: "the National Assembly", "Summit Bank", "the Supreme
        # People's Assembly"
        return None
    for c in s.kids(n, "compound", "amod"):
        got = lex.nouns.get(f"{s.toks[c].text.lower()} {t.lemma.lower()}")
        if got is not None:
            return got
    if t.lemma.lower() in _EVENT_FRAMES:
        # "a mediation mission", "sanctions efforts": the modifier names the act
        for c in s.kids(n, "compound"):
            got = lex.noun(s.toks[c].lemma, s.toks[c].text)
            if got is not None:
                return got
    return lex.noun(t.lemma, t.text)


# Verbs of phase and pace: like support verbs, they carry the event their object noun
# names ("completed the withdrawal", "speeded up the deployment").
_ASPECTUAL = frozenset({"complete", "finish", "speed", "accelerate", "hasten", "expedite"})
# Nominalizing endings, longest first: (noun ending, verb endings to try).
_NOMINALIZATIONS = (
    ("ication", ("y",)), ("ation", ("", "e", "ate")), ("ition", ("ish",)),
    ("ution", ("ute", "ve")), ("sion", ("d", "de", "t", "se")), ("tion", ("te", "t", "")),
    ("ment", ("",)), ("ial", ("y",)), ("al", ("", "e")), ("ance", ("", "e")),
    ("ence", ("", "e")), ("ure", ("", "e")))


def _nominalized_verbs(lemma: str) -> list[str]:
    """Verb lemmas a deverbal noun may come from ("withdrawal" → withdraw, "suspension"
    → suspend, "condemnation" → condemn, "deployment" → deploy). Only suffixed nouns,
    which name the act: a noun spelled as its verb or in "-ing" often names a thing or
    an occasion instead ("a warm welcome", "a court hearing", "the support")."""
    out = []
    for end, repl in _NOMINALIZATIONS:
        if lemma.endswith(end) and len(lemma) > len(end) + 2:
            stem = lemma[: -len(end)]
            out.extend(stem + r for r in repl)
            if end in ("tion", "sion"):
                out.append(lemma[:-3])  # "protection" → protect ("ion" off)
            break
    return out


def _carried(s: _Sent, n: int, lex: cameo.VerbLexicon) -> bool:
    """Noun ``n`` is the object of a support or aspectual verb ("held talks", "completed
    its investigation", "speeded up the withdrawal")."""
    h = s.head(n)
    if s.deps[n] != "dobj" or h is None or s.toks[h].pos != "VERB":
        return False
    hl = s.toks[h].lemma.lower()
    return hl in lex.light or hl in _ASPECTUAL


def _light_nominal(s: _Sent, n: int, lex: cameo.VerbLexicon, coded: dict[int, str]):
    """A noun naming an act of a CAMEO verb, carried by a support or aspectual verb that
    is itself no event ("announced the withdrawal of its troops from X", "speeded up the
    deployment of troops", "completed the expulsion of ..."): the noun is coded as its
    verb would be, the verb's patterns reading the noun's own phrase."""
    t = s.toks[n]
    h = s.head(n)
    if t.pos != "NOUN" or h is None or h in coded or not _carried(s, n, lex):
        return None
    for verb in _nominalized_verbs(t.lemma.lower()):
        if not lex.entries(verb):
            continue
        found = _match_verb(s, n, lex, lemma=verb)
        if found is None or not found.code or found.code == cameo.NULL_CODE:
            return None
        return cameo.NounEntry(t.lemma.lower(), found.code, False)
    return None
