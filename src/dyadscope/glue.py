"""Glued words from word statistics: is a token two words a scraper joined?

Scrapers drop the space at tag boundaries: "accordingto", "saidBiden", "toState-run",
"Li Jinjunfor". A token is considered only when it is not a word: not an English word form
(the spaCy model's WordNet lemma tables and its vocabulary strings), not a word of a name in
the bundled actor base, and not a CamelCase name on the keep list. Each way of cutting it in two is then scored with the unigram and bigram
counts of ``ngrams`` (Google Web Trillion Word Corpus, via ``wordsegment``)::

    gain = log10 P(left) + log10 P(right | left) - log10 P(token)

An unknown part or token gets the probability of an unseen string of its length
(``UNK_BASE - UNK_PER_CHAR * len``, Norvig's estimate softened so that a long unknown name
is not split merely for being long). A cut is made when its gain reaches a threshold, i.e.
the two words are that many powers of ten more likely than the token; the best cut wins.
The parts must be plausible: a part of one or two letters must be a frequent English
function word ("of", "to"; not "di" or "ng"), a part unknown to the counts must be
name-shaped (a capitalised run of letters with a vowel), and only a part that starts a
capitalised token, or follows a lower->Upper change, may be a name.

Left alone: tokens touching digits, ``#``, ``@``, ``_``, ``/`` or ``.`` (hashtags, handles,
URLs, product codes, file names), CamelCase words whose left part is one letter ("iPhone",
"eBay") or a name particle ("McDonald", "DeSantis"), listed brands, and CamelCase words whose
halves are both words ("YouTube", "PowerPoint") unless the lower-case left half is a word
glued to a capitalised one ("toState").
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .ngrams import Ngrams, ngrams

__all__ = ["Glue", "find_glues", "split_token", "GLUE_MIN_GAIN", "GLUE_MIN_GAIN_CASE"]

# Thresholds (log10 of how much more likely the split is than the token). Chosen on the
# tuning half of the planted VOA stories (``dyadscope eval repair``, seed 13; docs/ACCURACY.md):
# inside a run of letters ("accordingto", "Jinjunfor") and at a lower->Upper change
# ("saidBiden", "RyongHae"), where the change itself is evidence.
GLUE_MIN_GAIN = 3.0  # two known words ("accordingto")
GLUE_MIN_GAIN_NAME = 1.5  # a name unknown to the counts and a word ("Jinjunfor"): see _gain
GLUE_MIN_GAIN_KNOWN_NAME = 1.0  # a known name or word of 4+ letters and a word ("Bureauof")
GLUE_MIN_GAIN_CASE = 0.0  # at a lower->Upper change, any split of plausible parts
UNK_PER_CHAR = 0.8  # log10 penalty per letter of an unseen string
UNK_BASE = -9.0  # log10 probability of an unseen string, before its length
MIN_TOKEN = 4  # shorter tokens are never split
# the right part of two words must not be far likelier as the end of a word than as a word
# ("-ization" ends thousands of words and is rare alone; "to", "municipality" are words)
WORD_OVER_ENDING = -1.0
SHORT_PART_MIN_LP = -5.0
NAME_TAIL_MAX = 5  # longer words after a known capitalised word are scored as two words  # a part of three letters must be at least this frequent ("ung" is not)

# name particles that legitimately precede a capital inside one word (McDonald, DeSantis)
NAME_PREFIXES = frozenset(
    "mc mac fitz van von de del della der des di da du la le lo los las al el ibn bin ben abu o st san santa "
    "ter ten".split()
)
_NAME_SHAPED = re.compile(r"[A-Z][a-z]*[aeiouy][a-z]*")
_TOKEN = re.compile(r"(?<![\w#@/.&+-])[A-Za-z]+(?![\w@/+]|\.[A-Za-z0-9])")
_CASE_CHANGE = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class Glue:
    """One split: the token, where it was cut, and why."""

    start: int
    end: int
    frm: str
    to: str
    gain: float
    evidence: str


def _unk(n: int) -> float:
    return UNK_BASE - UNK_PER_CHAR * n


@lru_cache(maxsize=1)
def _reversed_words() -> list[str]:
    """The words of the counts spelled backwards, sorted: words ending with a string form
    one range of this list."""
    ng = ngrams()
    return sorted(w[::-1] for w in ng.uni if len(w) >= 4) if ng is not None else []


@lru_cache(maxsize=1 << 14)
def _lp_ending(part: str) -> float:
    """log10 of the share of word types that end with ``part`` and are at least two letters
    longer: how usual ``part`` is as the end of one word ("-in" ends many names, "-for"
    almost none, "-ization" thousands of words)."""
    rev = _reversed_words()
    key = part[::-1]
    n = bisect.bisect_left(rev, key + "\U0010ffff") - bisect.bisect_left(rev, key)
    n -= 1 if part in (ngrams().uni if ngrams() else ()) and len(part) >= 4 else 0  # not itself
    return math.log10((max(n, 0) + 1) / max(1, len(rev)))


def _name_words() -> frozenset[str]:
    """Lower-cased words of the names in the bundled actor base ("jinjun", "tshisekedi"):
    never split, and a known name when they start a glued token."""
    from .actors import name_words  # late: cleaning alone need not import the resolver

    return name_words()


@lru_cache(maxsize=1)
def _short_words() -> frozenset[str]:
    """Parts of one or two letters that may stand alone: frequent English function words."""
    from .clean import _FUNCTION_WORDS

    return frozenset(w for w in _FUNCTION_WORDS if len(w) <= 2) | {"a"}


def _part_lp(part: str, cap_ok: bool, ng: Ngrams, first: bool) -> tuple[bool, float | None] | None:
    """(plausible, log10 P(part) or None when unseen); None when it may not be a part.
    ``cap_ok``: the part may be a name unknown to the counts; ``first``: the left part (only
    there may a part be one letter: "a")."""
    low = part.lower()
    if len(low) <= 2:
        if low in _short_words() and (part.islower() or part.istitle()) and (len(low) == 2 or first):
            return True, ng.log_p(low)
        return None
    lp = ng.log_p(low)
    if lp is not None and (part.islower() or part.istitle()) and (len(low) > 3 or lp >= SHORT_PART_MIN_LP):
        return True, lp
    if cap_ok and _NAME_SHAPED.fullmatch(part):
        return True, None
    return None


def _fmt(lp: float | None) -> str:
    return "unseen" if lp is None else f"1e{lp:.1f}"


def _gain(left: str, right: str, lp_l: float | None, lp_r: float | None, lp_tok: float | None,
          n: int, ng: Ngrams) -> tuple[float, float | None, float]:
    """log10 P(split) - log10 P(token), the P(right | left) used, and the gain needed."""
    if lp_tok is None and left[0].isupper() and lp_r is not None and (len(right) <= NAME_TAIL_MAX or lp_l is None):
        # a capitalised token unknown to the counts is a name: is it a name + a word
        # ("Jinjunfor", "Bidenfor")? Compare the word after a name with how often word types
        # end with its letters ("Jinping" is not "Jin ping", "Mohammadian" not "Mohammadi an")
        if lp_l is None:
            known = left.lower() in _name_words()  # a name of the actor base ("Jinjun")
            return lp_r - _lp_ending(right.lower()), lp_r, GLUE_MIN_GAIN_KNOWN_NAME if known else GLUE_MIN_GAIN_NAME
        if len(left) < 4:
            return -99.0, None, 0.0  # "Den here", "Heg seth": short known strings start many names
        cond = ng.log_p_next(left.lower(), right.lower())
        return cond - _lp_ending(right.lower()), cond, GLUE_MIN_GAIN_KNOWN_NAME
    if lp_l is None or lp_r is None:
        return -99.0, None, 0.0
    if lp_r - _lp_ending(right.lower()) < WORD_OVER_ENDING:
        return -99.0, None, 0.0  # "nuclear ization": the end of many words more than a word
    cond = ng.log_p_next(left.lower(), right.lower())
    base = lp_tok if lp_tok is not None else _unk(n)
    return lp_l + cond - base, cond, GLUE_MIN_GAIN


@lru_cache(maxsize=1 << 16)
def split_token(tok: str) -> tuple[str, float, str] | None:
    """``(split form, gain, evidence)`` when ``tok`` is two glued words, else None."""
    from .clean import _camel_keep, _known_form, is_word

    ng = ngrams()
    if ng is None or len(tok) < MIN_TOKEN or tok in _camel_keep() or tok.isupper():
        return None
    low = tok.lower()
    if _known_form(tok) or (low in _name_words() and not _CASE_CHANGE.search(tok)):
        return None  # (an actor-base name written with a capital inside is still split: "RyongHae")
    lp_tok = ng.log_p(low)
    cuts = [m.start() for m in _CASE_CHANGE.finditer(tok)]
    if len(cuts) > 1:
        return None  # several case changes: a brand or code ("PlayStationVR"), not one glue
    if cuts:
        i = cuts[0]
        left, right = tok[:i], tok[i:]
        if len(left) < 2 or left.lower() in NAME_PREFIXES or not right[1:].islower():
            return None  # iPhone, eBay, McDonald, DeSantis, macOS
        if left[0].isupper() and is_word(left) and is_word(right):
            return None  # YouTube, PowerPoint, BlackRock: two words making one name
        candidates = [i]
    else:
        if not (tok.islower() or tok.istitle()):
            return None
        candidates = list(range(1, len(tok)))
    best: tuple[float, float, int, float | None, float | None] | None = None
    for i in candidates:
        left, right = tok[:i], tok[i:]
        pl = _part_lp(left, left[0].isupper(), ng, True)
        if pl is None:
            continue
        pr = _part_lp(right, right[0].isupper(), ng, False)
        if pr is None:
            continue
        gain, cond, needed = _gain(left, right, pl[1], pr[1], lp_tok, len(tok), ng)
        if cuts:  # a lower->Upper change inside a word that is no word or brand: evidence enough
            gain, needed = max(gain, 0.0), GLUE_MIN_GAIN_CASE
        margin = gain - needed
        if best is None or margin > best[0]:
            best = (margin, gain, i, pl[1], cond)
    if best is None or best[0] < 0:
        return None
    _, gain, i, lp_l, lp_r = best
    left, right = tok[:i], tok[i:]
    evidence = (
        f"split 10^{gain:.1f} times likelier: P({left.lower()}) {_fmt(lp_l)}, "
        f"P({right.lower()}|{left.lower()}) {_fmt(lp_r)}, P({low}) {_fmt(lp_tok)}"
    )
    return f"{left} {right}", round(gain, 2), evidence


def find_glues(text: str) -> list[Glue]:
    """Every glued token in ``text`` that the statistics split, in text order."""
    out: list[Glue] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if len(tok) < MIN_TOKEN:
            continue
        hit = split_token(tok)
        if hit is not None:
            out.append(Glue(m.start(), m.end(), tok, hit[0], hit[1], hit[2]))
    return out
