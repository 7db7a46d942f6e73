"""The ``dyadscope`` command: thin wrappers that open the store, call one library function,
and turn library errors into ``Error: ...`` lines and exit code 1.

Here: the group, the helpers every command uses, ``ingest`` and ``merge``, and the event
filters ``events``, ``series`` and ``export`` share. The other commands register
themselves on ``main`` from one module a command group: ``cli_store`` (demo, docs, events,
timeline, stories, actors, serve), ``cli_code`` (code, resolve, recode), ``cli_eval``
(eval, train) and ``cli_analysis`` (series, export).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from contextlib import contextmanager, nullcontext

import click

from . import __version__
from .query import (MODALITIES, EventFilter, FilterError, NotFound, check_story, event_filter, nowhere_note,
                    parse_background)
from .read import env_max_bytes, iter_inputs, parse_size
from .store import Store, StoreError, default_db_path

DB_HELP = ("DuckDB store file (default: $DYADSCOPE_DB or ./dyadscope.duckdb); commands that only read "
           "also take a dataset folder written by ingest --dataset.")
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
        from .coder.model import ModelMissing, ModelUnusable, default_model, model_dir

        try:
            default_model()
        except ModelUnusable as exc:
            fail(str(exc))
        except ModelMissing:
            where = model_dir()
            missing = [f for f in ("model.json", "model.npz") if not (where / f).is_file()]
            fail(f"no event model in {where} ({' and '.join(missing) or 'model.json and model.npz'} missing)",
                 f"train one with: dyadscope train GOLD_DIR --out {where}" if os.environ.get("DYADSCOPE_MODEL")
                 else "reinstall dyadscope, or train one with: dyadscope train")
        return command(*args, **kwargs)
    return run


def open_store(db: str | None, read_only: bool = False) -> Store:
    try:
        store = Store(db or default_db_path(), read_only=read_only)
    except StoreError as exc:
        fail(str(exc))
    if getattr(store, "grouped", True) is False:
        click.echo(f"warning: {store.path}: its ingest has not finished (the global passes have not run): "
                   "no copies, stories or event groups yet, so counts differ from the finished dataset's; "
                   "run the same ingest command again to finish it", err=True)
    return store


@contextmanager
def store_to_write(db: str | None):
    """``open_store`` for a command that writes: a store this command created is removed
    again when the command fails before storing any document (no empty file left behind)."""
    path = db or default_db_path()
    existed = os.path.exists(path)
    store = open_store(path)
    ok = False
    try:
        yield store
        ok = True
    finally:
        empty = not ok and not existed and store.count("documents") == 0
        store.close()
        if empty:
            for leftover in (path, f"{path}.wal"):
                if os.path.exists(leftover):
                    os.remove(leftover)


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
        fail(f"--max-size: {exc}")
    if default_date is not None:
        from datetime import date

        try:
            default_date = date.fromisoformat(default_date.strip()).isoformat()
        except ValueError:
            fail(f"--default-date: expected a date YYYY-MM-DD, got {default_date!r}")
        from .dates import is_future

        if is_future(default_date):
            fail(f"--default-date: {default_date} is in the future; no document was published then")
    if date_field is not None and not date_field.strip():
        fail("--date-field: expected a field name such as date or pubDate")
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing and len(missing) == len(paths):  # nothing to read: no store is made for it
        fail(f"no such file or folder: {', '.join(dict.fromkeys(missing))}")
    if cluster or dataset_dir:
        report = run_cluster_ingest(cluster, dataset_dir, db, list(paths), fmt, max_bytes, processes,
                                    actor_files, quiet, date_field=date_field, default_date=default_date)
    else:
        report = run_ingest(db, list(paths), fmt, max_bytes, processes, actor_files, quiet,
                            date_field=date_field, default_date=default_date)
    sys.exit(1 if report.failed else 0)


def run_cluster_ingest(cluster, dataset_dir, db, paths, fmt, max_bytes, processes, actor_files, quiet, *,
                       date_field=None, default_date=None):
    from .pipeline import Settings
    from .scale import ScaleError, cluster as dask_cluster

    if not cluster:
        fail("--dataset needs --cluster", "e.g. dyadscope ingest SRC --cluster local:4 --dataset DIR")
    if processes:
        fail("--processes is for the single-machine ingest; with --cluster the workers are Dask's",
             "give the number of workers in --cluster local:N")
    if not dask_cluster.is_local(cluster):  # workers elsewhere: paths from here mean nothing there
        paths = [p if p == "-" else os.path.abspath(p) for p in paths]
        actor_files = [os.path.abspath(p) for p in actor_files]
    settings = Settings(actor_files=tuple(actor_files), date_field=date_field, default_date=default_date)
    load_kb(actor_files)  # a bad dictionary fails here, once, not in every worker
    with (nullcontext() if dataset_dir else store_to_write(db)) as store:
        try:
            report = dask_cluster.run(cluster, paths, fmt, max_bytes, settings, store=store,
                                      dataset_dir=dataset_dir, quiet=quiet,
                                      on_problem=(lambda line: click.echo(line, err=True)) if quiet else None)
        except (ScaleError, StoreError) as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            fail("interrupted; everything written so far is whole, run the same command to carry on")
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

    with store_to_write(db) as store:
        try:
            counts = merge_dataset(directory, store)
        except StoreError as exc:
            fail(str(exc))
    click.echo(f"Merged {directory} into {store.path}: {counts['documents']} documents, {counts['events']} event reports")


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


# -- event filters (events, series, export) -----------------------------------------
MODALITY_CHOICE = click.Choice([*MODALITIES, "all"], case_sensitive=False)
MIN_CONFIDENCE_OPTION = click.option(
    "--min-confidence", type=click.FloatRange(0, 1), metavar="P",
    help="Only events of at least this confidence (0-1): about the share of such events whose type is "
         "right, cross-validated (at 0.8: a third of the events, 0.86 of them of the right type, 0.46 of "
         "those naming two countries with both right too; docs/ACCURACY.md).")


def event_filter_options(f):
    """The event filters, named as in the web API and dyadscope.open(...).events()."""
    for opt in reversed([
        click.option("--actor", help="Actor id, country code (CHN) or name."),
        click.option("--dyad", help="Two actors, e.g. CHN,PRK or \"China,North Korea\" (both directions unless --directed); "
                                    "only events whose both sides resolve to a country or IGO."),
        click.option("--directed", is_flag=True, help="With --dyad: only first → second."),
        click.option("--country", metavar="CODE", help="Either side's country or IGO code (CHN, UNO), or a country's name (Philippines)."),
        click.option("--sector", metavar="CODE", help="Either side's sector code (GOV, MIL, ...)."),
        click.option("--since", metavar="DATE", help="Events on or after DATE (YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", help="Events on or before DATE (a month or year: its end)."),
        click.option("--type", "etype", metavar="TYPE", help="PLOVER type (CONSULT) or CAMEO prefix (04)."),
        click.option("--quad-class", metavar="N", help="Quad class 1-4 (1 verbal coop .. 4 material conflict), or "
                                                       "several: 3,4."),
        click.option("--modality", type=MODALITY_CHOICE,
                     help="Only asserted, negated, ... events (default: all)."),
        click.option("--background", type=click.Choice(["show", "hide"]), default=None,
                     help="Events flagged as background history: show (the default here) or hide; a bare "
                          "--background shows them."),
        click.option("--story", "story", metavar="ID", help="Only events of this story."),
        MIN_CONFIDENCE_OPTION,
    ]):
        f = opt(f)
    return f


def _event_filter(etype=None, background_default=True, background=None, store=None, **filters) -> EventFilter:
    """The library's filter from the CLI's options; with ``store``, a story no story's id
    starts with is an error, as for ``dyadscope stories show``."""
    try:
        f = event_filter(type=etype, background=parse_background(background, background_default), **filters)
        if store is not None:
            check_story(store.query, f.story)
        return f
    except NotFound as exc:
        fail(str(exc))
    except FilterError as exc:
        ctx = click.get_current_context(silent=True)
        fail(cli_message(exc), f"see {ctx.command_path if ctx else 'dyadscope events'} --help")


class _BareBackground:
    """``--background`` takes show or hide, as every face does; a bare ``--background`` (the
    older flag) means show wherever it stands, even before a command's arguments."""

    def parse_args(self, ctx, args):
        args = list(args)
        for i, arg in enumerate(args):
            if arg == "--background" and (i + 1 == len(args) or args[i + 1] not in ("show", "hide")):
                args[i] = "--background=show"
        return super().parse_args(ctx, args)


