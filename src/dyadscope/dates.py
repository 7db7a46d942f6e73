"""Publication dates and event dates, found in the text and never invented.

Two questions are answered here:

* ``publication_date``: when was the document published, and how sure are we?
  Order of trust: feed metadata (1.0) > an explicit marker such as
  "date 2021-12-24" or "Published: 12 March 2024" (0.9) > a lone date line at the top
  of a page (``site_header``, 0.3: WordPress themes print *today's* date there, so it is
  often the scrape date) > inference from the dates the article mentions (``content``,
  0.4-0.5) > unknown.
  Metadata keeps the local date as written ("2024-04-13T23:30-05:00" -> 2024-04-13:
  the publisher's day, not UTC's). Removed text is read only when the cleaner's reason
  names a header, byline or metadata (other removed date lines: explicit markers only).
  A site header within a week after the latest date the article reports is corroborated
  (0.6); one before it, contradicted (0.2). Content inference: the latest full date the
  article reports in the past is a lower bound (0.4); past weekday names move it to the
  first such weekday on or after it (0.5: "met on April 11 (Thu) ... reported Friday"
  -> April 12). No day is inferred from weekdays alone, from months or years, or when
  a later month or year is mentioned.
* ``resolve_event_date``: when did the event told by one sentence happen?
  A date in the sentence (nearest the trigger), else a back-reference ("that year") to
  the previous sentences, else the publication date with precision ``document``.

Conventions (the record format has only day | month | year | document | unknown):

* ``date`` is ISO ``YYYY-MM-DD`` and is the **first day of the period the text names**;
  ``precision`` is the smallest calendar unit that contains that whole period.
  "in June 2019" -> ``2019-06-01``/month; "in 2018" -> ``2018-01-01``/year.
  Consumers must read only the part the precision covers.
* Weeks: "last week" -> the Monday of the previous ISO week, precision ``month`` when the
  whole Monday-Sunday week lies in one month, else ``year`` (a week across New Year also
  gets ``year``, of its Monday: the one case where the period is not fully contained).
  Day precision would claim a day the text never gave.
* Weekday names ("on Saturday", "later Thursday", "Wednesday's parade") -> the latest such
  day on or before the publication day, that day included; "last Saturday" -> strictly
  before; "next Saturday" -> strictly after; "this Saturday" -> in the publication's ISO
  week. When the clause carries a future cue ("will", "is expected to", ...), the
  earliest such day on or after the publication day instead. The same past/future rule
  picks the year of "in September" and "April 11" when the text gives no year.
* "yesterday" / "last night" -> publication day - 1; "today", "tonight", "this morning"
  -> the publication day; "tomorrow" -> + 1; "N days/months/years ago" likewise.
* Back-references ("that year", "the same day", "the next day", "two days later") refer
  to the latest date before them: earlier in the same sentence, else in ``previous``
  (most recent sentence first; within a sentence its last date). A unit finer than the
  anchor's precision keeps the anchor's precision ("the next day" after "in June 2019"
  -> June 2019, month).
* Dates after "until", "by", "before", "after", "ahead of" are bounds, not the time of the
  event; dates inside a noun phrase ("the June 2019 visit", "Wednesday's parade") are
  ``modifier`` and lose to other dates. Ordinals ("the 75th anniversary") and durations
  ("over the past seven years") are not dates at all.
* A relative date with no publication date to count from is reported with ``date`` None:
  the event date is then ``unknown``, never the document date.

Speed: only precompiled regular expressions; dateparser is imported lazily and only to
normalise odd metadata strings (its ``search_dates`` is far too slow for every sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Sequence

from .models import PubDate, Removal

__all__ = [
    "DateMention",
    "EventDate",
    "find_dates",
    "publication_date",
    "resolve_event_date",
]


@dataclass(frozen=True)
class EventDate:
    """When one event happened; ``evidence`` quotes the words the date came from."""

    date: str | None
    precision: str  # day | month | year | document | unknown
    evidence: str | None


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text.

    ``date`` is None when the expression is relative and there is nothing to count from.
    ``prep`` is the word before it ("on", "since", "until"); ``future`` is True when it
    was read forward in time (a future cue in its clause, or "next"). ``role`` says how
    the date relates to the clause: ``time`` (it happened then),
    ``bound`` ("until Saturday": a limit, not the time), ``modifier`` (part of a noun
    phrase: "Wednesday's parade").
    """

    start: int
    end: int
    text: str
    date: str | None
    precision: str  # day | month | year
    kind: str  # absolute | relative | backref
    prep: str | None = None
    role: str = "time"
    future: bool = False


