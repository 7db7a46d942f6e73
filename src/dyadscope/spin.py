"""Spun text: news rewritten word by word with a synonym dictionary ("article spinning").

Scraper sites repost wire stories through a spinner that swaps words for dictionary
synonyms, often of the wrong sense: "Chinese language President Xi Jinping", "Communist
Celebration of China", "Korean Central Information Company", "Folks's Liberation Military",
"based on KCNA", "Supply hyperlink". Such text still names the same actors, but its event
verbs and titles are unreliable and it is a copy of someone else's story, so it is flagged.

What is detected is the phenomenon, not one article's phrases:

* Broken collocations. ``data/spin/spin_tables.yaml`` holds frequent fixed expressions of
  news English ("news agency", "communist party", "foreign minister", "told reporters",
  "interest rates", "scored a goal") and a table of the substitutions spinners make for
  news vocabulary (party -> celebration, news -> information, agency -> company, people ->
  folks, army <-> military, war -> battle/warfare, foreign -> international, climate ->
  local weather, team -> workforce, ...). Every collocation with one or more words swapped
  is a variant; a variant found in the text is a hit. Edited English uses the collocation,
  almost never the variant, so the pair carries the signal, not either word alone
  ("assembly" alone is fine: Supreme People's Assembly). The table is a general resource
  written for news text; the spaCy model's WordNet lookups hold lemma lists, not synsets, so
  they cannot supply sense-level synonyms.
* A few pattern rules for swaps that collocation tables cannot list: a nationality followed
  by "language" and a title or institution ("Chinese language President"), "based on
  <agency or report>" closing a sentence where news says "according to", "X mentioned."
  as a reporting clause, "80 years in the past" for "80 years ago", "p.c." for per cent.
* Unexpected word pairs, from language statistics (``ngrams``: unigram and bigram counts of
  the Google Web Trillion Word Corpus). A spinner works word by word, so it breaks the
  pairs edited English is made of, whatever its dictionary: "residence workforce",
  "curiosity charges", "prexy said". For every adjacent pair of words known to the counts
  (pairs of two function words left out: spinners seldom touch them; so are pairs with a
  capitalised word past a sentence's first, names and titles being no spinner's), the pointwise mutual
  information ``log10 c(w1 w2) N / (c(w1) c(w2))`` (an unlisted pair: bounded by the table's
  floor), clipped to +-``PMI_CLIP``; the document's *naturalness* is its mean plus
  ``LISTED_WEIGHT`` times the share of its pairs the table lists. Real news sits high;
  spun text low. The statistical part of the score is ln 2 (a score of 0.5 alone) at
  naturalness ``NATURAL_AT_THRESHOLD`` and doubles with every ``NATURAL_SCALE`` below
  (a short text's naturalness is shrunk towards ``NATURAL_PRIOR``); the least expected pairs are kept as evidence
  when this part gives at least half of what flags a text.
* Score = ``1 - exp(-(density / DENSITY_SCALE + statistical part))``, density being known-phrase
  hits per 100 words (at least ``MIN_WORDS`` words counted, so one stray hit in a short text
  stays low).

Machine translation (seed 001) is not spin: a translator produces standard collocations
("according to Chinese state media", "Communist Party"), its oddities are broken sentence
breaks and word order, which this detector does not look for; it scores 0 and is left
unflagged here on purpose (translation quality is a separate question).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

__all__ = ["spin_score", "spin_hits", "naturalness", "is_spun", "SpinHit", "Naturalness", "SPIN_THRESHOLD"]

_DATA = Path(__file__).parent / "data" / "spin" / "spin_tables.yaml"

# Score at or above which a text is called spun. Chosen on the seeds and the paragraphs in
# tests/test_spin.py: spun text scores 0.83-0.99 (seed 002: 41 hits in 634 words), normal
# news 0 (no hit in the other four seeds, the four normal paragraphs, or ~12k words of the
# PETRARCH/PLOVER gold sentences once "military officers" and "warfare against/in" were
# listed as normal variants). 0.5 <=> about one hit per 100 words: a stray hit in an
# ordinary 150-word text scores 0.36.
SPIN_THRESHOLD = 0.5
DENSITY_SCALE = 1.5  # hits per 100 words giving score 1 - 1/e
MIN_WORDS = 150  # shorter texts are counted as this long
# Unexpected pairs. PMI_CLIP and LISTED_WEIGHT were chosen on the tuning half of the VOA dev
# stories spun by the evaluation's WordNet spinner (``dyadscope eval repair``, seed 13).
# Pairs with a capitalised word (a name, a title, a weekday: not what a spinner swaps, and
# the 2006 counts lack many of them, "on Tuesday", "the Philippines") are left out since
# session 17 of development, and the three constants below were chosen again by the same
# rules on the same half. Naturalness there: untouched 1.52 and up (median 1.75), spun
# median 1.37; seeds 000/001/003/004 1.52-1.89, spun seed 002 1.25. A text reaches the
# threshold on this evidence alone at NATURAL_AT_THRESHOLD = 1.47: 0.05 under every
# untouched tuning story and seed 003 (the least natural real news seen, 1.52), as before.
# PRIOR_PAIRS is the fewest pairs of prior for which a 4-pair text, however unnatural, adds
# less than 0.2 to the exponent (a quarter of the ln 2 that flags a text alone), as with
# the earlier constants.
PMI_CLIP = 2.0
LISTED_WEIGHT = 2.0
NATURAL_AT_THRESHOLD = 1.47
NATURAL_SCALE = 0.10
NATURAL_PRIOR = 1.75  # ordinary news (untouched tuning stories: median 1.75) ...
PRIOR_PAIRS = 66  # ... counted as this many pairs, so that a short text weighs little
MAX_PAIR_EVIDENCE = 12

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

_NATIONS = (
    "Chinese|Japanese|Korean|Russian|French|German|Spanish|Italian|Portuguese|Arabic|Turkish|"
    "Vietnamese|Thai|Dutch|Greek|Polish|Ukrainian|Persian|Hebrew|English|Indonesian|Hindi|Urdu|Farsi"
)
_TITLES = (
    "President|Prime|Premier|Foreign|Defen[cs]e|Communist|[Gg]overnment|[Oo]fficials?|[Mm]ilitary|[Aa]rmy|"
    "[Nn]avy|[Tt]roops|[Aa]uthorities|[Ll]eaders?|[Ss]tate|[Ee]mbassy|[Aa]mbassador|[Dd]elegation|"
    "[Cc]ounterpart|[Mm]inistry|[Mm]inister|[Ff]orces|[Ww]arships|[Nn]ationals|[Cc]itizens|[Cc]apital|"
    "[Ee]conomy|[Cc]ompan(?:y|ies)|[Ff]irms?|[Cc]oast|[Pp]olice|[Pp]arliament|[Cc]ourt"
)
_SOURCES = (
    r"(?:the\s+)?(?:[A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*){0,3}|state\s+media|media\s+reports?|reports?|"
    r"officials|sources|witnesses|police|(?:a|the)\s+statement|(?:the\s+)?(?:news\s+)?agency|the\s+ministry)"
)
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("nationality + language + title", re.compile(rf"\b(?:{_NATIONS})\s+language\s+(?:{_TITLES})\b")),
    ("'based on' for 'according to'",
     re.compile(rf"(?:,|\b(?:said|mentioned|reported|added|stated))\s+based\s+on\s+{_SOURCES}(?=\s*[.;]|\s*$)", re.M)),
    ("'mentioned' as reporting verb",
     re.compile(r"(?:[”\"]\s*,?\s+(?:[A-Z][\w.'’-]*\s+){1,3}|\b(?:[A-Z][\w'’-]+|he|she|they)\s+)mentioned(?=[.,])")),
    ("'in the past' for 'ago'",
     re.compile(r"\b\d+\s+(?:years?|months?|weeks?|days?|decades?|hours?)\s+in\s+the\s+past\b(?!\s+(?:few|two|three|\d))")),
    ("'p.c.' for 'per cent'", re.compile(r"\b\d+(?:\.\d+)?\s*p\.c\.")),
]


@dataclass(frozen=True)
class SpinHit:
    """One piece of evidence: the text as found, and what news English would have had."""

    phrase: str
    start: int
    end: int
    expected: str  # the collocation it distorts, or the rule that fired


def _norm(tok: str) -> str:
    return tok.lower().replace("’", "'")


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(_norm(t) for t in _TOKEN.findall(phrase))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[tuple[str, ...], str], int]:
    """Spun variant (token tuple) -> the collocation it came from; and the longest variant."""
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    subs: dict[str, list[tuple[str, ...]]] = {
        _norm(k): [_words(v) for v in vs] for k, vs in data["substitutes"].items()
    }
    normal = {_words(v) for v in data.get("normal_variants", [])}
    colls = {_words(c) for c in data["collocations"]}
    variants: dict[tuple[str, ...], str] = {}
    for coll in colls:
        options = [[(w,)] + [s for s in subs.get(w, []) if s != (w,)] for w in coll]
        for combo in itertools.product(*options):
            v = tuple(t for part in combo for t in part)
            if v != coll and v not in colls and v not in normal:
                variants.setdefault(v, " ".join(coll))
    for idiom in data.get("idioms", []):
        variants[_words(idiom)] = "spinner idiom"
    return variants, max(len(v) for v in variants)


@lru_cache(maxsize=1)
def _lengths_by_first_word() -> dict[str, tuple[int, ...]]:
    """The lengths of the variants that start with each word, longest first: most words
    start none, so most positions of a text are passed over at once."""
    variants, _ = _tables()
    by_first: dict[str, set[int]] = {}
    for v in variants:
        by_first.setdefault(v[0], set()).add(len(v))
    return {w: tuple(sorted(ns, reverse=True)) for w, ns in by_first.items()}


def spin_hits(text: str) -> list[SpinHit]:
    """All evidence of spinning in ``text``, in text order, without overlaps."""
    return _scan(text)[0]


# words read at a time: memory bounded for any text, few Python steps a word
_CHUNK_WORDS = 8192


def _scan(text: str) -> tuple[list[SpinHit], int]:
    """``spin_hits`` and the number of words in ``text``.

    The words are read a chunk at a time, with a variant's length of words carried over
    so that a variant across a chunk's end is found; at each word only the lengths of the
    variants starting with it are tried, longest first, and a match is passed over."""
    variants, longest = _tables()
    lengths = _lengths_by_first_word()
    words = _TOKEN.finditer(text)
    found: list[SpinHit] = []
    window: list[tuple[int, int, str]] = []
    n_words = 0
    more = True
    while more:
        chunk = [(m.start(), m.end(), _norm(m.group())) for m in itertools.islice(words, _CHUNK_WORDS)]
        n_words += len(chunk)
        more = len(chunk) == _CHUNK_WORDS
        window += chunk
        # positions closer to the end than the longest variant wait for the next chunk
        stop = len(window) - longest + 1 if more else len(window)
        i = 0
        while i < stop:
            for n in lengths.get(window[i][2], ()):  # the longest variant at this word
                if i + n > len(window):
                    continue
                coll = variants.get(tuple(w for _, _, w in window[i:i + n]))
                if coll is not None:
                    s, e = window[i][0], window[i + n - 1][1]
                    found.append(SpinHit(text[s:e], s, e, coll))
                    i += n
                    break
            else:
                i += 1
        window = window[i:]
    for name, rx in _RULES:
        for m in rx.finditer(text):
            phrase = m.group().strip(' ,"”\n')
            s = m.start() + m.group().index(phrase)
            e = s + len(phrase)
            if not any(h.start < e and s < h.end for h in found):
                found.append(SpinHit(phrase, s, e, name))
    found.sort(key=lambda h: h.start)
    return found, n_words


@dataclass(frozen=True)
class Naturalness:
    """How ordinary a text's adjacent word pairs are, with the least expected of them."""

    value: float  # mean clipped PMI + LISTED_WEIGHT * share of listed pairs; None-like 0 pairs
    pairs: int
    unexpected: tuple[SpinHit, ...]  # the lowest-PMI pairs, text order

    @property
    def excess(self) -> float:
        """The statistical part of the score's exponent: ln 2 (score 0.5 alone) at
        naturalness ``NATURAL_AT_THRESHOLD``, doubling with every ``NATURAL_SCALE`` below."""
        if not self.pairs:
            return 0.0
        # few pairs say little: shrink towards ordinary news, as if PRIOR_PAIRS more were
        value = (self.pairs * self.value + PRIOR_PAIRS * NATURAL_PRIOR) / (self.pairs + PRIOR_PAIRS)
        return math.log(2) * 2.0 ** min(10.0, (NATURAL_AT_THRESHOLD - value) / NATURAL_SCALE)


