"""Near-duplicate detection: which stored article is a given text a copy of?

The same wire story reaches us many times: reposted with other headers and footers, cut
after a few paragraphs, paragraphs reordered, a sentence or a few words changed. Counting
its events once per copy would inflate every count, so each document is matched against
what is already stored and linked to the earliest copy.

How, and why:

* Word 5-shingles of the CLEAN text (lower-cased ``\\w+`` words). Five words are rare enough
  that two reports of the same event in different wording share almost none (seeds 000, 001
  and 003 share well under 5 %), while a word substitution costs only five shingles.
* Banded MinHash (own numpy code, no extra dependency): ``NUM_PERM`` 32-bit minimums per
  document, ``BANDS`` bands of ``ROWS`` rows; a band's hash is a bucket key. A new document
  is compared only with documents that share a bucket, and buckets are capped
  (``BUCKET_CAP``), so a query's cost is bounded whatever the index size
  (see ``tools/bench_copies.py``).
* Containment, not Jaccard. A copy that is the first half of an article has Jaccard 0.5
  with it; what matters is how much of the SMALLER document lies inside the larger. From the
  MinHash Jaccard estimate J and the two shingle-set sizes a, b:
  ``|A n B| = J (a + b) / (1 + J)`` and similarity = ``|A n B| / min(a, b)``.
  64 bands of ``ROWS = 2`` find candidates down to Jaccard ~0.2 (P = 0.93; 0.998 at 0.3),
  which a copy cut to half and then edited needs; 42 bands of 3 rows lost a quarter of them.
* Spun copies (a synonym spinner rewrote the text word by word, ``spin.py``) share almost no
  word 5-shingles with their original, so a second sketch is kept: MinHash of 8-shingles of
  the text's *skeleton*, where function words and numbers stay and every run of other words
  becomes one placeholder ("_ the _ of _ in 2024 , _ said"). Spinners swap content words
  (one for one or for a phrase), which leaves the skeleton whole. Skeletons of unrelated
  stories are much alike at short lengths, so the skeleton index is consulted only when one
  of the two documents is flagged as spun (``CopyFinder``), with its own threshold.
* State is small and portable: per document a 512-byte signature plus its shingle count
  (``Sketch``); ``to_bytes``/``from_bytes`` save the whole index, buckets are rebuilt on load.
  Hashes are seeded and process-independent (blake2b words, fixed permutations), so a
  sketch persisted by a store stays valid.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["CopyIndex", "CopyFinder", "Sketch", "sketch", "shingles", "skeleton", "encode_sketches",
           "COPY_THRESHOLD", "SPUN_COPY_THRESHOLD"]

SHINGLE = 5
NUM_PERM = 128
ROWS = 2
BANDS = 64  # 64 bands of 2 rows use all 128 minimums
SEED = 20240413

# Similarity (estimated containment of the smaller document in the larger) at or above which
# two documents are copies. Chosen from the stress tests and the bench corpus (estimates, 128
# permutations): seed copies score 0.80 (shuffled + cut to 70 % + edited + reboilered) to 1.0,
# single transformations >= 0.87; generated copies >= 0.84 except the mix of all five
# transformations (1st percentile 0.46). Different reports of one event (seeds 000/001/003)
# are not even candidates of each other (true containment <= 0.02). Unrelated generated
# documents, built from 20 shared sentence templates and so far more alike than real news,
# reach 0.30 at the 99.9th percentile and 0.47 at most. 0.5 lies between the two.
COPY_THRESHOLD = 0.5
# A bucket keeps its first BUCKET_CAP documents only. With 2-row bands, crowded buckets are
# chance collisions on phrases common to many articles; capping them bounds the candidates
# of a query, whatever the index size (<= BANDS * BUCKET_CAP; measured: 10 at 1k, 90 at
# 10k, 295 at 100k generated docs).
# A story copied more often than this is still found: its original, being the oldest, stays
# in its buckets. Cap 16/32/64 gave the same recall in the bench; 32 compares fewer than 64.
BUCKET_CAP = 32
# Below this many distinct shingles (~ 25 words) a document is too short to call a copy:
# a headline or a one-line teaser is "contained" in many articles.
MIN_SHINGLES = 20

_WORD = re.compile(r"\w+")
SKELETON = 8  # skeleton shingle length
# Containment of skeleton shingles at or above which a spun document is a copy. Chosen on
# the tuning half of the VOA dev stories (``dyadscope eval repair``): a spun story keeps
# 0.83-0.99 of its original's skeleton 8-shingles (median 0.92), while the most alike other
# story shares 0.38 at most (median 0.01).
SPUN_COPY_THRESHOLD = 0.6


def _splitmix(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64): spreads combined word hashes over all bits."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@lru_cache(maxsize=1 << 18)
def _word_hash(w: str) -> int:
    return int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest(), "little")


_rng = np.random.default_rng(SEED)
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)  # odd multipliers
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_POS = _rng.integers(1, 2**63, size=SHINGLE, dtype=np.uint64) | np.uint64(1)
_BAND_MIX = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_BAND_SALT = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_POS_SKELETON = _rng.integers(1, 2**63, size=SKELETON, dtype=np.uint64) | np.uint64(1)  # drawn last: the above stay


def shingles(text: str, skeleton_: bool = False) -> np.ndarray:
    """Distinct 64-bit hashes of the word ``SHINGLE``-grams of ``text`` (sorted uint64); with
    ``skeleton_``, of the ``SKELETON``-grams of its skeleton."""
    words = skeleton(text) if skeleton_ else _WORD.findall(text.lower())
    pos = _POS_SKELETON if skeleton_ else _POS
    k = len(pos)
    if not words:
        return np.zeros(0, dtype=np.uint64)
    wh = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    if len(words) < k:  # a very short text: one shingle of all its words
        return _splitmix(np.array([np.sum(wh * pos[: len(words)])], dtype=np.uint64))
    n = len(words) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(k):  # position-weighted sum: order matters, wraps mod 2^64
        acc += wh[j : j + n] * pos[j]
    return np.unique(_splitmix(acc))


_SKELETON_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*")


def skeleton(text: str) -> list[str]:
    """Function words and numbers as they are, each run of other words as one ``_``."""
    from .clean import _FUNCTION_WORDS as fw

    marks = [w if (w in fw or w[0].isdigit()) else "_" for w in _SKELETON_TOKEN.findall(text.lower())]
    return [m for i, m in enumerate(marks) if m != "_" or i == 0 or marks[i - 1] != "_"]


@dataclass(frozen=True)
class Sketch:
    """What the index keeps of a document: its MinHash signature and shingle count."""

    signature: np.ndarray  # uint32[NUM_PERM]
    n_shingles: int

    def to_bytes(self) -> bytes:
        return struct.pack("<I", self.n_shingles) + self.signature.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketch:
        (n,) = struct.unpack_from("<I", data)
        sig = np.frombuffer(data, dtype="<u4", offset=4, count=NUM_PERM).astype(np.uint32)
        return cls(sig, n)


def sketch(text: str, skeleton_: bool = False) -> Sketch:
    """MinHash of the shingles: the top 32 bits of ``a*x + b`` (mod 2^64), minimum per permutation."""
    sh = shingles(text, skeleton_)
    if sh.size == 0:
        return Sketch(np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32), 0)
    sig = np.empty(NUM_PERM, dtype=np.uint32)
    step = max(1, 2_000_000 // NUM_PERM)  # bound the temporary matrix for very long texts
    for i in range(0, sh.size, step):
        block = ((sh[i : i + step, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)).min(axis=0)
        sig = block.astype(np.uint32) if i == 0 else np.minimum(sig, block.astype(np.uint32))
    return Sketch(sig, int(sh.size))


def _band_keys(sig: np.ndarray, rows: int = ROWS, bands: int = BANDS) -> list[int]:
    m = sig[: bands * rows].astype(np.uint64).reshape(bands, rows)
    return _splitmix((m * _BAND_MIX[:rows]).sum(axis=1) ^ _BAND_SALT[:bands]).tolist()


def _order_key(published: str | None, seq: int, length: int) -> tuple:
    """Earliest first: dated before undated, then by date, ingest order, longest."""
    return (published is None, published or "", seq, -length)


class CopyIndex:
    """Banded MinHash index of stored documents, answering "is this a copy, and of what?".

    ``add`` stores a document; ``query`` lists stored documents similar to a text;
    ``copy_of`` names the earliest stored copy. Neither scans the stored documents: only
    those sharing an LSH bucket with the query are compared.
    """

    _MAGIC = b"DSCOPY1\n"

    def __init__(self, threshold: float = COPY_THRESHOLD, rows: int = ROWS, bands: int | None = None) -> None:
        if bands is None:
            bands = NUM_PERM // rows
        if rows * bands > NUM_PERM:
            raise ValueError(f"rows * bands must be <= {NUM_PERM}")
        self.threshold = threshold
        self.rows, self.bands = rows, bands
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._meta: list[tuple[str | None, int, int]] = []  # published, seq, length
        self._sigs = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self._nsh = np.zeros(1024, dtype=np.int64)
        self._buckets: dict[int, int | list[int]] = {}
        self.compared = 0  # candidates compared by queries so far: the cost that must stay flat

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._pos

    # ------------------------------------------------------------------ storing
    def add(
        self,
        doc_id: str,
        text: str | None = None,
        published: str | None = None,
        seq: int = 0,
        length: int | None = None,
        *,
        sketch_: Sketch | None = None,
    ) -> Sketch:
        """Store a document (its clean text, or a persisted ``Sketch``); returns the sketch.

        ``published`` is an ISO date or None, ``seq`` the ingest order, ``length`` the text
        length (defaults to ``len(text)``): together they decide which copy is the original.
        Adding an id again replaces nothing and is ignored.
        """
        sk = sketch_ if sketch_ is not None else sketch(text or "")
        if doc_id in self._pos:
            return sk
        i = len(self._ids)
        if i == len(self._nsh):
            self._sigs = np.concatenate([self._sigs, np.zeros_like(self._sigs)])
            self._nsh = np.concatenate([self._nsh, np.zeros_like(self._nsh)])
        self._ids.append(doc_id)
        self._pos[doc_id] = i
        self._meta.append((published, int(seq), int(length if length is not None else len(text or ""))))
        self._sigs[i] = sk.signature
        self._nsh[i] = sk.n_shingles
        if sk.n_shingles:
            self._index(i, sk.signature)
        return sk

    def _index(self, i: int, sig: np.ndarray) -> None:
        b = self._buckets
        for k in _band_keys(sig, self.rows, self.bands):
            v = b.get(k)
            if v is None:
                b[k] = i  # most buckets hold one document: an int, not a list, saves memory
            elif isinstance(v, int):
                b[k] = [v, i]
            elif len(v) < BUCKET_CAP:
                v.append(i)

    def sketch_of(self, doc_id: str) -> Sketch:
        """The stored sketch of a document, e.g. for a store to persist with it."""
        i = self._pos[doc_id]
        return Sketch(self._sigs[i].copy(), int(self._nsh[i]))

    # ------------------------------------------------------------------ querying
    def _candidates(self, sig: np.ndarray) -> list[int]:
        seen: set[int] = set()
        for k in _band_keys(sig, self.rows, self.bands):
            v = self._buckets.get(k)
            if v is None:
                continue
            if isinstance(v, int):
                seen.add(v)
            else:
                seen.update(v)
        return list(seen)

    def _scored(self, sk: Sketch, exclude: int = -1) -> list[tuple[int, float]]:
        if sk.n_shingles < MIN_SHINGLES:
            return []
        cand = [c for c in self._candidates(sk.signature) if c != exclude]
        self.compared += len(cand)
        if not cand:
            return []
        idx = np.asarray(cand)
        jac = (self._sigs[idx] == sk.signature).mean(axis=1)
        nb = self._nsh[idx]
        inter = jac * (sk.n_shingles + nb) / (1.0 + jac)
        small = np.minimum(nb, sk.n_shingles)
        sim = np.where(small >= MIN_SHINGLES, np.minimum(1.0, inter / np.maximum(small, 1)), 0.0)
        return [(c, float(s)) for c, s in zip(cand, sim) if s >= self.threshold]

    def query(self, text: str | Sketch) -> list[tuple[str, float]]:
        """Stored documents that are copies of ``text`` (similarity >= threshold), best first."""
        sk = text if isinstance(text, Sketch) else sketch(text)
        hits = self._scored(sk)
        hits.sort(key=lambda t: (-t[1], t[0]))
        return [(self._ids[c], round(s, 3)) for c, s in hits]

    def order_key(self, doc_id: str) -> tuple:
        """The copy order of a stored document (earliest first)."""
        return _order_key(*self._meta[self._pos[doc_id]])

    def copy_of(
        self,
        doc: str | Sketch,
        published: str | None = None,
        seq: int | None = None,
        length: int | None = None,
        only=None,
    ) -> tuple[str | None, float]:
        """The earliest stored copy of a document, and its similarity; ``(None, 0.0)`` if none.

        ``doc`` is a stored id (its copies are the other stored documents; ``(None, 0.0)``
        when it is itself the earliest), or a text / ``Sketch`` not stored: then any stored
        copy counts, or, if ``published``/``seq`` are given, only those ordered before it.
        "Earliest" is by publication date (undated last), then ingest ``seq``, then longest.
        """
        if isinstance(doc, str) and doc in self._pos:
            me = self._pos[doc]
            sk = Sketch(self._sigs[me], int(self._nsh[me]))
            mine = _order_key(*self._meta[me])
        else:
            me = -1
            sk = doc if isinstance(doc, Sketch) else sketch(doc)
            if published is None and seq is None:
                mine = None
            else:
                n = length if length is not None else (len(doc) if isinstance(doc, str) else 0)
                mine = _order_key(published, seq if seq is not None else 1 << 62, n)
        best: tuple | None = None
        for c, s in self._scored(sk, exclude=me):
            key = _order_key(*self._meta[c])
            if mine is not None and key >= mine:
                continue
            if only is not None and not only(self._ids[c]):
                continue
            if best is None or key < best[0]:
                best = (key, c, s)
        if best is None:
            return None, 0.0
        return self._ids[best[1]], round(best[2], 3)

    def later_copies(self, doc_id: str, only=None) -> list[str]:
        """Stored copies of a stored document that come after it in the copy order: the
        only documents whose earliest copy its arrival can change."""
        me = self._pos[doc_id]
        mine = _order_key(*self._meta[me])
        sk = Sketch(self._sigs[me], int(self._nsh[me]))
        return [self._ids[c] for c, _ in self._scored(sk, exclude=me)
                if _order_key(*self._meta[c]) > mine and (only is None or only(self._ids[c]))]

    # ------------------------------------------------------------------ persistence
    def to_bytes(self) -> bytes:
        """The whole index: a JSON header (parameters, ids and order metadata) + signatures."""
        n = len(self._ids)
        head = json.dumps(
            {
                "shingle": SHINGLE,
                "num_perm": NUM_PERM,
                "rows": self.rows,
                "bands": self.bands,
                "seed": SEED,
                "threshold": self.threshold,
                "docs": [[d, *m] for d, m in zip(self._ids, self._meta)],
            },
            separators=(",", ":"),
        ).encode("utf-8")
        return b"".join(
            [
                self._MAGIC,
                struct.pack("<Q", len(head)),
                head,
                self._nsh[:n].astype("<u4").tobytes(),
                self._sigs[:n].astype("<u4").tobytes(),
            ]
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> CopyIndex:
        if not data.startswith(cls._MAGIC):
            raise ValueError("not a CopyIndex dump")
        off = len(cls._MAGIC)
        (hl,) = struct.unpack_from("<Q", data, off)
        off += 8
        head = json.loads(data[off : off + hl])
        off += hl
        if (head["shingle"], head["num_perm"], head["seed"]) != (SHINGLE, NUM_PERM, SEED):
            raise ValueError("CopyIndex dump made with other MinHash parameters; re-add the documents")
        docs = head["docs"]
        n = len(docs)
        nsh = np.frombuffer(data, dtype="<u4", offset=off, count=n)
        off += 4 * n
        sigs = np.frombuffer(data, dtype="<u4", offset=off, count=n * NUM_PERM).reshape(n, NUM_PERM)
        idx = cls(threshold=head["threshold"], rows=head["rows"], bands=head["bands"])
        for j, (doc_id, published, seq, length) in enumerate(docs):
            idx.add(doc_id, published=published, seq=seq, length=length, sketch_=Sketch(sigs[j].astype(np.uint32), int(nsh[j])))
        return idx


# --------------------------------------------------------------------------- spun copies

_SPUN, _PLAIN = b"S", b"-"


def encode_sketches(text: str, spun: bool) -> bytes:
    """What a store keeps of a document for copy detection: its word sketch, then a spun flag
    and its skeleton sketch. ``Sketch.from_bytes`` reads the first part alone, so sketches
    stored before skeletons existed stay readable."""
    return sketch(text).to_bytes() + (_SPUN if spun else _PLAIN) + sketch(text, skeleton_=True).to_bytes()


def decode_sketches(data: bytes) -> tuple[Sketch, bool, Sketch | None]:
    """(word sketch, spun, skeleton sketch or None when stored without one)."""
    size = 4 + 4 * NUM_PERM
    plain = Sketch.from_bytes(data)
    if len(data) < 2 * size + 1:
        return plain, False, None
    return plain, data[size : size + 1] == _SPUN, Sketch.from_bytes(data[size + 1 :])


class CopyFinder:
    """Copies by word sketches (``CopyIndex``), and spun copies by skeleton sketches: a
    document flagged as spun is the copy of an earlier document whose skeleton it shares
    (and a document is the copy of an earlier spun one the same way). Same questions as
    ``CopyIndex``: ``add``, ``copy_of``, ``later_copies``."""

    def __init__(self, threshold: float = COPY_THRESHOLD, spun_threshold: float = SPUN_COPY_THRESHOLD) -> None:
        self.words = CopyIndex(threshold)
        self.skeletons = CopyIndex(spun_threshold)
        self.spun: set[str] = set()

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.words

    def add(self, doc_id: str, text: str | None = None, published: str | None = None, seq: int = 0,
            length: int | None = None, *, spun: bool = False, encoded: bytes | None = None) -> None:
        """Store a document from its clean text (and spun flag) or from ``encode_sketches``."""
        if encoded is not None:
            plain, spun, skel = decode_sketches(encoded)
        else:
            plain, skel = sketch(text or ""), sketch(text or "", skeleton_=True)
        n = length if length is not None else len(text or "")
        self.words.add(doc_id, published=published, seq=seq, length=n, sketch_=plain)
        if skel is not None:
            self.skeletons.add(doc_id, published=published, seq=seq, length=n, sketch_=skel)
        if spun:
            self.spun.add(doc_id)

    def copy_of(self, doc_id: str) -> tuple[str | None, float]:
        """The earliest stored copy of a stored document, spun copies included."""
        best = self.words.copy_of(doc_id)
        if doc_id not in self.skeletons:
            return best
        only = None if doc_id in self.spun else self.spun.__contains__
        spun_best = self.skeletons.copy_of(doc_id, only=only)
        if spun_best[0] is None:
            return best
        if best[0] is None or self.words.order_key(spun_best[0]) < self.words.order_key(best[0]):
            return spun_best
        return best

    def copy_of_text(self, text: str, spun: bool) -> tuple[str | None, float]:
        """The earliest stored copy of a text not stored (any stored copy counts)."""
        best = self.words.copy_of(text)
        if best[0] is not None:
            return best
        only = None if spun else self.spun.__contains__
        return self.skeletons.copy_of(sketch(text, skeleton_=True), only=only)

    def later_copies(self, doc_id: str) -> list[str]:
        found = self.words.later_copies(doc_id)
        if doc_id in self.skeletons:
            only = None if doc_id in self.spun else self.spun.__contains__
            found += [d for d in self.skeletons.later_copies(doc_id, only=only) if d not in found]
        return found

