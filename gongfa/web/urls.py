"""Absolute URLs for what leaves the screen: QR codes on notices, verification addresses in ledger footers."""

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint``, under PUBLIC_BASE_URL when it is set.

    Without it the request's host is used, which create_app has already checked against TRUSTED_HOSTS
    (loopback only, unless configured), so a forged Host header is refused before it can be printed.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
