"""Lexicon matching: a verb's CAMEO patterns read against the words of its own clause
(left and right context, without adjuncts), and the cheap pre-check that a sentence has
any lexicon verb or event noun at all."""

from __future__ import annotations

from ... import cameo
from ...models import Token
from .sentence import _SUBJ, _Found, _Sent


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
