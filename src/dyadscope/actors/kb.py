"""``ActorKB``: the actor base — its phrase trie, people, organisations, countries and
role words — and finding mentions in a text; resolving a mention is spread over the steps
it inherits: ``phrases`` (``resolve``), ``infer`` (country and sector from words) and
``codes`` (PETRARCH composite codes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from dyadscope.models import ActorRef
from .text import GENERATIONS, _longest_matches, acronym_forms, norm_phrase, parse_date, replace, tokenize
from .records import ActorMatch, _PRIO
from .codes import _PetrarchCodes
from .infer import _Inferring
from .phrases import _Resolving
from .resolver import DocResolver

if TYPE_CHECKING:
    from .records import Actor


class ActorKB(_Resolving, _Inferring, _PetrarchCodes):
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
        # organisations with an acronym among their names: phrase key -> actor index -> the
        # one-word forms of its names with that key ("who" -> WHO -> {"WHO"}, "fed" -> a
        # Fed -> {"FED", "Fed"}); see _case_filter
        self.acronyms: dict[str, dict[int, set[str]]] = {}
        # fuzzy fallback for misspelt country words: (vocabulary, tokens known exactly)
        self._fz: tuple[dict[str, frozenset], frozenset] | None = None
        self._fz_cache: dict[str, str | None] = {}
        self._fz_index: dict[str, list[str]] = {}  # a fuzzy target and its deletions -> targets
        self._fz_rank: dict[str, int] = {}
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

    def add_actor(self, actor: Actor, prio: int = 0, names: Iterable[str] = (), acronyms: bool = True) -> int:
        """Add (or replace) ``actor``, found by its name, aliases and ``names``. ``acronyms``:
        whether an organisation's names written with two capitals are acronyms (not for
        PETRARCH dictionaries, which write every name in capitals)."""
        idx = self._ids.get(actor.actor_id)
        if idx is not None:
            self.actors[idx] = actor
        else:
            idx = len(self.actors)
            self.actors.append(actor)
            self._ids[actor.actor_id] = idx
        all_names = [actor.name, *actor.aliases, *names]
        for n in all_names:
            self._add_phrase(n, ("X", idx), prio)
        if acronyms and actor.kind == "org":
            for key, forms in acronym_forms(all_names).items():
                self.acronyms.setdefault(key, {})[idx] = forms
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
                        actor_id=a.actor_id, method=method, kind=a.kind,
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
        """In mixed-case text, names must look like names: "us"/"who" are not US/WHO, and a
        short acronym is one only as written or in capitals: "Who", "Raw" and "Spa" opening a
        sentence are not WHO, RAW (India) and SPA (Saudi Arabia); "MoD" is."""
        if text.islower() or text.isupper():
            return hits
        out = []
        for a, b, items in hits:
            span = text[toks[a][1]:toks[b - 1][2]]
            owners = self.acronyms.get(toks[a][0]) if b - a == 1 and len(span) <= 3 else None
            if owners and not (span.isupper() and len(span) > 1):
                # an organisation whose acronym this is is found only in a form of its names
                items = [(p, it) for p, it in items
                         if not (it[0] == "X" and it[1] in owners and span not in owners[it[1]])]
                if not items:
                    continue
                if any(it[0] == "X" and it[1] in owners for _, it in items):
                    out.append((a, b, items))  # written as the organisation writes it ("MoD")
                    continue
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
        # a hit before a later actor of the group modifies it where it can ("Secretary of
        # State", a dictionary actor and a role word, before "Antony Blinken"): else the
        # first actor would end the mention and lose the named person after it
        is_actor = [self._best(g[2], "X") is not None for g in group]
        for i, (a, b, items) in enumerate(group):
            later_actor = any(is_actor[i + 1:])
            it = (self._best(items, "CMPG") or self._best(items)) if later_actor else self._best(items)
            words = text[toks[a][1]:toks[b - 1][2]]
            if it[0] == "X":
                ref = self._actor_ref(text, it[1], date)
                if b < len(toks) and toks[b][0] in GENERATIONS and toks[b][0] not in norm_phrase(ref.name or "") \
                        and (b - a > 1 or toks[b][0] in ("jr", "sr")):  # "Trump II administration": no person
                    # "Robert F. Kennedy Jr." is not the Robert F. Kennedy of the base: another
                    # person of the family, known by no entry (the country is the family's guess)
                    end = toks[b][2] + (1 if text[toks[b][2]:toks[b][2] + 1] == "." else 0)
                    return ActorRef(text=text, name=text[toks[a][1]:end], country=ref.country,
                                    method="inferred",
                                    evidence=f"not {ref.name}: {text[toks[b][1]:end]}"), s_tok, b + 1
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

    def document(self, date=None) -> "DocResolver":
        return DocResolver(self, parse_date(date) if date is not None else self.default_date)

    def country_name(self, code: str) -> str | None:
        return (self.countries.get(code) or {}).get("name")


# Titles that say only "someone senior": the institution they head decides the sector.