# adjacent words are a pair unless punctuation (not an apostrophe or hyphen inside a word)
# stands between them
_PAIR_BREAK = re.compile(r"[^\w\s'’-]+|(?<!\w)['’-]|['’-](?!\w)")


def naturalness(text: str) -> Naturalness:
    """Score adjacent word pairs under the unigram/bigram counts (see the module docstring)."""
    from .clean import _FUNCTION_WORDS as fw
    from .ngrams import BIGRAM_FLOOR, ngrams

    ng = ngrams()
    if ng is None or not text:
        return Naturalness(NATURAL_AT_THRESHOLD, 0, ())
    uni, bi, log_n = ng.uni, ng.bi, ng.log_total
    log10 = math.log10
    cap_unlisted = log10(BIGRAM_FLOOR / 2)
    total = 0.0
    listed = 0
    n = 0
    low: list[tuple[float, str, str]] = []
    logs: dict[str, float] = {}
    for seg in _PAIR_BREAK.split(text.replace("’", "'")):
        cased = seg.split()
        words = [w.lower() for w in cased]
        for i in range(1, len(words)):
            a, b = words[i - 1], words[i]
            if a in fw and b in fw:
                continue
            if cased[i][:1].isupper() or (i > 1 and cased[i - 1][:1].isupper()):
                continue  # a name, a title, a weekday (a piece's first word is capitalised by its sentence)
            la = logs.get(a)
            if la is None:
                c = uni.get(a)
                la = logs[a] = log10(c) if c else -1.0
            lb = logs.get(b)
            if lb is None:
                c = uni.get(b)
                lb = logs[b] = log10(c) if c else -1.0
            if la < 0 or lb < 0:
                continue
            expected = la + lb - log_n
            c12 = bi.get(a + " " + b)
            if c12 is not None:
                pmi = log10(c12) - expected
                listed += 1
            else:
                pmi = min(0.0, cap_unlisted - expected)
            pmi = max(-PMI_CLIP, min(PMI_CLIP, pmi))
            total += pmi
            n += 1
            if pmi < 0:
                low.append((pmi, a, b))
                if len(low) >= 8 * MAX_PAIR_EVIDENCE:  # keep only the lowest: bounded memory
                    low.sort()
                    del low[MAX_PAIR_EVIDENCE:]
    if not n:
        return Naturalness(NATURAL_AT_THRESHOLD, 0, ())
    value = total / n + LISTED_WEIGHT * listed / n
    low.sort()
    return Naturalness(round(value, 4), n, tuple(_locate(text, low[:MAX_PAIR_EVIDENCE])))