class BareBackgroundCommand(_BareBackground, click.Command):
    pass


class BareBackgroundGroup(_BareBackground, click.Group):
    pass


def cli_message(exc: FilterError) -> str:
    """A filter error as the CLI's user typed it: ``--quad-class: ...``, not ``quad_class: ...``."""
    ctx = click.get_current_context(silent=True)
    positional = {"type": "--type", "story_id": "--story", "doc_id": "ID", "event_id": "ID"}
    if ctx is not None and ctx.command.name in ("timeline", "series"):
        positional["dyad"] = "FIRST SECOND"  # the pair is their arguments, not --dyad
    option = positional.get(exc.param, "--" + exc.param.replace("_", "-"))
    text = str(exc)
    return option + text[len(exc.param):] if text.startswith(exc.param + ":") else text


def say_nowhere(store, f: EventFilter) -> None:
    """After an empty answer: a note on stderr when a name given matches no stored event."""
    note = nowhere_note(store.query, f)
    if note:
        click.echo(f"Note: {note}.", err=True)


def _flat(rec: dict) -> dict:
    """A document record flattened for CSV (events use export.flatten)."""
    return {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v) for k, v in rec.items()}


# imported last: each of these modules registers its commands on ``main``
from . import cli_store, cli_code, cli_eval, cli_analysis  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    # python -m dyadscope.cli: the commands registered on dyadscope.cli.main, the module
    # imported under its own name, not on this __main__ copy of it
    from dyadscope.cli import main as _main

    _main()
