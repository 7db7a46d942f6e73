"""The DuckDB store: documents, what cleaning removed, sentences, entities, actors, events.

One ``Store`` holds one connection. Each batch of documents is written in a single
transaction, so a run killed mid-ingest leaves only whole documents behind and the next
run carries on. The schema is versioned in the ``meta`` table; see docs/SCHEMA.md.

The package: ``schema`` (tables, version, migrations, errors), ``write`` (batches, the
trackers' reads and writes), ``read`` (records back); ``Store`` itself, opening a file and
checking or migrating its schema, is here.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb

# DuckDB tries `import pandas` for every parameter it binds; when pandas is not installed
# each failed import walks sys.path again (~3 ms a statement here). Recording the absence
# once makes later attempts fail at once; nothing changes where pandas is installed.
if importlib.util.find_spec("pandas") is None:
    sys.modules.setdefault("pandas", None)

from .read import _Reading, doc_record, dumps, event_record  # noqa: E402,F401
from .schema import (  # noqa: E402,F401
    DEFAULT_DB, DERIVED, EVENTS_ONLY, MIGRATIONS, QUAD_CLASS_FIX, SCHEMA, SCHEMA_VERSION, SKETCHES_TABLE,
    STORIES_TABLES, UNIQUE_EVENTS_VIEW, StoreError, StoreLocked,
)
from .write import DocRecord, _json_rows, _Writing, ev_dict  # noqa: E402,F401


def default_db_path() -> str:
    return os.environ.get("DYADSCOPE_DB") or DEFAULT_DB


def _lock_holder(message: str) -> str:
    """Who holds a DuckDB file's lock, in words: DuckDB's message names the process id, and
    the system (Linux) shows that process's command line."""
    found = re.search(r"PID (\d+)", message)
    if not found:
        return "another process"
    pid = found.group(1)
    try:
        argv = [a.decode("utf-8", "replace") for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        argv = []
    program = next((i for i, a in enumerate(argv) if Path(a).name in ("dyadscope", "dyadscope.cli")), None)
    if program is not None:
        sub = next((a for a in argv[program + 1:] if not a.startswith("-")), "")
        return f"another process (PID {pid}: dyadscope {sub})".replace(" )", ")")
    if argv:
        return f"another process (PID {pid}: {' '.join(' '.join(argv).split())[:80]})"
    return f"another process (PID {pid})"


def _duckdb_or_empty(path: str) -> bool:
    """Whether ``path`` is missing, empty or a DuckDB database file (its header's magic
    bytes), so that opening it cannot misread an input file given as --db."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError:  # missing, a folder, unreadable: DuckDB's own error says why
        return True
    return not head or head[8:12] == b"DUCK"


class Store(_Writing, _Reading):
    """A dyadscope DuckDB file. ``read_only`` stores never migrate or write.

    A folder holding a Parquet dataset (``ingest --dataset``) opens as a read-only
    ``scale.dataset.DatasetStore`` with the same methods."""

    def __new__(cls, path: str | os.PathLike | None = None, read_only: bool = False):
        if cls is Store and os.path.isdir(path or default_db_path()):
            from ..scale.dataset import DatasetStore

            return super().__new__(DatasetStore)
        return super().__new__(cls)

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool = False):
        self.path = str(path or default_db_path())
        self.read_only = read_only
        if self.path.endswith(("/", os.sep)) and not os.path.isdir(self.path):
            raise StoreError(f"no folder {self.path}: a store is a file (--db news.duckdb), a dataset a folder "
                             "that ingest --dataset writes")
        if read_only and not Path(self.path).exists():
            raise StoreError(f"no store at {self.path}; create one with: dyadscope ingest PATH --db {self.path}")
        if not _duckdb_or_empty(self.path):
            raise StoreError(f"{self.path} is not a DuckDB file (is --db naming an input file? a store is a "
                             ".duckdb file that ingest creates)")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreLocked(
                    f"the store {self.path} is in use by {_lock_holder(msg)}; "
                    "wait for it to finish or stop it, or use another file with --db"
                ) from None
            raise StoreError(f"cannot open {self.path}: {msg}") from None
        except duckdb.Error as exc:
            raise StoreError(f"{self.path} is not a DuckDB file dyadscope can open (is --db naming an input "
                             f"file? a store is a .duckdb file): {str(exc).splitlines()[0]}") from None
        self._check_schema()
        self.remember_codes()

    # -- schema ---------------------------------------------------------------------
    def _check_schema(self) -> None:
        tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in tables:
            if tables - {"meta"}:
                raise StoreError(f"{self.path} is a DuckDB file but not a dyadscope store; use another --db")
            if self.read_only:
                raise StoreError(f"{self.path} is empty; run dyadscope ingest first")
            self.con.execute(SCHEMA)
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            return
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this dyadscope "
                f"(version {SCHEMA_VERSION}); upgrade with: pip install --upgrade dyadscope"
            )
        if version < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(
                    f"{self.path} has schema version {version}; migrate it to {SCHEMA_VERSION} by "
                    f"opening it for writing once: dyadscope recode --db {self.path}"
                )
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        missing = [v for v in range(version, SCHEMA_VERSION) if v not in MIGRATIONS]
        if missing:
            raise StoreError(
                f"{self.path} has schema version {version} and no migration exists from it; "
                "re-create the store: dyadscope export the events you need, then ingest again into a new --db"
            )
        with self._transaction() as con:
            for v in range(version, SCHEMA_VERSION):
                for stmt in MIGRATIONS[v]:
                    con.execute(stmt)
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def _transaction(self):
        """One transaction: committed when the block ends, rolled back if anything raises
        (a SIGKILL leaves the previous state, so only whole batches are ever stored)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
