"""The coder and resolver as filters, ``dyadscope code`` and ``dyadscope resolve`` (JSONL
in, JSONL out, no store), and ``dyadscope recode``, registered on the ``cli`` group.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli import _progress, actors_option, db_option, load_kb, main, needs_model, open_store
from .store import dumps


# -- coder and resolver as filters --------------------------------------------------
class _JsonlLines:
    """``(line number, object)`` per line of a JSONL file or stdin.

    A line that is not UTF-8, not JSON, or not an object with a "text" string is reported
    with its file and line number and counted in ``failed``; the rest go on. The date is
    "date", else "published"; with ``as_ingest`` (``dyadscope code``), the field ingest reads
    (``read._date_source``: "published", else "date"), so that one file gives the same dates
    in both commands. One that is not a date is reported too, and the line is coded undated
    (as ingest does).
    """

    def __init__(self, path: str, *, as_ingest: bool = False):
        self.path = path
        self.as_ingest = as_ingest
        self.failed = 0
        if path != "-":
            _check_input(path)

    def __iter__(self):
        from .dates import is_future, parse_published
        from .read import _date_source, decode_json_line

        name = "<stdin>" if self.path == "-" else self.path
        fh = sys.stdin.buffer if self.path == "-" else open(self.path, "rb")
        with fh:
            for lineno, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                obj, problem = decode_json_line(raw)
                if problem is not None:
                    self._fail(name, lineno, problem)
                    continue
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    self._fail(name, lineno, 'each line must be an object with a "text" string')
                    continue
                if self.as_ingest:
                    field = _date_source(obj)
                else:
                    field = "published" if obj.get("date") is None and obj.get("published") is not None else "date"
                if field != "date":
                    obj = {**obj, "date": obj.get(field)}
                date = obj.get("date")
                if isinstance(date, int) and not isinstance(date, bool):
                    date = str(date)  # as ingest reads a number (20240209)
                    obj = {**obj, "date": date}
                if date is not None and (not isinstance(date, str) or parse_published(date) is None):
                    what = "is in the future" if isinstance(date, str) and is_future(date) else "is not a date"
                    shown = repr(date[:40]) if isinstance(date, str) else json.dumps(date)[:48]
                    click.echo(f"warning: {name}:{lineno}: \"{field}\" {what}: {shown}; "
                               "coded without it", err=True)
                    obj = {**obj, "date": None}
                yield lineno, obj

    def _fail(self, name: str, lineno: int, why: str) -> None:
        click.echo(f"error: {name}:{lineno}: {why}", err=True)
        self.failed += 1


def _check_input(path: str) -> None:
    p = Path(path)
    if not p.exists():
        raise click.ClickException(f"{path}: no such file")
    if p.is_dir():
        raise click.ClickException(f"{path}: is a folder; --input takes one JSONL file (ingest reads folders)")
    if not p.is_file():
        raise click.ClickException(f"{path}: not a regular file")
    with open(p, "rb") as fh:
        head = fh.read(8192)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # PowerShell's ">" writes UTF-16
        raise click.ClickException(f"{path}: UTF-16 text; --input reads UTF-8 JSONL "
                                   f"(convert it, e.g. iconv -f UTF-16 -t UTF-8 {path})")
    if b"\0" in head:  # one message, not one per line of a binary file
        raise click.ClickException(f"{path}: binary file (contains NUL bytes); --input takes a JSONL file")
    if not head.strip():
        click.echo(f"warning: {path}: empty file, nothing to code", err=True)


def _open_output(output_path: str | None, input_path: str | None = None):
    """The output stream, opened before any work so that a bad path fails at once. An output
    that is the input file itself (by any path) is refused: opening it would empty it."""
    if output_path in (None, "-"):  # as for --input: - is the standard stream
        return None
    if input_path not in (None, "-") and Path(output_path).exists() and Path(output_path).samefile(input_path):
        raise click.ClickException(f"--output {output_path} is the input file itself; writing there would "
                                   "erase the input: choose another output file")
    try:
        return open(output_path, "w", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output_path}: {exc.strerror}") from None


def _write_jsonl(records, out) -> None:
    """Write ``records`` to ``out`` (an open file, closed at the end) or stdout (None)."""
    stream = out or sys.stdout
    try:
        for rec in records:
            stream.write(dumps(rec) + "\n")
    finally:
        if out is not None:
            out.close()
        else:
            stream.flush()


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
                   "confidence <= 0.1), and code documents the coder finds not about politics. "
                   "By default the output is exactly what ingest stores.")
@needs_model
def code(input_path, output_path, actor_files, all_events):
    """Code events without a store. Input lines: {"id", "text", "published" or "date" (optional;
    "published" when a line has both, as ingest reads it)};
    output: one {"id", "events", "about_politics"} line per document, in input order (a line
    without "id" is named by its line number). "about_politics" is the coder's probability
    that the document is about politics: under its threshold, no events; null for an input of
    fewer than three sentences, which is not checked. A malformed line is reported on stderr, naming file and
    line, and gives no output line: join by "id", not by line number."""
    from .api import code_many

    lines = _JsonlLines(input_path, as_ingest=True)
    out = _open_output(output_path, input_path)
    kb = load_kb(actor_files)
    items = [(obj.get("id", n), obj["text"], obj.get("date")) for n, obj in lines]
    _write_jsonl(code_many(items, kb=kb, all_events=all_events), out)
    sys.exit(1 if lines.failed else 0)


@main.command()
@input_option
@output_option
@actors_option
def resolve(input_path, output_path, actor_files):
    """Resolve actor phrases. Input lines: {"id", "text", "context", "date"} (last two optional);
    output: {"id", "country", "sector", "actor_id", "name", "method"} per phrase (a line
    without "id" is named by its line number; a malformed line is reported on stderr)."""
    from .api import resolve_text

    lines = _JsonlLines(input_path)
    out = _open_output(output_path, input_path)
    kb = load_kb(actor_files)
    records = (
        {"id": obj.get("id", n), **resolve_text(obj["text"], obj.get("context"), obj.get("date"), kb=kb)}
        for n, obj in lines
    )
    _write_jsonl(records, out)
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
