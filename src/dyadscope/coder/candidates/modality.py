"""Modality and attribution: whether an act is asserted, intended, hypothetical, negated
or prevented; who says it (speaker, media); whether it is background (dated long before
publication, a "since" clause); the purpose an infinitive states; and the conditions
("if", "unless") that make an act a threat."""

from __future__ import annotations

import re

from .actors import _reduced_relative, _subject
from .sentence import (
    _HYPO_HEADS, _INTENT_HEADS, _NEG_HEADS, _ROLE_HEADS, _SUBJ, _YEAR, _Sent, _clause_head, _key,
    _pobj,
)

# Background: an event dated this many days or more before publication is history.
BACKGROUND_DAYS = 365
_SPEECH = {"say", "report", "tell", "state", "add", "announce", "quote", "claim", "write",
           "note", "cite", "comment", "remark", "confirm", "reveal", "disclose", "describe"}
_MEDIA_WORDS = re.compile(
    r"\b(agency|agencies|news|media|xinhua|kcna|yonhap|reuters|afp|ap|tass|itar|report|"
    r"reports|newspaper|paper|daily|television|tv|radio|press|broadcaster|outlet|"
    r"website|channel|statement|times|post|journal|kyodo|bbc|cnn|cctv|gazette)\b",
    re.I,
)
# "X said/declared that Y must do Z" is X demanding Z of Y (CAMEO 10, PLOVER REQUEST).
_DECLARE = {"declare", "insist", "conclude", "warn", "stress", "emphasize"}
_SAYING = frozenset(_SPEECH | _DECLARE)
_REPORTING = frozenset(_SAYING | {"confirm", "announce"})
_REFUSE_HEADS = {"refuse", "decline", "reject"}
_MODAL_HYPO = {"could", "may", "might", "would", "should", "can", "must", "ought"}
_MODAL_FUT = {"will", "shall", "'ll", "wo"}
_FUTURE_HEADS = {"plan", "intend", "expect", "schedule", "set", "prepare", "aim", "go",
                 "due", "about", "agree", "pledge", "promise", "vow", "decide", "commit",
                 "offer", "undertake", "arrange", "resolve"}
# Verbs that keep their object from happening or going on ("prevented the rally",
# "banned X from travelling", "ended its mediation"): what they stop is no new event.
_PREVENT_HEADS = frozenset({"prevent", "thwart", "foil", "avert", "forbid", "prohibit", "ban",
                            "bar", "block", "stop", "halt", "cancel", "postpone", "call",
                            "end", "suspend", "terminate", "abandon"})
_SPECULATIVE = {"speculation", "rumor", "rumour", "possibility", "chance", "prospect",
                "likelihood", "expectation", "hope", "plan", "proposal", "idea", "question",
                "report", "reports", "suggestion", "talk", "claim", "allegation",
                "accusation"}
_DENYING = frozenset({"deny", "dismiss", "refute", "reject", "discount", "rebut"})


def _chain(s: _Sent, v: int) -> list[int]:
    """The verb and the verbs/adjectives that govern it through xcomp ("plans to visit")."""
    out = [v]
    cur = v
    for _ in range(4):
        t = s.toks[cur]
        h = s.head(cur)
        if h is None or t.dep not in ("xcomp", "ccomp", "acomp", "pcomp", "pobj", "prep",
                                      "aux", "conj"):
            break
        if t.dep == "conj" and s.toks[h].pos not in ("VERB", "AUX"):
            break
        if t.dep == "ccomp" and s.toks[h].lemma in _SPEECH:
            break
        out.append(h)
        cur = h
    return out


# Heads of a decision taken ("decided to", "voted to", "opted to"): a body's decision to do
# something is the act done, not an intent to do it ("the court decided to release X" is a
# release). Their infinitive carries the event, with the decision's own modality.
_DECISION_HEADS = frozenset({"decide", "vote", "opt", "choose", "elect", "resolve"})


