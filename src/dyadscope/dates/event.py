"""Event dates: when the event told by one sentence happened (``resolve_event_date``): a
date in the sentence nearest the trigger, else a back-reference to earlier sentences, else
the publication date marked ``document``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

from ..models import PubDate
from .mentions import DateMention, _find, _parse_ref


@dataclass(frozen=True)
class EventDate:
    """When one event happened; ``evidence`` quotes the words the date came from."""

    date: str | None
    precision: str  # day | month | year | document | unknown
    evidence: str | None


# A noun-phrase date ("Wednesday's parade") counts as this many characters further from
# the trigger than it is (hand-set).
MODIFIER_PENALTY = 60


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
    return event_dater(sentence, pubdate, previous)(trigger_offset)


def event_dater(sentence: str, pubdate: PubDate, previous: Sequence[str] = ()
                ) -> Callable[[int | None], EventDate]:
    """``resolve_event_date`` for one sentence as a function of the trigger's offset: the
    sentence's date words (and the earlier sentences a back-reference needs) are read
    once for all of its triggers."""
    # A date given with --default-date is the user's guess, not the document's: "on Friday"
    # counted back from it would be a made-up day. Dates are then read without it, and where
    # the date nearest the act needs it (a weekday, "yesterday", "March 3" without a year),
    # the event keeps the guessed document date, marked as such, rather than a farther date.
    guessed = pubdate.method == "default"
    ref = None if guessed else _parse_ref(pubdate.date)
    mentions = _find(sentence, ref, None)
    if previous and any(m.kind == "backref" and m.date is None for m in mentions):
        mentions = _find(sentence, ref, _anchor(previous, ref))
    candidates = [m for m in mentions if m.role != "bound"]

    def at(trigger_offset: int | None = None) -> EventDate:
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
            if best.date is None and guessed and pubdate.date:
                return EventDate(pubdate.date, "document", f"publication date (default; {best.text} "
                                                           "is not counted from a guessed date)")
            if best.date is None:
                why = "nothing earlier to refer to" if best.kind == "backref" else "no publication date"
                return EventDate(None, "unknown", f"{best.text} ({why})")
            return EventDate(best.date, best.precision, _evidence(best, pubdate))
        if pubdate.date:
            return EventDate(pubdate.date, "document", f"publication date ({pubdate.method})")
        return EventDate(None, "unknown", None)

    return at
