"""``DocResolver``: the actor base seen from one document (coreference, countries named so
far, group phrases), and ``unresolved`` names for dictionary suggestions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from dyadscope.models import ActorRef
from .text import FAMILY_FIRST, GENERATIONS, _WS, fold, norm_phrase, replace, tokenize
from .records import ActorMatch
from .words import (
    _COUNTRY_ANAPHORS, _EACH, _GROUP_COUNTRY_NOUNS, _GROUP_PEOPLE_NOUNS, _INSTITUTION_HEADS,
    _NUMBERS, _PREPS, _ROLE_SECTOR_HINTS, _SINGULAR_GROUP, _Seen, _plural_head,
)

if TYPE_CHECKING:
    from .kb import ActorKB


class DocResolver:
    """Per-document state: people and countries already named, so later short mentions
    ("Zhao", "the Chinese official", "the two countries") refer back."""

    def __init__(self, kb: ActorKB, date: str | None) -> None:
        self.kb = kb
        self.date = date
        self.seen: list[_Seen] = []
        self.countries: list[str] = []  # countries mentioned, most recent last (distinct)
        # the base's answers for this document (a phrase is resolved again for each verb
        # it is an argument of); the base's answer depends on the countries named so far
        self._resolved: dict[tuple, ActorRef] = {}

    def _note_country(self, code: str | None) -> None:
        if not code or code in ("UNO", "EUR", "IGO"):
            return
        if self.countries and self.countries[-1] == code:
            return
        if code in self.countries:
            self.countries.remove(code)
        self.countries.append(code)

    def _remember(self, ref: ActorRef) -> None:
        if not ref.name or (ref.actor_id and not self.kb._is_person(ref.actor_id)):
            return
        if ref.actor_id is None and ref.method != "inferred":
            return
        toks = [t for t, _, _ in tokenize(ref.name) if t != "'s"]
        suffixed = len(toks) > 1 and toks[-1] in GENERATIONS
        if suffixed:
            if ref.actor_id is None:
                return  # a relative the base does not know ("Donald Trump Jr."): a later "Trump" is not them
            toks = toks[:-1]  # "Bob Quent Jr." is "Quent" later on, not "Jr"
        if not toks:
            return
        # ... unless the family name is a prominent one the base knows ("Trump" stays the president)
        keys = set() if suffixed and toks[-1] in self.kb.surnames else {toks[-1]}
        if ref.country in FAMILY_FIRST or len(toks) >= 3:
            keys.add(toks[0])
        a = self.kb.actor(ref.actor_id) if ref.actor_id else None
        if a:
            for al in a.aliases:
                at = norm_phrase(al)
                if len(at) == 1:
                    keys.add(at[0])
        self.seen = [s for s in self.seen if not (s.ref.actor_id and s.ref.actor_id == ref.actor_id)
                     and s.ref.name != ref.name]
        self.seen.append(_Seen(ref, keys))

    def _by_key(self, tok: str) -> ActorRef | None:
        for s in reversed(self.seen):
            if tok in s.keys:
                return s.ref
        return None

    def find(self, text: str) -> list[ActorMatch]:
        """Like ActorKB.find, plus bare surnames of people already seen in this document."""
        out = self.learn(self.kb.find(text, self.date, countries=self.countries))
        if not self.seen:
            return out
        taken = [(m.start, m.end) for m in out]
        extra = []
        for t, s, e in tokenize(text):
            if not text[s].isupper() or any(a <= s < b for a, b in taken):
                continue
            ref = self._by_key(t)
            if ref is not None:
                extra.append(ActorMatch(s, e, replace(ref, text=text[s:e], method="coreference")))
        return sorted(out + extra, key=lambda m: m.start) if extra else out

    def learn(self, matches: Iterable[ActorMatch]) -> list[ActorMatch]:
        """Update this document's memory with ``matches`` exactly as ``find`` does.

        For matches found elsewhere (e.g. ``ActorKB.find`` on a sentence the caller
        already scanned): a bare prominent surname becomes the bearer already named here,
        then each person is remembered and each country noted, in order. Returns the
        matches as remembered (those surnames replaced by the coreferent).
        """
        out = list(matches)
        if self.seen and self.kb.surnames:
            out = [self._prefer_seen(m) for m in out]
        for m in out:
            self._remember(m.ref)
            self._note_country(m.ref.country)
        return out

    def _prefer_seen(self, m: ActorMatch) -> ActorMatch:
        """A bare prominent surname ("Kim") means the bearer already named here, if any."""
        key = fold(m.ref.text)
        if key in self.kb.surnames and m.ref.actor_id:
            r = self._by_key(key)
            if r is not None:
                return ActorMatch(m.start, m.end, replace(r, text=m.ref.text, method="coreference"))
        return m

    def resolve(self, text: str, context: str | None = None) -> ActorRef:
        key = fold(text.strip())
        if key in self.kb.surnames and self.seen:
            r = self._by_key(key)
            if r is not None:
                return replace(r, text=text, method="coreference", evidence=r.name)
        key = (text, context, frozenset(self.countries))
        ref = self._resolved.get(key)
        if ref is None:
            ref = self._resolved[key] = self.kb.resolve(text, context, self.date, countries=self.countries)
        if ref.actor_id or (ref.name and ref.method == "inferred"):
            if ref.name or ref.actor_id:
                self._remember(ref)
            self._note_country(ref.country)
            return ref
        toks = [t for t, _, _ in tokenize(text)]
        # "the country's forces": the country is the last one this document named
        if ref.country is None and ref.sector and self.countries and len(toks) > 3 \
                and toks[0] in ("the", "this", "that") and toks[1] in _COUNTRY_ANAPHORS \
                and toks[2] == "'s" and not set(toks[3:]) & _PREPS:
            c = self.countries[-1]
            return replace(ref, country=c, method="coreference",
                           evidence=f"{self.kb.country_name(c) or c}; {ref.evidence or ''}"
                           .rstrip("; "))
        # a bare surname
        if len(toks) <= 2 and toks:
            for t in (toks[-1], toks[0]):
                r = self._by_key(t)
                if r is not None and text.strip()[:1].isupper():
                    return replace(r, text=text, method="coreference", evidence=r.name)
        # a definite description of a person: "the North Korean leader", "the top lawmaker";
        # a person only by a word for a role (the base gave it a sector) or a personal
        # pronoun ("his Chinese counterpart"): "the Chinese AI model" is China's, not the
        # last Chinese person named
        head = next((t for t in reversed(toks) if t != "'s"), "")
        role = ref.sector not in (None, "UNK") or toks[:1] in (["he"], ["she"], ["his"], ["her"])
        if role and toks and toks[0] in ("the", "this", "that", "he", "she", "his", "her") and self.seen \
                and toks[-1] not in _INSTITUTION_HEADS and not _plural_head(head):
            hint = set(toks) & set(_ROLE_SECTOR_HINTS)
            for s in reversed(self.seen):
                r = s.ref
                if ref.country and r.country != ref.country:
                    continue
                if ref.sector and ref.sector not in ("UNK",):
                    allowed = {ref.sector}
                    for h in hint:
                        allowed |= _ROLE_SECTOR_HINTS[h]
                    if r.sector not in allowed:
                        continue
                if not (ref.country or ref.sector) and toks[0] not in ("he", "she"):
                    continue
                return replace(r, text=text, method="coreference", evidence=r.name)
        return ref

    def resolve_group(self, text: str) -> list[ActorRef]:
        """"the two leaders" -> the last two people seen; "the two countries", "both
        sides" -> the last two countries mentioned (or, failing those, the countries of
        the last people seen). Most recent last."""
        toks = [t for t, _, _ in tokenize(text)]
        n = next((_NUMBERS[t] for t in toks if t in _NUMBERS), None)
        if n is None and toks and toks[0] in _EACH and len(toks) > 1 and toks[1] != "other":
            n = 2  # "each side", "each leaders": the two last named
        if n is None:
            return [self.resolve(text)]
        head = toks[-1] if toks else ""
        head = _SINGULAR_GROUP.get(head, head)
        if head in _NUMBERS and len(self.seen) < n:
            head = "countries"  # "the two", "both" with too few people: the countries
        if head in _GROUP_COUNTRY_NOUNS or (head not in _GROUP_PEOPLE_NOUNS and not self.seen):
            codes = list(self.countries)
            for s in self.seen:  # countries of the people seen, if too few were named
                c = s.ref.country
                if c and c not in codes and c not in ("UNO", "EUR", "IGO"):
                    codes.insert(0, c)
            return [ActorRef(text=text, name=self.kb.country_name(c), country=c,
                             method="coreference", evidence=self.kb.country_name(c) or c)
                    for c in codes[-n:]] if len(codes) >= n else []
        people = self.seen[-n:]
        if len(people) < n:
            return []
        return [replace(s.ref, text=text, method="coreference", evidence=s.ref.name)
                for s in people]


# Words for kinds of natural or built places: a name that ends in one ("Second Thomas
# Shoal", "Taiwan Strait") or opens with one before "of" or a name ("Strait of Hormuz",
# "Lake Chad", "Mount Sinjar") is a place, not an entry for an actor dictionary. Common
# English nouns, not names from any document. Words for administrative areas (province,
# region) are not here: they end actors' names too ("Islamic State Khorasan Province").
_PLACE_WORDS = frozenset("""
sea seas ocean strait straits gulf bay shoal reef reefs island islands isle atoll archipelago
peninsula river lake mountain mountains mount hills valley desert canal coast street square
avenue road highway airport port harbor harbour bridge
""".split())


def _is_place(name: str) -> bool:
    words = name.lower().split()
    return words[-1] in _PLACE_WORDS or (len(words) > 1 and words[0] in _PLACE_WORDS)


def unresolved(names: Iterable[tuple[str, str]], kb: "ActorKB | None" = None,
               date=None) -> list[tuple[str, int, str]]:
    """Proper names found in documents that the knowledge base cannot resolve.

    ``names`` are (name, context sentence) pairs, e.g. runs of NNP tokens from the
    store's ``entities`` table. Names the KB resolves (to a known actor, a country or a
    sector) are dropped; the rest are counted by their whitespace-normalised form and
    returned as (name, count, first example context), most frequent first, then by name.
    A name is what a user would add to a YAML dictionary (docs/ACTORS.md), so names of
    places ending in a word such as "Strait" or "Shoal" are dropped too.
    """
    if kb is None:
        from . import load_kb

        kb = load_kb()
    counts: dict[str, int] = {}
    example: dict[str, str] = {}
    verdict: dict[str, bool] = {}
    for name, context in names:
        n = _WS.sub(" ", (name or "").strip()).strip(" .,;:'\"’”“-")
        if not n or not any(c.isalpha() for c in n):
            continue
        known = verdict.get(n)
        if known is None:
            r = kb.resolve(n, None, date)
            known = verdict[n] = bool(r.actor_id or r.country or (r.sector and r.sector != "UNK")) or _is_place(n)
        if known:
            continue
        counts[n] = counts.get(n, 0) + 1
        example.setdefault(n, context or "")
    return sorted(((n, c, example[n]) for n, c in counts.items()), key=lambda x: (-x[1], x[0]))
