"""The case file and the agreement in the parties' languages (人民调解法 Art. 28–29; 新疆 bilingual forms).

Where a party chose Uyghur or Kazakh, the documents they sign and keep print Chinese and that language: each
heading and label in both, one after the other, and the texts the mediator wrote in both languages (the
agreement's facts and clauses, the session records) side by side, Chinese on the left and the Arabic-script
column on the right, where its reader starts. Where every party reads Chinese, the document is in the one
language asked for, as before.

Templates mark the labels with ``N_("…")`` (extracted like ``_``) and print them with ``bi(...)``.
"""

from datetime import date

from flask_babel import force_locale, gettext
from markupsafe import Markup, escape

from gongfa.i18n import DEFAULT_LOCALE, locale_info
from gongfa.web.rendering import fmt_date


def in_lang(lang: str, value, *args, **variables) -> str:
    """``value`` in ``lang``: a source string (gettext, ``%(name)s`` filled; dates in that language's format),
    or a function of ``args`` that gives a translated title (``ethnicity_title``, ``fmt_date``)."""
    with force_locale(lang):
        if callable(value):
            return value(*args)
        filled = {k: fmt_date(v) if isinstance(v, date) else v for k, v in variables.items()}
        return gettext(str(value), **filled)


def doc_languages(second: str | None, lang: str) -> list[str]:
    """The languages a document prints in: Chinese and the party's, or the one asked for (``lang``)."""
    return [DEFAULT_LOCALE, second] if second else [lang]


def helpers(second: str | None, lang: str) -> dict:
    """Template helpers for a document in ``doc_languages(second, lang)``: ``bi``, ``in_lang``, ``N_``, ``alt``…"""
    languages = doc_languages(second, lang)

    def bi(value, *args, **variables) -> Markup:
        """The label in the document's first language; in a bilingual document the second follows it, marked
        with its language and direction (a block of its own, so each keeps its own order)."""
        first = escape(in_lang(languages[0], value, *args, **variables))  # escape() gives Markup
        if len(languages) == 1:
            return first
        info = locale_info(languages[1])
        other = in_lang(languages[1], value, *args, **variables)
        if escape(other) == first:  # not translated yet (or a value typed before the lists): print it once
            return first
        return first + Markup('<span class="alt" lang="%s" dir="%s">%s</span>') % (info.html_lang, info.direction,
                                                                                     other)

    return {"bi": bi, "in_lang": in_lang, "N_": lambda s: s, "title_of": lambda member: member.title,
            "date_in": fmt_date, "languages": languages,
            "alt": second, "alt_info": locale_info(second) if second else None}
