"""Text repair measured on text no rule was written for: planted glues and a synonym spinner
run over the VOA development stories (``gold/voa/stories_dev.jsonl``, public domain).

* **Glues.** Adjacent word pairs (one space between, letters only) in three shapes are
  eligible: word+word ("according to"), word+Capitalised ("said Biden", "to State-run") and
  name+short word (a capitalised word not opening a sentence, then a lower-case word of at
  most four letters: "Jinjun for"). Never where the glued form is itself a word (an English
  word form, or a string at least once per million words of the counts). ``GLUE_RATE`` of
  the eligible pairs (3 %), chosen at random without sharing a word, lose their space.
  A repair is right when it restores a planted pair exactly; precision counts every repair
  made on the planted text (a split of an untouched word is wrong).
* **Spin.** A dictionary spinner of our own: every word of more than two letters that is not
  a function word and has an entry in a WordNet 3.1 synonym table (``data/eval``; all senses
  mixed, POS-blind, as cheap spinners are) is swapped with probability ``SPIN_RATE`` for one
  of its first synonyms, keeping its capitalisation and a plural ``-s``. The detector never
  reads this table. AUC compares each spun story's ``spin_score`` with the untouched stories'.
* **Halves.** Stories in file order alternate between a tuning half (thresholds chosen
  there) and a test half (figures reported). ``seed`` drives planting and spinning; the
  default is the one the shipped thresholds were chosen with.
* **Copies.** Each spun test story is looked up in a copy index holding the untouched test
  stories: it must be linked to its own original, and no untouched story to another one.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["load_stories", "plant_glues", "spin_text", "score", "format_report", "SEED"]

SEED = 13
GLUE_RATE = 0.03
SPIN_RATE = 0.5
SYN_CHOICES = 3  # a synonym is drawn from the first few of a word's entry
WORD_PER_MILLION = 1.0  # a glued form this frequent in the counts is a word: never planted
_SYNONYMS = Path(__file__).resolve().parent.parent / "data" / "eval" / "wordnet_synonyms.tsv.gz"
_PAIR = re.compile(r"(?<![\w'’-])([A-Za-z]+) ([A-Za-z]+(?:-[A-Za-z]+)*)(?![\w'’])")
_WORD = re.compile(r"[A-Za-z]+")


def load_stories(folder: Path) -> list[dict]:
    path = folder / "stories_dev.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def halves(stories: list[dict]) -> tuple[list[dict], list[dict]]:
    """(tuning, test): alternate stories in file order."""
    return stories[0::2], stories[1::2]


# --------------------------------------------------------------------------- glues


def _is_wordlike(glued: str) -> bool:
    from ..clean import is_word
    from ..ngrams import ngrams

    if is_word(glued):
        return True
    ng = ngrams()
    return ng is not None and ng.count(glued.lower()) >= WORD_PER_MILLION * ng.total / 1e6


def _shape(text: str, m: re.Match) -> str | None:
    a, b = m.group(1), m.group(2)
    first = b.split("-")[0]
    if a.islower() and b.islower():
        return "word+word"
    if a.islower() and first[0].isupper() and first[1:].islower() and len(first) > 1:
        return "word+Capitalised"
    if a.istitle() and len(a) > 1 and b.isalpha() and b.islower() and len(b) <= 4:
        before = text[: m.start()].rstrip()
        if before and before[-1] not in ".!?\"“”:" and not before.endswith("\n"):
            return "name+short word"
    return None


def plant_glues(text: str, rng: random.Random, rate: float = GLUE_RATE) -> tuple[str, list[tuple[str, str, str]]]:
    """Glue ``rate`` of the eligible pairs; returns the text and ``(glued, expected, shape)``."""
    eligible: list[tuple[int, int, str, str, str]] = []
    pos = 0
    while True:
        m = _PAIR.search(text, pos)
        if m is None:
            break
        pos = m.start(2)  # pairs overlap: "a b c" gives (a b) and (b c)
        shape = _shape(text, m)
        if shape is None:
            continue
        glued = m.group(1) + m.group(2).split("-")[0]
        if _is_wordlike(glued):
            continue
        eligible.append((m.start(), m.end(), m.group(1), m.group(2), shape))
    k = round(rate * len(eligible))
    chosen: list[tuple[int, int, str, str, str]] = []
    used: set[int] = set()
    for cand in rng.sample(eligible, len(eligible)):
        if len(chosen) == k:
            break
        s, e = cand[0], cand[1]
        if any(i in used for i in range(s - 1, e + 1)):
            continue
        used.update(range(s, e))
        chosen.append(cand)
    chosen.sort()
    out: list[str] = []
    planted: list[tuple[str, str, str]] = []
    last = 0
    for s, e, a, b, shape in chosen:
        out.append(text[last:s])
        out.append(a + b)
        head = b.split("-")[0]
        planted.append((a + head, f"{a} {head}", shape))
        last = e
    out.append(text[last:])
    return "".join(out), planted


# --------------------------------------------------------------------------- spinner


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    with gzip.open(_SYNONYMS, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            word, _pos, syns = line.rstrip("\n").split("\t")
            table.setdefault(word, []).extend(s for s in syns.split("|") if s not in table.get(word, []))
    return table


def _recase(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[0].isupper():
        return word[0].upper() + word[1:]
    return word


def spin_text(text: str, rng: random.Random, rate: float = SPIN_RATE) -> tuple[str, int]:
    """The spinner; returns the spun text and the number of words swapped."""
    from ..clean import _FUNCTION_WORDS

    table = synonyms()
    out: list[str] = []
    last = 0
    swapped = 0
    for m in _WORD.finditer(text):
        w = m.group()
        low = w.lower()
        if len(low) <= 2 or low in _FUNCTION_WORDS:
            continue
        plural = False
        options = table.get(low)
        if options is None and low.endswith("s") and low[:-1] in table:
            options, plural = table[low[:-1]], True
        if not options or rng.random() >= rate:
            continue
        new = rng.choice(options[:SYN_CHOICES])
        if plural:
            new += "s"
        out.append(text[last : m.start()])
        out.append(_recase(new, w))
        last = m.end()
        swapped += 1
    out.append(text[last:])
    return "".join(out), swapped


# --------------------------------------------------------------------------- scoring


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a spun story scores above an untouched one (ties count half)."""
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


