"""Publication dates: when the document was published, and how sure we are
(``publication_date``): feed metadata, the URL, an explicit marker, a site header, the
dates the article reports, the caller's default, unknown."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Sequence

from ..models import PubDate, Removal
from .mentions import (
    _MONTHS, _P_DMY, _P_ISO, _P_MDY, _WD_ANY, _WD_FULL, _WEEKDAYS, _add_months, _find, _iso,
    _left_ok, _make_date,
)


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
_DATELINE_DATE = re.compile(r"\b[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\b")
_HEADER_LINES = 5  # a site date header sits among the first non-empty lines
_MARKER_SPAN = 2000  # explicit markers are looked for near the top of the text


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
    YYYY-MM-DD, or None when it is not a date ("2024-13-45") or lies in the future."""
    d = _parse_metadata(value) if value else None
    return _iso(d) if d else None


def is_future(value: str | None) -> bool:
    """Is this a date, but one after tomorrow (nothing is published there yet)?"""
    d = _parse_any(value) if value else None
    return d is not None and d > _latest_publication()


def _latest_publication() -> date:
    # a day of slack: a feed in a time zone ahead of this machine's is already on tomorrow
    return date.today() + timedelta(days=1)


def _parse_metadata(published: str) -> date | None:
    """A feed date in any common format, the local date as written (no UTC shift); None
    for a date after tomorrow, which no feed can truly carry (a typo, a placeholder)."""
    d = _parse_any(published)
    return d if d is not None and d <= _latest_publication() else None


def _parse_any(published: str) -> date | None:
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
    # 1c. a wire dateline's full date ("PYONGYANG, March 5, 2024 (Reuters) -"): the story's
    # own dateline, as firm as a marker (one without its year is left to the steps below)
    for r in removed:
        if r.reason == "dateline header":
            m = _DATELINE_DATE.search(r.text)
            d = _parse_metadata(m.group()) if m else None
            if d:
                return PubDate(_iso(d), "text", CONF_TEXT)
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