def _agreed_to_thing(s: _Sent, v: int) -> bool:
    """``v`` ("agreed", "consented") has a "to" phrase naming what is agreed to (a noun
    that is no actor: "agreed to an extension of the mandate"), not whom."""
    for p in s.kids(v, "prep"):
        if s.toks[p].text.lower() != "to":
            continue
        for o in _pobj(s, p):
            t = s.toks[o]
            if t.pos == "NOUN" and t.lemma.lower() not in _ROLE_HEADS and \
                    s._resolve(t.text) is None:
                return True  # the head word names no one ("the deployment of troops")
    return False


def _own_intent(s: _Sent, v: int) -> bool:
    """The act ``v`` is what its own subject means to do: it is governed (through an
    infinitive chain) by a head of will or commitment whose subject is also the actor's
    ("Japan is willing to send", "wants to visit"), or by "will"/"shall". Not when the
    chain only says it could happen, or when someone wants it of the actor ("urged X to
    support": the head's object is the one to act)."""
    ph = _purpose_of(s, v)
    if ph is not None and _own_intent(s, ph):
        return True  # "is willing to send arms to [help] X": the help is meant too
    chain = _chain(s, v)
    for k, c in enumerate(chain):
        for a in s.kids(c, "aux"):
            if s.toks[a].text.lower() in _MODAL_FUT or s.toks[a].lemma.lower() in _MODAL_FUT:
                return True
        if k == 0:
            continue
        t = s.toks[c]
        if t.lemma.lower() in _INTENT_HEADS or t.text.lower() in _INTENT_HEADS:
            if s.deps[chain[k - 1]] == "xcomp" and s.kids(c, "dobj"):
                return False  # "wants X to support": X's act, wished by another
            return True
    return False


def _refusal(s: _Sent, v: int) -> bool:
    """``v`` is negated outright ("did not accept", "will never recognise") or is what
    its subject refuses to do ("refused to accept", "declined to approve")."""
    if s.kids(v, "neg"):
        return True
    h = s.head(v)
    return (h is not None and s.deps[v] == "xcomp"
            and s.toks[h].lemma.lower() in _REFUSE_HEADS)


def _reported(s: _Sent, v: int) -> bool:
    """``v`` is the content clause of a speech verb ("X said [it would ...]")."""
    h = s.head(v)
    return (h is not None and s.toks[v].dep == "ccomp"
            and s.toks[h].lemma.lower() in _REPORTING)


def _modality(s: _Sent, v: int) -> str:
    toks = s.toks
    chain = _chain(s, v)
    neg = hypo = fut = False
    for k, c in enumerate(chain):
        lem = toks[c].lemma.lower()
        for a in s.kids(c, "neg"):
            neg = True
        for a in s.kids(c, "aux", "auxpass"):
            w = toks[a].text.lower()
            if w == "would" and _reported(s, c):
                fut = True  # "said it would withdraw": the future of reported speech
            elif w in _MODAL_HYPO or toks[a].lemma.lower() in _MODAL_HYPO:
                hypo = True
            elif w in _MODAL_FUT or toks[a].lemma.lower() in _MODAL_FUT:
                fut = True
        for a in s.kids(c, "mark"):
            if toks[a].text.lower() in ("if", "unless", "whether"):
                hypo = True
        if k > 0 and lem in _DECISION_HEADS and s.deps[chain[k - 1]] == "xcomp":
            continue  # "decided to lift the ban": the decision taken is the act (its own
            # auxiliaries and negation above were read)
        if k > 0:
            if (lem in _NEG_HEADS or (lem in _PREVENT_HEADS and lem != "call")) and \
                    s.deps[chain[k - 1]] != "conj":
                # "refused to attend", "prevented X from attacking Y" (but "suspended X
                # and arrested Y" did arrest)
                neg = True
            elif lem in _HYPO_HEADS:
                hypo = True
            elif lem in _FUTURE_HEADS:
                fut = True
    # "going to visit": the head verb is "go" with progressive aux.
    for anc in s.ancestors(v):
        t = toks[anc]
        if t.lemma.lower() in _SPECULATIVE and t.pos == "NOUN":
            hypo = True
            break
        if t.dep in ("ROOT",):
            break
    if neg:
        return "negated"
    if hypo:
        return "hypothetical"
    if fut:
        return "future"
    return "asserted"


