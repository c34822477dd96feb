"""render_page(): a whole page or one of its blocks for htmx; template helpers and filters."""

import re
from datetime import date, datetime

from flask import Flask, current_app, make_response, render_template
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from jinja2_fragments.flask import render_block
from markupsafe import Markup, escape

from gongfa.clock import BEIJING
from gongfa.i18n import LOCALES, locale_info
from gongfa.web import htmx
from gongfa.web.langtext import user_text


def render_page(template: str, *, fragments: dict[str, str] | None = None, status: int = 200, **ctx):
    """Render ``template``, or only the block htmx asked for (by HX-Target, from ``fragments``).

    ``status`` is the HTTP status and nothing else: a page's own "status" (a filter, a record's state)
    must travel under another name, or a query string would set the response code.
    """
    if type(status) is not int:
        raise TypeError(f"render_page status must be an int, not {status!r}")
    block = htmx.wants_fragment(fragments)
    body = render_block(template, block, **ctx) if block else render_template(template, **ctx)
    response = make_response(body, status)
    return htmx.add_vary(response)


# What static/js/app.js does: focus an error summary, keep drafts of forms marked data-draft.
_APP_JS_WORK = re.compile(r'<[^<>]*?\s(?:id="error-summary"|data-draft=)')


def uses_app_js(html: str) -> bool:
    """True when rendered ``html`` has work for app.js (with htmx loaded it is always wanted: it also
    acts after each swap)."""
    return _APP_JS_WORK.search(html) is not None


def current_locale_code() -> str:
    """The request's normalised locale code (zh_Hans, ug or kk_Arab), as Flask-Babel uses it."""
    locale = get_locale()
    return str(locale) if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


def name_field() -> str:
    """zh / ug / kk: which translated name column to show."""
    return locale_info(current_locale_code()).name_field


class Untranslated(str):
    """Chinese text standing in for a missing Uyghur or Kazakh value (a name, an address).

    Still a plain ``str`` (select options, spreadsheets and calendar feeds use it as it is), but the
    filters that print it for a reader, ``ut`` on pages and ``isolate`` in PDFs, add a visible note saying
    the text is Chinese, so a reader is not left wondering why it is not in their language (issue 12 p. 3).
    """

    __slots__ = ()


def untranslated_note() -> str:
    """The short note after Chinese shown in place of a missing translation: "(汉文)" in the page's language."""
    from gongfa.i18n import _l  # local: lazy strings need an app context
    # i18n: after a name or address that has no Uyghur/Kazakh version yet and is shown in Chinese instead.
    # The word for the Chinese written language, as a reader of this page would say it (ug "خەنزۇچە").
    return f"({_l('汉文')})"


def in_reader_language(zh: str | None, own: str | None) -> str:
    """``own`` (the value in the page's language) or, when it is missing, ``zh`` marked as Untranslated.

    The one place the Chinese fallback is decided: local_name and local_text both go through it.
    """
    if own:
        return own
    if not zh or name_field() == "zh":
        return zh or ""
    return Untranslated(zh)


def local_text(obj, base: str) -> str:
    """Free text of a record in the page's language: ``obj.base`` is the Chinese (source) value,
    ``obj.base_ug`` / ``obj.base_kk`` the translations; a missing translation falls back to the Chinese,
    marked (Untranslated)."""
    if obj is None:
        return ""
    field = name_field()
    return in_reader_language(getattr(obj, base), None if field == "zh" else getattr(obj, f"{base}_{field}"))


def local_lines(obj, base: str) -> list[str]:
    """``local_text`` of a one-item-a-line field (services offered), as its non-empty lines, each still
    marked when it is a Chinese fallback."""
    text = local_text(obj, base)
    kind = type(text)
    return [kind(line.strip()) for line in text.splitlines() if line.strip()]


def ut(value, lang: str | None = None) -> Markup:
    """User text, isolated for bidi (a name in Arabic script inside Chinese text stays whole) and marked with
    its language where it differs from the page's (gongfa.web.langtext); ``lang`` names an Arabic-script
    record's language when known ("kk-Arab"). Chinese shown for a missing translation (Untranslated) gets
    a visible note after it."""
    marked = user_text(value, locale_info(current_locale_code()).html_lang, lang)
    if isinstance(value, Untranslated) and marked:
        marked += Markup(' <small class="untranslated">%s</small>') % untranslated_note()
    return marked