def _locate(text: str, pairs: list[tuple[float, str, str]]) -> list[SpinHit]:
    """The evidence pairs as found in the text (first occurrence), in text order."""
    hits: list[SpinHit] = []
    for pmi, a, b in pairs:
        rx = re.compile(rf"(?<![\w'’-]){re.escape(a)}\s+{re.escape(b)}(?![\w'’-])".replace("'", "['’]"), re.I)
        m = rx.search(text)
        if m is not None and not any(h.start == m.start() for h in hits):
            hits.append(SpinHit(m.group(), m.start(), m.end(), f"unexpected pair (PMI {pmi:.1f})"))
    hits.sort(key=lambda h: h.start)
    return hits


def spin_score(text: str) -> tuple[float, list[str]]:
    """Score in [0, 1] (>= ``SPIN_THRESHOLD``: spun) and the evidence phrases, in text order:
    known spinner phrases, then, when the word statistics raised the score, the least
    expected word pairs."""
    hits, n_words = _scan(text)
    density = 100.0 * len(hits) / max(n_words, MIN_WORDS)
    nat = naturalness(text)
    excess = nat.excess
    score = 1.0 - math.exp(-(density / DENSITY_SCALE + excess))
    evidence = list(hits)
    if excess >= math.log(2) / 2:  # the pairs gave at least half of what flags a text
        evidence += [h for h in nat.unexpected if not any(h.start < x.end and x.start < h.end for x in hits)]
        evidence.sort(key=lambda h: h.start)
    return round(score, 3), [h.phrase for h in evidence]


def is_spun(text: str) -> bool:
    return spin_score(text)[0] >= SPIN_THRESHOLD
