"""render_page(): a whole page or one of its blocks for htmx; template helpers and filters."""

import re
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.dates import format_time as babel_format_time
from babel.lists import format_list
from flask import Flask, current_app, make_response, render_template
from flask_babel import format_decimal, get_locale
from jinja2_fragments.flask import render_block
from markupsafe import Markup, escape

from gongfa.clock import BEIJING
from gongfa.i18n import LOCALES, locale_info
from gongfa.web import htmx
from gongfa.web.langtext import LRI, ltr_tokens, page_is_chinese, print_text, user_text


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
    word = _l("汉文")  # outside the f-string: the extractor does not look inside one
    return f"({word})"


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
    """Phone numbers, codes, time ranges: always left to right, also inside RTL text, and never broken over two
    lines ("0909-" / "2231348")."""
    return Markup('<bdi dir="ltr" class="nobr">%s</bdi>') % value if value else Markup("")


def ltr_runs(text) -> Markup:
    """A translated sentence with its formulas, times and numbers kept left to right on RTL pages (langtext)."""
    return ltr_tokens(text if isinstance(text, Markup) else str(text), locale_info(current_locale_code()).html_lang)


def isolate(value, lang: str | None = None) -> Markup:
    """User text wrapped in FSI…PDI, for PDFs: WeasyPrint has no unicode-bidi, so a Chinese name in a
    Uyghur line would otherwise be split around its "·" (DESIGN §7); marked with its language where it differs
    from the page's (langtext.print_text). Chinese shown for a missing translation (Untranslated) is followed by
    the same note as on pages."""
    marked = print_text(value, locale_info(current_locale_code()).html_lang, lang)
    if isinstance(value, Untranslated) and marked:
        marked += Markup(" %s") % untranslated_note()
    return marked


def pdf_name(value, lang: str | None = None) -> Markup:
    """A person's name in a PDF: isolated and marked like ``isolate``, and breaking only between its parts (at
    "·" or a space), never inside one: the letters of a Chinese part are joined by WORD JOINERs (U+2060, printed
    as nothing, not extracted), so a narrow column prints "古丽巴哈尔·" / "努尔买买提", not "古丽巴哈" / "尔·努尔"."""
    return isolate(glue_name(value), lang) if value else Markup("")


def glue_name(value) -> str:
    """A name whose Chinese parts cannot break inside: WORD JOINER between their letters (see pdf_name)."""
    return "·".join("\u2060".join(p) if "\u3400" <= p[:1] <= "\u9fff" else p for p in str(value).split("·"))


def isolate_ltr(value) -> Markup:
    """Phone numbers, codes, time ranges and addresses in LRI…PDI for PDFs (a plain "1 / 17" prints "17 / 1" in
    RTL), kept on one line."""
    if not value:
        return Markup("")
    return Markup('<span class="nobr">%s</span>') % print_text(value, locale_info(current_locale_code()).html_lang,
                                                               first=LRI)


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


# --- one date format, one date-time format and one list pattern per language (issue 12, point 7) -----------

def _locale() -> Locale:
    return get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])


def _date_pattern(locale: Locale, weekday: bool) -> str:
    """The locale's full date pattern (CLDR), without its weekday unless ``weekday``: one order of year, month
    and day for every date of a language ("2026年12月2日", "2026 2-دېكابىر")."""
    full = locale.date_formats["full"].pattern
    return full if weekday else re.sub(r"[\s,،]*E+[\s,،]*", " ", full).strip()


def fmt_date(value: date | None, weekday: bool = False) -> str:
    """A date in the language's one date format; ``weekday`` adds the day of the week the language's way."""
    if not value:
        return ""
    locale = _locale()
    return babel_format_date(value, _date_pattern(locale, weekday), locale=locale)


def fmt_weekday(value: date | None) -> str:
    """The short name of a date's day of the week, as a calendar's column heading."""
    return babel_format_date(value, "EEE", locale=_locale()) if value else ""


def fmt_time(value) -> str:
    """A clock time: "10:00" (24 hours, the same digits in the three languages)."""
    return value.strftime("%H:%M") if value else ""


def fmt_datetime(value: datetime | None, weekday: bool = False) -> str:
    """A moment (an aware datetime) in Beijing time: the language's date format, then the time, joined by the
    language's date-time pattern ("2026年12月1日 23:37", "2026 1-دېكابىر، 23:37")."""
    if value is None:
        return ""
    locale = _locale()
    local = value.astimezone(BEIJING) if value.tzinfo else value
    day = babel_format_date(local, _date_pattern(locale, weekday), locale=locale)
    time = babel_format_time(local, "HH:mm", locale=locale)
    return locale.datetime_formats["medium"].replace("'", "").format(time, day)