def ltr(value) -> Markup:
    """Phone numbers and codes: always left to right, also inside RTL text."""
    return Markup('<bdi dir="ltr">%s</bdi>') % escape(value)


def isolate(value) -> str:
    """User text wrapped in FSI…PDI, for PDFs: WeasyPrint has no unicode-bidi, so a Chinese name in a
    Uyghur line would otherwise be split around its "·" (DESIGN §7). Chinese shown for a missing
    translation (Untranslated) is followed by the same note as on pages."""
    if not value:
        return ""
    note = f" {untranslated_note()}" if isinstance(value, Untranslated) else ""
    return f"\u2068{value}\u2069{note}"


def isolate_ltr(value) -> str:
    """Phone numbers, codes and addresses in LRI…PDI for PDFs (a plain "1 / 17" prints "17 / 1" in RTL)."""
    return f"\u2066{value}\u2069" if value else ""


def local_name(obj) -> str:
    """An object's name in the current language (objects with ``name_in``): Untranslated when its name
    (for a service point, its unit's name) has no version in that language and the Chinese is shown."""
    if obj is None:
        return ""
    field = name_field()
    if hasattr(obj, "name_zh"):  # units, law firms (NamedMixin)
        return in_reader_language(obj.name_zh, None if field == "zh" else getattr(obj, f"name_{field}", None))
    name = obj.name_in(field)
    unit = getattr(obj, "unit", None)  # a service point: its unit's name and the kind of place
    return Untranslated(name) if unit is not None and isinstance(local_name(unit), Untranslated) else name


def bj_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """A datetime in Beijing time, with the zone said (DESIGN §7: two clocks)."""
    if value is None:
        return ""
    from gongfa.i18n import _l  # local: lazy strings need an app context
    return f"{format_datetime(value.astimezone(BEIJING), fmt)} ({_l('北京时间')})"


def fmt_date(value: date | None, fmt: str = "medium") -> str:
    """A date formatted for the locale (CLDR month names)."""
    return format_date(value, fmt) if value else ""


def hm(minutes: int | None) -> str:
    """A length of time as hours and minutes, "3:45" (never 3.75 or 0.02): the one way the app prints hours.

    Whole minutes in, as the models count them (``DutySession.minutes``, ``WorkLogEntry.minutes``); sums of
    a month run past 24 ("100:05"). Digits and a colon read the same in the right-to-left languages.
    """
    minutes = int(minutes or 0)
    sign, minutes = ("-", -minutes) if minutes < 0 else ("", minutes)
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def mask_phone(phone: str | None) -> str:
    """138****1234: masked in the data, not drawn over (DESIGN §6)."""
    p = phone or ""
    return p[:3] + "****" + p[-4:] if len(p) >= 11 else p


def mask_id(value: str | None) -> str:
    """6527**********1234: region kept, birth date and sequence hidden (masked in the data, like phones)."""
    v = value or ""
    return v[:4] + "*" * (len(v) - 8) + v[-4:] if len(v) >= 8 else "*" * len(v)


def init_app(app: Flask) -> None:
    """Register the context processor and filters."""

    @app.context_processor
    def _locale_context():
        info = locale_info(current_locale_code())
        return {
            "html_lang": info.html_lang,
            "html_dir": info.direction,
            "locale_code": info.code,
            "locales": LOCALES.values(),
            "babel_locale": get_locale(),
        }

    app.jinja_env.filters.update(
        ut=ut, ltr=ltr, isolate=isolate, isolate_ltr=isolate_ltr, local_name=local_name, local_text=local_text,
        local_lines=local_lines,
        bj_datetime=bj_datetime, fmt_date=fmt_date, hm=hm, mask_phone=mask_phone, mask_id=mask_id,
        number=format_decimal,
    )
    app.jinja_env.globals.update(name_field=name_field)
    app.jinja_env.tests.update(using_htmx=htmx.uses_htmx, using_app_js=uses_app_js)
