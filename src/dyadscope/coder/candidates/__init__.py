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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .. import cameo
from ..models import ActorRef, Event, Sentence, Token

CODER_VERSION = "dyadscope-coder 0.5"

# Confidence parts (hand-set; checked against the PLOVER/PETR dev scores, see report).
BASE_CONFIDENCE = 0.45
PATTERN_BONUS = 0.2  # a pattern word matched, not only the verb
TARGET_BONUS = 0.15
NOMINAL_PENALTY = 0.1

# Background: an event dated this many days or more before publication is history.
BACKGROUND_DAYS = 365

_SUBJ = {"nsubj", "csubj"}
_CLAUSAL = {"ccomp", "advcl", "relcl", "parataxis", "acl", "csubj", "conj"}
# Prepositions whose object can be the target, best first.
_TARGET_PREPS = ("with", "against", "to", "toward", "towards", "into", "on", "upon", "at",
                 "for", "over", "from", "between", "about", "of")
_PLACE_PREPS = ("in", "to", "for")  # targets of travel verbs/nouns ("arrived in Beijing")
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
_MUST = {"must"}
DEMAND_CODE = "100"
APPEAL_CODE = "020"
STATEMENT_CODE = "010"
# Directive speech verbs (with an addressee and an infinitive): orders are demands
# (CAMEO 10: "all demands and orders"), the others appeals (02).
_DIRECTIVE_ORDER = frozenset({"tell", "order", "instruct", "command", "direct"})
_DIRECTIVE_ASK = frozenset({"ask", "urge", "call", "invite", "encourage", "advise", "implore",
                            "beg", "appeal", "request", "press", "exhort", "entreat", "plead",
                            "petition"})
# Nouns naming an utterance, whose "that ... must" clause or request participle is what
# the one who issues them says ("issued a statement demanding ...").
_UTTERANCE_NOUNS = frozenset({
    "statement", "declaration", "communique", "letter", "message", "note", "resolution",
    "reminder", "warning", "appeal", "petition", "memorandum", "decree", "ultimatum",
    "announcement", "proclamation", "manifesto", "motion"})
_SAYING = frozenset(_SPEECH | _DECLARE)
_REPORTING = frozenset(_SAYING | {"confirm", "announce"})
# Verbs of acceptance whose refusal is itself an event: "will not accept", "refused to
# recognise" are REJECT (CAMEO 12), not a negated acceptance.
_ACCEPTANCE = {"accept", "agree", "allow", "permit", "approve", "recognize", "recognise",
               "comply", "obey", "endorse", "ratify", "consent"}
_REFUSE_HEADS = {"refuse", "decline", "reject"}
REJECT_CODE = "120"
_INTENT_AGREE = {"agree", "consent"}  # "agree to do", "agree that": intent (03), not 05
_MODAL_HYPO = {"could", "may", "might", "would", "should", "can", "must", "ought"}
_MODAL_FUT = {"will", "shall", "'ll", "wo"}
_FUTURE_HEADS = {"plan", "intend", "expect", "schedule", "set", "prepare", "aim", "go",
                 "due", "about", "agree", "pledge", "promise", "vow", "decide", "commit",
                 "offer", "undertake", "arrange", "resolve"}
_HYPO_HEADS = {"want", "hope", "wish", "seek", "propose", "consider", "likely", "possible",
               "try", "attempt", "urge", "ask", "call", "invite", "suggest", "threaten",
               "warn", "demand", "request", "mull", "weigh", "able", "ready", "willing",
               "prepared", "eager", "keen", "capable"}
_NEG_HEADS = {"refuse", "fail", "decline", "deny", "reject", "avoid", "cancel", "postpone",
              "abandon", "halt", "stop", "unable"}
# Verbs that keep their object from happening or going on ("prevented the rally",
# "banned X from travelling", "ended its mediation"): what they stop is no new event.
_PREVENT_HEADS = frozenset({"prevent", "thwart", "foil", "avert", "forbid", "prohibit", "ban",
                            "bar", "block", "stop", "halt", "cancel", "postpone", "call",
                            "end", "suspend", "terminate", "abandon"})
_SPECULATIVE = {"speculation", "rumor", "rumour", "possibility", "chance", "prospect",
                "likelihood", "expectation", "hope", "plan", "proposal", "idea", "question",
                "report", "reports", "suggestion", "talk", "claim", "allegation",
                "accusation"}
