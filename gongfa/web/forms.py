"""Base form, input filters and validators shared by every domain (GOV.UK error pattern, STYLE §2.7).

Every validator carries its own translated message: WTForms ships none for ug or kk_Arab.
"""

import re
import secrets
import unicodedata
from datetime import date

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TimeField,
    ValidationError,
)
from wtforms.validators import StopValidation
from wtforms.widgets import HiddenInput, Select, TextArea, html_params

from gongfa.i18n import _l
from gongfa.web.fonts import unprintable
from gongfa.web.params import MAX_ID
from gongfa.web.rendering import join_text

# Bidi controls (Trojan-Source style spoofing) and invisible characters.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
INVISIBLES = set("\u200b\u2060\ufeff\u00ad")
# Look-alike dots people type between the parts of a minority name (民委发〔2016〕33号: use U+00B7).
NAME_DOTS = "\u2022\u2219\u30fb\uff65\u2027\uff0e\u25cf\u22c5\u0387\u16eb\u2e31"
NAME_DOT_RE = re.compile(f"[{NAME_DOTS}]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Between the parts of a name: the middle dot, a space, a hyphen, an apostrophe; in traditional Mongolian also
# the vowel separator (U+180E, before a final a/e as in ᠰᠣᠯᠣᠩᠭ᠎ᠠ) and the narrow no-break space before a suffix.
NAME_PUNCTUATION = "\u00b7 -'\u180e\u202f"
FORM_TOKEN_BYTES = 24
FORM_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")  # what secrets.token_urlsafe(24) gives


def new_form_token() -> str:
    """A one-time token carried by a form, stored with a unique constraint: a double tap or a resubmit
    after a timeout gives back the record the first submit made (DESIGN §7)."""
    return secrets.token_urlsafe(FORM_TOKEN_BYTES)


def _shown(ch: str) -> str:
    """A character as a message can show it: invisible ones by their code point."""
    return f"U+{ord(ch):04X}" if unicodedata.category(ch)[0] in "CZM" else ch


def printable(_form, field):
    """Refuse characters no PDF font prints (an emoji, a rare character), naming them: what is accepted prints."""
    if not isinstance(field.data, str):
        return
    missing = unprintable(field.data)
    if missing:
        shown = join_text([f"“{_shown(ch)}”" for ch in missing[:5]], "standard-narrow")
        shown += "…" if len(missing) > 5 else ""
        # i18n: %(chars)s lists the characters in quotes, e.g. “👍”、“😀”.
        raise ValidationError(_("%(chars)s无法打印，请删去或换一种写法。", chars=shown))


def is_printed_text(field) -> bool:
    """Text a person types and the PDFs may print: every text field except passwords and hidden fields."""
    return isinstance(field, StringField) and not isinstance(field, PasswordField | HiddenField)


def _data_lang(value) -> dict:
    """``lang`` and ``dir`` for a box holding ``value`` when it is all in another script than the page."""
    from gongfa.i18n import locale_info
    from gongfa.web.langtext import ZH, page_is_chinese, script_of
    from gongfa.web.rendering import current_locale_code

    script = script_of(value if isinstance(value, str) else None)
    chinese_page = page_is_chinese(locale_info(current_locale_code()).html_lang)
    if script == "Hans" and not chinese_page:
        return {"lang": ZH, "dir": "ltr"}
    if script == "Arab" and chinese_page:
        return {"lang": "ug", "dir": "rtl"}
    return {}


class LangSelect(Select):
    """A select whose options in another script than the page carry their language (WCAG 3.1.2): a Chinese name
    offered on a Uyghur page is ``<option lang="zh-Hans">``; an option can hold no element to mark a part."""

    @classmethod
    def render_option(cls, value, label, selected, **kwargs):
        """The option, with ``lang`` (and ``dir``) when its whole label is in another script than the page."""
        if "lang" not in kwargs:
            kwargs = {**kwargs, **_data_lang(str(label))}
        return super().render_option(value, label, selected, **kwargs)


class GroupedSelect(LangSelect):
    """A select with labelled groups (``choices`` a dict of group label → choices), where the group labelled ""
    is plain options ahead of the groups: the "please choose" placeholder belongs to no group."""

    def __call__(self, field, **kwargs):
        """Render the select, its placeholder and its groups."""
        kwargs.setdefault("id", field.id)
        if field.flags.required:
            kwargs.setdefault("required", True)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for group, choices in field.iter_groups():
            if group:
                html.append(f"<optgroup {html_params(label=group)}>")
            html += [self.render_option(value, label, selected, **kw) for value, label, selected, kw in choices]
            if group:
                html.append("</optgroup>")
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704 -- html_params and render_option escape every value


def grouped_choices(placeholder: str, rows) -> dict[str, list]:
    """Choices for a ``GroupedSelect``: the placeholder, then ``(group, value, label)`` rows in their groups (a
    row whose group is "" goes with the placeholder, ahead of the groups)."""
    groups: dict[str, list] = {"": [("", placeholder)]}
    for group, value, label in rows:
        groups.setdefault(group or "", []).append((value, label))
    return groups


class BaseForm(FlaskForm):
    """All forms: CSRF on, no HTML5 validation (the server's messages are the translated ones).

    Every text field also refuses characters no print font has (``printable``), here once for all forms and
    the .xlsx import that re-uses them, so a record that was accepted always prints (DESIGN §2).
    """

    class Meta:
        def render_field(self, field, render_kw):
            """Hidden inputs render without an id: nothing labels them, and a page with several forms (a card
            per session, a button per booking) would repeat id="csrf_token" or id="version" in each, which
            HTML forbids (the W3C checker found 126 such duplicates). Browsers and the server go by name."""
            if isinstance(field.widget, HiddenInput):
                render_kw = {**render_kw, "id": False}  # WTForms leaves out an attribute whose value is False
            if type(field.widget) is Select:
                field.widget = LangSelect(multiple=field.widget.multiple)
            if isinstance(field.widget, TextArea) and "lang" not in render_kw:
                render_kw = {**render_kw, **_data_lang(field.data)}
            return super().render_field(field, render_kw)

    def with_id_prefix(self, prefix: str) -> "BaseForm":
        """This form with ``prefix`` before each field's id (labels, error links and radio options follow),
        names unchanged: for a page that shows the same form more than once (one per card) or two forms with
        a field of the same name, where ids would repeat. Returns the form, so a template can write
        ``{% set f = forms[s.id].with_id_prefix("s%d-" % s.id) %}``; calling it again changes nothing."""
        if not getattr(self, "_id_prefix", ""):
            self._id_prefix = prefix
            for field in self:
                field.id = prefix + field.id
                field.label.field_id = field.id
        return self

    def validate(self, extra_validators=None):
        """The fields' own validators, then the print check on every text field."""
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if is_printed_text(field):
                extra.setdefault(name, []).append(printable)
        return super().validate(extra_validators=extra)


def error_summary_items(form) -> list[tuple[str, str]]:
    """(field id, message) for each error, in field order, for the summary box at the top."""
    items = []
    for field in form:
        for message in field.errors:
            items.append((field.id, str(message)))
    return items


# --- filters (run before validation) -------------------------------------------------------


def strip(value):
    """Trim surrounding white space; leaves None alone."""
    return value.strip() if isinstance(value, str) else value


def clean_text(value):
    """NFC-normalise and trim free text."""
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def clean_name(value):
    """A person's or place's name: NFC, look-alike dots to U+00B7, invisibles removed, spaces folded."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value)
    value = NAME_DOT_RE.sub("\u00b7", value)
    value = "".join(ch for ch in value if ch not in INVISIBLES)
    value = re.sub(r"\s*\u00b7\s*", "\u00b7", value)
    # Runs of white space become one space, except Mongolian's narrow no-break space, which shapes the suffix.
    return re.sub(r"[^\S\u202f]+", " ", value).strip()


def clean_digits(value):
    """Full-width digits to ASCII (NFKC) and separators removed: phone numbers and codes."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFKC", value).strip()
    return re.sub(r"[\s\u00a0]", "", value)


