"""Event filters shared by the CLI and the web API: user words in, parameterised SQL out.

Values always travel as parameters, never inside the SQL text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta


class FilterError(ValueError):
    """A filter value the user must fix; ``param`` names the option."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param


class NotFound(LookupError):
    """The thing asked for is not in the store (HTTP 404 on the web)."""


MODALITIES = ("asserted", "negated", "hypothetical", "future")
# What counts (series, the dyad page's chart and timeline) when no modality is asked for: an
# act reported as not done ("did not attack"), only possible or only planned is no act to
# count, as background history is none (docs/ANALYSIS.md). ``modality=all`` counts them all.
COUNTED_MODALITY = "asserted"


def parse_modality(value, default: str | None = None) -> str | None:
    """A modality filter from user words: one of MODALITIES, ``all`` (no filter, None), or
    ``default`` when none is given. Event lists default to all; counts to COUNTED_MODALITY."""
    if value is None or not str(value).strip():
        return default
    value = str(value).strip().lower()  # as PLOVER types and country codes, in any case
    if value == "all":
        return None
    return value


@dataclass(frozen=True)
class EventFilter:
    """The event filters every face takes (``dyadscope events``, ``/api/events``,
    ``dyadscope.open(...).events``); build one from user words with :func:`event_filter`.

    A ``dyad`` matches only events whose both sides resolve to a country or an IGO (a
    dyad is a pair of countries or organisations; an unresolved side belongs to none).
    """

    actor: str | None = None
    dyad: tuple[str, str] | None = None
    directed: bool = False
    since: str | None = None
    until: str | None = None
    type: str | None = None
    include_background: bool = True
    dated_only: bool = False
    modality: str | None = None
    story: str | None = None
    country: str | None = None  # either side's country (or IGO) code
    sector: str | None = None  # either side's sector code (GOV, MIL, ...)
    quad_class: tuple[int, ...] | None = None  # 1 verbal coop .. 4 material conflict
    min_confidence: float | None = None  # an event's confidence, 0-1 (docs/ACCURACY.md: "Confidence that means what it says")

    @property
    def background(self) -> bool:
        """True when background-history events are shown (the web's ``background=show``)."""
        return self.include_background

    def where(self, dated_only: bool = False) -> tuple[str, list]:
        return where_clause(replace(self, dated_only=True) if dated_only else self)

    def check(self) -> "EventFilter":
        """Raise FilterError (naming the parameter) for any bad value."""
        where_clause(self)
        return self

    def params(self) -> dict:
        """The filters as URL query parameters (for links that keep them)."""
        return {
            "actor": self.actor, "country": self.country, "sector": self.sector,
            "since": self.since, "until": self.until, "type": self.type,
            "quad_class": ",".join(map(str, self.quad_class)) if self.quad_class else None,
            "min_confidence": None if self.min_confidence is None else str(self.min_confidence),
            "modality": self.modality, "background": None if self.include_background else "hide",
            "story": self.story,
        }


# The filter parameters, named alike in the CLI (--name), the web API (?name=) and Python.
FILTER_PARAMS = ("actor", "dyad", "directed", "country", "sector", "since", "until", "type", "quad_class",
                 "modality", "background", "story", "min_confidence")


def parse_background(value, default: bool = True) -> bool:
    """``show``/``hide`` (or a bool) as "are background events shown"."""
    if isinstance(value, bool):
        return value
    if value is None or not str(value).strip():
        return default
    value = str(value).strip().lower()  # in any case, as modality and type
    if value in ("show", "1", "true", "yes"):
        return True
    if value in ("hide", "0", "false", "no"):
        return False
    raise FilterError("background", f"expected show or hide, got {value!r}")


def parse_quad_class(value) -> tuple[int, ...] | None:
    """1-4, or several (``1,2`` or a list): the CAMEO quad classes to keep."""
    if value in (None, "", ()):
        return None
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value).strip())
    out = []
    for item in items:
        try:
            q = int(item)
        except (TypeError, ValueError):
            q = 0
        if not 1 <= q <= 4:
            raise FilterError("quad_class", f"expected 1 to 4 (1 verbal cooperation, 2 material cooperation, "
                                            f"3 verbal conflict, 4 material conflict), got {value!r}")
        out.append(q)
    return tuple(sorted(set(out)))