def fmt_month(value: date | None) -> str:
    """A month as a title: CLDR's year-month skeleton ("2026年12月", "2026 دېكابىر")."""
    return format_skeleton("yMMMM", value, locale=_locale()) if value else ""


def bj_datetime(value: datetime | None, fmt: str | None = None) -> str:
    """A datetime in Beijing time, with the zone said (DESIGN §7: two clocks)."""
    if value is None:
        return ""
    from gongfa.i18n import _l  # local: lazy strings need an app context
    zone = _l("北京时间")  # outside the f-string: the extractor does not look inside one
    return f"{fmt_datetime(value)} ({zone})"


def time_range(start, end) -> Markup:
    """"10:00–10:40": left to right and on one line, also in RTL text."""
    return ltr(f"{fmt_time(start)}–{fmt_time(end)}") if start and end else Markup("")


# CLDR's Uyghur list patterns are the root's English ("a, b, and c"); Uyghur joins a list with the Arabic
# comma and "ۋە" (and), as the Kazakh patterns do with "جانە".
_LIST_PATTERNS = {"ug": {"start": "{0}، {1}", "middle": "{0}، {1}", "end": "{0} ۋە {1}", "2": "{0} ۋە {1}"}}


class _ListLocale(Locale):
    """A Babel locale with the list patterns CLDR lacks (``_LIST_PATTERNS``)."""

    @property
    def list_patterns(self):
        own = _LIST_PATTERNS.get(self.language)
        return {"standard": own, "standard-narrow": own, "or": own} if own else super().list_patterns


def join_text(items, style: str = "standard") -> str:
    """Plain text items joined with the language's own list pattern (Babel ``format_list``: "甲、乙和丙",
    "a، b ۋە c"), never a Chinese "、" in Uyghur or Kazakh text: for spreadsheets and form choices."""
    items = [str(i) for i in items if i not in (None, "")]
    if not items:
        return ""
    locale = _locale()
    return format_list(items, style=style,
                       locale=_ListLocale(locale.language, locale.territory, locale.script, locale.variant))


def join_list(items, style: str = "standard") -> Markup:
    """``join_text`` for pages: items are escaped unless already markup (a ``|ut`` name stays isolated, so the
    "·" inside a name is never read as a list separator)."""
    joined = join_text([escape(i) for i in items if i not in (None, "")], style)
    return Markup(joined)  # noqa: S704 (the items are escaped above; CLDR's patterns hold no markup)


def colon() -> str:
    """The colon after a label: "：" in Chinese, ": " in Uyghur and Kazakh."""
    return "：" if _chinese_page() else ": "


def _chinese_page() -> bool:
    return page_is_chinese(locale_info(current_locale_code()).html_lang)


def paren_text(value) -> str:
    """A remark in brackets after a word, as plain text: "（…）" in Chinese, " (…)" in Uyghur and Kazakh (bidi
    mirrors them); never the full-width Chinese brackets inside RTL text."""
    if value in (None, ""):
        return ""
    return f"（{value}）" if _chinese_page() else f" ({value})"


def paren(value) -> Markup:
    """``paren_text`` for pages: the remark is escaped unless already markup."""
    if value in (None, ""):
        return Markup("")
    return Markup("（%s）") % value if _chinese_page() else Markup(" (%s)") % value


def comma() -> str:
    """The comma between clauses: "，" in Chinese, the Arabic "، " in Uyghur and Kazakh."""
    return "，" if _chinese_page() else "، "


def semicolon() -> str:
    """The semicolon between items that hold commas: "；" in Chinese, the Arabic "؛ " in Uyghur and Kazakh."""
    return "；" if _chinese_page() else "؛ "


def arrow() -> str:
    """"Before → after" in the reading direction: "→" in Chinese, "←" in Uyghur and Kazakh."""
    return "→" if _chinese_page() else "←"


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
            "colon": colon(),
            "arrow": arrow(),
            "comma": comma(),
            "semicolon": semicolon(),
        }

    app.jinja_env.filters.update(
        ut=ut, ltr=ltr, isolate=isolate, pdf_name=pdf_name, isolate_ltr=isolate_ltr, local_name=local_name,
        local_text=local_text, local_lines=local_lines,
        bj_datetime=bj_datetime, fmt_date=fmt_date, fmt_datetime=fmt_datetime, fmt_month=fmt_month,
        fmt_time=fmt_time, fmt_weekday=fmt_weekday,
        join_list=join_list, paren=paren, ltr_runs=ltr_runs, hm=hm, mask_phone=mask_phone, mask_id=mask_id,
        number=format_decimal,
    )
    app.jinja_env.globals.update(name_field=name_field, time_range=time_range, fmt_time=fmt_time)
    app.jinja_env.tests.update(using_htmx=htmx.uses_htmx, using_app_js=uses_app_js)