# --- validators ----------------------------------------------------------------------------


def no_bidi_controls(_form, field):
    """Refuse bidi control characters, which can make one name look like another."""
    if isinstance(field.data, str) and any(ch in BIDI_CONTROLS for ch in field.data):
        raise ValidationError(_l("不能包含文字方向控制字符。"))


def no_control_chars(_form, field):
    """Refuse control characters (PostgreSQL cannot store NUL; SQLite can: keep both the same)."""
    if isinstance(field.data, str) and CONTROL_RE.search(field.data):
        raise ValidationError(_l("包含无法识别的控制字符。"))


def person_name(_form, field):
    """A full name: letters of any script, with · between parts; no digits or symbols."""
    value = field.data or ""
    if not value:
        return
    if any(ch.isdigit() for ch in value):
        raise ValidationError(_l("姓名中不能有数字。"))
    for ch in value:
        cat = unicodedata.category(ch)
        if not (cat.startswith(("L", "M")) or ch in NAME_PUNCTUATION):
            raise ValidationError(_l("姓名中只能有文字，少数民族姓名各部分之间用“·”分隔。"))
    if value.startswith("\u00b7") or value.endswith("\u00b7") or "\u00b7\u00b7" in value:
        raise ValidationError(_l("“·”只能用在姓名的两个部分之间。"))


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def phone_number(_form, field):
    """A mainland mobile (11 digits, 1[3-9]…) or a landline with area code (0909-1234567)."""
    value = field.data or ""
    if not value:
        return
    if value.startswith("+86"):
        value = value[3:]
        field.data = value
    if not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
        raise ValidationError(_l("请输入11位手机号，或带区号的固定电话（如 0909-2231348）。"))


