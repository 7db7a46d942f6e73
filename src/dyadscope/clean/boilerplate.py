"""Boilerplate: whole-line rules (``data/clean/line_rules.yaml``) read with list and promo
context, stricter header and trailer rules around the prose, and in-line cuts (related-story
run-ons, closing author bios, photo credits); every decision carries its reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import RawDoc
from ..privacy import EMAIL_RE as _EMAIL
from ..privacy import may_hold_email as _may_hold_email
from .captions import _sentence_spans
from .words import _DATA

# --------------------------------------------------------------------------- line rules

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|{_MONTH}\s+\d{{4}}|\d{{4}}년\s*\d{{1,2}}월\s*\d{{1,2}}일)"
)
_TIME = (
    r"(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?(?:[A-Z]{2,5}|GMT[+-]?\d*|UTC[+-]?\d*)\)?)?"
    r"|\d{1,2}\s*[ap]\.?m\.?(?:\s*[A-Z]{2,4})?"
)
_DATE_PREFIX = (
    r"(?:(?:date|dated|published|posted|updated|last updated|first published|modified|created|on)(?:\s+on)?\s*:?\s*)"
)
_DATE_LINE = re.compile(
    rf"(?:{_DATE_PREFIX}?(?:{_WEEKDAY}\s*)?(?:{_DATE}|{_TIME})[\s,|·•/-]*)+",
    re.I,
)
_DATE_ANY = re.compile(_DATE, re.I)
_AGO_LINE = re.compile(
    r"(?:(?:updated|posted|published)\s+)?(?:\d+|an?|one|two|three|few)\s+"
    r"(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\s+ago"
    r"|just now|yesterday|today",
    re.I,
)

def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


def _load_line_rules() -> list[tuple[str, int, re.Pattern[str]]]:
    """Whole-line rules from ``data/clean/line_rules.yaml``: (reason, max_words, pattern)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rules = yaml.load((_DATA / "line_rules.yaml").read_text(encoding="utf-8"), Loader=loader)
    return [(r["reason"], int(r["max_words"]), _rx("|".join(r["patterns"]))) for r in rules]


