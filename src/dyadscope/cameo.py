"""CAMEO code tables and the verb/noun lexicon that maps words to CAMEO codes.

The tables (labels, Goldstein weights, CAMEO→PLOVER) and the default verb lexicon are
converted once by ``tools/build_cameo.py`` into ``data/cameo/`` so nothing reads the
shared source files at run time. ``load_verbs`` also reads dictionaries written in the
PETRARCH verb-dictionary format, so users can bring their own (the PETRARCH validation
suite's verbs file loads unchanged).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data" / "cameo"
CODES_FILE = DATA_DIR / "codes.json"
PLOVER_FILE = DATA_DIR / "cameo2plover.json"
VERBS_FILE = DATA_DIR / "verbs.json"
NOUNS_FILE = DATA_DIR / "nouns.json"
EXTRA_VERBS_FILE = DATA_DIR / "dyadscope.verbs.txt"  # our additions, PETRARCH format

NULL_CODE = "---"  # a pattern that matches but must not produce an event

# Prepositions, particles and articles: words that say how a verb is constructed, not
# what it is about.
FUNCTION_WORDS = frozenset("""
A ABOUT ABOVE ACROSS AFTER AGAINST AHEAD ALONG AMONG AN AROUND AS AT AWAY BACK BEFORE
BEHIND BELOW BENEATH BESIDE BETWEEN BEYOND BY DOWN DURING FOR FORTH FORWARD FROM IN
INSIDE INTO NEAR OF OFF ON ONTO OUT OUTSIDE OVER PAST SINCE THE THROUGH TO TOGETHER
TOWARD TOWARDS UNDER UNTIL UP UPON VIA WITH WITHIN WITHOUT""".split())


# ---------------------------------------------------------------- code tables


@lru_cache(maxsize=1)
def _codes() -> dict:
    return json.loads(CODES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _plover() -> dict:
    return json.loads(PLOVER_FILE.read_text(encoding="utf-8"))


def _lookup(table: dict, code: str):
    """Exact code, else its parents (1234 → 123 → 12): user dictionaries carry codes the
    tables lack, and a parent's meaning is the closest honest answer."""
    code = (code or "").strip()
    while code:
        if code in table:
            return table[code]
        code = code[:-1] if len(code) > 2 else ""
    return None


def label(code: str) -> str | None:
    """The CAMEO description of ``code`` (None when unknown)."""
    entry = _codes().get((code or "").strip())
    return entry["label"] if entry else None


def goldstein(code: str) -> float:
    """Goldstein conflict–cooperation weight (−10…+10); 0.0 for codes the table lacks."""
    entry = _lookup(_codes(), code)
    return float(entry["goldstein"]) if entry and entry.get("goldstein") is not None else 0.0


def root(code: str) -> int | None:
    """The two-digit CAMEO root as an int (``"0431"`` → 4), None if not a CAMEO code."""
    head = (code or "")[:2]
    return int(head) if head.isdigit() and 1 <= int(head) <= 20 else None


def quad_class(code: str) -> int:
    """The field's quad class of a CAMEO code, as GDELT, ICEWS and Phoenix use it:
    1 verbal cooperation (roots 01–05), 2 material cooperation (06–08), 3 verbal conflict
    (09–13), 4 material conflict (14–20); 0 when ``code`` is not CAMEO."""
    r = root(code)
    if r is None:
        return 0
    return 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4


def to_plover(code: str) -> tuple[str | None, str | None]:
    """PLOVER (type, mode) for a CAMEO code; (None, None) where the table has no type,
    e.g. plain statements (01). Appeals (02) are REQUEST, as their CAMEO 10 twins."""
    entry = _lookup(_plover(), code)
    if not entry:
        return None, None
    return entry[0] or None, entry[1] or None


# An intention to act is coded under CAMEO 03 ("express intent to cooperate", mirroring the
# roots 04-08) and a stated plan of force under 13 ("threaten", mirroring 14-20); the root of
# the act intended picks the sub-code (CAMEO 1.1b3 manual, codes 03 and 13).
_INTENT_CODES = {
    "AGREE": {4: "036", 5: "030", 6: "031", 7: "033", 8: "035"},
    "THREATEN": {14: "133", 15: "138", 17: "137", 18: "138", 19: "138", 20: "138"},
}


def code_for_type(code: str, ptype: str | None) -> str:
    """A CAMEO code that belongs to PLOVER type ``ptype``: ``code`` itself when it does;
    the intent or threat code of the act it names when the event is the intention or the
    threat of that act ("will provide aid": 033, not 070, so that its quad class and
    Goldstein value are those of a promise); otherwise ``""`` (the caller's general code)."""
    if not ptype or not code or to_plover(code)[0] == ptype:
        return code
    return _INTENT_CODES.get(ptype, {}).get(root(code), "")


