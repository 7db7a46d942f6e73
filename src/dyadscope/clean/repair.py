"""Text repairs: Unicode (ftfy) and odd spaces normalised, and words a scraper glued
together split again (word statistics from ``glue.py``, plus two rules), each split with
its evidence."""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy import fixes as _ftfy_fixes

from ..glue import find_glues
from .words import is_word

# --------------------------------------------------------------------------- Unicode

_MOJIBAKE = re.compile(
    r"[\u0080-\u009f\ufffd\ud800-\udfff]"
    r"|[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    r"|&(?:#\d{2,6}|#x[0-9a-f]{2,6}|[a-z]{2,8}\d?);",
    re.I,
)
# ligatures, full/half-width forms, control characters: what ftfy's cheap fixes act on
_RARE_FORMS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u0132\u0133\u01c4-\u01cc\u01f1-\u01f3\u206a-\u206f"
                         r"\u3000\ufb00-\ufb06\uff01-\uffef\ufff9-\ufffc\ufeff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\u0085\x0b\x0c]")
_SPACE_TABLE = {c: " " for c in [0x09, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]}
_SPACE_TABLE.update({c: None for c in [0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]})
_MULTI_SPACE = re.compile(r" {2,}")


def normalize_text(text: str) -> str:
    """Repair Unicode (ftfy) and normalise line breaks and odd spaces; keeps line structure."""
    text = _LINE_BREAKS.sub("\n", text)
    if _MOJIBAKE.search(text):
        text = ftfy.fix_text(text)
    else:  # what fix_text would still change in text without mojibake, minus its overhead
        text = _ftfy_fixes.uncurl_quotes(text)
        if _RARE_FORMS.search(text):
            text = _ftfy_fixes.fix_latin_ligatures(text)
            text = _ftfy_fixes.fix_character_width(text)
            text = _ftfy_fixes.remove_control_chars(text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    if not text.isascii():
        text = text.translate(_SPACE_TABLE)
    elif "\t" in text:
        text = text.replace("\t", " ")
    return _MULTI_SPACE.sub(" ", text) if "  " in text else text


# --------------------------------------------------------------------------- glued words

# candidate finders for the two rule-based repairs; glued words in general are found from
# word statistics (glue.py)
_GLUE_HYPHEN = re.compile(r"\b[A-Z][a-z]+-[a-z]{5,}\b")  # hyphenated name with a long lowercase tail
_GLUE_PUNCT = re.compile(r"[A-Za-z]{2}[,;][A-Za-z]{2}|[a-z]{2}[.!?][A-Z][a-z]{2}")  # no space after , ; .
_CAP_WORD_BEFORE = re.compile(r"[A-Z][\w'’.-]*\s+$")
_URLISH = re.compile(r"\S*(?:https?://|www\.|\.com|\.org|\.net|@)\S*")



def _split_hyphen_tail(tok: str) -> str | None:
    """Jong-uncongratulated -> Jong-un congratulated: a name syllable glued to an English word."""
    head, tail = tok.split("-", 1)
    if is_word(tail):
        return None
    for k in range(1, 5):
        syl, rest = tail[:k], tail[k:]
        if len(rest) >= 4 and re.search(r"[aeiouy]", syl) and is_word(rest):
            return f"{head}-{syl} {rest}"
    return None


def _glue_candidates(text: str) -> list[tuple[int, int, str, str | None, str]]:
    """(start, end, kind, split form or None, evidence) of every place that may hold glued
    words, sorted."""
    found: list[tuple[int, int, str, str | None, str]] = []
    for g in find_glues(text):
        found.append((g.start, g.end, "stat", g.to, g.evidence))
    if "-" in text:
        for m in _GLUE_HYPHEN.finditer(text):
            found.append((m.start(), m.end(), "hyphen", None, "name syllable + English word after a hyphen"))
    for m in _GLUE_PUNCT.finditer(text):
        p = m.start() + 2  # the punctuation mark
        ws, we = p, p + 1
        while ws > 0 and text[ws - 1].isalpha():
            ws -= 1
        while we < len(text) and text[we].isalpha():
            we += 1
        found.append((ws, we, "punct", None, "no space after punctuation"))
    found.sort(key=lambda c: (c[0], -c[1]))
    return found


def split_glued(text: str) -> tuple[str, list[tuple[str, str, int, str]]]:
    """Split words glued by a scraper; returns the new text and ``(from, to, at, evidence)``
    per split. ``at`` is the offset of the repaired string in the returned text.
    """
    cands = _glue_candidates(text)
    if not cands:
        return text, []
    urls = [m.span() for m in _URLISH.finditer(text)] if ("." in text or "@" in text) else []
    out: list[str] = []
    repairs: list[tuple[str, str, int, str]] = []
    pos = 0  # in text
    shift = 0  # len(new) - len(old) so far
    for s, e, kind, new, evidence in cands:
        if s < pos or any(a <= s < b for a, b in urls):
            continue
        tok = text[s:e]
        if kind == "punct":
            # "Korea,according", "said.The": one space after the mark
            i = next(k for k, ch in enumerate(tok) if not ch.isalpha())
            if tok[:i].isupper():
                continue  # "U.S" or an acronym list
            new = f"{tok[: i + 1]} {tok[i + 1 :]}"
        elif kind == "hyphen":
            new = _split_hyphen_tail(tok) if _CAP_WORD_BEFORE.search(text, max(0, s - 40), s) else None
        if not new:
            continue
        out.append(text[pos:s])
        repairs.append((tok, new, s + shift, evidence))
        out.append(new)
        shift += len(new) - len(tok)
        pos = e
    out.append(text[pos:])
    return "".join(out), repairs
