"""The coder and resolver as filters, ``dyadscope code`` and ``dyadscope resolve`` (JSONL
in, JSONL out, no store), and ``dyadscope recode``, registered on the ``cli`` group.
"""

from __future__ import annotations

import json
import sys

import click

from .cli import _progress, actors_option, db_option, load_kb, main, needs_model, open_store
from .store import dumps


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
