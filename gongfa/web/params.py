"""Values read from paths and query strings: ids that fit the database, page numbers, same-site redirects.

A number typed into a URL is ordinary input: one that does not fit a database id (≥ 2³¹, PostgreSQL's
INTEGER) must read as "not found", never reach the database as an overflow (a 500).
"""

from urllib.parse import urlsplit

from flask import request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids and counts are INTEGER columns: 4 bytes on PostgreSQL (SQLite's hold more)
MAX_PAGE = 100_000


def db_id(value: str) -> int:
    """A record id from a query string or form (``request.args.get("x", type=db_id)``): else ValueError."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise ValueError(value)
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


def page_number(value: str) -> int:
    """?page=: 1 up to MAX_PAGE; else ValueError (the caller's default applies)."""
    number = db_id(value)
    if number > MAX_PAGE:
        raise ValueError(value)
    return number


def small_int(value: str) -> int:
    """A version counter, a year or a quarter: a whole number below 2³¹; else ValueError."""
    number = int(value) if isinstance(value, str) and value.isascii() and value.lstrip("-").isdigit() else None
    if number is None or not -(2**31) < number < 2**31:
        raise ValueError(value)
    return number


class IdConverter(IntegerConverter):
    """``<int:…>`` in routes, limited to what a database id can hold: a larger number is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``: no open redirects.

    Refuses ``//host``, ``/\\host`` (browsers read a backslash as a slash), schemes, and control characters.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def page_arg() -> int:
    """This request's ?page= (1 when missing or not a page number)."""
    return request.args.get("page", 1, type=page_number)
