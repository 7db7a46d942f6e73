"""dyadscope: news text in, explainable political event data out."""

__version__ = "0.1.0"


def open(path=None):  # noqa: A001 - dyadscope.open(path), as sqlite3.connect or duckdb.connect
    """Open a store for analysis, read-only: ``dyadscope.open("dyadscope.duckdb").events(...)``
    (see :class:`dyadscope.analysis.EventStore`)."""
    from .analysis import EventStore

    return EventStore(path)
