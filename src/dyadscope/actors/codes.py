"""PETRARCH composite codes for a noun phrase (``ActorKB.petr_codes``), from the user's
PETRARCH dictionaries: actor codes by date, agent codes put before or after them."""

from __future__ import annotations

from dyadscope.models import ActorRef
from .text import _longest_matches, norm_phrase, parse_date, tokenize
from .words import _FORMER
from .files import split_code


class _PetrarchCodes:
    """``ActorKB``'s PETRARCH code composition (``petr_trie`` is set when a PETRARCH
    dictionary is loaded)."""

    def _add_petr(self, phrase: str, kind: str, value) -> None:
        toks = norm_phrase(phrase)
        if len(toks) > 1 and toks[0] == "the":
            toks = toks[1:]
        if not toks:
            return
        if self.petr_trie is None:
            self.petr_trie = {}
        node = self.petr_trie
        for t in toks:
            node = node.setdefault(t, {})
        leaf = node.setdefault(None, {})
        leaf[kind] = value  # a later entry for the same phrase replaces an earlier one

    def _petr_scan(self, toks, kind: str, skip: tuple[int, int] = (0, 0)):
        """Leftmost-longest, non-overlapping phrases of ``kind`` ("A" or "G")."""
        return _longest_matches(self.petr_trie, toks, kind, skip)

    def _petr_country(self, entries, date) -> str | None:
        code = self._petr_select(entries, date)
        if not code:
            return None
        return split_code(code.split("/")[0], self.countries.keys() | {"UNO", "EUR", "IGO"})[0]

    @staticmethod
    def _petr_select(entries, date: str | None) -> str | None:
        """The code of an actor on ``date`` by PETRARCH's rule: the first date restriction
        (in file order) that holds, ``<d`` and ``>d`` and ``d1-d2`` all inclusive; else
        the first unrestricted code; None when neither exists. Undated: the unrestricted
        code, else the last restriction."""
        if date is not None:
            for code, kind, d1, d2 in entries:
                if kind == "<" and date <= d1 or kind == ">" and date >= d1 or \
                        kind == "-" and d1 <= date <= d2:
                    return code
        for code, kind, _, _ in entries:
            if kind is None:
                return code
        if date is None and entries:
            return entries[-1][0]
        return None

    def petr_codes(self, text: str, date: str | None = None,
                   prefer: ActorRef | None = None) -> tuple[str, ...]:
        """PETRARCH's composite codes for a noun phrase, from user PETRARCH dictionaries.

        As PETRARCH composes them: the code of the first actor in the phrase (``---``
        when the phrase has agents only; where ``prefer``, the resolver's reading of
        the phrase, chose another actor of the phrase, that one), then each agent's
        code in phrase order, put after it (``[~GOV]``) or before it (``[NGO~]``),
        unless that code is already in the composite at a three-character boundary,
        which ends the composition ("Quibbler government newspaper": HGWGOVMED +
        GOVMED stays HGWGOVMED). An agent after "former" is ELI (TABARI's FORMER
        rule). A compound dictionary code (``[AAA/BBB]``) gives one composite per
        part. Empty without PETRARCH dictionaries, or when the phrase has no actor or
        agent in them, or when no code of its actor covers the date.
        """
        if self.petr_trie is None or not text:
            return ()
        date = parse_date(date) if date is not None else self.default_date
        toks = tokenize(text)
        actors = self._petr_scan(toks, "A")
        pick = actors[0] if actors else None
        if prefer is not None and len(actors) > 1:
            pick = next((m for m in actors if prefer.actor_id and m[2][0] == prefer.actor_id),
                        None) or next((m for m in actors if prefer.country and
                                       self._petr_country(m[2][1], date) == prefer.country),
                                      None) or pick
        span = (pick[0], pick[1]) if pick else (0, 0)
        agents = []
        for a, _, c in self._petr_scan(toks, "G", span):
            if any(t in _FORMER for t, _, _ in toks[:a]):
                c = "~ELI"
            agents.append(c)
        if not actors and not agents:
            return ()
        base = self._petr_select(pick[2][1], date) if pick else "---"
        if base is None:
            return ()
        out = []
        for code in base.split("/"):
            code = code.strip().upper() or "---"
            for ag in agents:
                prefix = ag.endswith("~") and not ag.startswith("~")
                agc = ag.strip("~")
                if not agc:
                    continue
                if any(code[k:k + len(agc)] == agc for k in range(0, len(code) - len(agc) + 1, 3)):
                    break
                code = agc + code if prefix else code + agc
            if code not in out:
                out.append(code)
        return tuple(out)

