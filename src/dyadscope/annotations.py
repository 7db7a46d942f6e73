"""Annotated stories: what ``dyadscope train`` learns from, and templates to annotate your own.

A folder of annotations is laid out like the VOA gold (``../shared/gold/voa/``, its README
gives the format; ``docs/ANNOTATING.md`` the steps):

- ``stories.jsonl`` (the VOA folder's is ``stories_dev.jsonl``): one story a line, ``id`` and
  ``text`` required, ``title`` and ``published`` optional;
- ``gold.jsonl`` (``gold_dev.jsonl``): one line per sentence of those stories, ``story``,
  ``i``, ``start``, ``end``, ``text`` and ``events``, a list of PLOVER events (``type``,
  ``source`` and ``target``: lists of actors with a ``country``; ``modality``).

Every sentence of a story with gold lines teaches the model: one without events teaches "no
event". So a story is trained on only when all its lines read well; a bad line leaves its
whole story out, with a problem naming the file and line, and the other stories go on.

``template`` turns documents (read as ingest reads them) into a new folder's two files, one
gold line per sentence with no events, for annotators to fill in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .actors import known_codes
from .evaluate.voa import PLOVER_TYPES
from .models import RawDoc
from .nlp import split_sentences
from .read import ReadProblem

# (stories, gold) file names: the VOA folder's, and those `dyadscope annotate` writes
PAIRS = (("stories_dev.jsonl", "gold_dev.jsonl"), ("stories.jsonl", "gold.jsonl"))
MODALITIES = ("asserted", "negated", "hypothetical", "future")
# the story id of a gold line that is not valid JSON, where it can still be read off the line
_STORY_FIELD = re.compile(r'"story"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+))')


@dataclass
class Annotated:
    """The stories of one folder that can be trained on, and what was left out and why."""

    folder: Path
    stories: list[dict]
    gold: dict[str, list[dict]]  # story id -> its sentences' gold lines, in order
    problems: list[ReadProblem]
    left_out: int = 0  # lines of the stories file whose story is not in ``stories``


def annotation_files(folder: str | Path) -> tuple[Path, Path]:
    """The folder's (stories, gold) files: one of PAIRS, both present. Raises
    FileNotFoundError (no whole pair) or ValueError (both pairs: which is meant?)."""
    folder = Path(folder)
    found = [tuple(folder / n for n in pair) for pair in PAIRS if all((folder / n).is_file() for n in pair)]
    if len(found) > 1:
        raise ValueError(f"{folder}: holds both {' + '.join(PAIRS[0])} and {' + '.join(PAIRS[1])}; "
                         "keep one pair")
    if not found:
        raise FileNotFoundError(f"{folder}: no {' + '.join(PAIRS[1])} (or {' + '.join(PAIRS[0])}) there; "
                                "docs/ANNOTATING.md says how to make them")
    return found[0]


def is_annotation_folder(folder: str | Path) -> bool:
    try:
        annotation_files(folder)
    except (FileNotFoundError, ValueError):
        return False
    return True


def _lines(path: Path) -> Iterator[tuple[int, object, str | None, str]]:
    """(line number, parsed JSON or None, why not, the line) for each non-blank line; a
    byte-order mark is allowed at the start, text must be UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for n, raw in enumerate(data.split(b"\n"), 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield n, None, f"not UTF-8 (byte {exc.start + 1} of the line)", raw.decode("utf-8", "replace")
            continue
        if not line.strip():
            continue
        try:
            yield n, json.loads(line), None, line
        except (json.JSONDecodeError, RecursionError) as exc:
            yield n, None, f"not valid JSON ({exc.__class__.__name__}: {str(exc)[:80]})", line


def _id(value: object) -> str | None:
    """A story id as a string: a non-empty string or an integer (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value).strip() or None


def story_problem(rec: object) -> str | None:
    """Why a stories line cannot be used (None when it can)."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    if _id(rec.get("id")) is None:
        return "no story id ('id': a string or a number)"
    if not isinstance(rec.get("text"), str) or not rec["text"].strip():
        return "no story text ('text')"
    if rec.get("published") is not None and not isinstance(rec["published"], str):
        return "'published' is not a string (YYYY-MM-DD)"
    return None


def _actors_problem(actors: object, role: str) -> str | None:
    if not isinstance(actors, list) or not all(isinstance(a, dict) for a in actors):
        return f"'{role}' is not a list of actor objects (an empty list: none)"
    for a in actors:
        country = a.get("country")
        if country is not None and not (isinstance(country, str) and len(country) == 3 and country.isupper()):
            return f"{role} country {country!r} is not an ISO 3166 alpha-3 code (or null)"
        if country is not None and country not in known_codes():
            # a code no output can carry: every event naming it would teach the roles a miss
            return (f"{role} country {country!r} is no code dyadscope knows (ISO 3166 alpha-3, "
                    "or UNO, EUR, IGO; null for none)")
        if a.get("text") is not None and not isinstance(a["text"], str):
            return f"{role} 'text' is not a string"
    return None


def gold_problem(rec: object) -> str | None:
    """Why a gold line cannot be used (None when it can)."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    if _id(rec.get("story")) is None:
        return "no story id ('story')"
    if not isinstance(rec.get("text"), str):
        return "no sentence text ('text')"
    if not isinstance(rec.get("i"), int) or isinstance(rec.get("i"), bool) or rec["i"] < 0:
        return "no sentence number ('i': 0, 1, 2, ...)"
    events = rec.get("events")
    if not isinstance(events, list):
        return "'events' is not a list (an empty list means: no event in this sentence)"
    for k, ev in enumerate(events, 1):
        if not isinstance(ev, dict):
            return f"event {k} is not a JSON object"
        if ev.get("type") not in PLOVER_TYPES:
            return f"event {k}: type {ev.get('type')!r} is not one of the 16 PLOVER types"
        if ev.get("modality") is not None and ev["modality"] not in MODALITIES:
            return f"event {k}: modality {ev['modality']!r} is not one of {', '.join(MODALITIES)} (or null)"
        why = _actors_problem(ev.get("source"), "source") or _actors_problem(ev.get("target"), "target")
        if why:
            return f"event {k}: {why}"
    return None


def _story_of_bad_line(rec: object, line: str) -> str | None:
    """The story a gold line names, read off the line itself when it is not valid JSON."""
    if isinstance(rec, dict):
        return _id(rec.get("story"))
    m = _STORY_FIELD.search(line)
    if not m:
        return None
    return (json.loads(f'"{m.group(1)}"') if m.group(1) is not None else m.group(2)).strip() or None


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def read_folder(folder: str | Path) -> Annotated:
    """The folder's stories and gold lines, checked line by line (see the module's doc).

    A story is left out, with a problem naming the file and line, when its stories line or
    any of its gold lines cannot be used, when its id is given twice, when it has no gold
    lines, when its sentence numbers are not 0, 1, 2, ..., or when a sentence's text is not
    in the story's (spaces aside). A gold line too broken to name its story leaves out the
    stories of the lines before and after it."""
    folder = Path(folder)
    spath, gpath = annotation_files(folder)
    problems: list[ReadProblem] = []
    stories: dict[str, tuple[int, dict]] = {}
    bad: set[str] = set()
    n_lines = 0
    for n, rec, why, _ in _lines(spath):
        n_lines += 1
        why = why or story_problem(rec)
        sid = _id(rec.get("id")) if why is None else None
        if sid is not None and sid in stories:
            why = f"story {sid} again (first on line {stories[sid][0]}): both left out"
            bad.add(sid)
        if why:
            problems.append(ReadProblem(str(spath), why, n))
            continue
        stories[sid] = (n, rec)
    gold: dict[str, list[tuple[int, dict]]] = {}
    unknown: set[str] = set()
    rows = []  # (line number, record, why not, its story: None when it cannot be told)
    for n, rec, why, line in _lines(gpath):
        why = why or gold_problem(rec)
        rows.append((n, rec, why, _story_of_bad_line(rec, line) if why else _id(rec["story"])))
    order = [sid for *_, sid in rows]
    for k, (n, rec, why, sid) in enumerate(rows):
        if why and sid is None:
            # too broken to name its story: the stories of the lines around it are suspect
            before = next((x for x in reversed(order[:k]) if x is not None), None)
            after = next((x for x in order[k + 1:] if x is not None), None)
            around = sorted({x for x in (before, after) if x is not None and x in stories and x not in bad})
            if around:
                why += f"; {'story' if len(around) == 1 else 'stories'} {' and '.join(around)}, whose lines " \
                       "are around it, left out"
            bad.update(around)
            problems.append(ReadProblem(str(gpath), why, n))
            continue
        if why is None and sid not in stories and sid not in bad:
            if sid in unknown:
                continue  # said once per story
            unknown.add(sid)
            why = f"story {sid} is not in {spath.name} (or its line there is bad): its lines are left out"
        if why:
            if sid in stories and sid not in bad:
                why += f"; story {sid} left out"
            problems.append(ReadProblem(str(gpath), why, n))
            if sid is not None:
                bad.add(sid)
            continue
        gold.setdefault(sid, []).append((n, rec))
    kept = []
    for sid, (n, rec) in stories.items():
        if sid in bad:
            continue
        lines = sorted(gold.get(sid, []), key=lambda x: x[1]["i"])
        if not lines:
            problems.append(ReadProblem(str(spath), f"story {sid} has no lines in {gpath.name} "
                                        "(not annotated yet?): left out", n))
            continue
        numbers = [r["i"] for _, r in lines]
        if numbers != list(range(len(numbers))):
            at = next(k for k, i in enumerate(numbers) if i != k)
            what = f"sentence {numbers[at]} twice" if at and numbers[at] == numbers[at - 1] else f"no sentence {at}"
            problems.append(ReadProblem(str(gpath), f"story {sid}: {what} (sentences must be numbered "
                                        "0, 1, 2, ... once each): left out", lines[min(at, len(lines) - 1)][0]))
            continue
        story_words = _squeeze(rec["text"])
        stray = next(((m, r) for m, r in lines if _squeeze(r["text"]) not in story_words), None)
        if stray is not None:
            # training labels the story's sentences by the gold text they overlap: a sentence
            # that is not the story's would teach "no event" where its events are
            problems.append(ReadProblem(str(gpath), f"story {sid}: sentence {stray[1]['i']}'s text is not in "
                                        "the story's text (edited?): left out", stray[0]))
            continue
        kept.append({**rec, "id": sid})  # the id as its gold lines name it (stripped)
        gold[sid] = lines
    return Annotated(folder, kept, {s["id"]: [r for _, r in gold[s["id"]]] for s in kept}, problems,
                     n_lines - len(kept))


def template(docs: Iterable[RawDoc]) -> Iterator[tuple[dict, list[dict]]]:
    """For each document, its stories line and one gold line per sentence, with no events.

    Sentences are split by the pipeline's splitter, run here on the text before cleaning (so
    boilerplate lines are sentences too); ``start``/``end`` are offsets into the story's
    text. The story id is the document's id as ingest would store it (a hash of its text);
    ``path`` says where it was read (``FILE#ID`` for a JSONL line with an id)."""
    for doc in docs:
        sid = doc.doc_id
        story = {"id": sid, "path": doc.path, "title": doc.title, "published": doc.published, "url": doc.url,
                 "source": doc.source, "text": doc.text}
        lines = [{"story": sid, "i": i, "start": a, "end": b, "text": doc.text[a:b], "events": []}
                 for i, (a, b) in enumerate(split_sentences(doc.text))]
        yield {k: v for k, v in story.items() if v is not None}, lines


def write_template(folder: str | Path, docs: Iterable[RawDoc]) -> tuple[int, int]:
    """Write ``template(docs)`` as ``stories.jsonl`` and ``gold.jsonl`` in ``folder``, made if
    needed; (stories, sentences) written. Existing annotations are never overwritten
    (FileExistsError), and the two files appear whole or not at all: each is written under a
    temporary name and then linked to its own, which fails rather than replace a file."""
    import os
    import tempfile

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file, not a folder")
    targets = [folder / name for name in PAIRS[1]]
    for path in [folder / n for pair in PAIRS for n in pair]:
        if path.exists():
            raise FileExistsError(f"{path} exists: annotations are never overwritten; choose another folder")
    stories, sentences = [], []
    for story, lines in template(docs):
        stories.append(json.dumps(story, ensure_ascii=False) + "\n")
        sentences += [json.dumps(line, ensure_ascii=False) + "\n" for line in lines]
    folder.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    linked: list[Path] = []
    try:
        for target, rows in zip(targets, (stories, sentences)):
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".partial")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.writelines(rows)
                os.chmod(tmp, 0o666 & ~umask)  # as open() would make it (mkstemp's is 0600)
                os.link(tmp, target)
            finally:
                os.unlink(tmp)
            linked.append(target)
    except BaseException:
        for path in linked:  # never half a folder
            path.unlink()
        raise
    return len(stories), len(sentences)
