"""Plain records passed between pipeline stages.

Every stage takes and returns these dataclasses, never spaCy or DuckDB objects,
so each stage can be tested with hand-made inputs and swapped on its own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .privacy import mask_emails


@dataclass(frozen=True)
class RawDoc:
    """A document exactly as read, before any cleaning.

    ``path`` is the file path, or ``FILE#ID`` for a JSONL line.
    """

    text: str
    path: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date as given by the input metadata
    fmt: str = "text"  # "text", "html" or "jsonl"
    doc_id: str = ""  # computed from text and url/source when not given
    # The date the document takes when nothing else dates it (--default-date, YYYY-MM-DD);
    # stored as its publication date with method "default", never as "published".
    default_date: str | None = None

    def __post_init__(self) -> None:
        # Text that is not valid Unicode (lone surrogates) cannot be hashed or stored:
        # each one becomes U+FFFD first (readers report such input before it gets here).
        for name in _RAW_FIELDS:
            value = getattr(self, name)
            if value is not None and safe_text(value) is not value:
                object.__setattr__(self, name, safe_text(value))
        # The id hashes the raw text plus url or source. The cleaner never sees it, so
        # improving the cleaner never changes ids; the same wire story from two outlets
        # gets two ids (grouped later as copies). Readers of HTML pass the id of the page.
        if not self.doc_id:
            object.__setattr__(self, "doc_id", make_doc_id(self.text, self.url or self.source))
        # No e-mail address is kept in any field, raw text included (privacy.py); the id
        # is taken first, so re-reading the same file finds the stored document.
        for name in _RAW_FIELDS:
            value = getattr(self, name)
            if value:
                object.__setattr__(self, name, mask_emails(value))


_RAW_FIELDS = ("text", "path", "url", "source", "title", "published")


def safe_text(text: str) -> str:
    """``text`` with each lone surrogate (not valid Unicode) replaced by U+FFFD; the same
    object when there is none."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def make_doc_id(text: str, origin: str | None = None) -> str:
    h = hashlib.sha256()
    h.update(text.strip().encode("utf-8"))
    h.update(b"\x00")
    h.update((origin or "").strip().encode("utf-8"))
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Removal:
    """Text the cleaner dropped; ``at`` is the offset in the clean text where it stood."""

    text: str  # e-mail addresses inside are already masked
    reason: str
    at: int


@dataclass(frozen=True)
class Repair:
    """A change made inside kept text (a glued word split, mojibake fixed)."""

    frm: str
    to: str
    at: int  # offset in the clean text of the repaired string
    kind: str = "split"
    evidence: str = ""  # why: for a glued-word split, the word statistics that decided it


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


@dataclass
class CleanDoc:
    """The article text with everything that is not the article removed and recorded."""

    raw: RawDoc
    text: str
    removed: list[Removal] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    captions: list[Span] = field(default_factory=list)  # kept, but marked as photo captions
    language: str = "en"
    skip_reason: str | None = None  # set when the document must not be processed further

    @property
    def doc_id(self) -> str:
        return self.raw.doc_id


@dataclass(frozen=True)
class PubDate:
    """When a document was published, and how sure we are. ``date`` is None when unknown."""

    date: str | None
    method: str  # metadata | text | site_header | content | unknown
    confidence: float


@dataclass(frozen=True, slots=True)  # slots: a 2 MB document holds ~370k of them
class Token:
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int  # index within the sentence
    start: int  # char offset in the document's clean text
    ent: str = ""  # entity label when the token is inside an entity


@dataclass
class Sentence:
    idx: int
    start: int
    end: int
    text: str
    tokens: list[Token] = field(default_factory=list)  # empty when the sentence was not parsed
    entities: list[Span] = field(default_factory=list)  # char offsets in the document
    is_caption: bool = False
    parsed: bool = False  # stays true when the tokens are dropped after coding


@dataclass
class ParsedDoc:
    clean: CleanDoc
    pubdate: PubDate
    sentences: list[Sentence]


@dataclass(frozen=True)
class ActorRef:
    """Who an actor mention refers to. Nulls mean the text names no knowable actor."""

    text: str
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    actor_id: str | None = None
    method: str | None = None  # dictionary | inferred | coreference | metonym | ...
    evidence: str | None = None
    # PETRARCH-style composed codes ("ARNGOV", "NGOARN"), only when user PETRARCH
    # dictionaries are loaded; several when the mention stands for several actors
    # (a compound dictionary code such as [AAA/BBB]). Not part of ``record()``.
    codes: tuple[str, ...] = ()
    # "person" or "org" for an actor of the base (``actor_id``), else None. Not part of
    # ``record()``: the coder puts people first when choosing a side's words.
    kind: str | None = None

    def record(self) -> dict:
        return {
            "text": self.text,
            "name": self.name,
            "country": self.country,
            "sector": self.sector,
            "actor_id": self.actor_id,
        }


@dataclass(frozen=True)
class Location:
    name: str
    country: str | None
    lat: float | None
    lon: float | None


@dataclass
class Event:
    """One coded event from one sentence (store-level fields are filled later)."""

    doc_id: str
    sent_idx: int
    sentence: str
    start: int  # sentence offsets in the clean text
    end: int
    source: ActorRef
    target: ActorRef | None
    cameo: str
    plover: str | None
    mode: str | None
    quad_class: int
    goldstein: float
    date: str | None
    date_precision: str  # day | month | year | document | unknown
    modality: str = "asserted"  # asserted | negated | hypothetical | future
    attributed_to: str | None = None
    background: bool = False
    location: Location | None = None
    confidence: float = 0.5
    coder_version: str = ""
    trigger: str = ""  # the verb or noun that carried the event, for explanations

    @property
    def event_id(self) -> str:
        key = "|".join(
            [
                self.doc_id,
                str(self.sent_idx),
                self.cameo,
                self.source.actor_id or self.source.text,
                (self.target.actor_id or self.target.text) if self.target else "",
                self.trigger,
            ]
        )
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
