"""The store read back: ``dyadscope demo``, ``docs`` (show, delete), ``events``,
``timeline``, ``stories`` (show), ``actors`` and ``serve``, registered on the ``cli`` group.
"""

from __future__ import annotations

import json
import sys
from importlib import resources

import click

from .cli import (MIN_CONFIDENCE_OPTION, MODALITY_CHOICE, BareBackgroundCommand, BareBackgroundGroup, _event_filter,
                  actors_option, cli_message, db_option, event_filter_options, fail, load_kb, main, needs_model,
                  open_store, run_ingest, say_nowhere)
from .query import EventFilter, FilterError, parse_dyad, where_clause
from .read import env_max_bytes
from .store import EVENTS_ONLY, StoreError, default_db_path, doc_record, dumps


# -- demo ---------------------------------------------------------------------------
def _program() -> str:
    """How to call dyadscope from this shell: its name when it is on PATH, else the path it
    was run by (``make demo`` runs .venv/bin/dyadscope without activating the environment)."""
    import os
    import shutil
    import sys

    if shutil.which("dyadscope") or not sys.argv or not os.path.basename(sys.argv[0]).startswith("dyadscope"):
        return "dyadscope"
    return os.path.relpath(sys.argv[0])



@main.command()
@db_option
@needs_model
def demo(db):
    """Ingest the bundled China–North Korea example corpus and print its timeline."""
    seeds = resources.files("dyadscope") / "data" / "examples" / "seeds.jsonl"
    with resources.as_file(seeds) as path:
        click.echo(f"Ingesting the example corpus ({path.name}, 5 articles)...", err=True)
        run_ingest(db, [str(path)], None, env_max_bytes(), quiet=True)
    from .pipeline import counted
    from .stories import date_span

    store = open_store(db, read_only=True)
    click.echo("\nChina–North Korea timeline (dated events, oldest first):\n")
    _print_timeline(store, EventFilter(dyad=("CHN", "PRK")))
    click.echo("\nStories (documents reporting the same happening):\n")
    for st in store.stories():
        click.echo(f"  {st['story_id']}  {date_span(st)}  {counted(st['num_docs'], 'document')}  "
                   f"{_short(st['title'] or '', 90)}")
    prog = _program()
    click.echo(f"\nNext: {prog} events --dyad CHN,PRK --db {store.path}   |   {prog} docs --db {store.path}"
               f"   |   {prog} stories show ID --db {store.path}")
    click.echo(f"Browse: {prog} serve --db {store.path}   then open http://127.0.0.1:8000/dyad/CHN/PRK")
    store.close()