# ---------------------------------------------------------------- lexicon model


@dataclass(frozen=True)
class Elem:
    """One position in a pattern: any of ``alts`` (each a tuple of upper-case words that
    must stand next to each other); ``adjacent`` ties it to the previous position."""

    alts: tuple[tuple[str, ...], ...]
    adjacent: bool = False
    # The first word inside "(...)": PETRARCH's prepositional phrase, so the word is a
    # preposition there ("* (TO)" is "to <noun>", never the infinitive "to strengthen").
    prep: bool = False

    @cached_property
    def firsts(self) -> frozenset:
        """The words one of which the first token at this position must be."""
        return frozenset(a[0] for a in self.alts)


@dataclass(frozen=True)
class Pattern:
    """Words around the verb that select a more specific code.

    ``code``/``reverse`` come from ``[c1:c2]``: ``c1`` is source→target, ``c2`` the
    paired target→source event (a visit implies a host). ``target_after``/``source_after``
    name the word right before a ``+``/``$`` slot after the verb (e.g. ``IN $``)."""

    before: tuple[Elem, ...]
    after: tuple[Elem, ...]
    code: str | None
    reverse: str | None = None
    target_before: bool = False
    source_after: str | None = None
    target_after: str | None = None
    compound: bool = False
    touch_verb: bool = False  # "FAILED_TO_*": the last word before the verb touches it

    @cached_property
    def weight(self) -> int:
        return sum(max(len(a) for a in e.alts) for e in self.before + self.after) + (
            1 if self.compound else 0
        )

    @cached_property
    def function_only(self) -> bool:
        """Every word of the pattern is a particle or preposition ("* (FOR)", "* UP")."""
        words = [w for e in self.before + self.after for a in e.alts for w in a]
        return bool(words) and all(w in FUNCTION_WORDS for w in words)

    @cached_property
    def needs(self) -> tuple[frozenset, ...]:
        """Per position, the words one of which must occur (a cheap pre-check)."""
        return tuple(frozenset(a[0] for a in e.alts) for e in self.before + self.after)


@dataclass
class VerbEntry:
    """A verb (with the particle/prefix words it needs) and its patterns."""

    lemma: str
    code: str | None
    reverse: str | None = None
    particles: tuple[str, ...] = ()
    prefix: tuple[str, ...] = ()
    patterns: list[Pattern] = field(default_factory=list)
    block: str = ""
    # The block's code is "---" and the verb names none: the verb means something only
    # through a pattern ("express" alone says nothing; "express concern" is 012).
    pattern_only: bool = False

    def candidates(self, words) -> list[Pattern]:
        """The patterns that could match among ``words`` (upper-case forms around the
        verb), in dictionary order: each pattern is indexed under the words of one
        position it requires, so most of a large block is never looked at."""
        index = _PATTERN_INDEX.get(id(self.patterns))
        if index is None or index[0] is not self.patterns or index[1] != len(self.patterns):
            index = _PATTERN_INDEX[id(self.patterns)] = (
                self.patterns, len(self.patterns), *_index_patterns(self.patterns))
        pats, _, always, by_word = index
        if len(words) < len(by_word):
            ks = [k for w in words for k in by_word.get(w, ())]
        else:
            ks = [k for w, got in by_word.items() if w in words for k in got]
        if not ks:
            return [pats[k] for k in always]
        return [pats[k] for k in sorted(set(ks).union(always))]


_PATTERN_INDEX: dict[int, tuple] = {}  # id(pattern list) → (list, size, always, word → indexes)


def _index_patterns(patterns: list[Pattern]) -> tuple[list[int], dict[str, list[int]]]:
    always: list[int] = []
    by_word: dict[str, list[int]] = {}
    for k, pat in enumerate(patterns):
        needs = pat.needs
        if not needs:
            always.append(k)
            continue
        for w in min(needs, key=len):
            by_word.setdefault(w, []).append(k)
    return always, by_word


@dataclass(frozen=True)
class NounEntry:
    """A nominal trigger ("visit", "talks"): code, and whether it is a meeting of equals."""

    lemma: str
    code: str
    symmetric: bool = False


