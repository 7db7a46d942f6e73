"""The coder and the resolver as plain functions, for scripts and for ``dyadscope code`` /
``dyadscope resolve``: the same stages ingest runs, without a store.

    >>> from dyadscope.api import code_text, resolve_text
    >>> events = code_text("Kim Jong Un met Xi Jinping in Beijing on Thursday.", date="2025-09-05")
    >>> resolve_text("Zhao Leji, chairman of China's National People's Congress")["sector"]
    'LEG'
"""

from __future__ import annotations

from .models import Event, RawDoc


def event_record(ev: Event) -> dict:
    """An event in the core record format, without the store-level fields
    (``doc_ids``, ``mentions``, ``num_sources``, ``num_mentions``, ``story_id``)."""
    loc = ev.location
    return {
        "event_id": ev.event_id,
        "sentence": ev.sentence,
        "source": ev.source.record(),
        "target": ev.target.record() if ev.target else None,
        "cameo": ev.cameo,
        "plover": ev.plover,
        "mode": ev.mode,
        "quad_class": ev.quad_class,
        "goldstein": ev.goldstein,
        "date": ev.date,
        "date_precision": ev.date_precision,
        "modality": ev.modality,
        "attributed_to": ev.attributed_to,
        "background": ev.background,
        "location": (
            {"name": loc.name, "country": loc.country, "lat": loc.lat, "lon": loc.lon} if loc else None
        ),
        "confidence": ev.confidence,
        "coder_version": ev.coder_version,
    }


def _kb(kb):
    if kb is None:
        from .actors import load_kb

        kb = load_kb()
    return kb


def code_text(text: str, date: str | None = None, *, kb=None, ident: str = "input",
              all_events: bool = False) -> list[dict]:
    """Events in ``text`` (an article or a sentence); ``date`` is its publication date.
    ``all_events`` adds the candidates the learned typer did not confirm (research only).
    An article the coder finds not about politics gives ``[]``; ``code_many`` also returns
    that probability (``about_politics``)."""
    return code_many([(ident, text, date)], kb=kb, all_events=all_events)[0]["events"]


def code_many(items, *, kb=None, batch: int = 32, all_events: bool = False) -> list[dict]:
    """Code ``(id, text, date)`` items in batches; returns ``{"id", "events"}`` records in
    input order (a skipped item gets empty events and a ``skipped`` reason). By default the
    events are exactly those ingest would store, and each record says how likely the coder
    found it that the document is about politics (``about_politics``, ``coder.relevance``;
    under its threshold a document gives no events; ``None`` where not checked: a document
    of fewer than three sentences, a skipped one, with ``all_events``, or with no relevance
    model installed). Two items may share an id; each keeps its own events."""
    from .pipeline import process

    kb = _kb(kb)
    items = list(items)
    out = []
    for i in range(0, len(items), batch):
        chunk = items[i:i + batch]
        raws = [RawDoc(text=text, path=str(ident), published=date) for ident, text, date in chunk]
        records, skipped = process(raws, kb, embed_leads=False, all_events=all_events)  # no stories here
        # matched by the input object, not by id: two lines may share an id
        by_raw = {id(r.clean.raw): r for r in records}
        reasons = {id(raw): reason for raw, reason in skipped}
        for (ident, _, _), raw in zip(chunk, raws):
            rec = by_raw.get(id(raw))
            entry = {"id": ident, "events": [event_record(e) for e in rec.events] if rec else [],
                     "about_politics": rec.politics if rec is not None else None}
            if id(raw) in reasons:
                entry["skipped"] = reasons[id(raw)]
            out.append(entry)
    return out


def resolve_text(text: str, context: str | None = None, date: str | None = None, *, kb=None) -> dict:
    """Who a noun phrase names: ``{"country", "sector", "actor_id", "name", "method"}``,
    nulls when the text names no knowable actor."""
    ref = _kb(kb).resolve(text, context=context, date=date)
    return {
        "country": ref.country,
        "sector": ref.sector,
        "actor_id": ref.actor_id,
        "name": ref.name,
        "method": ref.method if (ref.country or ref.sector or ref.actor_id) else None,
    }
