"""Text helpers of the actor base: accent folding, tokenizing, phrases, dates, codes."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from pathlib import Path

from dyadscope.models import ActorRef

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "actors"
KB_FILE = DATA_DIR / "kb.json.gz"

# Generational suffixes (as tokens): a name followed by one is another person than the
# name alone ("Robert F. Kennedy Jr."), and the family name is the word before it.
GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})

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


def one_word_form(name: str) -> tuple[str, str] | None:
    """(phrase key, written form) of a name of one word (after a leading "the")."""
    words = name.split()
    if len(words) == 2 and words[0].lower() == "the":
        words = words[1:]
    toks = norm_phrase(words[0]) if len(words) == 1 else ()
    return (toks[0], words[0]) if len(toks) == 1 else None


def acronym_forms(names) -> dict[str, set[str]]:
    """For each phrase key where one of an organisation's ``names`` is an acronym
    (``acronym_form``), every one-word form of its names with that key: "the Fed" beside
    "FED" keeps "Fed" a way to write it."""
    forms: dict[str, set[str]] = {}
    for n in names:
        form = one_word_form(n)
        if form:
            forms.setdefault(form[0], set()).add(form[1])
    return {k: v for k, v in forms.items() if any(acronym_form(f) for f in v)}


def acronym_form(name: str) -> tuple[str, str] | None:
    """(phrase key, written form) when ``name`` is an acronym: one word (after a leading
    "the") with two capitals or more, "WHO", "MoD". Such a name is matched in text only as
    written or in capitals when it is three letters or fewer, since "Who", "Raw" and "Spa"
    opening a sentence are words (``ActorKB._case_filter``)."""
    form = one_word_form(name)
    return form if form and sum(c.isupper() for c in form[1]) >= 2 else None


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
         "codes": ref.codes, "kind": ref.kind}
    d.update(kw)
    return ActorRef(**d)
