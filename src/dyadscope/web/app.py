"""The FastAPI application: HTML pages and a JSON API over one read-only store.

Pages and API endpoints call the same view functions (``views.py``), so every page has a
JSON twin under ``/api/``. Errors share one JSON shape::

    {"error": {"status": 422, "param": "since", "message": "since: expected a date ..."}}

and HTML pages render the same fields through ``error.html``.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Iterator

import duckdb
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..query import COUNTED_MODALITY, FilterError, check_story, event_filter, parse_modality
from ..store import Store, StoreError, StoreLocked
from ..stories import date_span
from . import dyad as dyad_views
from . import views
from .views import MAX_LIMIT, Db, EventQuery, NotFound, QueryTimeout, urls

log = logging.getLogger("dyadscope.web")

HERE = Path(str(resources.files(__package__)))
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT}).")]
IntervalParam = Annotated[str, Query(description="day, week, month (default) or year")]
# Far beyond any store's rows, far below DuckDB's 64-bit OFFSET (2^63 answered 500 before)
MAX_OFFSET = 10**12
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip (pagination), at most {MAX_OFFSET}.")]
StoryParam = Annotated[str | None, Query(description="A story id, or a unique prefix of one "
                                                     "(dyadscope events --story)")]
MinConfidence = Annotated[float | None, Query(ge=0, le=1, description="Only events of at least this confidence "
                                                                     "(0-1: about the share of such events whose "
                                                                     "type is right)")]
CountedModality = Annotated[str | None, Query(description="What counts: asserted (default), negated, "
                                                          "hypothetical, future, or all")]


# Every response: scripts and styles from this server only, no inline script, no plugin,
# no framing, no form posted elsewhere. The charts run Vega's expression interpreter
# (`ast: true` in charts.js), so no 'unsafe-eval' either.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]


class SecurityHeaders:
    """ASGI middleware adding ``SECURITY_HEADERS`` to every HTTP response (errors included)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def http_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) URL, else None: only those become links."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    return v if v.lower().startswith(("http://", "https://")) and len(v) > 8 else None


class ErrorBody(BaseModel):
    status: int
    param: str | None = None
    message: str


class ErrorResponse(BaseModel):
    """The one shape of every error: ``{"error": {status, param, message}}``."""

    error: ErrorBody


ERRORS_422 = {422: {"model": ErrorResponse, "description": "A parameter is invalid or unknown; "
                                                             "`param` names it"}}
ERRORS_404 = {404: {"model": ErrorResponse, "description": "No such item"}, **ERRORS_422}


def reject_unknown_params(request: Request) -> None:
    """A query parameter the endpoint does not take is a 422 naming it (a typo such as
    ``?sinse=`` would otherwise be ignored in silence)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.url.path.startswith("/api/"):
        return
    known = {p.alias for p in _all_query_params(dependant)}
    for key in request.query_params.keys():
        if key not in known:
            raise FilterError(key, f"unknown parameter; this endpoint takes "
                                   f"{', '.join(sorted(known)) or 'no parameters'}")


def _all_query_params(dependant):
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _all_query_params(sub)


# -- opening the store -------------------------------------------------------------------------
def open_read_only(path: str, retries: int = 30, wait_s: float = 2.0) -> Store:
    """Open the store read-only, waiting (with one log line per try) while a writer holds it.

    DuckDB lets several processes read a file, but none while one process writes it. Raises
    StoreError (a one-line message, never a traceback) when the store stays locked.
    """
    for attempt in range(1, retries + 1):
        try:
            return Store(path, read_only=True)
        except StoreLocked as exc:
            if attempt == retries:
                raise StoreError(f"{exc}; gave up after {retries} tries") from None
            log.warning("store %s is locked by a writing process (an ingest?); retrying in %g s (try %d of %d)",
                        path, wait_s, attempt, retries)
            time.sleep(wait_s)
    raise AssertionError("unreachable")


def as_json(body: dict) -> Response:
    """A JSON response serialised in one pass. FastAPI's default encoder walks every nested
    value in Python first, which cost ~90 ms on a page of 1,000 events."""
    return Response(json.dumps(body, ensure_ascii=False, default=_iso), media_type="application/json")


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def get_db(request: Request) -> Iterator[Db]:
    """One cursor per request on the app's shared read-only connection."""
    db = Db(request.app.state.store.con, timeout=request.app.state.query_timeout)
    try:
        yield db
    finally:
        db.close()