def _is_media(s: _Sent, subj: int) -> bool:
    text = s.span_text(s.np(subj))
    if _MEDIA_WORDS.search(text):
        return True
    ref = s.actor(subj)
    return bool(ref and ref.sector and ref.sector.upper().startswith(("MED", "JRN")))


def _attribution(s: _Sent) -> tuple[str | None, dict[int, str]]:
    """("according to X" text, {speech verb index: speaker text}) for the sentence."""
    toks = s.toks
    according = None
    for i, t in enumerate(toks):
        if t.text.lower() == "according":
            for p in s.kids(i, "prep"):
                for o in _pobj(s, p):
                    according = s.span_text(s.np(o))
            if according is None and i + 2 < len(toks) and toks[i + 1].text.lower() == "to":
                for o in _pobj(s, i + 1):
                    according = s.span_text(s.np(o))
    speakers: dict[int, str] = {}
    for i, t in enumerate(toks):
        if t.pos in ("VERB", "AUX") and t.lemma.lower() in _SAYING:
            subj = s.kids(i, *_SUBJ)
            h = s.head(i)
            if not subj and t.tag == "VBG" and t.dep in ("advcl", "xcomp", "conj") and \
                    h is not None and toks[h].pos in ("VERB", "AUX"):
                # "X rejected the plan, saying Y must ...": the participle's speaker is
                # the subject of the clause it hangs on.
                subj = s.kids(h, "nsubj")
            for c in subj:
                if _reduced_relative(s, c):
                    c = s.kids(c, "nsubj")[0]
                speakers[i] = s.span_text(s.np(c))
                s.speaker_tok[i] = c
    return according, speakers


def _speaker_for(s: _Sent, v: int, speakers: dict[int, str]) -> str | None:
    """The speaker whose "said" reports verb ``v`` (above it, or beside it as parataxis)."""
    for a in s.ancestors(v):
        if a in speakers:
            return speakers[a]
    for c in s.kids(v, "parataxis", "ccomp"):
        if c in speakers:
            return speakers[c]
    root = next((i for i, t in enumerate(s.toks) if t.dep == "ROOT"), None)
    if root is not None and root != v:
        for c in s.kids(root, "parataxis"):
            if c in speakers and c > v:
                return speakers[c]
    return None


