"""The ``dyadscope`` command: thin wrappers that open the store, call one library function,
and turn library errors into ``Error: ...`` lines and exit code 1.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from importlib import resources
from pathlib import Path

import click

from . import __version__
from .query import MODALITIES, EventFilter, FilterError, event_filter, parse_background, where_clause
from .read import env_max_bytes, iter_inputs, parse_size
from .store import Store, StoreError, default_db_path, doc_record, dumps

DB_HELP = "DuckDB store file (default: $DYADSCOPE_DB or ./dyadscope.duckdb)."
db_option = click.option("--db", default=None, metavar="FILE", help=DB_HELP)
actors_option = click.option(
    "--actors", "actor_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
    help="Extra actor dictionary (YAML, or PETRARCH .actors/.agents); repeatable.",
)


def fail(message: str, hint: str | None = None) -> None:
    click.echo(f"Error: {message}", err=True)
    if hint:
        click.echo(f"Hint: {hint}", err=True)
    sys.exit(1)


def needs_model(command):
    """For commands that code events: a $DYADSCOPE_MODEL naming no model is one clear error
    before any work starts (not a traceback from every worker)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        from .coder.model import ModelMissing, default_model, model_dir

        try:
            default_model()
        except ModelMissing:
            where = model_dir()
            fail(f"no event model in {where} (model.json and model.npz)",
                 f"train one with: dyadscope train GOLD_DIR --out {where}" if os.environ.get("DYADSCOPE_MODEL")
                 else "reinstall dyadscope, or train one with: dyadscope train")
        return command(*args, **kwargs)
    return run


def open_store(db: str | None, read_only: bool = False) -> Store:
    try:
        return Store(db or default_db_path(), read_only=read_only)
    except StoreError as exc:
        fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dyadscope")
def main() -> None:
    """dyadscope: turn news text into event data (who did what to whom, when, where)."""


# -- ingest -------------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "html", "jsonl"]), default=None,
              help="Read every input as this format (default: by file extension; stdin is JSONL).")
@click.option("--max-size", default=None, metavar="SIZE",
              help="Largest document accepted, e.g. 10MB (default 10MB or $DYADSCOPE_MAX_SIZE).")
@click.option("--processes", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: one per core, at most 4).")
@click.option("--cluster", metavar="SPEC", default=None,
              help="Run on Dask instead: local:N (N worker processes here) or a scheduler address "
                   "(tcp://host:8786); needs the dask extra (docs/SCALE.md).")
@click.option("--dataset", "dataset_dir", metavar="DIR", default=None,
              help="With --cluster: the workers write a Parquet dataset to DIR instead of the store; "
                   "read it with --db DIR, or turn it into a store with dyadscope merge.")
@click.option("--date-field", metavar="NAME", default=None,
              help="JSONL: the field holding each article's publication date (default: published).")
@click.option("--default-date", metavar="YYYY-MM-DD", default=None,
              help="Date for documents that nothing else dates (no metadata, URL or date in the text); "
                   "stored with method 'default' and low confidence.")
@actors_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@needs_model
def ingest(paths, db, fmt, max_size, processes, cluster, dataset_dir, date_field, default_date, actor_files, quiet):
    """Read files, folders (recursive) or - (stdin), and store documents and events.

    Files: .txt (UTF-8, cp1252/latin-1 fallback), .html (main text via trafilatura; the date
    from its metadata or URL), .jsonl (one article a line: "text" required; "id", "title",
    "url", "published" (or --date-field), "source" optional). Undated documents take a date
    from their URL (/2024/04/13/), their text, or --default-date. Exit code 1 when any
    input failed.
    """
    try:
        max_bytes = parse_size(max_size) if max_size else env_max_bytes()
    except ValueError as exc:
        fail(str(exc))
    if default_date is not None:
        from datetime import date

        try:
            default_date = date.fromisoformat(default_date.strip()).isoformat()
        except ValueError:
            fail(f"--default-date: expected a date YYYY-MM-DD, got {default_date!r}")
    if date_field is not None and not date_field.strip():
        fail("--date-field: expected a field name such as date or pubDate")
    if cluster or dataset_dir:
        if date_field or default_date:
            fail("--date-field and --default-date are not yet read by --cluster",
                 "run without --cluster, or put the dates in a published field")
        report = run_cluster_ingest(cluster, dataset_dir, db, list(paths), fmt, max_bytes, processes,
                                    actor_files, quiet)
    else:
        report = run_ingest(db, list(paths), fmt, max_bytes, processes, actor_files, quiet,
                            date_field=date_field, default_date=default_date)
    sys.exit(1 if report.failed else 0)