# Confidence of each publication-date method (hand-set; no evaluation run yet).
CONF_METADATA = 1.0
CONF_TEXT = 0.9
CONF_SITE_HEADER = 0.3
CONF_SITE_HEADER_CORROBORATED = 0.6  # header within a week after the latest content date
CONF_SITE_HEADER_CONTRADICTED = 0.2  # header earlier than a date the article reports
CONF_CONTENT = 0.4  # the latest date mentioned: only a lower bound
CONF_CONTENT_WEEKDAY = 0.5  # ... refined by weekday names that follow it
CONF_URL = 0.9  # /2024/04/13/ in the article's own URL: as firm as a "Published:" marker
# The user's --default-date: weak (below stories.WEAK_CONFIDENCE), so a story's firmly
# dated documents date its events before it does.
CONF_DEFAULT = 0.2

# A noun-phrase date ("Wednesday's parade") counts as this many characters further from
# the trigger than it is (hand-set).
MODIFIER_PENALTY = 60

# --------------------------------------------------------------------------- patterns

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

# Month and weekday names must be capitalised: "may", "march", "sun" are ordinary words.
# Speed: every scanning pattern opens with literal text or a digit so that the regex
# engine can skip ahead; the word boundary on the left is checked in Python (_left_ok),
# and the words before a date are read with small "$"-anchored patterns over a window.
_MON = (  # full names, or abbreviations with an optional full stop
    r"(?P<mon>(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?:\.|\b))"
)
_MON_FULL = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b"
)
_WD_FULL = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_WD_ANY = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)(?:\.|\b)"
)
_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<y>1[6-9]\d\d|20\d\d)(?!\d)"

_P_ISO = re.compile(
    r"(?P<y>1[6-9]\d\d|20\d\d)(?P<sep>[-/.])(?P<m>1[0-2]|0?[1-9])(?P=sep)"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)"
)
_P_MDY = re.compile(rf"{_MON}\s*{_DAY}(?:\s*,\s*|\s+){_YEAR}")
_P_DMY = re.compile(rf"{_DAY}(?:\s+of)?\s+{_MON},?\s+{_YEAR}")
_P_MY = re.compile(rf"{_MON},?\s+(?:of\s+)?{_YEAR}")
_P_MD = re.compile(rf"{_MON}\s*{_DAY}(?![:.,]?\d)")
_P_DM = re.compile(rf"{_DAY}(?:\s+of)?\s+{_MON}")
_P_YEARNUM = re.compile(r"(?P<y>1[89]\d\d|20\d\d)(?![\d,.]\d|s\b|\s*(?:%|percent|per\b))")
_P_MONTHNAME = re.compile(rf"{_MON_FULL}(?!\s*\d)")
_P_WEEKDAY = re.compile(rf"(?P<wd>{_WD_FULL})\b(?P<poss>['’]s\b)?")
_WD_BEFORE = re.compile(rf"\b{_WD_ANY},?\s+(?:the\s+)?$")
_PREP_WORDS = (
    r"in|since|from|until|till|through|throughout|by|during|before|after|around|between|"
    r"last|next|this|as\s+of|ahead\s+of|prior\s+to|the\s+year|"
    r"(?:end|start|beginning|middle|spring|summer|autumn|fall|winter|half|quarter|part)\s+of"
)
# A bare year or month is a date only after one of these ("in 2018", "since May").
_NEEDS_PREP = re.compile(
    rf"(?i)\b(?P<prep>{_PREP_WORDS})(?:\s+|-)(?:(?:early|late|mid)(?:\s+|-))?$|"
    r"\b(?:early|late|mid)(?:\s+|-)$"
)
_WD_MOD = re.compile(r"(?i)\b(?P<mod>last|next|this|coming|past)\s+$")
# These run on the lower-cased text (case-insensitive patterns cannot skip ahead).
_NUM = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_P_RELATIVE = re.compile(
    r"(?:(?P<back2>the\s+day\s+before\s+yesterday)"
    r"|(?P<back1>yesterday|last\s+night)"
    r"|(?P<today>today|tonight|this\s+(?:morning|afternoon|evening))"
    r"|(?P<fwd1>tomorrow)"
    r"|(?:(?:earlier|later)\s+)?(?P<which>last|this|next)\s+(?P<unit>week|month|year)"
    r")\b"
)
_P_AGO = re.compile(rf"\b(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+ago\b")
_P_BACKREF = re.compile(
    r"(?:(?:later|earlier)\s+)?(?P<det>that\s+same|that|the\s+same|the\s+next|the\s+following"
    r"|the\s+previous|the\s+preceding)\s+(?P<unit>day|morning|afternoon|evening|night|week"
    r"|month|year)\b"
)
_P_LATER = re.compile(
    rf"\b(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>later|earlier)\b"
)
_RELATIVE_WORDS = ("yesterday", "today", "tonight", "tomorrow", "night", "morning",
                   "afternoon", "evening", "week", "month", "year")
