"""Actor knowledge base and resolver: who is a mention, on a given date.

The knowledge base is compiled once by ``tools/build_actors.py`` from the Phoenix
(PETRARCH, MIT) dictionaries plus curated public-record files into
``data/actors/kb.json.gz``; nothing here reads outside the package at run time.

Matching works on lowercased, accent-folded tokens through a nested-dict trie, so
``find`` costs one dict walk per token rather than one regex per entry: it is used as
a pre-filter on every sentence.

User dictionaries extend or override the built-in base (``load_kb(extra=[...])``):

* YAML (``.yaml``/``.yml``)::

    people:
      - name: Zhao Leji
        aliases: [Zhao]
        country: CHN
        roles: [{sector: LEG, office: Chairman of the NPC Standing Committee, start: 2023-03-10}]
      # compact form, same meaning: "NAME | CTRY | SECTOR office START..END; ... | alias, alias"
      - "Li Jinjun | CHN | GOV Ambassador to North Korea 2015-03-01..2021-12-31"
    organisations:
      - {name: Korean Central News Agency, aliases: [KCNA], country: PRK, sector: GOV}
    countries:                       # extra names for a country; capitals are metonyms (GOV)
      - {code: PRK, names: [DPRK], adjectives: [North Korean], capitals: [Pyongyang]}
    agents: {"top lawmaker": LEG}     # role words: sector only, country comes from context
    surnames: {Xi: Xi Jinping, Kim: {name: Kim Jong Un, context: PRK}}  # bare surnames

  Mistakes raise ValueError naming the file, the section and the entry.

* PETRARCH/TABARI ``.actors``/``.agents`` dictionaries (detected by content: ``[CODE]``
  brackets, ``+ALIAS`` lines, ``[~SEC]`` agent codes), so fictional test dictionaries load
  with ``include_default=False``.

Dates: roles carry ISO start/end; ``date`` accepts ISO, "10 May 2015", "May 10, 2015",
"today" or None. With no date a person gets the most recent office they held (not aged
to ELI), because an undated mention is more likely about that office than about retirement,
unless every office ended more than five years before today: then ELI.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from dyadscope.models import ActorRef

DATA_DIR = Path(__file__).parent / "data" / "actors"
KB_FILE = DATA_DIR / "kb.json.gz"

# Agent codes PETRARCH/PLOVER use as sectors; the first one found in a code wins.
SECTORS = {
    "GOV", "MIL", "LEG", "JUD", "COP", "REB", "SPY", "PTY", "JRN", "MED", "BUS", "EDU",
    "REL", "CVL", "CRM", "ELI", "UAF", "PRM", "UNK", "OPP", "AGR", "HLH", "NGO", "IGO",
    "LAB", "REF", "DEV", "ENV", "HRI", "SOC", "PRE", "JNK", "MNC", "IMG", "SET", "RAD",
    "MOD", "INS", "NGM", "ITL", "IRC", "UAF", "CHR", "MUS", "JEW", "HIN", "BUD",
}
# Religion codes count as REL sector.
_REL_CODES = {"CHR", "MUS", "JEW", "HIN", "BUD", "CTH", "ORT", "PRO", "SHI", "SUN", "BAH"}
# CAMEO legacy country codes -> ISO 3166 alpha-3 (or the NGEC pseudo-countries).
LEGACY = {
    "JAP": "JPN", "VTN": "VNM", "KSV": "XKX", "SRP": "SRB", "USR": "RUS", "SUN": "RUS",
    "TMP": "TLS", "FRY": "SRB", "SCG": "SRB", "YUG": "SRB", "DDR": "DEU", "CSK": "CZE",
    "UAR": "EGY", "ROM": "ROU", "ZAR": "COD", "BUL": "BGR", "EEC": "EUR",
}
# Inside an IGO code these sub-codes name the UN / the EU.
_IGO_UN = {"UNO"}
_IGO_EU = {"EUR", "EEC", "EEU"}
# Family name first: surname coreference uses the first token for these countries.
FAMILY_FIRST = {"CHN", "PRK", "KOR", "TWN", "VNM", "HKG", "MAC", "KHM", "MNG", "HUN"}

_WS = re.compile(r"\s+")
_SEG_SPLIT = re.compile(r"(?<!\d),|,(?!\d)|\(|\)| - | – ")


def _split_at(pattern: re.Pattern, text: str, keep: list[tuple[int, int]]) -> list[str]:
    """``pattern.split(text)`` except at separators inside a ``keep`` span."""
    if not keep:
        return pattern.split(text)
    out, pos = [], 0
    for m in pattern.finditer(text):
        if any(st <= m.start() < en for st, en in keep):
            continue
        out.append(text[pos:m.start()])
        pos = m.end()
    out.append(text[pos:])
    return out
_TOKEN = re.compile(r"(?:[a-z]\.){2,}|'s\b|[\w]+")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


# ----------------------------------------------------------------------------- text
def _fold_char(c: str) -> str:
    if c in "’‘`´":
        return "'"
    if c in "‐‑‒–—":
        return "-"
    d = unicodedata.normalize("NFKD", c)
    base = "".join(x for x in d if not unicodedata.combining(x)).lower()
    return base if len(base) == 1 else (c.lower() if len(c.lower()) == 1 else c)


class _FoldTable(dict):
    """str.translate table filled on first sight of each code point (one char -> one char)."""

    def __missing__(self, code: int) -> str:
        r = _fold_char(chr(code))
        self[code] = r
        return r


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lowercase and strip accents keeping one char per char, so offsets stay valid."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


# transliteration variants of very common name parts, matched as one
_CANON = {"mohammed": "mohamed", "muhammad": "mohamed", "mohammad": "mohamed",
          "muhammed": "mohamed", "mohamad": "mohamed", "ahmad": "ahmed", "abdel": "abdul",
          "abd": "abdul", "yevgeny": "evgeny", "yevgeniy": "evgeny", "sergey": "sergei",
          "dmitri": "dmitry", "andrey": "andrei", "aleksandr": "alexander",
          "oleksandr": "alexander", "zelenskyy": "zelensky", "zelenskiy": "zelensky"}
_CANON_KEYS = frozenset(_CANON)
_TOK_CACHE: dict[str, tuple] = {}
_TOK_CACHE_MAX = 20000
_TOK_CACHE_LEN = 64  # phrases only: whole sentences are tokenized afresh


def _tokenize(text: str) -> tuple[tuple[str, int, int], ...]:
    # findall + str.find is ~2x faster than finditer's match objects; safe because the
    # gap between two tokens holds no character that can start a token
    folded = fold(text)
    words = _TOKEN.findall(folded)
    out = []
    pos = 0
    find = folded.find
    for w in words:
        st = find(w, pos)
        pos = st + len(w)
        out.append((w, st, pos))
    if not _CANON_KEYS.isdisjoint(words):
        out = [(_CANON.get(t, t), s, e) for t, s, e in out]
    return tuple(out)


def _longest_matches(trie: dict, toks, kind: str | None = None,
                     skip: tuple[int, int] = (0, 0)) -> list[tuple[int, int, object]]:
    """Leftmost-longest, non-overlapping trie matches: (first token, end token, value).

    A phrase ends at a node holding a value under the key None: the value itself, or, with
    ``kind``, its entry for that kind (PETRARCH phrases keep one per kind). Tokens in
    ``skip`` (start, end) are neither matched nor crossed."""
    out = []
    i, n = 0, len(toks)
    while i < n:
        if skip[0] <= i < skip[1]:
            i = skip[1]
            continue
        node = trie.get(toks[i][0])
        best = None
        j = i
        while node is not None:
            j += 1
            found = node.get(None)
            if kind is not None and found is not None:
                found = found.get(kind)
            if found is not None and not (i < skip[1] and j > skip[0]):
                best = (j, found)
            if j >= n:
                break
            node = node.get(toks[j][0])
        if best:
            out.append((i, best[0], best[1]))
            i = best[0]
        else:
            i += 1
    return out


def tokenize(text: str) -> tuple[tuple[str, int, int], ...]:
    """(token, start, end) over folded text; hyphens split, ``'s`` and U.S.-style kept.

    Short strings (names, phrases: the resolver re-reads them many times) are memoised
    in a bounded cache; longer ones (sentences) are not, so nothing is cached per text.
    """
    if len(text) > _TOK_CACHE_LEN:
        return _tokenize(text)
    r = _TOK_CACHE.get(text)
    if r is None:
        if len(_TOK_CACHE) >= _TOK_CACHE_MAX:
            _TOK_CACHE.clear()
        r = _TOK_CACHE[text] = _tokenize(text)
    return r


def norm_phrase(text: str) -> tuple[str, ...]:
    return tuple(t for t, _, _ in tokenize(text.replace("_", " ")))


_DATE_CACHE: dict[str, str | None] = {}


def parse_date(value) -> str | None:
    """ISO date string from ISO, '10 May 2015', 'May 10, 2015', 'today', a date; else None."""
    if value is None:
        return None
    if isinstance(value, str):
        r = _DATE_CACHE.get(value, "")
        if r != "":
            return r
        r = _parse_date(value)
        if value.strip().lower() not in ("today", "now") and len(_DATE_CACHE) < 10000:
            _DATE_CACHE[value] = r
        return r
    return _parse_date(value)


def _parse_date(value) -> str | None:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    s = str(value).strip().lower()
    if not s:
        return None
    if s in ("today", "now"):
        return _dt.date.today().isoformat()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[t ].*)?", s)
    if m:
        y, mo, d = m.group(1), m.group(2) or "1", m.group(3) or "1"
        try:
            return _dt.date(int(y), int(mo), int(d)).isoformat()
        except ValueError:
            return None
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})", s)
    if m and m.group(2)[:3] in _MONTHS:
        return f"{m.group(3)}-{_MONTHS[m.group(2)[:3]]:02d}-{int(m.group(1)):02d}"
    m = re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", s)
    if m and m.group(1)[:3] in _MONTHS:
        return f"{m.group(3)}-{_MONTHS[m.group(1)[:3]]:02d}-{int(m.group(2)):02d}"
    m = re.fullmatch(r"([a-z]+) (\d{4})", s)
    if m and m.group(1)[:3] in _MONTHS:
        return f"{m.group(2)}-{_MONTHS[m.group(1)[:3]]:02d}-01"
    return None


def replace(ref: ActorRef, **kw) -> ActorRef:
    """``dataclasses.replace`` for ActorRef without its per-call field introspection."""
    d = {"text": ref.text, "name": ref.name, "country": ref.country, "sector": ref.sector,
         "actor_id": ref.actor_id, "method": ref.method, "evidence": ref.evidence,
         "codes": ref.codes}
    d.update(kw)
    return ActorRef(**d)


# ----------------------------------------------------------------------------- records
@dataclass
class Role:
    sector: str | None
    office: str = ""
    start: str | None = None  # ISO, inclusive
    end: str | None = None  # ISO, exclusive
    country: str | None = None  # None: the actor's country

    def covers(self, date: str) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date < self.end)


@dataclass
class Actor:
    actor_id: str
    name: str
    kind: str  # person | org
    country: str | None
    sector: str | None = None
    roles: list[Role] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    source: str = ""

    def role_at(self, date: str | None) -> tuple[str | None, str | None, str]:
        """(country, sector, office) for a date; see module docstring for undated."""
        if not self.roles:
            return self.country, self.sector, ""
        dated = [r for r in self.roles if r.start or r.end]
        default = [r for r in self.roles if not (r.start or r.end)]
        if date is None:
            pool = [r for r in dated if r.sector != "ELI"] or dated
            if pool and all(r.end for r in dated) and \
                    max(r.end for r in dated) < _long_ago():
                # every dated office ended long ago: read the mention as of today
                # (a former official, or the undated default role such as Phoenix's ELI)
                return self.role_at(_dt.date.today().isoformat())
            if pool:
                r = max(pool, key=lambda r: (r.end is None, r.end or "", r.start or ""))
                return r.country or self.country, r.sector, r.office
            r = default[0]
            return r.country or self.country, r.sector, r.office
        live = [r for r in dated if r.covers(date)]
        if live:
            live.sort(key=lambda r: (r.sector == "ELI", r.sector is None, -(len(r.start or ""))),)
            best = [r for r in live if r.sector == live[0].sector and r.sector != "ELI"] or live
            r = max(best, key=lambda r: r.start or "")
            return r.country or self.country, r.sector, r.office
        if default:
            r = default[0]
            return r.country or self.country, r.sector, r.office
        ends = [r.end for r in dated if r.end]
        if dated and all(r.end for r in dated) and date >= max(ends):
            last = max(dated, key=lambda r: r.end)
            return last.country or self.country, "ELI", "former " + (last.office or "official")
        return self.country, None, ""


# An undated mention of someone whose every office ended more than this many years
# before today is about a former official (a full term of office, chosen a priori).
_UNDATED_ELI_YEARS = 5


def _long_ago() -> str:
    t = _dt.date.today()
    try:
        return t.replace(year=t.year - _UNDATED_ELI_YEARS).isoformat()
    except ValueError:  # 29 February
        return t.replace(year=t.year - _UNDATED_ELI_YEARS, day=28).isoformat()


@dataclass(frozen=True)
class ActorMatch:
    start: int
    end: int
    ref: ActorRef


# Item kinds stored in the trie: C country name/adjective, M capital (metonym),
# P place inside a country, X actor (person/org index), G agent word (sector).
_PRIO = {"M": 0, "X": 1, "C": 2, "G": 3, "P": 4}


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
_GENERIC_TITLES = {
    "chairman", "chairwoman", "chair", "president", "head", "leader", "member", "members",
    "spokesman", "spokeswoman", "spokesperson", "director", "chief", "secretary", "official",
    "officials", "speaker", "deputy", "vice", "representative", "delegation", "governor",
}
_PREPS = {"of", "to", "in", "at", "from", "for", "across", "on"}
# fuzzy country words: minimum length, and common words never corrected ("While" is
# not a misspelt "Chile")
_FUZZY_MIN = 5
_FUZZY_STOP = {"while", "where", "which", "there", "these", "those", "their", "about",
               "above", "after", "again", "under", "other", "since", "until", "would",
               "could", "should", "being", "before", "below", "between", "during", "every",
               "often", "still", "though", "through", "whose", "within", "without", "whole",
               "white", "green", "great", "sales", "tiger", "begin", "began", "sedan",
               "tries", "parts", "pairs", "holes", "roles", "rules", "women", "latin"}
_CONTEXT_MAX_TOKENS = 6
_RANKS = {"general", "colonel", "lieutenant", "major", "admiral", "captain", "brigadier",
          "marshal", "commodore", "lt", "gen", "col", "maj", "adm", "capt", "brig", "vice",
          "rear", "field", "air", "chief", "sergeant", "sgt", "corporal"}
_GENERIC_HEADS = {"official", "officials", "officer", "officers", "member", "members", "group",
                  "groups", "leader", "leaders", "head", "chief", "staff", "worker", "workers",
                  "employee", "employees", "spokesman", "spokeswoman", "spokesperson",
                  "representative", "representatives", "personnel", "people", "men", "women",
                  "man", "woman", "person", "persons", "unit", "team", "force", "forces",
                  "gunmen", "fighters", "militants", "supporters"}
_DETS = {"the", "a", "an", "this", "that"}
_FORMER = {"former", "ex", "retired", "onetime", "erstwhile"}
_STATE_MEDIA = {"state", "official", "government", "state-run", "run"}
_PEOPLE_NOUNS = {"people", "residents", "civilians", "citizens", "men", "women", "persons"}
_PLACE_NOUNS = {"park", "market", "school", "village", "town", "city", "region", "regions",
                "areas", "area", "district", "hospital", "mosque", "church", "camp"}
_NUMBERS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "pair": 2, "trio": 3}
_ROLE_SECTOR_HINTS = {"leader": {"GOV", "PTY", "LEG", "MIL"}, "leaders": {"GOV", "PTY", "LEG"},
                      "official": {"GOV", "PTY", "LEG", "MIL", "SPY", "JUD", "COP"},
                      "officials": {"GOV", "PTY", "LEG", "MIL"},
                      "diplomat": {"GOV"}, "envoy": {"GOV"}, "lawmaker": {"LEG"}}


def text_is_upper(text: str, tok) -> bool:
    return text[tok[1]:tok[1] + 1].isupper()


# First-level subdivisions (ISO 3166-2 via pycountry, a runtime dependency): a title
# that names one ("Sindh Chief Minister", "governor of Helmand") is that country's.
# Type words are dropped from the names; a name shared by several countries ("Punjab")
# or that is also an ordinary word ("Central", "Delta") decides nothing.
_SUBDIV_TYPE_WORDS = {"oblast", "oblast'", "sheng", "shi", "respublika", "kray", "kraj",
                      "province", "provincia", "region", "state", "governorate", "district",
                      "territory", "county", "department", "prefecture", "municipality",
                      "autonomous", "zizhiqu", "the", "of", "and", "de", "del", "do", "da"}
_SUBDIV_STOP = {"central", "capital", "north", "south", "east", "west", "northern",
                "southern", "eastern", "western", "centre", "center", "coast", "coastal",
                "delta", "lakes", "upper", "lower", "islands", "island", "plateau", "river",
                "mountain", "mountains", "valley", "national", "federal", "city", "lake",
                "sea", "border", "interior", "littoral", "middle", "highlands", "lagoons",
                "savanes", "plateaux", "union", "unity", "independence", "liberty", "grand",
                "saint", "san", "santa", "new", "la", "el", "al"}
_SUBDIVS: dict[tuple[str, ...], frozenset] | None = None


def _subdivisions() -> dict[tuple[str, ...], frozenset]:
    global _SUBDIVS
    if _SUBDIVS is None:
        table: dict[tuple[str, ...], set] = {}
        try:
            import pycountry

            subs = [(sd.name, sd.country.alpha_3) for sd in pycountry.subdivisions
                    if sd.parent_code is None]
        except Exception:  # pragma: no cover - pycountry is a declared dependency
            subs = []
        for name, code in subs:
            for part in name.split(","):
                toks = tuple(t for t, _, _ in tokenize(part))
                core = tuple(t for t in toks if t not in _SUBDIV_TYPE_WORDS)
                if core and not (len(core) == 1 and (core[0] in _SUBDIV_STOP or len(core[0]) < 4)) \
                        and not set(core) <= _SUBDIV_STOP and not any(c.isdigit() for t in core for c in t):
                    table.setdefault(core, set()).add(code)
                    if code in ("UKR", "RUS") and len(core) == 1:
                        # adjectival oblast names: Khersonska -> Kherson, Donetska ->
                        # Donetsk, Belgorodskaya -> Belgorod
                        w = core[0]
                        for suf, rep in (("skaya", ""), ("ska", ""), ("a", "")):
                            if w.endswith(suf) and len(w) - len(suf) >= 4:
                                table.setdefault((w[:-len(suf)] + rep,), set()).add(code)
        _SUBDIVS = {k: frozenset(v) for k, v in table.items()}
    return _SUBDIVS


def subdivision_country(text: str, toks=None) -> tuple[str, str] | None:
    """(country, name) when capitalised words of ``text`` name a first-level subdivision
    of exactly one country; None when none does or the name is shared."""
    toks = toks if toks is not None else tokenize(text)
    table = _subdivisions()
    found = None
    i = 0
    while i < len(toks):
        hit = None
        for n in (3, 2, 1):
            span = toks[i:i + n]
            if len(span) < n or not all(text_is_upper(text, t) for t in span):
                continue
            codes = table.get(tuple(t for t, _, _ in span))
            if codes is not None:
                hit = (n, codes, text[span[0][1]:span[-1][2]])
                break
        if hit is None:
            i += 1
            continue
        n, codes, name = hit
        if len(codes) != 1 or (found and found[0] not in codes):
            return None
        found = (next(iter(codes)), name)
        i += n
    return found


# Prepositions that put what follows in a place ("in Kurgan", "near the Russian city
# of"); "to" and "from" do not (a visit to Moscow, a return from Geneva)
_LOCATIVE = {"in", "at", "near", "outside", "inside", "across", "throughout", "around"}
_LOC_SKIP = {"the", "a", "an", "of", "city", "town", "village", "region", "province",
             "state", "district", "capital", "port", "county", "area", "oblast", "'s"}


def _locative_before(text: str, toks, i: int) -> bool:
    """Whether token ``i`` sits in a place phrase: a locative preposition before it,
    past determiners, place nouns and capitalised words ("in the Russian city of")."""
    j = i - 1
    while j >= 0 and i - j <= 5:
        t = toks[j][0]
        if t in _LOCATIVE:
            return True
        if t not in _LOC_SKIP and not (t.isalpha() and text_is_upper(text, toks[j])):
            return False
        j -= 1
    return False


def _names_someone(head: str, core, core_hits) -> bool:
    """Whether a mention names someone the base lacks: in mixed-case text, a
    capitalised word (not a determiner) that no dictionary phrase covers ("Deputy
    Minister Ann Vell", "Sovereign Renewal Front")."""
    if head.islower() or head.isupper():
        return False
    covered = set()
    for a, b, _ in core_hits:
        covered.update(range(a, b))
    return any(i not in covered and t[0].isalpha() and t[0] not in _DETS
               and not (i == 0 and t[0] in _QUANTIFIERS)
               and text_is_upper(head, t) for i, t in enumerate(core))


# words that open a phrase capitalised without naming anything ("Some workers")
_QUANTIFIERS = {"some", "many", "several", "most", "all", "few", "any", "each", "every",
                "other", "another", "both", "these", "those", "his", "her", "their", "its",
                "our", "about", "nearly", "almost", "over", "around", "hundreds",
                "thousands", "dozens", "more", "fewer", "one", "two", "three", "four",
                "five", "six", "seven", "eight", "nine", "ten"}


def _gazetteer_country(name: str) -> str | None:
    """Country of a town in the GeoNames gazetteer (places.py), or None."""
    try:
        from dyadscope.places import resolve_place
    except Exception:  # pragma: no cover
        return None
    loc = resolve_place(name)
    return loc.country if loc is not None and loc.country else None


def _place_country(text: str, toks) -> tuple[str, str] | None:
    """(country, name) for capitalised words of ``text`` that name a gazetteer town
    after a preposition ("mayor of Turbat", "governor in Kisumu"), when they all name
    one country."""
    found = None
    for i, (t, s, e) in enumerate(toks):
        if t not in _PREPS and t not in _LOCATIVE:
            continue
        j = i + 1 + (i + 1 < len(toks) and toks[i + 1][0] in _DETS)
        run = []
        while j < len(toks) and len(run) < 3 and text_is_upper(text, toks[j]) \
                and toks[j][0].isalpha():
            run.append(toks[j])
            j += 1
        if not run:
            continue
        name = text[run[0][1]:run[-1][2]]
        c = _gazetteer_country(name)
        if c is None:
            continue
        if found and found[0] != c:
            return None
        found = (c, name)
    return found


@dataclass
class _Seen:
    ref: ActorRef
    keys: set[str]


# heads of a definite description that name an institution, not a person: "the
# bilateral assembly" must not refer back to a lawmaker seen earlier
_INSTITUTION_HEADS = {
    "assembly", "parliament", "congress", "council", "committee", "commission", "ministry",
    "government", "administration", "cabinet", "party", "court", "agency", "army", "navy",
    "military", "forces", "force", "police", "senate", "house", "chamber", "legislature",
    "department", "office", "bureau", "service", "services", "regime", "state", "states",
    "country", "countries", "nation", "nations", "side", "sides", "talks", "meeting",
    "summit", "session", "delegation", "organization", "organisation", "union", "bloc",
    "alliance", "group", "media", "agency's", "body", "board", "authority", "authorities",
    "leadership", "politburo", "presidium", "secretariat", "embassy", "mission",
}
# group nouns: countries or people
_GROUP_COUNTRY_NOUNS = {"countries", "nations", "sides", "states", "governments", "neighbours",
                        "neighbors", "allies", "capitals", "parties", "koreas", "powers"}
_GROUP_PEOPLE_NOUNS = {"leaders", "presidents", "ministers", "men", "women", "officials",
                       "heads", "premiers", "leader", "diplomats", "envoys", "lawmakers",
                       "chiefs", "generals", "counterparts", "sides'"}


# heads that name many people or a body of them: "the people", "the officers", "the
# group" never refer back to one person
_COLLECTIVE_HEADS = {"people", "men", "women", "children", "police", "staff", "personnel",
                     "public", "crowd", "population", "group", "team", "family", "couple",
                     "they", "them", "youth", "militia", "clergy", "military", "troops"}
# "the country's forces": a phrase opening with one of these nouns and 's (and no
# preposition after) points back to the last country named
_COUNTRY_ANAPHORS = {"country", "nation", "state", "kingdom", "republic"}
# "each side", "each leader": without a number, the two last named (a bilateral reading)
_EACH = {"each", "every"}
_SINGULAR_GROUP = {"country": "countries", "nation": "nations", "side": "sides",
                   "state": "states", "government": "governments", "capital": "capitals",
                   "party": "parties", "leader": "leaders", "president": "presidents",
                   "minister": "ministers", "man": "men", "woman": "women",
                   "official": "officials", "head": "heads", "premier": "premiers",
                   "diplomat": "diplomats", "envoy": "envoys", "lawmaker": "lawmakers",
                   "chief": "chiefs", "general": "generals", "counterpart": "counterparts"}


def _plural_head(tok: str) -> bool:
    """A head noun naming several people or a collective ("the people", "officers")."""
    if tok in _COLLECTIVE_HEADS:
        return True
    return len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is", "'s"))


class DocResolver:
    """Per-document state: people and countries already named, so later short mentions
    ("Zhao", "the Chinese official", "the two countries") refer back."""

    def __init__(self, kb: ActorKB, date: str | None) -> None:
        self.kb = kb
        self.date = date
        self.seen: list[_Seen] = []
        self.countries: list[str] = []  # countries mentioned, most recent last (distinct)

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
        if not toks:
            return
        keys = {toks[-1]}
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
        ref = self.kb.resolve(text, context, self.date, countries=self.countries)
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
        # a definite description of a person: "the North Korean leader", "the top lawmaker"
        head = next((t for t in reversed(toks) if t != "'s"), "")
        if toks and toks[0] in ("the", "this", "that", "he", "she", "his", "her") and self.seen \
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


def unresolved(names: Iterable[tuple[str, str]], kb: "ActorKB | None" = None,
               date=None) -> list[tuple[str, int, str]]:
    """Proper names found in documents that the knowledge base cannot resolve.

    ``names`` are (name, context sentence) pairs, e.g. runs of NNP tokens from the
    store's ``entities`` table. Names the KB resolves (to a known actor, a country or a
    sector) are dropped; the rest are counted by their whitespace-normalised form and
    returned as (name, count, first example context), most frequent first, then by name.
    A name is what a user would add to a YAML dictionary (docs/ACTORS.md).
    """
    kb = kb or load_kb()
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
            known = verdict[n] = bool(r.actor_id or r.country or (r.sector and r.sector != "UNK"))
        if known:
            continue
        counts[n] = counts.get(n, 0) + 1
        example.setdefault(n, context or "")
    return sorted(((n, c, example[n]) for n, c in counts.items()), key=lambda x: (-x[1], x[0]))


# ----------------------------------------------------------------------------- PETRARCH
_CODE = re.compile(r"\[([^\]]*)\]")
_PHX_DATE = re.compile(r"^(\d{6}|\d{8})$")


def _phx_date(s: str) -> str | None:
    s = s.strip()
    if not _PHX_DATE.match(s):
        return None
    if len(s) == 6:
        yy = int(s[:2])
        s = (f"20{s[:2]}" if yy <= 30 else f"19{s[:2]}") + s[2:]
    mo, d = max(1, min(12, int(s[4:6]))), max(1, min(28 if s[4:6] == "02" else 30, int(s[6:8])))
    if int(s[6:8]) == 31 and mo in (1, 3, 5, 7, 8, 10, 12):
        d = 31
    return f"{s[:4]}-{mo:02d}-{d:02d}"


def split_code(code: str, known_countries: set[str] | None = None) -> tuple[str | None, str | None]:
    """'CHNGOV' -> ('CHN', 'GOV'); 'IGOUNO' -> ('UNO', None); '~MIL' -> (None, 'MIL')."""
    code = code.strip().upper()
    if not code or code == "---":
        return None, None
    if code.startswith("~"):
        rest = code[1:]
        parts = [rest[i:i + 3] for i in range(0, len(rest), 3)]
        for p in parts:
            if p in SECTORS:
                return None, ("REL" if p in _REL_CODES else p)
        return None, (parts[0] if parts else None)
    parts = [code[i:i + 3] for i in range(0, len(code), 3)]
    head, rest = parts[0], parts[1:]
    if head == "IGO":
        if any(p in _IGO_UN for p in rest):
            country = "UNO"
        elif any(p in _IGO_EU for p in rest):
            country = "EUR"
        else:
            country = "IGO"
        sec = next((p for p in rest if p in SECTORS and p not in ("IGO",)), None)
        return country, sec
    if head in ("NGO", "NGM", "MNC", "IMG", "ISM", "ITL"):
        country = next((LEGACY.get(p, p) for p in rest
                        if known_countries and LEGACY.get(p, p) in known_countries), None)
        sec = {"NGO": "NGO", "NGM": "NGO", "MNC": "BUS", "IMG": "REB", "ISM": "REB",
               "ITL": "NGO"}[head]
        if head in ("IMG", "ISM") and any(p == "UAF" for p in rest):
            sec = "UAF"
        return country, sec
    country = LEGACY.get(head, head)
    sec = None
    for p in rest:
        if p in SECTORS:
            sec = "REL" if p in _REL_CODES else p
            break
    return country, sec


def parse_petrarch_actors(path: str | Path):
    """Yield dicts {name, aliases, codes: [(code, start, end)], line} from a .actors file."""
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    cur = None
    in_comment = False
    for n, raw in enumerate(lines, 1):
        line = raw
        if in_comment:
            if "-->" in line:
                in_comment = False
                line = line.split("-->", 1)[1]
            else:
                continue
        if "<!--" in line:
            before, after = line.split("<!--", 1)
            if "-->" not in after:
                in_comment = True
            line = before
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        codes = [(m.group(1).strip(), n) for m in _CODE.finditer(line)]
        text = _CODE.sub("", line).strip()
        if line[:1] in (" ", "\t") and not text:
            if cur is not None:
                cur["codes"] += [c for c, _ in codes]
            continue
        if text.startswith("+"):
            if cur is not None:
                cur["aliases"] += [a.strip() for a in text[1:].split("+") if a.strip()]
                cur["codes"] += [c for c, _ in codes]
            continue
        if text.startswith("!") or text.startswith("="):
            continue
        if cur is not None:
            yield cur
        cur = {"name": text, "aliases": [], "codes": [c for c, _ in codes], "line": n}
    if cur is not None:
        yield cur


def parse_petr_code(code: str) -> tuple[str, str | None, str | None, str | None]:
    """A PETRARCH code block as (code, kind, date1, date2), spaces allowed anywhere.

    'HOB' -> ('HOB', None, None, None); 'HOB < 950601' -> ('HOB', '<', '1995-06-01', None);
    'HOBELI >20130119' -> kind '>'; 'HOBGOV 19950601 - 19990815' -> kind '-' with both
    dates. A restriction whose dates cannot be read has kind '?' (PETRARCH skips it)."""
    c = code.strip()
    parts = c.split(None, 1)
    head = parts[0] if parts else ""
    rest = parts[1].strip() if len(parts) > 1 else ""
    if not rest:
        return head, None, None, None
    if rest[0] in "<>":
        d = _phx_date(rest[1:].strip())
        return (head, rest[0], d, None) if d else (head, "?", None, None)
    if "-" in rest:
        a, b = rest.split("-", 1)
        d1, d2 = _phx_date(a), _phx_date(b)
        return (head, "-", d1, d2) if d1 and d2 and d1 <= d2 else (head, "?", None, None)
    return head, "?", None, None


def parse_code_dates(code: str) -> tuple[str, str | None, str | None]:
    """'RUSGOV 991231-080507' -> ('RUSGOV', '1999-12-31', '2008-05-07'); '>d', '<d' too."""
    c, kind, d1, d2 = parse_petr_code(code)
    if kind == ">":
        return c, d1, None
    if kind == "<":
        return c, None, d1
    if kind == "-":
        return c, d1, d2
    return c, None, None


def _next_day(iso: str | None) -> str | None:
    if iso is None:
        return None
    return (_dt.date.fromisoformat(iso) + _dt.timedelta(days=1)).isoformat()


_IRREG = {"man": "men", "woman": "women", "person": "people", "child": "children",
          "chief": "chiefs", "staff": "staff", "police": "police", "personnel": "personnel"}


def plural(word: str) -> str:
    w = word
    if w in _IRREG:
        return _IRREG[w]
    if w.endswith("man"):
        return w[:-3] + "men"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", w):
        return w + "es"
    return w + "s"


def _plural_phrase(toks: list[str]) -> list[str] | None:
    """The plural of an agent phrase, or None: the noun before "of" takes the plural
    ("presidents of the country"); a phrase already plural ("vandals") or ending in a
    preposition ("ambassador to") has none of its own."""
    low = [t.lower() for t in toks]
    k = low.index("of") - 1 if "of" in low[1:] else len(toks) - 1
    w = low[k] if k >= 0 else ""
    if not w.isalpha() or w in _PREPS or w in _IRREG.values() or \
            (w.endswith("s") and not w.endswith(("ss", "us", "is"))):
        return None
    return toks[:k] + [plural(w)] + toks[k + 1:]


def parse_petrarch_agents(path: str | Path) -> list[tuple[str, str, int]]:
    """(phrase, sector, line) from a .agents file, expanding !SETS!, {plurals}, plurals."""
    out = []
    for phrase, code, n in parse_petrarch_agent_codes(path):
        _, sector = split_code(code if code.startswith("~") else "~" + code)
        if sector is not None:
            out.append((phrase, sector, n))
    return out


def parse_petrarch_agent_codes(path: str | Path) -> list[tuple[str, str, int]]:
    """(phrase, raw code such as '~GOVFRM' or 'NGO~', line) from a .agents file."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    subs: dict[str, list[str]] = {}
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"<!--.*?-->", "", raw).split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", line)
        if m:
            subs[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        cm = _CODE.search(line)
        if not cm:
            continue
        code = "".join(cm.group(1).split()).upper()
        if not code.strip("~"):
            continue
        phrase = line[:cm.start()]
        explicit = re.findall(r"\{([^}]*)\}", phrase)
        phrase = re.sub(r"\{[^}]*\}", "", phrase).strip()
        forms = [phrase]
        for key, vals in subs.items():
            if key in phrase:
                forms = [f.replace(key, v) for f in forms for v in vals]
        for f in forms:
            f = f.strip().strip("_")
            if not f or "!" in f:
                continue
            out.append((f, code, n))
            if not explicit:
                pl = _plural_phrase(f.split("_") if "_" in f else f.split())
                if pl:
                    out.append(("_".join(pl), code, n))
        for e in explicit:
            for v in e.split(","):
                if v.strip():
                    out.append((v.strip(), code, n))
    return out


def _is_agents_file(path: Path, head: str) -> bool:
    if path.suffix.lower() == ".agents" or "agents" in path.name.lower():
        return True
    return bool(re.search(r"\[~[A-Z]", head)) and not re.search(r"^\+", head, re.M)


def load_petrarch(kb: ActorKB, path: Path, prio: int = 2) -> None:
    """Load a PETRARCH .actors or .agents file into ``kb`` (codes kept as given)."""
    head = path.read_text(encoding="utf-8", errors="replace")[:20000]
    if _is_agents_file(path, head):
        for phrase, code, _ in parse_petrarch_agent_codes(path):
            _, sector = split_code(code if code.startswith("~") else "~" + code)
            if sector is not None:
                kb.add_agent(phrase, sector, prio)
            kb._add_petr(phrase, "G", code)
        return
    for e in parse_petrarch_actors(path):
        roles = []
        entries = []
        for c in e["codes"]:
            code, kind, d1, d2 = parse_petr_code(c)
            if kind == "?" or not code:
                continue  # an unreadable restriction: PETRARCH skips the line
            entries.append((code, kind, d1, d2))
            # PETRARCH's restrictions are inclusive; a Role's end is exclusive
            start = d1 if kind in (">", "-") else None
            end = _next_day(d1 if kind == "<" else d2 if kind == "-" else None)
            country, sector = split_code(code.split("/")[0],
                                         kb.countries.keys() | {"UNO", "EUR", "IGO"})
            roles.append(Role(sector=sector, start=start, end=end, country=country))
        if not roles:
            continue
        country = roles[0].country
        names = [e["name"], *e["aliases"]]
        name = e["name"].replace("_", " ").strip().title()
        aid = "P:" + re.sub(r"\W+", "_", e["name"].strip("_ ")).upper()
        for n in names:
            kb._add_petr(n, "A", (aid, tuple(entries)))
        if len(roles) == 1 and not (roles[0].start or roles[0].end):
            actor = Actor(aid, name, "org", country, roles[0].sector, [], [],
                          f"{path.name} line {e['line']}")
            if roles[0].sector is None and country and not e["aliases"] and \
                    len(norm_phrase(e["name"])) <= 3:
                kb.add_country(country, names=names, prio=prio)
                continue
        else:
            actor = Actor(aid, name, "person", country, None, roles, [],
                          f"{path.name} line {e['line']}")
        kb.add_actor(actor, prio, names)


# ----------------------------------------------------------------------------- YAML
_COMPACT_ROLE = re.compile(
    r"^\s*(?P<sec>[A-Z]{3})\s+(?P<office>.*?)\s*"
    r"(?P<start>\d{4}(?:-\d{2}(?:-\d{2})?)?)?\s*\.\.\s*(?P<end>\d{4}(?:-\d{2}(?:-\d{2})?)?)?"
    r"\s*(?:@(?P<country>[A-Z]{3}))?\s*$")


def _iso(v) -> str | None:
    if v in (None, "", "null"):
        return None
    return parse_date(v)


def parse_compact_person(s: str) -> dict:
    """'NAME | CTRY | SEC office START..END [@CTRY]; ... | alias, alias' -> person dict."""
    parts = [p.strip() for p in s.split("|")]
    name, country = parts[0], (parts[1] if len(parts) > 1 else None) or None
    roles = []
    if len(parts) > 2 and parts[2]:
        for r in parts[2].split(";"):
            if not r.strip():
                continue
            m = _COMPACT_ROLE.match(r)
            if not m:
                sec, _, office = r.strip().partition(" ")
                roles.append({"sector": sec, "office": office})
                continue
            roles.append({"sector": m["sec"], "office": m["office"], "start": m["start"],
                          "end": m["end"], "country": m["country"]})
    aliases = [a.strip() for a in parts[3].split(",")] if len(parts) > 3 and parts[3] else []
    return {"name": name, "country": country, "roles": roles, "aliases": aliases}


def person_from_dict(d: dict, source: str) -> Actor:
    roles = [Role(sector=r.get("sector"), office=r.get("office") or "",
                  start=_iso(r.get("start")), end=_iso(r.get("end")),
                  country=r.get("country") or None) for r in d.get("roles") or []]
    aid = d.get("actor_id") or re.sub(r"\W+", "_", fold(d["name"])).strip("_").upper()
    return Actor(aid, d["name"], "person", d.get("country"), d.get("sector"), roles,
                 list(d.get("aliases") or []), d.get("source") or source)


_CODE3 = re.compile(r"^[A-Z]{3}$")
_YAML_KEYS = {"people", "organisations", "organizations", "countries", "agents", "surnames"}


def _check_code(v, what: str, allow_none: bool = True) -> str | None:
    if v in (None, "") and allow_none:
        return None
    if not isinstance(v, str) or not _CODE3.match(v.strip().upper()):
        raise ValueError(f"{what} must be a three-letter code such as CHN or GOV, not {v!r}")
    return v.strip().upper()


def _check_person(d) -> dict:
    if not isinstance(d, dict) or not str(d.get("name") or "").strip():
        raise ValueError("needs a name (a mapping with 'name:' or a compact "
                         "'NAME | CTRY | SEC office START..END' string)")
    d = dict(d)
    d["name"] = str(d["name"]).strip()
    d["country"] = _check_code(d.get("country"), "country")
    d["sector"] = _check_code(d.get("sector"), "sector")
    roles = d.get("roles") or []
    if not isinstance(roles, list):
        raise ValueError("roles must be a list")
    checked = []
    for r in roles:
        if not isinstance(r, dict):
            raise ValueError(f"role {r!r} must be a mapping with sector/office/start/end")
        r = dict(r)
        r["sector"] = _check_code(r.get("sector"), "role sector", allow_none=False)
        r["country"] = _check_code(r.get("country"), "role country")
        for k in ("start", "end"):
            v = r.get(k)
            if v not in (None, "", "null") and _iso(v) is None:
                raise ValueError(f"role {k} {v!r} is not a date (use 2021-03-01)")
        if r.get("start") and r.get("end") and _iso(r["start"]) >= _iso(r["end"]):
            raise ValueError(f"role ends ({r['end']}) before it starts ({r['start']})")
        checked.append(r)
    d["roles"] = checked
    als = d.get("aliases") or []
    if isinstance(als, str):
        als = [als]
    d["aliases"] = [str(a) for a in als]
    return d


def load_yaml(kb: ActorKB, path: Path, prio: int = 3) -> None:
    """Load a user YAML dictionary; its entries override built-in ones of the same name.

    Errors raise ValueError naming the file, the section and the entry.
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with sections {sorted(_YAML_KEYS)}")
    unknown = set(data) - _YAML_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown section(s) {sorted(unknown)}; "
                         f"expected {sorted(_YAML_KEYS)}")
    src = f"user: {path.name}"

    def entries(key):
        v = data.get(key) or []
        if not isinstance(v, list):
            raise ValueError(f"{path}: '{key}' must be a list of entries")
        return enumerate(v, 1)

    def fail(key, i, entry, e):
        label = entry.get("name") or entry.get("code") if isinstance(entry, dict) else entry
        return ValueError(f"{path}: {key} entry {i} ({label!r}): {e}")

    for i, c in entries("countries"):
        try:
            if not isinstance(c, dict):
                raise ValueError("must be a mapping with code/names/adjectives/capitals")
            code = _check_code(c.get("code"), "code", allow_none=False)
            lists = {}
            for k in ("names", "adjectives", "capitals", "places"):
                v = c.get(k) or []
                lists[k] = [v] if isinstance(v, str) else [str(x) for x in v]
        except ValueError as e:
            raise fail("countries", i, c, e) from None
        kb.add_country(code, prio=prio, **lists)
    for i, p in entries("people"):
        try:
            d = _check_person(parse_compact_person(p) if isinstance(p, str) else p)
            actor = person_from_dict(d, src)
        except (ValueError, TypeError, KeyError) as e:
            raise fail("people", i, p, e) from None
        kb.add_actor(actor, prio)
    orgs = "organisations" if data.get("organisations") else "organizations"
    for i, o in entries(orgs):
        try:
            if not isinstance(o, dict) or not str(o.get("name") or "").strip():
                raise ValueError("needs a name (a mapping with name/aliases/country/sector)")
            country = _check_code(o.get("country"), "country")
            sector = _check_code(o.get("sector"), "sector")
            als = o.get("aliases") or []
            als = [als] if isinstance(als, str) else [str(a) for a in als]
        except ValueError as e:
            raise fail(orgs, i, o, e) from None
        name = str(o["name"]).strip()
        aid = o.get("actor_id") or "O:" + re.sub(r"\W+", "_", fold(name)).strip("_").upper()
        kb.add_actor(Actor(aid, name, "org", country, sector, [], als,
                           o.get("source") or src), prio)
    agents = data.get("agents") or {}
    if isinstance(agents, list):  # also accept [{phrase: ..., sector: ...}]
        try:
            agents = {a["phrase"]: a["sector"] for a in agents}
        except (TypeError, KeyError):
            raise ValueError(f"{path}: agents must map phrase: SECTOR") from None
    if not isinstance(agents, dict):
        raise ValueError(f"{path}: agents must map phrase: SECTOR")
    for i, (phrase, sector) in enumerate(agents.items(), 1):
        try:
            sector = _check_code(sector, "sector", allow_none=False)
            if not norm_phrase(str(phrase)):
                raise ValueError("empty phrase")
        except ValueError as e:
            raise ValueError(f"{path}: agents entry {i} ({phrase!r}): {e}") from None
        kb.add_agent(str(phrase), sector, prio)
        toks = str(phrase).split()
        if toks and toks[-1].isalpha() and not str(phrase).endswith("s"):
            kb.add_agent(" ".join(toks[:-1] + [plural(toks[-1].lower())]), sector, prio)
    surnames = data.get("surnames") or {}
    if not isinstance(surnames, dict):
        raise ValueError(f"{path}: surnames must map Surname: Full Name")
    for sn, target in surnames.items():
        name, ctx = (target, None) if isinstance(target, str) else \
            ((target or {}).get("name"), (target or {}).get("context"))
        idx = _find_person(kb, str(name or ""))
        if idx is None:
            raise ValueError(f"{path}: surnames entry {sn!r}: no person named {name!r}")
        kb.add_surname(str(sn), kb.actors[idx].actor_id, _check_code(ctx, "context"), prio)