# whole-line rules, first match wins; each pattern must match the entire (stripped) line
_LINE_RULES = _load_line_rules()
_BY_LINE = re.compile(r"by\s+(?=[A-Z])(.{1,120})", re.I)
_NAME_TOKEN = re.compile(
    r"[A-Z][\w'’.-]*|[A-Z]\.|and|&|of|the|de|van|von|al|bin|el|la|le|da|del"
    r"|staff|writer|reporter|correspondent|editor|"
    r"contributor|news|agency|in|at|for|with|[|,/·•—–-]"
)
_ALLCAPS_LINE = re.compile(r"[^a-z]*[A-Z][^a-z]*")
_LIST_HEADER = _rx(
    r"(?:recent|related|latest|popular|trending|top|more|most\s+read|most\s+popular|most\s+viewed|editor'?s'?\s+picks?|"
    r"you\s+may\s+also\s+like|you\s+might\s+also\s+like|also\s+read|read\s+next|read\s+more|what\s+to\s+read\s+next|"
    r"more\s+(?:stories|news|articles|from\s+.{1,40})"
    r"|related\s+(?:posts?|articles?|stories|news|coverage|content|topics|reading|links)|"
    r"recent\s+(?:posts?|articles?|stories|news)|latest\s+(?:news|posts?|stories|articles?|headlines|videos?)|"
    r"popular\s+(?:posts?|stories|articles?)|trending(?:\s+(?:now|stories|news|topics))?"
    r"|top\s+(?:stories|news|headlines)|"
    r"more\s+on\s+this(?:\s+(?:story|topic))?|in\s+case\s+you\s+missed\s+it|don'?t\s+miss|further\s+reading|"
    r"see\s+also|keep\s+reading|continue\s+reading|more\s+in\s+.{1,40}|you\s+may\s+have\s+missed"
    r"|(?:other|similar)\s+(?:posts?|stories|articles?|news))\s*:?"
)
_INLINE_RELATED_LINE = _rx(
    r"(?:read\s+more|read\s+also|also\s+read|related|see\s+also|more|recommended|must\s+read|don'?t\s+miss|"
    r"related\s+(?:coverage|article|story|news|content)|editor'?s\s+note)\s*[:|>»]\s*.{1,250}"
)
_RELATED_RUNON = re.compile(
    r"(?<=[.!?\"'”’)])\s+(?:Related\s+(?:coverage|stories|articles|news|content|reading|posts|links)|Related|"
    r"Read\s+more|Read\s+also|Also\s+read|See\s+also|More\s+from\s+[\w ]{1,30}|Recommended(?:\s+stories)?"
    r"|RELATED|READ\s+MORE)\s*:\s"
)
_BIO_ROLE = (
    r"(?:writer|reporter|correspondent|editor|columnist|journalist|contributor|producer|blogger|freelancer|"
    r"intern|fellow|author|commentator|anchor|host|editor-at-large|bureau\s+chief)"
)
_BIO = re.compile(
    r"(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*\s+(?:is|was|has\s+been|serves\s+as)\s+(?:a|an|the)\s+"
    r"(?:[\w,'’-]+\s+){0,8}?" + _BIO_ROLE + r"s?\b(?:\s+(?:for|at|with|of|in|on|based)\b"
    r"(?:(?!,\s*(?:said|says|told|added|noted|warned|according)\b).){0,200})?"
)
_TRAILING_CREDIT = re.compile(
    r"(?<=[.!?\"'”’)])\s+(?:(?:Featured|Top|Header|Cover|Main)\s+)?(?:Image|Photo|Picture|Photograph)s?"
    r"(?:\s+(?:credit|source))?\s*:\s*[^.!?]{1,80}[.]?$"
)
_VIDEO_HEAD = re.compile(r"close\s+video|(?:play|watch)\s+video|video", re.I)
_PROMO_BLURB = re.compile(  # a video blurb: "X discusses ... on 'Jesse Watters Primetime.'"
    r"\b(?:discuss(?:es)?|joins?|reacts?|weighs?\s+in|breaks?\s+down|explains?|analy[sz]es|sounds?\s+off|previews?)\b"
    r"|\bon\s+['\"‘“][A-Z][^'\"’”]{2,60}['\"’”]\s*$",
)
_TERMINAL = re.compile(r"[.!?]['\"’”)\]]*$")
_LIST_ITEM_END = re.compile(r"(?:…|\.\.\.|\.\s?\.\s?\.)['\"’”]?$")


@dataclass
class _Line:
    text: str
    blank_before: bool
    reason: str | None = None
    # partial cuts: (start, end, reason) within text, non-overlapping, sorted
    cuts: list[tuple[int, int, str]] = field(default_factory=list)


def _nwords(s: str) -> int:
    """Whitespace-separated tokens in a line (cheap word count)."""
    return len(s.split())


def _is_body(s: str) -> bool:
    """A line of running prose: enough words and a sentence-final mark."""
    return _nwords(s) >= 12 and bool(_TERMINAL.search(s))


def _looks_like_names(s: str) -> bool:
    """A short line made only of capitalised names and joining words ("John Smith and Jane Doe, Reuters")."""
    toks = re.findall(r"[|,/·•—–-]|[^\s|,/·•—–-]+", s)
    if not 2 <= len(toks) <= 10 or _TERMINAL.search(s) and not re.search(r"\b(?:Jr|Sr|[A-Z])\.$", s):
        return False
    return all(_NAME_TOKEN.fullmatch(t) for t in toks) and sum(t[:1].isupper() for t in toks) >= 2


def _match_line(s: str) -> str | None:
    """The reason a whole line is boilerplate, or None."""
    if _may_hold_email(s) and _EMAIL.search(s) and _nwords(_EMAIL.sub("", s)) <= 3:
        return "email"
    n = _nwords(s)
    if n > 45:
        return None
    for reason, max_words, rx in _LINE_RULES:
        if n <= max_words and rx.fullmatch(s):
            return reason
    if n <= 14 and _BY_LINE.fullmatch(s) and _looks_like_names(_BY_LINE.fullmatch(s).group(1)):
        return "byline"
    if n <= 45 and _INLINE_RELATED_LINE.fullmatch(s):
        return "related_stories"
    return None


