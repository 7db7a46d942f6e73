"""Inferring country and sector from the words of a phrase when no known actor heads it
(``ActorKB._infer``): its head role word, prepositional tail and descriptions, places,
subdivisions, and the sentence around a named mention."""

from __future__ import annotations

import re

from dyadscope.models import ActorRef
from .text import tokenize
from .words import (
    _CONTEXT_MAX_TOKENS, _DETS, _FORMER, _GENERIC_HEADS, _GENERIC_TITLES, _LOCATIVE,
    _PEOPLE_NOUNS, _PLACE_NOUNS, _RANKS, _STATE_MEDIA, _gazetteer_country, _locative_before,
    _names_someone, _place_country, subdivision_country, text_is_upper,
)


class _Inferring:
    """``ActorKB``'s inference of country and sector from words."""

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