def run_cluster_ingest(cluster, dataset_dir, db, paths, fmt, max_bytes, processes, actor_files, quiet):
    from .pipeline import Settings
    from .scale import ScaleError, cluster as dask_cluster

    if not cluster:
        fail("--dataset needs --cluster", "e.g. dyadscope ingest SRC --cluster local:4 --dataset DIR")
    if processes:
        fail("--processes is for the single-machine ingest; with --cluster the workers are Dask's",
             "give the number of workers in --cluster local:N")
    settings = Settings(actor_files=tuple(actor_files))
    load_kb(actor_files)  # a bad dictionary fails here, once, not in every worker
    store = None if dataset_dir else open_store(db)
    try:
        report = dask_cluster.run(cluster, paths, fmt, max_bytes, settings, store=store,
                                  dataset_dir=dataset_dir, quiet=quiet,
                                  on_problem=(lambda line: click.echo(line, err=True)) if quiet else None)
    except (ScaleError, StoreError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; everything written so far is whole, run the same command to carry on")
    finally:
        if store is not None:
            store.close()
    where = dataset_dir or store.path
    # each problem was printed once, as it happened; the summary counts them
    click.echo(f"Stored in {where}: {report.summary()}", err=True)
    return report


@main.command()
@click.argument("directory")
@db_option
def merge(directory, db):
    """Turn a Parquet dataset (ingest --cluster ... --dataset DIR) into a store, or add it to one."""
    from .scale.dataset import merge as merge_dataset

    store = open_store(db)
    try:
        counts = merge_dataset(directory, store)
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()
    click.echo(f"Merged {directory} into {store.path}: {counts['documents']} documents, {counts['events']} events")


def run_ingest(db, paths, fmt, max_bytes, processes=None, actor_files=(), quiet=False, *, date_field=None,
               default_date=None):
    from .pipeline import Settings, default_processes, ingest as ingest_docs
    from .read import count_inputs

    settings = Settings(processes=processes or default_processes(), actor_files=tuple(actor_files))
    kb = load_kb(actor_files)
    store = open_store(db)
    bar = _progress(quiet, total=None if quiet else count_inputs(paths, fmt))
    try:
        report = ingest_docs(
            store,
            iter_inputs(paths, fmt=fmt, max_bytes=max_bytes, date_field=date_field, default_date=default_date),
            kb,
            settings,
            on_problem=lambda line: (bar.write(line, file=sys.stderr) if bar is not None else click.echo(line, err=True)),
            on_progress=lambda n: bar.update(n) if bar is not None else None,
        )
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        fail("interrupted; every batch written so far is stored whole, run the same command to carry on")
    finally:
        store.close()
    if bar is not None:
        bar.close()
    # Each problem was printed once, as it happened (on_problem); listing them again here
    # printed every bad input twice. The summary counts them.
    click.echo(f"Stored in {store.path}: {report.summary()}", err=True)
    return report


def _progress(quiet: bool, total: int | None = None, desc: str = "ingest"):
    """A progress bar on stderr (none when quiet or not a terminal); with ``total`` it shows
    the percentage and an ETA."""
    if quiet:
        return None
    from tqdm import tqdm

    return tqdm(unit="doc", desc=desc, total=total, file=sys.stderr, disable=None, dynamic_ncols=True)


def load_kb(actor_files=()):
    from .actors import load_kb as _load

    try:
        return _load(extra=list(actor_files))
    except (OSError, ValueError) as exc:
        fail(f"cannot load actor dictionaries: {exc}")


# -- demo ---------------------------------------------------------------------------
@main.command()
@db_option
def demo(db):
    """Ingest the bundled China–North Korea example corpus and print its timeline."""
    seeds = resources.files("dyadscope") / "data" / "examples" / "seeds.jsonl"
    with resources.as_file(seeds) as path:
        click.echo(f"Ingesting the example corpus ({path.name}, 5 articles)...", err=True)
        run_ingest(db, [str(path)], None, env_max_bytes(), quiet=True)
    store = open_store(db, read_only=True)
    click.echo("\nChina–North Korea timeline (dated events, oldest first):\n")
    _print_timeline(store, "CHN", "PRK", directed=False, include_background=True)
    click.echo("\nStories (documents reporting the same happening):\n")
    for st in store.stories():
        click.echo(f"  {st['story_id']}  {st['start_date'] or '?'}  {st['num_docs']} document(s)  "
                   f"{_short(st['title'] or '', 90)}")
    click.echo(f"\nNext: dyadscope events --dyad CHN,PRK --db {store.path}   |   dyadscope docs --db {store.path}"
               f"   |   dyadscope stories show ID --db {store.path}")
    click.echo(f"Browse: dyadscope serve --db {store.path}   then open http://127.0.0.1:8000/dyad/CHN/PRK")
    store.close()


# -- docs ---------------------------------------------------------------------------
@main.group(invoke_without_command=True)
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--limit", type=int, default=None, help="Show at most this many documents.")
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
@click.pass_context
def docs_delete(ctx, doc_id, db):
    """Retract a document and everything derived from it (sentences, events, ...)."""
    from .pipeline import StoryTracker

    store = open_store(db or ctx.obj["db"])
    try:
        full = store.resolve_doc_id(doc_id)
        StoryTracker(store).remove(full)  # regroup what stays of its story first
        store.delete_document(full)
    except StoreError as exc:
        fail(str(exc))
    click.echo(f"Deleted {full} and everything derived from it.")


# -- events -------------------------------------------------------------------------
def event_filter_options(f):
    """The event filters, named as in the web API and dyadscope.open(...).events()."""
    for opt in reversed([
        click.option("--actor", help="Actor id, country code (CHN) or name."),
        click.option("--dyad", help="Two actors, e.g. CHN,PRK (both directions unless --directed); "
                                    "only events whose both sides resolve to a country or IGO."),
        click.option("--directed", is_flag=True, help="With --dyad: only first → second."),
        click.option("--country", metavar="CODE", help="Either side's country or IGO code (CHN, UNO)."),
        click.option("--sector", metavar="CODE", help="Either side's sector code (GOV, MIL, ...)."),
        click.option("--since", metavar="DATE", help="Events on or after DATE (YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", help="Events on or before DATE."),
        click.option("--type", "etype", metavar="TYPE", help="PLOVER type (CONSULT) or CAMEO prefix (04)."),
        click.option("--quad-class", metavar="N", help="Quad class 1-4 (1 verbal coop .. 4 material conflict), or "
                                                       "several: 3,4."),
        click.option("--modality", type=click.Choice(list(MODALITIES)), help="Only asserted, negated, ... events."),
        click.option("--background", type=click.Choice(["show", "hide"]), default=None,
                     help="Events flagged as background history: show or hide."),
        click.option("--story", "story", metavar="ID", help="Only events of this story."),
    ]):
        f = opt(f)
    return f


def _event_filter(etype=None, background_default=True, background=None, **filters) -> EventFilter:
    try:
        return event_filter(type=etype, background=parse_background(background, background_default), **filters)
    except FilterError as exc:
        fail(str(exc), "see dyadscope events --help")


def _filter(actor=None, dyad=None, directed=False, since=None, until=None, etype=None, **extra) -> tuple[str, list]:
    return _event_filter(actor=actor, dyad=dyad, directed=directed, since=since, until=until, etype=etype,
                         **extra).where()


def _flat(rec: dict) -> dict:
    """A document record flattened for CSV (events use export.flatten)."""
    return {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v) for k, v in rec.items()}