# Verbs that tell of what others did ("reported an attack", "described the raid"): their
# object is the news, not the teller's act.
_NARRATING = frozenset({"report", "describe", "mention", "cite", "note", "recount", "detail",
                        "narrate", "depict", "document", "recall", "witness", "record"})
# Nouns that frame an act named by their modifier ("a mediation mission", "protest
# campaign", "sanctions efforts").
_EVENT_FRAMES = frozenset({"mission", "effort", "bid", "attempt", "initiative", "campaign",
                           "operation", "drive"})
# Verbs of coming together: alone, with one subject and no one met, a body in session.
_CONVENE = frozenset({"meet", "convene", "gather", "assemble", "reconvene"})
_DENYING = frozenset({"deny", "dismiss", "refute", "reject", "discount", "rebut"})
_GROUP = re.compile(r"^(the\s+)?(two|both|three|four)\s+(\w+\s+)?(leaders|sides|countries|"
                    r"nations|presidents|ministers|parties|governments|men|officials|states|"
                    r"heads)\b|^both\b", re.I)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# CAMEO roots where "A and B met" means A↔B: consult (04), and intents/agreements made
# together (03, 05 sign, 06 cooperate).
_SYMMETRIC_ROOTS = {3, 4, 5, 6}
_TRAVEL_CODES = ("032", "042", "043", "040", "044")
# Heads that name people or bodies where the actor dictionaries may know only longer
# titles ("security chief", "the Chinese delegation"): a possessor or modifier of
# these names whose they are ("Egypt's security chief"), so the phrase is an actor.
_ROLE_HEADS = frozenset({
    "chief", "head", "delegation", "delegate", "force", "forces", "troops", "officer",
    "counterpart", "team", "envoy", "staff", "crew", "contingent", "unit", "battalion",
    "brigade", "squad", "side", "people", "representative", "member", "members",
    "commander", "negotiator", "lawmaker", "legislator", "diplomat",
})
# "by visiting", "after meeting": the gerund's subject is the main clause's subject
# (not so after "of", "for", "to": "accused X of violating", "deported X for entering").
_MANNER_PREPS = frozenset({"by", "after", "before", "while", "upon", "on", "through",
                           "without", "when"})
# Verbs whose default code is their intransitive sense only.
_INTRANSITIVE_SENSE = frozenset({"demonstrate", "march", "rally"})
_NON_NOMINAL = frozenset({"VERB", "AUX", "ADP", "SCONJ", "CCONJ", "ADV", "PART", "INTJ"})


@dataclass
class _Found:
    """An event before it becomes an ``Event``: token indexes and codes."""

    trigger: int
    code: str
    reverse: str | None
    weight: int
    nominal: bool = False
    pattern: cameo.Pattern | None = None


