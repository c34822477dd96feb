"""How a person's name is shown: the one place that picks a staff member's name for a page, a PDF or a cell.

A name is recorded twice where the person has a name in their own script: ``User.full_name`` (the Chinese
form, as on ID cards and in the bureau's records) and ``User.full_name_native`` in the language
``User.native_lang`` (Uyghur or Kazakh, Arabic script; Mongol people's names in Uyghur letters, see
``NameLang``). A Uyghur or Kazakh page shows the native name; a Chinese page the Chinese form. Where
officials match people against Chinese records (the people admin list, the audit trail, PDFs inspectors
check) the other form follows. Every run in another language than the page carries its ``lang`` (WCAG 3.1.2).
"""

from flask import Flask
from markupsafe import Markup, escape

from gongfa.i18n import locale_info
from gongfa.people.models import User
from gongfa.web.langtext import ZH, page_is_chinese, script_of
from gongfa.web.rendering import current_locale_code, glue_name


def _page_lang() -> str:
    return locale_info(current_locale_code()).html_lang


def native_lang_of(user: User, page_lang: str) -> str:
    """The ``lang`` of ``user``'s native name: recorded, else the page's own (Arabic-script) language."""
    if user.native_lang:
        return user.native_lang.value
    return "ug" if page_is_chinese(page_lang) else page_lang


def _forms(user: User, page_lang: str, official: bool) -> list[tuple[str, str]]:
    """(text, lang) of the forms to show, the main one first."""
    chinese = (user.full_name, native_lang_of(user, page_lang) if script_of(user.full_name) == "Arab" else ZH)
    native = (user.full_name_native, native_lang_of(user, page_lang)) if user.full_name_native else None
    if native is None:
        return [chinese]
    main, other = (chinese, native) if page_is_chinese(page_lang) else (native, chinese)
    return [main, other] if official and other[0] != main[0] else [main]


def _html(text: str, lang: str, page_lang: str) -> Markup:
    direction = "rtl" if script_of(text) == "Arab" else "ltr" if script_of(text) == "Hans" else "auto"
    if lang == page_lang or (lang == ZH and page_is_chinese(page_lang)):
        return Markup('<bdi dir="%s">%s</bdi>') % (direction, text)
    return Markup('<bdi lang="%s" dir="%s">%s</bdi>') % (lang, direction, text)


def _pdf(text: str, lang: str, page_lang: str) -> Markup:
    # WeasyPrint has no unicode-bidi: the name is isolated with FSI…PDI inside its language's span.
    isolated = f"\u2068{glue_name(text)}\u2069"  # and a Chinese part breaks only at its "·" (pdf_name)
    if lang == page_lang or (lang == ZH and page_is_chinese(page_lang)):
        return escape(isolated)
    return Markup('<span lang="%s">%s</span>') % (lang, isolated)


def person(user: User | None, official: bool = False, pdf: bool = False) -> Markup:
    """A person's name for the page's language, marked and isolated (``official``: the other form follows)."""
    if user is None:
        return Markup("")
    page_lang = _page_lang()
    render = _pdf if pdf else _html
    forms = [render(text, lang, page_lang) for text, lang in _forms(user, page_lang, official)]
    if len(forms) == 1:
        return forms[0]
    return Markup('%s <span class="name-other">%s</span>') % (forms[0], forms[1])


def person_text(user: User | None, official: bool = False) -> str:
    """The same choice as plain text (select options, flash messages, spreadsheet cells)."""
    if user is None:
        return ""
    forms = [text for text, _lang in _forms(user, _page_lang(), official)]
    return " / ".join(forms)


def init_app(app: Flask) -> None:
    """Register the ``person`` and ``person_text`` template filters."""
    app.jinja_env.filters.update(person=person, person_text=person_text)