def parse_min_confidence(value) -> float | None:
    """A number from 0 to 1 (the confidence an event must reach), or None."""
    if value in (None, ""):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = -1.0
    if not 0.0 <= x <= 1.0:  # also NaN
        raise FilterError("min_confidence", f"expected a number from 0 to 1, got {value!r}")
    return x


def event_filter(*, actor=None, dyad=None, directed=False, country=None, sector=None, since=None, until=None,
                 type=None, quad_class=None, modality=None, background=True, story=None,
                 min_confidence=None, dated_only=False) -> EventFilter:
    """User words in, a checked EventFilter out (FilterError names a bad parameter).

    ``dyad`` is ``"CHN,PRK"`` or a pair; ``background`` is a bool or ``show``/``hide``;
    ``quad_class`` one class or several. The one constructor the CLI, the web and the
    Python API share, so a parameter means the same everywhere.
    """
    if isinstance(dyad, str):
        dyad = parse_dyad(dyad)
    elif dyad is not None:
        dyad = tuple(dyad)
        if len(dyad) != 2 or not all(isinstance(x, str) and x.strip() for x in dyad):
            raise FilterError("dyad", f"expected two actors such as ('CHN', 'PRK'), got {dyad!r}")
    f = EventFilter(actor=actor or None, dyad=dyad or None, directed=bool(directed),
                    since=since or None, until=until or None, type=type or None,
                    include_background=parse_background(background), dated_only=dated_only,
                    modality=parse_modality(modality), story=story or None,
                    country=_country_param(country), sector=(sector or "").strip().upper() or None,
                    quad_class=parse_quad_class(quad_class), min_confidence=parse_min_confidence(min_confidence))
    return f.check()


def _country_param(value) -> str | None:
    """``country`` as given: a code in any case ("chn"), or a country's name ("Philippines")."""
    text = (value or "").strip()
    if not text:
        return None
    if _COUNTRY.match(text.upper()):
        return text.upper()
    from .actors import country_code

    return country_code(text, loose=True) or text  # as typed, for the error that names it


# The 16 PLOVER event types (what ``type`` accepts besides a CAMEO prefix), in the order of
# the series' columns.
PLOVER_TYPES = ("ACCUSE", "AGREE", "AID", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE", "MOBILIZE",
                "PROTEST", "REJECT", "REQUEST", "RETREAT", "SANCTION", "SUPPORT", "THREATEN")

_COUNTRY = re.compile(r"^[A-Z]{3}$")
_LOWER_CODE = re.compile(r"^[a-z]{3}$")
_CAMEO = re.compile(r"^\d{2,4}$")
_PLOVER = re.compile(r"^[A-Za-z_]+$")
_STORY = re.compile(r"^[0-9a-f]{4,16}$")
_CODE = re.compile(r"^[A-Z]{3}$")

# Both sides resolve to a country or an IGO (IGOs carry UNO, EUR or IGO as their country).
BOTH_SIDES_RESOLVED = "coalesce(source_country, '') <> '' AND coalesce(target_country, '') <> ''"


def parse_dyad(value: str) -> tuple[str, str]:
    """Two actors from one argument: ``CHN,PRK``, ``CHN/PRK``, ``CHN PRK`` or ``CHN-PRK``. A
    comma (else a slash) is the only separator when there is one, so names of several words
    or with a hyphen stay whole: ``China,North Korea``, ``Guinea-Bissau/Senegal``."""
    text = value.strip()
    sep = "," if "," in text else "/" if "/" in text else r"[\s-]+"
    parts = [p.strip() for p in re.split(sep, text) if p.strip()]
    if len(parts) != 2:
        raise FilterError("dyad", f"expected two actors such as CHN,PRK (or names: China,North Korea), "
                                  f"got {value!r}")
    return parts[0], parts[1]


# The shortest document id prefix looked up (ids are 16 hex characters; lists show 8).
DOC_ID_PREFIX = 6