class _Sent:
    """Per-sentence parse helpers: children lists and actor lookups, built once."""

    def __init__(self, sent: Sentence, resolver, mentions=None) -> None:
        self.sent = sent
        self.toks: list[Token] = sent.tokens
        self.resolver = resolver
        n = len(self.toks)
        self.deps: list[str] = [t.dep for t in self.toks]
        self.children: list[list[int]] = [[] for _ in range(n)]
        for i, t in enumerate(self.toks):
            if t.head != i and 0 <= t.head < n:
                self.children[t.head].append(i)
        self._refs: dict[tuple[int, int], ActorRef | None] = {}
        self.speaker_tok: dict[int, int] = {}
        self.right: dict[int, list[int]] = {}
        self._forms: list[frozenset] | None = None
        self._nouns: dict[int, object] = {}
        self._mentions = None if mentions is None else list(mentions)
        self._given = mentions is not None
        self._years: list[int] | None = None

    def forms(self, j: int) -> frozenset:
        f = self._forms
        if f is None:
            f = self._forms = [None] * len(self.toks)
        got = f[j]
        if got is None:
            got = f[j] = _forms(self.toks[j])
        return got

    def forms_of(self, idx: list[int]) -> list[frozenset]:
        f = self._forms
        if f is None:
            f = self._forms = [None] * len(self.toks)
        out = []
        for j in idx:
            got = f[j]
            if got is None:
                got = f[j] = _forms(self.toks[j])
            out.append(got)
        return out

    def years(self) -> list[int]:
        """Indexes of number tokens that look like years (for the background check)."""
        if self._years is None:
            self._years = [j for j, t in enumerate(self.toks)
                           if t.pos == "NUM" and _YEAR.fullmatch(t.text)]
        return self._years

    # -- tree helpers
    def kids(self, i: int, *deps: str) -> list[int]:
        if not deps:
            return list(self.children[i])
        d = self.deps
        return [c for c in self.children[i] if d[c] in deps]

    def subtree(self, i: int, skip: set[str] = frozenset()) -> list[int]:
        out, stack = [], [i]
        ch, d = self.children, self.deps
        while stack:
            j = stack.pop()
            out.append(j)
            for c in ch[j]:
                if d[c] not in skip:
                    stack.append(c)
        out.sort()
        return out

    def head(self, i: int) -> int | None:
        h = self.toks[i].head
        return None if h == i else h

    def ancestors(self, i: int):
        seen = set()
        h = self.head(i)
        while h is not None and h not in seen:
            seen.add(h)
            yield h
            h = self.head(h)

    def span_text(self, idx: list[int]) -> str:
        if not idx:
            return ""
        a, b = self.toks[idx[0]], self.toks[idx[-1]]
        s0 = a.start - self.sent.start
        return self.sent.text[s0 : b.start - self.sent.start + len(b.text)]

    # -- actors
    def np(self, i: int) -> list[int]:
        """The noun phrase headed by ``i``, without clauses, conjuncts and most PPs."""
        keep_preps = {"of", "from", "in"}
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            for c in self.children[j]:
                t = self.toks[c]
                if t.dep in ("relcl", "acl", "conj", "cc", "appos", "punct", "advcl",
                             "parataxis", "ccomp") or (t.dep == "case" and j == i):
                    continue  # ... and the "'s" of a possessor standing alone
                if t.dep == "prep" and t.text.lower() not in keep_preps:
                    continue
                stack.append(c)
        return sorted(out)

    def mentions(self):
        if self._given:
            # Mentions found earlier (the pipeline's pre-filter): a resolver with
            # ``learn(matches)`` is taught them as its own ``find`` would have been.
            self._given = False
            learn = getattr(self.resolver, "learn", None)
            if learn is not None:
                try:
                    learn(self._mentions)
                except Exception:
                    pass
        if self._mentions is None:
            try:
                self._mentions = list(self.resolver.find(self.sent.text))
            except Exception:  # a resolver without find still resolves phrases
                self._mentions = []
        return self._mentions

    def actor(self, i: int) -> ActorRef | None:
        """The resolved actor of the noun phrase headed by token ``i`` (None if unknown)."""
        t = self.toks[i]
        if t.pos == "PRON" and t.tag in ("WP", "WDT") or t.text.lower() == "that":
            h = self.head(i)
            # "Zhao, who met Kim": the relative pronoun stands for the noun it modifies.
            if h is not None and self.toks[h].dep == "relcl":
                hh = self.head(h)
                return self.actor(hh) if hh is not None else None
            return None
        if t.pos == "PRON" or t.pos in _NON_NOMINAL:
            return None  # "with both leaders praising X": a clause, not a party
        idx = self.np(i)
        key = (idx[0], idx[-1])
        if key in self._refs:
            return self._refs[key]
        ref = None
        text = self.span_text(idx)
        lo = self.toks[idx[0]].start - self.sent.start
        hi = self.toks[idx[-1]].start - self.sent.start + len(self.toks[idx[-1]].text)
        head_off = t.start - self.sent.start
        inside = [m for m in self.mentions() if m.start >= lo and m.end <= hi]
        on_head = [m for m in inside if m.start <= head_off < m.end]
        ref = self._resolve(text)
        if ref is None and inside:
            best = on_head[0] if on_head else inside[-1]
            ref = best.ref if _known(best.ref) else None
        if ref is not None and not on_head and t.pos != "PROPN":
            ref = self._headed(i, idx, ref)
        if ref is None or not ref.actor_id:
            # A name in an apposition ("the top lawmaker, Zhao Leji") names the same
            # actor, and more precisely than a title does.
            for c in self.kids(i, "appos"):
                if self.toks[c].pos != "PROPN":
                    continue
                named = self.actor(c)
                if named and (ref is None or named.actor_id):
                    ref = named
                    break
        self._refs[key] = ref
        return ref

    def _resolve(self, text: str) -> ActorRef | None:
        try:
            r = self.resolver.resolve(text, context=self.sent.text)
        except Exception:
            return None
        return r if _known(r) else None

    def _headed(self, i: int, idx: list[int], ref: ActorRef) -> ActorRef | None:
        """``ref`` (the resolution of the whole phrase ``idx`` headed by common noun ``i``)
        if the head itself names the actor; None when the actor word only sits in a
        possessor, a prepositional tail or a noun modifier of an abstract or event head
        ("North Korea's pursuit of weapons", "battle in Kursk", "artillery ammunition").
        A phrase whose prepositional tail adds nothing is shortened to its core
        ("Chinese President Xi in Beijing" → "Chinese President Xi")."""
        kids = self.children[i]
        d = self.deps
        role = self.toks[i].lemma.lower() in _ROLE_HEADS or self.toks[i].text.lower() in _ROLE_HEADS
        basis = ref  # what the phrase without its tail resolves to
        tails = [c for c in kids if d[c] == "prep"]
        possessors = [c for c in kids if d[c] == "poss" and self.toks[c].pos != "PRON"]
        if tails:
            drop = {j for c in tails for j in self.subtree(c)}
            core = [j for j in idx if j not in drop]
            got = self._resolve(self.span_text(core)) if core else None
            if got is None and not role:
                # The head alone is no actor. "Thousands of protesters", "a contingent
                # of troops", "the deployment of troops": the "of" phrase is the party;
                # "battle in Kursk", "pursuit of weapons": none.
                for c in tails:
                    if self.toks[c].text.lower() == "of":
                        for o in self.kids(c, "pobj"):
                            return self.actor(o)
                return None
            if got is not None and (_key(got) == _key(ref) or not (got.actor_id or got.country)):
                ref = replace(ref, text=self.span_text(core))
            basis = got or ref
            idx = core
        if role:
            return ref
        if possessors:
            drop = {j for c in possessors for j in self.subtree(c)}
            core = [j for j in idx if j not in drop and self.toks[j].pos != "PART"]
            if not core or self._resolve(" ".join(self.toks[j].text for j in core)) is None:
                return None  # "China's willingness": the possessor is not the head
        elif not (basis.country or basis.actor_id) and self.kids(i, "compound"):
            # A sector read off a noun modifier ("artillery ammunition"): the head word
            # must be an actor word itself.
            core = [j for j in idx if d[j] != "compound" or j == i]
            if self._resolve(" ".join(self.toks[j].text for j in core)) is None:
                return None
        return ref

    def group(self, i: int) -> list[ActorRef]:
        """Members of "the two leaders"-style phrases, through the document resolver."""
        text = self.span_text(self.np(i))
        if not _GROUP.search(text) or not hasattr(self.resolver, "resolve_group"):
            return []
        try:
            return [r for r in self.resolver.resolve_group(text) if _known(r)]
        except Exception:
            return []

    def actors(self, i: int) -> list[tuple[int, ActorRef]]:
        """Actors of token ``i`` and its conjuncts ("Kim and Zhao" → two)."""
        out: list[tuple[int, ActorRef]] = []
        for j in self.conjuncts(i):
            ref = self.actor(j)
            if ref is not None:
                out.append((j, ref))
            else:
                out.extend((j, r) for r in self.group(j))
        return _coordinated(self, i, out)

    def conjuncts(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.kids(j, "conj"))
            # "leader Kim and Zhao": the parser hangs the conjunct on the apposed name.
            for a in self.kids(j, "appos"):
                if self.toks[a].pos == "PROPN":
                    stack.extend(self.kids(a, "conj"))
        return sorted(set(out))


