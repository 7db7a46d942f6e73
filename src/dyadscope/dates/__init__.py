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

The package, one module a step: ``mentions`` (the patterns and ``find_dates``: date
expressions read against a reference date), ``event`` (``resolve_event_date``) and
``publication`` (``publication_date``), both built on ``mentions``.
"""

from __future__ import annotations

from .event import MODIFIER_PENALTY, EventDate, event_dater, resolve_event_date  # noqa: F401
from .mentions import DateMention, find_dates
from .publication import (  # noqa: F401 (the confidences, url_date, parse_published)
    CONF_CONTENT, CONF_CONTENT_WEEKDAY, CONF_DEFAULT, CONF_METADATA, CONF_SITE_HEADER,
    CONF_SITE_HEADER_CONTRADICTED, CONF_SITE_HEADER_CORROBORATED, CONF_TEXT, CONF_URL,
    is_future, parse_published, publication_date, url_date,
)

__all__ = [
    "DateMention",
    "EventDate",
    "find_dates",
    "publication_date",
    "resolve_event_date",
    "event_dater",
]