@dataclass
class HalfResult:
    name: str
    stories: int = 0
    planted: int = 0
    repairs: int = 0
    correct: int = 0
    by_shape: dict[str, list[int]] = field(default_factory=dict)  # shape -> [planted, found]
    wrong: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)
    spun: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)
    copies_found: int = 0
    copies_false: int = 0
    seconds_glue: float = 0.0
    seconds_spin: float = 0.0
    seconds_sketch: float = 0.0
    sentences: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.repairs if self.repairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.planted if self.planted else 0.0


def score_half(name: str, stories: list[dict], seed: int = SEED) -> HalfResult:
    from ..clean import split_glued
    from ..copies import CopyFinder
    from ..nlp import split_sentences
    from ..spin import spin_score

    r = HalfResult(name, stories=len(stories))
    finder = CopyFinder()
    spun_texts: list[tuple[str, str]] = []
    for i, story in enumerate(stories):
        text = story["text"]
        rng = random.Random(f"{seed}:{story['id']}")
        glued, planted = plant_glues(text, rng)
        _fixed, repairs = split_glued(glued)
        want: dict[tuple[str, str], int] = {}
        for g, exp, shape in planted:
            want[(g, exp)] = want.get((g, exp), 0) + 1
            r.by_shape.setdefault(shape, [0, 0])[0] += 1
        shape_of = {(g, exp): shape for g, exp, shape in planted}
        r.planted += len(planted)
        r.repairs += len(repairs)
        for frm, to, _at, _ev in repairs:
            key = (frm, to)
            if want.get(key, 0) > 0:
                want[key] -= 1
                r.correct += 1
                r.by_shape[shape_of[key]][1] += 1
            else:
                r.wrong.append(key)
        r.missed += [k for k, n in want.items() for _ in range(n)]
        spun, _n = spin_text(text, random.Random(f"{seed}:spin:{story['id']}"))
        r.spun.append(spin_score(spun)[0])
        r.plain.append(spin_score(text)[0])
        finder.add(str(story["id"]), text, spun=False, seq=i)
        spun_texts.append((str(story["id"]), spun))
    for sid, _spun in spun_texts:  # untouched stories must not be copies of one another
        if finder.copy_of(sid)[0] is not None:
            r.copies_false += 1
    for j, (sid, spun) in enumerate(spun_texts):
        hit, _sim = finder.copy_of_text(spun, spun=True)
        r.copies_found += hit == sid
    r.sentences = sum(len(split_sentences(s["text"])) for s in stories)
    r.seconds_glue, r.seconds_spin, r.seconds_sketch = measure_cost([s["text"] for s in stories])
    return r