def _known(ref: ActorRef | None) -> bool:
    return ref is not None and bool(ref.country or ref.actor_id or ref.sector)


def _key(ref: ActorRef | None) -> str:
    if ref is None:
        return ""
    return ref.actor_id or f"{ref.country or ''}|{ref.sector or ''}|{ref.name or ref.text}"


_COORD_PREPS = ("of", "in", "from")


def _coordinated(s: "_Sent", i: int, found: list[tuple[int, ActorRef]]):
    """The actors of a coordinated noun phrase read off its words, where the parse
    gives fewer: each conjunct is its own actor, a prepositional phrase after
    conjoined role words applies to each ("lawmakers and officials in A and B": four
    actors; "the envoys of A, B and C": three), and a modifier before conjoined heads
    to each head ("Ruritanian press and government"), and a head after conjoined
    modifiers to each ("A and B leaders"). A conjunct that names its own country keeps
    it ("A and the ministry of B": A, B's ministry). Used only when it finds other
    actors than the parse did, and at least as many."""
    toks = s.toks
    d = s.deps
    span, stack = set(), [i]
    while stack:
        j = stack.pop()
        span.add(j)
        for c in s.children[j]:
            dep = d[c]
            if dep in ("relcl", "acl", "appos", "advcl", "parataxis", "ccomp") or \
                    (dep == "prep" and toks[c].text.lower() not in _COORD_PREPS):
                continue
            stack.append(c)
    idx = sorted(span)
    if len(idx) < 3 or not any(d[j] == "cc" or toks[j].text == "," for j in idx):
        return found
    while idx and (toks[idx[-1]].pos == "PUNCT" or d[idx[-1]] == "cc"):
        idx.pop()
    if idx[-1] - idx[0] + 1 != len(idx):
        return found  # not one stretch of words

    def items(seq: list[int]) -> list[list[int]]:
        out, cur = [], []
        for j in seq:
            w = toks[j].text.lower()
            if w in (",", "and", "or") and d[j] in ("cc", "punct"):
                if cur:
                    out.append(cur)
                cur = []
            else:
                cur.append(j)
        if cur:
            out.append(cur)
        return out

    def res(text: str) -> ActorRef | None:
        return s._resolve(text)

    prep = next((j for j in idx[1:] if d[j] == "prep"), None)
    got: list[tuple[int, ActorRef]] = []
    if prep is not None:
        left, right = items([j for j in idx if j < prep]), items([j for j in idx if j > prep])
        if not left or not right:
            return found
        for n, item in enumerate(left):
            own = res(s.span_text(item))
            if own is not None and (own.country or own.actor_id) and n < len(left) - 1:
                got.append((item[-1], own))
                continue
            for r in right:
                ref = res(f"{s.span_text(item)} {toks[prep].text} {s.span_text(r)}")
                if ref is not None:
                    got.append((r[-1], ref))
    else:
        parts = items(idx)
        if len(parts) < 2:
            return found
        first = parts[0]
        last = parts[-1]
        last_ref = res(s.span_text(last))
        for item in parts:
            text = s.span_text(item)
            ref = res(text)
            if item is not first and len(first) > 1 and ref is not None and ref.sector \
                    and not ref.country and toks[first[-1]].pos == "NOUN" \
                    and toks[item[-1]].pos == "NOUN":
                # "Ruritanian press and government": the modifier goes with each head
                mod = res(s.span_text(first[:-1]))
                if mod is not None and mod.country:
                    ref = res(f"{s.span_text(first[:-1])} {text}") or ref
            elif item is not last and len(last) > 1 and ref is not None and ref.country \
                    and not ref.sector and last_ref is not None and last_ref.sector \
                    and toks[last[-1]].pos == "NOUN":
                # "A and B leaders": the head goes with each modifier
                ref = res(f"{text} {toks[last[-1]].text}") or ref
            if ref is not None:
                got.append((item[-1], ref))
    def ident(r: ActorRef):
        return (r.actor_id, r.country, r.sector, r.codes)

    seen, out = set(), []
    for j, r in got:
        if (r.country or r.actor_id) and ident(r) not in seen:
            seen.add(ident(r))
            out.append((j, r))
    if len(out) < 2 or len(seen) < len({ident(r) for _, r in found}) or \
            seen == {ident(r) for _, r in found}:
        return found
    return out


