"""Scale-out: the same ingest on a Dask cluster (``dyadscope ingest --cluster``).

* ``partitions``: the input cut into partitions as it is listed, never read whole first;
  workers read their own partitions.
* ``cluster``: connecting to or starting a Dask cluster, the worker plugin that loads the
  model and the actor base once per worker, and the two destinations (the DuckDB store,
  written by the calling process alone, or a Parquet dataset written by the workers).
* ``dataset``: the partitioned Parquet dataset: one partition's tables, opening a dataset
  as a read-only store, and ``merge`` into a store.
* ``passes``: copy detection and story grouping as Dask jobs over a dataset.

Dask is the optional ``dask`` extra; nothing here is imported by the single-machine path.
See docs/SCALE.md.
"""

from __future__ import annotations

INSTALL_HINT = "install the dask extra: pip install 'dyadscope[dask]' (in this repository: make install)"


class ScaleError(Exception):
    """A scale-out problem the user can fix; the message says how."""


def require_dask() -> None:
    """Raise ``ScaleError`` with the install command when dask.distributed is missing."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise ScaleError(f"--cluster needs dask.distributed, which is not installed; {INSTALL_HINT}") from None
