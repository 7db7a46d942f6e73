"""Word statistics of English: unigram and bigram counts, for glue repair and spin scoring.

The counts come from the ``wordsegment`` package (Apache-2.0, pure Python, no dependencies):
the 333k most frequent words and the ~250k most frequent word pairs of the Google Web
Trillion Word Corpus (Brants and Franz 2006), lower-cased, as distributed with Peter Norvig's
"Natural Language Corpus Data". Chosen over ``symspellpy`` (MIT, but its 83k-word unigram list
keeps only dictionary words, so no names, and it needs a compiled helper) and ``wordfreq``
(unigrams only, data CC-BY-SA). The files are read here directly (0.6 s, once per process);
wordsegment's own segmenter is not used.

The bigram table stops at a count of 100,000, so a pair that is absent occurred fewer than
``BIGRAM_FLOOR`` times: for two frequent words that is an upper bound on how often they stand
together, which is what both users need (a glued token is compared with its split; a spun
text is full of frequent words that real text almost never puts side by side).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Ngrams", "ngrams", "BIGRAM_FLOOR"]

BIGRAM_FLOOR = 100_000  # the smallest count in wordsegment's bigram table


@dataclass(frozen=True)
class Ngrams:
    """Counts, lower-case keys; bigrams keyed ``"w1 w2"``."""

    uni: dict[str, int]
    bi: dict[str, int]
    total: float  # tokens in the corpus the counts come from (sum of unigram counts)

    @property
    def log_total(self) -> float:
        return math.log10(self.total)

    def count(self, word: str) -> int:
        return self.uni.get(word, 0)

    def pair(self, w1: str, w2: str) -> int:
        return self.bi.get(f"{w1} {w2}", 0)

    def log_p(self, word: str) -> float | None:
        """log10 P(word), None when the word is not among the 333k."""
        c = self.uni.get(word)
        return None if c is None else math.log10(c) - self.log_total

    def log_p_next(self, w1: str, w2: str) -> float | None:
        """log10 P(w2 | w1): from the pair count when listed, else bounded by the table's
        floor (an unlisted pair occurred fewer than ``BIGRAM_FLOOR`` times); None when w2 is
        unknown."""
        c2 = self.uni.get(w2)
        if c2 is None:
            return None
        c1 = self.uni.get(w1)
        if c1 is None:
            return math.log10(c2) - self.log_total
        c12 = self.bi.get(f"{w1} {w2}")
        if c12 is not None:
            return math.log10(c12) - math.log10(c1)
        # unlisted: at most half the floor on average, and no more than chance would give
        return min(math.log10(c2) - self.log_total, math.log10(BIGRAM_FLOOR / 2) - math.log10(c1))


def _read(name: str) -> dict[str, int]:
    out: dict[str, int] = {}
    with resources.files("wordsegment").joinpath(name).open(encoding="utf-8") as f:
        for line in f:
            w, _, c = line.rstrip("\n").rpartition("\t")
            if w:
                out[w] = int(c)
    return out


@lru_cache(maxsize=1)
def ngrams() -> Ngrams | None:
    """The counts, loaded once; None when ``wordsegment`` is not installed (then glue repair
    falls back to dictionary rules and spin scoring to the known-phrase evidence)."""
    try:
        uni = _read("unigrams.txt")
        bi = _read("bigrams.txt")
    except (ModuleNotFoundError, FileNotFoundError):
        return None
    return Ngrams(uni, bi, float(sum(uni.values())))
