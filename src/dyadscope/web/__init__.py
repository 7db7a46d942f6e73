"""Read-only web browser and JSON API over a dyadscope store (``dyadscope serve``).

Needs the optional ``web`` dependencies (FastAPI, uvicorn, Jinja2). See docs/WEB.md.
"""

from __future__ import annotations


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, **kwargs) -> None:
    """Serve the store at ``db`` on http://host:port (loopback by default)."""
    from .app import serve as _serve

    _serve(db, host, port, **kwargs)


def create_app(store, **kwargs):
    """The FastAPI app over a read-only Store (or a store path)."""
    from .app import create_app as _create_app

    return _create_app(store, **kwargs)


__all__ = ["serve", "create_app"]