# ---------------------------------------------------------------- lexicon matching


def _forms(t: Token) -> frozenset:
    """Upper-case forms a pattern word may take to match ``t`` (text, lemma, and plurals
    for a plural noun). A pattern word in the plural names the plural: "* POWERS" (world
    powers) does not read "power lines", as in TABARI a pattern word matches only words
    it begins."""
    u, lem = t.text.upper(), t.lemma.upper()
    out = {u, lem}
    if t.tag in ("NNS", "NNPS"):
        out.update((lem + "S", lem + "ES"))
    if u.endswith("S"):
        out.add(u[:-1])
    return frozenset(out)


def _word_match(s: "_Sent", words: tuple[str, ...], at: int) -> int:
    """Length matched when ``words`` (upper case) start at token ``at``; 0 if not."""
    n = len(s.toks)
    for k, w in enumerate(words):
        j = at + k
        if j >= n or w not in s.forms(j):
            return 0
    return len(words)


def _match_seq(elems, positions: list[int], s: "_Sent", anchor: int | None) -> bool:
    """Ordered, gapped match of ``elems`` over token ``positions``; ``_``-joined elements
    must follow directly; the first element must touch ``anchor`` when flagged."""
    p = 0
    prev_end = anchor
    pos_set = positions
    for e in elems:
        found = False
        while p < len(pos_set):
            j = pos_set[p]
            if e.adjacent and prev_end is not None and j != prev_end + 1:
                if j > (prev_end or 0) + 1:
                    return False
                p += 1
                continue
            n = 0
            if e.prep and s.toks[j].tag == "TO" and s.deps[j] == "aux":
                pass  # "(TO)" heads a phrase: not the infinitive marker
            elif not e.firsts.isdisjoint(s.forms(j)):
                for alt in e.alts:
                    n = _word_match(s, alt, j)
                    if n:
                        break
            p += 1
            if n:
                prev_end = j + n - 1
                while p < len(pos_set) and pos_set[p] <= prev_end:
                    p += 1
                found = True
                break
        if not found:
            return False
    return True


