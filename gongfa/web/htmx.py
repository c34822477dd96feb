"""The only module that reads or writes htmx's ``HX-*`` headers (STYLE §2.6), and the one that knows
which attributes make htmx act on a page.

We write these few lines ourselves rather than use htmx-flask (0.1.0, 2022: a missing comma fuses
two swap names) or flask-htmx (a thin request wrapper): the whole contract is below, and keeping it
in one file makes an htmx 4 upgrade (renamed headers) a one-file change.
"""

import re

from flask import Response, request

# An attribute, inside a tag, that makes htmx do something: send a request (hx-get … hx-delete, or a
# boosted link or form), run an hx-on handler or load an extension. Templates write them data-hx-*, which
# is valid HTML and which htmx reads like hx-* (tools/data_hx.py renames bare ones); both are matched here.
# Modifiers such as hx-target, hx-disabled-elt or hx-boost="false" do nothing on their own.
_ACTIVE_ATTRIBUTE = re.compile(
    r"""<[a-zA-Z][^<>]*?\s(?:data-)?hx-(?:(?:get|post|put|patch|delete|ext)\s*=|on[:-]|boost\s*=\s*["']?true)""")


def uses_htmx(html: str) -> bool:
    """True when rendered ``html`` has an element htmx would act on (so the page must load htmx)."""
    return _ACTIVE_ATTRIBUTE.search(html) is not None


def is_htmx() -> bool:
    """True when htmx sent this request."""
    return request.headers.get("HX-Request") == "true"


def is_boosted() -> bool:
    """True for a boosted link or form (the whole page is wanted)."""
    return request.headers.get("HX-Boosted") == "true"


def is_history_restore() -> bool:
    """True when htmx restores history after a cache miss (the whole page is wanted)."""
    return request.headers.get("HX-History-Restore-Request") == "true"


def target() -> str | None:
    """The id of the element htmx will swap into, if any."""
    return request.headers.get("HX-Target")


def targets(element_id: str) -> bool:
    """True when an htmx element on the page (not a boosted link or form, not a history restore) asked for
    the element ``element_id`` to be swapped: only then is that element alone the right answer."""
    return is_htmx() and not is_boosted() and not is_history_restore() and target() == element_id


def wants_fragment(allowed: dict[str, str] | None = None) -> str | None:
    """Which template block to render for this request, or None for the whole page.

    ``allowed`` maps HX-Target ids to block names; the client can never name an arbitrary block.
    With one block in ``allowed`` it is used whatever the target, since the page has one region.
    """
    if not is_htmx() or is_boosted() or is_history_restore() or not allowed:
        return None
    tgt = target()
    if tgt in allowed:
        return allowed[tgt]
    if len(allowed) == 1:
        return next(iter(allowed.values()))
    return None


def add_vary(response: Response) -> Response:
    """Caches must key on HX-Request: the same URL answers with a page or a fragment."""
    response.vary.add("HX-Request")
    return response


def hx_redirect(response: Response, url: str) -> Response:
    """Ask htmx to load ``url`` as a full page (used for expired sessions)."""
    response.headers["HX-Redirect"] = url
    return response


def hx_location(response: Response, url: str) -> Response:
    """Ask htmx to navigate to ``url`` as if boosted."""
    response.headers["HX-Location"] = url
    return response