def resolve_doc_id(query, doc_id: str) -> str:
    """The full id of the document ``doc_id`` names: its id, the id its input line gave it
    (stored in its path, ``FILE#ID``), or a unique prefix of at least ``DOC_ID_PREFIX``
    characters (``dyadscope docs show``, ``/api/documents/{id}``).

    ``query(sql, params)`` returns rows as dicts (``Store.query``, the web's ``Db.query``).
    NotFound when no document matches; FilterError (``doc_id``) with the number of matches
    when several do."""
    doc_id = (doc_id or "").strip()
    if query("SELECT doc_id FROM documents WHERE doc_id = ?", [doc_id]):
        return doc_id
    # the id the input gave it (a JSONL line's "id", kept in its path as FILE#ID)
    fed = query("SELECT doc_id FROM documents WHERE ends_with(path, ?) ORDER BY doc_id LIMIT 2", ["#" + doc_id])
    if len(fed) == 1:
        return fed[0]["doc_id"]
    if len(fed) > 1:
        raise FilterError("doc_id", f"several documents were fed with the id {doc_id!r} (on different lines or files); "
                                    "give the document id dyadscope docs shows")
    return _by_prefix(query, "documents", "doc_id", "document", doc_id)


def resolve_event_id(query, event_id: str) -> str:
    """The full id of the event or report ``event_id`` names: its id, or a unique prefix of at
    least ``DOC_ID_PREFIX`` characters, as lists show them (``dyadscope events show``,
    ``/api/events/{id}``, ``/event/{id}``). NotFound when none matches; FilterError
    (``event_id``) when several do."""
    event_id = (event_id or "").strip()
    if query("SELECT event_id FROM events WHERE event_id = ?", [event_id]):
        return event_id
    return _by_prefix(query, "events", "event_id", "event", event_id)


def resolve_actor_id(query, actor: str) -> tuple[str, bool]:
    """The actor ``actor`` names, as ``(id, is_country)`` (``/actor/{id}``,
    ``/api/actors/{id}``), tried in this order:

    1. an actor id of the store's ``actors`` table, in any case (``kim_jong_un``);
    2. a country or IGO code (``CHN``, ``chn``);
    3. what the actor base makes of the words ("Putin", "UN", "Russia", "the US"): its
       actor when the store holds it, else its country;
    4. words of one stored actor's name (an actor of the user's own dictionary).

    NotFound when nothing matches; FilterError (``actor_id``) naming a few when the words
    of step 4 fit several actors."""
    from .actors import load_kb

    actor = (actor or "").strip()
    rows = query("SELECT actor_id FROM actors WHERE upper(actor_id) = upper(?) ORDER BY actor_id <> ? LIMIT 1",
                 [actor, actor])
    if rows:
        return rows[0]["actor_id"], False
    if _COUNTRY.match(actor.upper()) and known_code(actor.upper()):
        return actor.upper(), True
    if actor:
        ref = load_kb().resolve(actor, None, None)
        if ref.actor_id and query("SELECT 1 FROM actors WHERE actor_id = ?", [ref.actor_id]):
            return ref.actor_id, False
        if ref.country and known_code(ref.country):
            return ref.country, True
    found = query("SELECT actor_id FROM actors WHERE regexp_matches(coalesce(name, ''), ?) ORDER BY actor_id LIMIT 6",
                  [_words(actor)]) if len(actor) > 2 else []
    if len(found) == 1:
        return found[0]["actor_id"], False
    if found:
        some = ", ".join(r["actor_id"] for r in found[:5]) + (", ..." if len(found) > 5 else "")
        raise FilterError("actor_id", f"{actor!r} names several actors ({some}); give one of their ids")
    raise NotFound(f"no actor called {actor!r} (use an actor id such as KIM_JONG_UN, a name such as Putin, "
                   "or a country or IGO code or name: CHN, Russia, UNO)")