_RIGHT_SKIP = frozenset({"ccomp", "advcl", "relcl", "parataxis", "conj", "csubj", "nsubj",
                         "nsubjpass"})


def _right_context(s: _Sent, v: int) -> list[int]:
    """Tokens after the verb in its own clause (its subtree minus other clauses)."""
    got = s.right.get(v)
    if got is None:
        got = [j for j in s.subtree(v, _RIGHT_SKIP) if j > v]
        # "according to X" attributes the clause; its "to" heads no phrase of the verb.
        att = [j for j in got if s.toks[j].text.lower() == "according" and s.deps[j] == "prep"] \
            if any(s.toks[j].text == "according" for j in got) else []
        if att:
            drop = {k for j in att for k in s.subtree(j)}
            got = [j for j in got if j not in drop]
        s.right[v] = got
    return got


def _own_clause(s: _Sent, j: int) -> bool:
    """Clause ``j`` is a predicate of its own: an infinitive ("efforts to end X") or a
    finite clause ("a reminder that it must cooperate"); a bare participle ("memos sent
    from Bree") only describes its noun and stays in the governing clause."""
    return any(s.toks[a].tag == "TO" for a in s.kids(j, "aux")) or bool(
        s.kids(j, "nsubj", "nsubjpass", "mark"))


def _pattern_context(s: _Sent, v: int) -> list[int]:
    """The words after the verb that its patterns may read: its own clause, without the
    clauses that modify the nouns in it ("issued an ultimatum to X [to halt attacks]",
    "demanded an admission [that forces murdered ...]", "efforts [to end the fighting]").
    Those are other predicates; their words must not select the governing verb's code.
    (Targets may still be found there, as PETRARCH's first-mention fallback does.)"""
    right = _right_context(s, v)
    d, toks = s.deps, s.toks
    drop = None
    for j in right:
        if d[j] == "acl" and toks[j].pos in ("VERB", "AUX") and _own_clause(s, j):
            h = s.head(j)
            if h is not None and toks[h].pos in ("NOUN", "PROPN", "PRON"):
                if drop is None:
                    drop = set()
                drop.update(s.subtree(j))
    if not drop:
        return right
    return [j for j in right if j not in drop]


def _left_context(s: _Sent, v: int) -> list[int]:
    lo = max(0, v - 7)
    out = []
    for j in range(lo, v):
        if s.toks[j].dep == "punct" and s.toks[j].text in ",;:":
            out = []
            continue
        out.append(j)
    return out


