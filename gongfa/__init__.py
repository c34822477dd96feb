"""gongfa (公法): public legal services for 博州. ``create_app`` builds the Flask app."""

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, has_request_context, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from gongfa.config import DEFAULTS, DEV_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping | None = None) -> Flask:
    """Build the app: defaults → instance/config.py → GONGFA_* env → test_config, then extensions."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _register_converters(app)
    _configure(app, test_config)
    _trust_proxies(app)
    _register_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_web(app)
    return app


def _register_converters(app: Flask) -> None:
    """Before any route: ``<int:…>`` holds only numbers a database id can hold (a larger one is a 404)."""
    from gongfa.web.params import IdConverter

    app.url_map.converters["int"] = IdConverter


def _configure(app: Flask, test_config: Mapping | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("GONGFA")
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'gongfa.sqlite'}"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    if not app.testing and app.config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY) \
            and not os.environ.get("GONGFA_ALLOW_DEV_SECRET"):
        raise RuntimeError("Set SECRET_KEY in instance/config.py or GONGFA_SECRET_KEY (see README).")
    _configure_hosts(app)


LOOPBACK_HOSTS = ["localhost", "127.0.0.1"]


def _configure_hosts(app: Flask) -> None:
    """Decide which Host headers are answered, so none but ours reaches a printed URL (web/urls.py).

    TRUSTED_HOSTS as configured; else PUBLIC_BASE_URL's host and loopback; else, outside tests,
    loopback only: a server reached under another name answers 400 until it is configured.
    """
    base = app.config.get("PUBLIC_BASE_URL")
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") \
                or parts.query or parts.fragment:
            raise RuntimeError(f"PUBLIC_BASE_URL must be a scheme and host, like https://gongfa.example.cn: {base!r}")
        app.config["PUBLIC_BASE_URL"] = base.rstrip("/")
    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        hosts = [h.strip() for h in hosts.split(",") if h.strip()]
    if not hosts:  # werkzeug reads an empty list as "any host"
        if base:
            hosts = [urlsplit(base).hostname, *LOOPBACK_HOSTS]
        elif not app.testing:
            hosts = list(LOOPBACK_HOSTS)
        else:
            hosts = None
    app.config["TRUSTED_HOSTS"] = hosts


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT proxies, take the client's address and scheme from the headers they add.

    ProxyFix counts from the right, so a client's own X-Forwarded-For entries are never reached.
    """
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _select_locale() -> str:
    """User's saved choice, then this browser's choice, then Accept-Language, then Chinese."""
    from flask_login import current_user

    from gongfa.i18n import DEFAULT_LOCALE, LOCALES, best_locale

    code = None
    if not has_request_context():  # CLI commands and services called from tests
        return DEFAULT_LOCALE
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        code = current_user.locale
    if code is None and session.get("locale") in LOCALES:
        code = session["locale"]
    if code is None:
        code = best_locale(request.accept_languages)
    return code or DEFAULT_LOCALE


def _register_extensions(app: Flask) -> None:
    from gongfa.db import db
    from gongfa.extensions import babel, compress, csrf, limiter, login_manager, migrate
    from gongfa.i18n import check_babel_has_arabic_kazakh

    check_babel_has_arabic_kazakh()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "gongfa" / "migrations"),
                     render_as_batch=True, compare_type=True)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: "Asia/Shanghai")
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)

    from gongfa.auth import session_loader

    session_loader.init_app(app)


def _register_blueprints(app: Flask) -> None:
    # Each views module attaches its routes to its package's blueprint when imported.
    from gongfa.admin import org_views, people_views
    from gongfa.auth import views as auth_views
    from gongfa.duty import views as duty_views
    from gongfa.home import views as home_views
    from gongfa.ledger import views as ledger_views
    from gongfa.mediation import views as mediation_views
    from gongfa.public import booking as public_booking
    from gongfa.public import verify as public_verify
    from gongfa.public import village as public_village
    from gongfa.review import views as audit_views
    from gongfa.signup import views as signup_views
    from gongfa.worklog import views as worklog_views

    for module in (home_views, auth_views, org_views, people_views, duty_views, signup_views, mediation_views,
                   worklog_views, ledger_views, audit_views, public_village, public_booking, public_verify):
        app.register_blueprint(module.bp)


def _register_cli(app: Flask) -> None:
    from gongfa import cli

    cli.init_app(app)


def _register_web(app: Flask) -> None:
    from gongfa.web import assets, errors, rendering, security

    assets.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    rendering.init_app(app)
    from gongfa.people import display  # the core knows no domain: the person filter is registered here

    display.init_app(app)
