"""``dyadscope series`` and ``dyadscope export``: the analyst's commands, thin wrappers over
:mod:`dyadscope.series` and :mod:`dyadscope.export` with the filters of ``dyadscope events``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli import (MIN_CONFIDENCE_OPTION, MODALITY_CHOICE, BareBackgroundCommand, _event_filter, cli_message, db_option,
                  event_filter_options, fail, main, open_store, say_nowhere)
from .query import COUNTED_MODALITY, FilterError, parse_dyad, parse_modality
from .store import doc_record, dumps


def _writable(ctx, param, value):
    """An output file's folder must exist (checked before any work, not after it)."""
    if value and value != "-":
        folder = Path(value).resolve().parent
        if not folder.is_dir():
            raise click.BadParameter(f"the folder {str(folder)!r} does not exist", ctx=ctx, param=param)
        if Path(value).is_dir():
            raise click.BadParameter(f"{value!r} is a folder; give a file name", ctx=ctx, param=param)
    return value


@main.command(cls=BareBackgroundCommand)
@click.argument("first")
@click.argument("second", required=False)
@db_option
@click.option("--interval", type=click.Choice(["day", "week", "month", "year"]), default="month", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "parquet"]), default="table",
              show_default=True, help="parquet: pandas reads it only with pyarrow installed; DuckDB and polars "
                                      "read it without (dyadscope export --help).")
@click.option("-o", "--output", default=None, metavar="FILE", callback=_writable,
              help="File to write (default: stdout; parquet needs one).")
@click.option("--directed", is_flag=True, help="Only FIRST → SECOND (default: both directions).")
@click.option("--one-a-day", is_flag=True,
              help="Count one event per day, source, target and CAMEO code (the R events package's one_a_day).")
@click.option("--background", "background", type=click.Choice(["show", "hide"]), default="hide", show_default=True,
              help="Events flagged as background history: hide (the default) or show; a bare --background "
                   "shows them.")
@click.option("--reports", is_flag=True, help="Count every coded report instead of each event once.")
@click.option("--since", metavar="DATE", help="Events on or after DATE.")
@click.option("--until", metavar="DATE", help="Events on or before DATE (a month or year: its end).")
@click.option("--type", "etype", metavar="TYPE", help="PLOVER type (CONSULT) or CAMEO prefix (04).")
@click.option("--modality", type=MODALITY_CHOICE,
              help="Count only these events (default: asserted; all: every modality).")
@click.option("--country", metavar="CODE", help="Either side's country or IGO code (CHN, UNO).")
@click.option("--sector", metavar="CODE", help="Either side's sector code (GOV, MIL, ...).")
@click.option("--quad-class", metavar="N", help="Quad class 1-4 (1 verbal coop .. 4 material conflict), or "
                                                "several: 3,4.")
