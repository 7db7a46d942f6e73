"""The parsed sentence as the candidate coder reads it: ``_Sent``, a view over one
sentence's tokens (heads, children, subtrees, the actors its phrases name, coordinated
actors), ``_Found`` (an event before it becomes an ``Event``), and the small helpers and
word lists that several steps share."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ... import cameo
from ...models import ActorRef, Sentence, Token

_SUBJ = {"nsubj", "csubj"}
_CLAUSAL = {"ccomp", "advcl", "relcl", "parataxis", "acl", "csubj", "conj"}
_GROUP = re.compile(r"^(the\s+)?(two|both|three|four)\s+(\w+\s+)?(leaders|sides|countries|"
                    r"nations|presidents|ministers|parties|governments|men|officials|states|"
                    r"heads)\b|^both\b", re.I)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# Heads that name people or bodies where the actor dictionaries may know only longer
# titles ("security chief", "the Chinese delegation"): a possessor or modifier of
# these names whose they are ("Egypt's security chief"), so the phrase is an actor.
_ROLE_HEADS = frozenset({
    "chief", "head", "delegation", "delegate", "force", "forces", "troops", "officer",
    "counterpart", "team", "envoy", "staff", "crew", "contingent", "unit", "battalion",
    "brigade", "squad", "side", "people", "representative", "member", "members",
    "commander", "negotiator", "lawmaker", "legislator", "diplomat",
})
_NON_NOMINAL = frozenset({"VERB", "AUX", "ADP", "SCONJ", "CCONJ", "ADV", "PART", "INTJ"})
_HYPO_HEADS = {"want", "hope", "wish", "seek", "propose", "consider", "likely", "possible",
               "try", "attempt", "urge", "ask", "call", "invite", "suggest", "threaten",
               "warn", "demand", "request", "mull", "weigh", "able", "ready", "willing",
               "prepared", "eager", "keen", "capable"}
_NEG_HEADS = {"refuse", "fail", "decline", "deny", "reject", "avoid", "cancel", "postpone",
              "abandon", "halt", "stop", "unable"}
# Heads whose subject states its own will or commitment ("wants to", "is ready to").
_INTENT_HEADS = frozenset({
    "want", "hope", "wish", "seek", "propose", "consider", "plan", "intend", "offer",
    "pledge", "promise", "vow", "agree", "decide", "commit", "prepare", "ready", "willing",
    "prepared", "eager", "keen", "aim", "undertake", "arrange", "resolve", "expect",
    "determined", "mull", "weigh", "intent", "set"})


@dataclass
class _Found:
    """An event before it becomes an ``Event``: token indexes and codes."""

    trigger: int
    code: str
    reverse: str | None
    weight: int
    nominal: bool = False
    pattern: cameo.Pattern | None = None


def children(tokens: list[Token]) -> list[list[int]]:
    """Each token's dependents (indexes, in order) from the tokens' head indexes."""
    out: list[list[int]] = [[] for _ in tokens]
    for i, t in enumerate(tokens):
        if t.head != i and 0 <= t.head < len(tokens):
            out[t.head].append(i)
    return out


class _Sent:
    """Per-sentence parse helpers: children lists and actor lookups, built once."""

    def __init__(self, sent: Sentence, resolver, mentions=None) -> None:
        self.sent = sent
        self.toks: list[Token] = sent.tokens
        self.resolver = resolver
        self.deps: list[str] = [t.dep for t in self.toks]
        self.children: list[list[int]] = children(self.toks)
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


def _pobj(s: _Sent, prep: int) -> list[int]:
    return s.kids(prep, "pobj", "pcomp")


def _clause_head(s: _Sent, v: int) -> int:
    """The first member of the verb conjunction ``v`` belongs to ("protect X and prevent
    Y" → protect), whose dependency names the role of them all."""
    for _ in range(6):
        h = s.head(v)
        if s.deps[v] != "conj" or h is None or s.toks[h].pos not in ("VERB", "AUX"):
            break
        v = h
    return v


def _verb_of(s: _Sent, i: int) -> int:
    """``i`` itself when it is a verb, else the nearest verb above it (a noun's clause)."""
    if s.toks[i].pos in ("VERB", "AUX"):
        return i
    return next((a for a in s.ancestors(i) if s.toks[a].pos in ("VERB", "AUX")), i)