_BACKREF_WORDS = ("that ", "same ", "next ", "following ", "previous ", "preceding ")
_DIGIT = re.compile(r"[0-9]")

# The words right before a date, to tell "on Friday" from "until Friday".
_PREV = re.compile(
    r"(?i)\b(ahead\s+of|prior\s+to|no\s+later\s+than|as\s+of|in|on|at|since|from|until|"
    r"till|through|throughout|by|during|before|after|of|between|around|"
    r"the|a|an|this|that|its|their|his|her|our)\s+$"
)
_BOUND_PREPS = frozenset(
    {"until", "till", "through", "by", "before", "after", "ahead of", "prior to",
     "no later than"}
)
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "its", "their", "his", "her", "our"})
_FUTURE = re.compile(
    r"(?i)\b(?:will|shall|won['’]t|going\s+to|(?:is|are|was|were)\s+(?:due|expected|"
    r"scheduled|slated|set|poised)\s+to|plans?\s+to|planned\s+to|intends?\s+to|"
    r"upcoming|forthcoming|scheduled\s+(?:for|on))\b|['’]ll\b"
)
_FRONTING = frozenset(
    "on in at by since from during until till early late later earlier last next this the "
    "and but then".split()
)
_CLAUSE_MARKS = ",;:()[]—–.!?\n"  # "." also ends abbreviations: the clause is then shorter
# Publication markers: "date 2021-12-24", "Published: 12 March 2024", "Updated 3:05 PM
# EST, Fri April 12, 2024". Published/posted/date outrank updated.
_MARKER = re.compile(
    r"(?im)^[ \t>*|#-]*(?P<kw>(?:first\s+)?published(?:\s+on)?|posted(?:\s+on)?|"
    r"last\s+updated(?:\s+on)?|updated(?:\s+on)?|dated?|pub(?:lication)?\s+date)\b[ \t]*"
    r"[:\-–|]?[ \t]*(?P<rest>[^\n]{4,80})"
)
_TIME = re.compile(
    r"(?i)\b\d{1,2}(?::\d{2}){1,2}\s*(?:[ap]\.?m\.?)?(?-i:\s*\(?[A-Z]{2,5}\b\)?)?"
    r"|\b\d{1,2}\s*[ap]\.?m\.?(?-i:\s*\(?[A-Z]{2,5}\b\)?)?"
)
_LONE_DATE_JUNK = re.compile(
    rf"[\s,.|/\-–—:()]+|\b{_WD_ANY}|(?i:\b(?:at|on|gmt|utc|[ap]\.?m\.?)\b)"
)
_META_ISO = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?!\d)")  # date, datetime, 20240413
_META_EPOCH = re.compile(r"\d{9,10}(?:\.\d+)?")  # seconds since 1970, UTC
# A date as a path segment of a URL: /2024/04/13/ or /20240413/ (also /20240413-slug).
_URL_YMD = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=[/?#]|$)")
_URL_COMPACT = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/?#._-]|$)")
_HEADER_REASONS = re.compile(r"(?i)header|byline|meta")  # the cleaner's removal reasons
_DATE_REASONS = re.compile(r"(?i)date")
_HEADER_LINES = 5  # a site date header sits among the first non-empty lines
_MARKER_SPAN = 2000  # explicit markers are looked for near the top of the text


# --------------------------------------------------------------------------- helpers


def _iso(d: date) -> str:
    return d.isoformat()


def _make_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _parse_ref(ref: str | date | None) -> date | None:
    if ref is None or isinstance(ref, date):
        return ref
    try:
        return date.fromisoformat(ref[:10])
    except ValueError:
        return None


def _norm_prep(prep: str) -> str | None:
    """ "In", "end  of", "early" -> "in", "end of", None (modifiers are not prepositions)."""
    p = " ".join(prep.lower().split())
    return None if p in ("early", "late", "mid", "the year", "last", "next", "this") else p


def _add_months(d: date, n: int) -> date:
    total = d.year * 12 + d.month - 1 + n
    return date(total // 12, total % 12 + 1, 1)


def _week(monday: date) -> tuple[date, str]:
    """A week as (its Monday, the smallest unit containing all of it)."""
    sunday = monday + timedelta(days=6)
    return monday, ("month" if sunday.month == monday.month else "year")


def _num(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _is_future(text: str, start: int, end: int) -> bool:
    """A future cue in the clause that holds the date ("he will stay until Saturday").

    The clause is cut at commas, brackets and sentence ends; when the date opens its
    clause ("On Saturday, the two will meet"), the clause after it is read too.
    """
    left = max(text.rfind(c, 0, start) for c in _CLAUSE_MARKS) + 1
    before = text[left:start]
    if _FUTURE.search(before):
        return True
    if not _FRONTING.issuperset(before.lower().split()):  # the date does not open its clause
        return False
    # the date fronts its clause: read on to the end of the next clause
    after = text[end:].lstrip(" ,")
    cut = [i for i in (after.find(c) for c in _CLAUSE_MARKS) if i >= 0]
    return bool(_FUTURE.search(after[: min(cut)] if cut else after))


def _context(text: str, start: int, end: int) -> tuple[str | None, str]:
    """(preposition before the date, role of the date in its clause)."""
    m = _PREV.search(text, max(0, start - 24), start)
    prep = None
    role = "time"
    if m:
        word = " ".join(m.group(1).lower().split())
        if word in _DETERMINERS:
            # "on the 12th of April" is still a time; "the June 2019 visit" a modifier
            m2 = _PREV.search(text, max(0, m.start() - 24), m.start())
            outer = " ".join(m2.group(1).lower().split()) if m2 else None
            if outer and outer not in _DETERMINERS:
                prep = outer
            else:
                role = "modifier"
        else:
            prep = word
    if prep in _BOUND_PREPS:
        role = "bound"
    if role == "time" and text.startswith(("'s", "’s"), end) and prep not in (
        "on", "at", "during", "throughout", "in", "since", "from"
    ):
        role = "modifier"
    return prep, role


def _pick_year(
    month: int, day: int | None, ref: date, future: bool, mod: str | None
) -> date | None:
    """Year of "April 11" / "in September" given no year: past unless the text says future."""
    day1 = day or 1
    cand = _make_date(ref.year, month, day1)
    if cand is None:
        return None
    ref_cmp = ref if day else ref.replace(day=1)
    if mod == "this":
        return cand
    if mod == "next" or future:
        if cand < ref_cmp or (mod == "next" and cand == ref_cmp):
            cand = _make_date(ref.year + 1, month, day1)
    elif mod == "last":
        if cand >= ref_cmp:
            cand = _make_date(ref.year - 1, month, day1)
    elif cand > ref_cmp:
        cand = _make_date(ref.year - 1, month, day1)
    return cand


def _shift(d: date, precision: str, unit: str, n: int) -> tuple[date, str]:
    """Move an anchor by n units; a unit finer than the anchor keeps the anchor as is."""
    order = {"day": 0, "week": 1, "month": 2, "year": 3}
    if order[unit] < order[precision]:
        return d, precision
    if unit == "day":
        return d + timedelta(days=n), "day"
    if unit == "week":
        return _week(d - timedelta(days=d.weekday()) + timedelta(weeks=n))
    if unit == "month":
        return _add_months(d, n), "month"
    return date(d.year + n, 1, 1), "year"


# --------------------------------------------------------------------------- find_dates


def find_dates(text: str, ref: str | None = None) -> list[DateMention]:
    """All date expressions in ``text``, in order, resolved against ``ref`` (ISO date).

    Back-references resolve to the latest date before them in ``text``; relative dates
    have ``date`` None when ``ref`` is None.
    """
    return _find(text, _parse_ref(ref), None)


def _left_ok(text: str, s: int) -> bool:
    """A word boundary on the left; a number after "." or "," is a decimal, not a date."""
    if s == 0:
        return True
    c = text[s - 1]
    return not (c.isalnum() or c == "_" or (c in ".," and text[s].isdigit()))


def _find(text: str, ref: date | None, anchor: tuple[date, str] | None) -> list[DateMention]:
    if not text:
        return []
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return _left_ok(text, s) and all(e <= a or s >= b for a, b in taken)

    def add(s: int, e: int, d: date | None, precision: str, kind: str,
            future: bool = False, prep: str | None = None) -> None:
        """Record a mention; ``prep`` is the regex's own cue, used when none precedes."""
        p, role = _context(text, s, e)
        if p is None and prep:
            p = _norm_prep(prep)
            if p in _BOUND_PREPS:
                role = "bound"
        taken.append((s, e))
        found.append(DateMention(s, e, text[s:e], _iso(d) if d else None, precision, kind,
                                 p, role, future))

    def with_weekday(s: int) -> int:
        """Start of "Thursday, April 11": the weekday belongs to the date."""
        w = _WD_BEFORE.search(text, max(0, s - 16), s)
        return w.start() if w else s

    digits = _DIGIT.search(text) is not None
    # 1. absolute dates, most specific first
    if digits:
        for m in _P_ISO.finditer(text):
            d = _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
            if d and free(m.start(), m.end()):
                add(m.start(), m.end(), d, "day", "absolute",
                    _is_future(text, m.start(), m.end()))
        for pat in (_P_MDY, _P_DMY):
            for m in pat.finditer(text):
                d = _make_date(int(m["y"]), _MONTHS[m["mon"][:3].lower()], int(m["d"]))
                if d and free(m.start(), m.end()):
                    st = with_weekday(m.start())
                    add(st, m.end(), d, "day", "absolute", _is_future(text, st, m.end()))
        for m in _P_MY.finditer(text):
            if free(m.start(), m.end()):
                add(m.start(), m.end(), date(int(m["y"]), _MONTHS[m["mon"][:3].lower()], 1),
                    "month", "absolute", _is_future(text, m.start(), m.end()))
        for m in _P_YEARNUM.finditer(text):
            s, e = m.start(), m.end()
            if not free(s, e):
                continue
            cue = _NEEDS_PREP.search(text, max(0, s - 32), s)
            if cue:
                add(s, e, date(int(m["y"]), 1, 1), "year", "absolute",
                    _is_future(text, s, e), prep=cue["prep"])
        # 2. days without a year: resolved against the publication date
        for pat in (_P_MD, _P_DM):
            for m in pat.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                month, day = _MONTHS[m["mon"][:3].lower()], int(m["d"])
                if _make_date(2000, month, day) is None:  # "February 30": not a date
                    continue
                s = with_weekday(m.start())
                fut = _is_future(text, s, m.end())
                d = _pick_year(month, day, ref, fut, None) if ref else None
                add(s, m.end(), d, "day", "relative", fut)
    for m in _P_MONTHNAME.finditer(text):
        s, e = m.start(), m.end()
        if not free(s, e):
            continue
        cue = _NEEDS_PREP.search(text, max(0, s - 32), s)
        if not cue:
            continue
        prep = _norm_prep(cue["prep"] or "") if cue["prep"] else None
        mod = " ".join(cue["prep"].lower().split()) if cue["prep"] else None
        mod = mod if mod in ("last", "next", "this") else None
        fut = mod == "next" or (mod is None and _is_future(text, s, e))
        d = _pick_year(_MONTHS[m["mon"][:3].lower()], None, ref, fut, mod) if ref else None
        add(cue.start() if mod else s, e, d, "month", "relative", fut, prep=prep)
    # 3. weekdays and words counted from the publication day
    for m in _P_WEEKDAY.finditer(text):
        s, e = m.start(), m.end("wd")
        if not free(s, e):
            continue
        wd = _WEEKDAYS[m["wd"][:3].lower()]
        w = _WD_MOD.search(text, max(0, s - 8), s)
        mod = w["mod"].lower() if w else None
        if w:
            s = w.start()
        if mod == "past":  # "the past Friday" is "last Friday"
            mod = "last"
        fut = mod in ("next", "coming") or (mod is None and _is_future(text, s, e))
        d = None
        if ref:
            back = (ref.weekday() - wd) % 7
            ahead = (wd - ref.weekday()) % 7
            if mod == "last":
                d = ref - timedelta(days=back or 7)
            elif mod in ("next", "coming"):
                d = ref + timedelta(days=ahead or 7)
            elif mod == "this":
                d = ref - timedelta(days=ref.weekday()) + timedelta(days=wd)
                fut = d > ref
            elif fut:
                d = ref + timedelta(days=ahead)
            else:
                d = ref - timedelta(days=back)
        add(s, e, d, "day", "relative", fut)
    low = text.lower()
    if len(low) != len(text):  # a rare character whose lower case is longer
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    if any(w in low for w in _RELATIVE_WORDS):
        for m in _P_RELATIVE.finditer(low):
            s, e = m.start(), m.end()
            if not free(s, e):
                continue
            d, precision, fut = None, "day", False
            off = -2 if m["back2"] else -1 if m["back1"] else 0 if m["today"] else (
                1 if m["fwd1"] else None)
            if off is not None:
                fut = off > 0
                d = ref + timedelta(days=off) if ref else None
            else:
                unit = m["unit"]
                n = {"last": -1, "this": 0, "next": 1}[m["which"]]
                fut = n > 0
                precision = "month" if unit == "week" else unit
                if ref:
                    d, precision = _shift(ref, "day", unit, n)
            add(s, e, d, precision, "relative", fut)
    if " ago" in low:
        for m in _P_AGO.finditer(low):
            s, e = m.start(), m.end()
            if not free(s, e):
                continue
            unit = m["unit"]
            d, precision = None, ("month" if unit == "week" else unit)
            if ref:  # "two weeks ago" is that whole week, not a day in it
                d, precision = _shift(ref, "day", unit, -_num(m["n"]))
            add(s, e, d, precision, "relative")
    # 4. back-references: to the latest date before them, here or in earlier sentences
    refs: list[tuple[int, int, str, int]] = []
    if any(w in low for w in _BACKREF_WORDS):
        for m in _P_BACKREF.finditer(low):
            det = " ".join(m["det"].split())
            n = 1 if det in ("the next", "the following") else -1 if det in (
                "the previous", "the preceding") else 0
            unit = m["unit"]
            unit = "day" if unit in ("morning", "afternoon", "evening", "night") else unit
            refs.append((m.start(), m.end(), unit, n))
    if "later" in low or "earlier" in low:
        for m in _P_LATER.finditer(low):
            n = _num(m["n"]) * (1 if m["dir"] == "later" else -1)
            refs.append((m.start(), m.end(), m["unit"], n))
    for s, e, unit, n in sorted(refs):
        if not free(s, e):
            continue
        before = [f for f in found if f.end <= s and f.date]
        base = max(before, key=lambda f: f.end) if before else None
        src = (date.fromisoformat(base.date), base.precision) if base else anchor
        d, precision = None, ("month" if unit == "week" else unit)
        if src:
            d, precision = _shift(src[0], src[1], unit, n)
        add(s, e, d, precision, "backref", n > 0)
    found.sort(key=lambda f: f.start)
    return found


# --------------------------------------------------------------------------- event dates


def _anchor(previous: Sequence[str], ref: date | None, depth: int = 0) -> tuple[date, str] | None:
    """The latest date in the previous sentences (most recent first): their last date."""
    for i, sent in enumerate(previous):
        mentions = _find(sent, ref, None)
        if not mentions:
            continue
        if depth < 3 and any(m.kind == "backref" and m.date is None for m in mentions):
            mentions = _find(sent, ref, _anchor(previous[i + 1 :], ref, depth + 1))
        last = mentions[-1]
        if last.date is None:  # the latest date is there but cannot be known
            return None
        return date.fromisoformat(last.date), last.precision
    return None


def _evidence(m: DateMention, pubdate: PubDate) -> str:
    words = f"{m.prep} {m.text}" if m.prep else m.text
    if m.kind == "absolute":
        return words
    if m.kind == "backref":
        return f"{words} (back-reference)"
    return f"{words} (from {pubdate.method} publication date {pubdate.date})"


def resolve_event_date(
    sentence: str,
    pubdate: PubDate,
    previous: Sequence[str] = (),
    trigger_offset: int | None = None,
) -> EventDate:
    """The date of the event told by ``sentence``.

    The date nearest the trigger wins; bounds ("until Friday") never do, noun-phrase
    dates ("Wednesday's parade") only when nothing else is there. With no date in the
    sentence the publication date stands in, marked ``document`` so nobody mistakes it
    for a stated date.
    """
    ref = _parse_ref(pubdate.date)
    mentions = _find(sentence, ref, None)
    if previous and any(m.kind == "backref" and m.date is None for m in mentions):
        mentions = _find(sentence, ref, _anchor(previous, ref))
    candidates = [m for m in mentions if m.role != "bound"]
    if candidates:
        if trigger_offset is None:
            best = min(candidates, key=lambda m: (m.role == "modifier", m.start))
        else:
            def score(m: DateMention) -> int:
                if m.start >= trigger_offset:
                    dist = m.start - trigger_offset
                else:
                    dist = max(0, trigger_offset - m.end)
                return dist + (MODIFIER_PENALTY if m.role == "modifier" else 0)

            best = min(candidates, key=score)
        if best.date is None:
            why = "nothing earlier to refer to" if best.kind == "backref" else "no publication date"
            return EventDate(None, "unknown", f"{best.text} ({why})")
        return EventDate(best.date, best.precision, _evidence(best, pubdate))
    if pubdate.date:
        return EventDate(pubdate.date, "document", f"publication date ({pubdate.method})")
    return EventDate(None, "unknown", None)


# --------------------------------------------------------------------------- publication


def url_date(url: str | None) -> date | None:
    """The publication date a URL's path spells (``/2024/04/13/``, ``/20240413/``), else None.

    Only whole path segments of a real calendar day count: ``/2024/04/`` (a month) and
    ``/2024-13-45/`` give nothing, and the host and query string are not read."""
    if not url:
        return None
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", url.strip(), flags=re.I)
    path = re.split(r"[?#]", path, maxsplit=1)[0]
    for pat in (_URL_YMD, _URL_COMPACT):
        m = pat.search(path)
        if m:
            d = _make_date(int(m[1]), int(m[2]), int(m[3]))
            if d:
                return d
    return None


def parse_published(value: str | None) -> str | None:
    """A given publication date (``published``, ``--date-field``, ``--default-date``) as
    YYYY-MM-DD, or None when it is not a date ("2024-13-45")."""
    d = _parse_metadata(value) if value else None
    return _iso(d) if d else None


def _parse_metadata(published: str) -> date | None:
    """A feed date in any common format; the local date as written (no UTC shift)."""
    s = published.strip()
    if not s:
        return None
    m = _META_ISO.match(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if _META_EPOCH.fullmatch(s):
        return datetime.fromtimestamp(float(s), tz=timezone.utc).date()
    days = _absolute_days(s)
    if days:
        return days[0]
    try:  # odd formats only; dateparser is slow to import
        import dateparser

        parsed = dateparser.parse(  # no relative parser: "2 hours ago" is the scrape time
            s, settings={"REQUIRE_PARTS": ["day", "month", "year"],
                         "PARSERS": ["timestamp", "custom-formats", "absolute-time"]}
        )
    except Exception:  # noqa: BLE001 - a broken feed value must not stop the document
        return None
    return parsed.date() if parsed else None


def _absolute_days(text: str) -> list[date]:
    """Full dates (day, month and year all written) in text order."""
    return [d for _, _, d in sorted(_iter_day_matches(text), key=lambda t: t[0])]


def _marker_date(text: str) -> date | None:
    """A date after an explicit marker ("Published: ...", "date 2021-12-24")."""
    best: tuple[int, date] | None = None
    for m in _MARKER.finditer(text):
        days = _absolute_days(_TIME.sub(" ", m["rest"]))
        if not days:
            continue
        rank = 1 if "updated" in m["kw"].lower() else 0
        if best is None or rank < best[0]:
            best = (rank, days[0])
            if rank == 0:
                break
    return best[1] if best else None


def _lone_date(line: str) -> date | None:
    """The date when a line holds nothing but a date (and maybe a weekday or a time)."""
    line = line.strip()
    if not line or len(line) > 60:
        return None
    days = list(_iter_day_matches(line))
    if len(days) != 1:
        return None
    (s, e, d), = days
    rest = _LONE_DATE_JUNK.sub("", _TIME.sub(" ", line[:s] + " " + line[e:]))
    return d if not rest else None


def _iter_day_matches(text: str) -> Iterable[tuple[int, int, date]]:
    for pat in (_P_ISO, _P_MDY, _P_DMY):
        for m in pat.finditer(text):
            if pat is _P_ISO:
                d = _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
            else:
                d = _make_date(int(m["y"]), _MONTHS[m["mon"][:3].lower()], int(m["d"]))
            if d and _left_ok(text, m.start()):
                yield m.start(), m.end(), d


def _content_date(text: str) -> tuple[date, float] | None:
    """Publication inferred from what the article reports (a lower bound, refined).

    The latest full date the article reports in the past is a lower bound; weekday
    names reported in the past ("state media reported Friday") move it to the first such
    weekday on or after it. Nothing is inferred from weekdays alone, nor when a later
    month or year is mentioned (a day would then be invented).
    """
    mentions = [m for m in _find(text, None, None) if m.role != "bound" and not m.future]
    absolute = [m for m in mentions if m.kind == "absolute" and m.date]
    days = [date.fromisoformat(m.date) for m in absolute if m.precision == "day"]
    if not days:
        return None
    latest = max(days)
    for m in absolute:
        d = date.fromisoformat(m.date)
        end = date(d.year, 12, 31) if m.precision == "year" else (
            _add_months(d, 1) - timedelta(days=1) if m.precision == "month" else d)
        if end > latest and m.precision != "day":
            return None
    pub, conf = latest, CONF_CONTENT
    for m in mentions:
        if m.kind == "relative" and m.precision == "day":
            wd = _WEEKDAYS.get(m.text.split()[-1][:3].lower())
            if wd is not None and re.fullmatch(rf"(?:\w+\s+)?{_WD_FULL}", m.text):
                cand = latest + timedelta(days=(wd - latest.weekday()) % 7)
                if cand > pub:
                    pub = cand
                conf = CONF_CONTENT_WEEKDAY
    return pub, conf


def publication_date(
    published: str | None,
    text: str,
    removed: Sequence[Removal] = (),
    header_text: str | None = None,
    url: str | None = None,
    default: str | None = None,
) -> PubDate:
    """When the document was published: metadata, URL, marker, site header, content,
    the caller's default, unknown.

    ``removed`` is what the cleaner dropped. Header, byline and metadata removals
    (``site_date_header``) are read for markers and lone dates; other date removals
    (``date_line``, anywhere on the page) only for explicit markers, since a lone date
    down the page may belong to another article. Other removals ("related stories")
    carry other articles' dates and are never read. ``header_text`` is read like a
    header removal. ``url`` is the article's own URL (a date in its path); ``default``
    (YYYY-MM-DD, ``--default-date``) dates a document nothing else dates, weakly.
    """
    # 1. feed metadata
    if published:
        d = _parse_metadata(published)
        if d:
            return PubDate(_iso(d), "metadata", CONF_METADATA)
    # 1b. the article's URL (/2024/04/13/)
    d = url_date(url)
    if d:
        return PubDate(_iso(d), "url", CONF_URL)
    heads = [r.text for r in removed if _HEADER_REASONS.search(r.reason or "")]
    if header_text:
        heads.append(header_text)
    dated = [r.text for r in removed if _DATE_REASONS.search(r.reason or "")]
    top = text[:_MARKER_SPAN]
    # 2. explicit markers
    for chunk in (*heads, top, *dated):
        d = _marker_date(chunk)
        if d:
            return PubDate(_iso(d), "text", CONF_TEXT)
    # 3. a lone date line at the top of the page
    header: date | None = None
    body = text
    for chunk in heads:
        for line in chunk.splitlines() or [chunk]:
            header = header or _lone_date(line)
    if header is None:
        for line in [ln for ln in top.splitlines() if ln.strip()][:_HEADER_LINES]:
            header = _lone_date(line)
            if header:
                body = text.replace(line, "", 1)  # the header is no evidence for itself
                break
    content = _content_date(body)
    if header:
        conf = CONF_SITE_HEADER
        if content:
            if content[0] <= header <= content[0] + timedelta(days=7):
                conf = CONF_SITE_HEADER_CORROBORATED
            elif header < content[0]:
                conf = CONF_SITE_HEADER_CONTRADICTED
        return PubDate(_iso(header), "site_header", conf)
    # 4. what the article reports
    if content:
        return PubDate(_iso(content[0]), "content", content[1])
    # 5. the date the caller gives undated documents (--default-date)
    if default and parse_published(default):
        return PubDate(parse_published(default), "default", CONF_DEFAULT)
    return PubDate(None, "unknown", 0.0)