# -- docs ---------------------------------------------------------------------------
@main.group(invoke_without_command=True)
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most this many documents.")
@click.pass_context
def docs(ctx, db, fmt, limit):
    """List stored documents (subcommands: show, delete)."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand:
        return
    store = open_store(db, read_only=True)
    rows = store.documents(limit=limit)
    if fmt == "jsonl":
        for row in rows:
            click.echo(dumps(doc_record(store.document(row["doc_id"]))))
        return
    click.echo(f"{'doc_id':16}  {'published':10}  {'method':11}  title / path")
    for r in rows:
        title = (r["title"] or r["text"].split("\n", 1)[0])[:70]
        click.echo(f"{r['doc_id']:16}  {r['published'] or '?':10}  {r['published_method'] or '':11}  {title}")
        extra = "".join([f"  story {r['story_id']}" if r["story_id"] else "",
                         f"  copy of {r['copy_of']}" if r["copy_of"] else "",
                         f"  spin {r['spin_score']:.2f}" if (r["spin_score"] or 0) >= 0.5 else ""])
        click.echo(f"{'':16}  {'':10}  {'':11}  {r['path']}{extra}")


@docs.command("show")
@click.argument("doc_id")
@db_option
@click.pass_context
def docs_show(ctx, doc_id, db):
    """Print a document's cleaned text, then what was removed and repaired, and why."""
    store = open_store(db or ctx.obj["db"], read_only=True)
    try:
        doc = store.document(store.resolve_doc_id(doc_id))
    except StoreError as exc:
        fail(str(exc))
    click.echo(f"# {doc['doc_id']}  {doc['path']}")
    click.echo(f"# published: {doc['published'] or 'unknown'} ({doc['published_method']}, "
               f"confidence {doc['published_confidence']:.2f})")
    if doc["story_id"]:
        click.echo(f"# story {doc['story_id']} (dyadscope stories show {doc['story_id'][:8]})")
    if doc["copy_of"]:
        click.echo(f"# copy of {doc['copy_of']} (similarity {doc['copy_similarity']:.2f})")
    if doc["spin_score"] is not None:
        evidence = json.loads(doc["spin_evidence"]) if doc["spin_evidence"] else []
        shown = "; ".join(evidence[:6]) + (" …" if len(evidence) > 6 else "")
        click.echo(f"# spin score {doc['spin_score']:.2f}" + (f": {shown}" if evidence else ""))
    if doc["about_politics"] is not None:
        from .coder.relevance import describe

        click.echo(f"# about politics: {describe(doc['about_politics'])}")
    click.echo()
    click.echo(doc["text"])
    click.echo(f"\n# removed ({len(doc['removed'])})")
    for r in doc["removed"]:
        click.echo(f"- [{r['reason']}] {r['text']!r}")
    click.echo(f"\n# repairs ({len(doc['repairs'])})")
    for r in doc["repairs"]:
        click.echo(f"- {r['from']!r} -> {r['to']!r}")


@docs.command("delete")
@click.argument("doc_id")
@db_option
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.pass_context
def docs_delete(ctx, doc_id, db, yes):
    """Retract a document and everything derived from it (sentences, events, ...). Says what
    it is about to delete and asks first, unless --yes."""
    from .pipeline import StoryTracker, counted

    store = open_store(db or ctx.obj["db"])
    try:
        full = store.resolve_doc_id(doc_id)
        if not yes:
            doc, held = store.document(full), store.tally([full])
            click.echo(f"{full}  {doc['published'] or '?'}  {_short(doc['title'] or doc['path'], 70)}\n"
                       f"  {counted(held['reports'], 'event report')} go with it; its story is regrouped.", err=True)
            click.confirm("Delete it?", abort=True, err=True)
        StoryTracker(store).remove(full)  # regroup what stays of its story first
        store.delete_document(full)
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()
    click.echo(f"Deleted {full} and everything derived from it.")


def _actor_label(a: dict | None) -> str:
    if not a:
        return "-"
    code = "".join(x for x in (a.get("country") or "", a.get("sector") or "") if x)
    return f"{a.get('name') or a.get('text') or '(not named)'} [{code or '?'}]"


def _status(ev: dict) -> list[str]:
    """What an event's line says besides its actors: a modality other than asserted, and
    whether it is background history (the timeline and a story's events mark them alike)."""
    return ([ev["modality"]] if ev["modality"] != "asserted" else []) + (["background"] if ev["background"] else [])


@main.group(invoke_without_command=True, cls=BareBackgroundGroup)
@db_option
@event_filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many events.")
@click.option("--reports", is_flag=True,
              help="Every coded report on its own, instead of one record per event with all its sources.")
