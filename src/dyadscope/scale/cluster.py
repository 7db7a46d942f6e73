"""The ingest on a Dask cluster: workers read, clean, parse, code and sketch partitions.

Two destinations:

* the DuckDB store (``ingest_to_store``): partition results come back to the calling
  process, which writes them in input order, in the same batches, with the same copy and
  story trackers as the single-machine ingest; so the store is the one that ingest writes,
  and it never holds half a document.
* a Parquet dataset (``ingest_to_dataset``): each worker writes its partitions itself
  (dataset.py), then copy detection and story grouping run as Dask jobs (passes.py).

A worker that dies takes its running partition with it; the scheduler runs that
partition again on another worker (a nanny restarts the dead one, and the plugin loads
the model into it again). Nothing is lost: results are only kept once a partition is done.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections import deque
from dataclasses import replace
from typing import Callable

from . import ScaleError, partitions, require_dask
from .. import pipeline
from ..models import RawDoc
from ..read import ReadProblem

# Partitions in flight per worker: enough that a worker never waits for the next one while
# the calling process writes, few enough that results held for in-order writing stay small.
INFLIGHT_PER_WORKER = 3
# Runs of one partition the scheduler may lose to dying workers before giving up on it.
ALLOWED_FAILURES = 4


MAX_LOCAL_WORKERS = 64  # as --processes


def is_local(spec: str) -> bool:
    """``local`` or ``local:N``: a cluster started here (not ``localhost:8786``, a scheduler)."""
    return spec == "local" or spec.startswith("local:")


def connect(spec: str, quiet: bool = True):
    """A ``distributed.Client``: ``local:N`` starts N single-threaded worker processes here;
    ``tcp://host:8786`` (or any scheduler address) joins a running cluster."""
    require_dask()
    import dask
    from distributed import Client, LocalCluster

    dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES})
    if is_local(spec):
        # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 so that freed memory
        # goes back to the system at once; for the parse's many short-lived allocations that
        # costs time (one process, 190 bench documents: ~7% for the ingest, ~30% for bare
        # spaCy). Our workers' memory is steady (models loaded once), so glibc's own trimming
        # is kept; the nanny's other settings (one BLAS/OpenMP thread) stay.
        environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
        environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        dask.config.set({"distributed.nanny.pre-spawn-environ": environ})
        # The scheduler runs in this process, whose main thread also writes the store: with
        # Dask's default queuing a worker gets its next partition only when the scheduler
        # answers. Ingest already bounds what is in flight (INFLIGHT_PER_WORKER), so
        # partitions go to the workers as soon as they are submitted.
        dask.config.set({"distributed.scheduler.worker-saturation": float("inf")})
        _, _, n = spec.partition(":")
        try:
            workers = int(n) if n else pipeline.default_processes()
        except ValueError:
            raise ScaleError(f"--cluster {spec!r}: give local:N with N workers, e.g. local:4") from None
        if not 1 <= workers <= MAX_LOCAL_WORKERS:
            raise ScaleError(f"--cluster local:N needs 1 <= N <= {MAX_LOCAL_WORKERS} (one process each, "
                             "~0.7 GB apiece); for more, start a cluster and give its scheduler's address")
        try:
            import bokeh  # noqa: F401  (the dashboard needs it)
            dashboard = ":0"
        except ImportError:
            dashboard = None
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=dashboard, silence_logs=logging.ERROR)
        return Client(cluster)
    if "://" not in spec:
        if not re.fullmatch(r"[\w.-]+:\d+", spec):
            raise ScaleError(f"--cluster {spec!r}: give local:N or a scheduler address like tcp://host:8786")
        spec = f"tcp://{spec}"  # host:port, as Dask's own tools take it
    try:
        return Client(spec, timeout="20s")
    except OSError as exc:
        raise ScaleError(f"cannot reach the Dask scheduler at {spec}: {exc}") from None
    except ValueError as exc:  # an address Dask cannot read ("unknown address scheme")
        raise ScaleError(f"--cluster {spec!r}: {exc}; give local:N or a scheduler address like "
                         "tcp://host:8786") from None


def dashboard_link(client) -> str | None:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return None
    return client.dashboard_link


class ModelPlugin:
    """Loads the spaCy model and the actor base once in each worker (and again in a worker
    restarted after a crash), before it runs any partition."""

    name = "dyadscope-model"

    def __init__(self, settings: pipeline.Settings):
        self.settings = settings

    def setup(self, worker=None) -> None:
        _ensure_loaded(self.settings)

    def teardown(self, worker=None) -> None:
        pass