def _match_verb(s: _Sent, v: int, lex: cameo.VerbLexicon, lemma: str | None = None
                ) -> _Found | None:
    """The code of verb ``v`` (or of the noun ``v`` read as the verb ``lemma``)."""
    tok = s.toks[v]
    entries = lex.entries(lemma) if lemma else lex.entries(tok.lemma, tok.text)
    if not entries:
        return None
    toks = s.toks
    right = left = words = core = named = None
    for entry in entries:
        # Particles ("meet with", "call on") must follow the verb directly.
        if entry.particles:
            if not all(v + 1 + k < len(toks) and toks[v + 1 + k].text.lower() == p
                       for k, p in enumerate(entry.particles)):
                continue
        if entry.prefix:
            n = len(entry.prefix)
            if v - n < 0 or [t.text.lower() for t in toks[v - n : v]] != list(entry.prefix):
                continue
        best: cameo.Pattern | None = None
        best_at = 0
        if entry.patterns:
            if words is None:
                right = _pattern_context(s, v)
                left = _left_context(s, v)
                words = set().union(*s.forms_of(right), *s.forms_of(left))
                core, named = _without_adjuncts(s, v, right)
            for pat in entry.candidates(words):
                if best is not None and (pat.weight < best.weight or (
                        pat.weight == best.weight and not (best.after and pat.after))):
                    continue
                if not all(need & words for need in pat.needs):
                    continue
                if pat.compound and not any(s.kids(c, "conj") for c in s.kids(v, *_SUBJ)):
                    continue
                if pat.after:
                    first = pat.after[0]
                    if first.adjacent and (not right or right[0] != v + 1):
                        continue
                    ctx = right if not named or any(
                        named & need for need in pat.needs) else core
                    if not _match_seq(pat.after, ctx, s, v):
                        continue
                if pat.before:
                    if not _match_seq(pat.before, left, s, None):
                        continue
                    if pat.touch_verb and not _before_touches(pat.before, s, v):
                        continue
                if pat.weight == 0 and not pat.compound:
                    continue
                at = _first_at(pat, ctx if pat.after else right, s)
                if best is not None and pat.weight == best.weight and at >= best_at:
                    continue  # equally long: the one whose words stand nearer the verb
                best, best_at = pat, at
        if best is not None:
            if best.code == cameo.NULL_CODE:
                return None
            return _Found(v, best.code or "", best.reverse, best.weight, pattern=best)
        if entry.code or entry.reverse:
            return _Found(v, entry.code or "", entry.reverse, len(entry.particles))
        return None
    return None


# Prepositions of cause and time: a phrase they head says why or when the act happened
# ("closed the border because of fighting", "halted aid after attacks"), not what it is.
_ADJUNCT_PREPS = frozenset({"because", "due", "owing", "despite", "amid", "amidst", "after",
                            "before", "during", "following", "since", "until", "thanks"})


def _without_adjuncts(s: _Sent, v: int, right: list[int]) -> tuple[list[int], frozenset]:
    """``right`` without the verb's cause and time phrases, and those prepositions (upper
    case): a pattern reads words there only when it names the preposition itself
    ("* (DURING PROTEST)")."""
    adj = [p for p in s.kids(v, "prep") if s.toks[p].text.lower() in _ADJUNCT_PREPS]
    if not adj:
        return right, frozenset()
    drop = {j for p in adj for j in s.subtree(p)}
    return [j for j in right if j not in drop], frozenset(s.toks[p].text.upper() for p in adj)


def _first_at(pat, ctx: list[int], s: _Sent) -> int:
    """Where the first word after the verb of ``pat`` stands in ``ctx`` (its first
    possible place; a large number when the pattern has none after the verb)."""
    if not pat.after:
        return 1 << 30
    firsts = pat.after[0].firsts
    return next((j for j in ctx if not firsts.isdisjoint(s.forms(j))), 1 << 30)


def _before_touches(before, s: _Sent, v: int) -> bool:
    last = before[-1]
    for alt in last.alts:
        j = v - len(alt)
        if j >= 0 and _word_match(s, alt, j):
            return True
    return False


# ---------------------------------------------------------------- roles


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


def _pobj(s: _Sent, prep: int) -> list[int]:
    return s.kids(prep, "pobj", "pcomp")


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


# ---------------------------------------------------------------- modality & attribution


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


# Heads whose subject states its own will or commitment ("wants to", "is ready to").
_INTENT_HEADS = frozenset({
    "want", "hope", "wish", "seek", "propose", "consider", "plan", "intend", "offer",
    "pledge", "promise", "vow", "agree", "decide", "commit", "prepare", "ready", "willing",
    "prepared", "eager", "keen", "aim", "undertake", "arrange", "resolve", "expect",
    "determined", "mull", "weigh", "intent", "set"})


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


def _verb_of(s: _Sent, i: int) -> int:
    """``i`` itself when it is a verb, else the nearest verb above it (a noun's clause)."""
    if s.toks[i].pos in ("VERB", "AUX"):
        return i
    return next((a for a in s.ancestors(i) if s.toks[a].pos in ("VERB", "AUX")), i)


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


