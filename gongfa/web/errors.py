"""Error pages in the user's language; a failed request is rolled back, never half-written."""

from flask import Flask, make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from gongfa.db import db
from gongfa.web import htmx

PAGES = {400, 403, 404, 405, 413, 429, 500}


def _page(code: int, **ctx):
    template = f"errors/{code if code in PAGES else 400}.html"
    return htmx.add_vary(make_response(render_template(template, code=code, **ctx), code))


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures and unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        db.session.rollback()
        return _page(400, csrf=True)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        db.session.rollback()
        if error.code and error.code < 400:
            return error
        return _page(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        db.session.rollback()
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise error
        app.logger.exception("unhandled error")
        return _page(500)