@click.pass_context
def events(ctx, db, fmt, limit, reports, **filters):
    """List coded events, filtered (record format: docs/SCHEMA.md); `events show ID`
    explains one.

    An event reported by several documents of one story is listed once, with every
    mention, num_sources and num_mentions; --reports lists each report instead. CSV has
    the columns, in the order, of dyadscope export --format csv. The table gives each
    event's id (a prefix) before its sentence.
    """
    from .export import EVENT_COLUMNS, flatten, write_csv

    if ctx.invoked_subcommand is not None:
        ctx.obj = {"db": db}
        return
    store = open_store(db, read_only=True)  # first: it tells the filters the codes its events carry
    f = _event_filter(store=store, **filters)
    where, params = f.where()
    rows = store.events(where, params, limit=limit, reports=reports)
    if not rows:
        say_nowhere(store, f)
    if fmt == "jsonl":
        for ev in rows:
            click.echo(dumps(ev))
    elif fmt == "csv":
        write_csv((flatten(ev) for ev in rows), EVENT_COLUMNS, sys.stdout)
    else:
        for ev in rows:
            sources = f"  [{ev['num_sources']} sources]" if ev["num_sources"] > 1 else ""
            history = "  (background)" if ev.get("background") else ""  # as timeline marks it
            click.echo(
                f"{ev['date'] or '?':10}  {ev['cameo']:4} {ev['plover'] or '-':10} {ev['modality']:12} "
                f"{_actor_label(ev['source'])} -> {_actor_label(ev['target'])}{sources}{history}"
            )
            click.echo(f"{ev['event_id'][:10]:12}{_short(ev['sentence'])}")
        from .pipeline import counted

        click.echo(counted(len(rows), "report" if reports else "event"), err=True)


@events.command("show")
@click.argument("event_id")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def events_show(ctx, event_id, db, fmt):
    """Explain one event (its id, a report's id, or a unique prefix of either): what was
    coded, how its date was found, and every report and source behind it, each with its
    sentence: what the web app's event page shows."""
    from .query import NotFound
    from .web.views import Db, event as event_view

    store = open_store(db or (ctx.obj or {}).get("db"), read_only=True)
    full = _event_id(store, event_id)
    try:
        view = event_view(Db(store.con), full)
    except NotFound as exc:
        fail(str(exc))
    ev = view["event"]
    if fmt == "json":
        click.echo(dumps({"event": ev, "date_explained": view["date_explained"], "reports": view["reports"],
                          "sources": view["sources"]}))
        return
    click.echo(f"# event {ev['event_id']}{'  (report ' + view['report_id'] + ')' if view['report_id'] else ''}")
    click.echo(f"{ev['plover'] or '-'} (CAMEO {ev['cameo']}, {view['quad_label']}, Goldstein {ev['goldstein']:+g}), "
               f"{ev['modality']}{', background' if ev['background'] else ''}, confidence {ev['confidence']}")
    click.echo(f"{_actor_label(ev['source'])} -> {_actor_label(ev['target'])}")
    click.echo(f"date {ev['date'] or '?'} ({ev['date_precision']}): {view['date_explained']}")
    if view["story"]:
        click.echo(f"story {view['story']['story_id']}: {view['story']['title']}")
    click.echo(f"\nReports ({len(view['reports'])}):")
    for r in view["reports"]:
        mark = "*" if r["representative"] else " "
        click.echo(f" {mark}{r['event_id'][:10]}  {r['date'] or '?':10}  {r['doc_label']}")
        click.echo(f"{'':14}“{_short(r['sentence'], 110)}”")
    click.echo(f"\nSources ({len(view['sources'])}):")
    for d in view["sources"]:
        copy = f"  copy of {d['copy_of']}" if d.get("copy_of") else ""
        first = "  (first)" if d.get("first") else ""
        click.echo(f"  {d['doc_id'][:12]}  {d['published'] or '?':10}  {d['label']}{first}{copy}")


def _event_id(store, prefix: str) -> str:
    """The full id of the event or report ``prefix`` names (``query.resolve_event_id``)."""
    from .query import NotFound, resolve_event_id

    try:
        return resolve_event_id(store.query, prefix)
    except NotFound as exc:
        fail(f"{exc}; list them with: dyadscope events")
    except FilterError as exc:
        fail(cli_message(exc))


