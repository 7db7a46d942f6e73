"""Event filters shared by the CLI and the web API: user words in, parameterised SQL out.

Values always travel as parameters, never inside the SQL text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


class FilterError(ValueError):
    """A filter value the user must fix; ``param`` names the option."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param


MODALITIES = ("asserted", "negated", "hypothetical", "future")


@dataclass(frozen=True)
class EventFilter:
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


_COUNTRY = re.compile(r"^[A-Z]{3}$")
_CAMEO = re.compile(r"^\d{2,4}$")
_PLOVER = re.compile(r"^[A-Za-z_]+$")
_STORY = re.compile(r"^[0-9a-f]{4,16}$")


def parse_dyad(value: str) -> tuple[str, str]:
    parts = [p.strip() for p in re.split(r"[,\s/-]+", value.strip()) if p.strip()]
    if len(parts) != 2:
        raise FilterError("dyad", f"expected two actors such as CHN,PRK, got {value!r}")
    return parts[0], parts[1]


def check_date(param: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if len(value) == 4:
            return date(int(value), 1, 1).isoformat()
        if len(value) == 7:
            y, m = value.split("-")
            return date(int(y), int(m), 1).isoformat()
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise FilterError(param, f"expected a date YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}") from None


def _side(prefix: str, actor: str) -> tuple[str, list]:
    """SQL matching one actor given as actor id, country code or (part of a) name."""
    if _COUNTRY.match(actor):
        return f"({prefix}_country = ? OR {prefix}_actor_id = ?)", [actor, actor]
    return (
        f"({prefix}_actor_id = ? OR {prefix}_name ILIKE ? OR {prefix}_text ILIKE ?)",
        [actor, f"%{actor}%", f"%{actor}%"],
    )


def where_clause(f: EventFilter) -> tuple[str, list]:
    """Build ``WHERE`` conditions (joined with AND) and their parameters."""
    conds: list[str] = []
    params: list = []
    if f.actor:
        s, sp = _side("source", f.actor)
        t, tp = _side("target", f.actor)
        conds.append(f"({s} OR {t})")
        params += sp + tp
    if f.dyad:
        a, b = f.dyad
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
    since = check_date("since", f.since)
    until = check_date("until", f.until)
    if since:
        conds.append("date >= CAST(? AS DATE)")
        params.append(since)
    if until:
        conds.append("date <= CAST(? AS DATE)")
        params.append(until)
    if f.type:
        t = f.type.strip()
        if _CAMEO.match(t):
            conds.append("starts_with(cameo, ?)")
            params.append(t)
        elif _PLOVER.match(t):
            conds.append("plover = ?")
            params.append(t.upper())
        else:
            raise FilterError("type", f"expected a PLOVER type (CONSULT) or a CAMEO code prefix (04), got {t!r}")
    if f.modality:
        if f.modality not in MODALITIES:
            raise FilterError("modality", f"expected one of {', '.join(MODALITIES)}, got {f.modality!r}")
        conds.append("modality = ?")
        params.append(f.modality)
    if f.story:
        if not _STORY.match(f.story):
            raise FilterError("story", f"expected a story id (hexadecimal, as dyadscope stories shows), got {f.story!r}")
        conds.append("starts_with(story_id, ?)")
        params.append(f.story)
    if not f.include_background:
        conds.append("NOT background")
    if f.dated_only:
        conds.append("date IS NOT NULL")
    return (" AND ".join(conds) or "TRUE"), params