def _ensure_loaded(settings: pipeline.Settings) -> None:
    """The cached module-level loader behind the plugin (a task may also meet a worker that
    joined without it, e.g. one started by hand against the scheduler)."""
    if pipeline._WORKER.get("settings") != settings:
        pipeline._worker_init(settings)
        pipeline._WORKER["settings"] = settings


def register(client, settings: pipeline.Settings) -> None:
    from distributed.diagnostics.plugin import WorkerPlugin

    plugin = type("DyadscopeModel", (ModelPlugin, WorkerPlugin), {})(settings)
    client.register_plugin(plugin, name=ModelPlugin.name)


def process_partition(part: partitions.Partition, fmt, max_bytes: int, settings: pipeline.Settings) -> list:
    """Read and process one partition (in a worker): its items in input order, each a
    ``ReadProblem`` or ``(RawDoc, DocRecord | None, skip reason | None)``."""
    _ensure_loaded(settings)
    items = partitions.read_partition(part, fmt, max_bytes, date_field=settings.date_field,
                                      default_date=settings.default_date)
    raws, ids = [], set()
    for it in items:  # the same document twice in one partition is processed once
        if isinstance(it, RawDoc) and it.doc_id not in ids:
            ids.add(it.doc_id)
            raws.append(it)
    records, skipped = pipeline._worker_process(raws)
    by_id = {rec.clean.doc_id: rec for rec in records}
    why = {raw.doc_id: reason for raw, reason in skipped}
    return [it if isinstance(it, ReadProblem) else (it, by_id.get(it.doc_id), why.get(it.doc_id)) for it in items]


def _submit_all(client, plan, submit: Callable, on_result: Callable, on_planned: Callable, workers: int) -> None:
    """Submit partitions as they are planned, keeping a bounded number in flight, and hand
    each result to ``on_result`` in input order."""
    inflight: deque = deque()
    for part in plan:
        inflight.append((part, submit(part)))
        on_planned(part)
        while len(inflight) > INFLIGHT_PER_WORKER * max(1, workers):
            done, fut = inflight.popleft()
            on_result(done, fut.result())
    on_planned(None)
    while inflight:
        done, fut = inflight.popleft()
        on_result(done, fut.result())


def n_workers(client) -> int:
    return len(client.scheduler_info().get("workers", {})) or 1


class Progress:
    """Partitions done of those planned so far (the total is known once the input is
    listed, and the ETA with it), documents, and the dashboard link."""

    def __init__(self, quiet: bool, link: str | None):
        self.bar = None
        if not quiet:
            from tqdm import tqdm

            self.bar = tqdm(unit="part", desc="partitions", dynamic_ncols=True, disable=None,
                            file=sys.stderr)
            if link:
                self.bar.write(f"Dask dashboard: {link}", file=sys.stderr)
        self.planned = 0
        self.docs = 0
        self.shown = False  # a bar was shown and is closed

    def planned_one(self, part) -> None:
        if self.bar is None:
            return
        if part is None:  # the whole input is listed: the total is known
            self.bar.total = self.planned
        else:
            self.planned += 1
            if self.bar.total is not None and self.planned > self.bar.total:
                self.bar.total = self.planned
        self.bar.refresh()

    def count_ahead(self, paths, fmt, max_bytes: int, docs_per_part: int, written=None) -> None:
        """List the input once more in a background thread, only to count its partitions,
        so the total and the ETA show long before the last partition is submitted (the
        submitting loop lists lazily, a few partitions ahead of the workers)."""
        if self.bar is None or "-" in paths:
            return
        import threading

        def count() -> None:
            n = sum(1 for _ in partitions.plan(paths, fmt, max_bytes, docs_per_part, written=written))
            bar = self.bar  # once: close() may set it to None meanwhile
            if bar is not None and bar.total is None:
                bar.total = n
                bar.refresh()

        threading.Thread(target=count, name="dyadscope-count", daemon=True).start()

    def done(self, docs: int) -> None:
        self.docs += docs
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.docs} docs", refresh=False)
            self.bar.update(1)

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        elif self.shown:  # after the bar, lines go on under it
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar, self.shown = None, True


