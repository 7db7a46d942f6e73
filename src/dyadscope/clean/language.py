"""Language from Unicode script, then function words, so that non-English documents are
skipped with a reason rather than mis-coded."""

from __future__ import annotations

import re
from collections import Counter

# --------------------------------------------------------------------------- language

_EN = frozenset(
    "the of and to in a is that for on with as was by at from it he his said be are has have an this its which "
    "were not or but their they had will who been would after also more than about over into she her we".split()
)
_LATIN_SETS = {
    "fr": frozenset("le la les de des du et est une un en que qui dans pour pas sur au avec par il elle sont".split()),
    "de": frozenset("der die das und ist nicht mit den dem ein eine zu von sich auf für im des auch sie wird".split()),
    "es": frozenset("el la los las de del y que en un una es por con para se al su como más lo pero sus fue".split()),
    "pt": frozenset("o a os as de do da dos das e que em um uma é para com não no na por se mais ao foi".split()),
    "it": frozenset("il lo la gli le di del della e che in un una è per con non si da al nel sono".split()),
    "nl": frozenset("de het een en van is dat op te in zijn met voor niet die aan er ook als door".split()),
    "id": frozenset("yang dan di ini itu dengan untuk dari dalam tidak akan pada adalah juga ke oleh".split()),
    "tr": frozenset("ve bir bu da de için ile olarak çok daha gibi olan ama kadar".split()),
}
_SCRIPTS: list[tuple[str, re.Pattern[str]]] = [
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff\u0750-\u077f]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("ka", re.compile(r"[\u10a0-\u10ff]")),
    ("hy", re.compile(r"[\u0530-\u058f]")),
]
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_NON_LATIN_LETTER = re.compile(r"[^\W\dA-Za-z_\u00c0-\u024f\u1e00-\u1eff]")
_LOWER_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code (or "und") and a confidence in [0, 1], from script and function words."""
    sample = text[:3000]
    other = len(_NON_LATIN_LETTER.findall(sample)) if _NON_LATIN_LETTER.search(sample) else 0
    latin = len(_LATIN_LETTER.findall(sample)) if other else 1
    if other and other > latin:
        counts = [(len(rx.findall(sample)), code) for code, rx in _SCRIPTS]
        n, code = max(counts)
        if n == 0:
            return "und", 0.3
        if code == "zh" and counts[1][0] > 0:
            code = "ja"  # kanji with kana
        if code == "ru":
            if re.search(r"[іїєґ]", sample):
                code = "uk"
            elif re.search(r"[ўђћџљњ]", sample):
                code = "sr" if re.search(r"[ђћџљњ]", sample) else "be"
        if code == "ar" and re.search(r"[پچژگ]", sample):
            code = "ur" if re.search(r"[ٹڈڑے]", sample) else "fa"
        return code, round(min(0.99, 0.6 + 0.4 * n / (latin + other)), 2)
    # function words are lowercase in running text; capitalised "Un", "De", "La" are names
    words = [w for w in _LOWER_WORD.findall(sample) if w.islower()]
    if not words:
        return "und", 0.0
    counts = Counter(words)
    n = len(words)
    hits = {"en": sum(counts[w] for w in _EN)}
    for code, vocab in _LATIN_SETS.items():
        hits[code] = sum(counts[w] for w in vocab)
    ranked = sorted(hits.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if best != "en" and (top < 3 or top < 1.5 * hits["en"] or top / n < 0.12):
        best, top = "en", hits["en"]  # too little evidence against English, the corpus language
        second = max(v for k, v in hits.items() if k != "en")
    if top == 0:
        return "und", 0.1
    ratio, margin = top / n, (top - second) / n
    length = min(1.0, n / 40)
    conf = min(0.99, (0.5 + min(ratio, 0.4) + max(margin, 0.0)) * (0.5 + 0.5 * length))
    return best, round(conf, 2)