def _short(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@main.command(cls=BareBackgroundCommand)
@click.argument("first")
@click.argument("second", required=False)
@db_option
@click.option("--directed", is_flag=True, help="Only FIRST → SECOND.")
@click.option("--background", type=click.Choice(["show", "hide"]), default="show", show_default=True,
              help="Events flagged as background history: show (the default, marked) or hide; a bare "
                   "--background shows them.")
@click.option("--no-background", is_flag=True, hidden=True, help="The same as --background hide (older spelling).")
@click.option("--since", metavar="DATE", help="Events on or after DATE.")
@click.option("--until", metavar="DATE", help="Events on or before DATE (a month or year: its end).")
@click.option("--type", "etype", metavar="TYPE", help="PLOVER type (CONSULT) or CAMEO prefix (04).")
@click.option("--modality", type=MODALITY_CHOICE,
              help="Only events of this modality (default: all, each marked).")
@MIN_CONFIDENCE_OPTION
def timeline(first, second, db, directed, background, no_background, since, until, etype, modality, min_confidence):
    """Dated events between two actors (FIRST SECOND, or one argument FIRST,SECOND as series
    and events --dyad take it), oldest first, one line each with its sentence."""
    if second is None:
        try:
            first, second = parse_dyad(first)
        except FilterError as exc:
            fail(f"give two actors: dyadscope timeline FIRST SECOND, or FIRST,SECOND ({exc})")
    store = open_store(db, read_only=True)  # first: it tells the filters the codes its events carry
    f = _event_filter(dyad=(first, second), directed=directed, since=since, until=until, etype=etype,
                      modality=modality, min_confidence=min_confidence, background="hide" if no_background else background)
    _print_timeline(store, f)


def _print_timeline(store, f: EventFilter):
    first, second = f.dyad
    try:
        where, params = f.where(dated_only=True)
    except FilterError as exc:
        fail(cli_message(exc))
    rows = store.events(where, params)
    if not rows:
        click.echo(f"No dated events between {first} and {second}.")
        say_nowhere(store, f)
    for ev in rows:
        flags = _status(ev)
        if ev["date_method"] == "story":
            flags.append("dated by its story")
        if ev["num_sources"] > 1:
            flags.append(f"{ev['num_sources']} sources")
        flag = f" ({', '.join(flags)})" if flags else ""
        click.echo(
            f"{ev['date']} {ev['date_precision']:8} {ev['plover'] or ev['cameo']:9} "
            f"{_actor_label(ev['source'])} -> {_actor_label(ev['target'])}{flag}  "
            f"“{_short(ev['sentence'], 110)}”"
        )
    # events the filter matches but a timeline cannot place: counted, not dropped in silence
    where, params = f.where()
    undated = store.query(f"SELECT count(*) AS n FROM events WHERE ({EVENTS_ONLY}) AND ({where}) "
                          "AND date IS NULL", params)[0]["n"]
    if undated:
        click.echo(f"{undated} undated event{'s' if undated != 1 else ''} between {first} and {second} not shown "
                   f"(dyadscope events --dyad {first},{second}{' --directed' if f.directed else ''}"
                   f"{'' if f.include_background else ' --background hide'} with the same filters lists them)",
                   err=True)


# -- stories ------------------------------------------------------------------------
@main.group(invoke_without_command=True)
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most this many stories.")
@click.option("--min-docs", type=int, default=1, show_default=True, help="Only stories with this many documents.")
@click.pass_context
def stories(ctx, db, fmt, limit, min_docs):
    """List stories: documents reporting the same happening (subcommand: show ID)."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand:
        return
    from .stories import date_span

    store = open_store(db, read_only=True)
    rows = store.stories(limit=limit, min_docs=min_docs)
    if fmt == "jsonl":
        for row in rows:
            click.echo(dumps(row))
        return
    spans = [date_span(r) for r in rows]
    width = max([23, *map(len, spans)])
    click.echo(f"{'story_id':16}  {'dates':{width}}  {'docs':>4} {'indep':>5} {'events':>6}  title")
    for r, span in zip(rows, spans):
        click.echo(f"{r['story_id']:16}  {span:{width}}  {r['num_docs']:>4} {r['num_independent']:>5} "
                   f"{r['num_events']:>6}  {_short(r['title'] or '', 90)}")
    click.echo(f"{len(rows)} stories", err=True)


@stories.command("show")
@click.argument("story_id")
@db_option
@click.pass_context
def stories_show(ctx, story_id, db):
    """Print a story: its documents (copies marked) and its events with their sources."""
    store = open_store(db or ctx.obj["db"], read_only=True)
    try:
        story = store.story(story_id)
    except StoreError as exc:
        fail(str(exc))
    from .pipeline import counted
    from .stories import date_span

    click.echo(f"# story {story['story_id']}: {story['title']}")
    click.echo(f"# {date_span(story, ' .. ')}; {counted(story['num_docs'], 'document')} "
               f"({story['num_independent']} independent), {counted(story['num_events'], 'event')}")
    click.echo("\nDocuments:")
    for d in story["documents"]:
        copy = f"  copy of {d['copy_of']}" if d["copy_of"] else ""
        click.echo(f"  {d['doc_id']}  {d['published'] or '?':10}  {_short(d['title'] or d['path'], 70)}{copy}")
    where, params = where_clause(EventFilter(story=story["story_id"]))
    click.echo("\nEvents:")
    for ev in store.events(where, params):
        marks = _status(ev)  # as the timeline marks them
        status = f" ({', '.join(marks)})" if marks else ""
        click.echo(f"  {ev['date'] or '?':10} ({ev['date_method']}) {ev['plover'] or ev['cameo']:9} "
                   f"{_actor_label(ev['source'])} -> {_actor_label(ev['target'])}{status}  "
                   f"[{counted(ev['num_sources'], 'source')}, {counted(ev['num_mentions'], 'mention')}]")
        click.echo(f"{'':14}“{_short(ev['sentence'], 110)}”")


@main.command("actors")
@db_option
@click.option("--unresolved", is_flag=True, help="Frequent names that no dictionary entry resolves.")
@click.option("--limit", type=click.IntRange(min=1), default=30, show_default=True)
@actors_option
def actors_cmd(db, unresolved, limit, actor_files):
    """Actors in the store by number of events, or (--unresolved) names to add to a dictionary."""
    store = open_store(db, read_only=True)
    if not unresolved:
        rows = store.query(
            "SELECT a.actor_id, a.name, a.country, a.sector, count(e.event_id) AS events FROM actors a "
            "LEFT JOIN events e ON a.actor_id IN (e.source_actor_id, e.target_actor_id) "
            "GROUP BY ALL ORDER BY events DESC, a.actor_id LIMIT ?", [limit])
        for r in rows:
            click.echo(f"{r['events']:5}  {r['actor_id']:28} {r['country'] or '-':4} {r['sector'] or '-':4} {r['name']}")
        return
    from .actors import unresolved as find_unresolved

    pairs = [(r["name"], r["context"]) for r in store.query(
        # Names that the document's own resolver matched (surnames, titles) are known.
        "SELECT e.text AS name, s.text AS context FROM entities e JOIN sentences s "
        "ON s.doc_id = e.doc_id AND s.idx = e.sent_idx WHERE e.label = 'NAME' AND NOT EXISTS ("
        "SELECT 1 FROM actor_mentions m WHERE m.doc_id = e.doc_id AND m.start < e.\"end\" "
        "AND e.start < m.\"end\" AND (m.country IS NOT NULL OR m.actor_id IS NOT NULL))")]
    kb = load_kb(actor_files)
    rows = find_unresolved(pairs, kb=kb)[:limit]
    if not rows:
        click.echo("Every name in the store resolves to a known actor.")
    for name, count, context in rows:
        click.echo(f"{count:5}  {name}")
        click.echo(f"{'':7}“{_short(context, 110)}”")


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve(db, host, port):
    """Browse the store in a web browser, with a JSON API under /api/ (read-only)."""
    from . import web

    open_store(db, read_only=True).close()  # an unfinished dataset is said once, here
    try:
        web.serve(db or default_db_path(), host, port)
    except StoreError as exc:
        fail(str(exc))