def _actor_label(a: dict | None) -> str:
    if not a:
        return "-"
    code = "".join(x for x in (a.get("country") or "", a.get("sector") or "") if x)
    return f"{a.get('name') or a.get('text')} [{code or '?'}]"


@main.command()
@db_option
@event_filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True)
@click.option("--limit", type=int, default=None, help="At most this many events.")
@click.option("--reports", is_flag=True,
              help="Every coded report on its own, instead of one record per event with all its sources.")
def events(db, fmt, limit, reports, **filters):
    """List coded events, filtered (record format: docs/SCHEMA.md).

    An event reported by several documents of one story is listed once, with every
    mention, num_sources and num_mentions; --reports lists each report instead. CSV has
    the columns, in the order, of dyadscope export --format csv.
    """
    from .export import EVENT_COLUMNS, flatten, write_csv

    where, params = _filter(**filters)
    store = open_store(db, read_only=True)
    rows = store.events(where, params, limit=limit, reports=reports)
    if fmt == "jsonl":
        for ev in rows:
            click.echo(dumps(ev))
    elif fmt == "csv":
        write_csv((flatten(ev) for ev in rows), EVENT_COLUMNS, sys.stdout)
    else:
        for ev in rows:
            sources = f"  [{ev['num_sources']} sources]" if ev["num_sources"] > 1 else ""
            click.echo(
                f"{ev['date'] or '?':10}  {ev['cameo']:4} {ev['plover'] or '-':10} {ev['modality']:12} "
                f"{_actor_label(ev['source'])} -> {_actor_label(ev['target'])}{sources}"
            )
            click.echo(f"{'':12}{_short(ev['sentence'])}")
        click.echo(f"{len(rows)} {'reports' if reports else 'events'}", err=True)