def _year_of(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


_BG_SKIP = frozenset({"ccomp", "relcl", "acl", "parataxis", "conj"})  # other clauses: their years date other acts


def _background(s: _Sent, v: int, date: str | None, pubdate: str | None) -> bool:
    """History, not news: the event's date, or a year written in its clause, lies a year
    or more before publication ("established relations on October 6, 1949")."""
    pub_year = _year_of(pubdate)
    if date and pubdate and len(date) >= 10 and len(pubdate) >= 10:
        from datetime import date as _d

        try:
            if (_d.fromisoformat(pubdate[:10]) - _d.fromisoformat(date[:10])).days >= BACKGROUND_DAYS:
                return True
        except ValueError:
            pass
    elif date and pub_year and _year_of(date) and pub_year - _year_of(date) >= 2:
        return True
    if pub_year is None or not s.years():
        return False
    for j in s.subtree(v, _BG_SKIP):
        m = _YEAR.fullmatch(s.toks[j].text)
        if m and pub_year - int(m.group(1)) >= 2 and s.toks[j].pos == "NUM":
            return True
    return False


def _time_anchor(s: _Sent, v: int) -> bool:
    """``v`` heads a "since ..." clause: "the first visit since North Korea detonated a
    device in 2006" mentions the old event only to date another one."""
    return s.deps[v] == "advcl" and any(
        s.toks[m].text.lower() == "since" for m in s.kids(v, "mark"))


def _purpose_head(s: _Sent, v: int) -> int | None:
    """The verb whose purpose the infinitive ``v`` states ("visited X to discuss Y",
    "began a strike to demand Z"); None when ``v`` is not such a clause. A conjunct
    shares its first member's role ("deployed troops to protect X and [prevent] Y")."""
    v = _clause_head(s, v)
    t = s.toks[v]
    if t.dep not in ("advcl", "xcomp") or not any(
        s.toks[a].tag == "TO" for a in s.kids(v, "aux")
    ):
        return None
    h = s.head(v)
    if h is None or s.toks[h].pos not in ("VERB", "AUX"):
        return None
    if t.dep == "xcomp" and s.kids(h, "dobj") == []:
        return None  # "agreed to visit", "wants to meet": the intent chain, kept
    return h


def _purpose_of(s: _Sent, v: int) -> int | None:
    """The act whose purpose ``v`` states, directly or as the verb an infinitive of
    purpose governs ("sent arms to help [defend] X" → sent)."""
    for c in _chain(s, v):
        h = _purpose_head(s, c)
        if h is not None:
            return h
    return None


_FACTUAL_PREPS = {"during", "at", "after", "following", "on", "since", "in", "amid"}
_FUTURE_PREPS = {"before", "ahead", "prior"}


def _nominal_modality(s: _Sent, n: int) -> str:
    """A noun's modality: its governing verb's, except in time adjuncts ("during their
    meeting" happened; "ahead of his visit" is still to come)."""
    h = s.head(n)
    for a in s.ancestors(n):
        t = s.toks[a]
        if t.pos in ("VERB", "AUX"):
            break
        if t.pos == "NOUN" and t.lemma.lower() in _SPECULATIVE:
            # "reports of a blockade", "claims of an attack": told, not known to have
            # happened; denied ("denied reports of a blockade"), it did not.
            g = next((b for b in s.ancestors(a) if s.toks[b].pos in ("VERB", "AUX")), None)
            if g is not None and s.toks[g].lemma.lower() in _DENYING:
                return "negated"
            return "hypothetical"
    if h is not None and s.toks[n].dep == "pobj":
        w = s.toks[h].text.lower()
        hh = s.head(h)
        if w == "of" and hh is not None:
            w = s.toks[hh].text.lower()
        if w in _FACTUAL_PREPS:
            return "asserted"
        if w in _FUTURE_PREPS:
            return "future"
    if h is not None and s.toks[n].dep == "dobj" and s.toks[h].pos == "VERB" and \
            s.toks[h].lemma.lower() in _PREVENT_HEADS and (
                s.toks[h].lemma.lower() != "call" or any(
                    s.toks[c].text.lower() == "off" for c in s.kids(h, "prt"))):
        return "negated"  # "police prevented the rally", "called off the talks"
    for a in s.ancestors(n):
        if s.toks[a].pos in ("VERB", "AUX"):
            return _modality(s, a)
    return "asserted"


# The CAMEO 13 threat of each act of conflict (by code prefix, longest first): an act
# of force, sanction, protest or rejection announced on a condition threatens it.
_THREATS = (("1621", "1311"), ("162", "1311"), ("160", "1313"), ("161", "1313"),
            ("163", "1312"), ("164", "134"), ("166", "135"), ("16", "131"),
            ("1721", "1321"), ("1722", "1322"), ("1723", "1323"), ("1724", "1324"),
            ("175", "137"), ("17", "132"), ("14", "133"), ("191", "1381"), ("192", "1382"),
            ("18", "1383"), ("19", "1384"), ("20", "1385"), ("15", "138"), ("12", "130"))


def _threat_code(code: str) -> str | None:
    for prefix, threat in _THREATS:
        if code.startswith(prefix):
            return threat
    return None


def _conditioned(s: _Sent, v: int, targets) -> bool:
    """``v`` (or the conjunction it heads) is done on a condition put to its target or to
    no one named: it governs an "unless" or "if" clause whose subject is the target or
    no other known actor ("will boycott the vote unless the president resigns", "would
    attack X if X does not withdraw"). On a third party's act ("will sanction X if Y
    attacks Z") it is a contingency, not a threat."""
    mine = {_key(r) for _, r in targets}
    for a in {v, _clause_head(s, v)}:
        for c in s.kids(a, "advcl"):
            if not any(s.toks[m].text.lower() in ("unless", "if") for m in s.kids(c, "mark")):
                continue
            subj, _ = _subject(s, c)
            if all(_key(r) in mine for _, r in subj):
                return True
    return False