def _find_person(kb: ActorKB, name: str) -> int | None:
    node = kb.trie
    for t in norm_phrase(name):
        node = node.get(t)
        if node is None:
            return None
    xs = [it[1] for _, it in node.get(None) or [] if it[0] == "X"
          and kb.actors[it[1]].kind == "person"]
    return xs[-1] if xs else None


# ----------------------------------------------------------------------------- loading
def _load_compiled(kb: ActorKB, path: Path) -> None:
    import gzip

    with gzip.open(path, "rb") as f:
        data = json.loads(f.read())
    for code, c in data["countries"].items():
        kb.countries[code] = {"name": c["name"]}
    add = kb._add_phrase
    for phrase, items in data["phrases"].items():
        toks = tuple(phrase.split(" "))
        for p, kind, val in items:
            add(toks, (kind, val), p)
    for a in data["actors"]:
        aid, name, kind, country, sector, roles, src = a
        kb._ids[aid] = len(kb.actors)
        kb.actors.append(Actor(aid, name, kind, country, sector,
                               [Role(r[0], r[1], r[2], r[3], r[4]) for r in roles], [], src))
    for i, als in data.get("aliases", {}).items():
        kb.actors[int(i)].aliases = als
    for sn, (aid, ctx) in data.get("surnames", {}).items():
        kb.add_surname(sn, aid, ctx, prio=1)


_DEFAULT: ActorKB | None = None


def load_kb(extra: Iterable[str | Path] = (), include_default: bool = True) -> ActorKB:
    """The built-in base (cached per process) plus user YAML / PETRARCH dictionaries."""
    global _DEFAULT
    extra = [Path(p) for p in extra]
    if include_default and not extra and _DEFAULT is not None:
        return _DEFAULT
    kb = ActorKB()
    if include_default:
        _load_compiled(kb, KB_FILE)
    for p in extra:
        if p.suffix.lower() in (".yaml", ".yml"):
            load_yaml(kb, p)
        else:
            load_petrarch(kb, p)
    if include_default and not extra:
        _DEFAULT = kb
    return kb