def _short(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@main.command()
@click.argument("first")
@click.argument("second")
@db_option
@click.option("--directed", is_flag=True, help="Only FIRST → SECOND.")
@click.option("--no-background", is_flag=True, help="Hide events flagged as background history.")
def timeline(first, second, db, directed, no_background):
    """Dated events between two actors, oldest first, one line each with its sentence."""
    store = open_store(db, read_only=True)
    _print_timeline(store, first, second, directed, include_background=not no_background)


def _print_timeline(store, first, second, directed, include_background):
    try:
        where, params = where_clause(EventFilter(dyad=(first, second), directed=directed,
                                                 include_background=include_background, dated_only=True))
    except FilterError as exc:
        fail(str(exc))
    rows = store.events(where, params)
    if not rows:
        click.echo(f"No dated events between {first} and {second}.")
    for ev in rows:
        flags = []
        if ev["modality"] != "asserted":
            flags.append(ev["modality"])
        if ev["background"]:
            flags.append("background")
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


# -- stories ------------------------------------------------------------------------
@main.group(invoke_without_command=True)
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--limit", type=int, default=None, help="Show at most this many stories.")
@click.option("--min-docs", type=int, default=1, show_default=True, help="Only stories with this many documents.")
@click.pass_context
def stories(ctx, db, fmt, limit, min_docs):
    """List stories: documents reporting the same happening (subcommand: show ID)."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand:
        return
    store = open_store(db, read_only=True)
    rows = store.stories(limit=limit, min_docs=min_docs)
    if fmt == "jsonl":
        for row in rows:
            click.echo(dumps(row))
        return
    click.echo(f"{'story_id':16}  {'dates':23}  {'docs':>4} {'indep':>5} {'events':>6}  title")
    for r in rows:
        span = r["start_date"] or "?"
        if r["end_date"] and r["end_date"] != r["start_date"]:
            span += f"..{r['end_date']}"
        click.echo(f"{r['story_id']:16}  {span:23}  {r['num_docs']:>4} {r['num_independent']:>5} "
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
    click.echo(f"# story {story['story_id']}: {story['title']}")
    click.echo(f"# {story['start_date'] or '?'} .. {story['end_date'] or '?'}; {story['num_docs']} documents "
               f"({story['num_independent']} independent), {story['num_events']} events")
    click.echo("\nDocuments:")
    for d in story["documents"]:
        copy = f"  copy of {d['copy_of']}" if d["copy_of"] else ""
        click.echo(f"  {d['doc_id']}  {d['published'] or '?':10}  {_short(d['title'] or d['path'], 70)}{copy}")
    where, params = where_clause(EventFilter(story=story["story_id"]))
    click.echo("\nEvents:")
    for ev in store.events(where, params):
        click.echo(f"  {ev['date'] or '?':10} ({ev['date_method']}) {ev['plover'] or ev['cameo']:9} "
                   f"{_actor_label(ev['source'])} -> {_actor_label(ev['target'])}  "
                   f"[{ev['num_sources']} sources, {ev['num_mentions']} mentions]")
        click.echo(f"{'':14}“{_short(ev['sentence'], 110)}”")


# -- coder and resolver as filters --------------------------------------------------
class _JsonlLines:
    """``(line number, object)`` per line of a JSONL file or stdin.

    A line that is not an object with a "text" string is reported with its file and line
    number and counted in ``failed``; the rest go on.
    """

    def __init__(self, path: str):
        self.path = path
        self.failed = 0

    def __iter__(self):
        name = "<stdin>" if self.path == "-" else self.path
        fh = sys.stdin if self.path == "-" else open(self.path, encoding="utf-8-sig")
        with fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                        raise ValueError('each line must be an object with a "text" string')
                except ValueError as exc:
                    click.echo(f"error: {name}:{lineno}: {exc}", err=True)
                    self.failed += 1
                    continue
                yield lineno, obj


def _write_jsonl(records, output_path: str | None) -> None:
    if output_path == "-":  # as for --input: - is the standard stream
        output_path = None
    out = open(output_path, "w", encoding="utf-8") if output_path else sys.stdout
    try:
        for rec in records:
            out.write(dumps(rec) + "\n")
    finally:
        if output_path:
            out.close()
        else:
            out.flush()


input_option = click.option("--input", "input_path", required=True, metavar="FILE",
                            help="JSONL file, one object a line (see above); - for stdin.")
output_option = click.option("--output", "output_path", default=None, metavar="FILE",
                             help="Where to write JSONL (default, or -: stdout).")


@main.command()
@input_option
@output_option
@actors_option
@click.option("--all-events", is_flag=True,
              help="Also output candidate events the learned typer did not confirm (research; "
                   "confidence <= 0.1). By default the output is exactly what ingest stores.")
@needs_model
def code(input_path, output_path, actor_files, all_events):
    """Code events without a store. Input lines: {"id", "text", "date" (optional)};
    output: one {"id", "events"} line per input line."""
    from .api import code_many

    kb = load_kb(actor_files)
    lines = _JsonlLines(input_path)
    items = [(obj.get("id", n), obj["text"], obj.get("date")) for n, obj in lines]
    _write_jsonl(code_many(items, kb=kb, all_events=all_events), output_path)
    sys.exit(1 if lines.failed else 0)


@main.command()
@input_option
@output_option
@actors_option
def resolve(input_path, output_path, actor_files):
    """Resolve actor phrases. Input lines: {"id", "text", "context", "date"} (last two optional);
    output: {"id", "country", "sector", "actor_id", "name", "method"} per line."""
    from .api import resolve_text

    kb = load_kb(actor_files)
    lines = _JsonlLines(input_path)
    records = (
        {"id": obj.get("id", n), **resolve_text(obj["text"], obj.get("context"), obj.get("date"), kb=kb)}
        for n, obj in lines
    )
    _write_jsonl(records, output_path)
    sys.exit(1 if lines.failed else 0)


@main.command()
@db_option
@actors_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@needs_model
def recode(db, actor_files, quiet):
    """Re-clean and re-code every stored document (after a dictionary or coder change).

    Document ids stay the same; each event records the coder_version that made it.
    """
    from .pipeline import Settings, recode as recode_docs

    kb = load_kb(actor_files)
    store = open_store(db)
    bar = _progress(quiet, desc="recode")

    def total(n: int) -> None:
        if bar is not None:
            bar.total = n
            bar.refresh()

    try:
        report = recode_docs(store, kb, Settings(actor_files=tuple(actor_files)),
                             on_progress=lambda n: bar.update(n) if bar is not None else None, on_total=total)
    finally:
        if bar is not None:
            bar.close()
        store.close()
    click.echo(f"Recoded {report.updated} documents: {report.events} events ({report.undated_events} undated) "
               f"from {report.reports} reports; {report.undated_documents} documents undated; "
               f"{report.seconds:.1f} s", err=True)


@main.command("actors")
@db_option
@click.option("--unresolved", is_flag=True, help="Frequent names that no dictionary entry resolves.")
@click.option("--limit", type=int, default=30, show_default=True)
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

    try:
        web.serve(db or default_db_path(), host, port)
    except StoreError as exc:
        fail(str(exc))


# -- evaluation ---------------------------------------------------------------------
@main.group("eval")
def evaluate():
    """Score the coder and the resolver on outside gold data (see docs/ACCURACY.md)."""


def _require(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        click.echo(f"skipped: {path} not found (the gold data lives in ../shared/gold)")
        sys.exit(0)
    return p


@evaluate.command("plover")
@click.argument("path")
@needs_model
def eval_plover(path):
    """PLOVER type recall, extra rate and actor countries on a PLOVER gold JSON file."""
    from .evaluate.plover import coder_fn, format_report, score_plover

    click.echo(format_report(score_plover(_require(path), coder_fn())))


@evaluate.command("actors")
@click.argument("path")
def eval_actors(path):
    """Share of actor-resolution cases fully right on a JSONL gold file."""
    from .evaluate.actors import format_report, score_actors

    click.echo(format_report(score_actors(_require(path)), max_failures=0))


@evaluate.command("petr")
@click.argument("directory")
def eval_petr(directory):
    """PETRARCH unit cases: full codings found, with the cases' own dictionaries loaded."""
    from .evaluate.petr import format_report, score_petr

    click.echo(format_report(score_petr(_require(directory))))


@evaluate.command("voa")
@click.argument("directory")
@click.option("--cv", "folds", type=click.IntRange(min=0), default=0, metavar="K",
              help="Also cross-validate: retrain K times, grouped by story, and score the held-out "
                   "folds (needs the train extra; several minutes).")
@needs_model
def eval_voa(directory, folds):
    """Type and strict F1 on sentence-annotated news (gold/voa), with the README's rule.

    The shipped model was trained on the VOA development stories, so its score there is
    in-sample and labelled so; --cv K gives the honest, cross-validated figure."""
    from .api import code_many
    from .coder.model import default_model
    from .evaluate import voa

    folder = _require(directory)
    gold = voa.load_gold(folder)
    stories = voa.load_stories(folder)
    trained_on = set(default_model().meta.get("stories", []))
    overlap = sum(1 for s in stories if str(s["id"]) in trained_on)
    items = [(x["id"], x["text"], x["date"]) for x in voa.coder_inputs(stories)]
    outputs = {str(r["id"]): r["events"] for r in code_many(items)}
    label = "VOA gold, shipped model"
    if overlap:
        label += f" (IN-SAMPLE: trained on {overlap} of these {len(stories)} stories)"
    click.echo(voa.format_report(voa.score(outputs, gold), title=label))
    if folds:
        from .coder import train

        click.echo(f"cross-validating ({folds} folds grouped by story) ...")
        vectors = default_model().vectors  # the recipe of the model in use
        docs = train.collect(folder, vectors=vectors)
        result, _ = train.cross_validate(docs, gold, folds, log=click.echo, vectors=vectors)
        click.echo(voa.format_report(result, title=f"VOA gold, {folds}-fold cross-validated"))


@main.command()
@click.argument("gold_dir", default="../shared/gold/voa")
@click.option("--out", default=None, metavar="DIR",
              help="Where to write model.json and model.npz (default: the package's data/coder).")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True,
              help="Cross-validation folds, grouped by story.")