# ---------------------------------------------------------------- background


def _year_of(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


_BG_SKIP = frozenset({"ccomp", "relcl", "parataxis", "conj"})


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


# ---------------------------------------------------------------- nominal events


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


# ---------------------------------------------------------------- public API


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


def _time_anchor(s: _Sent, v: int) -> bool:
    """``v`` heads a "since ..." clause: "the first visit since North Korea detonated a
    device in 2006" mentions the old event only to date another one."""
    return s.deps[v] == "advcl" and any(
        s.toks[m].text.lower() == "since" for m in s.kids(v, "mark"))


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


def _clause_head(s: _Sent, v: int) -> int:
    """The first member of the verb conjunction ``v`` belongs to ("protect X and prevent
    Y" → protect), whose dependency names the role of them all."""
    for _ in range(6):
        h = s.head(v)
        if s.deps[v] != "conj" or h is None or s.toks[h].pos not in ("VERB", "AUX"):
            break
        v = h
    return v


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


_FACTUAL_PREPS = {"during", "at", "after", "following", "on", "since", "in", "amid"}
_FUTURE_PREPS = {"before", "ahead", "prior"}


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


def _has_event_verb(s: _Sent, i: int, lex) -> bool:
    return any(s.toks[j].pos == "VERB" and lex.entries(s.toks[j].lemma) for j in s.subtree(i))


def _may_have_event(toks: list[Token], lex: cameo.VerbLexicon) -> bool:
    """Cheap pre-check: some verb has lexicon entries or some noun is an event noun
    (with its compound/modifier words, as ``_noun_entry`` reads them)."""
    verbs, nouns = lex.verbs, lex.nouns
    for i, t in enumerate(toks):
        pos = t.pos
        if pos == "VERB" or pos == "AUX":
            if lex.entries(t.lemma, t.text):
                return True
        elif pos == "NOUN" or pos == "PROPN":
            lem = t.lemma.lower()
            if lem in nouns or t.text.lower() in nouns:
                return True
    # Two-word nouns ("hunger strike") end in a noun that may not be an event alone.
    if lex.compound_heads:
        for t in toks:
            if (t.pos == "NOUN" or t.pos == "PROPN") and t.lemma.lower() in lex.compound_heads:
                return True
    return False


def code_document(
    sentences: list[Sentence],
    resolver,
    pubdate,
    doc_id: str,
    *,
    mentions: dict[int, list] | None = None,
) -> list[Event]:
    """Code every sentence of a document, dating each event from the date words nearest
    its trigger (``dates.resolve_event_date``), earlier sentences serving as anchors for
    back-references ("the same day").

    ``mentions`` maps a sentence's ``idx`` to the ``ActorMatch`` list that
    ``resolver.find(sentence.text)`` returned (offsets within the sentence), so a caller
    that has already run the actor pre-filter does not pay for it twice. A resolver with
    a ``learn(matches)`` method is taught each sentence's mentions when the sentence is
    coded, keeping its coreference memory as if it had run ``find`` itself."""
    pub = getattr(pubdate, "date", pubdate)
    resolve_date = _date_resolver()
    lex = cameo.load_verbs()
    _parse_group_sentences(sentences, resolver)
    previous: list[str] = []  # earlier sentence texts, most recent first
    events: list[Event] = []
    for sent in sentences:
        date_for = None
        if resolve_date is not None and pubdate is not None and hasattr(pubdate, "date"):
            def date_for(offset, _text=sent.text, _prev=tuple(previous)):
                ed = resolve_date(_text, pubdate, previous=_prev, trigger_offset=offset)
                return getattr(ed, "date", None), getattr(ed, "precision", "unknown")
        events.extend(
            code_sentence(sent, resolver, doc_id=doc_id, lexicon=lex, pubdate=pub,
                          date_for=date_for,
                          mentions=None if mentions is None else mentions.get(sent.idx))
        )
        previous.insert(0, sent.text)
    return events


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
        from .. import nlp

        for sent, (tokens, ents) in zip(todo, nlp.parse((s.text, s.start) for s in todo)):
            sent.tokens = tokens
            sent.entities = ents
    except Exception:  # no parser model: such sentences stay uncoded
        return


def _date_resolver():
    try:
        from ..dates import resolve_event_date
    except Exception:  # dates.py is optional for coding
        return None
    return resolve_event_date
