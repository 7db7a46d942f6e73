"""Photo captions: the sentences of a paragraph that describe a picture. They can still
report events, so the cleaner keeps them and marks them as spans."""

from __future__ import annotations

import re

from ..nlp import split_sentences

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