@dataclass
class VerbLexicon:
    verbs: dict[str, list[VerbEntry]] = field(default_factory=dict)
    nouns: dict[str, NounEntry] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)  # inflected form → lemma
    light: frozenset = frozenset()  # support verbs whose object noun carries the event

    @property
    def compound_heads(self) -> frozenset:
        """Last words of two-word event nouns ("hunger strike" → "strike")."""
        got = self.__dict__.get("_heads")
        if got is None or got[0] is not self.nouns or got[1] != len(self.nouns):
            heads = frozenset(k.rsplit(" ", 1)[1] for k in self.nouns if " " in k)
            got = self.__dict__["_heads"] = (self.nouns, len(self.nouns), heads)
        return got[2]

    def entries(self, lemma: str, text: str = "") -> list[VerbEntry]:
        """Entries for a verb token, looked up by lemma, then by its inflected form."""
        got = self.verbs.get(lemma.lower())
        if got is None and text:
            base = self.forms.get(text.lower())
            got = self.verbs.get(base) if base else None
        return got or []

    def noun(self, lemma: str, text: str = "") -> NounEntry | None:
        return self.nouns.get(lemma.lower()) or self.nouns.get(text.lower())

    def __len__(self) -> int:
        return sum(len(v) for v in self.verbs.values())

    def __bool__(self) -> bool:
        # ``lexicon or default`` must not count every pattern on each call.
        return True


# ---------------------------------------------------------------- PETRARCH format reader

_HEADER = re.compile(r"^-{2,}\s*(\S+)\s*\[([^\]]*)\]\s*-{2,}")
_CODE = re.compile(r"\[([^\]]*)\]")
_COMMENT_XML = re.compile(r"<!--.*?-->", re.S)


def _split_code(raw: str | None) -> tuple[str | None, str | None, bool]:
    """``'042:043'`` → ('042', '043', True); ``'---'`` → (None, None, True) meaning "no
    event"; None → (None, None, False) meaning "inherit"."""
    if raw is None:
        return None, None, False
    raw = raw.strip().replace(" ", "")
    if not raw or raw.startswith("---"):
        return None, None, True
    main, _, rev = raw.partition(":")
    return (main or None), (rev or None) if rev != "---" else None, True


_TAG = re.compile(r"^\+?[A-Z][A-Z_\-]*$")


def _provenance(line: str) -> list[str]:
    """The verbs a pattern line's comment names as where it was found ("- * (ON) [020]
    # CALL" → ["CALL"]; "# CALL , CALL" → ["CALL"]). Coder initials and dates are read
    too; ``_build_lexicon`` keeps only words that are verbs of the block."""
    i = line.find("#")
    if i < 0:
        return []
    out: list[str] = []
    for w in re.split(r"[\s,;/]+", line[i + 1 :].strip()):
        w = w.strip()
        if not w:
            continue
        if not _TAG.match(w):
            break  # "# pas 3/2/02", "# tony 4/22/91": a coder's note, not a verb
        w = w.lstrip("+")
        if w not in out:
            out.append(w)
    return out


def _strip_comment(line: str) -> str:
    i = line.find("#")
    return line if i < 0 else line[:i]


def parse_verb_dictionary(text: str) -> dict:
    """Read PETRARCH verb-dictionary text into a plain dict (JSON-ready).

    Understood: ``&SYNSET`` lists of ``+WORD`` lines, ``--- NAME [code] ---`` blocks,
    verb lines (``MEET {MET}``, ``+MEET_WITH``, ``KLM_+RST [002]``) and pattern lines
    (``- BEFORE * AFTER [code]`` with ``_`` adjacency, ``&SYN``, ``+``/``$``/``%`` slots;
    parentheses and braces only group). Transformations (``~``) are ignored.
    """
    text = _COMMENT_XML.sub("", text)
    synsets: dict[str, list[str]] = {}
    blocks: list[dict] = []
    block: dict | None = None
    synset: str | None = None
    for raw_line in text.splitlines():
        line = _strip_comment(raw_line).rstrip()
        if not line.strip():
            synset = None
            continue
        s = line.strip()
        m = _HEADER.match(s)
        if m:
            synset = None
            block = {"name": m.group(1), "code": m.group(2), "verbs": [], "patterns": []}
            blocks.append(block)
            continue
        if s.startswith("~") or s.startswith("=="):
            continue
        if s.startswith("&"):
            synset = s.split()[0].upper()
            synsets.setdefault(synset, [])
            block = None if not blocks or block is None else block
            continue
        if synset and s.startswith("+"):
            synsets[synset].append(s[1:].strip().upper())
            continue
        if block is None:
            continue
        if s.startswith("-") and not s.startswith("--"):
            cm = list(_CODE.finditer(s))
            if not cm:
                continue
            body = s[1 : cm[-1].start()]
            pat = {"text": body.strip().upper(), "code": cm[-1].group(1)}
            tags = _provenance(raw_line)
            if tags:
                pat["for"] = tags
            block["patterns"].append(pat)
        elif re.match(r"^[+A-Za-z]", s):
            cm = _CODE.search(s)
            word = re.sub(r"\{[^}]*\}", " ", s if not cm else s[: cm.start()]).split()
            forms = re.search(r"\{([^}]*)\}", s)
            if not word:
                continue
            block["verbs"].append(
                {
                    "word": word[0].upper(),
                    "code": cm.group(1) if cm else None,
                    "forms": forms.group(1).upper().split() if forms else [],
                }
            )
    return {"synsets": synsets, "blocks": blocks}