@click.option("--story", metavar="ID", help="Only events of this story (an id or a unique prefix).")
@MIN_CONFIDENCE_OPTION
def series(first, second, db, interval, fmt, output, directed, one_a_day, background, reports, since, until,
           etype, modality, country, sector, quad_class, story, min_confidence):
    """Counts per day, week, month or year between two actors (FIRST SECOND, or one
    argument FIRST,SECOND as events --dyad takes it): one row per period from
    --since (else the first dated event) to --until (else the last; empty periods as zeros),
    so series of different dyads over one window line up; with counts per quad class and
    PLOVER type and the Goldstein sum and mean. Same numbers as /api/series and
    dyadscope.open(...).series()."""
    from .series import counts_nothing, series as run_series

    if second is None:  # one argument: the pair as events --dyad takes it (USA,CHN)
        try:
            first, second = parse_dyad(first)
        except FilterError as exc:
            fail(f"give two actors: dyadscope series FIRST SECOND, or FIRST,SECOND ({exc})")
    store = open_store(db, read_only=True)  # first: it tells the filters the codes its events carry
    f = _event_filter(dyad=(first, second), directed=directed, since=since, until=until, etype=etype,
                      modality=parse_modality(modality, COUNTED_MODALITY), country=country, sector=sector,
                      quad_class=quad_class, story=story, min_confidence=min_confidence, store=store,
                      background=background)
    try:
        result = run_series(store.query, f, interval, reports=reports, one_a_day=one_a_day)
        if counts_nothing(result):
            say_nowhere(store, f)
    except FilterError as exc:
        fail(cli_message(exc))
    finally:
        store.close()
    cols, rows = result["columns"], result["rows"]
    from .pipeline import counted

    note = (f"{counted(result['total'], 'dated report' if reports else 'dated event')} in {counted(len(rows), interval)}"
            f"{' from ' + result['first'] + ' to ' + result['last'] if rows else ''}; "
            f"{result['undated']} undated" + (f", {result['coarse']} dated only to the "
                                                 f"{'year' if interval == 'month' else 'month or year'}"
                                                 if result["coarse"] else "") + " (not in the series)")
    if fmt == "parquet":
        if not output:
            fail("parquet needs a file", "give -o FILE")
        _parquet(rows, cols, output)
    else:
        out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            if fmt == "csv":
                from .export import write_csv

                write_csv(rows, cols, out)
            elif fmt == "jsonl":
                for r in rows:
                    out.write(json.dumps(r) + "\n")
            else:
                _table(rows, cols, out)
                note += "\n" + _TABLE_KEY
        finally:
            if output:
                out.close()
    click.echo(note, err=True)


# The table's short headings for the columns CSV, JSON and Parquet name in full.
_HEADS = {"verbal_coop": "vcoop", "material_coop": "mcoop", "verbal_conflict": "vconf",
          "material_conflict": "mconf", "goldstein_sum": "gold_sum", "goldstein_mean": "gold_mean"}
_TABLE_KEY = "columns: " + ", ".join(f"{short} = {full}" for full, short in _HEADS.items()) + " (as --format csv names them)"


def _table(rows: list[dict], cols: list[str], out) -> None:
    """Periods with their counts; type columns only where the series has any."""
    shown = [c for c in cols if c in cols[:6] or c.startswith("goldstein") or any(r[c] for r in rows)]
    width = {c: max(len(_HEADS.get(c, c)), 10 if c == "period" else 5) for c in shown}
    out.write("  ".join(_HEADS.get(c, c).rjust(width[c]) for c in shown) + "\n")
    for r in rows:
        cells = []
        for c in shown:
            v = r[c]
            text = "–" if v is None else (f"{v:+.2f}" if isinstance(v, float) else str(v))
            cells.append(text.rjust(width[c]))
        out.write("  ".join(cells) + "\n")


def _parquet(rows: list[dict], cols: list[str], output: str) -> None:
    import os
    import tempfile

    import duckdb

    types = {c: ("DATE" if c == "period" else "DOUBLE" if c.startswith("goldstein") else "BIGINT") for c in cols}
    spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
    tmp = Path(output).with_name(Path(output).name + ".part")
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "rows.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        con = duckdb.connect()
        try:
            if rows:
                con.execute(f"COPY (SELECT * FROM read_json('{src}', format='newline_delimited', columns={spec})) "
                            f"TO '{tmp}' (FORMAT parquet)")
            else:
                select = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in types.items())
                con.execute(f"COPY (SELECT {select} WHERE FALSE) TO '{tmp}' (FORMAT parquet)")
        finally:
            con.close()
    os.replace(tmp, output)


@main.command(cls=BareBackgroundCommand)
@db_option
@event_filter_options
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl"]), required=True,
              help="parquet: pandas reads it only with pyarrow installed (see above); csv; jsonl.")
@click.option("--profile", type=click.Choice(["native", "gdelt", "icews", "polecat"]), default="native",
              show_default=True, help="Column layout: dyadscope's own records, or GDELT 2.0 / ICEWS / POLECAT "
                                      "column names (docs/ANALYSIS.md).")
