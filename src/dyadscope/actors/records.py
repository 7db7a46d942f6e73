"""The actor base's records: actors, their roles over time, and matches in a text."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from dyadscope.models import ActorRef

# ----------------------------------------------------------------------------- records
@dataclass
class Role:
    sector: str | None
    office: str = ""
    start: str | None = None  # ISO, inclusive
    end: str | None = None  # ISO, exclusive
    country: str | None = None  # None: the actor's country

    def covers(self, date: str) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date < self.end)


@dataclass
class Actor:
    actor_id: str
    name: str
    kind: str  # person | org
    country: str | None
    sector: str | None = None
    roles: list[Role] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    source: str = ""

    def role_at(self, date: str | None) -> tuple[str | None, str | None, str]:
        """(country, sector, office) for a date; see module docstring for undated."""
        if not self.roles:
            return self.country, self.sector, ""
        dated = [r for r in self.roles if r.start or r.end]
        default = [r for r in self.roles if not (r.start or r.end)]
        if date is None:
            pool = [r for r in dated if r.sector != "ELI"] or dated
            if pool and all(r.end for r in dated) and \
                    max(r.end for r in dated) < _long_ago():
                # every dated office ended long ago: read the mention as of today
                # (a former official, or the undated default role such as Phoenix's ELI)
                return self.role_at(_dt.date.today().isoformat())
            if pool:
                r = max(pool, key=lambda r: (r.end is None, r.end or "", r.start or ""))
                return r.country or self.country, r.sector, r.office
            r = default[0]
            return r.country or self.country, r.sector, r.office
        live = [r for r in dated if r.covers(date)]
        if live:
            live.sort(key=lambda r: (r.sector == "ELI", r.sector is None, -(len(r.start or ""))),)
            best = [r for r in live if r.sector == live[0].sector and r.sector != "ELI"] or live
            r = max(best, key=lambda r: r.start or "")
            return r.country or self.country, r.sector, r.office
        if default:
            r = default[0]
            return r.country or self.country, r.sector, r.office
        ends = [r.end for r in dated if r.end]
        if dated and all(r.end for r in dated) and date >= max(ends):
            last = max(dated, key=lambda r: r.end)
            return last.country or self.country, "ELI", "former " + (last.office or "official")
        return self.country, None, ""


# An undated mention of someone whose every office ended more than this many years
# before today is about a former official (a full term of office, chosen a priori).
_UNDATED_ELI_YEARS = 5


def _long_ago() -> str:
    t = _dt.date.today()
    try:
        return t.replace(year=t.year - _UNDATED_ELI_YEARS).isoformat()
    except ValueError:  # 29 February
        return t.replace(year=t.year - _UNDATED_ELI_YEARS, day=28).isoformat()


@dataclass(frozen=True)
class ActorMatch:
    start: int
    end: int
    ref: ActorRef


# Item kinds stored in the trie: C country name/adjective, M capital (metonym),
# P place inside a country, X actor (person/org index), G agent word (sector).
_PRIO = {"M": 0, "X": 1, "C": 2, "G": 3, "P": 4}
