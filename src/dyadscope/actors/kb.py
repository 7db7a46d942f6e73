"""``ActorKB``: the actor base — its phrase trie, people, organisations, countries and
role words — and resolving a mention on a date."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from dyadscope.models import ActorRef
from .text import (
    _SEG_SPLIT, _WS, _longest_matches, _split_at, norm_phrase, parse_date, replace, tokenize,
)
from .records import ActorMatch, _PRIO
from .words import (
    _CONTEXT_MAX_TOKENS, _DETS, _FORMER, _FUZZY_MIN, _FUZZY_STOP, _GENERIC_HEADS,
    _GENERIC_TITLES, _LOCATIVE, _PEOPLE_NOUNS, _PLACE_NOUNS, _PREPS, _RANKS, _STATE_MEDIA,
    _gazetteer_country, _locative_before, _names_someone, _place_country, subdivision_country,
    text_is_upper,
)
from .files import split_code
from .resolver import DocResolver

if TYPE_CHECKING:
    from .records import Actor


class ActorKB:
    """Countries, organisations, people with dated roles, and agent words."""

    def __init__(self) -> None:
        self.actors: list[Actor] = []
        self.countries: dict[str, dict] = {}
        self.trie: dict = {}
        self._ids: dict[str, int] = {}
        self.default_date: str | None = None
        # bare surnames of prominent office-holders: token -> (actor index, country
        # the document must be about, or None); see find()
        self.surnames: dict[str, tuple[int, str | None]] = {}
        # fuzzy fallback for misspelt country words: (vocabulary, tokens known exactly)
        self._fz: tuple[dict[str, frozenset], frozenset] | None = None
        self._fz_cache: dict[str, str | None] = {}
        self._fz_words: list[str] = []
        # PETRARCH code composition, set up only when a PETRARCH dictionary is loaded:
        # a token trie whose leaves ({"A": [dated codes], "G": agent code}) give each
        # actor phrase its codes in file order and each agent phrase its raw code
        self.petr_trie: dict | None = None
        # sentence-context countries of under-specified named mentions (bounded)
        self._ctx_cache: dict = {}

    # -------------------------------------------------------------- building
    def _add_phrase(self, phrase: str | tuple, item: tuple, prio: int = 0) -> None:
        toks = phrase if isinstance(phrase, tuple) else norm_phrase(phrase)
        if self._fz is not None:  # new words: rebuild the fuzzy tables on next use
            self._fz = None
            self._fz_cache.clear()
        if len(toks) > 1 and toks[0] == "the":
            toks = toks[1:]
        if not toks:
            return
        node = self.trie
        for t in toks:
            node = node.setdefault(t, {})
        items = node.get(None)
        if items is None:
            node[None] = [(prio, item)]
        else:
            # a higher-priority source (user > curated > phoenix) shadows lower ones of
            # the same kind, so overrides replace rather than add ambiguity
            same = [i for i, (p, it) in enumerate(items) if it[0] == item[0]]
            if same and item[0] in "XG":
                if prio >= max(items[i][0] for i in same):
                    for i in reversed(same):
                        if items[i][0] < prio or item[0] == "G":
                            items.pop(i)
                    items.append((prio, item))
                return
            if (prio, item) not in items:
                items.append((prio, item))

    def add_actor(self, actor: Actor, prio: int = 0, names: Iterable[str] = ()) -> int:
        idx = self._ids.get(actor.actor_id)
        if idx is not None:
            self.actors[idx] = actor
        else:
            idx = len(self.actors)
            self.actors.append(actor)
            self._ids[actor.actor_id] = idx
        for n in [actor.name, *actor.aliases, *names]:
            self._add_phrase(n, ("X", idx), prio)
        return idx

    def add_country(self, code: str, names=(), adjectives=(), capitals=(), places=(),
                    prio: int = 0) -> None:
        info = self.countries.setdefault(code, {"name": None})
        if names and not info["name"]:
            info["name"] = names[0]
        for n in [*names, *adjectives]:
            self._add_phrase(n, ("C", code), prio)
        for n in capitals:
            self._add_phrase(n, ("M", code), prio)
        for n in places:
            self._add_phrase(n, ("P", code), prio)

    def add_agent(self, phrase: str, sector: str, prio: int = 0) -> None:
        self._add_phrase(phrase, ("G", sector), prio)

    def add_surname(self, surname: str, actor_id: str, context: str | None = None,
                    prio: int = 0) -> None:
        """Let ``surname`` alone name ``actor_id`` while in office (see ``find``)."""
        idx = self._ids.get(actor_id)
        toks = norm_phrase(surname)
        if idx is None or len(toks) != 1:
            raise ValueError(f"surname {surname!r}: unknown actor {actor_id!r} or not one word")
        node = self.trie.setdefault(toks[0], {})
        items = node.setdefault(None, [])
        # the surname replaces other people's single-word claims on the same word
        items[:] = [(p, it) for p, it in items if it[0] != "X" or
                    not self.actors[it[1]].kind == "person"]
        items.append((max(prio, 1), ("X", idx)))
        self.surnames[toks[0]] = (idx, context or None)

    def actor(self, actor_id: str) -> Actor | None:
        i = self._ids.get(actor_id)
        return None if i is None else self.actors[i]

    # -------------------------------------------------------------- matching
    def _scan(self, toks: list[tuple[str, int, int]]) -> list[tuple[int, int, list]]:
        """Longest trie matches left to right: (first token, end token, items)."""
        return _longest_matches(self.trie, toks)

    @staticmethod
    def _best(items: list, kinds: str = "XMCGP"):
        """The item to use: by kind (_PRIO), then by source priority (user > curated)."""
        best = None
        bk = None
        for p, it in items:
            k = it[0]
            if k in kinds:
                key = (_PRIO[k], -p)
                if bk is None or key < bk:
                    best, bk = it, key
        return best

    def _actor_ref(self, text: str, idx: int, date: str | None, method="dictionary",
                   evidence=None) -> ActorRef:
        a = self.actors[idx]
        country, sector, office = a.role_at(date)
        return ActorRef(text=text, name=a.name, country=country, sector=sector,
                        actor_id=a.actor_id, method=method,
                        evidence=evidence or (office or None))

    def find(self, text: str, date: str | None = None, agents: bool = True,
             countries: frozenset | set | None = None) -> list[ActorMatch]:
        """Actor mentions in a short text, longest first, merged with their modifiers.

        "North Korean leader Kim Jong Un" is one mention (the person); "Chinese soldiers"
        is one (CHN MIL); a role word followed by unknown capitalised words ("Foreign
        Minister Park Jin") becomes an inferred person. Bare generic words (UNK) are skipped.
        A bare prominent surname ("Xi", "Putin") counts only from its bearer's first
        public role on; one shared by many ("Kim") only when ``countries`` (those the
        document is about) include the entry's country.
        """
        date = parse_date(date) if date is not None else self.default_date
        toks = tokenize(text)
        if not toks:
            return []
        hits = self._scan(toks)
        if self.surnames:
            hits = self._gate_surnames(toks, hits, date, countries)
        hits = self._case_filter(text, toks, hits)
        out = self._compose(text, toks, hits, date, agents)
        if "(" in text:  # "Janata Dal (United)": the span takes the closing bracket
            out = [ActorMatch(m.start, m.end + 1, replace(m.ref, text=text[m.start:m.end + 1]))
                   if text[m.end:m.end + 1] == ")"
                   and text[m.start:m.end].count("(") > text[m.start:m.end].count(")")
                   else m for m in out]
        return out

    def _surname_ok(self, tok: str, date: str | None, countries=None) -> int | None:
        """Actor index for a bare prominent surname, if it may stand alone here.

        It may once the person has taken a public role (by the date; afterwards as ELI,
        so "Trump" is GOV only during his terms), and, for a surname shared by many
        ("Kim"), only when the document is about the country named in the entry.
        """
        idx, ctx = self.surnames[tok]
        if ctx and (not countries or ctx not in countries):
            return None
        if date is not None and self.actors[idx].roles:
            _, sec, _ = self.actors[idx].role_at(date)
            if sec is None:  # before any public role: another bearer of the name
                return None
        return idx

    def _gate_surnames(self, toks, hits, date, countries):
        out = []
        for h in hits:
            a, b, items = h
            if b - a == 1 and toks[a][0] in self.surnames:
                idx = self.surnames[toks[a][0]][0]
                if any(it == ("X", idx) for _, it in items) and \
                        self._surname_ok(toks[a][0], date, countries) is None:
                    rest = [(p, it) for p, it in items if it != ("X", idx)]
                    if rest:
                        out.append((a, b, rest))
                    continue
            out.append(h)
        return out

    def _case_filter(self, text, toks, hits):
        """In mixed-case text, names must look like names: "us"/"who" are not US/WHO."""
        if text.islower() or text.isupper():
            return hits
        out = []
        for a, b, items in hits:
            span = text[toks[a][1]:toks[b - 1][2]]
            if span[:1].isupper() and (len(span) > 3 or b - a > 1 or span.isupper()
                                       or span[1:].islower() and (len(span) > 2
                                                                  or toks[a][0] in self.surnames)):
                out.append((a, b, items))
                continue
            if not span[:1].isupper() or (len(span) <= 3 and not span.isupper()):
                g = [(p, it) for p, it in items if it[0] == "G"]
                if g:
                    out.append((a, b, g))
                continue
            out.append((a, b, items))
        return out

    def _compose(self, text, toks, hits, date, agents=True) -> list[ActorMatch]:
        out: list[ActorMatch] = []
        k = 0
        while k < len(hits):
            # group adjacent hits (allowing a possessive 's between them)
            group = [hits[k]]
            while k + 1 < len(hits):
                prev_end = group[-1][1]
                nxt = hits[k + 1]
                gap = [t[0] for t in toks[prev_end:nxt[0]]]
                between = text[toks[prev_end - 1][2]:toks[nxt[0]][1]]
                if gap in ([], ["'s"]) and between.replace("'s", " ").replace("’s", " ").strip(" -") == "" \
                        and self._best(group[-1][2], "CMPG") is not None \
                        and self._best(nxt[2], "GX") is not None:
                    group.append(nxt)
                    k += 1
                else:
                    break
            k += 1
            ref, s_tok, e_tok = self._group_ref(text, toks, group, date)
            if ref is None:
                continue
            if not agents and ref.actor_id is None and ref.country is None:
                continue
            span = text[toks[s_tok][1]:toks[e_tok - 1][2]]
            if self.petr_trie is not None:
                ref = replace(ref, codes=self.petr_codes(span, date, prefer=ref) or ref.codes)
            out.append(ActorMatch(toks[s_tok][1], toks[e_tok - 1][2], replace(ref, text=span)))
        return out

    def _group_ref(self, text, toks, group, date):
        country = sector = None
        evidence = []
        method = "dictionary"
        s_tok, e_tok = group[0][0], group[-1][1]
        for i, (a, b, items) in enumerate(group):
            it = self._best(items)
            words = text[toks[a][1]:toks[b - 1][2]]
            if it[0] == "X":
                ref = self._actor_ref(text, it[1], date)
                if ref.country is None and country:
                    ref = replace(ref, country=country)
                if ref.sector is None and sector:
                    ref = replace(ref, sector=sector)
                return ref, s_tok, b
            if it[0] in "CP":
                country = country or it[1]
                evidence.append(words)
            elif it[0] == "M":
                country = country or it[1]
                if i == len(group) - 1:
                    sector = sector or "GOV"
                    method = "metonym"
                evidence.append(words)
            elif it[0] == "G":
                sector = it[1]
                evidence.append(words)
        last_kind = self._best(group[-1][2])[0]
        if last_kind == "G":
            # role word + unknown capitalised name -> an inferred person
            j = e_tok
            while j < len(toks) and j - e_tok < 4 and text[toks[j][1]].isupper() \
                    and toks[j][0] != "'s" and not self._scan([toks[j]]):
                j += 1
            if j > e_tok:
                name = text[toks[e_tok][1]:toks[j - 1][2]]
                return ActorRef(text=text, name=name, country=country, sector=sector,
                                method="inferred", evidence=" ".join(evidence)), s_tok, j
            if sector in ("UNK", "JNK") and country is None:
                return None, s_tok, e_tok
        if last_kind == "P" and sector is None:
            pass
        return ActorRef(text=text, country=country, sector=sector, method=method,
                        evidence=" ".join(evidence) or None), s_tok, e_tok

    # -------------------------------------------------------------- resolving
    def resolve(self, text: str, context: str | None = None, date=None,
                countries: frozenset | set | None = None) -> ActorRef:
        """Resolve one noun phrase to country + sector (+ actor_id when known).

        Apposition and "of"/"to"/"in" phrases are read for what they say of the head:
        "Zhao Leji, chairman of China's National People's Congress" is the known person;
        an unknown name with that description is inferred as CHN LEG. A title in the text
        ("US Senator Marco Rubio") picks the matching office when no date says otherwise.
        """
        date = parse_date(date) if date is not None else self.default_date
        ref = self._resolve(text, context, date, countries)
        if self.petr_trie is not None:
            codes = self.petr_codes(text, date, prefer=ref)
            if codes:
                ref = replace(ref, codes=codes)
        if ref.country is None and not ref.actor_id and text:
            fixed = self._fuzzy_fix(text)
            if fixed is not None:
                new_text, fixes = fixed
                fr = self._resolve(new_text, context, date, countries)
                if fr.country is not None:
                    ev = "fuzzy: " + ", ".join(f"{a}~{b}" for a, b in fixes)
                    return replace(fr, text=ref.text, method="fuzzy",
                                   evidence=f"{ev}; {fr.evidence}" if fr.evidence else ev)
        return ref

    # ------------------------------------------------------------ PETRARCH codes
    def _add_petr(self, phrase: str, kind: str, value) -> None:
        toks = norm_phrase(phrase)
        if len(toks) > 1 and toks[0] == "the":
            toks = toks[1:]
        if not toks:
            return
        if self.petr_trie is None:
            self.petr_trie = {}
        node = self.petr_trie
        for t in toks:
            node = node.setdefault(t, {})
        leaf = node.setdefault(None, {})
        leaf[kind] = value  # a later entry for the same phrase replaces an earlier one

    def _petr_scan(self, toks, kind: str, skip: tuple[int, int] = (0, 0)):
        """Leftmost-longest, non-overlapping phrases of ``kind`` ("A" or "G")."""
        return _longest_matches(self.petr_trie, toks, kind, skip)

    def _petr_country(self, entries, date) -> str | None:
        code = self._petr_select(entries, date)
        if not code:
            return None
        return split_code(code.split("/")[0], self.countries.keys() | {"UNO", "EUR", "IGO"})[0]

    @staticmethod
    def _petr_select(entries, date: str | None) -> str | None:
        """The code of an actor on ``date`` by PETRARCH's rule: the first date restriction
        (in file order) that holds, ``<d`` and ``>d`` and ``d1-d2`` all inclusive; else
        the first unrestricted code; None when neither exists. Undated: the unrestricted
        code, else the last restriction."""
        if date is not None:
            for code, kind, d1, d2 in entries:
                if kind == "<" and date <= d1 or kind == ">" and date >= d1 or \
                        kind == "-" and d1 <= date <= d2:
                    return code
        for code, kind, _, _ in entries:
            if kind is None:
                return code
        if date is None and entries:
            return entries[-1][0]
        return None

    def petr_codes(self, text: str, date: str | None = None,
                   prefer: ActorRef | None = None) -> tuple[str, ...]:
        """PETRARCH's composite codes for a noun phrase, from user PETRARCH dictionaries.

        As PETRARCH composes them: the code of the first actor in the phrase (``---``
        when the phrase has agents only; where ``prefer``, the resolver's reading of
        the phrase, chose another actor of the phrase, that one), then each agent's
        code in phrase order, put after it (``[~GOV]``) or before it (``[NGO~]``),
        unless that code is already in the composite at a three-character boundary,
        which ends the composition ("Quibbler government newspaper": HGWGOVMED +
        GOVMED stays HGWGOVMED). An agent after "former" is ELI (TABARI's FORMER
        rule). A compound dictionary code (``[AAA/BBB]``) gives one composite per
        part. Empty without PETRARCH dictionaries, or when the phrase has no actor or
        agent in them, or when no code of its actor covers the date.
        """
        if self.petr_trie is None or not text:
            return ()
        date = parse_date(date) if date is not None else self.default_date
        toks = tokenize(text)
        actors = self._petr_scan(toks, "A")
        pick = actors[0] if actors else None
        if prefer is not None and len(actors) > 1:
            pick = next((m for m in actors if prefer.actor_id and m[2][0] == prefer.actor_id),
                        None) or next((m for m in actors if prefer.country and
                                       self._petr_country(m[2][1], date) == prefer.country),
                                      None) or pick
        span = (pick[0], pick[1]) if pick else (0, 0)
        agents = []
        for a, _, c in self._petr_scan(toks, "G", span):
            if any(t in _FORMER for t, _, _ in toks[:a]):
                c = "~ELI"
            agents.append(c)
        if not actors and not agents:
            return ()
        base = self._petr_select(pick[2][1], date) if pick else "---"
        if base is None:
            return ()
        out = []
        for code in base.split("/"):
            code = code.strip().upper() or "---"
            for ag in agents:
                prefix = ag.endswith("~") and not ag.startswith("~")
                agc = ag.strip("~")
                if not agc:
                    continue
                if any(code[k:k + len(agc)] == agc for k in range(0, len(code) - len(agc) + 1, 3)):
                    break
                code = agc + code if prefix else code + agc
            if code not in out:
                out.append(code)
        return tuple(out)

    # ------------------------------------------------------------ fuzzy fallback
    def _fuzzy_tables(self) -> tuple[dict[str, frozenset], frozenset]:
        """(country/capital/nationality words, every token the dictionaries know).

        A word of a country name, demonym or capital is a target when it has at least
        _FUZZY_MIN letters and either names a country alone or is not a generic part of
        many names ("republic", "islands": in names of three or more countries). Each
        maps to the countries it names.
        """
        if self._fz is None:
            codes: dict[str, set] = {}
            known = set()
            stack = [((), self.trie)]
            while stack:
                path, node = stack.pop()
                for k, v in node.items():
                    if k is None:
                        for _, it in v:
                            if it[0] in "CM":
                                for t in path:
                                    codes.setdefault(t, set()).add(it[1])
                    else:
                        known.add(k)
                        stack.append((path + (k,), v))
            vocab = {}
            for t, cs in codes.items():
                if len(t) < _FUZZY_MIN or not t.isalpha():
                    continue
                alone = {it[1] for _, it in (self.trie.get(t) or {}).get(None) or ()
                         if it[0] in "CM"}
                if alone or len(cs) < 3:
                    vocab[t] = frozenset(alone or cs)
            self._fz = (vocab, frozenset(known))
            self._fz_words = list(vocab)
        return self._fz

    def _fuzzy_fix(self, text: str) -> tuple[str, list[tuple[str, str]]] | None:
        """``text`` with misspelt country words corrected, or None.

        Only tokens the dictionaries do not know at all (so never a word of a person's
        name in the tables), of at least _FUZZY_MIN letters, capitalised unless the text
        is all one case, and within one edit (insert, delete, substitute or swap two
        neighbours) of exactly one country/capital/nationality word.
        """
        toks = tokenize(text)
        if not toks:
            return None
        one_case = text.islower() or text.isupper()
        vocab = known = None
        fixes = []
        out, pos = [], 0
        for t, s, e in toks:
            if len(t) < _FUZZY_MIN or not t.isalpha() or t in _FUZZY_STOP:
                continue
            if not one_case and not text[s].isupper():
                continue
            if vocab is None:
                vocab, known = self._fuzzy_tables()
            if t in known:
                continue
            if t in self._fz_cache:
                best = self._fz_cache[t]
            else:
                from rapidfuzz import process
                from rapidfuzz.distance import OSA

                cands = [c for c, _, _ in process.extract(
                    t, self._fz_words, scorer=OSA.distance, score_cutoff=1, limit=4)]
                # several near words are fine when they all name the same one country
                # ("Jordn": jordan/jordon); otherwise the spelling is ambiguous
                shared = frozenset.intersection(*(vocab[c] for c in cands)) if cands \
                    else frozenset()
                best = cands[0] if len(cands) == 1 or (len(shared) == 1 and len(cands) < 4) \
                    else None
                if len(self._fz_cache) < 5000:
                    self._fz_cache[t] = best
            if best is None:
                continue
            word = text[s:e]
            rep = best.upper() if word.isupper() else \
                best.capitalize() if word[:1].isupper() else best
            out.append(text[pos:s])
            out.append(rep)
            pos = e
            fixes.append((word, rep))
        if not fixes:
            return None
        out.append(text[pos:])
        return "".join(out), fixes

    def _resolve(self, text, context, date, countries) -> ActorRef:
        raw = text
        text = _WS.sub(" ", (text or "").strip())
        if not text:
            return ActorRef(text=raw)
        # a comma between digits ("500,000 workers") separates nothing; a bracket inside
        # a dictionary name ("Janata Dal (United)", "CPI(M)") is part of the name
        segs = [s for s in _split_at(_SEG_SPLIT, text, self._bracket_names(text)) if s.strip()]
        head, desc = segs[0].strip(), [d.strip() for d in segs[1:]]
        toks = tokenize(head)
        hits = self._scan(toks)
        cut = self._cut(toks, hits)
        core_end = toks[cut - 1][2] if 0 < cut < len(toks) else len(head)
        hm = self.find(head, date, countries=countries)
        persons = [m for m in hm if m.ref.actor_id and self._is_person(m.ref.actor_id)]
        orgs = [m for m in hm if m.ref.actor_id and not self._is_person(m.ref.actor_id)
                and m.end <= core_end]
        inferred = self._infer(head, desc, context, date, allow_actor=False, countries=countries)
        former = any(t in _FORMER for t, _, _ in toks[:cut])
        if persons:
            m = persons[-1]
            ref = self._titled_role(m, head, date) if date is None else m.ref
            if former and any(toks[i][1] < m.start and toks[i][0] in _FORMER for i in range(cut)):
                ref = replace(ref, sector="ELI")
            return replace(self._fill(ref, inferred), text=raw)
        if orgs:
            m = orgs[-1]
            a = self.actor(m.ref.actor_id)
            # a modifier naming another country makes a generic org name
            # ("Chile's Defense Department", "Canadian envoy to the UN") a description;
            # a role word after the org ("a former White House official") is the head
            own = a.country if a else None
            conflict = own and inferred.country and own != inferred.country
            tail_role = any(self._best(items)[0] == "G" for x, y, items in hits
                            if toks[x][1] >= m.end and toks[y - 1][2] <= core_end)
            if not conflict and not tail_role:
                ref = self._fill(m.ref, inferred)
                if former and ref.sector not in (None, "CVL"):
                    ref = replace(ref, sector="ELI")
                return replace(ref, text=raw)
            if not conflict:
                inferred = replace(inferred, country=inferred.country or own,
                                   sector=inferred.sector or m.ref.sector)
        return replace(inferred, text=raw)

    def _bracket_names(self, text: str) -> list[tuple[int, int]]:
        """Character spans of dictionary phrases that contain a bracket, with the
        closing bracket after them ("Janata Dal (United)": tokens stop before it)."""
        if "(" not in text:
            return []
        toks = tokenize(text)
        spans = []
        for a, b, _ in self._scan(toks):
            st, en = toks[a][1], toks[b - 1][2]
            if "(" in text[st:en]:
                if text[st:en].count("(") > text[st:en].count(")") and text[en:en + 1] == ")":
                    en += 1
                spans.append((st, en))
        return spans

    def _cut(self, toks, hits) -> int:
        """Index of the first preposition outside any dictionary phrase."""
        covered = set()
        for a, b, _ in hits:
            covered.update(range(a, b))
        for i, (t, _, _) in enumerate(toks):
            if i > 0 and t in _PREPS and i not in covered \
                    and not (t == "to" and toks[i - 1][0] == "up"):  # "up to 500 troops"
                return i
        return len(toks)

    def _titled_role(self, m: ActorMatch, head: str, date) -> ActorRef:
        a = self.actor(m.ref.actor_id)
        if a is None or not a.roles:
            return m.ref
        said = {it[1] for _, _, items in self._scan(tokenize(head))
                for _, it in items if it[0] == "G"}
        if m.ref.sector in said or not said:
            return m.ref
        for r in sorted(a.roles, key=lambda r: r.start or "", reverse=True):
            if r.sector in said:
                return replace(m.ref, sector=r.sector, country=r.country or a.country,
                               evidence=r.office or m.ref.evidence)
        return m.ref

    def _is_person(self, actor_id: str) -> bool:
        a = self.actor(actor_id)
        return a is not None and a.kind == "person"

    @staticmethod
    def _fill(ref, inf):
        if ref.country is None or ref.sector is None:
            ref = replace(ref, country=ref.country or inf.country,
                          sector=ref.sector or inf.sector)
        return ref

    def _sector_of(self, toks, hits) -> tuple[str | None, list[str]]:
        """Sector of a noun compound: its head agent, unless the head is generic."""
        agents = []
        for a, b, items in hits:
            it = self._best(items)
            if it[0] == "G":
                agents.append((a, b, it[1], " ".join(t for t, _, _ in toks[a:b])))
            elif it[0] == "X":
                # a word that is both one country's body and a generic role ("defense
                # department": the US military, or any government's department) means
                # the generic role inside a description
                g = self._best(items, "G")
                sec = g[1] if g is not None else self._actor_ref("", it[1], None).sector
                if sec:
                    agents.append((a, b, sec, " ".join(t for t, _, _ in toks[a:b])))
        if not agents:
            return None, []
        words = [w for _, _, _, w in agents]
        a, b, sec, w = agents[-1]
        if set(w.replace("-", " ").split()) <= _RANKS and len(agents) > 1:
            # "Deputy Minister of Defense Colonel-General X": the office is the head
            # title, the rank an honorific (an office that is itself military stays MIL)
            for a2, b2, sec2, w2 in reversed(agents[:-1]):
                if sec2 not in ("UNK", "JNK") and not set(w2.split()) <= _RANKS | _GENERIC_HEADS:
                    sec = sec2
                    break
        if sec in ("UNK", "JNK") or set(w.split()) <= _GENERIC_HEADS:
            for a2, b2, sec2, w2 in reversed(agents[:-1]):
                if sec2 not in ("UNK", "JNK"):
                    sec = sec2
                    break
        if sec in ("CVL", "UNK") or set(w.split()) <= _GENERIC_HEADS:
            # a religious identity before a civilian or generic head ("Jewish community
            # leader", "Muslim residents") is the religious sector, as CAMEO codes it
            if any(sec2 == "REL" for _, _, sec2, _ in agents[:-1]):
                sec = "REL"
        tokset = {t for t, _, _ in toks}
        if tokset & _FORMER and sec not in (None, "UNK", "JNK", "CVL"):
            sec = "ELI"
        if sec == "JRN" and tokset & _STATE_MEDIA:
            sec = "GOV"
        return sec, words

    def _infer(self, head: str, desc: list[str], context, date, allow_actor=True,
               countries=None) -> ActorRef:
        """Country and sector from the words of a phrase when no known actor heads it."""
        toks = tokenize(head)
        hits = self._scan(toks)
        if self.surnames:
            hits = self._gate_surnames(toks, hits, date, countries)
        cut = self._cut(toks, hits)
        prep = toks[cut][0] if cut < len(toks) else None
        core, tail = toks[:cut], toks[cut + 1:]
        core_hits = [h for h in hits if h[1] <= cut]
        tail_hits = self._scan(tail)
        country = None
        evidence = []
        method = "inferred"
        sector, words = self._sector_of(core, core_hits)
        evidence += words
        body_country = None  # the home country of a body whose name is also generic
        for a, b, items in core_hits:
            it = self._best(items)
            w = " ".join(t for t, _, _ in core[a:b])
            if it[0] == "X":
                ref = self._actor_ref(head, it[1], date)
                if self._best(items, "G") is not None:
                    # "Ministry of Defence" is Britain's, or any government's: a
                    # country named after it ("... of Ukraine") decides
                    body_country = body_country or ref.country
                else:
                    country = country or ref.country
            elif it[0] in "CP":
                country = country or it[1]
                evidence.append(w)
                if it[0] == "P" and b == len(core) and sector is None:
                    sector = "CVL"
            elif it[0] == "M":
                country = country or it[1]
                if b == len(core) and all(t in _DETS for t, _, _ in core[:a]) and sector is None:
                    sector, method = "GOV", "metonym"
                evidence.append(w)
        named_party = False
        if core and core[-1][0] == "party" and (text_is_upper(head, core[-1]) or
                                                 (len(core) > 1 and core[-2][0] == "political")) \
                and not any(a < len(core) <= b and b - a > 1 for a, b, _ in core_hits):
            # "Zorbanian People's Party", "a political party": the head word names a
            # party whatever its modifiers say ("Workers' Party"); a longer role phrase
            # ending in it ("ruling party", "opposition party") keeps its own sector
            sector = "PTY"
            evidence.append("party")
            named_party = True
        tail_sector, tw = self._sector_of(tail, tail_hits)
        tail_country = None
        for a, b, items in tail_hits:
            it = self._best(items)
            if it[0] == "X":
                tail_country = tail_country or self._actor_ref(head, it[1], date).country
            elif it[0] in "CPM":
                tail_country = tail_country or it[1]
            evidence.append(" ".join(t for t, _, _ in tail[a:b]))
        core_agent_words = set(" ".join(words).split())
        head_title = core[-1][0] if core else ""
        generic_core = sector is None or sector in ("UNK", "JNK") or \
            (prep == "of" and head_title in _GENERIC_TITLES and tail_sector not in (None, "UNK")) or \
            (core_agent_words and core_agent_words <= _GENERIC_HEADS)
        if prep == "of" and tail_sector and generic_core:
            sector = tail_sector
        elif sector is None and tail_sector and prep != "to":
            sector = tail_sector
        if country is None and tail_country and prep != "to":
            country = tail_country
        if country is None and body_country:
            country = body_country
        if country is None and sector not in (None, "UNK", "JNK") and tail and prep != "to":
            # a town the base does not list, named in the mention ("mayor of Turbat")
            pc = _place_country(head, toks[cut:])
            if pc is not None:
                country = pc[0]
                evidence.append(f"place: {pc[1]}")
        if prep in ("in", "across", "from") and tail_country and (sector in (None, "UNK")) \
                and core and core[-1][0] in _PLACE_NOUNS | _PEOPLE_NOUNS:
            sector = "UNK" if core[-1][0] in ("regions", "region", "areas", "area") else "CVL"
        for d in desc:
            dr = self._infer(d, [], None, date, allow_actor=False)
            if country is None and dr.country:
                country = dr.country
                evidence.append(d)
            if sector is None and dr.sector:
                sector = dr.sector
                if d not in evidence:
                    evidence.append(d)
        if country is None and sector not in (None, "UNK", "JNK"):
            # a title naming a province or state of one country ("Sindh Chief Minister")
            sd = subdivision_country(head, toks)
            if sd is not None:
                country = sd[0]
                evidence.append(f"subdivision: {sd[1]}")
        if country is None and context and (sector is not None or hits) \
                and len(tokenize(context)) <= _CONTEXT_MAX_TOKENS:
            # a short context ("Russia" for "FSB") says where; a whole sentence does not:
            # "the bilateral assembly" in a sentence naming Russia is not Russian
            cr = self._infer(context, [], None, date, allow_actor=False)
            if cr.country:
                country = cr.country
                evidence.append(f"context: {context}")
        elif country is None and context and sector not in (None, "UNK", "JNK") \
                and _names_someone(head, core, core_hits):
            # a named person or body outside the base ("Deputy Minister Ann Vell"): what
            # the sentence says of it, or where it puts it when it names one country only
            cc = self._context_country(head, context, date)
            if cc is not None:
                country = cc[0]
                evidence.append(f"context: {cc[1]}")
        if sector is None and country is not None and not desc and core and core_hits \
                and core_hits[-1][1] == len(core) - 1 and core[-1][0].isalpha() \
                and self._best(core_hits[-1][2])[0] == "C" and head[core[-1][1]].islower() \
                and core[-1][0] not in _PEOPLE_NOUNS:
            # "Syrian island": a country word modifying an unknown common noun
            sector = "UNK"
            evidence.append(core[-1][0])
        if sector is None and country is None:
            return ActorRef(text=head)
        if not hits and not desc and not named_party:
            return ActorRef(text=head)
        name = None
        if not hits and head[:1].isupper() and desc:
            name = head  # an unknown named person described in apposition
        elif hits and hits[-1][1] < len(core) and all(text_is_upper(head, t) for t in core[hits[-1][1]:]):
            name = head[core[hits[-1][1]][1]:core[-1][2]]
        if (method == "inferred" and len(hits) == 1 and not desc
                and hits[0][1] - hits[0][0] == len(toks)):
            method = "dictionary"
        return ActorRef(text=head, name=name, country=country, sector=sector,
                        method=method, evidence="; ".join(evidence) or None)

    def _context_country(self, mention: str, context: str, date) -> tuple[str, str] | None:
        """(country, evidence) for an under-specified named mention from its sentence.

        Precedence: (1) the words around the mention's own occurrence ("Colombian
        Deputy Minister Ann Vell", "Zambia's ..."); (2) the phrase that continues it: an
        apposition or an "of"/"from" phrase ("Ann Vell, a Kenyan lawmaker,"; "Ann Vell of
        Kisumu"); (3) the sentence, only when it names exactly one country in all (any
        actor, adjective, capital, place or international body) and names it at least
        once as a place (after in/at/near/...: "... in Kurgan", "in the Russian city of"):
        a country named only as another party ("accused Ukraine") locates nobody.
        """
        key = (mention, context, date)
        hit = self._ctx_cache.get(key, False)
        if hit is not False:
            return hit
        if len(self._ctx_cache) > 2000:
            self._ctx_cache.clear()
        self._ctx_cache[key] = out = self._context_country_uncached(mention, context, date)
        return out

    def _context_country_uncached(self, mention, context, date):
        m = re.search(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in mention.split()) + r"(?!\w)",
                      context, flags=re.IGNORECASE)
        occ = (m.start(), m.end()) if m else None
        matches = self.find(context, date)
        if occ is not None:
            # (1) the mention's own phrase in the sentence
            own = [x for x in matches if x.start < occ[1] and x.end > occ[0] and x.ref.country]
            if own:
                return own[0].ref.country, context[own[0].start:own[0].end]
            # (2) an apposition or "of"/"from" phrase right after it
            rest = context[occ[1]:]
            am = re.match(r"\s*(,\s*[^,.;:()]{2,80}|\s+(?:of|from)\s+[^,.;:()]{2,60})", rest)
            if am:
                seg = am.group(1).strip(" ,")
                seg_toks = tokenize(seg)[:8]
                seg = seg[:seg_toks[-1][2]] if seg_toks else seg
                dr = self._infer(seg, [], None, date, allow_actor=False)
                if dr.country:
                    return dr.country, seg
                pc = _place_country(seg, tokenize(seg))
                if pc is not None:
                    return pc[0], seg
        # (3) the sentence
        toks = tokenize(context)
        named: set[str] = set()
        located: dict[str, str] = {}
        covered = set()
        for x in matches:
            if occ is not None and x.start < occ[1] and x.end > occ[0]:
                continue
            ti = [i for i, t in enumerate(toks) if t[1] >= x.start and t[2] <= x.end]
            covered.update(ti)
            if not x.ref.country:
                continue
            named.add(x.ref.country)
            if ti and (x.ref.sector is None or x.ref.method == "metonym") \
                    and _locative_before(context, toks, ti[0]):
                located.setdefault(x.ref.country, context[x.start:x.end])
        for i, (t, s, e) in enumerate(toks):
            # a town the base does not list, after a locative preposition
            if i in covered or t not in _LOCATIVE or i + 1 >= len(toks):
                continue
            j = i + 1 + (toks[i + 1][0] in _DETS)
            run = []
            while j < len(toks) and len(run) < 3 and j not in covered \
                    and text_is_upper(context, toks[j]) and toks[j][0].isalpha():
                run.append(toks[j])
                j += 1
            if run and (occ is None or not (run[0][1] < occ[1] and run[-1][2] > occ[0])):
                name = context[run[0][1]:run[-1][2]]
                loc = _gazetteer_country(name)
                if loc is not None:
                    named.add(loc)
                    located.setdefault(loc, name)
        if len(named) == 1 and located:
            c = next(iter(named))
            return c, located[c]
        return None

    def document(self, date=None) -> "DocResolver":
        return DocResolver(self, parse_date(date) if date is not None else self.default_date)

    def country_name(self, code: str) -> str | None:
        return (self.countries.get(code) or {}).get("name")


# Titles that say only "someone senior": the institution they head decides the sector.
