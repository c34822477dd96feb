"""Security headers, cache rules for personal pages, and htmx-aware login redirects."""

from flask import Flask, flash, make_response, redirect, request, url_for
from flask.globals import request_ctx
from flask_login import current_user
from werkzeug.exceptions import BadRequest, SecurityError

from gongfa.extensions import login_manager
from gongfa.web import htmx

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


def init_app(app: Flask) -> None:
    """Add headers to every response; answer a Host outside TRUSTED_HOSTS with the ordinary 400 page."""

    @app.errorhandler(SecurityError)
    def _untrusted_host(_error):
        # Flask refused the Host header before it could build URLs, so the error page (links, stylesheet)
        # would fail on url_for. Bind URL building to our own first trusted name and never to the one sent.
        own = (app.config.get("TRUSTED_HOSTS") or ["localhost"])[0].lstrip(".")
        request.__dict__["host"] = own
        request_ctx.url_adapter = app.url_map.bind(own, script_name=request.root_path or None,
                                                   url_scheme=request.scheme)
        return app.handle_http_exception(BadRequest())

    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        # Flask-WTF over HTTPS needs a Referer: never "no-referrer" (DESIGN §7).
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Pages for a logged-in person hold personal data: no shared or back-button caches.
        if request.endpoint != "static" and current_user and current_user.is_authenticated:
            h["Cache-Control"] = "no-store"
        return response


def unauthorized_response():
    """Send an expired or anonymous user to the login page, as a full page even under htmx."""
    login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if htmx.is_htmx():
        return htmx.hx_redirect(make_response("", 204), login_url)
    flash(str(login_manager.login_message), "info")
    return redirect(login_url)