def _expand(word: str, synsets: dict[str, list[str]], depth: int = 0) -> list[tuple[str, ...]]:
    """A pattern word or ``&SYN`` reference → alternatives (each a word tuple)."""
    if word.startswith("&") and depth < 5:
        name = word.rstrip("_")
        out: list[tuple[str, ...]] = []
        for member in synsets.get(name, synsets.get(name + "_", [])):
            member = member.lstrip("+")
            parts = [p for p in re.split(r"[_\s]+", member) if p]
            if len(parts) == 1 and parts[0].startswith("&"):
                out.extend(_expand(parts[0], synsets, depth + 1))
            elif parts:
                out.append(tuple(parts))
        return out or [(word,)]
    return [(word,)]


def _compile_pattern(text: str, code_raw: str, synsets: dict) -> Pattern | None:
    # "(" before a word marks it as the head of a prepositional phrase; kept as a
    # "(" prefix through the split below, then removed.
    text = re.sub(r"\(\s*", " (", text)
    text = re.sub(r"[){}]", " ", text)
    before: list[Elem] = []
    after: list[Elem] = []
    seen_verb = False
    target_before = compound = False
    source_after = target_after = None
    last_word: str | None = None
    for chunk in text.split():
        opens = chunk.startswith("(")
        chunk = chunk.lstrip("(")
        words = chunk.split("_")
        for k, w in enumerate(words):
            adjacent = k > 0
            if not w:
                continue
            if w == "*":
                seen_verb = True
                last_word = None
                continue
            if w in ("+", "$", "%", "^"):
                if w == "+" and not seen_verb:
                    target_before = True
                elif w == "+":
                    target_after = last_word or ""
                elif w == "$" and seen_verb:
                    source_after = last_word or ""
                elif w == "%":
                    compound = True
                continue
            alts = tuple(_expand(w, synsets))
            # Joined by "_" to the previous word (for the first word after the verb,
            # "*_OUT", the previous word is the verb itself).
            adj = adjacent and words[k - 1] not in ("", "+", "$", "%", "^")
            (after if seen_verb else before).append(Elem(alts, adj, prep=opens and k == 0))
            last_word = w
    if not seen_verb:
        return None
    main, rev, _ = _split_code(code_raw)
    return Pattern(
        tuple(before), tuple(after), main if main else (None if rev else NULL_CODE), rev,
        target_before, source_after, target_after, compound,
        touch_verb=bool(re.search(r"[^\s_]_\*", text)),
    )