def ingest_to_store(client, store, paths, fmt, max_bytes: int, settings: pipeline.Settings,
                    on_problem=lambda line: None, progress: Progress | None = None,
                    docs_per_part: int = partitions.PARTITION_DOCS, stdin=None) -> pipeline.IngestReport:
    """The single-machine ingest's result, with the processing done by Dask workers."""
    report = pipeline.IngestReport()
    started = time.perf_counter()
    seen: set[str] = set()
    tracker = pipeline.CopyTracker(store)
    story_tracker = pipeline.StoryTracker(store)
    settings = replace(settings, processes=1)
    register(client, settings)
    progress = progress or Progress(True, None)
    buffer: list[tuple] = []
    written: list[str] = []  # documents stored by this run, for the closing tally

    def flush() -> None:
        batch = [raw for raw, _, _ in buffer]
        result = {raw.doc_id: (rec, why) for raw, rec, why in reversed(buffer)}  # first occurrence wins
        buffer.clear()
        todo = pipeline._select(store, batch, report, seen)
        records = [result[r.doc_id][0] for r in todo if result[r.doc_id][0] is not None]
        for raw in todo:
            reason = result[raw.doc_id][1]
            if reason is not None:
                report.skip(raw, reason)
                on_problem(f"skipped {raw.path}: {reason}")
        store.write_batch(records)
        story_tracker.update(tracker.update(), every=pipeline.STORY_EVERY_BATCHES)
        report.reports += sum(len(rec.events) for rec in records)
        report.off_topic += sum(rec.off_topic for rec in records)
        written.extend(rec.clean.doc_id for rec in records)

    def on_result(part, items) -> None:
        docs = 0
        for item in items:
            if isinstance(item, ReadProblem):
                _problem(item, report, on_problem)
                continue
            buffer.append(item)
            docs += 1
            if len(buffer) >= settings.batch_docs:
                flush()
        progress.done(docs)

    def submit(part):
        return client.submit(process_partition, part, fmt, max_bytes, settings, pure=False,
                             key=f"dyadscope-part-{part.index}-{time.time_ns()}")

    plan = partitions.plan(paths, fmt, max_bytes, docs_per_part, stdin=stdin, date_field=settings.date_field,
                           default_date=settings.default_date)
    progress.count_ahead(paths, fmt, max_bytes, docs_per_part)
    _submit_all(client, plan, submit, on_result, progress.planned_one, n_workers(client))
    if buffer:
        flush()
    story_tracker.update()
    report.add_tally(store.tally(written))
    report.seconds = time.perf_counter() - started
    return report


def _problem(item: ReadProblem, report: pipeline.IngestReport, on_problem) -> None:
    """As ``pipeline._batches`` reports a problem."""
    if item.fatal:
        report.failed.append((item.path if item.line is None else f"{item.path}:{item.line}", item.reason))
        on_problem(f"error: {item}")
    else:
        report.warnings.append(str(item))
        on_problem(f"warning: {item}")


def dataset_partition(part: partitions.Partition, fmt, max_bytes: int, settings: pipeline.Settings,
                      root: str) -> dict:
    """Read, process and write one partition of a dataset (in a worker); returns its tally."""
    from . import dataset

    done = dataset.part_dirs(root).get(part.index)
    if done is not None:
        return json.loads((done / "part.json").read_text(encoding="utf-8"))
    items = process_partition(part, fmt, max_bytes, settings)
    seen: set[str] = set()
    records, summary = [], {"new": 0, "already": 0, "skipped": [], "problems": [], "events": 0, "off_topic": 0,
                            "input": partitions.fingerprint(part, max_bytes)}
    for item in items:
        if isinstance(item, ReadProblem):
            summary["problems"].append([item.path, item.reason, item.line, item.fatal])
            continue
        raw, rec, why = item
        if raw.doc_id in seen:
            summary["already"] += 1
            continue
        seen.add(raw.doc_id)
        if why is not None:  # a skipped document is counted as skipped, not as new
            summary["skipped"].append([raw.path, why])
        else:
            summary["new"] += 1
            if rec is not None:
                records.append(rec)
                summary["events"] += len(rec.events)
                summary["off_topic"] += rec.off_topic
    return dataset.write_part(root, part.index, records, summary)


