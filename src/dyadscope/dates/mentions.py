"""Date expressions in text: the patterns, and ``find_dates``, which reads each date with
its preposition, its role in the clause (time, bound, modifier) and whether it was read
forward in time, resolved against a reference date (the conventions are in the package's
docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


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
    """A week as the smallest period of the schema's precisions that holds all of it, dated
    as docs/SCHEMA.md dates a period, by its first day: its month, else its year (a week
    across New Year: the year of its Thursday, which holds most of it, as ISO 8601 numbers
    weeks; the schema has no week precision)."""
    sunday = monday + timedelta(days=6)
    if sunday.month == monday.month:
        return monday.replace(day=1), "month"
    return date((monday + timedelta(days=3)).year, 1, 1), "year"


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