def _words(text: str) -> str:
    """A case-blind regular expression matching ``text`` as whole words ("Xi" is not inside
    "Xiaodong"; "U.S." ends in a dot, so no word boundary is asked for after it)."""
    text = text.strip()
    edge = [r"\b" if re.match(r"\w", c) else "" for c in (text[:1], text[-1:])]
    return f"(?i){edge[0]}{re.escape(text)}{edge[1]}"


def _by_prefix(query, table: str, column: str, noun: str, prefix: str) -> str:
    """The one ``column`` value of ``table`` starting with ``prefix`` (at least
    ``DOC_ID_PREFIX`` characters; ids made here are lower-case hex, so one typed in capitals
    is tried lower-cased too). NotFound for none, FilterError (``column``) for several."""
    if len(prefix) < DOC_ID_PREFIX:
        raise NotFound(f"no {noun} with id {prefix!r} (a prefix needs at least {DOC_ID_PREFIX} characters)")
    sql = f"SELECT count(*) AS n, min({column}) AS id FROM {table} WHERE starts_with({column}, ?)"
    row = query(sql, [prefix])[0]
    if row["n"] == 0 and prefix != prefix.lower():
        row = query(sql, [prefix.lower()])[0]
    if row["n"] == 0:
        raise NotFound(f"no {noun} with id {prefix!r}")
    if row["n"] > 1:
        raise FilterError(column, f"{noun} id {prefix!r} is ambiguous: {row['n']} {noun}s start with it; "
                                  "give more characters")
    return row["id"]


def resolve_story_id(query, story_id: str) -> str:
    """The full id of the story ``story_id`` names: its id or a unique prefix of 4 to 16
    hexadecimal characters (``dyadscope stories show``, ``/story/{id}``, ``/api/stories/{id}``).
    FilterError (``story_id``) for a malformed or ambiguous id, NotFound for none."""
    story_id = (story_id or "").strip()
    if not _STORY.match(story_id):
        raise FilterError("story_id", f"expected a story id (4 to 16 hexadecimal characters), got {story_id!r}")
    rows = query("SELECT story_id FROM stories WHERE starts_with(story_id, ?) ORDER BY story_id LIMIT 2", [story_id])
    if not rows:
        raise NotFound(f"no story with id {story_id!r}; list them with: dyadscope stories")
    if len(rows) > 1:
        raise FilterError("story_id", f"story id {story_id!r} is ambiguous; give more characters")
    return rows[0]["story_id"]


def check_story(query, story: str | None) -> None:
    """NotFound unless some story's id starts with ``story`` (a filter naming no story would
    match nothing, in silence). ``query(sql, params)`` as for ``resolve_doc_id``; a store
    without stories yet (an unfinished dataset) is not checked."""
    if not story:
        return
    try:
        found = query("SELECT story_id FROM stories WHERE starts_with(story_id, ?) LIMIT 1", [story])
    except Exception:  # no stories table: nothing to check against
        return
    if not found:
        raise NotFound(f"no story with id {story!r}; list them with: dyadscope stories")


# Country codes found in the events of stores opened in this process: a code a user's own
# actor file brought in (docs/ACTORS.md) is known to the store that holds its events.
_STORE_CODES: set[str] = set()
_STORE_SECTORS: set[str] = set()


def remember_codes(codes, sectors=()) -> None:
    """Add the country and sector codes a store's events carry to those ``known_code`` and
    ``known_sector`` accept (``Store`` calls it when it opens)."""
    _STORE_CODES.update(c for c in codes if c)
    _STORE_SECTORS.update(c for c in sectors if c)


def known_sector(code: str) -> bool:
    """Whether the actor base gives ``code`` as a sector, or an opened store's events carry it."""
    from .actors import known_sectors

    return code in known_sectors() or code in _STORE_SECTORS


def known_code(code: str) -> bool:
    """Whether the actor base knows ``code`` as a country or IGO code (``actors.known_codes``),
    or an opened store's events carry it."""
    from .actors import known_codes

    return code in known_codes() or code in _STORE_CODES