def _is_date_line(s: str) -> bool:
    return len(s) <= 90 and bool(_DATE_LINE.fullmatch(s)) and bool(_DATE_ANY.search(s))


def _classify(lines: list[_Line]) -> None:
    """Assign whole-line reasons, with list / promo context."""
    mode: str | None = None  # "list" | "reclist" | "video"
    video_left = 0
    prev_headline = False  # in a list, the line before was a headline (short, no full stop)
    for ln in lines:
        s = ln.text
        if mode in ("list", "reclist"):
            # prose ends the list, unless it is a teaser right under a headline
            if _is_body(s) and not _LIST_ITEM_END.search(s) and (_nwords(s) >= 25 or not prev_headline):
                mode = None
            else:
                r = _match_line(s)
                prev_headline = (
                    r is None and _nwords(s) <= 20 and not _TERMINAL.search(s)
                    and not _AGO_LINE.fullmatch(s) and not _is_date_line(s)
                )
                if mode == "list":
                    keep_reason = r in ("share_prompt", "comment_prompt", "copyright", "email")
                    ln.reason = r if keep_reason else "related_stories"
                else:
                    ln.reason = r or "recommended_stories"
                    if r == "recommended_stories" and re.search(r"(?:end|finish|ending)\s+of", s, re.I):
                        mode = None
                continue
        if mode == "video":
            if video_left > 0 and not _is_body(s) and _nwords(s) <= 25:
                ln.reason = "video_promo"
                video_left -= 1
                continue
            if video_left > 0 and _nwords(s) <= 30 and _PROMO_BLURB.search(s) and not _match_line(s):
                ln.reason = "video_promo"
                video_left -= 1
                continue
            mode = None
        r = _match_line(s)
        if r is None and _LIST_HEADER.fullmatch(s):
            ln.reason, mode, prev_headline = "related_stories", "list", False
            continue
        if r is None and _AGO_LINE.fullmatch(s):
            r = "date_line"
        if r is None and _is_date_line(s):
            r = "date_line"
        if r is None and _nwords(s) >= 3 and _ALLCAPS_LINE.fullmatch(s) and len(re.findall(r"[A-Z]", s)) >= 10:
            r = "headline_allcaps"
        ln.reason = r
        if r == "recommended_stories":
            low = s.lower()
            starts = len(re.findall(r"(?:list|listing|checklist|record|itemizing)\s+(?:\d+\s+)?of", low))
            ends = len(re.findall(r"(?:end|finish|ending)\s+of", low))
            mode = "reclist" if starts > ends or not starts else None
            prev_headline = False
        elif r == "video_promo" and _VIDEO_HEAD.fullmatch(s):
            mode, video_left = "video", 2


_SITE_SUFFIX = re.compile(r"\s+(?:\||–|—|-|::|•|·)\s+([^|–—]{2,60})$")
_SITE_WORDS = re.compile(
    r"\b(?:news|times|post|daily|online|herald|journal|tribune|information|media|today|network|tv|"
    r"press|agency|gazette|observer|review|report|wire|telegraph|guardian|express|monitor|insider|"
    r"interest|world|magazine|\.com|\.net|\.org)\b",
    re.I,
)


def _title_suffix_cut(s: str, source: str | None) -> int | None:
    """Offset where a " | Site Name" suffix starts in a title line, or None."""
    m = _SITE_SUFFIX.search(s)
    if not m or _nwords(s[: m.start()]) < 3:
        return None
    suffix = m.group(1).strip()
    if _nwords(suffix) > 6:
        return None
    sep = s[m.start() : m.start(1)].strip()
    if sep in ("|", "::", "•", "·") or _SITE_WORDS.search(suffix) or (source and source.lower() in suffix.lower()):
        return m.start()
    return None


_HEADER_LINES = 6  # a date line among the first lines of the page is its date header