DbDep = Annotated[Db, Depends(get_db)]


# -- the app -------------------------------------------------------------------------------------
def create_app(store: Store | str, query_timeout: float = views.QUERY_TIMEOUT_S) -> FastAPI:
    """The web app over ``store`` (a read-only Store, or a path opened read-only here)."""
    if not isinstance(store, Store):
        store = open_read_only(str(store))
    app = FastAPI(
        title="dyadscope",
        version=__version__,
        description="Read-only browser and JSON API over a dyadscope event store. "
                    "Record formats: docs/SCHEMA.md. Errors: {\"error\": {status, param, message}}.",
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN: not offline
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(reject_unknown_params)],
    )
    app.add_middleware(SecurityHeaders)
    app.state.store = store
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.globals.update(urls=urls, quads=views.QUADS, version=__version__, modalities=views.MODALITIES)
    env.filters["tojson_compact"] = lambda v: json.dumps(v, ensure_ascii=False, default=str).replace("</", "<\\/")
    env.filters["fmt_int"] = lambda v: f"{v:,}" if isinstance(v, int) else ("–" if v is None else v)
    env.filters["actor_label"] = _actor_label
    env.filters["http_url"] = http_url
    env.filters["story_dates"] = lambda story: date_span(story, " → ")
    env.filters["signed"] = lambda v: "–" if v is None else f"{v:+.1f}"
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    app.state.query_timeout = query_timeout

    def page(request: Request, name: str, view: dict, **extra: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"v": view, "request": request, **extra})

    # -- errors: one shape for every failure -------------------------------------------------
    def error(request: Request, status: int, message: str, param: str | None = None,
              headers: dict | None = None):
        body = {"error": {"status": status, "param": param, "message": message}}
        if request.url.path.startswith("/api/") or request.url.path == "/api":
            return JSONResponse(body, status_code=status, headers=headers)
        return templates.TemplateResponse(request, "error.html", {"e": body["error"], "request": request},
                                          status_code=status, headers=headers)

    @app.exception_handler(FilterError)
    async def _filter_error(request: Request, exc: FilterError):
        return error(request, 422, str(exc), exc.param)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("query", "path", "body")]
        param = loc[-1] if loc else None
        return error(request, 422, f"{param}: {first.get('msg', 'invalid value')}", param)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):
        return error(request, 404, str(exc))

    @app.exception_handler(QueryTimeout)
    async def _timeout(request: Request, exc: QueryTimeout):
        return error(request, 503, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        # a 405 keeps its Allow header (the methods the path takes)
        return error(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(duckdb.Error)
    async def _db_error(request: Request, exc: duckdb.Error):
        log.error("query failed on %s: %s", request.url.path, exc)
        return error(request, 500, "the store could not answer this query; see the server log")

    def event_query(actor=None, dyad=None, directed=False, since=None, until=None, type=None,
                    modality=None, background=None, story=None, country=None, sector=None, quad_class=None,
                    min_confidence=None, counts: bool = False, db: Db | None = None) -> EventQuery:
        # the library's one constructor, so a parameter means here what it means in the CLI;
        # views that count (the dyad page, series) leave background history out and count
        # asserted events unless asked otherwise, as `dyadscope series` does; a story no
        # story's id starts with is a 404, as on /api/stories/{id}
        f = event_filter(actor=actor, dyad=dyad, directed=directed, since=since, until=until, type=type,
                         modality=parse_modality(modality, COUNTED_MODALITY if counts else None),
                         background=views.parse_background(background, not counts),
                         story=story, country=country, sector=sector, quad_class=quad_class,
                         min_confidence=min_confidence)
        if db is not None:  # a well-formed id: is there such a story?
            check_story(db.query, f.story)
        return f

    # -- JSON API --------------------------------------------------------------------------------
    @app.get("/api", include_in_schema=False)
    @app.get("/api/", include_in_schema=False)
    def api_index() -> dict:
        """What the API offers: each endpoint with its summary, and where its schema is."""
        endpoints = [{"path": r.path, "summary": r.summary} for r in app.routes
                     if getattr(r, "path", "").startswith("/api/") and getattr(r, "summary", None)]
        return {"endpoints": endpoints, "openapi": "/api/openapi.json", "docs": "docs/WEB.md"}

    @app.get("/api/summary", tags=["api"], responses=ERRORS_422,
             summary="Corpus figures, most active dyads, latest stories and documents")
    def api_summary(db: DbDep) -> dict:
        return as_json(views.home(db))

    @app.get("/api/dyads", tags=["api"], responses=ERRORS_422, summary="Country pairs with the most events")
    def api_dyads(db: DbDep, limit: Limit = 20, offset: Offset = 0) -> dict:
        return as_json(views.dyads(db, limit, offset))

    @app.get("/api/dyads/{a}/{b}", tags=["api"], responses=ERRORS_404, summary="The dyad page's data: monthly counts, balance, timeline")
    def api_dyad(db: DbDep, a: str, b: str, directed: bool = False, since: str | None = None,
                 until: str | None = None, type: str | None = None, modality: CountedModality = None,
                 background: str | None = None, story: StoryParam = None, min_confidence: MinConfidence = None,
                 measure: Annotated[str, Query(description="events (deduplicated, default) or reports")] = "events",
                 interval: IntervalParam = "month", limit: Limit = 100, offset: Offset = 0) -> dict:
        q = event_query(directed=directed, since=since, until=until, type=type,
                        modality=modality, background=background, story=story, min_confidence=min_confidence,
                        counts=True, db=db)
        return as_json(dyad_views.dyad(db, a, b, q, measure, limit, offset, interval))

    @app.get("/api/series", tags=["api"], responses=ERRORS_422,
             summary="Counts per period between two actors, zero-filled (as `dyadscope series`)")
    def api_series(db: DbDep, dyad: Annotated[str, Query(description="Two actors, e.g. CHN,PRK")],
                   interval: IntervalParam = "month", directed: bool = False,
                   one_a_day: Annotated[bool, Query(description="One event per day, source, target and "
                                                                "CAMEO code")] = False,
                   background: Annotated[str | None, Query(description="hide (default) or show")] = None,
                   since: str | None = None, until: str | None = None,
                   type: Annotated[str | None, Query(description="PLOVER type or CAMEO prefix")] = None,
                   modality: CountedModality = None, story: StoryParam = None,
                   country: Annotated[str | None, Query(description="Either side's country or IGO code")] = None,
                   sector: Annotated[str | None, Query(description="Either side's sector code (GOV, MIL)")] = None,
                   quad_class: Annotated[str | None, Query(description="1-4, or several: 3,4")] = None,
                   min_confidence: MinConfidence = None,
                   reports: Annotated[bool, Query(description="Count every coded report")] = False,
                   format: Annotated[str, Query(description="json (default) or csv")] = "json"):
        q = event_query(dyad=dyad, directed=directed, since=since, until=until, type=type,
                        modality=modality, background=background, story=story, country=country, sector=sector,
                        quad_class=quad_class, min_confidence=min_confidence, counts=True, db=db)
        if format not in ("json", "csv"):
            raise FilterError("format", f"expected json or csv, got {format!r}")
        view = dyad_views.series_view(db, q, interval, reports=reports, one_a_day=one_a_day)
        if format == "csv":
            name = f"dyadscope-{'-'.join(q.dyad)}-{interval}.csv".replace("/", "_")
            return Response(dyad_views.series_csv(view), media_type="text/csv; charset=utf-8",
                            headers={"content-disposition": f'attachment; filename="{name}"'})
        return as_json(view)

    @app.get("/api/events", tags=["api"], responses=ERRORS_422, summary="Events, filtered as by `dyadscope events`")
    def api_events(db: DbDep, actor: str | None = None,
                   dyad: Annotated[str | None, Query(description="Two actors, e.g. CHN,PRK")] = None,
                   directed: bool = False, since: str | None = None, until: str | None = None,
                   type: Annotated[str | None, Query(description="PLOVER type or CAMEO prefix")] = None,
                   modality: str | None = None,
                   background: Annotated[str | None, Query(description="show (default) or hide")] = None,
                   story: StoryParam = None,
                   reports: Annotated[bool, Query(description="Every coded report instead of one record "
                                                              "per event (dyadscope events --reports)")] = False,
                   country: Annotated[str | None, Query(description="Either side's country or IGO code")] = None,
                   sector: Annotated[str | None, Query(description="Either side's sector code (GOV, MIL)")] = None,
                   quad_class: Annotated[str | None, Query(description="1-4, or several: 3,4")] = None,
                   min_confidence: MinConfidence = None, limit: Limit = 100, offset: Offset = 0) -> dict:
        q = event_query(actor, dyad, directed, since, until, type, modality, background, story, country, sector,
                        quad_class, min_confidence, db=db)
        return as_json(views.events(db, q, limit, offset, reports))

    @app.get("/api/events/{event_id}", tags=["api"], responses=ERRORS_404,
             summary="One event (or the event a report belongs to): its reports, sources and mentions in context")
    def api_event(db: DbDep, event_id: str) -> dict:
        return as_json(views.event(db, event_id))

    @app.get("/api/documents", tags=["api"], responses=ERRORS_422, summary="Documents, newest ingested first")
    def api_documents(db: DbDep, limit: Limit = 100, offset: Offset = 0) -> dict:
        return as_json(views.documents(db, limit, offset))

    @app.get("/api/documents/{doc_id}", tags=["api"], responses=ERRORS_404,
             summary="One document: clean text with removed boilerplate re-inserted, repairs, events")
    def api_document(db: DbDep, doc_id: str) -> dict:
        return as_json(views.document(db, doc_id))

    @app.get("/api/actors/{actor_id}", tags=["api"], responses=ERRORS_404, summary="An actor (id or country code) and its partners")
    def api_actor(db: DbDep, actor_id: str, limit: Limit = 100) -> dict:
        return as_json(views.actor(db, actor_id, limit))

    @app.get("/api/stories", tags=["api"], responses=ERRORS_422, summary="Stories, latest first (as `dyadscope stories`)")
    def api_stories(db: DbDep, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")] = 50,
                    offset: Offset = 0,
                    min_docs: Annotated[int, Query(ge=1, description="Only stories with this many documents")] = 1
                    ) -> dict:
        return as_json(views.stories(db, limit, offset, min_docs))

    @app.get("/api/stories/{story_id}", tags=["api"], responses=ERRORS_404,
             summary="One story (a unique id prefix will do): its documents and events")
    def api_story(db: DbDep, story_id: str,
                  limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Events to list")] = 200) -> dict:
        return as_json(views.story(db, story_id, limit))

    @app.get("/api/search", tags=["api"], responses=ERRORS_422, summary="Substring search (ILIKE) over documents and event sentences")
    def api_search(db: DbDep, q: Annotated[str, Query(description="2 to 200 characters")],
                   limit: Limit = 50) -> dict:
        return as_json(views.search(db, q, limit))

    # -- HTML pages ------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home_page(request: Request, db: DbDep):
        return page(request, "home.html", views.home(db))

    @app.get("/dyad/{a}/{b}", response_class=HTMLResponse, include_in_schema=False)
    def dyad_page(request: Request, db: DbDep, a: str, b: str, directed: bool = False,
                  since: str | None = None, until: str | None = None, type: str | None = None,
                  modality: str | None = None, background: str | None = None, story: str | None = None,
                  min_confidence: MinConfidence = None,
                  measure: str = "events", interval: str = "month", limit: Limit = 100, offset: Offset = 0):
        q = event_query(directed=directed, since=since, until=until, type=type,
                        modality=modality, background=background, story=story, min_confidence=min_confidence,
                        counts=True, db=db)
        view = dyad_views.dyad(db, a, b, q, measure, limit, offset, interval)
        return page(request, "dyad.html", view, spec=dyad_views.dyad_chart_spec(view))

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request, db: DbDep, actor: str | None = None, dyad: str | None = None,
                    directed: bool = False, since: str | None = None, until: str | None = None,
                    type: str | None = None, modality: str | None = None, background: str | None = None,
                    story: str | None = None, reports: bool = False, country: str | None = None,
                    sector: str | None = None, quad_class: str | None = None, min_confidence: MinConfidence = None,
                    limit: Limit = 100, offset: Offset = 0):
        q = event_query(actor, dyad, directed, since, until, type, modality, background, story, country, sector,
                        quad_class, min_confidence, db=db)
        return page(request, "events.html", views.events(db, q, limit, offset, reports))

    @app.get("/event/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, db: DbDep, event_id: str):
        return page(request, "event.html", views.event(db, event_id))

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request, db: DbDep, limit: Limit = 100, offset: Offset = 0):
        return page(request, "documents.html", views.documents(db, limit, offset))

    @app.get("/document/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, db: DbDep, doc_id: str):
        return page(request, "document.html", views.document(db, doc_id))

    @app.get("/actor/{actor_id}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(request: Request, db: DbDep, actor_id: str):
        return page(request, "actor.html", views.actor(db, actor_id))

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, db: DbDep, limit: Limit = 100, offset: Offset = 0,
                     min_docs: Annotated[int, Query(ge=1)] = 1):
        return page(request, "stories.html", views.stories(db, limit, offset, min_docs))

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, db: DbDep, story_id: str):
        return page(request, "story.html", views.story(db, story_id))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, db: DbDep, q: str = ""):
        if not q.strip():
            return page(request, "search.html", {"q": "", "documents": [], "events": [], "note": views.SEARCH_NOTE})
        return page(request, "search.html", views.search(db, q))

    return app


def _actor_label(a: dict | None) -> str:
    if not a:
        return "–"
    code = "".join(x for x in (a.get("country") or "", a.get("sector") or "") if x)
    name = a.get("name") or a.get("text") or "(not named)"
    return f"{name} ({code})" if code else name


# -- serving -------------------------------------------------------------------------------------
def _check_port(host: str, port: int) -> None:
    """Raise StoreError (one line for the user) when ``host:port`` cannot be listened on,
    before the server starts (uvicorn would print its own error and exit with status 3)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise StoreError(f"cannot serve on {host}:{port}: {exc.strerror or exc}; "
                             f"another server may be running there: try --port {port + 1}") from None


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, retries: int = 30, wait_s: float = 2.0) -> None:
    """Serve the store at ``db`` read-only on http://host:port until interrupted.

    Raises StoreError (one line for the user) when the store cannot be opened.
    """
    import uvicorn

    if not logging.getLogger().handlers and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    if not is_loopback(host):
        log.warning("serving on %s, which is not a loopback address: anyone who can reach this machine "
                    "can read the whole store (there is no login)", host)
    _check_port(host, port)
    store = open_read_only(db, retries=retries, wait_s=wait_s)
    app = create_app(store)
    log.info("serving %s read-only at http://%s:%d/ (OpenAPI at /api/openapi.json); Ctrl+C to stop",
             db, host if ":" not in host else f"[{host}]", port)
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        store.close()
