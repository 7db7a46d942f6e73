"""E-mail addresses are personal data: none is stored, in any field.

``mask_emails`` replaces every address with ``[email]``: plain (``name@example.com``),
internationalised (``müller@bücher.de``, ``用户@例子.广告``), URL-encoded
(``name%40example.com``) and the usual obfuscations (``name [at] example.com``,
``name(at)example(dot)com``, ``name at example dot com``). ``RawDoc`` masks its fields
when it is built, after its id is taken, so the raw text, title, URL, source, path and
given date that reach the store hold no address, and nor does anything derived from them.

Prose is not masked by accident: the spelled-out form ("x at y dot com") needs the word
"dot" and a known top-level domain at the end, and no domain label may be a common word
("at the dot of noon" stays). Every quantifier is bounded (an address part is at most 64
characters, a domain at most eight labels), so masking stays linear in the text's length
whatever the input.
"""

from __future__ import annotations

import re

EMAIL_MASK = "[email]"

_LOCAL = r"[\w.%+'’-]{1,64}"
_LABEL = r"[\w-]{1,63}"
_TLD = r"(?:[^\W\d_]{2,24}|xn--[\w-]{1,59})"
_AT_SIGN = r"(?:@|＠|%40)"
_AT_BRACKET = r"\s{0,3}[\[({<]\s{0,3}(?:at|@)\s{0,3}[\])}>]\s{0,3}"
_DOT_BRACKET = r"\s{0,3}[\[({<]\s{0,3}(?:dot|\.)\s{0,3}[\])}>]\s{0,3}"
_DOT = rf"(?:\.|{_DOT_BRACKET})"

# top-level domains accepted after a spelled-out " dot ": generic ones and the country
# codes of the countries the news covers most (English words among them are left out)
_SPELLED_TLDS = """com net org edu gov mil int info biz io co ai uk de fr cn ru jp kr kp au ca eu
    ch nl se es br mx za ng ke pk ir il tr ua pl tw hk sg nz ar ie be at dk fi gr pt cz hu ro
    vn th ph id eg sa ae qa tv fm""".split()
_COMMON_WORDS = """a an the this that these those his her its their our my your one some any
    all no every each time noon night home work school least most first last same""".split()
_NOT_COMMON = rf"(?!(?:{'|'.join(_COMMON_WORDS)})\b)"
_SPELLED_DOT = r"\s{1,3}dot\s{1,3}"

EMAIL_RE = re.compile(
    # plain, internationalised or URL-encoded; dots may be bracketed: a@b(dot)com
    rf"{_LOCAL}{_AT_SIGN}{_LABEL}(?:{_DOT}{_LABEL}){{0,7}}{_DOT}{_TLD}\b"
    # bracketed at: name [at] example.com, name(at)example(dot)com
    rf"|{_LOCAL}{_AT_BRACKET}{_LABEL}(?:(?:{_DOT}|{_SPELLED_DOT}){_LABEL}){{0,7}}(?:{_DOT}|{_SPELLED_DOT}){_TLD}\b"
    # spelled out: name at example dot com (a known TLD, no common word as a label)
    rf"|\b{_LOCAL}\s{{1,3}}at\s{{1,3}}{_NOT_COMMON}{_LABEL}(?:{_SPELLED_DOT}{_NOT_COMMON}{_LABEL}){{0,6}}"
    rf"{_SPELLED_DOT}(?:{'|'.join(_SPELLED_TLDS)})\b"
    # placeholders left where a site or feed hid an address ("[email protected]"), and our own mask
    r"|\[\s{0,3}e-?mail(?:\s{1,3}address)?\s{1,3}(?:protected|withheld|removed|redacted|hidden)\s{0,3}\]"
    r"|\[email\]",
    re.I,
)
# what every form above contains, so text without any of these is returned at once: an at
# sign, a bracket before "at" or "@", a spelled-out " dot " (a bare " at " is in most news
# paragraphs; the spelled form needs " dot " as well), or a square bracket
_HINT = re.compile(r"@|＠|%40|[\[({<]\s{0,3}(?:at|@)|\bdot\b|\[", re.I)


def mask_emails(text: str) -> str:
    """Replace every e-mail address with ``[email]``."""
    if not text or not _HINT.search(text):
        return text
    return EMAIL_RE.sub(EMAIL_MASK, text)


def may_hold_email(text: str) -> bool:
    """Whether ``text`` holds anything every address form needs (a cheap pre-check)."""
    return _HINT.search(text) is not None


def find_emails(text: str) -> list[str]:
    """The addresses ``mask_emails`` would replace (placeholders and masks left out)."""
    if not text or not _HINT.search(text):
        return []
    return [m.group(0) for m in EMAIL_RE.finditer(text) if not m.group(0).startswith("[")]