def _build_lexicon(raw: dict) -> VerbLexicon:
    lex = VerbLexicon()
    synsets = raw.get("synsets", {})
    for block in raw.get("blocks", []):
        b_main, b_rev, _ = _split_code(block.get("code"))
        compiled = [
            (p, x.get("for") or ())
            for x in block["patterns"]
            for p in (_compile_pattern(x["text"], x["code"], synsets),)
            if p is not None
        ]
        # A pattern made only of particles and prepositions whose comment names the verb
        # of the block it was found for (the dictionary's provenance notes: TABARI kept
        # patterns per verb, PETRARCH pooled them per block) reads only that verb: such a
        # pattern is the verb's own construction ("- * (ON) [020]  # CALL" is "call on",
        # not "telephoned X on Tuesday"). A pattern naming an object ("* RESTRICTIONS")
        # says what the act is about and serves the verb's synonyms too.
        names: dict[str, set[str]] = {}
        for v in block["verbs"]:
            word = v["word"].lstrip("+")
            keys = {word, *(f.lstrip("+") for f in v.get("forms", []))}
            names[word] = keys
        owned = {}
        for k, (p, tags) in enumerate(compiled):
            if not tags or not p.function_only:
                continue
            mine = {w for w, keys in names.items() if keys.intersection(tags)}
            if mine:
                owned[k] = mine
        shared = [p for k, (p, _) in enumerate(compiled) if k not in owned]
        per_verb: dict[str, list[Pattern]] = {}
        for v in block["verbs"]:
            parts = [p for p in v["word"].split("_") if p]
            if not parts:
                continue
            idx = next((i for i, p in enumerate(parts) if p.startswith("+")), 0)
            lemma = parts[idx].lstrip("+").lower()
            if not lemma or lemma.startswith("&"):
                continue
            main, rev, given = _split_code(v.get("code"))
            if not given:
                main, rev = b_main, b_rev
            only = not given and main is None and rev is None and bool(block.get("code"))
            word = v["word"].lstrip("+")
            if not owned:
                patterns = shared
            else:
                patterns = per_verb.get(word)
                if patterns is None:
                    patterns = per_verb[word] = [
                        p for k, (p, _) in enumerate(compiled)
                        if k not in owned or word in owned[k]]
            entry = VerbEntry(
                lemma=lemma,
                code=main,
                reverse=rev,
                particles=tuple(p.lstrip("+").lower() for p in parts[idx + 1 :]),
                prefix=tuple(p.lstrip("+").lower() for p in parts[:idx]),
                patterns=patterns,
                block=block["name"],
                pattern_only=only,
            )
            lex.verbs.setdefault(lemma, []).append(entry)
            for form in v.get("forms", []):
                fparts = [p for p in form.split("_") if p]
                fidx = next((i for i, p in enumerate(fparts) if p.startswith("+")), 0)
                if fparts:
                    lex.forms.setdefault(fparts[fidx].lstrip("+").lower(), lemma)
    # Longer particle lists first, so "meet with" is tried before "meet".
    for entries in lex.verbs.values():
        entries.sort(key=lambda e: (-len(e.particles) - len(e.prefix)))
    return lex


def load_verbs(path: str | Path | None = None, *, nouns: bool = True) -> VerbLexicon:
    """Load a verb lexicon: the bundled CAMEO 2.0 conversion by default, or ``path``
    (JSON as written by ``tools/build_cameo.py`` or PETRARCH verb-dictionary text).
    The bundled nominal triggers are added unless ``nouns=False``."""
    if path is None:
        if nouns:
            return _default_lexicon()
        return _build_lexicon(_read_json(VERBS_FILE))
    path = Path(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    raw = json.loads(text) if path.suffix == ".json" else parse_verb_dictionary(text)
    lex = _build_lexicon(raw)
    if nouns:
        lex.nouns = _load_nouns()
        lex.light = _load_light()
    return lex


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _load_nouns() -> dict[str, NounEntry]:
    data = _read_json(NOUNS_FILE)
    return {
        n["lemma"]: NounEntry(n["lemma"], n["code"], bool(n.get("symmetric")))
        for n in data["nouns"]
    }


@lru_cache(maxsize=1)
def _load_light() -> frozenset:
    return frozenset(_read_json(NOUNS_FILE).get("light_verbs", []))


def merge_defaults(lex: VerbLexicon, extra: VerbLexicon) -> VerbLexicon:
    """Add ``extra``'s verbs to ``lex``: new verbs are added; a verb ``lex`` has only
    through patterns (no default code) takes ``extra``'s default, keeping its patterns.
    A verb of an ``extra`` block coded ``[---]`` loses its default code (it then codes
    only through patterns), and an ``extra`` block's patterns join the patterns of the
    verb's own block (so they serve its other verbs too), before them."""
    added: set[tuple[int, int]] = set()
    for lemma, entries in extra.verbs.items():
        have = lex.verbs.get(lemma)
        if not have:
            lex.verbs[lemma] = entries
            continue
        new = entries[0]
        for e in have:
            if e.particles or e.prefix:
                continue
            if new.pattern_only:
                e.code, e.reverse = None, None
            elif e.code is None and e.reverse is None:
                e.code, e.reverse = new.code, new.reverse
            if new.patterns and (id(e.patterns), id(new.patterns)) not in added:
                added.add((id(e.patterns), id(new.patterns)))
                e.patterns[:0] = [p for p in new.patterns if p not in e.patterns]
    for form, lemma in extra.forms.items():
        lex.forms.setdefault(form, lemma)
    return lex


@lru_cache(maxsize=1)
def _default_lexicon() -> VerbLexicon:
    lex = _build_lexicon(_read_json(VERBS_FILE))
    if EXTRA_VERBS_FILE.exists():
        extra = _build_lexicon(parse_verb_dictionary(EXTRA_VERBS_FILE.read_text(encoding="utf-8")))
        merge_defaults(lex, extra)
    lex.nouns = _load_nouns()
    lex.light = _load_light()
    return lex
