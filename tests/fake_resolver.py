"""A tiny stand-in for ``actors.DocResolver`` so coding tests do not depend on the actor base."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dyadscope.models import ActorRef

NAMES = {
    "kim jong un": ("PRK", "GOV", "kim_jong_un"),
    "kim": ("PRK", "GOV", "kim_jong_un"),
    "zhao leji": ("CHN", "LEG", "zhao_leji"),
    "zhao": ("CHN", "LEG", "zhao_leji"),
    "xi jinping": ("CHN", "GOV", "xi_jinping"),
    "xi": ("CHN", "GOV", "xi_jinping"),
    "moon": ("KOR", "GOV", "moon_jae_in"),
    "north korea": ("PRK", None, None),
    "pyongyang": ("PRK", None, None),
    "china": ("CHN", None, None),
    "beijing": ("CHN", None, None),
    "japan": ("JPN", None, None),
    "tokyo": ("JPN", None, None),
    "south korea": ("KOR", None, None),
    "seoul": ("KOR", None, None),
    "russia": ("RUS", None, None),
    "the rebels": (None, "REB", None),
    "xinhua": ("CHN", "MED", None),
    "kcna": ("PRK", "MED", None),
}


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    ref: ActorRef


class FakeResolver:
    def __init__(self) -> None:
        self._pat = re.compile(
            r"\b(" + "|".join(re.escape(n) for n in sorted(NAMES, key=len, reverse=True)) + r")\b",
            re.I,
        )
        self.seen: list[ActorRef] = []

    def _ref(self, text: str) -> ActorRef:
        country, sector, aid = NAMES[text.lower()]
        return ActorRef(text=text, name=text, country=country, sector=sector, actor_id=aid,
                        method="dictionary")

    def find(self, text: str) -> list[Match]:
        return [Match(m.start(), m.end(), self._ref(m.group(0))) for m in self._pat.finditer(text)]

    def resolve(self, text: str, context: str | None = None) -> ActorRef:
        found = self.find(text)
        if not found:
            return ActorRef(text=text)
        ref = found[-1].ref if len(found) > 1 and found[-1].ref.actor_id else found[0].ref
        if ref.actor_id and ref not in self.seen:
            self.seen.append(ref)
        return ref

    def resolve_group(self, text: str) -> list[ActorRef]:
        people = [r for r in self.seen if r.actor_id]
        return people[-2:] if "two" in text.lower() else people