def measure_cost(texts: list[str], repeats: int = 3) -> tuple[float, float, float]:
    """Seconds for glue repair, spin scoring and copy sketches over ``texts`` (after a
    warm-up, best of ``repeats``: other processes on the machine only ever add time)."""
    from ..clean import split_glued
    from ..copies import encode_sketches
    from ..spin import spin_score

    out = []
    for fn in (split_glued, spin_score, lambda t: encode_sketches(t, False)):
        fn(texts[0])
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            for t in texts:
                fn(t)
            best = min(best, time.perf_counter() - t0)
        out.append(best)
    return out[0], out[1], out[2]


def score(folder: Path, seed: int = SEED) -> tuple[HalfResult, HalfResult]:
    tune, test = halves(load_stories(folder))
    return score_half("tuning half", tune, seed), score_half("test half", test, seed)


def format_report(results: tuple[HalfResult, ...], threshold: float | None = None) -> str:
    from ..spin import SPIN_THRESHOLD

    thr = SPIN_THRESHOLD if threshold is None else threshold
    lines = ["Text repair on planted VOA stories (glues at 3% of eligible pairs; WordNet spinner)"]
    for r in results:
        lines.append(f"\n{r.name}: {r.stories} stories, {r.sentences} sentences")
        lines.append(f"  glue   precision {r.precision:.3f}  recall {r.recall:.3f}  "
                     f"({r.correct} right of {r.repairs} repairs, {r.planted} planted)")
        for shape, (n, found) in sorted(r.by_shape.items()):
            lines.append(f"         {shape:<18} recall {found / n if n else 0:.3f} ({found}/{n})")
        above = sum(s >= thr for s in r.plain)
        flagged = sum(s >= thr for s in r.spun)
        lines.append(f"  spin   AUC {auc(r.spun, r.plain):.3f}  spun flagged {flagged}/{len(r.spun)}  "
                     f"untouched above threshold {above}/{len(r.plain)} (threshold {thr})")
        lines.append(f"         untouched max {max(r.plain):.3f}, spun min {min(r.spun):.3f}")
        lines.append(f"  copies spun copy linked to its original {r.copies_found}/{r.stories}, "
                     f"untouched linked to another {r.copies_false}")
        ms = [1000 * x / max(1, r.stories) for x in (r.seconds_glue, r.seconds_spin, r.seconds_sketch)]
        per_sent = 1000 * (r.seconds_glue + r.seconds_spin + r.seconds_sketch) / max(1, r.sentences)
        lines.append(f"  cost   {sum(ms):.2f} ms per story, {per_sent:.3f} ms per sentence (glue {ms[0]:.2f}, "
                     f"spin {ms[1]:.2f}, copy sketches {ms[2]:.2f} ms per story; untouched text, best of 3)")
        if r.wrong:
            lines.append("  wrong splits: " + ", ".join(f"{a}->{b}" for a, b in r.wrong[:12]))
        if r.missed:
            lines.append("  missed: " + ", ".join(a for a, _ in r.missed[:12]))
    return "\n".join(lines)