def check_code(param: str, code: str) -> None:
    """FilterError naming ``param`` unless the actor base knows ``code`` as a country or IGO
    code, or an opened store's events carry it (a code no actor carries would match nothing,
    in silence)."""
    from .actors import LEGACY

    if known_code(code):
        return
    stored = f" ({code} is an old code; events carry {LEGACY[code]})" if code in LEGACY else ""
    raise FilterError(param, f"unknown country or IGO code {code!r}{stored}; give an ISO 3166 alpha-3 country "
                             "code (CHN, PRK, USA) or an IGO code the actor base knows (UNO, EUR, IGO)")


def check_date(param: str, value, end: bool = False) -> str | None:
    """An ISO date from ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (or a ``date``, ``datetime``
    or pandas ``Timestamp``). A month or year means its first day, or with ``end`` (for
    ``until``) its last: ``until=2024`` takes in all of 2024."""
    if value is None:
        return None
    if hasattr(value, "isoformat") and not isinstance(value, str):  # date, datetime, Timestamp
        value = value.isoformat()[:10]
    if not isinstance(value, str):
        raise FilterError(param, f"expected a date YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}")
    value = value.strip()
    try:
        if len(value) == 4:
            return date(int(value), 12 if end else 1, 31 if end else 1).isoformat()
        if len(value) == 7:
            y, m = (int(x) for x in value.split("-"))
            first = date(y, m, 1)  # raises for a month that is none (2024-13, 2024-00)
            if end:
                return (date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)).isoformat()
            return first.isoformat()
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise FilterError(param, f"expected a date YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}") from None


def _side(prefix: str, actor: str) -> tuple[str, list]:
    """SQL matching one actor given as actor id, country code, country name or words of a name.
    Words match whole words ("Xi" is not inside "Xiaodong"); a country's name ("Philippines")
    also matches every actor of that country, as its code does."""
    if _COUNTRY.match(actor):
        return f"({prefix}_country = ? OR {prefix}_actor_id = ?)", [actor, actor]
    words = _words(actor)
    named = (f"regexp_matches(coalesce({prefix}_name, ''), ?) OR "
             f"regexp_matches(coalesce({prefix}_text, ''), ?)")
    if _LOWER_CODE.match(actor):  # "chn": the country, or a name with these words
        code = actor.upper()
        return f"({prefix}_country = ? OR {prefix}_actor_id = ? OR {named})", [code, actor, words, words]
    code = _country_named(actor)
    if code:  # "Philippines", "Sudan": the country itself (not "South Sudan" by its words)
        return f"({prefix}_country = ? OR {prefix}_actor_id = ?)", [code, actor]
    return f"({prefix}_actor_id = ? OR {named})", [actor, words, words]


def nowhere_note(query, f: EventFilter) -> str | None:
    """Why an answer may be empty: the actors ``f`` names (``actor`` and the ``dyad``'s sides)
    that no stored event names on either side, whatever the other filters (a typo, a name the
    actor base reads otherwise), as a sentence for the user; None when every name is known.
    The CLI, ``dyadscope.open(...)`` and the web say so rather than answer "0 events" in
    silence. A name read as a country says which ("'Korea' (read as the country KOR)"), since
    that reading may not be the one meant."""
    unknown = []
    for actor in dict.fromkeys(a for a in (f.actor, *(f.dyad or ())) if a):
        s, sp = _side("source", actor)
        t, tp = _side("target", actor)
        if not query(f"SELECT 1 FROM events WHERE {s} OR {t} LIMIT 1", sp + tp):
            code = _country_named(actor)
            unknown.append(repr(actor) + (f" (read as the country {code})" if code else ""))
    if not unknown:
        return None
    return (f"no stored event names {', '.join(unknown)} on either side; give an actor id, a country or IGO code "
            "or name (CHN, Russia, UNO) or words of a name (dyadscope actors lists the store's actors)")


def _country_named(name: str) -> str | None:
    """The code of the country ``name`` names ("Philippines", "Russia", "South Korea", and as
    the actor base reads a country's other names: "DPRK", "Britain", "Burma"), if any
    (``actors.country_code``, loose as ``country`` reads it, so that every option takes the
    same names)."""
    from .actors import country_code

    if len(name.strip()) <= 3:  # "Ma", "US": words of a name, or codes, not a country's name
        return None
    return country_code(name, loose=True)


