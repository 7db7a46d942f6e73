"""Resolving one noun phrase (``ActorKB.resolve``): its head and its descriptions, a known
person or organisation heading it, an office named by a title, and the fuzzy fallback for
misspelt country words."""

from __future__ import annotations

from dyadscope.models import ActorRef
from .text import _SEG_SPLIT, _WS, _split_at, parse_date, replace, tokenize
from .records import ActorMatch
from .words import _FORMER, _FUZZY_MIN, _FUZZY_STOP, _PREPS


def _deletions(w: str) -> set[str]:
    """``w`` and every string one letter shorter than it."""
    return {w} | {w[:i] + w[i + 1:] for i in range(len(w))}


class _Resolving:
    """``ActorKB``'s resolving of a phrase; matching (``find``, ``_scan``, ``_best``) and
    inference (``_infer``) are the base's other steps."""

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
            # each word under itself and its one-letter deletions: a word within one edit
            # (insert, delete, substitute, swap) of it shares one of these keys with the
            # word's own keys, so a look-up checks a handful of words, not thousands
            index: dict[str, list[str]] = {}
            for w in vocab:  # in vocabulary order, kept in each list
                for key in _deletions(w):
                    index.setdefault(key, []).append(w)
            self._fz_index = index
            self._fz_rank = {w: i for i, w in enumerate(vocab)}
        return self._fz

    def _near_words(self, t: str) -> list[str]:
        """Up to four targets within one edit of ``t`` (a word no dictionary knows), in
        vocabulary order."""
        from rapidfuzz.distance import OSA

        found = {w for key in _deletions(t) for w in self._fz_index.get(key, ())}
        near = [w for w in found if OSA.distance(t, w, score_cutoff=1) <= 1]
        return sorted(near, key=self._fz_rank.__getitem__)[:4]

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
                cands = self._near_words(t)
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

