"""The store as an analyst reads it: ``dyadscope.open(path)``.

``events(...)`` and ``series(...)`` take the same filters, under the same names, as
``dyadscope events`` / ``dyadscope series`` and ``/api/events`` / ``/api/series`` (they
build one :class:`dyadscope.query.EventFilter` through ``query.event_filter``) and return
pandas DataFrames (the ``analysis`` extra), or plain records with ``as_records=True``.
"""

from __future__ import annotations

from .export import EVENT_COLUMNS, flatten
from .query import COUNTED_MODALITY, check_story, event_filter, nowhere_note, parse_modality
from .series import counts_nothing, series as _series
from .store import Store


def _pandas():
    try:
        import pandas
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError("DataFrames need pandas: pip install 'dyadscope[analysis]' "
                          "(or pass as_records=True for plain records)") from None
    return pandas


class EventStore:
    """A dyadscope store opened read-only for analysis (a context manager)."""

    def __init__(self, path=None):
        self._store = Store(path, read_only=True)
        self.path = self._store.path

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def events(self, *, dyad=None, actor=None, directed=False, country=None, sector=None, type=None,
               quad_class=None, modality=None, background=True, since=None, until=None, story=None,
               min_confidence=None, reports=False, limit=None, as_records=False):
        """Deduplicated events (``reports=True``: every coded report), oldest first.

        A DataFrame with one row per event and the record's fields as flat columns
        (``source_country``, ``target_name``, ...; ``date`` and ``published`` as dates,
        ``doc_ids`` and ``mentions`` as lists), or with ``as_records=True`` the stable
        nested records of docs/SCHEMA.md."""
        f = event_filter(dyad=dyad, actor=actor, directed=directed, country=country, sector=sector, type=type,
                         quad_class=quad_class, modality=modality, background=background, since=since,
                         until=until, story=story, min_confidence=min_confidence)
        check_story(self._store.query, story)
        where, params = f.where()
        records = self._store.events(where, params, limit=limit, reports=reports)
        if not records:
            self._warn_nowhere(f)
        if as_records:
            return records
        pd = _pandas()
        df = pd.DataFrame([flatten(r, keep_lists=True) for r in records], columns=EVENT_COLUMNS)
        for col in ("date", "published"):
            df[col] = pd.to_datetime(df[col], format="%Y-%m-%d")
        return df

    def series(self, dyad=None, *, interval="month", directed=False, one_a_day=False, background=False,
               actor=None, country=None, sector=None, type=None, quad_class=None, modality=None, since=None,
               until=None, story=None, min_confidence=None, reports=False, as_records=False):
        """Counts per period from ``since`` (else the first dated event) to ``until`` (else
        the last), zero-filled (see
        :func:`dyadscope.series.series`); background events are left out unless
        ``background=True``, and only asserted events count unless ``modality`` says otherwise
        (``"all"`` counts every modality). A DataFrame indexed by ``period`` (its ``attrs`` hold
        ``undated``, and ``coarse``: events dated less precisely than the interval, in no period),
        or with ``as_records=True`` the dict the CLI and /api/series give."""
        f = event_filter(dyad=dyad, actor=actor, directed=directed, country=country, sector=sector, type=type,
                         quad_class=quad_class, modality=parse_modality(modality, COUNTED_MODALITY),
                         background=background, since=since, until=until, story=story,
                         min_confidence=min_confidence, dated_only=False)
        check_story(self._store.query, story)
        result = _series(self._store.query, f, interval, reports=reports, one_a_day=one_a_day)
        if counts_nothing(result):
            self._warn_nowhere(f)
        if as_records:
            return result
        pd = _pandas()
        df = pd.DataFrame(result["rows"], columns=result["columns"])
        df["period"] = pd.to_datetime(df["period"], format="%Y-%m-%d")
        df = df.set_index("period")
        df.attrs.update({k: result[k] for k in ("interval", "undated", "coarse", "first", "last", "total")})
        return df

    def _warn_nowhere(self, f) -> None:
        """An empty answer because a name matches no stored event is said, not left silent."""
        note = nowhere_note(self._store.query, f)
        if note:
            import warnings

            warnings.warn(note, UserWarning, stacklevel=3)

    def sql(self, sql: str, params: list | None = None):
        """Any read-only SQL on the store (tables and the ``unique_events`` view of
        docs/SCHEMA.md) as a DataFrame."""
        return self._store.con.execute(sql, params or []).df()
