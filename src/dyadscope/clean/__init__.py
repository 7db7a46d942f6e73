"""Cleaning: from a scraped page's text to the article, with every change on record.

The approach, and why:

* Site furniture (share/comment prompts, "Recent Posts" lists, video promos, bylines,
  date headers) is short, formulaic and on its own line, so it is found by whole-line
  patterns (``data/clean/line_rules.yaml``) plus a little context: a list header switches
  to list mode, which drops headlines, teasers and "15 hours ago" lines until prose
  resumes; "close Video" drops the promo title and blurb after it; lines before the first
  and after the last paragraph of prose get stricter header/trailer rules. What hides
  inside paragraphs is cut as a span: a "Related coverage: ..." run-on, a closing author
  bio with its "Image: Reuters" credit, e-mail addresses.
* Nothing goes silently: each cut is a ``Removal(text, reason, at)``, ``at`` being where it
  stood in the clean text, so a viewer can show it struck through. E-mail addresses are
  personal data: masked as ``[email]`` even in removed text, so none reaches a CleanDoc.
* Photo captions can still report events, so they are kept and marked as spans.
* Scrapers drop spaces at tag boundaries ("accordingto", "saidBiden", "Li Jinjunfor").
  A token that is not a word is split where word statistics make two words far likelier
  than the token (``glue.py``: unigram and bigram counts, a list of CamelCase brands to
  keep); two rules add a space after punctuation ("Korea,according") and after a name
  syllable ("Jong-uncongratulated"). Each split is recorded as a ``Repair`` with its
  evidence. Hard-wrapped lines are rejoined.
* Unicode goes through ftfy: the full ``fix_text`` when the text shows mojibake or HTML
  entities, otherwise only the cheap fixes it would apply there (ten times faster).
* Language is guessed from Unicode script, then function words, so that non-English
  documents are skipped with a reason rather than mis-coded.

The package, one module a step, lower ones first: ``words`` (function words, English word
forms, the model's vocabulary, CamelCase names to keep), ``repair`` (Unicode, glued
words), ``captions``, ``boilerplate`` (line rules with their context, header and trailer,
in-line cuts), ``language``; ``clean`` assembles the document here.
"""

from __future__ import annotations

import re

from .. import privacy as _privacy
from ..models import CleanDoc, RawDoc, Removal, Repair, Span
from .boilerplate import _plan, _split_lines
from .captions import find_captions
from .language import detect_language
from .repair import normalize_text, split_glued
# glue.py, copies.py, spin.py and evaluate/repair.py read these from dyadscope.clean
from .words import _FUNCTION_WORDS, _camel_keep, _known_form, is_word  # noqa: F401

__all__ = ["clean", "detect_language", "normalize_text", "split_glued", "find_captions", "mask_emails", "is_word"]

# --------------------------------------------------------------------------- e-mail

# the patterns live in privacy.py: RawDoc masks its fields with them too
_EMAIL = _privacy.EMAIL_RE
EMAIL_MASK = _privacy.EMAIL_MASK
mask_emails = _privacy.mask_emails
_may_hold_email = _privacy.may_hold_email


# --------------------------------------------------------------------------- assembly