@click.option("--what", type=click.Choice(["events", "documents"]), default="events", show_default=True)
@click.option("-o", "--output", required=True, metavar="FILE", callback=_writable,
              help="File to write; - for stdout (csv, jsonl).")
@click.option("--no-header", is_flag=True, help="CSV without the header row (as GDELT's own files).")
@click.option("--reports", is_flag=True, help="Events: every coded report instead of one record per event.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="At most this many records (the oldest first, as dyadscope events lists them).")
def export(db, fmt, profile, what, output, no_header, reports, limit, **filters):
    """Write events (filtered as by dyadscope events) or documents to a Parquet, CSV or
    JSONL file, in dyadscope's record format or a GDELT, ICEWS or POLECAT layout.

    Reading Parquet: pandas.read_parquet needs pyarrow, which dyadscope does not install
    (pip install pyarrow); without it, duckdb.read_parquet("events.parquet").df() gives
    the DataFrame (DuckDB comes with dyadscope), and polars reads it too
    (docs/ANALYSIS.md)."""
    from .export import write_events

    store = open_store(db, read_only=True)
    if what == "documents":
        if profile != "native" or any(v for v in filters.values()):
            fail("--profile and the event filters apply to events only", "drop them, or use --what events")
        records = [doc_record(store.document(r["doc_id"])) for r in store.documents(limit)]
        n = _write_documents(records, fmt, output, not no_header)
    else:
        if profile != "native" and not filters.get("modality"):
            # these layouts have no column for modality: a denial or a plan would read as done
            filters["modality"] = COUNTED_MODALITY
            click.echo(f"Asserted events only: the {profile} layout cannot say that an act was denied, "
                       "only possible or planned (--modality all for every event).", err=True)
        if profile != "native" and filters.get("background") is None:
            # nor that an event is history a report recalls: a 1949 treaty would read as news
            filters["background"] = "hide"
            click.echo(f"Background history hidden: the {profile} layout cannot mark an event as history a "
                       "report recalls (--background show for every event).", err=True)
        f = _event_filter(store=store, **filters)
        where, params = f.where()
        records = store.events(where, params, limit=limit, reports=reports)
        try:
            n = write_events(records, output, fmt, profile, header=not no_header)
        except ValueError as exc:
            fail(str(exc))
        if not records:
            say_nowhere(store, f)
    store.close()
    click.echo(f"Wrote {n} {'reports' if reports and what == 'events' else what} to {output}"
               f"{f' ({profile} profile)' if what == 'events' else ''}", err=True)


def _write_documents(records: list[dict], fmt: str, output: str, header: bool) -> int:
    import csv
    import os
    import tempfile

    from .cli import _flat

    if fmt == "parquet":
        import duckdb

        tmp = Path(output).with_name(Path(output).name + ".part")
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / "records.jsonl"
            src.write_text("".join(dumps(r) + "\n" for r in records), encoding="utf-8")
            con = duckdb.connect()
            if records:
                con.execute(f"COPY (SELECT * FROM read_json_auto('{src}', format='newline_delimited')) "
                            f"TO '{tmp}' (FORMAT parquet)")
            else:
                con.execute(f"COPY (SELECT NULL AS doc_id WHERE FALSE) TO '{tmp}' (FORMAT parquet)")
            con.close()
        os.replace(tmp, output)
        return len(records)
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")
    try:
        if fmt == "jsonl":
            for r in records:
                out.write(dumps(r) + "\n")
        else:
            flat = [_flat(r) for r in records]
            writer = csv.DictWriter(out, fieldnames=list(dict.fromkeys(k for r in flat for k in r)))
            if header:
                writer.writeheader()
            writer.writerows(flat)
    finally:
        if out is not sys.stdout:
            out.close()
    return len(records)