def _plan(lines: list[_Line], raw: RawDoc) -> None:
    """Whole-line and in-line decisions on every line."""
    _classify(lines)
    shouting = [ln for ln in lines if ln.reason == "headline_allcaps"]
    if len(shouting) * 2 >= sum(1 for ln in lines if _nwords(ln.text) >= 3):
        for ln in shouting:  # a text written all in capitals: its lines are the article
            ln.reason = None
    kept = [i for i, ln in enumerate(lines) if ln.reason is None]
    body = [i for i in kept if _is_body(lines[i].text)]
    first_body = body[0] if body else len(lines)
    last_body = body[-1] if body else -1
    # header: lone dates near the top are the site's date header; an all-caps first line is
    # the headline; after the headline, name-only lines are bylines
    for i, ln in enumerate(lines):
        if ln.reason == "date_line" and (i < first_body or i < _HEADER_LINES):
            ln.reason = "site_date_header"
    title_seen = False
    for i, ln in enumerate(lines[:first_body]):
        if ln.reason == "headline_allcaps" and not title_seen:
            ln.reason = None
        if ln.reason is not None:
            continue
        if not title_seen:
            if _nwords(ln.text) >= 3:
                title_seen = True
                cut = _title_suffix_cut(ln.text, raw.source)
                if cut is not None:
                    ln.cuts.append((cut, len(ln.text), "site_title_suffix"))
            elif _nwords(ln.text) <= 2 and not _TERMINAL.search(ln.text) and i + 1 < len(lines):
                ln.reason = "category_header"  # "World", "Asia Pacific" above the headline
            continue
        if _looks_like_names(ln.text) and _nwords(ln.text) <= 8:
            ln.reason = "byline"
        elif _nwords(ln.text) <= 12 and not _TERMINAL.search(ln.text) and _DATE_ANY.search(ln.text):
            ln.reason = "site_date_header"  # "All News 10:32 April 12, 2024", "Admin | April 13, 2024"
    # trailer: bios and short leftovers after the last paragraph of prose
    if last_body >= 0:
        for ln in lines[last_body + 1 :]:
            if ln.reason is not None:
                continue
            if _BIO.fullmatch(ln.text.rstrip(".")) or _BIO.fullmatch(ln.text):
                ln.reason = "byline"
            elif _looks_like_names(ln.text):
                ln.reason = "byline"
            elif _nwords(ln.text) <= 8 and not _TERMINAL.search(ln.text):
                ln.reason = "trailing_boilerplate"
    # in-line cuts on kept lines
    for i in kept:
        ln = lines[i]
        if ln.reason is not None:
            continue
        s = ln.text
        end = len(s)
        m = _RELATED_RUNON.search(s)
        if m:
            ln.cuts.append((m.start(), end, "related_stories"))
            end = m.start()
        if i == last_body or i > last_body:
            bio_at = _bio_start(s[:end])
            if bio_at is not None:
                ln.cuts.append((bio_at, end, "byline"))
                end = bio_at
        if i >= last_body - 1:
            m = _TRAILING_CREDIT.search(s[:end])
            if m:
                ln.cuts.append((m.start(), end, "byline"))
        ln.cuts.sort()


def _bio_start(s: str) -> int | None:
    """Start of an author bio that closes the paragraph ("X is a ... writer for Y. Image: Reuters")."""
    spans = _sentence_spans(s)
    for a, b in spans:
        sent = s[a:b].strip()
        if _BIO.fullmatch(sent.rstrip(".")) or _BIO.fullmatch(sent):
            rest = s[b:].strip()
            if not rest or _TRAILING_CREDIT.search(" " + rest) or _nwords(rest) <= 6:
                return a
    return None


# --------------------------------------------------------------------------- lines


def _split_lines(text: str) -> list[_Line]:
    """Non-empty stripped lines; a hard-wrapped line is joined to the one it continues."""
    out: list[_Line] = []
    blank = False
    for raw_line in text.split("\n"):
        s = raw_line.strip()
        if not s:
            blank = True
            continue
        if (
            not blank and out and s[0].islower() and _WRAPPED.search(out[-1].text)
            and not s.startswith("by ") and _match_line(s) is None
        ):
            out[-1].text += " " + s
            continue
        out.append(_Line(s, blank))
        blank = False
    return out


# a line cut mid-sentence: at least eight words and no closing punctuation
_WRAPPED = re.compile(r"(?:\S+\s+){7}\S*[\w,;'\"’”)]$")