def mobile_number(_form, field):
    """A mainland mobile number, 11 digits starting 13–19."""
    value = field.data or ""
    if value.startswith("+86"):
        value = value[3:]
        field.data = value
    if value and not MOBILE_RE.match(value):
        raise ValidationError(_l("请输入11位手机号码，如 13912345678。"))


USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,39}$")


def username_chars(_form, field):
    """Lower-case Latin letters, digits and . _ - (typed on any keyboard, read out by phone)."""
    if field.data and not USERNAME_RE.match(field.data):
        raise ValidationError(_l("用户名用3到40个小写字母、数字或 . _ -，以字母或数字开头。"))


def lower(value):
    """Lower-case and trim (usernames)."""
    return value.strip().lower() if isinstance(value, str) else value


# --- fields whose built-in messages WTForms only has in English/Chinese ----------------------


def _blank(valuelist) -> bool:
    """A browser sends an input left empty as an empty string: that is "no value", not a wrong one."""
    return bool(valuelist) and all(isinstance(v, str) and not v.strip() for v in valuelist)


class LocalDateField(DateField):
    """ISO date (YYYY-MM-DD) with a translated message for anything else (lunar, Hijri, junk).

    Left empty, it has no value: ``Optional()`` lets it pass, ``DataRequired`` asks for it.
    """

    def process_formdata(self, valuelist):
        """Parse, or keep the raw text and record our own message."""
        if _blank(valuelist):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("日期格式不对，请按 2026-12-01 的格式填写。"))) from error
        # A Hijri date like 1447-03-01 parses as ISO; no record of ours is that old or far ahead.
        if self.data is not None and not (date(2000, 1, 1) <= self.data <= date(2099, 12, 31)):
            self.data = None
            raise ValueError(str(_l("请填写2000年到2099年之间的日期（公历）。")))

    def pre_validate(self, form):
        """An unreadable date gets one message, not also "please fill in"."""
        if self.process_errors:
            raise StopValidation()


class LocalTimeField(TimeField):
    """HH:MM with a translated message for anything else; left empty, it has no value."""

    def process_formdata(self, valuelist):
        """Parse, or keep the raw text and record our own message."""
        if _blank(valuelist):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("时间格式不对，请按 19:00 的格式填写。"))) from error

    def pre_validate(self, form):
        """One message for an unreadable time."""
        if self.process_errors:
            raise StopValidation()


class ChoiceField(SelectField):
    """SelectField whose messages are ours, in the user's language.

    An empty value that the coercion cannot read (``coerce=int``) is no choice, not WTForms' English
    "Invalid Choice: could not coerce."
    """

    def process_formdata(self, valuelist):
        """Coerce the value sent; an empty one is None, an unreadable one gets our message."""
        if not valuelist:
            return
        try:
            self.data = self.coerce(valuelist[0])
        except (TypeError, ValueError) as error:
            self.data = None
            if not _blank(valuelist):
                raise ValueError(str(_l("请从列表中选择。"))) from error

    def pre_validate(self, form):
        """Refuse values that are not among the choices."""
        if not self.validate_choice or self.process_errors:
            return
        for value, _label, _selected, *_rest in self.iter_choices():
            if self.data == value or (self.data is None and value in (None, "")):
                return
        raise ValidationError(_l("请从列表中选择。"))


class LocalRadioField(RadioField):
    """RadioField whose "not a valid choice" message is ours, in the user's language."""

    def pre_validate(self, form):
        """Refuse a missing value or one that is not among the choices."""
        if self.data is None or not any(self.data == value for value, *_ in self.iter_choices()):
            raise ValidationError(_l("请从列表中选择一项。"))


class LocalIntegerField(IntegerField):
    """IntegerField with a translated message for text that is not a whole number; left empty, no value."""

    def process_formdata(self, valuelist):
        """Parse, or record our own message."""
        if _blank(valuelist):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("请填写整数。"))) from error
        if self.data is not None and abs(self.data) > MAX_ID:  # no database column holds it: an overflow
            self.data = None
            raise ValueError(str(_l("数字太大。")))


class FormTokenField(HiddenField):
    """The hidden one-time token of a form (``new_form_token``), stored with a unique constraint.

    Only that format is accepted (or nothing: then there is no double-submit protection); anything else,
    such as a NUL or a bidi control that PostgreSQL or a print would choke on, is refused with a message and
    replaced by a fresh token, so the next submit goes through without retyping the form.
    A form built from a record (``obj=entry`` to edit it) does not carry the record's token: it belongs to the
    submit that made the record, and tokens stored before this check may have another format.
    """

    def process_data(self, value):
        """Ignore the record's stored token; the view sets a new one on a form that creates something."""
        self.data = None

    def pre_validate(self, form):
        """Refuse a token new_form_token could not have made."""
        if self.data and not FORM_TOKEN_RE.fullmatch(self.data):
            self.data = new_form_token()
            raise ValidationError(_l("表单编号无效，已换成新的编号，请再提交一次。"))