class _Builder:
    """Assembles the clean text, placing removals and repairs at their final offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.removed: list[Removal] = []
        self.repairs: list[Repair] = []
        self.captions: list[Span] = []

    def remove(self, text: str, reason: str, at: int | None = None) -> None:
        text = mask_emails(text.strip())
        if not text:
            return
        at = self.pos if at is None else at
        last = self.removed[-1] if self.removed else None
        if last and last.reason == reason and last.at == at:
            self.removed[-1] = Removal(last.text + "\n" + text, reason, at)
        else:
            self.removed.append(Removal(text, reason, at))

    def paragraph(self, segments: list[tuple[str, str | None]], sep: str) -> None:
        """Add one line: ``segments`` are (text, None) kept or (text, reason) removed."""
        para = ""
        cuts: list[tuple[str, str, int]] = []  # removed text, reason, offset in para
        reps: list[tuple[str, str, int, str]] = []
        for seg, reason in segments:
            if reason is not None:
                cuts.append((seg, reason, len(para)))
                continue
            for piece, is_email in _email_pieces(seg):
                if is_email:
                    cuts.append((piece, "email", len(para)))
                    continue
                if not para:
                    piece = piece.lstrip()
                elif para.endswith(" ") and piece.startswith(" "):
                    piece = piece[1:]
                fixed, found = split_glued(piece)
                reps.extend((f, t, len(para) + at, ev) for f, t, at, ev in found)
                para += fixed
        para = para.rstrip()
        if para and self.pos > 0:
            self.parts.append(sep)
            self.pos += len(sep)
        base = self.pos
        for text, reason, at in cuts:
            self.remove(text, reason, base + min(at, len(para)))
        for frm, to, at, evidence in reps:
            self.repairs.append(Repair(frm, to, base + at, "split", evidence))
        for a, b in find_captions(para):
            self.captions.append(Span(base + a, base + b, "caption"))
        self.parts.append(para)
        self.pos += len(para)

    def text(self) -> str:
        return "".join(self.parts)


def _email_pieces(seg: str) -> list[tuple[str, bool]]:
    if not _may_hold_email(seg):
        return [(seg, False)]
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _EMAIL.finditer(seg):
        out.append((seg[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    out.append((seg[pos:], False))
    return [(p, e) for p, e in out if p]


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# A wire-service dateline opening the story: "PYONGYANG, March 5, 2024 (Reuters) -",
# "SEOUL, Jan. 5 (Yonhap) --", "WASHINGTON —": the place in capitals (and a region or
# country), then a date, the agency in brackets, or both, then a dash.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'.-]{2,}(?: [A-Z][A-Z'.-]+){0,3})"
    r"(?:, (?!" + _MONTH + r" \d)[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2})?"
    r"(?:,? (?P<date>" + _MONTH + r" \d{1,2}(?:, \d{4})?))?"
    r"(?: ?\((?P<agency>[A-Z][\w .&'/-]{1,30})\))?"
    r" ?(?P<dash>--|[-–—]) ")


# how a line that is a sentence ends (a headline has no closing punctuation)
_HEADLINE_END = re.compile(r"[.!?:;…][\"'”’)]*$")


def dateline_end(line: str) -> int:
    """Where a wire dateline at the start of ``line`` ends (0: none). Only a dateline with a
    date or an agency, or a place alone followed by a long dash or "--", counts; or by a
    plain "-" when the place is a city the gazetteer knows by that name and sentence-case
    text follows ("KYIV - Russia ...", not "NATO - ..." nor "CHINA - US TALKS")."""
    m = _DATELINE.match(line)
    if not m:
        return 0
    if m.group("date") or m.group("agency") or m.group("dash") != "-":
        return m.end()
    # a plain hyphen also joins the two sides of a headline ("CHINA - US TALKS", "KIM -
    # TRUMP SUMMIT"): only a city the gazetteer knows by that very name, before text in
    # sentence case, is a dateline
    from ..places import fold, resolve_place

    place = m.group("place")
    loc = resolve_place(place.title())
    rest = line[m.end():m.end() + 40]
    if loc is None or loc.lat is None or fold(loc.name) != fold(place) or rest.upper() == rest:
        return 0
    return m.end()


def clean(raw: RawDoc) -> CleanDoc:
    """Clean one document: repair Unicode, remove and record boilerplate, mark captions, split glued words."""
    lines = _split_lines(normalize_text(raw.text))
    _plan(lines, raw)
    # The story's own first line may open with a wire dateline: its place and agency are
    # no actors of the text, and its date dates the document (dates.publication_date). A
    # headline may stand above it (a line without a sentence's closing punctuation).
    kept = [ln for ln in lines if ln.reason is None and ln.text.strip()][:2]
    if len(kept) == 2 and _HEADLINE_END.search(kept[0].text.rstrip()):
        kept = kept[:1]  # the first line is a sentence: the story starts there
    for first in kept:
        end = dateline_end(first.text)
        if end and not any(a < end for a, _, _ in first.cuts):
            first.cuts.insert(0, (0, end, "dateline header"))
            break
    b = _Builder()
    gap = False
    for ln in lines:
        gap = gap or ln.blank_before
        if ln.reason is not None:
            b.remove(ln.text, ln.reason)
            gap = True
            continue
        segs: list[tuple[str, str | None]] = []
        pos = 0
        for start, end, reason in ln.cuts:
            if start < pos:
                continue
            segs.append((ln.text[pos:start], None))
            segs.append((ln.text[start:end], reason))
            pos = end
        segs.append((ln.text[pos:], None))
        before = b.pos
        b.paragraph([(t, r) for t, r in segs if t], "\n\n" if gap else "\n")
        if b.pos != before:
            gap = False
    text = b.text()
    lang, _conf = detect_language(text)
    skip = None
    if not re.search(r"[^\W\d_]", text):
        skip = "empty after cleaning"
    elif lang not in ("en", "und"):
        skip = f"non-English text (detected: {lang})"
    return CleanDoc(
        raw=raw,
        text=text,
        removed=b.removed,
        repairs=b.repairs,
        captions=b.captions,
        language=lang,
        skip_reason=skip,
    )