@click.option("--no-eval", is_flag=True, help="Fit the model only; skip the cross-validation.")
@click.option("--vectors", type=click.Choice(["static", "minilm"]), default="static", show_default=True,
              help="Sentence vectors: static MiniLM word-piece vectors (fast), or MiniLM run on every "
                   "sentence (better recall, ingest ~3x slower; docs/ACCURACY.md).")
def train(gold_dir, out, folds, no_eval, vectors):
    """Train the event model on sentence-annotated stories (a folder like gold/voa:
    stories_dev.jsonl + gold_dev.jsonl) and report cross-validated figures."""
    from .coder import train as trainer
    from .coder.model import MODEL_DIR

    folder = Path(gold_dir)
    if not (folder / "stories_dev.jsonl").exists():
        click.echo(f"skipped: no stories_dev.jsonl in {gold_dir} (the VOA gold lives in ../shared/gold/voa)")
        sys.exit(0)
    trainer.train(folder, out or MODEL_DIR, folds=folds, evaluate=not no_eval, log=click.echo, vectors=vectors)


@evaluate.command("repair")
@click.argument("gold_dir", default="../shared/gold")
@click.option("--seed", type=int, default=None, help="Planting and spinning seed (default: the one thresholds were chosen with).")
def eval_repair(gold_dir, seed):
    """Glue repair precision/recall and spin AUC on planted VOA stories (gold/voa); thresholds
    were chosen on the tuning half, the test half is the reported figure."""
    from .evaluate import repair

    folder = Path(gold_dir) / "voa"
    if not (folder / "stories_dev.jsonl").exists():
        click.echo(f"skipped: no voa/stories_dev.jsonl in {gold_dir} (the VOA stories live in ../shared/gold/voa)")
        return
    click.echo(repair.format_report(repair.score(folder, repair.SEED if seed is None else seed)))


@evaluate.command("all")
@click.argument("gold_dir")
@click.pass_context
def eval_all(ctx, gold_dir):
    """All evaluations on a gold folder laid out like ../shared/gold."""
    gold = _require(gold_dir)
    if (gold / "voa").exists():
        ctx.invoke(eval_voa, directory=str(gold / "voa"), folds=0)
    ctx.invoke(eval_plover, path=str(gold / "plover_gsr_dev.json"))
    ctx.invoke(eval_actors, path=str(gold / "actors_dev.jsonl"))
    ctx.invoke(eval_petr, directory=str(gold / "petr_unittest"))
    ctx.invoke(eval_repair, gold_dir=str(gold), seed=None)


from . import cli_analysis  # noqa: E402,F401  (registers series and export)

if __name__ == "__main__":  # pragma: no cover
    main()