def ingest_to_dataset(client, root, paths, fmt, max_bytes: int, settings: pipeline.Settings,
                      on_problem=lambda line: None, progress: Progress | None = None,
                      docs_per_part: int = partitions.PARTITION_DOCS, stdin=None) -> pipeline.IngestReport:
    """Workers write the partitions of a Parquet dataset; then the global passes run."""
    from . import dataset, passes

    if "-" in paths:
        raise ScaleError("--dataset reads files and folders that every worker can open; stdin (-) is not one")
    report = pipeline.IngestReport()
    started = time.perf_counter()
    settings = replace(settings, processes=1)
    plan_key = {"inputs": [os.path.abspath(p) for p in paths], "format": fmt, "max_bytes": max_bytes,
                "partition_docs": docs_per_part, "actors": list(settings.actor_files), "embed": settings.embed,
                "date_field": settings.date_field, "default_date": settings.default_date}
    dataset.create(root, plan_key)
    root = os.path.abspath(root)
    register(client, settings)
    progress = progress or Progress(True, None)
    done = set(dataset.part_dirs(root))

    def submit(part):
        if part.index in done:  # written by an earlier run of this job
            summary = dataset_partition(part, fmt, max_bytes, settings, root)
            before = summary.get("input")  # None: written before inputs were fingerprinted
            changed = before and partitions.same_input(before, partitions.fingerprint(part, max_bytes))
            if changed:
                raise ScaleError(f"{root}: the input changed since this dataset was written ({changed}, "
                                 f"partition {part.index}). A dataset carries on over lines appended to the "
                                 "last file of its input, not over other changes: ingest the changed input "
                                 "into a store, which skips the documents it holds, or into a new "
                                 "--dataset folder and dyadscope merge both into a store")
            return _Done(summary)
        return client.submit(dataset_partition, part, fmt, max_bytes, settings, root, pure=False,
                             key=f"dyadscope-dpart-{part.index}-{time.time_ns()}")

    def on_result(part, summary) -> None:
        for path, reason, line, fatal in summary["problems"]:
            _problem(ReadProblem(path, reason, line, fatal), report, on_problem)
        for path, why in summary["skipped"]:
            report.skipped.append((path, why))
            on_problem(f"skipped {path}: {why}")
        if part.index in done:  # written by an earlier run: nothing of it is new now
            report.already += summary["new"] + summary["already"]
        else:
            report.new += summary["new"]
            report.already += summary["already"]
            report.reports += summary["events"]
            report.off_topic += summary.get("off_topic", 0)  # parts written before it was counted lack it
        progress.done(summary["new"])

    # The partitions written before end where they ended, full or not: lines appended since to
    # the file a partition read last make new partitions instead of changing that one.
    written = {k: json.loads((d / "part.json").read_text(encoding="utf-8")).get("input")
               for k, d in dataset.part_dirs(root).items()}
    written = {k: pieces for k, pieces in written.items() if pieces}
    plan = partitions.plan(paths, fmt, max_bytes, docs_per_part, written=written)
    progress.count_ahead(paths, fmt, max_bytes, docs_per_part, written=written)
    _submit_all(client, plan, submit, on_result, progress.planned_one, n_workers(client))
    progress.close()  # the partitions are done: the passes' lines go under the finished bar
    progress.write("global passes: copies, then stories")
    # a document in two partitions is kept once; those found in this run's partitions are not new
    twice = sum(1 for part in passes.run(client, root, log=progress.write) if part not in done)
    import shutil

    shutil.rmtree(os.path.join(root, "_tmp"), ignore_errors=True)  # what killed workers left half-written
    report.new -= twice
    report.already += twice
    with dataset.DatasetStore(root, read_only=True) as ds:  # what this run added, as the store's summary says it
        report.add_tally(ds.tally_where(f"(seq >> {dataset.SEQ_BITS}) NOT IN (SELECT unnest(?))",
                                        [sorted(done) or [-1]]))
    report.seconds = time.perf_counter() - started
    return report


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def run(spec: str, paths: list[str], fmt, max_bytes: int, settings: pipeline.Settings, *, store=None,
        dataset_dir: str | None = None, quiet: bool = False, on_problem=None,
        docs_per_part: int | None = None) -> pipeline.IngestReport:
    """``dyadscope ingest --cluster``: into ``store``, or workers write ``dataset_dir``.
    Partitions hold ``docs_per_part`` documents (default $DYADSCOPE_PARTITION_DOCS, else 32)."""
    if docs_per_part is None:
        raw = os.environ.get("DYADSCOPE_PARTITION_DOCS", "")
        try:
            docs_per_part = int(raw) if raw else partitions.PARTITION_DOCS
        except ValueError:
            raise ScaleError(f"DYADSCOPE_PARTITION_DOCS={raw!r}: give a number of documents, e.g. 1000") from None
        if docs_per_part < 1:
            raise ScaleError("DYADSCOPE_PARTITION_DOCS must be at least 1")
    client = connect(spec)
    progress = Progress(quiet, dashboard_link(client))
    say = on_problem or progress.write
    try:
        if dataset_dir is not None:
            return ingest_to_dataset(client, dataset_dir, paths, fmt, max_bytes, settings, say, progress,
                                     docs_per_part)
        return ingest_to_store(client, store, paths, fmt, max_bytes, settings, say, progress, docs_per_part)
    finally:
        progress.close()
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()