def where_clause(f: EventFilter) -> tuple[str, list]:
    """Build ``WHERE`` conditions (joined with AND) and their parameters."""
    conds: list[str] = []
    params: list = []
    if f.actor:
        if _COUNTRY.match(f.actor):
            check_code("actor", f.actor)
        s, sp = _side("source", f.actor)
        t, tp = _side("target", f.actor)
        conds.append(f"({s} OR {t})")
        params += sp + tp
    if f.dyad:
        a, b = f.dyad
        for side in (a, b):
            if _COUNTRY.match(side):
                check_code("dyad", side)
        sa, pa = _side("source", a)
        tb, pb = _side("target", b)
        forward = f"({sa} AND {tb})"
        if f.directed:
            conds.append(forward)
            params += pa + pb
        else:
            sb, pb2 = _side("source", b)
            ta, pa2 = _side("target", a)
            conds.append(f"({forward} OR ({sb} AND {ta}))")
            params += pa + pb + pb2 + pa2
        conds.append(f"({BOTH_SIDES_RESOLVED})")
    if f.country:
        if not _CODE.match(f.country):
            raise FilterError("country", f"expected a three-letter country or IGO code (CHN, UNO) or a country's "
                                         f"name (Philippines), got {f.country!r}")
        check_code("country", f.country)
        conds.append("(source_country = ? OR target_country = ?)")
        params += [f.country, f.country]
    if f.sector:
        if not _CODE.match(f.sector):
            raise FilterError("sector", f"expected a three-letter sector code (GOV, MIL, ...), got {f.sector!r}")
        if not known_sector(f.sector):  # matching nothing, in silence, was the alternative
            from .actors import known_sectors

            raise FilterError("sector", f"unknown sector code {f.sector!r}; the actor base's sectors are "
                                        f"{', '.join(sorted(known_sectors()))}")
        conds.append("(source_sector = ? OR target_sector = ?)")
        params += [f.sector, f.sector]
    if f.quad_class:
        conds.append("quad_class IN (SELECT unnest(?))")
        params.append(list(f.quad_class))
    if f.min_confidence is not None:
        conds.append("confidence >= ?")
        params.append(f.min_confidence)
    since = check_date("since", f.since)
    until = check_date("until", f.until, end=True)
    if since and until and since > until:  # ISO dates compare as text
        raise FilterError("until", f"{f.until} is before since={f.since}: no date is in that range")
    if since:
        conds.append("date >= CAST(? AS DATE)")
        params.append(since)
    if until:
        conds.append("date <= CAST(? AS DATE)")
        params.append(until)
    if f.type:
        t = f.type.strip()
        if _CAMEO.match(t):
            if not 1 <= int(t[:2]) <= 20:
                raise FilterError("type", f"no CAMEO code starts with {t[:2]!r}: the roots are 01 to 20")
            conds.append("starts_with(cameo, ?)")
            params.append(t)
        elif t.upper() in PLOVER_TYPES:
            conds.append("plover = ?")
            params.append(t.upper())
        elif _PLOVER.match(t):
            raise FilterError("type", f"no PLOVER type {t!r}; the types are {', '.join(PLOVER_TYPES)} "
                                      "(or give a CAMEO code prefix such as 04)")
        else:
            raise FilterError("type", f"expected a PLOVER type (CONSULT) or a CAMEO code prefix (04), got {t!r}")
    if f.modality:
        if f.modality not in MODALITIES:
            raise FilterError("modality", f"expected one of {', '.join(MODALITIES)} or all, got {f.modality!r}")
        conds.append("modality = ?")
        params.append(f.modality)
    if f.story:
        if not _STORY.match(f.story):
            raise FilterError("story", f"expected a story id, or its first 4 characters or more (hexadecimal, as "
                                       f"dyadscope stories shows), got {f.story!r}")
        conds.append("starts_with(story_id, ?)")
        params.append(f.story)
    if not f.include_background:
        conds.append("NOT background")
    if f.dated_only:
        conds.append("date IS NOT NULL")
    return (" AND ".join(conds) or "TRUE"), params
