"""Fingerprinted static URLs: ``url_for('static', ...)`` gains ``?v=<hash>``, cached for a year.

Repeat visits then fetch no CSS or htmx at all (DESIGN §5). Hashes are computed once per process.
"""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, request

YEAR = 365 * 24 * 3600


@cache
def _digest(path: str) -> str | None:
    """First 10 hex digits of the file's SHA-256, or None when missing."""
    p = Path(path)
    if not p.is_file():
        return None
    return hashlib.sha256(p.read_bytes()).hexdigest()[:10]


def init_app(app: Flask) -> None:
    """Add ``v=`` to static URLs and long cache headers to fingerprinted responses."""
    static_root = Path(app.static_folder)

    @app.url_defaults
    def _fingerprint(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = _digest(str(static_root / values["filename"]))
            if digest:
                values["v"] = digest

    @app.after_request
    def _cache_static(response):
        if request.endpoint == "static" and response.status_code == 200 and response.direct_passthrough:
            # Our static files are small (CSS 5 KB, htmx 50 KB): read them into memory so that
            # Flask-Compress gzips them like pages (it cannot gzip a file stream) and the file is closed.
            response.direct_passthrough = False
            response.make_sequence()
        if request.endpoint == "static" and response.status_code in (200, 304):
            if request.args.get("v"):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"
        return response
