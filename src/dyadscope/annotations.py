"""Annotated stories: what ``dyadscope train`` learns from, and templates to annotate your own.

A folder of annotations is laid out like the VOA gold (``../shared/gold/voa/``, its README
gives the format; ``docs/ANNOTATING.md`` the steps):

- ``stories.jsonl`` (the VOA folder's is ``stories_dev.jsonl``): one story a line, ``id`` and
  ``text`` required, ``title`` and ``published`` optional;
- ``gold.jsonl`` (``gold_dev.jsonl``): one line per sentence of those stories, ``story``,
  ``i``, ``start``, ``end``, ``text`` and ``events``, a list of PLOVER events (``type``
  required; ``source`` and ``target`` lists of actors with a ``country``; ``modality``).

Every sentence of a story with gold lines teaches the model: one without events teaches "no
event". So a story is trained on only when all its lines read well; a bad line leaves its
whole story out, with a problem naming the file and line, and the other stories go on.

``template`` turns documents (read as ingest reads them) into a new folder's two files, one
gold line per sentence with no events, for annotators to fill in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .evaluate.voa import PLOVER_TYPES
from .models import RawDoc
from .nlp import split_sentences
from .read import ReadProblem

STORY_FILES = ("stories_dev.jsonl", "stories.jsonl")
GOLD_FILES = ("gold_dev.jsonl", "gold.jsonl")
MODALITIES = ("asserted", "negated", "hypothetical", "future")


@dataclass
class Annotated:
    """The stories of one folder that can be trained on, and what was left out and why."""

    folder: Path
    stories: list[dict]
    gold: dict[str, list[dict]]  # story id -> its sentences' gold lines, in order
    problems: list[ReadProblem]


def folder_file(folder: str | Path, names: tuple[str, ...]) -> Path | None:
    """The first of ``names`` that exists in ``folder`` (None when none does)."""
    for name in names:
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


def is_annotation_folder(folder: str | Path) -> bool:
    return folder_file(folder, STORY_FILES) is not None and folder_file(folder, GOLD_FILES) is not None


def _lines(path: Path) -> Iterator[tuple[int, object, str | None]]:
    """(line number, parsed JSON or None, why not) for each non-blank line."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line), None
            except (json.JSONDecodeError, RecursionError) as exc:
                yield n, None, f"not valid JSON ({exc.__class__.__name__}: {str(exc)[:80]})"


def story_problem(rec: object) -> str | None:
    """Why a stories line cannot be used (None when it can)."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    if not isinstance(rec.get("id"), (str, int)) or isinstance(rec.get("id"), bool) or str(rec["id"]) == "":
        return "no story id ('id': a string or a number)"
    if not isinstance(rec.get("text"), str) or not rec["text"].strip():
        return "no story text ('text')"
    if rec.get("published") is not None and not isinstance(rec["published"], str):
        return "'published' is not a string (YYYY-MM-DD)"
    return None


def _actors_problem(actors: object, role: str) -> str | None:
    if actors is None:
        return None
    if not isinstance(actors, list) or not all(isinstance(a, dict) for a in actors):
        return f"'{role}' is not a list of actor objects"
    for a in actors:
        country = a.get("country")
        if country is not None and not (isinstance(country, str) and len(country) == 3 and country.isupper()):
            return f"{role} country {country!r} is not an ISO 3166 alpha-3 code (or null)"
    return None


def gold_problem(rec: object) -> str | None:
    """Why a gold line cannot be used (None when it can)."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    if not isinstance(rec.get("story"), (str, int)) or isinstance(rec.get("story"), bool):
        return "no story id ('story')"
    if not isinstance(rec.get("text"), str):
        return "no sentence text ('text')"
    if not isinstance(rec.get("i"), int) or isinstance(rec.get("i"), bool):
        return "no sentence number ('i': an integer)"
    events = rec.get("events")
    if not isinstance(events, list):
        return "'events' is not a list (an empty list means: no event in this sentence)"
    for k, ev in enumerate(events, 1):
        if not isinstance(ev, dict):
            return f"event {k} is not a JSON object"
        if ev.get("type") not in PLOVER_TYPES:
            return f"event {k}: type {ev.get('type')!r} is not one of the 16 PLOVER types"
        if ev.get("modality") is not None and ev["modality"] not in MODALITIES:
            return f"event {k}: modality {ev['modality']!r} is not one of {', '.join(MODALITIES)}"
        why = _actors_problem(ev.get("source"), "source") or _actors_problem(ev.get("target"), "target")
        if why:
            return f"event {k}: {why}"
    return None


def read_folder(folder: str | Path) -> Annotated:
    """The folder's stories and gold lines, checked line by line (see the module's doc)."""
    folder = Path(folder)
    spath, gpath = folder_file(folder, STORY_FILES), folder_file(folder, GOLD_FILES)
    if spath is None or gpath is None:
        raise FileNotFoundError(f"{folder}: an annotation folder needs {STORY_FILES[1]} and {GOLD_FILES[1]} "
                                f"(or {STORY_FILES[0]} and {GOLD_FILES[0]})")
    problems: list[ReadProblem] = []
    stories: dict[str, tuple[int, dict]] = {}
    for n, rec, why in _lines(spath):
        why = why or story_problem(rec)
        if why is None and str(rec["id"]) in stories:
            why = f"story {rec['id']} again (first on line {stories[str(rec['id'])][0]}): left out"
        if why:
            problems.append(ReadProblem(str(spath), why, n))
            continue
        stories[str(rec["id"])] = (n, rec)
    gold: dict[str, list[dict]] = {}
    bad: set[str] = set()
    for n, rec, why in _lines(gpath):
        why = why or gold_problem(rec)
        sid = str(rec["story"]) if isinstance(rec, dict) and "story" in rec else None
        if why is None and sid not in stories:
            why = f"story {sid} is not in {spath.name}"
        if why:
            if sid in stories and sid not in bad:
                why += f"; story {sid} left out of training"
            problems.append(ReadProblem(str(gpath), why, n))
            if sid is not None:
                bad.add(sid)
            continue
        gold.setdefault(sid, []).append(rec)
    kept = []
    for sid, (n, rec) in stories.items():
        if sid in bad:
            continue
        if sid not in gold:
            problems.append(ReadProblem(str(spath), f"story {sid} has no lines in {gpath.name} "
                                        "(not annotated yet?): left out", n))
            continue
        kept.append(rec)
        gold[sid].sort(key=lambda r: r["i"])
    return Annotated(folder, kept, {str(s["id"]): gold[str(s["id"])] for s in kept}, problems)


def template(docs: Iterable[RawDoc]) -> Iterator[tuple[dict, list[dict]]]:
    """For each document, its stories line and one gold line per sentence, with no events.

    Sentences are split as the pipeline splits them; ``start``/``end`` are offsets into the
    story's text. The story id is the document's id as ingest would store it."""
    for doc in docs:
        sid = doc.doc_id
        story = {"id": sid, "title": doc.title, "published": doc.published, "url": doc.url, "text": doc.text}
        lines = [{"story": sid, "i": i, "start": a, "end": b, "text": doc.text[a:b], "events": []}
                 for i, (a, b) in enumerate(split_sentences(doc.text))]
        yield {k: v for k, v in story.items() if v is not None}, lines
